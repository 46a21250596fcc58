"""Screens read in a thread (tui/screens/reading.py): a switch paints at once, the data
fills in when it arrives, only the latest read is shown, a read begun before a change on
screen does not show over it, and an outage keeps the screen."""

from __future__ import annotations

import asyncio
import threading

import time_machine
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

import tui.header_facts as header_facts
import tui.screens.board as board_module
import tui.screens.clients as clients_module
import tui.screens.plan as plan_module
from model import clock
from model.inbox import capture
from model.tasks import update_task
from tests.tui.polling import checked, colleague
from tests.tui.writing import moves_held, written
from tui.screens.board import BoardScreen
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
        screen._mark_slow(
            lane="view", generation=screen._read_generation["view"]
        )  # its timer, two frames on
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


def held_after(monkeypatch, module, name: str) -> tuple[threading.Event, threading.Event]:
    """`module.name` reads, then waits in its thread until released: what it returns is
    the store as it was before anything the test does meanwhile. Returns (read, release)."""
    read, release = threading.Event(), threading.Event()
    plain = getattr(module, name)

    def waiting(*args, **kwargs):
        result = plain(*args, **kwargs)
        read.set()
        assert release.wait(timeout=30), "never released"
        return result

    monkeypatch.setattr(module, name, waiting)
    return read, release


async def test_the_board_shown_again_paints_before_its_columns_are_read(
    agency, make_app, monkeypatch, frozen
):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        with time_machine.travel(frozen.add(minutes=1), tick=False):
            task_id = ids["Настроить ремаркетинг"]
            update_task(colleague(engine), task_id=task_id, changes={"title": "Renamed"})
            await checked(pilot)
        release = held(monkeypatch, board_module, "board_columns")
        await pilot.press("1")
        board = app.screen
        assert isinstance(board, BoardScreen) and board.reading
        assert board.columns[1].state.count == 7, "the columns as they were, at once"
        await pilot.press("l")  # keys answer while the columns are read
        assert board.column_index == 1
        release.set()
        await pilot.pause()
        assert not board.reading
        assert "Renamed" in [card.title for card in board.columns[0].cards]


async def test_a_read_begun_before_a_move_does_not_show_over_it(agency, make_app, monkeypatch):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    write_gate = moves_held(monkeypatch)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        read, release = held_after(monkeypatch, board_module, "board_columns")
        board.reload()
        assert await asyncio.to_thread(read.wait, 30), "the read took the store first"
        await pilot.press("L")
        assert task_id in [card.id for card in board.columns[1].cards], "the move, at once"
        release.set()
        await pilot.pause()  # the read that began before the move has arrived
        assert task_id in [card.id for card in board.columns[1].cards], "not taken back"
        assert task_id not in [card.id for card in board.columns[0].cards]
        write_gate.set()
        await written(pilot)
        assert [card.id for card in board.columns[1].cards][0] == task_id
        assert board.columns[0].state.count == 0 and board.columns[1].state.count == 8


async def test_the_headers_facts_are_read_without_holding_the_keys(agency, make_app, monkeypatch):
    """After a change the header's timer and inbox size are read again in a thread: a key
    is handled meanwhile, and the header shows the new facts once they arrive."""
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = app.inbox_size
        capture(engine, line="NWB: A request by mail", today=clock.today())
        release = held(monkeypatch, header_facts, "inbox_count")
        app.refresh_facts()
        await pilot.press("l")
        assert app.screen.column_index == 1, "the key was handled"
        assert app.inbox_size == before, "the header keeps what it had until the read ends"
        release.set()
        await pilot.pause()
        assert app.inbox_size == before + 1
        assert f"Inbox {before + 1}" in str(app.screen.query_one("DeckHeader").render())


class OnTheLoop:
    """Statements run on the event loop's thread while it is watched: each held every key
    and frame for a round trip on a server."""

    def __init__(self, engine) -> None:
        self.engine, self.loop, self.seen = engine, threading.get_ident(), 0

    def __enter__(self) -> OnTheLoop:
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, *_args) -> None:
        if threading.get_ident() == self.loop:
            self.seen += 1


async def test_screens_and_the_boards_keys_read_nothing_on_the_event_loop(agency, make_app):
    """Every screen, a client's detail and the board's keys read and write in threads."""
    engine, _ids = agency
    app = make_app(engine, me="Dmytro Shevchenko")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = ["j", "k", "l", "h", "L", "H", "ctrl+z", "t", "t", "2", "3", "4", "5", "6"]
        keys += ["enter", "j", "escape", "i", "j", "1"]
        for key in keys:
            with OnTheLoop(engine) as watched:
                await pilot.press(key)
                await written(pilot)
            assert watched.seen == 0, f"{key} on {type(app.screen).__name__}: {watched.seen}"
