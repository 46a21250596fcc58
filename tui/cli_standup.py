"""`clientdeck standup`: open the app on the stand-up, or print it for the team chat."""

from __future__ import annotations

import argparse
import sys

from model import clock
from model.i18n import _
from tui.cli import Context, open_app


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    standup = commands.add_parser(
        "standup", parents=parents, help=_("open the stand-up, or print it as Markdown")
    )
    standup.add_argument(
        "--print",
        dest="print_summary",
        action="store_true",
        help=_("print the stand-up at hand as Markdown for the team chat and exit"),
    )
    standup.set_defaults(handler=cmd_standup)


def cmd_standup(ctx: Context, args: argparse.Namespace) -> int:
    if not args.print_summary:
        return open_app(ctx, start_mode="standup")
    from model.now import now_of
    from model.standup import meeting, render_markdown

    config = ctx.config
    sprint = now_of(ctx.engine, config=config).sprint
    at_hand = meeting(
        ctx.engine,
        now=clock.now(),
        times=config.standup_times,
        zone=clock.zone(),
        sprint_id=sprint.id,
        coefficients=config.urgency,
    )
    sys.stdout.write(render_markdown(meeting=at_hand))
    return 0
