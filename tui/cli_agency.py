"""Shell commands for the agency's clients: `client …`, `contact …` and `budget …`.

What a client is called comes from people, so every name and note goes out
through `say` (control characters as pictures) and never through markup.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

from model import clock
from model.i18n import N_, SUPPORTED, _, ngettext
from tui.cli import PROG, Context, Failure, UsageError, say
from tui.cli_retainer import register_client_actions
from tui.format import hours

CHANNELS = ("email", "chat", "call", "messenger", "meeting")
STATUS_NAMES = {"active": N_("active"), "paused": N_("paused"), "archived": N_("archived")}
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_WHOLE = re.compile(r"^[+-]?\d+$")


# --- shared by the shell's agency and team commands -----------------------------------------


def number(text: str) -> float:
    """An argparse type: `40`, `1.5` or `1,5`; anything else is a usage error."""
    if not _NUMBER.match(text.strip()):
        raise argparse.ArgumentTypeError(_("{text!r} is not a number", text=text))
    return float(text.strip().replace(",", "."))


def whole(text: str) -> int:
    """An argparse type: a whole number; anything else is a usage error."""
    if not _WHOLE.match(text.strip()):
        raise argparse.ArgumentTypeError(_("{text!r} is not a whole number", text=text))
    return int(text.strip())


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table(*, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Columns padded to their widest cell, each line through `say`."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(_width(row[column]) for row in cells) for column in range(len(header))]
    for row in cells:
        padded = [
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ]
        say("  ".join(padded).rstrip())


def print_json(data: Any) -> None:
    """A document for scripts: control characters stay escaped, so the text is exact and safe."""
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("\x7f", "\\u007f")
    sys.stdout.write(text + "\n")


def maybe_hours(value: float | None) -> str:
    return "–" if value is None else hours(value)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def changes_of(args: argparse.Namespace, *, fields: dict[str, str]) -> dict[str, Any]:
    """The model fields the options set: `fields` maps option dest → model field."""
    return {
        field: getattr(args, dest)
        for dest, field in fields.items()
        if getattr(args, dest, None) is not None
    }


# --- registration ---------------------------------------------------------------------------


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    _register_client(commands=commands, parents=parents)
    _register_contact(commands=commands, parents=parents)
    _register_budget(commands=commands, parents=parents)


def _client_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--colour", "--color", dest="colour", metavar="#RRGGBB")
    parser.add_argument("--site", help=_("the client's website"))
    parser.add_argument("--channel", choices=CHANNELS, help=_("how the client prefers to talk"))
    parser.add_argument("--notes")
    parser.add_argument(
        "--cadence", type=whole, metavar="DAYS", help=_("working days between updates")
    )
    parser.add_argument(
        "--language", choices=SUPPORTED, help=_("the language of the client's reports")
    )


def _register_client(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    client = commands.add_parser("client", parents=parents, help=_("add, change or list clients"))
    actions = client.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", parents=parents, help=_("a new client; prints its code"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--code", required=True, help=_("what people type: ACME: new banner"))
    _client_options(add)
    add.add_argument(
        "--hours", type=number, metavar="N", help=_("paid hours a month, from this month")
    )
    add.set_defaults(handler=cmd_client_add)

    edit = actions.add_parser("edit", parents=parents, help=_("change a client's details"))
    edit.add_argument("client", metavar="CODE")
    edit.add_argument("--name")
    edit.add_argument("--code")
    _client_options(edit)
    edit.set_defaults(handler=cmd_client_edit)

    listing = actions.add_parser("list", parents=parents, help=_("the clients and their hours"))
    listing.add_argument("--all", action="store_true", help=_("archived clients too"))
    listing.add_argument("--json", action="store_true", help=_("a JSON array for scripts"))
    listing.set_defaults(handler=cmd_client_list)

    archive = actions.add_parser(
        "archive", parents=parents, help=_("hide a client; its history stays")
    )
    archive.add_argument("client", metavar="CODE")
    archive.add_argument(
        "--yes", action="store_true", help=_("archive even while timers run on its tasks")
    )
    archive.set_defaults(handler=cmd_client_archive)

    pause = actions.add_parser("pause", parents=parents, help=_("mark a client as paused"))
    pause.add_argument("client", metavar="CODE")
    pause.set_defaults(handler=cmd_client_pause)

    restore = actions.add_parser(
        "restore", parents=parents, help=_("make an archived or paused client active again")
    )
    restore.add_argument("client", metavar="CODE")
    restore.set_defaults(handler=cmd_client_restore)
    register_client_actions(actions=actions, parents=parents)


def _register_contact(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    contact = commands.add_parser(
        "contact", parents=parents, help=_("the people at a client you talk to")
    )
    actions = contact.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=parents, help=_("a new contact; prints its id"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--client", required=True, help=_("client code or name"))
    for option in ("--role", "--email", "--phone", "--messenger", "--notes"):
        add.add_argument(option)
    add.set_defaults(handler=cmd_contact_add)
    listing = actions.add_parser("list", parents=parents, help=_("a client's contacts"))
    listing.add_argument("--client", required=True, help=_("client code or name"))
    listing.add_argument("--json", action="store_true", help=_("a JSON array for scripts"))
    listing.set_defaults(handler=cmd_contact_list)


def _register_budget(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    budget = commands.add_parser("budget", parents=parents, help=_("clients' paid hours a month"))
    actions = budget.add_subparsers(dest="action", required=True)
    put = actions.add_parser("set", parents=parents, help=_("a client's paid hours a month"))
    put.add_argument("--client", required=True, help=_("client code or name"))
    put.add_argument("--hours", required=True, type=number, metavar="N")
    put.add_argument(
        "--from",
        dest="first",
        metavar="2026-12",
        help=_("the first month it holds for (default: this month)"),
    )
    put.set_defaults(handler=cmd_budget_set)
    listing = actions.add_parser(
        "list", parents=parents, help=_("paid, spent and left hours of each client")
    )
    listing.add_argument("--client", help=_("one client, with its history of changes"))
    listing.add_argument("--month", metavar="2026-12", help=_("a month (default: this month)"))
    listing.add_argument("--json", action="store_true", help=_("a JSON array for scripts"))
    listing.set_defaults(handler=cmd_budget_list)


# --- client ---------------------------------------------------------------------------------

CLIENT_FIELDS = {
    "name": "name",
    "code": "code",
    "colour": "colour",
    "site": "site",
    "channel": "preferred_channel",
    "notes": "notes",
    "cadence": "cadence_days",
    "language": "language",
}


def _this_month():
    from model.weeks import month_start

    return month_start(day=clock.today())


def cmd_client_add(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import create_client

    values = changes_of(args, fields=CLIENT_FIELDS)
    client = create_client(ctx.engine, values=values, monthly_hours=args.hours).value
    if args.hours is not None:
        say(
            _(
                "{code}: {hours} paid hours a month from {month}",
                code=client.code,
                hours=hours(args.hours),
                month=_this_month().format("YYYY-MM"),
            ),
            err=True,
        )
    say(client.code)
    return 0


def cmd_client_edit(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import edit_client, find_client

    values = changes_of(args, fields=CLIENT_FIELDS)
    if not values:
        raise UsageError(
            f"{PROG} client edit: "
            + _("say what to change: --name, --code, --colour, --site, --channel, --notes…")
        )
    client = find_client(ctx.engine, text=args.client)
    say(edit_client(ctx.engine, client_id=client.id, values=values).value.code)
    return 0


def cmd_client_list(ctx: Context, args: argparse.Namespace) -> int:
    from model.budgets import budget_statuses, paid_hours
    from model.clients import active_clients

    clients = active_clients(ctx.engine, archived=args.all)
    month = _this_month()
    statuses = budget_statuses(ctx.engine, month=month)
    paid = {
        client.id: (
            statuses[client.id].budget_hours
            if client.id in statuses
            else paid_hours(ctx.engine, client_id=client.id, month=month)
        )
        for client in clients
    }
    if args.json:
        print_json(
            [
                {
                    "code": client.code,
                    "name": client.name,
                    "status": client.status,
                    "paid_hours": paid[client.id],
                    "cadence_days": client.cadence_days,
                    "colour": client.colour,
                    "site": client.site,
                    "channel": client.preferred_channel,
                }
                for client in clients
            ]
        )
        return 0
    if not clients:
        say(_("no clients yet; clientdeck client add NAME --code CODE adds one"))
        return 0
    table(
        header=[
            _("CODE"),
            _("NAME"),
            _("STATUS"),
            _("PAID {month}", month=month.format("YYYY-MM")),
            _("CADENCE"),
        ],
        rows=[
            [
                client.code,
                client.name,
                _(STATUS_NAMES.get(client.status, client.status)),
                maybe_hours(paid[client.id]),
                "–"
                if client.cadence_days is None
                else ngettext("{n} day", "{n} days", client.cadence_days),
            ]
            for client in clients
        ],
    )
    return 0


def cmd_client_archive(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import find_client, running_timers, set_client_status
    from model.tables import ClientStatus

    client = find_client(ctx.engine, text=args.client)
    running = running_timers(ctx.engine, client_id=client.id)
    if running and not args.yes:
        raise Failure(
            ngettext(
                "{n} timer is running on {code}'s tasks; stop it or add --yes",
                "{n} timers are running on {code}'s tasks; stop them or add --yes",
                running,
                code=client.code,
            )
        )
    set_client_status(ctx.engine, client_id=client.id, status=ClientStatus.ARCHIVED)
    if running:
        say(
            ngettext(
                "{n} timer on its tasks keeps running",
                "{n} timers on its tasks keep running",
                running,
            ),
            err=True,
        )
    say(_("archived {code}", code=client.code))
    return 0


def cmd_client_pause(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import find_client, set_client_status
    from model.tables import ClientStatus

    client = find_client(ctx.engine, text=args.client)
    set_client_status(ctx.engine, client_id=client.id, status=ClientStatus.PAUSED)
    say(_("paused {code}", code=client.code))
    return 0


def cmd_client_restore(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import find_client, set_client_status
    from model.tables import ClientStatus

    client = find_client(ctx.engine, text=args.client, archived=True)
    set_client_status(ctx.engine, client_id=client.id, status=ClientStatus.ACTIVE)
    say(_("restored {code}", code=client.code))
    return 0


# --- contact --------------------------------------------------------------------------------

CONTACT_FIELDS = {
    "name": "name",
    "role": "role",
    "email": "email",
    "phone": "phone",
    "messenger": "messenger",
    "notes": "notes",
}


def cmd_contact_add(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import find_client
    from model.contacts import add_contact

    client = find_client(ctx.engine, text=args.client)
    values = changes_of(args, fields=CONTACT_FIELDS)
    say(add_contact(ctx.engine, client_id=client.id, values=values).value.id)
    return 0


def cmd_contact_list(ctx: Context, args: argparse.Namespace) -> int:
    from model.clients import find_client
    from model.contacts import contacts_of

    client = find_client(ctx.engine, text=args.client)
    contacts = contacts_of(ctx.engine, client_id=client.id)
    if args.json:
        print_json(
            [
                {"id": contact.id, "client": client.code}
                | {field: getattr(contact, field) for field in CONTACT_FIELDS}
                for contact in contacts
            ]
        )
        return 0
    if not contacts:
        say(_("{code} has no contacts yet", code=client.code))
        return 0
    table(
        header=[_("ID"), _("NAME"), _("ROLE"), _("EMAIL"), _("PHONE"), _("MESSENGER")],
        rows=[[c.id, c.name, c.role, c.email, c.phone, c.messenger] for c in contacts],
    )
    return 0


# --- budget ---------------------------------------------------------------------------------


def month_option(text: str | None, *, command: str):
    """The month `--month 2026-12` names (this month when none is), or a usage error."""
    from model.weeks import parse_month

    if text is None:
        return _this_month()
    try:
        return parse_month(text=text)
    except ValueError:
        raise UsageError(
            f"{PROG} {command}: " + _("{text!r} is not a month like 2026-12", text=text)
        ) from None


def cmd_budget_set(ctx: Context, args: argparse.Namespace) -> int:
    from model.budgets import set_budget
    from model.clients import find_client

    month = month_option(args.first, command="budget set")
    client = find_client(ctx.engine, text=args.client)
    change = set_budget(ctx.engine, client_id=client.id, from_month=month, hours=args.hours).value
    label = change.from_month.format("YYYY-MM")
    if change.past_month:
        say(
            _("warning: {month} has passed and may already be invoiced", month=label),
            err=True,
        )
    say(
        _(
            "{code}: {hours} paid hours a month from {month} (before: {previous})",
            code=client.code,
            hours=hours(change.hours),
            month=label,
            previous=maybe_hours(change.previous_hours),
        )
    )
    return 0


def cmd_budget_list(ctx: Context, args: argparse.Namespace) -> int:
    from model.budgets import budget_history, budget_status, budget_statuses
    from model.clients import active_clients, find_client

    month = month_option(args.month, command="budget list")
    if args.client:
        clients = [find_client(ctx.engine, text=args.client)]
        statuses = {clients[0].id: budget_status(ctx.engine, client_id=clients[0].id, month=month)}
        history = budget_history(ctx.engine, client_id=clients[0].id)
    else:
        clients = active_clients(ctx.engine)
        statuses = budget_statuses(ctx.engine, month=month)
        history = []
    label = month.format("YYYY-MM")
    if args.json:
        rows = []
        for client in clients:
            status = statuses[client.id]
            row: dict[str, Any] = {
                "code": client.code,
                "name": client.name,
                "month": label,
                "paid_hours": _rounded(status.budget_hours),
                "spent_hours": _rounded(status.spent_hours),
                "billed_hours": _rounded(status.billed_hours),
                "left_hours": _rounded(status.remaining_hours),
                "level": str(status.level),
            }
            if args.client:
                row["history"] = [
                    {"from": change.from_month.format("YYYY-MM"), "hours": change.hours}
                    for change in history
                ]
            rows.append(row)
        print_json(rows)
        return 0
    if not clients:
        say(_("no clients yet; clientdeck client add NAME --code CODE adds one"))
        return 0
    table(
        header=[
            _("CODE"),
            _("NAME"),
            _("PAID {month}", month=label),
            _("SPENT"),
            _("BILLED"),
            _("LEFT"),
        ],
        rows=[
            [
                client.code,
                client.name,
                maybe_hours(statuses[client.id].budget_hours),
                hours(statuses[client.id].spent_hours),
                hours(statuses[client.id].billed_hours),
                maybe_hours(statuses[client.id].remaining_hours),
            ]
            for client in clients
        ],
    )
    if args.client:
        say("")
        if not history:
            say(_("no paid hours set yet: clientdeck budget set --client CODE --hours N"))
        else:
            table(
                header=[_("FROM"), _("PAID HOURS")],
                rows=[[c.from_month.format("YYYY-MM"), hours(c.hours)] for c in history],
            )
    return 0
