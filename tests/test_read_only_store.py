"""A store opened read-only (a shared screen's) refuses every write, on each back end.

The refusal is the store's own: SQLite opens the file with `mode=ro`, PostgreSQL runs the
connection's transactions READ ONLY, so even a statement that slips past clientdeck's own
check (a write inside a read session) is turned down by the database, and nothing changes.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from model.clients import active_clients, create_client
from model.db import ReadOnlyError, StoreError, reading, sqlite_url
from model.store import open_store


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _codes(engine) -> list[str]:
    return sorted(client.code for client in active_clients(engine))


@pytest.fixture
def kiosk(store):
    """The store with one client, and the same store opened read-only beside it."""
    create_client(store, values={"name": "Acme", "code": "ACME"})
    opened = open_store(url=_url(store), read_only=True)
    assert opened.read_only
    yield store, opened.engine
    opened.engine.dispose()


def test_a_read_only_store_reads_what_the_writer_commits(kiosk):
    writer, engine = kiosk
    assert _codes(engine) == ["ACME"]
    create_client(writer, values={"name": "Beta", "code": "BETA"})
    assert _codes(engine) == ["ACME", "BETA"]


def test_a_model_write_on_a_read_only_store_is_refused_in_one_line(kiosk):
    writer, engine = kiosk
    with pytest.raises(ReadOnlyError, match="read-only") as refused:
        create_client(engine, values={"name": "Beta", "code": "BETA"})
    assert "\n" not in str(refused.value)
    assert _codes(writer) == ["ACME"]


def test_the_database_itself_refuses_a_write_that_slips_past_the_check(kiosk):
    writer, engine = kiosk
    with pytest.raises(DBAPIError), reading(engine) as session:  # a read session, writing
        session.execute(sa.text("UPDATE client SET code = 'GONE'"))
        session.commit()
    assert _codes(writer) == ["ACME"]


def test_a_missing_sqlite_file_is_refused_read_only_and_not_made(tmp_path):
    path = tmp_path / "deck.db"
    with pytest.raises(StoreError, match="holds no clientdeck data yet"):
        open_store(url=sqlite_url(path=path), read_only=True)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_server_database_is_refused_read_only_not_created(pg_store):
    with pg_store.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    with pytest.raises(StoreError, match="holds no clientdeck data yet"):
        open_store(url=_url(pg_store), read_only=True)
    with pg_store.connect() as connection:
        assert sa.inspect(connection).get_table_names() == []
