"""The weekly client report: what the client reads every Friday, in the UI language.

It answers the client's questions in their order of worry: what got done this
week, what is in progress, what comes next week, how many paid hours are used
(month to date), what we are waiting for from them and for how long, which
promises were kept and which are due, and where the agreed KPIs stand.

Done work and hours belong to the week (entries clipped to it, the month's
hours up to the week's end); in-progress work, waits and open promises are as
they stand when the report is written, since the report is sent at once.
"Next week" is the client's part of next week's sprint, or, before it is
planned, the client's tasks to do; a task already listed as in progress is not
repeated there.

It is written for the client: titles without our ids, statuses in words, and
no internal tasks (`model.reports.hours.is_internal`) in the lists of work;
the hours still count all of them. When the week spans two months, "month to
date" is the month the week ends in, so the report names it and says how many of
the week's hours fall in the month before.

Which week a report "for this week" means is `report_week_start`: the week
just ended while the new one has not really begun, on its first working day.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pendulum
from sqlalchemy.engine import Engine
from sqlmodel import select

from model import clock
from model.billing import RoundingRule
from model.db import reading
from model.health import Promise, promises
from model.i18n import N_, _, language, ngettext
from model.interactions import WaitingTask, waiting_on_client
from model.kpis import kpis
from model.promises import PromiseState
from model.reports.hours import (
    _number,
    hours_report,
    is_internal,
    md_text,
    status_note,
    status_words,
)
from model.tables import Client, ClientStatus, Sprint, Status, Task
from model.tasks import NotFoundError
from model.weeks import (
    MONTH_NAMES,
    Span,
    iso_week_label,
    local_midnight,
    month_start,
    sprint_start,
    week_span,
)

IN_PROGRESS = (Status.DOING, Status.REVIEW)
STATE_WORDS = {PromiseState.OPEN: N_("open"), PromiseState.OVERDUE: N_("overdue")}


def month_name(month: date) -> str:
    """ "November 2026", "листопад 2026": the month in words, as it reads inside a sentence."""
    name = _(MONTH_NAMES[month.month - 1])
    if language() in ("uk", "ru"):
        name = name.lower()
    return f"{name} {month.year}"


def report_week_start(*, today: date, start_weekday: int) -> pendulum.Date:
    """The week that a report "for this week" means on `today`.

    It is the sprint week holding `today`, except up to the week's first working
    day (Monday to Friday) inclusive: nothing of the new week is done yet, and
    the report the client waits for is the one of the week that just ended.
    """
    day = pendulum.date(today.year, today.month, today.day)
    start = sprint_start(day=day, start_weekday=start_weekday)
    first_working = start
    while first_working.weekday() >= 5:
        first_working = first_working.add(days=1)
    return start.subtract(days=7) if day <= first_working else start


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
    week_billed_hours: float
    """The billable entries started in the week, rounded by `rule` (model.billing)."""
    rule: RoundingRule
    month: pendulum.Date
    month_hours: float
    """The month's billed hours up to the report's end: what it used of `budget_hours`."""
    budget_hours: float | None
    earlier_month_hours: float
    """The week's billed hours that fall in the month before `month`, when the week spans two."""
    waiting: tuple[WaitingTask, ...]
    kept: tuple[Promise, ...]
    broken: tuple[Promise, ...]
    due: tuple[Promise, ...]
    kpis: tuple[KpiLine, ...]
    client_status: str = ClientStatus.ACTIVE

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


def _lines(
    tasks, *, hours: dict[int, float], client_code: str, listed: Collection[int] = ()
) -> tuple[TaskLine, ...]:
    """The lines of the client's own work: internal tasks are not the client's business,
    and a task in `listed` is already told in another section."""
    return tuple(
        TaskLine(
            task_id=task.id,
            title=task.title,
            status=task.status,
            due=task.due_date,
            hours=hours.get(task.id, 0.0),
        )
        for task in tasks
        if task.id not in listed and not is_internal(labels=task.labels, client_code=client_code)
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
        planned: Sequence[Task] = []
        if next_sprint is not None:
            planned = session.exec(
                select(Task).where(*live, Task.sprint_id == next_sprint, Task.status != Status.DONE)
            ).all()
        if not planned:
            planned = session.exec(select(Task).where(*live, Task.status == Status.TODO)).all()
    title = _("Weekly report")
    week = hours_report(engine, client_id=client_id, span=span, title=title)
    month = month_start(day=clock.to_local(as_of).subtract(microseconds=1).date())
    month_begins = local_midnight(day=month, zone=zone)
    month_to_date = hours_report(
        engine, client_id=client_id, span=Span(start=month_begins, end=as_of), title=title
    )
    earlier = 0.0
    if span.start < month_begins:
        earlier = hours_report(
            engine, client_id=client_id, span=Span(start=span.start, end=month_begins), title=title
        ).billed_hours
    worked = {line.task_id: line.hours for line in week.tasks}
    settled = promises(engine, since=span.start, client_ids=[client_id])
    code = client.code
    doing = _lines(
        sorted(in_progress, key=lambda t: (IN_PROGRESS.index(t.status), *_by_due(t))),
        hours=worked,
        client_code=code,
    )
    return WeekReport(
        client_name=client.name,
        client_code=code,
        week_start=week_start,
        done=_lines(done, hours=worked, client_code=code),
        in_progress=doing,
        next_week=_lines(
            sorted(planned, key=_by_due),
            hours=worked,
            client_code=code,
            listed={line.task_id for line in doing},
        ),
        week_hours=week.total_hours,
        week_billed_hours=week.billed_hours,
        rule=week.rule,
        month=month,
        month_hours=month_to_date.billed_hours,
        budget_hours=month_to_date.budget_hours,
        earlier_month_hours=earlier,
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
        client_status=client.status,
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


def due_text(day: date | None) -> str:
    """A due date as the reports write it; a dash for none."""
    return day.isoformat() if day else "—"


def _section(title: str, lines: list[str], *, empty: str) -> list[str]:
    return ["", f"## {title}", "", *(lines or [empty])]


def _task_table(lines: tuple[TaskLine, ...], *, status: bool, hours: bool) -> list[str]:
    if not lines:
        return []
    columns = [(f"| {_('Task')} |", "|---|")]
    if status:
        columns.append((f" {_('Status')} |", "---|"))
    columns.append((f" {_('Due')} |", "---|"))
    if hours:
        columns.append((f" {_('Hours this week')} |", "---:|"))
    rows = []
    for line in lines:
        cells = [md_text(line.title)]
        cells += [status_words(line.status)] if status else []
        cells += [due_text(line.due)]
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
        lines += ["", f"| {_('Promise')} | {_('Deadline')} | {_('Done')} |", "|---|---|---|"]
        lines += [f"| {md_text(p.title)} | {p.due_text} | {_moment(p.done_at)} |" for p in done]
    if report.due:
        lines += ["", f"| {_('Promise')} | {_('Deadline')} | {_('State')} |", "|---|---|---|"]
        lines += [
            f"| {md_text(p.title)} | {p.due_text} | {_(STATE_WORDS[p.state])} |" for p in report.due
        ]
    return lines


def _hours(report: WeekReport) -> list[str]:
    """The week's and the month's hours; a week over two months says where its hours went."""
    month = month_name(report.month)
    lines = [
        f"- {_('This week')}: {_number(report.week_hours)}",
        f"- {_('Billed this week ({rule})', rule=report.rule.label)}: "
        + _number(report.week_billed_hours),
        f"- {_('Billed month to date ({month})', month=month)}: {_number(report.month_hours)}",
        f"- {_('Paid hours ({month})', month=month)}: "
        + (_("none") if report.budget_hours is None else _number(report.budget_hours)),
    ]
    if report.budget_percent is not None:
        lines.append(f"- {_('Used')}: {_number(report.budget_percent)}%")
    if report.week_start < report.month and report.earlier_month_hours > 0:
        previous = month_name(report.month.subtract(months=1))
        lines += [
            "",
            _(
                "The week spans two months: {hours} of this week's billed hours fall in {previous} "
                "and count towards that month's paid hours; the month to date is {month} only.",
                hours=_number(report.earlier_month_hours),
                previous=previous,
                month=month,
            ),
        ]
    return lines


def render_markdown(report: WeekReport) -> str:
    """The report as Markdown to paste into an email or a chat."""
    title = _("Weekly report for {client}, {week}", client=report.client_name, week=report.label)
    lines = [
        f"# {md_text(title)}",
        "",
        f"- {_('Client')}: {md_text(report.client_name)} ({md_text(report.client_code)})",
        f"- {_('Week')}: {report.week_start.isoformat()} – {report.week_end.isoformat()}",
    ]
    if note := status_note(report.client_status):
        lines += ["", f"> {note}"]
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
    lines += _section(_("Hours"), _hours(report), empty="")
    waiting = []
    if report.waiting:
        waiting = [f"| {_('Task')} | {_('Since')} | {_('Days')} |", "|---|---|---:|"]
        waiting += [
            f"| {md_text(w.title)} | {_moment(w.waiting_since)} | {w.days} |"
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
            f"| {md_text(k.name)} | {_value(k.baseline, k.unit)} | {_value(k.target, k.unit)}"
            f" | {_value(k.now, k.unit)} | {_signed(k.change, k.unit)} |"
            for k in report.kpis
        ]
    lines += _section(_("KPIs"), indicators, empty=_("No KPIs are agreed yet."))
    return "\n".join(lines) + "\n"
