"""A client's retainer settings, changed together: what is billed and how it is rounded.

Everything is checked before anything is written, and written in one transaction,
so a refused value (rounding to 7 minutes) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

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


def _settings(client: Client) -> RetainerSettings:
    assert client.id is not None
    return RetainerSettings(
        client_id=client.id,
        client_code=client.code,
        billable=client.billable and client.code != AGENCY_CODE,
        rule=rule_of(minutes=client.rounding_minutes, scope=client.rounding_scope),
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
) -> RetainerSettings:
    """Change what is given, keep the rest."""
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
        session.add(client)
        return _settings(client)
