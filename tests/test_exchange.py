"""Export and restore (model/exchange.py): every row of every table, and nothing less."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select, update
from sqlmodel import SQLModel

from model import demo
from model.db import reading, transaction
from model.exchange import FORMAT, check_export, dumps, export_json, import_json
from model.importers import FileRefused
from model.store import HEAD_REVISION, open_store
from model.tables import Budget, BudgetAlert, Client, Member, Rate, Task, TaskComment
from model.tasks import create_task
from tests.agency import build


def rows_of(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in key order."""
    with reading(engine) as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


def sqlite_store(path):
    return open_store(url=f"sqlite:///{path}").engine


def add_awkward_rows(engine) -> None:
    """Values a careless export would bend: a forward self-reference, odd text, fine times."""
    with transaction(engine) as session:
        client = Client(
            name="שלום 🚀 [bold]x[/]",
            code="ODD",
            notes='quotes " and \\ backslash,\ttab\nnew line',
            created_at=datetime(2026, 11, 18, 8, 30, 0, 123456, tzinfo=UTC),
        )
        session.add(client)
        session.flush()
        session.add(
            Budget(client_id=client.id, from_month=datetime(2026, 11, 1).date(), hours=0.1 + 0.2)
        )
        session.add(
            BudgetAlert(
                client_id=client.id,
                month=datetime(2026, 11, 1).date(),
                kind="forecast",
                crossed_at=datetime(2026, 11, 18, 8, 30, 0, 654321, tzinfo=UTC),
            )
        )
        session.add(Rate(client_id=client.id, role="Дизайн [bold]", cents=8_550))
        client_id = client.id
    first = create_task(
        engine, client_id=client_id, title="Duplicate request", due_time=time(23, 59, 59)
    )
    later = create_task(engine, client_id=client_id, title="The original, filed later")
    with transaction(engine) as session:
        session.execute(update(Task).where(Task.id == first.id).values(duplicate_of_id=later.id))
        session.add(
            TaskComment(
                task_id=later.id,
                at=datetime(2026, 11, 18, 8, 31, 2, 999999, tzinfo=UTC),
                author="Олена",
                text="Ёлка — ялинка — ёлка 🎄",
            )
        )


@pytest.fixture
def agency_export(tmp_path, frozen) -> dict:
    source = sqlite_store(tmp_path / "agency.db")
    build(source)
    data = export_json(source)
    source.dispose()
    return data


def test_an_export_holds_every_table_with_its_columns_and_the_schema(agency_export):
    assert agency_export["format"] == FORMAT and agency_export["schema"] == HEAD_REVISION
    tables = agency_export["tables"]
    assert set(tables) == {table.name for table in SQLModel.metadata.sorted_tables}
    for table in SQLModel.metadata.sorted_tables:
        assert tables[table.name]["columns"] == [column.name for column in table.columns]
    assert len(tables["task"]["rows"]) == 12 and len(tables["member"]["rows"]) == 3
    assert json.loads(dumps(agency_export)) == agency_export
    assert "Меблі Карпат" in dumps(agency_export)


def test_a_round_trip_is_equal_on_every_table(store, tmp_path, frozen):
    source = sqlite_store(tmp_path / "source.db")
    demo.fill(engine=source, scale=1, seed=3)
    add_awkward_rows(source)
    original = rows_of(source)
    assert all(original.values()), [name for name, rows in original.items() if not rows]

    counts = import_json(store, data=json.loads(dumps(export_json(source))))

    assert counts == {name: len(rows) for name, rows in original.items()}
    assert rows_of(store) == original
    back = sqlite_store(tmp_path / "back.db")
    import_json(back, data=json.loads(dumps(export_json(store))))
    assert rows_of(back) == original


def test_ids_continue_after_a_restore(store, agency_export):
    import_json(store, data=agency_export)
    with reading(store) as session:
        client_id = session.execute(select(Client.id).where(Client.code == "MK")).scalar_one()
    task = create_task(store, client_id=client_id, title="First task after the move")
    assert task.id == max(row[0] for row in agency_export["tables"]["task"]["rows"]) + 1
    with transaction(store) as session:
        member = Member(name="New hire", initials="NH")
        session.add(member)
        session.flush()
        assert member.id == 4


def test_a_store_that_holds_anything_is_refused(store, agency_export):
    with transaction(store) as session:
        session.add(Member(name="Already here", initials="AH"))
    before = rows_of(store)
    with pytest.raises(FileRefused, match="not empty"):
        import_json(store, data=agency_export)
    assert rows_of(store) == before


def test_an_export_of_another_schema_is_refused(store, agency_export):
    agency_export["schema"] = "0000"
    with pytest.raises(
        FileRefused, match=f"schema 0000 and this database of schema {HEAD_REVISION}"
    ):
        import_json(store, data=agency_export)
    assert not any(rows_of(store).values())


@pytest.mark.parametrize(
    "data",
    [
        [],
        {},
        {"format": "clientdeck-export", "schema": "0001"},
        {"format": "trello", "schema": "0001", "tables": {}},
        {"id": "54b0fd8dee901a913afe5f84", "name": "Board", "lists": [], "cards": []},
    ],
)
def test_what_is_not_an_export_is_refused(data):
    with pytest.raises(FileRefused, match="export.json is not a clientdeck export"):
        check_export(data=data, name="export.json")


def _set(table: str, row: int, column: str, value):
    def damage(data: dict) -> None:
        index = data["tables"][table]["columns"].index(column)
        data["tables"][table]["rows"][row][index] = value

    return damage


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda data: data["tables"].pop("retronote"), "does not hold this schema's tables"),
        (lambda data: data["tables"].update(extra={"columns": [], "rows": []}), "schema's tables"),
        (lambda data: data["tables"]["task"]["columns"].pop(), "table task does not have"),
        (lambda data: data["tables"]["member"]["rows"][1].pop(), "row 2 of table member is"),
        (_set("task", 0, "client_id", "1"), "row 1 of table task: '1' is not a valid client_id"),
        (_set("task", 2, "created_at", "2026-11-18T10:00:00"), "not a valid created_at"),
        (_set("task", 2, "due_date", "31.02.2026"), "not a valid due_date"),
        (_set("member", 0, "active", 1), "not a valid active"),
        (_set("budget", 0, "hours", True), "not a valid hours"),
        (_set("task", 3, "client_id", 999), "do not fit together"),
        (_set("member", 1, "name", "Olena Koval"), "do not fit together"),
        (_set("client", 0, "name", None), "row 1 of table client: name is missing"),
    ],
)
def test_a_damaged_export_is_refused_and_nothing_is_written(store, agency_export, damage, says):
    data = copy.deepcopy(agency_export)
    damage(data)
    with pytest.raises(FileRefused, match=says):
        import_json(store, data=data)
    assert not any(rows_of(store).values())
