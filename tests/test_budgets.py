"""Monthly budgets and their burn (model/budgets.py).

Month bounds in the expectations come from the standard library (`zoneinfo`),
not from the pendulum code under test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import SQLModel, select

from model import clock
from model.budgets import (
    Level,
    budget_status,
    budget_statuses,
    level_of,
    paid_hours,
    runs_out_on,
    set_budget,
)
from model.db import make_engine, reading, transaction
from model.tables import (
    Budget,
    Client,
    ClientStatus,
    Member,
    Sprint,
    SprintState,
    Status,
    Task,
)
from model.tasks import NotFoundError, ValidationError
from model.timetrack import add_entry, client_spent_hours
from model.weeks import month_span

UTC = dt.UTC
CREATED = dt.datetime(2000, 1, 1, tzinfo=UTC)
LATER = pendulum.datetime(2100, 1, 1, tz="UTC")
ZONES = ("Europe/Kyiv", "Europe/Moscow", "America/New_York", "Asia/Kathmandu", "UTC")


@contextmanager
def zone(name: str) -> Iterator[None]:
    previous = clock.zone()
    clock.set_zone(name=name)
    try:
        yield
    finally:
        clock.set_zone(name=previous)


@contextmanager
def store() -> Iterator:
    engine = make_engine(url="sqlite://")
    SQLModel.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def add_client(engine, *, code: str, status: str = ClientStatus.ACTIVE) -> int:
    with transaction(engine) as session:
        client = Client(name=f"Client {code}", code=code, status=status, created_at=CREATED)
        session.add(client)
        session.flush()
        return client.id


def add_member(engine, *, name: str = "Anna") -> int:
    with transaction(engine) as session:
        member = Member(name=name, initials=name[:2])
        session.add(member)
        session.flush()
        return member.id


def add_task(engine, *, client_id: int, **fields) -> int:
    with transaction(engine) as session:
        task = Task(
            client_id=client_id, title="t", created_at=CREATED, updated_at=CREATED, **fields
        )
        session.add(task)
        session.flush()
        return task.id


def month_start_utc(year: int, month: int, name: str) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=ZoneInfo(name)).astimezone(UTC)


def first_of(day: dt.date) -> pendulum.Date:
    return pendulum.date(day.year, day.month, 1)


# --- month boundaries ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(ZONES),
    month=st.dates(min_value=dt.date(2009, 1, 1), max_value=dt.date(2030, 12, 1)),
    before=st.integers(min_value=1, max_value=40 * 60),
    after=st.integers(min_value=1, max_value=40 * 60),
)
def test_an_entry_over_a_month_boundary_is_its_start_months_budget(name, month, before, after):
    """Time worked is clipped to a span; a month's budget takes the entry wholly into the
    month it started, as its billing and carries do."""
    boundary = month_start_utc(month.year, month.month, name)
    start = boundary - dt.timedelta(minutes=before)
    end = boundary + dt.timedelta(minutes=after)
    current = first_of(month)
    previous = current.subtract(months=1)
    with store() as engine, zone(name), clock.freeze(at=LATER):
        client_id = add_client(engine, code="A")
        task_id = add_task(engine, client_id=client_id)
        add_entry(engine, task_id=task_id, member_id=add_member(engine), start=start, end=end)
        spent = {
            key: client_spent_hours(
                engine, client_id=client_id, span=month_span(month=key, zone=name)
            )
            for key in (previous, current)
        }
        statuses = {
            key: budget_status(engine, client_id=client_id, month=key)
            for key in (previous, current)
        }
    assert spent[previous] * 60 == pytest.approx(before)
    assert spent[current] * 60 == pytest.approx(after)
    assert statuses[previous].spent_hours * 60 == pytest.approx(before + after)
    assert statuses[previous].billed_hours * 60 == pytest.approx(before + after)
    assert statuses[current].spent_hours == statuses[current].billed_hours == 0


@settings(max_examples=60, deadline=None)
@given(
    first=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    months_later=st.integers(min_value=1, max_value=30),
    probe=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2034, 12, 31)),
    hours=st.tuples(
        st.floats(min_value=0, max_value=500, allow_nan=False),
        st.floats(min_value=0, max_value=500, allow_nan=False),
    ),
)
def test_a_budget_change_applies_from_its_month_on_only(first, months_later, probe, hours):
    start = first_of(first)
    change = start.add(months=months_later)
    expected = None
    if first_of(probe) >= start:
        expected = hours[1] if first_of(probe) >= change else hours[0]
    with store() as engine, clock.freeze(at=LATER):
        client_id = add_client(engine, code="A")
        # Set out of order and with a day inside the month: the month is what counts.
        set_budget(engine, client_id=client_id, from_month=change.add(days=3), hours=hours[1])
        set_budget(engine, client_id=client_id, from_month=first, hours=hours[0])
        probe_day = pendulum.date(probe.year, probe.month, probe.day)
        assert paid_hours(engine, client_id=client_id, month=probe_day) == expected
        assert budget_status(engine, client_id=client_id, month=probe_day).budget_hours == expected


def test_setting_a_budget_for_the_same_month_again_replaces_it():
    with store() as engine:
        client_id = add_client(engine, code="A")
        set_budget(engine, client_id=client_id, from_month=pendulum.date(2026, 3, 1), hours=20)
        set_budget(engine, client_id=client_id, from_month=pendulum.date(2026, 3, 15), hours=30)
        with reading(engine) as session:
            rows = session.exec(select(Budget.from_month, Budget.hours)).all()
    assert rows == [(dt.date(2026, 3, 1), 30.0)]


def test_a_budget_needs_a_known_client_and_sensible_hours():
    with store() as engine:
        client_id = add_client(engine, code="A")
        with pytest.raises(ValidationError):
            set_budget(engine, client_id=client_id, from_month=pendulum.date(2026, 3, 1), hours=-1)
        with pytest.raises(NotFoundError):
            set_budget(engine, client_id=999, from_month=pendulum.date(2026, 3, 1), hours=10)
        with pytest.raises(NotFoundError):
            budget_status(engine, client_id=999)


# --- levels and pace -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spent", "budget", "level"),
    [
        (5, None, Level.NONE),
        (0, 10, Level.OK),
        (7.99, 10, Level.OK),
        (8, 10, Level.WARNING),
        (9.99, 10, Level.WARNING),
        (10, 10, Level.OVER),
        (12, 10, Level.OVER),
        (0, 0, Level.OK),
        (0.5, 0, Level.OVER),
    ],
)
def test_levels(spent, budget, level):
    assert level_of(spent=spent, budget=budget) == level


NOV = pendulum.date(2026, 11, 1)  # Sunday; 21 working days, the 20th is Friday 27th


@pytest.mark.parametrize(
    ("budget", "spent", "today", "expected"),
    [
        # 7 working days to Tue 10th, 2 h a day: 40 h last 20 working days.
        (40, 14, pendulum.date(2026, 11, 10), pendulum.date(2026, 11, 27)),
        # 41 h need 20.5 days: the 21st working day, Monday 30th.
        (41, 14, pendulum.date(2026, 11, 10), pendulum.date(2026, 11, 30)),
        # 43 h outlast the month.
        (43, 14, pendulum.date(2026, 11, 10), None),
        # Already used up: about the day it ran out (the 5th working day).
        (10, 14, pendulum.date(2026, 11, 10), pendulum.date(2026, 11, 6)),
        (40, 0, pendulum.date(2026, 11, 10), None),
        (None, 14, pendulum.date(2026, 11, 10), None),
        # Sunday the 1st: no working day has passed yet.
        (40, 3, pendulum.date(2026, 11, 1), None),
        # A month in the future has no pace.
        (40, 3, pendulum.date(2026, 10, 20), None),
    ],
)
def test_runs_out_on_extrapolates_the_pace_per_working_day(budget, spent, today, expected):
    assert runs_out_on(month=NOV, budget=budget, spent=spent, today=today) == expected


# --- status --------------------------------------------------------------------------------


def test_status_of_a_month_with_time_planned_in_its_open_sprint():
    kyiv = "Europe/Kyiv"
    with (
        store() as engine,
        zone(kyiv),
        clock.freeze(at=pendulum.datetime(2026, 11, 10, 12, tz=kyiv)),
    ):
        client_id, other_id = add_client(engine, code="A"), add_client(engine, code="B")
        member_id = add_member(engine)
        set_budget(engine, client_id=client_id, from_month=NOV, hours=40)
        with transaction(engine) as session:
            sprints = [
                Sprint(week_start=pendulum.date(2026, 11, 9)),
                Sprint(week_start=pendulum.date(2026, 11, 2), state=SprintState.CLOSED),
                Sprint(week_start=pendulum.date(2026, 10, 26)),
            ]
            session.add_all(sprints)
            session.flush()
            open_id, closed_id, october_id = (sprint.id for sprint in sprints)
        worked = add_task(engine, client_id=client_id, sprint_id=open_id, estimate_hours=5)
        add_task(engine, client_id=client_id, sprint_id=open_id, estimate_hours=3)
        overrun = add_task(engine, client_id=client_id, sprint_id=open_id, estimate_hours=1)
        add_task(
            engine, client_id=client_id, sprint_id=open_id, estimate_hours=7, status=Status.DONE
        )
        add_task(engine, client_id=client_id, sprint_id=open_id)  # no estimate
        add_task(engine, client_id=client_id, sprint_id=closed_id, estimate_hours=11)
        add_task(engine, client_id=client_id, sprint_id=october_id, estimate_hours=13)
        add_task(engine, client_id=other_id, sprint_id=open_id, estimate_hours=17)
        for task_id, hours, day in ((worked, 2, 3), (overrun, 30, 4)):
            start = pendulum.datetime(2026, 11, day, 9, tz=kyiv)
            add_entry(
                engine,
                task_id=task_id,
                member_id=member_id,
                start=start,
                end=start.add(hours=hours),
            )
        status = budget_status(engine, client_id=client_id)
    assert status.month == NOV
    assert status.budget_hours == 40
    assert status.spent_hours == 32
    assert status.planned_hours == 3 + 3  # (5 - 2) + 3; the overrun task adds nothing
    assert status.remaining_hours == 8
    assert status.free_hours == 2
    assert status.burn_percent == 80
    assert status.level == Level.WARNING
    # 32 h in 7 working days: 40 h last 8.75 days, so the 9th working day, Thursday 12th.
    assert status.runs_out_on == pendulum.date(2026, 11, 12)


def test_statuses_of_every_client_in_a_handful_of_queries():
    with store() as engine, clock.freeze(at=pendulum.datetime(2026, 11, 20, tz="UTC")):
        member_id = add_member(engine)
        ids = [add_client(engine, code=f"C{n}") for n in range(20)]
        archived = add_client(engine, code="OLD", status=ClientStatus.ARCHIVED)
        for index, client_id in enumerate(ids):
            set_budget(engine, client_id=client_id, from_month=NOV, hours=10)
            task_id = add_task(engine, client_id=client_id)
            start = pendulum.datetime(2026, 11, 1, tz="UTC").add(hours=12 * index)
            end = start.add(hours=index % 12, minutes=30)
            add_entry(engine, task_id=task_id, member_id=member_id, start=start, end=end)
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        statuses = budget_statuses(engine, month=pendulum.date(2026, 11, 17))
    assert sorted(statuses) == sorted(ids)
    assert archived not in statuses
    assert [statuses[client_id].spent_hours for client_id in ids] == [
        n % 12 + 0.5 for n in range(20)
    ]
    assert statuses[ids[11]].level == Level.OVER
    assert statuses[ids[8]].level == Level.WARNING
    assert statuses[ids[1]].level == Level.OK
    assert len([sql for sql in statements if "SELECT" in sql.upper()]) <= 5
