"""Rows of a large import written by PostgreSQL's COPY instead of multi-row INSERTs.

SQLAlchemy sends many rows to PostgreSQL as INSERT statements of many VALUES each,
and building and parsing those statements was most of a 200,000-row import. COPY
streams the same rows over the connection of the session's own transaction, so the
import stays one transaction that a problem rolls back whole. SQLite has no COPY and
inserts in-process cheaply: it keeps the plain INSERT.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlmodel import Session, SQLModel


def uses_copy(session: Session) -> bool:
    """Whether the session's store is PostgreSQL, where rows go by COPY."""
    return session.get_bind().dialect.name == "postgresql"


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined]  # SQLModel sets it, its stubs lack it


def new_ids(session: Session, *, model: type[SQLModel], count: int) -> list[int]:
    """`count` ids from the table's own sequence, as the rows' INSERTs would have taken."""
    table = _table(model)
    return list(
        session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:name, 'id')) FROM generate_series(1, :n)"),
            {"name": f'"{table.name}"', "n": count},
        ).scalars()
    )


def copy_rows(
    session: Session, *, model: type[SQLModel], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Write `rows` into the model's table as an INSERT of them would: a column a row
    leaves out gets its column's default, or NULL."""
    if not rows:
        return
    table = _table(model)
    given = set().union(*(row.keys() for row in rows))
    defaults = {
        column.name: column.default.arg
        for column in table.columns
        if isinstance(column.default, ScalarElementColumnDefault)
    }
    names = [column.name for column in table.columns if column.name in given | defaults.keys()]
    columns = ", ".join(f'"{name}"' for name in names)
    driver = session.connection().connection.driver_connection
    statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
    with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([_plain(row.get(name, defaults.get(name))) for name in names])


def _plain(value: object) -> object:
    """An enum's value, as SQLAlchemy stores it in a string column; anything else as it is."""
    return value.value if isinstance(value, Enum) else value
