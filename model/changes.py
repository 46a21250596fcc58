"""Noticing changes made by others (another process, another person on the server).

A cheap fingerprint of the data, polled every couple of seconds, stands in
for notifications: it works the same on SQLite files and on PostgreSQL. Each
part is read through an index, so polling costs a few milliseconds at any size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import select

from model.db import reading
from model.tables import ClientPlan, Interaction, Standup, Task, TimeEntry


@dataclass(frozen=True)
class Fingerprint:
    tasks: tuple
    time: tuple
    other: tuple


# One statement of scalar subqueries, built once: the app takes a fingerprint
# after each of its own writes too, so building it and its round trips were
# paid on every keystroke that changes data.
_PARTS = sa_select(
    *[
        part.scalar_subquery()
        for part in (
            select(func.max(Task.updated_at)),
            select(func.count(Task.id)),
            select(func.max(TimeEntry.id)),
            select(func.max(TimeEntry.end)),
            select(func.count()).where(TimeEntry.end.is_(None)),
            select(func.max(Interaction.id)),
            select(func.max(Standup.id)),
            select(func.max(ClientPlan.agreed_at)),
        )
    ]
)


def fingerprint(engine: Engine) -> Fingerprint:
    """Changes whenever a task, recorded time, a plan, an interaction or a stand-up changes.

    Time is seen through new entries, ends and running timers; an entry
    archived by someone else shows at the next change of any other kind.
    """
    with reading(engine) as session:
        row = session.exec(_PARTS).one()
    return Fingerprint(tasks=tuple(row[:2]), time=tuple(row[2:5]), other=tuple(row[5:]))
