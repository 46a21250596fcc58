"""Screens read in a thread (tui/screens/reading.py): a switch paints at once, the data
fills in when it arrives, only the latest read is shown, and an outage keeps the screen."""

from __future__ import annotations

import threading

from sqlalchemy.exc import OperationalError

import tui.screens.clients as clients_module
import tui.screens.plan as plan_module
from tui.screens.clients import ClientsScreen
from tui.screens.plan import PlanScreen

SIZE = (120, 36)


def held(monkeypatch, module, name: str) -> threading.Event:
    """`module.name` waits in its thread until the returned event is set."""
    release = threading.Event()
    plain = getattr(module, name)

    def waiting(*args, **kwargs):
        assert release.wait(timeout=30), "never released"
        return plain(*args, **kwargs)

    monkeypatch.setattr(module, name, waiting)
    return release


async def clients(pilot) -> ClientsScreen:
    """The client list, read and shown."""
    await pilot.press("6")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ClientsScreen) and screen.health
    return screen


async def test_plan_paints_before_its_week_is_read(agency, make_app, monkeypatch):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        release = held(monkeypatch, plan_module, "plan_view")
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, PlanScreen) and screen.reading
        assert screen.view is None, "nothing read yet: the keys are not held up by the read"
        await pilot.press("j")  # keys still work while the read waits
        header = screen.query_one("DeckHeader")
        screen._mark_slow(generation=screen._read_generation)  # its timer, two frames on
        assert "reading…" in str(header.render())
        release.set()
        await pilot.pause()
        assert not screen.reading and screen.view is not None
        assert "Backlog" in app.export_screenshot()
        assert "reading…" not in str(header.render())


async def test_only_the_latest_read_is_shown(agency, make_app, monkeypatch):
    """A read asked for later wins even when the earlier one ends after it."""
    app = make_app(agency[0])
    async with app.run_test(size=SIZE) as pilot:
        screen = await clients(pilot)
        first = threading.Event()

        def earlier(*_args, **_kwargs):
            assert first.wait(timeout=30), "never released"
            return []  # what the data was when the earlier read began, say

        monkeypatch.setattr(clients_module, "client_health", earlier)
        screen.reload()
        monkeypatch.undo()
        screen.reload()
        await app.workers.wait_for_complete(
            [w for w in app.workers if w.group == "screen-read" and w.is_running][-1:]
        )
        shown = list(screen.health)
        assert shown
        first.set()
        await pilot.pause()
        assert screen.health == shown and not screen.reading


async def test_a_read_cut_by_an_outage_keeps_the_screen(agency, make_app, monkeypatch):
    app = make_app(agency[0])
    async with app.run_test(size=SIZE) as pilot:
        screen = await clients(pilot)
        before = list(screen.health)

        def gone(*_args, **_kwargs):
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))

        monkeypatch.setattr(clients_module, "client_health", gone)
        screen.reload()
        await pilot.pause()
        assert app.offline is not None
        assert "offline" in str(screen.query_one("DeckHeader").render())
        assert screen.health == before, "what was shown stays"
