"""`clientdeck demo` and `clientdeck import json` fill a server as well as a file.

Each case runs on both back ends (the `store` fixture); the store is named by its
URL, through `--db` or `CLIENTDECK_DB`, as a team would name its server.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from model import demo
from model.db import reading, sqlite_url, transaction
from model.tables import Member, Task
from tests.agency import this_weeks_sprint
from tui.cli import run


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch):
    """Work in an empty directory: a URL taken for a path would show up in it as folders."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    yield
    assert list(cwd.iterdir()) == []


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def counts(engine) -> dict[str, int]:
    with reading(engine) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.fixture
def export_file(tmp_path, capsys):
    """An export of a demo agency made from a SQLite file."""
    source, out = tmp_path / "source.db", tmp_path / "agency.json"
    assert run(["demo", "--db", str(source)]) == 0
    assert run(["export", "json", "--db", str(source), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


DEMO_TASKS = 408
"""400 of history, five recurring tasks and this week's three copies of the weekly reports."""


def test_a_store_with_only_the_schema_is_empty(store):
    assert demo.is_empty(engine=store)


def test_a_store_the_app_has_opened_is_still_empty_and_the_demo_fills_it(store):
    # Opening the app writes this week's sprint and nothing else: no work, so the demo
    # takes the store and its own sprints replace that row in the same transaction.
    this_weeks_sprint(store)
    assert demo.is_empty(engine=store)
    assert demo.fill(engine=store).tasks == DEMO_TASKS


def test_work_in_any_table_makes_the_store_not_empty(store):
    with transaction(store) as session:
        session.add(Member(name="Olena", initials="OK"))
    assert not demo.is_empty(engine=store)
    with pytest.raises(ValueError, match="not empty"):
        demo.fill(engine=store)


def test_demo_fills_the_store_named_by_its_url(store, capsys):
    assert run(["demo", "--db", url_of(store)]) == 0
    assert "9 clients" in capsys.readouterr().out
    filled = counts(store)
    assert filled["task"] == DEMO_TASKS and filled["timeentry"] > 1000

    assert run(["demo", "--db", url_of(store)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert counts(store) == filled

    assert run(["demo", "--db", url_of(store), "--force", "--seed", "2"]) == 0
    assert counts(store)["task"] == DEMO_TASKS


def test_demo_fills_the_store_named_by_clientdeck_db(store, monkeypatch, capsys):
    monkeypatch.setenv("CLIENTDECK_DB", url_of(store))
    assert run(["demo"]) == 0
    assert counts(store)["task"] == DEMO_TASKS
    # New rows get ids past the demo's own on PostgreSQL too.
    assert run(["add", "BC: one more thing"]) == 0
    with reading(store) as session:
        assert session.scalar(select(func.max(Task.id))) == DEMO_TASKS + 1


def test_demo_without_a_store_named_is_refused(capsys):
    assert run(["demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "CLIENTDECK_DB" in err


def test_import_json_restores_into_the_store_named_by_its_url(store, export_file, capsys):
    assert run(["import", "json", str(export_file), "--db", url_of(store)]) == 0
    out = capsys.readouterr().out
    restored = counts(store)
    assert out == f"restored {sum(restored.values())} rows\n"
    source = open_counts(export_file.with_name("source.db"))
    assert restored == source

    assert run(["import", "json", str(export_file), "--db", url_of(store)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert counts(store) == restored


def test_import_json_restores_into_a_store_the_app_has_been_opened_on(store, export_file, capsys):
    this_weeks_sprint(store)
    assert run(["import", "json", str(export_file), "--db", url_of(store)]) == 0
    assert counts(store) == open_counts(export_file.with_name("source.db"))


def open_counts(path) -> dict[str, int]:
    from model.store import open_store

    opened = open_store(url=sqlite_url(path=path))
    try:
        return counts(opened.engine)
    finally:
        opened.engine.dispose()
