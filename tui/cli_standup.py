"""`clientdeck standup`: open the app on the stand-up, show it read-only on a shared
screen (`--kiosk`), or print it for the team chat."""

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
    standup.add_argument(
        "--kiosk",
        action="store_true",
        help=_("the stand-up read-only for a shared screen (the office TV): it changes nothing"),
    )
    add_every(standup)
    standup.set_defaults(handler=cmd_standup)


def add_every(parser: argparse.ArgumentParser) -> None:
    """`--every`, the same for the TV in a terminal and the TV in a browser."""
    parser.add_argument(
        "--every",
        type=seconds,
        default=DEFAULT_EVERY,
        metavar="SECONDS",
        help=_("with --kiosk: the next member's turn after this many seconds (0: on a key)"),
    )


DEFAULT_EVERY = 60
"""A member's turn on the TV: about what each one speaks at a stand-up."""


def seconds(text: str) -> int:
    """A whole number of seconds, 0 or more: `--every`'s argument."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a number of seconds from 0 to 86400", text=text)
        )
    return value


def cmd_standup(ctx: Context, args: argparse.Namespace) -> int:
    if args.kiosk:
        return open_kiosk(ctx, every=args.every)
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


def open_kiosk(ctx: Context, *, every: int) -> int:
    """The shared screen, on the store opened read-only: the store refuses every write."""
    from tui.kiosk import KioskApp

    ctx.read_only = True
    KioskApp(engine=ctx.engine, config=ctx.config, config_path=ctx.config_path, every=every).run()
    return 0
