"""Sprints: one per calendar week, created when first needed; a closed one takes no more work."""

from __future__ import annotations

import pendulum
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from model import clock
from model.db import reading, transaction
from model.errors import ValidationError
from model.i18n import _
from model.tables import Sprint, SprintState
from model.weeks import as_date, iso_week_label, sprint_start


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


def _refuse(sprint: Sprint | None) -> None:
    if sprint is not None and sprint.state == SprintState.CLOSED:
        week = iso_week_label(day=as_date(sprint.week_start))
        raise ValidationError(
            _("sprint {week} is closed; work goes into the current sprint", week=week),
            field="sprint_id",
        )


def refuse_closed(session: Session, *, sprint_id: int | None) -> None:
    """Inside a write: refuse to put work into a closed sprint, whose numbers are the ones it
    closed with. The sprint's row is read under a shared lock, so a close running at the same
    time either sees the work (and rolls it over) or makes this write refuse."""
    if sprint_id is not None:
        _refuse(session.get(Sprint, sprint_id, with_for_update={"read": True}))


def check_open(engine: Engine, *, sprint_id: int | None) -> None:
    """Refuse a change to a closed sprint's work before anything is written."""
    if sprint_id is not None:
        with reading(engine) as session:
            _refuse(session.get(Sprint, sprint_id))
