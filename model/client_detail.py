"""One client in full, as its detail screen shows it, read in one go.

The detail gathers a dozen views (health, promises, the month's burn, paid hours,
money, contacts, ideas, satisfaction, tasks by status, KPIs, hypotheses, the log).
Read one by one from the screen, each waited on the event loop: on a server across
a network that held every key for the whole open. Here they are read together, in
the caller's thread and read transaction (`model.db.one_view`), into one frozen
view the screen only draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import pendulum
from sqlalchemy.engine import Engine

from model import clock
from model.board import Card, Scope, board_columns
from model.budgets import BudgetRow, budget_history
from model.clients import client_by_id
from model.contacts import contacts_of
from model.errors import ForbiddenError
from model.health import Health, Promise, client_health, promises
from model.interactions import LoggedContact, WaitingTask, interaction_log, waiting_on_client
from model.kpis import KpiView, hypotheses, ideas, kpis, satisfaction_history
from model.rates import Money, client_money
from model.reports.burn import MonthBurn, month_burn
from model.tables import Client, Contact, Hypothesis, Satisfaction, UpsellIdea
from model.weeks import month_span


@dataclass(frozen=True)
class ClientDetail:
    client: Client
    health: Health
    promised: tuple[Promise, ...]
    """Open promises and those settled this month."""
    burn: MonthBurn
    paid_hours: tuple[BudgetRow, ...]
    money: Money | None
    """None for a member who is not a manager: the model refuses them money."""
    contacts: tuple[Contact, ...]
    ideas: tuple[UpsellIdea, ...]
    satisfaction: tuple[Satisfaction, ...]
    tasks: dict[str, list[Card]]
    """A page of cards per status asked for, for those that have any."""
    counts: dict[str, int]
    """Every status asked for, with how many tasks it holds."""
    waits: dict[int, WaitingTask]
    """The tasks waiting on the client, by id."""
    kpis: tuple[KpiView, ...]
    hypotheses: tuple[Hypothesis, ...]
    log: tuple[LoggedContact, ...]


def client_detail(
    engine: Engine,
    *,
    client_id: int,
    sprint_id: int,
    silence_alert_days: int,
    member_id: int | None,
    statuses: tuple[str, ...],
    per_status: int,
) -> ClientDetail | None:
    """The client's detail today; None once the client is archived (nothing to show)."""
    client = client_by_id(engine, client_id=client_id)
    found = client_health(
        engine, sprint_id=sprint_id, silence_alert_days=silence_alert_days, client_id=client_id
    )
    if not found:
        return None
    today = clock.today()
    month = month_span(month=today, zone=clock.zone())
    counts: dict[str, int] = {}

    def place(status: str, count: int) -> tuple[int, int] | None:
        counts[status] = count
        return (0, per_status) if count else None

    scope = Scope(sprint_id=sprint_id, client_id=client_id)
    tasks = board_columns(engine, scope=scope, statuses=statuses, place=place)
    return ClientDetail(
        client=client,
        health=found[0],
        promised=tuple(promises(engine, since=month.start, client_ids=[client_id])),
        burn=month_burn(engine, client_id=client_id, month=today, day=today),
        paid_hours=tuple(budget_history(engine, client_id=client_id)),
        money=_money(engine, client_id=client_id, month=today, member_id=member_id),
        contacts=tuple(contacts_of(engine, client_id=client_id)),
        ideas=tuple(ideas(engine, client_id=client_id)),
        satisfaction=tuple(satisfaction_history(engine, client_id=client_id)),
        tasks=tasks,
        counts=counts,
        waits={w.task_id: w for w in waiting_on_client(engine, client_id=client_id)},
        kpis=tuple(kpis(engine, client_id=client_id)),
        hypotheses=tuple(hypotheses(engine, client_id=client_id)),
        log=tuple(interaction_log(engine, client_id=client_id)),
    )


def _money(
    engine: Engine, *, client_id: int, month: pendulum.Date, member_id: int | None
) -> Money | None:
    """The month's money for a manager; for anyone else nothing, not even that it exists."""
    try:
        return client_money(engine, client_id=client_id, month=month, member_id=member_id)
    except ForbiddenError:
        return None
