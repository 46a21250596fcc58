"""`clientdeck member …`, `whoami`, `config set me` and `accept` (tui/cli_team.py), in-process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from sqlmodel import select

from model.config import config_path, load
from model.daysoff import days_off
from model.db import sqlite_url, transaction
from model.exchange import export_json
from model.members import find_member, team
from model.store import open_store
from model.tables import Client, Member, Status
from model.tasks import get_task
from tests.agency import this_weeks_sprint
from tui.cli import run


@dataclass(frozen=True)
class Deck:
    db: Path
    engine: object

    def run(self, *argv: str) -> int:
        return run([*argv, "--db", str(self.db)])

    def dump(self) -> dict:
        return export_json(self.engine)["tables"]


@pytest.fixture
def deck(tmp_path, frozen):
    db = tmp_path / "team.db"
    engine = open_store(url=sqlite_url(path=db)).engine
    try:
        yield Deck(db=db, engine=engine)
    finally:
        engine.dispose()


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def config_text() -> str:
    path = config_path()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def refused(deck: Deck, capsys, *argv: str, code: int) -> str:
    """A command that must fail: its exit code, one line on stderr, store and config untouched."""
    before, config = deck.dump(), config_text()
    assert deck.run(*argv) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_line(captured.err)
    assert deck.dump() == before
    assert config_text() == config
    return line


def add(deck: Deck, capsys, *argv: str) -> str:
    assert deck.run(*argv) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def two_members(deck: Deck, capsys) -> None:
    add(deck, capsys, "member", "add", "Anna Koval", "--role", "account manager")
    add(deck, capsys, "member", "add", "Dmytro Shevchenko", "--capacity", "30", "--days", "mon-thu")


# --- member ---------------------------------------------------------------------------------


def test_member_add_prints_name_and_initials_and_stores_the_options(deck, capsys):
    out = add(deck, capsys, "member", "add", "Anna Koval")
    assert out == "Anna Koval (AK)\n"
    argv = ["member", "add", "Dmytro Shevchenko", "--initials", "dsh", "--role", "PPC"]
    out = add(deck, capsys, *argv, "--capacity", "32,5", "--days", "mon,wed,fri")
    assert out == "Dmytro Shevchenko (DSH)\n"
    member = find_member(deck.engine, name="dsh")
    assert (member.role, member.weekly_capacity_hours, member.working_days) == ("PPC", 32.5, "135")
    anna = find_member(deck.engine, name="Anna Koval")
    assert (anna.weekly_capacity_hours, anna.working_days) == (40.0, "12345")


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["member", "add", "Olga", "--capacity", "abc"], 2, "not a number"),
        (["member", "add", "Olga", "--capacity", "-5"], 1, "0 to 168"),
        (["member", "add", "Olga", "--capacity", "200"], 1, "0 to 168"),
        (["member", "add", "Olga", "--days", "someday"], 1, "working days"),
        (["member", "add", "  "], 1, "name cannot be empty"),
        (["member", "add", "anna koval"], 1, "already on the team"),
        (["member", "add", "Olga", "--initials", "ak"], 1, "initials AK are taken"),
        (["member", "add", "Olga", "--initials", "o.k."], 1, "letters and digits"),
        (["member", "add"], 2, "NAME"),
        (["member", "edit", "Anna Koval"], 2, "say what to change"),
        (["member", "edit", "Anna Koval", "--name", ""], 1, "name cannot be empty"),
        (["member", "edit", "AK", "--initials", "ds"], 1, "taken"),
        (["member", "edit", "AK", "--capacity", "1000"], 1, "0 to 168"),
        (["member", "edit", "Nobody", "--role", "x"], 1, "members: Anna Koval, Dmytro"),
        (["member", "deactivate", "Nobody"], 1, "no member is called 'Nobody'"),
        (["member", "reactivate", "Nobody"], 1, "no member is called"),
        (["member", "off", "AK", "--from", "2026-12-21", "--to", "2026-12-01"], 1, "end before"),
        (["member", "off", "AK", "--from", "someday", "--to", "2026-12-01"], 2, "not a date"),
        (["member", "off", "AK", "--from", "31.02.2026", "--to", "2026-12-01"], 2, "calendar"),
        (["member", "off", "AK", "--from", "today", "--to", "today", "--kind", "fun"], 2, "choice"),
        (["member", "off", "AK", "--from", "today"], 2, "--to"),
        (["member", "off", "Nobody", "--from", "today", "--to", "today"], 1, "no member"),
    ],
)
def test_member_refusals_are_one_line_and_change_nothing(deck, capsys, argv, code, says):
    two_members(deck, capsys)
    assert says in refused(deck, capsys, *argv, code=code)


def test_member_edit_by_name_or_initials(deck, capsys):
    two_members(deck, capsys)
    out = add(deck, capsys, "member", "edit", "ds", "--name", "Dmytro Sh.", "--capacity", "20")
    assert out == "Dmytro Sh. (DS)\n"
    member = find_member(deck.engine, name="DS")
    assert (member.name, member.weekly_capacity_hours, member.working_days) == (
        "Dmytro Sh.",
        20.0,
        "1234",
    )


def test_member_list_and_json(deck, capsys):
    two_members(deck, capsys)
    lines = add(deck, capsys, "member", "list").splitlines()
    header = ["NAME", "INITIALS", "ROLE", "HOURS", "A", "WEEK", "DAYS", "MANAGER"]
    assert lines[0].split() == header
    assert lines[1].split() == ["Anna", "Koval", "AK", "account", "manager", "40", "mon-fri", "yes"]
    assert lines[2].split() == ["Dmytro", "Shevchenko", "DS", "30", "mon-thu"]
    rows = json.loads(add(deck, capsys, "member", "list", "--json"))
    assert [(row["initials"], row["working_days"], row["manager"]) for row in rows] == [
        ("AK", "mon-fri", True),
        ("DS", "mon-thu", False),
    ]


def test_deactivate_hides_a_member_and_reactivate_brings_them_back(deck, capsys):
    two_members(deck, capsys)
    assert "no longer on the team" in add(deck, capsys, "member", "deactivate", "DS")
    assert [member.name for member in team(deck.engine)] == ["Anna Koval"]
    assert "Dmytro" not in add(deck, capsys, "member", "list")
    listed = add(deck, capsys, "member", "list", "--all")
    assert "Dmytro Shevchenko" in listed and "ACTIVE" in listed
    rows = json.loads(add(deck, capsys, "member", "list", "--all", "--json"))
    assert [row["active"] for row in rows] == [True, False]
    assert "back on the team" in add(deck, capsys, "member", "reactivate", "dmytro shevchenko")
    assert len(team(deck.engine)) == 2


def test_member_off_records_days_off(deck, capsys):
    two_members(deck, capsys)
    out = add(deck, capsys, "member", "off", "AK", "--from", "2026-12-21", "--to", "31.12.2026")
    assert out == "Anna Koval: vacation from 2026-12-21 to 2026-12-31\n"
    argv = ["member", "off", "DS", "--from", "tomorrow", "--to", "tomorrow", "--kind", "sick"]
    add(deck, capsys, *argv, "--note", "flu")
    rows = days_off(deck.engine)
    assert [(r.first.isoformat(), r.last.isoformat(), r.kind, r.note) for r in rows] == [
        ("2026-11-19", "2026-11-19", "sick", "flu"),
        ("2026-12-21", "2026-12-31", "vacation", ""),
    ]


def test_an_empty_team_says_how_to_add_someone(deck, capsys):
    assert "clientdeck member add NAME" in one_line(add(deck, capsys, "member", "list"))
    assert json.loads(add(deck, capsys, "member", "list", "--json")) == []


# --- whoami and config set me ----------------------------------------------------------------


def test_whoami_on_an_empty_team_says_how_to_add_a_member(deck, capsys):
    line = refused(deck, capsys, "whoami", code=1)
    assert "clientdeck member add NAME" in line


def test_whoami_without_me_lists_the_members_and_the_command(deck, capsys):
    two_members(deck, capsys)
    line = refused(deck, capsys, "whoami", code=1)
    assert "clientdeck config set me NAME" in line
    assert "Anna Koval, Dmytro Shevchenko" in line


def test_whoami_with_an_unknown_me_says_so(deck, capsys):
    two_members(deck, capsys)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('me = "Olga"\n', encoding="utf-8")
    line = refused(deck, capsys, "whoami", code=1)
    assert "'Olga'" in line and "clientdeck config set me NAME" in line and "Anna Koval" in line


def test_config_set_me_takes_initials_and_stores_the_full_name(deck, capsys):
    two_members(deck, capsys)
    assert deck.run("config", "set", "me", "ds") == 0
    assert load().config.me == "Dmytro Shevchenko"
    assert add(deck, capsys, "whoami") == "Dmytro Shevchenko (DS)\n"


def test_config_set_me_refuses_someone_not_on_the_team(deck, capsys):
    two_members(deck, capsys)
    assert deck.run("config", "set", "me", "AK") == 0
    line = refused(deck, capsys, "config", "set", "me", "Olga", code=1)
    assert "'Olga'" in line and "Anna Koval, Dmytro Shevchenko" in line
    add(deck, capsys, "member", "deactivate", "DS")
    line = refused(deck, capsys, "config", "set", "me", "DS", code=1)
    assert "members: Anna Koval" in line and "Dmytro" not in line
    assert load().config.me == "Anna Koval"


def test_config_set_me_on_an_empty_team_says_how_to_add_a_member(deck, capsys):
    line = refused(deck, capsys, "config", "set", "me", "Anna", code=1)
    assert "clientdeck member add NAME" in line


# --- accept ---------------------------------------------------------------------------------


def inbox_task(deck: Deck, capsys, *, line: str = "ACME: first request", **options: str) -> int:
    if find_member(deck.engine, name="AK") is None:
        two_members(deck, capsys)
        add(deck, capsys, "client", "add", "Acme Coffee", "--code", "ACME")
    extra = [item for name, value in options.items() for item in (f"--{name}", value)]
    return int(add(deck, capsys, "add", line, *extra))


def test_accept_moves_an_inbox_task_into_this_sprint_for_me(deck, capsys):
    task_id = inbox_task(deck, capsys, estimate="2h")
    assert deck.run("config", "set", "me", "Anna Koval") == 0
    assert add(deck, capsys, "accept", str(task_id)) == f"{task_id}\n"
    task = get_task(deck.engine, task_id=task_id)
    sprint = this_weeks_sprint(deck.engine)
    assert (task.status, task.sprint_id) == (Status.TODO, sprint.id)
    assert task.assignee_id == find_member(deck.engine, name="AK").id
    assert task.estimate_hours == 2.0  # kept: no --estimate given


def test_accept_with_an_assignee_and_an_estimate(deck, capsys):
    task_id = inbox_task(deck, capsys)
    argv = ["accept", str(task_id), "--assignee", "ds", "--estimate", "1h30"]
    assert add(deck, capsys, *argv) == f"{task_id}\n"
    task = get_task(deck.engine, task_id=task_id)
    assert task.assignee_id == find_member(deck.engine, name="DS").id
    assert task.estimate_hours == 1.5
    assert task.status == Status.TODO


def test_accept_without_me_leaves_the_task_unassigned(deck, capsys):
    task_id = inbox_task(deck, capsys)
    add(deck, capsys, "accept", str(task_id))
    assert get_task(deck.engine, task_id=task_id).assignee_id is None


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["accept", "4242"], 1, "no task with id 4242"),
        (["accept", "{id}", "--assignee", "Olga"], 1, "no member is called 'Olga'"),
        (["accept", "{id}", "--estimate", "soon"], 2, "not a duration"),
        (["accept", "{id}", "--estimate", "5000"], 2, "more than"),
        (["accept", "two"], 2, "not an id"),
        (["accept"], 2, "TASK_ID"),
    ],
)
def test_accept_refusals(deck, capsys, argv, code, says):
    task_id = inbox_task(deck, capsys)
    argv = [item.format(id=task_id) for item in argv]
    assert says in refused(deck, capsys, *argv, code=code)


def test_accepting_an_archived_task_is_refused_and_makes_no_sprint(deck, capsys):
    from model.tasks import archive_task

    task_id = inbox_task(deck, capsys)
    archive_task(deck.engine, task_id=task_id, reason="declined")
    assert "archived" in refused(deck, capsys, "accept", str(task_id), code=1)


# --- user text is shown literally -------------------------------------------------------------


def test_markup_and_control_characters_in_a_member_name_are_shown_literally(deck, capsys):
    with transaction(deck.engine) as session:
        session.add(Member(name="[b]Ann[/b] \x1b]0;pwned\x07", initials="AN"))
    out = add(deck, capsys, "member", "list")
    assert "\x1b" not in out and "\x07" not in out
    assert "[b]Ann[/b] ␛]0;pwned␇" in out
    assert json.loads(add(deck, capsys, "member", "list", "--json"))[0]["name"] == (
        "[b]Ann[/b] \x1b]0;pwned\x07"
    )
    assert deck.run("config", "set", "me", "AN") == 0
    out = add(deck, capsys, "whoami")
    assert out == "[b]Ann[/b] ␛]0;pwned␇ (AN)\n"


# --- a whole agency from the shell ------------------------------------------------------------


def test_a_new_agency_by_shell_commands_only(deck, capsys, frozen):
    """From an empty store to hours on a client's budget, with nothing but shell commands."""
    assert deck.dump()["client"]["rows"] == []
    add(deck, capsys, "member", "add", "Anna Koval", "--role", "account manager")
    add(deck, capsys, "config", "set", "me", "Anna Koval")
    assert add(deck, capsys, "whoami") == "Anna Koval (AK)\n"
    add(deck, capsys, "member", "add", "Dmytro Shevchenko", "--role", "PPC", "--capacity", "30")
    add(deck, capsys, "member", "add", "Iryna Bondar", "--role", "SEO", "--days", "mon-thu")
    code = add(deck, capsys, "client", "add", "Northwind Bank", "--code", "nwb", "--hours", "40")
    assert code == "NWB\n"
    add(deck, capsys, "client", "add", "Меблі Карпат", "--code", "MK", "--hours", "25")
    add(deck, capsys, "contact", "add", "--client", "NWB", "Olena", "--email", "o@nwb.example")
    task_id = int(add(deck, capsys, "add", "NWB: first request"))
    assert add(deck, capsys, "accept", str(task_id), "--estimate", "3h") == f"{task_id}\n"
    assert "started task" in add(deck, capsys, "timer", "start", str(task_id))
    with time_machine.travel(frozen.add(hours=1, minutes=30), tick=False):
        assert "after 1:30" in add(deck, capsys, "timer", "stop")
        [row] = json.loads(add(deck, capsys, "budget", "list", "--client", "NWB", "--json"))
    assert (row["paid_hours"], row["spent_hours"], row["left_hours"]) == (40.0, 1.5, 38.5)
    assert row["history"] == [{"from": "2026-11", "hours": 40.0}]
    assert [m["name"] for m in json.loads(add(deck, capsys, "member", "list", "--json"))] == [
        "Anna Koval",
        "Dmytro Shevchenko",
        "Iryna Bondar",
    ]
    clients = json.loads(add(deck, capsys, "client", "list", "--json"))
    assert [(c["code"], c["paid_hours"]) for c in clients] == [("NWB", 40.0), ("MK", 25.0)]
    task = get_task(deck.engine, task_id=task_id)
    assert task.status == Status.TODO and task.assignee_id == find_member(deck.engine, name="AK").id


def test_on_an_empty_store_each_first_step_says_what_to_do_first(deck, capsys):
    line = refused(deck, capsys, "add", "ACME: first request", code=1)
    assert "there are no clients yet" in line and "clientdeck client add" in line
    add(deck, capsys, "client", "add", "ACME", "--code", "ACME")
    assert add(deck, capsys, "add", "ACME: first request").strip() == "1"
    line = refused(deck, capsys, "timer", "start", "1", code=1)
    assert "no members yet" in line and "clientdeck member add" in line
    add(deck, capsys, "member", "add", "Olena Kovalenko")
    line = refused(deck, capsys, "timer", "start", "1", code=1)
    assert "config set me" in line and "Olena Kovalenko" in line


def test_accept_takes_an_id_the_database_can_hold_or_refuses_it_as_usage(deck, capsys):
    line = refused(deck, capsys, "accept", "99999999999999999999999", code=2)
    assert "not an id" in line or "is not" in line


def test_config_refuses_a_name_with_control_characters_or_too_long(deck, capsys):
    assert refused(deck, capsys, "config", "set", "theme", "dark\x1b[31m", code=1)
    assert refused(deck, capsys, "config", "set", "theme", "x" * 5000, code=1)


# --- report team ----------------------------------------------------------------------------


def a_billable_month(deck: Deck, capsys) -> None:
    """Anna: 152 h available in November (21 working days, 2 off), 114 h billable (75 %);
    Dmytro: 127.5 h available (17 days of 7.5 h), none billable."""
    import pendulum

    from model.tasks import create_task
    from model.timetrack import add_entry

    two_members(deck, capsys)
    add(deck, capsys, "client", "add", "Acme", "--code", "ACME")
    add(deck, capsys, "member", "off", "AK", "--from", "2026-11-19", "--to", "2026-11-20")
    with transaction(deck.engine) as session:
        client_id = session.exec(select(Client.id).where(Client.code == "ACME")).one()
    task = create_task(deck.engine, client_id=client_id, title="Ads", status=Status.TODO)
    anna = find_member(deck.engine, name="AK")
    workdays = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17]
    for day in [*workdays, 31]:  # the 31st: October's, not November's
        month = 10 if day == 31 else 11
        start = pendulum.datetime(2026, month, day, 8, tz="Europe/Kyiv")
        add_entry(
            deck.engine, task_id=task.id, member_id=anna.id, start=start, end=start.add(hours=9.5)
        )


def test_report_team_shows_each_members_month_against_the_target(deck, capsys):
    a_billable_month(deck, capsys)
    lines = add(deck, capsys, "report", "team", "--month", "2026-11").splitlines()
    assert lines[0] == "Utilisation, 2026-11 (target 70–85 %)"
    assert lines[1].split() == ["NAME", "AVAILABLE", "BILLABLE", "UTILISATION", "BAND"]
    assert lines[2].split() == ["Anna", "Koval", "152", "114", "75", "%", "in", "target"]
    assert lines[3].split() == ["Dmytro", "Shevchenko", "127.5", "0", "0", "%", "under", "target"]
    rows = json.loads(add(deck, capsys, "report", "team", "--month", "2026-11", "--json"))
    assert rows[0] == {
        "name": "Anna Koval",
        "initials": "AK",
        "month": "2026-11",
        "available_hours": 152.0,
        "billable_hours": 114.0,
        "utilisation_percent": 75,
        "band": "in",
    }
    assert (rows[1]["utilisation_percent"], rows[1]["band"]) == (0, "below")


def test_report_team_defaults_to_this_month_and_follows_the_configs_band(deck, capsys):
    a_billable_month(deck, capsys)
    add(deck, capsys, "config", "set", "utilisation.target_low", "80")
    lines = add(deck, capsys, "report", "team").splitlines()
    assert lines[0] == "Utilisation, 2026-11 (target 80–85 %)"
    assert lines[2].split()[-2:] == ["under", "target"]
    [anna, _dmytro] = json.loads(
        add(deck, capsys, "report", "team", "--month", "2026-10", "--json")
    )
    assert (anna["billable_hours"], anna["band"]) == (9.5, "below")


def test_report_team_on_an_empty_team_says_how_to_add_someone(deck, capsys):
    assert "clientdeck member add NAME" in one_line(add(deck, capsys, "report", "team"))
    assert json.loads(add(deck, capsys, "report", "team", "--json")) == []


@pytest.mark.parametrize("month", ["2026-13", "soon", "11.2026"])
def test_report_team_refuses_a_month_it_cannot_read_in_the_users_language(deck, capsys, month):
    add(deck, capsys, "config", "set", "language", "uk")
    line = refused(deck, capsys, "report", "team", "--month", month, code=2)
    assert line == f"clientdeck report team: {month!r} — не місяць на кшталт 2026-12"
