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
from typing import Any

import pendulum
from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, func, literal, true
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from model import clock
from model.db import reading, transaction
from model.i18n import _
from model.tables import Client, Task, TimeEntry
from model.tasks import NotFoundError, ValidationError
from model.timesheets import check_entry_unlocked
from model.timetrack import milliseconds
from model.undo import Done, Step
from model.weeks import Span, local_midnight

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


def _local_days(*, span: Span, zone: str) -> list[pendulum.Date]:
    """The local days `span` touches, first to last."""
    day = pendulum.instance(span.start).in_timezone(zone).date()
    last = pendulum.instance(span.end).in_timezone(zone).subtract(microseconds=1).date()
    days = []
    while day <= last:
        days.append(day)
        day = day.add(days=1)
    return days


def _first_before(*, bounds: Sequence[datetime], low: int, high: int) -> ColumnElement:
    """How many of `bounds` (ascending) an entry started at or after, as a CASE the database
    works out by halves: a span of years has hundreds of days, and each entry is placed
    in a handful of comparisons rather than one per day."""
    if high - low <= 8:
        if low == high:
            return literal(high)
        return case(
            *((col(TimeEntry.start) < bounds[index], index) for index in range(low, high)),
            else_=high,
        )
    middle = (low + high) // 2
    return case(
        (col(TimeEntry.start) < bounds[middle], _first_before(bounds=bounds, low=low, high=middle)),
        else_=_first_before(bounds=bounds, low=middle + 1, high=high),
    )


def _index_of(*, firsts: Sequence[pendulum.Date], zone: str) -> ColumnElement:
    """Which of the local days or months starting on `firsts` an entry started in, as 0, 1, …:
    a CASE over their local bounds, so the database groups by them on either back end, DST
    included."""
    bounds = [local_midnight(day=first, zone=zone) for first in firsts[1:]]
    return _first_before(bounds=bounds, low=0, high=len(bounds))


@dataclass(frozen=True)
class Billed:
    """A client's time started inside a span: raw, billable raw, and billed (rounded)."""

    raw_hours: float
    billable_hours: float
    billed_hours: float


@dataclass(frozen=True)
class BilledTerms:
    """The SQL pieces of billed time, for queries that join entries, tasks and clients and
    group by `group_by` (client, task, local day): money is summed from the same ones."""

    ms: ColumnElement
    """An entry's raw milliseconds."""
    entry_billed: ColumnElement
    """An entry's milliseconds rounded up by its client's step."""
    day_billed: ColumnElement
    """An aggregate: the group's summed milliseconds rounded up by its client's step."""
    per_task_day: ColumnElement
    """An aggregate: whether the group's client rounds per task and day."""
    group_by: tuple[Any, ...]


def billed_terms(session: Session, *, span: Span) -> BilledTerms:
    """The billed-time terms of entries started inside `span`, on the session's back end."""
    dialect = session.get_bind().dialect.name
    zone = clock.zone()
    ms = cast(milliseconds(dialect=dialect, now=clock.now()), BigInteger)
    least = func.max if dialect == "sqlite" else func.greatest
    step = least(col(Client.rounding_minutes) * MS_PER_MINUTE, 1)  # 1 ms: not rounded
    day_step = func.max(step)  # one client per group: its step
    day_ms = cast(func.sum(ms), BigInteger)
    return BilledTerms(
        ms=ms,
        entry_billed=(ms + step - 1) // step * step,
        day_billed=(day_ms + day_step - 1) // day_step * day_step,
        per_task_day=func.max(col(Client.rounding_scope)) == Scope.TASK_DAY.value,
        group_by=(
            col(Client.id),
            col(Task.id),
            _index_of(firsts=_local_days(span=span, zone=zone), zone=zone),
        ),
    )


def in_span(*, span: Span) -> tuple[ColumnElement[bool], ...]:
    """The entries billed time counts in `span`: not archived, started inside it."""
    return (
        col(TimeEntry.archived_at).is_(None),
        col(TimeEntry.start) >= span.start,
        col(TimeEntry.start) < span.end,
    )


@dataclass(frozen=True)
class _PeriodGroup:
    """A client's billable or other time of one local month or day, as the database summed it."""

    client_id: int
    first: pendulum.Date
    """The period's first day."""
    billed: bool
    raw_ms: int
    billed_ms: int


def _period_groups(
    session: Session,
    *,
    span: Span,
    client_ids: Sequence[int],
    filter_clients: bool,
    by_day: bool = False,
) -> list[_PeriodGroup]:
    """Each client's time per local month (or day, `by_day`) of the entries started inside
    `span`, in one query.

    The database sums each task's entries per local day, raw and billed: rounded per
    entry, or the day's sum rounded, by the client's rule (an unknown scope: per entry,
    as `rule_of` reads it); only entries rounded per day are placed in their day. Then it
    adds the days up by period, so a few rows come back however long the span. The client
    filter goes into SQL only when asked (`filter_clients`): for a month of every client
    it would lead the planner to walk each client's whole history, for a few clients over
    years it is what keeps it short.
    """
    dialect = session.get_bind().dialect.name
    zone = clock.zone()
    ms = cast(milliseconds(dialect=dialect, now=clock.now()), BigInteger)
    least = func.max if dialect == "sqlite" else func.greatest
    days = _local_days(span=span, zone=zone)
    periods = days if by_day else sorted({pendulum.date(day.year, day.month, 1) for day in days})
    conditions = list(in_span(span=span))
    if filter_clients:
        conditions.append(col(Task.client_id).in_(list(client_ids)))
    rounds_per_day = col(Client.rounding_scope) == Scope.TASK_DAY.value
    entries = (
        select_columns(  # more columns than SQLModel's `select` is typed for
            col(Client.id).label("client_id"),
            col(Task.id).label("task_id"),
            case((rounds_per_day, _index_of(firsts=days, zone=zone)), else_=-1).label("day"),
            _index_of(firsts=periods, zone=zone).label("period"),
            case((billable_clause(), 1), else_=0).label("billable"),
            col(Client.rounding_scope).label("scope"),
            least(col(Client.rounding_minutes) * MS_PER_MINUTE, 1).label("step"),  # 1: not rounded
            ms.label("ms"),
        )
        .join(Task, col(Task.id) == col(TimeEntry.task_id))
        .join(Client, col(Client.id) == col(Task.client_id))
        .where(*conditions)
        .subquery()
    )
    day_step = func.max(entries.c.step)  # one client per group: its step
    day_ms = cast(func.sum(entries.c.ms), BigInteger)
    task_days = (
        select_columns(
            entries.c.client_id,
            entries.c.period,
            entries.c.billable,
            day_ms.label("raw"),
            case(
                (
                    func.max(entries.c.scope) == Scope.TASK_DAY.value,
                    (day_ms + day_step - 1) // day_step * day_step,
                ),
                else_=func.sum(
                    (entries.c.ms + entries.c.step - 1) // entries.c.step * entries.c.step
                ),
            ).label("billed"),
        )
        .group_by(
            entries.c.client_id,
            entries.c.task_id,
            entries.c.day,
            entries.c.period,
            entries.c.billable,
        )
        .subquery()
    )
    rows = session.execute(
        select_columns(
            task_days.c.client_id,
            task_days.c.period,
            task_days.c.billable,
            func.sum(task_days.c.raw),
            func.sum(task_days.c.billed),
        ).group_by(task_days.c.client_id, task_days.c.period, task_days.c.billable)
    ).all()
    wanted = set(client_ids)
    return [
        _PeriodGroup(
            client_id=client_id,
            first=periods[period],
            billed=bool(is_billed),
            raw_ms=max(int(total or 0), 0),
            billed_ms=max(int(rounded or 0), 0) if is_billed else 0,
        )
        for client_id, period, is_billed, total, rounded in rows
        if client_id in wanted
    ]


def billed_by_client(
    session: Session, *, span: Span, client_ids: Sequence[int]
) -> dict[int, Billed]:
    """Per client, the time of entries that started inside `span`, in one grouped query."""
    raw: dict[int, int] = dict.fromkeys(client_ids, 0)
    plain: dict[int, int] = dict.fromkeys(client_ids, 0)
    billed: dict[int, int] = dict.fromkeys(client_ids, 0)
    for group in _period_groups(session, span=span, client_ids=client_ids, filter_clients=False):
        raw[group.client_id] += group.raw_ms
        if group.billed:
            plain[group.client_id] += group.raw_ms
            billed[group.client_id] += group.billed_ms
    return {
        client_id: Billed(
            raw_hours=raw[client_id] / 3_600_000,
            billable_hours=plain[client_id] / 3_600_000,
            billed_hours=billed[client_id] / 3_600_000,
        )
        for client_id in client_ids
    }


def billed_by_period(
    session: Session, *, span: Span, client_ids: Sequence[int], by_day: bool = False
) -> dict[int, dict[date, float]]:
    """Per client, the billed hours of each local month of `span` (or day, `by_day`; periods
    without any left out), an entry wholly in the period it started: one grouped query."""
    billed: dict[int, dict[date, int]] = {client_id: {} for client_id in client_ids}
    groups = _period_groups(
        session, span=span, client_ids=client_ids, filter_clients=True, by_day=by_day
    )
    for group in groups:
        periods = billed[group.client_id]
        periods[group.first] = periods.get(group.first, 0) + group.billed_ms
    return {
        client_id: {first: ms / 3_600_000 for first, ms in periods.items()}
        for client_id, periods in billed.items()
    }


def client_billed(engine: Engine, *, client_id: int, span: Span) -> Billed:
    """One client's raw, billable and billed hours of the entries started inside `span`."""
    with reading(engine) as session:
        if session.get(Client, client_id) is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        return billed_by_client(session, span=span, client_ids=[client_id])[client_id]


# --- settings ------------------------------------------------------------------------------


def set_entry_billable(engine: Engine, *, entry_id: int, billable: bool | None) -> Done[TimeEntry]:
    """An entry's own say on billing (None: as its task, then its client says); an entry
    of an approved week keeps its say until the week is unlocked. The undo gives the entry
    back the say this replaced."""
    with transaction(engine) as session:
        entry = session.get(TimeEntry, entry_id, with_for_update=True)
        if entry is None or entry.archived_at is not None:
            raise NotFoundError(_("no time entry with id {id}", id=entry_id))
        check_entry_unlocked(session, entry=entry)
        before = entry.billable
        entry.billable = billable
        session.add(entry)
    return Done(
        value=entry,
        undo=Step(
            label=_("bill or not a time entry"),
            revert=lambda: set_entry_billable(engine, entry_id=entry_id, billable=before),
        ),
    )


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
