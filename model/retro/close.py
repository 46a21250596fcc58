"""Closing a sprint: unfinished work rolls over, action items become tasks; and its undo.

Closing is one transaction that returns a `Closing`: every row it made or
changed, as it was before and as the close left it, the task events it wrote,
and `undo`, the step that takes it all back. The close moves tasks through the
task rules' own single place of change (`model.tasks.apply_changes`), so each
move writes its task event and bumps the version inside that transaction. The
undo is exact: rows no one touched since go back as they were and the close's
events go with them, so the history (and every number read from it) is the one
before the close; an undo writes no event of its own that could count as work
coming into the sprint.

Action items become tasks of the next sprint at the close. Every task needs a
client: an item written as "CODE: what to do" goes to the client with that
code, any other to the agency's own client (code `AGENCY`), created the first
time it is needed. The agency client is not one that expects a weekly report.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from model import clock
from model.billing import AGENCY_CODE
from model.db import reading, transaction
from model.i18n import _
from model.occurrences import make_occurrences
from model.retro.sprint import plain_utc, retro_row
from model.tables import (
    ActionItem,
    Client,
    ClientStatus,
    Sprint,
    SprintState,
    Status,
    Task,
    TaskEvent,
)
from model.tasks import (
    NotFoundError,
    ValidationError,
    apply_changes,
    bottom_position,
    status_effects,
    top_position,
    validate,
)
from model.undo import Step, row_state
from model.weeks import as_date, iso_week_label

AGENCY_COLOUR = "#6c6c6c"
UNDONE_REASON = "sprint close undone"


@dataclass(frozen=True)
class Moving:
    """An unfinished task the close will move: to the next sprint, or back to the backlog."""

    task_id: int
    client_code: str
    title: str
    status: str
    carried_over: int


def unfinished(engine: Engine, *, sprint_id: int) -> tuple[Moving, ...]:
    with reading(engine) as session:
        rows = session.exec(
            select(Task.id, Client.code, Task.title, Task.status, Task.carried_over)
            .join(Client, Client.id == Task.client_id)
            .where(
                Task.sprint_id == sprint_id,
                Task.status != Status.DONE,
                Task.archived_at.is_(None),
            )
            .order_by(Client.code, Task.status, Task.position, Task.id)
        ).all()
    return tuple(
        Moving(task_id=i, client_code=c, title=t, status=s, carried_over=n)
        for i, c, t, s, n in rows
    )


@dataclass(frozen=True)
class Written:
    """One row a close wrote: its columns before (None: the close made it) and as it left them."""

    table: type[SQLModel]
    row_id: int
    before: dict[str, Any] | None
    after: dict[str, Any]


@dataclass(frozen=True)
class Closing:
    """What one close changed, and `undo`, the step that takes it back (`undo_close`)."""

    sprint_id: int
    next_sprint_id: int
    created_next_sprint: bool
    retro_id: int
    closed_at: datetime
    created_tasks: dict[int, int]
    """Each action item's id and the task it became."""
    rolled_over: int
    sent_back: int
    written: tuple[Written, ...]
    """Every row the close made or changed, in the order it did."""
    events: tuple[int, ...]
    """The task events the close wrote: the undo takes them out with the changes they tell."""
    undo: Step = dataclass_field(compare=False, repr=False)


class _Record:
    """The rows a close writes, as it writes them."""

    def __init__(self) -> None:
        self.rows: list[Written] = []

    def made(self, row: SQLModel) -> None:
        """A row just added (and flushed, so it has its id)."""
        self.rows.append(Written(type(row), row.id, None, row_state(row)))

    def changed(self, row: SQLModel, *, before: dict[str, Any]) -> None:
        self.rows.append(Written(type(row), row.id, before, row_state(row)))


def agency_client(session: Session, *, record: _Record | None = None) -> Client:
    """The agency's own client, for internal work; created the first time it is needed."""
    client = session.exec(select(Client).where(Client.code == AGENCY_CODE)).first()
    if client is None:
        client = Client(
            name=_("Our agency"), code=AGENCY_CODE, colour=AGENCY_COLOUR, created_at=clock.now()
        )
        session.add(client)
        session.flush()
        if record is not None:
            record.made(client)
    return client


def _client_and_title(session: Session, *, text: str, record: _Record) -> tuple[int, str]:
    """ "NWB: ask for access" goes to the client coded NWB; anything else to the agency."""
    head, sep, rest = text.partition(":")
    if sep and rest.strip():
        client = session.exec(
            select(Client).where(
                func.lower(Client.code) == head.strip().lower(),
                Client.status != ClientStatus.ARCHIVED,
            )
        ).first()
        if client is not None:
            return client.id, rest.strip()
    return agency_client(session, record=record).id, text


def _task_of(
    session: Session,
    *,
    item: ActionItem,
    sprint_id: int,
    who: int | None,
    now: datetime,
    record: _Record,
) -> Task:
    """The task an action item becomes: to do in the next sprint, its owner's, due when it is."""
    client_id, title = _client_and_title(session, text=item.text, record=record)
    values = validate(changes={"title": title, "status": Status.TODO})
    task = Task(
        client_id=client_id,
        assignee_id=item.owner_id,
        due_date=item.due_date,
        sprint_id=sprint_id,
        position=bottom_position(session=session, status=Status.TODO),
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(task)
    session.flush()
    record.made(task)
    session.add(TaskEvent(task_id=task.id, at=now, member_id=who, field="created", new=task.status))
    return task


def close_sprint(
    engine: Engine, *, sprint_id: int, send_back: Collection[int] = (), who: int | None = None
) -> Closing:
    """Close the sprint: unfinished work rolls over (or goes back to the backlog when asked),
    action items become tasks of the next sprint, which is created if needed and opened (its
    recurring tasks made, `model.occurrences`). The result names every row written, and its
    `undo` puts them all back."""
    now = clock.now()
    record = _Record()
    with transaction(engine) as session:
        sprint = session.get(Sprint, sprint_id, with_for_update=True)
        if sprint is None:
            raise NotFoundError(_("no sprint with id {id}", id=sprint_id))
        if sprint.state == SprintState.CLOSED:
            raise ValidationError(_("this sprint is already closed"), field="sprint")
        if as_date(sprint.week_start) > clock.today():
            raise ValidationError(_("a sprint closes once its week has begun"), field="sprint")
        label = iso_week_label(day=as_date(sprint.week_start))
        week = as_date(sprint.week_start).add(weeks=1)
        following = session.exec(select(Sprint).where(Sprint.week_start == week)).first()
        created = following is None
        if following is None:
            following = Sprint(week_start=week)
            session.add(following)
            session.flush()
            record.made(following)
        retro = retro_row(session, sprint_id=sprint_id, create=False)
        if retro is None:
            retro = retro_row(session, sprint_id=sprint_id, create=True)
            record.made(retro)
        before = row_state(retro)
        retro.finished_at = now
        session.add(retro)
        record.changed(retro, before=before)
        tasks = session.exec(
            select(Task)
            .where(
                Task.sprint_id == sprint_id,
                Task.status != Status.DONE,
                Task.archived_at.is_(None),
            )
            .order_by(Task.position, Task.id)
            .with_for_update()
        ).all()
        # The tasks are locked: every event on them from here on is this close's.
        last_event = session.exec(select(func.max(TaskEvent.id))).one() or 0
        backlog_top = top_position(session=session, status=Status.BACKLOG)
        sent = 0
        for task in tasks:
            before = row_state(task)
            if task.id in send_back:
                sent += 1
                changes = {
                    **status_effects(task=task, status=Status.BACKLOG, now=now),
                    "status": Status.BACKLOG,
                    "sprint_id": None,
                    "position": backlog_top - sent,
                }
            else:
                changes = {"sprint_id": following.id, "carried_over": task.carried_over + 1}
            apply_changes(session=session, task=task, changes=changes, who=who, now=now)
            record.changed(task, before=before)
        made: dict[int, int] = {}
        for item in session.exec(
            select(ActionItem)
            .where(ActionItem.retro_id == retro.id, ActionItem.task_id.is_(None))
            .order_by(ActionItem.position, ActionItem.id)
        ).all():
            task = _task_of(
                session, item=item, sprint_id=following.id, who=who, now=now, record=record
            )
            before = row_state(item)
            item.task_id = task.id
            session.add(item)
            record.changed(item, before=before)
            made[item.id] = task.id
        for row in make_occurrences(session, sprint_id=following.id, who=who, now=now):
            record.made(row)
        before = row_state(sprint)
        sprint.state = SprintState.CLOSED
        sprint.closed_at = now
        session.add(sprint)
        record.changed(sprint, before=before)
        session.flush()
        touched = [row.row_id for row in record.rows if row.table is Task]
        events = session.exec(
            select(TaskEvent.id)
            .where(TaskEvent.id > last_event, TaskEvent.task_id.in_(touched))
            .order_by(TaskEvent.id)
        ).all()
    closing = Closing(
        sprint_id=sprint_id,
        next_sprint_id=following.id,
        created_next_sprint=created,
        retro_id=retro.id,
        closed_at=now,
        created_tasks=made,
        rolled_over=len(tasks) - sent,
        sent_back=sent,
        written=tuple(record.rows),
        events=tuple(events),
        undo=Step(
            label=_("close {week}", week=label),
            revert=lambda: undo_close(engine, closing=closing, who=who),
        ),
    )
    return closing


_STAMPS = ("version", "updated_at")


def undo_close(engine: Engine, *, closing: Closing, who: int | None = None) -> None:
    """Reopen the sprint and put back every row the close wrote, in one transaction.

    A row no one changed since is put back as it was, and the task events the close
    wrote for it go: the history reads as if the close had not happened, so the retro's
    numbers (which read that history) are the ones it showed before. A row someone
    changed since keeps their change: only what the close changed and no one changed
    after goes back. Rows the close made go unless something now refers to them; a task
    made from an action item that has been worked on is archived instead.
    """
    now = clock.now()
    with transaction(engine) as session:
        sprint = session.get(Sprint, closing.sprint_id, with_for_update=True)
        if (
            sprint is None
            or sprint.state != SprintState.CLOSED
            or sprint.closed_at is None
            or plain_utc(sprint.closed_at) != plain_utc(closing.closed_at)
        ):
            raise ValidationError(_("this close was undone already"), field="sprint")
        events = set(closing.events)
        for written in reversed(closing.written):
            _take_back(session, written=written, events=events, who=who, now=now)


def _take_back(
    session: Session, *, written: Written, events: set[int], who: int | None, now: datetime
) -> None:
    row = session.get(written.table, written.row_id, with_for_update=True)
    if row is None:
        return
    current = row_state(row)
    own: list[TaskEvent] = []
    if written.table is Task:
        own = list(
            session.exec(
                select(TaskEvent)
                .where(TaskEvent.task_id == row.id, TaskEvent.id.in_(events))
                .order_by(TaskEvent.id)
            ).all()
        )
    if written.before is None:
        if current == written.after and not _referenced(session, row=row, own=own):
            for event in own:
                session.delete(event)
            session.flush()
            session.delete(row)
            session.flush()
        elif written.table is Task and row.archived_at is None:
            changes = {"archived_at": now, "archive_reason": UNDONE_REASON, "sprint_id": None}
            apply_changes(session=session, task=row, changes=changes, who=who, now=now)
        return
    if current == written.after:
        reverted = set(current)
    else:
        reverted = {
            name
            for name, value in written.before.items()
            if name not in _STAMPS
            and value != written.after[name]
            and current[name] == written.after[name]
            and not _changed_since(session, task_id=row.id, name=name, own=own)
        }
        if not reverted:
            return
        if written.table is Task:
            row.version += 1
            row.updated_at = now
    for event in own:
        if event.field in reverted:
            session.delete(event)
    for name in reverted:
        setattr(row, name, written.before[name])
    session.add(row)
    session.flush()


def _changed_since(session: Session, *, task_id: int, name: str, own: list[TaskEvent]) -> bool:
    """Whether someone changed a task's tracked field after the close's own change of it."""
    mine = [event.id for event in own if event.field == name]
    if not mine:
        return False
    later = session.exec(
        select(TaskEvent.id)
        .where(TaskEvent.task_id == task_id, TaskEvent.field == name, TaskEvent.id > max(mine))
        .limit(1)
    ).first()
    return later is not None


def _referenced(session: Session, *, row: SQLModel, own: list[TaskEvent]) -> bool:
    """Whether any row but the close's own task events refers to `row` (found from the
    schema's foreign keys, so a table added later is not forgotten)."""
    target = row.__table__
    skip = [event.id for event in own]
    for table in SQLModel.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table is not target:
                continue
            query = sa_select(func.count()).select_from(table).where(key.parent == row.id)
            if table is TaskEvent.__table__ and skip:
                query = query.where(table.c.id.not_in(skip))
            if session.execute(query).scalar_one():
                return True
    return False
