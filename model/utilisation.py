"""Utilisation: a member's billable hours over the hours they were available.

Billable time is raw billable hours (entries that are billable by the retainer
rules, before rounding), because utilisation measures work done, not what is
invoiced. Available hours are the weekly capacity spread evenly over the
member's working days, less the working days they are off; so a month's
figure is exactly the sum of its days' parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

import pendulum
from sqlalchemy import BigInteger, cast, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from model import clock
from model.billing import billable_clause, in_span
from model.daysoff import team_with_days_off
from model.db import reading
from model.i18n import N_
from model.tables import Client, Member, Task, TimeEntry
from model.timetrack import milliseconds
from model.weeks import days_span


class Band(Enum):
    BELOW = "below"
    IN = "in"
    ABOVE = "above"


BAND_WORDS = {
    Band.BELOW: N_("under target"),
    Band.IN: N_("in target"),
    Band.ABOVE: N_("over target"),
}
"""How each band reads, in every report and screen that shows it."""


MS_PER_HOUR = 3_600_000


@dataclass(frozen=True)
class Utilisation:
    billable_hours: float
    available_hours: float
    ratio: float | None
    band: Band | None

    @property
    def percent(self) -> int | None:
        """The ratio as a whole percent, as reports show it; none when nothing was available."""
        return None if self.ratio is None else round(self.ratio * 100)


def day_available_hours(
    *, weekly_hours: float, working_days: str, day: date, off: Iterable[date]
) -> float:
    """One day's share of the weekly capacity: zero off a working day or on a day off."""
    if str(day.isoweekday()) not in working_days or day in set(off):
        return 0.0
    return max(weekly_hours, 0.0) / (len(working_days) or 5)


def available_hours(
    *, weekly_hours: float, working_days: str, first: date, last: date, off: Iterable[date]
) -> float:
    """Available hours over [first, last], as the sum of its days' parts."""
    skipped = set(off)
    return sum(
        day_available_hours(
            weekly_hours=weekly_hours,
            working_days=working_days,
            day=first + timedelta(days=offset),
            off=skipped,
        )
        for offset in range((last - first).days + 1)
    )


def entry_day(*, started_at: datetime, tz: str) -> date:
    """The local day an entry belongs to: the day it started, even across midnight."""
    return pendulum.instance(started_at).in_timezone(tz).date()


def utilisation(
    *, billable_hours: float, available: float, target_low: float, target_high: float
) -> Utilisation:
    """Billable over available, marked against the band in percent; none if none was available."""
    if available <= 0:
        return Utilisation(
            billable_hours=billable_hours, available_hours=available, ratio=None, band=None
        )
    ratio = billable_hours / available
    percent = ratio * 100
    band = Band.BELOW if percent < target_low else Band.ABOVE if percent > target_high else Band.IN
    return Utilisation(
        billable_hours=billable_hours, available_hours=available, ratio=ratio, band=band
    )


@dataclass(frozen=True)
class MemberUtilisation:
    member_id: int
    name: str
    initials: str
    utilisation: Utilisation


def billable_hours_by_member(session: Session, *, first: date, last: date) -> dict[int, float]:
    """Per member, raw billable hours of entries started on [first, last] local days.

    One grouped query (by `ix_timeentry_member_start`); an entry counts wholly on
    the day it started, as billing counts it.
    """
    span = days_span(
        first=pendulum.date(first.year, first.month, first.day),
        last=pendulum.date(last.year, last.month, last.day),
        zone=clock.zone(),
    )
    dialect = session.get_bind().dialect.name
    ms = cast(milliseconds(dialect=dialect, now=clock.now()), BigInteger)
    rows = session.exec(
        select(TimeEntry.member_id, func.sum(ms))
        .join(Task, col(Task.id) == col(TimeEntry.task_id))
        .join(Client, col(Client.id) == col(Task.client_id))
        .where(*in_span(span=span), billable_clause())
        .group_by(col(TimeEntry.member_id))
    ).all()
    return {member_id: max(int(total or 0), 0) / MS_PER_HOUR for member_id, total in rows}


def member_utilisation(
    *,
    member: Member,
    billable_hours: float,
    off: Iterable[date],
    first: date,
    last: date,
    target: Mapping[str, float],
) -> MemberUtilisation:
    """One member's utilisation over [first, last], from figures already read.

    `target` is the config's band (`Config.utilisation`)."""
    assert member.id is not None
    available = available_hours(
        weekly_hours=member.weekly_capacity_hours,
        working_days=member.working_days,
        first=first,
        last=last,
        off=off,
    )
    return MemberUtilisation(
        member_id=member.id,
        name=member.name,
        initials=member.initials,
        utilisation=utilisation(
            billable_hours=billable_hours,
            available=available,
            target_low=target["target_low"],
            target_high=target["target_high"],
        ),
    )


def each_member(
    *,
    team: Iterable[tuple[Member, set[date]]],
    billable: Mapping[int, float],
    first: date,
    last: date,
    target: Mapping[str, float],
) -> list[MemberUtilisation]:
    """Each member's utilisation from the figures already read: the members with their days
    off (`model.daysoff.team_with_days_off`) and their billable hours."""
    out = []
    for member, off in team:
        assert member.id is not None
        out.append(
            member_utilisation(
                member=member,
                billable_hours=billable.get(member.id, 0.0),
                off=off,
                first=first,
                last=last,
                target=target,
            )
        )
    return out


def team_utilisation(
    session: Session, *, first: date, last: date, target: Mapping[str, float]
) -> list[MemberUtilisation]:
    """Each active member's utilisation over [first, last], by name: two queries in all."""
    return each_member(
        team=team_with_days_off(session, first=first, last=last),
        billable=billable_hours_by_member(session, first=first, last=last),
        first=first,
        last=last,
        target=target,
    )


def team_figure(
    *, members: Iterable[MemberUtilisation], target: Mapping[str, float]
) -> Utilisation:
    """The team's utilisation: all its billable hours over all its available hours, so each
    member weighs by their hours (an average of percents would not)."""
    rows = [member.utilisation for member in members]
    return utilisation(
        billable_hours=sum(row.billable_hours for row in rows),
        available=sum(row.available_hours for row in rows),
        target_low=target["target_low"],
        target_high=target["target_high"],
    )


def month_utilisation(
    engine: Engine, *, month: date, target: Mapping[str, float]
) -> list[MemberUtilisation]:
    """Each active member's utilisation over the calendar month holding `month`."""
    first = pendulum.date(month.year, month.month, 1)
    with reading(engine) as session:
        return team_utilisation(
            session, first=first, last=first.add(months=1, days=-1), target=target
        )
