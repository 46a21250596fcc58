"""The inbox driven by keys: every triage key with its prompt, and its undo."""

from __future__ import annotations

import pendulum
import pytest
import time_machine

from model import clock
from model.inbox import capture, inbox_count
from model.tables import Status
from model.tasks import get_task
from tests.tui.writing import written
from tui.dialogs.duplicate import SEARCH_GROUP, DuplicateDialog
from tui.dialogs.pick import PickDialog
from tui.dialogs.text import TextDialog
from tui.screens.inbox import InboxScreen

SIZE = (120, 36)


async def searched(pilot) -> None:
    """The duplicate search runs in a thread: wait for the latest (each typed key cancels
    the one before), then for its hits on screen."""
    app = pilot.app
    latest = [w for w in app.workers if w.group == SEARCH_GROUP and not w.is_cancelled]
    await app.workers.wait_for_complete(latest)
    await pilot.pause()


@pytest.fixture
def inbox(agency, frozen):
    """The agency with three requests, received at 10:05, 10:15 and 10:25."""
    engine, ids = agency
    for minutes, line, fire in (
        (25, "MK: new banner for the sale", False),
        (15, "NWB: site is down [bold]now[/]", True),
        (5, "KZ: price list update", False),
    ):
        with time_machine.travel(frozen.subtract(minutes=minutes), tick=False):
            ids[line.split(": ", 1)[1]] = capture(
                engine, line=line, today=clock.today(), fire=fire
            ).id
    return engine, ids


def screen(app) -> InboxScreen:
    assert isinstance(app.screen, InboxScreen)
    return app.screen


def selected_title(app) -> str:
    item = screen(app).listing.selected
    assert item is not None
    return item.title


def header(app) -> str:
    return str(app.screen.query_one("DeckHeader").render())


async def test_requests_newest_first_and_the_count_in_the_header(inbox, make_app):
    engine, _ids = inbox
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        assert [item.title for item in screen(app).listing.items] == [
            "price list update",
            "site is down [bold]now[/]",
            "new banner for the sale",
        ]
        assert "Inbox 3" in header(app)
        await pilot.press("j")
        assert selected_title(app) == "site is down [bold]now[/]"
        detail = str(app.screen.query_one("#inbox-detail").render())
        assert "[bold]now[/]" in detail and "Northwind Bank" in detail


async def test_slash_filters_the_requests_and_escape_brings_them_back(inbox, make_app):
    engine, _ids = inbox
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "slash", *"[bold]")
        assert [item.title for item in screen(app).listing.items] == ["site is down [bold]now[/]"]
        assert "/[bold]" in header(app), "the filter is shown literally"
        await pilot.press("enter", "j")
        assert app.focused is None, "Enter hands the keys back to the list"
        assert screen(app).query_one("#filter").has_class("-shown")
        await pilot.press("slash", "ctrl+u", *"nothing-like-it")
        assert "Nothing matches the filter." in str(screen(app).listing.render())
        await pilot.press("escape")
        assert len(screen(app).listing.items) == 3
        assert "Inbox 3" in header(app) and "/" not in header(app).split("│")[0]


async def test_accept_asks_assignee_and_estimate_then_undo(inbox, make_app):
    engine, ids = inbox
    task_id = ids["price list update"]
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "a")
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down", "enter")  # Nobody, then Dmytro Shevchenko
        assert isinstance(app.screen, TextDialog)
        await pilot.press("ctrl+u", *"1h30", "enter")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        task = get_task(engine, task_id=task_id)
        assert (task.status, task.assignee_id, task.estimate_hours, task.sprint_id) == (
            Status.TODO,
            ids["DS"],
            1.5,
            app.now.sprint.id,
        )
        assert "Inbox 2" in header(app)
        assert selected_title(app) == "site is down [bold]now[/]"
        await pilot.press("ctrl+z")
        task = get_task(engine, task_id=task_id)
        assert (task.status, task.assignee_id, task.sprint_id) == (Status.INBOX, None, None)
        assert "Inbox 3" in header(app)


async def test_accept_cancelled_at_the_estimate_leaves_the_request_untriaged(inbox, make_app):
    engine, ids = inbox
    task_id = ids["price list update"]
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "a", "down", "enter")
        assert isinstance(app.screen, TextDialog), "the assignee is answered"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        task = get_task(engine, task_id=task_id)
        assert (task.status, task.assignee_id, task.sprint_id) == (Status.INBOX, None, None)
        assert len(app.undo_stack) == 0
        assert "Inbox 3" in header(app)


async def test_accept_to_nobody_without_an_estimate_is_an_answer_not_a_cancel(inbox, make_app):
    engine, ids = inbox
    task_id = ids["price list update"]
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "a", "enter")  # Nobody
        assert isinstance(app.screen, TextDialog)
        await pilot.press("ctrl+u", "enter")  # no estimate
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
    task = get_task(engine, task_id=task_id)
    assert (task.status, task.assignee_id, task.estimate_hours) == (Status.TODO, None, None)


async def test_the_accept_and_decline_dialogs_name_the_task(inbox, make_app):
    engine, _ids = inbox
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "a")
        assert app.screen.heading == "Accept “price list update”: assign to"
        await pilot.press("enter")
        assert app.screen.heading == "Estimate of “price list update”, hours"
        await pilot.press("escape", "x")
        assert app.screen.heading == "Why is “price list update” declined?"


async def test_a_bad_estimate_keeps_the_prompt_open(inbox, make_app):
    engine, ids = inbox
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "a", "enter")
        assert str(app.screen.query_one("#answer").value) == "2", "the default estimate"
        await pilot.press("ctrl+u", *"soon", "enter")
        assert isinstance(app.screen, TextDialog)
        assert "soon" in str(app.screen.query_one("#answer-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
    assert get_task(engine, task_id=ids["price list update"]).status == Status.INBOX


@pytest.mark.parametrize(
    ("key", "status", "priority"),
    [
        ("b", Status.BACKLOG, "normal"),
        ("w", Status.WAITING, "normal"),
        ("f", Status.TODO, "urgent"),
    ],
)
async def test_one_key_triage_then_undo(inbox, make_app, key, status, priority):
    engine, ids = inbox
    task_id = ids["price list update"]
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", key)
        task = get_task(engine, task_id=task_id)
        assert (task.status, task.priority) == (status, priority)
        assert inbox_count(engine) == 2
        assert "Inbox 2" in header(app)
        await pilot.press("ctrl+z")
        task = get_task(engine, task_id=task_id)
        assert (task.status, task.priority, task.fire) == (Status.INBOX, "normal", False)
        assert "Inbox 3" in header(app)


async def test_fire_goes_to_the_top_of_to_do_in_the_sprint(inbox, make_app):
    engine, ids = inbox
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "f")
        await pilot.press("1")
        await pilot.press("l")
        assert app.screen.selected_task_id() == ids["price list update"]
        assert get_task(engine, task_id=ids["price list update"]).fire


async def test_decline_needs_a_reason_then_undo(inbox, make_app):
    engine, ids = inbox
    task_id = ids["price list update"]
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "x", "enter")
        assert isinstance(app.screen, TextDialog), "an empty reason is refused"
        assert "say why" in str(app.screen.query_one("#answer-error").render())
        await pilot.press(*"not in the contract", "enter")
        await pilot.pause()
        task = get_task(engine, task_id=task_id)
        assert task.archived_at is not None
        assert task.archive_reason == "not in the contract"
        assert "Inbox 2" in header(app)
        await pilot.press("ctrl+z")
        assert get_task(engine, task_id=task_id).archived_at is None


async def test_duplicate_is_picked_by_words_and_merged_then_undo(inbox, make_app):
    engine, ids = inbox
    task_id = ids["site is down [bold]now[/]"]
    original_id = ids["Fix tracking on the card form"]
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "j", "u")
        assert isinstance(app.screen, DuplicateDialog)
        await pilot.press(*"tracking card")
        await searched(pilot)
        assert [hit.id for hit in app.screen.hits] == [original_id]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        copy = get_task(engine, task_id=task_id)
        assert (copy.duplicate_of_id, copy.archived_at is not None) == (original_id, True)
        assert "site is down [bold]now[/]" in get_task(engine, task_id=original_id).description
        await pilot.press("ctrl+z")
        assert get_task(engine, task_id=task_id).archived_at is None
        assert get_task(engine, task_id=original_id).description == ""


async def test_duplicate_pick_from_the_list_by_arrows(inbox, make_app):
    engine, ids = inbox
    task_id = ids["price list update"]
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "u")
        await searched(pilot)
        hits = app.screen.hits
        assert [hit.client_code for hit in hits][0] == "KZ", "the request's client first"
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert get_task(engine, task_id=task_id).duplicate_of_id == hits[1].id


async def test_escape_on_a_prompt_changes_nothing(inbox, make_app):
    engine, ids = inbox
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("a", "x", "u"):
            await pilot.press("i", key, "escape")
            assert isinstance(app.screen, InboxScreen)
        await pilot.press("ctrl+z")
    assert inbox_count(engine) == 3


async def test_an_empty_inbox_says_so_and_triage_keys_only_ring(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "b", "f")
        assert "Inbox zero" in str(screen(app).listing.render())
        assert screen(app).selected_task_id() is None


async def test_enter_opens_the_card_and_c_captures_into_the_inbox(inbox, make_app):
    engine, _ids = inbox
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "enter")
        assert app.screen.__class__.__name__ == "CardScreen"
        await pilot.press("escape", "c")
        await pilot.press(*"Call the bank back")
        app.screen.query_one("#client_id").value = app.screen.clients[0].id
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        assert selected_title(app) == "Call the bank back"
        assert "Inbox 4" in header(app)


async def test_a_long_inbox_pages_and_t_times_the_selected_request(inbox, make_app, frozen):
    engine, ids = inbox
    for number in range(60):
        capture(engine, line=f"MK: request {number:02d}", today=clock.today())
    app = make_app(engine, me="Iryna Bondar")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        listing = screen(app).listing
        assert len(listing.items) == listing.capacity < 63
        await pilot.press("pagedown")
        assert (listing.cursor, listing.top) == (listing.capacity, 1)
        await pilot.press("pagedown")
        assert (listing.cursor, listing.top) == (62, 63 - listing.capacity), "stops at the last"
        await pilot.press("t")
        await written(pilot)
        assert app.running is not None
        assert app.running.entry.task_id == listing.selected.id
    assert pendulum.instance(app.running.entry.start) == frozen


def test_snapshot_inbox_with_requests(inbox, make_app, snap_compare):
    engine, _ids = inbox
    assert snap_compare(make_app(engine), terminal_size=SIZE, press=["i", "j"])
