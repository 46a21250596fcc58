"""The retro's checklist: the configured items, in order.

The automatic ones (timesheets complete: every week approved, a weekly report sent to each active
client, the next sprint drafted) are read from the week's data and cannot be
ticked by hand; the others are ticked by hand, each with a hint of what the
data shows about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.db import reading, transaction
from model.i18n import N_, _, ngettext
from model.promises import PromiseState, state
from model.retro.close import AGENCY_CODE
from model.retro.sprint import get_sprint, retro_row, sprint_span
from model.tables import (
    Client,
    ClientStatus,
    Interaction,
    InteractionKind,
    Member,
    RetroCheck,
    Sprint,
    Status,
    Task,
    Timesheet,
    TimesheetState,
)
from model.tasks import ValidationError
from model.timesheets import state_name
from model.undo import Done, Step
from model.weeks import Span, as_date, iso_week_label

SHOWN_NAMES = 6

AUTO_CHECKS = ("timesheets", "weekly_reports", "next_sprint_drafted")
CHECK_LABELS = {
    "timesheets": N_("Everyone's timesheets complete"),
    "weekly_reports": N_("A weekly report sent to each active client"),
    "promises_reviewed": N_("Promises reviewed"),
    "waiting_nudged": N_("Waiting-on-client tasks nudged"),
    "next_sprint_drafted": N_("Next sprint drafted"),
}


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


def _timesheets(session: Session, *, sprint: Sprint) -> tuple[bool, str]:
    """Complete when every active member's week is approved (model.timesheets).

    Submitted is not enough: a submitted week may still be returned and change, and
    only an approved one is locked, so the sprint's hours can no longer move. The
    hint names who is not approved yet, with the state their week is in.
    """
    members = session.exec(
        select(Member.id, Member.initials).where(Member.active).order_by(Member.initials)
    ).all()
    if not members:
        return False, _("no one is on the team")
    states = dict(
        session.exec(
            select(Timesheet.member_id, Timesheet.state).where(
                Timesheet.week_start == sprint.week_start
            )
        ).all()
    )
    pending = [
        f"{initials} ({state_name(week)})"
        for member_id, initials in members
        if (week := states.get(member_id, TimesheetState.OPEN)) != TimesheetState.APPROVED
    ]
    if pending:
        return False, _("not approved yet: {pending}", pending=_names(pending))
    return True, ngettext(
        "the week of {n} person is approved",
        "the weeks of all {n} people are approved",
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


def checklist(engine: Engine, *, sprint_id: int, keys: Sequence[str]) -> tuple[Check, ...]:
    """The configured items in order: the automatic ones read from the week's data."""
    sprint = get_sprint(engine, sprint_id=sprint_id)
    span = sprint_span(sprint)
    with reading(engine) as session:
        retro = retro_row(session, sprint_id=sprint_id, create=False)
        ticked = {}
        if retro is not None:
            ticked = {
                row.key: row.checked
                for row in session.exec(select(RetroCheck).where(RetroCheck.retro_id == retro.id))
            }
        found: list[Check] = []
        for key in keys:
            if key == "timesheets":
                checked, why = _timesheets(session, sprint=sprint)
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


def set_check(engine: Engine, *, sprint_id: int, key: str, checked: bool) -> Done[None]:
    """Tick or untick an item checked by hand; the automatic ones follow the data. The undo
    puts the tick back as this found it."""
    if key in AUTO_CHECKS:
        raise ValidationError(_("this item is checked from the data"), field="key")
    with transaction(engine) as session:
        retro = retro_row(session, sprint_id=sprint_id, create=True)
        row = session.exec(
            select(RetroCheck).where(RetroCheck.retro_id == retro.id, RetroCheck.key == key)
        ).first()
        row = row or RetroCheck(retro_id=retro.id, key=key, label=CHECK_LABELS.get(key, key))
        before = row.checked
        row.checked = checked
        session.add(row)
    return Done(
        value=None,
        undo=Step(
            label=_("tick: {item}", item=check_label(key=key)),
            revert=lambda: set_check(engine, sprint_id=sprint_id, key=key, checked=before),
        ),
    )
