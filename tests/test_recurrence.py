"""The days a recurrence rule falls on (model/recurrence.py), across month ends, leap years
and daylight-saving changes."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pendulum
import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from model import clock
from model.errors import ValidationError
from model.recurrence import Rule, check_rule, describe, in_days, in_week, month_on, next_on
from model.sprints import this_week_start
from model.tables import RecurrenceKind

days = st.dates(min_value=date(1999, 1, 1), max_value=date(2101, 12, 31))
MONTHLY = (RecurrenceKind.MONTHLY_DAY, RecurrenceKind.FIRST_WORKDAY, RecurrenceKind.LAST_WORKDAY)


@st.composite
def rules(draw, kinds=tuple(RecurrenceKind)) -> Rule:
    since = draw(days)
    until = draw(st.none() | st.dates(min_value=since, max_value=date(2102, 12, 31)))
    return Rule(
        kind=draw(st.sampled_from(kinds)),
        since=since,
        weekday=draw(st.integers(1, 7)),
        every_weeks=draw(st.integers(1, 8)),
        month_day=draw(st.integers(1, 31)),
        until=until,
    )


@given(rule=rules(), first=days, length=st.integers(0, 400))
def test_every_day_is_within_the_rule_and_the_span_in_order(rule, first, length):
    last = first + timedelta(days=length)
    found = in_days(rule, first=first, last=last)
    assert found == sorted(set(found))
    for day in found:
        assert first <= day <= last
        assert rule.since <= day
        assert rule.until is None or day <= rule.until


@given(rule=rules(kinds=(RecurrenceKind.WEEKLY,)), first=days, length=st.integers(0, 400))
def test_a_weekly_rule_keeps_its_weekday_and_its_step(rule, first, length):
    found = in_days(rule, first=first, last=first + timedelta(days=length))
    for day in found:
        assert day.isoweekday() == rule.weekday
    for earlier, later in zip(found, found[1:], strict=False):
        assert (later - earlier).days == 7 * rule.every_weeks


@given(rule=rules(kinds=(RecurrenceKind.WEEKLY,)))
def test_a_weekly_rule_counts_its_weeks_from_its_first_day(rule):
    start = rule.since + timedelta(days=(rule.weekday - rule.since.isoweekday()) % 7)
    found = in_days(rule, first=rule.since, last=rule.since + timedelta(days=7 * 20))
    if rule.until is None or start <= rule.until:
        assert found[0] == start
    for day in found:
        assert (day - start).days % (7 * rule.every_weeks) == 0


@given(rule=rules(kinds=MONTHLY), year=st.integers(2000, 2100), month=st.integers(1, 12))
def test_a_monthly_rule_falls_once_in_each_month(rule, year, month):
    unbounded = Rule(kind=rule.kind, since=date(1999, 1, 1), month_day=rule.month_day)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    found = in_days(unbounded, first=first, last=last)
    assert len(found) == 1
    assert found[0] == month_on(kind=rule.kind, month_day=rule.month_day, year=year, month=month)


@given(day=st.integers(1, 31), year=st.integers(2000, 2100), month=st.integers(1, 12))
def test_a_day_past_the_month_end_is_the_last_day(day, year, month):
    length = calendar.monthrange(year, month)[1]
    on = month_on(kind=RecurrenceKind.MONTHLY_DAY, month_day=day, year=year, month=month)
    assert on == date(year, month, min(day, length))


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, date(2024, 2, 29)), (2026, date(2026, 2, 28)), (2100, date(2100, 2, 28))],
)
def test_the_31st_of_february_in_leap_and_common_years(year, expected):
    assert month_on(kind=RecurrenceKind.MONTHLY_DAY, month_day=31, year=year, month=2) == expected


@given(year=st.integers(2000, 2100), month=st.integers(1, 12))
def test_first_and_last_working_days(year, month):
    first = month_on(kind=RecurrenceKind.FIRST_WORKDAY, month_day=1, year=year, month=month)
    last = month_on(kind=RecurrenceKind.LAST_WORKDAY, month_day=1, year=year, month=month)
    assert (first.year, first.month) == (last.year, last.month) == (year, month)
    assert first.weekday() < 5 and last.weekday() < 5
    assert all((first - timedelta(days=n)).weekday() >= 5 for n in range(1, first.day))
    length = calendar.monthrange(year, month)[1]
    assert all((last + timedelta(days=n)).weekday() >= 5 for n in range(1, length - last.day + 1))


def test_working_days_of_months_that_start_and_end_on_weekends():
    # August 2026 starts on a Saturday; May 2026 ends on a Sunday; February 2032 ends on a leap
    # Sunday.
    assert month_on(kind=RecurrenceKind.FIRST_WORKDAY, month_day=1, year=2026, month=8) == date(
        2026, 8, 3
    )
    assert month_on(kind=RecurrenceKind.LAST_WORKDAY, month_day=1, year=2026, month=5) == date(
        2026, 5, 29
    )
    assert month_on(kind=RecurrenceKind.LAST_WORKDAY, month_day=1, year=2032, month=2) == date(
        2032, 2, 27
    )


@given(rule=rules(), week_start=days)
def test_a_week_holds_at_most_one_occurrence_per_period(rule, week_start):
    found = in_week(rule, week_start=week_start)
    periods = [period for period, _day in found]
    assert len(periods) == len(set(periods))
    for period, day in found:
        assert week_start <= day <= week_start + timedelta(days=6)
        if rule.kind == RecurrenceKind.WEEKLY:
            assert period == week_start
        else:
            assert period == day.replace(day=1)


@given(rule=rules(), after=days)
def test_next_on_is_the_first_day_after(rule, after):
    found = next_on(rule, after=after)
    if found is None:
        assert rule.until is not None
        return
    assert found > after
    assert in_days(rule, first=after + timedelta(days=1), last=found) == [found]


ZONES = ("Europe/Kyiv", "America/New_York", "Australia/Sydney", "Pacific/Chatham", "UTC")
TRANSITIONS = (
    pendulum.datetime(2026, 3, 29, 1, 0, tz="UTC"),  # Europe springs forward
    pendulum.datetime(2026, 10, 25, 1, 0, tz="UTC"),  # and falls back
    pendulum.datetime(2026, 3, 8, 7, 0, tz="UTC"),  # New York springs forward
    pendulum.datetime(2026, 4, 5, 2, 0, tz="UTC"),  # Sydney and Chatham fall back
)


@given(
    zone=st.sampled_from(ZONES),
    transition=st.sampled_from(TRANSITIONS),
    minutes=st.integers(-3 * 24 * 60, 3 * 24 * 60),
    rule=rules(),
)
def test_across_daylight_saving_the_week_is_the_local_one(zone, transition, minutes, rule):
    """The sprint opened at any instant near a change is the local week holding the local
    day, and its occurrences fall on the rule's days of that week."""
    instant = transition.add(minutes=minutes)
    with time_machine.travel(instant, tick=False):
        clock.set_zone(name=zone)
        today = clock.today()
        week_start = this_week_start(start_weekday=0)
    assert today == instant.in_timezone(zone).date()
    assert week_start.weekday() == 0 and 0 <= (today - week_start).days < 7
    found = in_week(rule, week_start=week_start)
    assert [day for _p, day in found] == in_days(
        rule, first=week_start, last=week_start + timedelta(days=6)
    )


@pytest.mark.parametrize(
    "rule",
    [
        Rule(kind="daily", since=date(2026, 1, 1)),
        Rule(kind=RecurrenceKind.WEEKLY, since=date(2026, 1, 1), weekday=8),
        Rule(kind=RecurrenceKind.WEEKLY, since=date(2026, 1, 1), every_weeks=0),
        Rule(kind=RecurrenceKind.MONTHLY_DAY, since=date(2026, 1, 1), month_day=32),
        Rule(kind=RecurrenceKind.WEEKLY, since=date(2026, 1, 2), until=date(2026, 1, 1)),
    ],
)
def test_bad_rules_are_refused(rule):
    with pytest.raises(ValidationError):
        check_rule(rule)


def test_rules_in_words():
    since = date(2026, 11, 18)
    assert describe(Rule(kind=RecurrenceKind.WEEKLY, since=since, weekday=5)) == (
        "every week on Friday"
    )
    assert describe(Rule(kind=RecurrenceKind.WEEKLY, since=since, weekday=1, every_weeks=2)) == (
        "every 2 weeks on Monday"
    )
    assert describe(
        Rule(kind=RecurrenceKind.MONTHLY_DAY, since=since, month_day=31, until=date(2027, 6, 30))
    ) == ("monthly on day 31, until 2027-06-30")
    assert describe(Rule(kind=RecurrenceKind.LAST_WORKDAY, since=since)) == (
        "monthly on the last working day"
    )
