"""Opening the store (model/store.py, model/db.py): create, upgrade, refuse, SQLite settings."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import textwrap
from pathlib import Path

import pendulum
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import model.store as store
import model.tables  # noqa: F401  (registers every table on the metadata)
from model import clock
from model.db import BUSY_TIMEOUT_MS, StoreError, make_engine, reading, sqlite_url, transaction
from model.tables import Client, Task

HEAD = store.HEAD_REVISION


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def tables_of(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def version_of(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


def columns_of(path: Path, table: str) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    finally:
        connection.close()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "data" / "clientdeck.db"


def create_at_head(path: Path) -> None:
    """A store at the shipped head revision with one client in it, closed again."""
    opened = store.open_store(url=sqlite_url(path=path))
    with transaction(opened.engine) as session:
        session.add(Client(name="Acme", code="ACME", created_at=pendulum.now("UTC")))
    opened.engine.dispose()


# --- a new store -----------------------------------------------------------------------------


def test_the_head_kept_in_the_store_is_the_newest_migration():
    assert store.head_revision() == HEAD
    assert HEAD in store.known_revisions()


def test_upgrade_from_empty_creates_every_table_at_head(db_path):
    opened = store.open_store(url=sqlite_url(path=db_path))
    try:
        assert opened.upgraded_from is None
        assert opened.backup is None
        assert store.current_revision(engine=opened.engine) == store.head_revision()
    finally:
        opened.engine.dispose()
    assert set(SQLModel.metadata.tables) <= tables_of(db_path)
    assert "alembic_version" in tables_of(db_path)
    assert version_of(db_path) == store.head_revision()
    # No backup of a brand-new file.
    assert sorted(p.name for p in db_path.parent.glob("*.before-*")) == []


def test_the_migrations_build_exactly_the_tables_of_the_model(db_path):
    opened = store.open_store(url=sqlite_url(path=db_path))
    try:
        with opened.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        opened.engine.dispose()
    assert differences == [], "model/tables.py and the migrations disagree (new migration?)"


def test_reopening_a_store_at_head_changes_nothing(db_path):
    create_at_head(db_path)
    before = sha256(db_path)
    opened = store.open_store(url=sqlite_url(path=db_path))
    assert opened.upgraded_from is None and opened.backup is None
    opened.engine.dispose()
    assert sha256(db_path) == before


def test_sqlite_file_is_created_owner_only(db_path):
    previous = os.umask(0o022)  # a usual, permissive umask: files would be 0644
    try:
        assert not db_path.parent.exists()
        opened = store.open_store(url=sqlite_url(path=db_path))
        try:
            assert mode(db_path) == 0o600
            with transaction(opened.engine) as session:
                session.add(Client(name="Acme", code="ACME", created_at=pendulum.now("UTC")))
            for companion in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
                if companion.exists():
                    assert mode(companion) == 0o600, companion.name
        finally:
            opened.engine.dispose()
        assert os.umask(0o022) == 0o022  # the process umask was restored
    finally:
        os.umask(previous)


# --- SQLite connection settings --------------------------------------------------------------


def test_engine_connections_use_wal_foreign_keys_and_busy_timeout(db_path):
    engine = make_engine(url=sqlite_url(path=db_path))
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
            assert BUSY_TIMEOUT_MS >= 1000
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced_on_writes(db_path):
    opened = store.open_store(url=sqlite_url(path=db_path))
    now = pendulum.now("UTC")
    try:
        with pytest.raises(IntegrityError), transaction(opened.engine) as session:
            session.add(Task(client_id=424242, title="orphan", created_at=now, updated_at=now))
        with opened.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM task")).scalar() == 0
    finally:
        opened.engine.dispose()


# --- an older store is backed up, then upgraded ------------------------------------------------

REVISION_0099 = textwrap.dedent(
    '''
    """test: add client.vip

    Revision ID: 0099_test
    Revises: {head}
    """

    import sqlalchemy as sa
    from alembic import op

    revision = "0099_test"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        with op.batch_alter_table("client") as batch_op:
            batch_op.add_column(
                sa.Column("vip", sa.Boolean(), nullable=False, server_default=sa.false())
            )


    def downgrade() -> None:
        with op.batch_alter_table("client") as batch_op:
            batch_op.drop_column("vip")
    '''
)


@pytest.fixture
def ship_newer_release(tmp_path, monkeypatch):
    """Make the store's migrations a copy of model/migrations with one more revision.

    Called after the test has built its database with the shipped migrations, so the
    database looks like one written by the previous release.
    """

    def ship() -> Path:
        shipped = store.known_revisions()
        copy = tmp_path / "migrations"
        shutil.copytree(store.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
        (copy / "versions" / "0099_test_add_vip.py").write_text(
            REVISION_0099.replace("{head}", HEAD), encoding="utf-8"
        )
        monkeypatch.setattr(store, "MIGRATIONS", copy)
        monkeypatch.setattr(store, "HEAD_REVISION", "0099_test")
        assert store.head_revision() == "0099_test"
        assert store.known_revisions() == shipped | {"0099_test"}
        return copy

    return ship


def test_an_older_store_is_backed_up_then_upgraded(db_path, ship_newer_release):
    create_at_head(db_path)  # the shipped schema
    assert version_of(db_path) == HEAD
    ship_newer_release()
    at = pendulum.datetime(2026, 11, 23, 10, 15, 30, tz="Europe/Kyiv")

    with clock.freeze(at=at):
        opened = store.open_store(url=sqlite_url(path=db_path))
    opened.engine.dispose()

    assert opened.upgraded_from == HEAD
    expected = db_path.with_name("clientdeck.before-0099_test-20261123-081530.db")
    assert opened.backup == expected
    assert expected.exists()
    assert mode(expected) == 0o600
    # The backup is the database as it was: the shipped revision, no new column, same rows.
    assert version_of(expected) == HEAD
    assert "vip" not in columns_of(expected, "client")
    with sqlite3.connect(expected) as backup:
        assert backup.execute("SELECT code FROM client").fetchall() == [("ACME",)]
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # The store itself is upgraded and keeps its rows.
    assert version_of(db_path) == "0099_test"
    assert "vip" in columns_of(db_path, "client")
    with sqlite3.connect(db_path) as upgraded:
        assert upgraded.execute("SELECT code, vip FROM client").fetchall() == [("ACME", 0)]


@pytest.mark.parametrize(
    ("opening", "refusal"),
    [
        ({"migrate": False}, "needs an upgrade: run"),
        ({"read_only": True}, "needs an upgrade .* but it is read-only"),
    ],
    ids=["migration-not-allowed", "read-only"],
)
def test_an_older_store_is_not_touched_when_it_may_not_be_upgraded(
    db_path, ship_newer_release, opening, refusal
):
    create_at_head(db_path)
    ship_newer_release()
    before = sha256(db_path)
    with pytest.raises(StoreError, match=refusal):
        store.open_store(url=sqlite_url(path=db_path), **opening)
    assert sha256(db_path) == before
    assert version_of(db_path) == HEAD
    assert list(db_path.parent.glob("*.before-*")) == []


# --- stores that must be refused -------------------------------------------------------------


def test_a_newer_store_is_refused_and_left_unchanged(db_path):
    create_at_head(db_path)
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    connection.close()
    before = sha256(db_path)

    with pytest.raises(StoreError, match="newer") as error:
        store.open_store(url=sqlite_url(path=db_path))

    assert "ffff_future" in str(error.value)
    assert str(db_path) in str(error.value)
    assert sha256(db_path) == before
    assert version_of(db_path) == "ffff_future"
    assert list(db_path.parent.glob("*.before-*")) == []


@pytest.mark.parametrize(
    "content",
    [b"this is a text file, not a database\n", b"PK\x03\x04" + bytes(200)],
    ids=["text", "zip"],
)
def test_a_file_that_is_not_sqlite_is_refused(db_path, content):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    with pytest.raises(StoreError, match="not a SQLite file"):
        store.open_store(url=sqlite_url(path=db_path))
    assert db_path.read_bytes() == content


def test_a_read_only_store_is_read_but_never_written(db_path, monkeypatch):
    create_at_head(db_path)
    db_path.chmod(0o400)
    if os.access(db_path, os.W_OK):
        # Running as root, who may write anyway: answer as the OS would for a normal user.
        real_access = os.access

        def access(path, how, **kwargs):
            if Path(path) == db_path and how & os.W_OK:
                return False
            return real_access(path, how, **kwargs)

        monkeypatch.setattr(os, "access", access)
    before = sha256(db_path)
    try:
        opened = store.open_store(url=sqlite_url(path=db_path))
        try:
            assert opened.read_only
            with reading(opened.engine) as session:
                assert session.execute(sa.text("SELECT code FROM client")).all() == [("ACME",)]
            beta = Client(name="Beta", code="BETA", created_at=pendulum.now("UTC"))
            with pytest.raises(StoreError, match="read-only"), transaction(opened.engine) as s:
                s.add(beta)
        finally:
            opened.engine.dispose()
    finally:
        db_path.chmod(0o600)
    assert sha256(db_path) == before


def test_a_store_at_the_first_revision_is_upgraded_to_the_head_with_a_backup(db_path, frozen):
    from alembic import command
    from sqlalchemy import inspect

    db_path.parent.mkdir(parents=True)
    engine = make_engine(url=sqlite_url(path=db_path))
    with engine.begin() as connection:
        command.upgrade(store._alembic_config(connection=connection), "0001")
    engine.dispose()
    assert version_of(db_path) == "0001"
    opened = store.open_store(url=sqlite_url(path=db_path))
    assert opened.upgraded_from == "0001"
    assert opened.backup is not None and version_of(opened.backup) == "0001"
    assert version_of(db_path) == HEAD
    indexes = {index["name"] for index in inspect(opened.engine).get_indexes("timeentry")}
    assert "ix_timeentry_end" in indexes
    opened.engine.dispose()


def _row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
            )
        ]
        return {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names
        }


def _schema(path: Path) -> dict[str, set[str]]:
    return {table: columns_of(path, table) for table in tables_of(path) - {"alembic_version"}}


def test_a_scale_one_store_of_the_previous_head_upgrades_with_its_data_intact(
    tmp_path, db_path, frozen
):
    """The demo's scale-1 agency, taken back to 0004 (checked to be 0004's very schema),
    then a copy opened by this release: every row kept, the retainer columns at their
    defaults, which bill all time unrounded as before, and the first active member the
    one manager."""
    from alembic import command

    from model.demo import fill

    previous = tmp_path / "previous" / "clientdeck.db"
    previous.parent.mkdir()
    engine = make_engine(url=sqlite_url(path=previous))
    with engine.begin() as connection:
        command.upgrade(store._alembic_config(connection=connection), "0004")
    engine.dispose()
    opened = store.open_store(url=sqlite_url(path=db_path))
    fill(engine=opened.engine, scale=1)
    opened.engine.dispose()
    engine = sa.create_engine(sqlite_url(path=db_path))  # foreign keys off: batch mode copies
    with engine.begin() as connection:
        command.downgrade(store._alembic_config(connection=connection), "0004")
    engine.dispose()
    assert version_of(db_path) == "0004"
    assert _schema(db_path) == _schema(previous)
    counts = _row_counts(db_path)
    assert counts["timeentry"] > 1000 and counts["client"] > 1

    copy = tmp_path / "copy" / "clientdeck.db"
    copy.parent.mkdir()
    shutil.copyfile(db_path, copy)
    opened = store.open_store(url=sqlite_url(path=copy))
    opened.engine.dispose()
    assert opened.upgraded_from == "0004"
    assert version_of(copy) == HEAD
    after = _row_counts(copy)
    assert {table: after[table] for table in counts} == counts
    with sqlite3.connect(copy) as upgraded:
        assert upgraded.execute(
            "SELECT DISTINCT billable, rounding_minutes, rounding_scope FROM client"
        ).fetchall() == [(1, 0, "entry")]
        assert upgraded.execute(
            "SELECT count(*) FROM timeentry WHERE billable IS NOT NULL"
        ).fetchone() == (0,)
        assert upgraded.execute("SELECT count(*) FROM rate").fetchone() == (0,)
        first_active = upgraded.execute("SELECT min(id) FROM member WHERE active").fetchone()
        assert upgraded.execute("SELECT id FROM member WHERE manager").fetchall() == [first_active]


@pytest.mark.postgres
def test_a_scale_one_postgresql_store_of_the_previous_head_upgrades_with_its_data(pg_store, frozen):
    from alembic import command

    from model.demo import fill

    fill(engine=pg_store, scale=1)
    url = pg_store.url.render_as_string(hide_password=False)

    def counts() -> dict[str, int]:
        """Rows of each table the store has at its present revision."""
        tables = sa.inspect(pg_store).get_table_names()
        with pg_store.connect() as connection:
            return {
                name: connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
                for name in tables
                if name != "alembic_version"
            }

    with pg_store.begin() as connection:
        command.downgrade(store._alembic_config(connection=connection), "0004")
    before = counts()
    assert before["timeentry"] > 1000
    opened = store.open_store(url=url)
    opened.engine.dispose()
    assert opened.upgraded_from == "0004"
    after = counts()
    assert {table: after[table] for table in before} == before
    with pg_store.connect() as connection:
        defaults = connection.exec_driver_sql(
            "SELECT DISTINCT billable, rounding_minutes, rounding_scope FROM client"
        ).all()
    assert [tuple(row) for row in defaults] == [(True, 0, "entry")]
    with pg_store.connect() as connection:
        managers = connection.exec_driver_sql("SELECT id FROM member WHERE manager").all()
        first = connection.exec_driver_sql("SELECT min(id) FROM member WHERE active").all()
    assert managers == first
