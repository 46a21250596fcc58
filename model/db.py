"""Engines and transactions.

One function makes every engine so SQLite always gets WAL, foreign keys and a
busy timeout, and one context manager is the only way to write, so every write
is a single transaction that either lands whole or not at all.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import Table, event, insert, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from model.locations import (
    URL_WITHOUT_SLASHES,
    default_sqlite_path,
    sqlite_read_uri,
    store_value,
)

BUSY_TIMEOUT_MS = 15_000


class StoreError(Exception):
    """A store that cannot be opened or used; the message is for the user."""


class ReadOnlyError(StoreError):
    """A write asked of a store opened read-only: refused before it starts, said in one line."""


def resolve_url(*, db_path: str | None = None) -> str:
    """`--db`, then `CLIENTDECK_DB`, then the default file.

    Either one is a SQLAlchemy URL when it holds `://` and a SQLite file's path
    otherwise, so `--db postgresql+psycopg://…` opens that server and never
    becomes folders named after it, and `sqlite:///…` is a URL too (its scheme
    in any case). A back end's name and a colon without `//` (`sqlite:deck.db`)
    is refused rather than taken for a file of that name; `./sqlite:deck.db` is one.
    """
    value = store_value(db_path=db_path)
    if not value:
        return sqlite_url(path=default_sqlite_path())
    if "://" not in value:
        if shaped := URL_WITHOUT_SLASHES.match(value):
            from model.i18n import _

            raise StoreError(
                _(
                    "'{scheme}:' without '//' is neither a path nor a database URL: "
                    "write {scheme}://… for a URL, or ./{scheme}:… for a file of that name",
                    scheme=shaped.group(1),
                )
            )
        return sqlite_url(path=Path(value))
    scheme, rest = value.split("://", 1)
    value = f"{scheme.lower()}://{rest}"
    try:
        _check_url(url=value)
    except StoreError as error:  # a password in the query is as secret as one in the address
        raise StoreError(scrub(text=str(error), url=value)) from None
    return value


def _check_url(*, url: str) -> None:
    """A URL clientdeck can open, or a StoreError that never shows its password."""
    from sqlalchemy.exc import ArgumentError

    from model.i18n import _

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Unparsed, the password cannot be told apart: name only the scheme.
        scheme = url.split("://", 1)[0]
        raise StoreError(_("{scheme}://… is not a valid database URL", scheme=scheme)) from None
    shown = parsed.render_as_string(hide_password=True)
    try:
        parsed.get_dialect().import_dbapi()
    except ArgumentError:  # NoSuchModuleError: an unknown back end
        raise StoreError(
            _(
                "{url}: clientdeck cannot open a {scheme} database",
                url=shown,
                scheme=parsed.drivername,
            )
        ) from None
    except ImportError as error:
        module = error.name or parsed.drivername
        hint = " (pip install 'clientdeck[postgres]')" if module == "psycopg" else ""
        raise StoreError(
            _("{url} needs the Python module {module}", url=shown, module=module) + hint
        ) from None


# Query parameters whose values are as secret as a password (libpq's and drivers' names).
_SECRET_WORDS = ("pass", "pwd", "secret", "token", "key")


def _secrets(*, url: str) -> list[str]:
    try:
        parsed = make_url(url)
    except Exception:  # an unparsed URL: nothing can be told apart
        return []
    found = [str(parsed.password)] if parsed.password else []
    for key, value in parsed.query.items():
        if any(word in key.lower() for word in _SECRET_WORDS):
            found += [value] if isinstance(value, str) else list(value)
    return [secret for secret in found if secret]


def shown_url(*, url: str) -> str:
    """`url` as a message may show it: the password, in the address or the query, as ***."""
    try:
        parsed = make_url(url)
    except Exception:  # unparsed, a password cannot be told apart: the scheme only
        return url.split("://", 1)[0] + "://…"
    hidden = {
        key: "***" for key in parsed.query if any(word in key.lower() for word in _SECRET_WORDS)
    }
    if hidden:
        parsed = parsed.update_query_dict(hidden)
    # The query is percent-encoded when rendered: the stars of a hidden value too.
    return parsed.render_as_string(hide_password=True).replace("=%2A%2A%2A", "=***")


def scrub(*, text: str, url: str) -> str:
    """`text` (a driver's message, say) without any secret of `url` in it."""
    for secret in sorted(_secrets(url=url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def sqlite_url(*, path: Path) -> str:
    """The URL of a SQLite file; `?`, `#` and `%` in its name stay part of the name."""
    database = str(path.expanduser().absolute())
    return URL.create("sqlite", database=database).render_as_string(hide_password=False)


def sqlite_file(*, url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other back ends and memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _unicode_lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite's own lower() folds ASCII only; "Настроить" must match "настроить"
    # in filters and searches as it does on PostgreSQL.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # A writer takes the lock at BEGIN (not at its first write) so a second
    # process waits on busy_timeout instead of failing with "database is
    # locked" when two deferred transactions try to upgrade their locks at once.
    # Readers begin deferred and never block anyone in WAL mode.
    read_only = conn.get_execution_options().get("clientdeck_read_only", False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _sqlite_read_pragmas(dbapi_connection, _record) -> None:
    # As _sqlite_pragmas, less what would write: the file keeps its journal mode.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _refusing_writes(*, refusal: Callable[[], str], sqlite: bool) -> Callable:
    """A `begin` listener for a read-only store: readers go on, a writer gets `refusal()`
    (said in the language in use when the write is asked for)."""

    def begin(conn) -> None:
        if not conn.get_execution_options().get("clientdeck_read_only", False):
            raise ReadOnlyError(refusal())
        if sqlite:
            conn.exec_driver_sql("BEGIN")

    return begin


def _file_refusal(*, path: Path) -> Callable[[], str]:
    from model.i18n import _

    return lambda: _(
        "{path} is read-only: clientdeck can read it (export, report) but cannot change it",
        path=path,
    )


def read_only_refusal() -> str:
    from model.i18n import _

    return _("the database is open read-only here: nothing can be changed")


def _read_only_session(dbapi_connection, _record) -> None:
    # The server itself refuses every write on this connection, whatever asks for it.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_connection.commit()


def make_engine(
    *, url: str, read_only: bool = False, refusal: Callable[[], str] | None = None
) -> Engine:
    """The engine of `url`. `read_only` reads a SQLite file through `sqlite_read_uri`, and
    a PostgreSQL server in read-only sessions, so the store itself refuses writes; every
    transaction that is not `reading` is refused before that with a ReadOnlyError saying
    `refusal` (by default, that the SQLite file is read-only)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_file(url=url)
        read_only = read_only and path is not None
        kwargs: dict = {
            "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        }
        begin: Callable = _sqlite_begin
        if path is None:
            kwargs["poolclass"] = StaticPool
        elif read_only:
            uri = sqlite_read_uri(path=path)
            kwargs["creator"] = lambda: sqlite3.connect(
                uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            begin = _refusing_writes(refusal=refusal or _file_refusal(path=path), sqlite=True)
        else:
            if not path.parent.exists():  # the data folder: its owner's only
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                path.parent.chmod(0o700)
            if not path.exists():
                old_umask = os.umask(0o077)
                try:
                    path.touch()
                finally:
                    os.umask(old_umask)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_read_pragmas if read_only else _sqlite_pragmas)
        # pysqlite's own transaction handling is turned off so BEGIN is ours.
        event.listen(engine, "connect", lambda conn, _rec: setattr(conn, "isolation_level", None))
        event.listen(engine, "begin", begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if read_only:
        event.listen(engine, "connect", _read_only_session)
        event.listen(
            engine,
            "begin",
            _refusing_writes(refusal=refusal or read_only_refusal, sqlite=False),
        )
    return engine


_committed: list[Callable[[Engine], None]] = []


def on_commit(callback: Callable[[Engine], None]) -> Callable[[], None]:
    """Be told after each of this process's own writes (the app tells them from others').

    Returns the function that stops the telling.
    """
    _committed.append(callback)
    return lambda: _committed.remove(callback)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose changes commit together at the end of the block or not at all."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
    for callback in _committed:
        callback(engine)


_views: ContextVar[dict[int, Session] | None] = ContextVar("clientdeck_views", default=None)
"""The read session of each engine's `one_view` open in this context, by engine identity."""


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for queries only: inside `one_view` of the same engine, the view's own."""
    shared = (_views.get() or {}).get(id(engine))
    if shared is not None:
        yield shared
        return
    bind = engine.execution_options(clientdeck_read_only=True)
    with Session(bind, expire_on_commit=False) as session:
        yield session


@contextmanager
def one_view(engine: Engine) -> Iterator[None]:
    """Every read in the block shares one read transaction: a screen's view costs one
    BEGIN and one end instead of one of each per query (on a server each is a round trip),
    and what it shows is one moment of the data. Writes keep their own transactions, so
    a view is for reading what is already committed."""
    views = _views.get() or {}
    if id(engine) in views:
        yield
        return
    with reading(engine) as session:
        token = _views.set({**views, id(engine): session})
        try:
            yield
        finally:
            _views.reset(token)


INSERT_CHUNK = 5_000


def bulk_insert(session: Session, *, table: Table, rows: list[dict]) -> None:
    """Many rows through Core inserts in chunks: the ORM's per-object cost is what makes
    a scale-25 demo or a restore slow, and one huge statement hits driver limits."""
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(table), rows[start : start + INSERT_CHUNK])


def advance_sequences(session: Session, *, tables: Sequence[Table]) -> None:
    """PostgreSQL does not move a serial's sequence past ids given explicitly; do it here."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:name, 'id'), max(id)) FROM \"{table.name}\""
            ),
            {"name": f'"{table.name}"'},
        )
