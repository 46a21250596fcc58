"""Every screen at 80×24 and at 200×60: what is shown, measured, and SVG snapshots.

At 80×24 columns drop or stack so that titles keep at least 20 characters;
the pilot tests read the text as drawn and the sizes of the widgets that draw it.
"""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from sqlmodel import select

from model import clock
from model.db import transaction
from model.inbox import capture
from model.interactions import log_interaction
from model.tables import Channel, TimeEntry

SMALL = (80, 24)
LARGE = (200, 60)
ME = "Dmytro Shevchenko"
TITLE_ROOM = 20
"""Characters of a title that every screen keeps, however narrow."""
NOTE = "Checked the conversions with the client's analyst"
REQUESTS = (
    (25, "MK: new banner for the Black Friday sale", False),
    (15, "NWB: site is down since the morning [bold]now[/]", True),
    (5, "KZ: price list update for December", False),
)


@pytest.fixture
def lived_in(agency, frozen):
    """The small agency with requests in the inbox, a note on the timed hour, a contact."""
    engine, ids = agency
    for minutes, line, fire in REQUESTS:
        with time_machine.travel(frozen.subtract(minutes=minutes), tick=False):
            capture(engine, line=line, today=clock.today(), fire=fire)
    with transaction(engine) as session:
        for entry in session.exec(select(TimeEntry)).all():
            entry.note = NOTE
    log_interaction(
        engine,
        client_id=ids["NWB"],
        channel=Channel.CALL,
        summary="Agreed the budget for the December campaign",
    )
    return engine, ids


def shown(app) -> list[str]:
    """The screen as drawn, one string per line (read from the screenshot)."""
    rows: dict[int, list[tuple[float, str]]] = {}
    pattern = (
        r'<text[^>]*x="([\d.]+)"[^>]*clip-path="url\(#terminal-(?:\d+-)?line-(\d+)\)">(.*?)</text>'
    )
    for match in re.finditer(pattern, app.export_screenshot()):
        x, number, text = float(match[1]), int(match[2]), html.unescape(match[3])
        rows.setdefault(number, []).append((x, text.replace("\xa0", " ")))
    lines = []
    for number in sorted(rows):
        line = ""
        for x, text in sorted(rows[number]):
            line = line.ljust(round(x / 12.2)) + text
        lines.append(line.rstrip())
    return lines


def on_screen(app, text: str) -> bool:
    return any(text in line for line in shown(app))


def kept(title: str) -> str:
    """What of `title` must be on screen: its first 20 characters, without a cut space."""
    return title[:TITLE_ROOM].rstrip()


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


# --- the findings at 80×24 -----------------------------------------------------------------


async def test_plan_keeps_backlog_and_sprint_titles(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("2")
        await settle(pilot)
        for title in (
            "Настроить ремаркетинг",
            "Запуск 🚀 кампанії",
            "Set up remarketing in Google Ads",
            "Fix tracking on the card form",
        ):
            assert on_screen(app, kept(title)), title


async def test_stand_up_member_panel_is_wide_enough_to_read(lived_in, make_app):
    from tui.screens.standup import MemberPanel

    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("3")
        await settle(pilot)
        panel = app.screen.query_one(MemberPanel)
        assert panel.size.width >= 40
        for title in ("Monthly PPC report", "Set up remarketing in Google Ads"):
            assert on_screen(app, kept(title)), title
        assert on_screen(app, kept("site is down since the morning"))


async def test_clients_table_shows_every_kept_column_whole(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one("#clients")
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        assert sum(widths) <= table.scrollable_content_region.width
        labels = [str(column.label) for column in table.ordered_columns]
        assert labels[:2] == ["Risk", "Client"] and len(labels) >= 6
        assert widths[1] >= TITLE_ROOM + 2
        assert on_screen(app, "Northwind Bank") and on_screen(app, "Клиника Здоровье")
        dropped = {"Risk", "Client", "Burn", "Silent", "Promises", "Month", "Waiting"}
        dropped |= {"Plan", "Next due", "Mood"}
        detail = app.screen.query_one("#clients-more").render()
        for label in dropped - set(labels):
            assert label in str(detail), label


async def test_clients_columns_come_back_when_the_terminal_widens(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("6", "j")
        await settle(pilot)
        table = app.screen.query_one("#clients")
        assert len(table.ordered_columns) < 10
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert len(table.ordered_columns) == 10
        assert not app.screen.query_one("#clients-more").display
        assert table.cursor_row == 1, "the selection stays"


async def test_header_keeps_the_scope_and_the_inbox(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("3")
        await settle(pilot)
        header = shown(app)[0]
        assert "Stand-up · Tue 17 Nov 16:00 · not started" in header
        assert header.endswith("Inbox 3")


async def test_inbox_titles_keep_twenty_characters(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("i")
        await settle(pilot)
        for _minutes, line, _fire in REQUESTS:
            title = line.split(": ", 1)[1]
            assert on_screen(app, kept(title)), title


async def test_time_entries_show_task_and_note(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine, me=ME)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("l", "l", "T")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "EntriesScreen"
        row = next(line for line in shown(app) if "07:30" in line)
        assert "Monthly PPC report" in row and kept(NOTE) in row
        box = app.screen.query_one("Vertical").region
        assert box.x >= 0 and box.right <= SMALL[0]


async def test_time_entries_of_other_days_stack_the_note_under_the_task(lived_in, make_app):
    engine, ids = lived_in
    with transaction(engine) as session:
        start = clock.now().subtract(days=2, hours=1)
        session.add(
            TimeEntry(
                task_id=ids["Monthly PPC report"],
                member_id=ids["IB"],
                start=start,
                end=start.add(minutes=45),
                note="Pulled the search terms for the negative keywords",
            )
        )
    app = make_app(engine, me=ME)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("l", "l", "T")
        await settle(pilot)
        lines = shown(app)
        row = next(index for index, line in enumerate(lines) if "16 Nov" in line)
        assert "Monthly PPC report" in lines[row] and "IB" in lines[row]
        assert kept("Pulled the search terms for the negative keywords") in lines[row + 1]
        table = app.screen.query_one("DataTable")
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        assert sum(widths) <= table.scrollable_content_region.width


# --- every other screen at 80×24 ------------------------------------------------------------


async def test_board_cards_keep_twenty_characters_over_two_lines(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        shown_columns = [column for column in app.screen.columns if column.display]
        assert all(column.content_region.width >= 16 for column in shown_columns)
        assert on_screen(app, "Настроить")
        assert on_screen(app, "ремаркетинг")
        await pilot.press("l", "l", "l", "l", "l")
        await settle(pilot)
        assert app.screen.column.display, "the selected column is always on screen"
        assert on_screen(app, "Landing page A/B")


async def test_calendar_week_keeps_titles_and_month_fits(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("5")
        await settle(pilot)
        assert on_screen(app, kept("Fix tracking on the card form"))
        assert on_screen(app, "Monthly PPC report")
        await pilot.press("m")
        await settle(pilot)
        text = "\n".join(shown(app))
        for day in ("16", "23", "30"):
            assert re.search(rf"(^|[ │]){day}\b", text), day
        assert "deadlin│" not in text


async def test_retro_checklist_is_readable(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("4")
        await settle(pilot)
        assert app.screen.query_one("#retro-lines").content_region.width >= 36
        assert on_screen(app, "Everyone's timesheets complete")
        assert on_screen(app, "Planned when agreed")
        assert on_screen(app, "Waiting on clients")


async def test_client_detail_keeps_task_titles(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("6", "j", "enter")
        await settle(pilot)
        for table_id in ("tasks", "kpis", "hypotheses", "log"):
            table = app.screen.query_one(f"#{table_id}")
            widths = [column.get_render_width(table) for column in table.ordered_columns]
            assert sum(widths) <= table.scrollable_content_region.width, table_id
        assert on_screen(app, kept("Set up remarketing in Google Ads"))
        assert on_screen(app, kept("Agreed the budget for the December campaign"))


async def test_card_form_fits_and_stacks_its_side(lived_in, make_app):
    engine, _ids = lived_in
    app = make_app(engine)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("l", "l", "enter")
        await settle(pilot)
        card = app.screen.query_one("#card").region
        assert card.x >= 0 and card.right <= SMALL[0]
        assert app.screen.query_one("#title").size.width >= 40
        assert app.screen.query_one("#checklist").size.width >= 40


# --- snapshots of every screen at 80×24 and 200×60 ------------------------------------------

SCREENS = {
    "board": [],
    "plan": ["2"],
    "team": ["2", "m"],
    "standup": ["3"],
    "retro": ["4"],
    "calendar_week": ["5"],
    "calendar_month": ["5", "m"],
    "clients": ["6"],
    "client_detail": ["6", "j", "enter"],
    "inbox": ["i"],
    "card": ["l", "l", "enter"],
    "help": ["question_mark"],
    "entries": ["l", "l", "T"],
}
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "200x60"])


@SIZES
@pytest.mark.parametrize("screen", SCREENS)
def test_snapshot(lived_in, make_app, snap_compare, screen, size):
    engine, _ids = lived_in
    app = make_app(engine, me=ME)
    assert snap_compare(app, terminal_size=size, press=SCREENS[screen])


@SIZES
def test_snapshot_setup(store, frozen, make_app, snap_compare, size):
    assert snap_compare(make_app(store), terminal_size=size)
