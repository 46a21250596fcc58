"""The app's quick changes are written in the background (`tui.writes`): a test that reads
the store after a key waits for them first, as a person waits for the next frame."""

from __future__ import annotations

import threading

from tui.screens import board as board_module


async def written(pilot) -> None:
    """Every queued write has ended and its screen has read the stored state."""
    await pilot.app.writes.settled()
    await pilot.pause()


def moves_held(monkeypatch) -> threading.Event:
    """Board moves wait until the returned event is set: a slow store."""
    gate = threading.Event()
    plain_set_fields = board_module.set_fields

    def slow(*args, **kwargs):
        assert gate.wait(timeout=30), "the move was never let through"
        return plain_set_fields(*args, **kwargs)

    monkeypatch.setattr(board_module, "set_fields", slow)
    return gate
