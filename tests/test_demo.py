"""The demo agency (model/demo.py): its shape, its timeline, its scaling, determinism, guards."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pendulum
import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from model import clock, demo
from model.budgets import Level, budget_statuses
from model.db import reading
from model.store import open_store
from model.tables import (
    Budget,
    Client,
    ClientPlan,
    Contact,
    Interaction,
    Member,
    Satisfaction,
    Sprint,
    SprintState,
    StandupNote,
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


def local_day(instant: datetime) -> pendulum.Date:
    return clock.to_local(instant).date()


def in_working_hours(entry: TimeEntry) -> bool:
    """Monday to Friday, 09:00 to 18:00 in the configured zone."""
    start, end = clock.to_local(entry.start), clock.to_local(entry.end)
    opening, closing = start.set(hour=9, minute=0, second=0), start.set(hour=18, minute=0, second=0)
    return start.weekday() < 5 and opening <= start and end <= closing


def filled(tmp_path_factory, scale: int):
    clock.set_zone(name="UTC")
    engine = new_store(tmp_path_factory.mktemp("demo"))
    with clock.freeze(at=FROZEN):
        summary = demo.fill(engine=engine, scale=scale)
    return engine, summary


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    """One scale-1 demo, filled at FROZEN in UTC, read by the tests below."""
    engine, summary = filled(tmp_path_factory, 1)
    yield engine, summary
    engine.dispose()


@pytest.fixture(scope="module")
def agency3(tmp_path_factory):
    """A scale-3 demo: 13 weeks of history, a team that grew, clients won on the way."""
    engine, summary = filled(tmp_path_factory, 3)
    yield engine, summary
    engine.dispose()


BOTH = pytest.mark.parametrize("which", ["agency", "agency3"])


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


@BOTH
def test_this_month_most_clients_are_within_budget_a_few_run_hot(request, which):
    """Month to date on the 25th: most clients comfortably OK, a couple in the warning band,
    one or two over, none far over."""
    engine, _ = request.getfixturevalue(which)
    clock.set_zone(name="UTC")
    with clock.freeze(at=FROZEN):
        statuses = list(budget_statuses(engine, month=TODAY).values())
    levels = Counter(status.level for status in statuses)
    assert levels[Level.NONE] == 0
    assert levels[Level.OK] > levels[Level.WARNING] + levels[Level.OVER]
    assert 1 <= levels[Level.WARNING] <= 3
    assert 1 <= levels[Level.OVER] <= 2
    burns = {status.level: [] for status in statuses}
    for status in statuses:
        burns[status.level].append(status.burn_percent)
    assert all(burn <= 75.5 for burn in burns[Level.OK])
    assert all(100 <= burn <= 120 for burn in burns[Level.OVER])


def past_burns(engine, *, today: pendulum.Date) -> list[float]:
    """Each client's burn in each whole month of tracked history it was a client for."""
    first_entry = min(entry.start for entry in all_of(engine, TimeEntry))
    month = month_start(day=local_day(first_entry)).add(months=1)
    clients = all_of(engine, Client)
    burns = []
    while month < month_start(day=today):
        statuses = budget_statuses(engine, month=month)
        burns += [
            statuses[client.id].burn_percent
            for client in clients
            if month_start(day=local_day(client.created_at)) < month
        ]
        month = month.add(months=1)
    return burns


def test_past_months_burn_most_of_the_budget(agency3):
    """September and October: the paid hours fit the work, month after month."""
    engine, _ = agency3
    clock.set_zone(name="UTC")
    with clock.freeze(at=FROZEN):
        burns = past_burns(engine, today=TODAY)
    assert len(burns) == 2 * 12
    assert sum(60 <= burn <= 120 for burn in burns) >= 0.8 * len(burns)
    assert 70 <= sorted(burns)[len(burns) // 2] <= 100


def test_a_past_month_at_scale_1_burns_most_of_the_budget(tmp_path):
    """Early in November the five weeks of history hold all of October."""
    clock.set_zone(name="UTC")
    engine = new_store(tmp_path)
    at = pendulum.datetime(2026, 11, 3, 14, 30, tz="UTC")
    with clock.freeze(at=at):
        demo.fill(engine=engine)
        burns = past_burns(engine, today=at.date())
        this_month = budget_statuses(engine, month=at.date())
    assert len(burns) == 9
    assert sum(60 <= burn <= 120 for burn in burns) >= 0.8 * len(burns)
    assert all(status.level == Level.OK for status in this_month.values())


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


@BOTH
def test_done_tasks_have_done_at_and_positions_increase_per_column(request, which):
    engine, _ = request.getfixturevalue(which)
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


@BOTH
def test_status_events_tell_each_tasks_story(request, which):
    engine, _ = request.getfixturevalue(which)
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


@BOTH
def test_time_is_tracked_only_while_a_task_is_in_hand(request, which):
    engine, _ = request.getfixturevalue(which)
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


def test_satisfaction_is_a_monthly_score_from_0_to_10(agency):
    engine, _ = agency
    scores = all_of(engine, Satisfaction)
    by_client = defaultdict(list)
    for row in scores:
        assert 0 <= row.score <= 10
        assert row.at < NOW
        by_client[row.client_id].append(row)
    clients = all_of(engine, Client)
    months = {(2026, 8), (2026, 9), (2026, 10)}  # every month of the history before this one
    for client in clients:
        assert {(row.at.year, row.at.month) for row in by_client[client.id]} == months
    assert max(row.score for row in scores) >= 8  # not the 1-5 scale any more
    silent = {client.id for client in clients if client.code in ("AV", "HCR")}

    def mean(rows):
        return sum(row.score for row in rows) / len(rows)

    assert mean([row for row in scores if row.client_id in silent]) < mean(
        [row for row in scores if row.client_id not in silent]
    )


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
        assert now - timedelta(weeks=demo.history_weeks(2)) <= entry.start < entry.end <= now
    for task in all_of(engine, Task):
        assert task.created_at <= task.updated_at <= now
        assert task.waiting_since is None or task.waiting_since <= now
    plans = all_of(engine, ClientPlan)
    assert all(plan.agreed_at <= now for plan in plans if plan.agreed_at is not None)
    assert all_of(engine, Sprint)[-1].week_start == sprint_start(day=today, start_weekday=0)


def test_history_grows_with_the_scale_and_stops_at_three_years():
    assert [demo.history_weeks(scale) for scale in (1, 2, 3, 25, 38, 100)] == [
        5,
        9,
        13,
        101,
        153,
        156,
    ]


def test_scale_3_grows_history_more_than_headcount(agency3):
    """6 + 2 members, 9 + 4 clients, 13 weeks (12 closed sprints and this one), 1,200 tasks,
    and the standing work: five recurring tasks in the backlog, this week's three copies."""
    engine, summary = agency3
    assert (summary.members, summary.clients, summary.sprints, summary.tasks) == (8, 13, 13, 1208)
    assert {member.role for member in all_of(engine, Member)} == set(demo.ROLES)
    sprints = all_of(engine, Sprint)
    this_week = sprint_start(day=TODAY, start_weekday=0)
    assert [sprint.week_start for sprint in sprints] == [
        this_week.subtract(weeks=back) for back in range(12, -1, -1)
    ]
    assert [sprint.state for sprint in sprints] == [SprintState.CLOSED] * 12 + [SprintState.OPEN]
    # Live columns: 400 tasks' worth per six members; backlog: 16 a week; the rest is done.
    statuses = Counter(task.status for task in all_of(engine, Task))
    assert statuses == {
        Status.INBOX: 27,
        Status.TODO: 37 + 3,
        Status.DOING: 27,
        Status.WAITING: 37,
        Status.REVIEW: 21,
        Status.BACKLOG: 13 * 16 + 5,
        Status.DONE: 1200 - 149 - 208,
    }
    clients = all_of(engine, Client)
    assert len({client.code for client in clients}) == len(clients)
    assert len({client.colour for client in clients}) == len(clients)
    assert len({client.name for client in clients}) == len(clients)
    assert all(re.fullmatch("[A-Z]{2,4}", client.code) for client in clients)
    assert len({member.name for member in all_of(engine, Member)}) == summary.members


def test_scale_3_time_covers_13_weeks_without_overlap(agency3):
    engine, _ = agency3
    entries = all_of(engine, TimeEntry)
    assert 3000 <= len(entries) <= 5000
    assert min(entry.start for entry in entries) >= NOW - timedelta(weeks=13)
    assert min(entry.start for entry in entries) < NOW - timedelta(weeks=12)
    assert max(entry.end for entry in entries) <= NOW
    by_member = defaultdict(list)
    for entry in entries:
        assert entry.start < entry.end
        assert in_working_hours(entry)
        by_member[entry.member_id].append(entry)
    assert set(by_member) == {member.id for member in all_of(engine, Member)}
    for mine in by_member.values():
        mine.sort(key=lambda entry: entry.start)
        assert all(a.end <= b.start for a, b in zip(mine, mine[1:], strict=False))
    weeks = {
        sprint_start(day=clock.to_local(entry.start).date(), start_weekday=0) for entry in entries
    }
    assert len(weeks) == 14  # the 13 sprint weeks and the tail of the week before


def test_scale_3_newcomers_join_on_a_monday_and_leave_no_trace_before(agency3):
    """Of two new members the second joined 11 weeks ago; of four new clients the last was won
    five weeks ago (70% of newcomers were there before the history)."""
    engine, _ = agency3
    this_week = sprint_start(day=TODAY, start_weekday=0)
    hired = datetime(2026, 9, 7, 9, tzinfo=UTC)  # the Monday 11 weeks back, 09:00
    assert this_week.subtract(weeks=11) == hired.date()
    first_trace = min(
        [entry.start for entry in all_of(engine, TimeEntry) if entry.member_id == 8]
        + [event.at for event in all_of(engine, TaskEvent) if event.member_id == 8]
    )
    assert hired <= first_trace < hired + timedelta(days=7)
    with reading(engine) as session:
        notes = session.execute(
            select(StandupNote.member_id, func.count()).group_by(StandupNote.member_id)
        ).all()
    counts = dict(notes)
    assert counts[8] < counts[7] == counts[1]
    assert all(task.updated_at >= hired for task in all_of(engine, Task) if task.assignee_id == 8)

    clients = all_of(engine, Client)
    won = [client for client in clients if client.created_at >= NOW - timedelta(weeks=13)]
    won_weeks = [sprint_start(day=local_day(client.created_at), start_weekday=0) for client in won]
    assert won_weeks == [this_week.subtract(weeks=5)]
    tasks = all_of(engine, Task)
    interactions = all_of(engine, Interaction)
    for client in clients:
        assert all(t.created_at >= client.created_at for t in tasks if t.client_id == client.id)
        assert all(i.at >= client.created_at for i in interactions if i.client_id == client.id)
        assert any(i.client_id == client.id for i in interactions)
    sprints = all_of(engine, Sprint)
    monday_ten = {
        sprint.id: datetime(*sprint.week_start.timetuple()[:3], 10, tzinfo=UTC)
        for sprint in sprints
    }
    assert {(plan.sprint_id, plan.client_id) for plan in all_of(engine, ClientPlan)} == {
        (sprint.id, client.id)
        for sprint in sprints
        for client in clients
        if client.created_at < monday_ten[sprint.id]
    }
    first_budget = defaultdict(lambda: TODAY)
    for budget in all_of(engine, Budget):
        first_budget[budget.client_id] = min(first_budget[budget.client_id], budget.from_month)
    for client in won:
        assert first_budget[client.id] == month_start(day=local_day(client.created_at))


def test_scale_3_old_work_is_done_and_archived_open_work_is_recent(agency3):
    engine, _ = agency3
    tasks = all_of(engine, Task)
    old_done = [
        t for t in tasks if t.status == Status.DONE and t.done_at < NOW - timedelta(weeks=8)
    ]
    assert len(old_done) > 200
    assert sum(t.archived_at is not None for t in old_done) > 0.85 * len(old_done)
    live = (Status.DOING, Status.WAITING, Status.REVIEW)
    assert all(t.updated_at >= NOW - timedelta(days=21) for t in tasks if t.status in live)
    backlog = [t for t in tasks if t.status == Status.BACKLOG]
    assert min(t.created_at for t in backlog) < NOW - timedelta(weeks=13)
