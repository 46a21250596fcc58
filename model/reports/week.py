"""The weekly client report: what the client reads every Friday, in the UI language.

It answers the client's questions in their order of worry: what got done this
week, what is in progress, what comes next week, how many paid hours are used
(month to date), what we are waiting for from them and for how long, which
promises were kept and which are due, and where the agreed KPIs stand.

Done work and hours belong to the week (entries clipped to it, the month's
hours up to the week's end); in-progress work, waits and open promises are as
they stand when the report is written, since the report is sent at once.
"Next week" is the client's part of next week's sprint, or, before it is
planned, the client's tasks to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pendulum
from sqlalchemy.engine import Engine
from sqlmodel import select

from model import clock
from model.db import reading
from model.health import Promise, promises
from model.i18n import N_, _, ngettext
from model.interactions import WaitingTask, waiting_on_client
from model.kpis import kpis
from model.promises import PromiseState
from model.reports.hours import _number, hours_report, md_cell
from model.tables import Client, Sprint, Status, Task
from model.tasks import NotFoundError
from model.weeks import Span, iso_week_label, local_midnight, month_start, week_span

IN_PROGRESS = (Status.DOING, Status.REVIEW)
STATE_WORDS = {PromiseState.OPEN: N_("open"), PromiseState.OVERDUE: N_("overdue")}


@dataclass(frozen=True)
class TaskLine:
    task_id: int
    title: str
    status: str
    due: date | None
    hours: float  # worked this week


@dataclass(frozen=True)
class KpiLine:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    now: float | None
    week_ago: float | None  # the latest value before the week began

    @property
    def change(self) -> float | None:
        if self.now is None or self.week_ago is None:
            return None
        return self.now - self.week_ago


@dataclass(frozen=True)
class WeekReport:
    client_name: str
    client_code: str
    week_start: pendulum.Date
    done: tuple[TaskLine, ...]
    in_progress: tuple[TaskLine, ...]
    next_week: tuple[TaskLine, ...]
    week_hours: float
    month: pendulum.Date
    month_hours: float
    budget_hours: float | None
    waiting: tuple[WaitingTask, ...]
    kept: tuple[Promise, ...]
    broken: tuple[Promise, ...]
    due: tuple[Promise, ...]
    kpis: tuple[KpiLine, ...]

    @property
    def week_end(self) -> pendulum.Date:
        return self.week_start.add(days=6)

    @property
    def label(self) -> str:
        return iso_week_label(day=self.week_start)

    @property
    def budget_percent(self) -> float | None:
        if not self.budget_hours:
            return None
        return self.month_hours / self.budget_hours * 100


def _lines(tasks, *, hours: dict[int, float]) -> tuple[TaskLine, ...]:
    return tuple(
        TaskLine(
            task_id=task.id,
            title=task.title,
            status=task.status,
            due=task.due_date,
            hours=hours.get(task.id, 0.0),
        )
        for task in tasks
    )


def _by_due(task: Task) -> tuple:
    return (task.due_date is None, task.due_date or date.max, task.id)


def week_report(engine: Engine, *, client_id: int, week_start: pendulum.Date) -> WeekReport:
    """Everything the client's weekly report says, for the week that starts on `week_start`."""
    zone = clock.zone()
    span = week_span(week_start=week_start, zone=zone)
    as_of = min(clock.now(), span.end)
    with reading(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        done = session.exec(
            select(Task)
            .where(
                Task.client_id == client_id,
                Task.status == Status.DONE,
                Task.done_at >= span.start,
                Task.done_at < span.end,
                Task.duplicate_of_id.is_(None),
            )
            .order_by(Task.done_at, Task.id)
        ).all()
        live = (Task.client_id == client_id, Task.archived_at.is_(None))
        in_progress = session.exec(select(Task).where(*live, Task.status.in_(IN_PROGRESS))).all()
        next_sprint = session.exec(
            select(Sprint.id).where(Sprint.week_start == week_start.add(days=7))
        ).first()
        planned = []
        if next_sprint is not None:
            planned = session.exec(
                select(Task).where(*live, Task.sprint_id == next_sprint, Task.status != Status.DONE)
            ).all()
        if not planned:
            planned = session.exec(select(Task).where(*live, Task.status == Status.TODO)).all()
    title = _("Weekly report")
    week = hours_report(engine, client_id=client_id, span=span, title=title)
    month = month_start(day=clock.to_local(as_of).subtract(microseconds=1).date())
    month_to_date = hours_report(
        engine,
        client_id=client_id,
        span=Span(start=local_midnight(day=month, zone=zone), end=as_of),
        title=title,
    )
    worked = {line.task_id: line.hours for line in week.tasks}
    settled = promises(engine, since=span.start, client_ids=[client_id])
    return WeekReport(
        client_name=client.name,
        client_code=client.code,
        week_start=week_start,
        done=_lines(done, hours=worked),
        in_progress=_lines(
            sorted(in_progress, key=lambda t: (IN_PROGRESS.index(t.status), *_by_due(t))),
            hours=worked,
        ),
        next_week=_lines(sorted(planned, key=_by_due), hours=worked),
        week_hours=week.total_hours,
        month=month,
        month_hours=month_to_date.total_hours,
        budget_hours=month_to_date.budget_hours,
        waiting=tuple(waiting_on_client(engine, client_id=client_id)),
        kept=tuple(p for p in settled if p.state == PromiseState.KEPT and p.settled_in(span)),
        broken=tuple(p for p in settled if p.state != PromiseState.KEPT and p.settled_in(span)),
        due=tuple(p for p in settled if p.state in (PromiseState.OPEN, PromiseState.OVERDUE)),
        kpis=tuple(
            KpiLine(
                name=kpi.name,
                unit=kpi.unit,
                baseline=kpi.baseline,
                target=kpi.target,
                now=kpi.value_at(as_of),
                week_ago=kpi.value_at(span.start.subtract(microseconds=1)),
            )
            for kpi in kpis(engine, client_id=client_id)
        ),
    )


# --- Markdown ------------------------------------------------------------------------------


def _value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".replace(",", " ").rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit and unit != "%" else f"{text}{unit}"


def _signed(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + _value(value, unit)


def _moment(instant: datetime | None) -> str:
    return "—" if instant is None else clock.to_local(instant).format("YYYY-MM-DD HH:mm")


def _due(day: date | None) -> str:
    return day.isoformat() if day else "—"


def _section(title: str, lines: list[str], *, empty: str) -> list[str]:
    return ["", f"## {title}", "", *(lines or [empty])]


def _task_table(lines: tuple[TaskLine, ...], *, status: bool, hours: bool) -> list[str]:
    if not lines:
        return []
    columns = [("| # |", "|---:|"), (f" {_('Task')} |", "---|")]
    if status:
        columns.append((f" {_('Status')} |", "---|"))
    columns.append((f" {_('Due')} |", "---|"))
    if hours:
        columns.append((f" {_('Hours this week')} |", "---:|"))
    rows = []
    for line in lines:
        cells = [str(line.task_id), md_cell(line.title)]
        cells += [_(line.status)] if status else []
        cells += [_due(line.due)]
        cells += [_number(line.hours)] if hours else []
        rows.append("| " + " | ".join(cells) + " |")
    return [
        "".join(head for head, _rule in columns),
        "".join(rule for _head, rule in columns),
        *rows,
    ]


def _promises(report: WeekReport) -> list[str]:
    """The week's counts, the promises settled by doing the work, then those still owed."""
    kept = ngettext("{n} promise kept this week", "{n} promises kept this week", n=len(report.kept))
    broken = ngettext(
        "{n} promise broken this week", "{n} promises broken this week", n=len(report.broken)
    )
    lines = [f"- {kept}", f"- {broken}"]
    done = [p for p in (*report.kept, *report.broken) if p.done_at is not None]
    if done:
        lines += [
            "",
            f"| # | {_('Promise')} | {_('Deadline')} | {_('Done')} |",
            "|---:|---|---|---|",
        ]
        lines += [
            f"| {p.task_id} | {md_cell(p.title)} | {p.due_text} | {_moment(p.done_at)} |"
            for p in done
        ]
    if report.due:
        lines += [
            "",
            f"| # | {_('Promise')} | {_('Deadline')} | {_('State')} |",
            "|---:|---|---|---|",
        ]
        lines += [
            f"| {p.task_id} | {md_cell(p.title)} | {p.due_text} | {_(STATE_WORDS[p.state])} |"
            for p in report.due
        ]
    return lines


def render_markdown(report: WeekReport) -> str:
    """The report as Markdown to paste into an email or a chat."""
    title = _("Weekly report for {client}, {week}", client=report.client_name, week=report.label)
    lines = [
        f"# {md_cell(title)}",
        "",
        f"- {_('Client')}: {md_cell(report.client_name)} ({md_cell(report.client_code)})",
        f"- {_('Week')}: {report.week_start.isoformat()} – {report.week_end.isoformat()}",
    ]
    lines += _section(
        _("Done this week"),
        _task_table(report.done, status=False, hours=True),
        empty=_("Nothing was finished this week."),
    )
    lines += _section(
        _("In progress"),
        _task_table(report.in_progress, status=True, hours=True),
        empty=_("Nothing is in progress."),
    )
    lines += _section(
        _("Next week"),
        _task_table(report.next_week, status=False, hours=False),
        empty=_("Nothing is planned yet."),
    )
    month = report.month.format("YYYY-MM")
    hours = [
        f"- {_('This week')}: {_number(report.week_hours)}",
        f"- {_('Month to date ({month})', month=month)}: {_number(report.month_hours)}",
        f"- {_('Paid hours ({month})', month=month)}: "
        + (_("none") if report.budget_hours is None else _number(report.budget_hours)),
    ]
    if report.budget_percent is not None:
        hours.append(f"- {_('Used')}: {_number(report.budget_percent)}%")
    lines += _section(_("Hours"), hours, empty="")
    waiting = []
    if report.waiting:
        waiting = [f"| # | {_('Task')} | {_('Since')} | {_('Days')} |", "|---:|---|---|---:|"]
        waiting += [
            f"| {w.task_id} | {md_cell(w.title)} | {_moment(w.waiting_since)} | {w.days} |"
            for w in report.waiting
        ]
    lines += _section(
        _("Waiting for you"), waiting, empty=_("We are not waiting for anything from you.")
    )
    lines += _section(_("Promises"), _promises(report), empty="")
    indicators = []
    if report.kpis:
        indicators = [
            f"| {_('KPI')} | {_('Baseline')} | {_('Target')} | {_('Now')} "
            f"| {_('Change this week')} |",
            "|---|---:|---:|---:|---:|",
        ]
        indicators += [
            f"| {md_cell(k.name)} | {_value(k.baseline, k.unit)} | {_value(k.target, k.unit)}"
            f" | {_value(k.now, k.unit)} | {_signed(k.change, k.unit)} |"
            for k in report.kpis
        ]
    lines += _section(_("KPIs"), indicators, empty=_("No KPIs are agreed yet."))
    return "\n".join(lines) + "\n"
