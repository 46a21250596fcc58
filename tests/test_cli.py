"""The `clientdeck` command: captures, config, db upkeep; every error is one line."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from model.store import open_store
from model.tables import Status
from model.tasks import get_task
from tests.agency import build
from tui.cli import run


@pytest.fixture
def db(tmp_path, frozen) -> Path:
    path = tmp_path / "cli.db"
    engine = open_store(url=f"sqlite:///{path}").engine
    build(engine)
    engine.dispose()
    return path


def engine_of(path: Path):
    return open_store(url=f"sqlite:///{path}").engine


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("client", ["Northwind Bank", "nwb", "northwind", "карпат"])
def test_add_by_name_or_code(db, capsys, client):
    assert run(["add", f"{client}: landing page copy", "--db", str(db)]) == 0
    task_id = int(capsys.readouterr().out.strip())
    task = get_task(engine_of(db), task_id=task_id)
    assert task.title == "landing page copy"
    assert task.status == Status.INBOX


def test_add_with_fire_due_and_estimate(db, capsys):
    assert (
        run(
            [
                "--db",
                str(db),
                "add",
                "MK: site is down",
                "--fire",
                "--due",
                "завтра",
                "--estimate",
                "1h30",
            ]
        )
        == 0
    )
    task = get_task(engine_of(db), task_id=int(capsys.readouterr().out))
    assert task.fire and task.priority == "urgent"
    assert task.due_date.isoformat() == "2026-11-19"
    assert task.estimate_hours == 1.5


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["add", "Acme: something"], "no client matches"),
        (["add", "Клиника: "], "empty"),
        (["add", "no colon here"], "CLIENT"),
        (["add", "NWB: x", "--due", "31.02"], "calendar"),
        (["add", "NWB: x", "--due", "yesterday"], "not a date"),
        (["add", "NWB: x", "--estimate", "-3"], "duration"),
        (["add", "NWB: x", "--estimate", "5000"], "more than"),
    ],
)
def test_add_errors_are_one_line_and_write_nothing(db, capsys, argv, says):
    before = db.read_bytes()
    assert run([*argv, "--db", str(db)]) == 1
    assert says in one_line_error(capsys)
    assert db.read_bytes() == before


def test_an_ambiguous_client_lists_the_candidates(db, capsys):
    assert run(["add", "ка: x", "--db", str(db)]) == 1
    err = one_line_error(capsys)
    assert "Меблі Карпат" in err and "Клиника Здоровье" in err


def test_usage_errors_exit_2_with_one_line(capsys):
    assert run(["--bogus"]) == 2
    one_line_error(capsys)
    assert run(["add"]) == 2
    one_line_error(capsys)


def test_config_set_validates_and_show_prints(capsys):
    assert run(["config", "set", "time_zone", "Mars/Base"]) == 1
    assert "time zone" in one_line_error(capsys)
    assert run(["config", "set", "standup_times", "10:30,16:00"]) == 0
    assert run(["config", "show"]) == 0
    assert '"10:30"' in capsys.readouterr().out
    assert run(["config", "path"]) == 0
    assert capsys.readouterr().out.strip().endswith("config.toml")


def test_a_broken_config_is_reported_and_defaults_are_used(db, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text("me = \n", encoding="utf-8")
    assert run(["add", "NWB: still works", "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "config.toml" in err and "line 1" in err


def test_db_check_backup_and_upgrade(db, capsys, tmp_path):
    assert run(["db", "check", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == "ok"
    target = tmp_path / "copy.db"
    assert run(["db", "backup", str(target), "--db", str(db)]) == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert get_task(engine_of(target), task_id=1).title
    assert run(["db", "upgrade", "--db", str(db)]) == 0


def test_a_file_that_is_not_a_database_is_refused(tmp_path, capsys):
    bogus = tmp_path / "notes.db"
    bogus.write_text("hello, this is not SQLite\n" * 10)
    assert run(["add", "NWB: x", "--db", str(bogus)]) == 1
    assert "not a clientdeck database" in one_line_error(capsys)
    assert bogus.read_text().startswith("hello")


def test_version_prints_and_exits_zero():
    """Through the command's real entry point, which starts with collection off."""
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("clientdeck ")


def test_start_up_runs_without_the_collector_and_a_shell_command_turns_it_on(tmp_path, monkeypatch):
    import tui.__main__ as entry
    import tui.cli as cli

    seen: list[bool] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.isenabled()))
    try:
        entry.main()
        assert seen == [False]
        assert run(["config", "show"]) == 0
        assert gc.isenabled()
    finally:
        gc.enable()


def test_demo_with_a_command_works_on_a_fresh_demo_not_on_your_store(
    db, capsys, monkeypatch, tmp_path
):
    from tests.agency import contents

    monkeypatch.setenv("CLIENTDECK_DB", str(db))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    before = contents(engine_of(db))
    assert run(["--demo", "report", "week", "--client", "NWB"]) == 0
    out, err = capsys.readouterr()
    assert "Northwind Bank" in out and "fresh demo agency" in err
    assert contents(engine_of(db)) == before


def test_demo_beside_db_is_refused_in_one_line(db, capsys):
    assert run(["--demo", "--db", str(db), "report", "week", "--client", "NWB"]) == 2
    assert "--demo" in one_line_error(capsys)
