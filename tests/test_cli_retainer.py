"""`clientdeck client retainer CODE` (tui/cli_retainer.py): a client's billing settings."""

from __future__ import annotations

import json

import pendulum
import pytest

from model import clock
from model.clients import find_client
from model.timetrack import add_entry
from tests import test_cli_agency
from tests.test_budgets import add_member, add_task
from tests.test_cli_agency import add_acme, refused

deck = test_cli_agency.deck  # the fixture: a file store the commands run on


def test_retainer_shows_the_defaults_then_changes_only_what_is_named(deck, capsys):
    add_acme(deck, capsys)
    assert deck.run("client", "retainer", "ACME") == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "ACME: time is billed",
        "billed time: not rounded",
    ]
    assert deck.run("client", "retainer", "ACME", "--rounding", "15", "--per", "task-day") == 0
    assert "billed time: rounded up to 15 min per task and day\n" in capsys.readouterr().out
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


# --- rollover -------------------------------------------------------------------------------


def _carrying_since_september(deck, capsys, *options: str):
    """ACME sold 12 h a month from September, carrying from then on."""
    client = add_acme(deck, capsys)
    assert deck.run("budget", "set", "--client", "ACME", "--hours", "12", "--from", "2026-09") == 0
    with clock.freeze(at=pendulum.datetime(2026, 9, 1, 9, tz="Europe/Kyiv")):
        assert deck.run("client", "retainer", "ACME", *options) == 0
    capsys.readouterr()
    return client


def test_retainer_sets_the_rollover_and_says_it(deck, capsys):
    add_acme(deck, capsys)
    assert deck.run("client", "retainer", "ACME") == 0
    assert capsys.readouterr().out.splitlines()[2:] == [
        "unused hours expire at the month's end",
        "hours over the month's budget are written off",
        "alerts at 75, 90, 100 % of the month's hours, "
        "and when its pace runs out before the month's end",
    ]
    argv = ["--rollover", "carry", "--carry-cap", "10", "--carry-months", "2"]
    assert deck.run("client", "retainer", "ACME", *argv, "--overuse", "deficit") == 0
    assert capsys.readouterr().out.splitlines()[2:] == [
        "unused hours carry to the next month, at most 10 h, for 2 months",
        "hours over the month's budget are owed by the next month",
        "carried from 2026-11 on",
        "alerts at 75, 90, 100 % of the month's hours, "
        "and when its pace runs out before the month's end",
    ]
    assert deck.run("client", "retainer", "ACME", "--carry-cap", "none") == 0
    assert "for 2 months" in capsys.readouterr().out
    client = find_client(deck.engine, text="ACME")
    assert (client.rollover, client.carry_cap_hours, client.carry_months, client.overuse) == (
        "carry",
        None,
        2,
        "deficit",
    )


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["--carry-cap", "-1"], 1, "the carry cap is from 0 to 10000 hours, or none"),
        (["--carry-months", "0"], 1, "carried hours last from 1 to 120 months, or until used"),
        (["--rollover", "keep"], 1, "unused hours expire or carry, not 'keep'"),
        (["--overuse", "forgive", "--rollover", "carry"], 1, "not 'forgive'"),
        (["--carry-cap", "lots"], 2, "not a number"),
    ],
)
def test_rollover_refusals_are_one_line_and_change_nothing(deck, capsys, argv, code, says):
    add_acme(deck, capsys)
    assert says in refused(deck, capsys, "client", "retainer", "ACME", *argv, code=code)


def test_a_refused_rollover_speaks_the_users_language(deck, capsys, monkeypatch):
    add_acme(deck, capsys)
    monkeypatch.setenv("LANG", "uk_UA.UTF-8")
    line = refused(deck, capsys, "client", "retainer", "ACME", "--carry-months", "0", code=1)
    assert "перенесені години діють від 1 до 120 місяців" in line


def test_budget_history_says_why_a_month_has_its_hours(deck, capsys):
    client = _carrying_since_september(deck, capsys, "--rollover", "carry", "--carry-cap", "10")
    member, task = add_member(deck.engine), add_task(deck.engine, client_id=client.id)
    start = pendulum.datetime(2026, 10, 6, 9, tz="Europe/Kyiv")
    add_entry(deck.engine, task_id=task, member_id=member, start=start, end=start.add(hours=3.5))
    assert deck.run("budget", "history", "ACME", "--months", "3") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "unused hours carry to the next month, at most 10 h, until used"
    assert [line.split() for line in lines[2:-1]] == [
        ["MONTH", "SOLD", "CARRIED", "IN", "FROM", "USED", "LEFT", "CARRIED", "OUT"]
        + ["EXPIRED", "WRITTEN", "OFF"],
        ["2026-09", "12", "0", "–", "0", "12", "10", "2", "0"],
        ["2026-10", "12", "10", "2026-09:", "10", "3.5", "18.5", "10", "8.5", "0"],
        ["2026-11", "12", "10", "2026-10:", "10", "0", "22", "–", "–", "–"],
    ]
    assert lines[-1] == "2026-11: 22 h = 12 h sold + 10 h carried in; 0 h used, 22 h left"
    assert deck.run("budget", "list", "--client", "ACME", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["paid_hours"], row["carried_hours"], row["available_hours"]) == (12, 10, 22)
    assert row["left_hours"] == 22.0


def test_budget_history_as_json_names_where_each_carry_came_from(deck, capsys):
    client = _carrying_since_september(deck, capsys, "--overuse", "deficit")
    member, task = add_member(deck.engine), add_task(deck.engine, client_id=client.id)
    start = pendulum.datetime(2026, 9, 30, 20, tz="Europe/Kyiv")  # runs into October
    add_entry(deck.engine, task_id=task, member_id=member, start=start, end=start.add(hours=14))
    assert deck.run("budget", "history", "ACME", "--months", "2", "--month", "2026-10") == 0
    capsys.readouterr()
    assert deck.run("budget", "history", "acme", "--months", "2", "--json") == 0
    october, november = json.loads(capsys.readouterr().out)
    assert (october["owed_in"], october["carried_in"], october["left"]) == (2.0, -2.0, 10.0)
    assert (october["expired"], october["month_over"]) == (10.0, True)
    assert (november["carried_in"], november["carried_from"], november["month_over"]) == (
        0.0,
        [],
        False,
    )


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["--months", "0"], 1, "the history is from 1 to 120 months long"),
        (["--months", "many"], 2, "whole number"),
        (["--month", "soon"], 2, "month"),
        ([], 1, "no client matches"),
    ],
)
def test_budget_history_refusals(deck, capsys, argv, code, says):
    add_acme(deck, capsys)
    who = "NOPE" if not argv else "ACME"
    assert says in refused(deck, capsys, "budget", "history", who, *argv, code=code)


def test_alert_thresholds_are_set_and_shown(deck, capsys):
    add_acme(deck, capsys)
    assert deck.run("client", "retainer", "ACME", "--alerts", "50, 80 %,100") == 0
    assert "alerts at 50, 80, 100 % of the month's hours" in capsys.readouterr().out
    assert find_client(deck.engine, text="ACME").alert_thresholds == "50,80,100"
