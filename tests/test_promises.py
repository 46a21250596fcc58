"""Promise rules: kept when done by the deadline, to the minute."""

from __future__ import annotations

from datetime import time

import pendulum
import pytest

from model.promises import PromiseState, deadline, promise_task, state
from model.tables import Task
from model.tasks import ValidationError, create_task, get_task, snapshot
from tests.agency import build

ZONE = "Europe/Kyiv"
NOW = pendulum.datetime(2026, 11, 18, 10, 30, tz=ZONE)


def task(**fields) -> Task:
    values = {"promised_at": NOW.subtract(days=2), "due_date": pendulum.date(2026, 11, 18)}
    return Task(client_id=1, title="report", created_at=NOW, updated_at=NOW, **(values | fields))


def test_a_date_only_promise_is_due_at_the_end_of_that_local_day():
    assert deadline(task=task(), zone=ZONE) == pendulum.datetime(2026, 11, 19, tz=ZONE)


def test_a_timed_promise_is_due_at_its_minute():
    due = deadline(task=task(due_time=time(17, 0)), zone=ZONE)
    assert due == pendulum.datetime(2026, 11, 18, 17, 0, tz=ZONE)


@pytest.mark.parametrize(
    ("done_at", "expected"),
    [
        (pendulum.datetime(2026, 11, 18, 17, 0, tz=ZONE), PromiseState.KEPT),
        (pendulum.datetime(2026, 11, 18, 17, 1, tz=ZONE), PromiseState.BROKEN),
    ],
)
def test_done_one_minute_late_is_broken(done_at, expected):
    promised = task(due_time=time(17, 0), done_at=done_at)
    assert state(task=promised, now=NOW.add(days=3), zone=ZONE) == expected


def test_open_then_overdue_and_unpromised_is_none():
    promised = task(due_time=time(17, 0))
    assert state(task=promised, now=NOW, zone=ZONE) == PromiseState.OPEN
    assert state(task=promised, now=NOW.set(hour=17, minute=1), zone=ZONE) == PromiseState.OVERDUE
    assert state(task=task(promised_at=None), now=NOW, zone=ZONE) is None


def test_a_promise_needs_a_deadline(store, frozen):
    ids = build(store)
    undated = ids["Настроить ремаркетинг"]
    with pytest.raises(ValidationError):
        promise_task(store, task_id=undated)
    assert get_task(store, task_id=undated).promised_at is None
    promised = promise_task(store, task_id=undated, due_date=pendulum.date(2026, 11, 20)).value
    assert promised.promised_at is not None and promised.due_date.isoformat() == "2026-11-20"


def test_undoing_a_promise_puts_the_task_back_with_its_deadline(store, frozen):
    ids = build(store)
    undated = ids["Настроить ремаркетинг"]
    before = snapshot(get_task(store, task_id=undated))
    done = promise_task(store, task_id=undated, due_date=pendulum.date(2026, 11, 20))
    assert done.undo.label == "promise: Настроить ремаркетинг"
    done.undo.revert()
    after = get_task(store, task_id=undated)
    assert snapshot(after) == before
    assert after.promised_at is None and after.due_date is None


def test_promising_writes_a_task_event(store, frozen):
    from model.tasks import history

    ids = build(store)
    task_id = create_task(
        store, client_id=ids["NWB"], title="x", due_date=pendulum.date(2026, 11, 19)
    ).id
    promise_task(store, task_id=task_id)
    assert any(event.field == "promised_at" for event in history(store, task_id=task_id))
