"""Utilisation: a member's billable hours over the hours they were available.

Billable time is raw billable hours (entries that are billable by the retainer
rules, before rounding), because utilisation measures work done, not what is
invoiced. Available hours are the weekly capacity spread evenly over the
member's working days, less the working days they are off; so a month's
figure is exactly the sum of its days' parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

import pendulum


class Band(Enum):
    BELOW = "below"
    IN = "in"
    ABOVE = "above"


@dataclass(frozen=True)
class Utilisation:
    billable_hours: float
    available_hours: float
    ratio: float | None
    band: Band | None


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
