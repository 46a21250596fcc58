"""Every shell command, given hostile words, answers in one line and keeps the data as it was.

The commands are found by walking `build_parser()`, so a command added later is
covered without touching this file. Each argument of each command gets each
hostile value in turn while the others get ordinary ones, and once every
argument gets the hostile value together with every flag.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from model.blank import BOOKKEEPING
from model.exchange import dumps, export_json
from tests.agency import build
from tests.test_exchange import rows_of
from tests.test_trello import BOARD
from tui.cli import build_parser, run

HOSTILE = {
    "empty": "",
    "blank": "   ",
    "huge-int": "99999999999999999999999",
    "5000-digits": "9" * 5_000,
    "negative": "-5",
    "float-huge": "1e308",
    "nan": "nan",
    "nul": "a\x00b",
    "dotdot": "../../etc/passwd",
    "markup": "[bold]x[/][link=http://a]y",
    "control": "\x1b[2J\x07\x9b31m\r",
    "newline": "one\ntwo",
    "long": "x" * 10_000,
    "bad-date": "2026-02-31",
    "far-date": "+9999m",
    "not-utf8": "caf\udce9",  # how Python hands over argv bytes that are not UTF-8
}

CONFIG = 'me = "Olena Koval"\ntime_zone = "Europe/Kyiv"\nlanguage = "en"\n'


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable command: the parsers at the ends of the sub-command tree."""
    groups = [
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    ]
    if not groups:
        yield path, parser
    for group in groups:
        for name, child in group.choices.items():
            yield from _leaves(child, (*path, name))


LEAVES = dict(_leaves(build_parser()))


def _arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if action.dest not in ("help", "db") and not isinstance(action, argparse._VersionAction)
    ]


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _ordinary(action: argparse.Action, *, command: tuple[str, ...], place: Path) -> str:
    """A value the argument accepts, so the hostile one elsewhere is what is tested."""
    if action.choices:
        return str(next(iter(action.choices)))
    by_name = {
        "text": "NWB: an ordinary request",
        "task_id": "1",
        "client": "NWB",
        "member": "Olena Koval",
        "assignee": "OK",
        "name": "Ordinary Name",
        "code": "ORD",
        "key": "theme",
        "value": "textual-dark",
        "first": "2026-11-02",
        "last": "2026-11-06",
        "week": "2026-W47",
        "month": "2026-11",
        "sprint": "2026-W47",
        "out": str(place / "out.txt"),
        "hours": "10",
        "capacity": "30",
        "cadence": "5",
        "days": "mon-fri",
        "due": "tomorrow",
        "estimate": "1h",
        "at": "10:00",
        "colour": "#123456",
        "site": "shop.example",
        "email": "someone@shop.example",
        "initials": "ON",
        "map": "Done=done",
        "scale": "1",
        "seed": "1",
    }
    if action.dest == "file":
        return {
            ("import", "trello"): str(BOARD),
            ("import", "json"): str(place / "export.json"),
        }.get(command, str(place / "copy.db"))
    if command == ("member", "off") and action.dest in ("first", "last"):
        return "2026-12-01"
    if command == ("budget", "set") and action.dest == "first":
        return "2026-12"
    return by_name.get(action.dest, "ordinary words")


def _words(action: argparse.Action, value: str) -> list[str]:
    if not action.option_strings:
        return [value]
    return [f"{action.option_strings[-1]}={value}"]


def variants(command: tuple[str, ...], *, hostile: str, place: Path) -> Iterator[list[str]]:
    """The command with the hostile value in each argument in turn, then in all at once."""
    arguments = _arguments(LEAVES[command])
    valued = [action for action in arguments if _takes_value(action)]
    for target in valued:
        words = [*command]
        for action in valued:
            if action is target:
                words += _words(action, hostile)
            elif action.required or not action.option_strings:
                words += _words(action, _ordinary(action, command=command, place=place))
        yield words
    everything = [*command]
    for action in arguments:
        if _takes_value(action):
            everything += _words(action, hostile)
        else:
            everything += action.option_strings[-1:]
    yield everything


def data_rows(engine) -> dict[str, list[tuple]]:
    """What the user keeps: every table but the app's own bookkeeping."""
    return {name: rows for name, rows in rows_of(engine).items() if name not in BOOKKEEPING}


def leaked_controls(text: str) -> list[str]:
    """Control characters that reached the terminal raw; a CRLF (iCalendar) is a line break."""
    return [
        repr(char)
        for char in text.replace("\r\n", "\n")
        if unicodedata.category(char) == "Cc" and char not in "\t\n"
    ]


# The values whose handling differs between back ends, tried on PostgreSQL too.
ON_EVERY_BACK_END = ("nul", "huge-int", "not-utf8")


@dataclass(frozen=True)
class Deck:
    engine: Engine
    url: str
    place: Path
    config: Path

    def attempt(self, argv: list[str], capsys) -> tuple[int, str, str]:
        self.config.write_text(CONFIG, encoding="utf-8")  # `config set` may have changed it
        try:
            code = run([*argv, "--db", self.url])
        except BaseException as error:  # noqa: BLE001  (the point: nothing may escape run())
            pytest.fail(f"{argv!r} let {type(error).__name__} escape: {error!r}"[:2000])
        captured = capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def deck(store, tmp_path, frozen, monkeypatch) -> Deck:
    """The small agency, a config naming "me", an export to restore, and a deep working dir."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(config_dir))
    build(store)
    (tmp_path / "export.json").write_text(dumps(export_json(store)), encoding="utf-8")
    work = tmp_path / "a" / "b" / "c"  # so that ../../ stays in the test's own folder
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    # `standup` without --print opens the app, `standup --kiosk` the shared screen and
    # `serve` a web server: here they only have to get that far.
    monkeypatch.setattr("tui.app.ClientDeck.run", lambda self, *args, **kwargs: None)
    monkeypatch.setattr("tui.kiosk.KioskApp.run", lambda self, *args, **kwargs: None)
    monkeypatch.setattr("tui.serve.GuardedServer.serve", lambda self, *args, **kwargs: None)
    url = store.url.render_as_string(hide_password=False)
    return Deck(engine=store, url=url, place=tmp_path, config=config_dir / "config.toml")


def check(argv: list[str], *, code: int, out: str, err: str, url: str = "") -> None:
    shown = repr(argv)[:300]
    assert code in (0, 1, 2), (shown, code, err[:500])
    assert err.count("\n") <= 1, (shown, err[:2000])
    assert "Traceback" not in err and "Traceback" not in out, (shown, err[:2000])
    assert not leaked_controls(out + err), (shown, leaked_controls(out + err), (out + err)[:500])
    assert "unexpected error" not in err, (shown, err)
    if url:
        assert url not in err, (shown, err)


@pytest.mark.parametrize("command", [" ".join(path) for path in LEAVES])
def test_every_command_answers_hostile_words_in_one_line(deck, capsys, command):
    on_sqlite = deck.engine.dialect.name == "sqlite"
    tried: set[tuple[str, ...]] = set()  # a command of flags only is the same whatever the value
    for kind, hostile in HOSTILE.items():
        if not (on_sqlite or kind in ON_EVERY_BACK_END):
            continue
        for argv in variants(tuple(command.split()), hostile=hostile, place=deck.place):
            if tuple(argv) in tried:
                continue
            tried.add(tuple(argv))
            before = data_rows(deck.engine)
            code, out, err = deck.attempt(argv, capsys)
            check(argv, code=code, out=out, err=err, url="" if on_sqlite else deck.url)
            if code != 0:
                assert data_rows(deck.engine) == before, (repr(argv)[:300], err)


def test_the_walk_reaches_every_command_and_argument():
    """A check of the walk itself: nested groups and each of their arguments are found."""
    assert {("timer", "start"), ("import", "json"), ("add",), ("client", "add")} <= set(LEAVES)
    flags_only = list(variants(("whoami",), hostile="H", place=Path("/tmp")))
    assert len(flags_only) == 1 and flags_only[0][0] == "whoami" and "H" not in flags_only[0]
    argv = list(variants(("timer", "start"), hostile="H", place=Path("/tmp")))
    assert argv[:2] == [["timer", "start", "H"], ["timer", "start", "1", "--note=H"]]
    assert argv[-1][:2] == ["timer", "start"] and {"H", "--note=H"} <= set(argv[-1])


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_database_path_is_one_line(tmp_path, frozen, monkeypatch, capsys, hostile):
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    for argv in (["client", "list"], ["add", "NWB: x"]):
        try:
            code = run([*argv, "--db", hostile])
        except BaseException as error:  # noqa: BLE001
            pytest.fail(f"--db {hostile!r} let {type(error).__name__} escape: {error!r}"[:2000])
        captured = capsys.readouterr()
        check([*argv, "--db", hostile], code=code, out=captured.out, err=captured.err)


def test_a_task_id_beyond_the_databases_integer_is_a_usage_error(deck, capsys):
    code, out, err = deck.attempt(["timer", "start", "99999999999999999999999"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        "clientdeck timer start: argument TASK_ID: '99999999999999999999999' is not an id: "
        "give a whole number such as 42\n"
    )


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "argv",
    [["import", "trello", "{file}", "--client", "NWB"], ["import", "json", "{file}"]],
    ids=["trello", "json"],
)
def test_a_file_nested_200000_deep_is_refused_in_one_line(deck, capsys, argv):
    deep = deck.place / "deep.json"
    deep.write_text('{"a": ' + _nested(200_000) + "}", encoding="utf-8")
    before = data_rows(deck.engine)
    code, out, err = deck.attempt([word.format(file=deep) for word in argv], capsys)
    assert (code, out) == (1, "")
    assert err == "clientdeck: deep.json is nested too deeply to be an export\n"
    assert data_rows(deck.engine) == before


def test_an_unexpected_error_is_one_line_without_its_message(deck, capsys, monkeypatch):
    """The last resort of run(): a bug says its kind, never a traceback or what it held."""

    def broken(*args, **kwargs):
        raise KeyError(f"row of data and {deck.url}")

    monkeypatch.setattr("model.clients.active_clients", broken)
    code, out, err = deck.attempt(["client", "list"], capsys)
    assert (code, out) == (1, "")
    assert err == "clientdeck: unexpected error (KeyError); please report it\n"
