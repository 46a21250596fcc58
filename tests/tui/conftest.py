"""Apps for pilot and snapshot tests: the small agency, a frozen clock, no animation."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest
from textual.app import App
from textual.pilot import Pilot

from model.config import REMINDERS, Config
from model.store import open_store
from tests.agency import build
from tests.conftest import ZONE
from tui.app import ClientDeck
from tui.header_facts import FACTS_GROUP
from tui.screens.reading import READ_GROUP


@pytest.fixture(autouse=True)
def reads_arrive(monkeypatch):
    """A pause lasts until the screen's data and the header's facts have arrived, as a
    person waits for them to show: both are read in threads (tui/screens/reading.py,
    tui/header_facts.py), and a test that looks at a screen looks at it filled, from the
    first. Snapshots pause the same way before they
    are taken."""
    plain = Pilot.pause

    async def pause(self, delay: float | None = None) -> None:
        await plain(self, delay)
        for _turn in range(100):
            facts = [worker for worker in self.app.workers if worker.group == FACTS_GROUP]
            if facts:
                await self.app.workers.wait_for_complete(facts)
                await plain(self, None)
                continue
            if not any(getattr(screen, "reading", False) for screen in self.app.screen_stack):
                return
            await self.app.workers.wait_for_complete(
                [worker for worker in self.app.workers if worker.group == READ_GROUP]
            )
            await plain(self, None)
        raise AssertionError("a screen's read never arrived")

    monkeypatch.setattr(Pilot, "pause", pause)
    plain_run_test = App.run_test

    @asynccontextmanager
    async def run_test(self, *args, **kwargs):
        """A test starts on the first screen as shown with its data."""
        async with plain_run_test(self, *args, **kwargs) as pilot:
            await pilot.pause()
            yield pilot

    monkeypatch.setattr(App, "run_test", run_test)


@pytest.fixture
def store(tmp_path):
    """The app's tests run on SQLite; the model suite covers PostgreSQL."""
    opened = open_store(url=f"sqlite:///{tmp_path / 'store.db'}")
    yield opened.engine
    opened.engine.dispose()


@pytest.fixture
def agency(store, frozen):
    return store, build(store)


QUIET = {**dict.fromkeys(REMINDERS, False), "standup": True}
"""The work's reminders off unless a test turns them on: a toast would cover a snapshot,
and no test sends a desktop notification."""


@pytest.fixture
def make_app(tmp_path):
    def factory(engine, **settings) -> ClientDeck:
        settings.setdefault("reminders", QUIET)
        config = Config(time_zone=ZONE, **settings)
        app = ClientDeck(engine=engine, config=config, config_path=tmp_path / "config.toml")
        app.animation_level = "none"
        return app

    return factory
