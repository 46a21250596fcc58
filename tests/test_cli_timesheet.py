"""`clientdeck timesheet submit|approve|return|unlock|list` (tui/cli_timesheet.py), in-process."""

from __future__ import annotations

import pendulum
import pytest
import time_machine

from model.db import sqlite_url
from model.store import open_store
from model.timesheets import week_state
from tests.test_cli_team import Deck, add, refused
from tests.test_timesheets import W47

W47_TEXT = "2026-W47"


@pytest.fixture
def crew(tmp_path, frozen, capsys):
    """Mira (the first member, so a manager) and Olena; "me" is Olena."""
    db = tmp_path / "team.db"
    engine = open_store(url=sqlite_url(path=db)).engine
    deck = Deck(db=db, engine=engine)
    add(deck, capsys, "member", "add", "Mira Bondar")
    add(deck, capsys, "member", "add", "Olena Koval")
    add(deck, capsys, "client", "add", "Northwind Bank", "--code", "NWB")
    add(deck, capsys, "config", "set", "me", "Olena Koval")
    yield deck
    engine.dispose()


def me(deck: Deck, capsys, name: str) -> None:
    add(deck, capsys, "config", "set", "me", name)


def state(deck: Deck, name: str) -> str:
    from model.members import find_member

    member = find_member(deck.engine, name=name)
    return week_state(deck.engine, member_id=member.id, week_start=W47).state


def test_a_week_is_submitted_approved_listed_and_unlocked(crew, capsys):
    assert add(crew, capsys, "timesheet", "submit") == "2026-W47 submitted for review\n"
    me(crew, capsys, "Mira Bondar")
    out = add(crew, capsys, "timesheet", "approve", "OK", "--week", "2026-11-20")
    assert out == "Olena Koval's 2026-W47 approved\n"
    listed = add(crew, capsys, "timesheet", "list").splitlines()
    assert listed[0] == "Timesheets of 2026-W47"
    assert listed[2].split() == ["Mira", "Bondar", "open"]
    assert listed[3].split()[:5] == ["Olena", "Koval", "approved", "Mira", "Bondar"]
    argv = ["timesheet", "unlock", "Olena Koval", "--week", W47_TEXT, "--reason", "=1+1 on NWB"]
    assert add(crew, capsys, *argv).startswith("Olena Koval's 2026-W47 unlocked")
    listed = add(crew, capsys, "timesheet", "list", "--week", W47_TEXT).splitlines()
    assert listed[3].split()[2] == "open"
    assert listed[4].split()[0] == "unlocked" and listed[4].endswith("=1+1 on NWB")
    assert state(crew, "Olena Koval") == "open"


def test_a_returned_week_shows_its_note(crew, capsys):
    add(crew, capsys, "timesheet", "submit", "--week", W47_TEXT)
    me(crew, capsys, "Mira Bondar")
    argv = ["timesheet", "return", "Olena Koval", "--week", W47_TEXT, "--note", "Tue is empty"]
    assert add(crew, capsys, *argv) == "Olena Koval's 2026-W47 returned\n"
    assert add(crew, capsys, "timesheet", "list").splitlines()[3].endswith("Tue is empty")


def test_approving_your_own_week_when_you_are_not_a_manager_is_refused(crew, capsys):
    add(crew, capsys, "timesheet", "submit")
    line = refused(crew, capsys, "timesheet", "approve", "Olena Koval", code=1)
    assert line == "clientdeck: you cannot review your own week: a manager does"


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["timesheet", "approve", "Mira Bondar"], 1, "only a manager reviews timesheets"),
        (["timesheet", "approve", "Nobody"], 1, "no member is called 'Nobody'"),
        (["timesheet", "return", "Mira Bondar", "--note", "x"], 1, "only a manager reviews"),
        (["timesheet", "unlock", "Mira Bondar", "--reason", "x"], 1, "only a manager unlocks"),
        (["timesheet", "return", "Mira Bondar"], 2, "--note"),
        (["timesheet", "submit", "--week", "2026-W99"], 1, "not a week: '2026-W99'"),
        (["timesheet", "submit", "--week", "someday"], 1, "not a week: 'someday'"),
        (["timesheet", "submit", "--week", "2026-W48"], 1, "has not begun"),
        (["timesheet", "list", "--week", "[bold]x"], 1, "not a week: '[bold]x'"),
    ],
)
def test_refused_inputs_say_why_and_change_nothing(crew, capsys, argv, code, says):
    add(crew, capsys, "timesheet", "submit")
    assert says in refused(crew, capsys, *argv, code=code)


def test_a_manager_s_refusals_of_an_unsubmitted_week_and_an_empty_note(crew, capsys):
    me(crew, capsys, "Mira Bondar")
    line = refused(crew, capsys, "timesheet", "approve", "Olena Koval", code=1)
    assert line == "clientdeck: the week 2026-W47 is open, not submitted"
    me(crew, capsys, "Olena Koval")
    add(crew, capsys, "timesheet", "submit")
    me(crew, capsys, "Mira Bondar")
    line = refused(crew, capsys, "timesheet", "return", "OK", "--note", "  ", code=1)
    assert line == "clientdeck: say what to fix: a returned week needs a note"


def test_the_refusals_speak_the_configured_language(crew, capsys):
    add(crew, capsys, "config", "set", "language", "uk")
    add(crew, capsys, "timesheet", "submit")
    line = refused(crew, capsys, "timesheet", "approve", "Olena Koval", code=1)
    assert line == "clientdeck: власний тиждень не можна перевіряти самому: це робить менеджер"


def test_a_timer_is_not_started_in_an_approved_week(crew, capsys):
    add(crew, capsys, "add", "NWB: landing page")
    add(crew, capsys, "timesheet", "submit")
    me(crew, capsys, "Mira Bondar")
    add(crew, capsys, "timesheet", "approve", "Olena Koval")
    me(crew, capsys, "Olena Koval")
    line = refused(crew, capsys, "timer", "start", "1", code=1)
    assert line.startswith("clientdeck: Olena Koval's week 2026-W47 is approved")


def test_the_hours_report_can_be_limited_to_approved_time(crew, capsys):
    add(crew, capsys, "add", "NWB: landing page")
    with time_machine.travel(pendulum.datetime(2026, 11, 16, 12, tz="Europe/Kyiv"), tick=False):
        add(crew, capsys, "timer", "start", "1")
    add(crew, capsys, "timer", "stop")
    argv = ["report", "hours", "--client", "NWB", "--week", W47_TEXT]
    full = add(crew, capsys, *argv)
    assert "Approved time only" not in full and "| 46.50 |" in full
    limited = add(crew, capsys, *argv, "--approved")
    assert "- Approved time only: weeks not yet approved by a manager are left out" in limited
    assert "No time recorded." in limited
    add(crew, capsys, "timesheet", "submit")
    me(crew, capsys, "Mira Bondar")
    add(crew, capsys, "timesheet", "approve", "Olena Koval")
    assert "| 46.50 |" in add(crew, capsys, *argv, "--approved")
    csv_text = add(crew, capsys, *argv, "--approved", "--format", "csv")
    assert csv_text.splitlines()[-1].startswith("scope,,Approved time only")
