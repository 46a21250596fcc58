"""Tasks made from a pattern: a recurring task's next occurrence (`model.occurrences`) and a
sprint template's tasks (`model.templates`) are made the same way, inside the caller's write.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from model.tables import ChecklistItem, Status, Task
from model.tasks import add_task, validate

COPIED = ("title", "description", "priority", "estimate_hours", "assignee_id", "labels")
"""What a copy takes from its pattern, besides the client and the checklist."""


def checklist_texts(session: Session, *, task_id: int) -> list[str]:
    """The task's checklist, in its order, as the texts a copy starts from."""
    return list(
        session.exec(
            select(ChecklistItem.text)
            .where(col(ChecklistItem.task_id) == task_id)
            .order_by(col(ChecklistItem.position), col(ChecklistItem.id))
        ).all()
    )


def copy_task(
    session: Session,
    *,
    client_id: int,
    fields: dict[str, Any],
    checklist: Sequence[str],
    sprint_id: int,
    who: int | None,
    now: datetime,
) -> tuple[Task, list[ChecklistItem]]:
    """A task to do in the sprint with these fields, and its checklist unticked."""
    values = validate(changes={**fields, "status": Status.TODO, "sprint_id": sprint_id})
    task = add_task(session=session, client_id=client_id, values=values, who=who, now=now)
    assert task.id is not None  # flushed by add_task
    items = [
        ChecklistItem(task_id=task.id, text=text, position=position)
        for position, text in enumerate(checklist)
    ]
    session.add_all(items)
    session.flush()
    return task, items
