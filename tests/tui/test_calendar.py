"""The Calendar screen driven by keys, and its week and month snapshots."""

from __future__ import annotations

import pendulum

from model import clock
from model.db import transaction
from model.files import reports_dir
from model.promises import promise_task
from model.tables import Channel, Interaction
from model.weeks import iso_week_label
from tui.screens.calendar import CalendarScreen, DayColumn

SIZE = (120, 36)


async def press(pilot, *keys: str) -> None:
    """Each key, then the days it shows: the calendar reads them in a thread."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def calendar(app) -> CalendarScreen:
    assert isinstance(app.screen, CalendarScreen)
    return app.screen


def add_meeting(engine, client_id: int) -> None:
    with transaction(engine) as session:
        session.add(
            Interaction(
                client_id=client_id,
                at=pendulum.datetime(2026, 11, 19, 14, tz="Europe/Kyiv"),
                channel=Channel.MEETING,
                summary="Quarterly review [b]with[/b] the board",
            )
        )


async def test_opens_on_this_week_with_today_selected(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "5")
        screen = calendar(app)
        assert screen.day == clock.today()
        columns = list(screen.query(DayColumn))
        assert [column.day.weekday() for column in columns] == list(range(7))
        wednesday = columns[2]
        titles = {item.title for item in wednesday.items}
        assert "Fix tracking on the card form" in titles
        assert "Monthly PPC report" in titles
        assert screen.query_one("DeckHeader").scope.startswith(
            iso_week_label(day=clock.today())[5:]
        )


async def test_arrows_and_brackets_move_across_days_and_weeks(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    today = clock.today()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "5")
        screen = calendar(app)
        await press(pilot, "right", "l")
        assert screen.day == today.add(days=2)
        await press(pilot, "left")
        assert screen.day == today.add(days=1)
        await press(pilot, "right_square_bracket")
        assert screen.day == today.add(days=8)
        first = list(screen.query(DayColumn))[0]
        assert first.day == pendulum.date(2026, 11, 23)
        assert "W48" in screen.query_one("DeckHeader").scope
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert list(screen.query(DayColumn))[0].day == pendulum.date(2026, 11, 9)
        await press(pilot, "full_stop")
        assert screen.day == today
        assert list(screen.query(DayColumn))[0].day == pendulum.date(2026, 11, 16)


async def test_up_and_down_walk_the_days_items_and_enter_opens_a_task(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "5")
        screen = calendar(app)
        seen = []
        for _ in range(6):
            if screen.selected is not None:
                seen.append(screen.selected)
            await press(pilot, "j")
        task_items = [item for item in seen if item.task_id is not None]
        assert task_items, "Wednesday holds tasks due today"
        while screen.selected is None or screen.selected.task_id is None:
            await press(pilot, "k")
        assert screen.selected_task_id() == screen.selected.task_id
        wanted = screen.selected.task_id
        await press(pilot, "enter")
        assert app.screen.__class__.__name__ == "CardScreen"
        assert app.screen.task_id == wanted


async def test_meetings_show_on_their_day(agency, make_app):
    engine, ids = agency
    add_meeting(engine, ids["NWB"])
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "5", "l")
        screen = calendar(app)
        thursday = [item for item in screen.found if item.day == screen.day]
        meeting = next(item for item in thursday if item.interaction_id is not None)
        assert meeting.at == pendulum.time(14) and meeting.client_code == "NWB"
        while screen.selected != meeting:
            await press(pilot, "j")
        await press(pilot, "enter")
        assert app.screen is screen, "a meeting has no card: it is told in a notification"


async def test_m_toggles_the_month_and_brackets_move_by_months(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "5", "m")
        screen = calendar(app)
        grid = screen.query_one("#month")
        assert grid.display and not screen.query_one("#week").display
        assert grid.weeks[0][0] == pendulum.date(2026, 10, 26)
        assert screen.query_one("DeckHeader").scope == "November 2026"
        await press(pilot, "right_square_bracket")
        assert screen.day == pendulum.date(2026, 12, 18)
        assert screen.query_one("DeckHeader").scope == "December 2026"
        await press(pilot, "down")
        assert screen.day == pendulum.date(2026, 12, 25)
        await press(pilot, "enter")
        assert not screen.month_view
        assert list(screen.query(DayColumn))[0].day == pendulum.date(2026, 12, 21)


async def test_undo_of_a_change_made_from_the_calendar_shows_again(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "5")
        screen = calendar(app)
        while screen.selected is None or screen.selected.task_id != ids["Monthly PPC report"]:
            await press(pilot, "j")
        await press(pilot, "o")
        promised = [i for i in screen.found if i.task_id == ids["Monthly PPC report"]]
        assert promised[0].kind == "promise"
        await press(pilot, "ctrl+z")
        restored = [i for i in screen.found if i.task_id == ids["Monthly PPC report"]]
        assert restored[0].kind == "deadline"


async def test_e_exports_the_calendar_file(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "5", "E")
        text = (reports_dir() / "clientdeck.ics").read_text(encoding="utf-8")
        assert text.startswith("BEGIN:VCALENDAR") and "UID:retro@clientdeck" in text


def test_calendar_week(agency, make_app, snap_compare):
    """Stand-ups, the Friday retro, a meeting, deadlines (two overdue) and a promise."""
    engine, ids = agency
    add_meeting(engine, ids["NWB"])
    promise_task(engine, task_id=ids["Set up remarketing in Google Ads"])
    assert snap_compare(make_app(engine), terminal_size=SIZE, press=["5", "j", "j"])


def test_calendar_month(agency, make_app, snap_compare):
    engine, ids = agency
    add_meeting(engine, ids["NWB"])
    promise_task(engine, task_id=ids["Set up remarketing in Google Ads"])
    assert snap_compare(make_app(engine), terminal_size=SIZE, press=["5", "m"])
