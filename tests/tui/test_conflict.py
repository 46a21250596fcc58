"""Two people edit the same card: nothing is silently overwritten."""

from __future__ import annotations

import pytest

from model.tasks import get_task, update_task
from tui.dialogs.conflict import ConflictDialog
from tui.screens.board import BoardScreen


@pytest.mark.parametrize(
    ("choice", "title", "priority"),
    [("m", "Mine", "urgent"), ("k", "Mine", "low"), ("t", "Theirs", "urgent")],
)
async def test_a_conflicting_save_shows_both_and_resolves(
    agency, make_app, choice, title, priority
):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        update_task(engine, task_id=task_id, changes={"title": "Theirs", "priority": "urgent"})
        await pilot.press("ctrl+u", *"Mine", "ctrl+s")
        assert isinstance(app.screen, ConflictDialog)
        assert get_task(engine, task_id=task_id).title == "Theirs", "nothing overwritten yet"
        await pilot.press(choice)
        assert isinstance(app.screen, BoardScreen)
    saved = get_task(engine, task_id=task_id)
    assert (saved.title, saved.priority) == (title, priority)


async def test_escape_returns_to_the_form_with_the_typing_kept(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        update_task(engine, task_id=task_id, changes={"labels": "seo"})
        await pilot.press("ctrl+u", *"Mine", "ctrl+s", "escape")
        assert app.screen.query_one("#title").value == "Mine"
