"""One month rule for a retainer: every place that says what a month used says the same.

An entry belongs wholly to the local month it started, and a month uses its billed
hours (billable, rounded by the client's rule). The status behind the client list and
the board header, the carry history, the burn chart, the hours and weekly reports and
the retro's numbers each read a month; here one client's month is read by all of them.
"""

from __future__ import annotations

import pendulum
import pytest

from model import clock
from model.billing import set_entry_billable
from model.budgets import Level, budget_status
from model.carry import retainer_months
from model.reports.burn import month_burn
from model.reports.hours import hours_report
from model.reports.week import week_report
from model.retainers import change_retainer
from model.retro.numbers import sprint_numbers
from model.sprints import ensure_sprint
from model.timetrack import add_entry
from model.weeks import month_span
from tests.test_carry import KYIV, NOV, _carrying_client, _kyiv

NOW = _kyiv(11, 18, 10, 30)


@pytest.fixture
def month(store):
    """A client sold 12 h a month from September that carries it all and rounds each entry up
    to 15 minutes, with: an hour started at 23:30 on 31 October (so October's, though half
    of it is in November), 6 minutes on 2 and on 16 November, and 2 h on 3 November that
    are not billable."""
    clock.set_zone(name=KYIV)
    client_id, member_id, task_id = _carrying_client(store, rollover="carry")
    with clock.freeze(at=NOW):
        change_retainer(store, client_id=client_id, rounding=15)

        def work(start: pendulum.DateTime, *, minutes: int) -> int:
            entry = add_entry(
                store,
                task_id=task_id,
                member_id=member_id,
                start=start,
                end=start.add(minutes=minutes),
            ).value
            return entry.id

        work(_kyiv(10, 31, 23, 30), minutes=60)
        work(_kyiv(11, 2, 9), minutes=6)
        internal = work(_kyiv(11, 3, 9), minutes=120)
        set_entry_billable(store, entry_id=internal, billable=False)
        work(_kyiv(11, 16, 9), minutes=6)
    return store, client_id


def test_the_status_uses_billed_time_started_in_the_month(month):
    store, client_id = month
    with clock.freeze(at=NOW):
        status = budget_status(store, client_id=client_id)
    assert status.budget_hours == pytest.approx(12 + 12 + 11), "September's 12 and October's 11"
    assert status.billed_hours == pytest.approx(0.5), "two 6-minute entries, rounded to 15"
    assert status.spent_hours == pytest.approx(2.2), "raw: October's hour is not November's"
    assert status.remaining_hours == pytest.approx(34.5)
    assert status.burn_percent == pytest.approx(0.5 / 35 * 100)
    assert status.level is Level.OK


def test_the_history_says_what_the_status_says(month):
    store, client_id = month
    with clock.freeze(at=NOW):
        status = budget_status(store, client_id=client_id)
        november = retainer_months(store, client_id=client_id, count=3).months[-1]
    assert november.available == pytest.approx(status.budget_hours)
    assert november.used == pytest.approx(status.billed_hours)
    assert november.left == pytest.approx(status.remaining_hours)


def test_the_burn_chart_draws_the_statuss_month(month):
    store, client_id = month
    with clock.freeze(at=NOW):
        status = budget_status(store, client_id=client_id)
        burn = month_burn(store, client_id=client_id, month=NOV, day=NOW.date())
    assert burn.budget_hours == pytest.approx(status.budget_hours)
    assert burn.billed_hours == pytest.approx(status.billed_hours)
    assert burn.actual[0] == 0, "nothing of October's hour on the 1st"
    assert burn.actual[1] == pytest.approx(0.25)


def test_the_months_hours_report_has_the_statuss_budget(month):
    store, client_id = month
    with clock.freeze(at=NOW):
        status = budget_status(store, client_id=client_id)
        report = hours_report(
            store, client_id=client_id, span=month_span(month=NOV, zone=KYIV), title="Hours"
        )
    assert report.budget_hours == pytest.approx(status.budget_hours)
    assert report.billed_hours == pytest.approx(status.billed_hours)
    assert report.budget_percent == pytest.approx(status.burn_percent)


def test_a_week_over_two_months_leaves_octobers_hour_in_october(month):
    store, client_id = month
    with clock.freeze(at=NOW):
        over_the_turn = week_report(
            store, client_id=client_id, week_start=pendulum.date(2026, 10, 26)
        )
        this_week = week_report(store, client_id=client_id, week_start=pendulum.date(2026, 11, 16))
        status = budget_status(store, client_id=client_id)
    assert over_the_turn.month_hours == 0, "the hour started in October"
    assert over_the_turn.earlier_month_hours == pytest.approx(1.0)
    assert this_week.month_hours == pytest.approx(status.billed_hours)
    assert this_week.budget_hours == pytest.approx(status.budget_hours)
    assert this_week.budget_percent == pytest.approx(status.burn_percent)


def test_the_retro_reads_the_statuss_month(month):
    store, client_id = month
    with clock.freeze(at=NOW):
        sprint = ensure_sprint(store, week_start=pendulum.date(2026, 11, 16))
        status = budget_status(store, client_id=client_id)
        row = next(
            row
            for row in sprint_numbers(store, sprint_id=sprint.id).clients
            if row.client_id == client_id
        )
    assert row.month_hours == pytest.approx(status.billed_hours)
    assert row.budget_hours == pytest.approx(status.budget_hours)
