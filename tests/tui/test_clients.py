"""The clients pane (mode 6) and a client's detail, driven by keys; and their snapshots.

The small agency gets what a client relationship leaves behind: contacts, a
planned meeting, a promise, a task waiting on the client for days, KPIs, a
hypothesis, an upsell idea and satisfaction scores.
"""

from __future__ import annotations

import pendulum
import pytest
from sqlmodel import select

from model import clock
from model.db import reading, transaction
from model.files import reports_dir
from model.i18n import language
from model.interactions import log_interaction
from model.kpis import add_hypothesis, add_idea, add_kpi, kpis, record_value
from model.promises import promise_task
from model.tables import (
    Channel,
    Client,
    ClientPlan,
    Contact,
    Interaction,
    InteractionKind,
    Satisfaction,
    Task,
)
from model.tasks import get_task
from tui.dialogs.pick import PickDialog
from tui.screens.client_detail import ClientDetailScreen
from tui.screens.clients import ClientsScreen, FormScreen
from tui.widgets import SteadyTable

SIZE = (120, 36)
KYIV = "Europe/Kyiv"


def kyiv(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=KYIV)


def enrich(engine, ids: dict[str, int]) -> None:
    """NWB silent since Friday with KPIs and a test; MK waiting on for six days; KZ agreed."""
    now = clock.now()
    with transaction(engine) as session:
        session.get(Client, ids["NWB"]).notes = "Compliance approves every ad text [2-3 days]."
        session.get(Client, ids["NWB"]).site = "northwindbank.com"
        session.add(
            Contact(
                client_id=ids["NWB"],
                name="Sophie Turner",
                role="Head of marketing",
                email="sophie@northwindbank.com",
            )
        )
        waiting = session.get(Task, ids["Approve banner set"])
        waiting.waiting_since = now.subtract(days=6)
        session.add(ClientPlan(sprint_id=waiting.sprint_id, client_id=ids["KZ"], agreed_at=now))
    log_interaction(
        engine,
        client_id=ids["NWB"],
        channel=Channel.EMAIL,
        summary="Sent the weekly report",
        at=kyiv(2026, 11, 13, 17),
    )
    log_interaction(
        engine,
        client_id=ids["NWB"],
        channel=Channel.CALL,
        summary="Quarterly review [bold]plan[/]",
        at=kyiv(2026, 11, 20, 11),
    )
    log_interaction(
        engine, client_id=ids["MK"], channel=Channel.MESSENGER, summary="Узгодили банери"
    )
    log_interaction(
        engine,
        client_id=ids["KZ"],
        channel=Channel.CALL,
        summary="Созвон",
        at=kyiv(2026, 11, 16, 12),
    )
    promise_task(engine, task_id=ids["Звіт з SEO за жовтень"])
    cost = add_kpi(
        engine, client_id=ids["NWB"], name="Cost per lead", unit="UAH", baseline=320, target=250
    ).value
    for weeks, value in ((3, 310), (2, 295), (1, 280)):
        record_value(engine, kpi_id=cost.id, value=value, at=now.subtract(weeks=weeks))
    add_kpi(
        engine, client_id=ids["NWB"], name="Conversion rate", unit="%", baseline=1.8, target=2.4
    )
    add_hypothesis(
        engine,
        client_id=ids["NWB"],
        statement="A three-field form raises conversion",
        metric="CR ≥ 2.2%",
        budget="6 h",
        risk_note="fewer qualified leads",
        decision_on=pendulum.date(2026, 12, 4),
    )
    add_idea(engine, client_id=ids["NWB"], text="Remarketing on YouTube")
    with transaction(engine) as session:
        session.add(Satisfaction(client_id=ids["NWB"], at=kyiv(2026, 10, 20, 12), score=8))
        session.add(Satisfaction(client_id=ids["NWB"], at=kyiv(2026, 11, 10, 12), score=6))
        session.add(Satisfaction(client_id=ids["MK"], at=kyiv(2026, 11, 10, 12), score=9))


@pytest.fixture
def rich_agency(agency):
    engine, ids = agency
    enrich(engine, ids)
    return engine, ids


def contacts(engine, **where) -> list[Interaction]:
    with reading(engine) as session:
        query = select(Interaction).order_by(Interaction.id)
        for name, value in where.items():
            query = query.where(getattr(Interaction, name) == value)
        return list(session.exec(query).all())


def clients_screen(app) -> ClientsScreen:
    assert isinstance(app.screen, ClientsScreen)
    return app.screen


async def select_client(pilot, app, *, client_id: int) -> None:
    order = [health.signals.client_id for health in clients_screen(app).rows]
    await pilot.press(*["j"] * order.index(client_id))
    assert clients_screen(app).current_client_id() == client_id


async def open_client(pilot, app, *, client_id: int) -> ClientDetailScreen:
    await pilot.press("6")
    await select_client(pilot, app, client_id=client_id)
    await pilot.press("enter")
    assert isinstance(app.screen, ClientDetailScreen)
    return app.screen


async def select_task(pilot, detail: ClientDetailScreen, *, task_id: int) -> None:
    await pilot.press(*["j"] * detail.task_ids.index(task_id))
    assert detail.selected_task_id() == task_id


async def test_the_list_is_sorted_by_risk_and_other_keys(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        rows = clients_screen(app).rows
        assert [h.signals.code for h in rows] == ["MK", "NWB", "KZ"]
        assert [sorted(h.terms) for h in rows] == [
            ["broken_promises", "late_deadline", "overdue_promises", "plan", "waiting"],
            ["plan", "satisfaction", "silence"],
            [],
        ]
        assert rows[1].signals.silent_days == 3 and rows[1].silence_alert
        await pilot.press("s")
        assert clients_screen(app).sort == "name"
        assert [h.signals.code for h in clients_screen(app).rows] == ["NWB", "KZ", "MK"]
        assert clients_screen(app).current_client_id() == ids["MK"], "the selection stays"


async def test_slash_filters_clients_by_name_or_code(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6", "j")
        table = clients_screen(app).query_one("DataTable")
        await pilot.press("slash", *"north")
        assert [h.signals.code for h in clients_screen(app).rows] == ["NWB"]
        await pilot.press("enter")
        assert app.focused is table, "Enter hands the keys back to the table"
        await pilot.press("s")
        assert [h.signals.code for h in clients_screen(app).rows] == ["NWB"], "sorting keeps it"
        await pilot.press("escape")
        assert [h.signals.code for h in clients_screen(app).rows] == ["NWB", "KZ", "MK"]
        assert clients_screen(app).current_client_id() == ids["NWB"], "the selection stays"


async def test_the_list_keeps_its_drawn_cells_until_the_theme_changes(rich_agency, make_app):
    """Coming back to the list redraws nothing; a new theme redraws it in the new colours."""
    engine, _ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        table = app.screen.query_one(SteadyTable)
        drawn = dict(table._cell_render_cache)
        assert drawn
        await pilot.press("1", "6")
        await pilot.pause()
        assert all(table._cell_render_cache.get(key) is cell for key, cell in drawn.items())
        app.theme = "clientdeck-light"
        await pilot.pause()
        assert not any(table._cell_render_cache.get(key) is cell for key, cell in drawn.items())


async def test_log_an_interaction_in_two_steps_then_undo(rich_agency, make_app, frozen):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await select_client(pilot, app, client_id=ids["NWB"])
        await pilot.press("n")
        assert app.screen.__class__.__name__ == "PickDialog"
        await pilot.press("down", "down", "enter")  # email, chat, call
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Agreed [the] budget", "enter", "enter")
        assert isinstance(app.screen, ClientsScreen)
        (logged,) = contacts(engine, summary="Agreed [the] budget")
        assert (logged.channel, logged.client_id) == ("call", ids["NWB"])
        assert pendulum.instance(logged.at) == frozen
        nwb = next(h for h in clients_screen(app).rows if h.signals.client_id == ids["NWB"])
        assert nwb.signals.silent_days == 0 and not nwb.silence_alert
        await pilot.press("ctrl+z")
        assert contacts(engine, summary="Agreed [the] budget") == []


async def test_a_contact_cancelled_at_what_was_said_logs_nothing(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    before = [c.id for c in contacts(engine, client_id=ids["NWB"])]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await select_client(pilot, app, client_id=ids["NWB"])
        await pilot.press("n", "down", "enter")  # chat
        assert isinstance(app.screen, FormScreen), "the channel is answered"
        await pilot.press(*"Never sent", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
        assert len(app.undo_stack) == 0
    assert [c.id for c in contacts(engine, client_id=ids["NWB"])] == before


async def test_a_future_time_plans_a_meeting_and_a_bad_one_is_refused(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6", "n", "enter")  # email
        await pilot.press(*"Kick-off", "enter", *"someday", "enter")
        assert isinstance(app.screen, FormScreen), "a time that does not parse keeps the form"
        assert contacts(engine, summary="Kick-off") == []
        await pilot.press(*["backspace"] * 7, *"tomorrow 11:00", "enter")
        (planned,) = contacts(engine, summary="Kick-off")
        assert planned.channel == Channel.MEETING
        assert pendulum.instance(planned.at) == kyiv(2026, 11, 19, 11)


async def test_promise_a_task_from_the_detail(rich_agency, make_app):
    engine, ids = rich_agency
    task_id = ids["Set up remarketing in Google Ads"]
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_client(pilot, app, client_id=ids["NWB"])
        await select_task(pilot, detail, task_id=task_id)
        await pilot.press("o")
        assert get_task(engine, task_id=task_id).promised_at is not None
        assert "⚑" in str(detail.query_one("#tasks").get_row(str(task_id))[3])
        await pilot.press("ctrl+z")
        assert get_task(engine, task_id=task_id).promised_at is None


async def test_record_a_kpi_value_then_undo(rich_agency, make_app, frozen):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, app, client_id=ids["NWB"])
        await pilot.press("v")
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"abc", "enter")
        assert isinstance(app.screen, FormScreen), "not a number: nothing saved"
        await pilot.press(*["backspace"] * 3, *"265,5", "enter")
        assert isinstance(app.screen, ClientDetailScreen)
        cost = kpis(engine, client_id=ids["NWB"])[0]
        assert cost.current == 265.5 and cost.history[-1][0] == frozen
        assert "265.5 UAH" in str(app.screen.query_one("#kpis").get_row_at(0)[3])
        await pilot.press("ctrl+z")
        assert kpis(engine, client_id=ids["NWB"])[0].current == 280


async def test_nudge_a_waiting_task_restarts_nothing(rich_agency, make_app):
    engine, ids = rich_agency
    task_id = ids["Approve banner set"]
    before = get_task(engine, task_id=task_id)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_client(pilot, app, client_id=ids["MK"])
        assert detail.task_ids[0] == task_id, "what the client holds up comes first"
        await pilot.press("N")
        (nudged,) = contacts(engine, kind=InteractionKind.NUDGE)
        assert (nudged.task_id, nudged.client_id) == (task_id, ids["MK"])
        after = get_task(engine, task_id=task_id)
        assert (after.status, after.waiting_since) == ("waiting", before.waiting_since)
        assert "nudged 1×" in str(detail.query_one("#tasks").get_row(str(task_id))[3])
        await pilot.press("j", "N")
        assert len(contacts(engine, kind=InteractionKind.NUDGE)) == 1, (
            "only waiting tasks are nudged"
        )
        await pilot.press("ctrl+z")
        assert contacts(engine, kind=InteractionKind.NUDGE) == []


async def test_r_writes_copies_and_logs_the_weekly_report(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await select_client(pilot, app, client_id=ids["MK"])
        await pilot.press("r")
        assert isinstance(app.screen, PickDialog), "first the format"
        await pilot.press("enter")  # Markdown, the first
        path = reports_dir() / "week-MK-2026-W47.md"
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Weekly report for Меблі Карпат, 2026-W47")
        assert app.clipboard == text
        (sent,) = contacts(engine, kind=InteractionKind.REPORT)
        assert sent.client_id == ids["MK"]


async def test_r_writes_the_report_as_html_or_pdf_in_the_client_s_language(rich_agency, make_app):
    engine, ids = rich_agency
    with transaction(engine) as session:
        client = session.get(Client, ids["MK"])
        client.language = "uk"
        session.add(client)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await select_client(pilot, app, client_id=ids["MK"])
        await pilot.press("r", "down", "enter")
        page = (reports_dir() / "week-MK-2026-W47.html").read_text(encoding="utf-8")
        assert '<html lang="uk">' in page and "Щотижневий звіт для Меблі Карпат" in page
        assert app.clipboard != page, "a document is a file to send, not text to paste"
        assert language() == "en", "the UI goes on in its own language"
        await pilot.press("r", "down", "down", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        pdf = reports_dir() / "week-MK-2026-W47.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert len(contacts(engine, kind=InteractionKind.REPORT)) == 2


async def test_escape_on_the_format_writes_nothing(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await select_client(pilot, app, client_id=ids["MK"])
        await pilot.press("r", "escape")
        assert isinstance(app.screen, ClientsScreen)
        assert contacts(engine, kind=InteractionKind.REPORT) == []
        assert not any(reports_dir().glob("week-MK-*"))


async def test_satisfaction_from_0_to_10(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await select_client(pilot, app, client_id=ids["KZ"])
        await pilot.press("S", "1", "1", "enter", "enter")
        assert isinstance(app.screen, FormScreen)
        assert app.screen.focused.id == "f-score", "the wrong field takes the cursor back"
        await pilot.press("8", "enter", *"happy", "enter")
        kz = next(h for h in clients_screen(app).rows if h.signals.client_id == ids["KZ"])
        assert kz.signals.satisfaction == 8


async def test_add_a_hypothesis_and_write_its_result(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_client(pilot, app, client_id=ids["KZ"])
        await pilot.press("y", *"Video ads", "enter", *"CPL < 250", "enter", "enter", "enter")
        await pilot.press(*"+2w", "enter")
        assert isinstance(app.screen, ClientDetailScreen)
        (test,) = detail.hypothesis_rows
        assert (test.statement, test.decision_on.isoformat()) == ("Video ads", "2026-12-02")
        await pilot.press("tab", "tab", "enter", *"confirmed", "enter")
        assert detail.hypothesis_rows[0].result == "confirmed"
        await pilot.press("ctrl+z")
        assert detail.hypothesis_rows[0].result == ""


async def test_escape_goes_back_to_the_list(rich_agency, make_app):
    engine, ids = rich_agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, app, client_id=ids["KZ"])
        await pilot.press("escape")
        assert clients_screen(app).current_client_id() == ids["KZ"]


# --- snapshots -----------------------------------------------------------------------------


def test_snapshot_clients_sorted_by_risk(rich_agency, make_app, snap_compare):
    engine, _ids = rich_agency
    assert snap_compare(make_app(engine), terminal_size=SIZE, press=["6"])


def test_snapshot_client_detail(rich_agency, make_app, snap_compare):
    engine, _ids = rich_agency
    assert snap_compare(make_app(engine), terminal_size=SIZE, press=["6", "j", "enter"])


async def test_the_detail_says_the_hours_carried_into_the_month(rich_agency, make_app):
    """KZ sold 40 h a month carries since October, which used none of its hours."""
    engine, ids = rich_agency
    with transaction(engine) as session:
        client = session.get(Client, ids["KZ"])
        client.rollover, client.rollover_since = "carry", pendulum.date(2026, 10, 1)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_client(pilot, app, client_id=ids["KZ"])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "40 h + 40 h carried" in str(detail.query_one("#profile-text").content)


def test_snapshot_client_detail_with_carried_hours_at_80x24(rich_agency, make_app, snap_compare):
    """Every client carries since October: the budget line says what came in, and fits."""
    engine, _ids = rich_agency
    with transaction(engine) as session:
        for client in session.exec(select(Client)).all():
            client.rollover, client.rollover_since = "carry", pendulum.date(2026, 10, 1)
    assert snap_compare(make_app(engine), terminal_size=(80, 24), press=["6", "j", "enter"])
