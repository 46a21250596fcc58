"""Billable time and rounding: what of the time worked a client is billed for.

Whether an entry is billable is its own say, else its task's, else its
client's; the agency's own client (code `AGENCY`) is never billed, whatever
its rows say. Raw time is never changed: rounding is applied when billed time
is summed, so turning a rule off gives the raw hours back.

A client's rounding rule rounds up to a step (5, 6, 10, 15 or 30 minutes)
either each entry or, per task and day, the sum of the task's entries of that
day. An entry belongs wholly to the local day it started on (and so to that
day's month), even when it runs over midnight or a DST change: a boundary
never splits an entry into two rounded pieces, so nothing is billed twice.

The rules are pure functions over `Piece`s, tested with hypothesis; the store
sums (`billed_by_client`) group by task and day in the database and apply the
same rules to the groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import pendulum
from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, func, literal, true
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from model import clock
from model.db import reading, transaction
from model.i18n import _
from model.tables import Client, Task, TimeEntry
from model.tasks import NotFoundError, ValidationError
from model.timetrack import milliseconds
from model.weeks import Span, days_span

AGENCY_CODE = "AGENCY"
"""The agency's own client (model.retro.close creates it for action items): all its work is
internal, and never billed."""

ROUNDING_STEPS = (0, 5, 6, 10, 15, 30)
"""Minutes billed time may be rounded up to; 0 is no rounding."""

MS_PER_MINUTE = 60_000


class Scope(StrEnum):
    ENTRY = "entry"  # each entry rounded up
    TASK_DAY = "task-day"  # the sum of a task's entries of one day rounded up


@dataclass(frozen=True)
class RoundingRule:
    minutes: int = 0
    scope: Scope = Scope.ENTRY

    @property
    def label(self) -> str:
        """The rule in words, as reports name it."""
        if not self.minutes:
            return _("not rounded")
        if self.scope == Scope.TASK_DAY:
            return _("rounded up to {n} min per task and day", n=self.minutes)
        return _("rounded up to {n} min per entry", n=self.minutes)


def check_rule(*, minutes: int, scope: str) -> RoundingRule:
    """A rounding rule from what a person typed; anything but the known steps is refused."""
    if isinstance(minutes, bool) or minutes not in ROUNDING_STEPS:
        steps = ", ".join(str(step) for step in ROUNDING_STEPS[1:])
        raise ValidationError(
            _("rounding is 0 (none) or up to {steps} minutes", steps=steps), field="rounding"
        )
    if scope not in Scope.__members__.values():
        raise ValidationError(
            _("rounding is per entry or per task-day, not {value!r}", value=scope),
            field="rounding_scope",
        )
    return RoundingRule(minutes=minutes, scope=Scope(scope))


def rule_of(*, minutes: int, scope: str) -> RoundingRule:
    """A stored rule; a scope this release does not know reads as per entry."""
    known = scope if scope in Scope.__members__.values() else Scope.ENTRY
    return RoundingRule(minutes=minutes, scope=Scope(known))


# --- pure rules ----------------------------------------------------------------------------


def round_up(*, ms: int, minutes: int) -> int:
    """`ms` rounded up to a whole number of `minutes` (unchanged without a step)."""
    if minutes <= 0 or ms <= 0:
        return max(ms, 0)
    step = minutes * MS_PER_MINUTE
    return -(-ms // step) * step


@dataclass(frozen=True)
class Piece:
    """One billable entry: its task, the local day it started on, its raw milliseconds."""

    task_id: int
    day: date
    ms: int


def day_of(*, start: datetime, zone: str) -> pendulum.Date:
    """The local day an entry belongs to: the one it started on."""
    return pendulum.instance(start).in_timezone(zone).date()


def billed_ms(*, pieces: Iterable[Piece], rule: RoundingRule) -> int:
    """The billed milliseconds of `pieces` under `rule`."""
    if rule.scope == Scope.ENTRY:
        return sum(round_up(ms=piece.ms, minutes=rule.minutes) for piece in pieces)
    groups: dict[tuple[int, date], int] = {}
    for piece in pieces:
        key = (piece.task_id, piece.day)
        groups[key] = groups.get(key, 0) + piece.ms
    return sum(round_up(ms=ms, minutes=rule.minutes) for ms in groups.values())


def is_billable(*, entry: bool | None, task: bool | None, client: bool, client_code: str) -> bool:
    """An entry's own say, else its task's, else its client's; never for the agency itself."""
    if client_code == AGENCY_CODE:
        return False
    for say in (entry, task):
        if say is not None:
            return say
    return client


# --- store ---------------------------------------------------------------------------------


def billable_clause() -> ColumnElement[bool]:
    """The SQL form of `is_billable`, for queries joining entries, tasks and clients."""
    return and_(
        col(Client.code) != AGENCY_CODE,
        func.coalesce(col(TimeEntry.billable), col(Task.billable), col(Client.billable)) == true(),
    )


def _day_index(*, span: Span, zone: str) -> ColumnElement:
    """Which local day of `span` an entry started on, as 0, 1, …: a CASE over the days'
    bounds, so the database groups by local day on either back end, DST included."""
    first = pendulum.instance(span.start).in_timezone(zone).date()
    last = pendulum.instance(span.end).in_timezone(zone).subtract(microseconds=1).date()
    bounds = []
    day = first.add(days=1)
    while day <= last:
        bounds.append(days_span(first=day, last=day, zone=zone).start)
        day = day.add(days=1)
    if not bounds:
        return literal(0)
    return case(
        *((col(TimeEntry.start) < bound, index) for index, bound in enumerate(bounds)),
        else_=len(bounds),
    )


def started_inside(*, span: Span) -> tuple[ColumnElement[bool], ...]:
    """The conditions of live entries started inside `span`: each belongs wholly there."""
    return (
        col(TimeEntry.archived_at).is_(None),
        col(TimeEntry.start) >= span.start,
        col(TimeEntry.start) < span.end,
    )


@dataclass(frozen=True)
class Billed:
    """A client's time started inside a span: raw, billable raw, and billed (rounded)."""

    raw_hours: float
    billable_hours: float
    billed_hours: float


def billed_by_client(
    session: Session, *, span: Span, client_ids: Sequence[int]
) -> dict[int, Billed]:
    """Per client, the time of entries that started inside `span`, in one grouped query.

    The database sums each task's entries per local day, raw and billed: rounded per
    entry, or the day's sum rounded, by the client's rule (an unknown scope: per entry,
    as `rule_of` reads it).
    """
    dialect = session.get_bind().dialect.name
    ms = cast(milliseconds(dialect=dialect, now=clock.now()), BigInteger)
    least = func.max if dialect == "sqlite" else func.greatest
    step = least(col(Client.rounding_minutes) * MS_PER_MINUTE, 1)  # 1 ms: not rounded
    day_step = func.max(step)  # one client per group: its step
    day_ms = cast(func.sum(ms), BigInteger)
    billed_ms_sql = case(
        (
            func.max(col(Client.rounding_scope)) == Scope.TASK_DAY.value,
            (day_ms + day_step - 1) // day_step * day_step,
        ),
        else_=func.sum((ms + step - 1) // step * step),
    )
    day = _day_index(span=span, zone=clock.zone())
    billable = case((billable_clause(), 1), else_=0)
    rows = session.exec(
        select(Client.id, billable, func.sum(ms), billed_ms_sql)
        .join(Task, col(Task.id) == col(TimeEntry.task_id))
        .join(Client, col(Client.id) == col(Task.client_id))
        .where(*started_inside(span=span))
        .group_by(col(Client.id), col(Task.id), day, billable)
    ).all()
    raw: dict[int, int] = dict.fromkeys(client_ids, 0)
    plain: dict[int, int] = dict.fromkeys(client_ids, 0)
    billed: dict[int, int] = dict.fromkeys(client_ids, 0)
    for client_id, is_billed, total, rounded in rows:
        if client_id is None or client_id not in raw:
            continue
        total = max(int(total or 0), 0)
        raw[client_id] += total
        if is_billed:
            plain[client_id] += total
            billed[client_id] += max(int(rounded or 0), 0)
    return {
        client_id: Billed(
            raw_hours=raw[client_id] / 3_600_000,
            billable_hours=plain[client_id] / 3_600_000,
            billed_hours=billed[client_id] / 3_600_000,
        )
        for client_id in client_ids
    }


def client_billed(engine: Engine, *, client_id: int, span: Span) -> Billed:
    """One client's raw, billable and billed hours of the entries started inside `span`."""
    with reading(engine) as session:
        if session.get(Client, client_id) is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        return billed_by_client(session, span=span, client_ids=[client_id])[client_id]


# --- settings ------------------------------------------------------------------------------


def set_entry_billable(engine: Engine, *, entry_id: int, billable: bool | None) -> TimeEntry:
    """An entry's own say on billing (None: as its task, then its client says)."""
    with transaction(engine) as session:
        entry = session.get(TimeEntry, entry_id, with_for_update=True)
        if entry is None or entry.archived_at is not None:
            raise NotFoundError(_("no time entry with id {id}", id=entry_id))
        entry.billable = billable
        session.add(entry)
        return entry


def entries_billable(engine: Engine, *, entry_ids: Sequence[int]) -> dict[int, bool]:
    """Whether each entry is billed, for a list of entries (the `T` screen)."""
    if not entry_ids:
        return {}
    with reading(engine) as session:
        rows = session.exec(
            select(
                TimeEntry.id,
                func.coalesce(col(TimeEntry.billable), col(Task.billable), col(Client.billable)),
                Client.code,
            )
            .join(Task, col(Task.id) == col(TimeEntry.task_id))
            .join(Client, col(Client.id) == col(Task.client_id))
            .where(col(TimeEntry.id).in_(list(entry_ids)))
        ).all()
    return {
        entry_id: is_billable(entry=None, task=None, client=bool(says), client_code=code)
        for entry_id, says, code in rows
        if entry_id is not None
    }
