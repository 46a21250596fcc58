"""Calendar arithmetic for sprints, months and reports.

Sprints are calendar weeks in the configured time zone, so their bounds are
local midnights: a week that crosses a DST change is 167 or 169 hours long,
never a fixed 168.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pendulum

from model.i18n import N_

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekday_index(*, name: str) -> int:
    """Monday is 0; accepts the English names used in the config."""
    try:
        return WEEKDAYS.index(name.strip().lower())
    except ValueError:
        raise ValueError(f"unknown weekday {name!r}; use one of {', '.join(WEEKDAYS)}") from None


def sprint_start(*, day: pendulum.Date, start_weekday: int = 0) -> pendulum.Date:
    """The first day of the sprint week that holds `day`."""
    back = (day.weekday() - start_weekday) % 7
    return day.subtract(days=back)


@dataclass(frozen=True)
class Span:
    """A half-open interval [start, end) of instants in UTC."""

    start: pendulum.DateTime
    end: pendulum.DateTime

    def contains(self, instant: pendulum.DateTime) -> bool:
        return self.start <= instant < self.end


def local_midnight(*, day: pendulum.Date, zone: str) -> pendulum.DateTime:
    """The first instant of `day` in `zone`, in UTC."""
    return pendulum.datetime(day.year, day.month, day.day, tz=zone).in_timezone("UTC")


def days_span(*, first: pendulum.Date, last: pendulum.Date, zone: str) -> Span:
    """All instants from the start of `first` to the end of `last`, local days."""
    return Span(
        start=local_midnight(day=first, zone=zone),
        end=local_midnight(day=last.add(days=1), zone=zone),
    )


def week_span(*, week_start: pendulum.Date, zone: str) -> Span:
    return days_span(first=week_start, last=week_start.add(days=6), zone=zone)


def month_start(*, day: pendulum.Date) -> pendulum.Date:
    return pendulum.date(day.year, day.month, 1)


def month_span(*, month: pendulum.Date, zone: str) -> Span:
    first = month_start(day=month)
    return Span(
        start=local_midnight(day=first, zone=zone),
        end=local_midnight(day=first.add(months=1), zone=zone),
    )


_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_iso_week(*, text: str) -> pendulum.Date:
    """`2026-W47` to the Monday of that ISO week."""
    match = _ISO_WEEK.match(text.strip())
    if not match:
        raise ValueError(f"not an ISO week: {text!r} (expected e.g. 2026-W47)")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = pendulum.Date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"week {week} does not exist in {year}") from None
    return pendulum.date(monday.year, monday.month, monday.day)


def iso_week_label(*, day: pendulum.Date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_month(*, text: str) -> pendulum.Date:
    """`2026-11` to the first day of that month."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"not a month: {text!r} (expected e.g. 2026-11)")
    return pendulum.date(int(match.group(1)), int(match.group(2)), 1)


def working_days(*, first: pendulum.Date, last: pendulum.Date) -> int:
    """Monday-to-Friday days in [first, last)."""
    if last <= first:
        return 0
    total = (last - first).in_days()
    full_weeks, rest = divmod(total, 7)
    count = full_weeks * 5
    for offset in range(rest):
        if first.add(days=full_weeks * 7 + offset).weekday() < 5:
            count += 1
    return count


def as_date(value) -> pendulum.Date:
    """A stored `datetime.date` as a pendulum date, for the arithmetic above."""
    return pendulum.date(value.year, value.month, value.day)


MONTH_NAMES = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
"""Month names on their own, as a title (pendulum's locale data has only the "of" forms
that follow a day): the calendar's heading and the reports' "November 2026"."""
