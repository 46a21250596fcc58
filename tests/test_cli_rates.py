"""`clientdeck client rate` and `clientdeck budget money` (tui/cli_rates.py): a manager's."""

from __future__ import annotations

import json

import pendulum
import pytest

from model.clients import find_client
from model.members import find_member
from model.tasks import create_task
from model.timetrack import add_entry
from tests import test_cli_agency
from tests.test_cli_agency import refused

deck = test_cli_agency.deck  # the fixture: a file store the commands run on


def ok(deck, capsys, *argv: str) -> str:
    assert deck.run(*argv) == 0, capsys.readouterr().err
    return capsys.readouterr().out


@pytest.fixture
def team(deck, capsys):
    """Anna (PPC, the manager, `me`), Dmytro (Design), ACME with 10 paid hours a month."""
    ok(deck, capsys, "member", "add", "Anna Koval", "--role", "PPC")
    ok(deck, capsys, "member", "add", "Dmytro Shevchenko", "--role", "Design")
    ok(deck, capsys, "client", "add", "Acme Coffee", "--code", "ACME", "--hours", "10")
    ok(deck, capsys, "config", "set", "me", "AK")
    return deck


def test_a_manager_sets_lists_and_clears_rates(team, capsys):
    assert ok(team, capsys, "client", "rate", "ACME", "50") == "ACME: 50.00 EUR an hour\n"
    assert ok(team, capsys, "client", "rate", "acme", "80,5", "--role", "Design") == (
        "ACME: 80.50 EUR an hour for Design\n"
    )
    assert ok(team, capsys, "client", "rate", "ACME").splitlines() == [
        "ACME: 50.00 EUR an hour",
        "ACME: 80.50 EUR an hour for Design",
    ]
    out = ok(team, capsys, "client", "rate", "ACME", "--clear", "--role", "Design")
    assert out == "ACME: no rate for Design now\n"
    assert ok(team, capsys, "client", "rate", "ACME", "--clear") == "ACME: no rate of its own now\n"
    assert ok(team, capsys, "client", "rate", "ACME").startswith("ACME has no rates yet")


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["-5"], 1, "clientdeck: a rate cannot be negative"),
        (["-0.01", "--role", "Design"], 1, "clientdeck: a rate cannot be negative"),
        (["ten"], 1, "clientdeck: 'ten' is not an amount like 85 or 85.50"),
        (["1.005"], 1, "not an amount"),
        (["100001"], 1, "at most 100000 an hour"),
        (["--clear"], 1, "clientdeck: ACME has no rate of its own"),
        (["5", "--clear"], 2, "give an AMOUNT or --clear, not both"),
    ],
)
def test_a_refused_rate_is_one_line_and_changes_nothing(team, capsys, argv, code, says):
    ok(team, capsys, "client", "rate", "ACME", "40", "--role", "PPC")
    assert says in refused(team, capsys, "client", "rate", "ACME", *argv, code=code)


def test_a_member_who_is_not_a_manager_is_refused_money_and_rates(team, capsys):
    ok(team, capsys, "client", "rate", "ACME", "50")
    ok(team, capsys, "config", "set", "me", "DS")
    for argv in (["budget", "money"], ["client", "rate", "ACME"]):
        assert refused(team, capsys, *argv, code=1) == "clientdeck: only a manager sees money"
    line = refused(team, capsys, "client", "rate", "ACME", "60", code=1)
    assert line == "clientdeck: only a manager sets rates"
    ok(team, capsys, "config", "set", "language", "uk")
    assert (
        refused(team, capsys, "budget", "money", code=1) == "clientdeck: гроші бачить лише менеджер"
    )


def test_without_me_money_is_refused_by_asking_who_you_are(team, capsys):
    ok(team, capsys, "config", "unset", "me")
    assert "who are you?" in refused(team, capsys, "budget", "money", code=1)


def test_budget_money_shows_sold_used_and_left_of_each_client(team, capsys):
    ok(team, capsys, "client", "rate", "ACME", "50")
    ok(team, capsys, "client", "rate", "ACME", "80", "--role", "Design")
    ok(team, capsys, "client", "add", "Globex", "--code", "GLX")
    acme = find_client(team.engine, text="ACME")
    dmytro = find_member(team.engine, name="DS")
    anna = find_member(team.engine, name="AK")
    task = create_task(team.engine, client_id=acme.id, title="banner")
    start = pendulum.datetime(2026, 11, 16, 9, tz="Europe/Kyiv")
    add_entry(team.engine, task_id=task.id, member_id=anna.id, start=start, end=start.add(hours=2))
    add_entry(
        team.engine, task_id=task.id, member_id=dmytro.id, start=start, end=start.add(minutes=45)
    )
    header, *rows = ok(team, capsys, "budget", "money").splitlines()
    assert header.split() == [
        "CODE",
        "NAME",
        "SOLD",
        "2026-11,",
        "EUR",
        "USED",
        "LEFT",
        "UNPRICED",
        "HOURS",
    ]
    assert [row.split() for row in rows] == [
        ["ACME", "Acme", "Coffee", "500.00", "160.00", "340.00"],
        ["GLX", "Globex", "–", "0.00", "–"],
    ]
    data = json.loads(ok(team, capsys, "budget", "money", "--json", "--month", "2026-11"))
    assert data[0] == {
        "code": "ACME",
        "name": "Acme Coffee",
        "month": "2026-11",
        "currency": "EUR",
        "sold": "500.00",
        "used": "160.00",
        "left": "340.00",
        "unpriced_hours": 0.0,
    }
    october = json.loads(ok(team, capsys, "budget", "money", "--json", "--month", "2026-10"))
    assert october[0]["used"] == "0.00" and october[0]["sold"] is None  # no budget then
    line = refused(team, capsys, "budget", "money", "--month", "2026-13", code=2)
    assert "is not a month like 2026-12" in line


def test_the_currency_is_the_configs(team, capsys):
    ok(team, capsys, "config", "set", "currency", "uah")
    assert ok(team, capsys, "client", "rate", "ACME", "1500") == "ACME: 1500.00 UAH an hour\n"
    assert "currency" in refused(team, capsys, "config", "set", "currency", "hryvnia", code=1)
