"""`clientdeck timer …` and `clientdeck report hours` (tui/cli_time.py), run in-process."""

from __future__ import annotations

import argparse
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest

from model import clock, i18n
from model.budgets import set_budget
from model.db import sqlite_url, transaction
from model.store import open_store
from model.tables import Client, Member, Status, Task
from model.timetrack import add_entry, running_entry
from tui.cli import command_group, run

KYIV = "Europe/Kyiv"


def kyiv(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=KYIV)


NOW = kyiv(2026, 11, 18, 9)


@dataclass(frozen=True)
class Shell:
    db: Path
    config: Path
    engine: object
    client_id: int
    member_id: int
    task_id: int
    other_task_id: int

    def run(self, *argv: str, at: pendulum.DateTime = NOW) -> int:
        with clock.freeze(at=at):
            return run([*argv, "--db", str(self.db)])


def write_config(path: Path, *, me: str) -> None:
    path.write_text(
        f'me = "{me}"\ntime_zone = "{KYIV}"\nlanguage = "en"\nwork_day_end = "18:00"\n',
        encoding="utf-8",
    )


@pytest.fixture
def shell(tmp_path, monkeypatch) -> Iterator[Shell]:
    previous_zone, previous_language = clock.zone(), i18n.language()
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(config_dir))
    monkeypatch.delenv("CLIENTDECK_DB", raising=False)
    write_config(config_dir / "config.toml", me="Anna Koval")
    db = tmp_path / "deck.db"
    engine = open_store(url=sqlite_url(path=db)).engine
    created = kyiv(2026, 11, 1)
    with transaction(engine) as session:
        client = Client(name="Acme Coffee", code="ACME", created_at=created)
        member = Member(name="Anna Koval", initials="AK")
        session.add_all([client, member])
        session.flush()
        tasks = [
            Task(
                client_id=client.id,
                title=title,
                status=Status.DOING,
                created_at=created,
                updated_at=created,
            )
            for title in ("SEO audit", "Ads setup")
        ]
        session.add_all(tasks)
        session.flush()
        ids = client.id, member.id, tasks[0].id, tasks[1].id
    try:
        yield Shell(db, config_dir / "config.toml", engine, *ids)
    finally:
        engine.dispose()
        clock.set_zone(name=previous_zone)
        i18n.set_language(code=previous_language)


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


# --- timer ---------------------------------------------------------------------------------


def test_status_exits_1_when_no_timer_runs(shell, capsys):
    assert shell.run("timer", "status") == 1
    assert capsys.readouterr().out == "no timer is running\n"


def test_start_then_status_exits_0_and_shows_the_timer(shell, capsys):
    assert shell.run("timer", "start", str(shell.task_id), "--note", "titles") == 0
    assert one_line(capsys.readouterr().out) == f"started task {shell.task_id}: SEO audit [ACME]"
    assert shell.run("timer", "status", at=kyiv(2026, 11, 18, 10, 30)) == 0
    captured = capsys.readouterr()
    assert one_line(captured.out) == (f"task {shell.task_id}: SEO audit [ACME], since 09:00, 1:30")
    assert captured.err == ""


def test_starting_another_task_says_which_timer_stopped(shell, capsys):
    shell.run("timer", "start", str(shell.task_id))
    capsys.readouterr()
    assert shell.run("timer", "start", str(shell.other_task_id), at=kyiv(2026, 11, 18, 9, 45)) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"stopped task {shell.task_id} after 0:45",
        f"started task {shell.other_task_id}: Ads setup [ACME]",
    ]


def test_start_on_an_unknown_task_fails_with_one_line(shell, capsys):
    assert shell.run("timer", "start", "4242") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "4242" in one_line(captured.err)
    assert running_entry(shell.engine, member_id=shell.member_id) is None


def test_without_me_the_timer_asks_who_you_are(shell, capsys):
    write_config(shell.config, me="")
    assert shell.run("timer", "status") == 1
    assert "clientdeck config set me NAME" in one_line(capsys.readouterr().err)


def test_stop_at_a_typed_time(shell, capsys):
    shell.run("timer", "start", str(shell.task_id))
    capsys.readouterr()
    assert shell.run("timer", "stop", "--at", "10:30", at=kyiv(2026, 11, 18, 12)) == 0
    assert one_line(capsys.readouterr().out).endswith("at 10:30 after 1:30")
    assert shell.run("timer", "stop") == 1
    assert one_line(capsys.readouterr().err) == "clientdeck: no timer is running"


def test_a_stop_time_before_the_start_is_refused(shell, capsys):
    shell.run("timer", "start", str(shell.task_id))
    capsys.readouterr()
    assert shell.run("timer", "stop", "--at", "08:30", at=kyiv(2026, 11, 18, 12)) == 1
    one_line(capsys.readouterr().err)
    assert running_entry(shell.engine, member_id=shell.member_id) is not None


def test_a_stop_time_still_ahead_says_so(shell, capsys):
    shell.run("timer", "start", str(shell.task_id))
    capsys.readouterr()
    assert shell.run("timer", "stop", "--at", "18:30", at=kyiv(2026, 11, 18, 12)) == 1
    assert one_line(capsys.readouterr().err) == (
        "clientdeck: 18:30 is still ahead (it is 12:00): a timer stops at a time that has passed"
    )
    assert running_entry(shell.engine, member_id=shell.member_id) is not None


def test_status_warns_about_a_timer_left_running_overnight(shell, capsys):
    shell.run("timer", "start", str(shell.task_id))
    capsys.readouterr()
    assert shell.run("timer", "status", at=kyiv(2026, 11, 19, 8)) == 0
    captured = capsys.readouterr()
    assert "since 2026-11-18 09:00, 23:00" in captured.out
    assert "--at HH:MM" in one_line(captured.err)


def test_starting_on_a_client_over_budget_warns(shell, capsys):
    set_budget(
        shell.engine, client_id=shell.client_id, from_month=pendulum.date(2026, 11, 1), hours=1
    )
    with clock.freeze(at=NOW):
        add_entry(
            shell.engine,
            task_id=shell.other_task_id,
            member_id=shell.member_id,
            start=kyiv(2026, 11, 17, 9),
            end=kyiv(2026, 11, 17, 11),
        )
    assert shell.run("timer", "start", str(shell.task_id)) == 0
    assert "paid hours" in one_line(capsys.readouterr().err)


# --- report hours --------------------------------------------------------------------------


@pytest.fixture
def worked(shell) -> Shell:
    """Two hours on the 3rd, and two and a half over the midnight into 1 November."""
    with clock.freeze(at=NOW):
        for start, end in (
            (kyiv(2026, 11, 3, 10), kyiv(2026, 11, 3, 12)),
            (kyiv(2026, 10, 31, 23), kyiv(2026, 11, 1, 1, 30)),
        ):
            add_entry(
                shell.engine,
                task_id=shell.task_id,
                member_id=shell.member_id,
                start=start,
                end=end,
            )
    return shell


def test_report_hours_prints_this_months_markdown(worked, capsys):
    assert worked.run("report", "hours", "--client", "acme") == 0
    out = capsys.readouterr().out
    assert out.startswith("# Hours for Acme Coffee, 2026-11\n")
    assert "- Period: 2026-11-01 – 2026-11-30\n" in out
    assert "- Hours: 3.50\n" in out


@pytest.mark.parametrize(
    ("period", "hours"),
    [
        (("--month", "2026-10"), "1.00"),
        (("--week", "2026-W45"), "2.00"),
        (("--week", "2026-W44"), "2.50"),
        (("--from", "2026-10-31", "--to", "2026-11-03"), "4.50"),
    ],
)
def test_report_hours_for_a_named_period(worked, capsys, period, hours):
    assert worked.run("report", "hours", "--client", "ACME", "--format", "csv", *period) == 0
    assert f"total,,ACME,not rounded,{hours}," in capsys.readouterr().out


def test_report_hours_to_a_file_readable_by_the_owner_only(worked, capsys, tmp_path):
    worked.run("report", "hours", "--client", "ACME", "--format", "csv")
    on_screen = capsys.readouterr().out
    target = tmp_path / "hours.csv"
    target.write_text("old, longer content that must not survive\n" * 10)
    target.chmod(0o644)
    assert (
        worked.run("report", "hours", "--client", "ACME", "--format", "csv", "--out", str(target))
        == 0
    )
    assert capsys.readouterr().out == f"{target}\n"
    assert target.read_text(encoding="utf-8") == on_screen
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (("--client", "ACME", "--week", "2026-W60"), 2),
        (("--client", "ACME", "--month", "November"), 2),
        (("--client", "ACME", "--to", "2026-11-03"), 2),
        (("--client", "ACME", "--from", "2026-11-03", "--to", "2026-11-01"), 2),
        (("--client", "ACME", "--week", "2026-W45", "--month", "2026-11"), 2),
        (("--client", "nobody"), 1),
        (("--client", "ACME", "--out", "/nonexistent-dir/x.md"), 1),
    ],
)
def test_report_hours_mistakes_are_one_line(worked, capsys, argv, code):
    assert worked.run("report", "hours", *argv) == code
    captured = capsys.readouterr()
    one_line(captured.err)
    assert captured.out == ""


def test_the_report_group_is_shared_with_other_areas():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    reports = command_group(commands=commands, name="report", parents=[])
    assert command_group(commands=commands, name="report", parents=[]) is reports
    reports.add_parser("week").set_defaults(handler="week")
    reports.add_parser("retro").set_defaults(handler="retro")
    assert parser.parse_args(["report", "retro"]).handler == "retro"
