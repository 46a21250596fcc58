"""`clientdeck serve`: the app, or the stand-up for the office TV, in a browser."""

from __future__ import annotations

import argparse
import os

from model.i18n import _
from tui.cli import Context, Failure, say
from tui.cli_standup import add_every

KIOSKS = ("standup",)
"""The screens `--kiosk` serves (tui/kiosk.py), named here so that building the command
line does not load the kiosk's screens."""

TOKEN_VARIABLE = "CLIENTDECK_SERVE_TOKEN"
"""Where a token may come from instead of the command line, which others can list."""


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65_535:
        raise argparse.ArgumentTypeError(_("{text!r} is not a port from 1 to 65535", text=text))
    return value


def register(*, commands, parents: list[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve", parents=parents, help=_("run the app, or the stand-up for a TV, in a browser")
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help=_("the address to listen on (default 127.0.0.1: this machine only)"),
    )
    serve.add_argument("--port", type=port, default=8000, help=_("the port (default 8000)"))
    serve.add_argument(
        "--token",
        help=_(
            "needed by every request; required on an address other machines reach (or set {env})",
            env=TOKEN_VARIABLE,
        ),
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help=_("the address browsers use, when it is not host:port (a proxy, a name)"),
    )
    serve.add_argument(
        "--kiosk",
        choices=KIOSKS,
        help=_("serve one screen read-only for a shared display instead of the app"),
    )
    add_every(serve)
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    from tui.serve import KIOSK_FONT_SIZE, GuardedServer, is_loopback, public_url, served_command

    token = args.token or os.environ.get(TOKEN_VARIABLE) or None
    if token is None and not is_loopback(host=args.host):
        raise Failure(
            _(
                "{host} can be reached from other machines: give a --token (or {env}) "
                "that every request must carry",
                host=args.host,
                env=TOKEN_VARIABLE,
            )
        )
    ctx.read_only = args.kiosk is not None
    # Opened once here, so a store that cannot be is said at once rather than in every
    # browser; each served process opens its own.
    ctx.engine.dispose()
    os.environ["CLIENTDECK_DB"] = ctx.url
    server = GuardedServer(
        command=served_command(kiosk=args.kiosk, every=args.every),
        host=args.host,
        port=args.port,
        url=args.public_url or public_url(host=args.host, port=args.port),
        title="clientdeck",
        token=token,
        font_size=KIOSK_FONT_SIZE if args.kiosk else None,
        say=lambda line: say(line, err=True),
    )
    try:
        server.serve()
    except OSError as error:  # the port taken, an address this machine does not have
        raise Failure(
            _(
                "cannot listen on {host}:{port}: {reason}",
                host=args.host,
                port=args.port,
                reason=error.strerror or error,
            )
        ) from None
    return 0
