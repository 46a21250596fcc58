"""Shell commands that move data in and out: `import trello|time|json`, `export json`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from model.i18n import _, ngettext
from tui.cli import Context, Failure, command_group, emit, say

if TYPE_CHECKING:
    from model.importers.timeentries import TimeImport
    from model.importers.trello import Plan

SOURCES = ("everhour", "toggl", "harvest", "clockify")
LISTED = 50
"""Problem rows printed; the rest are counted."""


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    sources = command_group(commands=commands, name="import", parents=parents)
    trello = sources.add_parser(
        "trello", parents=parents, help=_("import a Trello board export as a client's tasks")
    )
    trello.add_argument("file", metavar="FILE", help=_("the board's JSON export"))
    trello.add_argument("--client", required=True, help=_("client code or name"))
    trello.add_argument(
        "--create-client",
        action="store_true",
        help=_("make the client (code from --client, name from the board) when none matches"),
    )
    trello.add_argument(
        "--dry-run", action="store_true", help=_("show what would change and write nothing")
    )
    trello.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"LIST=STATUS"',
        help=_("the status for a list's cards; repeat for each list to set"),
    )
    trello.set_defaults(handler=cmd_import_trello)
    _register_time(sources=sources, parents=parents)
    restore = sources.add_parser(
        "json", parents=parents, help=_("restore a clientdeck export into an empty database")
    )
    restore.add_argument("file", metavar="FILE", help=_("a file made by 'clientdeck export json'"))
    restore.set_defaults(handler=cmd_import_json)

    as_json = command_group(commands=commands, name="export", parents=parents).add_parser(
        "json", parents=parents, help=_("every row of every table, as JSON")
    )
    as_json.add_argument("--out", metavar="FILE", help=_("write to a file instead of the screen"))
    as_json.set_defaults(handler=cmd_export_json)


# --- import trello -----------------------------------------------------------------------------


def _mapping_lines(plan: Plan) -> list[str]:
    from model.importers.trello import MappingSource

    notes = {
        MappingSource.NAME: "",
        MappingSource.GIVEN: _(" (from --map)"),
        MappingSource.DEFAULT: _(" (name not recognised; set it with --map)"),
    }
    lines = [_("Lists → statuses:")]
    for entry in plan.mapping:
        archived = _("; the list is archived, and so are its cards") if entry.list.closed else ""
        lines.append(f"  {entry.list.name} → {entry.status}{notes[entry.source]}{archived}")
    return lines


def _summary_lines(plan: Plan, *, dry_run: bool) -> list[str]:
    board = plan.board
    lines = [
        _(
            "Board {board}: {lists} lists, {cards} cards, {actions} actions, {members} members",
            board=board.name,
            lists=len(board.lists),
            cards=len(board.cards),
            actions=board.actions,
            members=len(board.members),
        ),
        *_mapping_lines(plan),
    ]
    new_names = ", ".join(member.name for member in plan.new_members.values())
    counts = {
        "client": plan.client.name,
        "code": plan.client.code,
        "created": len(plan.creates),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "archived": plan.archived,
        "comments": plan.comments,
        "items": plan.checklist_items,
        "members": len(plan.new_members),
        "names": f" ({new_names})" if new_names else "",
        "matched": plan.matched_members,
    }
    if dry_run:
        lines.append(_("Would import into {client} ({code}), writing nothing now:", **counts))
    else:
        lines.append(_("Imported into {client} ({code}):", **counts))
    lines += [
        "  "
        + _(
            "tasks: {created} new, {updated} updated, {unchanged} unchanged, {archived} archived",
            **counts,
        ),
        "  " + _("comments: {comments} new; checklist items: {items} written", **counts),
        "  " + _("members: {members} new{names}, {matched} matched", **counts),
    ]
    for item in plan.creates:
        lines.append(f"  + [{item.changes['status']}] {item.changes['title']}")
    for item in plan.updates:
        lines.append(f"  ~ #{item.task.id} {item.task.title}: " + ", ".join(item.changed_fields))
    return lines


def cmd_import_trello(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import find_client
    from model.errors import NotFoundError
    from model.importers import FileRefused
    from model.importers.trello import import_board, map_lists, read_board

    try:
        board = read_board(path=Path(args.file))
    except FileRefused as error:
        raise Failure(str(error)) from None
    mapping = map_lists(board=board, overrides=args.map)
    try:
        client_id, new_client = find_client(ctx.engine, text=args.client).id, None
    except NotFoundError:
        if not args.create_client:
            raise
        client_id, new_client = None, {"name": board.name or args.client, "code": args.client}
    plan = import_board(
        ctx.engine,
        board=board,
        client_id=client_id,
        new_client=new_client,
        mapping=mapping,
        who=ctx.me(),
        dry_run=args.dry_run,
    )
    if new_client is not None:
        made = (
            _("Would create the client {name} ({code})")
            if args.dry_run
            else _("Created the client {name} ({code})")
        )
        say(made.format(name=plan.client.name, code=plan.client.code))
    say("\n".join(_summary_lines(plan, dry_run=args.dry_run)))
    for warning in board.warnings():
        say(_("warning: {text}", text=warning), err=True)
    return 0


# --- import time -------------------------------------------------------------------------------


def _register_time(*, sources, parents: list[argparse.ArgumentParser]) -> None:
    time = sources.add_parser(
        "time",
        parents=parents,
        help=_("import time entries from Everhour, Toggl, Harvest or Clockify"),
    )
    time.add_argument("file", metavar="FILE", help=_("the tracker's CSV export"))
    time.add_argument(
        "--format",
        choices=SOURCES,
        help=_("the tracker that made the file (default: from its header)"),
    )
    time.add_argument(
        "--dry-run", action="store_true", help=_("show what would change and write nothing")
    )
    time.add_argument(
        "--partial",
        action="store_true",
        help=_("import the rows that can be read even when others cannot"),
    )
    time.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"KIND:NAME=HERE"',
        help=_('a client, project or member named otherwise here: "member:jdoe=Olena Koval"'),
    )
    time.add_argument(
        "--zone",
        metavar="ZONE",
        help=_("the time zone of the file's times (default: the config's)"),
    )
    time.set_defaults(handler=cmd_import_time)


def _progress_bar():
    """A bar on stderr while rows are written, when stderr is a terminal; else nothing."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _time_lines(result: TimeImport, *, dry_run: bool) -> list[str]:
    counts = {
        "rows": result.rows,
        "created": result.created,
        "known": result.known,
        "empty": result.empty,
        "tasks": result.new_tasks,
        "hours": f"{result.hours:.2f}",
        "source": result.source.value,
    }
    head = (
        _("Would import from {source}, writing nothing now:", **counts)
        if dry_run
        else _("Imported from {source}:", **counts)
    )
    lines = [
        head,
        "  " + ngettext("{n} row read", "{n} rows read", n=result.rows),
        "  "
        + _(
            "time entries: {created} new ({hours} h), {known} imported before, "
            "{empty} without time",
            **counts,
        ),
        "  " + ngettext("{n} task made in done", "{n} tasks made in done", n=result.new_tasks),
    ]
    if result.billable_flags:
        lines.append(
            "  "
            + _(
                "billable flags kept on the entries: {n}",
                n=result.billable_flags,
            )
        )
    if result.date_order_guessed:
        lines.append(
            "  " + _("dates such as 03/04 were read month first: no date in the file says")
        )
    return lines


def cmd_import_time(ctx: Context, args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from model import clock
    from model.importers.timecsv import Source
    from model.importers.timeentries import import_time

    zone = args.zone or clock.zone()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Failure(
            _("{value} is not a time zone (e.g. Europe/Kyiv)", value=repr(zone))
        ) from None
    result = import_time(
        ctx.engine,
        path=Path(args.file),
        zone=zone,
        source=Source(args.format) if args.format else None,
        maps=args.map,
        dry_run=args.dry_run,
        partial=args.partial,
        progress=None if args.dry_run else _progress_bar(),
    )
    for problem in result.problems[:LISTED]:
        say(_("line {line}: {reason}", line=problem.line, reason=problem.reason), err=True)
    if result.problem_count > LISTED:
        say(_("… and {n} more", n=result.problem_count - LISTED), err=True)
    if result.problem_count and not args.partial:
        raise Failure(
            ngettext(
                "{n} row cannot be imported; nothing was written (--partial imports the rest)",
                "{n} rows cannot be imported; nothing was written (--partial imports the rest)",
                n=result.problem_count,
            )
        )
    say("\n".join(_time_lines(result, dry_run=args.dry_run or not result.written)))
    return 0


# --- export and restore ------------------------------------------------------------------------


def cmd_export_json(ctx: Context, args: argparse.Namespace) -> int:
    from model.exchange import dumps, export_json

    text = dumps(export_json(ctx.engine))
    emit(text=text, out=args.out)
    return 0


def cmd_import_json(ctx: Context, args: argparse.Namespace) -> int:
    from model.exchange import check_export, import_json
    from model.importers import FileRefused, read_json

    try:
        path = Path(args.file)
        data = check_export(data=read_json(path=path), name=path.name)
        counts = import_json(ctx.engine, data=data)
    except FileRefused as error:
        raise Failure(str(error)) from None
    total = sum(counts.values())
    say(ngettext("restored {n} row", "restored {n} rows", n=total))
    return 0
