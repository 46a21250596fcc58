"""One keyboard language: digits switch screens everywhere, letters act on the screen at
hand; remaps are checked, shown where keys are named, and removable; the language is
switched from the palette."""

from __future__ import annotations

import tomllib

import pytest

from model import clock
from model.config import load, write_keys
from model.i18n import _, language
from model.inbox import capture
from model.tables import Status
from model.tasks import get_task
from tests.tui.writing import written
from tui.app import MODE_KEYS
from tui.cli import run
from tui.dialogs.pick import PickDialog
from tui.screens.board import BoardScreen
from tui.screens.help import HelpScreen
from tui.widgets import DeckFooter

SIZE = (120, 36)
MODE_KEY_NAMES = {key for key, _mode, _title in MODE_KEYS}


@pytest.fixture
def requests(agency):
    """The agency with one request in the inbox."""
    engine, ids = agency
    ids["prices"] = capture(engine, line="KZ: price list update", today=clock.today()).id
    return engine, ids


def help_rows(app) -> list[tuple[str, str]]:
    """(keys, what) for every row of the open help, in both groups."""
    assert isinstance(app.screen, HelpScreen)
    text = app.screen.query_one("#help-body Static").content.plain
    rows = []
    for line in text.splitlines():
        keys, gap, what = line.partition("  ")
        if gap and len(line) > 20 and line[:18].strip():
            rows.append((line[:18].strip(), line[20:].strip()))
    return rows


def footer(app) -> str:
    return app.screen.query_one(DeckFooter).render().plain


def header(app) -> str:
    return str(app.screen.query_one("DeckHeader").render())


def toasts(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_no_screen_takes_a_screen_key_for_itself(requests, make_app):
    """Each mode's own keys, as in force, leave 1–6 and i to the screen switch."""
    engine, _ids = requests
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        for key, mode, _title in MODE_KEYS:
            await pilot.press(key)
            assert app.current_mode == mode
            own = {
                key
                for key, active in app.screen.active_bindings.items()
                if active.node is app.screen
            }
            assert not own & MODE_KEY_NAMES, f"{mode} takes {sorted(own & MODE_KEY_NAMES)}"


async def test_digits_leave_the_inbox_and_the_standup_and_change_nothing(requests, make_app):
    engine, ids = requests
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "3")
        assert app.current_mode == "standup"
        await pilot.press("2")
        assert app.current_mode == "plan"
        await pilot.press("i", "1")
        assert isinstance(app.screen, BoardScreen)
        assert get_task(engine, task_id=ids["prices"]).status == Status.INBOX
        assert app.undo_stack.pop() is None, "nothing was triaged"


@pytest.mark.parametrize("mode_key", ["i", "3"])
async def test_triage_letters_are_the_same_on_the_inbox_and_the_standup(
    requests, make_app, mode_key
):
    engine, ids = requests
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(mode_key, "b")
        await written(pilot)
        assert get_task(engine, task_id=ids["prices"]).status == Status.BACKLOG
        await pilot.press("ctrl+z", "w")
        await written(pilot)
        assert get_task(engine, task_id=ids["prices"]).status == Status.WAITING


@pytest.mark.parametrize("mode_key", [key for key, _mode, _title in MODE_KEYS])
async def test_help_gives_each_key_one_meaning(requests, make_app, mode_key):
    engine, _ids = requests
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(mode_key, "question_mark")
        rows = help_rows(app)
        seen: dict[str, str] = {}
        for keys, what in rows:
            for key in keys.split():
                assert seen.setdefault(key, what) == what, f"{key}: {seen[key]} and {what}"
        text = app.screen.query_one("#help-body Static").content.plain
        assert "1–6 and i switch screens everywhere" in text


async def test_standup_help_footer_and_hint_name_the_triage_letters(requests, make_app):
    engine, _ids = requests
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        hint = str(app.screen.query_one("#triage-hint").render())
        assert hint == "a Accept · b Backlog · w Waiting\nx Decline · u Duplicate · f Fire"
        await pilot.press("question_mark")
        rows = dict((what, keys) for keys, what in help_rows(app))
        assert (rows["Accept"], rows["Board"]) == ("a", "1")
        await pilot.press("escape", "i")
        assert "a Accept  b Backlog  w Waiting  x Decline  u Duplicate  f Fire" in footer(app)


async def test_help_footer_and_palette_show_remapped_keys(agency, make_app):
    engine, _ids = agency
    app = make_app(engine, keys={"board.archive": "X", "board.create": "n"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert " n Create " in footer(app) and " c Create " not in footer(app)
        await pilot.press("question_mark")
        rows = dict((what, keys) for keys, what in help_rows(app))
        assert (rows["Archive"], rows["Create"]) == ("X", "n")
        await pilot.press("escape")
        from tui.commands import ScreenActionsProvider

        provider = ScreenActionsProvider(app.screen)
        keys = {description: key for description, _action, key in provider._commands()}
        assert keys["Archive"] == "X"


async def test_standup_hint_follows_a_remap(agency, make_app):
    engine, _ids = agency
    app = make_app(engine, keys={"triage.fire": "ctrl+f"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert "^f Fire" in str(app.screen.query_one("#triage-hint").render())


async def test_an_unknown_binding_is_said_at_start_and_the_rest_applies(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine, keys={"board.archiv": "X", "board.create": "n"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [said] = [message for message in toasts(app) if "keys." in message]
        assert said == (
            "keys.board.archiv: no screen has this binding (did you mean board.archive?); "
            "the default key stays"
        )
        assert [n.severity for n in app._notifications if n.message == said] == ["warning"]
        assert " n Create " in footer(app), "the good remap is applied"
        await pilot.press("x")
        await written(pilot)
        assert get_task(engine, task_id=task_id).archived_at is not None


async def test_a_clashing_remap_is_said_at_start_and_not_applied(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine, keys={"board.archive": "a"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [said] = [message for message in toasts(app) if "keys." in message]
        assert said == (
            'keys.board.archive = "a": a is already board.assign ("Assign") on the same '
            "screen; the default key stays"
        )
        await pilot.press("a")
        assert isinstance(app.screen, PickDialog), "a still assigns"
        await pilot.press("escape", "x")
        await written(pilot)
        assert get_task(engine, task_id=task_id).archived_at is not None, "x still archives"


async def test_an_app_wide_remap_clashes_with_a_screens_key(agency, make_app):
    engine, _ids = agency
    app = make_app(engine, keys={"timer": "x"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any(
            "keys.timer" in message and "board.archive" in message for message in toasts(app)
        )
        assert app._keymap == {}


async def test_swapping_two_keys_is_no_clash(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine, keys={"board.archive": "a", "board.assign": "x"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not [message for message in toasts(app) if "keys." in message]
        await pilot.press("x")
        assert isinstance(app.screen, PickDialog)
        await pilot.press("escape", "a")
        await written(pilot)
        assert get_task(engine, task_id=task_id).archived_at is not None


def err_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("binding", "key", "said"),
    [
        ("board.archiv", "X", "keys.board.archiv: no screen has this binding"),
        ("board.archive", "a", 'is already board.assign ("Assign") on the same screen'),
        ("triage.accept", "n", 'is already standup.note ("Note") on the same screen'),
    ],
)
def test_config_set_refuses_a_remap_that_cannot_work(capsys, binding, key, said):
    assert run(["config", "set", "language", "en"]) == 0
    before = load().path.read_bytes()
    assert run(["config", "set", f"keys.{binding}", key]) == 1
    [line] = err_lines(capsys)
    assert said in line and f"keys.{binding}" in line
    assert load().path.read_bytes() == before, "nothing written"


def test_config_set_takes_a_remap_that_works(capsys):
    assert run(["config", "set", "keys.board.archive", "X"]) == 0
    assert run(["config", "set", "keys.board.assign", "x"]) == 0, "x is free once archive moved"
    assert load().config.keys == {"board.archive": "X", "board.assign": "x"}


async def test_after_unsetting_a_remap_the_default_key_works_again(agency, make_app, capsys):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    write_keys(values={"keys.board.archive": "X"})
    assert run(["config", "unset", "keys.board.archive"]) == 0
    keys = load().config.keys
    assert keys == {}
    app = make_app(engine, keys=keys)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await written(pilot)
        assert get_task(engine, task_id=task_id).archived_at is not None


async def choose_from_palette(app, pilot, *words: str) -> None:
    """Type each word into the palette open now and take its best hit."""
    from textual.command import CommandList, CommandPalette

    for word in words:
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*word)
        hits = palette.query_one(CommandList)
        for _frame in range(200):  # the search runs as a worker: frames until it answers
            if hits.option_count:
                break
            await pilot.pause()
        if hits.highlighted is None:
            await pilot.press("down")
        await pilot.press("enter")
        for _frame in range(20):
            if app.screen is not palette:
                break
            await pilot.pause()
    await pilot.pause()  # the command runs once the palette has closed
    for worker in [worker for worker in app.workers if worker.group == "language"]:
        await worker.wait()  # the screens built again in the new language
    await pilot.pause()


async def test_the_palette_switches_the_language_of_every_screen(agency, make_app, tmp_path):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "ctrl+p")
        await choose_from_palette(app, pilot, "Language", "Укр")
        assert language() == "uk"
        assert app.current_mode == "plan", "the screen in use is shown again"
        assert "План" in header(app)
        await pilot.press("1")
        assert "Дошка" in header(app)
        assert "Створити" in footer(app), "the screen's keys speak it too"
        assert "Довідка" in footer(app), "and the app's"
        saved = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
        assert saved["language"] == "uk"
        await pilot.press("ctrl+p")
        await choose_from_palette(app, pilot, _("Language"), "English")
        assert "Board" in header(app) and "Create" in footer(app)
