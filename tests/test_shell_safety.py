"""What the shell prints is the truth and nothing the terminal would obey.

`timer start` names the task it started even when another timer starts at the
same moment; a due date years away is a slip of the keys, refused; a C1
control character (U+009B, a CSI to some terminals) in a title never reaches
stdout raw, nor does a lone carriage return that would overwrite the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest
from sqlmodel import select

import model.timetrack
from model.db import reading, sqlite_url, transaction
from model.parsing import parse_due
from model.store import open_store
from model.tables import Client, Member, Status, Task
from tui.cli import run
from tui.format import literal, shell_line, shell_text

CREATED = pendulum.datetime(2026, 11, 1, tz="UTC")


def titles(engine) -> list[str]:
    with reading(engine) as session:
        return list(session.exec(select(Task.title).order_by(Task.id)))


@dataclass(frozen=True)
class Deck:
    db: Path
    engine: object
    task_ids: dict[str, int]

    def run(self, *argv: str) -> int:
        return run([*argv, "--db", str(self.db)])


@pytest.fixture
def deck(tmp_path, frozen, monkeypatch):
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(config_dir))
    (config_dir / "config.toml").write_text(
        'me = "Anna Koval"\ntime_zone = "Europe/Kyiv"\nlanguage = "en"\n', encoding="utf-8"
    )
    db = tmp_path / "deck.db"
    engine = open_store(url=sqlite_url(path=db)).engine
    titles = ("SEO audit", "Ads setup", "Report \u009b2J\u009b31m ready", "Over\rwritten")
    with transaction(engine) as session:
        client = Client(name="Acme Coffee", code="ACME", created_at=CREATED)
        session.add_all([client, Member(name="Anna Koval", initials="AK")])
        session.flush()
        tasks = [
            Task(
                client_id=client.id,
                title=title,
                status=Status.DOING,
                created_at=CREATED,
                updated_at=CREATED,
            )
            for title in titles
        ]
        session.add_all(tasks)
        session.flush()
        ids = {title: task.id for title, task in zip(titles, tasks, strict=True)}
    yield Deck(db=db, engine=engine, task_ids=ids)
    engine.dispose()


def test_timer_start_names_its_own_task_while_another_starts_at_once(deck, capsys, monkeypatch):
    """Another process starts the member's next timer between our start and our print."""
    real_start = model.timetrack.start_timer
    audit, ads = deck.task_ids["SEO audit"], deck.task_ids["Ads setup"]

    def start_then_race(engine, *, task_id, member_id, note=""):
        started = real_start(engine, task_id=task_id, member_id=member_id, note=note)
        real_start(engine, task_id=ads, member_id=member_id)  # the other process
        return started

    monkeypatch.setattr(model.timetrack, "start_timer", start_then_race)
    assert deck.run("timer", "start", str(audit)) == 0
    assert capsys.readouterr().out == f"started task {audit}: SEO audit [ACME]\n"


@pytest.mark.parametrize(
    "due",
    ["+9999m", "+9999w", "+9999d", "9999-12-31", "31.12.1999", "1999-12-31", "+121m"],
)
def test_a_due_date_years_away_or_before_2000_is_refused(deck, capsys, due):
    before = titles(deck.engine)
    assert deck.run("add", "ACME: prepare the report", "--due", due) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is out of range: dates run from 2000-01-01 to" in err
    assert titles(deck.engine) == before


def test_a_due_date_ten_years_ahead_is_still_taken(deck, capsys):
    assert deck.run("add", "ACME: renew the domain", "--due", "+120m") == 0
    today = pendulum.date(2026, 11, 18)
    assert parse_due(text="+120m", today=today).date == pendulum.date(2036, 11, 18)
    assert parse_due(text="2000-01-01", today=today).date == pendulum.date(2000, 1, 1)


def test_a_c1_control_in_a_title_never_reaches_stdout_raw(deck, capsys):
    task_id = deck.task_ids["Report \u009b2J\u009b31m ready"]
    assert deck.run("timer", "start", str(task_id)) == 0
    assert deck.run("timer", "status") == 0
    out = capsys.readouterr().out
    assert "\u009b" not in out
    assert f"started task {task_id}: Report \ufffd2J\ufffd31m ready [ACME]\n" in out


def test_a_lone_carriage_return_in_a_title_cannot_overwrite_the_line(deck, capsys):
    task_id = deck.task_ids["Over\rwritten"]
    assert deck.run("timer", "start", str(task_id)) == 0
    assert capsys.readouterr().out == f"started task {task_id}: Over\u240dwritten [ACME]\n"


@pytest.mark.parametrize("code", [*range(0x80, 0xA0)])
def test_every_c1_control_is_pictured_on_screen_and_in_the_shell(code):
    text = f"a{chr(code)}b"
    assert literal(text) == shell_text(text) == shell_line(text) == "a\ufffdb"


def test_shell_text_keeps_line_breaks_and_shell_line_keeps_one_line():
    assert shell_text("one\ntwo\r\nthree\tfour\r") == "one\ntwo\r\nthree\tfour\u240d"
    assert shell_line("one\ntwo\r\n\x1b") == "one\u240atwo\u240d\u240a\u241b"
    assert shell_text("caf\udce9") == "caf\ufffd"  # argv bytes that were not UTF-8
