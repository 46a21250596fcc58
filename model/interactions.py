"""Contacts with clients: logging them, nudging a client we wait on, and silence.

A client who hears nothing decides the agency does nothing, so silence is a
risk signal: the working days (Monday to Friday) since the last contact in
either direction, counted like "days since" without the weekend. A contact on
Thursday makes Tuesday three working days silent (Friday, Monday, Tuesday), not
five calendar days. Planned meetings (a contact in the future) break no silence
until they happen.

A nudge is a contact about a task waiting on the client: it is logged like any
other, tied to the task, and restarts nothing. The task's wait keeps counting
until it leaves "waiting", because that wait is the evidence of who stalled.
Waits are counted in calendar days, as on the board: a deadline does not stop
for the weekend. `nudge_text` is the reminder itself, ready to send: the nudged
task first, then anything else the client holds up, each with its days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pendulum
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.db import reading, transaction
from model.i18n import _, language, ngettext
from model.tables import (
    Channel,
    Client,
    Contact,
    Direction,
    Interaction,
    InteractionKind,
    Status,
    Task,
)
from model.tasks import NotFoundError, ValidationError
from model.undo import Done, Step
from model.weeks import working_days

MAX_SUMMARY = 2_000
CHANNELS = tuple(Channel)


# --- pure rules ----------------------------------------------------------------------------


def silent_working_days(*, last: datetime, today: pendulum.Date, zone: str) -> int:
    """Working days after the local day of `last`, up to and including `today`."""
    day = pendulum.instance(last).in_timezone(zone).date()
    return working_days(first=day.add(days=1), last=today.add(days=1))


def days_waiting(*, since: datetime, now: datetime) -> int:
    """Whole days since a task started waiting on the client."""
    return max(0, int((now - since).total_seconds() // 86400))


def _check_summary(summary: str) -> str:
    if "\x00" in summary:
        raise ValidationError(_("text cannot contain NUL characters"), field="summary")
    if not summary.strip():
        raise ValidationError(_("write what was said"), field="summary")
    if len(summary) > MAX_SUMMARY:
        raise ValidationError(
            _("too long: at most {limit} characters", limit=MAX_SUMMARY), field="summary"
        )
    return summary.strip()


# --- writing -------------------------------------------------------------------------------


def log_interaction(
    engine: Engine,
    *,
    client_id: int,
    channel: str,
    summary: str,
    at: datetime | None = None,
    direction: str = Direction.OUTBOUND,
    kind: str = "",
    task_id: int | None = None,
    contact_id: int | None = None,
) -> Done[Interaction]:
    """Record a contact; now by default. A future time plans a meeting for the calendar.
    The undo takes the contact back, should it have been a mistake."""
    if channel not in CHANNELS:
        raise ValidationError(_("unknown channel {value}", value=channel), field="channel")
    if direction not in tuple(Direction):
        raise ValidationError(_("unknown direction {value}", value=direction), field="direction")
    summary = _check_summary(summary)
    now = clock.now()
    when = now if at is None else pendulum.instance(at).in_timezone("UTC")
    if when > now:
        if kind:
            raise ValidationError(_("this contact cannot be in the future"), field="at")
        channel = Channel.MEETING
    with transaction(engine) as session:
        if session.get(Client, client_id) is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        interaction = Interaction(
            client_id=client_id,
            at=when,
            channel=channel,
            direction=direction,
            summary=summary,
            kind=kind,
            task_id=task_id,
            contact_id=contact_id,
        )
        session.add(interaction)
        session.flush()
        interaction_id = interaction.id
    return Done(
        value=interaction,
        undo=Step(
            label=_("log contact"),
            revert=lambda: _forget_interaction(engine, interaction_id=interaction_id),
        ),
    )


def _named(logged: Done[Interaction], *, label: str) -> Done[Interaction]:
    """A contact logged for a purpose, its undo named after it."""
    return Done(value=logged.value, undo=Step(label=label, revert=logged.undo.revert))


def _forget_interaction(engine: Engine, *, interaction_id: int) -> None:
    """Take back a contact logged by mistake (the undo of logging it); one gone already is
    no error, as an undo may race a second undo."""
    with transaction(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        if interaction is not None:
            session.delete(interaction)


def _channel(preferred: str) -> str:
    return preferred if preferred in CHANNELS else Channel.EMAIL


def nudge(engine: Engine, *, task_id: int) -> Done[Interaction]:
    """Remind the client about a task waiting on them, by their preferred channel; the undo
    takes the reminder back."""
    with reading(engine) as session:
        row = session.exec(
            select(Task, Client.preferred_channel)
            .join(Client, Client.id == Task.client_id)
            .where(Task.id == task_id)
        ).first()
    if row is None:
        raise NotFoundError(_("no task with id {id}", id=task_id))
    task, preferred = row
    if task.status != Status.WAITING or task.archived_at is not None:
        raise ValidationError(_("only a task waiting on the client can be nudged"), field="task")
    logged = log_interaction(
        engine,
        client_id=task.client_id,
        channel=_channel(preferred),
        summary=_("Reminded about: {title}", title=task.title),
        kind=InteractionKind.NUDGE,
        task_id=task.id,
    )
    return _named(logged, label=_("nudge"))


def report_sent(engine: Engine, *, client_id: int, week: str) -> Done[Interaction]:
    """Log that the weekly report went to the client, so the retro sees every client got one.

    The one way a report is logged as sent: the app's `r` and the shell's
    `report week --sent` both come here, so the retro counts them alike. The undo takes
    the log back, not the report."""
    with reading(engine) as session:
        client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(_("no client with id {id}", id=client_id))
    logged = log_interaction(
        engine,
        client_id=client_id,
        channel=_channel(client.preferred_channel),
        summary=_("Weekly report sent ({week})", week=week),
        kind=InteractionKind.REPORT,
    )
    return _named(logged, label=_("weekly report sent"))


# --- reading -------------------------------------------------------------------------------


def last_contacts(session: Session, *, client_ids: Sequence[int]) -> dict[int, datetime]:
    """The latest contact that already happened, per client, in one query."""
    rows = session.exec(
        select(Interaction.client_id, func.max(Interaction.at))
        .where(Interaction.client_id.in_(list(client_ids)), Interaction.at <= clock.now())
        .group_by(Interaction.client_id)
    ).all()
    return {client_id: pendulum.instance(at) for client_id, at in rows}


@dataclass(frozen=True)
class LoggedContact:
    id: int
    at: datetime
    channel: str
    direction: str
    summary: str
    kind: str
    contact: str
    task_title: str

    @property
    def planned(self) -> bool:
        return self.at > clock.now()


def interaction_log(engine: Engine, *, client_id: int, limit: int = 100) -> list[LoggedContact]:
    """The client's contacts, planned meetings and the latest first."""
    with reading(engine) as session:
        rows = session.exec(
            select(Interaction, Contact.name, Task.title)
            .join(Contact, Contact.id == Interaction.contact_id, isouter=True)
            .join(Task, Task.id == Interaction.task_id, isouter=True)
            .where(Interaction.client_id == client_id)
            .order_by(Interaction.at.desc(), Interaction.id.desc())
            .limit(limit)
        ).all()
    return [
        LoggedContact(
            id=row.id,
            at=pendulum.instance(row.at),
            channel=row.channel,
            direction=row.direction,
            summary=row.summary,
            kind=row.kind,
            contact=contact or "",
            task_title=title or "",
        )
        for row, contact, title in rows
    ]


@dataclass(frozen=True)
class WaitingTask:
    task_id: int
    title: str
    waiting_since: datetime
    days: int
    nudges: int
    last_nudge: datetime | None


def waiting_on_client(engine: Engine, *, client_id: int) -> list[WaitingTask]:
    """The client's tasks waiting on them, the longest wait first, with their nudges."""
    now = clock.now()
    with reading(engine) as session:
        tasks = session.exec(
            select(Task.id, Task.title, Task.waiting_since)
            .where(
                Task.client_id == client_id,
                Task.status == Status.WAITING,
                Task.archived_at.is_(None),
            )
            .order_by(Task.waiting_since, Task.id)
        ).all()
        nudged = {
            task_id: (count, pendulum.instance(last))
            for task_id, count, last in session.exec(
                select(Interaction.task_id, func.count(), func.max(Interaction.at))
                .where(
                    Interaction.kind == InteractionKind.NUDGE,
                    Interaction.task_id.in_([task_id for task_id, _title, _since in tasks]),
                )
                .group_by(Interaction.task_id)
            ).all()
        }
    out = []
    for task_id, title, since in tasks:
        since = pendulum.instance(since) if since is not None else now
        count, last = nudged.get(task_id, (0, None))
        out.append(
            WaitingTask(
                task_id=task_id,
                title=title,
                waiting_since=since,
                days=days_waiting(since=since, now=now),
                nudges=count,
                last_nudge=last,
            )
        )
    return out


# --- the reminder to send ------------------------------------------------------------------


def quoted(title: str) -> str:
    """A title in the quotation marks of the text's language."""
    title = " ".join(title.split())
    return f"«{title}»" if language() in ("uk", "ru") else f"“{title}”"


def _waited(wait: WaitingTask) -> str:
    if wait.days == 0:
        return _("since today")
    return ngettext("{n} day", "{n} days", n=wait.days)


def render_nudge(*, waits: Sequence[WaitingTask]) -> str:
    """A short, polite reminder in the UI language: what we wait for, and for how long."""
    lines = [_("Hello!")]
    if len(waits) == 1:
        (wait,) = waits
        lines.append(
            _(
                "A gentle reminder: we are still waiting for your reply on {title} ({days}).",
                title=quoted(wait.title),
                days=_waited(wait),
            )
        )
    else:
        lines.append(_("A gentle reminder: we are still waiting for your reply on these tasks:"))
        lines += [f"- {quoted(wait.title)} ({_waited(wait)})" for wait in waits]
    lines.append(_("As soon as we hear from you, we will carry on. Thank you!"))
    return "\n".join(lines) + "\n"


def nudge_text(engine: Engine, *, task_id: int) -> str:
    """The reminder for a nudge about `task_id`: that task first, then the client's other
    waits (the longest first), so one message asks for everything we wait on."""
    with reading(engine) as session:
        task_client = session.exec(select(Task.client_id).where(Task.id == task_id)).first()
    if task_client is None:
        raise NotFoundError(_("no task with id {id}", id=task_id))
    waits = waiting_on_client(engine, client_id=task_client)
    first = [wait for wait in waits if wait.task_id == task_id]
    if not first:
        raise ValidationError(_("only a task waiting on the client can be nudged"), field="task")
    return render_nudge(waits=[*first, *(wait for wait in waits if wait.task_id != task_id)])
