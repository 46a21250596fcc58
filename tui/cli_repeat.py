"""`clientdeck repeat TASK_ID …`: put a recurrence rule on a task, change it, end it, or show it."""

from __future__ import annotations

import argparse

from model import clock
from model.i18n import _
from tui.cli import PROG, Context, UsageError, say, task_id_arg

MONTHLY_WORDS = ("first", "last")


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    repeat = commands.add_parser(
        "repeat",
        parents=parents,
        help=_("make a task recur (weekly or monthly), change or end its rule, or show it"),
    )
    repeat.add_argument("task_id", type=task_id_arg, metavar="TASK_ID")
    kind = repeat.add_mutually_exclusive_group()
    kind.add_argument("--weekly", metavar="DAY", help=_("every week on DAY (monday, fri, пт…)"))
    kind.add_argument(
        "--monthly",
        metavar="DAY|first|last",
        help=_(
            "every month on day 1–31 (the last day when shorter), or its first/last working day"
        ),
    )
    kind.add_argument("--stop", action="store_true", help=_("end the rule from today on"))
    repeat.add_argument(
        "--every", type=int, default=1, metavar="N", help=_("with --weekly: every N weeks")
    )
    repeat.add_argument(
        "--from", dest="since", metavar="DATE", help=_("the first day it may fall on")
    )
    repeat.add_argument("--until", metavar="DATE", help=_("the last day it may fall on"))
    repeat.set_defaults(handler=cmd_repeat)


def _rule(args: argparse.Namespace):
    """The rule the options name (its start is set by the model unless --from gives it)."""
    from model.parsing import parse_due, parse_weekday
    from model.recurrence import Rule
    from model.tables import RecurrenceKind

    today = clock.today()
    until = parse_due(text=args.until, today=today).date if args.until else None
    if args.weekly:
        return Rule(
            kind=RecurrenceKind.WEEKLY,
            since=today,
            weekday=parse_weekday(text=args.weekly),
            every_weeks=args.every,
            until=until,
        )
    if args.every != 1:
        raise ValueError(_("--every goes with --weekly"))
    word = args.monthly.strip().lower()
    if word in MONTHLY_WORDS:
        kind = RecurrenceKind.FIRST_WORKDAY if word == "first" else RecurrenceKind.LAST_WORKDAY
        return Rule(kind=kind, since=today, until=until)
    if not word.isdigit():
        raise ValueError(
            _("{text!r} is not a day of the month; use 1–31, first or last", text=args.monthly)
        )
    return Rule(kind=RecurrenceKind.MONTHLY_DAY, since=today, month_day=int(word), until=until)


def _say_rule(view, *, task_id: int) -> None:
    if view is None:
        say(_("task {id} does not repeat", id=task_id))
        return
    line = _("task {id} repeats {rule}", id=task_id, rule=view.words)
    if view.next_day is None:
        line += "; " + _("nothing more to make")
    else:
        line += "; " + _("next on {day}", day=view.next_day.isoformat())
    say(line)


def cmd_repeat(ctx: Context, args: argparse.Namespace) -> int:
    from model.occurrences import rule_of, set_rule, stop_rule
    from model.parsing import parse_due

    if args.stop:
        stop_rule(ctx.engine, task_id=args.task_id)
        say(_("task {id} no longer repeats; what it made stays", id=args.task_id))
        return 0
    if not (args.weekly or args.monthly):
        if args.since or args.until or args.every != 1:
            raise UsageError(f"{PROG} repeat: " + _("give the rule: --weekly DAY or --monthly DAY"))
        _say_rule(rule_of(ctx.engine, task_id=args.task_id), task_id=args.task_id)
        return 0
    try:
        rule = _rule(args)
        since = parse_due(text=args.since, today=clock.today()).date if args.since else None
    except ValueError as error:
        raise UsageError(f"{PROG} repeat: {error}") from None
    view = set_rule(ctx.engine, task_id=args.task_id, rule=rule, since=since)
    _say_rule(view, task_id=args.task_id)
    return 0
