"""The Friday retrospective: the sprint's numbers, the checklist, notes, action items, the close.

What a sprint held is read from task events, not from today's fields: once a
sprint closes, its unfinished tasks sit in the next one, and a retro browsed a
month later must still count them where they were. Each task's state at an
instant is its current value taken back through the changes made after it.

A task counts as planned when it came into the sprint before its client agreed
the plan (or at any time, for a client who never agreed one) and as added
mid-sprint when it came in after; tasks taken out of the sprint or archived
undone before its end are not the sprint's.

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

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

import pendulum
from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from model import clock
from model.budgets import month_hours
from model.daysoff import team_days_off
from model.db import reading, transaction
from model.i18n import N_, _, ngettext
from model.promises import PromiseState, state
from model.reports.hours import md_cell
from model.tables import (
    ActionItem,
    Client,
    ClientPlan,
    ClientStatus,
    Interaction,
    InteractionKind,
    Member,
    Retro,
    RetroCheck,
    RetroNote,
    Sprint,
    SprintState,
    Standup,
    Status,
    Task,
    TaskEvent,
    TimeEntry,
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
from model.timetrack import hours_by_client, in_span
from model.undo import Step, row_state
from model.weeks import Span, as_date, days_span, iso_week_label, local_midnight, week_span

WENT_WELL = "went_well"
TO_IMPROVE = "to_improve"
NOTE_KINDS = (WENT_WELL, TO_IMPROVE)
NOTE_TITLES = {WENT_WELL: N_("Went well"), TO_IMPROVE: N_("To improve")}

AUTO_CHECKS = ("timesheets", "weekly_reports", "next_sprint_drafted")
CHECK_LABELS = {
    "timesheets": N_("Everyone's timesheets complete"),
    "weekly_reports": N_("A weekly report sent to each active client"),
    "promises_reviewed": N_("Promises reviewed"),
    "waiting_nudged": N_("Waiting-on-client tasks nudged"),
    "next_sprint_drafted": N_("Next sprint drafted"),
}

AGENCY_CODE = "AGENCY"
AGENCY_COLOUR = "#6c6c6c"
UNDONE_REASON = "sprint close undone"
MAX_LINE = 500
SHOWN_NAMES = 6

_HISTORY_FIELDS = ("sprint_id", "status", "estimate_hours", "archived_at")


# --- sprints -------------------------------------------------------------------------------


def get_sprint(engine: Engine, *, sprint_id: int) -> Sprint:
    with reading(engine) as session:
        sprint = session.get(Sprint, sprint_id)
    if sprint is None:
        raise NotFoundError(_("no sprint with id {id}", id=sprint_id))
    return sprint


def adjacent_sprint(engine: Engine, *, week_start: date, step: int) -> Sprint | None:
    """The nearest sprint before (`step` < 0) or after `week_start`, to browse past retros."""
    query = select(Sprint)
    if step < 0:
        query = query.where(Sprint.week_start < week_start).order_by(Sprint.week_start.desc())
    else:
        query = query.where(Sprint.week_start > week_start).order_by(Sprint.week_start)
    with reading(engine) as session:
        return session.exec(query.limit(1)).first()


def _span(sprint: Sprint) -> Span:
    return week_span(week_start=as_date(sprint.week_start), zone=clock.zone())


def _end(sprint: Sprint) -> tuple[datetime, bool]:
    """The instant the sprint's state is read at, and whether changes at that instant are after
    it: the close's own moves happen at `closed_at` and must not count as the sprint's."""
    if sprint.state == SprintState.CLOSED and sprint.closed_at is not None:
        return _plain(sprint.closed_at), True
    return _plain(clock.now()), False


def _plain(instant: datetime) -> datetime:
    """The instant as the store returns instants: a standard datetime on `datetime.UTC`.
    The history is replayed thousands of times, and pendulum's subtraction (or comparing
    two different UTC objects) runs Python code where two of these compare in C."""
    utc = instant.astimezone(UTC)
    return datetime.combine(utc.date(), utc.time(), tzinfo=UTC)


# --- task history --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    at: datetime
    field: str
    old: str | None
    new: str | None


@dataclass
class _History:
    """One task that was in the sprint at some time, with its changes, oldest first."""

    id: int
    client_id: int
    status: str
    estimate_hours: float | None
    sprint_id: int | None
    archived_at: datetime | None
    created_at: datetime
    fire: bool
    changes: list[_Change]

    def _current(self, field: str) -> str | None:
        value = getattr(self, field)
        if field == "archived_at":
            return None if value is None else "archived"
        return None if value is None else str(value)

    @cached_property
    def _latest(self) -> dict[str, str | None]:
        return {field: self._current(field) for field in _HISTORY_FIELDS}

    def fields(self, *, at: datetime, strict: bool) -> dict[str, str | None]:
        """The tracked fields at `at` (as stored in events): each the old value of its first
        later change, found by taking the current values back through the changes after `at`,
        newest first. The result is shared: not to be changed."""
        undone: dict[str, str | None] = {}
        for change in reversed(self.changes):
            if change.at < at or (change.at == at and not strict):
                break
            undone[change.field] = change.old
        return {**self._latest, **undone} if undone else self._latest

    def exists(self, *, at: datetime) -> bool:
        return self.created_at <= at

    def joined(self, *, sprint_key: str, at: datetime, strict: bool) -> datetime:
        """When the task last came into the sprint before `at`; created with it, its creation."""
        came = self.created_at
        for change in self.changes:
            before = change.at < at if strict else change.at <= at
            if change.field == "sprint_id" and change.new == sprint_key and before:
                came = change.at
        return came

    def statuses(self) -> list[tuple[datetime, str | None]]:
        """Each status the task had and from when, its creation first."""
        moves = [change for change in self.changes if change.field == "status"]
        first = moves[0].old if moves else self.status
        return [(self.created_at, first), *[(change.at, change.new) for change in moves]]


def _histories(session: Session, *, sprint_id: int, since: datetime) -> list[_History]:
    """Tasks in the sprint now or taken out of it at `since` or later, in three queries.

    `since` is the first instant the sprint is read at. A task taken out before it
    was in the sprint at none of them, and one not in it now that was in it at any
    was taken out after; so only the moves since are looked at, not every move ever.
    """
    moved_out = session.exec(
        select(TaskEvent.task_id).where(
            TaskEvent.at >= since, TaskEvent.field == "sprint_id", TaskEvent.old == str(sprint_id)
        )
    ).all()
    rows = session.exec(
        select(
            Task.id,
            Task.client_id,
            Task.status,
            Task.estimate_hours,
            Task.sprint_id,
            Task.archived_at,
            Task.created_at,
            Task.fire,
        ).where(or_(Task.sprint_id == sprint_id, Task.id.in_(moved_out)))
    ).all()
    histories = {row[0]: _History(*row, changes=[]) for row in rows}
    events = session.exec(
        select(TaskEvent.task_id, TaskEvent.at, TaskEvent.field, TaskEvent.old, TaskEvent.new)
        .where(TaskEvent.task_id.in_(list(histories)), TaskEvent.field.in_(_HISTORY_FIELDS))
        .order_by(TaskEvent.at, TaskEvent.id)
    ).all()
    for task_id, at, field, old, new in events:
        histories[task_id].changes.append(_Change(at=at, field=field, old=old, new=new))
    return list(histories.values())


def _sprint_fields(
    history: _History, *, key: str, at: datetime, strict: bool
) -> dict[str, str | None] | None:
    """The task's fields at `at` when it was in the sprint then and not dropped from it by
    archiving (done work archived stays); None when it was not the sprint's."""
    if not history.exists(at=at):
        return None
    fields = history.fields(at=at, strict=strict)
    if fields["sprint_id"] != key:
        return None
    if fields["archived_at"] is not None and fields["status"] != Status.DONE:
        return None
    return fields


def _remaining(histories: Iterable[_History], *, key: str, at: datetime, strict: bool) -> float:
    """Estimated hours of the sprint's unfinished tasks at `at`."""
    total = 0.0
    for history in histories:
        fields = _sprint_fields(history, key=key, at=at, strict=strict)
        if fields is None or fields["status"] == Status.DONE:
            continue
        estimate = fields["estimate_hours"]
        total += float(estimate) if estimate is not None else 0.0
    return total


def _burn(
    histories: Sequence[_History], *, sprint: Sprint, key: str, end: datetime, strict: bool
) -> tuple[float | None, ...]:
    """Remaining estimate at the end of each day of the week; None for days not yet begun."""
    first = as_date(sprint.week_start)
    points: list[float | None] = []
    for offset in range(7):
        day = first.add(days=offset)
        if local_midnight(day=day, zone=clock.zone()) >= end:
            points.append(None)
            continue
        at = _plain(min(local_midnight(day=day.add(days=1), zone=clock.zone()), end))
        points.append(_remaining(histories, key=key, at=at, strict=strict and at == end))
    return tuple(points)


def _waiting_seconds(histories: Iterable[_History], *, span: Span, until: datetime) -> float:
    """Time the tasks spent waiting on the client inside `span`, up to `until`."""
    first, last, until = _plain(span.start), _plain(min(span.end, until)), _plain(until)
    total = 0.0
    for history in histories:
        spells = history.statuses()
        for index, (began, status) in enumerate(spells):
            if status != Status.WAITING:
                continue
            ended = spells[index + 1][0] if index + 1 < len(spells) else until
            seconds = (min(ended, last) - max(began, first)).total_seconds()
            total += max(seconds, 0.0)
    return total


# --- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientHours:
    """One client's week: hours worked, hours planned, and the month against its budget."""

    client_id: int
    code: str
    name: str
    hours: float
    planned_hours: float | None
    month_hours: float
    budget_hours: float | None


@dataclass(frozen=True)
class SprintNumbers:
    planned: int
    done: int
    added: int
    not_done: int
    fires: int
    promises_kept: int
    promises_broken: int
    waiting_days: float
    standups: int
    clients: tuple[ClientHours, ...]
    burn: tuple[float | None, ...]
    days_off: int = 0
    """Working days the active team was off in the sprint week (they took its capacity)."""


def _promises(session: Session, *, sprint: Sprint) -> tuple[int, int]:
    """Promises falling due in the sprint week: kept, and broken (late or overdue); a request
    archived undone is no longer a promise."""
    first = as_date(sprint.week_start)
    tasks = session.exec(
        select(Task.promised_at, Task.due_date, Task.due_time, Task.done_at).where(
            Task.promised_at.is_not(None),
            Task.due_date >= first,
            Task.due_date <= first.add(days=6),
            or_(Task.archived_at.is_(None), Task.done_at.is_not(None)),
        )
    ).all()
    now, zone = clock.now(), clock.zone()
    states = [state(task=task, now=now, zone=zone) for task in tasks]
    kept = states.count(PromiseState.KEPT)
    broken = states.count(PromiseState.BROKEN) + states.count(PromiseState.OVERDUE)
    return kept, broken


def _client_hours(
    session: Session,
    *,
    sprint: Sprint,
    span: Span,
    plans: dict[int, float],
    client_ids: Collection[int],
) -> tuple[ClientHours, ...]:
    """Hours of the week per client, and of the month holding the sprint's first day against
    its budget for the clients not archived."""
    week = hours_by_client(session, span=span)
    wanted = set(client_ids) | set(plans) | {cid for cid, hours in week.items() if hours > 0}
    if not wanted:
        return ()
    clients = session.exec(
        select(Client.id, Client.code, Client.name, Client.status).where(Client.id.in_(wanted))
    ).all()
    current = [
        client_id for client_id, _code, _name, status in clients if status != ClientStatus.ARCHIVED
    ]
    paid, spent = month_hours(session, month=as_date(sprint.week_start), client_ids=current)
    rows = [
        ClientHours(
            client_id=client_id,
            code=code,
            name=name,
            hours=week.get(client_id, 0.0),
            planned_hours=plans.get(client_id),
            month_hours=spent.get(client_id, 0.0),
            budget_hours=paid.get(client_id),
        )
        for client_id, code, name, _status in clients
    ]
    return tuple(sorted(rows, key=lambda row: (-row.hours, row.code.casefold())))


def sprint_numbers(engine: Engine, *, sprint_id: int) -> SprintNumbers:
    """The figures of a retro, for an open sprint as of now and for a closed one as it closed."""
    sprint = get_sprint(engine, sprint_id=sprint_id)
    key = str(sprint.id)
    span = _span(sprint)
    end, strict = _end(sprint)
    # The first instant the figures are read at: the first day's end (the burn's first
    # point) or, for a sprint not yet past it, `end`.
    first_day_end = local_midnight(day=as_date(sprint.week_start).add(days=1), zone=clock.zone())
    with reading(engine) as session:
        histories = _histories(session, sprint_id=sprint.id, since=min(end, first_day_end))
        plans = session.exec(
            select(ClientPlan.client_id, ClientPlan.planned_hours, ClientPlan.agreed_at).where(
                ClientPlan.sprint_id == sprint.id
            )
        ).all()
        standups = session.exec(
            select(func.count())
            .select_from(Standup)
            .where(Standup.finished_at >= span.start, Standup.finished_at < span.end)
        ).one()
        kept, broken = _promises(session, sprint=sprint)
        days_off = team_days_off(session, week_start=as_date(sprint.week_start))
        at_end = {h.id: _sprint_fields(h, key=key, at=end, strict=strict) for h in histories}
        tasks = [h for h in histories if at_end[h.id] is not None]
        clients = _client_hours(
            session,
            sprint=sprint,
            span=span,
            plans={client_id: hours for client_id, hours, _agreed in plans},
            client_ids={h.client_id for h in tasks},
        )
    agreed = {client_id: agreed_at for client_id, _hours, agreed_at in plans}
    done = sum(1 for h in tasks if at_end[h.id]["status"] == Status.DONE)
    added = 0
    for history in tasks:
        agreed_at = agreed.get(history.client_id)
        came = history.joined(sprint_key=key, at=end, strict=strict)
        if agreed_at is not None and came > agreed_at:
            added += 1
    waited = _waiting_seconds(tasks, span=span, until=min(end, clock.now()))
    return SprintNumbers(
        planned=len(tasks) - added,
        done=done,
        added=added,
        not_done=len(tasks) - done,
        fires=sum(1 for h in tasks if h.fire),
        promises_kept=kept,
        promises_broken=broken,
        waiting_days=waited / 86400,
        standups=standups,
        clients=clients,
        burn=_burn(histories, sprint=sprint, key=key, end=end, strict=strict),
        days_off=days_off,
    )


# --- checklist -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A checklist line; `why` says what the data shows (auto) or what to look at (by hand)."""

    key: str
    label: str
    checked: bool
    auto: bool
    why: str


def check_label(*, key: str) -> str:
    """The known items by their translated names; an item added in the config as written."""
    return _(CHECK_LABELS[key]) if key in CHECK_LABELS else key


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    rest = len(names) - SHOWN_NAMES
    return shown + (" " + _("and {n} more", n=rest) if rest > 0 else "")


def _working_days(sprint: Sprint) -> list[pendulum.Date]:
    """Monday to Friday of the sprint week, up to the day it closed (or today while open)."""
    first = as_date(sprint.week_start)
    last = clock.to_local(_end(sprint)[0]).date()
    days = [first.add(days=offset) for offset in range(7)]
    return [day for day in days if day <= last and day.weekday() < 5]


def _timesheets(session: Session, *, sprint: Sprint, span: Span) -> tuple[bool, str]:
    days = _working_days(sprint)
    if not days:
        return False, _("the week has not begun")
    members = session.exec(
        select(Member.id, Member.initials).where(Member.active).order_by(Member.initials)
    ).all()
    if not members:
        return False, _("no one is on the team")
    bounds = []
    for day in days:
        bound = days_span(first=day, last=day, zone=clock.zone())
        bounds.append((day, _plain(bound.start), _plain(bound.end)))
    covered: set[tuple[int, pendulum.Date]] = set()
    now = _plain(clock.now())
    for member_id, start, end in session.exec(
        select(TimeEntry.member_id, TimeEntry.start, TimeEntry.end).where(in_span(span=span))
    ):
        for day, first, last in bounds:
            if start < last and (end or now) > first:
                covered.add((member_id, day))
    missing = [
        f"{initials} " + " ".join(day.format("ddd") for day in gaps)
        for member_id, initials in members
        if (gaps := [day for day in days if (member_id, day) not in covered])
    ]
    if missing:
        return False, _("no time on: {missing}", missing=_names(missing))
    return True, ngettext(
        "{n} person has time on every working day",
        "all {n} people have time on every working day",
        n=len(members),
    )


def _weekly_reports(session: Session, *, span: Span) -> tuple[bool, str]:
    clients = session.exec(
        select(Client.id, Client.code)
        .where(Client.status == ClientStatus.ACTIVE, Client.code != AGENCY_CODE)
        .order_by(Client.code)
    ).all()
    if not clients:
        return True, _("no active clients")
    # Asked per client, the week's reports come straight from the (client, time) index.
    reported = set(
        session.exec(
            select(Interaction.client_id)
            .where(
                Interaction.client_id.in_([client_id for client_id, _code in clients]),
                Interaction.kind == InteractionKind.REPORT,
                Interaction.at >= span.start,
                Interaction.at < span.end,
            )
            .distinct()
        ).all()
    )
    missing = [code for client_id, code in clients if client_id not in reported]
    if missing:
        return False, _(
            "{sent} of {total} sent; missing: {missing}",
            sent=len(clients) - len(missing),
            total=len(clients),
            missing=_names(missing),
        )
    return True, ngettext(
        "sent to the {n} active client", "sent to all {n} active clients", n=len(clients)
    )


def _next_sprint_drafted(session: Session, *, sprint: Sprint) -> tuple[bool, str]:
    week = as_date(sprint.week_start).add(weeks=1)
    label = iso_week_label(day=week)
    following = session.exec(select(Sprint).where(Sprint.week_start == week)).first()
    count = 0
    if following is not None:
        count = session.exec(
            select(func.count())
            .select_from(Task)
            .where(Task.sprint_id == following.id, Task.archived_at.is_(None))
        ).one()
    if not count:
        return False, _("{week} has no tasks yet", week=label)
    return True, ngettext("{week} has {n} task", "{week} has {n} tasks", n=count, week=label)


def _promise_hint(session: Session) -> str:
    tasks = session.exec(
        select(Task.promised_at, Task.due_date, Task.due_time, Task.done_at).where(
            Task.promised_at.is_not(None), Task.done_at.is_(None), Task.archived_at.is_(None)
        )
    ).all()
    now, zone = clock.now(), clock.zone()
    overdue = sum(1 for t in tasks if state(task=t, now=now, zone=zone) == PromiseState.OVERDUE)
    return ngettext(
        "{n} open promise, {overdue} overdue",
        "{n} open promises, {overdue} overdue",
        n=len(tasks),
        overdue=overdue,
    )


def _waiting_hint(session: Session) -> str:
    count, earliest = session.exec(
        select(func.count(), func.min(Task.waiting_since)).where(
            Task.status == Status.WAITING, Task.archived_at.is_(None)
        )
    ).one()
    if not count:
        return _("no task is waiting on a client")
    longest = 0 if earliest is None else int((clock.now() - earliest).total_seconds() // 86400)
    return ngettext(
        "{n} task waiting on clients, the longest for {days} d",
        "{n} tasks waiting on clients, the longest for {days} d",
        n=count,
        days=longest,
    )


def _retro_row(session: Session, *, sprint_id: int, create: bool) -> Retro | None:
    retro = session.exec(select(Retro).where(Retro.sprint_id == sprint_id)).first()
    if retro is None and create:
        if session.get(Sprint, sprint_id) is None:
            raise NotFoundError(_("no sprint with id {id}", id=sprint_id))
        retro = Retro(sprint_id=sprint_id, created_at=clock.now())
        session.add(retro)
        session.flush()
    return retro


def checklist(engine: Engine, *, sprint_id: int, keys: Sequence[str]) -> tuple[Check, ...]:
    """The configured items in order: the automatic ones read from the week's data."""
    sprint = get_sprint(engine, sprint_id=sprint_id)
    span = _span(sprint)
    with reading(engine) as session:
        retro = _retro_row(session, sprint_id=sprint_id, create=False)
        ticked = {}
        if retro is not None:
            ticked = {
                row.key: row.checked
                for row in session.exec(select(RetroCheck).where(RetroCheck.retro_id == retro.id))
            }
        found: list[Check] = []
        for key in keys:
            if key == "timesheets":
                checked, why = _timesheets(session, sprint=sprint, span=span)
            elif key == "weekly_reports":
                checked, why = _weekly_reports(session, span=span)
            elif key == "next_sprint_drafted":
                checked, why = _next_sprint_drafted(session, sprint=sprint)
            else:
                checked = ticked.get(key, False)
                why = {
                    "promises_reviewed": _promise_hint,
                    "waiting_nudged": _waiting_hint,
                }.get(key, lambda _session: "")(session)
            found.append(
                Check(
                    key=key,
                    label=check_label(key=key),
                    checked=checked,
                    auto=key in AUTO_CHECKS,
                    why=why,
                )
            )
    return tuple(found)


def set_check(engine: Engine, *, sprint_id: int, key: str, checked: bool) -> None:
    """Tick or untick an item checked by hand; the automatic ones follow the data."""
    if key in AUTO_CHECKS:
        raise ValidationError(_("this item is checked from the data"), field="key")
    with transaction(engine) as session:
        retro = _retro_row(session, sprint_id=sprint_id, create=True)
        row = session.exec(
            select(RetroCheck).where(RetroCheck.retro_id == retro.id, RetroCheck.key == key)
        ).first()
        row = row or RetroCheck(retro_id=retro.id, key=key, label=CHECK_LABELS.get(key, key))
        row.checked = checked
        session.add(row)


# --- notes and action items ----------------------------------------------------------------


def check_line(text: str) -> str:
    """A note or action item as stored: one line, not empty, not too long."""
    if "\x00" in text:
        raise ValidationError(_("text cannot contain NUL characters"), field="text")
    line = " ".join(text.split())
    if not line:
        raise ValidationError(_("write something first"), field="text")
    if len(line) > MAX_LINE:
        raise ValidationError(
            _("too long: at most {limit} characters", limit=MAX_LINE), field="text"
        )
    return line


def notes(engine: Engine, *, sprint_id: int) -> dict[str, tuple[RetroNote, ...]]:
    """The went well / to improve lines of a retro, by kind, in their order."""
    found: dict[str, list[RetroNote]] = {kind: [] for kind in NOTE_KINDS}
    with reading(engine) as session:
        retro = _retro_row(session, sprint_id=sprint_id, create=False)
        if retro is not None:
            for note in session.exec(
                select(RetroNote)
                .where(RetroNote.retro_id == retro.id)
                .order_by(RetroNote.position, RetroNote.id)
            ):
                found.setdefault(note.kind, []).append(note)
    return {kind: tuple(lines) for kind, lines in found.items()}


def _next_position(session: Session, *, table: type[SQLModel], conditions: list) -> int:
    highest = session.exec(select(func.max(table.position)).where(*conditions)).one()
    return 0 if highest is None else highest + 1


def add_note(engine: Engine, *, sprint_id: int, kind: str, text: str) -> RetroNote:
    if kind not in NOTE_KINDS:
        raise ValidationError(f"unknown note kind {kind!r}", field="kind")
    line = check_line(text)
    with transaction(engine) as session:
        retro = _retro_row(session, sprint_id=sprint_id, create=True)
        position = _next_position(
            session,
            table=RetroNote,
            conditions=[RetroNote.retro_id == retro.id, RetroNote.kind == kind],
        )
        note = RetroNote(retro_id=retro.id, kind=kind, text=line, position=position)
        session.add(note)
        return note


def _line(session: Session, *, table: type[SQLModel], line_id: int) -> Any:
    row = session.get(table, line_id)
    if row is None:
        raise NotFoundError(_("that line is gone"))
    return row


def edit_note(engine: Engine, *, note_id: int, text: str) -> RetroNote:
    line = check_line(text)
    with transaction(engine) as session:
        note = _line(session, table=RetroNote, line_id=note_id)
        note.text = line
        session.add(note)
        return note


def _remove(engine: Engine, *, table: type[SQLModel], line_id: int) -> Any:
    with transaction(engine) as session:
        row = _line(session, table=table, line_id=line_id)
        session.delete(row)
        return row


def _put_back(engine: Engine, *, row: SQLModel) -> None:
    with transaction(engine) as session:
        session.add(type(row)(**row.model_dump()))


def remove_note(engine: Engine, *, note_id: int) -> RetroNote:
    """Take a line out; `put_back_note` with the returned row is the undo."""
    return _remove(engine, table=RetroNote, line_id=note_id)


def put_back_note(engine: Engine, *, note: RetroNote) -> None:
    _put_back(engine, row=note)


def _swap(engine: Engine, *, table: type[SQLModel], line_id: int, step: int, group) -> bool:
    """Swap a line with its neighbour in its group's order; False at either end."""
    with transaction(engine) as session:
        row = _line(session, table=table, line_id=line_id)
        order = list(
            session.exec(select(table).where(*group(row)).order_by(table.position, table.id))
        )
        index = next(i for i, other in enumerate(order) if other.id == row.id)
        target = index + step
        if not 0 <= target < len(order):
            return False
        order[index], order[target] = order[target], order[index]
        for position, line in enumerate(order):
            line.position = position
            session.add(line)
        return True


def move_note(engine: Engine, *, note_id: int, step: int) -> bool:
    return _swap(
        engine,
        table=RetroNote,
        line_id=note_id,
        step=step,
        group=lambda note: [RetroNote.retro_id == note.retro_id, RetroNote.kind == note.kind],
    )


@dataclass(frozen=True)
class ActionLine:
    """An action item with its owner and, once the sprint closed, the task it became."""

    id: int
    text: str
    owner_id: int | None
    owner: str
    due_date: date | None
    task_id: int | None
    task_status: str | None
    task_archived: bool


def _action_lines(session: Session, *, retro_id: int) -> tuple[ActionLine, ...]:
    rows = session.exec(
        select(ActionItem, Member.name, Task.status, Task.archived_at)
        .join(Member, Member.id == ActionItem.owner_id, isouter=True)
        .join(Task, Task.id == ActionItem.task_id, isouter=True)
        .where(ActionItem.retro_id == retro_id)
        .order_by(ActionItem.position, ActionItem.id)
    ).all()
    return tuple(
        ActionLine(
            id=item.id,
            text=item.text,
            owner_id=item.owner_id,
            owner=owner or "",
            due_date=item.due_date,
            task_id=item.task_id,
            task_status=status,
            task_archived=archived is not None,
        )
        for item, owner, status, archived in rows
    )


def action_items(engine: Engine, *, sprint_id: int) -> tuple[ActionLine, ...]:
    with reading(engine) as session:
        retro = _retro_row(session, sprint_id=sprint_id, create=False)
        return () if retro is None else _action_lines(session, retro_id=retro.id)


def previous_action_items(engine: Engine, *, sprint_id: int) -> tuple[ActionLine, ...]:
    """The action items of the last retro before this sprint, with what became of them."""
    sprint = get_sprint(engine, sprint_id=sprint_id)
    with reading(engine) as session:
        retro = session.exec(
            select(Retro)
            .join(Sprint, Sprint.id == Retro.sprint_id)
            .where(Sprint.week_start < sprint.week_start)
            .order_by(Sprint.week_start.desc())
            .limit(1)
        ).first()
        return () if retro is None else _action_lines(session, retro_id=retro.id)


def add_action(
    engine: Engine, *, sprint_id: int, text: str, owner_id: int | None, due_date: date | None
) -> ActionItem:
    line = check_line(text)
    with transaction(engine) as session:
        retro = _retro_row(session, sprint_id=sprint_id, create=True)
        position = _next_position(
            session, table=ActionItem, conditions=[ActionItem.retro_id == retro.id]
        )
        item = ActionItem(
            retro_id=retro.id, text=line, owner_id=owner_id, due_date=due_date, position=position
        )
        session.add(item)
        return item


def edit_action(
    engine: Engine, *, action_id: int, text: str, owner_id: int | None, due_date: date | None
) -> ActionItem:
    """Change an item; a task it already became keeps its own text (it may have moved on)."""
    line = check_line(text)
    with transaction(engine) as session:
        item = _line(session, table=ActionItem, line_id=action_id)
        item.text, item.owner_id, item.due_date = line, owner_id, due_date
        session.add(item)
        return item


def remove_action(engine: Engine, *, action_id: int) -> ActionItem:
    """Take an item out; `put_back_action` with the returned row is the undo."""
    return _remove(engine, table=ActionItem, line_id=action_id)


def put_back_action(engine: Engine, *, action: ActionItem) -> None:
    _put_back(engine, row=action)


def move_action(engine: Engine, *, action_id: int, step: int) -> bool:
    return _swap(
        engine,
        table=ActionItem,
        line_id=action_id,
        step=step,
        group=lambda item: [ActionItem.retro_id == item.retro_id],
    )


# --- closing the sprint --------------------------------------------------------------------


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
    action items become tasks of the next sprint, which is created if needed. The result
    names every row written, and its `undo` puts them all back."""
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
        retro = _retro_row(session, sprint_id=sprint_id, create=False)
        if retro is None:
            retro = _retro_row(session, sprint_id=sprint_id, create=True)
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
            or _plain(sprint.closed_at) != _plain(closing.closed_at)
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


# --- the retro as a whole ------------------------------------------------------------------


@dataclass(frozen=True)
class RetroView:
    """Everything the retro screen and its Markdown show."""

    sprint: Sprint
    numbers: SprintNumbers
    checks: tuple[Check, ...]
    notes: dict[str, tuple[RetroNote, ...]]
    actions: tuple[ActionLine, ...]
    previous: tuple[ActionLine, ...]

    @property
    def week(self) -> str:
        return iso_week_label(day=as_date(self.sprint.week_start))

    @property
    def closed(self) -> bool:
        return self.sprint.state == SprintState.CLOSED


def retro_view(engine: Engine, *, sprint_id: int, checklist_keys: Sequence[str]) -> RetroView:
    return RetroView(
        sprint=get_sprint(engine, sprint_id=sprint_id),
        numbers=sprint_numbers(engine, sprint_id=sprint_id),
        checks=checklist(engine, sprint_id=sprint_id, keys=checklist_keys),
        notes=notes(engine, sprint_id=sprint_id),
        actions=action_items(engine, sprint_id=sprint_id),
        previous=previous_action_items(engine, sprint_id=sprint_id),
    )


def week_title(*, sprint: Sprint) -> str:
    """ "2026-W47 · 16–22 Nov 2026", or "2026-W49 · 30 Nov – 6 Dec 2026" over a month's end."""
    first = as_date(sprint.week_start)
    last = first.add(days=6)
    if first.month == last.month:
        days = f"{first.format('D')}–{last.format('D MMM YYYY')}"
    else:
        days = f"{first.format('D MMM')} – {last.format('D MMM YYYY')}"
    return f"{iso_week_label(day=first)} · {days}"


def action_state(*, line: ActionLine) -> str:
    """What became of an action item, in words."""
    if line.task_id is None:
        return _("not a task yet")
    if line.task_archived and line.task_status != Status.DONE:
        return _("dropped (task #{id})", id=line.task_id)
    return _("{status} (task #{id})", status=_(line.task_status or ""), id=line.task_id)


def action_details(*, line: ActionLine) -> str:
    """Owner and due date: "Olena Koval, due 2026-11-27"."""
    parts = [line.owner] if line.owner else []
    if line.due_date is not None:
        parts.append(_("due {date}", date=as_date(line.due_date).isoformat()))
    return ", ".join(parts)


def _number(value: float | None, *, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def render_markdown(view: RetroView) -> str:
    """The retro as a Markdown document for the team's notes."""
    numbers = view.numbers
    if view.closed:
        closed = clock.to_local(view.sprint.closed_at).format("YYYY-MM-DD HH:mm")
        status = _("closed {when}", when=closed)
    else:
        status = _("open")
    lines = [
        f"# {_('Retro {week}', week=week_title(sprint=view.sprint))}",
        "",
        f"- {_('Sprint')}: {status}",
    ]
    if view.sprint.goal:
        lines.append(f"- {_('Goal')}: {md_cell(view.sprint.goal)}")
    figures = (
        (_("Planned when agreed"), str(numbers.planned)),
        (_("Done"), str(numbers.done)),
        (_("Added mid-sprint"), str(numbers.added)),
        (_("Not done"), str(numbers.not_done)),
        (_("Fires"), str(numbers.fires)),
        (_("Promises kept"), str(numbers.promises_kept)),
        (_("Promises broken"), str(numbers.promises_broken)),
        (_("Days waiting on clients"), _number(numbers.waiting_days, places=1)),
        (_("Stand-ups held"), str(numbers.standups)),
    )
    lines += ["", f"## {_('Numbers')}", "", f"| {_('Figure')} | |", "|---|---:|"]
    lines += [f"| {label} | {value} |" for label, value in figures]
    lines += ["", f"## {_('Hours per client')}", ""]
    if numbers.clients:
        lines += [
            f"| {_('Client')} | {_('Week')} | {_('Plan')} | {_('Month')} | {_('Budget')} |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {md_cell(row.name)} ({md_cell(row.code)}) | {_number(row.hours)} | "
            f"{_number(row.planned_hours)} | {_number(row.month_hours)} | "
            f"{_number(row.budget_hours)} |"
            for row in numbers.clients
        ]
    else:
        lines.append(_("No time recorded."))
    first = as_date(view.sprint.week_start)
    days = [first.add(days=offset).format("ddd") for offset in range(7)]
    lines += [
        "",
        f"## {_('Remaining estimate per day (hours)')}",
        "",
        "| " + " | ".join(days) + " |",
        "|" + "---:|" * 7,
        "| " + " | ".join(_number(point, places=1) for point in numbers.burn) + " |",
        "",
        f"## {_('Checklist')}",
        "",
    ]
    for check in view.checks:
        mark = "x" if check.checked else " "
        why = f" — {md_cell(check.why)}" if check.why else ""
        lines.append(f"- [{mark}] {md_cell(check.label)}{why}")
    for kind in NOTE_KINDS:
        lines += ["", f"## {_(NOTE_TITLES[kind])}", ""]
        lines += [f"- {md_cell(note.text)}" for note in view.notes.get(kind, ())] or [_("None.")]
    lines += ["", f"## {_('Action items')}", ""]
    lines += [_action_markdown(line) for line in view.actions] or [_("None.")]
    if view.previous:
        lines += ["", f"## {_('From the last retro')}", ""]
        lines += [_action_markdown(line) for line in view.previous]
    return "\n".join(lines) + "\n"


def _action_markdown(line: ActionLine) -> str:
    details = action_details(line=line)
    parts = [md_cell(line.text), *([md_cell(details)] if details else [])]
    return "- " + " — ".join([*parts, action_state(line=line)])
