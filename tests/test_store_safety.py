"""Nothing lost, nothing leaked: a store that is not clientdeck's, or cannot be written, or is
named wrongly, is refused in one line and left exactly as it was (model/store.py, model/db.py).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import model.store as store_module
from model.db import StoreError, make_engine, resolve_url, sqlite_url, transaction
from model.members import team
from model.store import open_store
from tests.agency import build
from tui.cli import run

HEAD = store_module.HEAD_REVISION


# --- helpers ---------------------------------------------------------------------------------


def digest(path: Path) -> str:
    """The content of a SQLite store: the file and its write-ahead log, if any."""
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return hashlib.sha256(data).hexdigest()


def names_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        names = {name for (name,) in rows}
    connection.close()
    return names


def execute(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def version_of(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


def one_line(capsys, *, code: int, argv: list[str]) -> str:
    """Run `argv`; it must exit with `code` and say one line on stderr, no traceback."""
    assert run(argv) == code, capsys.readouterr()
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("clientdeck: ") and "Traceback" not in err, err
    return err


@pytest.fixture
def agency_db(tmp_path, frozen) -> Path:
    """clientdeck's store with the small agency in it, closed."""
    path = tmp_path / "agency.db"
    opened = open_store(url=sqlite_url(path=path))
    build(opened.engine)
    opened.engine.dispose()
    return path


@pytest.fixture
def other_program(tmp_path) -> Path:
    """Someone else's SQLite file: one table of notes, in the default rollback-journal mode."""
    path = tmp_path / "other.db"
    execute(
        path,
        "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)",
        "INSERT INTO note (body) VALUES ('buy milk')",
    )
    return path


def as_read_only(monkeypatch, *paths: Path) -> None:
    """Make `paths` unwritable for this process, as the OS would say to their normal user
    (the suite may run as root, whom permission bits do not stop)."""
    for path in paths:
        path.chmod(0o500 if path.is_dir() else 0o400)
    real_access = os.access
    denied = {path.resolve() for path in paths}

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path).resolve() in denied:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


@pytest.fixture
def restore_modes():
    """Paths whose modes a test takes away, given back so tmp_path can be cleaned."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        path.chmod(0o700 if path.is_dir() else 0o600)


# --- 1. another program's database is not clientdeck's to change ------------------------------


COMMANDS = [
    ["add", "NWB: x"],
    ["db", "upgrade"],
    ["db", "check"],
    ["db", "backup"],
    ["export", "json"],
    ["demo", "--scale", "0"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv))
def test_another_programs_sqlite_file_is_refused_untouched(other_program, tmp_path, capsys, argv):
    before = other_program.read_bytes()
    err = one_line(capsys, code=1, argv=[*argv, "--db", str(other_program)])
    assert "not a clientdeck database" in err and "note" in err
    assert other_program.read_bytes() == before
    assert names_in(other_program) == {"note"}
    # Not even switched to WAL mode, and no copy or journal of it left behind.
    with sqlite3.connect(other_program) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    connection.close()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["other.db"]


@pytest.mark.parametrize(
    ("statements", "says"),
    [
        (["CREATE VIEW answer AS SELECT 42 AS n"], "not a clientdeck database"),
        (
            [
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
                "INSERT INTO alembic_version VALUES ('4f2e1c9a7b3d')",
                "CREATE TABLE users (id INTEGER PRIMARY KEY)",
            ],
            "not a clientdeck database",
        ),
        (
            [
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
                "INSERT INTO alembic_version VALUES ('0001')",
                "CREATE TABLE client (id INTEGER PRIMARY KEY)",
            ],
            "lacks its tables",
        ),
        (
            [
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
                "CREATE TABLE task (id INTEGER PRIMARY KEY)",
            ],
            "not a clientdeck database",
        ),
    ],
    ids=["only-a-view", "another-alembic-app", "our-version-not-our-tables", "empty-version"],
)
def test_a_sqlite_file_that_is_not_clientdecks_is_refused(tmp_path, capsys, statements, says):
    path = tmp_path / "foreign.db"
    execute(path, *statements)
    before = path.read_bytes()
    err = one_line(capsys, code=1, argv=["add", "NWB: x", "--db", str(path)])
    assert says in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign.db"]


@pytest.mark.parametrize("kind", ["no file", "empty file", "no tables"])
def test_an_empty_store_is_still_made_a_clientdeck_store(tmp_path, kind):
    path = tmp_path / "new.db"
    if kind == "empty file":
        path.touch()
    elif kind == "no tables":
        execute(path, "CREATE TABLE scratch (x)", "DROP TABLE scratch")
        assert path.exists() and names_in(path) == set()
    opened = open_store(url=sqlite_url(path=path))
    opened.engine.dispose()
    assert version_of(path) == HEAD and "task" in names_in(path)


@pytest.fixture
def pg_database(request):
    """A new, empty PostgreSQL database (not from the clientdeck template): its URL."""
    admin, url = request.getfixturevalue("postgres_template")
    name = f"clientdeck_foreign_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")


def pg_tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def pg_run(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statements",
    [
        ["CREATE TABLE invoice (id serial PRIMARY KEY, total numeric)"],
        [
            "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)",
            "INSERT INTO alembic_version VALUES ('ae1027a6acf')",
            "CREATE TABLE invoice (id serial PRIMARY KEY)",
        ],
    ],
    ids=["a-table", "another-alembic-app"],
)
def test_another_programs_postgresql_database_is_refused_untouched(pg_database, capsys, statements):
    pg_run(pg_database, *statements)
    before = pg_tables(pg_database)
    err = one_line(capsys, code=1, argv=["add", "NWB: x", "--db", pg_database])
    assert "not a clientdeck database" in err
    assert pg_tables(pg_database) == before


@pytest.mark.postgres
def test_an_empty_postgresql_database_becomes_a_store(pg_database):
    opened = open_store(url=pg_database)
    opened.engine.dispose()
    assert {"alembic_version", "task", "client"} <= pg_tables(pg_database)


# --- 2. a store clientdeck cannot vouch for: one line, never a traceback ----------------------


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_store_without_alembic_version_is_refused_not_guessed(store, capsys):
    """On both back ends: clientdeck's tables, no version. Refused, as model/store.py explains."""
    url = url_of(store)
    with store.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    store.dispose()
    with pytest.raises(StoreError) as refused:
        open_store(url=url)
    message = str(refused.value)
    assert "no schema version" in message and "clientdeck db upgrade" in message
    tables = set(inspect(store).get_table_names())
    assert "alembic_version" not in tables and "task" in tables


def test_db_upgrade_of_a_store_without_a_version_is_one_line(agency_db, capsys):
    execute(agency_db, "DROP TABLE alembic_version")
    before = digest(agency_db)
    err = one_line(capsys, code=1, argv=["db", "upgrade", "--db", str(agency_db)])
    assert "no schema version" in err and "cannot tell" in err
    assert digest(agency_db) == before
    assert not list(agency_db.parent.glob("*.before-*"))


def test_a_failed_upgrade_is_rolled_back_in_one_line_and_its_backup_stays(agency_db, capsys):
    """alembic_version set back to 0001 over 0002's indexes: the upgrade cannot create them."""
    execute(agency_db, "UPDATE alembic_version SET version_num = '0001'")
    before = digest(agency_db)
    err = one_line(capsys, code=1, argv=["db", "upgrade", "--db", str(agency_db)])
    assert "failed and was undone" in err and "ix_timeentry_end" in err
    (backup,) = agency_db.parent.glob("agency.before-*.db")
    assert str(backup) in err
    assert digest(agency_db) == before
    assert version_of(agency_db) == "0001" and version_of(backup) == "0001"


def test_a_failed_upgrade_undoes_the_steps_that_had_worked(agency_db):
    """The first index of 0002 can be made, the second cannot: the first is undone too."""
    execute(
        agency_db,
        "DROP INDEX ix_timeentry_end",
        "UPDATE alembic_version SET version_num = '0001'",
    )
    before = digest(agency_db)
    with pytest.raises(StoreError, match="ix_task_updated_at"):
        open_store(url=sqlite_url(path=agency_db))
    assert digest(agency_db) == before
    assert "ix_timeentry_end" not in names_in(agency_db)


def test_a_failed_upgrade_is_rolled_back_on_every_back_end(store):
    url = url_of(store)
    with store.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_timeentry_end")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    store.dispose()
    with pytest.raises(StoreError, match="failed and was undone"):
        open_store(url=url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert version.scalar() == "0001"
            indexes = {index["name"] for index in inspect(connection).get_indexes("timeentry")}
        assert "ix_timeentry_end" not in indexes
    finally:
        engine.dispose()


def test_db_backup_into_a_folder_writes_a_dated_copy_inside(agency_db, tmp_path, capsys, frozen):
    folder = tmp_path / "backups"
    folder.mkdir()
    assert run(["db", "backup", str(folder), "--db", str(agency_db)]) == 0
    (copy,) = folder.iterdir()
    assert capsys.readouterr().out.strip() == str(copy)
    assert copy.name == "agency.backup-20261118-083000.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert names_in(copy) == names_in(agency_db)
    # A second copy within the same second does not replace the first.
    assert run(["db", "backup", str(folder), "--db", str(agency_db)]) == 0
    assert len(list(folder.iterdir())) == 2


# --- 3. smaller: backups, the notice, read-only stores, folders, URLs ---------------------------


def test_db_backup_refuses_to_overwrite_a_file_unless_forced(agency_db, tmp_path, capsys):
    target = tmp_path / "mine.db"
    target.write_text("my own notes, not a database\n")
    err = one_line(capsys, code=1, argv=["db", "backup", str(target), "--db", str(agency_db)])
    assert "already exists" in err and "--force" in err
    assert target.read_text() == "my own notes, not a database\n"
    assert run(["db", "backup", str(target), "--force", "--db", str(agency_db)]) == 0
    assert names_in(target) == names_in(agency_db)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("agency.db", "the database itself"),
        ("missing/copy.db", "does not exist"),
        ("plain.txt/copy.db", "is a file, not a folder"),
    ],
)
def test_db_backup_to_a_place_it_cannot_go_is_one_line(agency_db, capsys, target, says):
    (agency_db.parent / "plain.txt").write_text("x")
    before = digest(agency_db)
    where = agency_db.parent / target
    err = one_line(capsys, code=1, argv=["db", "backup", str(where), "--db", str(agency_db)])
    assert says in err
    assert digest(agency_db) == before
    assert not (agency_db.parent / "missing").exists()


def older_store(path: Path) -> None:
    """A store at revision 0002, as the previous release left it."""
    engine = make_engine(url=sqlite_url(path=path))
    with engine.begin() as connection:
        command.upgrade(store_module._alembic_config(connection=connection), "0002")
    engine.dispose()


def test_the_app_shows_the_backup_notice_on_its_screen(tmp_path, capsys, monkeypatch):
    from tui.app import ClientDeck

    path = tmp_path / "old.db"
    older_store(path)
    shown: list[list[str]] = []
    monkeypatch.setattr(ClientDeck, "run", lambda self, *a, **k: shown.append(self.notices))
    assert run(["--db", str(path)]) == 0
    (backup,) = tmp_path.glob("old.before-*.db")
    (notices,) = shown
    assert any(str(backup) in notice and "upgraded" in notice for notice in notices)


async def test_the_backup_notice_is_a_toast_when_the_app_starts(tmp_path, monkeypatch):
    from tui.app import ClientDeck

    path = tmp_path / "old.db"
    older_store(path)
    apps: list[ClientDeck] = []
    monkeypatch.setattr(ClientDeck, "run", lambda self, *a, **k: apps.append(self))
    assert run(["--db", str(path)]) == 0
    (app,) = apps
    toasts: list[str] = []
    plain_notify = ClientDeck.notify

    def notify(self, message, *args, **kwargs):
        toasts.append(str(message))
        return plain_notify(self, message, *args, **kwargs)

    monkeypatch.setattr(ClientDeck, "notify", notify)
    app.animation_level = "none"
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
    app.engine.dispose()
    (backup,) = tmp_path.glob("old.before-*.db")
    assert any(str(backup) in toast for toast in toasts), toasts


READ_COMMANDS = [
    ["export", "json"],
    ["report", "hours", "--client", "NWB", "--month", "2026-11"],
    ["db", "check"],
]


@pytest.mark.parametrize("argv", READ_COMMANDS, ids=lambda argv: " ".join(argv[:2]))
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store_still_answers_the_read_commands(
    agency_db, capsys, monkeypatch, restore_modes, argv, what
):
    before = digest(agency_db)
    denied = [agency_db] if what == "file" else [agency_db.parent]
    restore_modes += denied
    as_read_only(monkeypatch, *denied)
    assert run([*argv, "--db", str(agency_db)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out
    assert digest(agency_db) == before


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store_refuses_a_write_in_one_line(
    agency_db, capsys, monkeypatch, restore_modes, what
):
    before = digest(agency_db)
    denied = [agency_db] if what == "file" else [agency_db.parent]
    restore_modes += denied
    as_read_only(monkeypatch, *denied)
    for argv in (["add", "NWB: x"], ["client", "add", "Acme Corp", "--code", "ACME"]):
        err = one_line(capsys, code=1, argv=[*argv, "--db", str(agency_db)])
        assert "read-only" in err and str(agency_db) in err
    err = one_line(capsys, code=1, argv=["--db", str(agency_db)])  # the app writes
    assert "read-only" in err
    assert digest(agency_db) == before


def test_a_store_in_a_read_only_folder_is_read_as_immutable(agency_db, monkeypatch, restore_modes):
    """Not even the WAL index can be made beside it: SQLite is told the file cannot change."""
    for companion in agency_db.parent.glob("agency.db-*"):
        companion.unlink()
    restore_modes.append(agency_db.parent)
    as_read_only(monkeypatch, agency_db.parent)
    opened = open_store(url=sqlite_url(path=agency_db))
    try:
        assert opened.read_only
        assert len(team(opened.engine)) > 0
        with pytest.raises(StoreError, match="read-only"), transaction(opened.engine) as session:
            session.execute(text("DELETE FROM task"))
    finally:
        opened.engine.dispose()
    assert sorted(p.name for p in agency_db.parent.iterdir()) == ["agency.db"]


def test_a_read_only_store_that_needs_an_upgrade_is_refused(tmp_path, monkeypatch, restore_modes):
    path = tmp_path / "old.db"
    older_store(path)
    before = digest(path)
    restore_modes.append(path)
    as_read_only(monkeypatch, path)
    with pytest.raises(StoreError, match="needs an upgrade .* read-only"):
        open_store(url=sqlite_url(path=path))
    assert digest(path) == before and not list(tmp_path.glob("*.before-*"))


def test_a_new_store_in_a_read_only_folder_is_refused(tmp_path, monkeypatch, restore_modes):
    folder = tmp_path / "shared"
    folder.mkdir()
    restore_modes.append(folder)
    as_read_only(monkeypatch, folder)
    with pytest.raises(StoreError, match="read-only"):
        open_store(url=sqlite_url(path=folder / "new.db"))
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("how", ["path", "url", "environment"])
def test_a_db_in_a_missing_folder_is_refused_until_create(tmp_path, capsys, monkeypatch, how):
    path = tmp_path / "a" / "b" / "deck.db"
    value = str(path) if how != "url" else f"sqlite:///{path}"
    argv = ["db", "check"]
    if how == "environment":
        monkeypatch.setenv("CLIENTDECK_DB", value)
    else:
        argv += ["--db", value]
    err = one_line(capsys, code=1, argv=argv)
    assert "--create" in err and str(tmp_path / "a") in err and str(path) in err
    assert not (tmp_path / "a").exists()
    assert run([*argv, "--create"]) == 0
    assert path.is_file()
    for folder in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_the_default_store_is_still_made_on_the_first_start(capsys):
    assert run(["db", "check"]) == 0
    default = Path(os.environ["XDG_DATA_HOME"]) / "clientdeck" / "clientdeck.db"
    assert default.is_file()


def test_a_db_under_a_regular_file_says_so(tmp_path, capsys):
    (tmp_path / "notes").write_text("a file")
    err = one_line(capsys, code=1, argv=["add", "NWB: x", "--db", str(tmp_path / "notes/x.db")])
    assert f"{tmp_path / 'notes'} is a file, not a folder" in err
    assert "Errno" not in err
    assert (tmp_path / "notes").read_text() == "a file"


def test_a_db_that_is_a_folder_says_so(tmp_path, capsys):
    err = one_line(capsys, code=1, argv=["add", "NWB: x", "--db", str(tmp_path)])
    assert "is a folder, not a database file" in err and "Errno" not in err


def test_a_path_shaped_url_is_a_url_and_a_path_is_a_path(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # `sqlite:` without `//` is neither: no file named after it appears.
    err = one_line(capsys, code=1, argv=["db", "check", "--db", "sqlite:deck.db"])
    assert "sqlite:" in err and "//" in err
    assert list(tmp_path.iterdir()) == []
    # The scheme of a URL is read in any case.
    assert run(["db", "check", "--db", f"SQLite:///{tmp_path / 'upper.db'}"]) == 0
    # A file whose name holds ?, # or % is that file, not a URL's query.
    odd = "we?ird #1 100%.db"
    assert run(["db", "check", "--db", odd]) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == sorted(
        ["upper.db", odd]
    )
    assert make_url(resolve_url(db_path=odd)).database == str(tmp_path / odd)


def test_a_password_in_the_query_is_masked_too(capsys):
    url = "postgresql+psycopg://bob@127.0.0.1:1/agency?password=s3cret-pw&sslmode=disable"
    err = one_line(capsys, code=1, argv=["db", "check", "--db", url])
    assert "s3cret-pw" not in err and "password=***" in err
    err = one_line(capsys, code=1, argv=["db", "check", "--db", "nosuchdb://h/x?password=s3cret"])
    assert "s3cret" not in err
