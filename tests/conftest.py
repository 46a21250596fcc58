"""Fixtures shared by the whole suite: an isolated environment, stores and a frozen clock."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
import time_machine

from model import clock
from model.i18n import set_language
from model.store import open_store

FROZEN_AT = pendulum.datetime(2026, 11, 18, 10, 30, tz="Europe/Kyiv")
ZONE = "Europe/Kyiv"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    """No test reads the developer's config, database or language."""
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("CLIENTDECK_DB", raising=False)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    set_language(code="en")
    clock.set_zone(name="UTC")
    yield
    set_language(code="en")
    clock.set_zone(name="UTC")


@pytest.fixture
def frozen():
    """Wall-clock time stands still at Wednesday 18 Nov 2026, 10:30 in Kyiv."""
    with time_machine.travel(FROZEN_AT, tick=False):
        clock.set_zone(name=ZONE)
        yield FROZEN_AT


@pytest.fixture
def store(tmp_path: Path):
    """An empty store at the current schema."""
    opened = open_store(url=f"sqlite:///{tmp_path / 'store.db'}")
    yield opened.engine
    opened.engine.dispose()
