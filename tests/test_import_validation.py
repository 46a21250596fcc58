"""A restore (`import json`) checks every row as the app checks what people type.

An export is a file anyone can edit, so a restore must not bring in what the app
would have refused: a NUL (which PostgreSQL rejects mid-transaction), a title of
20,000 characters or none, an estimate of −50 or 1e308, a status no screen shows.
Any bad row refuses the whole file, names the first bad rows and writes nothing.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine

from model import demo
from model.exchange import SHOWN_PROBLEMS, dumps, export_json, import_json
from model.importers import FileRefused
from model.store import open_store
from tests.conftest import FROZEN_AT
from tests.test_exchange import rows_of
from tui.cli import run


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory) -> dict:
    """The demo agency's export: rows in every table, made once for the module."""
    with time_machine.travel(FROZEN_AT, tick=False):
        engine = open_store(url=f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}").engine
        demo.fill(engine=engine, scale=1, seed=3)
        data = json.loads(dumps(export_json(engine)))
        engine.dispose()
    return data


def _set(table: str, row: int, column: str, value) -> Callable[[dict], None]:
    def damage(data: dict) -> None:
        index = data["tables"][table]["columns"].index(column)
        data["tables"][table]["rows"][row][index] = value

    return damage


def _refused(store, data: dict) -> str:
    with pytest.raises(FileRefused) as refused:
        import_json(store, data=data)
    assert not any(rows_of(store).values()), "a refused restore wrote rows"
    message = str(refused.value)
    assert "\n" not in message and message.startswith("nothing was restored: ")
    return message


# Each damage, and the words the refusal must say about it.
TASK_DAMAGES = {
    "nul-in-title": (
        _set("task", 0, "title", "Audit\x00 the site"),
        "row 1 of table task: title: ",
    ),
    "20000-char-title": (_set("task", 1, "title", "x" * 20_000), "row 2 of table task: title: too"),
    "empty-title": (_set("task", 2, "title", ""), "row 3 of table task: title: the title cannot"),
    "blank-title": (
        _set("task", 2, "title", "   "),
        "row 3 of table task: title: the title cannot",
    ),
    "negative-estimate": (_set("task", 3, "estimate_hours", -50), "estimate_hours: the estimate"),
    "huge-estimate": (_set("task", 4, "estimate_hours", 1e308), "estimate_hours: the estimate"),
    "bogus-status": (_set("task", 5, "status", "bogus-status"), "status: 'bogus-status' is not"),
    "bogus-priority": (_set("task", 5, "priority", "asap"), "priority: 'asap' is not one of"),
    "nul-in-description": (_set("task", 6, "description", "\x00"), "description: text cannot"),
    "infinite-position": (_set("task", 7, "position", float("inf")), "position: inf is not a"),
    "negative-waiting": (_set("task", 8, "waiting_seconds", -1), "waiting_seconds: -1 is below"),
    "id-beyond-integer": (_set("task", 9, "id", 10**20), "id: 100000000000000000000 is more"),
    "id-zero": (_set("task", 9, "id", 0), "id: an id is a whole number from 1"),
}

OTHER_DAMAGES = {
    "client-colour": (_set("client", 0, "colour", "red"), "table client: colour: a colour is"),
    "client-code": (_set("client", 0, "code", "A B"), "table client: code: the code is one"),
    "client-name-newline": (_set("client", 1, "name", "Two\nlines"), "client: name: use one line"),
    "client-status": (_set("client", 1, "status", "gone"), "client: status: 'gone' is not"),
    "client-cadence": (_set("client", 2, "cadence_days", 0), "client: cadence_days: an update"),
    "member-capacity": (_set("member", 0, "weekly_capacity_hours", 1e308), "weekly capacity"),
    "member-initials": (_set("member", 0, "initials", "A.B"), "member: initials: initials are"),
    "member-days": (_set("member", 0, "working_days", "89"), "working_days: working days are"),
    "contact-email": (_set("contact", 0, "email", "not an email"), "contact: email: an email"),
    "contact-nul": (_set("contact", 0, "notes", "a\x00"), "contact: notes: text cannot contain"),
    "dayoff-kind": (_set("dayoff", 0, "kind", "party"), "dayoff: kind: 'party' is not one of"),
    "dayoff-backwards": (_set("dayoff", 0, "first", "2030-01-01"), "the days off end before"),
    "budget-negative": (_set("budget", 0, "hours", -1), "budget: hours: the budget must be"),
    "budget-nan": (_set("budget", 0, "hours", float("nan")), "budget: hours: nan is not a finite"),
    "sprint-state": (_set("sprint", 0, "state", "half-open"), "sprint: state: 'half-open' is"),
    "interaction-channel": (_set("interaction", 0, "channel", "fax"), "channel: 'fax' is not"),
    "interaction-direction": (_set("interaction", 0, "direction", "up"), "direction: 'up' is"),
    "retronote-kind": (_set("retronote", 0, "kind", "meh"), "retronote: kind: 'meh' is not one"),
    "satisfaction-score": (_set("satisfaction", 0, "score", 11), "score: the score is a whole"),
    "plan-negative": (_set("clientplan", 0, "planned_hours", -3), "planned_hours: -3.0 is below"),
    "entry-backwards": (
        _set("timeentry", 0, "end", "2000-01-01T00:00:00+00:00"),
        "end: the end must",
    ),
    "kpi-infinite": (_set("kpivalue", 0, "value", float("-inf")), "value: -inf is not a finite"),
    "comment-nul": (_set("taskcomment", 0, "text", "\x00"), "taskcomment: text: text cannot"),
    "event-surrogate": (_set("taskevent", 0, "new", "\ud800"), "taskevent: new: text that is not"),
    "huge-foreign-key": (_set("checklistitem", 0, "task_id", -(2**40)), "task_id: -1099511627776"),
    "missing-name": (_set("member", 0, "name", None), "row 1 of table member: name is missing"),
}


@pytest.mark.parametrize(("damage", "says"), list(TASK_DAMAGES.values()), ids=list(TASK_DAMAGES))
def test_a_task_the_app_would_refuse_refuses_the_restore(store, demo_export, damage, says):
    data = copy.deepcopy(demo_export)
    damage(data)
    assert says in _refused(store, data)


@pytest.mark.parametrize(("damage", "says"), list(OTHER_DAMAGES.values()), ids=list(OTHER_DAMAGES))
def test_a_row_of_another_table_the_app_would_refuse_refuses_the_restore(
    store, demo_export, damage, says
):
    data = copy.deepcopy(demo_export)
    damage(data)
    assert says in _refused(store, data)


def test_the_first_bad_rows_are_named_in_order_and_the_rest_counted(store, demo_export):
    data = copy.deepcopy(demo_export)
    bad = SHOWN_PROBLEMS + 5
    for row in range(bad):
        _set("task", row * 2, "status", "bogus-status")(data)
    _set("client", 3, "colour", "blue")(data)
    message = _refused(store, data)
    assert message.startswith(f"nothing was restored: {bad + 1} rows of the export are refused: ")
    named = re.findall(r"row \d+ of table \w+", message)
    assert named == [
        "row 4 of table client",  # clients come before tasks
        *(f"row {row * 2 + 1} of table task" for row in range(SHOWN_PROBLEMS - 1)),
    ]
    assert message.endswith(f"; and {bad + 1 - SHOWN_PROBLEMS} more")


def test_a_clean_export_still_restores_exactly(store, demo_export):
    counts = import_json(store, data=copy.deepcopy(demo_export))
    assert counts == {name: len(table["rows"]) for name, table in demo_export["tables"].items()}


def test_odd_but_valid_text_is_restored_as_it_was(store, demo_export):
    data = copy.deepcopy(demo_export)
    odd = "[bold]x[/] \x1b[2J שלום 🚀 \u009b tab\tand\nnew line"
    _set("task", 0, "description", odd)(data)
    _set("task", 1, "title", "[link=http://a]y  ")(data)
    import_json(store, data=data)
    restored = {row[0]: row for row in rows_of(store)["task"]}
    columns = data["tables"]["task"]["columns"]
    first, second = data["tables"]["task"]["rows"][:2]
    assert restored[first[0]][columns.index("description")] == odd
    assert restored[second[0]][columns.index("title")] == "[link=http://a]y  "


def _export_file(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "backup.json"
    path.write_text(dumps(data), encoding="utf-8")
    return path


def test_the_shell_refuses_a_nul_in_one_line_without_printing_rows(
    store, demo_export, tmp_path, capsys
):
    """On PostgreSQL the NUL used to end in a traceback that printed ten rows of data."""
    data = copy.deepcopy(demo_export)
    _set("task", 0, "title", "Audit\x00 the site")(data)
    url = store.url.render_as_string(hide_password=False)
    code = run(["import", "json", str(_export_file(tmp_path, data)), "--db", url])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert "row 1 of table task: title: text cannot contain NUL characters" in captured.err
    second_title = data["tables"]["task"]["rows"][1][
        data["tables"]["task"]["columns"].index("title")
    ]
    assert second_title not in captured.err and "INSERT" not in captured.err
    assert not any(rows_of(store).values())


def test_rows_that_do_not_fit_together_are_one_line_even_on_postgresql(store, demo_export):
    """PostgreSQL adds the clashing values on a DETAIL line; the refusal keeps to one."""
    data = copy.deepcopy(demo_export)
    names = data["tables"]["member"]
    names["rows"][1][names["columns"].index("name")] = names["rows"][0][
        names["columns"].index("name")
    ]
    with pytest.raises(FileRefused, match="do not fit together") as refused:
        import_json(store, data=data)
    assert "\n" not in str(refused.value)
    assert not any(rows_of(store).values())


# --- reading the file --------------------------------------------------------------------------


def test_a_lone_surrogate_escape_is_refused_and_a_pair_is_read(tmp_path):
    from model.importers import parse_json

    assert parse_json(text='{"title": "\\ud83d\\ude80 launch"}', name="ok.json") == {
        "title": "🚀 launch"
    }
    with pytest.raises(FileRefused, match="bad.json holds text that is not valid Unicode"):
        parse_json(text='{"title": "broken \\ud83d"}', name="bad.json")


def test_a_file_nested_too_deeply_is_refused():
    from model.importers import parse_json

    with pytest.raises(FileRefused, match="deep.json is nested too deeply"):
        parse_json(text="[" * 200_000 + "]" * 200_000, name="deep.json")


def test_a_file_larger_than_any_export_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    import model.importers

    monkeypatch.setattr(model.importers, "MAX_FILE_BYTES", 1024)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"rows": ["x" * 100] * 20}), encoding="utf-8")
    with pytest.raises(FileRefused, match="big.json is larger than 0 MB: not an export"):
        model.importers.read_json(path=big)
    with pytest.raises(FileRefused, match="a file name cannot contain NUL characters"):
        model.importers.read_json(path=tmp_path / "a\x00b.json")
