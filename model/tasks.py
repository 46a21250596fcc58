"""Changing tasks: the one path every edit takes, with its events and its rules.

Each public function is one transaction. `apply_changes` is the single place where a
field changes, so every tracked change writes a task event and bumps the
version that optimistic locking checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from model import clock
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError, check_text
from model.i18n import _
from model.parsing import MAX_ESTIMATE_HOURS
from model.sprints import refuse_closed
from model.tables import (
    PRIORITY_ORDER,
    ChecklistItem,
    Client,
    Member,
    Priority,
    Sprint,
    Status,
    Task,
    TaskEvent,
)
from model.undo import Done, Step
from model.weeks import as_date, iso_week_label

MAX_TITLE = 500
MAX_DESCRIPTION = 100_000

TRACKED = (
    "status",
    "assignee_id",
    "sprint_id",
    "priority",
    "due_date",
    "due_time",
    "client_id",
    "estimate_hours",
    "promised_at",
    "fire",
    "archived_at",
    "billable",
)

EDITABLE = (
    "title",
    "description",
    "status",
    "priority",
    "estimate_hours",
    "assignee_id",
    "due_date",
    "due_time",
    "sprint_id",
    "client_id",
    "labels",
    "fire",
    "blocked",
    "promised_at",
    "position",
    "billable",
)


class ConflictError(RuntimeError):
    """Someone else saved the task since it was loaded."""

    def __init__(self, *, task_id: int, expected: int, current: dict[str, Any]) -> None:
        super().__init__(_("task {id} was changed by someone else", id=task_id))
        self.task_id = task_id
        self.expected = expected
        self.current = current
        """The stored fields as the other person left them (a snapshot, with `version`)."""


def normalise_labels(*, text: str) -> str:
    """Labels are stored lower-case, comma-separated, without duplicates."""
    seen: list[str] = []
    for raw in text.replace("#", " ").replace(",", " ").split():
        label = raw.strip().lower()
        if label and label not in seen:
            seen.append(label)
    return ",".join(seen)


def validate(*, changes: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise a set of field changes before anything is written."""
    unknown = set(changes) - set(EDITABLE) - {"archived_at", "archive_reason", "duplicate_of_id"}
    if unknown:
        raise ValidationError(f"unknown task fields: {', '.join(sorted(unknown))}")
    out = dict(changes)
    if "title" in out:
        out["title"] = check_text(value=out["title"], field="title", limit=MAX_TITLE, required=True)
    if "description" in out:
        out["description"] = check_text(
            value=out["description"], field="description", limit=MAX_DESCRIPTION, required=False
        )
    if "status" in out and out["status"] not in Status.__members__.values():
        raise ValidationError(_("unknown status {value}", value=out["status"]), field="status")
    if "priority" in out and out["priority"] not in Priority.__members__.values():
        raise ValidationError(
            _("unknown priority {value}", value=out["priority"]), field="priority"
        )
    estimate = out.get("estimate_hours")
    if estimate is not None and not 0 <= estimate <= MAX_ESTIMATE_HOURS:
        raise ValidationError(
            _("the estimate must be between 0 and {limit} hours", limit=int(MAX_ESTIMATE_HOURS)),
            field="estimate_hours",
        )
    if "labels" in out:
        out["labels"] = normalise_labels(text=out["labels"])
    if out.get("billable") not in (None, True, False):
        raise ValidationError(_("billable is yes, no or as the client says"), field="billable")
    return out


def _text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return clock.to_local(value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def status_effects(*, task: Task, status: str, now: datetime) -> dict[str, Any]:
    """What else changes when a task changes status: the waiting clock and done time."""
    effects: dict[str, Any] = {}
    if status == task.status:
        return effects
    if task.status == Status.WAITING and task.waiting_since is not None:
        waited = int((now - task.waiting_since).total_seconds())
        effects["waiting_seconds"] = task.waiting_seconds + max(waited, 0)
        effects["waiting_since"] = None
    if status == Status.WAITING:
        effects["waiting_since"] = now
    if status == Status.DONE:
        effects["done_at"] = now
    elif task.status == Status.DONE:
        effects["done_at"] = None
    return effects


def top_position(*, session: Session, status: str) -> float:
    lowest = session.exec(
        select(func.min(Task.position)).where(Task.status == status, Task.archived_at.is_(None))
    ).one()
    return (lowest if lowest is not None else 1.0) - 1.0


def bottom_position(*, session: Session, status: str) -> float:
    highest = session.exec(
        select(func.max(Task.position)).where(Task.status == status, Task.archived_at.is_(None))
    ).one()
    return (highest if highest is not None else 0.0) + 1.0


def apply_changes(
    *, session: Session, task: Task, changes: dict[str, Any], who: int | None, now: datetime
) -> None:
    """Set fields, log an event for each tracked one that really changed, bump the version."""
    changed = False
    for field, value in changes.items():
        old = getattr(task, field)
        if old == value:
            continue
        changed = True
        if field in TRACKED:
            session.add(
                TaskEvent(
                    task_id=task.id,
                    at=now,
                    member_id=who,
                    field=field,
                    old=_text_of(old),
                    new=_text_of(value),
                )
            )
        setattr(task, field, value)
    if changed:
        task.updated_at = now
        task.version += 1
        session.add(task)


def load_task(*, session: Session, task_id: int) -> Task:
    """The task to change, locked for the rest of `session`'s transaction."""
    task = session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise NotFoundError(_("no task with id {id}", id=task_id))
    return task


def get_task(engine: Engine, *, task_id: int) -> Task:
    with reading(engine) as session:
        task = session.get(Task, task_id)
        if task is None:
            raise NotFoundError(_("no task with id {id}", id=task_id))
        return task


def add_task(
    *, session: Session, client_id: int, values: dict[str, Any], who: int | None, now: datetime
) -> Task:
    if session.get(Client, client_id) is None:
        raise NotFoundError(_("no client with id {id}", id=client_id))
    refuse_closed(session, sprint_id=values.get("sprint_id"))
    position = values.pop("position", None)
    if position is None:
        place = top_position if values.get("fire") else bottom_position
        position = place(session=session, status=values["status"])
    task = Task(client_id=client_id, position=position, created_at=now, updated_at=now, **values)
    if task.status == Status.WAITING:
        task.waiting_since = now
    if task.status == Status.DONE:
        task.done_at = now
    session.add(task)
    session.flush()
    session.add(TaskEvent(task_id=task.id, at=now, member_id=who, field="created", new=task.status))
    if task.sprint_id is not None:
        # Planning counts tasks by when they joined a sprint, created there or moved in.
        session.add(
            TaskEvent(
                task_id=task.id, at=now, member_id=who, field="sprint_id", new=str(task.sprint_id)
            )
        )
    return task


def create_task(
    engine: Engine,
    *,
    client_id: int,
    title: str,
    who: int | None = None,
    status: str = Status.INBOX,
    **fields: Any,
) -> Task:
    """A new task at the bottom of its column (fires go to the top)."""
    values = validate(changes={"title": title, "status": status, **fields})
    with transaction(engine) as session:
        return add_task(
            session=session, client_id=client_id, values=values, who=who, now=clock.now()
        )


def change_task(
    *,
    session: Session,
    task_id: int,
    values: dict[str, Any],
    who: int | None,
    expected_version: int | None,
    now: datetime,
) -> Task:
    task = load_task(session=session, task_id=task_id)
    if expected_version is not None and task.version != expected_version:
        current = {**snapshot(task), "version": task.version}
        raise ConflictError(task_id=task_id, expected=expected_version, current=current)
    if values.get("sprint_id", task.sprint_id) != task.sprint_id:
        refuse_closed(session, sprint_id=values["sprint_id"])
    if "status" in values:
        values = {**status_effects(task=task, status=values["status"], now=now), **values}
        if values["status"] != task.status and "position" not in values:
            values["position"] = top_position(session=session, status=values["status"])
    apply_changes(session=session, task=task, changes=values, who=who, now=now)
    return task


def update_task(
    engine: Engine,
    *,
    task_id: int,
    changes: dict[str, Any],
    who: int | None = None,
    expected_version: int | None = None,
) -> Task:
    """Apply validated changes with their side effects; refuse if the version moved on."""
    values = validate(changes=changes)
    with transaction(engine) as session:
        return change_task(
            session=session,
            task_id=task_id,
            values=values,
            who=who,
            expected_version=expected_version,
            now=clock.now(),
        )


def save_card(
    engine: Engine,
    *,
    task_id: int | None,
    changes: dict[str, Any],
    checklist_items: list[tuple[str, bool]],
    who: int | None = None,
    expected_version: int | None = None,
) -> Done[Task]:
    """Everything the card form edits (fields and checklist) in one transaction. The undo
    archives a new card, or puts an edited one's fields back as this save found them."""
    values = validate(changes=changes)
    for text, _done in checklist_items:
        check_text(value=text, field="checklist", limit=MAX_TITLE, required=False)
    now = clock.now()
    with transaction(engine) as session:
        if task_id is None:
            client_id = values.pop("client_id")
            task = add_task(session=session, client_id=client_id, values=values, who=who, now=now)
            undo = _archive_new(engine, task=task, who=who)
        else:
            edited = task_id
            before = snapshot(load_task(session=session, task_id=edited))
            task = change_task(
                session=session,
                task_id=edited,
                values=values,
                who=who,
                expected_version=expected_version,
                now=now,
            )
            undo = Step(
                label=_("edit: {title}", title=task.title),
                revert=lambda: restore(engine, states={edited: before}, who=who),
            )
        _replace_checklist(session=session, task_id=task.id, items=checklist_items)
    return Done(value=task, undo=undo)


def _archive_new(engine: Engine, *, task: Task, who: int | None) -> Step:
    """The undo of making a card: archived, not deleted, so its history stays."""
    created = task.id
    return Step(
        label=_("create: {title}", title=task.title),
        revert=lambda: archive_task(engine, task_id=created, who=who),
    )


def merge_changes(
    *, base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge of a card: my edits over their saved state.

    Returns the changes to save (only the fields I edited) and the fields we
    both changed to different values, where mine wins in the merge.
    """
    edited = {field: value for field, value in mine.items() if base.get(field) != value}
    clashes = [
        field
        for field, value in edited.items()
        if theirs.get(field) != base.get(field) and theirs.get(field) != value
    ]
    return edited, sorted(clashes)


_SIDE_EFFECT_FIELDS = (
    "waiting_since",
    "waiting_seconds",
    "done_at",
    "archived_at",
    "archive_reason",
    "duplicate_of_id",
    "carried_over",
)


def snapshot(task: Task) -> dict[str, Any]:
    """Every field a user action can change, for undo."""
    return {field: getattr(task, field) for field in (*EDITABLE, *_SIDE_EFFECT_FIELDS)}


def restore(engine: Engine, *, states: dict[int, dict[str, Any]], who: int | None = None) -> None:
    """Put tasks back exactly as snapshots had them, together (the undo of any task change)."""
    now = clock.now()
    with transaction(engine) as session:
        for task_id, state in states.items():
            task = load_task(session=session, task_id=task_id)
            apply_changes(session=session, task=task, changes=state, who=who, now=now)


def move_status(engine: Engine, *, task_id: int, status: str, who: int | None = None) -> Task:
    return update_task(engine, task_id=task_id, changes={"status": status}, who=who)


def next_priority(*, current: str) -> str:
    """Cycle urgent → high → normal → low → urgent."""
    index = PRIORITY_ORDER.index(Priority(current))
    return PRIORITY_ORDER[(index + 1) % len(PRIORITY_ORDER)]


def archive_task(engine: Engine, *, task_id: int, reason: str = "", who: int | None = None) -> Task:
    return update_task(
        engine,
        task_id=task_id,
        changes={"archived_at": clock.now(), "archive_reason": reason},
        who=who,
    )


@dataclass(frozen=True)
class Event:
    at: datetime
    who: str
    field: str
    old: str | None
    new: str | None


def history(engine: Engine, *, task_id: int) -> list[Event]:
    """The task's changes, newest first, with ids in the words people use: a member by
    name, a client by code, a sprint by its ISO week (the events store the ids)."""
    with reading(engine) as session:
        rows = session.exec(
            select(TaskEvent, Member.initials)
            .join(Member, Member.id == TaskEvent.member_id, isouter=True)
            .where(TaskEvent.task_id == task_id)
            .order_by(TaskEvent.at.desc(), TaskEvent.id.desc())
        ).all()
        named = _names_of(session, events=[event for event, _initials in rows])
    return [
        Event(
            at=event.at,
            who=initials or "",
            field=event.field,
            old=named.get((event.field, event.old), event.old),
            new=named.get((event.field, event.new), event.new),
        )
        for event, initials in rows
    ]


def _names_of(session: Session, *, events: list[TaskEvent]) -> dict[tuple[str, str | None], str]:
    """(field, stored id) → what it names, one query per kind of id that occurs."""
    lookups: dict[str, tuple[type[SQLModel], Callable[[Any], str]]] = {
        "assignee_id": (Member, lambda row: row.name),
        "client_id": (Client, lambda row: row.code),
        "sprint_id": (Sprint, lambda row: iso_week_label(day=as_date(row.week_start))),
    }
    named: dict[tuple[str, str | None], str] = {}
    for field, (table, word) in lookups.items():
        ids = {
            int(value)
            for event in events
            if event.field == field
            for value in (event.old, event.new)
            if value and value.isdigit()
        }
        if ids:
            for row in session.exec(select(table).where(table.id.in_(ids))):
                named[(field, str(row.id))] = word(row)
    return named


def checklist(engine: Engine, *, task_id: int) -> list[ChecklistItem]:
    with reading(engine) as session:
        return list(
            session.exec(
                select(ChecklistItem)
                .where(ChecklistItem.task_id == task_id)
                .order_by(ChecklistItem.position, ChecklistItem.id)
            ).all()
        )


def _replace_checklist(*, session: Session, task_id: int, items: list[tuple[str, bool]]) -> None:
    for old in session.exec(select(ChecklistItem).where(ChecklistItem.task_id == task_id)):
        session.delete(old)
    for position, (text, done) in enumerate(items):
        if text.strip():
            session.add(
                ChecklistItem(task_id=task_id, text=text.strip(), done=done, position=position)
            )
