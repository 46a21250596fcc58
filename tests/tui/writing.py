"""The app's quick changes are written in the background (`tui.writes`): a test that reads
the store after a key waits for them first, as a person waits for the next frame."""

from __future__ import annotations


async def written(pilot) -> None:
    """Every queued write has ended and its screen has read the stored state."""
    await pilot.app.writes.settled()
    await pilot.pause()
