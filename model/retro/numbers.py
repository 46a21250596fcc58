"""The sprint's figures: planned, done, added, not done, fires, promises, waiting, hours, burn,
days off and the team's utilisation.


What a sprint held is read from task events, not from today's fields: once a
sprint closes, its unfinished tasks sit in the next one, and a retro browsed a
month later must still count them where they were. Each task's state at an
instant is its current value taken back through the changes made after it.

A task counts as planned when it came into the sprint before its client agreed
the plan (or at any time, for a client who never agreed one) and as added
mid-sprint when it came in after; tasks taken out of the sprint or archived
undone before its end are not the sprint's.

"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import func, or_
from sqlalchemy import select as select_columns
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.budgets import statuses_in
from model.carry import POLICY_COLUMNS, carrier
from model.config import DEFAULT_UTILISATION
from model.daysoff import off_workdays, team_with_days_off
from model.db import reading
from model.promises import PromiseState, state
from model.retro.sprint import get_sprint, plain_utc, sprint_end, sprint_span
from model.tables import Client, ClientPlan, ClientStatus, Sprint, Standup, Status, Task, TaskEvent
from model.timetrack import hours_by_client
from model.utilisation import Utilisation, billable_hours_by_member, each_member, team_figure
from model.weeks import Span, as_date, local_midnight

_HISTORY_FIELDS = ("sprint_id", "status", "estimate_hours", "archived_at")


# --- task history --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    at: datetime
    field: str
    old: str | None
    new: str | None


@dataclass
class _History:
    """One task that was in the sprint at some time, with its changes, oldest first."""

    id: int
    client_id: int
    status: str
    estimate_hours: float | None
    sprint_id: int | None
    archived_at: datetime | None
    created_at: datetime
    fire: bool
    changes: list[_Change]

    def _current(self, field: str) -> str | None:
        value = getattr(self, field)
        if field == "archived_at":
            return None if value is None else "archived"
        return None if value is None else str(value)

    @cached_property
    def _latest(self) -> dict[str, str | None]:
        return {field: self._current(field) for field in _HISTORY_FIELDS}

    def fields(self, *, at: datetime, strict: bool) -> dict[str, str | None]:
        """The tracked fields at `at` (as stored in events): each the old value of its first
        later change, found by taking the current values back through the changes after `at`,
        newest first. The result is shared: not to be changed."""
        undone: dict[str, str | None] = {}
        for change in reversed(self.changes):
            if change.at < at or (change.at == at and not strict):
                break
            undone[change.field] = change.old
        return {**self._latest, **undone} if undone else self._latest

    def exists(self, *, at: datetime) -> bool:
        return self.created_at <= at

    def joined(self, *, sprint_key: str, at: datetime, strict: bool) -> datetime:
        """When the task last came into the sprint before `at`; created with it, its creation."""
        came = self.created_at
        for change in self.changes:
            before = change.at < at if strict else change.at <= at
            if change.field == "sprint_id" and change.new == sprint_key and before:
                came = change.at
        return came

    def statuses(self) -> list[tuple[datetime, str | None]]:
        """Each status the task had and from when, its creation first."""
        moves = [change for change in self.changes if change.field == "status"]
        first = moves[0].old if moves else self.status
        return [(self.created_at, first), *[(change.at, change.new) for change in moves]]


def _histories(session: Session, *, sprint_id: int, since: datetime) -> list[_History]:
    """Tasks in the sprint now or taken out of it at `since` or later, in three queries.

    `since` is the first instant the sprint is read at. A task taken out before it
    was in the sprint at none of them, and one not in it now that was in it at any
    was taken out after; so only the moves since are looked at, not every move ever.
    """
    moved_out = session.exec(
        select(TaskEvent.task_id).where(
            TaskEvent.at >= since, TaskEvent.field == "sprint_id", TaskEvent.old == str(sprint_id)
        )
    ).all()
    rows = session.exec(
        select(
            Task.id,
            Task.client_id,
            Task.status,
            Task.estimate_hours,
            Task.sprint_id,
            Task.archived_at,
            Task.created_at,
            Task.fire,
        ).where(or_(Task.sprint_id == sprint_id, Task.id.in_(moved_out)))
    ).all()
    histories = {row[0]: _History(*row, changes=[]) for row in rows}
    events = session.exec(
        select(TaskEvent.task_id, TaskEvent.at, TaskEvent.field, TaskEvent.old, TaskEvent.new)
        .where(TaskEvent.task_id.in_(list(histories)), TaskEvent.field.in_(_HISTORY_FIELDS))
        .order_by(TaskEvent.at, TaskEvent.id)
    ).all()
    for task_id, at, field, old, new in events:
        histories[task_id].changes.append(_Change(at=at, field=field, old=old, new=new))
    return list(histories.values())


def _sprint_fields(
    history: _History, *, key: str, at: datetime, strict: bool
) -> dict[str, str | None] | None:
    """The task's fields at `at` when it was in the sprint then and not dropped from it by
    archiving (done work archived stays); None when it was not the sprint's."""
    if not history.exists(at=at):
        return None
    fields = history.fields(at=at, strict=strict)
    if fields["sprint_id"] != key:
        return None
    if fields["archived_at"] is not None and fields["status"] != Status.DONE:
        return None
    return fields


def _remaining(histories: Iterable[_History], *, key: str, at: datetime, strict: bool) -> float:
    """Estimated hours of the sprint's unfinished tasks at `at`."""
    total = 0.0
    for history in histories:
        fields = _sprint_fields(history, key=key, at=at, strict=strict)
        if fields is None or fields["status"] == Status.DONE:
            continue
        estimate = fields["estimate_hours"]
        total += float(estimate) if estimate is not None else 0.0
    return total


def _burn(
    histories: Sequence[_History], *, sprint: Sprint, key: str, end: datetime, strict: bool
) -> tuple[float | None, ...]:
    """Remaining estimate at the end of each day of the week; None for days not yet begun."""
    first = as_date(sprint.week_start)
    points: list[float | None] = []
    for offset in range(7):
        day = first.add(days=offset)
        if local_midnight(day=day, zone=clock.zone()) >= end:
            points.append(None)
            continue
        at = plain_utc(min(local_midnight(day=day.add(days=1), zone=clock.zone()), end))
        points.append(_remaining(histories, key=key, at=at, strict=strict and at == end))
    return tuple(points)


def _waiting_seconds(histories: Iterable[_History], *, span: Span, until: datetime) -> float:
    """Time the tasks spent waiting on the client inside `span`, up to `until`."""
    first, last, until = plain_utc(span.start), plain_utc(min(span.end, until)), plain_utc(until)
    total = 0.0
    for history in histories:
        spells = history.statuses()
        for index, (began, status) in enumerate(spells):
            if status != Status.WAITING:
                continue
            ended = spells[index + 1][0] if index + 1 < len(spells) else until
            seconds = (min(ended, last) - max(began, first)).total_seconds()
            total += max(seconds, 0.0)
    return total


# --- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientHours:
    """One client's week: hours worked, hours planned, and the month against its budget."""

    client_id: int
    code: str
    name: str
    hours: float
    planned_hours: float | None
    month_hours: float
    """The month's billed hours: what it used of `budget_hours` (model.budgets)."""
    budget_hours: float | None


@dataclass(frozen=True)
class SprintNumbers:
    planned: int
    done: int
    added: int
    not_done: int
    fires: int
    promises_kept: int
    promises_broken: int
    waiting_days: float
    standups: int
    clients: tuple[ClientHours, ...]
    burn: tuple[float | None, ...]
    days_off: int = 0
    """Working days the active team was off in the sprint week (they took its capacity)."""
    utilisation: Utilisation | None = None
    """The active team's billable hours of the week over its available hours
    (`model.utilisation.team_figure`), against the config's band."""


def _promises(session: Session, *, sprint: Sprint) -> tuple[int, int]:
    """Promises falling due in the sprint week: kept, and broken (late or overdue); a request
    archived undone is no longer a promise."""
    first = as_date(sprint.week_start)
    tasks = session.exec(
        select(Task.promised_at, Task.due_date, Task.due_time, Task.done_at).where(
            Task.promised_at.is_not(None),
            Task.due_date >= first,
            Task.due_date <= first.add(days=6),
            or_(Task.archived_at.is_(None), Task.done_at.is_not(None)),
        )
    ).all()
    now, zone = clock.now(), clock.zone()
    states = [state(task=task, now=now, zone=zone) for task in tasks]
    kept = states.count(PromiseState.KEPT)
    broken = states.count(PromiseState.BROKEN) + states.count(PromiseState.OVERDUE)
    return kept, broken


def _client_hours(
    session: Session,
    *,
    sprint: Sprint,
    span: Span,
    plans: dict[int, float],
    client_ids: Collection[int],
) -> tuple[ClientHours, ...]:
    """Hours of the week per client, and the billed hours of the month holding the sprint's
    first day against its budget (model.budgets) for the clients not archived."""
    week = hours_by_client(session, span=span)
    wanted = set(client_ids) | set(plans) | {cid for cid, hours in week.items() if hours > 0}
    if not wanted:
        return ()
    clients = session.execute(
        select_columns(Client.code, Client.name, Client.status, *POLICY_COLUMNS).where(
            Client.id.in_(wanted)
        )
    ).all()
    months = statuses_in(
        session,
        month=as_date(sprint.week_start),
        carriers=[
            carrier(*policy)
            for _code, _name, status, *policy in clients
            if status != ClientStatus.ARCHIVED
        ],
        with_planned=False,
    )
    rows = [
        ClientHours(
            client_id=client_id,
            code=code,
            name=name,
            hours=week.get(client_id, 0.0),
            planned_hours=plans.get(client_id),
            month_hours=month.billed_hours if (month := months.get(client_id)) else 0.0,
            budget_hours=month.budget_hours if month else None,
        )
        for code, name, _status, client_id, *_policy in clients
    ]
    return tuple(sorted(rows, key=lambda row: (-row.hours, row.code.casefold())))


def _team_week(
    session: Session, *, sprint: Sprint, target: Mapping[str, float]
) -> tuple[int, Utilisation]:
    """The working days the active team was off in the sprint week, and its utilisation."""
    first = as_date(sprint.week_start)
    last = first.add(days=6)
    team = team_with_days_off(session, first=first, last=last)
    billable = billable_hours_by_member(session, first=first, last=last)
    days_off = sum(
        off_workdays(working_days=member.working_days, week_start=first, off=off)
        for member, off in team
    )
    members = each_member(team=team, billable=billable, first=first, last=last, target=target)
    return days_off, team_figure(members=members, target=target)


def sprint_numbers(
    engine: Engine, *, sprint_id: int, target: Mapping[str, float] = DEFAULT_UTILISATION
) -> SprintNumbers:
    """The figures of a retro, for an open sprint as of now and for a closed one as it closed;
    `target` is the config's utilisation band."""
    sprint = get_sprint(engine, sprint_id=sprint_id)
    key = str(sprint.id)
    span = sprint_span(sprint)
    end, strict = sprint_end(sprint)
    # The first instant the figures are read at: the first day's end (the burn's first
    # point) or, for a sprint not yet past it, `end`.
    first_day_end = local_midnight(day=as_date(sprint.week_start).add(days=1), zone=clock.zone())
    with reading(engine) as session:
        histories = _histories(session, sprint_id=sprint.id, since=min(end, first_day_end))
        plans = session.exec(
            select(ClientPlan.client_id, ClientPlan.planned_hours, ClientPlan.agreed_at).where(
                ClientPlan.sprint_id == sprint.id
            )
        ).all()
        standups = session.exec(
            select(func.count())
            .select_from(Standup)
            .where(Standup.finished_at >= span.start, Standup.finished_at < span.end)
        ).one()
        kept, broken = _promises(session, sprint=sprint)
        days_off, utilisation = _team_week(session, sprint=sprint, target=target)
        at_end = {h.id: _sprint_fields(h, key=key, at=end, strict=strict) for h in histories}
        tasks = [h for h in histories if at_end[h.id] is not None]
        clients = _client_hours(
            session,
            sprint=sprint,
            span=span,
            plans={client_id: hours for client_id, hours, _agreed in plans},
            client_ids={h.client_id for h in tasks},
        )
    agreed = {client_id: agreed_at for client_id, _hours, agreed_at in plans}
    done = sum(1 for h in tasks if at_end[h.id]["status"] == Status.DONE)
    added = 0
    for history in tasks:
        agreed_at = agreed.get(history.client_id)
        came = history.joined(sprint_key=key, at=end, strict=strict)
        if agreed_at is not None and came > agreed_at:
            added += 1
    waited = _waiting_seconds(tasks, span=span, until=min(end, clock.now()))
    return SprintNumbers(
        planned=len(tasks) - added,
        done=done,
        added=added,
        not_done=len(tasks) - done,
        fires=sum(1 for h in tasks if h.fire),
        promises_kept=kept,
        promises_broken=broken,
        waiting_days=waited / 86400,
        standups=standups,
        clients=clients,
        burn=_burn(histories, sprint=sprint, key=key, end=end, strict=strict),
        days_off=days_off,
        utilisation=utilisation,
    )
