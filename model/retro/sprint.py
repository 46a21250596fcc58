"""The sprint a retro is about: finding it, its week, the instant it is read at, its retro row.

Every part of the retro (numbers, checklist, notes, close) starts from these, so
they stand apart from all of them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.db import reading
from model.i18n import _
from model.tables import Retro, Sprint, SprintState
from model.tasks import NotFoundError
from model.weeks import Span, as_date, week_span


def get_sprint(engine: Engine, *, sprint_id: int) -> Sprint:
    with reading(engine) as session:
        sprint = session.get(Sprint, sprint_id)
    if sprint is None:
        raise NotFoundError(_("no sprint with id {id}", id=sprint_id))
    return sprint


def adjacent_sprint(engine: Engine, *, week_start: date, step: int) -> Sprint | None:
    """The nearest sprint before (`step` < 0) or after `week_start`, to browse past retros."""
    query = select(Sprint)
    if step < 0:
        query = query.where(Sprint.week_start < week_start).order_by(Sprint.week_start.desc())
    else:
        query = query.where(Sprint.week_start > week_start).order_by(Sprint.week_start)
    with reading(engine) as session:
        return session.exec(query.limit(1)).first()


def sprint_span(sprint: Sprint) -> Span:
    return week_span(week_start=as_date(sprint.week_start), zone=clock.zone())


def sprint_end(sprint: Sprint) -> tuple[datetime, bool]:
    """The instant the sprint's state is read at, and whether changes at that instant are after
    it: the close's own moves happen at `closed_at` and must not count as the sprint's."""
    if sprint.state == SprintState.CLOSED and sprint.closed_at is not None:
        return plain_utc(sprint.closed_at), True
    return plain_utc(clock.now()), False


def plain_utc(instant: datetime) -> datetime:
    """The instant as the store returns instants: a standard datetime on `datetime.UTC`.
    The history is replayed thousands of times, and pendulum's subtraction (or comparing
    two different UTC objects) runs Python code where two of these compare in C."""
    utc = instant.astimezone(UTC)
    return datetime.combine(utc.date(), utc.time(), tzinfo=UTC)


def retro_row(session: Session, *, sprint_id: int, create: bool) -> Retro | None:
    retro = session.exec(select(Retro).where(Retro.sprint_id == sprint_id)).first()
    if retro is None and create:
        if session.get(Sprint, sprint_id) is None:
            raise NotFoundError(_("no sprint with id {id}", id=sprint_id))
        retro = Retro(sprint_id=sprint_id, created_at=clock.now())
        session.add(retro)
        session.flush()
    return retro
