"""Closing a sprint and undoing the close are exact (model/retro/close.py).

A close moves the unfinished work on, makes the action items tasks and stamps
the sprint; its undo puts back every row it wrote, so the store and the
retro's numbers are as they were before, and closing again gives the numbers
of the first close. Work never lands in a closed sprint.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from model import clock, demo
from model.blank import clear_rows
from model.config import Config
from model.db import reading, transaction
from model.retro.close import AGENCY_CODE, close_sprint, undo_close
from model.retro.notes import add_action
from model.retro.numbers import sprint_numbers
from model.retro.view import render_markdown, retro_view
from model.sprints import ensure_sprint, find_sprint
from model.store import open_store
from model.tables import (
    Client,
    ClientPlan,
    Member,
    Retro,
    SprintState,
    Status,
    Task,
    TimeEntry,
)
from model.task_steps import toggle_sprint
from model.tasks import ValidationError, create_task, get_task, update_task
from model.timetrack import add_entry
from model.triage import accept, fire
from tests.agency import contents, this_weeks_sprint
from tests.test_retro import at, kyiv
from tui.cli import run

KYIV = "Europe/Kyiv"
KEYS = (
    "timesheets",
    "weekly_reports",
    "promises_reviewed",
    "waiting_nudged",
    "next_sprint_drafted",
)
WEEK = pendulum.date(2026, 11, 16)  # 2026-W47, Monday 16 to Sunday 22 November
CLOSED_MESSAGE = "sprint 2026-W47 is closed; work goes into the current sprint"


def view_of(engine, sprint_id: int) -> tuple:
    """Everything the retro screen shows, in comparable form."""
    view = retro_view(engine, sprint_id=sprint_id, checklist_keys=KEYS)
    return (
        view.sprint.model_dump(),
        view.numbers,
        view.checks,
        {kind: [note.model_dump() for note in lines] for kind, lines in view.notes.items()},
        view.actions,
        view.previous,
    )


def figures(numbers) -> tuple:
    """The numbers a close fixes, but for the time waited (it grows until the close)."""
    return dataclasses.replace(numbers, waiting_days=0.0)


# --- the demo, Friday 17:00 ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """A fresh demo agency built on Friday 16:59 of its week, once for the module: a minute
    before the close, so what the demo makes at its own start is the week's, as a close at
    the very instant a task is made would not count it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    clock.set_zone(name=KYIV)
    with at(20, 16, 59):
        engine = open_store(url=f"sqlite:///{path}").engine
        demo.fill(engine=engine)
        engine.dispose()
    clock.set_zone(name="UTC")
    return path


@pytest.fixture
def friday_demo(demo_file, tmp_path):
    clock.set_zone(name=KYIV)
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    engine = open_store(url=f"sqlite:///{copy}").engine
    with at(20, 17):
        sprint = this_weeks_sprint(engine)
    yield engine, sprint.id
    engine.dispose()


def test_on_the_demo_close_undo_and_close_again_keep_the_numbers(friday_demo):
    engine, sprint_id = friday_demo
    with at(20, 17):
        open_numbers = sprint_numbers(engine, sprint_id=sprint_id)
        closing = close_sprint(engine, sprint_id=sprint_id)
        closed_numbers = sprint_numbers(engine, sprint_id=sprint_id)
    assert open_numbers.planned > 0 and open_numbers.added > 0
    assert closed_numbers == open_numbers
    with at(20, 17, 1):
        closing.undo.revert()
        undone_numbers = sprint_numbers(engine, sprint_id=sprint_id)
    assert (undone_numbers.planned, undone_numbers.added) == (
        open_numbers.planned,
        open_numbers.added,
    )
    assert figures(undone_numbers) == figures(open_numbers)
    with at(20, 17, 2):
        close_sprint(engine, sprint_id=sprint_id)
    with at(20, 17, 3):
        again = sprint_numbers(engine, sprint_id=sprint_id)
    assert figures(again) == figures(open_numbers)
    assert again.waiting_days >= open_numbers.waiting_days


def test_on_the_demo_the_undo_puts_every_row_back(friday_demo):
    engine, sprint_id = friday_demo
    before = contents(engine)
    with at(20, 17):
        shown = view_of(engine, sprint_id)
        closing = close_sprint(engine, sprint_id=sprint_id)
    assert closing.rolled_over > 0
    with at(20, 17, 1):
        closing.undo.revert()
    assert contents(engine) == before
    with at(20, 17):
        assert view_of(engine, sprint_id) == shown


def test_the_undo_is_the_commands_own_step(friday_demo):
    engine, sprint_id = friday_demo
    with at(20, 17):
        closing = close_sprint(engine, sprint_id=sprint_id)
    assert "2026-W47" in closing.undo.label
    with at(20, 17, 1):
        closing.undo.revert()
        with pytest.raises(ValidationError):
            closing.undo.revert()  # undone once only


# --- the shell agrees with the screen ------------------------------------------------------


def test_report_retro_agrees_with_the_screen_after_close_undo_close(
    friday_demo, monkeypatch, capsys
):
    engine, sprint_id = friday_demo
    config = Path(os.environ["CLIENTDECK_CONFIG_DIR"]) / "config.toml"
    config.write_text(f'time_zone = "{KYIV}"\nlanguage = "en"\n', encoding="utf-8")
    monkeypatch.setenv("CLIENTDECK_DB", engine.url.render_as_string(hide_password=False))
    checklist = Config().retro_checklist
    with at(20, 17):
        first = sprint_numbers(engine, sprint_id=sprint_id)
        closing = close_sprint(engine, sprint_id=sprint_id)
    with at(20, 17, 1):
        closing.undo.revert()
    with at(20, 17, 2):
        close_sprint(engine, sprint_id=sprint_id)
    with at(20, 17, 3):
        assert run(["report", "retro", "--sprint", "2026-W47"]) == 0
        shown = retro_view(engine, sprint_id=sprint_id, checklist_keys=checklist)
    printed = capsys.readouterr().out
    assert printed == render_markdown(shown)
    assert f"| Planned when agreed | {first.planned} |" in printed
    assert f"| Added mid-sprint | {first.added} |" in printed


# --- a hand-built week: what happened after the close ----------------------------------------


@pytest.fixture
def week(store, frozen):
    engine = store
    ids: dict[str, int] = {}
    with transaction(engine) as session:
        for code in ("ACME", "BETA"):
            client = Client(name=f"{code.title()} Ltd", code=code, created_at=kyiv(1, 9))
            session.add(client)
            session.flush()
            ids[code] = client.id
        member = Member(name="Anna Koval", initials="AK")
        session.add(member)
        session.flush()
        ids["AK"] = member.id
    sprint = ensure_sprint(engine, week_start=WEEK).id
    with transaction(engine) as session:
        session.add(ClientPlan(sprint_id=sprint, client_id=ids["ACME"], agreed_at=kyiv(16, 12)))
    for name, day, hour, status in (
        ("Planned", 16, 10, Status.TODO),
        ("Added", 18, 9, Status.DOING),
        ("Done", 16, 10, Status.DONE),
    ):
        with at(day, hour):
            ids[name] = create_task(
                engine,
                client_id=ids["ACME"],
                title=name,
                status=status,
                sprint_id=sprint,
                estimate_hours=2,
            ).id
    with at(16, 9):
        ids["Backlog"] = create_task(
            engine, client_id=ids["BETA"], title="Backlog", status=Status.BACKLOG
        ).id
    return engine, sprint, ids


def test_undo_keeps_what_changed_after_the_close_and_still_puts_the_task_back(week):
    engine, sprint, ids = week
    add_action(engine, sprint_id=sprint, text="Brief template", owner_id=None, due_date=None)
    with at(20, 17):
        expected = sprint_numbers(engine, sprint_id=sprint)
        closing = close_sprint(engine, sprint_id=sprint)
    (made,) = closing.created_tasks.values()
    with at(23, 10):
        update_task(engine, task_id=ids["Planned"], changes={"status": Status.DOING})
        add_entry(engine, task_id=made, member_id=ids["AK"], start=kyiv(23, 9), end=kyiv(23, 10))
    with at(23, 11):
        closing.undo.revert()
    planned = get_task(engine, task_id=ids["Planned"])
    assert (planned.sprint_id, planned.carried_over, planned.status) == (sprint, 0, Status.DOING)
    kept = get_task(engine, task_id=made)
    assert kept.archived_at is not None, "time was tracked on it: archived, not removed"
    with reading(engine) as session:
        assert session.exec(select(TimeEntry).where(TimeEntry.task_id == made)).all()
    with at(20, 17):
        numbers = sprint_numbers(engine, sprint_id=sprint)
    assert (numbers.planned, numbers.added) == (expected.planned, expected.added) == (2, 1)


def test_undo_removes_the_retro_and_the_agency_client_the_close_made(week):
    engine, sprint, _ids = week
    with transaction(engine) as session:
        assert session.exec(select(Retro)).all() == []
    before = contents(engine)
    with at(20, 17):
        closing = close_sprint(engine, sprint_id=sprint)
    assert find_sprint(engine, week_start=WEEK.add(weeks=1)) is not None
    with at(20, 17, 1):
        undo_close(engine, closing=closing)
    assert contents(engine) == before
    add_action(
        engine, sprint_id=sprint, text="Internal: tidy the drive", owner_id=None, due_date=None
    )
    before = contents(engine)
    with at(20, 17, 2):
        closing = close_sprint(engine, sprint_id=sprint)
    with reading(engine) as session:
        assert session.exec(select(Client).where(Client.code == AGENCY_CODE)).first()
    with at(20, 17, 3):
        closing.undo.revert()
    assert contents(engine) == before


# --- no work lands in a closed sprint ------------------------------------------------------


@pytest.fixture
def closed(week):
    engine, sprint, ids = week
    with at(20, 17):
        close_sprint(engine, sprint_id=sprint)
    return engine, sprint, ids


@pytest.mark.parametrize(
    "put_in",
    [
        pytest.param(
            lambda engine, sprint, ids: accept(
                engine,
                task_id=ids["Backlog"],
                sprint_id=sprint,
                assignee_id=None,
                estimate_hours=None,
            ),
            id="triage-accept",
        ),
        pytest.param(
            lambda engine, sprint, ids: fire(engine, task_id=ids["Backlog"], sprint_id=sprint),
            id="triage-fire",
        ),
        pytest.param(
            lambda engine, sprint, ids: toggle_sprint(
                engine, task_id=ids["Backlog"], sprint_id=sprint, label="plan", who=None
            ),
            id="plan-toggle-in",
        ),
        pytest.param(
            lambda engine, sprint, ids: toggle_sprint(
                engine, task_id=ids["Planned"], sprint_id=sprint, label="plan", who=None
            ),
            id="plan-toggle-rolled-over",
        ),
        pytest.param(
            lambda engine, sprint, ids: update_task(
                engine, task_id=ids["Backlog"], changes={"sprint_id": sprint}
            ),
            id="task-update",
        ),
        pytest.param(
            lambda engine, sprint, ids: create_task(
                engine, client_id=ids["ACME"], title="Late", status=Status.TODO, sprint_id=sprint
            ),
            id="task-create",
        ),
    ],
)
def test_work_is_refused_into_a_closed_sprint(closed, put_in):
    engine, sprint, ids = closed
    before = contents(engine)
    with at(23, 10), pytest.raises(ValidationError) as refused:
        put_in(engine, sprint, ids)
    assert str(refused.value) == CLOSED_MESSAGE
    assert contents(engine) == before


def test_taking_work_out_of_a_closed_sprint_is_refused_in_plan(closed):
    engine, sprint, ids = closed
    with transaction(engine) as session:
        task = session.get(Task, ids["Done"])
        task.status = Status.REVIEW  # a task left behind (as in an older store)
        session.add(task)
    before = contents(engine)
    with at(23, 10), pytest.raises(ValidationError) as refused:
        toggle_sprint(engine, task_id=ids["Done"], sprint_id=sprint, label="plan", who=None)
    assert str(refused.value) == CLOSED_MESSAGE
    assert contents(engine) == before


def test_an_open_sprint_and_an_unchanged_sprint_still_take_changes(closed):
    engine, sprint, ids = closed
    following = find_sprint(engine, week_start=WEEK.add(weeks=1))
    with at(23, 10):
        accept(
            engine,
            task_id=ids["Backlog"],
            sprint_id=following.id,
            assignee_id=None,
            estimate_hours=1,
        )
        # A done task of the closed sprint keeps its sprint while other fields change.
        update_task(engine, task_id=ids["Done"], changes={"sprint_id": sprint, "title": "Done!"})
    assert get_task(engine, task_id=ids["Backlog"]).sprint_id == following.id
    assert get_task(engine, task_id=ids["Done"]).title == "Done!"


# --- the property: close ∘ undo = identity ---------------------------------------------------

STATUSES = [Status.TODO, Status.DOING, Status.WAITING, Status.REVIEW, Status.DONE]
STATUSES += [Status.BACKLOG, Status.INBOX]
# Monday 0:00 to Friday 16:59: the week's work happens before the close at Friday 17:00.
MINUTES = st.integers(min_value=0, max_value=(4 * 24 + 17) * 60 - 1)
MONDAY = st.integers(min_value=0, max_value=24 * 60 - 1)
MOSTLY = st.integers(min_value=0, max_value=3).map(bool)  # true three times in four

task_strategy = st.fixed_dictionaries(
    {
        "client": st.integers(min_value=0, max_value=2),
        "status": st.sampled_from(STATUSES),
        "in_sprint": MOSTLY,
        "joined": st.one_of(st.none(), MINUTES),  # None: before the week began
        "moved_in": st.booleans(),
        "estimate": st.one_of(st.none(), st.integers(min_value=0, max_value=8)),
        "archived": st.integers(min_value=0, max_value=4).map(lambda n: n == 0),
        "send_back": st.integers(min_value=0, max_value=3).map(lambda n: n == 0),
        "hours": st.integers(min_value=0, max_value=3),
    }
)
sprint_strategy = st.fixed_dictionaries(
    {
        "clients": st.integers(min_value=1, max_value=3),
        "agreed": st.lists(st.one_of(MONDAY, st.none(), MINUTES), min_size=3, max_size=3),
        "plans": st.lists(MOSTLY, min_size=3, max_size=3),
        "tasks": st.lists(task_strategy, min_size=1, max_size=8),
        "actions": st.lists(st.sampled_from(["C0: ask", "Tidy the drive", "c1: call"]), max_size=2),
        "retro": st.booleans(),
        "next_sprint": st.booleans(),
        "carried": st.integers(min_value=0, max_value=2),
    }
)


def week_minute(minute: int) -> pendulum.DateTime:
    return kyiv(16, 0).add(minutes=minute)


def build_sprint(engine, spec) -> int:
    """A random small sprint of 2026-W47, as it stands on Friday 17:00."""
    with transaction(engine) as session:
        clear_rows(session)
    with transaction(engine) as session:
        clients = []
        for index in range(spec["clients"]):
            client = Client(name=f"Client {index}", code=f"C{index}", created_at=kyiv(1, 9))
            session.add(client)
            session.flush()
            clients.append(client.id)
        member = Member(name="Anna Koval", initials="AK")
        session.add(member)
        session.flush()
        member_id = member.id
    sprint = ensure_sprint(engine, week_start=WEEK).id
    if spec["next_sprint"]:
        ensure_sprint(engine, week_start=WEEK.add(weeks=1))
    with transaction(engine) as session:
        for index, client_id in enumerate(clients):
            if spec["plans"][index]:
                agreed = spec["agreed"][index]
                session.add(
                    ClientPlan(
                        sprint_id=sprint,
                        client_id=client_id,
                        planned_hours=4,
                        agreed_at=None if agreed is None else week_minute(agreed),
                    )
                )
        if spec["retro"]:
            session.add(Retro(sprint_id=sprint, created_at=kyiv(20, 16)))
    for index, text in enumerate(spec["actions"]):
        owner = member_id if index == 0 else None
        add_action(engine, sprint_id=sprint, text=text, owner_id=owner, due_date=None)
    for number, task in enumerate(spec["tasks"]):
        client_id = clients[task["client"] % len(clients)]
        joined = kyiv(12, 10) if task["joined"] is None else week_minute(task["joined"])
        moved = task["moved_in"] and task["in_sprint"]
        with clock.freeze(at=joined.subtract(days=1) if moved else joined):
            made = create_task(
                engine,
                client_id=client_id,
                title=f"Task {number}",
                status=Status.BACKLOG if moved else task["status"],
                sprint_id=sprint if task["in_sprint"] and not moved else None,
                estimate_hours=task["estimate"],
            ).id
        if moved:
            with clock.freeze(at=joined):
                update_task(
                    engine,
                    task_id=made,
                    changes={"sprint_id": sprint, "status": task["status"]},
                )
        if task["hours"]:
            with clock.freeze(at=kyiv(20, 16, 30)):
                add_entry(
                    engine,
                    task_id=made,
                    member_id=member_id,
                    start=kyiv(17, 0).add(hours=4 * number),
                    end=kyiv(17, 0).add(hours=4 * number + task["hours"]),
                )
        if task["archived"]:
            with clock.freeze(at=kyiv(20, 16, 40)):
                update_task(
                    engine,
                    task_id=made,
                    changes={"archived_at": clock.now(), "archive_reason": "declined"},
                )
        if spec["carried"]:
            with transaction(engine) as session:
                row = session.get(Task, made)
                row.carried_over = spec["carried"]
                session.add(row)
    return sprint


def sent_back(engine, spec, sprint: int) -> set[int]:
    with reading(engine) as session:
        ids = session.exec(select(Task.id).where(Task.sprint_id == sprint).order_by(Task.id)).all()
    wanted = {f"Task {n}" for n, task in enumerate(spec["tasks"]) if task["send_back"]}
    with reading(engine) as session:
        return {
            task.id
            for task in session.exec(select(Task).where(Task.id.in_(ids))).all()
            if task.title in wanted
        }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=sprint_strategy)
def test_close_then_undo_is_the_identity_and_closing_again_gives_the_same_numbers(store, spec):
    clock.set_zone(name=KYIV)
    engine = store
    with at(20, 17):
        sprint = build_sprint(engine, spec)
        back = sent_back(engine, spec, sprint)
        before = contents(engine)
        shown = view_of(engine, sprint)
        numbers = sprint_numbers(engine, sprint_id=sprint)
        closing = close_sprint(engine, sprint_id=sprint, send_back=back)
        closed_numbers = sprint_numbers(engine, sprint_id=sprint)
    assert closed_numbers == numbers
    with at(20, 17, 1):
        closing.undo.revert()
    assert contents(engine) == before
    with at(20, 17):
        assert view_of(engine, sprint) == shown
        assert sprint_numbers(engine, sprint_id=sprint) == numbers
    with at(20, 17, 2):
        again = close_sprint(engine, sprint_id=sprint, send_back=back)
    assert (again.rolled_over, again.sent_back) == (closing.rolled_over, closing.sent_back)
    with at(20, 17, 3):
        assert figures(sprint_numbers(engine, sprint_id=sprint)) == figures(closed_numbers)
    assert find_sprint(engine, week_start=WEEK).state == SprintState.CLOSED
