"""Budget alerts: the thresholds of its month a client has reached, each said once.

A client is alerted when the hours used in a month reach each of its thresholds (shares
of the month's budget hours: 75, 90 and 100 % unless set otherwise), and when, at the
month's pace so far, its hours run out before the month ends. What is reached is worked
out from the budget statuses (`model.budgets`), so whatever makes up the month's budget
hours moves the alerts with it. Each crossing is logged in `BudgetAlert`, once per
client, month and kind: the app says only what the log did not hold yet, and two
people's apps looking at once log (and say) each crossing once, by the log's unique key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pendulum
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from model import clock
from model.budgets import BudgetStatus, Level, budget_statuses
from model.db import reading, transaction
from model.errors import ValidationError
from model.i18n import _
from model.tables import BudgetAlert, Client, ClientStatus
from model.weeks import month_start

FORECAST = "forecast"
"""The kind of the alert that the month's pace runs out before its end."""
DEFAULT_THRESHOLDS = "75,90,100"

_PERCENT = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def percent_kind(percent: Decimal) -> str:
    """A threshold as its alert's kind and as it is written: 90, 87.5 (no needless zeros)."""
    return format(percent.normalize(), "f")


def parse_thresholds(*, text: str) -> tuple[Decimal, ...]:
    """`75,90,100` (a `%` after each is allowed): percentages above 0 and at most 100, from
    the lowest to the highest, each once. Anything else is refused with the reason."""
    parts = [part.strip().removesuffix("%").strip() for part in text.split(",")]
    if parts == [""]:
        raise ValidationError(_("give at least one threshold, like 75,90,100"), field="alerts")
    percents = []
    for part in parts:
        if not _PERCENT.match(part):
            raise ValidationError(_("{text!r} is not a percentage", text=part), field="alerts")
        value = Decimal(part)
        if value <= 0:
            raise ValidationError(
                _("a threshold must be above 0 %: {value}", value=part), field="alerts"
            )
        if value > 100:
            raise ValidationError(
                _("a threshold cannot be over 100 %: {value}", value=part), field="alerts"
            )
        percents.append(value)
    if any(later <= earlier for earlier, later in zip(percents, percents[1:], strict=False)):
        raise ValidationError(
            _("thresholds go from the lowest to the highest, each once: {text}", text=text),
            field="alerts",
        )
    return tuple(percents)


def format_thresholds(*, percents: Sequence[Decimal]) -> str:
    return ",".join(percent_kind(percent) for percent in percents)


def stored_thresholds(*, text: str) -> tuple[Decimal, ...]:
    """A client's thresholds as stored; a value written past the checks (by hand, in the
    database) falls back to the default rather than breaking every screen that shows it."""
    try:
        return parse_thresholds(text=text)
    except ValidationError:
        return parse_thresholds(text=DEFAULT_THRESHOLDS)


def reached(
    *,
    thresholds: Sequence[Decimal],
    used: float,
    budget: float | None,
    runs_out_on: pendulum.Date | None,
    month_end: pendulum.Date,
) -> tuple[str, ...]:
    """The kinds reached: each threshold that `used` hours are at or past (as a share of
    `budget`), lowest first, then `FORECAST` when the pace runs out before `month_end`.

    Without a budget nothing is reached. A threshold of 100 % is reached exactly when the
    budget's level is over (`model.budgets.level_of`): a zero budget at any time used."""
    if budget is None:
        return ()
    kinds = [
        percent_kind(percent)
        for percent in thresholds
        if used > 0 and used >= budget * float(percent) / 100
    ]
    if runs_out_on is not None and runs_out_on < month_end:
        kinds.append(FORECAST)
    return tuple(kinds)


@dataclass(frozen=True)
class ClientAlerts:
    """A client's month as its alerts see it."""

    client_id: int
    code: str
    name: str
    month: pendulum.Date
    used_hours: float
    budget_hours: float | None
    runs_out_on: pendulum.Date | None
    thresholds: tuple[Decimal, ...]
    reached: tuple[str, ...]
    over: bool
    """The month's hours are used up (the budget's level is over)."""

    @property
    def percent(self) -> float | None:
        """Used hours as a share of the budget's; None without one (or with a zero one)."""
        if not self.budget_hours:
            return None
        return self.used_hours / self.budget_hours * 100

    @property
    def highest(self) -> str | None:
        """The highest threshold reached, if any (the forecast is not one)."""
        percents = [kind for kind in self.reached if kind != FORECAST]
        return percents[-1] if percents else None


def alerts_of(
    *, clients: Sequence[Client], statuses: Mapping[int, BudgetStatus]
) -> dict[int, ClientAlerts]:
    """Each client's alerts from its budget status: no query, for a screen that has read
    both already."""
    found = {}
    for client in clients:
        status = statuses.get(client.id) if client.id is not None else None
        if status is None:
            continue
        month = status.month
        thresholds = stored_thresholds(text=client.alert_thresholds)
        found[status.client_id] = ClientAlerts(
            client_id=status.client_id,
            code=client.code,
            name=client.name,
            month=month,
            used_hours=status.billed_hours,
            budget_hours=status.budget_hours,
            runs_out_on=status.runs_out_on,
            thresholds=thresholds,
            reached=reached(
                thresholds=thresholds,
                used=status.billed_hours,
                budget=status.budget_hours,
                runs_out_on=status.runs_out_on,
                month_end=month.end_of("month"),
            ),
            over=status.level is Level.OVER,
        )
    return found


def client_alerts(engine: Engine, *, month: pendulum.Date | None = None) -> list[ClientAlerts]:
    """Every client that is not archived, by name, with what it has reached in the month
    holding `month` (this one by default): one query more than the budget statuses."""
    first = month_start(day=month or clock.today())
    with reading(engine) as session:
        clients = list(
            session.exec(
                select(Client).where(Client.status != ClientStatus.ARCHIVED).order_by(Client.name)
            ).all()
        )
    found = alerts_of(clients=clients, statuses=budget_statuses(engine, month=first))
    return [found[client.id] for client in clients if client.id in found]


@dataclass(frozen=True)
class Alert:
    """A threshold a client has just reached, logged by the call that returned it."""

    client: ClientAlerts
    kind: str


def record_alerts(engine: Engine) -> list[Alert]:
    """Log what the clients have reached this month and the log does not hold yet; returns
    only what this call logged. Looks first without writing, so a look that finds nothing
    new takes no write lock; the log's unique key keeps two looks at once from logging a
    crossing twice (the later one finds it logged and returns it no more)."""
    month = month_start(day=clock.today())
    found = client_alerts(engine, month=month)
    with reading(engine) as session:
        logged = set(
            session.exec(
                select(BudgetAlert.client_id, BudgetAlert.kind).where(BudgetAlert.month == month)
            ).all()
        )
    wanted = {
        (alerts.client_id, kind): alerts
        for alerts in found
        for kind in alerts.reached
        if (alerts.client_id, kind) not in logged
    }
    if not wanted:
        return []
    now = clock.now()
    with transaction(engine) as session:
        insert = (
            postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        statement = (
            insert(BudgetAlert)
            .values(
                [
                    {"client_id": client_id, "month": month, "kind": kind, "crossed_at": now}
                    for client_id, kind in wanted
                ]
            )
            .on_conflict_do_nothing(index_elements=["client_id", "month", "kind"])
            .returning(col(BudgetAlert.client_id), col(BudgetAlert.kind))
        )
        made = {(client_id, kind) for client_id, kind in session.execute(statement).all()}
    return [
        Alert(client=alerts, kind=kind)
        for (client_id, kind), alerts in wanted.items()
        if (client_id, kind) in made
    ]
