"""Opening a store: the schema check, the backup and the upgrade.

The app and every CLI command go through `open_store`, so no code path can
write to a database whose schema it does not understand.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError, OperationalError

from model import clock
from model.db import StoreError, make_engine, sqlite_file

MIGRATIONS = Path(__file__).parent / "migrations"

# The newest revision in MIGRATIONS, kept here so that opening an up-to-date
# store (every start but the first after an upgrade) never imports Alembic;
# a test checks it against the migration scripts.
HEAD_REVISION = "0003"


def _alembic_config(*, connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {
        script.revision
        for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()
    }


def current_revision(*, engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_sqlite(*, source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's online backup API, readable by the owner only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old_umask = os.umask(0o077)
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
    finally:
        os.umask(old_umask)
    target.chmod(0o600)
    return target


def timestamped_backup_path(*, db_file: Path, reason: str) -> Path:
    stamp = clock.now().format("YYYYMMDD-HHmmss")
    return db_file.with_name(f"{db_file.stem}.{reason}-{stamp}{db_file.suffix}")


def _first_line(error: BaseException | None) -> str:
    """Driver errors run over several lines; a user message is one."""
    return str(error).strip().splitlines()[0] if error else ""


@dataclass
class Opened:
    engine: Engine
    url: str
    upgraded_from: str | None = None
    backup: Path | None = None


def _check_sqlite_file(*, path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise StoreError(f"{path} is not a clientdeck database (not a SQLite file)")


def upgrade(*, engine: Engine) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection=connection), "head")


def open_store(*, url: str, migrate: bool = True) -> Opened:
    """Open, check and (when asked) upgrade the store at `url`.

    A database written by a newer clientdeck is refused before anything is
    written to it; an older SQLite file is backed up before it is upgraded.
    """
    path = sqlite_file(url=url)
    if path is not None:
        _check_sqlite_file(path=path)
        if path.exists() and not os.access(path, os.W_OK):
            raise StoreError(f"{path} is read-only; clientdeck needs to write to its database")
    where = path or make_url(url).render_as_string(hide_password=True)
    engine = make_engine(url=url)
    try:
        revision = current_revision(engine=engine)
    except (DatabaseError, OperationalError) as error:
        engine.dispose()
        reason = _first_line(error.orig)
        password = make_url(url).password
        if password:  # a driver may echo what it was given; the password stays out
            reason = reason.replace(str(password), "***")
        raise StoreError(f"cannot read the database at {where}: {reason}") from None
    opened = Opened(engine=engine, url=url)
    if revision == HEAD_REVISION:
        return opened
    if revision is not None and revision not in known_revisions():
        engine.dispose()
        raise StoreError(
            f"the database at {where} was written by a newer clientdeck "
            f"(schema {revision}); upgrade clientdeck to open it"
        )
    if not migrate:
        engine.dispose()
        raise StoreError(f"the database at {where} needs an upgrade: run 'clientdeck db upgrade'")
    if revision is not None and path is not None:
        opened.backup = backup_sqlite(
            source=path,
            target=timestamped_backup_path(db_file=path, reason=f"before-{HEAD_REVISION}"),
        )
    opened.upgraded_from = revision
    upgrade(engine=engine)
    return opened


def integrity_problems(*, engine: Engine) -> list[str]:
    """What `PRAGMA integrity_check` and `foreign_key_check` report (empty when healthy)."""
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return []
    with engine.connect() as connection:
        rows = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        problems = [row for row in rows if row != "ok"]
        problems += [
            f"foreign key: {table} row {rowid} → {parent}"
            for table, rowid, parent, _fk in connection.exec_driver_sql("PRAGMA foreign_key_check")
        ]
    return problems
