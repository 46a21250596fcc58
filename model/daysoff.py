"""Days a member does not work (holidays, vacation, sick days), and what is left of a week.

A week's capacity is spread over the member's own working days; every one of
them that falls on a day off takes its share away, so Plan, the stand-up and
the retro count the same hours. Days off are archived, never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pendulum
from sqlalchemy import and_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from model import clock
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError, check_line
from model.i18n import _
from model.tables import DayOff, DayOffKind, Member
from model.undo import Done, Step, put_back, row_state

MAX_SPAN_DAYS = 366


def add_day_off(
    engine: Engine,
    *,
    member_id: int,
    first: date,
    last: date,
    kind: str = DayOffKind.VACATION,
    note: str = "",
) -> Done[DayOff]:
    """Days off from `first` to `last`, both included."""
    if last < first:
        raise ValidationError(_("the days off end before they start"), field="last")
    if (last - first).days >= MAX_SPAN_DAYS:
        raise ValidationError(_("days off span at most a year"), field="last")
    if kind not in DayOffKind.__members__.values():
        raise ValidationError(_("a day off is a holiday, vacation or sick"), field="kind")
    note = check_line(value=note, field="note", limit=200, required=False)
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFoundError(_("no member with id {id}", id=member_id))
        row = DayOff(member_id=member_id, first=first, last=last, kind=kind, note=note)
        session.add(row)
        session.flush()
        row_id = row.id
    return Done(
        value=row,
        undo=Step(
            label=_("days off for {name}", name=member.name),
            revert=lambda: put_back(engine, table=DayOff, row_id=row_id, state=None),
        ),
    )


def archive_day_off(engine: Engine, *, day_off_id: int) -> Done[DayOff]:
    with transaction(engine) as session:
        row = session.get(DayOff, day_off_id)
        if row is None:
            raise NotFoundError(_("no days off with id {id}", id=day_off_id))
        before: dict[str, Any] = row_state(row)
        row.archived_at = clock.now()
        session.add(row)
    return Done(
        value=row,
        undo=Step(
            label=_("remove days off"),
            revert=lambda: put_back(engine, table=DayOff, row_id=day_off_id, state=before),
        ),
    )


def days_off(
    engine: Engine, *, member_id: int | None = None, since: date | None = None
) -> list[DayOff]:
    """Days off not archived, by start; one member's with `member_id`, ending on or after
    `since` when given."""
    with reading(engine) as session:
        query = select(DayOff).where(DayOff.archived_at.is_(None)).order_by(DayOff.first)
        if member_id is not None:
            query = query.where(DayOff.member_id == member_id)
        if since is not None:
            query = query.where(DayOff.last >= since)
        return list(session.exec(query).all())


def workdays_in(*, working_days: str, first: date, days: int) -> list[date]:
    """The member's working days among the `days` days from `first`."""
    start = pendulum.date(first.year, first.month, first.day)
    return [
        start.add(days=offset)
        for offset in range(days)
        if str(start.add(days=offset).isoweekday()) in working_days
    ]


def off_workdays(*, working_days: str, week_start: date, off: Iterable[date]) -> int:
    """Working days of the week from `week_start` that are days off."""
    skipped = {(day.year, day.month, day.day) for day in off}
    return sum(
        (day.year, day.month, day.day) in skipped
        for day in workdays_in(working_days=working_days, first=week_start, days=7)
    )


def available_days(*, working_days: str, week_start: date, off: Iterable[date]) -> int:
    """Working days of the week from `week_start` that are not days off."""
    off = list(off)
    return len(workdays_in(working_days=working_days, first=week_start, days=7)) - off_workdays(
        working_days=working_days, week_start=week_start, off=off
    )


def week_hours(*, weekly_hours: float, working_days: str, available: int) -> float:
    """The share of a week's capacity on `available` of the member's working days."""
    per_week = len(working_days) or 5
    return weekly_hours * min(available, per_week) / per_week


def team_with_days_off(
    session: Session, *, first: date, last: date
) -> list[tuple[Member, set[date]]]:
    """The active members by name, each with their days off in [first, last]: one query
    (members joined to their days off) where reading them apart takes two."""
    rows = session.exec(
        select(Member, DayOff.first, DayOff.last)
        .join(
            DayOff,
            and_(
                col(DayOff.member_id) == col(Member.id),
                col(DayOff.archived_at).is_(None),
                col(DayOff.first) <= last,
                col(DayOff.last) >= first,
            ),
            isouter=True,
        )
        .where(Member.active)
        .order_by(col(Member.name), col(Member.id))
    ).all()
    found: dict[int | None, tuple[Member, set[date]]] = {}
    for member, off_first, off_last in rows:
        _member, days = found.setdefault(member.id, (member, set()))
        if off_first is None:
            continue
        start, end = max(off_first, first), min(off_last, last)
        for offset in range((end - start).days + 1):
            days.add(start + pendulum.duration(days=offset))
    return list(found.values())


def away_today(session: Session, *, today: date) -> dict[int, str]:
    """Members off on `today`, with the kind of day off."""
    rows = session.exec(
        select(DayOff.member_id, DayOff.kind).where(
            DayOff.archived_at.is_(None), DayOff.first <= today, DayOff.last >= today
        )
    ).all()
    return {member_id: kind for member_id, kind in rows}
