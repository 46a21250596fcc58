"""Timers and time entries from the app, driven by keys."""

from __future__ import annotations

import threading
import tomllib

import pendulum
from sqlmodel import select
from textual.widgets import Static

from model import timetrack
from model.db import reading, transaction
from model.tables import TimeEntry
from model.timetrack import running_entry
from tests.tui.writing import written
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.entry_form import EntryFormDialog
from tui.dialogs.forgotten_timer import ForgottenTimerDialog
from tui.screens.board import BoardScreen

ME = "Dmytro Shevchenko"


def entries(engine) -> list[TimeEntry]:
    with reading(engine) as session:
        return list(session.exec(select(TimeEntry).order_by(TimeEntry.id)).all())


W47 = pendulum.date(2026, 11, 16)


def olena_manages(engine, ids, *, week: str = "open") -> None:
    """Olena Koval is a manager; Dmytro's 2026-W47 is `week` (open, submitted or approved)."""
    from model.tables import Member
    from model.timesheets import approve_week, submit_week

    with transaction(engine) as session:
        session.get(Member, ids["OK"]).manager = True
    if week in ("submitted", "approved"):
        submit_week(engine, member_id=ids["DS"], week_start=W47)
    if week == "approved":
        approve_week(engine, member_id=ids["DS"], week_start=W47, by_id=ids["OK"])


async def test_start_switch_and_stop(agency, make_app):
    engine, ids = agency
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await written(pilot)
        first = running_entry(engine, member_id=ids["DS"])
        assert first is not None and first.entry.task_id == ids["Настроить ремаркетинг"]
        assert "⏱" in str(app.screen.query_one("DeckHeader").render())
        await pilot.press("l", "t")
        await written(pilot)
        second = running_entry(engine, member_id=ids["DS"])
        assert second is not None and second.entry.task_id != first.entry.task_id
        stopped = [e for e in entries(engine) if e.id == first.entry.id][0]
        assert stopped.end is not None
        await pilot.press("t")
        await written(pilot)
        assert running_entry(engine, member_id=ids["DS"]) is None
        assert "⏱" not in str(app.screen.query_one("DeckHeader").render())


async def test_a_timer_starts_without_holding_the_keys(agency, make_app, monkeypatch):
    """`t` is written in the background, as a move is: on a slow store the next key is
    handled at once, and the header shows the timer once it is stored."""
    engine, ids = agency
    gate = threading.Event()
    plain = timetrack.check_unlocked

    def slow(*args, **kwargs):
        assert gate.wait(timeout=30), "the start was never let through"
        return plain(*args, **kwargs)

    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        monkeypatch.setattr(timetrack, "check_unlocked", slow)
        await pilot.press("t", "l")
        assert app.screen.column_index == 1, "the key after `t` was handled"
        assert "⏱" not in str(app.screen.query_one("DeckHeader").render()), "not stored yet"
        gate.set()
        await written(pilot)
        assert running_entry(engine, member_id=ids["DS"]) is not None
        assert "⏱" in str(app.screen.query_one("DeckHeader").render())


async def test_the_app_asks_who_i_am_once_and_remembers(agency, make_app, tmp_path):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        assert app.screen.__class__.__name__ == "PickDialog"
        await pilot.press("down", "down", "enter")
        await written(pilot)
        assert app.me_id is not None
        assert running_entry(engine, member_id=app.me_id) is not None
        await pilot.press("j", "t")
        assert app.screen.__class__.__name__ == "BoardScreen", "asked only once"
    saved = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
    names = {"DS": "Dmytro Shevchenko", "IB": "Iryna Bondar", "OK": "Olena Koval"}
    assert saved["me"] == next(n for code, n in names.items() if ids[code] == app.me_id)


async def test_a_forgotten_timer_is_caught_at_start(agency, make_app, frozen):
    engine, ids = agency
    yesterday = frozen.subtract(days=1).set(hour=10, minute=0)
    with transaction(engine) as session:
        session.add(
            TimeEntry(task_id=ids["Monthly PPC report"], member_id=ids["DS"], start=yesterday)
        )
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ForgottenTimerDialog)
        await pilot.press("e")
        assert isinstance(app.screen, BoardScreen)
    stopped = entries(engine)[-1]
    assert pendulum.instance(stopped.end) == yesterday.set(hour=18)


async def test_a_forgotten_timer_stopped_at_a_typed_time(agency, make_app, frozen):
    engine, ids = agency
    yesterday = frozen.subtract(days=1).set(hour=10, minute=0)
    with transaction(engine) as session:
        session.add(
            TimeEntry(task_id=ids["Monthly PPC report"], member_id=ids["DS"], start=yesterday)
        )
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.screen.query_one("#at").focus()
        await pilot.press(*"25:00", "enter")
        assert "15:30" in str(app.screen.query_one("#at-error").content)
        await pilot.press("ctrl+u", *"19:15", "enter")
        assert isinstance(app.screen, BoardScreen)
    assert pendulum.instance(entries(engine)[-1].end) == yesterday.set(hour=19, minute=15)


async def test_an_overlapping_entry_is_refused_with_a_trim_offer(agency, make_app):
    engine, ids = agency
    app = make_app(engine, me=ME)
    before = entries(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "T", "n")
        assert isinstance(app.screen, EntryFormDialog)
        await pilot.press(*"8:30", "tab", *"9:30", "tab", *"call", "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert isinstance(app.screen, EntryFormDialog)
        assert "overlaps" in str(app.screen.query_one("#entry-error").content)
        assert entries(engine) == before
        await pilot.press("ctrl+s", "y")
        assert not isinstance(app.screen, EntryFormDialog)
    after = entries(engine)
    neighbour = [e for e in after if e.id == before[0].id][0]
    assert pendulum.instance(neighbour.end).in_timezone("Europe/Kyiv").format("HH:mm") == "08:30"
    assert len(after) == len(before) + 1


async def test_entries_archive_and_undo(agency, make_app):
    engine, ids = agency
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "l", "T")
        await pilot.press("x")
        assert entries(engine)[0].archived_at is not None
        await pilot.press("ctrl+z")
        assert entries(engine)[0].archived_at is None


async def test_entries_say_billed_and_b_bills_or_not_with_undo(agency, make_app):
    from model.billing import entries_billable

    engine, _ids = agency
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "l", "T")
        await pilot.pause()
        first = entries(engine)[0]
        assert entries_billable(engine, entry_ids=[first.id]) == {first.id: True}
        assert "Billed" in app.export_screenshot()
        assert "billable" in str(app.screen.query_one("#entries-total").render())
        await pilot.press("b")
        await pilot.pause()
        assert entries(engine)[0].billable is False
        row = app.screen.query_one("DataTable").get_row_at(0)
        assert "no" in [str(cell) for cell in row]
        await pilot.press("ctrl+z")
        assert entries(engine)[0].billable is None


async def test_hours_report_from_the_board_is_written_and_copied(agency, make_app):
    from model.files import reports_dir

    engine, _ids = agency
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right_square_bracket", "R")
        written = reports_dir() / "hours-NWB-2026-11.md"
        assert written.exists()
        assert written.stat().st_mode & 0o777 == 0o600
        text = written.read_text(encoding="utf-8")
        assert "Monthly PPC report" in text
        assert app.clipboard == text


async def test_entries_show_markup_titles_literally(agency, make_app, frozen):
    from model.timetrack import add_entry

    engine, ids = agency
    start = frozen.subtract(hours=1)
    add_entry(
        engine,
        task_id=ids["[bold]x[/]"],
        member_id=ids["DS"],
        start=start,
        end=start.add(minutes=30),
        note="[/] closing tag",
    )
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "j", "j", "T")
        await pilot.pause()
        assert "Time&#160;on&#160;[bold]x[/]" in app.export_screenshot()
        row = app.screen.query_one("DataTable").get_row_at(0)
        assert [str(cell) for cell in row[-2:]] == ["[bold]x[/]", "[/] closing tag"]


async def test_my_time_today_from_the_palette(agency, make_app):
    engine, _ids = agency
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p", *"My time")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "EntriesScreen"
        assert app.screen.query_one("DataTable").row_count == 1


async def test_a_submitted_and_approved_week_locks_its_entries(agency, make_app):
    """Dmytro submits his week with `S`, Olena (a manager) approves it with `A`, and then
    Dmytro's edit of an entry of that week is refused with the reason, his data unchanged."""
    from tui.dialogs.pick import PickDialog
    from tui.screens.timer import EntriesScreen

    engine, ids = agency
    olena_manages(engine, ids)

    def mark(app) -> str:
        return str(app.screen.query_one("#entries-week", Static).content)

    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "l", "T")
        assert mark(app) == "Week 2026-W47: open"
        await pilot.press("S")
        assert mark(app) == "Week 2026-W47: submitted"
        await pilot.press("A")  # not a manager
        await pilot.pause()
        assert isinstance(app.screen, EntriesScreen)
    app = make_app(engine, me="Olena Koval")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "l", "T", "A")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntriesScreen)
    before = entries(engine)
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "l", "T")
        assert mark(app) == "Week 2026-W47: approved"
        await pilot.press("e")
        assert isinstance(app.screen, EntryFormDialog)
        await pilot.press("tab", "tab", *"typo fixed", "ctrl+s")
        assert isinstance(app.screen, EntryFormDialog), "the form stays open with what was typed"
        error = str(app.screen.query_one("#entry-error", Static).content)
        assert error.startswith("Dmytro Shevchenko's week 2026-W47 is approved and its time locked")
        await pilot.press("escape", "x", "b")
        await pilot.pause()
        assert isinstance(app.screen, EntriesScreen)
    assert entries(engine) == before


async def test_a_manager_returns_a_submitted_week_with_a_note(agency, make_app):
    """`R` picks the week, and the note is asked in a form that refuses an empty one."""
    from model.timesheets import week_state
    from tui.dialogs.form import FormScreen
    from tui.dialogs.pick import PickDialog

    engine, ids = agency
    olena_manages(engine, ids, week="submitted")
    week = W47
    app = make_app(engine, me="Olena Koval")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l", "l", "T", "R")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        error = str(app.screen.query_one("#error-note", Static).content)
        assert error == "say what to fix: a returned week needs a note"
        assert week_state(engine, member_id=ids["DS"], week_start=week).state == "submitted"
        await pilot.press(*"Tuesday [b]is empty", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    view = week_state(engine, member_id=ids["DS"], week_start=week)
    assert (view.state, view.note, view.by) == ("returned", "Tuesday [b]is empty", "Olena Koval")
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "l", "T")
        mark = str(app.screen.query_one("#entries-week", Static).content)
        assert mark == "Week 2026-W47: returned · Tuesday [b]is empty"


async def test_a_timer_is_not_started_in_an_approved_week_and_the_app_says_why(agency, make_app):
    engine, ids = agency
    olena_manages(engine, ids, week="approved")
    before = entries(engine)
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        said = [notice.message for notice in app._notifications]
        assert any(message.startswith("Dmytro Shevchenko's week 2026-W47") for message in said)
    assert entries(engine) == before


async def test_a_manager_unlocks_the_selected_entry_s_week_saying_why(agency, make_app):
    from model.timesheets import week_state
    from tui.dialogs.form import FormScreen

    engine, ids = agency
    olena_manages(engine, ids, week="approved")
    week = W47
    app = make_app(engine, me=ME)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", "l", "T", "U")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen), "not a manager"
    app = make_app(engine, me="Olena Koval")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l", "l", "T", "U")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        error = str(app.screen.query_one("#error-note", Static).content)
        assert error == "say why: an unlock needs a reason"
        await pilot.press(*"wrong client", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    view = week_state(engine, member_id=ids["DS"], week_start=week)
    (unlock,) = view.unlocks
    assert (view.state, unlock.by, unlock.reason) == ("open", "Olena Koval", "wrong client")
    assert unlock.entry_id == entries(engine)[0].id
