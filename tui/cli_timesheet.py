"""Shell commands for timesheet review: `timesheet submit|approve|return|unlock|list`.

You are the member `me` names: you submit your own week, and, as a manager, approve,
return or unlock a member's. The model refuses what the member at the keys may not do.
"""

from __future__ import annotations

import argparse

from model import clock
from model.i18n import _
from tui.cli import Context, say, task_id_arg
from tui.cli_agency import table

WEEK_HELP = "2026-W47 | 2026-11-18"


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    timesheet = commands.add_parser(
        "timesheet", parents=parents, help=_("submit your week; approve or return a member's")
    )
    actions = timesheet.add_subparsers(dest="action", required=True)

    submit = actions.add_parser("submit", parents=parents, help=_("hand your week in for review"))
    _week(submit)
    submit.set_defaults(handler=cmd_submit)

    approve = actions.add_parser(
        "approve", parents=parents, help=_("approve a submitted week (a manager): it locks")
    )
    approve.add_argument("member", metavar="MEMBER")
    _week(approve)
    approve.set_defaults(handler=cmd_approve)

    returning = actions.add_parser(
        "return", parents=parents, help=_("send a submitted week back with what to fix")
    )
    returning.add_argument("member", metavar="MEMBER")
    _week(returning)
    returning.add_argument("--note", required=True, help=_("what to fix"))
    returning.set_defaults(handler=cmd_return)

    unlock = actions.add_parser(
        "unlock", parents=parents, help=_("open an approved week again (a manager), saying why")
    )
    unlock.add_argument("member", metavar="MEMBER")
    _week(unlock)
    unlock.add_argument("--reason", required=True, help=_("why it must change"))
    unlock.add_argument(
        "--entry", type=task_id_arg, metavar="ENTRY_ID", help=_("the time entry to change")
    )
    unlock.set_defaults(handler=cmd_unlock)

    listing = actions.add_parser("list", parents=parents, help=_("the team's weeks and states"))
    _week(listing)
    listing.set_defaults(handler=cmd_list)


def _week(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--week", metavar=WEEK_HELP, help=_("an ISO week or a day in it (default: this week)")
    )


def _week_start(ctx: Context, args: argparse.Namespace):
    from model.sprints import this_week_start
    from model.timesheets import week_of

    start_weekday = ctx.config.sprint_start_index
    if args.week is None:
        return this_week_start(start_weekday=start_weekday)
    return week_of(text=args.week, start_weekday=start_weekday)


def _me(ctx: Context) -> int:
    from tui.cli_team import who_am_i

    return who_am_i(ctx).id


def _member(ctx: Context, args: argparse.Namespace):
    from tui.cli_team import find_named

    return find_named(ctx, text=args.member)


def cmd_submit(ctx: Context, args: argparse.Namespace) -> int:
    from model.timesheets import submit_week, week_label

    week_start = _week_start(ctx, args)
    submit_week(ctx.engine, member_id=_me(ctx), week_start=week_start)
    say(_("{week} submitted for review", week=week_label(week_start)))
    return 0


def cmd_approve(ctx: Context, args: argparse.Namespace) -> int:
    from model.timesheets import approve_week, week_label

    week_start = _week_start(ctx, args)
    member = _member(ctx, args)
    approve_week(ctx.engine, member_id=member.id, week_start=week_start, by_id=_me(ctx))
    say(_("{name}'s {week} approved", name=member.name, week=week_label(week_start)))
    return 0


def cmd_return(ctx: Context, args: argparse.Namespace) -> int:
    from model.timesheets import return_week, week_label

    week_start = _week_start(ctx, args)
    member = _member(ctx, args)
    return_week(
        ctx.engine, member_id=member.id, week_start=week_start, by_id=_me(ctx), note=args.note
    )
    say(_("{name}'s {week} returned", name=member.name, week=week_label(week_start)))
    return 0


def cmd_unlock(ctx: Context, args: argparse.Namespace) -> int:
    from model.timesheets import unlock_week, week_label

    week_start = _week_start(ctx, args)
    member = _member(ctx, args)
    unlock_week(
        ctx.engine,
        member_id=member.id,
        week_start=week_start,
        by_id=_me(ctx),
        reason=args.reason,
        entry_id=args.entry,
    )
    say(
        _(
            "{name}'s {week} unlocked: open until submitted again",
            name=member.name,
            week=week_label(week_start),
        )
    )
    return 0


def _when(instant) -> str:
    return "" if instant is None else clock.to_local(instant).format("YYYY-MM-DD HH:mm")


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    """A line per active member; each unlock of the week under its member, oldest first."""
    from model.timesheets import state_name, timesheet_states, week_label

    week_start = _week_start(ctx, args)
    views = timesheet_states(ctx.engine, week_start=week_start)
    say(_("Timesheets of {week}", week=week_label(week_start)))
    rows: list[list[str]] = []
    for view in views:
        rows.append([view.name, state_name(view.state), view.by, _when(view.at), view.note])
        for unlock in view.unlocks:
            rows.append(["", _("unlocked"), unlock.by, _when(unlock.at), unlock.reason])
    table(header=[_("Member"), _("State"), _("By"), _("When"), _("Note")], rows=rows)
    return 0
