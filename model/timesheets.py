"""Timesheet review: a member submits a week, a manager approves it or returns it with a note.

An approved week locks its time: every write of an entry that touches the week (its
instants [starts_at, ends_at), kept on the row so the lock does not depend on the time
zone configured later) is refused with `LockedError`, in the timers, the entry list and
the importers alike. To change it a manager unlocks the week with a reason; the unlock is
recorded, and the week is open again until it is submitted and approved anew.

A running timer inside a week keeps the week from being submitted or approved: its end is
not known yet, and an approved week could then never stop it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pendulum
from sqlalchemy import ColumnElement, and_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from model import clock
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError, check_text
from model.i18n import N_, _
from model.members import check_manager
from model.parsing import parse_due
from model.tables import Member, TimeEntry, Timesheet, TimesheetState, TimesheetUnlock
from model.weeks import as_date, iso_week_label, parse_iso_week, sprint_start, week_span

MAX_NOTE = 2_000
STATE_NAMES = {
    TimesheetState.OPEN: N_("open"),
    TimesheetState.SUBMITTED: N_("submitted"),
    TimesheetState.APPROVED: N_("approved"),
    TimesheetState.RETURNED: N_("returned"),
}


def state_name(state: str) -> str:
    """A state in the user's words."""
    return _(STATE_NAMES[TimesheetState(state)])


def week_label(week_start: date) -> str:
    """A week as the shell's `--week` takes it back (2026-W47)."""
    return iso_week_label(day=as_date(week_start))


class LockedError(ValidationError):
    """A write that would change time of an approved week."""

    def __init__(self, *, name: str, week_start: date) -> None:
        super().__init__(
            _(
                "{name}'s week {week} is approved and its time locked; "
                "a manager unlocks it to change it",
                name=name,
                week=week_label(week_start),
            ),
            field="start",
        )


@dataclass(frozen=True)
class UnlockView:
    by: str
    at: pendulum.DateTime
    reason: str
    entry_id: int | None


@dataclass(frozen=True)
class TimesheetView:
    """One member's week: its state, the note, who changed it last and when."""

    member_id: int
    name: str
    initials: str
    week_start: pendulum.Date
    state: str
    note: str = ""
    by: str = ""
    at: pendulum.DateTime | None = None
    unlocks: tuple[UnlockView, ...] = ()


def week_of(*, text: str, start_weekday: int) -> pendulum.Date:
    """The first day of the sprint week that `text` names: an ISO week (2026-W47, as the
    retro's `--sprint` reads it) or any day in it (2026-11-18, today, friday)."""
    try:
        day = parse_iso_week(text=text)
    except ValueError:
        try:
            day = parse_due(text=text, today=clock.today()).date
        except ValueError:
            raise ValidationError(
                _("not a week: {text!r} (write 2026-W47 or a day of the week)", text=text),
                field="week",
            ) from None
    return sprint_start(day=day, start_weekday=start_weekday)


# --- the lock --------------------------------------------------------------------------------


def _touches(*, start: datetime, end: datetime | None) -> ColumnElement[bool]:
    """Approved weeks sharing an instant with [start, end); no end: still running."""
    term = and_(col(Timesheet.state) == TimesheetState.APPROVED, col(Timesheet.ends_at) > start)
    return term if end is None else and_(term, col(Timesheet.starts_at) < end)


def check_unlocked(
    session: Session, *, member_id: int, start: datetime, end: datetime | None
) -> None:
    """Refuse a write of the member's time in [start, end) when an approved week holds it.

    An entry over a week's edge touches both weeks: it is locked when either is approved.
    """
    locked = session.exec(
        select(col(Timesheet.week_start), col(Member.name))
        .join(Member, col(Member.id) == col(Timesheet.member_id))
        .where(col(Timesheet.member_id) == member_id, _touches(start=start, end=end))
        .order_by(col(Timesheet.week_start))
    ).first()
    if locked is not None:
        raise LockedError(name=locked[1], week_start=locked[0])


def check_entry_unlocked(session: Session, *, entry: TimeEntry) -> None:
    check_unlocked(session, member_id=entry.member_id, start=entry.start, end=entry.end)


def approved_spans(session: Session) -> dict[int, list[tuple[datetime, datetime, date]]]:
    """Every approved week by member, for an import to check its rows against at once."""
    spans: dict[int, list[tuple[datetime, datetime, date]]] = {}
    for member_id, first, last, week_start in session.exec(
        select(
            col(Timesheet.member_id),
            col(Timesheet.starts_at),
            col(Timesheet.ends_at),
            col(Timesheet.week_start),
        ).where(col(Timesheet.state) == TimesheetState.APPROVED)
    ):
        spans.setdefault(member_id, []).append((first, last, week_start))
    return spans


def approved_entries() -> ColumnElement[bool]:
    """Entries inside their member's approved weeks, for a report of approved time only.

    An entry over a week's edge counts when the week it started in is approved.
    """
    return (
        select(col(Timesheet.id))
        .where(
            col(Timesheet.member_id) == col(TimeEntry.member_id),
            col(Timesheet.state) == TimesheetState.APPROVED,
            col(Timesheet.starts_at) <= col(TimeEntry.start),
            col(Timesheet.ends_at) > col(TimeEntry.start),
        )
        .exists()
    )


# --- changes of state ------------------------------------------------------------------------


def _member(session: Session, *, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFoundError(_("no member with id {id}", id=member_id))
    return member


def _row(session: Session, *, member_id: int, week_start: date) -> Timesheet | None:
    return session.exec(
        select(Timesheet)
        .where(col(Timesheet.member_id) == member_id, col(Timesheet.week_start) == week_start)
        .with_for_update()
    ).first()


def _no_running_timer(session: Session, *, member: Member, week: Timesheet) -> None:
    running = session.exec(
        select(col(TimeEntry.id)).where(
            col(TimeEntry.member_id) == member.id,
            col(TimeEntry.end).is_(None),
            col(TimeEntry.archived_at).is_(None),
            col(TimeEntry.start) < week.ends_at,
        )
    ).first()
    if running is not None:
        raise ValidationError(
            _("{name}'s timer is still running in that week; stop it first", name=member.name),
            field="week",
        )


def _note(*, text: str, empty: str) -> str:
    return check_text(value=text, field="note", limit=MAX_NOTE, required=True, empty=empty)


def submit_week(engine: Engine, *, member_id: int, week_start: date) -> Timesheet:
    """The member hands their week in for review; a returned or unlocked week again too."""
    week_start = as_date(week_start)
    if week_start > clock.today():
        raise ValidationError(_("a week that has not begun cannot be submitted"), field="week")
    span = week_span(week_start=week_start, zone=clock.zone())
    with transaction(engine) as session:
        member = _member(session, member_id=member_id)
        row = _row(session, member_id=member_id, week_start=week_start)
        if row is not None and row.state in (TimesheetState.SUBMITTED, TimesheetState.APPROVED):
            raise ValidationError(
                _(
                    "the week {week} is already {state}",
                    week=week_label(week_start),
                    state=state_name(row.state),
                ),
                field="week",
            )
        row = row or Timesheet(
            member_id=member_id,
            week_start=week_start,
            starts_at=span.start,
            ends_at=span.end,
            at=clock.now(),
        )
        _no_running_timer(session, member=member, week=row)
        row.state, row.by_id, row.at = TimesheetState.SUBMITTED, member_id, clock.now()
        session.add(row)
        return row


def _submitted(session: Session, *, member_id: int, week_start: date) -> Timesheet:
    row = _row(session, member_id=member_id, week_start=week_start)
    if row is None or row.state != TimesheetState.SUBMITTED:
        state = TimesheetState.OPEN if row is None else row.state
        raise ValidationError(
            _(
                "the week {week} is {state}, not submitted",
                week=week_label(week_start),
                state=state_name(state),
            ),
            field="week",
        )
    return row


def _check_reviewer(session: Session, *, member_id: int, by_id: int | None) -> None:
    if by_id == member_id:
        check_manager(
            session,
            member_id=by_id,
            refusal=_("you cannot review your own week: a manager does"),
        )
    check_manager(session, member_id=by_id, refusal=_("only a manager reviews timesheets"))


def approve_week(
    engine: Engine, *, member_id: int, week_start: date, by_id: int | None
) -> Timesheet:
    """A manager approves a submitted week, which locks its time."""
    week_start = as_date(week_start)
    with transaction(engine) as session:
        _check_reviewer(session, member_id=member_id, by_id=by_id)
        member = _member(session, member_id=member_id)
        row = _submitted(session, member_id=member_id, week_start=week_start)
        _no_running_timer(session, member=member, week=row)
        row.state, row.note, row.by_id, row.at = TimesheetState.APPROVED, "", by_id, clock.now()
        session.add(row)
        return row


def return_week(
    engine: Engine, *, member_id: int, week_start: date, by_id: int | None, note: str
) -> Timesheet:
    """A manager sends a submitted week back, saying what to fix."""
    week_start = as_date(week_start)
    note = _note(text=note, empty=_("say what to fix: a returned week needs a note"))
    with transaction(engine) as session:
        _check_reviewer(session, member_id=member_id, by_id=by_id)
        row = _submitted(session, member_id=member_id, week_start=week_start)
        row.state, row.note, row.by_id, row.at = TimesheetState.RETURNED, note, by_id, clock.now()
        session.add(row)
        return row


def _check_entry_of(session: Session, *, row: Timesheet, entry_id: int) -> None:
    """The entry an unlock is for is the member's, with time in the week."""
    entry = session.get(TimeEntry, entry_id)
    if (
        entry is None
        or entry.member_id != row.member_id
        or entry.start >= row.ends_at
        or (entry.end is not None and entry.end <= row.starts_at)
    ):
        raise ValidationError(
            _("time entry {id} is not in that week", id=entry_id), field="entry_id"
        )


def unlock_week(
    engine: Engine,
    *,
    member_id: int,
    week_start: date,
    by_id: int | None,
    reason: str,
    entry_id: int | None = None,
) -> Timesheet:
    """A manager opens an approved week again, recording why (and for which entry, when one
    was asked to change); it is submitted and approved again after the change."""
    week_start = as_date(week_start)
    reason = _note(text=reason, empty=_("say why: an unlock needs a reason"))
    with transaction(engine) as session:
        check_manager(session, member_id=by_id, refusal=_("only a manager unlocks a week"))
        row = _row(session, member_id=member_id, week_start=week_start)
        if row is None or row.state != TimesheetState.APPROVED:
            raise ValidationError(
                _(
                    "the week {week} is not approved: nothing is locked",
                    week=week_label(week_start),
                ),
                field="week",
            )
        if entry_id is not None:
            _check_entry_of(session, row=row, entry_id=entry_id)
        now = clock.now()
        assert by_id is not None and row.id is not None  # a manager, and a stored row
        session.add(
            TimesheetUnlock(
                timesheet_id=row.id, by_id=by_id, at=now, reason=reason, entry_id=entry_id
            )
        )
        row.state, row.note, row.by_id, row.at = TimesheetState.OPEN, reason, by_id, now
        session.add(row)
        return row


# --- reading ---------------------------------------------------------------------------------


def timesheet_states(
    engine: Engine, *, week_start: date, member_ids: Sequence[int] | None = None
) -> tuple[TimesheetView, ...]:
    """The week of every active member (or of `member_ids`), by name; no row reads as open."""
    week_start = as_date(week_start)
    with reading(engine) as session:
        query = select(Member).order_by(col(Member.name))
        if member_ids is None:
            query = query.where(col(Member.active))
        else:
            query = query.where(col(Member.id).in_(list(member_ids)))
        members = list(session.exec(query))
        names = {
            member_id: name
            for member_id, name in session.exec(select(col(Member.id), col(Member.name)))
        }
        rows = {
            row.member_id: row
            for row in session.exec(
                select(Timesheet).where(col(Timesheet.week_start) == week_start)
            )
        }
        unlocks: dict[int, list[UnlockView]] = {}
        if rows:
            for unlock in session.exec(
                select(TimesheetUnlock)
                .where(col(TimesheetUnlock.timesheet_id).in_([row.id for row in rows.values()]))
                .order_by(col(TimesheetUnlock.at), col(TimesheetUnlock.id))
            ):
                unlocks.setdefault(unlock.timesheet_id, []).append(
                    UnlockView(
                        by=names.get(unlock.by_id, ""),
                        at=pendulum.instance(unlock.at),
                        reason=unlock.reason,
                        entry_id=unlock.entry_id,
                    )
                )
    views = []
    for member in members:
        assert member.id is not None  # read from the store
        row = rows.get(member.id)
        views.append(
            TimesheetView(
                member_id=member.id,
                name=member.name,
                initials=member.initials,
                week_start=week_start,
                state=TimesheetState.OPEN if row is None else row.state,
                note="" if row is None else row.note,
                by="" if row is None or row.by_id is None else names.get(row.by_id, ""),
                at=None if row is None else pendulum.instance(row.at),
                unlocks=() if row is None or row.id is None else tuple(unlocks.get(row.id, ())),
            )
        )
    return tuple(views)


def week_state(engine: Engine, *, member_id: int, week_start: date) -> TimesheetView:
    """One member's week, for the mark on the time entries."""
    found = timesheet_states(engine, week_start=week_start, member_ids=[member_id])
    if not found:
        raise NotFoundError(_("no member with id {id}", id=member_id))
    return found[0]
