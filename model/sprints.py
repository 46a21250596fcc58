"""Sprints: one per calendar week, created when first needed."""

from __future__ import annotations

import pendulum
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from model import clock
from model.db import reading, transaction
from model.tables import Sprint
from model.weeks import sprint_start


def this_week_start(*, start_weekday: int) -> pendulum.Date:
    return sprint_start(day=clock.today(), start_weekday=start_weekday)


def find_sprint(engine: Engine, *, week_start: pendulum.Date) -> Sprint | None:
    with reading(engine) as session:
        return session.exec(select(Sprint).where(Sprint.week_start == week_start)).first()


def ensure_sprint(engine: Engine, *, week_start: pendulum.Date) -> Sprint:
    """The sprint of that week, created if it does not exist yet (safe against a racing creator)."""
    existing = find_sprint(engine, week_start=week_start)
    if existing is not None:
        return existing
    try:
        with transaction(engine) as session:
            sprint = Sprint(week_start=week_start)
            session.add(sprint)
            return sprint
    except IntegrityError:
        found = find_sprint(engine, week_start=week_start)
        assert found is not None
        return found


def current_sprint(engine: Engine, *, start_weekday: int) -> Sprint:
    return ensure_sprint(engine, week_start=this_week_start(start_weekday=start_weekday))
