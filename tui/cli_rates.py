"""Shell commands for money: `client rate CODE [AMOUNT]` and `budget money`.

Registered under `client` and `budget` by tui.cli_agency. Both act for the member
`me` names: the model refuses anyone who is not a manager, and the refusal is the
command's one line on stderr (exit 1).
"""

from __future__ import annotations

import argparse
from decimal import Decimal

from model.i18n import _
from tui.cli import PROG, Context, UsageError, say
from tui.format import hours, money


def register_client_rate(*, actions, parents: list[argparse.ArgumentParser]) -> None:
    rate = actions.add_parser(
        "rate",
        parents=parents,
        help=_("show, set or clear a client's hourly rate (a manager's)"),
    )
    rate.add_argument("client", metavar="CODE")
    rate.add_argument(
        "amount", nargs="?", metavar="AMOUNT", help=_("an hour's price, like 85 or 85.50")
    )
    rate.add_argument("--role", help=_("the rate of members of this role only"))
    rate.add_argument("--clear", action="store_true", help=_("remove the rate"))
    rate.set_defaults(handler=cmd_client_rate)


def register_budget_money(*, actions, parents: list[argparse.ArgumentParser]) -> None:
    listing = actions.add_parser(
        "money",
        parents=parents,
        help=_("sold, used and left money of each client (a manager's)"),
    )
    listing.add_argument("--month", metavar="2026-12", help=_("a month (default: this month)"))
    listing.add_argument("--json", action="store_true", help=_("a JSON array for scripts"))
    listing.set_defaults(handler=cmd_budget_money)


def _rate_line(*, code: str, role: str, amount: str, currency: str) -> str:
    if role:
        return _(
            "{code}: {amount} {currency} an hour for {role}",
            code=code,
            amount=amount,
            currency=currency,
            role=role,
        )
    return _("{code}: {amount} {currency} an hour", code=code, amount=amount, currency=currency)


def cmd_client_rate(ctx: Context, args: argparse.Namespace) -> int:
    """Set, clear, or (with neither) list the client's rates."""
    from model.clients import find_client
    from model.rates import clear_rate, client_rates, set_rate
    from tui.cli_team import who_am_i

    if args.clear and args.amount is not None:
        raise UsageError(f"{PROG} client rate: " + _("give an AMOUNT or --clear, not both"))
    client = find_client(ctx.engine, text=args.client)
    me = who_am_i(ctx).id
    currency = ctx.config.currency
    if args.clear:
        cleared = clear_rate(ctx.engine, client_id=client.id, role=args.role, member_id=me).value
        if cleared.role:
            say(_("{code}: no rate for {role} now", code=client.code, role=cleared.role))
        else:
            say(_("{code}: no rate of its own now", code=client.code))
        return 0
    if args.amount is not None:
        done = set_rate(
            ctx.engine, client_id=client.id, rate=args.amount, role=args.role, member_id=me
        )
        say(
            _rate_line(
                code=client.code,
                role=done.value.role,
                amount=money(done.value.amount),
                currency=currency,
            )
        )
        return 0
    rates = client_rates(ctx.engine, client_id=client.id, member_id=me)
    if not rates:
        say(
            _(
                "{code} has no rates yet: clientdeck client rate CODE AMOUNT sets one",
                code=client.code,
            )
        )
    for rate in rates:
        say(
            _rate_line(
                code=client.code, role=rate.role, amount=money(rate.amount), currency=currency
            )
        )
    return 0


def cmd_budget_money(ctx: Context, args: argparse.Namespace) -> int:
    """Sold, used and left money of every client this month, for a manager."""
    from model.clients import active_clients
    from model.rates import money_by_client
    from tui.cli_agency import month_of, print_json, table
    from tui.cli_team import who_am_i

    month = month_of(args.month, command="budget money")
    found = money_by_client(ctx.engine, month=month, member_id=who_am_i(ctx).id)
    rows = [
        (client, found[client.id]) for client in active_clients(ctx.engine) if client.id in found
    ]
    currency, label = ctx.config.currency, month.format("YYYY-MM")
    if args.json:
        print_json(
            [
                {
                    "code": client.code,
                    "name": client.name,
                    "month": label,
                    "currency": currency,
                    "sold": _json_money(status.sold),
                    "used": _json_money(status.used),
                    "left": _json_money(status.left),
                    "unpriced_hours": round(status.unpriced_hours, 2),
                }
                for client, status in rows
            ]
        )
        return 0
    if not rows:
        say(_("no clients yet; clientdeck client add NAME --code CODE adds one"))
        return 0
    table(
        header=[
            _("CODE"),
            _("NAME"),
            _("SOLD {month}, {currency}", month=label, currency=currency),
            _("USED"),
            _("LEFT"),
            _("UNPRICED HOURS"),
        ],
        rows=[
            [
                client.code,
                client.name,
                money(status.sold),
                money(status.used),
                money(status.left),
                hours(status.unpriced_hours) if status.unpriced_hours else "",
            ]
            for client, status in rows
        ],
    )
    return 0


def _json_money(amount: Decimal | None) -> str | None:
    """Money for scripts as exact text ("85.50"), never a binary float."""
    return None if amount is None else str(amount)
