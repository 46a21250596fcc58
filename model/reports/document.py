"""The client reports as documents a client opens anywhere: one HTML file, and a PDF of it.

The Markdown reports are for pasting into a message; these are what a
client forwards. The HTML is self-contained (its CSS inline, the burn chart an
inline SVG, no fonts, scripts or anything else fetched), so it opens the same
from a mail attachment on a phone, and it prints on A4. The PDF is WeasyPrint's
rendering of that same HTML, so the two never tell different numbers.

Templates are Jinja2 with autoescaping on: task titles and names are the
users' text and show literally (`<script>` is text, `{{` is two braces). Every
word on the page comes from here through the translation function, in the
language set when rendering (the client's), so the templates hold no text.
"""

from __future__ import annotations

from typing import Any

import pendulum
from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy.engine import Engine

from model import clock
from model.i18n import _, language, ngettext
from model.reports.burn import MonthBurn, chart, month_burn
from model.reports.hours import (
    HoursReport,
    _number,
    billing_note,
    client_lines,
    hours_report,
    months_label,
    scope_note,
    status_note,
    status_words,
)
from model.reports.week import (
    STATE_WORDS,
    WeekReport,
    _moment,
    _value,
    due_text,
    month_name,
    week_report,
)
from model.weeks import Span

CHART_WIDTH = 640
CHART_HEIGHT = 200

_ENVIRONMENT = Environment(
    loader=PackageLoader("model.reports", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _burn(burn: MonthBurn | None) -> dict[str, Any] | None:
    """The chart and its words; none without paid hours (no budget, no budget part)."""
    if burn is None or burn.budget_hours is None:
        return None
    return {
        "chart": chart(burn, width=CHART_WIDTH, height=CHART_HEIGHT),
        "title": _("Paid hours in {month}", month=month_name(burn.month)),
        "plan": _("Plan"),
        "actual": _("Spent"),
        "forecast": _("Forecast"),
        "budget": _("Paid hours"),
        "forecast_text": _(
            "At this pace the month ends at {hours} of {budget} paid hours.",
            hours=_number(burn.forecast_hours or 0.0),
            budget=_number(burn.budget_hours),
        ),
    }


def _budget(
    *, label: str, hours: float | None, percent: float | None, burn: MonthBurn | None
) -> dict[str, Any] | None:
    """The paid hours, the share used and the chart; none at all without paid hours."""
    if hours is None:
        return None
    return {
        "paid_label": label,
        "paid": _number(hours),
        "used_label": _("Used"),
        "used": f"{_number(percent or 0.0)}%",
        "share": min(percent or 0.0, 100.0),
        "burn": _burn(burn),
    }


def _page(*, title: str, agency: str, status: str, period: str, **parts: Any) -> dict[str, Any]:
    return {
        "lang": language() or "en",
        "title": title,
        "agency": agency,
        "prepared_by": _("Prepared by {agency}", agency=agency),
        "period": period,
        "status_note": status_note(status),
        "written": _("Written {moment}", moment=_moment(clock.now())),
        **parts,
    }


def render_week_html(report: WeekReport, *, agency: str, burn: MonthBurn | None = None) -> str:
    """The weekly report as one HTML file; `burn` draws the month's chart when paid."""
    month = month_name(report.month)

    def tasks(lines, *, status: bool, hours: bool) -> list[dict[str, str]]:
        return [
            {
                "title": line.title,
                "status": status_words(line.status) if status else "",
                "due": due_text(line.due),
                "hours": _number(line.hours) if hours else "",
            }
            for line in lines
        ]

    budget = _budget(
        label=_("Paid hours ({month})", month=month),
        hours=report.budget_hours,
        percent=report.budget_percent,
        burn=burn,
    )
    context = _page(
        title=_("Weekly report for {client}, {week}", client=report.client_name, week=report.label),
        agency=agency,
        status=report.client_status,
        period=f"{report.week_start.isoformat()} – {report.week_end.isoformat()}",
        heads={
            "task": _("Task"),
            "status": _("Status"),
            "due": _("Due"),
            "hours_week": _("Hours this week"),
            "since": _("Since"),
            "days": _("Days"),
            "promise": _("Promise"),
            "deadline": _("Deadline"),
            "done": _("Done"),
            "state": _("State"),
            "kpi": _("KPI"),
            "baseline": _("Baseline"),
            "target": _("Target"),
            "now": _("Now"),
        },
        sections={
            "done": _("Done this week"),
            "in_progress": _("In progress"),
            "next_week": _("Next week"),
            "waiting": _("Waiting for you"),
            "promises": _("Promises"),
            "hours": _("Hours"),
            "kpis": _("KPIs"),
        },
        empty={
            "done": _("Nothing was finished this week."),
            "in_progress": _("Nothing is in progress."),
            "next_week": _("Nothing is planned yet."),
            "waiting": _("We are not waiting for anything from you."),
        },
        done=tasks(report.done, status=False, hours=True),
        in_progress=tasks(report.in_progress, status=True, hours=True),
        next_week=tasks(report.next_week, status=False, hours=False),
        waiting=[
            {"title": w.title, "since": _moment(w.waiting_since), "days": w.days}
            for w in report.waiting
        ],
        promise_counts=[
            ngettext(
                "{n} promise kept this week", "{n} promises kept this week", n=len(report.kept)
            ),
            ngettext(
                "{n} promise broken this week",
                "{n} promises broken this week",
                n=len(report.broken),
            ),
        ],
        settled=[
            {"title": p.title, "deadline": p.due_text, "done": _moment(p.done_at)}
            for p in (*report.kept, *report.broken)
            if p.done_at is not None
        ],
        open_promises=[
            {"title": p.title, "deadline": p.due_text, "state": _(STATE_WORDS[p.state])}
            for p in report.due
        ],
        hours=[
            (_("This week"), _number(report.week_hours)),
            (_("Billed month to date ({month})", month=month), _number(report.month_hours)),
        ],
        budget=budget,
        kpis=[
            {
                "name": k.name,
                "baseline": _value(k.baseline, k.unit),
                "target": _value(k.target, k.unit),
                "now": _value(k.now, k.unit),
            }
            for k in report.kpis
        ],
    )
    return _ENVIRONMENT.get_template("week.html.j2").render(context)


def render_hours_html(report: HoursReport, *, agency: str, burn: MonthBurn | None = None) -> str:
    """The hours report as one HTML file, with the same figures as its CSV."""
    budget = _budget(
        label=_("Budget ({months})", months=months_label(report)),
        hours=report.budget_hours,
        percent=report.budget_percent,
        burn=burn,
    )
    context = _page(
        title=report.title,
        agency=agency,
        status=report.client_status,
        period=f"{report.first_day.isoformat()} – {report.last_day.isoformat()}",
        heads={
            "task": _("Task"),
            "status": _("Status"),
            "hours": _("Hours"),
            "billed": _("Billed"),
            "person": _("Person"),
        },
        sections={"tasks": _("Tasks"), "people": _("People"), "total": _("Total")},
        empty=_("No time recorded."),
        tasks=[
            {"title": title, "status": status, "hours": _number(hours), "billed": _number(billed)}
            for title, status, hours, billed in client_lines(report)
        ],
        members=[{"name": m.name, "hours": _number(m.hours)} for m in report.members],
        total_label=_("Hours"),
        total=_number(report.total_hours),
        billed=_number(report.billed_hours),
        rule=billing_note(report),
        scope=scope_note(report),
        budget=budget,
    )
    return _ENVIRONMENT.get_template("hours.html.j2").render(context)


def render_pdf(html: str) -> bytes:
    """The HTML document as a PDF on A4, as WeasyPrint lays it out (imported here: it takes
    a while to load and only this needs it)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # it ships no type hints

    pdf = HTML(string=html).write_pdf()
    if pdf is None:  # without a target WeasyPrint returns the bytes
        raise RuntimeError("WeasyPrint wrote no PDF")
    return pdf


def week_html(engine: Engine, *, client_id: int, week_start: pendulum.Date, agency: str) -> str:
    """The client's weekly report for the week from `week_start`, with the burn of the month
    the week ends in as it stood at the week's end (or now, for the week under way)."""
    report = week_report(engine, client_id=client_id, week_start=week_start)
    day = min(clock.today(), report.week_end)
    burn = month_burn(engine, client_id=client_id, month=report.month, day=day)
    return render_week_html(report, agency=agency, burn=burn)


def hours_html(
    engine: Engine,
    *,
    client_id: int,
    span: Span,
    title: str,
    agency: str,
    approved_only: bool = False,
) -> str:
    """The client's hours in `span`, with the burn of the month of its last day."""
    report = hours_report(
        engine, client_id=client_id, span=span, title=title, approved_only=approved_only
    )
    day = min(clock.today(), report.last_day)
    burn = month_burn(engine, client_id=client_id, month=report.last_day, day=day)
    return render_hours_html(report, agency=agency, burn=burn)
