"""A new agency on an empty store, by keys alone: from the setup to a running timer.

Nothing here is prepared in the store: every client, member, budget and contact
is typed, as a new user would.
"""

from __future__ import annotations

import time_machine

from model.budgets import budget_status
from model.clients import find_client
from model.contacts import contacts_of
from model.members import find_member, team
from model.tables import Status
from model.tasks import get_task
from tests.conftest import FROZEN_AT
from tui.screens.board import BoardScreen
from tui.screens.setup import SetupScreen

SIZE = (120, 36)


def screen_text(app) -> str:
    """What the screen shows now (its SVG, whose text is the screen's)."""
    return app.export_screenshot()


async def type_in(pilot, *keys: str) -> None:
    for key in keys:
        if len(key) > 1 and key not in ("enter", "tab", "escape", "down", "up", "ctrl+u", "slash"):
            await pilot.press(*key)
        else:
            await pilot.press(key)
    await pilot.pause()


async def test_an_empty_store_opens_the_setup_and_ends_with_a_running_timer(
    store, frozen, make_app
):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        # 1 · me
        await type_in(
            pilot, "Olena Kovalenko", "enter", "enter", "account manager", "enter", "30", "enter"
        )
        me = find_member(store, name="OK")
        assert me is not None and app.me_id == me.id and app.config.me == "Olena Kovalenko"
        # 2 · the agency: language and sprint day as shown, the zone and stand-ups confirmed
        await type_in(pilot, "tab", "tab", "enter", "enter")
        assert app.config.language == "en" and app.config.time_zone == "Europe/Kyiv"
        # 3 · two clients with their paid hours
        await type_in(pilot, "Northwind Bank", "enter", "nwb", "enter", "40", "enter")
        await type_in(pilot, "Brightcart", "enter", "BC", "enter", "20", "enter")
        await type_in(pilot, "enter")  # an empty name: on to the colleagues
        # 4 · two colleagues
        await type_in(pilot, "Dmytro Savchuk", "enter", "PPC", "enter", "40", "enter")
        await type_in(pilot, "Iryna Melnyk", "enter", "SEO", "enter", "32", "enter")
        assert [m.initials for m in team(store)] == ["DS", "IM", "OK"]
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, BoardScreen)

        # a contact at the client, from its detail
        await type_in(pilot, "6", "slash", "northwind", "enter", "enter")
        await type_in(pilot, "C", "Anna Petrenko", "enter", "Marketing lead", "enter")
        await type_in(pilot, "anna@nwb.test", "enter", "enter", "enter", "enter")
        nwb = find_client(store, text="NWB")
        assert [c.name for c in contacts_of(store, client_id=nwb.id)] == ["Anna Petrenko"]
        await pilot.press("escape")

        # a request captured and accepted into the sprint for me
        await type_in(pilot, "i", "c", "Landing page copy", "tab", "enter", "down", "down", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await type_in(pilot, "a", "down", "down", "down", "enter", "ctrl+u", "2", "enter")
        task = get_task(store, task_id=1)
        assert (task.client_id, task.status, task.assignee_id, task.sprint_id) == (
            nwb.id,
            Status.TODO,
            me.id,
            app.now.sprint.id,
        )

        # my timer on it, an hour of work, and the client's hours move
        assert budget_status(store, client_id=nwb.id).spent_hours == 0
        await type_in(pilot, "1", "l")
        assert app.screen.selected_task_id() == task.id
        await type_in(pilot, "t")
        assert app.running is not None and app.running.entry.task_id == task.id
        with time_machine.travel(FROZEN_AT.add(hours=1), tick=False):
            await type_in(pilot, "t")
            assert app.running is None
            assert budget_status(store, client_id=nwb.id).spent_hours == 1
            await type_in(pilot, "6")
            table = app.screen.query_one("#clients")
            burn = {
                str(table.get_row_at(r)[1]).split()[0]: str(table.get_row_at(r)[2])
                for r in range(table.row_count)
            }
            # the list still holds its /northwind filter: 1 of 40 paid hours, half to even
            assert burn == {"NWB": "2%"}


async def test_a_refused_step_says_why_keeps_the_typing_and_changes_nothing(
    store, frozen, make_app
):
    from model.clients import create_client
    from tests.agency import contents

    create_client(store, values={"name": "Northwind Bank", "code": "NWB"})
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        app.screen.query_one("#client-name").focus()
        before = contents(store)
        await type_in(pilot, "Other Bank", "enter", "nwb", "enter", "10", "enter")
        assert contents(store) == before
        assert app.screen.query_one("#client-name").value == "Other Bank"
        assert app.screen.focused.id == "client-code"
        (toast,) = [n for n in app._notifications if n.severity == "error"]
        assert "the code NWB is taken by Northwind Bank" in toast.message


async def test_a_trello_board_brought_in_at_the_setup_makes_its_client(store, frozen, make_app):
    from pathlib import Path

    board = Path(__file__).resolve().parents[1] / "fixtures" / "trello" / "board.json"
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#trello-file").focus()
        await type_in(pilot, str(board), "enter", "shop", "enter")
        shop = find_client(store, text="SHOP")
        assert shop.code == "SHOP"
        assert "Imported" in list(app._notifications)[-1].message


async def test_on_a_shared_store_a_newcomer_picks_themselves(store, frozen, make_app):
    from model.members import add_member

    add_member(store, values={"name": "Dmytro Savchuk"})
    add_member(store, values={"name": "Iryna Melnyk"})
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.focused.id == "me-pick"
        await type_in(pilot, "down", "down", "enter")  # the list opens with nobody picked
        assert app.config.me == "Iryna Melnyk"
        assert "1 · You ✓" in str(app.screen.query_one("#me-title").render())


def board_text(app) -> str:
    """The selected column's text, its wrapped lines joined."""
    return " ".join(app.screen.column.render().plain.split())


async def test_an_empty_board_says_where_to_begin(store, frozen, make_app):
    """The selected column without cards says what to do: add a client first on an empty
    store, then create a task; under a filter that hides every card, that it does."""
    from model.clients import create_client

    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")  # the setup, later
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert "No clients yet · ctrl+p, then Set up, adds them" in board_text(app)
        create_client(store, values={"name": "Northwind Bank", "code": "NWB"})  # a colleague
        app.screen.reload_after_others()
        await pilot.pause()
        assert "No clients yet" not in board_text(app)
        assert "Nothing here yet · c creates a task" in board_text(app)
        await pilot.press("slash", *"nothing-like-it", "enter")
        await pilot.pause()
        assert "Nothing here matches the filter · / changes it" in board_text(app)
