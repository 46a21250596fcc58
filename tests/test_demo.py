"""The demo agency (model/demo.py): its shape, its timeline, determinism and its guards."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pendulum
import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from model import clock, demo
from model.db import reading
from model.store import open_store
from model.tables import (
    Budget,
    Client,
    ClientPlan,
    Contact,
    Interaction,
    Member,
    Sprint,
    SprintState,
    Status,
    Task,
    TaskEvent,
    TimeEntry,
)
from model.weeks import month_start, sprint_start

FROZEN = pendulum.datetime(2026, 11, 25, 14, 30, tz="UTC")  # a Wednesday afternoon
NOW = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
TODAY = pendulum.date(2026, 11, 25)
CYRILLIC = re.compile("[А-Яа-яІіЇїЄєҐґЁё]")


def new_store(tmp_path, name: str = "d.db"):
    return open_store(url=f"sqlite:///{tmp_path}/{name}").engine


def all_of(engine, model) -> list:
    with reading(engine) as session:
        return list(session.scalars(select(model).order_by(model.id)).all())


def count(engine, model) -> int:
    with reading(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def table_dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in id order."""
    with reading(engine) as session:
        return {
            table.name: [tuple(row) for row in session.execute(select(table).order_by("id"))]
            for table in SQLModel.metadata.sorted_tables
        }


def in_working_hours(entry: TimeEntry) -> bool:
    """Monday to Friday, 09:00 to 18:00 in the configured zone."""
    start, end = clock.to_local(entry.start), clock.to_local(entry.end)
    opening, closing = start.set(hour=9, minute=0, second=0), start.set(hour=18, minute=0, second=0)
    return start.weekday() < 5 and opening <= start and end <= closing


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    """One scale-1 demo, filled at FROZEN in UTC, read by the tests below."""
    clock.set_zone(name="UTC")
    engine = new_store(tmp_path_factory.mktemp("demo"))
    with clock.freeze(at=FROZEN):
        summary = demo.fill(engine=engine)
    yield engine, summary
    engine.dispose()


def test_summary_counts_what_was_written(agency):
    engine, summary = agency
    assert summary == demo.DemoSummary(
        clients=count(engine, Client),
        members=count(engine, Member),
        tasks=count(engine, Task),
        time_entries=count(engine, TimeEntry),
        interactions=count(engine, Interaction),
        sprints=count(engine, Sprint),
    )


def test_clients_have_codes_colours_budgets_and_contacts(agency):
    engine, _ = agency
    clients = all_of(engine, Client)
    assert len(clients) >= 8
    names = [client.name for client in clients]
    assert {"Northwind Bank", "Меблі Карпат", "Клиника Здоровье"} <= set(names)
    assert sum(bool(CYRILLIC.search(name)) for name in names) >= 3
    codes = [client.code for client in clients]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch("[A-Z]{2,4}", code) for code in codes)
    colours = [client.colour for client in clients]
    assert len(set(colours)) == len(colours)
    assert all(re.fullmatch("#[0-9a-f]{6}", colour) for colour in colours)
    assert all(client.notes and client.site and client.preferred_channel for client in clients)
    contacts = defaultdict(int)
    for contact in all_of(engine, Contact):
        contacts[contact.client_id] += 1
    assert all(1 <= contacts[client.id] <= 3 for client in clients)


def test_budgets_start_before_the_data_and_some_change_this_month(agency):
    engine, _ = agency
    budgets = all_of(engine, Budget)
    first_task = min(task.created_at for task in all_of(engine, Task))
    start_month = month_start(day=pendulum.instance(first_task).date())
    by_client = defaultdict(list)
    for budget in budgets:
        by_client[budget.client_id].append(budget)
    assert set(by_client) == {client.id for client in all_of(engine, Client)}
    for rows in by_client.values():
        assert min(row.from_month for row in rows) < start_month
    changed = [rows for rows in by_client.values() if len(rows) == 2]
    assert 1 <= len(changed) <= 2
    assert all(max(row.from_month for row in rows) == month_start(day=TODAY) for rows in changed)


def test_six_members_one_per_role(agency):
    engine, _ = agency
    members = all_of(engine, Member)
    assert len(members) == 6
    assert {member.role for member in members} == set(demo.ROLES)
    assert all(member.initials and member.weekly_capacity_hours > 0 for member in members)


def test_four_closed_sprints_and_the_current_open_one(agency):
    engine, _ = agency
    sprints = all_of(engine, Sprint)
    this_week = sprint_start(day=TODAY, start_weekday=0)
    assert [sprint.week_start for sprint in sprints] == [
        this_week.subtract(weeks=back) for back in (4, 3, 2, 1, 0)
    ]
    assert [sprint.state for sprint in sprints] == [SprintState.CLOSED] * 4 + [SprintState.OPEN]
    assert all(sprint.closed_at is not None for sprint in sprints[:4])
    assert sprints[4].closed_at is None


def test_plans_past_agreed_current_partly(agency):
    engine, _ = agency
    sprints = all_of(engine, Sprint)
    clients = all_of(engine, Client)
    plans = all_of(engine, ClientPlan)
    assert {(plan.sprint_id, plan.client_id) for plan in plans} == {
        (sprint.id, client.id) for sprint in sprints for client in clients
    }
    current = sprints[-1].id
    assert all(plan.agreed_at is not None for plan in plans if plan.sprint_id != current)
    agreed_now = [plan.agreed_at is not None for plan in plans if plan.sprint_id == current]
    assert any(agreed_now) and not all(agreed_now)
    assert all(plan.agreed_at <= NOW for plan in plans if plan.agreed_at is not None)


def test_about_400_tasks_in_every_status(agency):
    engine, _ = agency
    tasks = all_of(engine, Task)
    assert 350 <= len(tasks) <= 450
    assert {task.status for task in tasks} == set(Status)
    assert 0 < sum(task.priority == "urgent" for task in tasks) < len(tasks) * 0.1
    assert any(task.fire for task in tasks)
    assert any(task.estimate_hours is None for task in tasks)
    assert any(task.due_time is not None for task in tasks)
    assert any(task.carried_over > 0 for task in tasks)
    assert any(task.archived_at is not None for task in tasks)
    assert all(re.fullmatch("[a-z-]+(,[a-z-]+)*", task.labels) for task in tasks)
    assert any(CYRILLIC.search(task.title) for task in tasks)
    assert any(not CYRILLIC.search(task.title) for task in tasks)
    current = all_of(engine, Sprint)[-1].id
    assert any(task.sprint_id == current for task in tasks)


def test_done_tasks_have_done_at_and_positions_increase_per_column(agency):
    engine, _ = agency
    columns = defaultdict(list)
    for task in all_of(engine, Task):
        columns[task.status].append(task.position)
        assert (task.done_at is not None) == (task.status == Status.DONE)
        assert task.created_at <= task.updated_at <= NOW
    for positions in columns.values():
        assert len(set(positions)) == len(positions)


def test_some_promises_are_overdue_and_not_done(agency):
    engine, _ = agency
    promised = [task for task in all_of(engine, Task) if task.promised_at is not None]
    assert all(task.due_date is not None and task.promised_at <= NOW for task in promised)
    overdue = [
        task
        for task in promised
        if task.due_date < TODAY and task.status != Status.DONE and task.archived_at is None
    ]
    assert len(overdue) >= 3
    assert any(task.status == Status.DONE for task in promised)


def test_waiting_on_the_client_for_different_lengths(agency):
    engine, _ = agency
    tasks = all_of(engine, Task)
    waiting = [task for task in tasks if task.status == Status.WAITING]
    assert all(task.waiting_since is not None for task in waiting)
    assert all(task.waiting_since is None for task in tasks if task.status != Status.WAITING)
    days = {(NOW - task.waiting_since).days for task in waiting}
    assert min(days) <= 2 and max(days) >= 15 and len(days) >= 8
    assert all(1 <= day <= 20 for day in days)
    assert any(task.waiting_seconds > 0 for task in tasks)


def test_status_events_tell_each_tasks_story(agency):
    engine, _ = agency
    events = defaultdict(list)
    for event in all_of(engine, TaskEvent):
        events[event.task_id].append(event)
    for task in all_of(engine, Task):
        story = sorted(events[task.id], key=lambda event: (event.at, event.id))
        moves = [event for event in story if event.field in ("created", "status")]
        assert moves[0].field == "created" and moves[0].at == task.created_at
        assert moves[-1].new == task.status
        assert all(b.old == a.new for a, b in zip(moves, moves[1:], strict=False))
        assert story[-1].at <= NOW
        if task.status == Status.DONE:
            assert moves[-1].at == task.done_at
        if task.status == Status.WAITING:
            assert moves[-1].at == task.waiting_since


def test_time_entries_fill_the_past_five_weeks_without_overlap(agency):
    engine, _ = agency
    entries = all_of(engine, TimeEntry)
    assert len(entries) > 1000
    assert all(entry.end is not None for entry in entries)
    assert min(entry.start for entry in entries) >= NOW - timedelta(weeks=5)
    assert min(entry.start for entry in entries) < NOW - timedelta(weeks=4)
    assert max(entry.end for entry in entries) <= NOW
    by_member = defaultdict(list)
    for entry in entries:
        assert entry.start < entry.end
        assert in_working_hours(entry)
        by_member[entry.member_id].append(entry)
    assert len(by_member) == 6
    for mine in by_member.values():
        mine.sort(key=lambda entry: entry.start)
        assert all(a.end <= b.start for a, b in zip(mine, mine[1:], strict=False))
    assert any(entry.end - entry.start >= timedelta(hours=3) for entry in entries)


def test_time_is_tracked_only_while_a_task_is_in_hand(agency):
    engine, _ = agency
    tasks = {task.id: task for task in all_of(engine, Task)}
    for entry in all_of(engine, TimeEntry):
        task = tasks[entry.task_id]
        assert entry.member_id == task.assignee_id
        assert entry.start >= task.created_at
        assert task.status in (Status.DOING, Status.WAITING, Status.REVIEW, Status.DONE)
        if task.done_at is not None:
            assert entry.end <= task.done_at


def test_interactions_with_silent_clients_and_future_meetings(agency):
    engine, _ = agency
    interactions = all_of(engine, Interaction)
    last_contact = defaultdict(lambda: NOW - timedelta(days=365))
    for item in interactions:
        if item.at <= NOW:
            last_contact[item.client_id] = max(last_contact[item.client_id], item.at)
    clients = all_of(engine, Client)
    assert all(client.id in last_contact for client in clients)
    silent = [client for client in clients if last_contact[client.id] < NOW - timedelta(days=7)]
    assert 1 <= len(silent) <= 2
    future = [item for item in interactions if item.at > NOW]
    assert 2 <= len(future) <= 4
    assert all(item.channel == "meeting" for item in future)
    assert {item.channel for item in interactions} == {
        "email",
        "chat",
        "call",
        "messenger",
        "meeting",
    }
    assert {item.direction for item in interactions} == {"in", "out"}


def test_same_seed_and_clock_give_identical_rows(tmp_path):
    first, second = new_store(tmp_path, "a.db"), new_store(tmp_path, "b.db")
    with clock.freeze(at=FROZEN):
        demo.fill(engine=first, seed=7)
        demo.fill(engine=second, seed=7)
    dump = table_dump(first)
    assert dump["task"] and dump["timeentry"]
    assert dump == table_dump(second)


def test_another_seed_gives_another_agency(tmp_path):
    first, second = new_store(tmp_path, "a.db"), new_store(tmp_path, "b.db")
    with clock.freeze(at=FROZEN):
        demo.fill(engine=first, seed=1)
        demo.fill(engine=second, seed=2)
    assert table_dump(first)["task"] != table_dump(second)["task"]


def test_refuses_a_store_that_is_not_empty_and_clear_empties_it(tmp_path):
    engine = new_store(tmp_path)
    assert demo.is_empty(engine=engine)
    with clock.freeze(at=FROZEN):
        demo.fill(engine=engine)
        before = table_dump(engine)
        assert not demo.is_empty(engine=engine)
        with pytest.raises(ValueError, match="not empty"):
            demo.fill(engine=engine)
        assert table_dump(engine) == before
        demo.clear(engine=engine)
        assert demo.is_empty(engine=engine)
        assert not any(table_dump(engine).values())
        assert demo.fill(engine=engine).tasks == len(before["task"])


def test_refuses_a_scale_below_one(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        demo.fill(engine=new_store(tmp_path), scale=0)


def test_reports_progress(tmp_path):
    messages: list[str] = []
    with clock.freeze(at=FROZEN):
        demo.fill(engine=new_store(tmp_path), progress=messages.append)
    assert any("task" in message for message in messages)


@pytest.mark.parametrize(
    ("zone", "at"),
    [
        ("Europe/Kyiv", pendulum.datetime(2026, 11, 2, 7, 5, tz="Europe/Kyiv")),  # Monday early
        ("America/New_York", pendulum.datetime(2026, 11, 8, 22, 0, tz="America/New_York")),
        ("Asia/Tokyo", pendulum.datetime(2027, 1, 1, 12, 0, tz="Asia/Tokyo")),
    ],
)
def test_any_moment_and_zone_gives_a_past_in_local_working_hours(tmp_path, zone, at):
    """A Monday before work, a Sunday night and a holiday noon, across DST changes."""
    clock.set_zone(name=zone)
    engine = new_store(tmp_path)
    with clock.freeze(at=at):
        demo.fill(engine=engine, scale=2)
        today = clock.today()
    now = clock.to_local(at).in_timezone("UTC")
    for entry in all_of(engine, TimeEntry):
        assert in_working_hours(entry)
        assert now - timedelta(weeks=5) <= entry.start < entry.end <= now
    for task in all_of(engine, Task):
        assert task.created_at <= task.updated_at <= now
        assert task.waiting_since is None or task.waiting_since <= now
    plans = all_of(engine, ClientPlan)
    assert all(plan.agreed_at <= now for plan in plans if plan.agreed_at is not None)
    assert all_of(engine, Sprint)[-1].week_start == sprint_start(day=today, start_weekday=0)


def test_bigger_scales_add_clients_members_and_work(tmp_path):
    engine = new_store(tmp_path)
    with clock.freeze(at=FROZEN):
        summary = demo.fill(engine=engine, scale=3)
    assert summary.tasks == 3 * demo.TASKS_PER_SCALE
    assert summary.clients > 9 and summary.members > 6
    clients = all_of(engine, Client)
    assert len({client.code for client in clients}) == len(clients)
    assert len({client.colour for client in clients}) == len(clients)
    assert len({client.name for client in clients}) == len(clients)
    assert all(re.fullmatch("[A-Z]{2,4}", client.code) for client in clients)
    assert len({member.name for member in all_of(engine, Member)}) == summary.members
