"""`clientdeck status` and `clientdeck agenda` (tui/cli_status.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import time

from model import clock
from model.db import transaction
from model.promises import promise_task
from model.tables import Channel, Interaction, Status
from model.tasks import create_task
from model.timetrack import start_timer
from tests.test_cli_time import NOW, kyiv, shell  # noqa: F401  (the fixture)
from tui.cli_status import quick_status


def test_status_says_the_timer_the_stand_up_and_the_promises(shell, capsys):  # noqa: F811
    assert shell.run("status") == 0
    assert capsys.readouterr().out == "no timer · stand-up 11:00\n"
    with clock.freeze(at=NOW):
        start_timer(shell.engine, task_id=shell.task_id, member_id=shell.member_id)
        promise_task(shell.engine, task_id=shell.other_task_id, due_date=clock.today())
    assert shell.run("status", at=NOW.add(minutes=95)) == 0
    assert capsys.readouterr().out == (
        f"▶ ACME {shell.task_id} 1:35 · stand-up in 25 min · 1 promise due today\n"
    )


def test_the_quick_path_says_the_same_and_leaves_the_rest_to_the_parser(
    shell,  # noqa: F811
    capsys,
):
    with clock.freeze(at=NOW):
        start_timer(shell.engine, task_id=shell.task_id, member_id=shell.member_id)
    assert shell.run("status", at=NOW.add(minutes=5)) == 0
    full = capsys.readouterr().out
    with clock.freeze(at=NOW.add(minutes=5)):
        assert quick_status(["--db", str(shell.db)]) == 0
        assert capsys.readouterr().out == full
        assert quick_status([f"--db={shell.db}"]) == 0
        assert capsys.readouterr().out == full
        assert quick_status(["--db", f"sqlite:///{shell.db}"]) is None
        assert quick_status(["--db", str(shell.db.with_name("absent.db"))]) is None
        assert quick_status(["--help"]) is None
    assert capsys.readouterr().out == ""


def test_the_quick_path_finds_a_file_under_home_as_the_full_one_does(
    shell,  # noqa: F811
    capsys,
    monkeypatch,
):
    monkeypatch.setenv("HOME", str(shell.db.parent))
    monkeypatch.setenv("CLIENTDECK_DB", f"~/{shell.db.name}")
    with clock.freeze(at=NOW):
        assert quick_status([]) == 0
    assert capsys.readouterr().out == "no timer · stand-up 11:00\n"


def test_a_cold_status_loads_no_database_layer(shell):  # noqa: F811
    """What keeps it fast enough for a status bar: neither SQLAlchemy nor the parser."""
    probe = (
        "import sys\n"
        "import tui.__main__ as entry\n"
        "try:\n"
        "    entry.main()\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'tui.cli', 'textual')"
        " if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "CLIENTDECK_CONFIG_DIR": str(shell.config.parent)}
    done = subprocess.run(
        [sys.executable, "-c", probe, "status", "--db", str(shell.db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "[]"
    assert "stand-up" in done.stdout


def test_agenda_of_a_day_and_of_the_week(shell, capsys):  # noqa: F811
    with clock.freeze(at=NOW):
        promise_task(
            shell.engine, task_id=shell.task_id, due_date=clock.today(), due_time=time(15, 0)
        )
        late = create_task(
            shell.engine,
            client_id=shell.client_id,
            title="Fix \x1b[2J the feed",
            status=Status.TODO,
            due_date=clock.today().add(days=1),
        )
        with transaction(shell.engine) as session:
            session.add(
                Interaction(
                    client_id=shell.client_id,
                    channel=Channel.MEETING,
                    at=kyiv(2026, 11, 19, 14),
                    summary="Quarterly review",
                )
            )
    assert shell.run("agenda") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Wednesday, 18 November",
        "  11:00  Stand-up",
        f"  15:00  Promise    ACME {shell.task_id} SEO audit",
        "  16:00  Stand-up",
    ]
    assert shell.run("agenda", "--day", "tomorrow") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Thursday, 19 November",
        "  11:00  Stand-up",
        "  14:00  Meeting    ACME Quarterly review",
        "  16:00  Stand-up",
        f"         Deadline   ACME {late.id} Fix ␛[2J the feed",
    ]
    assert shell.run("agenda", "--week") == 0
    week = capsys.readouterr().out.splitlines()
    assert week[0] == "Monday, 16 November" and "Friday, 20 November" in week
    assert "  17:00  Retro" in week and "Saturday, 21 November" not in week
    assert shell.run("agenda", "--day", "2026-11-21") == 0
    assert capsys.readouterr().out == "nothing on Saturday, 21 November\n"
    assert shell.run("agenda", "--day", "someday") == 2
    assert "'someday' is not a date" in capsys.readouterr().err
