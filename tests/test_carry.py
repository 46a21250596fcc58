"""Carried hours read from the store (model/carry.py) and the month's budget they make."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import SQLModel

from model import clock
from model.billing import billed_by_period, day_of
from model.budgets import Level, budget_status, budget_statuses, level_of, set_budget
from model.carry import retainer_months
from model.db import make_engine, reading
from model.retainers import change_retainer
from model.rollover import Rollover
from model.tables import Client
from model.tasks import ValidationError
from model.timetrack import add_entry
from model.weeks import Span, month_span
from tests.test_budgets import add_client, add_member, add_task

KYIV = "Europe/Kyiv"
SEP, OCT, NOV = pendulum.date(2026, 9, 1), pendulum.date(2026, 10, 1), pendulum.date(2026, 11, 1)
NOW = pendulum.datetime(2026, 11, 18, 10, 30, tz=KYIV)


def _kyiv(month: int, day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, month, day, hour, minute, tz=KYIV)


def _work(engine, *, task_id: int, member_id: int, start: pendulum.DateTime, hours: float):
    add_entry(engine, task_id=task_id, member_id=member_id, start=start, end=start.add(hours=hours))


def _carrying_client(engine, *, code: str = "ACME", **policy) -> tuple[int, int, int]:
    """A client sold 12 h a month from September, carrying since September."""
    client_id, member_id = add_client(engine, code=code), add_member(engine, name=f"M{code}")
    task_id = add_task(engine, client_id=client_id)
    with clock.freeze(at=_kyiv(9, 1, 9)):
        set_budget(engine, client_id=client_id, from_month=SEP, hours=12)
        change_retainer(engine, client_id=client_id, **policy)
    return client_id, member_id, task_id


def test_the_months_budget_is_sold_plus_carried_and_its_history_says_why(store):
    clock.set_zone(name=KYIV)
    client_id, member_id, task_id = _carrying_client(
        store, rollover="carry", carry_cap_hours=10.0, carry_months=2
    )
    with clock.freeze(at=NOW):
        for day in (2, 3, 4, 7):
            _work(store, task_id=task_id, member_id=member_id, start=_kyiv(9, day, 9), hours=3)
        # 3.5 h in October: the last of them started before midnight on the 31st.
        _work(store, task_id=task_id, member_id=member_id, start=_kyiv(10, 6, 9), hours=2.5)
        _work(store, task_id=task_id, member_id=member_id, start=_kyiv(10, 31, 23, 30), hours=1)
        _work(store, task_id=task_id, member_id=member_id, start=_kyiv(11, 2, 9), hours=4)
        status = budget_status(store, client_id=client_id)
        everyone = budget_statuses(store, month=NOV)
        history = retainer_months(store, client_id=client_id, count=3)
    assert (status.sold_hours, status.carried_hours, status.budget_hours) == (12.0, 8.5, 20.5)
    assert everyone[client_id] == status
    assert status.billed_hours == 4.0
    september, october, november = history.months
    assert [m.month for m in history.months] == [SEP, OCT, NOV]
    assert (september.used, september.left, september.carried_out) == (12.0, 0.0, ())
    assert (october.used, october.carried_out_hours) == (3.5, 8.5)
    assert november.carried_in[0].month == OCT
    assert november.available == 20.5 and november.left == 16.5
    assert november.carried_out_hours == 10.0 and november.expired == pytest.approx(6.5)


def test_a_deficit_lowers_the_next_months_budget(store):
    clock.set_zone(name=KYIV)
    client_id, member_id, task_id = _carrying_client(store, overuse="deficit")
    with clock.freeze(at=NOW):
        for day in (5, 6, 7):
            _work(store, task_id=task_id, member_id=member_id, start=_kyiv(10, day, 9), hours=5)
        status = budget_status(store, client_id=client_id)
        unspent = budget_status(store, client_id=client_id, month=SEP)
    assert (status.budget_hours, status.carried_hours, status.level) == (9.0, -3.0, Level.OK)
    assert (unspent.budget_hours, unspent.carried_hours) == (12.0, 0.0)


def test_a_client_that_does_not_carry_keeps_its_paid_hours(store):
    clock.set_zone(name=KYIV)
    client_id, member_id, task_id = _carrying_client(store)
    with clock.freeze(at=NOW):
        _work(store, task_id=task_id, member_id=member_id, start=_kyiv(10, 6, 9), hours=2)
        status = budget_status(store, client_id=client_id)
        history = retainer_months(store, client_id=client_id, count=2)
    assert (status.budget_hours, status.carried_hours, status.sold_hours) == (12.0, 0.0, 12.0)
    assert history.since is None
    assert [(m.used, m.expired, m.carried_out) for m in history.months] == [
        (2.0, 10.0, ()),
        (0.0, 12.0, ()),
    ]


def test_carrying_begins_this_month_and_ends_when_the_policy_stops(store):
    client_id = add_client(store, code="ACME")
    with clock.freeze(at=NOW):
        began = change_retainer(store, client_id=client_id, rollover="carry")
        kept = change_retainer(store, client_id=client_id, carry_cap_hours=5.0)
        ended = change_retainer(store, client_id=client_id, rollover="expire")
    assert began.carry_since == kept.carry_since == dt.date(2026, 11, 1)
    assert kept.policy.cap_hours == 5.0 and kept.policy.rollover == Rollover.CARRY
    assert ended.carry_since is None


@pytest.mark.parametrize(
    "refused",
    [
        {"rollover": "keep"},
        {"overuse": "forgive"},
        {"carry_cap_hours": -1.0},
        {"carry_months": 0},
        {"rollover": "carry", "carry_months": 0},
    ],
)
def test_a_refused_policy_changes_nothing(store, refused):
    client_id = add_client(store, code="ACME")
    change_retainer(store, client_id=client_id, rounding=15, carry_cap_hours=4.0)
    with pytest.raises(ValidationError):
        change_retainer(store, client_id=client_id, rounding=30, **refused)
    with reading(store) as session:
        client = session.get(Client, client_id)
        assert (client.rollover, client.overuse, client.carry_cap_hours, client.carry_months) == (
            "expire",
            "writeoff",
            4.0,
            None,
        )
        assert (client.rounding_minutes, client.rollover_since) == (15, None)


def test_statuses_read_carries_in_the_same_queries_for_one_client_or_many(store):
    clock.set_zone(name=KYIV)

    def queries() -> int:
        statements: list[str] = []

        def count(*args) -> None:
            statements.append(args[2])

        event.listen(store, "before_cursor_execute", count)
        try:
            with clock.freeze(at=NOW):
                budget_statuses(store, month=NOV)
        finally:
            event.remove(store, "before_cursor_execute", count)
        return len(statements)

    client_id, member_id, task_id = _carrying_client(store, rollover="carry")
    with clock.freeze(at=NOW):
        _work(store, task_id=task_id, member_id=member_id, start=_kyiv(9, 3, 9), hours=1)
    one = queries()
    for n in range(5):
        _carrying_client(store, code=f"C{n}", rollover="carry", overuse="deficit")
    assert queries() == one


@settings(max_examples=20, deadline=None)
@given(
    entries=st.lists(
        st.tuples(st.integers(0, 6 * 24 * 4), st.integers(1, 8 * 60)), min_size=1, max_size=10
    ),
    zone=st.sampled_from([KYIV, "America/New_York", "Asia/Kathmandu"]),
)
def test_each_entry_is_used_once_in_the_month_it_started(entries, zone):
    """Entries start within three days of October's end, over a DST change in Kyiv and New
    York (25 October, 1 November): each counts once, wholly, in its local start's month."""
    clock.set_zone(name=zone)
    engine = make_engine(url="sqlite://")
    SQLModel.metadata.create_all(engine)
    try:
        client_id, member_id = add_client(engine, code="ACME"), add_member(engine)
        task_id = add_task(engine, client_id=client_id)
        begin = pendulum.datetime(2026, 10, 24, tz=zone)
        expected: dict[dt.date, int] = {}
        taken: list[tuple[pendulum.DateTime, pendulum.DateTime]] = []
        with clock.freeze(at=pendulum.datetime(2026, 12, 1, tz="UTC")):
            for quarter, minutes in entries:
                start = begin.add(minutes=15 * quarter)
                end = start.add(minutes=minutes)
                if any(start < other_end and other_start < end for other_start, other_end in taken):
                    continue
                taken.append((start, end))
                add_entry(engine, task_id=task_id, member_id=member_id, start=start, end=end)
                day = day_of(start=start, zone=zone)
                month = dt.date(day.year, day.month, 1)
                expected[month] = expected.get(month, 0) + minutes
            span = Span(
                start=month_span(month=OCT, zone=zone).start,
                end=month_span(month=NOV, zone=zone).end,
            )
            with reading(engine) as session:
                used = billed_by_period(session, span=span, client_ids=[client_id])[client_id]
        assert {month: round(hours * 60) for month, hours in used.items()} == expected
        assert sum(expected.values()) == sum(
            round((end - start).total_seconds() / 60) for start, end in taken
        )
    finally:
        engine.dispose()


def test_a_month_that_owes_more_than_it_was_sold_is_over_before_any_hour():
    assert level_of(spent=0.0, budget=-2.0) == Level.OVER
    assert level_of(spent=0.0, budget=0.0) == Level.OK
