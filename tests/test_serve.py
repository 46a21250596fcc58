"""`clientdeck serve`: the token, the refused address, and the stand-up in a real browser.

Each test starts its server on a free port of 127.0.0.1 and stops it before it ends.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from model import clock
from model.config import Config
from model.standup import meeting
from model.store import open_store
from tests.agency import build
from tui.cli import run

READY_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(*, port: int, server: subprocess.Popen) -> None:
    """Until the server accepts connections (or has died, which fails the test)."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
    raise AssertionError(f"no server on port {port} within {READY_SECONDS} s")


@pytest.fixture
def demo_store(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'agency.db'}"
    opened = open_store(url=url)
    build(opened.engine)
    opened.engine.dispose()
    return url


@contextlib.contextmanager
def serving(*, url: str, args: list[str]) -> Iterator[int]:
    """`clientdeck serve` on a free port for the length of the block, then stopped."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", url, "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "120"},
    )
    try:
        _wait_for_port(port=port, server=server)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


def test_an_address_others_reach_is_refused_without_a_token(demo_store, capsys):
    assert run(["--db", demo_store, "serve", "--host", "0.0.0.0"]) == 1
    error = capsys.readouterr().err
    assert "--token" in error and "0.0.0.0" in error


def test_a_port_out_of_range_is_refused(demo_store, capsys):
    assert run(["--db", demo_store, "serve", "--port", "70000"]) == 2
    assert "70000" in capsys.readouterr().err


def test_a_kiosk_on_a_store_that_holds_nothing_is_refused(tmp_path, capsys):
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    assert run(["--db", missing, "serve", "--kiosk", "standup"]) == 1
    assert "read-only" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


async def _status(url: str, **kwargs) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, allow_redirects=False, **kwargs) as r:
        return r.status, r.headers.get("Set-Cookie", "")


def test_requests_without_the_token_get_403(demo_store):
    with serving(url=demo_store, args=["--kiosk", "standup", "--token", "s3cret"]) as port:
        base = f"http://127.0.0.1:{port}"

        async def ask() -> None:
            assert (await _status(f"{base}/"))[0] == 403
            assert (await _status(f"{base}/?token=wrong"))[0] == 403
            assert (await _status(f"{base}/ws"))[0] == 403
            assert (await _status(f"{base}/download/x"))[0] == 403
            status, cookie = await _status(f"{base}/?token=s3cret&fontsize=24")
            assert status == 200 and "clientdeck_token=s3cret" in cookie
            assert "SameSite=Strict" in cookie and "HttpOnly" in cookie
            cookies = {"clientdeck_token": "s3cret"}
            assert (await _status(f"{base}/?fontsize=24", cookies=cookies))[0] == 200

        asyncio.run(ask())


def test_a_page_of_another_site_cannot_open_the_terminal(demo_store):
    with serving(url=demo_store, args=["--kiosk", "standup"]) as port:
        base = f"http://127.0.0.1:{port}"
        foreign = {"Origin": "http://evil.example", "Connection": "Upgrade", "Upgrade": "websocket"}
        assert asyncio.run(_status(f"{base}/ws", headers=foreign))[0] == 403


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


async def _frames_in_browser(*, url: str, wanted: bytes) -> bytes:
    """Open `url` in headless Chromium and gather what its page's websocket receives (the
    terminal draws to a canvas, so the text is read where the page gets it) until `wanted`
    is among it."""
    profile = tempfile.mkdtemp(prefix="clientdeck-chromium-")
    browser = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--window-size=1280,800",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        active = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + READY_SECONDS
        while not (active.exists() and len(active.read_text().split()) >= 2):
            assert time.monotonic() < deadline, "Chromium did not open its debugging port"
            await asyncio.sleep(0.05)
        port = active.read_text().split()[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as listing:
                page = next(t for t in await listing.json() if t["type"] == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as devtools:
                for number, (method, params) in enumerate(
                    [("Network.enable", {}), ("Page.navigate", {"url": url})], start=1
                ):
                    await devtools.send_json({"id": number, "method": method, "params": params})
                received = b""
                while wanted not in received and time.monotonic() < deadline + READY_SECONDS:
                    try:
                        message = await asyncio.wait_for(devtools.receive_json(), 1)
                    except TimeoutError:
                        continue
                    if message.get("method") == "Network.webSocketFrameReceived":
                        frame = message["params"]["response"]
                        payload = frame["payloadData"]
                        received += (
                            base64.b64decode(payload) if frame["opcode"] == 2 else payload.encode()
                        )
                return received
    finally:
        browser.terminate()
        browser.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_the_kiosk_shows_the_stand_up_in_a_real_browser(demo_store):
    opened = open_store(url=demo_store, read_only=True)
    config = Config()
    at_hand = meeting(
        opened.engine,
        now=clock.now(),
        times=config.standup_times,
        zone=clock.zone(),
        sprint_id=None,
        coefficients=config.urgency,
    )
    opened.engine.dispose()
    first = at_hand.members[0].name.encode()
    with serving(url=demo_store, args=["--kiosk", "standup", "--every", "0"]) as port:
        received = asyncio.run(_frames_in_browser(url=f"http://127.0.0.1:{port}/", wanted=first))
    assert first in received
    for member in at_hand.members:
        assert member.initials.encode() in received
