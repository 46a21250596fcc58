"""A client's retainer settings, changed together: what is billed, how it is rounded, what
becomes of unused and overused hours at a month's end (model.rollover), and the
thresholds of its month that raise an alert (model.alerts).

Everything is checked before anything is written, and written in one transaction,
so a refused value (rounding to 7 minutes) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from sqlalchemy.engine import Engine

from model import clock
from model.alerts import format_thresholds, parse_thresholds, stored_thresholds
from model.billing import AGENCY_CODE, RoundingRule, check_rule, rule_of
from model.carry import carrier_of
from model.db import reading, transaction
from model.i18n import _
from model.rollover import Policy, check_policy
from model.tables import Client
from model.tasks import NotFoundError, ValidationError


@dataclass(frozen=True)
class RetainerSettings:
    client_id: int
    client_code: str
    billable: bool
    rule: RoundingRule
    policy: Policy
    carry_since: date | None
    """The month the client began to carry or owe in, while its policy does."""
    thresholds: tuple[Decimal, ...]
    """Percentages of the month's hours that raise an alert (`model.alerts`)."""


class Keep(Enum):
    """A setting not given: kept as it is (None is a value: no cap, no limit of months)."""

    KEEP = "keep"


def _settings(client: Client) -> RetainerSettings:
    assert client.id is not None
    return RetainerSettings(
        client_id=client.id,
        client_code=client.code,
        billable=client.billable and client.code != AGENCY_CODE,
        rule=rule_of(minutes=client.rounding_minutes, scope=client.rounding_scope),
        policy=carrier_of(client).policy,
        carry_since=client.rollover_since,
        thresholds=stored_thresholds(text=client.alert_thresholds),
    )


def retainer_settings(engine: Engine, *, client_id: int) -> RetainerSettings:
    with reading(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        return _settings(client)


def change_retainer(
    engine: Engine,
    *,
    client_id: int,
    billable: bool | None = None,
    rounding: int | None = None,
    scope: str | None = None,
    rollover: str | None = None,
    carry_cap_hours: float | None | Keep = Keep.KEEP,
    carry_months: int | None | Keep = Keep.KEEP,
    overuse: str | None = None,
    alerts: str | None = None,
) -> RetainerSettings:
    """Change what is given, keep the rest; `alerts` as typed, like `75,90,100`.

    A client that begins to carry or owe does so from this month: the months before
    stood alone when they were billed, and are not rolled again.
    """
    thresholds = None if alerts is None else parse_thresholds(text=alerts)
    with transaction(engine) as session:
        client = session.get(Client, client_id, with_for_update=True)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        if billable and client.code == AGENCY_CODE:
            raise ValidationError(
                _("the agency's own time is never billed to anyone"), field="billable"
            )
        rule = check_rule(
            minutes=client.rounding_minutes if rounding is None else rounding,
            scope=client.rounding_scope if scope is None else scope,
        )
        was = _settings(client).policy
        policy = check_policy(
            rollover=client.rollover if rollover is None else rollover,
            cap_hours=client.carry_cap_hours if carry_cap_hours is Keep.KEEP else carry_cap_hours,
            months=client.carry_months if carry_months is Keep.KEEP else carry_months,
            overuse=client.overuse if overuse is None else overuse,
        )
        if billable is not None:
            client.billable = billable
        client.rounding_minutes, client.rounding_scope = rule.minutes, rule.scope.value
        client.rollover, client.overuse = policy.rollover.value, policy.overuse.value
        client.carry_cap_hours, client.carry_months = policy.cap_hours, policy.months
        if not policy.carries:
            client.rollover_since = None
        elif not was.carries or client.rollover_since is None:
            today = clock.today()
            client.rollover_since = date(today.year, today.month, 1)
        if thresholds is not None:
            client.alert_thresholds = format_thresholds(percents=thresholds)
        session.add(client)
        return _settings(client)
