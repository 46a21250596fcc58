"""A move shows at once; the stored columns follow, others' changes included."""

from __future__ import annotations

from model.tasks import get_task, update_task
from tests.tui.polling import colleague
from tests.tui.writing import written
from tui.screens.board import BoardScreen
from tui.screens.board_column import BoardColumn


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


async def test_a_stored_move_or_take_back_repaints_no_column_it_drew_already(
    agency, make_app, monkeypatch
):
    """Repainting a column that shows what was stored already holds up the next key."""
    engine, _ids = agency
    app = make_app(engine)
    painted: list[str] = []
    plain_refresh = BoardColumn.refresh

    def counted_refresh(column, *args, **kwargs):
        painted.append(column.state.status)
        return plain_refresh(column, *args, **kwargs)

    async with app.run_test(size=(120, 36)) as pilot:
        monkeypatch.setattr(BoardColumn, "refresh", counted_refresh)
        await pilot.press("L")
        assert set(painted) == {"backlog", "todo"}, "the move is drawn at once"
        painted.clear()
        await written(pilot)
        assert painted == [], "the stored columns are what the move drew"
        await pilot.press("ctrl+z")
        assert set(painted) == {"backlog", "todo"}, "the take-back is drawn at once"
        painted.clear()
        await written(pilot)
        assert painted == [], "the stored columns, and the budgets read again, are the same"
