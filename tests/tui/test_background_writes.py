"""Quick changes show at once and are written after, in order; a refused one is taken
back on screen with the reason, and nothing unsaved is ever offered for undo."""

from __future__ import annotations

import asyncio
import threading

import pytest

from model import task_steps
from model.errors import ValidationError
from model.tables import Status
from model.tasks import get_task
from model.undo import Step
from tests.tui.writing import moves_held, written
from tui.screens import board as board_module
from tui.screens import task_actions
from tui.screens.board import BoardScreen


def shown_status(app, task_id: int) -> str | None:
    """The column the board shows the card in, from what is on screen."""
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    for column in screen.columns:
        if any(card.id == task_id for card in column.cards):
            return column.state.status
    return None


@pytest.fixture
def held(monkeypatch):
    """Board moves that wait until the test lets them through: the store is slow."""
    gate = moves_held(monkeypatch)
    yield gate
    gate.set()


async def test_a_move_shows_before_it_is_stored_and_undo_waits_for_it(agency, make_app, held):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L", "L")
        assert shown_status(app, task_id) == Status.DOING
        assert app.screen.selected.id == task_id, "the selection follows the card"
        assert get_task(engine, task_id=task_id).status == Status.BACKLOG, "not stored yet"
        assert len(app.undo_stack) == 0, "nothing unsaved can be undone"
        await pilot.press("j", "k")  # keys still answer while the store is slow
        await pilot.press("ctrl+z")
        held.set()
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.TODO, "both moves, then undo"
        assert shown_status(app, task_id) == Status.TODO
        assert len(app.undo_stack) == 1


async def test_undo_pressed_during_a_move_takes_back_that_move_not_a_later_one(
    agency, make_app, held
):
    """ctrl+z while a move is still being written takes that move back once it lands,
    in its place in the queue: a move made after the key stays, and stays undoable."""
    engine, ids = agency
    moved = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L", "ctrl+z")
        assert app.screen.selected.id == moved, "drawn back, selected where it was"
        await pilot.press("l", "j")
        later = app.screen.selected.id
        await pilot.press("L")
        held.set()
        await written(pilot)
        assert get_task(engine, task_id=moved).status == Status.BACKLOG, "taken back"
        assert shown_status(app, moved) == Status.BACKLOG, "and shown so"
        assert get_task(engine, task_id=later).status == Status.DOING, "the later move stays"
        assert shown_status(app, later) == Status.DOING
        await pilot.press("ctrl+z")
        await written(pilot)
        assert get_task(engine, task_id=later).status == Status.TODO, "the later move's undo"
        assert len(app.undo_stack) == 0


async def test_two_undos_pressed_during_moves_take_both_back(agency, make_app, held):
    """Each ctrl+z waits for the changes made before it, never for the other ctrl+z: two
    of them waiting for each other would never run at all."""
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L", "L", "ctrl+z", "ctrl+z")
        held.set()
        await asyncio.wait_for(written(pilot), timeout=10)
        assert get_task(engine, task_id=task_id).status == Status.BACKLOG
        assert shown_status(app, task_id) == Status.BACKLOG
        assert len(app.undo_stack) == 0


async def test_a_refused_write_puts_the_screen_back_and_says_why(agency, make_app, monkeypatch):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]

    def refused(*_args, **_kwargs):
        raise ValidationError("the client froze this board", field="status")

    monkeypatch.setattr(board_module, "set_fields", refused)
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L")
        await written(pilot)
        assert shown_status(app, task_id) == Status.BACKLOG, "back to what is stored"
        assert get_task(engine, task_id=task_id).status == Status.BACKLOG
        assert [n.message for n in app._notifications] == ["the client froze this board"]
        assert len(app.undo_stack) == 0


async def test_writes_behind_a_refused_one_are_dropped(agency, make_app, monkeypatch):
    """The second move was made on top of the first: once the first is refused, storing
    the second would put the card where nobody asked. The refusal is said once."""
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    gate = threading.Event()
    real = board_module.set_fields
    calls = []

    def first_refused(*args, **kwargs):
        calls.append(kwargs["changes"])
        if len(calls) == 1:
            assert gate.wait(timeout=30)
            raise ValidationError("refused", field="status")
        return real(*args, **kwargs)

    monkeypatch.setattr(board_module, "set_fields", first_refused)
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L", "L")
        gate.set()
        await written(pilot)
        assert calls == [{"status": Status.TODO}]
        assert get_task(engine, task_id=task_id).status == Status.BACKLOG
        assert shown_status(app, task_id) == Status.BACKLOG
        assert [n.message for n in app._notifications] == ["refused"], "said once"


async def test_priority_and_reorder_show_at_once(agency, make_app, monkeypatch):
    engine, _ids = agency
    gate = threading.Event()

    def held_call(real):
        def call(*args, **kwargs):
            assert gate.wait(timeout=30)
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(board_module, "swap", held_call(task_steps.swap))
    monkeypatch.setattr(task_actions, "cycle_priority", held_call(task_steps.cycle_priority))
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        screen = app.screen
        first, second = screen.column.cards[0], screen.column.cards[1]
        await pilot.press("p")
        assert screen.selected.priority != first.priority
        await pilot.press("J")
        assert [card.id for card in screen.column.cards[:2]] == [second.id, first.id]
        assert screen.selected.id == first.id
        assert get_task(engine, task_id=first.id).priority == first.priority, "not stored yet"
        gate.set()
        await written(pilot)
        assert [card.id for card in screen.column.cards[:2]] == [second.id, first.id]
        assert get_task(engine, task_id=first.id).priority == screen.selected.priority


async def test_undo_takes_back_in_the_write_thread_while_keys_answer(agency, make_app):
    """Behind a network a take-back is several round trips: the keys do not wait for it."""
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    gate, ran_in = threading.Event(), []
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        loop = threading.get_ident()

        def slow_revert() -> None:
            ran_in.append(threading.get_ident())
            assert gate.wait(timeout=30), "the test never let the take-back through"

        app.undo_stack.add(Step(label="slow", revert=slow_revert))
        await pilot.press("ctrl+z")
        await pilot.press("L")
        assert shown_status(app, task_id) == Status.TODO, "a key answered meanwhile"
        gate.set()
        await written(pilot)
        assert ran_in and ran_in[0] != loop
        assert get_task(engine, task_id=task_id).status == Status.TODO, "the move, after it"
        assert len(app.undo_stack) == 1, "the take-back is used up; the move can be undone"


async def test_a_refused_undo_is_said_and_the_app_goes_on(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:

        def refused() -> None:
            raise ValidationError("that sprint was closed since", field="sprint_id")

        app.undo_stack.add(Step(label="refused", revert=refused))
        await pilot.press("ctrl+z")
        await written(pilot)
        assert [n.message for n in app._notifications] == ["that sprint was closed since"]
        await pilot.press("L")
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.TODO


def writes_held(app, monkeypatch) -> threading.Event:
    """Every write asked for from now on waits until the returned event is set."""
    gate = threading.Event()
    plain_submit = app.writes.submit

    def held_submit(*, run, done, failed) -> None:
        def run_when_let() -> object:
            assert gate.wait(timeout=30), "the test never let the write through"
            return run()

        plain_submit(run=run_when_let, done=done, failed=failed)

    monkeypatch.setattr(app.writes, "submit", held_submit)
    return gate


@pytest.mark.parametrize("move_stored", [True, False], ids=["move stored", "move being written"])
async def test_undoing_a_move_shows_the_card_back_before_the_take_back_is_stored(
    agency, make_app, monkeypatch, move_stored
):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        if move_stored:
            await pilot.press("L")
            await written(pilot)
        gate = writes_held(app, monkeypatch)
        if not move_stored:
            await pilot.press("L")
        await pilot.press("ctrl+z")
        assert shown_status(app, task_id) == Status.BACKLOG, "taken back on screen at once"
        assert app.screen.selected.id == task_id, "selected where it was"
        stored = Status.TODO if move_stored else Status.BACKLOG
        assert get_task(engine, task_id=task_id).status == stored, "the take-back not stored yet"
        gate.set()
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.BACKLOG
        assert shown_status(app, task_id) == Status.BACKLOG
        assert len(app.undo_stack) == 0


async def test_a_move_taken_back_from_another_client_s_board_is_not_drawn_there(
    agency, make_app, monkeypatch
):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L")
        await written(pilot)
        await pilot.press("right_square_bracket")  # one client's board
        await pilot.pause()
        board = app.screen
        shown = [[card.id for card in column.cards] for column in board.columns]
        gate = writes_held(app, monkeypatch)
        await pilot.press("ctrl+z")
        assert [[card.id for card in column.cards] for column in board.columns] == shown
        gate.set()
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.BACKLOG
