"""Rollover (model/rollover.py): the pure month-by-month rule and its refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.rollover import (
    Overuse,
    Policy,
    Rollover,
    check_policy,
    month_range,
    months_between,
    roll,
)
from model.tasks import ValidationError

YEAR = month_range(first=dt.date(2026, 1, 1), last=dt.date(2026, 12, 1))
HOURS = st.floats(0, 80, allow_nan=False).map(lambda h: round(h, 2))
MONTHLY = st.lists(HOURS, min_size=12, max_size=12)
POLICIES = st.builds(
    Policy,
    rollover=st.sampled_from(list(Rollover)),
    cap_hours=st.none() | st.floats(0, 40, allow_nan=False),
    months=st.none() | st.integers(1, 6),
    overuse=st.sampled_from(list(Overuse)),
)


def _year(*, sold, used, policy):
    return roll(
        months=YEAR,
        sold=dict(zip(YEAR, sold, strict=True)),
        used=dict(zip(YEAR, used, strict=True)),
        policy=policy,
    )


@given(sold=MONTHLY, used=MONTHLY, policy=POLICIES)
def test_what_is_carried_at_the_years_end_is_the_sum_of_the_monthly_differences(sold, used, policy):
    months = _year(sold=sold, used=used, policy=policy)
    differences = sum(s - u for s, u in zip(sold, used, strict=True))
    lost = sum(m.expired for m in months) - sum(m.written_off for m in months)
    assert months[-1].carried_out_hours == pytest.approx(differences - lost, abs=1e-6)


@given(sold=MONTHLY, used=MONTHLY, policy=POLICIES)
def test_each_month_passes_on_what_it_left_and_nothing_else(sold, used, policy):
    months = _year(sold=sold, used=used, policy=policy)
    for before, after in zip(months, months[1:], strict=False):
        assert after.carried_in == before.carried_out
        assert after.owed_in == before.owed_out
    for month in months:
        passed_on = month.carried_out_hours + month.expired - month.written_off
        assert month.left == pytest.approx(passed_on, abs=1e-6)
        assert month.expired >= 0 and month.written_off >= 0 and month.owed_out >= 0
        assert all(lot.hours > 0 for lot in month.carried_out)


@given(sold=MONTHLY, used=MONTHLY, policy=POLICIES)
def test_the_cap_and_the_months_are_kept(sold, used, policy):
    for month in _year(sold=sold, used=used, policy=policy):
        carried = sum(lot.hours for lot in month.carried_out)
        if policy.cap_hours is not None:
            assert carried <= policy.cap_hours + 1e-9
        if policy.months is not None:
            for lot in month.carried_in:
                assert 1 <= months_between(earlier=lot.month, later=month.month) <= policy.months
        if policy.rollover == Rollover.EXPIRE:
            assert month.carried_out == ()


@given(sold=MONTHLY, used=MONTHLY)
def test_expire_and_writeoff_is_every_month_on_its_own(sold, used):
    for month, s, u in zip(_year(sold=sold, used=used, policy=Policy()), sold, used, strict=True):
        assert month.available == s
        assert month.carried_in == () and month.owed_in == 0
        assert month.expired == pytest.approx(max(s - u, 0))
        assert month.written_off == pytest.approx(max(u - s, 0))


@given(sold=MONTHLY, used=MONTHLY)
def test_a_deficit_is_owed_by_the_next_month(sold, used):
    policy = Policy(overuse=Overuse.DEFICIT)
    months = _year(sold=sold, used=used, policy=policy)
    for month in months:
        assert month.written_off == 0
        assert month.owed_out == pytest.approx(max(-month.left, 0), abs=1e-6)


def test_a_carry_explains_the_months_hours():
    """12 h sold; 8.5 of October's unused hours carried, used first, then 3 of November's."""
    months = month_range(first=dt.date(2026, 9, 1), last=dt.date(2026, 11, 1))
    rolled = roll(
        months=months,
        sold=dict.fromkeys(months, 12.0),
        used={months[0]: 12.0, months[1]: 3.5, months[2]: 9.0},
        policy=Policy(rollover=Rollover.CARRY, cap_hours=10.0, months=2),
    )
    september, october, november = rolled
    assert (september.carried_out_hours, september.expired) == (0.0, 0.0)
    assert october.carried_out_hours == 8.5 and october.left == 8.5
    assert november.available == 20.5
    assert november.carried_out[0].month == dt.date(2026, 11, 1)
    assert november.carried_out_hours == 10.0  # 11.5 left, capped at 10
    assert november.expired == pytest.approx(1.5)


def test_carried_hours_expire_after_their_months():
    months = month_range(first=dt.date(2026, 1, 1), last=dt.date(2026, 4, 1))
    rolled = roll(
        months=months,
        sold={months[0]: 10.0},
        used={},
        policy=Policy(rollover=Rollover.CARRY, months=2),
    )
    assert [m.carried_in_hours for m in rolled] == [0.0, 10.0, 10.0, 0.0]
    assert rolled[2].expired == 10.0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"rollover": "keep"}, "rollover"),
        ({"overuse": "forgive"}, "overuse"),
        ({"cap_hours": -1.0}, "carry_cap_hours"),
        ({"cap_hours": float("nan")}, "carry_cap_hours"),
        ({"months": 0}, "carry_months"),
    ],
)
def test_a_refused_policy_says_which_part(values, field):
    typed = {"rollover": "carry", "cap_hours": None, "months": None, "overuse": "deficit"}
    with pytest.raises(ValidationError) as refused:
        check_policy(**(typed | values))
    assert refused.value.field == field
