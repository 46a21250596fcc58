"""Noticing changes made by others (another process, another person on the server).

A cheap fingerprint of the data, polled every couple of seconds, stands in
for notifications: it works the same on SQLite files and on PostgreSQL. Each
part is read through an index, so polling costs a few milliseconds at any size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from model.db import reading
from model.tables import ClientPlan, Interaction, Standup, Task, TimeEntry


@dataclass(frozen=True)
class Fingerprint:
    tasks: tuple
    time: tuple
    other: tuple


def fingerprint(engine: Engine) -> Fingerprint:
    """Changes whenever a task, recorded time, a plan, an interaction or a stand-up changes.

    Time is seen through new entries, ends and running timers; an entry
    archived by someone else shows at the next change of any other kind.
    """
    with reading(engine) as session:
        tasks = session.exec(select(func.max(Task.updated_at), func.count(Task.id))).one()
        time = (
            session.exec(select(func.max(TimeEntry.id))).one(),
            session.exec(select(func.max(TimeEntry.end))).one(),
            session.exec(select(func.count()).where(TimeEntry.end.is_(None))).one(),
        )
        other = tuple(
            session.exec(select(func.max(column))).one()
            for column in (Interaction.id, Standup.id, ClientPlan.agreed_at)
        )
    return Fingerprint(tasks=tuple(tasks), time=time, other=other)
