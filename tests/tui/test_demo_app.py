"""The app on the demo agency, as a newcomer first sees it, and at agency scale."""

from __future__ import annotations

import shutil

import pytest

from model import clock, demo
from model.store import open_store
from model.tables import BOARD_STATUSES, Status
from model.tasks import get_task
from tests.conftest import FROZEN_AT, ZONE
from tests.tui.writing import written
from tui.screens.board import BoardScreen
from tui.screens.board_column import BoardColumn


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """Demo databases at scales 1 and 25, built once for the session at the frozen time."""
    folder = tmp_path_factory.mktemp("demo")
    files = {}
    clock.set_zone(name=ZONE)
    with clock.freeze(at=FROZEN_AT):
        for scale in (1, 25):
            path = folder / f"scale-{scale}.db"
            engine = open_store(url=f"sqlite:///{path}").engine
            demo.fill(engine=engine, scale=scale, seed=1)
            engine.dispose()
            files[scale] = path
    clock.set_zone(name="UTC")
    return files


@pytest.fixture
def demo_store(demo_files, tmp_path, frozen):
    def open_copy(scale: int):
        path = tmp_path / f"demo-{scale}.db"
        shutil.copy(demo_files[scale], path)
        return open_store(url=f"sqlite:///{path}").engine

    return open_copy


async def test_the_app_opens_on_the_demo_agency_board(demo_store, make_app):
    app = make_app(demo_store(1))
    async with app.run_test(size=(120, 36)):
        assert app.current_mode == "board"
        assert isinstance(app.screen, BoardScreen)
        counts = {
            column.state.status: column.state.count for column in app.screen.query(BoardColumn)
        }
        assert set(counts) == set(BOARD_STATUSES)
        assert all(counts[status] > 0 for status in (Status.BACKLOG, Status.TODO, Status.DOING))


async def test_the_board_at_agency_scale_opens_and_moves_a_card(demo_store, make_app):
    engine = demo_store(25)
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.query_one("#col-backlog", BoardColumn).state.count > 1000
        assert 0 < len(board.column.cards) <= board.column.capacity, "only what fits is loaded"
        task_id = board.selected.id
        await pilot.press("L")
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.TODO
        assert board.selected.id == task_id
        await pilot.press("ctrl+z")
        await written(pilot)
        assert get_task(engine, task_id=task_id).status == Status.BACKLOG
