"""`clientdeck serve`: the app, or one shared screen, in a browser through textual-serve.

Each browser that connects gets its own clientdeck process, started by textual-serve
through a shell: the command is quoted here, and the store reaches the process through
CLIENTDECK_DB (a server's URL may hold a password that a command line would show to
every user of the machine).

Anyone who can reach the port drives what it serves, so it listens on 127.0.0.1 unless
told otherwise, and another address needs a token. The token comes once in the link
(`?token=…`) and is kept in a same-site cookie: the terminal's websocket is opened by
textual-serve's page without a query of its own, and the cookie is what it carries. A
websocket opened from another site's page is refused by its Origin, so a page elsewhere
cannot drive an app served on this machine either.
"""

from __future__ import annotations

import hmac
import ipaddress
import shlex
import socket
import sys
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

from model.i18n import _

COOKIE = "clientdeck_token"
KIOSK_FONT_SIZE = 24
"""A TV is read from across the room: the shared screen's text is larger by default."""


def is_loopback(*, host: str) -> bool:
    """Whether only this machine can reach `host`: a name other than localhost may be
    anything, so it counts as reachable from elsewhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(*, host: str, port: int) -> str:
    """Where a browser finds the server: a bind to every address is reached by this
    machine's name, which textual-serve also puts into the page's websocket address."""
    try:
        wildcard = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        wildcard = False
    name = socket.getfqdn() if wildcard else host
    if ":" in name:  # an IPv6 address
        name = f"[{name}]"
    return f"http://{name}:{port}"


def served_command(*, kiosk: str | None, every: int) -> str:
    """The shell command textual-serve starts for each browser: this clientdeck, on the
    app or on the shared screen."""
    argv = [sys.executable, "-m", "tui"]
    if kiosk is not None:
        argv += [kiosk, "--kiosk", "--every", str(every)]
    return shlex.join(argv)


class GuardedServer(Server):
    """textual-serve's server, with the token and the websocket's origin checked."""

    def __init__(
        self,
        *,
        command: str,
        host: str,
        port: int,
        url: str,
        title: str,
        token: str | None,
        font_size: int | None,
        say,
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=url)
        self.token = token
        self.font_size = font_size
        self.say = say

    def _refuse_without_token(self, request: web.Request) -> None:
        if self.token is None:
            return
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            raise web.HTTPForbidden(text=_("this clientdeck needs the link with its token"))

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        self._refuse_without_token(request)
        if self.font_size is not None and "fontsize" not in request.query:
            raise web.HTTPFound(request.rel_url.update_query(fontsize=self.font_size))
        response = await super().handle_index(request)
        if self.token is not None:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        self._refuse_without_token(request)
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text=_("a page of another site cannot open this clientdeck"))
        return await super().handle_websocket(request)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        self._refuse_without_token(request)
        return await super().handle_download(request)

    async def on_startup(self, app: web.Application) -> None:
        link = self.public_url + (f"/?token={self.token}" if self.token else "/")
        self.say(_("serving on {link}; ctrl+c stops", link=link))
