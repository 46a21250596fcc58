"""`clientdeck client|contact|budget …` (tui/cli_agency.py), run in-process on a file store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest

from model.budgets import budget_history, set_budget
from model.clients import active_clients, find_client
from model.contacts import contacts_of
from model.db import sqlite_url, transaction
from model.exchange import export_json
from model.store import open_store
from model.tables import Client, ClientStatus, Member, Status, Task
from model.timetrack import running_entry, start_timer
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
    db = tmp_path / "agency.db"
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


def refused(deck: Deck, capsys, *argv: str, code: int) -> str:
    """Run a command that must fail: its exit code, one line on stderr, the store untouched."""
    before = deck.dump()
    assert deck.run(*argv) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_line(captured.err)
    assert deck.dump() == before
    return line


def add_acme(deck: Deck, capsys) -> Client:
    assert deck.run("client", "add", "Acme Coffee", "--code", "acme") == 0
    capsys.readouterr()
    return find_client(deck.engine, text="ACME")


# --- client ---------------------------------------------------------------------------------


def test_client_add_prints_the_code_and_stores_every_option(deck, capsys):
    argv = ["client", "add", "Acme Coffee", "--code", "acme", "--colour", "#AA5500"]
    argv += ["--site", "acme.example", "--channel", "chat", "--notes", "oat milk", "--cadence", "5"]
    assert deck.run(*argv) == 0
    captured = capsys.readouterr()
    assert captured.out == "ACME\n"
    assert captured.err == ""
    client = find_client(deck.engine, text="acme")
    assert (client.name, client.colour, client.site) == ("Acme Coffee", "#aa5500", "acme.example")
    assert (client.preferred_channel, client.notes, client.cadence_days) == ("chat", "oat milk", 5)
    assert budget_history(deck.engine, client_id=client.id) == []


def test_client_add_with_hours_sets_the_paid_hours_from_this_month(deck, capsys):
    assert deck.run("client", "add", "Acme Coffee", "--code", "ACME", "--hours", "40") == 0
    captured = capsys.readouterr()
    assert captured.out == "ACME\n"
    assert one_line(captured.err) == "ACME: 40 paid hours a month from 2026-11"
    history = budget_history(deck.engine, client_id=find_client(deck.engine, text="ACME").id)
    assert [(row.from_month.isoformat(), row.hours) for row in history] == [("2026-11-01", 40.0)]


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["client", "add", "Other", "--code", "aCmE"], 1, "taken"),
        (["client", "add", "  ", "--code", "NEW"], 1, "name cannot be empty"),
        (["client", "add", "New", "--code", "two words"], 1, "one word"),
        (["client", "add", "New", "--code", "NEW", "--colour", "red"], 1, "#rrggbb"),
        (["client", "add", "New", "--code", "NEW", "--cadence", "0"], 1, "1 to 90"),
        (["client", "add", "New", "--code", "NEW", "--hours", "-5"], 1, "between 0 and"),
        (["client", "add", "New", "--code", "NEW", "--hours", "20000"], 1, "between 0 and"),
        (["client", "add", "New", "--code", "NEW", "--hours", "abc"], 2, "not a number"),
        (["client", "add", "New", "--code", "NEW", "--cadence", "abc"], 2, "whole number"),
        (["client", "add", "New", "--code", "NEW", "--channel", "fax"], 2, "invalid choice"),
        (["client", "add", "New"], 2, "--code"),
        (["client", "add", "Line\x1bbreak", "--code", "NEW"], 1, "control characters"),
        (["client", "edit", "ACME"], 2, "say what to change"),
        (["client", "edit", "ACME", "--name", ""], 1, "name cannot be empty"),
        (["client", "edit", "ACME", "--code", "beta"], 1, "taken by Beta"),
        (["client", "edit", "NOPE", "--name", "x"], 1, "no client matches"),
        (["client", "pause", "NOPE"], 1, "no client matches"),
        (["client", "restore", "NOPE"], 1, "no client matches"),
        (["client", "bogus"], 2, "invalid choice"),
    ],
)
def test_client_refusals_are_one_line_and_change_nothing(deck, capsys, argv, code, says):
    add_acme(deck, capsys)
    assert deck.run("client", "add", "Beta", "--code", "BETA", "--hours", "10") == 0
    capsys.readouterr()
    assert says in refused(deck, capsys, *argv, code=code)


def test_client_edit_changes_only_what_is_named(deck, capsys):
    client = add_acme(deck, capsys)
    assert deck.run("client", "edit", "acme", "--name", "Acme Roasters", "--code", "ACR") == 0
    assert capsys.readouterr().out == "ACR\n"
    assert deck.run("client", "edit", "ACR", "--cadence", "3", "--channel", "call") == 0
    capsys.readouterr()
    edited = find_client(deck.engine, text="ACR")
    assert edited.id == client.id
    assert (edited.name, edited.cadence_days, edited.preferred_channel) == (
        "Acme Roasters",
        3,
        "call",
    )
    assert edited.colour == client.colour


def test_client_list_shows_code_name_status_paid_hours_and_cadence(deck, capsys):
    assert deck.run("client", "add", "Acme Coffee", "--code", "ACME", "--hours", "40") == 0
    assert deck.run("client", "add", "Beta Bank", "--code", "BETA", "--cadence", "5") == 0
    assert deck.run("client", "add", "Gone Ltd", "--code", "GONE") == 0
    assert deck.run("client", "archive", "GONE") == 0
    capsys.readouterr()
    assert deck.run("client", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "STATUS", "PAID", "2026-11", "CADENCE"]
    assert lines[1].split() == ["ACME", "Acme", "Coffee", "active", "40", "–"]
    assert lines[2].split() == ["BETA", "Beta", "Bank", "active", "–", "5", "days"]
    assert len(lines) == 3
    assert deck.run("client", "list", "--all") == 0
    assert "GONE" in capsys.readouterr().out


def test_client_list_json_is_an_array_for_scripts(deck, capsys):
    assert deck.run("client", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert deck.run("client", "add", "Acme Coffee", "--code", "ACME", "--hours", "12.5") == 0
    assert deck.run("client", "add", "Gone Ltd", "--code", "GONE") == 0
    assert deck.run("client", "archive", "GONE") == 0
    capsys.readouterr()
    assert deck.run("client", "list", "--all", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["code"], row["status"], row["paid_hours"]) for row in rows] == [
        ("ACME", "active", 12.5),
        ("GONE", "archived", None),
    ]
    assert set(rows[0]) >= {"code", "name", "status", "paid_hours", "cadence_days"}


def test_an_empty_client_list_says_how_to_add_one(deck, capsys):
    assert deck.run("client", "list") == 0
    assert "clientdeck client add NAME --code CODE" in one_line(capsys.readouterr().out)


def _running_timer(deck: Deck, *, client_id: int) -> int:
    now = pendulum.now("UTC")
    with transaction(deck.engine) as session:
        member = Member(name="Anna Koval", initials="AK")
        task = Task(
            client_id=client_id, title="Ads", status=Status.DOING, created_at=now, updated_at=now
        )
        session.add_all([member, task])
        session.flush()
        member_id, task_id = member.id, task.id
    start_timer(deck.engine, task_id=task_id, member_id=member_id)
    return member_id


def test_archive_refuses_while_timers_run_unless_yes_and_stops_nothing(deck, capsys):
    client = add_acme(deck, capsys)
    member_id = _running_timer(deck, client_id=client.id)
    line = refused(deck, capsys, "client", "archive", "ACME", code=1)
    assert "1 timer is running" in line and "--yes" in line
    assert deck.run("client", "archive", "ACME", "--yes") == 0
    captured = capsys.readouterr()
    assert captured.out == "archived ACME\n"
    assert "keeps running" in one_line(captured.err)
    assert active_clients(deck.engine) == []
    assert running_entry(deck.engine, member_id=member_id) is not None


def test_pause_and_restore(deck, capsys):
    client = add_acme(deck, capsys)
    assert deck.run("client", "pause", "acme") == 0
    assert capsys.readouterr().out == "paused ACME\n"
    assert find_client(deck.engine, text="ACME").status == ClientStatus.PAUSED
    assert deck.run("client", "archive", "acme") == 0
    assert capsys.readouterr().out == "archived ACME\n"
    assert deck.run("client", "restore", "acme") == 0
    assert capsys.readouterr().out == "restored ACME\n"
    assert find_client(deck.engine, text="ACME").id == client.id
    assert find_client(deck.engine, text="ACME").status == ClientStatus.ACTIVE


# --- contact --------------------------------------------------------------------------------


def test_contact_add_and_list(deck, capsys):
    client = add_acme(deck, capsys)
    argv = ["contact", "add", "--client", "acme", "Olena Shevchenko", "--role", "CMO"]
    argv += ["--email", "olena@acme.example", "--phone", "+380 44 000", "--messenger", "@olena"]
    assert deck.run(*argv, "--notes", "prefers mornings") == 0
    contact_id = int(capsys.readouterr().out)
    [contact] = contacts_of(deck.engine, client_id=client.id)
    assert contact.id == contact_id
    assert (contact.name, contact.role, contact.email) == (
        "Olena Shevchenko",
        "CMO",
        "olena@acme.example",
    )
    assert (contact.phone, contact.messenger, contact.notes) == (
        "+380 44 000",
        "@olena",
        "prefers mornings",
    )
    assert deck.run("contact", "list", "--client", "ACME") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "ROLE", "EMAIL", "PHONE", "MESSENGER"]
    assert "Olena Shevchenko" in lines[1] and "olena@acme.example" in lines[1]
    assert deck.run("contact", "list", "--client", "ACME", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["name"] == "Olena Shevchenko" and row["client"] == "ACME"


def test_a_client_without_contacts_says_so(deck, capsys):
    add_acme(deck, capsys)
    assert deck.run("contact", "list", "--client", "ACME") == 0
    assert one_line(capsys.readouterr().out) == "ACME has no contacts yet"


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["contact", "add", "--client", "ACME", ""], 1, "name cannot be empty"),
        (["contact", "add", "--client", "ACME", "Olena", "--email", "nope"], 1, "email"),
        (["contact", "add", "--client", "NOPE", "Olena"], 1, "no client matches"),
        (["contact", "add", "Olena"], 2, "--client"),
        (["contact", "list", "--client", "NOPE"], 1, "no client matches"),
    ],
)
def test_contact_refusals(deck, capsys, argv, code, says):
    add_acme(deck, capsys)
    assert says in refused(deck, capsys, *argv, code=code)


# --- budget ---------------------------------------------------------------------------------


def test_budget_set_defaults_to_this_month_and_says_what_it_was(deck, capsys):
    client = add_acme(deck, capsys)
    assert deck.run("budget", "set", "--client", "ACME", "--hours", "40") == 0
    captured = capsys.readouterr()
    assert one_line(captured.out) == "ACME: 40 paid hours a month from 2026-11 (before: –)"
    assert captured.err == ""
    assert (
        deck.run("budget", "set", "--client", "ACME", "--hours", "32,5", "--from", "2026-12") == 0
    )
    assert "(before: 40)" in capsys.readouterr().out
    history = budget_history(deck.engine, client_id=client.id)
    assert [(row.from_month.isoformat(), row.hours) for row in history] == [
        ("2026-11-01", 40.0),
        ("2026-12-01", 32.5),
    ]


def test_budget_set_for_a_past_month_warns_and_does_it(deck, capsys):
    client = add_acme(deck, capsys)
    assert deck.run("budget", "set", "--client", "ACME", "--hours", "20", "--from", "2026-09") == 0
    captured = capsys.readouterr()
    assert one_line(captured.err) == "warning: 2026-09 has passed and may already be invoiced"
    assert "from 2026-09" in captured.out
    [row] = budget_history(deck.engine, client_id=client.id)
    assert (row.from_month.isoformat(), row.hours) == ("2026-09-01", 20.0)


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["budget", "set", "--client", "ACME", "--hours", "abc"], 2, "not a number"),
        (["budget", "set", "--client", "ACME", "--hours", "-1"], 1, "between 0 and"),
        (["budget", "set", "--client", "ACME", "--hours", "1", "--from", "2026-13"], 2, "month"),
        (["budget", "set", "--client", "NOPE", "--hours", "1"], 1, "no client matches"),
        (["budget", "set", "--hours", "1"], 2, "--client"),
        (["budget", "list", "--month", "soon"], 2, "month"),
        (["budget", "list", "--client", "NOPE"], 1, "no client matches"),
    ],
)
def test_budget_refusals(deck, capsys, argv, code, says):
    add_acme(deck, capsys)
    assert says in refused(deck, capsys, *argv, code=code)


def test_budget_list_shows_paid_spent_and_left(deck, capsys):
    client = add_acme(deck, capsys)
    assert deck.run("client", "add", "Beta Bank", "--code", "BETA") == 0
    set_budget(deck.engine, client_id=client.id, from_month=pendulum.date(2026, 10, 1), hours=30)
    set_budget(deck.engine, client_id=client.id, from_month=pendulum.date(2026, 11, 1), hours=40)
    capsys.readouterr()
    assert deck.run("budget", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    header = ["CODE", "NAME", "PAID", "2026-11", "CARRIED", "SPENT", "BILLED", "LEFT"]
    assert lines[0].split() == header
    assert lines[1].split() == ["ACME", "Acme", "Coffee", "40", "0", "0", "0", "40"]
    assert lines[2].split() == ["BETA", "Beta", "Bank", "–", "0", "0", "0", "–"]
    assert deck.run("budget", "list", "--month", "2026-10", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["code"], r["month"], r["paid_hours"]) for r in rows] == [
        ("ACME", "2026-10", 30.0),
        ("BETA", "2026-10", None),
    ]
    assert deck.run("budget", "list", "--client", "acme") == 0
    out = capsys.readouterr().out
    assert "2026-10  30" in out and "2026-11  40" in out
    assert deck.run("budget", "list", "--client", "acme", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["history"] == [
        {"from": "2026-10", "hours": 30.0},
        {"from": "2026-11", "hours": 40.0},
    ]
    assert (row["spent_hours"], row["billed_hours"], row["left_hours"]) == (0.0, 0.0, 40.0)


# --- user text is shown literally -------------------------------------------------------------


STRANGE = "[bold red]Acme[/] \x1b[2J\x07 \x7f"


def test_markup_and_control_characters_in_a_name_are_shown_literally(deck, capsys):
    """Imports can bring names the forms refuse: the shell shows them, never obeys them."""
    with transaction(deck.engine) as session:
        session.add(Client(name=STRANGE, code="ODD", created_at=pendulum.now("UTC")))
    assert deck.run("client", "list") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x7f" not in out
    assert "[bold red]Acme[/] ␛[2J␇ ␡" in out
    assert deck.run("budget", "list") == 0
    assert "[bold red]Acme[/] ␛[2J␇ ␡" in capsys.readouterr().out
    assert deck.run("client", "list", "--json") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x7f" not in out
    assert json.loads(out)[0]["name"] == STRANGE


def test_a_markup_like_name_from_the_shell_is_stored_and_shown_as_typed(deck, capsys):
    assert deck.run("client", "add", "[link=http://x]Acme[/link]", "--code", "ACME") == 0
    assert deck.run("contact", "add", "--client", "ACME", "[b]Olena[/b]") == 0
    capsys.readouterr()
    assert deck.run("client", "list") == 0
    assert "[link=http://x]Acme[/link]" in capsys.readouterr().out
    assert deck.run("contact", "list", "--client", "ACME") == 0
    assert "[b]Olena[/b]" in capsys.readouterr().out
