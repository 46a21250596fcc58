"""A week's plan as it will be once a toggle is stored: for a screen that shows it first.

`task_steps.toggle_sprint` moves a task into the sprint (a backlog task becomes
to do) or out of it, and refuses done work and a closed sprint. The Plan screen
draws the move at once from the view it holds and writes it in the background;
the view read after the write replaces this one, so what is guessed here (where
in its client's list the task lands) lasts a moment at most.
"""

from __future__ import annotations

from dataclasses import replace

from model.planning import PlanTask, PlanView
from model.tables import SprintState, Status


def _without(lists: dict[int, list[PlanTask]], *, task_id: int) -> dict[int, list[PlanTask]]:
    return {client: [t for t in tasks if t.id != task_id] for client, tasks in lists.items()}


def _find(lists: dict[int, list[PlanTask]], *, task_id: int) -> PlanTask | None:
    return next((t for tasks in lists.values() for t in tasks if t.id == task_id), None)


def toggled(view: PlanView, *, task_id: int) -> PlanView | None:
    """`view` with the task on the other side, last of its client's; None when the toggle
    will be refused (done work, a closed sprint) or the view does not hold the task."""
    if view.sprint.state == SprintState.CLOSED:
        return None
    waiting = _find(view.backlog, task_id=task_id)
    if waiting is not None:
        status = Status.TODO if waiting.status == Status.BACKLOG else waiting.status
        moved = replace(waiting, status=status)
        planned = {**view.planned}
        planned[moved.client_id] = [*planned.get(moved.client_id, []), moved]
        return replace(view, backlog=_without(view.backlog, task_id=task_id), planned=planned)
    chosen = _find(view.planned, task_id=task_id)
    if chosen is None or chosen.status == Status.DONE:
        return None
    backlog = {**view.backlog}
    backlog[chosen.client_id] = [*backlog.get(chosen.client_id, []), chosen]
    return replace(view, backlog=backlog, planned=_without(view.planned, task_id=task_id))
