"""Paging down a long column shows cards read ahead in the data thread: behind a network
no page waits for the store, and a page read before a change is never shown after it."""

from __future__ import annotations

import threading

import pytest
import time_machine
from sqlalchemy import event

from model.board import column_page
from model.store import open_store
from model.tables import Status
from model.tasks import create_task, get_task, update_task
from tests.tui.polling import checked
from tests.tui.writing import written
from tui.screens.board import BoardScreen

SIZE = (120, 36)


@pytest.fixture
def long_backlog(agency):
    engine, ids = agency
    client_id = get_task(engine, task_id=ids["Настроить ремаркетинг"]).client_id
    made = [
        create_task(engine, client_id=client_id, title=f"Backlog item {n}", status=Status.BACKLOG)
        for n in range(40)
    ]
    return engine, [task.id for task in made]


def reads_on_the_loop(engine) -> list[str]:
    """The statements run by the thread that runs the app (the test's own: so it reads
    the store only once it has taken what it needs from this list)."""
    loop, seen = threading.get_ident(), []

    def hit(_conn, _cursor, statement, *_args) -> None:
        if threading.get_ident() == loop:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", hit)
    return seen


async def settle(pilot) -> None:
    """A person's pace: what the key started in the background is done."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown_ids(screen: BoardScreen) -> list[int]:
    return [card.id for card in screen.column.cards]


def stored_page(engine, screen: BoardScreen) -> list[int]:
    state = screen.column.state
    page = column_page(
        engine,
        scope=screen.scope,
        status=state.status,
        offset=state.offset,
        limit=screen.column.capacity,
    )
    return [card.id for card in page]


async def first_read_ahead(pilot) -> tuple[BoardScreen, int]:
    """The board after one `j`, which has read the cards around the first page."""
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    await pilot.press("j")
    await settle(pilot)
    return screen, screen.column.capacity


async def test_paging_down_and_up_reads_nothing_on_the_event_loop(long_backlog, make_app):
    engine, _ids = long_backlog
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen, capacity = await first_read_ahead(pilot)
        seen = reads_on_the_loop(engine)
        first_page = shown_ids(screen)
        for _ in range(3 * capacity):
            await pilot.press("j")
            await settle(pilot)
        assert screen.column.state.offset > capacity, "three pages down"
        assert seen == [], "every page came from the cards read ahead"
        assert shown_ids(screen) == stored_page(engine, screen)
        seen.clear()
        for _ in range(3 * capacity + 1):
            await pilot.press("k")
            await settle(pilot)
        assert seen == [], "and so on the way back up"
        assert screen.column.state.cursor == 0 and shown_ids(screen) == first_page


async def test_a_page_read_before_a_change_is_read_again(long_backlog, make_app, frozen):
    engine, _ids = long_backlog
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen, capacity = await first_read_ahead(pilot)
        next_page = column_page(
            engine, scope=screen.scope, status=Status.BACKLOG, offset=capacity, limit=1
        )
        other = open_store(url=engine.url.render_as_string(hide_password=False)).engine
        with time_machine.travel(frozen.add(minutes=1), tick=False):
            update_task(other, task_id=next_page[0].id, changes={"title": "Renamed by a colleague"})
            await checked(pilot)
            for _ in range(capacity - 1):  # onto the next page, which holds the renamed card
                await pilot.press("j")
            titles = [card.title for card in screen.column.cards]
            assert "Renamed by a colleague" in titles
            await settle(pilot)
            assert shown_ids(screen) == stored_page(engine, screen)


async def test_reordering_past_the_page_takes_the_neighbour_read_ahead(
    long_backlog, make_app, monkeypatch
):
    from tui.screens import board as board_module

    engine, _ids = long_backlog
    loop, asked = threading.get_ident(), []
    plain = board_module.column_page

    def column_page_seen(*args, **kwargs):
        if threading.get_ident() == loop:
            asked.append(kwargs["offset"])
        return plain(*args, **kwargs)

    monkeypatch.setattr(board_module, "column_page", column_page_seen)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen, capacity = await first_read_ahead(pilot)
        for _ in range(capacity - 2):  # onto the page's last card
            await pilot.press("j")
        await settle(pilot)
        moved = screen.selected.id
        await pilot.press("J")
        await written(pilot)
        assert asked == [], "the neighbour came from the cards read ahead"
        assert screen.selected.id == moved
        assert screen.column.state.cursor == capacity
