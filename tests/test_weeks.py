"""Week, month and working-day arithmetic (model/weeks.py).

Expected values are computed independently with the standard library (`datetime`,
`zoneinfo`), not with pendulum, so the tests do not repeat the code under test.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.weeks import (
    Span,
    days_span,
    iso_week_label,
    month_span,
    parse_iso_week,
    parse_month,
    sprint_start,
    week_span,
    weekday_index,
    working_days,
)

ZONES = (
    "Europe/Kyiv",
    "Europe/Moscow",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "UTC",
)
UTC = dt.UTC

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)).map(
    lambda d: pendulum.date(d.year, d.month, d.day)
)
zones = st.sampled_from(ZONES)
weekdays = st.integers(min_value=0, max_value=6)

SETTINGS = settings(max_examples=150, deadline=None, database=None)


def reference_midnight(day: dt.date, zone: str) -> dt.datetime:
    """The first instant of `day` in `zone`, in UTC, by zoneinfo.

    When midnight falls in a gap (the clocks jump over it), fold=0 maps it to the
    instant of the jump, which is the first instant of that day.
    """
    local = dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def midnight_exists(day: dt.date, zone: str) -> bool:
    midnight = dt.datetime(day.year, day.month, day.day)
    there = reference_midnight(day, zone).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return there == midnight


def day_seconds(day: dt.date, zone: str) -> float:
    """How long `day` really is in `zone` (86,400 s give or take a DST change)."""
    following = day + dt.timedelta(days=1)
    return (reference_midnight(following, zone) - reference_midnight(day, zone)).total_seconds()


def as_utc(value: pendulum.DateTime) -> dt.datetime:
    return dt.datetime.fromtimestamp(value.timestamp(), tz=UTC)


def plain(day: pendulum.Date) -> dt.date:
    return dt.date(day.year, day.month, day.day)


# --- sprint_start --------------------------------------------------------------------------


@SETTINGS
@given(day=dates, start_weekday=weekdays)
def test_sprint_start_is_the_right_weekday_at_most_six_days_back(day, start_weekday):
    start = sprint_start(day=day, start_weekday=start_weekday)
    assert start.weekday() == start_weekday
    assert start <= day
    assert (plain(day) - plain(start)).days <= 6
    # Every day of that sprint week maps to the same start.
    assert sprint_start(day=start.add(days=6), start_weekday=start_weekday) == start


@pytest.mark.parametrize(
    ("name", "index"), [("monday", 0), ("Sunday", 6), (" friday ", 4), ("SATURDAY", 5)]
)
def test_weekday_index_accepts_config_names(name, index):
    assert weekday_index(name=name) == index


def test_weekday_index_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown weekday"):
        weekday_index(name="funday")


# --- week_span -----------------------------------------------------------------------------


def check_week(week_start: pendulum.Date, zone: str) -> Span:
    span = week_span(week_start=week_start, zone=zone)
    following = week_span(week_start=week_start.add(days=7), zone=zone)
    first = plain(week_start)

    # Contiguous with the next week: no instant is lost or counted twice.
    assert span.end == following.start
    assert span.start < span.end
    # Starts at the local midnight of its first day (or at the jump, if that midnight does
    # not exist in this zone).
    assert as_utc(span.start) == reference_midnight(first, zone)
    local_start = as_utc(span.start).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    midnight = dt.datetime(first.year, first.month, first.day)
    if midnight_exists(first, zone):
        assert local_start == midnight
    else:
        assert local_start > midnight
    # Seven calendar days: the length is the sum of each day's real length.
    expected = sum(day_seconds(first + dt.timedelta(days=n), zone) for n in range(7))
    assert (span.end - span.start).total_seconds() == expected
    assert as_utc(span.end) == reference_midnight(first + dt.timedelta(days=7), zone)
    # Instants: the start is in, the end is out (half-open).
    assert span.contains(span.start)
    assert not span.contains(span.end)
    return span


def hours(span: Span) -> float:
    return (span.end - span.start).total_seconds() / 3600


# Samoa skipped 30 December 2011 (it moved across the date line): that week has 6 days.
SAMOA_SKIP = (dt.date(2011, 12, 24), dt.date(2012, 1, 6))


@SETTINGS
@given(day=dates, zone=zones, start_weekday=weekdays)
def test_week_span_is_seven_local_days(day, zone, start_weekday):
    span = check_week(sprint_start(day=day, start_weekday=start_weekday), zone)
    if not (zone == "Pacific/Apia" and SAMOA_SKIP[0] <= plain(day) <= SAMOA_SKIP[1]):
        assert hours(span) in {167, 167.5, 168, 168.5, 169}


@pytest.mark.parametrize(
    ("zone", "week_start", "expected_hours"),
    [
        ("UTC", "2026-03-23", 168),
        ("Europe/Kyiv", "2026-03-23", 167),  # spring forward, Sunday 29 March
        ("Europe/Kyiv", "2026-10-19", 169),  # fall back, Sunday 25 October
        ("Europe/Kyiv", "2026-03-30", 168),  # the week after
        ("America/New_York", "2026-03-02", 167),  # Sunday 8 March
        ("America/New_York", "2026-10-26", 169),  # Sunday 1 November
        ("Australia/Lord_Howe", "2026-03-30", 168.5),  # half-hour DST ends 5 April
        ("Australia/Lord_Howe", "2026-09-28", 167.5),  # half-hour DST starts 4 October
        ("Europe/Moscow", "2011-03-21", 167),  # last change, to permanent +04
        ("Europe/Moscow", "2014-10-20", 169),  # back to permanent +03 on 26 October
        ("Europe/Moscow", "2026-03-23", 168),  # no DST any more
        ("Pacific/Apia", "2011-12-26", 144),  # Friday 30 December 2011 never happened
        ("Pacific/Apia", "2011-12-30", 144),  # a Friday-start week whose first day is missing
        ("Pacific/Apia", "2012-01-02", 168),
    ],
)
def test_week_span_across_dst_change_weekends(zone, week_start, expected_hours):
    span = check_week(pendulum.parse(week_start).date(), zone)
    assert hours(span) == expected_hours


def test_week_span_example_in_utc():
    span = week_span(week_start=pendulum.date(2026, 3, 23), zone="Europe/Kyiv")
    assert span.start == pendulum.datetime(2026, 3, 22, 22, tz="UTC")
    assert span.end == pendulum.datetime(2026, 3, 29, 21, tz="UTC")


YEAR_ENDS = [
    pendulum.date(year, 12, 28).add(days=n) for year in (2020, 2024, 2025, 2026) for n in range(8)
]


@pytest.mark.parametrize("day", YEAR_ENDS, ids=str)
@pytest.mark.parametrize("zone", ZONES)
def test_weeks_across_year_end(day, zone):
    start = sprint_start(day=day, start_weekday=0)
    span = check_week(start, zone)
    assert span.contains(pendulum.instance(reference_midnight(plain(day), zone)))
    # The ISO label of every day of the week is the label of its Monday.
    assert iso_week_label(day=day) == iso_week_label(day=start)
    assert parse_iso_week(text=iso_week_label(day=day)) == start


@pytest.mark.parametrize(
    ("day", "label"),
    [
        ("2020-12-31", "2020-W53"),
        ("2021-01-03", "2020-W53"),
        ("2021-01-04", "2021-W01"),
        ("2024-12-30", "2025-W01"),
        ("2025-12-28", "2025-W52"),
        ("2025-12-29", "2026-W01"),
        ("2026-12-31", "2026-W53"),
        ("2027-01-03", "2026-W53"),
        ("2027-01-04", "2027-W01"),
    ],
)
def test_iso_week_label_at_year_ends(day, label):
    assert iso_week_label(day=pendulum.parse(day).date()) == label


# --- ISO weeks and months ------------------------------------------------------------------


@SETTINGS
@given(day=dates)
def test_iso_week_round_trip(day):
    label = iso_week_label(day=day)
    monday = parse_iso_week(text=label)
    assert isinstance(monday, pendulum.Date)
    assert monday == sprint_start(day=day, start_weekday=0)
    assert iso_week_label(day=monday) == label
    assert plain(monday).isocalendar()[:2] == plain(day).isocalendar()[:2]


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W47", "2026-11-16"),
        ("2026W47", "2026-11-16"),
        ("2026-w47", "2026-11-16"),
        (" 2026-W1 ", "2025-12-29"),
        ("2026-W53", "2026-12-28"),
    ],
)
def test_parse_iso_week_forms(text, monday):
    assert parse_iso_week(text=text) == pendulum.parse(monday).date()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-W53", "does not exist"),
        ("2026-W00", "does not exist"),
        ("2026-W54", "does not exist"),
        ("2026-47", "not an ISO week"),
        ("W47", "not an ISO week"),
        ("", "not an ISO week"),
        ("2026-W470", "not an ISO week"),
    ],
)
def test_parse_iso_week_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_iso_week(text=text)


@SETTINGS
@given(day=dates)
def test_parse_month_round_trip(day):
    first = parse_month(text=f"{day.year}-{day.month:02d}")
    assert first == pendulum.date(day.year, day.month, 1)
    assert parse_month(text=f"{day.year}-{day.month}") == first


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-0", "2026-1-1", "26-11", "2026/11", "november", "", "2026-W47"],
)
def test_parse_month_errors(text):
    with pytest.raises(ValueError, match="not a month"):
        parse_month(text=text)


@SETTINGS
@given(day=dates, zone=zones)
def test_month_spans_are_contiguous(day, zone):
    span = month_span(month=day, zone=zone)
    first = dt.date(day.year, day.month, 1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    assert as_utc(span.start) == reference_midnight(first, zone)
    assert as_utc(span.end) == reference_midnight(following, zone)
    assert span.end == month_span(month=pendulum.instance(following), zone=zone).start


# --- working days --------------------------------------------------------------------------


def brute_force_working_days(first: dt.date, last: dt.date) -> int:
    count, day = 0, first
    while day < last:
        count += day.weekday() < 5
        day += dt.timedelta(days=1)
    return count


@settings(max_examples=300, deadline=None, database=None)
@given(first=dates, length=st.integers(min_value=-10, max_value=400))
def test_working_days_matches_brute_force(first, length):
    last = first.add(days=length)
    assert working_days(first=first, last=last) == brute_force_working_days(
        plain(first), plain(last)
    )


def test_working_days_examples():
    monday = pendulum.date(2026, 11, 16)
    assert working_days(first=monday, last=monday) == 0
    assert working_days(first=monday, last=monday.add(days=7)) == 5
    assert working_days(first=monday.add(days=5), last=monday.add(days=7)) == 0
    assert working_days(first=monday.add(days=4), last=monday.add(days=8)) == 2
    assert working_days(first=monday.add(days=7), last=monday) == 0


def test_days_span_covers_whole_local_days():
    span = days_span(
        first=pendulum.date(2026, 10, 24), last=pendulum.date(2026, 10, 25), zone="Europe/Kyiv"
    )
    assert hours(span) == 49  # Saturday 24 h + Sunday 25 h (clocks go back)
