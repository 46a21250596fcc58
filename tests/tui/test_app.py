"""App-wide behaviour: modes, help, palette, themes, languages, remapped keys."""

from __future__ import annotations

import inspect
import tomllib
from pathlib import Path

import pytest
import textual.app
import textual.screen
from textual.css.stylesheet import Stylesheet

import tui
from model.config import config_path
from model.tasks import get_task
from model.themes import contrast
from tests.tui.writing import written
from tui.app import SCREENS, STYLE_SHEETS
from tui.screens.board import BoardScreen
from tui.screens.help import HelpScreen
from tui.themes import PRODUCT_THEMES, read_theme


async def test_mode_keys_switch_screens_and_one_returns(agency, make_app):
    """1–6 and i switch screens from every screen, the stand-up and the inbox too."""
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        for key, mode in (
            ("2", "plan"),
            ("4", "retro"),
            ("5", "calendar"),
            ("3", "standup"),
            ("i", "inbox"),
            ("2", "plan"),
            ("i", "inbox"),
            ("6", "clients"),
        ):
            await pilot.press(key)
            assert app.current_mode == mode
        await pilot.press("1")
        assert isinstance(app.screen, BoardScreen)


async def test_help_lists_the_screens_keys_and_closes(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body Static").content)
        for description in ("Move right", "Archive", "Filter", "Undo", "Quit"):
            assert description in text
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_palette_goes_to_a_client(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p", *"Карпат")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.scope.client_id == ids["MK"]


async def test_palette_runs_a_screen_action(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p", *"Archive")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await written(pilot)
        assert get_task(engine, task_id=task_id).archived_at is not None


async def test_a_remapped_key_replaces_the_default(agency, make_app):
    engine, ids = agency
    task_id = ids["Настроить ремаркетинг"]
    app = make_app(engine, keys={"board.archive": "X"})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("x")
        await written(pilot)
        assert get_task(engine, task_id=task_id).archived_at is None
        await pilot.press("X")
        await written(pilot)
        assert get_task(engine, task_id=task_id).archived_at is not None


async def test_the_theme_picked_is_saved_to_the_config(agency, make_app, tmp_path):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)):
        app.theme = "clientdeck-light"
    saved = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
    assert saved["theme"] == "clientdeck-light"
    assert config_path() != tmp_path / "config.toml", "tests never touch the real config"


async def test_user_themes_load_from_the_config_dir(agency, make_app, tmp_path):
    engine, _ids = agency
    (tmp_path / "themes").mkdir()
    (tmp_path / "themes" / "mine.toml").write_text('name = "mine"\nprimary = "#123456"\n')
    (tmp_path / "themes" / "broken.toml").write_text("name = \n")
    app = make_app(engine)
    async with app.run_test(size=(120, 36)):
        assert "mine" in app.available_themes
        assert any("broken.toml" in notice for notice in app.notices)


@pytest.mark.parametrize("path", sorted(PRODUCT_THEMES.glob("*.toml")), ids=lambda p: p.stem)
def test_product_themes_have_readable_text(path):
    theme = read_theme(path=path)
    for surface in (theme.background, theme.surface, theme.panel):
        assert contrast(foreground=theme.foreground, background=surface) >= 4.5
    for accent in (theme.error, theme.warning, theme.success, theme.accent):
        assert contrast(foreground=accent, background=theme.background) >= 4.5


def test_there_is_a_dark_and_a_light_product_theme():
    themes = [read_theme(path=path) for path in PRODUCT_THEMES.glob("*.toml")]
    assert {theme.dark for theme in themes} == {True, False}


def test_contrast_matches_the_wcag_extremes():
    assert contrast(foreground="#000000", background="#ffffff") == pytest.approx(21.0)
    assert contrast(foreground="#777777", background="#777777") == pytest.approx(1.0)


async def test_language_follows_the_config_then_lang(agency, make_app, monkeypatch):
    engine, _ids = agency
    app = make_app(engine, language="uk")
    async with app.run_test(size=(120, 36)):
        assert "Дошка" in str(app.screen.query_one("DeckHeader").render())
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    app = make_app(engine)
    async with app.run_test(size=(120, 36)):
        assert "Доска" in str(app.screen.query_one("DeckHeader").render())


async def test_once_the_board_is_filled_the_other_screens_code_loads_in_a_thread(
    agency, make_app, monkeypatch
):
    import tui.app

    loaded: list[str] = []
    monkeypatch.setattr(tui.app, "load_modules", lambda *, names: loaded.extend(names))
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app._warming is not None, "the board is filled"
        app._warming.join(timeout=30)
        modules = [path.split(":")[0] for path in tui.app.SCREENS.values()]
        assert loaded == modules
        await pilot.press("2")
        await pilot.pause()
        assert loaded == modules, "once a session"


async def test_a_screens_first_visit_parses_no_style_sheet(agency, make_app, monkeypatch):
    reparsed: list[int] = []
    plain = Stylesheet.reparse

    def reparse(self) -> None:
        reparsed.append(1)
        plain(self)

    monkeypatch.setattr(Stylesheet, "reparse", reparse)
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        reparsed.clear()
        for key in ("2", "3", "4", "5", "6", "i", "1"):
            await pilot.press(key)
            await pilot.pause()
        assert set(SCREENS) <= set(app._screen_stacks), "every mode was shown"
        assert reparsed == [], "every style sheet was read at start"
        assert app.screen.query_one("#columns").styles.height.value == 1, "board.tcss holds"


def test_every_style_sheet_is_read_at_start():
    """A mode's screen is marked styled as it is made (tui/compat.py): that holds only if
    the app read its style sheet at start."""
    here = Path(tui.__file__).parent
    read = {(here / path).resolve() for path in STYLE_SHEETS}
    assert set(here.rglob("*.tcss")) <= read


def test_what_styled_as_made_skips_is_what_textual_does():
    """A new Textual must be read again: a screen starts unstyled, and a switch to a new
    mode restyles the app for it."""
    assert "self._css_update_count = -1" in inspect.getsource(textual.screen.Screen.__init__)
    assert "_css_update_count" in inspect.getsource(textual.app.App._init_mode)
