"""The app's change check as its timer runs it: in a thread, its answer a message."""

from __future__ import annotations


async def checked(pilot) -> None:
    """Run the change check once and let the app take in its answer. The app's own timer
    may start a newer check meanwhile, which takes the place of this one: wait for all."""
    pilot.app._poll()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
