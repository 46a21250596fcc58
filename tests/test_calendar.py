"""The calendar's items: rituals, meetings, deadlines and promises (model/calendar.py)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model import clock
from model.calendar import DayCounts, Kind, day_counts, items, month_grid, ritual_items
from model.config import Config
from model.db import transaction
from model.promises import PromiseState
from model.tables import Channel, Client, Interaction, Status
from model.tasks import create_task, update_task

MONDAY = pendulum.date(2026, 11, 16)
SUNDAY = MONDAY.add(days=6)
KYIV = "Europe/Kyiv"


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=KYIV)


@pytest.fixture
def acme(store, frozen) -> tuple[object, int]:
    with transaction(store) as session:
        client = Client(name="Acme", code="AC", colour="#123456", created_at=clock.now())
        session.add(client)
        session.flush()
        return store, client.id


def test_stand_ups_on_working_days_and_the_retro_on_its_day():
    week = ritual_items(first=MONDAY, last=SUNDAY, config=Config())
    standups = [item for item in week if item.kind == Kind.STANDUP]
    assert len(standups) == 10
    assert {item.day.weekday() for item in standups} == {0, 1, 2, 3, 4}
    assert {item.at for item in standups} == {pendulum.time(11), pendulum.time(16)}
    (retro,) = [item for item in week if item.kind == Kind.RETRO]
    assert (retro.day, retro.at) == (MONDAY.add(days=4), pendulum.time(17))


def test_rituals_follow_the_config():
    config = Config(
        standup_times=("09:30", "13:00", "17:45"), retro_day="thursday", retro_time="15:30"
    )
    week = ritual_items(first=MONDAY, last=SUNDAY, config=config)
    assert sum(item.kind == Kind.STANDUP for item in week) == 15
    (retro,) = [item for item in week if item.kind == Kind.RETRO]
    assert (retro.day.weekday(), retro.at) == (3, pendulum.time(15, 30))
    assert ritual_items(first=SUNDAY, last=SUNDAY, config=config) == []


def test_deadlines_and_promises_fall_on_their_days(acme):
    engine, client_id = acme
    today = clock.today()  # Wednesday 18 November, 10:30 in Kyiv
    due = create_task(
        engine, client_id=client_id, title="Report", status=Status.TODO, due_date=today.add(days=2)
    )
    late = create_task(
        engine,
        client_id=client_id,
        title="Late",
        status=Status.TODO,
        due_date=today.subtract(days=1),
    )
    past_hour = create_task(
        engine,
        client_id=client_id,
        title="At nine",
        status=Status.TODO,
        due_date=today,
        due_time=dt.time(9, 0),
    )
    later_hour = create_task(
        engine,
        client_id=client_id,
        title="At five",
        status=Status.TODO,
        due_date=today,
        due_time=dt.time(17, 0),
    )
    create_task(engine, client_id=client_id, title="Done", status=Status.DONE, due_date=today)
    archived = create_task(
        engine, client_id=client_id, title="Gone", status=Status.TODO, due_date=today
    )
    update_task(engine, task_id=archived.id, changes={"archived_at": clock.now()})
    create_task(
        engine,
        client_id=client_id,
        title="Next week",
        status=Status.TODO,
        due_date=today.add(days=7),
    )
    kept = create_task(
        engine,
        client_id=client_id,
        title="Kept",
        status=Status.DONE,
        due_date=today.add(days=1),
        promised_at=clock.now().subtract(days=3),
    )
    open_promise = create_task(
        engine,
        client_id=client_id,
        title="Promised",
        status=Status.TODO,
        due_date=today.subtract(days=2),
        promised_at=clock.now().subtract(days=3),
    )

    found = [
        item for item in items(engine, first=MONDAY, last=SUNDAY, config=Config()) if item.task_id
    ]
    by_id = {item.task_id: item for item in found}
    assert set(by_id) == {due.id, late.id, past_hour.id, later_hour.id, kept.id, open_promise.id}
    assert by_id[due.id].kind == Kind.DEADLINE and not by_id[due.id].overdue
    assert by_id[due.id].day == today.add(days=2) and by_id[due.id].at is None
    assert by_id[due.id].client_code == "AC" and by_id[due.id].client_colour == "#123456"
    assert by_id[late.id].overdue
    assert by_id[past_hour.id].overdue, "09:00 has passed at 10:30"
    assert not by_id[later_hour.id].overdue
    assert by_id[later_hour.id].at == pendulum.time(17)
    assert by_id[kept.id].kind == Kind.PROMISE
    assert by_id[kept.id].promise == PromiseState.KEPT and not by_id[kept.id].overdue
    assert by_id[open_promise.id].promise == PromiseState.OVERDUE and by_id[open_promise.id].overdue


def test_meetings_are_the_meetings_still_ahead(acme):
    engine, client_id = acme
    with transaction(engine) as session:
        for moment, channel, summary in (
            (at(2026, 11, 19, 14), Channel.MEETING, "Quarterly review"),
            (at(2026, 11, 18, 9), Channel.MEETING, "This morning, logged"),
            (at(2026, 11, 19, 15), Channel.CALL, "A call, not a meeting"),
            (at(2026, 11, 23, 10), Channel.MEETING, "Next week"),
        ):
            session.add(
                Interaction(client_id=client_id, at=moment, channel=channel, summary=summary)
            )
    meetings = [
        item
        for item in items(engine, first=MONDAY, last=SUNDAY, config=Config())
        if item.kind == Kind.MEETING
    ]
    assert [(item.day, item.at, item.title) for item in meetings] == [
        (pendulum.date(2026, 11, 19), pendulum.time(14), "Quarterly review")
    ]
    assert meetings[0].interaction_id is not None and meetings[0].client_name == "Acme"


def test_a_meeting_late_in_the_utc_evening_is_on_the_next_local_day(acme):
    engine, client_id = acme
    with transaction(engine) as session:
        moment = pendulum.datetime(2026, 11, 19, 22, 30, tz="UTC")  # 00:30 on Friday in Kyiv
        session.add(Interaction(client_id=client_id, at=moment, channel=Channel.MEETING))
    (meeting,) = [
        item
        for item in items(engine, first=MONDAY, last=SUNDAY, config=Config())
        if item.kind == Kind.MEETING
    ]
    assert (meeting.day, meeting.at) == (pendulum.date(2026, 11, 20), pendulum.time(0, 30))


def test_items_come_in_the_order_of_the_day(acme):
    engine, client_id = acme
    today = clock.today()
    create_task(engine, client_id=client_id, title="All day", status=Status.TODO, due_date=today)
    create_task(
        engine,
        client_id=client_id,
        title="Noon",
        status=Status.TODO,
        due_date=today,
        due_time=dt.time(12, 0),
    )
    day = [item for item in items(engine, first=today, last=today, config=Config())]
    assert [(item.kind, item.title) for item in day] == [
        (Kind.STANDUP, ""),
        (Kind.DEADLINE, "Noon"),
        (Kind.STANDUP, ""),
        (Kind.DEADLINE, "All day"),
    ]


def test_day_counts_leave_out_the_rituals(acme):
    engine, client_id = acme
    today = clock.today()
    create_task(engine, client_id=client_id, title="a", status=Status.TODO, due_date=today)
    create_task(
        engine, client_id=client_id, title="b", status=Status.TODO, due_date=today.subtract(days=1)
    )
    create_task(
        engine,
        client_id=client_id,
        title="c",
        status=Status.TODO,
        due_date=today,
        promised_at=clock.now(),
    )
    counts = day_counts(found=items(engine, first=MONDAY, last=SUNDAY, config=Config()))
    assert counts == {
        today: DayCounts(deadlines=1, promises=1),
        today.subtract(days=1): DayCounts(deadlines=1, overdue=1),
    }
    assert DayCounts().empty and not counts[today].empty


def test_month_grid_of_november_2026():
    weeks = month_grid(month=pendulum.date(2026, 11, 18), start_weekday=0)
    assert weeks[0][0] == pendulum.date(2026, 10, 26)
    assert weeks[-1][-1] == pendulum.date(2026, 12, 6)
    assert len(weeks) == 6
    assert len(month_grid(month=pendulum.date(2021, 2, 1), start_weekday=0)) == 4


@given(
    month=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    start=st.integers(min_value=0, max_value=6),
)
def test_a_month_grid_is_whole_weeks_covering_the_month(month, start):
    day = pendulum.date(month.year, month.month, month.day)
    weeks = month_grid(month=day, start_weekday=start)
    days = [d for week in weeks for d in week]
    assert all(len(week) == 7 and week[0].weekday() == start for week in weeks)
    assert all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False))
    inside = [d for d in days if d.month == day.month and d.year == day.year]
    assert inside[0].day == 1 and inside[-1] == day.end_of("month")
    assert 4 <= len(weeks) <= 6
