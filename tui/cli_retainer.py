"""Shell commands for a client's retainer: `client retainer CODE` (what is billed, how it is
rounded, what carries to the next month, the thresholds of its month that raise an alert)
and `budget history CODE` (why a month has the hours it has).

Registered under `client` and `budget` by tui.cli_agency, as the other commands there.
"""

from __future__ import annotations

import argparse

from model.i18n import _
from model.retainers import Keep
from tui.cli import Context, say
from tui.format import hours

YES_NO = {"yes": True, "no": False}


def yes_no(text: str) -> bool:
    """An argparse type: `yes` or `no`."""
    if text.strip().lower() not in YES_NO:
        raise argparse.ArgumentTypeError(_("{text!r} is not yes or no", text=text))
    return YES_NO[text.strip().lower()]


def hours_or_none(text: str) -> float | None:
    """An argparse type: a number of hours, or `none` (no cap)."""
    from tui.cli_agency import number

    return None if text.strip().lower() == "none" else number(text)


def months_or_none(text: str) -> int | None:
    """An argparse type: a whole number of months, or `none` (until used)."""
    from tui.cli_agency import whole

    return None if text.strip().lower() == "none" else whole(text)


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
        "--rollover", metavar="expire|carry", help=_("unused hours expire or carry to next month")
    )
    retainer.add_argument(
        "--carry-cap",
        type=hours_or_none,
        default=Keep.KEEP,
        metavar="HOURS|none",
        help=_("carry at most this many hours out of a month"),
    )
    retainer.add_argument(
        "--carry-months",
        type=months_or_none,
        default=Keep.KEEP,
        metavar="N|none",
        help=_("carried hours expire after this many months"),
    )
    retainer.add_argument(
        "--overuse",
        metavar="writeoff|deficit",
        help=_("hours over the budget are written off or owed by the next month"),
    )
    retainer.add_argument(
        "--alerts",
        metavar="75,90,100",
        help=_("alert at these percentages of the month's hours (from the lowest, at most 100)"),
    )
    retainer.set_defaults(handler=cmd_client_retainer)


def register_budget_actions(*, actions, parents: list[argparse.ArgumentParser]) -> None:
    from tui.cli_agency import whole

    history = actions.add_parser(
        "history",
        parents=parents,
        help=_("a client's months: sold, carried, used, left and expired hours"),
    )
    history.add_argument("client", metavar="CODE")
    history.add_argument(
        "--months", type=whole, default=12, metavar="N", help=_("how many months (default: 12)")
    )
    history.add_argument(
        "--month", metavar="2026-12", help=_("the last month (default: this month)")
    )
    history.add_argument("--json", action="store_true", help=_("a JSON array for scripts"))
    history.set_defaults(handler=cmd_budget_history)


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
            ("rollover", args.rollover),
            ("overuse", args.overuse),
            ("alerts", args.alerts),
        )
        if value is not None
    } | {
        name: value
        for name, value in (
            ("carry_cap_hours", args.carry_cap),
            ("carry_months", args.carry_months),
        )
        if value is not Keep.KEEP
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
    say(settings.policy.rollover_label)
    say(settings.policy.overuse_label)
    if settings.carry_since is not None:
        say(_("carried from {month} on", month=settings.carry_since.strftime("%Y-%m")))
    say(
        _(
            "alerts at {thresholds} % of the month's hours, and when its pace runs out "
            "before the month's end",
            thresholds=", ".join(percent_kind(percent) for percent in settings.thresholds),
        )
    )
    return 0


def cmd_budget_history(ctx: Context, args: argparse.Namespace) -> int:
    """Each month's figures, oldest first, and the last month's sum in words."""
    from model.carry import retainer_months
    from model.clients import find_client
    from tui.cli_agency import month_of, print_json, table

    client = find_client(ctx.engine, text=args.client)
    last = month_of(args.month, command="budget history")
    history = retainer_months(ctx.engine, client_id=client.id, last=last, count=args.months)
    label = "%Y-%m"
    running = month_of(None, command="budget history")  # its hours may still carry or expire
    if args.json:
        print_json(
            [
                {
                    "month": month.month.strftime(label),
                    "sold": round(month.sold, 2),
                    "carried_in": round(month.carried_in_hours, 2),
                    "carried_from": [
                        {"month": lot.month.strftime(label), "hours": round(lot.hours, 2)}
                        for lot in month.carried_in
                    ],
                    "owed_in": round(month.owed_in, 2),
                    "used": round(month.used, 2),
                    "left": round(month.left, 2),
                    "carried_out": round(month.carried_out_hours, 2),
                    "expired": round(month.expired, 2),
                    "written_off": round(month.written_off, 2),
                    "month_over": month.month < running,
                }
                for month in history.months
            ]
        )
        return 0
    say(history.policy.rollover_label)
    say(history.policy.overuse_label)
    table(
        header=[
            _("MONTH"),
            _("SOLD"),
            _("CARRIED IN"),
            _("FROM"),
            _("USED"),
            _("LEFT"),
            _("CARRIED OUT"),
            _("EXPIRED"),
            _("WRITTEN OFF"),
        ],
        rows=[
            [
                month.month.strftime(label),
                hours(month.sold),
                hours(month.carried_in_hours),
                ", ".join(
                    f"{lot.month.strftime(label)}: {hours(lot.hours)}" for lot in month.carried_in
                )
                or "–",
                hours(month.used),
                hours(month.left),
                *(
                    [hours(month.carried_out_hours), hours(month.expired), hours(month.written_off)]
                    if month.month < running
                    else ["–", "–", "–"]
                ),
            ]
            for month in history.months
        ],
    )
    final = history.months[-1]
    say(
        _(
            "{month}: {available} h = {sold} h sold {carried} h carried in; "
            "{used} h used, {left} h left",
            month=final.month.strftime(label),
            available=hours(final.available),
            sold=hours(final.sold),
            carried=("+ " if final.carried_in_hours >= 0 else "− ")
            + hours(abs(final.carried_in_hours)),
            used=hours(final.used),
            left=hours(final.left),
        )
    )
    return 0
