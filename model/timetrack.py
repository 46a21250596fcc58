"""Timers and time entries: one running timer per member, no overlapping entries.

A running timer is an entry without an end, so it survives a restart of the app.
All durations are differences of aware UTC instants, so an entry over midnight
or over a DST change counts the time that really passed.

The overlap rules are pure functions over `Slot`s (hypothesis tests them
without a database); the store functions only load the neighbours, apply the
plan and write, each in one transaction.

A forgotten timer (still running after its working day ended) is resolved by
keeping it (nothing to write: the caller stops asking for that entry), by
`stop_at_end_of_work_day`, or by `stop_timer(at=...)` with a typed time
(`time_of_day_before` turns "18:00" into the instant meant).

Every write here refuses to change time of an approved week (model.timesheets): the
entry's own, the new one, and a neighbour's that a trim would cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pendulum
from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, literal, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from model import clock
from model.db import reading, transaction
from model.i18n import _, ngettext
from model.parsing import parse_time_of_day
from model.tables import Client, Member, Task, TimeEntry
from model.tasks import NotFoundError, ValidationError
from model.timesheets import check_entry_unlocked, check_unlocked
from model.undo import Done, Step
from model.weeks import Span, days_span

MAX_NOTE = 2_000


# --- pure rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """The interval of one entry, half-open [start, end); no end means running, open-ended."""

    start: datetime
    end: datetime | None = None
    id: int | None = None


def slots_overlap(*, first: Slot, second: Slot) -> bool:
    """Whether two half-open intervals share an instant (touching ends do not)."""
    first_before = first.end is not None and first.end <= second.start
    second_before = second.end is not None and second.end <= first.start
    return not (first_before or second_before)


def overlapping(*, new: Slot, others: Iterable[Slot]) -> list[Slot]:
    """The slots among `others` that share time with `new`, earliest first."""
    found = [slot for slot in others if slots_overlap(first=new, second=slot)]
    return sorted(found, key=lambda slot: (slot.start, slot.id or 0))


def remainder(*, slot: Slot, cut: Slot) -> tuple[Slot, ...]:
    """What is left of `slot` once `cut` is taken out: nothing, one piece or two."""
    pieces: list[Slot] = []
    if slot.start < cut.start:
        end = cut.start if slot.end is None else min(slot.end, cut.start)
        pieces.append(Slot(start=slot.start, end=end, id=slot.id))
    if cut.end is not None and (slot.end is None or slot.end > cut.end):
        pieces.append(Slot(start=max(slot.start, cut.end), end=slot.end, id=slot.id))
    return tuple(pieces)


@dataclass(frozen=True)
class Trim:
    """How one neighbour makes room: its remaining pieces; none means it is archived."""

    original: Slot
    pieces: tuple[Slot, ...]

    @property
    def archived(self) -> bool:
        return not self.pieces


def plan_trims(*, new: Slot, others: Iterable[Slot]) -> list[Trim]:
    """The earlier neighbour ends where `new` starts, the later one starts where it ends.

    A neighbour that `new` falls inside is split in two around it, so no time
    outside `new` is lost; one that `new` covers entirely is archived.
    """
    return [
        Trim(original=slot, pieces=remainder(slot=slot, cut=new))
        for slot in overlapping(new=new, others=others)
    ]


def elapsed_seconds(*, start: datetime, end: datetime | None, now: datetime) -> float:
    """Real time between two instants; a running entry counts until now."""
    return max(((end or now) - start).total_seconds(), 0.0)


def clipped_seconds(*, start: datetime, end: datetime | None, span: Span, now: datetime) -> float:
    """The part of an entry inside `span`, so an entry over a boundary counts once in each."""
    first = max(start, span.start)
    last = min(end or now, span.end)
    return max((last - first).total_seconds(), 0.0)


def end_of_work_day(*, entry: TimeEntry, work_day_end: str) -> pendulum.DateTime:
    """When the working day of the entry's start ended (`work_day_end` on its local date).

    A timer started after that hour (late work) ends its day at local midnight.
    """
    local_start = clock.to_local(entry.start)
    hour, minute = (int(part) for part in work_day_end.split(":"))
    day_end = local_start.set(hour=hour, minute=minute, second=0, microsecond=0)
    if day_end <= local_start:
        day_end = local_start.start_of("day").add(days=1)
    return day_end.in_timezone("UTC")


def time_of_day_before(
    *, text: str, now: datetime, after: datetime | None = None
) -> pendulum.DateTime:
    """The latest instant not after `now` whose local time of day is `text` (HH:MM).

    So `stop --at 18:00` at 09:30 means yesterday's 18:00, the one a person means.
    When that falls before `after` (the timer's start) while today's is still ahead,
    the person meant today's: it is refused as not yet come, not as a backward span.
    """
    try:
        wanted = parse_time_of_day(text=text)
    except ValueError as error:
        raise ValidationError(str(error), field="at") from None
    local_now = pendulum.instance(now).in_timezone(clock.zone())
    candidate = local_now.set(hour=wanted.hour, minute=wanted.minute, second=0, microsecond=0)
    if candidate > local_now:
        if after is not None and candidate.subtract(days=1) <= after:
            raise ValidationError(
                _(
                    "{at} is still ahead (it is {now}): a timer stops at a time that has passed",
                    at=candidate.format("HH:mm"),
                    now=local_now.format("HH:mm"),
                ),
                field="at",
            )
        candidate = candidate.subtract(days=1)
    return candidate.in_timezone("UTC")


# --- errors and results --------------------------------------------------------------------


class OverlapError(ValidationError):
    """The entry would overlap others of the same member; `trims` is the proposed fix."""

    def __init__(self, *, overlapping: list[TimeEntry], trims: list[Trim]) -> None:
        super().__init__(
            ngettext(
                "overlaps another time entry of the same person",
                "overlaps {n} other time entries of the same person",
                n=len(overlapping),
            ),
            field="start",
        )
        self.overlapping = overlapping
        self.trims = trims


@dataclass(frozen=True)
class Started:
    """A started timer, the one it stopped, and whether the client's budget is used up."""

    entry: TimeEntry
    stopped: TimeEntry | None
    over_budget: bool


@dataclass(frozen=True)
class RunningTimer:
    """A running entry with what a status line shows about it."""

    entry: TimeEntry
    task_title: str
    client_code: str
    client_name: str
    elapsed_seconds: int


# --- store helpers -------------------------------------------------------------------------


def in_span(*, span: Span) -> ColumnElement[bool]:
    """Live entries sharing time with `span`.

    Written as three terms that each fit an index (starts inside the span;
    started before and ended inside or after it; still running), so a month
    costs the month's entries, not every entry recorded before it.
    """
    return and_(
        TimeEntry.archived_at.is_(None),
        or_(
            and_(TimeEntry.start >= span.start, TimeEntry.start < span.end),
            and_(TimeEntry.end > span.start, TimeEntry.start < span.start),
            and_(TimeEntry.end.is_(None), TimeEntry.start < span.start),
        ),
    )


def _utc(value: datetime, *, field: str) -> pendulum.DateTime:
    """The instant `value` denotes, in UTC (converting first: pendulum would re-resolve a
    wall time that falls in a DST gap differently from the caller's tzinfo)."""
    if value.utcoffset() is None:
        raise ValidationError(_("a time needs its time zone"), field=field)
    return pendulum.instance(value.astimezone(UTC))


def _check_note(note: str) -> str:
    if "\x00" in note:
        raise ValidationError(_("text cannot contain NUL characters"), field="note")
    if len(note) > MAX_NOTE:
        raise ValidationError(
            _("too long: at most {limit} characters", limit=MAX_NOTE), field="note"
        )
    return note.strip()


def _check_slot(*, start: datetime, end: datetime | None, now: datetime) -> Slot:
    """End after start, and no time recorded that has not been worked yet."""
    start = _utc(start, field="start")
    end = None if end is None else _utc(end, field="end")
    if end is not None and end <= start:
        raise ValidationError(_("the end must be after the start"), field="end")
    if (end or start) > now:
        raise ValidationError(_("time in the future cannot be recorded"), field="end")
    return Slot(start=start, end=end)


def _slot(entry: TimeEntry) -> Slot:
    return Slot(start=entry.start, end=entry.end, id=entry.id)


def _live_task(*, session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(_("no task with id {id}", id=task_id))
    if task.archived_at is not None:
        raise ValidationError(_("task {id} is archived", id=task_id), field="task_id")
    return task


def _load_entry(*, session: Session, entry_id: int) -> TimeEntry:
    entry = session.get(TimeEntry, entry_id, with_for_update=True)
    if entry is None:
        raise NotFoundError(_("no time entry with id {id}", id=entry_id))
    return entry


def _fit(
    *,
    session: Session,
    member_id: int,
    slot: Slot,
    exclude_id: int | None,
    trim_neighbours: bool,
    now: datetime,
) -> None:
    """Make room for `slot` among the member's entries, or refuse with the proposed trims."""
    _lock_member(session=session, member_id=member_id)
    query = select(TimeEntry).where(
        TimeEntry.member_id == member_id,
        TimeEntry.archived_at.is_(None),
        or_(TimeEntry.end.is_(None), TimeEntry.end > slot.start),
    )
    if slot.end is not None:
        query = query.where(TimeEntry.start < slot.end)
    if exclude_id is not None:
        query = query.where(TimeEntry.id != exclude_id)
    neighbours = {entry.id: entry for entry in session.exec(query.with_for_update())}
    trims = plan_trims(new=slot, others=[_slot(entry) for entry in neighbours.values()])
    if not trims:
        return
    if not trim_neighbours:
        found = [neighbours[trim.original.id] for trim in trims]
        for entry in found:  # so the rollback that follows does not expire them
            session.expunge(entry)
        raise OverlapError(overlapping=found, trims=trims)
    for trim in trims:
        _apply_trim(session=session, entry=neighbours[trim.original.id], trim=trim, now=now)


def _apply_trim(*, session: Session, entry: TimeEntry, trim: Trim, now: datetime) -> None:
    check_entry_unlocked(session, entry=entry)
    if trim.archived:
        entry.archived_at = now
    else:
        entry.start, entry.end = trim.pieces[0].start, trim.pieces[0].end
    for piece in trim.pieces[1:]:
        session.add(
            TimeEntry(
                task_id=entry.task_id,
                member_id=entry.member_id,
                start=piece.start,
                end=piece.end,
                note=entry.note,
            )
        )
    session.add(entry)


def _runs(*, member_id: int) -> ColumnElement[bool]:
    return and_(
        TimeEntry.member_id == member_id,
        TimeEntry.end.is_(None),
        TimeEntry.archived_at.is_(None),
    )


def _lock_member(*, session: Session, member_id: int) -> None:
    """Serialise one member's time writes: two timers started at once must not both run.

    SQLite already serialises writers (BEGIN IMMEDIATE); on PostgreSQL the
    member's row lock does it, since "no running entry yet" cannot be locked.
    """
    if session.get(Member, member_id, with_for_update=True) is None:
        raise NotFoundError(_("no member with id {id}", id=member_id))


def _running(*, session: Session, member_id: int) -> TimeEntry | None:
    _lock_member(session=session, member_id=member_id)
    return session.exec(
        select(TimeEntry)
        .where(_runs(member_id=member_id))
        .order_by(TimeEntry.start.desc())
        .with_for_update()
    ).first()


# --- timers --------------------------------------------------------------------------------


def start_timer(engine: Engine, *, task_id: int, member_id: int, note: str = "") -> Started:
    """Start timing a task; the member's running timer stops at the same instant."""
    note = _check_note(note)
    now = clock.now()
    with transaction(engine) as session:
        stopped = _running(session=session, member_id=member_id)
        task, entry = _start(
            session=session,
            task_id=task_id,
            member_id=member_id,
            note=note,
            stopped=stopped,
            now=now,
        )
    return _started(engine, client_id=task.client_id, entry=entry, stopped=stopped)


def toggle_timer(engine: Engine, *, task_id: int, member_id: int) -> Started | None:
    """`t` on a task: stop the member's timer when it runs on that task (None), else start
    it there. Decided on the stored timer inside the write, not on what a header showed:
    that may be a moment old, and two quick presses must stop what the first started."""
    now = clock.now()
    with transaction(engine) as session:
        running = _running(session=session, member_id=member_id)
        if running is not None and running.task_id == task_id:
            _stop(session=session, entry=running, end=now)
            return None
        task, entry = _start(
            session=session, task_id=task_id, member_id=member_id, note="", stopped=running, now=now
        )
    return _started(engine, client_id=task.client_id, entry=entry, stopped=running)


def _start(
    *,
    session: Session,
    task_id: int,
    member_id: int,
    note: str,
    stopped: TimeEntry | None,
    now: datetime,
) -> tuple[Task, TimeEntry]:
    task = _live_task(session=session, task_id=task_id)
    if stopped is not None:
        _stop(session=session, entry=stopped, end=now)
    check_unlocked(session, member_id=member_id, start=now, end=None)
    entry = TimeEntry(task_id=task_id, member_id=member_id, start=now, note=note)
    session.add(entry)
    return task, entry


def _stop(*, session: Session, entry: TimeEntry, end: datetime) -> None:
    check_unlocked(session, member_id=entry.member_id, start=entry.start, end=end)
    entry.end = end
    session.add(entry)


def _started(
    engine: Engine, *, client_id: int, entry: TimeEntry, stopped: TimeEntry | None
) -> Started:
    from model.budgets import Level, budget_status  # budgets builds on this module

    status = budget_status(engine, client_id=client_id)
    return Started(entry=entry, stopped=stopped, over_budget=status.level == Level.OVER)


def stop_timer(engine: Engine, *, member_id: int, at: datetime | None = None) -> TimeEntry | None:
    """Stop the member's running timer now or at `at`; None when nothing runs."""
    now = clock.now()
    with transaction(engine) as session:
        entry = _running(session=session, member_id=member_id)
        if entry is None:
            return None
        end = now if at is None else _check_slot(start=entry.start, end=at, now=now).end
        _stop(session=session, entry=entry, end=end)
        return entry


def running_entry(engine: Engine, *, member_id: int) -> RunningTimer | None:
    """The member's running timer, or None."""
    with reading(engine) as session:
        row = session.exec(
            select(TimeEntry, Task.title, Client.code, Client.name)
            .join(Task, Task.id == TimeEntry.task_id)
            .join(Client, Client.id == Task.client_id)
            .where(_runs(member_id=member_id))
            .order_by(TimeEntry.start.desc())
        ).first()
    if row is None:
        return None
    entry, title, code, name = row
    seconds = elapsed_seconds(start=entry.start, end=None, now=clock.now())
    return RunningTimer(
        entry=entry,
        task_title=title,
        client_code=code,
        client_name=name,
        elapsed_seconds=int(seconds),
    )


def forgotten_timer(engine: Engine, *, member_id: int, work_day_end: str) -> TimeEntry | None:
    """The member's running timer if its working day is over: probably left on by mistake."""
    running = running_entry(engine, member_id=member_id)
    if running is None:
        return None
    if end_of_work_day(entry=running.entry, work_day_end=work_day_end) > clock.now():
        return None
    return running.entry


def stop_at_end_of_work_day(
    engine: Engine, *, member_id: int, work_day_end: str
) -> TimeEntry | None:
    """Resolve a forgotten timer by ending it when its working day ended."""
    entry = forgotten_timer(engine, member_id=member_id, work_day_end=work_day_end)
    if entry is None:
        return None
    at = end_of_work_day(entry=entry, work_day_end=work_day_end)
    return stop_timer(engine, member_id=member_id, at=at)


# --- entries -------------------------------------------------------------------------------


def entries_for_task(engine: Engine, *, task_id: int) -> list[TimeEntry]:
    with reading(engine) as session:
        return list(
            session.exec(
                select(TimeEntry)
                .where(TimeEntry.task_id == task_id, TimeEntry.archived_at.is_(None))
                .order_by(TimeEntry.start, TimeEntry.id)
            ).all()
        )


def entries_for_member_day(
    engine: Engine, *, member_id: int, day: pendulum.Date
) -> list[TimeEntry]:
    """Entries touching the member's local `day`, including ones over its midnights."""
    span = days_span(first=day, last=day, zone=clock.zone())
    with reading(engine) as session:
        return list(
            session.exec(
                select(TimeEntry)
                .where(TimeEntry.member_id == member_id, in_span(span=span))
                .order_by(TimeEntry.start, TimeEntry.id)
            ).all()
        )


def add_entry(
    engine: Engine,
    *,
    task_id: int,
    member_id: int,
    start: datetime,
    end: datetime,
    note: str = "",
    trim_neighbours: bool = False,
) -> Done[TimeEntry]:
    """Record time worked after the fact; overlaps are refused unless trimming is asked for.
    The undo archives the entry, as `archive_entry` would."""
    note = _check_note(note)
    now = clock.now()
    slot = _check_slot(start=start, end=end, now=now)
    if slot.end is None:
        raise ValidationError(
            _("a recorded entry needs an end; start a timer instead"), field="end"
        )
    with transaction(engine) as session:
        _live_task(session=session, task_id=task_id)
        check_unlocked(session, member_id=member_id, start=slot.start, end=slot.end)
        _fit(
            session=session,
            member_id=member_id,
            slot=slot,
            exclude_id=None,
            trim_neighbours=trim_neighbours,
            now=now,
        )
        entry = TimeEntry(
            task_id=task_id, member_id=member_id, start=slot.start, end=slot.end, note=note
        )
        session.add(entry)
        session.flush()
        entry_id = entry.id
    return Done(
        value=entry,
        undo=Step(label=_("add time entry"), revert=lambda: _archive(engine, entry_id=entry_id)),
    )


def edit_entry(
    engine: Engine,
    *,
    entry_id: int,
    start: datetime,
    end: datetime | None,
    note: str,
    trim_neighbours: bool = False,
) -> Done[TimeEntry]:
    """Change an entry's times and note; only a running entry may keep no end. The undo
    puts back the times and note this replaced, as they were stored."""
    note = _check_note(note)
    now = clock.now()
    slot = _check_slot(start=start, end=end, now=now)
    with transaction(engine) as session:
        entry = _load_entry(session=session, entry_id=entry_id)
        if entry.archived_at is not None:
            raise NotFoundError(_("no time entry with id {id}", id=entry_id))
        if slot.end is None and entry.end is not None:
            raise ValidationError(_("the end must be after the start"), field="end")
        check_entry_unlocked(session, entry=entry)
        check_unlocked(session, member_id=entry.member_id, start=slot.start, end=slot.end)
        _fit(
            session=session,
            member_id=entry.member_id,
            slot=slot,
            exclude_id=entry.id,
            trim_neighbours=trim_neighbours,
            now=now,
        )
        before = (entry.start, entry.end, entry.note)
        entry.start, entry.end, entry.note = slot.start, slot.end, note
        session.add(entry)

    def revert() -> None:
        start, end, note = before
        edit_entry(engine, entry_id=entry_id, start=start, end=end, note=note)

    return Done(value=entry, undo=Step(label=_("edit time entry"), revert=revert))


def archive_entry(engine: Engine, *, entry_id: int) -> Done[TimeEntry]:
    """Take an entry out of every sum; the undo brings it back (`unarchive_entry`)."""
    entry = _archive(engine, entry_id=entry_id)
    return Done(
        value=entry,
        undo=Step(
            label=_("archive time entry"),
            revert=lambda: unarchive_entry(engine, entry_id=entry_id),
        ),
    )


def _archive(engine: Engine, *, entry_id: int) -> TimeEntry:
    """Out of every sum: the change `archive_entry` makes, and the undo of `add_entry`."""
    with transaction(engine) as session:
        entry = _load_entry(session=session, entry_id=entry_id)
        check_entry_unlocked(session, entry=entry)
        entry.archived_at = clock.now()
        session.add(entry)
        return entry


def unarchive_entry(engine: Engine, *, entry_id: int, trim_neighbours: bool = False) -> TimeEntry:
    """Bring an archived entry back, unless time recorded since would overlap it."""
    now = clock.now()
    with transaction(engine) as session:
        entry = _load_entry(session=session, entry_id=entry_id)
        if entry.archived_at is None:
            return entry
        check_entry_unlocked(session, entry=entry)
        _fit(
            session=session,
            member_id=entry.member_id,
            slot=_slot(entry),
            exclude_id=entry.id,
            trim_neighbours=trim_neighbours,
            now=now,
        )
        entry.archived_at = None
        session.add(entry)
        return entry


# --- sums ----------------------------------------------------------------------------------


def hours_by_task(session: Session, *, task_ids: Sequence[int]) -> dict[int, float]:
    """Hours on each task, running timers until now, in one query."""
    hours = dict.fromkeys(task_ids, 0.0)
    if not hours:
        return hours
    entry_ms = milliseconds(dialect=session.get_bind().dialect.name, now=clock.now())
    rows = session.exec(
        select(TimeEntry.task_id, func.sum(entry_ms))
        .where(TimeEntry.task_id.in_(list(hours)), TimeEntry.archived_at.is_(None))
        .group_by(TimeEntry.task_id)
    )
    hours.update({task_id: _hours(total) for task_id, total in rows})
    return hours


def spent_hours(engine: Engine, *, task_ids: Sequence[int]) -> dict[int, float]:
    """Hours on each task (running timers until now) for a page of board cards."""
    with reading(engine) as session:
        return hours_by_task(session, task_ids=task_ids)


def milliseconds(*, dialect: str, now: datetime, span: Span | None = None) -> ColumnElement:
    """An entry's whole milliseconds (inside `span` when given), computed by the database.

    Summing in SQL keeps a month of 100,000 entries off the Python side; the
    result is rounded to the millisecond so both back ends give the same exact
    sums (SQLite's day fractions carry float noise below that).
    """
    instant = TimeEntry.__table__.c.start.type
    first: SQLColumnExpression[datetime] = col(TimeEntry.start)
    last: SQLColumnExpression[datetime] = func.coalesce(TimeEntry.end, literal(now, instant))
    if span is not None:
        lower, upper = literal(span.start, instant), literal(span.end, instant)
        if dialect == "sqlite":
            first, last = func.max(first, lower), func.min(last, upper)
        else:
            first, last = func.greatest(first, lower), func.least(last, upper)
    if dialect == "sqlite":
        return func.round((func.julianday(last) - func.julianday(first)) * 86_400_000.0)
    return func.round(func.extract("epoch", last - first) * 1000)


def _hours(total) -> float:
    return max(float(total or 0), 0.0) / 3_600_000


def hours_by_client(
    session: Session, *, span: Span, client_ids: Sequence[int] | None = None
) -> dict[int, float]:
    """Hours inside `span` per client (entries clipped to it), summed by the database.

    The client filter is applied to the sums, not in SQL: there it would lead
    the planner to walk each client's whole history instead of the span's entries.
    """
    entry_ms = milliseconds(dialect=session.get_bind().dialect.name, span=span, now=clock.now())
    query = (
        select(Task.client_id, func.sum(entry_ms))
        .join(Task, Task.id == TimeEntry.task_id)
        .where(in_span(span=span))
        .group_by(Task.client_id)
    )
    totals = {
        client_id: max(float(total or 0), 0.0) / 3_600_000
        for client_id, total in session.exec(query)
    }
    if client_ids is None:
        return totals
    return {client_id: totals.get(client_id, 0.0) for client_id in client_ids}


def client_spent_hours(engine: Engine, *, client_id: int, span: Span) -> float:
    """Hours worked for a client inside `span`; entries over its edges count their inner part."""
    with reading(engine) as session:
        return hours_by_client(session, span=span, client_ids=[client_id])[client_id]
