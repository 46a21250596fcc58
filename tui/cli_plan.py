"""Shell commands for the calendar: `export ics`."""

from __future__ import annotations

import argparse

from model.i18n import _
from tui.cli import Context, command_group, emit


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    ics = command_group(commands=commands, name="export", parents=parents).add_parser(
        "ics",
        parents=parents,
        help=_("deadlines, promises, stand-ups and the retro as an iCalendar file"),
    )
    ics.add_argument("--out", metavar="FILE", help=_("write to a file instead of the screen"))
    ics.add_argument("--client", help=_("only this client's deadlines and promises (code or name)"))
    ics.set_defaults(handler=cmd_export_ics)


def cmd_export_ics(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import find_client
    from model.ics import export_calendar

    client_id = find_client(ctx.engine, text=args.client).id if args.client else None
    text = export_calendar(ctx.engine, config=ctx.config, client_id=client_id)
    emit(text=text, out=args.out)
    return 0
