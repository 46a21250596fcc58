"""A client's retainer settings, changed together: what is billed, how it is rounded,
and the thresholds of its month that raise an alert.

Everything is checked before anything is written, and written in one transaction,
so a refused value (rounding to 7 minutes) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.engine import Engine

from model.alerts import format_thresholds, parse_thresholds, stored_thresholds
from model.billing import AGENCY_CODE, RoundingRule, check_rule, rule_of
from model.db import reading, transaction
from model.i18n import _
from model.tables import Client
from model.tasks import NotFoundError, ValidationError


@dataclass(frozen=True)
class RetainerSettings:
    client_id: int
    client_code: str
    billable: bool
    rule: RoundingRule
    thresholds: tuple[Decimal, ...]
    """Percentages of the month's hours that raise an alert (`model.alerts`)."""


def _settings(client: Client) -> RetainerSettings:
    assert client.id is not None
    return RetainerSettings(
        client_id=client.id,
        client_code=client.code,
        billable=client.billable and client.code != AGENCY_CODE,
        rule=rule_of(minutes=client.rounding_minutes, scope=client.rounding_scope),
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
    alerts: str | None = None,
) -> RetainerSettings:
    """Change what is given, keep the rest; `alerts` as typed, like `75,90,100`."""
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
        if billable is not None:
            client.billable = billable
        client.rounding_minutes, client.rounding_scope = rule.minutes, rule.scope.value
        if thresholds is not None:
            client.alert_thresholds = format_thresholds(percents=thresholds)
        session.add(client)
        return _settings(client)
