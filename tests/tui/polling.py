"""Changes by someone else, and the app's change check as its timer runs it: in a thread,
its answer a message."""

from __future__ import annotations

from model.store import open_store


def colleague(engine):
    """Someone else on the same database: their own connection, as from another process."""
    return open_store(url=engine.url.render_as_string(hide_password=False)).engine


async def checked(pilot) -> None:
    """Run the change check once and let the app take in its answer. The app's own timer
    may start a newer check meanwhile, which takes the place of this one: wait for every
    check (not for the PostgreSQL listener, which runs as long as the app)."""
    app = pilot.app
    app._poll()
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "changes"])
    await pilot.pause()
