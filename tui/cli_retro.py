"""Shell command for the retro: `report retro [--sprint 2026-W47] [--out FILE]`."""

from __future__ import annotations

import argparse

from model.i18n import _
from tui.cli import PROG, Context, Failure, UsageError, command_group, emit


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    retro = command_group(commands=commands, name="report", parents=parents).add_parser(
        "retro", parents=parents, help=_("a sprint's retro as Markdown")
    )
    retro.add_argument(
        "--sprint", metavar="2026-W47", help=_("the sprint's ISO week (default: this week)")
    )
    retro.add_argument("--out", metavar="FILE", help=_("write to a file instead of the screen"))
    retro.set_defaults(handler=cmd_report_retro)


def cmd_report_retro(ctx: Context, args: argparse.Namespace) -> int:
    from model.retro.view import render_markdown, retro_view
    from model.sprints import find_sprint, this_week_start
    from model.weeks import iso_week_label, parse_iso_week, sprint_start

    start_weekday = ctx.config.sprint_start_index
    if args.sprint:
        try:
            monday = parse_iso_week(text=args.sprint)
        except ValueError as error:
            raise UsageError(f"{PROG} report retro: {error}") from None
        week_start = sprint_start(day=monday, start_weekday=start_weekday)
    else:
        week_start = this_week_start(start_weekday=start_weekday)
    sprint = find_sprint(ctx.engine, week_start=week_start)
    if sprint is None:
        raise Failure(_("no sprint for the week {week}", week=iso_week_label(day=week_start)))
    view = retro_view(
        ctx.engine,
        sprint_id=sprint.id,
        checklist_keys=ctx.config.retro_checklist,
        target=ctx.config.utilisation,
    )
    text = render_markdown(view)
    emit(text=text, out=args.out)
    return 0
