"""The whole store as one JSON document, and back.

An export is the way to move a team from a laptop file to a shared server, or
to keep a copy a person can read. It holds every row of every table with the
schema revision it was written at; a restore goes only into an empty store of
that same revision, in one transaction, so it is either the export exactly or
nothing at all.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Session, SQLModel

import model.tables  # noqa: F401  (every table in the metadata)
from model import clock
from model.blank import clear_rows, holds_work
from model.db import advance_sequences, bulk_insert, reading, transaction
from model.i18n import _
from model.importers import FileRefused
from model.store import current_revision

FORMAT = "clientdeck-export"


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


def _rows(*, table: Table, entry: Any) -> list[dict[str, Any]]:
    """The rows of one table in the export as column → value, every value of the right type."""
    expected = [column.name for column in table.columns]
    if not isinstance(entry, dict) or entry.get("columns") != expected:
        raise FileRefused(
            _("the export's table {table} does not have this schema's columns", table=table.name)
        )
    kinds = [_python_type(table.c[name].type) for name in expected]
    rows = []
    for number, row in enumerate(entry.get("rows") or [], start=1):
        if not isinstance(row, list) or len(row) != len(expected):
            raise FileRefused(
                _("row {n} of table {table} is malformed", n=number, table=table.name)
            )
        values = {}
        for name, kind, value in zip(expected, kinds, row, strict=True):
            try:
                values[name] = _decode(kind=kind, value=value)
            except (TypeError, ValueError):
                raise FileRefused(
                    _(
                        "row {n} of table {table}: {value!r} is not a valid {column}",
                        n=number,
                        table=table.name,
                        value=value,
                        column=name,
                    )
                ) from None
        rows.append(values)
    return rows


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
    rows = {table.name: _rows(table=table, entry=data["tables"][table.name]) for table in _tables()}
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
            _("the export's rows do not fit together: {error}", error=error.orig)
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
