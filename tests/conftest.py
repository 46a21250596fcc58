"""Fixtures shared by the whole suite: an isolated environment, stores and a frozen clock."""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from pathlib import Path

import pendulum
import pytest
import time_machine
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

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


PG_URL = os.environ.get("CLIENTDECK_TEST_PG", "")
PG_TEMPLATE = "clientdeck_template"


def _postgres_or_skip() -> str:
    """The server URL; locally a missing server skips, in CI it fails: the cases must run there."""
    if PG_URL:
        return PG_URL
    message = "PostgreSQL cases need CLIENTDECK_TEST_PG=postgresql+psycopg://… (.ci/run sets it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_template():
    """A database at the current schema that each test's database is copied from (fast)."""
    url = make_url(_postgres_or_skip())
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_TEMPLATE}")
        connection.exec_driver_sql(f"CREATE DATABASE {PG_TEMPLATE}")
    opened = open_store(url=url.set(database=PG_TEMPLATE).render_as_string(hide_password=False))
    opened.engine.dispose()
    yield admin, url
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_TEMPLATE}")
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path):
    """An empty store at the current schema, on each back end the product supports."""
    if request.param == "sqlite":
        opened = open_store(url=f"sqlite:///{tmp_path / 'store.db'}")
        yield opened.engine
        opened.engine.dispose()
        return
    yield from _postgres_store(request)


@pytest.fixture
def pg_store(request):
    """An empty store at the current schema in a database of its own on the test server."""
    yield from _postgres_store(request)


def _postgres_store(request):
    admin, url = request.getfixturevalue("postgres_template")
    name = f"clientdeck_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
    opened = open_store(url=url.set(database=name).render_as_string(hide_password=False))
    yield opened.engine
    opened.engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")


_BACK_END = re.compile(r"\[(?:.*-)?(sqlite|postgresql)(?:-.*)?\]$")


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many model cases passed on each back end, so a run shows both were tested."""
    counts = Counter(
        match.group(1)
        for report in terminalreporter.stats.get("passed", [])
        if (match := _BACK_END.search(report.nodeid))
    )
    if counts:
        terminalreporter.write_line(
            f"back ends: {counts['sqlite']} cases passed on SQLite, "
            f"{counts['postgresql']} on PostgreSQL"
        )
