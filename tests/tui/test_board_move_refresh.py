"""A move shows at once; the stored columns follow, others' changes included."""

from __future__ import annotations

from model.tasks import get_task, update_task
from tests.tui.polling import colleague
from tests.tui.writing import written
from tui.screens.board import BoardScreen


async def test_a_colleagues_change_just_before_my_move_still_shows(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        update_task(
            colleague(engine), task_id=ids["Monthly PPC report"], changes={"priority": "high"}
        )
        await pilot.press("L")
        await written(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        doing = app.screen.query_one("#col-doing").cards
        assert [card.priority for card in doing] == ["high"], (
            "my own write's fingerprint took their change in, so the board must show it"
        )
        assert board.selected.id == ids["Настроить ремаркетинг"]


async def test_undo_puts_the_card_back_in_both_columns(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    task_id = ids["Настроить ремаркетинг"]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L", "ctrl+z")
        await written(pilot)
        board = app.screen
        counts = {column.state.status: column.state.count for column in board.columns}
        assert counts["backlog"] == 1 and counts["todo"] == 7
        assert task_id in [card.id for card in board.query_one("#col-backlog").cards]
        assert get_task(engine, task_id=task_id).status == "backlog"
