"""Sprint planning: what goes into a week, who can carry it, and what each client agreed to.

The rules the Plan screen and the retro share:

- **Capacity** of a member for a sprint is their weekly capacity minus the
  meetings every member sits in: the stand-ups (each configured time, each
  working day of the week, `standup_minutes` long) and the retro
  (`retro_minutes`). Their **load** is the sum of the estimates of their sprint
  tasks not done; a task without an estimate counts as
  `default_estimate_hours` and is flagged, so an empty estimate never makes
  someone look free. Planned hours over capacity is the **planned percent**;
  above 100 the member is overloaded.
- **Utilisation** of a member in the sprint's week is `model.utilisation`'s:
  billable hours recorded in the week over the hours available in it (weekly
  capacity less days off, meetings not taken off), against the config's band.
- **Planned hours per client** count the same way (estimates of the client's
  sprint tasks not done, default for the unestimated ones) and are held
  against what is left of the month's paid hours: budget minus hours spent in
  the month that holds most of the sprint's days (the one of its fourth day).
- **Agreed with the client**: `ClientPlan.agreed_at` stamps the agreement and
  `ClientPlan.agreed_snapshot` keeps what was agreed, as JSON
  ``{"tasks": {"<task id>": <estimate hours or null>}}`` over the client's
  tasks in the sprint at that moment. The plan has **changed since agreed**
  when tasks were added or removed or re-estimated since; the difference is
  told in tasks and hours. A plan agreed without a snapshot (an older store)
  shows no difference.
- **Added mid-sprint**: a task whose event setting `sprint_id` to the sprint
  (field "sprint_id", new value the sprint id) happened after its client's
  plan for that sprint was agreed — whether or not it is still in the sprint.
- **The plan message** (`plan_message`) is what the client is sent: each of the
  client's open sprint tasks once (tasks of the same title, or marked as a
  duplicate of one another, are one line), in words the client reads — no ids,
  no internal tasks by title (`model.reports.hours.is_internal`: their hours are
  one "account management" line), done work apart, and work due after the week
  apart from the week's. Its total is `client_load`, the Plan screen's figure.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

import pendulum
from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.budgets import BudgetStatus
from model.clients import active_clients
from model.config import Config
from model.daysoff import available_days, off_workdays, team_with_days_off, week_hours
from model.db import reading, transaction
from model.i18n import _, ngettext
from model.reports.hours import is_internal, md_text, status_words
from model.sprints import refuse_closed
from model.tables import (
    Client,
    ClientPlan,
    Member,
    Sprint,
    Status,
    Task,
    TaskEvent,
)
from model.tasks import NotFoundError
from model.undo import Done, Step
from model.urgency import terms
from model.utilisation import Utilisation, billable_hours_by_member, member_utilisation
from model.weeks import as_date

BACKLOG_STATUSES = (Status.BACKLOG, Status.TODO)


# --- capacity ------------------------------------------------------------------------------


def meeting_hours(*, config: Config, days: int) -> float:
    """Hours of stand-ups over `days` working days, plus one retro."""
    standups = days * len(config.standup_times) * config.standup_minutes
    return (standups + config.retro_minutes) / 60


def sprint_capacity(
    *,
    weekly_hours: float,
    config: Config,
    week_start: date,
    working_days: str = "12345",
    off: Collection[date] = (),
) -> float:
    """A member's hours for project work in the sprint of `week_start`: their week's
    share on the working days they are not off, less the meetings of those days."""
    days = available_days(working_days=working_days, week_start=week_start, off=off)
    hours = week_hours(weekly_hours=weekly_hours, working_days=working_days, available=days)
    return max(hours - meeting_hours(config=config, days=days), 0.0)


@dataclass(frozen=True)
class Load:
    """Planned hours, with how many of them are guesses for tasks without an estimate."""

    hours: float
    unestimated: int


def load_of(*, estimates: Iterable[float | None], default: float) -> Load:
    hours, unestimated = 0.0, 0
    for estimate in estimates:
        if estimate is None:
            unestimated += 1
            hours += default
        else:
            hours += estimate
    return Load(hours=hours, unestimated=unestimated)


def client_load(tasks: Iterable[PlanTask], *, default: float) -> Load:
    """A client's planned hours in a sprint: its tasks not done, unestimated at `default`.

    The Plan screen's hours per client and the plan message's total are both this."""
    return load_of(
        estimates=[task.estimate_hours for task in tasks if task.status != Status.DONE],
        default=default,
    )


@dataclass(frozen=True)
class MemberLoad:
    member_id: int | None  # None: the sprint's unassigned work
    name: str
    initials: str
    capacity_hours: float | None
    load: Load
    days_off: int = 0
    """Working days of the sprint the member is off (already taken off the capacity)."""
    utilisation: Utilisation | None = None
    """Billable hours of the sprint's week over the hours available in it (`model.utilisation`);
    none for the unassigned work."""

    @property
    def overloaded(self) -> bool:
        return self.capacity_hours is not None and self.load.hours > self.capacity_hours

    @property
    def planned_percent(self) -> int | None:
        """Planned hours as a whole percent of capacity; none without a capacity to hold them to."""
        if not self.capacity_hours:
            return None
        return round(self.load.hours / self.capacity_hours * 100)


# --- agreement -----------------------------------------------------------------------------


def snapshot_text(*, estimates: dict[int, float | None]) -> str:
    """The `agreed_snapshot` of a plan: each task agreed and its estimate then."""
    tasks = {str(task_id): estimates[task_id] for task_id in sorted(estimates)}
    return json.dumps({"tasks": tasks}, sort_keys=True)


def parse_snapshot(*, text: str) -> dict[int, float | None] | None:
    """The estimates agreed, or None when the plan keeps no readable snapshot."""
    try:
        tasks = json.loads(text)["tasks"]
        return {
            int(task_id): None if estimate is None else float(estimate)
            for task_id, estimate in tasks.items()
        }
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


@dataclass(frozen=True)
class PlanChange:
    """How a client's plan differs from what the client agreed to."""

    added: tuple[int, ...]
    removed: tuple[int, ...]
    re_estimated: tuple[int, ...]
    hours_delta: float

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.re_estimated)


def plan_change(
    *, agreed: dict[int, float | None], current: dict[int, float | None], default: float
) -> PlanChange:
    """Tasks added, removed and re-estimated, and the hours that moved (unestimated at default)."""

    def total(estimates: dict[int, float | None]) -> float:
        return load_of(estimates=estimates.values(), default=default).hours

    return PlanChange(
        added=tuple(sorted(set(current) - set(agreed))),
        removed=tuple(sorted(set(agreed) - set(current))),
        re_estimated=tuple(
            sorted(
                task_id
                for task_id in set(agreed) & set(current)
                if agreed[task_id] != current[task_id]
            )
        ),
        hours_delta=total(current) - total(agreed),
    )


def describe_change(*, change: PlanChange) -> str:
    """ "changed since agreed: +2 tasks, −1 task, 1 re-estimated, +3.5 h" for the screen."""
    parts = []
    if change.added:
        parts.append(ngettext("+{n} task", "+{n} tasks", n=len(change.added)))
    if change.removed:
        parts.append(ngettext("−{n} task", "−{n} tasks", n=len(change.removed)))
    if change.re_estimated:
        parts.append(ngettext("{n} re-estimated", "{n} re-estimated", n=len(change.re_estimated)))
    if round(change.hours_delta, 2):
        sign = "+" if change.hours_delta > 0 else "−"
        parts.append(_("{sign}{hours} h", sign=sign, hours=_number(abs(change.hours_delta))))
    return _("changed since agreed: {what}", what=", ".join(parts))


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class PlanState:
    """A plan's agreement as it was, for undo."""

    agreed_at: datetime | None
    agreed_snapshot: str
    planned_hours: float


def _client_estimates(
    session: Session, *, sprint_id: int, client_id: int
) -> dict[int, float | None]:
    rows = session.exec(
        select(Task.id, Task.estimate_hours).where(
            Task.sprint_id == sprint_id,
            Task.client_id == client_id,
            Task.archived_at.is_(None),
        )
    ).all()
    return dict(rows)


def _plan_row(session: Session, *, sprint_id: int, client_id: int) -> ClientPlan:
    plan = session.exec(
        select(ClientPlan).where(
            ClientPlan.sprint_id == sprint_id, ClientPlan.client_id == client_id
        )
    ).first()
    return plan or ClientPlan(sprint_id=sprint_id, client_id=client_id)


def agree_plan(
    engine: Engine, *, sprint_id: int, client_id: int, default: float
) -> Done[PlanState]:
    """Stamp the client's plan agreed now, with what it holds; the undo puts the agreement
    back as this found it, read in the same transaction.

    A closed sprint's agreement is part of the numbers it closed with: it is refused."""
    with transaction(engine) as session:
        refuse_closed(session, sprint_id=sprint_id)
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        plan = _plan_row(session, sprint_id=sprint_id, client_id=client_id)
        before = PlanState(
            agreed_at=plan.agreed_at,
            agreed_snapshot=plan.agreed_snapshot,
            planned_hours=plan.planned_hours,
        )
        estimates = _client_estimates(session, sprint_id=sprint_id, client_id=client_id)
        plan.agreed_at = clock.now()
        plan.agreed_snapshot = snapshot_text(estimates=estimates)
        plan.planned_hours = load_of(estimates=estimates.values(), default=default).hours
        session.add(plan)
        agreed = PlanState(
            agreed_at=plan.agreed_at,
            agreed_snapshot=plan.agreed_snapshot,
            planned_hours=plan.planned_hours,
        )
        name = client.name
    return Done(
        value=agreed,
        undo=Step(
            label=_("agreed: {client}", client=name),
            revert=lambda: _restore_plan(
                engine, sprint_id=sprint_id, client_id=client_id, state=before
            ),
        ),
    )


def _restore_plan(engine: Engine, *, sprint_id: int, client_id: int, state: PlanState) -> None:
    """Put a plan's agreement back as `agree_plan` found it (its undo)."""
    with transaction(engine) as session:
        plan = _plan_row(session, sprint_id=sprint_id, client_id=client_id)
        plan.agreed_at = state.agreed_at
        plan.agreed_snapshot = state.agreed_snapshot
        plan.planned_hours = state.planned_hours
        session.add(plan)


def added_mid_sprint(engine: Engine, *, sprint_id: int) -> set[int]:
    """Tasks moved into the sprint after their client's plan for it was agreed.

    Only moves after the first agreement can count, so they are read by time (a join
    on the plans would walk every task of every client) and each is held against its
    own client's agreement here.
    """
    with reading(engine) as session:
        agreed = dict(
            session.exec(
                select(ClientPlan.client_id, ClientPlan.agreed_at).where(
                    ClientPlan.sprint_id == sprint_id, ClientPlan.agreed_at.is_not(None)
                )
            ).all()
        )
        if not agreed:
            return set()
        moves = session.exec(
            select(TaskEvent.task_id, TaskEvent.at, Task.client_id)
            .join(Task, Task.id == TaskEvent.task_id)
            .where(
                TaskEvent.at > min(agreed.values()),
                TaskEvent.field == "sprint_id",
                TaskEvent.new == str(sprint_id),
            )
        ).all()
    return {
        task_id
        for task_id, at, client_id in moves
        if client_id in agreed and at > agreed[client_id]
    }


# --- moving work in and out ----------------------------------------------------------------


# --- what the Plan screen shows ------------------------------------------------------------


@dataclass(frozen=True)
class PlanTask:
    id: int
    client_id: int
    title: str
    status: str
    priority: str
    estimate_hours: float | None
    assignee_id: int | None
    assignee: str
    due_date: date | None
    due_time: time | None
    promised: bool
    fire: bool
    urgency: float
    terms: dict[str, float]
    added_mid_sprint: bool = False


@dataclass(frozen=True)
class ClientPlanRow:
    """A client's part of the sprint against its month's budget and its agreement."""

    client_id: int
    code: str
    name: str
    colour: str
    load: Load
    tasks: int
    budget_hours: float | None
    """Paid hours a month, without what was carried in (that is in `left_hours`)."""
    left_hours: float | None
    agreed_at: datetime | None
    change: PlanChange | None

    @property
    def over_budget(self) -> bool:
        return self.left_hours is not None and self.load.hours > self.left_hours


@dataclass(frozen=True)
class PlanView:
    sprint: Sprint
    backlog: dict[int, list[PlanTask]]
    planned: dict[int, list[PlanTask]]
    clients: list[ClientPlanRow]
    members: list[MemberLoad]


_TASK_COLUMNS = (
    Task.id,
    Task.client_id,
    Task.title,
    Task.status,
    Task.priority,
    Task.estimate_hours,
    Task.due_date,
    Task.due_time,
    Task.promised_at,
    Task.fire,
    Task.created_at,
    Task.carried_over,
    Task.assignee_id,
)


def _plan_tasks(
    session: Session,
    *,
    where: list,
    today: pendulum.Date,
    coefficients: dict[str, float],
    added: Collection[int] = (),
) -> list[PlanTask]:
    """Tasks with their urgency, most urgent first (plain rows: thousands load in a blink);
    `added` are those to mark as added mid-sprint."""
    rows = session.exec(
        select(*_TASK_COLUMNS, Member.initials)
        .join(Member, Member.id == Task.assignee_id, isouter=True)
        .where(Task.archived_at.is_(None), *where)
    ).all()
    out = []
    for row in rows:
        # Unpacked at once: reading a row's fields one by one by name costs about as much
        # as scoring the task.
        (task_id, client_id, title, status, priority, estimate, due_date, due_time, promised_at,
         fire, _created, _carried, assignee_id, initials) = row  # fmt: skip
        scored = terms(task=row, today=today, coefficients=coefficients)
        out.append(
            PlanTask(
                id=task_id,
                client_id=client_id,
                title=title,
                status=status,
                priority=priority,
                estimate_hours=estimate,
                assignee_id=assignee_id,
                assignee=initials or "",
                due_date=due_date,
                due_time=due_time,
                promised=promised_at is not None,
                fire=fire,
                urgency=round(sum(scored.values()), 2),
                terms=scored,
                added_mid_sprint=task_id in added,
            )
        )
    out.sort(key=lambda task: (-task.urgency, task.id))
    return out


def _by_client(tasks: Iterable[PlanTask]) -> dict[int, list[PlanTask]]:
    grouped: dict[int, list[PlanTask]] = {}
    for task in tasks:
        grouped.setdefault(task.client_id, []).append(task)
    return grouped


def budget_month(*, week_start: date) -> pendulum.Date:
    """The month a sprint's hours are held against: the one holding its fourth day."""
    return as_date(week_start).add(days=3)


def plan_view(
    engine: Engine, *, sprint: Sprint, config: Config, budgets: dict[int, BudgetStatus]
) -> PlanView:
    """Everything the Plan screen shows for a sprint, in a handful of queries.

    `budgets` are the clients' statuses for the sprint's `budget_month`: they
    change only when recorded time does, so the caller keeps them between moves.
    """
    today = clock.today()
    default = config.default_estimate_hours
    added = added_mid_sprint(engine, sprint_id=sprint.id)
    with reading(engine) as session:
        waiting = _plan_tasks(
            session,
            where=[
                Task.status.in_(BACKLOG_STATUSES),
                or_(Task.sprint_id.is_(None), Task.sprint_id != sprint.id),
            ],
            today=today,
            coefficients=config.urgency,
        )
        planned = _plan_tasks(
            session,
            where=[Task.sprint_id == sprint.id],
            today=today,
            coefficients=config.urgency,
            added=added,
        )
        plans = {
            plan.client_id: plan
            for plan in session.exec(select(ClientPlan).where(ClientPlan.sprint_id == sprint.id))
        }
        week_first = as_date(sprint.week_start)
        week_last = week_first.add(days=6)
        team = team_with_days_off(session, first=week_first, last=week_last)
        billable = billable_hours_by_member(session, first=week_first, last=week_last)
    planned.sort(key=lambda task: task.status == Status.DONE)
    by_client = _by_client(planned)
    open_by_member: dict[int | None, list[float | None]] = {}
    for task in planned:
        if task.status != Status.DONE:
            open_by_member.setdefault(task.assignee_id, []).append(task.estimate_hours)
    clients = []
    for client in active_clients(engine):
        mine = by_client.get(client.id, [])
        estimates = {task.id: task.estimate_hours for task in mine}
        status = budgets.get(client.id)
        plan = plans.get(client.id)
        change = None
        if plan is not None and plan.agreed_at is not None:
            agreed = parse_snapshot(text=plan.agreed_snapshot)
            if agreed is not None:
                change = plan_change(agreed=agreed, current=estimates, default=default)
        clients.append(
            ClientPlanRow(
                client_id=client.id,
                code=client.code,
                name=client.name,
                colour=client.colour,
                load=client_load(mine, default=default),
                tasks=len(mine),
                budget_hours=status.sold_hours if status else None,
                left_hours=status.remaining_hours if status else None,
                agreed_at=plan.agreed_at if plan else None,
                change=change,
            )
        )
    loads = [
        MemberLoad(
            member_id=member.id,
            name=member.name,
            initials=member.initials,
            capacity_hours=sprint_capacity(
                weekly_hours=member.weekly_capacity_hours,
                config=config,
                week_start=sprint.week_start,
                working_days=member.working_days,
                off=off,
            ),
            load=load_of(estimates=open_by_member.get(member.id, []), default=default),
            days_off=off_workdays(
                working_days=member.working_days,
                week_start=week_first,
                off=off,
            ),
            utilisation=member_utilisation(
                member=member,
                billable_hours=billable.get(member.id, 0.0),
                off=off,
                first=week_first,
                last=week_last,
                target=config.utilisation,
            ).utilisation,
        )
        for member, off in team
    ]
    if None in open_by_member:
        loads.append(
            MemberLoad(
                member_id=None,
                name=_("Unassigned"),
                initials="—",
                capacity_hours=None,
                load=load_of(estimates=open_by_member[None], default=default),
            )
        )
    return PlanView(
        sprint=sprint,
        backlog=_by_client(waiting),
        planned=by_client,
        clients=clients,
        members=loads,
    )


# --- the message to the client -------------------------------------------------------------


@dataclass(frozen=True)
class MessageLine:
    """One piece of work as the client reads it: one task, or tasks that are the same work."""

    title: str
    hours: float
    guessed: bool  # some of it has no estimate yet: counted at the default
    due_date: date | None
    due_time: time | None
    waiting: bool  # waiting on the client


@dataclass(frozen=True)
class PlanMessage:
    client_name: str
    week_start: date
    this_week: tuple[MessageLine, ...]
    later: tuple[MessageLine, ...]  # in the sprint, due after its last day
    account_hours: float  # the internal tasks' hours, told without their titles
    done: tuple[str, ...]
    load: Load  # the Plan screen's planned hours of the client: the message's total


def _same_work(title: str) -> str:
    return " ".join(title.split()).casefold()


def _message_lines(tasks: list[PlanTask], *, twin_of: dict[int, int], default: float):
    """Open tasks grouped into lines: a task marked as a duplicate of another goes with it,
    and tasks of the same title are one line (the client sees one piece of work)."""
    by_id = {task.id: task for task in tasks}
    groups: dict[str, list[PlanTask]] = {}
    titles: dict[str, str] = {}
    for task in tasks:
        root = task
        seen = {task.id}
        while (parent := twin_of.get(root.id)) in by_id and parent not in seen:
            seen.add(parent)
            root = by_id[parent]
        key = _same_work(root.title)
        titles.setdefault(key, root.title)
        groups.setdefault(key, []).append(task)
    lines = []
    for key, group in groups.items():
        dated = [task for task in group if task.due_date is not None]
        first = min(
            dated, key=lambda task: (task.due_date, task.due_time or time.max), default=None
        )
        load = load_of(estimates=[task.estimate_hours for task in group], default=default)
        lines.append(
            MessageLine(
                title=titles[key],
                hours=load.hours,
                guessed=load.unestimated > 0,
                due_date=first.due_date if first else None,
                due_time=first.due_time if first else None,
                waiting=any(task.status == Status.WAITING for task in group),
            )
        )
    lines.sort(key=lambda line: (line.due_date is None, line.due_date or date.min))
    return lines


def build_plan_message(
    *,
    client_name: str,
    client_code: str,
    week_start: date,
    tasks: list[PlanTask],
    labels: dict[int, str],
    twin_of: dict[int, int],
    default: float,
) -> PlanMessage:
    """What the message tells, from the client's sprint tasks (most urgent first)."""
    last = as_date(week_start).add(days=6)
    internal = {
        task.id
        for task in tasks
        if is_internal(labels=labels.get(task.id, ""), client_code=client_code)
    }
    open_tasks = [task for task in tasks if task.status != Status.DONE]
    shown = _message_lines(
        [task for task in open_tasks if task.id not in internal], twin_of=twin_of, default=default
    )
    still_open = {_same_work(task.title) for task in open_tasks}
    done: list[str] = []
    for task in tasks:
        key = _same_work(task.title)
        if task.status == Status.DONE and task.id not in internal and key not in still_open:
            still_open.add(key)
            done.append(task.title)
    return PlanMessage(
        client_name=client_name,
        week_start=week_start,
        this_week=tuple(line for line in shown if line.due_date is None or line.due_date <= last),
        later=tuple(line for line in shown if line.due_date is not None and line.due_date > last),
        account_hours=load_of(
            estimates=[task.estimate_hours for task in open_tasks if task.id in internal],
            default=default,
        ).hours,
        done=tuple(done),
        load=client_load(tasks, default=default),
    )


def _due_words(line: MessageLine, *, week_start: pendulum.Date) -> str:
    due = as_date(line.due_date).format("ddd D MMM")
    if line.due_time is not None:
        due += f" {line.due_time:%H:%M}"
    if as_date(line.due_date) < week_start:
        return _("was due {when}", when=due)
    return _("due {when}", when=due)


def _message_item(line: MessageLine, *, week_start: pendulum.Date) -> str:
    hours = _number(line.hours)
    details = [_("about {hours} h", hours=hours) if line.guessed else _("{hours} h", hours=hours)]
    if line.due_date is not None:
        details.append(_due_words(line, week_start=week_start))
    if line.waiting:
        details.append(status_words(Status.WAITING))
    return f"- {md_text(line.title)} ({', '.join(details)})"


def render_plan_message(message: PlanMessage) -> str:
    """The plan as Markdown for the client: the work, its hours and deadlines, the total."""
    first = as_date(message.week_start)
    last = first.add(days=6)
    lines = [
        "# "
        + md_text(
            _(
                "Plan for {client}: {start} – {end}",
                client=message.client_name,
                start=first.format("D MMMM"),
                end=last.format("D MMMM YYYY"),
            )
        ),
        "",
    ]
    items = [_message_item(line, week_start=first) for line in message.this_week]
    if message.account_hours:
        hours = _("{hours} h", hours=_number(message.account_hours))
        items.append(f"- {_('Account management and coordination')} ({hours})")
    if not items and not message.later:
        lines.append(_("Nothing is planned for this week yet."))
    lines += items
    if message.later:
        lines += ["", _("Started this week, due later:"), ""]
        lines += [_message_item(line, week_start=first) for line in message.later]
    if message.done:
        lines += ["", _("Already done:"), ""]
        lines += [f"- {md_text(title)}" for title in message.done]
    if message.load.hours or items or message.later:
        hours = _number(message.load.hours)
        total = (
            _("Total: about {hours} h", hours=hours)
            if message.load.unestimated
            else _("Total: {hours} h", hours=hours)
        )
        lines += ["", total]
    return "\n".join(lines) + "\n"


def plan_message(engine: Engine, *, sprint: Sprint, client_id: int, config: Config) -> str:
    """The client's plan for the sprint as the message to send, in the UI language."""
    with reading(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        where = [Task.sprint_id == sprint.id, Task.client_id == client_id]
        tasks = _plan_tasks(session, where=where, today=clock.today(), coefficients=config.urgency)
        extra = session.exec(
            select(Task.id, Task.labels, Task.duplicate_of_id).where(
                Task.archived_at.is_(None), *where
            )
        ).all()
    message = build_plan_message(
        client_name=client.name,
        client_code=client.code,
        week_start=sprint.week_start,
        tasks=tasks,
        labels={task_id: labels for task_id, labels, _twin in extra},
        twin_of={task_id: twin for task_id, _labels, twin in extra if twin is not None},
        default=config.default_estimate_hours,
    )
    return render_plan_message(message)
