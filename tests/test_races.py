"""Two people acting at the same instant leave the store consistent, on every back end."""

from __future__ import annotations

import threading

from sqlmodel import select

from model.db import reading
from model.tables import Status, TaskEvent, TimeEntry
from model.tasks import get_task, move_status
from model.timetrack import start_timer
from tests.agency import build, this_weeks_sprint

ROUNDS = 15


def together(*actions) -> list[BaseException]:
    """Run the actions in threads released at the same moment; return what they raised."""
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action) -> None:
        barrier.wait()
        try:
            action()
        except BaseException as error:  # noqa: BLE001  (collected for the assertion)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_timers_started_at_once_leave_one_running(store, frozen):
    ids = build(store)
    member = ids["OK"]
    tasks = (ids["Monthly PPC report"], ids["Approve banner set"])
    for _ in range(ROUNDS):
        errors = together(
            *(
                lambda task=task: start_timer(store, task_id=task, member_id=member)
                for task in tasks
            )
        )
        assert errors == []
    with reading(store) as session:
        running = session.exec(
            select(TimeEntry).where(TimeEntry.member_id == member, TimeEntry.end.is_(None))
        ).all()
    assert len(running) == 1


def test_two_moves_at_once_end_in_one_of_them_with_every_event(store, frozen):
    ids = build(store)
    task_id = ids["Set up remarketing in Google Ads"]
    for _ in range(ROUNDS):
        errors = together(
            lambda: move_status(store, task_id=task_id, status=Status.DOING),
            lambda: move_status(store, task_id=task_id, status=Status.REVIEW),
        )
        assert errors == []
    final = get_task(store, task_id=task_id)
    with reading(store) as session:
        events = session.exec(
            select(TaskEvent)
            .where(TaskEvent.task_id == task_id, TaskEvent.field == "status")
            .order_by(TaskEvent.id)
        ).all()
    assert final.status in (Status.DOING, Status.REVIEW)
    assert events[-1].new == final.status
    for earlier, later in zip(events, events[1:], strict=False):
        assert later.old == earlier.new, "every change starts from the state the last one left"


def test_a_sprint_close_racing_with_a_move_leaves_no_task_behind(store, frozen):
    from model.retro.close import close_sprint
    from model.sprints import ensure_sprint
    from model.weeks import as_date

    ids = build(store)
    sprint = this_weeks_sprint(store)
    task_id = ids["Set up remarketing in Google Ads"]
    errors = together(
        lambda: close_sprint(store, sprint_id=sprint.id),
        lambda: move_status(store, task_id=task_id, status=Status.DOING),
    )
    assert errors == []
    task = get_task(store, task_id=task_id)
    following = ensure_sprint(store, week_start=as_date(sprint.week_start).add(days=7))
    assert task.status == Status.DOING, "the move is kept whichever came first"
    assert task.sprint_id == following.id, "unfinished work rolled over"
    assert task.carried_over == 1
    with reading(store) as session:
        left = session.exec(
            select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.field == "status")
        ).all()
    assert left[-1].new == Status.DOING
