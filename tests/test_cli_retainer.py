"""`clientdeck client retainer CODE` (tui/cli_retainer.py): a client's billing settings."""

from __future__ import annotations

import pytest

from model.clients import find_client
from tests import test_cli_agency
from tests.test_cli_agency import add_acme, refused

deck = test_cli_agency.deck  # the fixture: a file store the commands run on


def test_retainer_shows_the_defaults_then_changes_only_what_is_named(deck, capsys):
    add_acme(deck, capsys)
    assert deck.run("client", "retainer", "ACME") == 0
    assert capsys.readouterr().out == (
        "ACME: time is billed\nbilled time: not rounded\n"
        "alerts at 75, 90, 100 % of the month's hours, "
        "and when its pace runs out before the month's end\n"
    )
    assert deck.run("client", "retainer", "ACME", "--rounding", "15", "--per", "task-day") == 0
    assert "rounded up to 15 min per task and day\n" in capsys.readouterr().out
    assert deck.run("client", "retainer", "ACME", "--billable", "no") == 0
    out = capsys.readouterr().out
    assert out.startswith("ACME: time is not billed unless a task or an entry says so")
    client = find_client(deck.engine, text="ACME")
    assert (client.billable, client.rounding_minutes, client.rounding_scope) == (
        False,
        15,
        "task-day",
    )


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["--rounding", "7"], 1, "rounding is 0 (none) or up to 5, 6, 10, 15, 30 minutes"),
        (["--rounding", "-15"], 1, "rounding is 0"),
        (["--rounding", "15", "--billable", "yes", "--per", "week"], 2, "invalid choice"),
        (["--rounding", "abc"], 2, "whole number"),
        (["--billable", "maybe"], 2, "not yes or no"),
        (["--alerts", "75,90,110"], 1, "a threshold cannot be over 100 %: 110"),
        (["--alerts", "90,75"], 1, "from the lowest to the highest"),
        (["--alerts", "0,50"], 1, "above 0 %"),
        (["--alerts", "half"], 1, "'half' is not a percentage"),
        (["--alerts", "50,110", "--rounding", "15"], 1, "over 100 %"),
    ],
)
def test_retainer_refusals_are_one_line_and_change_nothing(deck, capsys, argv, code, says):
    add_acme(deck, capsys)
    assert says in refused(deck, capsys, "client", "retainer", "ACME", *argv, code=code)


def test_the_agency_itself_is_never_made_billable(deck, capsys):
    assert deck.run("client", "add", "Our agency", "--code", "AGENCY") == 0
    capsys.readouterr()
    line = refused(deck, capsys, "client", "retainer", "AGENCY", "--billable", "yes", code=1)
    assert "never billed" in line
    assert deck.run("client", "retainer", "AGENCY") == 0
    assert capsys.readouterr().out.startswith("AGENCY: time is not billed")


def test_alert_thresholds_are_set_and_shown(deck, capsys):
    add_acme(deck, capsys)
    assert deck.run("client", "retainer", "ACME", "--alerts", "50, 80 %,100") == 0
    assert "alerts at 50, 80, 100 % of the month's hours" in capsys.readouterr().out
    assert find_client(deck.engine, text="ACME").alert_thresholds == "50,80,100"
