"""The client hours report: what was worked for a client in a period, against its budget.

Entries are clipped to the period, so a report for a week or a month adds up
with the reports of the neighbouring periods. Rows are sorted by hours, then by
name, so the same data always renders the same text.

The Markdown is written for the client: task titles without our ids, statuses
in words, and the team's internal tasks (see `is_internal`) folded into one
"account management" line, so the hours still add up to the total. The CSV is
the same report as data: a row per task, with its id.

This module also holds what every text meant for a client shares: `md_text`
(user text that stays literal in Markdown), `status_words` and `is_internal`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pendulum
from sqlalchemy.engine import Engine
from sqlmodel import select

from model import clock
from model.billing import AGENCY_CODE, Piece, RoundingRule, billed_ms, day_of, is_billable, rule_of
from model.budgets import budget_status, paid_hours
from model.db import reading
from model.i18n import N_, _
from model.tables import Client, ClientStatus, Member, Status, Task, TimeEntry
from model.tasks import NotFoundError
from model.timesheets import approved_entries
from model.timetrack import clipped_seconds, elapsed_seconds, in_span
from model.weeks import Span, month_start

# A spreadsheet runs a cell that starts with one of these as a formula (full-width forms too:
# some spreadsheets fold them to the plain ones), even after leading blanks.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

INTERNAL_LABEL = "internal"
ACCOUNT_LABELS = frozenset({INTERNAL_LABEL, "admin", "access", "billing", "call", "plan", "report"})
"""Labels of the account manager's upkeep of a client rather than of work delivered to it."""

STATUS_WORDS = {
    Status.INBOX: N_("received"),
    Status.BACKLOG: N_("not scheduled yet"),
    Status.TODO: N_("planned"),
    Status.DOING: N_("in progress"),
    Status.WAITING: N_("waiting for your reply"),
    Status.REVIEW: N_("being checked"),
    Status.DONE: N_("done"),
}
"""A task's status as the client reads it, in the report's language."""


def status_words(status: str) -> str:
    return _(STATUS_WORDS[Status(status)]) if status in STATUS_WORDS else status


def status_note(status: str) -> str:
    """What a report of a paused or archived client says about it; nothing for an active one."""
    if status == ClientStatus.ARCHIVED:
        return _("This client is archived: the report covers past work only.")
    if status == ClientStatus.PAUSED:
        return _("Work for this client is paused.")
    return ""


def is_internal(*, labels: str, client_code: str) -> bool:
    """Whether a task is the team's own business, not something to tell the client about.

    It is when it belongs to the agency's own client (code `AGENCY`), carries the
    label `internal`, or carries only account-management labels (`access`,
    `admin`, `billing`, `call`, `plan`, `report`): "Invoice for October"
    (`billing`), "Weekly report to the client" (`report`) or "Agree the sprint plan
    with the client" (`plan`) are the account manager's upkeep, while "PPC report
    for October" (`ppc,report`) or "Media plan for December" (`ppc,plan`) are work
    delivered to the client. A task without labels is client-facing.
    """
    if client_code == AGENCY_CODE:
        return True
    names = {name.strip().casefold() for name in labels.split(",") if name.strip()}
    return INTERNAL_LABEL in names or (bool(names) and names <= ACCOUNT_LABELS)


@dataclass(frozen=True)
class TaskHours:
    task_id: int
    title: str
    status: str
    hours: float
    internal: bool = False
    billed_hours: float = 0.0
    """Billed for the task's entries that started in the period, after rounding."""


@dataclass(frozen=True)
class MemberHours:
    name: str
    hours: float


@dataclass(frozen=True)
class HoursReport:
    title: str
    client_name: str
    client_code: str
    first_day: pendulum.Date
    last_day: pendulum.Date
    tasks: tuple[TaskHours, ...]
    members: tuple[MemberHours, ...]
    total_hours: float
    months: tuple[pendulum.Date, ...]
    budget_hours: float | None
    client_status: str = ClientStatus.ACTIVE
    billed_hours: float = 0.0
    rule: RoundingRule = RoundingRule()
    approved_only: bool = False
    """Only entries of weeks a manager approved (model.timesheets) are counted."""

    @property
    def budget_percent(self) -> float | None:
        """The report's billed hours as a share of the budget of the months it touches."""
        if not self.budget_hours:
            return None
        return self.billed_hours / self.budget_hours * 100


def _months(*, first: pendulum.Date, last: pendulum.Date) -> tuple[pendulum.Date, ...]:
    months = [month_start(day=first)]
    while months[-1] < month_start(day=last):
        months.append(months[-1].add(months=1))
    return tuple(months)


def _budget(engine: Engine, *, client_id: int, months: tuple[pendulum.Date, ...]) -> float | None:
    """The months' budget together: the first month's as the budget counts it (sold, plus
    carried in, less owed; model.budgets), and the paid hours of the later ones, so a
    report of one month says the number the screens say. None when none has a budget."""
    first = budget_status(
        engine, client_id=client_id, month=months[0], with_planned=False
    ).budget_hours
    later = (paid_hours(engine, client_id=client_id, month=month) for month in months[1:])
    known = [hours for hours in (first, *later) if hours is not None]
    return sum(known) if known else None


def hours_report(
    engine: Engine, *, client_id: int, span: Span, title: str, approved_only: bool = False
) -> HoursReport:
    """Hours per task and per person for one client inside `span`, with the budget.

    Hours are raw time clipped to the period; billed hours are the billable entries that
    started in it, rounded by the client's rule (model.billing). With `approved_only`, only
    the entries that started in a week its member had approved count, and the report says so.
    """
    now = clock.now()
    zone = clock.zone()
    with reading(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        query = (
            select(
                Task.id,
                Task.title,
                Task.status,
                Task.labels,
                Member.name,
                TimeEntry.start,
                TimeEntry.end,
                TimeEntry.billable,
                Task.billable,
            )
            .join(Task, Task.id == TimeEntry.task_id)
            .join(Member, Member.id == TimeEntry.member_id)
            .where(Task.client_id == client_id, in_span(span=span))
        )
        if approved_only:
            query = query.where(approved_entries())
        rows = session.exec(query).all()
    rule = rule_of(minutes=client.rounding_minutes, scope=client.rounding_scope)
    raw: dict[int, float] = {}
    pieces: dict[int, list[Piece]] = {}
    details: dict[int, tuple[str, str, str]] = {}
    members: dict[str, float] = {}
    total = 0.0
    for task_id, task_title, status, labels, member, start, end, own, task_says in rows:
        hours = clipped_seconds(start=start, end=end, span=span, now=now) / 3600
        raw[task_id] = raw.get(task_id, 0.0) + hours
        details[task_id] = (task_title, status, labels)
        pieces.setdefault(task_id, [])
        billed = is_billable(
            entry=own, task=task_says, client=client.billable, client_code=client.code
        )
        if billed and span.start <= start < span.end:
            ms = round(elapsed_seconds(start=start, end=end, now=now) * 1000)
            pieces[task_id].append(
                Piece(task_id=task_id, day=day_of(start=start, zone=zone), ms=ms)
            )
        members[member] = members.get(member, 0.0) + hours
        total += hours
    tasks = [
        TaskHours(
            task_id=task_id,
            title=details[task_id][0],
            status=details[task_id][1],
            hours=hours,
            internal=is_internal(labels=details[task_id][2], client_code=client.code),
            billed_hours=billed_ms(pieces=pieces[task_id], rule=rule) / 3_600_000,
        )
        for task_id, hours in raw.items()
    ]
    first_day = clock.to_local(span.start).date()
    last_day = clock.to_local(span.end).subtract(microseconds=1).date()
    months = _months(first=first_day, last=last_day)
    return HoursReport(
        title=title,
        client_name=client.name,
        client_code=client.code,
        first_day=first_day,
        last_day=last_day,
        tasks=tuple(sorted(tasks, key=lambda t: (-t.hours, t.title.casefold(), t.task_id))),
        members=tuple(
            MemberHours(name=name, hours=hours)
            for name, hours in sorted(members.items(), key=lambda item: (-item[1], item[0]))
        ),
        total_hours=total,
        months=months,
        budget_hours=_budget(engine, client_id=client_id, months=months),
        client_status=client.status,
        billed_hours=sum(t.billed_hours for t in tasks),
        rule=rule,
        approved_only=approved_only,
    )


def _number(value: float) -> str:
    return f"{value:.2f}"


def months_label(report: HoursReport) -> str:
    """The months the report touches, as its budget line and CSV name them."""
    return ", ".join(month.format("YYYY-MM") for month in report.months)


def md_cell(text: str) -> str:
    """Task text shown literally inside a table cell: no new rows, no new columns."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(?:[#>]|[-+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$)))")
_CLOSING_HASHES = re.compile(r"(?<=\s)#+$")


def md_text(text: str) -> str:
    """User text that reads literally wherever it is put in a Markdown line.

    One line (blanks collapse, control characters go); every character that
    would style, link, quote or cut a table is escaped; so is a start that would
    open a heading, a quote or a list, and a heading's closing `#`s.
    """
    line = " ".join(_CONTROL.sub(" ", text).split())
    line = _ENTITY.sub("\\\\&", _INLINE.sub(r"\\\1", line))
    line = _CLOSING_HASHES.sub(lambda found: "\\#" * len(found.group()), line)
    found = _BLOCK_START.match(line)
    if found is None:
        return line
    if found.group()[0].isdigit():
        end = found.end()
        return line[:end] + "\\" + line[end:]
    return "\\" + line


def client_lines(report: HoursReport) -> list[tuple[str, str, float, float]]:
    """The task rows the client reads: (title, status in words, hours, billed hours), with
    the internal tasks in one "account management" row where the hours would sort it."""
    rows = [
        (t.title, status_words(t.status), t.hours, t.billed_hours)
        for t in report.tasks
        if not t.internal
    ]
    internal = [t for t in report.tasks if t.internal]
    if internal:
        rows.append(
            (
                _("Account management and coordination"),
                "",
                sum(t.hours for t in internal),
                sum(t.billed_hours for t in internal),
            )
        )
        rows.sort(key=lambda row: -row[2])
    return rows


def billing_note(report: HoursReport) -> str:
    """How the report's billed time was counted, for every format to say alike."""
    return f"{_('Billed time')}: {report.rule.label}; " + _(
        "each entry counts in full on the day it started"
    )


def scope_note(report: HoursReport) -> str:
    """What a report limited to approved time says of itself; nothing for a full one."""
    if not report.approved_only:
        return ""
    return _("Approved time only: weeks not yet approved by a manager are left out")


def render_markdown(report: HoursReport) -> str:
    """The report as a Markdown document to paste into an email or a chat."""
    lines = [
        f"# {md_text(report.title)}",
        "",
        f"- {_('Client')}: {md_text(report.client_name)} ({md_text(report.client_code)})",
        f"- {_('Period')}: {report.first_day.isoformat()} – {report.last_day.isoformat()}",
        f"- {billing_note(report)}",
    ]
    if scope := scope_note(report):
        lines.append(f"- {scope}")
    if note := status_note(report.client_status):
        lines += ["", f"> {note}"]
    lines += [
        "",
        f"## {_('Tasks')}",
        "",
    ]
    if report.tasks:
        lines += [
            f"| {_('Task')} | {_('Status')} | {_('Hours')} | {_('Billed')} |",
            "|---|---|---:|---:|",
        ]
        lines += [
            f"| {md_text(title)} | {status} | {_number(hours)} | {_number(billed)} |"
            for title, status, hours, billed in client_lines(report)
        ]
    else:
        lines.append(_("No time recorded."))
    lines += ["", f"## {_('People')}", ""]
    if report.members:
        lines += [f"| {_('Person')} | {_('Hours')} |", "|---|---:|"]
        lines += [f"| {md_text(m.name)} | {_number(m.hours)} |" for m in report.members]
    else:
        lines.append(_("No time recorded."))
    lines += [
        "",
        f"## {_('Total')}",
        "",
        f"- {_('Hours')}: {_number(report.total_hours)}",
        f"- {_('Billed')}: {_number(report.billed_hours)}",
        f"- {_('Budget ({months})', months=months_label(report))}: "
        + (_("none") if report.budget_hours is None else _number(report.budget_hours)),
    ]
    if report.budget_percent is not None:
        lines.append(f"- {_('Used')}: {_number(report.budget_percent)}%")
    return "\n".join(lines) + "\n"


def _csv_cell(text: str) -> str:
    """Text that a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.lstrip(" ").startswith(_FORMULA_STARTS) else text


def render_csv(report: HoursReport) -> str:
    """One table: a row per task, per person, the total, the billed time and the budget."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_("section"), _("id"), _("name"), _("status"), _("hours"), _("billed")])
    for t in report.tasks:
        writer.writerow(
            [
                _("task"),
                t.task_id,
                _csv_cell(t.title),
                status_words(t.status),
                _number(t.hours),
                _number(t.billed_hours),
            ]
        )
    for m in report.members:
        writer.writerow([_("person"), "", _csv_cell(m.name), "", _number(m.hours), ""])
    writer.writerow(
        [
            _("total"),
            "",
            _csv_cell(report.client_code),
            report.rule.label,
            _number(report.total_hours),
            _number(report.billed_hours),
        ]
    )
    budget = "" if report.budget_hours is None else _number(report.budget_hours)
    writer.writerow([_("budget"), "", months_label(report), "", budget, ""])
    if scope := scope_note(report):
        writer.writerow([_("scope"), "", scope, "", "", ""])
    return out.getvalue()
