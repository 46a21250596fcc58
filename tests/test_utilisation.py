from datetime import UTC, date, datetime, timedelta

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from model import clock
from model.billing import AGENCY_CODE
from model.db import reading, transaction
from model.tables import Client, DayOff, Member, Task
from model.timetrack import add_entry
from model.utilisation import (
    Band,
    MemberUtilisation,
    available_hours,
    day_available_hours,
    entry_day,
    team_figure,
    team_utilisation,
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


KYIV = "Europe/Kyiv"
CREATED = pendulum.datetime(2026, 10, 1, tz="UTC")


def _kyiv(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=KYIV)


def test_the_store_sums_raw_billable_hours_per_member_in_one_week(store):
    clock.set_zone(name=KYIV)
    with transaction(store) as session:
        acme = Client(name="Acme", code="ACME", created_at=CREATED)
        own = Client(name="Our agency", code=AGENCY_CODE, created_at=CREATED)
        anna = Member(name="Anna", initials="AK")
        bob = Member(name="Bob", initials="BO", weekly_capacity_hours=20, working_days="12")
        session.add_all([acme, own, anna, bob])
        session.flush()
        work = Task(client_id=acme.id, title="w", created_at=CREATED, updated_at=CREATED)
        inner = Task(client_id=own.id, title="a", created_at=CREATED, updated_at=CREATED)
        session.add_all([work, inner])
        session.flush()
        session.add(DayOff(member_id=anna.id, first=date(2026, 11, 18), last=date(2026, 11, 18)))
        ids = anna.id, bob.id, work.id, inner.id
    anna_id, bob_id, work_id, inner_id = ids
    with clock.freeze(at=_kyiv(23, 12)):
        add_entry(store, task_id=work_id, member_id=anna_id, start=_kyiv(16, 9), end=_kyiv(16, 19))
        add_entry(store, task_id=inner_id, member_id=anna_id, start=_kyiv(17, 9), end=_kyiv(17, 11))
        # started on Sunday the 15th, before the week: not this week's, though it ends on Monday
        add_entry(
            store, task_id=work_id, member_id=anna_id, start=_kyiv(15, 23, 30), end=_kyiv(16, 1)
        )
        # started on Sunday the 22nd, the week's last day: wholly this week's
        add_entry(store, task_id=work_id, member_id=bob_id, start=_kyiv(22, 23), end=_kyiv(23, 2))
        with reading(store) as session:
            found = team_utilisation(
                session,
                first=date(2026, 11, 16),
                last=date(2026, 11, 22),
                target={"target_low": 70, "target_high": 85},
            )
    by_name = {row.name: row.utilisation for row in found}
    assert (by_name["Anna"].billable_hours, by_name["Anna"].available_hours) == (10.0, 32.0)
    assert by_name["Anna"].band is Band.BELOW
    assert (by_name["Bob"].billable_hours, by_name["Bob"].available_hours) == (3.0, 20.0)


def _member(billable: float, available: float) -> MemberUtilisation:
    return MemberUtilisation(
        member_id=1,
        name="M",
        initials="M",
        utilisation=utilisation(
            billable_hours=billable, available=available, target_low=70, target_high=85
        ),
    )


@given(st.lists(st.tuples(hours, st.floats(min_value=0.5, max_value=80)), min_size=1, max_size=8))
def test_the_teams_figure_lies_between_its_members_and_weighs_them_by_their_hours(pairs):
    members = [_member(billable, available) for billable, available in pairs]
    team = team_figure(members=members, target={"target_low": 70, "target_high": 85})
    ratios = [member.utilisation.ratio for member in members]
    assert min(ratios) - 1e-9 <= team.ratio <= max(ratios) + 1e-9
    assert abs(team.available_hours - sum(available for _b, available in pairs)) < 1e-6


def test_a_team_with_no_hours_available_has_no_figure():
    team = team_figure(members=[_member(2, 0)], target={"target_low": 70, "target_high": 85})
    assert (team.ratio, team.band, team.percent) == (None, None, None)
