"""Changes made by others appear without losing the selection or a form being typed."""

from __future__ import annotations

import pytest

from model.tables import Status
from model.tasks import create_task, update_task
from tests.tui.polling import checked, colleague
from tests.tui.writing import written
from tui.app import POLL_SECONDS
from tui.screens.board import BoardScreen


async def test_others_changes_appear_and_the_selection_stays(agency, make_app):
    engine, ids = agency
    other = colleague(engine)
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "j")
        board = app.screen
        assert isinstance(board, BoardScreen)
        selected = board.selected.id
        create_task(
            other,
            client_id=ids["MK"],
            title="Urgent from a colleague",
            status=Status.TODO,
            fire=True,
        )
        await checked(pilot)
        await pilot.pause()
        assert board.column.state.count == 8
        assert board.column.cards[0].title == "Urgent from a colleague"
        assert board.selected.id == selected


async def test_a_form_being_typed_into_is_left_alone(agency, make_app):
    engine, ids = agency
    other = colleague(engine)
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter", "ctrl+u", *"half-typed")
        update_task(other, task_id=ids["Monthly PPC report"], changes={"priority": "high"})
        await checked(pilot)
        await pilot.pause()
        assert app.screen.query_one("#title").value == "half-typed"
        await pilot.press("escape", "y")
        await checked(pilot)
        await pilot.pause()
        doing = app.screen.query_one("#col-doing").cards
        assert [card.priority for card in doing] == ["high"], (
            "their change shows once the form closes"
        )


def test_the_poll_is_frequent_enough():
    assert POLL_SECONDS <= 3


async def test_our_own_changes_are_not_taken_for_others(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L")
        await written(pilot)
        epoch = app.time_epoch
        calls = []
        app.screen.reload_after_others = lambda: calls.append(True)
        await checked(pilot)
        assert calls == [] and app.time_epoch == epoch


@pytest.mark.postgres
async def test_on_postgresql_a_colleagues_change_is_heard_within_a_second(
    pg_store, frozen, make_app
):
    """The server's notification, not the poll, starts the check that shows it."""
    import asyncio
    import threading

    from tests.agency import build

    ids = build(pg_store)
    engine = pg_store
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        assert await asyncio.to_thread(app.listening.wait, 10), "a listener on PostgreSQL"
        heard = threading.Event()
        passed_on = app._poll
        app._poll = lambda: (heard.set(), passed_on())
        other = colleague(engine)
        create_task(
            other, client_id=ids["MK"], title="From a colleague", status=Status.TODO, fire=True
        )
        other.dispose()
        assert await asyncio.to_thread(heard.wait, 1.0), "not heard within a second"
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "changes"])
        await pilot.pause()
        assert app.screen.query_one("#col-todo").cards[0].title == "From a colleague"
