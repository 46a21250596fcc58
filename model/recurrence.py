"""Recurrence rules: the days a repeating task falls on, as pure calendar arithmetic.

A rule makes at most one occurrence per period: a week for a weekly rule, a month for a
monthly one. That is what lets an edited rule change only what comes next: a period that
already has its occurrence gets no second one, whatever the new rule says.

- **weekly**: on an ISO weekday, every `every_weeks` weeks counted from the first such day
  on or after `since` (the phase does not depend on which weekday sprints start on).
- **monthly on a day**: the month's `month_day`, or its last day when the month is shorter
  (the 31st is 30 April, 28 or 29 February).
- **first / last working day**: the month's first or last Monday-to-Friday day.

Every rule makes nothing before `since` or after `until`. Days are calendar days in the
configured time zone: a daylight-saving change never moves an occurrence to another day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import pendulum

from model.errors import ValidationError
from model.i18n import _, ngettext
from model.tables import RecurrenceKind

MAX_EVERY_WEEKS = 52
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Rule:
    kind: str
    since: date
    weekday: int = 1
    every_weeks: int = 1
    month_day: int = 1
    until: date | None = None


def check_rule(rule: Rule) -> Rule:
    """The rule as given, or a ValidationError naming what is wrong with it."""
    if rule.kind not in set(RecurrenceKind):
        raise ValidationError(_("unknown kind of rule: {kind}", kind=rule.kind), field="kind")
    if not 1 <= rule.weekday <= 7:
        raise ValidationError(_("a weekday is 1 (Monday) to 7 (Sunday)"), field="weekday")
    if not 1 <= rule.every_weeks <= MAX_EVERY_WEEKS:
        raise ValidationError(_("every 1 to {n} weeks", n=MAX_EVERY_WEEKS), field="every_weeks")
    if not 1 <= rule.month_day <= 31:
        raise ValidationError(_("a day of the month is 1 to 31"), field="month_day")
    if rule.until is not None and rule.until < rule.since:
        raise ValidationError(_("the rule ends before it starts"), field="until")
    return rule


def month_on(*, kind: str, month_day: int, year: int, month: int) -> date:
    """The day of the month a monthly rule falls on."""
    length = calendar.monthrange(year, month)[1]
    if kind == RecurrenceKind.MONTHLY_DAY:
        return date(year, month, min(month_day, length))
    if kind == RecurrenceKind.FIRST_WORKDAY:
        day = date(year, month, 1)
        return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
    day = date(year, month, length)
    return day - timedelta(days=max(0, day.weekday() - 4))


def first_weekly(rule: Rule) -> date:
    """The first day a weekly rule falls on: its weekday on or after `since`."""
    return rule.since + timedelta(days=(rule.weekday - 1 - rule.since.weekday()) % 7)


def _within(rule: Rule, day: date) -> bool:
    return rule.since <= day and (rule.until is None or day <= rule.until)


def in_days(rule: Rule, *, first: date, last: date) -> list[date]:
    """The days of the rule from `first` to `last` (both included), in order."""
    found: list[date] = []
    if rule.kind == RecurrenceKind.WEEKLY:
        start = first_weekly(rule)
        step = WEEK * rule.every_weeks
        day = start if first <= start else start + step * -(-(first - start).days // step.days)
        while day <= last:
            if _within(rule, day):
                found.append(day)
            day += step
        return found
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        day = month_on(kind=rule.kind, month_day=rule.month_day, year=year, month=month)
        if first <= day <= last and _within(rule, day):
            found.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def in_week(rule: Rule, *, week_start: date) -> list[tuple[date, date]]:
    """The occurrences in the sprint week starting `week_start`; a weekly one's period is
    that week (so it is one per sprint whatever weekday sprints start on)."""
    days = in_days(rule, first=week_start, last=week_start + timedelta(days=6))
    if rule.kind == RecurrenceKind.WEEKLY:
        return [(week_start, day) for day in days]
    return [(day.replace(day=1), day) for day in days]


def next_on(rule: Rule, *, after: date) -> date | None:
    """The first day the rule falls on after `after`, or None once it has ended."""
    first = max(after + timedelta(days=1), rule.since)
    horizon = first + timedelta(days=7 * MAX_EVERY_WEEKS + 62)
    last = horizon if rule.until is None else min(horizon, rule.until)
    days = in_days(rule, first=first, last=last)
    return days[0] if days else None


def weekday_name(*, weekday: int) -> str:
    """The ISO weekday's name in the language in use."""
    return pendulum.date(2026, 11, 15).add(days=weekday).format("dddd")


def describe(rule: Rule) -> str:
    """The rule in words, for the card and the shell: "every 2 weeks on Friday, until …"."""
    if rule.kind == RecurrenceKind.WEEKLY:
        day = weekday_name(weekday=rule.weekday)
        if rule.every_weeks == 1:
            text = _("every week on {day}", day=day)
        else:  # the singular form serves the languages whose "21 weeks" takes it
            text = ngettext(
                "every {n} week on {day}", "every {n} weeks on {day}", n=rule.every_weeks, day=day
            )
    elif rule.kind == RecurrenceKind.MONTHLY_DAY:
        text = _("monthly on day {day}", day=rule.month_day)
    elif rule.kind == RecurrenceKind.FIRST_WORKDAY:
        text = _("monthly on the first working day")
    else:
        text = _("monthly on the last working day")
    if rule.until is not None:
        text += ", " + _("until {day}", day=rule.until.isoformat())
    return text
