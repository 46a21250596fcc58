"""The twice-daily stand-up: its slots, what each member did and will do, and its record.

A stand-up belongs to a slot, one of the configured times on a working day.
The one at hand is the latest slot that has begun; "since the last stand-up"
means since the slot before it, so Monday's first looks back to the previous
working day's last.

Nothing on the stand-up is typed in but the notes: what each member did since
the last slot, is doing, does next and is blocked on is derived from task
events, time entries and the board, for the whole team in a handful of queries.
Finishing a stand-up keeps its notes and a snapshot of its numbers, since the
lists themselves are only true at the moment they were read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pendulum
from sqlalchemy import and_, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.daysoff import away_today
from model.db import reading, transaction
from model.i18n import N_, _, ngettext
from model.members import team
from model.slots import current_slot, next_slot, previous_slot
from model.tables import (
    Client,
    Member,
    Priority,
    Standup,
    StandupNote,
    Status,
    Task,
    TaskEvent,
    TimeEntry,
)
from model.tasks import ValidationError
from model.timetrack import clipped_seconds, in_span
from model.urgency import urgency
from model.weeks import Span

REMINDER_LEADS = (5, 0)
"""Minutes before a slot that a reminder is due: a warning, then the start itself."""
STALE_REMINDER = pendulum.duration(minutes=5)
START_WINDOW = pendulum.duration(hours=1)
"""How late after its slot a stand-up still starts by opening its screen."""
DONE_STATUSES = (Status.REVIEW, Status.DONE)
MAX_NOTE = 2_000
NEXT_SHOWN = 5
STATUS_WORDS = {
    Status.INBOX: N_("untriaged"),
    Status.BACKLOG: N_("backlog"),
    Status.TODO: N_("to do"),
    Status.DOING: N_("doing"),
    Status.WAITING: N_("waiting"),
    Status.REVIEW: N_("review"),
    Status.DONE: N_("done"),
}


# --- slots (their arithmetic is model.slots) -------------------------------------------


def starts_on_open(*, slot: pendulum.DateTime, now: pendulum.DateTime) -> bool:
    """Opening the screen starts the meeting only near its slot: later it is a look back."""
    return slot <= now < slot + START_WINDOW


@dataclass(frozen=True)
class Reminder:
    slot: pendulum.DateTime
    minutes_before: int


def due_reminder(
    *, after: pendulum.DateTime, until: pendulum.DateTime, times: tuple[str, ...], zone: str
) -> Reminder | None:
    """The latest reminder due in (after, until], unless it is stale.

    The app checks every few seconds, so a reminder more than a few minutes old
    means the computer slept through it, and a late "in 5 minutes" would mislead.
    """
    found: Reminder | None = None
    slot = next_slot(now=after, times=times, zone=zone)
    while slot.subtract(minutes=max(REMINDER_LEADS)) <= until:
        for lead in REMINDER_LEADS:
            moment = slot.subtract(minutes=lead)
            if after < moment <= until:
                found = Reminder(slot=slot, minutes_before=lead)
        slot = next_slot(now=slot, times=times, zone=zone)
    if found is None or until - found.slot.subtract(minutes=found.minutes_before) > STALE_REMINDER:
        return None
    return found


# --- what the team did, does and will do -----------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One task on a member's list, with what the list says about it."""

    task_id: int
    client_code: str
    title: str
    status: str
    priority: str
    fire: bool = False
    hours: float = 0.0
    """Done: hours worked inside the window. Doing: the running timer's hours so far."""
    moved_to: str | None = None
    running: bool = False
    waiting_days: int | None = None
    blocked: bool = False
    urgency: float = 0.0


@dataclass(frozen=True)
class MemberLists:
    member_id: int
    name: str
    initials: str
    role: str
    done: tuple[Item, ...]
    doing: tuple[Item, ...]
    next: tuple[Item, ...]
    next_total: int
    blocked: tuple[Item, ...]
    away: str = ""
    """The kind of day off when the member is off today (a `DayOffKind`), else empty."""

    @property
    def done_hours(self) -> float:
        return sum(item.hours for item in self.done)


@dataclass(frozen=True)
class Fire:
    task_id: int
    client_code: str
    title: str
    status: str
    priority: str
    fire: bool
    created_at: datetime
    assignee: str


_TASK_COLUMNS = (
    Task.id,
    Task.title,
    Task.status,
    Task.priority,
    Task.fire,
    Task.blocked,
    Task.position,
    Task.sprint_id,
    Task.assignee_id,
    Task.due_date,
    Task.promised_at,
    Task.created_at,
    Task.carried_over,
    Task.waiting_since,
)
"""What the lists read of a task (its urgency included): plain rows, not whole tasks."""


def _item(*, task: Task, code: str, **extra: Any) -> Item:
    return Item(
        task_id=task.id,
        client_code=code,
        title=task.title,
        status=task.status,
        priority=task.priority,
        fire=task.fire,
        blocked=task.blocked,
        **extra,
    )


def _done_work(
    session: Session, *, window: Span, now: datetime
) -> dict[int, dict[int, dict[str, Any]]]:
    """Per member, per task: the status it reached in the window and the hours worked in it.

    A move to review or done counts for the task's assignee (the account
    manager often moves cards for others), else for whoever moved it.
    """
    work: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    moves = session.exec(
        select(TaskEvent.task_id, TaskEvent.member_id, TaskEvent.new, Task.assignee_id)
        .join(Task, Task.id == TaskEvent.task_id)
        .where(
            TaskEvent.at >= window.start,
            TaskEvent.at < window.end,
            TaskEvent.field.in_(("status", "created")),
            TaskEvent.new.in_(DONE_STATUSES),
        )
        .order_by(TaskEvent.at, TaskEvent.id)
    ).all()
    for task_id, mover_id, status, assignee_id in moves:
        member_id = assignee_id if assignee_id is not None else mover_id
        if member_id is not None:
            work[member_id].setdefault(task_id, {"hours": 0.0})["moved_to"] = status
    entries = session.exec(
        select(TimeEntry.member_id, TimeEntry.task_id, TimeEntry.start, TimeEntry.end).where(
            in_span(span=window)
        )
    ).all()
    for member_id, task_id, start, end in entries:
        seconds = clipped_seconds(start=start, end=end, span=window, now=now)
        if seconds > 0:
            work[member_id].setdefault(task_id, {"hours": 0.0})["hours"] += seconds / 3600
    return work


def member_lists(
    engine: Engine,
    *,
    since: pendulum.DateTime,
    until: pendulum.DateTime,
    sprint_id: int | None,
    coefficients: dict[str, float],
) -> list[MemberLists]:
    """Done, doing, next and blocked for every active member, read in five queries.

    Done: moves to review or done and time worked in [since, until). Doing: the
    running timer and tasks in progress. Next: to-do in the sprint by urgency.
    Blocked: tasks waiting on the client (with the days waited) or flagged blocked.
    """
    window = Span(start=pendulum.instance(since), end=pendulum.instance(until))
    now = clock.now()
    today = clock.today()
    members = team(engine)
    with reading(engine) as session:
        work = _done_work(session, window=window, now=now)
        running = {
            member_id: (task_id, start)
            for member_id, task_id, start in session.exec(
                select(TimeEntry.member_id, TimeEntry.task_id, TimeEntry.start)
                .where(TimeEntry.end.is_(None), TimeEntry.archived_at.is_(None))
                .order_by(TimeEntry.start)
            ).all()
        }
        open_rows = session.exec(
            select(*_TASK_COLUMNS, Client.code)
            .join(Client, Client.id == Task.client_id)
            .where(
                Task.archived_at.is_(None),
                Task.assignee_id.is_not(None),
                or_(
                    Task.status.in_((Status.DOING, Status.WAITING)),
                    and_(Task.status == Status.TODO, Task.sprint_id == sprint_id),
                    and_(Task.blocked.is_(True), Task.status != Status.DONE),
                ),
            )
        ).all()
        away = away_today(session, today=today)
        wanted = {task_id for tasks in work.values() for task_id in tasks}
        wanted |= {task_id for task_id, _start in running.values()}
        touched = {
            row.id: (row, row.code)
            for row in session.exec(
                select(*_TASK_COLUMNS, Client.code)
                .join(Client, Client.id == Task.client_id)
                .where(Task.id.in_(wanted))
            ).all()
        }
    open_by_member: dict[int, list[tuple[Task, str]]] = defaultdict(list)
    for row in open_rows:
        open_by_member[row.assignee_id].append((row, row.code))
    out = []
    for member in members:
        done = [
            _item(task=touched[task_id][0], code=touched[task_id][1], **facts)
            for task_id, facts in work.get(member.id, {}).items()
        ]
        done.sort(key=lambda item: (item.moved_to is None, -item.hours, item.task_id))
        doing: list[Item] = []
        timed = running.get(member.id)
        if timed is not None:
            task, code = touched[timed[0]]
            hours = (now - timed[1]).total_seconds() / 3600
            doing.append(_item(task=task, code=code, running=True, hours=max(hours, 0.0)))
        mine = open_by_member.get(member.id, [])
        doing += [
            _item(task=task, code=code)
            for task, code in sorted(mine, key=lambda row: (row[0].position, row[0].id))
            if task.status == Status.DOING and task.id != (timed[0] if timed else None)
        ]
        todo = [
            _item(
                task=task,
                code=code,
                urgency=urgency(task=task, today=today, coefficients=coefficients),
            )
            for task, code in mine
            if task.status == Status.TODO and task.sprint_id == sprint_id
        ]
        todo.sort(key=lambda item: (-item.urgency, item.task_id))
        blocked = [
            _item(task=task, code=code, waiting_days=_waiting_days(task=task, now=now))
            for task, code in mine
            if task.status == Status.WAITING or task.blocked
        ]
        blocked.sort(key=lambda item: (-(item.waiting_days or 0), item.task_id))
        out.append(
            MemberLists(
                member_id=member.id,
                name=member.name,
                initials=member.initials,
                role=member.role,
                done=tuple(done),
                doing=tuple(doing),
                next=tuple(todo[:NEXT_SHOWN]),
                next_total=len(todo),
                blocked=tuple(blocked),
                away=away.get(member.id, ""),
            )
        )
    return out


def _waiting_days(*, task: Task, now: datetime) -> int | None:
    if task.status != Status.WAITING or task.waiting_since is None:
        return None
    return max(0, int((now - task.waiting_since).total_seconds() // 86400))


def fires(engine: Engine, *, since: pendulum.DateTime) -> list[Fire]:
    """What the stand-up triages: requests and urgent tasks that came in since the last one.

    An urgent request still in the inbox stays a fire however old it is: it has
    not been dealt with. Untriaged ones come first, then the newest.
    """
    urgent = or_(Task.priority == Priority.URGENT, Task.fire.is_(True))
    with reading(engine) as session:
        rows = session.exec(
            select(
                Task.id,
                Task.title,
                Task.status,
                Task.priority,
                Task.fire,
                Task.created_at,
                Client.code,
                Member.initials,
            )
            .join(Client, Client.id == Task.client_id)
            .join(Member, Member.id == Task.assignee_id, isouter=True)
            .where(
                Task.archived_at.is_(None),
                or_(
                    and_(Task.created_at >= since, or_(Task.status == Status.INBOX, urgent)),
                    and_(Task.status == Status.INBOX, urgent),
                ),
            )
            .order_by(Task.created_at.desc(), Task.id.desc())
        ).all()
    found = [
        Fire(
            task_id=task_id,
            client_code=code,
            title=title,
            status=status,
            priority=priority,
            fire=fire,
            created_at=created_at,
            assignee=initials or "",
        )
        for task_id, title, status, priority, fire, created_at, code, initials in rows
    ]
    return sorted(found, key=lambda fire: fire.status != Status.INBOX)


# --- the record of a stand-up -----------------------------------------------------------------


def _utc(instant: datetime) -> pendulum.DateTime:
    return pendulum.instance(instant).in_timezone("UTC")


def _record(session: Session, *, slot_at: datetime) -> Standup | None:
    """The slot's stand-up; should two people have started it at once, the first one."""
    return session.exec(
        select(Standup).where(Standup.slot_at == _utc(slot_at)).order_by(Standup.id)
    ).first()


def standup_at(engine: Engine, *, slot_at: datetime) -> Standup | None:
    with reading(engine) as session:
        return _record(session, slot_at=slot_at)


def start_standup(engine: Engine, *, slot_at: datetime) -> Standup:
    """The slot's stand-up, started now unless it already was: the meeting timer's start."""
    with transaction(engine) as session:
        record = _record(session, slot_at=slot_at) or Standup(slot_at=_utc(slot_at))
        if record.started_at is None:
            record.started_at = clock.now()
            session.add(record)
        return record


def start_on_opening(engine: Engine, *, slot_at: pendulum.DateTime, now: pendulum.DateTime) -> None:
    """Opening the screen near the slot starts its meeting, once: later it is a look back,
    and a meeting already started is left as it was (without a write)."""
    if not starts_on_open(slot=slot_at, now=now):
        return
    record = standup_at(engine, slot_at=slot_at)
    if record is None or record.started_at is None:
        start_standup(engine, slot_at=slot_at)


def _check_note(text: str) -> str:
    if "\x00" in text:
        raise ValidationError(_("text cannot contain NUL characters"), field="note")
    if len(text) > MAX_NOTE:
        raise ValidationError(
            _("too long: at most {limit} characters", limit=MAX_NOTE), field="note"
        )
    return text.strip()


def finish_standup(
    engine: Engine,
    *,
    slot_at: datetime,
    note: str,
    notes: dict[int, str],
    numbers: dict[str, Any],
) -> Standup:
    """Close the slot's stand-up with its notes and numbers, in one transaction, once."""
    note = _check_note(note)
    kept = {member_id: _check_note(text) for member_id, text in notes.items()}
    now = clock.now()
    with transaction(engine) as session:
        record = _record(session, slot_at=slot_at) or Standup(slot_at=_utc(slot_at), started_at=now)
        if record.finished_at is not None:
            raise ValidationError(
                _(
                    "this stand-up was finished at {time}",
                    time=clock.to_local(record.finished_at).format("HH:mm"),
                ),
                field="finished_at",
            )
        record.started_at = record.started_at or now
        record.finished_at = now
        record.note = note
        record.snapshot = json.dumps(numbers, ensure_ascii=False, sort_keys=True)
        session.add(record)
        session.flush()
        for member_id, text in kept.items():
            if text:
                session.add(StandupNote(standup_id=record.id, member_id=member_id, text=text))
        return record


def standup_notes(engine: Engine, *, standup_id: int) -> dict[int, str]:
    """Each member's note of a stand-up, by member id."""
    with reading(engine) as session:
        rows = session.exec(
            select(StandupNote.member_id, StandupNote.text).where(
                StandupNote.standup_id == standup_id
            )
        ).all()
    return dict(rows)


def neighbour_standup(
    engine: Engine, *, slot_at: datetime, older: bool, inclusive: bool = False
) -> Standup | None:
    """The finished stand-up just before (or after) `slot_at`, for browsing the history."""
    at = _utc(slot_at)
    if older:
        where = Standup.slot_at <= at if inclusive else Standup.slot_at < at
        order = (Standup.slot_at.desc(), Standup.id)
    else:
        where = Standup.slot_at >= at if inclusive else Standup.slot_at > at
        order = (Standup.slot_at, Standup.id)
    with reading(engine) as session:
        return session.exec(
            select(Standup).where(where, Standup.finished_at.is_not(None)).order_by(*order)
        ).first()


def numbers_of(*, standup: Standup) -> dict[str, Any]:
    """The numbers a finished stand-up kept; empty for one recorded without them."""
    try:
        loaded = json.loads(standup.snapshot) if standup.snapshot else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


# --- the stand-up at hand ---------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """Everything the stand-up of one slot shows, read at one moment."""

    slot: pendulum.DateTime
    since: pendulum.DateTime
    until: pendulum.DateTime
    members: tuple[MemberLists, ...]
    fires: tuple[Fire, ...]
    record: Standup | None
    notes: dict[int, str]

    @property
    def finished(self) -> bool:
        return self.record is not None and self.record.finished_at is not None


def meeting(
    engine: Engine,
    *,
    now: pendulum.DateTime,
    times: tuple[str, ...],
    zone: str,
    sprint_id: int | None,
    coefficients: dict[str, float],
) -> Meeting:
    """The stand-up at hand as of `now`: since the previous slot, until now."""
    slot = current_slot(now=now, times=times, zone=zone)
    since = previous_slot(slot=slot, times=times, zone=zone)
    record = standup_at(engine, slot_at=slot)
    return Meeting(
        slot=slot,
        since=since,
        until=now,
        members=tuple(
            member_lists(
                engine, since=since, until=now, sprint_id=sprint_id, coefficients=coefficients
            )
        ),
        fires=tuple(fires(engine, since=since)),
        record=record,
        notes=standup_notes(engine, standup_id=record.id) if record else {},
    )


def numbers(*, meeting: Meeting) -> dict[str, Any]:
    """The counts a finished stand-up keeps: per member, and the fires."""
    return {
        "since": _utc(meeting.since).isoformat(),
        "fires": len(meeting.fires),
        "untriaged": sum(fire.status == Status.INBOX for fire in meeting.fires),
        "members": {
            str(member.member_id): {
                "name": member.name,
                "initials": member.initials,
                "done": len(member.done),
                "doing": len(member.doing),
                "next": member.next_total,
                "blocked": len(member.blocked),
                "hours": round(member.done_hours, 2),
            }
            for member in meeting.members
        },
    }


def meeting_seconds(*, record: Standup | None, now: datetime) -> int | None:
    """How long the meeting has run (or ran); None when it never started."""
    if record is None or record.started_at is None:
        return None
    end = record.finished_at or now
    return max(0, int((end - record.started_at).total_seconds()))


# --- the summary for the team chat ------------------------------------------------------------


_MARKDOWN_SPECIALS = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~"})


def _md(text: str) -> str:
    """User text kept literal in Markdown: one line, no emphasis, links or headings."""
    return " ".join(text.split()).translate(_MARKDOWN_SPECIALS)


def _hours(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + " h"


def _elapsed(hours: float) -> str:
    whole, minutes = divmod(round(hours * 60), 60)
    return f"{whole}:{minutes:02d}"


def _line(item: Item, *, detail: str = "") -> str:
    marks = "‼ " if item.priority == Priority.URGENT else ""
    tail = f" — {detail}" if detail else ""
    return f"- {marks}{_md(item.client_code)} · {_md(item.title)}{tail}"


def _done_detail(item: Item) -> str:
    parts = []
    if item.moved_to:
        parts.append(_("to review") if item.moved_to == Status.REVIEW else _("done"))
    if item.hours:
        parts.append(_hours(item.hours))
    return ", ".join(parts)


def _blocked_detail(item: Item) -> str:
    if item.waiting_days is not None:
        return ngettext(
            "waiting on the client for {n} day",
            "waiting on the client for {n} days",
            n=item.waiting_days,
        )
    return _("blocked")


def _quote(text: str) -> list[str]:
    return [f"> {_md(line)}" for line in text.splitlines() if line.strip()]


def _member_markdown(*, member: MemberLists, note: str) -> list[str]:
    more = member.next_total - len(member.next)
    sections = (
        (_("Done"), [_line(item, detail=_done_detail(item)) for item in member.done]),
        (
            _("Doing"),
            [
                _line(item, detail=_("timer {elapsed}", elapsed=_elapsed(item.hours)))
                if item.running
                else _line(item)
                for item in member.doing
            ],
        ),
        (
            _("Next"),
            [_line(item) for item in member.next]
            + (["- " + ngettext("…and {n} more", "…and {n} more", n=more)] if more > 0 else []),
        ),
        (_("Blocked"), [_line(item, detail=_blocked_detail(item)) for item in member.blocked]),
    )
    lines = ["", f"## {_md(member.name)}"]
    shown = [(title, items) for title, items in sections if items]
    for title, items in shown:
        lines += ["", f"**{title}**", *items]
    if not shown:
        lines += ["", _("Nothing to report.")]
    if note:
        lines += ["", *_quote(note)]
    return lines


def _fire_line(fire: Fire) -> str:
    marks = "‼ " if fire.priority == Priority.URGENT else ""
    who = f", {_md(fire.assignee)}" if fire.assignee else ""
    received = clock.to_local(fire.created_at).format("ddd HH:mm")
    return (
        f"- {marks}{_md(fire.client_code)} · {_md(fire.title)} — "
        f"{_(STATUS_WORDS[Status(fire.status)])}{who}, {received}"
    )


def render_markdown(*, meeting: Meeting) -> str:
    """The stand-up as a chat message: the note, each member's lists and note, the fires."""
    slot = clock.to_local(meeting.slot).format("ddd D MMM YYYY, HH:mm")
    heading = _("Stand-up {when}", when=slot)
    since = _("Since {when}", when=clock.to_local(meeting.since).format("ddd D MMM, HH:mm"))
    record = meeting.record
    if record is not None and record.finished_at is not None:
        minutes = round((meeting_seconds(record=record, now=record.finished_at) or 0) / 60)
        since += " · " + ngettext(
            "finished at {time}, {n} minute",
            "finished at {time}, {n} minutes",
            n=minutes,
            time=clock.to_local(record.finished_at).format("HH:mm"),
        )
    lines = [f"# {heading}", "", since]
    if record is not None and record.note:
        lines += ["", *_quote(record.note)]
    for member in meeting.members:
        lines += _member_markdown(member=member, note=meeting.notes.get(member.member_id, ""))
    lines += ["", "## " + _("Fires ({n})", n=len(meeting.fires)), ""]
    lines += [_fire_line(fire) for fire in meeting.fires] or [_("No fires.")]
    return "\n".join(lines) + "\n"
