"""Urgency: each term, the order it gives, and the config's coefficients (model/urgency.py)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model import clock
from model.config import DEFAULT_URGENCY
from model.tables import Priority, Status, Task
from model.urgency import AGE_CAP_DAYS, due_factor, terms, urgency

TODAY = pendulum.date(2026, 11, 18)
CREATED = dt.datetime(2026, 11, 18, 8, 0, tzinfo=dt.UTC)


def task(**fields) -> Task:
    values = {"client_id": 1, "title": "t", "created_at": CREATED, "updated_at": CREATED}
    return Task(**(values | fields))


def score(item: Task, **coefficients: float) -> float:
    return urgency(task=item, today=TODAY, coefficients=DEFAULT_URGENCY | coefficients)


def test_a_plain_new_task_scores_nothing():
    assert set(terms(task=task(), today=TODAY, coefficients=DEFAULT_URGENCY).values()) == {0.0}
    assert score(task()) == 0.0


@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        (Priority.URGENT, DEFAULT_URGENCY["priority_urgent"]),
        (Priority.HIGH, DEFAULT_URGENCY["priority_high"]),
        (Priority.NORMAL, 0.0),
        (Priority.LOW, DEFAULT_URGENCY["priority_low"]),
    ],
)
def test_priority_term(priority, expected):
    found = terms(task=task(priority=priority), today=TODAY, coefficients=DEFAULT_URGENCY)
    assert found["priority"] == expected


def test_due_term_grows_as_the_date_nears_and_saturates_when_late():
    factors = [due_factor(due=TODAY.add(days=days), today=TODAY) for days in range(20, -10, -1)]
    assert factors == sorted(factors)
    assert factors[0] == 0.2, "a far deadline still counts a little"
    assert due_factor(due=TODAY.add(days=14), today=TODAY) == 0.2
    assert due_factor(due=TODAY, today=TODAY) == pytest.approx(0.2 + 0.8 * 14 / 15)
    assert due_factor(due=TODAY.subtract(days=1), today=TODAY) == 1.0
    assert due_factor(due=TODAY.subtract(days=300), today=TODAY) == 1.0


@given(
    due=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
    today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
)
def test_due_factor_stays_between_floor_and_one(due, today):
    factor = due_factor(due=due, today=today)
    assert 0.2 <= factor <= 1.0
    if due < today:
        assert factor == 1.0


def test_promised_fire_waiting_and_carried_over_terms():
    found = terms(
        task=task(
            promised_at=CREATED, fire=True, status=Status.WAITING, carried_over=2, due_date=None
        ),
        today=TODAY,
        coefficients=DEFAULT_URGENCY,
    )
    assert found["promised"] == 5.0
    assert found["fire"] == 8.0
    assert found["waiting"] == -3.0
    assert found["carried_over"] == 3.0
    assert found["due"] == 0.0


def test_carried_over_counts_at_most_three_sprints():
    found = terms(task=task(carried_over=9), today=TODAY, coefficients=DEFAULT_URGENCY)
    assert found["carried_over"] == 3 * DEFAULT_URGENCY["carried_over"]


def test_age_grows_slowly_up_to_a_cap():
    def age(days: int) -> float:
        created = CREATED - dt.timedelta(days=days)
        return terms(task=task(created_at=created), today=TODAY, coefficients=DEFAULT_URGENCY)[
            "age"
        ]

    assert age(0) == 0.0
    assert age(15) == pytest.approx(DEFAULT_URGENCY["age"] * 15 / AGE_CAP_DAYS)
    assert age(AGE_CAP_DAYS) == DEFAULT_URGENCY["age"]
    assert age(400) == DEFAULT_URGENCY["age"]
    assert age(400) < DEFAULT_URGENCY["due"] * 0.2 + DEFAULT_URGENCY["age"]


def test_age_counts_local_days():
    """Created at 23:30 UTC is already the next day in Kyiv: one day younger there."""
    created = dt.datetime(2026, 11, 16, 23, 30, tzinfo=dt.UTC)
    clock.set_zone(name="UTC")
    in_utc = terms(task=task(created_at=created), today=TODAY, coefficients=DEFAULT_URGENCY)
    clock.set_zone(name="Europe/Kyiv")
    in_kyiv = terms(task=task(created_at=created), today=TODAY, coefficients=DEFAULT_URGENCY)
    assert in_utc["age"] == pytest.approx(DEFAULT_URGENCY["age"] * 2 / AGE_CAP_DAYS)
    assert in_kyiv["age"] == pytest.approx(DEFAULT_URGENCY["age"] * 1 / AGE_CAP_DAYS)


def test_the_score_is_the_sum_of_the_terms():
    item = task(priority=Priority.HIGH, due_date=TODAY.add(days=3), promised_at=CREATED)
    found = terms(task=item, today=TODAY, coefficients=DEFAULT_URGENCY)
    assert score(item) == pytest.approx(sum(found.values()), abs=0.01)


def test_a_late_promise_outranks_a_normal_task_due_next_week():
    late_promise = task(due_date=TODAY.subtract(days=1), promised_at=CREATED)
    next_week = task(due_date=TODAY.add(days=7))
    assert score(late_promise) > score(next_week)


def test_waiting_on_the_client_sinks():
    ready = task(priority=Priority.HIGH, due_date=TODAY.add(days=2))
    waiting = task(priority=Priority.HIGH, due_date=TODAY.add(days=2), status=Status.WAITING)
    plain = task()
    assert score(waiting) < score(ready)
    assert score(task(status=Status.WAITING)) < score(plain)


def test_ordering_of_a_mixed_backlog():
    items = {
        "fire": task(fire=True, priority=Priority.URGENT),
        "late promise": task(due_date=TODAY.subtract(days=2), promised_at=CREATED),
        "due next week": task(due_date=TODAY.add(days=7)),
        "plain": task(),
        "low": task(priority=Priority.LOW),
        "waiting": task(status=Status.WAITING),
    }
    ranked = sorted(items, key=lambda name: -score(items[name]))
    assert ranked == ["late promise", "fire", "due next week", "plain", "low", "waiting"]


def test_coefficients_come_from_the_config():
    item = task(due_date=TODAY, promised_at=CREATED)
    assert score(item, due=0.0, promised=0.0) == 0.0
    assert score(item, promised=10.0) > score(item)
