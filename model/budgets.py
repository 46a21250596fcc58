"""Budgets: each client's paid hours per month, and how fast they burn.

A budget recurs every month: a `Budget` row holds from its `from_month` until
a later row, so a change "from March on" never rewrites January. A month uses
its billed hours (model.billing): the billable entries that started in its
local bounds, rounded by the client's rule, so an entry over a month boundary
belongs wholly to the month it started. The level, the hours left, the
forecast and the alerts read that, as the carries between months do
(model.carry: a month's budget is sold + carried − owed), so the header, the
history and the reports all say one number. Raw time is kept beside it.

"Still planned" is kept simple on purpose: for each of the client's open
sprints that start in the month, the estimate minus the hours already spent of
every task not yet done (never below zero per task).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import pendulum
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.billing import billed_by_client
from model.carry import POLICY_COLUMNS, Carrier, carried_in, carrier, carrier_of
from model.db import reading, transaction
from model.i18n import _
from model.paid import in_force
from model.tables import Budget, Client, ClientStatus, Sprint, SprintState, Status, Task
from model.tasks import NotFoundError, ValidationError
from model.timetrack import hours_by_task
from model.undo import Done, Step, put_back, row_state
from model.weeks import month_span, month_start

MAX_MONTHLY_HOURS = 10_000.0
WARNING_SHARE = 0.8


class Level(StrEnum):
    NONE = "none"  # no budget set
    OK = "ok"
    WARNING = "warning"
    OVER = "over"


@dataclass(frozen=True)
class BudgetStatus:
    client_id: int
    month: pendulum.Date
    budget_hours: float | None
    """The month's available hours: sold, plus carried in, less owed (model.carry)."""
    spent_hours: float
    """Raw time of every entry started in the month, billable or not: shown beside billed."""
    planned_hours: float
    level: Level
    runs_out_on: pendulum.Date | None
    billed_hours: float = 0.0
    """The billable entries started in the month, rounded by the client's rule: what the
    month uses of its budget."""
    carried_hours: float = 0.0
    """Hours carried in from earlier months, less hours owed to them (negative: a deficit)."""

    @property
    def sold_hours(self) -> float | None:
        """The month's paid hours alone, without what was carried."""
        return None if self.budget_hours is None else self.budget_hours - self.carried_hours

    @property
    def remaining_hours(self) -> float | None:
        """Paid hours not yet billed (negative when over)."""
        return None if self.budget_hours is None else self.budget_hours - self.billed_hours

    @property
    def free_hours(self) -> float | None:
        """Paid hours neither spent nor planned: what the Plan screen can still fill."""
        remaining = self.remaining_hours
        return None if remaining is None else remaining - self.planned_hours

    @property
    def burn_percent(self) -> float | None:
        if self.budget_hours is None or self.budget_hours <= 0:
            return None
        return self.billed_hours / self.budget_hours * 100


def level_of(*, spent: float, budget: float | None) -> Level:
    """ok below 80 %, warning from 80 %, over from 100 %; a zero budget is over at any time,
    and a month that owes more than it was sold is over before any hour is spent."""
    if budget is None:
        return Level.NONE
    if (spent > 0 or budget < 0) and spent >= budget:
        return Level.OVER
    if budget > 0 and spent >= WARNING_SHARE * budget:
        return Level.WARNING
    return Level.OK


def runs_out_on(
    *, month: pendulum.Date, budget: float | None, spent: float, today: pendulum.Date
) -> pendulum.Date | None:
    """The working day the budget is used up at this month's pace so far, if within the month.

    Pace is the hours spent per working day elapsed (today included); the budget
    lasts `budget / pace` working days counted from the month's first, so for a
    budget already used up this is about the day it ran out.
    """
    days = _working_days_of(first=month_start(day=month))
    elapsed = bisect_right(days, today)
    if budget is None or elapsed == 0 or spent <= 0:
        return None
    lasting = max(math.ceil(budget / (spent / elapsed)), 1)
    return days[lasting - 1] if lasting <= len(days) else None


@lru_cache(maxsize=32)
def _working_days_of(*, first: pendulum.Date) -> tuple[pendulum.Date, ...]:
    """Monday to Friday of the month from `first`: the same for every client of a status
    screen, so it is worked out once rather than per client."""
    days = (first.add(days=offset) for offset in range(31))
    return tuple(day for day in days if day.month == first.month and day.weekday() < 5)


def _budget_rows(
    session: Session, *, month: pendulum.Date, client_ids: Sequence[int]
) -> list[Budget]:
    return list(
        session.exec(
            select(Budget).where(Budget.client_id.in_(client_ids), Budget.from_month <= month)
        ).all()
    )


def paid_hours(engine: Engine, *, client_id: int, month: pendulum.Date) -> float | None:
    """The client's paid hours for the month holding `month`, or None without a budget."""
    first = month_start(day=month)
    with reading(engine) as session:
        rows = _budget_rows(session, month=first, client_ids=[client_id])
    return in_force(rows=rows, month=first).get(client_id)


def check_hours(*, hours: float) -> None:
    """Paid hours a month are a number from 0 to MAX_MONTHLY_HOURS (no NaN, no infinity)."""
    if not (isinstance(hours, int | float) and 0 <= hours <= MAX_MONTHLY_HOURS):
        raise ValidationError(
            _("the budget must be between 0 and {limit} hours", limit=int(MAX_MONTHLY_HOURS)),
            field="hours",
        )


@dataclass(frozen=True)
class BudgetChange:
    """A budget set from a month on: what it was before, and whether that month is
    already behind us (its hours may have been invoiced: allowed, but said)."""

    client_id: int
    from_month: pendulum.Date
    hours: float
    previous_hours: float | None
    past_month: bool


def set_budget(
    engine: Engine, *, client_id: int, from_month: pendulum.Date, hours: float
) -> Done[BudgetChange]:
    """Paid hours per month from `from_month` on; earlier months keep their budget."""
    check_hours(hours=hours)
    first = month_start(day=from_month)
    with transaction(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        previous = in_force(
            rows=_budget_rows(session, month=first, client_ids=[client_id]), month=first
        ).get(client_id)
        row = session.exec(
            select(Budget).where(Budget.client_id == client_id, Budget.from_month == first)
        ).first()
        before = None if row is None else row_state(row)
        row = row or Budget(client_id=client_id, from_month=first, hours=hours)
        row.hours = hours
        session.add(row)
        session.flush()
        row_id = row.id
    change = BudgetChange(
        client_id=client_id,
        from_month=first,
        hours=hours,
        previous_hours=previous,
        past_month=first < month_start(day=clock.today()),
    )
    return Done(
        value=change,
        undo=Step(
            label=_("paid hours of {code}", code=client.code),
            revert=lambda: put_back(engine, table=Budget, row_id=row_id, state=before),
        ),
    )


@dataclass(frozen=True)
class BudgetRow:
    from_month: pendulum.Date
    hours: float


def budget_history(engine: Engine, *, client_id: int) -> list[BudgetRow]:
    """Every change of the client's paid hours, by the month it holds from."""
    with reading(engine) as session:
        rows = session.exec(
            select(Budget).where(Budget.client_id == client_id).order_by(Budget.from_month)
        ).all()
    return [
        BudgetRow(from_month=pendulum.date(r.from_month.year, r.from_month.month, 1), hours=r.hours)
        for r in rows
    ]


def _planned(
    session: Session, *, month: pendulum.Date, client_ids: Sequence[int]
) -> dict[int, float]:
    """Per client, estimate minus spent of unfinished tasks in the month's open sprints.

    The tasks are found through their sprints and the clients picked here: a client
    filter in SQL would lead the planner to walk every task of every client.
    """
    planned = dict.fromkeys(client_ids, 0.0)
    rows = session.exec(
        select(Task.id, Task.client_id, Task.estimate_hours)
        .join(Sprint, Sprint.id == Task.sprint_id)
        .where(
            Sprint.state == SprintState.OPEN,
            Sprint.week_start >= month,
            Sprint.week_start < month.add(months=1),
            Task.status != Status.DONE,
            Task.archived_at.is_(None),
            Task.estimate_hours.is_not(None),
        )
    ).all()
    # In task order, so that each client's sum adds up the same way on every back end.
    ordered = sorted((row for row in rows if row.client_id in planned), key=lambda row: row.id)
    spent = hours_by_task(session, task_ids=[task_id for task_id, _client, _estimate in ordered])
    for task_id, client_id, estimate in ordered:
        planned[client_id] += max(estimate - spent[task_id], 0.0)
    return planned


def paid_by_client(
    session: Session, *, month: pendulum.Date, client_ids: Sequence[int]
) -> dict[int, float]:
    """Per client with a budget, the paid hours of the month holding `month`."""
    first = month_start(day=month)
    return in_force(rows=_budget_rows(session, month=first, client_ids=client_ids), month=first)


def statuses_in(
    session: Session,
    *,
    month: pendulum.Date,
    carriers: Sequence[Carrier],
    with_planned: bool = True,
) -> dict[int, BudgetStatus]:
    """The month's status of each client of `carriers`, read in `session` (so a report that
    reads more keeps one snapshot): a few grouped queries, two more when any client carries.
    Without `with_planned` (for a reader that does not show it) planned hours are 0, and
    its two queries are saved."""
    client_ids = [each.client_id for each in carriers]
    first = month_start(day=month)
    today = clock.today()
    paid = paid_by_client(session, month=first, client_ids=client_ids)
    planned = (
        _planned(session, month=first, client_ids=client_ids)
        if with_planned
        else dict.fromkeys(client_ids, 0.0)
    )
    billed = billed_by_client(
        session, span=month_span(month=first, zone=clock.zone()), client_ids=client_ids
    )
    carried = carried_in(session, month=first, carriers=carriers)
    statuses = {}
    for client_id in client_ids:
        rolled = carried.get(client_id)
        budget = paid.get(client_id)
        if rolled is not None and (budget is not None or rolled.carried_in_hours):
            budget = rolled.available
        else:
            rolled = None
        used = billed[client_id].billed_hours
        statuses[client_id] = BudgetStatus(
            client_id=client_id,
            month=first,
            budget_hours=budget,
            spent_hours=billed[client_id].raw_hours,
            planned_hours=planned[client_id],
            level=level_of(spent=used, budget=budget),
            runs_out_on=runs_out_on(month=first, budget=budget, spent=used, today=today),
            billed_hours=used,
            carried_hours=0.0 if rolled is None else rolled.carried_in_hours,
        )
    return statuses


def budget_status(
    engine: Engine,
    *,
    client_id: int,
    month: pendulum.Date | None = None,
    with_planned: bool = True,
) -> BudgetStatus:
    """One client's budget for the month holding `month` (this month by default)."""
    with reading(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        carriers = [carrier_of(client)]
        statuses = statuses_in(
            session, month=month or clock.today(), carriers=carriers, with_planned=with_planned
        )
        return statuses[client_id]


def budget_statuses(engine: Engine, *, month: pendulum.Date) -> dict[int, BudgetStatus]:
    """Every client that is not archived, keyed by client id, in a handful of queries (two
    more when any client carries hours between months)."""
    with reading(engine) as session:
        rows = session.execute(
            select_columns(*POLICY_COLUMNS).where(Client.status != ClientStatus.ARCHIVED)
        ).all()
        return statuses_in(session, month=month, carriers=[carrier(*row) for row in rows])
