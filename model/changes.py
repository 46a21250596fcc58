"""Noticing changes made by others (another process, another person on the server).

A cheap fingerprint of the data, polled every couple of seconds, stands in
for notifications: it works the same on SQLite files and on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from model.db import reading
from model.tables import ClientPlan, Interaction, Standup, Task, TimeEntry


def fingerprint(engine: Engine) -> tuple:
    """Changes whenever a task, a time entry, a plan, an interaction or a stand-up changes."""
    with reading(engine) as session:
        tasks = session.exec(select(func.max(Task.updated_at), func.count(Task.id))).one()
        entries = session.exec(
            select(
                func.max(TimeEntry.id), func.count(TimeEntry.end), func.count(TimeEntry.archived_at)
            )
        ).one()
        others = tuple(
            session.exec(select(func.max(column))).one()
            for column in (Interaction.id, Standup.id, ClientPlan.agreed_at)
        )
    return (*tasks, *entries, *others)
