"""`clientdeck budget status` (tui/cli_agency.py): each client's month against its alerts."""

from __future__ import annotations

import pendulum

from model.budgets import set_budget
from model.db import reading, transaction
from model.tables import BudgetAlert, Member, TimeEntry
from model.tasks import create_task
from tests import test_cli_agency
from tests.test_cli_agency import add_acme, refused

deck = test_cli_agency.deck  # the fixture: a file store the commands run on


def spend(deck, *, client_id: int, hours: float, month: int = 11) -> None:
    task = create_task(deck.engine, client_id=client_id, title="work")
    start = pendulum.datetime(2026, month, 2, 9, tz="Europe/Kyiv")
    with transaction(deck.engine) as session:
        member = Member(name=f"Member {month} {hours}", initials="MM")
        session.add(member)
        session.flush()
        session.add(
            TimeEntry(task_id=task.id, member_id=member.id, start=start, end=start.add(hours=hours))
        )


def clients(deck, capsys):
    acme = add_acme(deck, capsys)
    assert deck.run("client", "add", "Beta Bank", "--code", "BETA", "--hours", "10") == 0
    assert deck.run("client", "add", "Gamma", "--code", "GAMMA") == 0
    capsys.readouterr()
    set_budget(deck.engine, client_id=acme.id, from_month=pendulum.date(2026, 10, 1), hours=40)
    return acme


def test_status_lists_each_client_s_share_thresholds_and_run_out_day(deck, capsys):
    acme = clients(deck, capsys)
    spend(deck, client_id=acme.id, hours=31)
    assert deck.run("budget", "status") == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split() == [
        "CODE", "NAME", "USED", "2026-11", "BUDGET", "%", "REACHED", "RUNS", "OUT",
    ]  # fmt: skip
    assert lines[1].split() == ["ACME", "Acme", "Coffee", "31", "40", "78", "75", "%", "2026-11-24"]
    assert lines[2].split() == ["BETA", "Beta", "Bank", "0", "10", "0", "–", "–"]
    assert lines[3].split() == ["GAMMA", "Gamma", "0", "–", "–", "–", "–"]
    assert captured.err == ""


def test_status_exits_1_when_a_client_has_used_its_month_up(deck, capsys):
    acme = clients(deck, capsys)
    spend(deck, client_id=acme.id, hours=41)
    assert deck.run("client", "retainer", "ACME", "--alerts", "50,100") == 0
    capsys.readouterr()
    assert deck.run("budget", "status") == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[1].split()[3:8] == ["41", "40", "102", "50", "%,"]
    assert captured.err == "1 client has used its month's hours up: ACME\n"


def test_status_of_another_month_and_it_logs_nothing(deck, capsys):
    acme = clients(deck, capsys)
    spend(deck, client_id=acme.id, hours=41, month=10)
    assert deck.run("budget", "status", "--month", "2026-10") == 1
    assert capsys.readouterr().out.splitlines()[1].split()[:6] == [
        "ACME", "Acme", "Coffee", "41", "40", "102",
    ]  # fmt: skip
    assert deck.run("budget", "status") == 0
    with reading(deck.engine) as session:
        assert session.get(BudgetAlert, 1) is None, "a look from the shell says nothing to the app"


def test_status_refuses_a_month_that_is_none(deck, capsys):
    clients(deck, capsys)
    assert "month" in refused(deck, capsys, "budget", "status", "--month", "2026-13", code=2)


def test_status_speaks_the_language(deck, capsys, monkeypatch):
    acme = clients(deck, capsys)
    spend(deck, client_id=acme.id, hours=41)
    monkeypatch.setenv("LANG", "uk_UA.UTF-8")
    assert deck.run("budget", "status") == 1
    captured = capsys.readouterr()
    assert "ACME" in captured.out and "client" not in captured.err
