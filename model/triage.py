"""Triage: the inbox as a list, and the six ways a request leaves it.

Accept into the sprint, defer to the backlog, wait on the client, decline
with a reason, merge into the task it duplicates, or treat as a fire. Each
action is one transaction through `model.tasks`, so it writes task events like
any other change, and returns the step that puts every task it touched back as it was.

The same actions triage the stand-up's fires, which may already be past the
inbox: a task already in progress keeps its status when it is accepted or
fired, only one not yet planned (inbox, backlog) moves to to-do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from model import clock
from model.board import (
    NO_FILTER,
    BoardFilter,
    TaskHit,
    filter_conditions,
    find_tasks,
    shown_task,
)
from model.clients import client_by_id
from model.db import reading
from model.i18n import _
from model.tables import Client, Priority, Status, Task
from model.tasks import (
    MAX_TITLE,
    ValidationError,
    archive_task,
    bottom_position,
    get_task,
    restore,
    snapshot,
    top_position,
    update_task,
    validate,
)
from model.undo import Done, Step

UNPLANNED = (Status.INBOX, Status.BACKLOG)


@dataclass(frozen=True)
class InboxItem:
    id: int
    client_code: str
    client_name: str
    client_colour: str
    title: str
    description: str
    created_at: datetime
    priority: str
    fire: bool
    due_date: date | None
    due_time: time | None
    estimate_hours: float | None


def inbox_page(
    engine: Engine, *, offset: int, limit: int, wanted: BoardFilter = NO_FILTER
) -> list[InboxItem]:
    """The visible page of the inbox (of what the `/` filter lets through), newest first."""
    with reading(engine) as session:
        rows = session.exec(
            select(Task, Client.code, Client.name, Client.colour)
            .join(Client, Client.id == Task.client_id)
            .where(
                Task.status == Status.INBOX,
                *shown_task(),
                *filter_conditions(wanted=wanted),
            )
            .order_by(Task.created_at.desc(), Task.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
    return [
        InboxItem(
            id=task.id,
            client_code=code,
            client_name=name,
            client_colour=colour,
            title=task.title,
            description=task.description,
            created_at=task.created_at,
            priority=task.priority,
            fire=task.fire,
            due_date=task.due_date,
            due_time=task.due_time,
            estimate_hours=task.estimate_hours,
        )
        for task, code, name, colour in rows
    ]


def _triaged(
    engine: Engine, *, task: Task, label: str, before: dict[int, dict[str, Any]], who: int | None
) -> Done[Task]:
    """The triaged task, and the step that puts every task the action changed back as
    `before` had them; the label names the action and the task."""
    return Done(
        value=task,
        undo=Step(
            label=f"{label}: {task.title}", revert=lambda: restore(engine, states=before, who=who)
        ),
    )


def _live(engine: Engine, *, task_id: int) -> Task:
    task = get_task(engine, task_id=task_id)
    if task.archived_at is not None:
        raise ValidationError(_("task {id} is archived", id=task_id), field="task_id")
    return task


def _position(engine: Engine, *, status: str, top: bool) -> float:
    with reading(engine) as session:
        place = top_position if top else bottom_position
        return place(session=session, status=status)


def _change(
    engine: Engine, *, task: Task, changes: dict[str, Any], label: str, who: int | None
) -> Done[Task]:
    before = {task.id: snapshot(task)}
    changed = update_task(engine, task_id=task.id, changes=changes, who=who)
    return _triaged(engine, task=changed, label=label, before=before, who=who)


def accept(
    engine: Engine,
    *,
    task_id: int,
    sprint_id: int,
    assignee_id: int | None,
    estimate_hours: float | None,
    who: int | None = None,
) -> Done[Task]:
    """Into the sprint, with whoever does it and how long it should take, at the end of to-do."""
    task = _live(engine, task_id=task_id)
    changes: dict[str, Any] = {
        "sprint_id": sprint_id,
        "assignee_id": assignee_id,
        "estimate_hours": estimate_hours,
    }
    if task.status in UNPLANNED:
        changes["status"] = Status.TODO
        changes["position"] = _position(engine, status=Status.TODO, top=False)
    return _change(engine, task=task, changes=changes, label=_("accept"), who=who)


def to_backlog(engine: Engine, *, task_id: int, who: int | None = None) -> Done[Task]:
    """Not this week: out of any sprint, into the backlog."""
    task = _live(engine, task_id=task_id)
    changes = {"status": Status.BACKLOG, "sprint_id": None}
    return _change(engine, task=task, changes=changes, label=_("to backlog"), who=who)


def to_waiting(engine: Engine, *, task_id: int, who: int | None = None) -> Done[Task]:
    """Waiting on the client: the waiting clock starts."""
    task = _live(engine, task_id=task_id)
    changes = {"status": Status.WAITING}
    return _change(engine, task=task, changes=changes, label=_("waiting on client"), who=who)


def check_reason(text: str) -> str:
    """A decline needs a reason, on one line and not too long."""
    reason = " ".join(text.split())
    if not reason:
        raise ValidationError(_("say why it is declined"), field="reason")
    if len(reason) > MAX_TITLE:
        raise ValidationError(
            _("too long: at most {limit} characters", limit=MAX_TITLE), field="reason"
        )
    return reason


def decline(engine: Engine, *, task_id: int, reason: str, who: int | None = None) -> Done[Task]:
    """Archived, with the reason kept for whoever asks later why it was not done."""
    reason = check_reason(reason)
    task = _live(engine, task_id=task_id)
    before = {task.id: snapshot(task)}
    changed = archive_task(engine, task_id=task_id, reason=reason, who=who)
    return _triaged(engine, task=changed, label=_("decline"), before=before, who=who)


def merged_description(*, original: Task, duplicate: Task) -> str:
    """The original's description with the duplicate's text appended, so nothing is lost."""
    received = clock.to_local(duplicate.created_at).format("D MMM HH:mm")
    parts = [
        original.description.rstrip(),
        _(
            "Duplicate #{id}, {when}: {title}",
            id=duplicate.id,
            when=received,
            title=duplicate.title,
        ),
        duplicate.description.strip(),
    ]
    return "\n\n".join(part for part in parts if part)


def duplicate(engine: Engine, *, task_id: int, of_id: int, who: int | None = None) -> Done[Task]:
    """Merge into `of_id`: its description gains this task's text, this task is archived.

    Both tasks change in one transaction (a restore of the states wanted), so
    there is never an archived duplicate whose text did not reach the original.
    """
    if task_id == of_id:
        raise ValidationError(_("a task cannot duplicate itself"), field="duplicate_of_id")
    task = _live(engine, task_id=task_id)
    original = _live(engine, task_id=of_id)
    states = {
        original.id: validate(
            changes={"description": merged_description(original=original, duplicate=task)}
        ),
        task.id: validate(
            changes={
                "archived_at": clock.now(),
                "archive_reason": _("duplicate of #{id}", id=original.id),
                "duplicate_of_id": original.id,
            }
        ),
    }
    before = {original.id: snapshot(original), task.id: snapshot(task)}
    restore(engine, states=states, who=who)
    merged = get_task(engine, task_id=task.id)
    return _triaged(engine, task=merged, label=_("duplicate"), before=before, who=who)


def fire(engine: Engine, *, task_id: int, sprint_id: int, who: int | None = None) -> Done[Task]:
    """Urgent, in this sprint, at the top of to-do: the team drops what it can for it."""
    task = _live(engine, task_id=task_id)
    status = Status.TODO if task.status in UNPLANNED else task.status
    changes = {
        "priority": Priority.URGENT,
        "fire": True,
        "sprint_id": sprint_id,
        "status": status,
        "position": _position(engine, status=status, top=True),
    }
    return _change(engine, task=task, changes=changes, label=_("fire"), who=who)


def duplicate_candidates(
    engine: Engine, *, task_id: int, text: str, limit: int = 50
) -> list[TaskHit]:
    """Open tasks the request may duplicate: every typed word in the title, its client's first."""
    code = client_by_id(engine, client_id=get_task(engine, task_id=task_id).client_id).code
    hits = [hit for hit in find_tasks(engine, text=text) if hit.id != task_id]
    hits.sort(key=lambda hit: hit.client_code != code)
    return hits[:limit]
