"""Bad input of every kind gets a clear one-line message and leaves the data as it was."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from model.store import open_store
from tests.agency import build
from tui.cli import run


@pytest.fixture
def db(tmp_path, frozen) -> Path:
    path = tmp_path / "bad.db"
    engine = open_store(url=f"sqlite:///{path}").engine
    build(engine)
    engine.dispose()
    return path


def digest(path: Path) -> str:
    """The database's content: the file and its write-ahead log."""
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return hashlib.sha256(data).hexdigest()


def refused(capsys, *, argv: list[str], db: Path, says: str) -> None:
    before = digest(db)
    assert run([*argv, "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert says in err
    assert digest(db) == before


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("NWB: a\x00b", "NUL"),
        ("NWB: " + "x" * 20_000, "too long"),
        ("NWB:    ", "empty"),
    ],
    ids=["nul", "20000-chars", "blank"],
)
def test_bad_titles_are_refused(db, capsys, text, says):
    refused(capsys, argv=["add", text], db=db, says=says)


@pytest.mark.parametrize(
    ("title"),
    ["[bold]x[/]", "[/]", "[link=http://a]y", "\x1b[2J\x1b[31mred", "שלום עולם", "🔥🚀 fire"],
    ids=["markup", "closing-tag", "link", "ansi", "rtl", "emoji"],
)
def test_odd_but_valid_titles_are_stored_exactly(db, capsys, title):
    from model.tasks import get_task

    assert run(["add", f"NWB: {title}", "--db", str(db)]) == 0
    task_id = int(capsys.readouterr().out)
    assert get_task(open_store(url=f"sqlite:///{db}").engine, task_id=task_id).title == title


@pytest.mark.parametrize(
    ("due", "says"),
    [
        ("31.02", "calendar"),
        ("24:00", "not a date"),
        ("yesterday", "not a date"),
        ("", "enter a date"),
    ],
    ids=["31.02", "24:00", "yesterday", "empty"],
)
def test_bad_dates_are_refused(db, capsys, due, says):
    refused(capsys, argv=["add", "NWB: report", "--due", due], db=db, says=says)


def test_a_time_of_24_00_is_refused(db, capsys):
    refused(
        capsys, argv=["add", "NWB: report", "--due", "tomorrow 24:00"], db=db, says="time of day"
    )


@pytest.mark.parametrize(
    ("estimate", "says"),
    [("-2", "duration"), ("100000", "more than"), ("1e9", "duration"), ("two", "duration")],
    ids=["negative", "huge", "exponent", "words"],
)
def test_bad_estimates_are_refused(db, capsys, estimate, says):
    refused(capsys, argv=["add", "NWB: report", "--estimate", estimate], db=db, says=says)


def test_a_config_that_is_not_toml(db, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(tmp_path / "cfg"))
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.toml").write_bytes(b"\x89PNG\r\n\x1a\n not toml at all")
    assert run(["add", "NWB: still captured", "--db", str(db)]) == 0
    assert "using defaults" in capsys.readouterr().err


def test_a_file_that_is_not_a_database(tmp_path, capsys):
    bogus = tmp_path / "photo.db"
    bogus.write_bytes(os.urandom(4096))
    before = bogus.read_bytes()
    assert run(["add", "NWB: x", "--db", str(bogus)]) == 1
    assert "not a clientdeck database" in capsys.readouterr().err
    assert bogus.read_bytes() == before


def test_a_read_only_database(db, capsys, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: False if Path(path) == db else real_access(path, mode)
    )
    refused(capsys, argv=["add", "NWB: x"], db=db, says="read-only")


def test_a_database_from_a_newer_version(db, capsys):
    import sqlite3

    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00d_future'")
    refused(capsys, argv=["add", "NWB: x"], db=db, says="newer clientdeck")
