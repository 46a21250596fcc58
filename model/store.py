"""Opening a store: whose it is, the schema check, the backup and the upgrade.

The app and every CLI command go through `open_store`, so no code path can
write to a database whose schema it does not understand. A store is opened
only when it is empty (no tables or views at all) or clientdeck's own (an
`alembic_version` with a revision clientdeck knows, and clientdeck's tables);
anything else is refused before a byte of it changes. An existing SQLite file
is looked at through a read-only connection first, so even the switch to WAL
mode waits until the file is known to be clientdeck's.

A store without `alembic_version` but with clientdeck's tables is refused too,
not adopted: a migration may change data as well as the schema (fill a new
column, move rows), so a schema that matches the head's exactly does not prove
that the data went through the migrations, and stamping a version on it would
make clientdeck trust what nobody checked.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from model import clock
from model.db import (
    BUSY_TIMEOUT_MS,
    StoreError,
    make_engine,
    read_only_refusal,
    scrub,
    shown_url,
    sqlite_file,
    sqlite_read_uri,
)
from model.i18n import _

MIGRATIONS = Path(__file__).parent / "migrations"

# The newest revision in MIGRATIONS, kept here so that opening an up-to-date
# store (every start but the first after an upgrade) never imports Alembic;
# a test checks it against the migration scripts.
HEAD_REVISION = "0011"

# Tables every revision of clientdeck has had since the first: a store that lacks
# them is not clientdeck's, whatever its `alembic_version` says.
CORE_TABLES = frozenset({"client", "member", "sprint", "task", "taskevent", "timeentry"})

FOLDER_MODE = 0o700


def _alembic_config(*, connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {
        script.revision
        for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()
    }


def current_revision(*, engine: Engine) -> str | None:
    with engine.execution_options(clientdeck_read_only=True).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


# --- backups ---------------------------------------------------------------------------------


def _companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def backup_target(*, db_file: Path, target: Path | None, replace: bool = False) -> Path:
    """Where `clientdeck db backup [TARGET]` writes: a timestamped file beside the store,
    or inside TARGET when it is a folder, or TARGET itself when nothing is there yet
    (or `replace` says it may go). Anything else is refused with the reason."""
    if target is None:
        return timestamped_backup_path(db_file=db_file, reason="backup")
    if target.is_dir():
        return timestamped_backup_path(db_file=db_file, reason="backup", folder=target)
    if _check_folder_of(path=target):
        raise StoreError(_("the folder {folder} does not exist", folder=target.parent))
    if target.parent.resolve() == db_file.parent.resolve() and target.name in {
        db_file.name,
        *(companion.name for companion in _companions(db_file)),
    }:
        raise StoreError(_("{path} is the database itself; name another file", path=target))
    if target.exists() or target.is_symlink():
        if not replace:
            raise StoreError(_("{path} already exists: add --force to replace it", path=target))
        if not target.is_file():
            raise StoreError(_("{path} is not a regular file; it was left as it is", path=target))
    for companion in _companions(target):
        if companion.exists():
            raise StoreError(
                _(
                    "{path} has {companion} beside it, so it may be open in a program: "
                    "close it or name another file",
                    path=target,
                    companion=companion.name,
                )
            )
    return target


def backup_sqlite(*, source: Path, target: Path, replace: bool = False) -> Path:
    """A consistent copy through SQLite's online backup API, readable by the owner only.

    The source is read through a read-only connection; the copy is written beside
    `target` under a temporary name and renamed into place, so it is whole or absent.
    An existing `target` is replaced only when `replace` says so.
    """
    if target.exists() and not replace:
        raise StoreError(_("{path} already exists: add --force to replace it", path=target))
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    old_umask = os.umask(0o077)
    try:
        with (
            closing(sqlite3.connect(sqlite_read_uri(path=source), uri=True)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
        partial.chmod(0o600)
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise StoreError(
            _("could not write the copy {path}: {reason}", path=target, reason=error)
        ) from None
    finally:
        os.umask(old_umask)
        for leftover in (partial, *(_companions(partial)), Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return target


def timestamped_backup_path(*, db_file: Path, reason: str, folder: Path | None = None) -> Path:
    """`NAME.REASON-YYYYMMDD-HHmmss.db` in `folder` (the store's own by default); a second
    copy within the same second gets `-2`, `-3`…, so no copy ever replaces another."""
    stamp = clock.now().format("YYYYMMDD-HHmmss")
    place = folder if folder is not None else db_file.parent
    candidate = place / f"{db_file.stem}.{reason}-{stamp}{db_file.suffix}"
    number = 1
    while candidate.exists():
        number += 1
        candidate = place / f"{db_file.stem}.{reason}-{stamp}-{number}{db_file.suffix}"
    return candidate


# --- where a SQLite file is ------------------------------------------------------------------


def _first_line(error: BaseException | None) -> str:
    """Driver errors run over several lines; a user message is one."""
    lines = str(error).strip().splitlines() if error else []
    return lines[0] if lines else type(error).__name__ if error else ""


def _check_folder_of(*, path: Path) -> list[Path]:
    """The folders missing above `path`, deepest first; refused when a file stands in the way."""
    missing: list[Path] = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():
        raise StoreError(
            _(
                "{file} is a file, not a folder, so {path} cannot be made inside it",
                file=folder,
                path=path,
            )
        )
    return missing


def make_folders(*, path: Path) -> list[Path]:
    """Make the folders missing above `path`, each readable by its owner only."""
    missing = _check_folder_of(path=path)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
            folder.chmod(FOLDER_MODE)
        except FileExistsError:
            continue
        except OSError as error:
            raise StoreError(
                _(
                    "could not make the folder {folder}: {reason}",
                    folder=folder,
                    reason=error.strerror or error,
                )
            ) from None
    return missing


def _check_sqlite_place(*, path: Path, create: bool) -> bool:
    """Refuse a place no store can be at; make its folders when `create`; True when the
    file can be read but not written (the file or its folder is read-only)."""
    if path.is_dir():
        raise StoreError(_("{path} is a folder, not a database file", path=path))
    missing = _check_folder_of(path=path)
    if missing and not create:
        if len(missing) == 1:
            raise StoreError(
                _(
                    "the folder {folder} does not exist: add --create to make it "
                    "and the database {path} in it",
                    folder=missing[0],
                    path=path,
                )
            )
        raise StoreError(
            _(
                "the folders {top} … {folder} do not exist: add --create to make them "
                "and the database {path}",
                top=missing[-1],
                folder=missing[0],
                path=path,
            )
        )
    if missing:
        make_folders(path=path)
    folder = path.parent
    if not path.exists():
        if not os.access(folder, os.W_OK):
            raise StoreError(
                _(
                    "cannot create {path}: the folder {folder} is read-only",
                    path=path,
                    folder=folder,
                )
            )
        return False
    return not os.access(path, os.W_OK) or not os.access(folder, os.W_OK)


def _check_sqlite_file(*, path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise StoreError(
            _("cannot read {path}: {reason}", path=path, reason=error.strerror or error)
        ) from None
    if header != b"SQLite format 3\x00":
        raise StoreError(_("{path} is not a clientdeck database (not a SQLite file)", path=path))


# --- whose store it is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """What a store holds, read without writing: its revision and, unless it is at the
    head, the names of its tables and views (`alembic_version` left out)."""

    revision: str | None
    names: frozenset[str] = frozenset()


def survey_file(*, path: Path) -> Survey:
    """`survey` of an existing SQLite file through a connection that cannot write it, so a
    file that is not clientdeck's is not even switched to WAL mode."""
    with closing(
        sqlite3.connect(sqlite_read_uri(path=path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    ) as connection:
        names = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite~_%' ESCAPE '~'"
            )
        }
        revision = None
        if "alembic_version" in names:
            found = sorted(
                str(row[0]) for row in connection.execute("SELECT version_num FROM alembic_version")
            )
            revision = ",".join(found) or None
    if revision == HEAD_REVISION:
        return Survey(revision=revision)
    return Survey(revision=revision, names=frozenset(names - {"alembic_version"}))


def survey(*, engine: Engine) -> Survey:
    with engine.execution_options(clientdeck_read_only=True).connect() as connection:
        inspector = inspect(connection)
        revision = None
        if inspector.has_table("alembic_version"):
            found = sorted(
                str(row[0])
                for row in connection.execute(text("SELECT version_num FROM alembic_version"))
            )
            revision = ",".join(found) or None
        if revision == HEAD_REVISION:
            return Survey(revision=revision)
        names = set(inspector.get_table_names()) | set(inspector.get_view_names())
        return Survey(revision=revision, names=frozenset(names - {"alembic_version"}))


def _some(names: frozenset[str] | set[str]) -> str:
    shown = sorted(names)
    return ", ".join(shown[:3]) + (", …" if len(shown) > 3 else "")


def _judge(*, found: Survey, where: str) -> None:
    """Refuse a store that is not empty and not clientdeck's (or is a newer clientdeck's)."""
    revision = found.revision
    if revision == HEAD_REVISION:
        return
    ours = found.names >= CORE_TABLES
    if revision is None:
        if not found.names:
            return
        if ours:
            raise StoreError(
                _(
                    "{where} has clientdeck's tables but no schema version (no "
                    "alembic_version), so 'clientdeck db upgrade' cannot tell which "
                    "changes it needs; it was left as it is (restore a backup instead)",
                    where=where,
                )
            )
        raise StoreError(
            _(
                "{where} is not a clientdeck database: it holds tables clientdeck did not "
                "make ({names}); it was left as it is",
                where=where,
                names=_some(found.names),
            )
        )
    if revision not in known_revisions():
        if ours:
            raise StoreError(
                _(
                    "the database at {where} was written by a newer clientdeck "
                    "(schema {revision}); upgrade clientdeck to open it",
                    where=where,
                    revision=revision,
                )
            )
        raise StoreError(
            _(
                "{where} is not a clientdeck database: its schema version {revision} is "
                "not clientdeck's; it was left as it is",
                where=where,
                revision=revision,
            )
        )
    if not ours:
        raise StoreError(
            _(
                "{where} says it is at clientdeck's schema {revision} but lacks its tables "
                "({names}); it was left as it is",
                where=where,
                revision=revision,
                names=_some(CORE_TABLES - found.names),
            )
        )


# --- opening ---------------------------------------------------------------------------------


@dataclass
class Opened:
    engine: Engine
    url: str
    upgraded_from: str | None = None
    backup: Path | None = None
    read_only: bool = False
    """A SQLite file that can be read but not written: reads work, writes are refused."""


def upgrade(*, engine: Engine) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection=connection), "head")


def open_store(
    *, url: str, migrate: bool = True, create: bool = True, read_only: bool = False
) -> Opened:
    """Open, check and (when asked) upgrade the store at `url`.

    A store that is neither empty nor clientdeck's, or was written by a newer
    clientdeck, is refused before anything is written to it; an older SQLite file
    is backed up before it is upgraded, and an upgrade that fails is rolled back.
    A SQLite file that cannot be written is opened read-only (`Opened.read_only`).
    `create=False` refuses a SQLite file whose folder does not exist instead of
    making the folders. `read_only` opens any store so that it cannot be written (a
    shared screen): a SQLite file read-only, a server in read-only sessions; such a store
    is never created or upgraded, only refused with the reason.
    """
    path = sqlite_file(url=url)
    where = str(path) if path is not None else shown_url(url=url)
    asked = read_only
    existing = False
    if path is not None:
        read_only = _check_sqlite_place(path=path, create=create and not asked) or asked
        _check_sqlite_file(path=path)
        existing = path.exists() and path.stat().st_size > 0
        if asked and not existing:
            raise StoreError(
                _("{where} is read-only and holds no clientdeck data yet", where=where)
            )
    refusal = read_only_refusal if asked else None
    engine = None
    try:
        if path is not None and existing:  # judged before any engine touches it
            found = survey_file(path=path)
            _judge(found=found, where=where)
            engine = make_engine(url=url, read_only=read_only, refusal=refusal)
        else:
            engine = make_engine(url=url, read_only=read_only, refusal=refusal)
            found = survey(engine=engine)
            _judge(found=found, where=where)
    except (SQLAlchemyError, sqlite3.Error) as error:
        if engine is not None:
            engine.dispose()
        reason = scrub(text=_first_line(getattr(error, "orig", None) or error), url=url)
        raise StoreError(
            _("cannot read the database at {where}: {reason}", where=where, reason=reason)
        ) from None
    except BaseException:
        if engine is not None:
            engine.dispose()
        raise
    revision = found.revision
    if revision == HEAD_REVISION:
        return Opened(engine=engine, url=url, read_only=read_only)
    engine.dispose()
    if read_only:
        if revision is None:
            raise StoreError(
                _("{where} is read-only and holds no clientdeck data yet", where=where)
            )
        raise StoreError(
            _(
                "the database at {where} needs an upgrade (schema {revision} to {head}), "
                "but it is read-only",
                where=where,
                revision=revision,
                head=HEAD_REVISION,
            )
        )
    if not migrate:
        raise StoreError(
            _(
                "the database at {where} needs an upgrade: run 'clientdeck db upgrade'",
                where=where,
            )
        )
    opened = Opened(engine=make_engine(url=url), url=url, upgraded_from=revision)
    try:
        if revision is not None and path is not None:
            opened.backup = backup_sqlite(
                source=path,
                target=timestamped_backup_path(db_file=path, reason=f"before-{HEAD_REVISION}"),
            )
        upgrade(engine=opened.engine)
    except StoreError:
        opened.engine.dispose()
        raise
    except Exception as error:  # rolled back by upgrade's transaction: say so in one line
        opened.engine.dispose()
        reason = scrub(text=_first_line(getattr(error, "orig", None) or error), url=url)
        if revision is None:
            message = _(
                "could not create clientdeck's tables in {where}, nothing was written: {reason}",
                where=where,
                reason=reason,
            )
        else:
            message = _(
                "upgrading the database at {where} from schema {revision} failed and was "
                "undone, so it is as it was: {reason}",
                where=where,
                revision=revision,
                reason=reason,
            )
        if opened.backup is not None:
            message += "; " + _("the copy made before it is at {path}", path=opened.backup)
        raise StoreError(message) from None
    return opened


def integrity_problems(*, engine: Engine) -> list[str]:
    """What `PRAGMA integrity_check` and `foreign_key_check` report (empty when healthy)."""
    reader = engine.execution_options(clientdeck_read_only=True)
    if engine.dialect.name != "sqlite":
        with reader.connect() as connection:
            connection.execute(text("SELECT 1"))
        return []
    with reader.connect() as connection:
        rows = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        problems = [row for row in rows if row != "ok"]
        problems += [
            f"foreign key: {table} row {rowid} → {parent}"
            for table, rowid, parent, _fk in connection.exec_driver_sql("PRAGMA foreign_key_check")
        ]
    return problems
