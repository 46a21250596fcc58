"""What the board shows: counts and one visible page per column.

The board never loads a whole column: at agency scale a column holds
thousands of tasks, and only the cards on screen are read. Every column's
count, page and hours come in three queries, however many columns there are:
the board reloads after each key that changes data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

from sqlalchemy import Select, bindparam, func, or_, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import timetrack
from model.db import reading
from model.tables import Client, ClientStatus, Member, Priority, Status, Task

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


NO_FILTER = BoardFilter()


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


def shown_task() -> list:
    """A task the screens show: not archived, and of a client that is not archived (an
    archived client's work stays in its history and reports, off boards and pickers)."""
    archived = select(Client.id).where(Client.status == ClientStatus.ARCHIVED)
    return [Task.archived_at.is_(None), Task.client_id.not_in(archived.scalar_subquery())]


def _where(*, scope: Scope, status: str) -> list:
    conditions = [Task.status == status, *shown_task()]
    if status == Status.DONE:
        conditions.append(Task.sprint_id == scope.sprint_id)
    if scope.client_id is not None:
        conditions.append(Task.client_id == scope.client_id)
    return conditions + filter_conditions(wanted=scope.filter)


def filter_conditions(*, wanted: BoardFilter) -> list:
    """The `/` filter as conditions on Task, for every list of tasks that offers it."""
    conditions = []
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


@lru_cache(maxsize=16)
def _count_statement(*, scope: Scope, statuses: tuple[str, ...]) -> Select:
    """Every column's count in one statement: a round trip per column was a third of a reload.

    Kept per scope, since building the statement took as long as running it.
    """
    return sa_select(
        *[
            select(func.count())
            .select_from(Task)
            .where(*_where(scope=scope, status=status))
            .scalar_subquery()
            for status in statuses
        ]
    )


def _counts(session: Session, *, scope: Scope, statuses: Sequence[str]) -> dict[str, int]:
    row = session.exec(_count_statement(scope=scope, statuses=tuple(statuses))).one()
    return dict(zip(statuses, row, strict=True))


def column_counts(engine: Engine, *, scope: Scope, statuses: tuple[str, ...]) -> dict[str, int]:
    with reading(engine) as session:
        return _counts(session, scope=scope, statuses=statuses)


@dataclass(frozen=True)
class Card:
    id: int
    version: int = field(compare=False)
    """For the conflict check when the card is saved: two cards that differ only in it
    look the same, so a stored change that bumped it repaints nothing."""
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


CARD_FIELDS = (
    Task.id,
    Task.version,
    Task.client_id,
    Task.title,
    Task.status,
    Task.priority,
    Task.due_date,
    Task.due_time,
    Task.estimate_hours,
    Task.waiting_since,
    Task.promised_at,
    Task.fire,
    Task.labels,
)


@lru_cache(maxsize=16)
def _page_statement(*, scope: Scope, statuses: tuple[str, ...]) -> Select:
    """The cards of several columns' pages: `limit_N` cards from `offset_N` of the Nth status.

    One statement reads every page: a reload used to pay a round trip per
    column. Each page picks its ids in column order first, so only the cards
    shown are joined to their client and assignee, and only the fields a card
    shows are read. Kept per scope, since building it took as long as running it.
    """
    picks = [
        select(Task.id)
        .where(*_where(scope=scope, status=status))
        .order_by(Task.position, Task.id)
        .offset(bindparam(f"offset_{index}"))
        .limit(bindparam(f"limit_{index}"))
        .subquery()
        for index, status in enumerate(statuses)
    ]
    return (
        select(*CARD_FIELDS, Client.code, Client.colour, Member.initials)
        .join(Client, Client.id == Task.client_id)
        .join(Member, Member.id == Task.assignee_id, isouter=True)
        .where(Task.id.in_(union_all(*[sa_select(pick.c.id) for pick in picks])))
        .order_by(Task.position, Task.id)
    )


def _pages(
    session: Session, *, scope: Scope, pages: Mapping[str, tuple[int, int]]
) -> dict[str, list[Card]]:
    """The cards of several columns' pages (status: offset and limit), with their hours spent."""
    params = {}
    for index, (offset, limit) in enumerate(pages.values()):
        params[f"offset_{index}"], params[f"limit_{index}"] = offset, limit
    rows = session.exec(_page_statement(scope=scope, statuses=tuple(pages)), params=params).all()
    spent = timetrack.hours_by_task(session, task_ids=[row.id for row in rows])
    cards: dict[str, list[Card]] = {status: [] for status in pages}
    for row in rows:
        cards[row.status].append(
            Card(
                id=row.id,
                version=row.version,
                client_id=row.client_id,
                client_code=row.code,
                client_colour=row.colour,
                title=row.title,
                status=row.status,
                priority=row.priority,
                due_date=row.due_date,
                due_time=row.due_time,
                estimate_hours=row.estimate_hours,
                spent_hours=spent[row.id],
                assignee=row.initials or "",
                waiting_since=row.waiting_since,
                promised=row.promised_at is not None,
                fire=row.fire,
                labels=row.labels,
            )
        )
    return cards


def column_page(
    engine: Engine, *, scope: Scope, status: str, offset: int, limit: int
) -> list[Card]:
    """The cards from `offset`, in column order, with their hours spent."""
    with reading(engine) as session:
        return _pages(session, scope=scope, pages={status: (offset, limit)})[status]


def board_columns(
    engine: Engine,
    *,
    scope: Scope,
    statuses: Sequence[str],
    place: Callable[[str, int], tuple[int, int] | None],
) -> dict[str, list[Card]]:
    """The columns' pages: `place` is told each column's count and picks its page (offset,
    limit), or None to leave the column out.

    Counts and pages are read in one read transaction, so a page never
    disagrees with the count shown above it, in three queries however many
    columns there are.
    """
    with reading(engine) as session:
        counts = _counts(session, scope=scope, statuses=statuses)
        pages = {
            status: page
            for status in statuses
            if (page := place(status, counts[status])) is not None
        }
        return _pages(session, scope=scope, pages=pages) if pages else {}


@dataclass(frozen=True)
class TaskHit:
    id: int
    title: str
    client_code: str
    status: str


def find_tasks(engine: Engine, *, text: str, limit: int = 200) -> list[TaskHit]:
    """Open tasks whose title holds every word typed, newest first, for "go to task…"."""
    conditions = shown_task()
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
