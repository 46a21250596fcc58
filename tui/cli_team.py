"""Shell commands for the team: `member …`, `whoami`, `accept` (an inbox task into the sprint)
and `report team` (each member's utilisation over a month).

Members are named by their full name or their initials, as `find_member` finds
them; a name that matches nobody is refused with the team's names, so the next
try is a copy away.
"""

from __future__ import annotations

import argparse
from typing import Any

from model import clock
from model.i18n import N_, _
from tui.cli import PROG, Context, Failure, UsageError, command_group, say, task_id_arg
from tui.cli_agency import changes_of, month_of, number, print_json, table
from tui.format import hours

KINDS = ("holiday", "vacation", "sick")
KIND_NAMES = {"holiday": N_("holiday"), "vacation": N_("vacation"), "sick": N_("sick")}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MEMBER_FIELDS = {
    "name": "name",
    "initials": "initials",
    "role": "role",
    "capacity": "weekly_capacity_hours",
    "days": "working_days",
}


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    member = commands.add_parser(
        "member", parents=parents, help=_("add, change or list the team's members")
    )
    actions = member.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", parents=parents, help=_("a new member of the team"))
    add.add_argument("name", metavar="NAME")
    _member_options(add)
    add.set_defaults(handler=cmd_member_add)

    edit = actions.add_parser("edit", parents=parents, help=_("change a member's details"))
    edit.add_argument("member", metavar="NAME")
    edit.add_argument("--name")
    _member_options(edit)
    edit.add_argument(
        "--manager",
        action=argparse.BooleanOptionalAction,
        help=_("sees money and approves timesheets (only a manager can say)"),
    )
    edit.set_defaults(handler=cmd_member_edit)

    listing = actions.add_parser("list", parents=parents, help=_("the team"))
    listing.add_argument("--all", action="store_true", help=_("deactivated members too"))
    listing.add_argument("--json", action="store_true", help=_("a JSON array for scripts"))
    listing.set_defaults(handler=cmd_member_list)

    for action, helped, handler in (
        ("deactivate", _("someone who left; their history stays"), cmd_member_deactivate),
        ("reactivate", _("a member who is back"), cmd_member_reactivate),
    ):
        parser = actions.add_parser(action, parents=parents, help=helped)
        parser.add_argument("member", metavar="NAME")
        parser.set_defaults(handler=handler)

    off = actions.add_parser("off", parents=parents, help=_("days a member does not work"))
    off.add_argument("member", metavar="NAME")
    off.add_argument("--from", dest="first", required=True, metavar="DATE")
    off.add_argument("--to", dest="last", required=True, metavar="DATE")
    off.add_argument("--kind", choices=KINDS, default="vacation")
    off.add_argument("--note", default="")
    off.set_defaults(handler=cmd_member_off)

    report = command_group(commands=commands, name="report", parents=parents).add_parser(
        "team", parents=parents, help=_("each member's utilisation over a month")
    )
    report.add_argument("--month", metavar="2026-11", help=_("a month (default: this month)"))
    report.add_argument("--json", action="store_true", help=_("a JSON array for scripts"))
    report.set_defaults(handler=cmd_report_team)

    whoami = commands.add_parser("whoami", parents=parents, help=_("who 'me' is in the config"))
    whoami.set_defaults(handler=cmd_whoami)

    accept = commands.add_parser(
        "accept", parents=parents, help=_("take an inbox task into this week's sprint")
    )
    accept.add_argument("task_id", type=task_id_arg, metavar="TASK_ID")
    accept.add_argument("--assignee", metavar="NAME", help=_("who does it (default: you)"))
    accept.add_argument("--estimate", metavar="HOURS", help=_("1.5, 90m, 1h30…"))
    accept.set_defaults(handler=cmd_accept)


def _member_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--initials", help=_("what cards show; from the name when left out"))
    parser.add_argument("--role")
    parser.add_argument(
        "--capacity", type=number, metavar="HOURS", help=_("hours a week (default 40)")
    )
    parser.add_argument(
        "--days", metavar="mon-fri", help=_("working days: mon-fri, mon,wed,fri or 135")
    )


# --- finding members ------------------------------------------------------------------------


def _names(members) -> str:
    return ", ".join(member.name for member in members)


def find_named(ctx: Context, *, text: str, inactive: bool = True):
    """The member called `text` (name or initials), or a refusal listing the team."""
    from model.members import find_member, team

    found = find_member(ctx.engine, name=text, inactive=inactive)
    if found is not None:
        return found
    members = team(ctx.engine, inactive=inactive)
    if not members:
        raise Failure(
            _(
                "no member is called {name!r}; there are no members yet: "
                "clientdeck member add NAME adds one",
                name=text,
            )
        )
    raise Failure(
        _("no member is called {name!r}; members: {names}", name=text, names=_names(members))
    )


def me_name(ctx: Context, *, text: str) -> str:
    """What `config set me` stores: the full name of the active member typed (or initials);
    empty clears it."""
    if not text.strip():
        return ""
    return find_named(ctx, text=text, inactive=False).name


def days_label(days: str) -> str:
    """ "12345" → "mon-fri", "135" → "mon,wed,fri"."""
    numbers = [int(char) for char in days]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{WEEKDAYS[numbers[0] - 1]}-{WEEKDAYS[numbers[-1] - 1]}"
    return ",".join(WEEKDAYS[number - 1] for number in numbers)


def _introduce(member) -> str:
    return f"{member.name} ({member.initials})"


# --- member ---------------------------------------------------------------------------------


def cmd_member_add(ctx: Context, args: argparse.Namespace) -> int:
    from model.members import add_member

    say(_introduce(add_member(ctx.engine, values=changes_of(args, fields=MEMBER_FIELDS)).value))
    return 0


def cmd_member_edit(ctx: Context, args: argparse.Namespace) -> int:
    from model.members import edit_member

    values = changes_of(args, fields=MEMBER_FIELDS)
    if not values and args.manager is None:
        raise UsageError(
            f"{PROG} member edit: "
            + _("say what to change: --name, --initials, --role, --capacity, --days or --manager")
        )
    member = find_named(ctx, text=args.member)
    by_id = who_am_i(ctx).id if args.manager is not None else None
    done = edit_member(
        ctx.engine, member_id=member.id, values=values, manager=args.manager, by_id=by_id
    )
    say(_introduce(done.value))
    return 0


def cmd_member_list(ctx: Context, args: argparse.Namespace) -> int:
    from model.members import team

    members = team(ctx.engine, inactive=args.all)
    if args.json:
        rows: list[dict[str, Any]] = [
            {
                "name": member.name,
                "initials": member.initials,
                "role": member.role,
                "weekly_capacity_hours": member.weekly_capacity_hours,
                "working_days": days_label(member.working_days),
                "active": member.active,
                "manager": member.manager,
            }
            for member in members
        ]
        print_json(rows)
        return 0
    if not members:
        say(_("there are no members yet; clientdeck member add NAME adds one"))
        return 0
    header = [_("NAME"), _("INITIALS"), _("ROLE"), _("HOURS A WEEK"), _("DAYS"), _("MANAGER")]
    table(
        header=[*header, _("ACTIVE")] if args.all else header,
        rows=[
            [
                member.name,
                member.initials,
                member.role,
                hours(member.weekly_capacity_hours),
                days_label(member.working_days),
                _("yes") if member.manager else "",
                *([_("yes") if member.active else _("no")] if args.all else []),
            ]
            for member in members
        ],
    )
    return 0


def _set_active(ctx: Context, args: argparse.Namespace, *, active: bool) -> None:
    from model.members import edit_member

    member = find_named(ctx, text=args.member)
    edit_member(ctx.engine, member_id=member.id, active=active)
    if active:
        say(_("{name} is back on the team", name=member.name))
    else:
        say(_("{name} is no longer on the team; their history stays", name=member.name))


def cmd_member_deactivate(ctx: Context, args: argparse.Namespace) -> int:
    _set_active(ctx, args, active=False)
    return 0


def cmd_member_reactivate(ctx: Context, args: argparse.Namespace) -> int:
    _set_active(ctx, args, active=True)
    return 0


def _day(text: str, *, option: str):
    from model.parsing import parse_due

    try:
        return parse_due(text=text, today=clock.today()).date
    except ValueError as error:
        raise UsageError(f"{PROG} member off {option}: {error}") from None


def cmd_member_off(ctx: Context, args: argparse.Namespace) -> int:
    from model.daysoff import add_day_off

    first = _day(args.first, option="--from")
    last = _day(args.last, option="--to")
    member = find_named(ctx, text=args.member)
    add_day_off(
        ctx.engine, member_id=member.id, first=first, last=last, kind=args.kind, note=args.note
    )
    say(
        _(
            "{name}: {kind} from {first} to {last}",
            name=member.name,
            kind=_(KIND_NAMES[args.kind]),
            first=first.isoformat(),
            last=last.isoformat(),
        )
    )
    return 0


# --- report team ----------------------------------------------------------------------------


def cmd_report_team(ctx: Context, args: argparse.Namespace) -> int:
    """Billable hours over available hours, per member, against the config's target band."""
    from model.utilisation import BAND_WORDS, month_utilisation

    month = month_of(args.month, command="report team")
    target = ctx.config.utilisation
    rows = month_utilisation(ctx.engine, month=month, target=target)
    label = month.format("YYYY-MM")
    if args.json:
        print_json(
            [
                {
                    "name": row.name,
                    "initials": row.initials,
                    "month": label,
                    "available_hours": round(row.utilisation.available_hours, 2),
                    "billable_hours": round(row.utilisation.billable_hours, 2),
                    "utilisation_percent": row.utilisation.percent,
                    "band": row.utilisation.band.value if row.utilisation.band else None,
                }
                for row in rows
            ]
        )
        return 0
    if not rows:
        say(_("there are no members yet; clientdeck member add NAME adds one"))
        return 0
    say(
        _(
            "Utilisation, {month} (target {low}–{high} %)",
            month=label,
            low=hours(target["target_low"]),
            high=hours(target["target_high"]),
        )
    )
    table(
        header=[_("NAME"), _("AVAILABLE"), _("BILLABLE"), _("UTILISATION"), _("BAND")],
        rows=[
            [
                row.name,
                hours(row.utilisation.available_hours, places=1),
                hours(row.utilisation.billable_hours, places=1),
                "–" if row.utilisation.percent is None else f"{row.utilisation.percent} %",
                _(BAND_WORDS[row.utilisation.band]) if row.utilisation.band else "–",
            ]
            for row in rows
        ],
    )
    return 0


# --- whoami ---------------------------------------------------------------------------------


def who_am_i(ctx: Context):
    """The member `me` names, or a refusal that says how to become one of the team."""
    from model.members import find_member, team

    me = ctx.config.me
    member = find_member(ctx.engine, name=me) if me.strip() else None
    if member is not None:
        return member
    members = team(ctx.engine)
    if not members:
        raise Failure(
            _(
                "there are no members yet; clientdeck member add NAME adds one, "
                "then clientdeck config set me NAME"
            )
        )
    if not me.strip():
        raise Failure(
            _(
                "who are you? run: clientdeck config set me NAME (members: {names})",
                names=_names(members),
            )
        )
    raise Failure(
        _(
            "me is {name!r}, who is not an active member; "
            "run: clientdeck config set me NAME (members: {names})",
            name=me,
            names=_names(members),
        )
    )


def cmd_whoami(ctx: Context, args: argparse.Namespace) -> int:
    say(_introduce(who_am_i(ctx)))
    return 0


# --- accept ---------------------------------------------------------------------------------


def cmd_accept(ctx: Context, args: argparse.Namespace) -> int:
    from model.errors import ValidationError
    from model.now import now_of
    from model.parsing import parse_hours
    from model.tasks import get_task
    from model.triage import accept

    estimate = None
    if args.estimate is not None:
        try:
            estimate = parse_hours(text=args.estimate)
        except ValueError as error:
            raise UsageError(f"{PROG} accept --estimate: {error}") from None
    me = ctx.me()
    task = get_task(ctx.engine, task_id=args.task_id)
    if task.archived_at is not None:  # refused before this week's sprint is made for it
        raise ValidationError(_("task {id} is archived", id=task.id), field="task_id")
    if args.assignee is not None:
        assignee_id = find_named(ctx, text=args.assignee, inactive=False).id
    else:
        assignee_id = me if me is not None else task.assignee_id
    sprint = now_of(ctx.engine, config=ctx.config).sprint  # a closed week sends it on
    accepted = accept(
        ctx.engine,
        task_id=task.id,
        sprint_id=sprint.id,
        assignee_id=assignee_id,
        estimate_hours=task.estimate_hours if estimate is None else estimate,
        who=me,
    )
    say(accepted.value.id)
    return 0
