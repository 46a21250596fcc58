"""Shell commands for time: `timer start|stop|status` and `report hours`."""

from __future__ import annotations

import argparse

from model import clock
from model.i18n import SUPPORTED, _, set_language
from tui.cli import (
    PROG,
    Context,
    Failure,
    UsageError,
    command_group,
    emit,
    emit_document,
    say,
    task_id_arg,
)


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    hours = command_group(commands=commands, name="report", parents=parents).add_parser(
        "hours", parents=parents, help=_("hours worked for a client, against its budget")
    )
    hours.add_argument("--client", required=True, help=_("client code or name"))
    period = hours.add_mutually_exclusive_group()
    period.add_argument("--week", metavar="2026-W47", help=_("an ISO week"))
    period.add_argument("--month", metavar="2026-11", help=_("a month (default: this month)"))
    period.add_argument("--from", dest="first", metavar="DATE", help=_("first day"))
    hours.add_argument("--to", dest="last", metavar="DATE", help=_("last day, with --from"))
    hours.add_argument(
        "--format",
        choices=("md", "csv", "html", "pdf"),
        default="md",
        help=_("Markdown, CSV for a spreadsheet, or a document to send: HTML or PDF"),
    )
    hours.add_argument(
        "--approved",
        action="store_true",
        help=_("only time of weeks a manager approved (the report says so)"),
    )
    hours.add_argument("--lang", choices=SUPPORTED, help=_("the report's language"))
    hours.add_argument("--out", metavar="FILE", help=_("write to a file instead of the screen"))
    hours.set_defaults(handler=cmd_report_hours)

    timer = commands.add_parser("timer", parents=parents, help=_("start, stop or show your timer"))
    actions = timer.add_subparsers(dest="action", required=True)
    start = actions.add_parser("start", parents=parents, help=_("time a task (stops the last)"))
    start.add_argument("task_id", type=task_id_arg, metavar="TASK_ID")
    start.add_argument("--note", default="", help=_("what you are doing"))
    start.set_defaults(handler=cmd_timer_start)
    stop = actions.add_parser("stop", parents=parents, help=_("stop your running timer"))
    stop.add_argument("--at", metavar="HH:MM", help=_("when you stopped working"))
    stop.set_defaults(handler=cmd_timer_stop)
    status = actions.add_parser(
        "status", parents=parents, help=_("show your running timer (exit 1 when none)")
    )
    status.set_defaults(handler=cmd_timer_status)


# --- report hours --------------------------------------------------------------------------


def _period(args: argparse.Namespace):
    """The span the options name and its label; this month when none is given."""
    from model.parsing import parse_due
    from model.weeks import (
        days_span,
        iso_week_label,
        month_span,
        month_start,
        parse_iso_week,
        parse_month,
        week_span,
    )

    zone = clock.zone()
    if bool(args.first) != bool(args.last):
        raise UsageError(f"{PROG} report hours: " + _("--from and --to go together"))
    try:
        if args.week:
            monday = parse_iso_week(text=args.week)
            return week_span(week_start=monday, zone=zone), iso_week_label(day=monday)
        if args.first:
            first = parse_due(text=args.first, today=clock.today()).date
            last = parse_due(text=args.last, today=clock.today()).date
            if last < first:
                raise ValueError(_("--to is before --from"))
            return days_span(first=first, last=last, zone=zone), f"{first} – {last}"
        month = parse_month(text=args.month) if args.month else month_start(day=clock.today())
        return month_span(month=month, zone=zone), month.format("YYYY-MM")
    except ValueError as error:
        raise UsageError(f"{PROG} report hours: {error}") from None


def cmd_report_hours(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import find_client
    from model.reports.document import hours_html
    from model.reports.hours import hours_report, render_csv, render_markdown

    span, label = _period(args)
    client = find_client(ctx.engine, text=args.client, archived=True)
    if args.lang or client.language:  # --lang, else the client's own
        set_language(code=args.lang or client.language)
    title = _("Hours for {client}, {period}", client=client.name, period=label)
    if args.format in ("html", "pdf"):
        html = hours_html(
            ctx.engine,
            client_id=client.id,
            span=span,
            title=title,
            agency=ctx.config.agency,
            approved_only=args.approved,
        )
        emit_document(html=html, format=args.format, out=args.out)
        return 0
    report = hours_report(
        ctx.engine, client_id=client.id, span=span, title=title, approved_only=args.approved
    )
    text = render_csv(report) if args.format == "csv" else render_markdown(report)
    emit(text=text, out=args.out)
    return 0


# --- timer ---------------------------------------------------------------------------------


def _me(ctx: Context) -> int:
    from tui.cli_team import who_am_i

    return who_am_i(ctx).id


def _duration(seconds: float) -> str:
    minutes = int(seconds) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


def _when(instant) -> str:
    """A local time, with the date when it is not today."""
    local = clock.to_local(instant)
    return local.format("HH:mm" if local.date() == clock.today() else "YYYY-MM-DD HH:mm")


def cmd_timer_start(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import client_by_id
    from model.tasks import get_task
    from model.timetrack import elapsed_seconds, start_timer

    member_id = _me(ctx)
    started = start_timer(ctx.engine, task_id=args.task_id, member_id=member_id, note=args.note)
    if started.stopped is not None:
        stopped = started.stopped
        seconds = elapsed_seconds(start=stopped.start, end=stopped.end, now=clock.now())
        say(
            _(
                "stopped task {id} after {duration}",
                id=stopped.task_id,
                duration=_duration(seconds),
            )
        )
    # The started entry's own task: the member's latest timer may already be another one,
    # started by a second process in between.
    task = get_task(ctx.engine, task_id=started.entry.task_id)
    client = client_by_id(ctx.engine, client_id=task.client_id)
    say(
        _(
            "started task {id}: {title} [{client}]",
            id=task.id,
            title=task.title,
            client=client.code,
        )
    )
    if started.over_budget:
        say(_("warning: this client has used up this month's paid hours"), err=True)
    return 0


def cmd_timer_stop(ctx: Context, args: argparse.Namespace) -> int:
    from model.timetrack import elapsed_seconds, running_entry, stop_timer, time_of_day_before

    member_id = _me(ctx)
    at = None
    if args.at is not None:
        running = running_entry(ctx.engine, member_id=member_id)
        start = running.entry.start if running else None
        at = time_of_day_before(text=args.at, now=clock.now(), after=start)
    entry = stop_timer(ctx.engine, member_id=member_id, at=at)
    if entry is None:
        raise Failure(_("no timer is running"))
    seconds = elapsed_seconds(start=entry.start, end=entry.end, now=clock.now())
    say(
        _(
            "stopped task {id} at {at} after {duration}",
            id=entry.task_id,
            at=_when(entry.end),
            duration=_duration(seconds),
        )
    )
    return 0


def cmd_timer_status(ctx: Context, args: argparse.Namespace) -> int:
    """Exit 0 while a timer runs and 1 when none does, so scripts can test it (as timew does)."""
    from model.timetrack import end_of_work_day, running_entry

    running = running_entry(ctx.engine, member_id=_me(ctx))
    if running is None:
        say(_("no timer is running"))
        return 1
    entry = running.entry
    say(
        _(
            "task {id}: {title} [{client}], since {since}, {elapsed}",
            id=entry.task_id,
            title=running.task_title,
            client=running.client_code,
            since=_when(entry.start),
            elapsed=_duration(running.elapsed_seconds),
        )
    )
    if end_of_work_day(entry=entry, work_day_end=ctx.config.work_day_end) <= clock.now():
        say(
            _("this timer ran past the end of its working day; stop it with --at HH:MM"),
            err=True,
        )
    return 0
