"""Shell commands for a client's retainer: `client retainer CODE`, what is billed and how,
and the thresholds of its month that raise an alert.

Registered under `client` by tui.cli_agency, as the other client commands.
"""

from __future__ import annotations

import argparse

from model.i18n import _
from tui.cli import Context, say

YES_NO = {"yes": True, "no": False}


def yes_no(text: str) -> bool:
    """An argparse type: `yes` or `no`."""
    if text.strip().lower() not in YES_NO:
        raise argparse.ArgumentTypeError(_("{text!r} is not yes or no", text=text))
    return YES_NO[text.strip().lower()]


def register_client_actions(*, actions, parents: list[argparse.ArgumentParser]) -> None:
    from tui.cli_agency import whole

    retainer = actions.add_parser(
        "retainer",
        parents=parents,
        help=_("show or change what of a client's time is billed, and how it is rounded"),
    )
    retainer.add_argument("client", metavar="CODE")
    retainer.add_argument(
        "--billable", type=yes_no, metavar="yes|no", help=_("whether its time is billed")
    )
    retainer.add_argument(
        "--rounding",
        type=whole,
        metavar="MIN",
        help=_("round billed time up to 5, 6, 10, 15 or 30 minutes (0: not rounded)"),
    )
    retainer.add_argument(
        "--per",
        choices=("entry", "task-day"),
        help=_("round each entry, or each task's time of a day"),
    )
    retainer.add_argument(
        "--alerts",
        metavar="75,90,100",
        help=_("alert at these percentages of the month's hours (from the lowest, at most 100)"),
    )
    retainer.set_defaults(handler=cmd_client_retainer)


def cmd_client_retainer(ctx: Context, args: argparse.Namespace) -> int:
    """Change what is given (all or nothing), then print the settings in force."""
    from model.alerts import percent_kind
    from model.clients import find_client
    from model.retainers import change_retainer, retainer_settings

    client = find_client(ctx.engine, text=args.client)
    changes = {
        name: value
        for name, value in (
            ("billable", args.billable),
            ("rounding", args.rounding),
            ("scope", args.per),
            ("alerts", args.alerts),
        )
        if value is not None
    }
    if changes:
        settings = change_retainer(ctx.engine, client_id=client.id, **changes)
    else:
        settings = retainer_settings(ctx.engine, client_id=client.id)
    code = settings.client_code
    if settings.billable:
        say(_("{code}: time is billed", code=code))
    else:
        say(_("{code}: time is not billed unless a task or an entry says so", code=code))
    say(_("billed time: {rule}", rule=settings.rule.label))
    say(
        _(
            "alerts at {thresholds} % of the month's hours, and when its pace runs out "
            "before the month's end",
            thresholds=", ".join(percent_kind(percent) for percent in settings.thresholds),
        )
    )
    return 0
