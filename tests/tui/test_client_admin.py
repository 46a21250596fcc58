"""Clients managed where they are shown, by keys: create, edit, pause, archive, restore,
paid hours and contacts; every refusal leaves the store as it was."""

from __future__ import annotations

import pendulum

from model.budgets import budget_history
from model.clients import active_clients, find_client
from model.contacts import contacts_of
from model.tables import ClientStatus
from model.timetrack import start_timer
from tests.agency import contents
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.form import FormScreen
from tui.screens.clients import ClientsScreen

SIZE = (120, 36)


def select_client(app, client_id: int) -> None:
    screen = app.screen
    rows = [health.signals.client_id for health in screen.rows]
    screen.query_one("#clients").move_cursor(row=rows.index(client_id))


def shown_error(app, field: str) -> str:
    return str(app.screen.query_one(f"#error-{field}").render())


async def test_a_new_client_with_paid_hours_then_undo(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6", "c", *"ACME [bold]Corp", "enter", *"acme", "enter", *"25,5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
        acme = find_client(engine, text="ACME")
        assert acme.name == "ACME [bold]Corp"
        assert [(r.hours) for r in budget_history(engine, client_id=acme.id)] == [25.5]
        names = [health.signals.name for health in app.screen.rows]
        assert "ACME [bold]Corp" in names
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "ACME" not in [c.code for c in active_clients(engine)]


async def test_a_taken_code_is_refused_in_the_form_and_nothing_changes(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        before = contents(engine)
        await pilot.press("6", "c", *"Another bank", "enter", *"nwb", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "the code NWB is taken by Northwind Bank" in shown_error(app, "code")
        assert app.screen.query_one("#f-name").value == "Another bank"
        assert contents(engine) == before


async def test_edit_pause_and_paid_hours_from_a_past_month(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        select_client(app, ids["MK"])
        await pilot.press("e", "ctrl+u", *"Меблі Карпат UA", "ctrl+s")
        await pilot.pause()
        assert find_client(engine, text="MK").name == "Меблі Карпат UA"
        await pilot.press("p")
        await pilot.pause()
        assert find_client(engine, text="MK").status == ClientStatus.PAUSED
        table = app.screen.query_one("#clients")
        names = [str(table.get_row_at(row)[1]) for row in range(table.row_count)]
        assert [name for name in names if "paused" in name] == [" MK  Меблі Карпат UA · paused"]
        await pilot.press("B", "ctrl+u", *"30", "enter", "ctrl+u", *"2026-10", "enter")
        await pilot.pause()
        history = budget_history(engine, client_id=ids["MK"])
        assert pendulum.date(2026, 10, 1) in [row.from_month for row in history]
        warned = [n.message for n in app._notifications if "may be invoiced" in n.message]
        assert warned == [
            "2026-10 has passed and may be invoiced already: its report now shows the new hours"
        ]


async def test_archiving_a_client_with_a_running_timer_asks_and_stops_nothing(agency, make_app):
    engine, ids = agency
    start_timer(engine, task_id=ids["Monthly PPC report"], member_id=ids["DS"])
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        select_client(app, ids["NWB"])
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert find_client(engine, text="NWB").status == ClientStatus.ACTIVE
        await pilot.press("x", "y")
        await pilot.pause()
        assert "NWB" not in [c.code for c in active_clients(engine)]
        from model.timetrack import running_entry

        assert running_entry(engine, member_id=ids["DS"]) is not None  # the timer runs on
        await pilot.press("A", "enter")
        await pilot.pause()
        assert find_client(engine, text="NWB").status == ClientStatus.ACTIVE


async def test_contacts_are_added_edited_and_archived_from_the_detail(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        select_client(app, ids["KZ"])
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("C", *"Olga", "enter", *"CMO", "enter", *"not-an-email", "ctrl+s")
        await pilot.pause()
        assert "name@example.com" in shown_error(app, "email")
        await pilot.press("ctrl+u", *"olga@kz.example", "ctrl+s")
        await pilot.pause()
        assert [c.email for c in contacts_of(engine, client_id=ids["KZ"])] == ["olga@kz.example"]
        await pilot.press("E", "enter", "tab", "ctrl+u", *"Marketing", "ctrl+s")
        await pilot.pause()
        assert [c.role for c in contacts_of(engine, client_id=ids["KZ"])] == ["Marketing"]
        await pilot.press("X", "enter")
        await pilot.pause()
        assert contents(engine)["contact"] and contacts_of(engine, client_id=ids["KZ"]) == []
