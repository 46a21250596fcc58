"""Carried hours out of the store: each client's months rolled (model.rollover) from its sums.

Three grouped queries, whatever the number of clients or months: the clients and
their policies, their budget rows, and their billed hours per month (model.billing,
an entry wholly in the month it started). Budgets read the month a status is for;
`retainer_months` reads the history that explains it.

A client carries from `rollover_since`, the month it began to carry or owe in
(set when its policy starts to, model.retainers); before that month, each month
stood alone, as clientdeck counted before rollover. A carrying client without
that month carries from the first month asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from model import clock
from model.billing import billed_by_period
from model.db import reading
from model.i18n import _
from model.paid import in_force
from model.rollover import (
    MonthRoll,
    Policy,
    month_range,
    policy_of,
    roll,
    shift_month,
)
from model.tables import Budget, Client
from model.tasks import NotFoundError, ValidationError
from model.weeks import Span, as_date, month_span, month_start

MAX_MONTHS = 120
"""The longest history asked for at once: ten years."""


@dataclass(frozen=True)
class RetainerMonths:
    """A client's months, oldest first, under the policy in force."""

    client_id: int
    policy: Policy
    since: date | None
    months: tuple[MonthRoll, ...]


@dataclass(frozen=True)
class Carrier:
    """What of a client its months are rolled by."""

    client_id: int
    policy: Policy
    since: date | None


POLICY_COLUMNS = (
    col(Client.id),
    col(Client.rollover),
    col(Client.carry_cap_hours),
    col(Client.carry_months),
    col(Client.overuse),
    col(Client.rollover_since),
)
"""The columns `carrier` reads: a query for clients selects them beside what it needs."""


def carrier(
    client_id: int,
    rollover: str,
    carry_cap_hours: float | None,
    carry_months: int | None,
    overuse: str,
    rollover_since: date | None,
) -> Carrier:
    """A client's policy from the `POLICY_COLUMNS` of its row."""
    policy = policy_of(
        rollover=rollover, cap_hours=carry_cap_hours, months=carry_months, overuse=overuse
    )
    return Carrier(client_id=client_id, policy=policy, since=rollover_since)


def carrier_of(client: Client) -> Carrier:
    assert client.id is not None
    return carrier(
        client.id,
        client.rollover,
        client.carry_cap_hours,
        client.carry_months,
        client.overuse,
        client.rollover_since,
    )


def _sold(
    session: Session, *, client_ids: Sequence[int], months: Sequence[date]
) -> dict[int, dict[date, float]]:
    """Per client, the paid hours of each of `months` (a month without a budget: none)."""
    rows = session.exec(
        select(Budget).where(
            col(Budget.client_id).in_(list(client_ids)), Budget.from_month <= months[-1]
        )
    ).all()
    sold: dict[int, dict[date, float]] = {client_id: {} for client_id in client_ids}
    for month in months:
        for client_id, hours in in_force(rows=rows, month=month).items():
            sold[client_id][month] = hours
    return sold


def _rolled(
    session: Session, *, carriers: Sequence[Carrier], first: date, last: date
) -> dict[int, RetainerMonths]:
    """Each client's months from `first` to `last`: alone before its carry began, rolled after."""
    ids = [each.client_id for each in carriers]
    starts: dict[int, date | None] = {}
    for each in carriers:
        since = month_start(day=as_date(each.since or first))
        starts[each.client_id] = since if each.policy.carries and since <= last else None
    earliest = min([first, *(start for start in starts.values() if start is not None)])
    months = month_range(first=earliest, last=last)
    sold = _sold(session, client_ids=ids, months=months)
    zone = clock.zone()
    span = Span(
        start=month_span(month=as_date(months[0]), zone=zone).start,
        end=month_span(month=as_date(months[-1]), zone=zone).end,
    )
    used = billed_by_period(session, span=span, client_ids=ids)
    rolled = {}
    for each in carriers:
        start = starts[each.client_id]
        alone = [month for month in months if start is None or month < start]
        carried = [] if start is None else month_range(first=start, last=last)
        figures = {"sold": sold[each.client_id], "used": used[each.client_id]}
        rolled[each.client_id] = RetainerMonths(
            client_id=each.client_id,
            policy=each.policy,
            since=start,
            months=tuple(
                month
                for month in [
                    *roll(months=alone, policy=Policy(), **figures),
                    *roll(months=carried, policy=each.policy, **figures),
                ]
                if month.month >= first
            ),
        )
    return rolled


def carried_in(
    session: Session, *, month: date, carriers: Sequence[Carrier]
) -> dict[int, MonthRoll]:
    """The month's roll of each client that carries or owes (the others have none): no query
    at all while no client does."""
    carrying = [each for each in carriers if each.policy.carries]
    if not carrying:
        return {}
    first = month_start(day=as_date(month))
    rolled = _rolled(session, carriers=carrying, first=first, last=first)
    return {client_id: months.months[-1] for client_id, months in rolled.items()}


def retainer_months(
    engine: Engine, *, client_id: int, last: date | None = None, count: int = 12
) -> RetainerMonths:
    """The client's `count` months up to `last` (this month by default): the "why" of its hours."""
    if isinstance(count, bool) or not 1 <= count <= MAX_MONTHS:
        raise ValidationError(
            _("the history is from 1 to {n} months long", n=MAX_MONTHS), field="months"
        )
    final = month_start(day=as_date(last or clock.today()))
    first = shift_month(final, by=1 - count)
    with reading(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        return _rolled(session, carriers=[carrier_of(client)], first=first, last=final)[client_id]
