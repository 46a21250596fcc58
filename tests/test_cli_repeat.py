"""`clientdeck repeat` (tui/cli_repeat.py): a rule set, changed, shown and ended from the shell."""

from __future__ import annotations

from model.occurrences import rule_of
from model.tables import RecurrenceKind
from tests.agency import contents
from tests.test_cli_time import shell  # noqa: F401  (the fixture)


def test_a_rule_is_set_shown_changed_and_ended(shell, capsys):  # noqa: F811
    task = str(shell.task_id)
    assert shell.run("repeat", task) == 0
    assert capsys.readouterr().out == f"task {task} does not repeat\n"
    assert shell.run("repeat", task, "--weekly", "пт", "--every", "2") == 0
    assert capsys.readouterr().out == (
        f"task {task} repeats every 2 weeks on Friday; next on 2026-11-20\n"
    )
    assert shell.run("repeat", task, "--monthly", "last", "--until", "2027-03-31") == 0
    assert capsys.readouterr().out == (
        f"task {task} repeats monthly on the last working day, until 2027-03-31; "
        "next on 2026-11-30\n"
    )
    view = rule_of(shell.engine, task_id=shell.task_id)
    assert view is not None and view.rule.kind == RecurrenceKind.LAST_WORKDAY
    assert shell.run("repeat", task, "--stop") == 0
    assert capsys.readouterr().out == f"task {task} no longer repeats; what it made stays\n"
    assert shell.run("repeat", task) == 0
    assert capsys.readouterr().out.endswith("; nothing more to make\n")


def test_bad_rules_say_why_and_change_nothing(shell, capsys):  # noqa: F811
    task = str(shell.task_id)
    before = contents(shell.engine)
    cases = {
        ("--weekly", "someday"): (2, "'someday' is not a weekday"),
        ("--monthly", "32"): (1, "a day of the month is 1 to 31"),
        ("--monthly", "mid"): (2, "'mid' is not a day of the month"),
        ("--monthly", "5", "--every", "2"): (2, "--every goes with --weekly"),
        ("--weekly", "mon", "--every", "0"): (1, "every 1 to 52 weeks"),
        ("--weekly", "mon", "--until", "2026-11-01"): (1, "the rule ends before it starts"),
        ("--until", "2027-01-01"): (2, "give the rule"),
        ("--stop",): (1, "does not repeat"),
    }
    for argv, (code, message) in cases.items():
        assert shell.run("repeat", task, *argv) == code, argv
        captured = capsys.readouterr()
        assert message in captured.err and captured.out == "", argv
    assert shell.run("repeat", "999999", "--weekly", "mon") == 1
    assert "no task with id 999999" in capsys.readouterr().err
    assert contents(shell.engine) == before
