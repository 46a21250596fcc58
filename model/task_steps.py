"""Quick task changes (move, reorder, priority, sprint, assignee, due, archive), each
returning the step that takes it back.

The state to go back to is read in the change's own transaction, so the undo
restores exactly what the change replaced even when the change runs in the
background, after other changes of ours that were queued before it; the screen
that asked only pushes the step it is handed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from model import clock
from model.db import transaction
from model.errors import ValidationError
from model.i18n import _
from model.sprints import refuse_closed
from model.tables import Status
from model.tasks import (
    apply_changes,
    change_task,
    load_task,
    next_priority,
    restore,
    snapshot,
    validate,
)
from model.undo import Done, Step


def changed(
    engine: Engine,
    *,
    task_ids: tuple[int, ...],
    label: str,
    who: int | None,
    change: Callable[[Session], None],
) -> Done[None]:
    """Run `change` in one transaction with the states of `task_ids` it replaces; the undo
    puts every one of them back together. The label names the first task."""
    with transaction(engine) as session:
        before = {
            task_id: snapshot(load_task(session=session, task_id=task_id)) for task_id in task_ids
        }
        change(session)
    title = before[task_ids[0]]["title"]
    return Done(
        value=None,
        undo=Step(
            label=f"{label}: {title}", revert=lambda: restore(engine, states=before, who=who)
        ),
    )


def _one_task(
    engine: Engine,
    *,
    task_id: int,
    label: str,
    who: int | None,
    values: Callable[[Session], dict[str, Any]],
) -> Done[None]:
    """Change the fields `values` returns, read in the change's transaction, on one task."""

    def change(session: Session) -> None:
        change_task(
            session=session,
            task_id=task_id,
            values=validate(changes=values(session)),
            who=who,
            expected_version=None,
            now=clock.now(),
        )

    return changed(engine, task_ids=(task_id,), label=label, who=who, change=change)


def set_fields(
    engine: Engine, *, task_id: int, changes: dict[str, Any], label: str, who: int | None
) -> Done[None]:
    """Change fields of one task (a move is `{"status": …}`), with their side effects."""
    return _one_task(engine, task_id=task_id, label=label, who=who, values=lambda _session: changes)


def cycle_priority(engine: Engine, *, task_id: int, label: str, who: int | None) -> Done[None]:
    """The next priority after the stored one (urgent → high → normal → low → urgent)."""

    def values(session: Session) -> dict[str, Any]:
        return {
            "priority": next_priority(current=load_task(session=session, task_id=task_id).priority)
        }

    return _one_task(engine, task_id=task_id, label=label, who=who, values=values)


def toggle_sprint(
    engine: Engine, *, task_id: int, sprint_id: int, label: str, who: int | None
) -> Done[None]:
    """Into the sprint (a backlog task becomes to do), or out of it; done work stays, and a
    closed sprint's work stays as it closed."""

    def values(session: Session) -> dict[str, Any]:
        refuse_closed(session, sprint_id=sprint_id)
        task = load_task(session=session, task_id=task_id)
        if task.sprint_id == sprint_id:
            if task.status == Status.DONE:
                raise ValidationError(_("done work stays in its sprint"), field="sprint_id")
            return {"sprint_id": None}
        if task.status == Status.BACKLOG:
            return {"sprint_id": sprint_id, "status": Status.TODO}
        return {"sprint_id": sprint_id}

    return _one_task(engine, task_id=task_id, label=label, who=who, values=values)


def swap(engine: Engine, *, task_id: int, other_id: int, label: str, who: int | None) -> Done[None]:
    """Reorder within a column by swapping two neighbours' places."""

    def change(session: Session) -> None:
        now = clock.now()
        task = load_task(session=session, task_id=task_id)
        other = load_task(session=session, task_id=other_id)
        first, second = task.position, other.position
        if first == second:
            second = first + 0.5
        apply_changes(session=session, task=task, changes={"position": second}, who=None, now=now)
        apply_changes(session=session, task=other, changes={"position": first}, who=None, now=now)

    return changed(engine, task_ids=(task_id, other_id), label=label, who=who, change=change)


def archive(engine: Engine, *, task_id: int, label: str, who: int | None) -> Done[None]:
    """Off every board and list, with its history kept; undo brings it back."""
    return set_fields(
        engine,
        task_id=task_id,
        changes={"archived_at": clock.now(), "archive_reason": ""},
        label=label,
        who=who,
    )
