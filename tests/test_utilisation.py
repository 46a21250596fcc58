from datetime import UTC, date, datetime, timedelta

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from model.utilisation import (
    Band,
    available_hours,
    day_available_hours,
    entry_day,
    utilisation,
)

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
hours = st.floats(min_value=0, max_value=80)
workdays = st.sets(st.sampled_from("1234567"), min_size=1).map(lambda s: "".join(sorted(s)))


@given(hours, workdays, days, st.integers(0, 60), st.sets(days, max_size=10))
def test_available_never_negative(weekly, working, first, length, off):
    assert (
        available_hours(
            weekly_hours=weekly,
            working_days=working,
            first=first,
            last=first + timedelta(days=length),
            off=off,
        )
        >= 0
    )


@given(hours, workdays, days, st.sets(st.integers(0, 6), max_size=7))
def test_days_off_reduce_by_their_working_days(weekly, working, monday, offsets):
    first = monday - timedelta(days=monday.weekday())
    last = first + timedelta(days=6)
    off = {first + timedelta(days=o) for o in offsets}
    worked_off = sum(str(d.isoweekday()) in working for d in off)
    full = available_hours(
        weekly_hours=weekly, working_days=working, first=first, last=last, off=()
    )
    less = available_hours(
        weekly_hours=weekly, working_days=working, first=first, last=last, off=off
    )
    assert abs(full - weekly) < 1e-6
    assert abs((full - less) - worked_off * weekly / len(working)) < 1e-6


@given(hours, workdays, days, st.sets(days, max_size=10))
def test_month_is_sum_of_days(weekly, working, some_day, off):
    first = some_day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    month = available_hours(
        weekly_hours=weekly, working_days=working, first=first, last=last, off=off
    )
    parts = sum(
        day_available_hours(
            weekly_hours=weekly, working_days=working, day=first + timedelta(days=i), off=off
        )
        for i in range((last - first).days + 1)
    )
    assert abs(month - parts) < 1e-6


@given(
    days,
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(["Europe/Kyiv", "America/New_York", "UTC", "Australia/Sydney"]),
)
def test_entry_belongs_to_day_it_started(day, hour, minute, tz):
    local = pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=tz)
    started = local.in_timezone("UTC")
    assert entry_day(started_at=started, tz=tz) == day


def test_entry_crossing_midnight_on_dst_night():
    # 23:30 local on the night clocks go back in Kyiv (2026-10-25), running past midnight.
    started = datetime(2026, 10, 24, 20, 30, tzinfo=UTC)
    assert entry_day(started_at=started, tz="Europe/Kyiv") == date(2026, 10, 24)


def test_dst_week_keeps_full_capacity():
    assert (
        available_hours(
            weekly_hours=40,
            working_days="12345",
            first=date(2026, 3, 23),
            last=date(2026, 3, 29),
            off=(),
        )
        == 40
    )


def test_band_marks():
    assert (
        utilisation(billable_hours=20, available=40, target_low=70, target_high=85).band
        is Band.BELOW
    )
    assert (
        utilisation(billable_hours=30, available=40, target_low=70, target_high=85).band is Band.IN
    )
    assert (
        utilisation(billable_hours=36, available=40, target_low=70, target_high=85).band
        is Band.ABOVE
    )
    assert utilisation(billable_hours=3, available=0, target_low=70, target_high=85).ratio is None
