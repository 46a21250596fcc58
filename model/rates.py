"""Rates, and the money of a retainer: what a month's hours were sold for, used and left.

A client may have an hourly rate for all its time, and one per role (an hour of a
designer's costs more than a junior's): an entry is priced at the rate of its
member's role at that client, else at the client's rate, else not at all (it is
counted as unpriced, never as free). Rates are whole cents of the agency's one
currency (config `currency`), so sums are exact integers on both back ends.

Only managers see money: every function here that returns money, or changes a
rate, takes the asking member and refuses anyone else (`ForbiddenError`), so no
screen or command can show money by forgetting to hide it.

Used money prices billed time (model.billing: billable entries, rounded by the
client's rule). A rule per task and day rounds a group that may hold members of
different rates: its billed time is priced at their rates weighted by raw time,
so money always prices exactly the billed hours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pendulum
from sqlalchemy import BigInteger, and_, case, cast, func
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from model import clock
from model.billing import billable_clause, billed_terms, in_span
from model.budgets import paid_by_client
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError, check_line
from model.i18n import _
from model.members import check_manager
from model.tables import Client, ClientStatus, Member, Rate, Task, TimeEntry
from model.undo import Done, Step, put_back, row_state
from model.weeks import month_span, month_start

MAX_RATE_CENTS = 10_000_000
"""100,000.00 an hour: more is a typo (and keeps every sum far inside 64-bit integers)."""
MS_PER_HOUR = 3_600_000
_AMOUNT = re.compile(r"^\d+(?:[.,]\d{1,2})?$")


# --- pure rules ----------------------------------------------------------------------------


def parse_rate(*, text: str | Decimal | int) -> int:
    """An hourly rate as typed ("85", "85.50", "85,5") in whole cents; refused when it is
    not such a number, is negative, has more than two decimals, or is over the limit."""
    typed = str(text).strip()
    if typed.startswith("-"):
        raise ValidationError(_("a rate cannot be negative"), field="rate")
    if isinstance(text, bool) or not _AMOUNT.match(typed):
        raise ValidationError(
            _("{text!r} is not an amount like 85 or 85.50", text=typed), field="rate"
        )
    cents = int(Decimal(typed.replace(",", ".")) * 100)
    if cents > MAX_RATE_CENTS:
        raise ValidationError(
            _("a rate is at most {limit} an hour", limit=MAX_RATE_CENTS // 100), field="rate"
        )
    return cents


def to_money(*, cents: Fraction | int) -> Decimal:
    """Cents, exact, as money: two places, half a cent rounded up."""
    return Decimal(math.floor(Fraction(cents) + Fraction(1, 2))).scaleb(-2)


def priced_cents(*, ms: int, cents_per_hour: int) -> Fraction:
    """What `ms` of billed time costs at a rate, in cents, exact."""
    return Fraction(max(ms, 0) * cents_per_hour, MS_PER_HOUR)


def sold_money(*, hours: float, cents_per_hour: int) -> Decimal:
    """Sold money: the month's paid hours at the client's rate (hours as typed, not as a
    binary float: 37.3 h is 37.3 h)."""
    return to_money(cents=Fraction(Decimal(repr(hours))) * cents_per_hour)


@dataclass(frozen=True)
class PricedGroup:
    """One client's billable entries of a task and a local day, as the database sums them.

    `value` sums are milliseconds times cents an hour; `priced` sums count only the
    entries that have a rate."""

    per_task_day: bool
    raw_ms: int
    priced_raw_ms: int
    raw_value: int
    day_billed_ms: int
    entry_billed_ms: int
    priced_entry_billed_ms: int
    entry_value: int


def group_money(group: PricedGroup) -> tuple[Fraction, Fraction]:
    """A group's used money in cents and its billed milliseconds left unpriced (no rate)."""
    if not group.per_task_day:
        left_out = max(group.entry_billed_ms - group.priced_entry_billed_ms, 0)
        return Fraction(max(group.entry_value, 0), MS_PER_HOUR), Fraction(left_out)
    if group.raw_ms <= 0:
        return Fraction(0), Fraction(0)
    share = Fraction(max(group.day_billed_ms, 0), group.raw_ms)
    unpriced = share * max(group.raw_ms - group.priced_raw_ms, 0)
    return Fraction(max(group.raw_value, 0), MS_PER_HOUR) * share, unpriced


# --- rates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateView:
    client_id: int
    role: str
    """Empty: the client's rate for all its time."""
    amount: Decimal


def _view(rate: Rate) -> RateView:
    return RateView(client_id=rate.client_id, role=rate.role, amount=to_money(cents=rate.cents))


def _role(role: str | None) -> str:
    return check_line(value=role or "", field="role", limit=120, required=False)


def _spelled(session: Session, *, client_id: int, role: str) -> str:
    """`role` as the team or the client's rates already spell it ("design" → "Design"):
    an entry finds its role rate by the member's role as stored, letter for letter."""
    if not role:
        return role
    known = {
        *session.exec(select(Member.role).where(Member.role != "")).all(),
        *session.exec(select(Rate.role).where(Rate.client_id == client_id)).all(),
    }
    wanted = role.casefold()
    return next((name for name in sorted(known) if name.casefold() == wanted), role)


def _client(session: Session, *, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(_("no client with id {id}", id=client_id))
    return client


def _rate_row(session: Session, *, client_id: int, role: str) -> Rate | None:
    return session.exec(select(Rate).where(Rate.client_id == client_id, Rate.role == role)).first()


def set_rate(
    engine: Engine,
    *,
    client_id: int,
    rate: str | Decimal | int,
    role: str | None = None,
    member_id: int | None,
) -> Done[RateView]:
    """The client's hourly rate (for members of `role` only, when given); a manager's."""
    cents, role_name = parse_rate(text=rate), _role(role)
    with transaction(engine) as session:
        check_manager(session, member_id=member_id, refusal=_("only a manager sets rates"))
        client = _client(session, client_id=client_id)
        role_name = _spelled(session, client_id=client_id, role=role_name)
        row = _rate_row(session, client_id=client_id, role=role_name)
        before = None if row is None else row_state(row)
        row = row or Rate(client_id=client_id, role=role_name, cents=cents)
        row.cents = cents
        session.add(row)
        session.flush()
        row_id = row.id
        assert row_id is not None
        view = _view(row)
    return Done(
        value=view,
        undo=Step(
            label=_("rate of {code}", code=client.code),
            revert=lambda: put_back(engine, table=Rate, row_id=row_id, state=before),
        ),
    )


def clear_rate(
    engine: Engine, *, client_id: int, role: str | None = None, member_id: int | None
) -> Done[RateView]:
    """Remove the client's rate (or its rate for `role`); a manager's. Returns what it was."""
    role_name = _role(role)
    with transaction(engine) as session:
        check_manager(session, member_id=member_id, refusal=_("only a manager sets rates"))
        client = _client(session, client_id=client_id)
        role_name = _spelled(session, client_id=client_id, role=role_name)
        row = _rate_row(session, client_id=client_id, role=role_name)
        if row is None:
            if role_name:
                message = _("{code} has no rate for {role}", code=client.code, role=role_name)
            else:
                message = _("{code} has no rate of its own", code=client.code)
            raise ValidationError(message, field="rate")
        view = _view(row)
        cents = row.cents
        session.delete(row)

    def revert() -> None:
        with transaction(engine) as session:
            if _rate_row(session, client_id=client_id, role=role_name) is None:
                session.add(Rate(client_id=client_id, role=role_name, cents=cents))

    return Done(value=view, undo=Step(label=_("rate of {code}", code=client.code), revert=revert))


def client_rates(engine: Engine, *, client_id: int, member_id: int | None) -> list[RateView]:
    """The client's rates, its own first, then by role; a manager's to see."""
    with reading(engine) as session:
        check_manager(session, member_id=member_id, refusal=_("only a manager sees money"))
        _client(session, client_id=client_id)
        rows = session.exec(
            select(Rate).where(Rate.client_id == client_id).order_by(Rate.role)
        ).all()
        return [_view(row) for row in rows]


# --- money ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    """A client's month in money: sold (paid hours at its rate), used (billed time at the
    rates of who did it) and left; `unpriced_hours` are billed hours no rate prices."""

    client_id: int
    month: pendulum.Date
    sold: Decimal | None
    """None without a budget or without a rate of the client's own."""
    used: Decimal
    unpriced_hours: float

    @property
    def left(self) -> Decimal | None:
        """Sold money not yet used (negative when over)."""
        return None if self.sold is None else self.sold - self.used


def _used(
    session: Session, *, month: pendulum.Date, client_ids: Sequence[int]
) -> dict[int, tuple[Fraction, Fraction]]:
    """Per client, used money in cents and unpriced billed milliseconds: one query grouped
    by client, task and local day, as billed time is (model.billing)."""
    terms = billed_terms(session, span=month_span(month=month, zone=clock.zone()))
    by_role, own = aliased(Rate), aliased(Rate)
    rate = func.coalesce(col(by_role.cents), col(own.cents))
    priced = rate.is_not(None)
    ms, entry_billed = terms.ms, terms.entry_billed

    def total(term):
        return func.coalesce(cast(func.sum(term), BigInteger), 0)

    rows = session.execute(
        sql_select(
            col(Client.id),
            terms.per_task_day,
            total(ms),
            total(case((priced, ms), else_=0)),
            total(ms * func.coalesce(rate, 0)),
            terms.day_billed,
            total(entry_billed),
            total(case((priced, entry_billed), else_=0)),
            total(entry_billed * func.coalesce(rate, 0)),
        )
        .join(Task, col(Task.id) == col(TimeEntry.task_id))
        .join(Client, col(Client.id) == col(Task.client_id))
        .join(Member, col(Member.id) == col(TimeEntry.member_id))
        .outerjoin(
            by_role,
            and_(
                col(by_role.client_id) == col(Client.id),
                col(by_role.role) == col(Member.role),
                col(Member.role) != "",
            ),
        )
        .outerjoin(own, and_(col(own.client_id) == col(Client.id), col(own.role) == ""))
        .where(*in_span(span=month_span(month=month, zone=clock.zone())), billable_clause())
        .group_by(*terms.group_by)
    ).all()
    used = {client_id: (Fraction(0), Fraction(0)) for client_id in client_ids}
    for client_id, per_day, *sums in rows:
        if client_id not in used:
            continue
        raw, priced_raw, raw_value, day_billed, billed, priced_billed, value = (
            int(number or 0) for number in sums
        )
        cents, unpriced = group_money(
            PricedGroup(
                per_task_day=bool(per_day),
                raw_ms=raw,
                priced_raw_ms=priced_raw,
                raw_value=raw_value,
                day_billed_ms=day_billed,
                entry_billed_ms=billed,
                priced_entry_billed_ms=priced_billed,
                entry_value=value,
            )
        )
        held = used[client_id]
        used[client_id] = (held[0] + cents, held[1] + unpriced)
    return used


def _money(
    session: Session, *, month: pendulum.Date, client_ids: Sequence[int]
) -> dict[int, Money]:
    first = month_start(day=month)
    paid = paid_by_client(session, month=first, client_ids=client_ids)
    own = dict(
        session.exec(
            select(Rate.client_id, Rate.cents).where(
                col(Rate.client_id).in_(list(client_ids)), Rate.role == ""
            )
        ).all()
    )
    used = _used(session, month=first, client_ids=client_ids)
    out: dict[int, Money] = {}
    for client_id in client_ids:
        hours, cents = paid.get(client_id), own.get(client_id)
        out[client_id] = Money(
            client_id=client_id,
            month=first,
            sold=None
            if hours is None or cents is None
            else sold_money(hours=hours, cents_per_hour=cents),
            used=to_money(cents=used[client_id][0]),
            unpriced_hours=float(used[client_id][1]) / MS_PER_HOUR,
        )
    return out


def client_money(
    engine: Engine, *, client_id: int, month: pendulum.Date, member_id: int | None
) -> Money:
    """One client's month in money; a manager's to see."""
    with reading(engine) as session:
        check_manager(session, member_id=member_id, refusal=_("only a manager sees money"))
        _client(session, client_id=client_id)
        return _money(session, month=month, client_ids=[client_id])[client_id]


def money_by_client(
    engine: Engine, *, month: pendulum.Date, member_id: int | None
) -> dict[int, Money]:
    """Every client that is not archived, keyed by id, in money; a manager's to see."""
    with reading(engine) as session:
        check_manager(session, member_id=member_id, refusal=_("only a manager sees money"))
        client_ids = [
            client_id
            for client_id in session.exec(
                select(Client.id).where(Client.status != ClientStatus.ARCHIVED)
            ).all()
            if client_id is not None
        ]
        return _money(session, month=month, client_ids=client_ids)
