"""Importing another tracker's time history: each row a time entry on a task of its client.

A row names its client (or only a project, which names the client), its
person, and a task or a note. The client and the person must be found by name
or code, or be mapped with `--map` ("client:Old name=CODE",
"project:Website=CODE", "member:jdoe=Olena Koval"); the task is found by its
title among the client's tasks, or made in `done`. A row that cannot be read or
matched is listed by its line and, unless `partial`, nothing is written: the
rows are read once and written as they come, inside one transaction that a
problem rolls back; from the first problem on, the rest are only checked, so
that all of them are listed.

Each entry keeps its row's source key (`TimeRow.key`), so importing the same
file again adds nothing, and a file that grew since adds only its new rows.
The writes go in batches inside one transaction: memory stays bounded by the
batch and the names seen, not by the file.

A row's billable flag, where its tool writes one, is kept on its entry.

A row in a week its member has had approved is a problem of its line (the week's time is
locked, model.timesheets), unless it was imported before and so adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from model import clock
from model.db import reading, transaction
from model.i18n import _
from model.importers.pgcopy import copy_rows, new_ids, uses_copy
from model.importers.timecsv import (
    DateOrder,
    Layout,
    RowProblem,
    Source,
    TimeRow,
    read_layout,
    read_rows,
)
from model.tables import Client, Member, Status, Task, TimeEntry
from model.tasks import MAX_TITLE, ValidationError, bottom_position
from model.timesheets import LockedError, approved_spans
from model.timetrack import MAX_NOTE

BATCH = 500
"""Rows written per statement, and source keys looked up per query (under every back
end's parameter limit)."""
MAX_LISTED = 200
"""Problems kept to be shown; past these only their number is kept."""
KINDS = ("client", "project", "member")


@dataclass(frozen=True)
class Maps:
    """`--map` entries: a name in the file (case-folded) → what it is here, by kind."""

    client: dict[str, str] = field(default_factory=dict)
    project: dict[str, str] = field(default_factory=dict)
    member: dict[str, str] = field(default_factory=dict)


def parse_maps(*, texts: Sequence[str]) -> Maps:
    """`"client:Name in file=CODE"`, `"project:Name=CODE"`, `"member:Name=Who"` entries."""
    maps = Maps()
    for text in texts:
        kind, colon, rest = text.partition(":")
        name, equals, target = rest.rpartition("=")
        if not (colon and equals and kind.strip() in KINDS and name.strip() and target.strip()):
            raise ValidationError(
                _(
                    'write a mapping as "client:NAME=CODE", "project:NAME=CODE" or '
                    '"member:NAME=MEMBER", not {text!r}',
                    text=text,
                ),
                field="map",
            )
        getattr(maps, kind.strip())[name.strip().casefold()] = target.strip()
    return maps


class _Unmatched(ValueError):
    """A row's client or person that is not in the store and not mapped."""


class _Names:
    """The store's clients and members by every name a file may use for them."""

    def __init__(self, *, session: Session, maps: Maps) -> None:
        self.maps = maps
        self.clients: dict[str, int] = {}
        for client in session.exec(select(Client).order_by(col(Client.id))):
            if client.id is not None:
                self.clients.setdefault(client.code.casefold(), client.id)
                self.clients.setdefault(client.name.casefold(), client.id)
        self.members: dict[str, int] = {}
        for member in session.exec(select(Member).order_by(col(Member.id))):
            if member.id is not None:
                self.members.setdefault(member.name.casefold(), member.id)
                self.members.setdefault(member.initials.casefold(), member.id)
        for kind, table in (("client", self.clients), ("project", self.clients)):
            for name, target in getattr(maps, kind).items():
                if target.casefold() not in table:
                    raise ValidationError(
                        _("--map {name}: no client {target!r}", name=name, target=target),
                        field="map",
                    )
        for name, target in maps.member.items():
            if target.casefold() not in self.members:
                raise ValidationError(
                    _("--map {name}: no member {target!r}", name=name, target=target),
                    field="map",
                )

    def client_of(self, row: TimeRow) -> int:
        for kind, name in (("client", row.client), ("project", row.project)):
            target = getattr(self.maps, kind).get(name.casefold()) if name else None
            if target is not None:
                return self.clients[target.casefold()]
        for name in (row.client, row.project):
            if name and name.casefold() in self.clients:
                return self.clients[name.casefold()]
        raise _Unmatched(
            _(
                "no client matches client {client!r} or project {project!r}; map one: "
                '--map "client:NAME=CODE"',
                client=row.client,
                project=row.project,
            )
        )

    def member_of(self, row: TimeRow) -> int:
        wanted = self.maps.member.get(row.member.casefold(), row.member).casefold()
        if wanted not in self.members:
            raise _Unmatched(
                _(
                    'no member is called {name!r}; add them, or map: --map "member:NAME=MEMBER"',
                    name=row.member,
                )
            )
        return self.members[wanted]


@dataclass(frozen=True)
class TimeImport:
    """What an import did, or would do (a dry run, or a file with problems)."""

    source: Source
    rows: int
    created: int
    known: int
    """Rows imported before, by an earlier run of the same or an overlapping file."""
    empty: int
    """Rows of no time at all: nothing to record."""
    new_tasks: int
    hours: float
    problems: tuple[RowProblem, ...]
    problem_count: int
    billable_flags: int
    """Rows that said billable or not, kept on their entries."""
    written: bool
    date_order: DateOrder
    date_order_guessed: bool


@dataclass
class _Tally:
    created: int = 0
    known: int = 0
    empty: int = 0
    new_tasks: int = 0
    seconds: float = 0.0
    billable_flags: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0

    def problem(self, item: RowProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(item)

    def result(self, *, layout: Layout, written: bool) -> TimeImport:
        return TimeImport(
            source=layout.source,
            rows=layout.rows,
            created=self.created,
            known=self.known,
            empty=self.empty,
            new_tasks=self.new_tasks,
            hours=self.seconds / 3600,
            problems=tuple(sorted(self.problems, key=lambda problem: problem.line)),
            problem_count=self.problem_count,
            billable_flags=self.billable_flags,
            written=written,
            date_order=layout.date_order,
            date_order_guessed=layout.date_order_guessed,
        )


class _Locks:
    """The approved weeks of each member, read once inside the import's transaction."""

    def __init__(self, *, session: Session, names: _Names) -> None:
        self.names = names
        self.spans: dict[int, list[tuple[datetime, datetime, date]]] = approved_spans(session)
        self.members = {
            member_id: name
            for member_id, name in session.exec(select(col(Member.id), col(Member.name)))
        }

    def refusal(self, row: TimeRow) -> str | None:
        """Why the row may not be written: it has time in an approved week of its member."""
        if row.end <= row.start:  # no time: nothing would be written
            return None
        member_id = self.names.member_of(row)
        for first, last, week_start in self.spans.get(member_id, ()):
            if row.start < last and row.end > first:
                return str(LockedError(name=self.members[member_id], week_start=week_start))
        return None


class _Undone(Exception):
    """Leaves the transaction of a dry run or of a file with problems, undoing all it did."""


def _unmatched(names: _Names, row: TimeRow) -> RowProblem | None:
    """Why the row's client or person is not found, if it is not."""
    try:
        names.client_of(row)
        names.member_of(row)
    except _Unmatched as problem:
        return RowProblem(line=row.line, reason=str(problem))
    return None


def _title(row: TimeRow) -> str:
    title = " ".join((row.task or row.note or row.project).replace("\x00", "").split())
    if not title:
        return _("imported time")
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


class _Writer:
    """Turns checked rows into entries, a batch at a time, inside the caller's transaction.

    The tasks a batch needs are made together, with one flush, and placed one after
    another at the bottom of `done`: an export whose every row names a task of its own
    (a note used as the title) makes as many tasks as rows, and a query and a flush per
    task would grow with the store."""

    def __init__(self, *, session: Session, names: _Names, tally: _Tally, source: Source) -> None:
        self.session, self.names, self.tally = session, names, tally
        self.tasks: dict[int, dict[str, int]] = {}
        self.now = clock.now()
        self.position: float | None = None
        self.copying = uses_copy(session)
        # The first import from a tool, the usual one, has no keys to look up batch by batch.
        self.seen_before = (
            session.exec(
                select(TimeEntry.id)
                .where(col(TimeEntry.source_key).startswith(f"{source.value}:"))
                .limit(1)
            ).first()
            is not None
        )

    def _titles(self, client_id: int) -> dict[str, int]:
        titles = self.tasks.get(client_id)
        if titles is None:
            titles = self.tasks[client_id] = {}
            for task_id, title in self.session.exec(
                select(col(Task.id), col(Task.title))
                .where(Task.client_id == client_id)
                .order_by(col(Task.id))
            ):
                if task_id is not None:
                    titles.setdefault(title.casefold(), task_id)
        return titles

    def _task_ids(self, rows: list[TimeRow]) -> list[int]:
        """Each row's task, made in `done` where its client has none of that title."""
        made: dict[tuple[int, str], dict[str, object]] = {}
        wanted: list[tuple[int, str]] = []
        for row in rows:
            client_id = self.names.client_of(row)
            title = _title(row)
            want = (client_id, title.casefold())
            wanted.append(want)
            if want[1] not in self._titles(client_id) and want not in made:
                made[want] = {
                    "client_id": client_id,
                    "title": title,
                    "status": Status.DONE,
                    "created_at": row.start,
                    "updated_at": self.now,
                    "done_at": row.end,
                }
        if made:
            if self.position is None:
                self.position = bottom_position(session=self.session, status=Status.DONE)
            for offset, values in enumerate(made.values()):
                values["position"] = self.position + offset
            self.position += len(made)
            if self.copying:
                ids = new_ids(self.session, model=Task, count=len(made))
                for task_id, ((client_id, folded), values) in zip(ids, made.items(), strict=True):
                    values["id"] = self.tasks[client_id][folded] = task_id
                copy_rows(self.session, model=Task, rows=list(made.values()))
            else:
                # A title is unique per client among the tasks made, so the rows that come
                # back in any order find their tasks by it (SQLite keeps no order of
                # RETURNING rows, and asking for one would insert the tasks one statement each).
                made_ids = self.session.execute(
                    insert(Task).returning(col(Task.id), col(Task.client_id), col(Task.title)),
                    list(made.values()),
                )
                for task_id, client_id, title in made_ids:
                    self.tasks[client_id][title.casefold()] = task_id
            self.tally.new_tasks += len(made)
        return [self.tasks[client_id][folded] for client_id, folded in wanted]

    def write(self, rows: list[TimeRow]) -> None:
        if not rows:
            return
        keys = [row.key for row in rows]
        known = set()
        if self.seen_before:
            known = set(
                self.session.exec(
                    select(TimeEntry.source_key).where(col(TimeEntry.source_key).in_(keys))
                )
            )
        fresh = [row for row in rows if row.key not in known]
        self.tally.known += len(rows) - len(fresh)
        values = [
            {
                "task_id": task_id,
                "member_id": self.names.member_of(row),
                "start": row.start,
                "end": row.end,
                "note": row.note.replace("\x00", "")[:MAX_NOTE],
                "source_key": row.key,
                "billable": row.billable,
            }
            for row, task_id in zip(fresh, self._task_ids(fresh), strict=True)
        ]
        self.tally.seconds += sum((row.end - row.start).total_seconds() for row in fresh)
        if self.copying:
            copy_rows(self.session, model=TimeEntry, rows=values)
        elif values:
            self.session.execute(insert(TimeEntry), values)
        self.tally.created += len(values)

    def refuse_locked(self, held: list[tuple[TimeRow, str]]) -> None:
        """Rows in approved weeks: a problem each, but for those imported before."""
        if not held:
            return
        known = set()
        if self.seen_before:
            keys = [row.key for row, _reason in held]
            known = set(
                self.session.exec(
                    select(TimeEntry.source_key).where(col(TimeEntry.source_key).in_(keys))
                )
            )
        for row, reason in held:
            if row.key in known:
                self.tally.known += 1
            else:
                self.tally.problem(RowProblem(line=row.line, reason=reason))


def import_time(
    engine: Engine,
    *,
    path: Path,
    zone: str,
    source: Source | None = None,
    maps: Sequence[str] = (),
    dry_run: bool = False,
    partial: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> TimeImport:
    """Import the time export at `path`, whose times are in `zone` unless they say theirs.

    `progress(done, total)` is called as rows are written. Nothing is written when a row
    has a problem (unless `partial`: then the others are) or on a dry run."""
    layout = read_layout(path=path, source=source)
    with reading(engine) as session:
        names = _Names(session=session, maps=parse_maps(texts=maps))
    tally = _Tally()
    try:
        with transaction(engine) as session:
            writer = _Writer(session=session, names=names, tally=tally, source=layout.source)
            locks = _Locks(session=session, names=names)
            batch: list[TimeRow] = []
            held: list[tuple[TimeRow, str]] = []
            for done, item in enumerate(read_rows(path=path, layout=layout, zone=zone), 1):
                problem = item if isinstance(item, RowProblem) else _unmatched(names, item)
                refusal = locks.refusal(item) if isinstance(item, TimeRow) and not problem else None
                if problem is not None:
                    tally.problem(problem)
                elif isinstance(item, TimeRow) and refusal is not None:
                    held.append((item, refusal))
                elif isinstance(item, TimeRow) and (partial or not tally.problem_count):
                    tally.billable_flags += item.billable is not None
                    if item.end <= item.start:
                        tally.empty += 1
                    else:
                        batch.append(item)
                if len(batch) >= BATCH:
                    writer.write(batch)
                    batch = []
                if len(held) >= BATCH:
                    writer.refuse_locked(held)
                    held = []
                if progress is not None and (done % BATCH == 0 or done == layout.rows):
                    progress(done, layout.rows)
            writer.refuse_locked(held)
            if tally.problem_count and not partial:
                raise _Undone
            writer.write(batch)
            if dry_run:
                raise _Undone
    except _Undone:
        if tally.problem_count and not partial:
            refused = _Tally(problems=tally.problems, problem_count=tally.problem_count)
            return refused.result(layout=layout, written=False)
        return tally.result(layout=layout, written=False)
    return tally.result(layout=layout, written=True)
