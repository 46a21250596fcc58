"""Whether a store holds work, and emptying one for a demo or a restore.

Opening the app writes rows by itself: this week's sprint, and looking at the
retro or the stand-up writes their records. A store holding only those holds
nothing a person made, so a demo or a restored export may still fill it: the
bookkeeping rows go in the same transaction as the rows that replace them.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import Session, SQLModel

import model.tables  # noqa: F401  (every table in the metadata)

BOOKKEEPING = frozenset({"sprint", "retro", "retrocheck", "standup", "alembic_version"})


def holds_work(session: Session) -> bool:
    """True when any table other than the app's own bookkeeping has a row."""
    return any(
        session.execute(select(*table.primary_key.columns).limit(1)).first() is not None
        for table in SQLModel.metadata.sorted_tables
        if table.name not in BOOKKEEPING
    )


def clear_rows(session: Session) -> None:
    """Delete every row of every table, children first; the schema and its version stay."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name != "alembic_version":
            session.execute(delete(table))
