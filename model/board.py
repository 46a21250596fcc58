"""What the board shows: counts and one visible page per column.

The board never loads a whole column: at agency scale a column holds
thousands of tasks, and only the cards on screen are read, with their hours
fetched in one query for the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import select

from model import timetrack
from model.db import reading
from model.tables import Client, Member, Priority, Status, Task

PRIORITY_WORDS = {
    "u": Priority.URGENT,
    "urgent": Priority.URGENT,
    "h": Priority.HIGH,
    "high": Priority.HIGH,
    "n": Priority.NORMAL,
    "normal": Priority.NORMAL,
    "l": Priority.LOW,
    "low": Priority.LOW,
}


@dataclass(frozen=True)
class BoardFilter:
    """A parsed `/` filter: free words, `@member`, `#label`, `!priority`."""

    words: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.members or self.labels or self.priorities)


def parse_filter(*, text: str) -> BoardFilter:
    words, members, labels, priorities = [], [], [], []
    for token in text.split():
        head, rest = token[0], token[1:].casefold()
        if head == "@" and rest:
            members.append(rest)
        elif head == "#" and rest:
            labels.append(rest)
        elif head == "!" and rest:
            priorities.append(PRIORITY_WORDS.get(rest, rest))
        else:
            words.append(token.casefold())
    return BoardFilter(
        words=tuple(words),
        members=tuple(members),
        labels=tuple(labels),
        priorities=tuple(priorities),
    )


@dataclass(frozen=True)
class Scope:
    """Which tasks the board shows: one client or all, the sprint for `done`, a filter."""

    sprint_id: int | None
    client_id: int | None = None
    filter: BoardFilter = field(default_factory=BoardFilter)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(*, scope: Scope, status: str) -> list:
    conditions = [Task.status == status, Task.archived_at.is_(None)]
    if status == Status.DONE:
        conditions.append(Task.sprint_id == scope.sprint_id)
    if scope.client_id is not None:
        conditions.append(Task.client_id == scope.client_id)
    wanted = scope.filter
    for word in wanted.words:
        pattern = f"%{_escape_like(word)}%"
        conditions.append(
            or_(
                func.lower(Task.title).like(pattern, escape="\\"),
                func.lower(Task.labels).like(pattern, escape="\\"),
            )
        )
    for label in wanted.labels:
        pattern = f"%{_escape_like(label)}%"
        conditions.append(func.lower(Task.labels).like(pattern, escape="\\"))
    if wanted.priorities:
        conditions.append(Task.priority.in_(wanted.priorities))
    if wanted.members:
        matching = select(Member.id).where(
            or_(
                *[func.lower(Member.initials) == name for name in wanted.members],
                *[
                    func.lower(Member.name).like(f"{_escape_like(n)}%", escape="\\")
                    for n in wanted.members
                ],
            )
        )
        conditions.append(Task.assignee_id.in_(matching))
    return conditions


def column_counts(engine: Engine, *, scope: Scope, statuses: tuple[str, ...]) -> dict[str, int]:
    with reading(engine) as session:
        return {
            status: session.exec(
                select(func.count()).select_from(Task).where(*_where(scope=scope, status=status))
            ).one()
            for status in statuses
        }


@dataclass(frozen=True)
class Card:
    id: int
    version: int
    client_id: int
    client_code: str
    client_colour: str
    title: str
    status: str
    priority: str
    due_date: date | None
    due_time: time | None
    estimate_hours: float | None
    spent_hours: float
    assignee: str
    waiting_since: datetime | None
    promised: bool
    fire: bool
    labels: str


def column_page(
    engine: Engine, *, scope: Scope, status: str, offset: int, limit: int
) -> list[Card]:
    """The cards from `offset`, in column order, with their hours spent."""
    with reading(engine) as session:
        rows = session.exec(
            select(Task, Client.code, Client.colour, Member.initials)
            .join(Client, Client.id == Task.client_id)
            .join(Member, Member.id == Task.assignee_id, isouter=True)
            .where(*_where(scope=scope, status=status))
            .order_by(Task.position, Task.id)
            .offset(offset)
            .limit(limit)
        ).all()
    spent = timetrack.spent_hours(engine, task_ids=[task.id for task, *_ in rows])
    return [
        Card(
            id=task.id,
            version=task.version,
            client_id=task.client_id,
            client_code=code,
            client_colour=colour,
            title=task.title,
            status=task.status,
            priority=task.priority,
            due_date=task.due_date,
            due_time=task.due_time,
            estimate_hours=task.estimate_hours,
            spent_hours=spent.get(task.id, 0.0),
            assignee=initials or "",
            waiting_since=task.waiting_since,
            promised=task.promised_at is not None,
            fire=task.fire,
            labels=task.labels,
        )
        for task, code, colour, initials in rows
    ]


@dataclass(frozen=True)
class TaskHit:
    id: int
    title: str
    client_code: str
    status: str


def find_tasks(engine: Engine, *, text: str, limit: int = 200) -> list[TaskHit]:
    """Open tasks whose title holds every word typed, newest first, for "go to task…"."""
    conditions = [Task.archived_at.is_(None)]
    for word in text.casefold().split():
        conditions.append(func.lower(Task.title).like(f"%{_escape_like(word)}%", escape="\\"))
    with reading(engine) as session:
        rows = session.exec(
            select(Task.id, Task.title, Client.code, Task.status)
            .join(Client, Client.id == Task.client_id)
            .where(*conditions)
            .order_by(Task.updated_at.desc())
            .limit(limit)
        ).all()
    return [TaskHit(id=i, title=t, client_code=c, status=s) for i, t, c, s in rows]
