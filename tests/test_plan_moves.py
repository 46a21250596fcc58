"""The plan drawn before a toggle is written (model/plan_moves.py) says what the store will."""

from __future__ import annotations

import datetime as dt

from model.plan_moves import toggled
from model.planning import PlanTask, PlanView
from model.tables import Sprint, SprintState, Status


def task(task_id: int, *, status: str, client_id: int = 1) -> PlanTask:
    return PlanTask(
        id=task_id,
        client_id=client_id,
        title=f"task {task_id}",
        status=status,
        priority="normal",
        estimate_hours=1.0,
        assignee_id=None,
        assignee="",
        due_date=None,
        due_time=None,
        promised=False,
        fire=False,
        urgency=0.0,
        terms={},
    )


def view(*, state: str = SprintState.OPEN) -> PlanView:
    return PlanView(
        sprint=Sprint(id=7, week_start=dt.date(2026, 11, 16), state=state),
        backlog={1: [task(1, status=Status.BACKLOG), task(2, status=Status.TODO)]},
        planned={1: [task(3, status=Status.DOING), task(4, status=Status.DONE)], 2: []},
        clients=[],
        members=[],
    )


def ids(lists: dict[int, list[PlanTask]]) -> dict[int, list[int]]:
    return {client: [t.id for t in tasks] for client, tasks in lists.items()}


def test_a_backlog_task_goes_into_the_sprint_as_to_do():
    moved = toggled(view(), task_id=1)
    assert moved is not None
    assert ids(moved.backlog) == {1: [2]} and ids(moved.planned) == {1: [3, 4, 1], 2: []}
    assert moved.planned[1][-1].status == Status.TODO


def test_a_task_already_begun_keeps_its_status_either_way():
    into = toggled(view(), task_id=2)
    out = toggled(view(), task_id=3)
    assert into is not None and into.planned[1][-1].status == Status.TODO
    assert out is not None and ids(out.backlog) == {1: [1, 2, 3]}
    assert out.backlog[1][-1].status == Status.DOING


def test_what_the_store_refuses_is_not_drawn():
    assert toggled(view(), task_id=4) is None, "done work stays in its sprint"
    assert toggled(view(state=SprintState.CLOSED), task_id=1) is None
    assert toggled(view(), task_id=99) is None
