"""The stand-up on the office TV: read-only by the store, turning by itself, following the
data that others write."""

from __future__ import annotations

import pytest
import time_machine

from model.config import Config
from model.db import ReadOnlyError
from model.standup import start_standup
from model.store import open_store
from model.tables import Status
from model.tasks import create_task
from tests.agency import contents, this_weeks_sprint
from tests.conftest import ZONE
from tui.kiosk import KioskApp
from tui.screens.kiosk import KioskStandupScreen
from tui.screens.standup import MemberPanel

SIZE = (120, 36)


@pytest.fixture
def tv(agency):
    """The agency's store, and the TV's app on the same store opened read-only."""
    writer, ids = agency
    opened = open_store(url=writer.url.render_as_string(hide_password=False), read_only=True)

    def make(*, every: int = 60) -> KioskApp:
        app = KioskApp(
            engine=opened.engine, config=Config(time_zone=ZONE), config_path=None, every=every
        )
        app.animation_level = "none"
        return app

    yield writer, ids, make
    opened.engine.dispose()


async def _settled(pilot) -> KioskStandupScreen:
    """The screen once its read in the data thread has been drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, KioskStandupScreen)
    return screen


def _panel(screen: KioskStandupScreen) -> str:
    return str(screen.query_one(MemberPanel).render())


async def test_the_tv_turns_to_the_next_member_on_a_key_and_by_the_clock(tv, frozen):
    _writer, _ids, make = tv
    app = make(every=30)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settled(pilot)
        names = [member.name for member in screen.view.members]
        assert names[0] in _panel(screen)
        await pilot.press("tab")
        assert names[1] in _panel(screen)
        with time_machine.travel(frozen.add(seconds=29), tick=False):
            screen.tick()
            assert names[1] in _panel(screen)
        with time_machine.travel(frozen.add(seconds=31), tick=False):
            screen.tick()
            assert names[2] in _panel(screen)
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        assert names[2 - 3 % len(names)] in _panel(screen)


async def test_the_tv_follows_what_others_write(tv, frozen):
    writer, ids, make = tv
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settled(pilot)
        assert "Call the client back" not in _panel(screen)
        create_task(
            writer,
            client_id=ids["NWB"],
            title="Call the client back",
            status=Status.DOING,
            assignee_id=screen.member.member_id,
            sprint_id=this_weeks_sprint(writer).id,
        )
        await screen.load().wait()
        await pilot.pause()
        assert "Call the client back" in _panel(screen)


async def test_a_write_through_the_tv_is_refused_and_changes_nothing(tv, frozen):
    writer, _ids, make = tv
    before = contents(writer)
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _settled(pilot)
        with pytest.raises(ReadOnlyError, match="read-only"):
            start_standup(app.engine, slot_at=screen.view.slot)
    assert contents(writer) == before


def test_the_tv_at_120x36(tv, snap_compare):
    _writer, _ids, make = tv
    assert snap_compare(make(), terminal_size=SIZE, run_before=_settled)


def test_the_tv_at_80x24(tv, snap_compare):
    _writer, _ids, make = tv
    assert snap_compare(make(), terminal_size=(80, 24), run_before=_settled)


def test_the_tv_help_says_it_changes_nothing(tv, snap_compare):
    _writer, _ids, make = tv

    async def helped(pilot) -> None:
        await _settled(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make(), terminal_size=(80, 24), run_before=helped)
