"""Quitting never loses a change already shown."""

from __future__ import annotations

import inspect

from model.tables import Status
from model.tasks import get_task
from tests.tui.writing import moves_held


async def test_moves_shown_before_quitting_are_stored_on_a_slow_store(
    agency, make_app, monkeypatch
):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    gate = moves_held(monkeypatch)
    app = make_app(engine)
    plain_quit = app.action_quit

    async def quit_on_a_slow_store() -> None:
        gate.set()  # the moves are let through only now: both are still queued
        result = plain_quit()
        if inspect.isawaitable(result):
            await result

    monkeypatch.setattr(app, "action_quit", quit_on_a_slow_store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L", "L", "ctrl+q")
    assert get_task(engine, task_id=task_id).status == Status.DOING
