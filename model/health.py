"""Client health: the signals of each client and a risk score that sorts them.

The signals are the account manager's worries about a client, each read for
every client at once in a few grouped queries:

- budget burn this month: hours spent as a share of the paid hours;
- silence: working days since the last contact (see `model.interactions`),
  alerting past the client's own update cadence (`Client.cadence_days`), or
  `silence_alert_days` of the config (default 2) for a client without one;
- promises: open ones, overdue ones, and this month's kept and broken ones;
- waiting on the client: how many tasks, and the longest current wait in days;
- this sprint's plan: agreed with the client, not agreed, or nothing planned;
- the next deadline of the client's unfinished tasks (a past one is late work);
- satisfaction: the latest score from 0 to 10.

A promise is settled once: kept when its task is done by the deadline (at the
moment it was done), broken when the deadline passes first (at the deadline,
whether the task is done later or not yet). "This month" counts the promises
settled in the current month.

Risk is the sum of these points, higher first (`RISK` holds them):

| signal | points |
|---|---|
| silent past the alert threshold | 10, then 5 per further working day, at most 40 |
| each overdue promise | 15 |
| each promise broken this month | 5 |
| budget burn | 10 from 80 %, 25 from 100 % |
| longest wait on the client | 2 per day past the second, at most 20 |
| this sprint's plan not agreed | 10 |
| satisfaction below 7 | 4 per point below 7 |
| the next deadline already passed | 10 |

Silence and broken promises weigh most because they are what makes a client
leave; budget and waiting matter as money and evidence; a missing plan and a
late task are a week's trouble, not a relationship's. A client at 50 points or
more needs action today; from 20 it is one to watch (`risk_level`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

import pendulum
from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.alerts import alerts_of
from model.budgets import Level, budget_status, budget_statuses
from model.db import reading
from model.interactions import days_waiting, last_contacts, silent_working_days
from model.kpis import latest_scores
from model.promises import PromiseState, deadline, state
from model.tables import Client, ClientPlan, ClientStatus, Status, Task
from model.weeks import Span, as_date, month_span

RISK = {
    "silence_start": 10,
    "silence_per_day": 5,
    "silence_max": 40,
    "overdue_promise": 15,
    "broken_promise": 5,
    "budget_warning": 10,
    "budget_over": 25,
    "waiting_grace_days": 2,
    "waiting_per_day": 2,
    "waiting_max": 20,
    "plan_not_agreed": 10,
    "satisfaction_good": 7,
    "satisfaction_per_point": 4,
    "late_deadline": 10,
}


RISK_LEVELS = ((50, "high"), (20, "watch"))


def risk_level(risk: int) -> str:
    """ "high" from 50 points (act today), "watch" from 20, else "low"."""
    for floor, level in RISK_LEVELS:
        if risk >= floor:
            return level
    return "low"


class Plan(StrEnum):
    AGREED = "agreed"
    NOT_AGREED = "not agreed"
    NONE = "none"  # nothing of the client's is in the sprint


# --- promises ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Promise:
    task_id: int
    client_id: int
    title: str
    due_date: date | None
    due_time: time | None
    deadline: pendulum.DateTime | None
    done_at: datetime | None
    state: PromiseState

    @property
    def due_text(self) -> str:
        """The deadline as the client was told it: the day, and the time when there is one."""
        if self.due_date is None:
            return "—"
        return self.due_date.isoformat() + (f" {self.due_time:%H:%M}" if self.due_time else "")

    @property
    def settled_at(self) -> datetime | None:
        """When the promise was kept (done) or broken (its deadline passed); None while open."""
        if self.state == PromiseState.KEPT:
            return self.done_at
        if self.state in (PromiseState.BROKEN, PromiseState.OVERDUE):
            return self.deadline
        return None

    def settled_in(self, span: Span) -> bool:
        settled = self.settled_at
        return settled is not None and span.contains(pendulum.instance(settled))


def promises(
    engine: Engine, *, since: datetime, client_ids: Sequence[int] | None = None
) -> list[Promise]:
    """Open promises and those that may have been settled since `since`, by deadline."""
    now, zone = clock.now(), clock.zone()
    first_day = pendulum.instance(since).in_timezone(zone).date().subtract(days=1)
    query = select(
        Task.id,
        Task.client_id,
        Task.title,
        Task.due_date,
        Task.due_time,
        Task.promised_at,
        Task.done_at,
    ).where(
        Task.promised_at.is_not(None),
        Task.archived_at.is_(None),
        or_(Task.done_at.is_(None), Task.done_at >= since, Task.due_date >= first_day),
    )
    if client_ids is not None:
        query = query.where(Task.client_id.in_(list(client_ids)))
    with reading(engine) as session:
        tasks = session.exec(query).all()
    found = [
        Promise(
            task_id=task.id,
            client_id=task.client_id,
            title=task.title,
            due_date=task.due_date,
            due_time=task.due_time,
            deadline=deadline(task=task, zone=zone),
            done_at=task.done_at,
            state=state(task=task, now=now, zone=zone),
        )
        for task in tasks
    ]
    return sorted(found, key=lambda p: (p.deadline is None, p.deadline or now, p.task_id))


# --- signals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signals:
    client_id: int
    name: str
    code: str
    colour: str
    burn_percent: float | None
    budget_level: Level
    silent_days: int
    last_contact: datetime | None
    open_promises: int = 0
    overdue_promises: int = 0
    kept_this_month: int = 0
    broken_this_month: int = 0
    waiting_tasks: int = 0
    longest_wait_days: int | None = None
    plan: Plan = Plan.NONE
    next_deadline: date | None = None
    satisfaction: int | None = None
    paused: bool = False
    sold_hours: float | None = None
    """The month's paid hours, without what was carried in."""
    carried_hours: float = 0.0
    """Hours carried in from earlier months, less hours owed (model.carry)."""
    budget_alerts: tuple[str, ...] = ()
    """The budget alert kinds the client has reached this month (`model.alerts`)."""


def risk_terms(*, signals: Signals, silence_alert_days: int, today: date) -> dict[str, int]:
    """Each signal's share of the risk score (see the module's table)."""
    terms: dict[str, int] = {}
    past = signals.silent_days - silence_alert_days
    if past > 0:
        terms["silence"] = min(
            RISK["silence_start"] + RISK["silence_per_day"] * (past - 1), RISK["silence_max"]
        )
    terms["overdue_promises"] = RISK["overdue_promise"] * signals.overdue_promises
    terms["broken_promises"] = RISK["broken_promise"] * signals.broken_this_month
    terms["budget"] = {
        Level.WARNING: RISK["budget_warning"],
        Level.OVER: RISK["budget_over"],
    }.get(signals.budget_level, 0)
    if signals.longest_wait_days is not None:
        late = signals.longest_wait_days - RISK["waiting_grace_days"]
        terms["waiting"] = min(max(late, 0) * RISK["waiting_per_day"], RISK["waiting_max"])
    terms["plan"] = RISK["plan_not_agreed"] if signals.plan == Plan.NOT_AGREED else 0
    if signals.satisfaction is not None:
        below = RISK["satisfaction_good"] - signals.satisfaction
        terms["satisfaction"] = max(below, 0) * RISK["satisfaction_per_point"]
    if signals.next_deadline is not None and signals.next_deadline < today:
        terms["late_deadline"] = RISK["late_deadline"]
    return {name: points for name, points in terms.items() if points}


@dataclass(frozen=True)
class Health:
    signals: Signals
    terms: dict[str, int]
    silence_alert: bool

    @property
    def risk(self) -> int:
        return sum(self.terms.values())


def _clients(session: Session, *, client_id: int | None) -> list[Client]:
    query = select(Client).where(Client.status != ClientStatus.ARCHIVED)
    if client_id is not None:
        query = query.where(Client.id == client_id)
    return list(session.exec(query.order_by(Client.name)).all())


def _waiting(session: Session, *, client_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    rows = session.exec(
        select(Task.client_id, func.count(), func.min(Task.waiting_since))
        .where(
            Task.client_id.in_(client_ids),
            Task.status == Status.WAITING,
            Task.archived_at.is_(None),
        )
        .group_by(Task.client_id)
    ).all()
    return {client_id: (count, since) for client_id, count, since in rows}


def _plans(session: Session, *, sprint_id: int, client_ids: list[int]) -> dict[int, Plan]:
    """Agreed when the client's plan for the sprint is; not agreed when it has work or a plan."""
    plans = {
        client_id: Plan.AGREED if agreed_at is not None else Plan.NOT_AGREED
        for client_id, agreed_at in session.exec(
            select(ClientPlan.client_id, ClientPlan.agreed_at).where(
                ClientPlan.sprint_id == sprint_id, ClientPlan.client_id.in_(client_ids)
            )
        ).all()
    }
    with_work = session.exec(
        select(Task.client_id)
        .where(
            Task.sprint_id == sprint_id,
            Task.client_id.in_(client_ids),
            Task.archived_at.is_(None),
        )
        .distinct()
    ).all()
    for client_id in with_work:
        plans.setdefault(client_id, Plan.NOT_AGREED)
    return plans


def _next_deadlines(session: Session, *, client_ids: list[int]) -> dict[int, date]:
    rows = session.exec(
        select(Task.client_id, func.min(Task.due_date))
        .where(
            Task.client_id.in_(client_ids),
            Task.status != Status.DONE,
            Task.archived_at.is_(None),
            Task.due_date.is_not(None),
        )
        .group_by(Task.client_id)
    ).all()
    return {client_id: as_date(due) for client_id, due in rows}


def client_health(
    engine: Engine, *, sprint_id: int, silence_alert_days: int, client_id: int | None = None
) -> list[Health]:
    """Every client that is not archived (or just `client_id`) with its signals and risk,
    the riskiest first."""
    now, zone, today = clock.now(), clock.zone(), clock.today()
    month = month_span(month=today, zone=zone)
    with reading(engine) as session:
        clients = _clients(session, client_id=client_id)
        ids = [client.id for client in clients]
        contacts = last_contacts(session, client_ids=ids)
        waiting = _waiting(session, client_ids=ids)
        plans = _plans(session, sprint_id=sprint_id, client_ids=ids)
        deadlines = _next_deadlines(session, client_ids=ids)
        scores = latest_scores(session, client_ids=ids)
    if client_id is None:
        budgets = budget_statuses(engine, month=today)
    else:
        budgets = {client.id: budget_status(engine, client_id=client.id) for client in clients}
    alerts = alerts_of(clients=clients, statuses=budgets)
    promised: dict[int, list[Promise]] = {client_id: [] for client_id in ids}
    # Every client's promises are read unfiltered and the archived clients' dropped here:
    # a filter of every client id would lead the planner through each client's every task.
    every = promises(engine, since=month.start, client_ids=None if client_id is None else ids)
    for promise in every:
        if promise.client_id in promised:
            promised[promise.client_id].append(promise)
    out = []
    for client in clients:
        last = contacts.get(client.id)
        mine = promised[client.id]
        count, since = waiting.get(client.id, (0, None))
        budget = budgets[client.id]
        signals = Signals(
            client_id=client.id,
            name=client.name,
            code=client.code,
            colour=client.colour,
            burn_percent=budget.burn_percent,
            budget_level=budget.level,
            sold_hours=budget.sold_hours,
            carried_hours=budget.carried_hours,
            silent_days=silent_working_days(last=last or client.created_at, today=today, zone=zone),
            last_contact=last,
            open_promises=sum(p.state in (PromiseState.OPEN, PromiseState.OVERDUE) for p in mine),
            overdue_promises=sum(p.state == PromiseState.OVERDUE for p in mine),
            kept_this_month=sum(p.state == PromiseState.KEPT and p.settled_in(month) for p in mine),
            broken_this_month=sum(
                p.state != PromiseState.KEPT and p.settled_in(month) for p in mine
            ),
            waiting_tasks=count,
            longest_wait_days=(
                days_waiting(since=pendulum.instance(since), now=now) if since else None
            ),
            plan=plans.get(client.id, Plan.NONE),
            next_deadline=deadlines.get(client.id),
            satisfaction=scores.get(client.id),
            paused=client.status == ClientStatus.PAUSED,
            budget_alerts=alerts[client.id].reached,
        )
        # The client's own cadence, where one is set, says when silence becomes a vacuum.
        alert_days = client.cadence_days or silence_alert_days
        out.append(
            Health(
                signals=signals,
                terms=risk_terms(signals=signals, silence_alert_days=alert_days, today=today),
                silence_alert=signals.silent_days > alert_days,
            )
        )
    return sort_health(out, by="risk")


# --- sorting -------------------------------------------------------------------------------

SORTS = ("risk", "name", "burn", "silence", "waiting", "satisfaction", "deadline")


def _sort_key(by: str):
    def name(health: Health):
        return health.signals.name.casefold()

    keys = {
        "risk": lambda h: (-h.risk, name(h)),
        "name": lambda h: (name(h),),
        "burn": lambda h: (-(h.signals.burn_percent or -1.0), name(h)),
        "silence": lambda h: (-h.signals.silent_days, name(h)),
        "waiting": lambda h: (-(h.signals.longest_wait_days or -1), name(h)),
        "satisfaction": lambda h: (
            h.signals.satisfaction is None,
            h.signals.satisfaction or 0,
            name(h),
        ),
        "deadline": lambda h: (
            h.signals.next_deadline is None,
            h.signals.next_deadline or date.max,
            name(h),
        ),
    }
    return keys[by]


def matching_health(rows: Sequence[Health], *, text: str) -> list[Health]:
    """The clients the `/` filter lets through: every word in the name or the code, any case."""
    words = text.casefold().split()
    return [
        row
        for row in rows
        if all(word in f"{row.signals.name} {row.signals.code}".casefold() for word in words)
    ]


def sort_health(rows: Sequence[Health], *, by: str) -> list[Health]:
    """Riskiest, by name, most burnt, most silent, longest wait, least happy, or soonest due."""
    return sorted(rows, key=_sort_key(by))
