"""Shell commands for clients: `report week`, the weekly client report."""

from __future__ import annotations

import argparse

from model.i18n import SUPPORTED, _, language, set_language
from tui.cli import PROG, Context, UsageError, command_group, emit, emit_document, say


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    week = command_group(commands=commands, name="report", parents=parents).add_parser(
        "week", parents=parents, help=_("the weekly report for a client")
    )
    week.add_argument("--client", required=True, help=_("client code or name"))
    week.add_argument(
        "--week",
        metavar="2026-W47",
        help=_("an ISO week (default: this week; on its first working day, the week just ended)"),
    )
    week.add_argument(
        "--format",
        choices=("md", "html", "pdf"),
        default="md",
        help=_("Markdown to paste, or a document to send: one HTML file, or a PDF"),
    )
    week.add_argument("--lang", choices=SUPPORTED, help=_("the report's language"))
    week.add_argument("--out", metavar="FILE", help=_("write to a file instead of the screen"))
    week.add_argument(
        "--sent", action="store_true", help=_("log that the report was sent to the client")
    )
    week.set_defaults(handler=cmd_report_week)


def cmd_report_week(ctx: Context, args: argparse.Namespace) -> int:
    """Print or write the weekly report; `--sent` logs it as the app's `r` does."""
    from model import clock
    from model.clients import find_client
    from model.reports.document import week_html
    from model.reports.week import render_markdown, report_week_start, week_report
    from model.sprints import this_week_start
    from model.weeks import iso_week_label, parse_iso_week

    start_weekday = ctx.config.sprint_start_index
    if args.week:
        try:
            week_start = parse_iso_week(text=args.week)
        except ValueError as error:
            raise UsageError(f"{PROG} report week: {error}") from None
    else:
        week_start = report_week_start(today=clock.today(), start_weekday=start_weekday)
    # An archived client's report is of its past work, and says so.
    client = find_client(ctx.engine, text=args.client, archived=True)
    ui = language()
    if args.lang or client.language:  # --lang, else the client's own
        set_language(code=args.lang or client.language)
    try:
        if args.format == "md":
            report = week_report(ctx.engine, client_id=client.id, week_start=week_start)
            emit(text=render_markdown(report), out=args.out)
        else:
            html = week_html(
                ctx.engine, client_id=client.id, week_start=week_start, agency=ctx.config.agency
            )
            emit_document(html=html, format=args.format, out=args.out)
    finally:
        set_language(code=ui)
    if not args.week and week_start != this_week_start(start_weekday=start_weekday):
        label = iso_week_label(day=week_start)
        say(_("the week just ended: {week} (--week for another)", week=label), err=True)
    if args.sent:
        from model.interactions import report_sent

        # As the app's `r` logs it: the log speaks the UI language, whatever the report's.
        report_sent(ctx.engine, client_id=client.id, week=iso_week_label(day=week_start))
    return 0
