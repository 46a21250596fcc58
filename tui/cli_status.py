"""`clientdeck status` (one line for a tmux status bar) and `clientdeck agenda` (the day's or
the week's stand-ups, meetings, promises and deadlines).

`status` runs every few seconds in a status bar, so `tui.__main__` sends a plain
`clientdeck status [--db PATH]` straight to `quick_status`, past the full parser (which
imports every command) and past the database layer when the store is a SQLite file
(`model.glance`). Anything else reaches the same command through the parser.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from model import clock
from model.i18n import _

if TYPE_CHECKING:  # argparse itself is for the full parser only: the quick path skips it
    import argparse

QUICK_OPTIONS = ("--db",)


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    status = commands.add_parser(
        "status",
        parents=parents,
        help=_("one line for a status bar: your timer, the next stand-up, promises due today"),
    )
    status.set_defaults(handler=cmd_status)
    agenda = commands.add_parser(
        "agenda",
        parents=parents,
        help=_("the stand-ups, meetings, promises and deadlines of a day or a week"),
    )
    when = agenda.add_mutually_exclusive_group()
    when.add_argument("--day", metavar="DATE", help=_("a day (default: today)"))
    when.add_argument("--week", action="store_true", help=_("this sprint's week"))
    agenda.set_defaults(handler=cmd_agenda)


def _say_status(*, glance, config) -> None:
    from model.glance import status_line
    from tui.format import shell_line

    print(shell_line(status_line(glance=glance, times=config.standup_times, zone=clock.zone())))


def cmd_status(ctx, args: argparse.Namespace) -> int:
    from model.db import sqlite_file
    from model.glance import Unreadable, read_sqlite, read_store

    path = sqlite_file(url=ctx.url)
    glance = None
    if path is not None:
        try:
            glance = read_sqlite(path=path, me=ctx.config.me, today=clock.today())
        except Unreadable:
            glance = None
    if glance is None:
        glance = read_store(ctx.engine, me=ctx.config.me, today=clock.today())
    _say_status(glance=glance, config=ctx.config)
    return 0


def _quick_db(argv: list[str]) -> tuple[bool, str | None]:
    """Whether `argv` (after `status`) is only `--db PATH`, and that path."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] in QUICK_OPTIONS:
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db="):
        return True, argv[0].removeprefix("--db=")
    return False, None


def quick_status(argv: list[str]) -> int | None:
    """`clientdeck status` on a SQLite file with no more than the config, pendulum and
    sqlite3 loaded; None when the full command must answer (options it does not take, a
    URL, a file it cannot read), which then says the same in its usual way."""
    plain, db = _quick_db(argv)
    if not plain:
        return None
    from model.config import load
    from model.glance import Unreadable, read_sqlite
    from model.i18n import set_language
    from model.locations import plain_sqlite_path

    path = plain_sqlite_path(db_path=db)
    if path is None:
        return None
    loaded = load()
    clock.set_zone(name=loaded.config.time_zone)
    set_language(code=loaded.config.language)
    try:
        glance = read_sqlite(path=path, me=loaded.config.me, today=clock.today())
    except Unreadable:
        return None
    if loaded.problem:
        print(f"clientdeck: {loaded.problem}", file=sys.stderr)
    _say_status(glance=glance, config=loaded.config)
    return 0


def _span(args: argparse.Namespace, *, config):
    from model.parsing import parse_due
    from model.weeks import sprint_start

    today = clock.today()
    if args.week:
        first = sprint_start(day=today, start_weekday=config.sprint_start_index)
        return first, first.add(days=6)
    if args.day:
        from tui.cli import PROG, UsageError

        try:
            day = parse_due(text=args.day, today=today).date
        except ValueError as error:
            raise UsageError(f"{PROG} agenda: {error}") from None
        return day, day
    return today, today


def _kind(kind: str) -> str:
    words = {
        "standup": _("Stand-up"),
        "retro": _("Retro"),
        "meeting": _("Meeting"),
        "deadline": _("Deadline"),
        "promise": _("Promise"),
    }
    return words[kind]


def agenda_lines(*, found, first, last) -> list[str]:
    """The items as lines: a heading per day that has any, then time, kind and what."""
    from model.promises import DAY_FORMAT

    lines: list[str] = []
    day = None
    for item in found:
        if item.day != day:
            day = item.day
            lines.append(item.day.format(_(DAY_FORMAT)))
        at = item.at.format("HH:mm") if item.at is not None else "     "
        task = "" if item.task_id is None else str(item.task_id)
        what = " ".join(part for part in (item.client_code, task, item.title) if part)
        late = f" ({_('overdue')})" if item.overdue else ""
        lines.append(f"  {at}  {_kind(item.kind):<10} {what}{late}".rstrip())
    if not lines:
        if first == last:
            lines.append(_("nothing on {day}", day=first.format(_(DAY_FORMAT))))
        else:
            lines.append(_("nothing from {first} to {last}", first=first, last=last))
    return lines


def cmd_agenda(ctx, args: argparse.Namespace) -> int:
    from model.calendar import items
    from tui.cli import say

    first, last = _span(args, config=ctx.config)
    found = items(ctx.engine, first=first, last=last, config=ctx.config)
    for line in agenda_lines(found=found, first=first, last=last):
        say(line)
    return 0
