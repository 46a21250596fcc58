"""The footer does not grow with every screen switch."""

from __future__ import annotations

from tui.widgets import DeckFooter


async def test_switching_screens_leaves_no_dead_footer_keys(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(15):
            await pilot.press("2", "1", "5", "1")
        await pilot.pause()
        footer = app.screen.query_one(DeckFooter)
        watchers = getattr(footer, "__watchers", {}).get("compact", [])
        assert watchers, "the footer's keys follow its compact flag"
        assert all(node.is_attached for node, _callback in watchers)
        assert len(watchers) <= len(footer.children)
