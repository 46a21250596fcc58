"""The footer: the screen's keys on one line, each of them clickable."""

from __future__ import annotations

from tui.screens.help import HelpScreen
from tui.widgets import DeckFooter


def footer_text(app) -> str:
    return app.screen.query_one(DeckFooter).render().plain


async def test_the_footer_follows_the_screen_shown(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = footer_text(app)
        await pilot.press("2")
        await pilot.pause()
        plan = footer_text(app)
        assert "Agreed with client" in plan and "Agreed with client" not in board
        assert plan.rstrip().endswith("palette") and board.rstrip().endswith("palette")
        await pilot.press("i")
        await pilot.pause()
        assert "? Help" in footer_text(app), "the inbox has more keys than fit; help stays"


async def test_keys_that_do_not_fit_are_left_out_whole(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(50, 20)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(DeckFooter)
        text = footer.render().plain
        assert len(text) <= 50
        assert text.rstrip().endswith("palette")
        pieces = [text[start:end] for start, end, _key, _enabled in footer._spans]
        assert all(piece.strip() for piece in pieces)
        assert text.rstrip().endswith("? Help  ^p palette"), "help stays beside the palette key"


async def test_clicking_a_key_presses_it(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(200, 36)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(DeckFooter)
        text = footer.render().plain
        x = text.index("Help")
        await pilot.click(DeckFooter, offset=(x, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
