"""Sprint planning: capacity, client hours, agreement and changes since (model/planning.py)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pendulum
import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from model import clock
from model.budgets import budget_statuses
from model.config import Config
from model.db import reading, transaction
from model.i18n import set_language
from model.planning import (
    Load,
    PlanChange,
    added_mid_sprint,
    agree_plan,
    budget_month,
    describe_change,
    load_of,
    meeting_hours,
    parse_snapshot,
    plan_change,
    plan_message,
    plan_view,
    snapshot_text,
    sprint_capacity,
)
from model.sprints import ensure_sprint
from model.tables import (
    Budget,
    Client,
    ClientPlan,
    DayOff,
    Member,
    Sprint,
    Status,
    TaskEvent,
    TimeEntry,
)
from model.task_steps import toggle_sprint
from model.tasks import ValidationError, create_task, get_task, update_task
from tests.agency import this_weeks_sprint

MONDAY = pendulum.date(2026, 11, 16)
CONFIG = Config(time_zone="Europe/Kyiv")


@dataclass
class Shop:
    engine: object
    acme: int
    beta: int
    idle: int
    ann: int
    bob: int
    sprint_id: int

    def view(self, config: Config = CONFIG):
        sprint = get_sprint(self.engine, self.sprint_id)
        budgets = budget_statuses(self.engine, month=budget_month(week_start=sprint.week_start))
        return plan_view(self.engine, sprint=sprint, config=config, budgets=budgets)

    def task(self, *, client: int | None = None, **fields) -> int:
        fields.setdefault("title", "work")
        fields.setdefault("status", Status.TODO)
        return create_task(self.engine, client_id=client or self.acme, **fields).id


def get_sprint(engine, sprint_id: int) -> Sprint:
    with reading(engine) as session:
        return session.get(Sprint, sprint_id)


@pytest.fixture
def shop(store, frozen) -> Shop:
    now = clock.now()
    with transaction(store) as session:
        clients = []
        for name, code in (("Acme", "AC"), ("Beta", "BT"), ("Idle", "ID")):
            client = Client(name=name, code=code, created_at=now)
            session.add(client)
            session.flush()
            clients.append(client.id)
        session.add(Budget(client_id=clients[0], from_month=pendulum.date(2026, 1, 1), hours=20))
        ann = Member(name="Ann", initials="AN", weekly_capacity_hours=40)
        bob = Member(name="Bob", initials="BO", weekly_capacity_hours=20)
        session.add_all([ann, bob])
        session.flush()
        ann_id, bob_id = ann.id, bob.id
    sprint = this_weeks_sprint(store)
    return Shop(store, *clients, ann=ann_id, bob=bob_id, sprint_id=sprint.id)


# --- capacity ------------------------------------------------------------------------------


def test_capacity_takes_off_the_stand_ups_and_the_retro():
    # Two 15-minute stand-ups on five working days (2.5 h) and a one-hour retro.
    assert meeting_hours(config=Config(), days=5) == 3.5
    assert sprint_capacity(weekly_hours=40, config=Config(), week_start=MONDAY) == 36.5
    three = Config(standup_times=("09:30", "13:00", "17:00"), standup_minutes=10, retro_minutes=90)
    assert sprint_capacity(weekly_hours=40, config=three, week_start=MONDAY) == 36.0
    assert sprint_capacity(weekly_hours=2, config=Config(), week_start=MONDAY) == 0.0


@given(start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 1, 1)))
def test_every_sprint_week_has_five_working_days_of_meetings(start):
    assert sprint_capacity(weekly_hours=40, config=Config(), week_start=start) == 36.5


def test_unestimated_tasks_count_as_the_default_and_are_flagged():
    assert load_of(estimates=[3.0, None, 1.5, None], default=2.0) == Load(hours=8.5, unestimated=2)
    assert load_of(estimates=[], default=2.0) == Load(hours=0.0, unestimated=0)


def test_member_load_counts_open_sprint_work_only(shop):
    sprint = shop.sprint_id
    shop.task(assignee_id=shop.bob, estimate_hours=10, sprint_id=sprint)
    shop.task(assignee_id=shop.bob, estimate_hours=8, sprint_id=sprint, status=Status.DOING)
    shop.task(assignee_id=shop.bob, sprint_id=sprint)  # no estimate: 2 h by default
    shop.task(assignee_id=shop.bob, estimate_hours=30, sprint_id=sprint, status=Status.DONE)
    shop.task(assignee_id=shop.bob, estimate_hours=30)  # not in the sprint
    shop.task(assignee_id=shop.ann, estimate_hours=4, sprint_id=sprint)
    shop.task(estimate_hours=5, sprint_id=sprint)
    archived = shop.task(assignee_id=shop.bob, estimate_hours=50, sprint_id=sprint)
    update_task(shop.engine, task_id=archived, changes={"archived_at": clock.now()})

    members = {member.initials: member for member in shop.view().members}
    bob = members["BO"]
    assert bob.capacity_hours == 16.5
    assert bob.load == Load(hours=20.0, unestimated=1)
    assert bob.overloaded
    assert members["AN"].capacity_hours == 36.5
    assert members["AN"].load == Load(hours=4.0, unestimated=0)
    assert not members["AN"].overloaded
    assert members["—"].member_id is None
    assert members["—"].load.hours == 5.0
    assert not members["—"].overloaded


def test_members_carry_the_weeks_utilisation_and_their_planned_percent(shop):
    """Bob (20 h a week) is off on Friday: 16 h available; 12 billable hours this week
    (the 3 of the Sunday before do not count) make 75 %, in the band; 20 h planned of 13
    (less the meetings of four days) is 154 %."""
    from model.timetrack import add_entry
    from model.utilisation import Band

    work = shop.task(assignee_id=shop.bob, estimate_hours=20, sprint_id=shop.sprint_id)
    with transaction(shop.engine) as session:
        session.add(DayOff(member_id=shop.bob, first=MONDAY.add(days=4), last=MONDAY.add(days=4)))
    for day, length in ((MONDAY, 8), (MONDAY.add(days=1), 4)):
        at = pendulum.datetime(day.year, day.month, day.day, 9, tz="Europe/Kyiv")
        add_entry(shop.engine, task_id=work, member_id=shop.bob, start=at, end=at.add(hours=length))
    sunday = pendulum.datetime(2026, 11, 15, 12, tz="Europe/Kyiv")
    add_entry(shop.engine, task_id=work, member_id=shop.bob, start=sunday, end=sunday.add(hours=3))

    members = {member.initials: member for member in shop.view().members}
    bob = members["BO"].utilisation
    assert (bob.billable_hours, bob.available_hours, bob.percent) == (12.0, 16.0, 75)
    assert bob.band is Band.IN
    assert members["BO"].planned_percent == 154
    assert members["AN"].utilisation.band is Band.BELOW and members["AN"].planned_percent == 0
    strict = Config(time_zone="Europe/Kyiv", utilisation={"target_low": 80, "target_high": 90})
    bob_strict = {m.initials: m for m in shop.view(config=strict).members}["BO"].utilisation
    assert bob_strict.band is Band.BELOW


def test_the_default_estimate_comes_from_the_config(shop):
    shop.task(assignee_id=shop.ann, sprint_id=shop.sprint_id)
    members = {m.initials: m for m in shop.view(Config(default_estimate_hours=6)).members}
    assert members["AN"].load == Load(hours=6.0, unestimated=1)


# --- clients -------------------------------------------------------------------------------


def test_planned_hours_per_client_against_what_is_left_of_the_month(shop):
    shop.task(estimate_hours=6, sprint_id=shop.sprint_id, assignee_id=shop.ann)
    shop.task(sprint_id=shop.sprint_id)
    worked = shop.task(estimate_hours=9, sprint_id=shop.sprint_id, status=Status.DONE)
    with transaction(shop.engine) as session:
        start = pendulum.datetime(2026, 11, 10, 9, tz="Europe/Kyiv")
        session.add(
            TimeEntry(task_id=worked, member_id=shop.ann, start=start, end=start.add(hours=13))
        )
    shop.task(client=shop.beta, estimate_hours=3, sprint_id=shop.sprint_id)

    clients = {client.code: client for client in shop.view().clients}
    acme = clients["AC"]
    assert acme.load == Load(hours=8.0, unestimated=1), "a done task's hours are spent, not planned"
    assert acme.budget_hours == 20
    assert acme.left_hours == pytest.approx(7.0)
    assert acme.over_budget
    assert clients["BT"].left_hours is None and not clients["BT"].over_budget
    idle = clients["ID"]
    assert idle.tasks == 0 and idle.load.hours == 0, "a client with nothing planned is listed"


def test_hours_are_held_against_the_month_of_most_of_the_sprint():
    assert budget_month(week_start=pendulum.date(2026, 11, 30)).month == 12
    assert budget_month(week_start=pendulum.date(2026, 11, 27)).month == 11
    assert budget_month(week_start=dt.date(2026, 11, 28)).month == 12


# --- the backlog ---------------------------------------------------------------------------


def test_the_backlog_holds_waiting_work_by_client_most_urgent_first(shop):
    today = clock.today()
    plain = shop.task(status=Status.BACKLOG)
    late = shop.task(due_date=today.subtract(days=1), promised_at=clock.now())
    soon = shop.task(due_date=today.add(days=7))
    parked = shop.task(status=Status.WAITING)
    planned = shop.task(sprint_id=shop.sprint_id)
    old_sprint = ensure_sprint(shop.engine, week_start=MONDAY.subtract(weeks=1))
    leftover = shop.task(sprint_id=old_sprint.id)
    other = shop.task(client=shop.beta, status=Status.BACKLOG)

    view = shop.view()
    assert [task.id for task in view.backlog[shop.acme]] == [late, soon, plain, leftover]
    assert [task.id for task in view.backlog[shop.beta]] == [other]
    assert parked not in [task.id for tasks in view.backlog.values() for task in tasks]
    assert [task.id for task in view.planned[shop.acme]] == [planned]
    scores = [task.urgency for task in view.backlog[shop.acme]]
    assert scores == sorted(scores, reverse=True)
    assert view.backlog[shop.acme][0].terms["promised"] == 5.0


def test_done_work_sorts_after_open_work_in_the_sprint(shop):
    done = shop.task(sprint_id=shop.sprint_id, status=Status.DONE, fire=True)
    open_ = shop.task(sprint_id=shop.sprint_id)
    assert [task.id for task in shop.view().planned[shop.acme]] == [open_, done]


# --- moving work in and out ----------------------------------------------------------------


def test_planning_a_backlog_task_makes_it_to_do_and_back_out_keeps_it(shop):
    task_id = shop.task(status=Status.BACKLOG)
    toggle_sprint(
        shop.engine, task_id=task_id, sprint_id=shop.sprint_id, label="plan", who=shop.ann
    )
    task = get_task(shop.engine, task_id=task_id)
    assert (task.sprint_id, task.status) == (shop.sprint_id, Status.TODO)
    toggle_sprint(
        shop.engine, task_id=task_id, sprint_id=shop.sprint_id, label="plan", who=shop.ann
    )
    task = get_task(shop.engine, task_id=task_id)
    assert (task.sprint_id, task.status) == (None, Status.TODO)
    with reading(shop.engine) as session:
        events = session.exec(
            select(TaskEvent.field, TaskEvent.new).where(TaskEvent.task_id == task_id)
        ).all()
    assert ("sprint_id", str(shop.sprint_id)) in events
    assert ("sprint_id", None) in events


def test_done_work_stays_in_its_sprint(shop):
    task_id = shop.task(sprint_id=shop.sprint_id, status=Status.DONE)
    with pytest.raises(ValidationError):
        toggle_sprint(
            shop.engine, task_id=task_id, sprint_id=shop.sprint_id, label="plan", who=None
        )
    assert get_task(shop.engine, task_id=task_id).sprint_id == shop.sprint_id


# --- agreement -----------------------------------------------------------------------------


def test_the_snapshot_keeps_task_ids_and_estimates():
    text = snapshot_text(estimates={12: 3.0, 5: None})
    assert json.loads(text) == {"tasks": {"5": None, "12": 3.0}}
    assert parse_snapshot(text=text) == {5: None, 12: 3.0}
    for broken in ("", "{}", "[1]", '{"tasks": 3}', "not json"):
        assert parse_snapshot(text=broken) is None


def test_plan_change_tells_added_removed_and_re_estimated():
    change = plan_change(
        agreed={1: 2.0, 2: 3.0, 3: None},
        current={1: 2.0, 2: 5.0, 4: 1.0, 5: None},
        default=2.0,
    )
    assert change == PlanChange(added=(4, 5), removed=(3,), re_estimated=(2,), hours_delta=3.0)
    assert change.changed
    assert describe_change(change=change) == (
        "changed since agreed: +2 tasks, −1 task, 1 re-estimated, +3 h"
    )
    same = plan_change(agreed={1: 2.0}, current={1: 2.0}, default=2.0)
    assert not same.changed and same.hours_delta == 0


def test_agreeing_stamps_the_plan_and_later_changes_show(shop):
    kept = shop.task(estimate_hours=2, sprint_id=shop.sprint_id)
    dropped = shop.task(estimate_hours=1, sprint_id=shop.sprint_id)
    agree_plan(shop.engine, sprint_id=shop.sprint_id, client_id=shop.acme, default=2.0)
    acme = next(c for c in shop.view().clients if c.client_id == shop.acme)
    assert acme.agreed_at == clock.now()
    assert acme.change is not None and not acme.change.changed
    with reading(shop.engine) as session:
        plan = session.exec(select(ClientPlan).where(ClientPlan.client_id == shop.acme)).one()
    assert parse_snapshot(text=plan.agreed_snapshot) == {kept: 2.0, dropped: 1.0}
    assert plan.planned_hours == 3.0

    added = shop.task(sprint_id=shop.sprint_id)
    toggle_sprint(shop.engine, task_id=dropped, sprint_id=shop.sprint_id, label="plan", who=None)
    update_task(shop.engine, task_id=kept, changes={"estimate_hours": 4.0})
    acme = next(c for c in shop.view().clients if c.client_id == shop.acme)
    assert acme.change == PlanChange(
        added=(added,), removed=(dropped,), re_estimated=(kept,), hours_delta=3.0
    )
    beta = next(c for c in shop.view().clients if c.client_id == shop.beta)
    assert beta.agreed_at is None and beta.change is None


def test_undoing_an_agreement_puts_the_plan_back(shop):
    shop.task(estimate_hours=2, sprint_id=shop.sprint_id)
    first = agree_plan(shop.engine, sprint_id=shop.sprint_id, client_id=shop.acme, default=2.0)
    assert first.undo.label == "agreed: Acme"
    shop.task(estimate_hours=3, sprint_id=shop.sprint_id)
    second = agree_plan(shop.engine, sprint_id=shop.sprint_id, client_id=shop.acme, default=2.0)
    assert second.value.planned_hours == 5.0
    second.undo.revert()
    with reading(shop.engine) as session:
        plan = session.exec(select(ClientPlan).where(ClientPlan.client_id == shop.acme)).one()
    assert plan.planned_hours == 2.0 and plan.agreed_snapshot == first.value.agreed_snapshot
    first.undo.revert()
    with reading(shop.engine) as session:
        plan = session.exec(select(ClientPlan).where(ClientPlan.client_id == shop.acme)).one()
    assert plan.agreed_at is None and plan.agreed_snapshot == ""


def test_an_agreement_without_a_snapshot_shows_no_difference(shop):
    shop.task(sprint_id=shop.sprint_id)
    with transaction(shop.engine) as session:
        session.add(
            ClientPlan(sprint_id=shop.sprint_id, client_id=shop.acme, agreed_at=clock.now())
        )
    acme = next(c for c in shop.view().clients if c.client_id == shop.acme)
    assert acme.agreed_at is not None and acme.change is None


def test_added_mid_sprint_means_moved_in_after_the_clients_agreement(shop):
    before = shop.task(status=Status.BACKLOG)
    after = shop.task(status=Status.BACKLOG)
    later_out = shop.task(status=Status.BACKLOG)
    unagreed = shop.task(client=shop.beta, status=Status.BACKLOG)
    engine, sprint = shop.engine, shop.sprint_id
    monday = pendulum.datetime(2026, 11, 16, 10, tz="Europe/Kyiv")
    with time_machine.travel(monday, tick=False):
        toggle_sprint(engine, task_id=before, sprint_id=sprint, label="plan", who=None)
    with time_machine.travel(monday.add(hours=1), tick=False):
        agree_plan(engine, sprint_id=sprint, client_id=shop.acme, default=2.0)
    with time_machine.travel(monday.add(hours=2), tick=False):
        for task_id in (after, later_out, unagreed):
            toggle_sprint(engine, task_id=task_id, sprint_id=sprint, label="plan", who=None)
    with time_machine.travel(monday.add(hours=3), tick=False):
        toggle_sprint(engine, task_id=later_out, sprint_id=sprint, label="plan", who=None)

    assert added_mid_sprint(engine, sprint_id=sprint) == {after, later_out}
    other = ensure_sprint(engine, week_start=MONDAY.add(weeks=1))
    assert added_mid_sprint(engine, sprint_id=other.id) == set()
    flags = {task.id: task.added_mid_sprint for task in shop.view().planned[shop.acme]}
    assert flags == {before: False, after: True}


# --- the message ---------------------------------------------------------------------------


def test_the_plan_message_lists_tasks_estimates_and_deadlines(shop):
    today = clock.today()
    shop.task(title="Audit [bold]x[/]", estimate_hours=3, sprint_id=shop.sprint_id)
    shop.task(
        title="Report", estimate_hours=1.5, sprint_id=shop.sprint_id, due_date=today.add(days=2)
    )
    shop.task(title="Call", sprint_id=shop.sprint_id, due_date=today, due_time=dt.time(15, 0))
    shop.task(title="Not planned", estimate_hours=8)
    shop.task(title="Other client", client=shop.beta, sprint_id=shop.sprint_id)
    sprint = get_sprint(shop.engine, shop.sprint_id)
    text = plan_message(shop.engine, sprint=sprint, client_id=shop.acme, config=CONFIG)
    assert text == (
        "# Plan for Acme: 16 November – 22 November 2026\n"
        "\n"
        "- Call (about 2 h, due Wed 18 Nov 15:00)\n"
        "- Report (1.5 h, due Fri 20 Nov)\n"
        "- Audit \\[bold\\]x\\[/\\] (3 h)\n"
        "\n"
        "Total: about 6.5 h\n"
    ), "the unestimated call counts at the default, as on the Plan screen"


def test_the_plan_message_speaks_the_ui_language(shop):
    shop.task(title="Звіт", estimate_hours=2, sprint_id=shop.sprint_id, due_date=clock.today())
    sprint = get_sprint(shop.engine, shop.sprint_id)
    set_language(code="uk")
    text = plan_message(shop.engine, sprint=sprint, client_id=shop.acme, config=CONFIG)
    assert "листопада" in text
    assert "- Звіт" in text


def test_an_empty_plan_says_so(shop):
    sprint = get_sprint(shop.engine, shop.sprint_id)
    text = plan_message(shop.engine, sprint=sprint, client_id=shop.idle, config=CONFIG)
    assert "Nothing is planned for this week yet." in text
    assert "Total" not in text
