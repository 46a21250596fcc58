"""The retro's rules (model/retro/) on a hand-built sprint whose figures are worked out below.

The sprint is 2026-W47 (Monday 16 to Sunday 22 November, Kyiv); "now" is the
frozen Wednesday 18 November, 10:30. ACME agreed its plan on Monday at 12:00,
BETA never agreed, GAMMA has no plan.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from model import clock
from model.budgets import set_budget
from model.db import reading, transaction
from model.promises import promise_task
from model.retro.checklist import checklist, set_check
from model.retro.close import AGENCY_CODE, close_sprint, undo_close, unfinished
from model.retro.notes import (
    TO_IMPROVE,
    WENT_WELL,
    action_items,
    add_action,
    add_note,
    edit_action,
    edit_note,
    move_action,
    move_note,
    notes,
    previous_action_items,
    remove_action,
    remove_note,
)
from model.retro.numbers import _Change, _History, _waiting_seconds, sprint_numbers
from model.retro.sprint import adjacent_sprint
from model.retro.view import render_markdown, retro_view
from model.sprints import ensure_sprint, find_sprint
from model.tables import (
    ActionItem,
    Client,
    ClientPlan,
    DayOff,
    Interaction,
    Member,
    Retro,
    Sprint,
    SprintState,
    Standup,
    Status,
)
from model.tasks import (
    NotFoundError,
    ValidationError,
    archive_task,
    create_task,
    get_task,
    update_task,
)
from model.timesheets import approve_week, submit_week
from model.timetrack import add_entry
from model.utilisation import Band
from model.weeks import Span
from tui.cli import run

GOLDEN = Path(__file__).parent / "golden"
KYIV = "Europe/Kyiv"
KEYS = (
    "timesheets",
    "weekly_reports",
    "promises_reviewed",
    "waiting_nudged",
    "next_sprint_drafted",
)


def kyiv(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=KYIV)


@dataclass(frozen=True)
class Week:
    engine: object
    sprint: int
    previous: int
    ids: dict[str, int]


def at(day: int, hour: int, minute: int = 0):
    return clock.freeze(at=kyiv(day, hour, minute))


@pytest.fixture
def week(store, frozen) -> Week:
    engine = store
    ids: dict[str, int] = {}
    with transaction(engine) as session:
        for code in ("ACME", "BETA", "GAMMA"):
            client = Client(name=f"{code.title()} Ltd | [b]", code=code, created_at=kyiv(1, 9))
            session.add(client)
            session.flush()
            ids[code] = client.id
        for name, initials in (("Anna Koval", "AK"), ("Bohdan Shevchenko", "BS")):
            member = Member(name=name, initials=initials)
            session.add(member)
            session.flush()
            ids[initials] = member.id
    set_budget(engine, client_id=ids["ACME"], from_month=pendulum.date(2026, 11, 1), hours=40)
    previous = ensure_sprint(engine, week_start=pendulum.date(2026, 11, 9)).id
    sprint = ensure_sprint(engine, week_start=pendulum.date(2026, 11, 16)).id
    with transaction(engine) as session:
        session.add(
            ClientPlan(
                sprint_id=sprint, client_id=ids["ACME"], planned_hours=10, agreed_at=kyiv(16, 12)
            )
        )
        session.add(ClientPlan(sprint_id=sprint, client_id=ids["BETA"], planned_hours=4))

    def task(name: str, when, client: str, **fields) -> int:
        with when:
            made = create_task(engine, client_id=ids[client], title=name, **fields)
        ids[name] = made.id
        return made.id

    def change(name: str, when, **changes) -> None:
        with when:
            update_task(engine, task_id=ids[name], changes=changes)

    # Last week: a done task and the retro whose action item became it.
    task("Last week's work", at(10, 9), "ACME", status=Status.DONE, sprint_id=previous)
    with transaction(engine) as session:
        retro = Retro(sprint_id=previous, created_at=kyiv(13, 17))
        session.add(retro)
    add_action(engine, sprint_id=previous, text="Agree report dates", owner_id=None, due_date=None)
    with transaction(engine) as session:
        item = session.exec(select(Retro).where(Retro.sprint_id == previous)).one()
    with at(13, 18):
        item_task = create_task(
            engine, client_id=ids["ACME"], title="Agree report dates", status=Status.TODO
        )
    with transaction(engine) as session:
        row = session.exec(select(ActionItem).where(ActionItem.retro_id == item.id)).one()
        row.task_id = item_task.id
        session.add(row)
    ids["Agree report dates"] = item_task.id

    # 1. Planned: moved in Monday 10:00, before ACME agreed at 12:00; done on Tuesday.
    task("Audit", at(13, 10), "ACME", status=Status.BACKLOG, estimate_hours=4)
    change("Audit", at(16, 10), sprint_id=sprint, status=Status.TODO)
    change("Audit", at(17, 9), status=Status.DOING)
    change("Audit", at(17, 15), status=Status.DONE)
    # 2. Planned: created in the sprint on Monday; waiting since Tuesday 12:00; promised for
    #    Tuesday, so overdue: broken. Its estimate grew from 3 to 5 on Wednesday 10:00.
    task("Banner", at(16, 9), "ACME", status=Status.TODO, sprint_id=sprint, estimate_hours=3)
    change("Banner", at(16, 14), status=Status.DOING)
    change("Banner", at(17, 12), status=Status.WAITING)
    with at(17, 12, 5):
        promise_task(engine, task_id=ids["Banner"], due_date=pendulum.date(2026, 11, 17))
    change("Banner", at(18, 10), estimate_hours=5)
    # 3. Added (a fire after the agreement), done on Tuesday before its promised Wednesday.
    task(
        "Tracking broken",
        at(17, 11),
        "ACME",
        status=Status.TODO,
        sprint_id=sprint,
        estimate_hours=1,
        fire=True,
        priority="urgent",
        due_date=pendulum.date(2026, 11, 18),
    )
    with at(17, 11, 5):
        promise_task(engine, task_id=ids["Tracking broken"])
    change("Tracking broken", at(17, 16), status=Status.DONE)
    # 4. Added: moved in on Wednesday 9:00; promised for next week (not this week's promise).
    task(
        "Added later",
        at(13, 10),
        "ACME",
        status=Status.BACKLOG,
        estimate_hours=2,
        due_date=pendulum.date(2026, 11, 23),
    )
    change("Added later", at(18, 9), sprint_id=sprint, status=Status.TODO)
    with at(18, 9, 5):
        promise_task(engine, task_id=ids["Added later"])
    # 5. BETA never agreed: planned although created on Tuesday; in progress.
    task("Beta copy", at(17, 10), "BETA", status=Status.TODO, sprint_id=sprint, estimate_hours=2)
    change("Beta copy", at(17, 10, 30), status=Status.DOING)
    # 6. In the sprint on Monday only, then taken out: not the sprint's.
    task(
        "Gamma removed", at(16, 9), "GAMMA", status=Status.TODO, sprint_id=sprint, estimate_hours=5
    )
    change("Gamma removed", at(17, 10), sprint_id=None)
    # 7. Declined on Tuesday (archived undone): not the sprint's.
    task("Declined", at(16, 9), "ACME", status=Status.TODO, sprint_id=sprint, estimate_hours=1)
    with at(17, 10):
        archive_task(engine, task_id=ids["Declined"], reason="declined")
    # 8. Planned ahead last Thursday, waiting on BETA since then.
    task(
        "Waiting since",
        at(12, 12),
        "BETA",
        status=Status.WAITING,
        sprint_id=sprint,
        estimate_hours=2,
    )

    with at(18, 10, 30):
        for task_name, member, start, end in (
            ("Audit", "AK", kyiv(13, 10), kyiv(13, 11)),  # last week: the month only
            ("Audit", "AK", kyiv(16, 10), kyiv(16, 12)),
            ("Audit", "AK", kyiv(17, 9), kyiv(17, 15)),
            ("Beta copy", "BS", kyiv(17, 10), kyiv(17, 11, 30)),
        ):
            add_entry(engine, task_id=ids[task_name], member_id=ids[member], start=start, end=end)
    with transaction(engine) as session:
        for slot, finished in (
            (kyiv(13, 11), kyiv(13, 11, 15)),  # last week
            (kyiv(16, 11), kyiv(16, 11, 15)),
            (kyiv(16, 16), kyiv(16, 16, 20)),
            (kyiv(17, 11), kyiv(17, 11, 10)),
            (kyiv(18, 11), None),  # not held yet
        ):
            session.add(Standup(slot_at=slot, started_at=slot, finished_at=finished))
        session.add(
            Interaction(client_id=ids["ACME"], at=kyiv(16, 17), kind="report", summary="W47")
        )
        session.add(Interaction(client_id=ids["BETA"], at=kyiv(16, 17), kind="", summary="chat"))
        session.add(
            Interaction(client_id=ids["GAMMA"], at=kyiv(13, 17), kind="report", summary="W46")
        )
    return Week(engine=engine, sprint=sprint, previous=previous, ids=ids)


# --- numbers -------------------------------------------------------------------------------


def test_the_numbers_of_the_fixture_sprint(week):
    numbers = sprint_numbers(week.engine, sprint_id=week.sprint)
    # In the sprint now: Audit, Banner, Tracking broken, Added later, Beta copy, Waiting since.
    assert (numbers.planned, numbers.added) == (4, 2)
    assert (numbers.done, numbers.not_done) == (2, 4)
    assert numbers.fires == 1
    assert (numbers.promises_kept, numbers.promises_broken) == (1, 1)
    # Banner waits from Tuesday 12:00 (22.5 h), Waiting since from Monday 0:00 (58.5 h).
    assert numbers.waiting_days == pytest.approx(81 / 24)
    assert numbers.standups == 3
    rows = [
        (row.code, row.hours, row.planned_hours, row.month_hours, row.budget_hours)
        for row in numbers.clients
    ]
    assert rows == [
        ("ACME", pytest.approx(8), 10, pytest.approx(9), 40),
        ("BETA", pytest.approx(1.5), 4, pytest.approx(1.5), None),
    ]


def test_the_teams_utilisation_of_the_week(week):
    """AK's 8 h and BS's 1.5 h of the week are billable (last week's hour is not this week's),
    of 2 × 40 h available: 12 %, under the 70–85 % band."""
    team = sprint_numbers(week.engine, sprint_id=week.sprint).utilisation
    assert (team.billable_hours, team.available_hours) == (pytest.approx(9.5), 80)
    assert (team.percent, team.band) == (12, Band.BELOW)
    # BS is off on Thursday and Friday; two hours on the agency's own work are never billable.
    with transaction(week.engine) as session:
        own = Client(name="Our agency", code=AGENCY_CODE, created_at=kyiv(1, 9))
        session.add(own)
        session.add(
            DayOff(member_id=week.ids["BS"], first=date(2026, 11, 19), last=date(2026, 11, 20))
        )
        session.flush()
        own_id = own.id
    inner = create_task(week.engine, client_id=own_id, title="Hiring", status=Status.DOING)
    add_entry(
        week.engine, task_id=inner.id, member_id=week.ids["AK"], start=kyiv(18, 8), end=kyiv(18, 10)
    )
    team = sprint_numbers(
        week.engine, sprint_id=week.sprint, target={"target_low": 10, "target_high": 20}
    ).utilisation
    assert (team.billable_hours, team.available_hours) == (pytest.approx(9.5), 64)
    assert (team.percent, team.band) == (15, Band.IN)


def test_the_burn_replays_membership_status_and_estimates(week):
    burn = sprint_numbers(week.engine, sprint_id=week.sprint).burn
    # Monday night: Audit 4, Banner 3, Gamma removed 5, Declined 1, Waiting since 2.
    # Tuesday night: Banner 3, Beta copy 2, Waiting since 2.
    # Wednesday until now: Banner 5, Added later 2, Beta copy 2, Waiting since 2.
    assert burn == (15, 7, 11, None, None, None, None)


def test_tasks_taken_out_count_until_they_left(week):
    for title, left in (
        ("Out on Monday", at(16, 15)),
        ("Out at Monday's end", at(17, 0)),
        ("Out after midnight", at(17, 0, 30)),
    ):
        with at(16, 9):
            made = create_task(
                week.engine,
                client_id=week.ids["GAMMA"],
                title=title,
                status=Status.TODO,
                sprint_id=week.sprint,
                estimate_hours=8,
            )
        with left:
            update_task(week.engine, task_id=made.id, changes={"sprint_id": None})
    numbers = sprint_numbers(week.engine, sprint_id=week.sprint)
    # Only the last was still in the sprint when Monday ended; none of them is in it now.
    assert numbers.burn == (23, 7, 11, None, None, None, None)
    assert (numbers.planned, numbers.added, numbers.not_done) == (4, 2, 4)


def test_a_client_plan_agreed_after_every_move_counts_everything_as_planned(week):
    with transaction(week.engine) as session:
        plan = session.exec(
            select(ClientPlan).where(ClientPlan.client_id == week.ids["ACME"])
        ).one()
        plan.agreed_at = kyiv(18, 10)
        session.add(plan)
    numbers = sprint_numbers(week.engine, sprint_id=week.sprint)
    assert (numbers.planned, numbers.added) == (6, 0)


def test_an_empty_sprint_has_zero_numbers(store, frozen):
    sprint = ensure_sprint(store, week_start=pendulum.date(2026, 11, 16))
    numbers = sprint_numbers(store, sprint_id=sprint.id)
    assert (numbers.planned, numbers.done, numbers.added, numbers.not_done) == (0, 0, 0, 0)
    assert numbers.clients == ()
    assert numbers.burn == (0, 0, 0, None, None, None, None)


@settings(max_examples=150, deadline=None)
@given(
    moves=st.lists(
        st.tuples(st.integers(min_value=1, max_value=21 * 24 * 60), st.booleans()),
        max_size=12,
    ),
    starts_waiting=st.booleans(),
    zone=st.sampled_from(["UTC", "Europe/Kyiv", "America/New_York", "Pacific/Chatham"]),
)
def test_waiting_in_consecutive_weeks_adds_up_to_the_whole_wait(moves, starts_waiting, zone):
    created = pendulum.datetime(2026, 3, 2, tz=zone)
    now = created.add(weeks=3)

    changes, previous = [], "waiting" if starts_waiting else "doing"
    for minute, wait in sorted(moves):
        new = "waiting" if wait else "doing"
        changes.append(
            _Change(at=created.add(minutes=minute), field="status", old=previous, new=new)
        )
        previous = new
    history = _History(
        id=1,
        client_id=1,
        status=previous,
        estimate_hours=None,
        sprint_id=None,
        archived_at=None,
        created_at=created,
        fire=False,
        changes=changes,
    )
    weeks = [
        Span(start=created.add(weeks=n).in_timezone("UTC"), end=created.add(weeks=n + 1))
        for n in range(3)
    ]
    whole = Span(start=created, end=now)
    parts = sum(_waiting_seconds([history], span=span, until=now) for span in weeks)
    assert parts == pytest.approx(_waiting_seconds([history], span=whole, until=now))
    assert 0 <= parts <= (now - created).total_seconds()


# --- checklist -----------------------------------------------------------------------------


def test_automatic_checks_say_why_they_are_not_ticked(week):
    checks = {
        check.key: check for check in checklist(week.engine, sprint_id=week.sprint, keys=KEYS)
    }
    assert [key for key, check in checks.items() if check.auto] == [
        "timesheets",
        "weekly_reports",
        "next_sprint_drafted",
    ]
    assert not checks["timesheets"].checked
    assert checks["timesheets"].why == "not approved yet: AK (open), BS (open)"
    assert not checks["weekly_reports"].checked
    assert checks["weekly_reports"].why == "1 of 3 sent; missing: BETA, GAMMA"
    assert not checks["next_sprint_drafted"].checked
    assert checks["next_sprint_drafted"].why == "2026-W48 has no tasks yet"
    assert checks["promises_reviewed"].why == "2 open promises, 1 overdue"
    assert checks["waiting_nudged"].why == ("2 tasks waiting on clients, the longest for 5 d")


def test_automatic_checks_tick_when_the_data_is_there(week):
    engine, ids = week.engine, week.ids
    with transaction(engine) as session:
        for code in ("BETA", "GAMMA"):
            session.add(Interaction(client_id=ids[code], at=kyiv(18, 9), kind="report"))
    with at(18, 10, 30):
        add_entry(
            engine, task_id=ids["Banner"], member_id=ids["AK"], start=kyiv(18, 8), end=kyiv(18, 9)
        )
        for start, end in ((kyiv(16, 8), kyiv(16, 9)), (kyiv(17, 23), kyiv(18, 1))):
            add_entry(engine, task_id=ids["Banner"], member_id=ids["BS"], start=start, end=end)
    week_start = pendulum.date(2026, 11, 16)
    with transaction(engine) as session:
        session.get(Member, ids["AK"]).manager = True
    for initials in ("AK", "BS"):
        submit_week(engine, member_id=ids[initials], week_start=week_start)
    approve_week(engine, member_id=ids["BS"], week_start=week_start, by_id=ids["AK"])
    checks = {check.key: check for check in checklist(engine, sprint_id=week.sprint, keys=KEYS)}
    assert not checks["timesheets"].checked, "submitted is not yet complete"
    assert checks["timesheets"].why == "not approved yet: AK (submitted)"
    approve_week(engine, member_id=ids["AK"], week_start=week_start, by_id=ids["AK"])
    next_week = ensure_sprint(engine, week_start=pendulum.date(2026, 11, 23))
    create_task(
        engine, client_id=ids["ACME"], title="Next", status=Status.TODO, sprint_id=next_week.id
    )
    checks = {check.key: check for check in checklist(engine, sprint_id=week.sprint, keys=KEYS)}
    assert checks["timesheets"].checked
    assert checks["timesheets"].why == "the weeks of all 2 people are approved"
    assert checks["weekly_reports"].checked
    assert checks["next_sprint_drafted"].checked
    assert checks["next_sprint_drafted"].why == "2026-W48 has 1 task"


def test_hand_items_tick_and_untick_and_automatic_ones_refuse(week):
    set_check(week.engine, sprint_id=week.sprint, key="promises_reviewed", checked=True)
    set_check(week.engine, sprint_id=week.sprint, key="Invoices sent", checked=True)
    keys = (*KEYS, "Invoices sent")
    checks = {c.key: c for c in checklist(week.engine, sprint_id=week.sprint, keys=keys)}
    assert checks["promises_reviewed"].checked and checks["Invoices sent"].checked
    assert checks["Invoices sent"].label == "Invoices sent"
    assert not checks["waiting_nudged"].checked
    set_check(week.engine, sprint_id=week.sprint, key="promises_reviewed", checked=False)
    checks = {c.key: c for c in checklist(week.engine, sprint_id=week.sprint, keys=keys)}
    assert not checks["promises_reviewed"].checked
    with pytest.raises(ValidationError):
        set_check(week.engine, sprint_id=week.sprint, key="timesheets", checked=True)


# --- notes and action items ----------------------------------------------------------------


def test_notes_are_added_edited_reordered_and_put_back(week):
    engine, sprint = week.engine, week.sprint
    first = add_note(engine, sprint_id=sprint, kind=WENT_WELL, text="  Reports   on time ").value
    second = add_note(engine, sprint_id=sprint, kind=WENT_WELL, text="No overtime").value
    add_note(engine, sprint_id=sprint, kind=TO_IMPROVE, text="Late briefs")
    assert [n.text for n in notes(engine, sprint_id=sprint)[WENT_WELL]] == [
        "Reports on time",
        "No overtime",
    ]
    assert move_note(engine, note_id=second.id, step=-1) is not None
    assert move_note(engine, note_id=second.id, step=-1) is None, "already first"
    edit_note(engine, note_id=first.id, text="Reports went out on time")
    assert [n.text for n in notes(engine, sprint_id=sprint)[WENT_WELL]] == [
        "No overtime",
        "Reports went out on time",
    ]
    removed = remove_note(engine, note_id=second.id)
    assert [n.text for n in notes(engine, sprint_id=sprint)[WENT_WELL]] == [
        "Reports went out on time"
    ]
    removed.undo.revert()
    assert [n.id for n in notes(engine, sprint_id=sprint)[WENT_WELL]] == [second.id, first.id]
    assert [n.text for n in notes(engine, sprint_id=sprint)[TO_IMPROVE]] == ["Late briefs"]
    with pytest.raises(ValidationError):
        add_note(engine, sprint_id=sprint, kind=WENT_WELL, text="   ")
    with pytest.raises(ValidationError):
        add_note(engine, sprint_id=sprint, kind=WENT_WELL, text="x" * 501)


def test_action_items_keep_owner_due_date_and_order(week):
    engine, sprint, ids = week.engine, week.sprint, week.ids
    first = add_action(
        engine, sprint_id=sprint, text="Brief template", owner_id=ids["AK"], due_date=None
    ).value
    second = add_action(
        engine,
        sprint_id=sprint,
        text="ACME: ask for GA access",
        owner_id=None,
        due_date=pendulum.date(2026, 11, 27),
    ).value
    assert move_action(engine, action_id=second.id, step=-1) is not None
    edit_action(
        engine,
        action_id=first.id,
        text="Brief template v2",
        owner_id=ids["BS"],
        due_date=pendulum.date(2026, 11, 25),
    )
    lines = action_items(engine, sprint_id=sprint)
    assert [(a.text, a.owner, a.due_date) for a in lines] == [
        ("ACME: ask for GA access", "", pendulum.date(2026, 11, 27)),
        ("Brief template v2", "Bohdan Shevchenko", pendulum.date(2026, 11, 25)),
    ]


def test_each_change_to_a_note_is_taken_back_by_its_undo(week):
    engine, sprint = week.engine, week.sprint

    def went_well() -> list[tuple[int, str]]:
        return [(n.id, n.text) for n in notes(engine, sprint_id=sprint)[WENT_WELL]]

    first = add_note(engine, sprint_id=sprint, kind=WENT_WELL, text="Reports on time")
    second = add_note(engine, sprint_id=sprint, kind=WENT_WELL, text="No overtime")
    assert second.undo.label == "Went well: No overtime"
    before = went_well()
    steps = [
        edit_note(engine, note_id=first.value.id, text="Reports went out on time"),
        move_note(engine, note_id=second.value.id, step=-1),
        remove_note(engine, note_id=first.value.id),
    ]
    assert [step.undo.label for step in steps] == [
        "edit: Reports went out on time",
        "reorder: No overtime",
        "remove: Reports went out on time",
    ]
    for step in reversed(steps):
        step.undo.revert()
    assert went_well() == before
    second.undo.revert()
    first.undo.revert()
    assert went_well() == []


def test_each_change_to_an_action_item_is_taken_back_by_its_undo(week):
    engine, sprint, ids = week.engine, week.sprint, week.ids

    def items() -> list[tuple[int, str, int | None, object]]:
        return [
            (a.id, a.text, a.owner_id, a.due_date) for a in action_items(engine, sprint_id=sprint)
        ]

    first = add_action(
        engine, sprint_id=sprint, text="Brief template", owner_id=ids["AK"], due_date=None
    )
    second = add_action(engine, sprint_id=sprint, text="Report dates", owner_id=None, due_date=None)
    assert first.undo.label == "action item: Brief template"
    before = items()
    steps = [
        edit_action(
            engine,
            action_id=first.value.id,
            text="Brief template v2",
            owner_id=ids["BS"],
            due_date=pendulum.date(2026, 11, 25),
        ),
        move_action(engine, action_id=second.value.id, step=-1),
        remove_action(engine, action_id=first.value.id),
    ]
    for step in reversed(steps):
        step.undo.revert()
    assert items() == before
    second.undo.revert()
    first.undo.revert()
    assert items() == []


def test_undoing_a_tick_puts_it_back_as_it_was(week):
    set_check(week.engine, sprint_id=week.sprint, key="promises_reviewed", checked=True)
    unticked = set_check(week.engine, sprint_id=week.sprint, key="promises_reviewed", checked=False)
    assert unticked.undo.label == "tick: Promises reviewed"
    unticked.undo.revert()
    checks = {c.key: c for c in checklist(week.engine, sprint_id=week.sprint, keys=KEYS)}
    assert checks["promises_reviewed"].checked


def test_the_next_retro_opens_with_the_last_retros_action_items(week):
    lines = previous_action_items(week.engine, sprint_id=week.sprint)
    assert [(a.text, a.task_id, a.task_status) for a in lines] == [
        ("Agree report dates", week.ids["Agree report dates"], "todo")
    ]
    assert previous_action_items(week.engine, sprint_id=week.previous) == ()


def test_past_sprints_are_browsable(week):
    current = find_sprint(week.engine, week_start=pendulum.date(2026, 11, 16))
    before = adjacent_sprint(week.engine, week_start=current.week_start, step=-1)
    assert before is not None and before.id == week.previous
    assert adjacent_sprint(week.engine, week_start=current.week_start, step=1) is None


# --- closing -------------------------------------------------------------------------------


def sprint_of(engine, task_id: int) -> int | None:
    return get_task(engine, task_id=task_id).sprint_id


def test_close_rolls_over_sends_back_and_makes_action_items_tasks(week):
    engine, ids = week.engine, week.ids
    add_action(
        engine,
        sprint_id=week.sprint,
        text="Write the onboarding checklist",
        owner_id=ids["AK"],
        due_date=pendulum.date(2026, 11, 27),
    )
    add_action(
        engine, sprint_id=week.sprint, text="acme: ask for GA access", owner_id=None, due_date=None
    )
    moving = unfinished(engine, sprint_id=week.sprint)
    assert {m.title for m in moving} == {"Banner", "Added later", "Beta copy", "Waiting since"}
    with at(20, 18):
        closing = close_sprint(
            engine, sprint_id=week.sprint, send_back={ids["Added later"]}, who=ids["AK"]
        )
    following = find_sprint(engine, week_start=pendulum.date(2026, 11, 23))
    assert following is not None and closing.next_sprint_id == following.id
    assert (closing.rolled_over, closing.sent_back) == (3, 1)
    for name, status in (
        ("Banner", "waiting"),
        ("Beta copy", "doing"),
        ("Waiting since", "waiting"),
    ):
        task = get_task(engine, task_id=ids[name])
        assert (task.sprint_id, task.status, task.carried_over) == (following.id, status, 1)
    back = get_task(engine, task_id=ids["Added later"])
    assert (back.sprint_id, back.status, back.carried_over) == (None, "backlog", 0)
    for name in ("Audit", "Tracking broken"):
        assert sprint_of(engine, ids[name]) == week.sprint, "done stays"
    made = [get_task(engine, task_id=task_id) for task_id in closing.created_tasks.values()]
    with reading(engine) as session:
        codes = {c.id: c.code for c in session.exec(select(Client)).all()}
    assert sorted((codes[t.client_id], t.title, t.sprint_id, t.status) for t in made) == [
        ("ACME", "ask for GA access", following.id, "todo"),
        (AGENCY_CODE, "Write the onboarding checklist", following.id, "todo"),
    ]
    onboarding = next(t for t in made if t.client_id != ids["ACME"])
    assert (onboarding.assignee_id, onboarding.due_date) == (ids["AK"], pendulum.date(2026, 11, 27))
    assert all(a.task_id is not None for a in action_items(engine, sprint_id=week.sprint))
    sprint = find_sprint(engine, week_start=pendulum.date(2026, 11, 16))
    assert sprint.state == SprintState.CLOSED and sprint.closed_at == kyiv(20, 18)
    with pytest.raises(ValidationError):
        close_sprint(engine, sprint_id=week.sprint)


def test_a_closed_sprint_keeps_the_numbers_it_closed_with(week):
    with at(20, 18):
        open_numbers = sprint_numbers(week.engine, sprint_id=week.sprint)
        close_sprint(week.engine, sprint_id=week.sprint, send_back={week.ids["Beta copy"]})
    with at(27, 9):
        closed_numbers = sprint_numbers(week.engine, sprint_id=week.sprint)
    assert closed_numbers == open_numbers
    assert (closed_numbers.planned, closed_numbers.added, closed_numbers.not_done) == (4, 2, 4)


def test_rolled_over_work_is_planned_in_the_next_sprint(week):
    with at(20, 18):
        closing = close_sprint(week.engine, sprint_id=week.sprint)
    with transaction(week.engine) as session:
        session.add(
            ClientPlan(
                sprint_id=closing.next_sprint_id,
                client_id=week.ids["ACME"],
                agreed_at=kyiv(23, 11),
            )
        )
    with at(24, 9):
        numbers = sprint_numbers(week.engine, sprint_id=closing.next_sprint_id)
    assert (numbers.planned, numbers.added, numbers.done) == (4, 0, 0)


def test_undo_close_puts_everything_back(week):
    engine, ids = week.engine, week.ids
    add_action(
        engine, sprint_id=week.sprint, text="Write the checklist", owner_id=None, due_date=None
    )
    before = {
        task_id: get_task(engine, task_id=task_id)
        for task_id in ids.values()
        if task_id
        in {ids[name] for name in ("Banner", "Added later", "Beta copy", "Waiting since", "Audit")}
    }
    with at(20, 18):
        closing = close_sprint(engine, sprint_id=week.sprint, send_back={ids["Added later"]})
    with at(20, 18, 1):
        undo_close(engine, closing=closing)
    for task_id, old in before.items():
        task = get_task(engine, task_id=task_id)
        assert (task.sprint_id, task.status, task.carried_over, task.position) == (
            old.sprint_id,
            old.status,
            old.carried_over,
            old.position,
        )
    with pytest.raises(NotFoundError):  # untouched since: gone again, not left archived
        get_task(engine, task_id=next(iter(closing.created_tasks.values())))
    assert [a.task_id for a in action_items(engine, sprint_id=week.sprint)] == [None]
    sprint = find_sprint(engine, week_start=pendulum.date(2026, 11, 16))
    assert (sprint.state, sprint.closed_at) == (SprintState.OPEN, None)
    assert find_sprint(engine, week_start=pendulum.date(2026, 11, 23)) is None
    with reading(engine) as session:
        assert (
            session.exec(select(Retro).where(Retro.sprint_id == week.sprint)).one().finished_at
            is None
        )
    with at(20, 18, 2):
        again = close_sprint(engine, sprint_id=week.sprint)
    assert again.rolled_over == 4 and len(again.created_tasks) == 1


def test_a_sprint_cannot_close_before_its_week(store, frozen):
    later = ensure_sprint(store, week_start=pendulum.date(2026, 11, 23))
    with pytest.raises(ValidationError):
        close_sprint(store, sprint_id=later.id)
    assert find_sprint(store, week_start=pendulum.date(2026, 11, 30)) is None


def test_undo_keeps_a_next_sprint_that_existed_before(week):
    existing = ensure_sprint(week.engine, week_start=pendulum.date(2026, 11, 23))
    with at(20, 18):
        closing = close_sprint(week.engine, sprint_id=week.sprint)
    assert not closing.created_next_sprint
    undo_close(week.engine, closing=closing)
    with reading(week.engine) as session:
        assert session.get(Sprint, existing.id) is not None


# --- markdown ------------------------------------------------------------------------------


def test_markdown_matches_the_golden_file(week):
    engine, ids = week.engine, week.ids
    add_note(engine, sprint_id=week.sprint, kind=WENT_WELL, text="Fire fixed in | 5 hours")
    add_note(engine, sprint_id=week.sprint, kind=TO_IMPROVE, text="[bold]Briefs[/] come late")
    add_action(
        engine,
        sprint_id=week.sprint,
        text="Brief template",
        owner_id=ids["AK"],
        due_date=pendulum.date(2026, 11, 27),
    )
    set_check(engine, sprint_id=week.sprint, key="promises_reviewed", checked=True)
    view = retro_view(engine, sprint_id=week.sprint, checklist_keys=KEYS)
    expected = (GOLDEN / "retro-2026-W47.md").read_text(encoding="utf-8")
    assert render_markdown(view) == expected


# --- the shell -----------------------------------------------------------------------------


@pytest.fixture
def shell(week, monkeypatch):
    """`clientdeck` run in-process on the fixture's store, whichever back end holds it."""
    config = Path(os.environ["CLIENTDECK_CONFIG_DIR"]) / "config.toml"
    config.write_text(f'time_zone = "{KYIV}"\nlanguage = "en"\n', encoding="utf-8")
    monkeypatch.setenv("CLIENTDECK_DB", week.engine.url.render_as_string(hide_password=False))
    return lambda *argv: run(list(argv))


def test_report_retro_prints_this_weeks_retro(week, shell, capsys):
    add_note(week.engine, sprint_id=week.sprint, kind=WENT_WELL, text="No overtime")
    assert shell("report", "retro") == 0
    expected = render_markdown(retro_view(week.engine, sprint_id=week.sprint, checklist_keys=KEYS))
    assert capsys.readouterr().out == expected


def test_report_retro_of_a_named_week_to_a_private_file(week, shell, capsys, tmp_path):
    out = tmp_path / "w46.md"
    assert shell("report", "retro", "--sprint", "2026-W46", "--out", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.read_text(encoding="utf-8").startswith("# Retro 2026-W46 · 9–15 Nov 2026\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_report_retro_refuses_unknown_and_malformed_weeks(week, shell, capsys):
    assert shell("report", "retro", "--sprint", "2025-W01") == 1
    assert "no sprint for the week 2025-W01" in capsys.readouterr().err
    assert shell("report", "retro", "--sprint", "week 47") == 2
    assert "not an ISO week" in capsys.readouterr().err
