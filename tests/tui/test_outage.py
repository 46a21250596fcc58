"""A database that goes away under a running app: the app lives, says so, and recovers.

Nothing reaches Textual's crash screen, and when something unexpected does, the
report holds no local variables (ours hold engines and URLs).
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shlex
import sqlite3
import subprocess
from pathlib import Path

import pytest
import textual.app
from sqlalchemy import event

from model.store import open_store
from tests.agency import build
from tests.tui.polling import checked
from tests.tui.writing import written
from tui import compat
from tui.screens.board import BoardScreen
from tui.screens.card import CardScreen

SIZE = (120, 36)


def digest(path: Path) -> str:
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return hashlib.sha256(data + (wal.read_bytes() if wal.exists() else b"")).hexdigest()


def test_the_private_method_replaced_is_the_one_read():
    """Textual's crash report is replaced in one place; a new Textual must be read again."""
    assert compat.textual_minor() == compat.TESTED_WITH
    source = inspect.getsource(textual.app.App._fatal_error)
    assert "show_locals=True" in source and "_close_messages_no_wait" in source


def test_an_unexpected_error_is_reported_without_its_locals(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)

    def explode() -> None:
        password = "-".join(("hunter2", "secret"))  # noqa: F841  (a local, not source)
        raise RuntimeError("something unexpected")

    try:
        explode()
    except RuntimeError:
        app._fatal_error()
    printed = "".join(
        segment.text for renderable in app._exit_renderables for segment in renderable.segments
    )
    assert "something unexpected" in printed and "explode" in printed
    assert "hunter2-secret" not in printed


async def test_a_sqlite_lock_longer_than_the_timeout_marks_the_app_busy(tmp_path, frozen, make_app):
    path = tmp_path / "locked.db"
    engine = open_store(url=f"sqlite:///{path}").engine
    ids = build(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        before = digest(path)
        holder = sqlite3.connect(path, timeout=0)
        holder.execute("BEGIN IMMEDIATE")
        try:
            # the busy timeout is 15 s in the product; here new connections wait 50 ms
            engine.dispose()
            event.listen(
                engine, "connect", lambda conn, _rec: conn.execute("PRAGMA busy_timeout=50")
            )
            await pilot.press("L")  # a card move needs the write lock
            await written(pilot)
            assert isinstance(app.screen, BoardScreen)
            assert app.offline is not None and "busy" in app.offline
            assert "offline" in str(app.screen.query_one("DeckHeader").render())
        finally:
            holder.rollback()
            holder.close()
        assert digest(path) == before
        await checked(pilot)
        assert app.offline is None
        await pilot.press("L")
        await written(pilot)
        assert app.offline is None
    assert ids


PG_DATA = os.environ.get("CLIENTDECK_TEST_PG_DATA", "")


def _pg_ctl(action: str) -> None:
    """Stop the test cluster, or start it again with the options it was started with."""
    binary = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    data = Path(PG_DATA)
    if action == "stop":
        _pg_ctl.options = shlex.split((data / "postmaster.opts").read_text())[1:]
        extra = "-m fast"
    else:
        options = list(_pg_ctl.options)
        at = options.index("-D")
        del options[at : at + 2]
        extra = f"-l {shlex.quote(str(data / 'log'))} -o {shlex.quote(shlex.join(options))}"
    command = f"{shlex.quote(str(binary))} -D {shlex.quote(str(data))} -w {action} {extra}"
    subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=True, timeout=60)


@pytest.mark.postgres
async def test_a_server_stopped_under_an_open_card_form_keeps_the_typing(request, frozen, make_app):
    """The server stops while a card is being typed: the app lives, says it is offline,
    keeps the form, and when the server is back the typed card saves."""
    if not PG_DATA:
        message = "needs CLIENTDECK_TEST_PG_DATA, the test cluster's folder (.ci/run sets it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    admin, _url = request.getfixturevalue("postgres_template")
    engine = request.getfixturevalue("pg_store")
    build(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", *"Typed while the server was away", "tab", "enter", "down", "enter")
        assert isinstance(app.screen, CardScreen)
        _pg_ctl("stop")
        try:
            await checked(pilot)
            assert app.offline is not None and "unreachable" in app.offline
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, CardScreen)  # the write failed whole: still open
            said = [n.message for n in app._notifications if "Nothing was saved" in n.message]
            assert len(said) == 2  # once when the poll found it, once for the refused save
            assert app.screen.query_one("#title").value == "Typed while the server was away"
            assert "secret" not in (app.offline or "")
        finally:
            _pg_ctl("start")
            admin.dispose()  # its pooled connections died with the server
        await checked(pilot)
        assert app.offline is None
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CardScreen)
    from model.board import find_tasks

    assert [t.title for t in find_tasks(engine, text="server was away")] == [
        "Typed while the server was away"
    ]
