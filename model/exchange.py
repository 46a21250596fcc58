"""The whole store as one JSON document, and back.

An export is the way to move a team from a laptop file to a shared server, or
to keep a copy a person can read. It holds every row of every table with the
schema revision it was written at; a restore goes only into an empty store of
that same revision, in one transaction, so it is either the export exactly or
nothing at all.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Session, SQLModel

import model.tables  # noqa: F401  (every table in the metadata)
from model import clock
from model.blank import clear_rows, holds_work
from model.db import advance_sequences, bulk_insert, reading, transaction
from model.errors import ValidationError, check_line, check_text
from model.i18n import _, ngettext
from model.importers import FileRefused
from model.parsing import MAX_WHOLE
from model.store import current_revision
from model.tables import (
    Channel,
    ClientStatus,
    DayOffKind,
    Direction,
    InteractionKind,
    Priority,
    SprintState,
    Status,
)

FORMAT = "clientdeck-export"
SHOWN_PROBLEMS = 10
"""A restore that is refused names this many bad rows, then says how many more there are."""


def _tables() -> list[Table]:
    """Parents before children, so foreign keys hold at every insert."""
    return list(SQLModel.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _python_type(column_type: TypeEngine) -> type:
    if isinstance(column_type, TypeDecorator):  # UTCDateTime and AutoString say "object"
        column_type = column_type.impl_instance
    return column_type.python_type


def _decode(*, kind: type, value: Any) -> Any:
    """A JSON value as the column's type; anything else is a ValueError (or a TypeError)."""
    if value is None:
        return None
    if kind is datetime:
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is None:
            raise ValueError("an instant without a time zone")
        return instant
    if kind in (date, time):
        return kind.fromisoformat(value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise ValueError(f"{value!r} is not a {kind.__name__}")
    return value


def export_json(engine: Engine) -> dict[str, Any]:
    """Every row of every table, read in one snapshot, as JSON-ready values."""
    tables_out = {}
    # SQLite's read transaction is a snapshot already; PostgreSQL's default is not.
    snapshot = (
        engine.execution_options(isolation_level="REPEATABLE READ")
        if engine.dialect.name == "postgresql"
        else engine
    )
    with reading(snapshot) as session:
        schema = current_revision(engine=engine)
        for table in _tables():
            columns = [column.name for column in table.columns]
            rows = session.execute(select(table).order_by(*table.primary_key.columns))
            tables_out[table.name] = {
                "columns": columns,
                "rows": [[_encode(value) for value in row] for row in rows],
            }
    return {
        "format": FORMAT,
        "schema": schema,
        "exported_at": clock.now().isoformat(),
        "tables": tables_out,
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def check_export(*, data: Any, name: str) -> dict[str, Any]:
    """A decoded file, checked to be an export before any store is touched."""
    if not (
        isinstance(data, dict)
        and data.get("format") == FORMAT
        and isinstance(data.get("tables"), dict)
        and isinstance(data.get("schema"), str)
    ):
        raise FileRefused(
            _("{name} is not a clientdeck export (made by 'clientdeck export json')", name=name)
        )
    return data


def _rows(*, table: Table, entry: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of one table in the export as column → value, and what is wrong with them.

    A row is checked as the app checks what people type before it stores it, so a restore
    can bring in nothing the app itself would have refused.
    """
    expected = [column.name for column in table.columns]
    if not isinstance(entry, dict) or entry.get("columns") != expected:
        raise FileRefused(
            _("the export's table {table} does not have this schema's columns", table=table.name)
        )
    listed = entry.get("rows") or []
    if not isinstance(listed, list):
        raise FileRefused(_("the export's table {table} holds no list of rows", table=table.name))
    kinds = [_python_type(table.c[name].type) for name in expected]
    rows, problems = [], []
    for number, row in enumerate(listed, start=1):
        if not isinstance(row, list) or len(row) != len(expected):
            problems.append(_("row {n} of table {table} is malformed", n=number, table=table.name))
            continue
        values = {}
        for name, kind, value in zip(expected, kinds, row, strict=True):
            try:
                values[name] = _decode(kind=kind, value=value)
            except (TypeError, ValueError):
                problems.append(
                    _(
                        "row {n} of table {table}: {value!r} is not a valid {column}",
                        n=number,
                        table=table.name,
                        value=value,
                        column=name,
                    )
                )
                break
        else:
            reason = _row_problem(table=table, values=values)
            if reason is None:
                rows.append(values)
            else:
                problems.append(
                    _(
                        "row {n} of table {table}: {reason}",
                        n=number,
                        table=table.name,
                        reason=reason,
                    )
                )
    return rows, problems


# --- checking rows as the app checks what people type -----------------------------------------


def _value_problem(*, table: Table, name: str, value: Any) -> str | None:
    """What every column of every table must be, whatever the table."""
    column = table.c[name]
    if value is None:
        return None if column.nullable else _("{column} is missing", column=name)
    if isinstance(value, str):
        if "\x00" in value:
            return f"{name}: " + _("text cannot contain NUL characters")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return f"{name}: " + _("text that is not valid Unicode (a lone surrogate)")
    elif isinstance(value, float) and not math.isfinite(value):
        return f"{name}: " + _("{value} is not a finite number", value=value)
    elif isinstance(value, int) and not isinstance(value, bool):
        if not -MAX_WHOLE - 1 <= value <= MAX_WHOLE:
            return f"{name}: " + _("{value} is more than the database holds", value=value)
        if column.primary_key and value < 1:
            return f"{name}: " + _("an id is a whole number from 1")
    return None


def _row_problem(*, table: Table, values: dict[str, Any]) -> str | None:
    """The first thing wrong with a decoded row, in words for the user, or None."""
    for name, value in values.items():
        if (problem := _value_problem(table=table, name=name, value=value)) is not None:
            return problem
    for name, allowed in _ENUMS.get(table.name, {}).items():
        if values[name] not in allowed:
            return f"{name}: " + _(
                "{value!r} is not one of {allowed}",
                value=values[name],
                allowed=", ".join(repr(str(choice)) for choice in allowed),
            )
    check = _checks().get(table.name)
    if check is None:
        return None
    try:
        check(values)
    except ValidationError as error:
        return f"{error.field}: {error}" if error.field else str(error)
    return None


_ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "client": {"preferred_channel": tuple(Channel), "status": tuple(ClientStatus)},
    "dayoff": {"kind": tuple(DayOffKind)},
    "sprint": {"state": tuple(SprintState)},
    "task": {"status": tuple(Status), "priority": tuple(Priority)},
    "interaction": {
        "channel": tuple(Channel),
        "direction": tuple(Direction),
        "kind": tuple(InteractionKind),
    },
}


def _at_least(values: dict[str, Any], *, column: str, minimum: float) -> None:
    if values[column] is not None and values[column] < minimum:
        raise ValidationError(
            _("{value} is below {minimum}", value=values[column], minimum=minimum), field=column
        )


@cache
def _checks() -> dict[str, Callable[[dict[str, Any]], None]]:
    """Per table, the model's own check of what a person may store (each raises by field)."""
    from model import budgets, clients, contacts, daysoff, kpis, members, tasks, timetrack
    from model.retro import notes as retro_notes

    def task(values: dict[str, Any]) -> None:
        fields = ("title", "description", "status", "priority", "estimate_hours", "labels")
        tasks.validate(changes={name: values[name] for name in fields})
        for column, minimum in (("waiting_seconds", 0), ("carried_over", 0), ("version", 1)):
            _at_least(values, column=column, minimum=minimum)

    def client(values: dict[str, Any]) -> None:
        clients.clean_client(values={name: values[name] for name in clients.EDITABLE})

    def member(values: dict[str, Any]) -> None:
        members.clean_member(values={name: values[name] for name in members.EDITABLE})

    def contact(values: dict[str, Any]) -> None:
        contacts.clean_contact(values={name: values[name] for name in contacts.FIELDS})

    def day_off(values: dict[str, Any]) -> None:
        if values["last"] < values["first"]:
            raise ValidationError(_("the days off end before they start"), field="last")
        if (values["last"] - values["first"]).days >= daysoff.MAX_SPAN_DAYS:
            raise ValidationError(_("days off span at most a year"), field="last")
        check_line(value=values["note"], field="note", limit=200, required=False)

    def budget(values: dict[str, Any]) -> None:
        try:
            budgets.check_hours(hours=values["hours"])
        except ValidationError as error:
            raise ValidationError(str(error), field=error.field or "hours") from None

    def plan(values: dict[str, Any]) -> None:
        _at_least(values, column="planned_hours", minimum=0)

    def time_entry(values: dict[str, Any]) -> None:
        if values["end"] is not None and values["end"] < values["start"]:
            raise ValidationError(_("the end must be after the start"), field="end")
        check_text(value=values["note"], field="note", limit=timetrack.MAX_NOTE, required=False)

    def retro_note(values: dict[str, Any]) -> None:
        if values["kind"] not in retro_notes.NOTE_KINDS:
            raise ValidationError(
                _(
                    "{value!r} is not one of {allowed}",
                    value=values["kind"],
                    allowed=", ".join(repr(kind) for kind in retro_notes.NOTE_KINDS),
                ),
                field="kind",
            )

    def satisfaction(values: dict[str, Any]) -> None:
        if values["score"] not in kpis.SCORES:
            raise ValidationError(_("the score is a whole number from 0 to 10"), field="score")

    return {
        "task": task,
        "client": client,
        "member": member,
        "contact": contact,
        "dayoff": day_off,
        "budget": budget,
        "clientplan": plan,
        "timeentry": time_entry,
        "retronote": retro_note,
        "satisfaction": satisfaction,
    }


def _refusal(problems: list[str]) -> FileRefused:
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        shown += "; " + _("and {n} more", n=len(problems) - SHOWN_PROBLEMS)
    return FileRefused(
        ngettext(
            "nothing was restored: {n} row of the export is refused: {problems}",
            "nothing was restored: {n} rows of the export are refused: {problems}",
            len(problems),
            problems=shown,
        )
    )


def _first_line(error: Exception) -> str:
    """A driver's message without its detail lines (PostgreSQL adds the row's values there)."""
    text = str(getattr(error, "orig", None) or error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def import_json(engine: Engine, *, data: dict[str, Any]) -> dict[str, int]:
    """Restore an export into an empty store of the same schema; returns rows per table."""
    schema = current_revision(engine=engine)
    if data.get("schema") != schema:
        raise FileRefused(
            _(
                "the export is of schema {theirs} and this database of schema {ours}; "
                "restore it with the clientdeck version that wrote it",
                theirs=data.get("schema"),
                ours=schema,
            )
        )
    if set(data["tables"]) != {table.name for table in _tables()}:
        raise FileRefused(_("the export does not hold this schema's tables"))
    rows, problems = {}, []
    for table in _tables():
        rows[table.name], found = _rows(table=table, entry=data["tables"][table.name])
        problems += found
    if problems:
        raise _refusal(problems)
    try:
        with transaction(engine) as session:
            if holds_work(session):
                raise FileRefused(
                    _("the database is not empty: restore an export into a new database")
                )
            clear_rows(session)  # the app's own bookkeeping: the export's rows replace it
            filled = [table for table in _tables() if rows.get(table.name)]
            for table in filled:
                _insert(session=session, table=table, rows=rows[table.name])
            advance_sequences(session, tables=filled)
    except IntegrityError as error:
        raise FileRefused(
            _("the export's rows do not fit together: {error}", error=_first_line(error))
        ) from None
    except DataError as error:  # what the checks above missed; never the values themselves
        raise FileRefused(
            _("the database refused a value of the export: {error}", error=_first_line(error))
        ) from None
    return {name: len(table_rows) for name, table_rows in rows.items()}


def _insert(*, session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert in chunks; a table's references to itself are set once all its rows exist."""
    own = [
        key.parent.name
        for key in table.foreign_keys
        if key.column.table is table and any(row[key.parent.name] is not None for row in rows)
    ]
    plain = [{**row, **dict.fromkeys(own)} for row in rows] if own else rows
    bulk_insert(session, table=table, rows=plain)
    for name in own:
        links = [
            {"row_id": row["id"], "target": row[name]} for row in rows if row[name] is not None
        ]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam("target")}),
            links,
        )
