"""The Plan screen driven by keys, and its snapshot."""

from __future__ import annotations

import stat
import threading

import pendulum
import pytest
import time_machine
from sqlmodel import select

from model import clock
from model.db import reading, transaction
from model.files import reports_dir
from model.occurrences import set_rule
from model.planning import added_mid_sprint, snapshot_text
from model.recurrence import Rule
from model.tables import ClientPlan, RecurrenceKind, Status, TimeEntry
from model.task_steps import toggle_sprint
from model.tasks import ValidationError, create_task, get_task
from model.timetrack import running_entry
from model.weeks import as_date
from tests.tui.writing import written
from tui.screens.plan import PlanScreen

SIZE = (120, 36)
ME = "Dmytro Shevchenko"


def plan(app) -> PlanScreen:
    assert isinstance(app.screen, PlanScreen)
    return app.screen


async def walk_to(pilot, found) -> None:
    """Move the active pane's cursor down, then up, until `found(row)` holds."""
    screen = plan(pilot.app)
    for key in ("j", "k"):
        for _ in range(len(screen.pane.rows)):
            if screen.pane.selected is not None and found(screen.pane.selected):
                return
            await pilot.press(key)
    raise AssertionError("no such row in the pane")


async def select_task(pilot, task_id: int) -> None:
    await walk_to(pilot, lambda row: row.task is not None and row.task.id == task_id)


async def select_client(pilot, client_id: int) -> None:
    await walk_to(pilot, lambda row: row.task is None and row.client.client_id == client_id)


def pane_task_ids(pane) -> list[int]:
    return [row.task.id for row in pane.rows if row.task is not None]


async def test_the_backlog_and_this_weeks_sprint(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = plan(app)
        assert screen.sprint.id == app.now.sprint.id
        backlog, sprint = screen.panes
        assert set(pane_task_ids(backlog)) == {
            ids["Настроить ремаркетинг"],
            *(ids[title] for title in ("[bold]x[/]", "[link=http://a]y", "\x1b[2J clear")),
            *(ids[title] for title in ("Запуск 🚀 кампанії", "שלום עולם")),
        }
        assert pane_task_ids(backlog)[-1] == ids["Настроить ремаркетинг"], "low priority sinks"
        assert ids["Set up remarketing in Google Ads"] in pane_task_ids(sprint)
        headers = [row.client.code for row in sprint.rows if row.task is None and row.note is None]
        assert headers == ["NWB", "KZ", "MK"], "every client, planned or not"


async def test_a_smaller_terminal_keeps_the_selection_in_view_without_reading_again(
    agency, make_app, monkeypatch
):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "tab")
        screen = plan(app)
        await walk_to(pilot, lambda row: row is screen.pane.rows[-1])
        reads = []
        monkeypatch.setattr(screen, "reload", lambda: reads.append(1))
        await pilot.resize_terminal(120, 12)
        await pilot.pause()
        pane = screen.pane
        assert pane.top <= pane.cursor < pane.top + pane.capacity
        assert pane.cursor == len(pane.rows) - 1
        assert not reads


async def test_space_plans_a_task_into_the_sprint_and_undo_takes_it_back(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    task_id = ids["Настроить ремаркетинг"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await select_task(pilot, task_id)
        await pilot.press("space")
        await written(pilot)
        task = get_task(engine, task_id=task_id)
        assert (task.sprint_id, task.status) == (app.now.sprint.id, Status.TODO)
        backlog, sprint = plan(app).panes
        assert task_id in pane_task_ids(sprint) and task_id not in pane_task_ids(backlog)
        await pilot.press("ctrl+z")
        await written(pilot)
        task = get_task(engine, task_id=task_id)
        assert (task.sprint_id, task.status) == (None, Status.BACKLOG)
        assert task_id in pane_task_ids(plan(app).panes[0])


async def test_enter_takes_a_task_out_of_the_sprint(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    task_id = ids["Set up remarketing in Google Ads"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "l")
        await select_task(pilot, task_id)
        await pilot.press("enter")
        await written(pilot)
        assert get_task(engine, task_id=task_id).sprint_id is None
        assert task_id in pane_task_ids(plan(app).panes[0])


async def test_done_work_stays_in_the_sprint(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    task_id = ids["Landing page A/B test"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "l")
        await select_task(pilot, task_id)
        await pilot.press("space")
        await written(pilot)
        assert get_task(engine, task_id=task_id).sprint_id == app.now.sprint.id
        assert len(app.undo_stack) == 0


async def test_mark_agreed_then_a_later_addition_counts_as_mid_sprint(agency, make_app, frozen):
    engine, ids = agency
    app = make_app(engine)
    added = ids["[bold]x[/]"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "l")
        await select_client(pilot, ids["KZ"])
        await pilot.press("g")
        with reading(engine) as session:
            agreed = session.exec(select(ClientPlan).where(ClientPlan.client_id == ids["KZ"])).one()
        assert agreed.agreed_at == clock.now()
        kz = next(c for c in plan(app).view.clients if c.client_id == ids["KZ"])
        assert kz.agreed_at is not None and not kz.change.changed

        with time_machine.travel(frozen.add(hours=2), tick=False):
            await pilot.press("h")
            await select_task(pilot, added)
            await pilot.press("space")
            await written(pilot)
        assert added_mid_sprint(engine, sprint_id=app.now.sprint.id) == {added}
        kz = next(c for c in plan(app).view.clients if c.client_id == ids["KZ"])
        assert kz.change.added == (added,)
        planned = {task.id: task for task in plan(app).view.planned[ids["KZ"]]}
        assert planned[added].added_mid_sprint

        await pilot.press("ctrl+z", "ctrl+z")
        await written(pilot)
        with reading(engine) as session:
            undone = session.exec(select(ClientPlan).where(ClientPlan.client_id == ids["KZ"])).one()
        assert undone.agreed_at is None
        assert get_task(engine, task_id=added).sprint_id is None


async def test_y_copies_the_clients_plan_and_writes_it(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "l")
        await select_client(pilot, ids["NWB"])
        await pilot.press("y")
        text = app.clipboard
        assert text.startswith("# Plan for Northwind Bank: 16 November – 22 November 2026")
        assert "- Fix tracking on the card form (1 h, due Wed 18 Nov)" in text
        assert "- Monthly PPC report (2 h, due Wed 18 Nov)" in text
        assert "Total: 6 h" in text
        path = reports_dir() / "plan-NWB-2026-W47.md"
        assert path.read_text(encoding="utf-8") == text
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_n_plans_next_week_and_p_comes_back_to_this_one(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    this_week = as_date(app.now.sprint.week_start)
    task_id = ids["Настроить ремаркетинг"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "N")
        screen = plan(app)
        assert as_date(screen.sprint.week_start) == this_week.add(weeks=1)
        assert pane_task_ids(screen.panes[1]) == []
        assert "planning ahead" in screen.query_one("DeckHeader").scope
        await select_task(pilot, task_id)
        await pilot.press("space")
        await written(pilot)
        assert get_task(engine, task_id=task_id).sprint_id == screen.sprint.id != app.now.sprint.id
        await pilot.press("P")
        assert screen.sprint.id == app.now.sprint.id
        await pilot.press("P")
        assert screen.sprint.id == app.now.sprint.id, "past sprints are not planned"


async def test_assign_and_due_work_as_on_the_board(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    task_id = ids["Настроить ремаркетинг"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await select_task(pilot, task_id)
        await pilot.press("a")
        assert app.screen.__class__.__name__ == "PickDialog"
        await pilot.press("down", "enter")
        await written(pilot)
        assert get_task(engine, task_id=task_id).assignee_id is not None
        await pilot.press("d", *"+3d", "enter")
        await written(pilot)
        assert get_task(engine, task_id=task_id).due_date == clock.today().add(days=3)
        await pilot.press("e")
        assert app.screen.__class__.__name__ == "CardScreen"


async def test_t_times_the_selected_task(agency, make_app):
    engine, ids = agency
    app = make_app(engine, me=ME)
    task_id = ids["Monthly PPC report"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "l")
        await select_task(pilot, task_id)
        await pilot.press("t")
        await written(pilot)
        running = running_entry(engine, member_id=ids["DS"])
        assert running is not None and running.entry.task_id == task_id


def overload_ds(engine, ids) -> int:
    """32 h more for DS in this week's sprint: 38 h against 36.5 h. The sprint's id."""
    return create_task(
        engine,
        client_id=ids["NWB"],
        title="Quarterly media plan",
        status=Status.TODO,
        estimate_hours=32,
        assignee_id=ids["DS"],
        sprint_id=get_task(engine, task_id=ids["Monthly PPC report"]).sprint_id,
    ).sprint_id


def seo_hours(engine, ids, *, days: tuple[int, ...], start_hour: int, hours: int) -> None:
    """IB's time on MK's SEO report (billable), one entry on each of these November days."""
    with transaction(engine) as session:
        for day in days:
            start = pendulum.datetime(2026, 11, day, start_hour, tz="Europe/Kyiv")
            session.add(
                TimeEntry(
                    task_id=ids["Звіт з SEO за жовтень"],
                    member_id=ids["IB"],
                    start=start,
                    end=start.add(hours=hours),
                )
            )


def test_plan_with_an_overloaded_member_and_an_over_budget_client(
    agency, make_app, snap_compare, frozen
):
    """DS holds 38 h against 36.5 h; MK has 4 h of its month left for 5 h planned.

    NWB agreed on Monday and got a task since, so its plan shows what changed.
    """
    engine, ids = agency
    sprint_id = overload_ds(engine, ids)
    later = create_task(
        engine, client_id=ids["NWB"], title="Add call tracking", status=Status.BACKLOG
    )
    seo_hours(engine, ids, days=(2, 3, 4, 5), start_hour=9, hours=9)
    with transaction(engine) as session:
        monday = pendulum.datetime(2026, 11, 16, 10, 15, tz="Europe/Kyiv")
        session.add(
            ClientPlan(
                sprint_id=sprint_id,
                client_id=ids["NWB"],
                agreed_at=monday,
                agreed_snapshot=snapshot_text(
                    estimates={
                        ids["Set up remarketing in Google Ads"]: 3.0,
                        ids["Monthly PPC report"]: 2.0,
                        ids["Fix tracking on the card form"]: 1.0,
                    }
                ),
            )
        )
    toggle_sprint(engine, task_id=later.id, sprint_id=sprint_id, label="plan", who=None)
    assert snap_compare(make_app(engine), terminal_size=SIZE, press=["2"])


async def test_planning_next_week_makes_its_recurring_task_once(agency, make_app):
    engine, ids = agency
    pattern = create_task(
        engine,
        client_id=ids["NWB"],
        title="Weekly report",
        status=Status.BACKLOG,
        assignee_id=ids["DS"],
        estimate_hours=1,
    )
    set_rule(
        engine,
        task_id=pattern.id,
        rule=Rule(kind=RecurrenceKind.WEEKLY, since=clock.today(), weekday=5),
        since=clock.today().add(weeks=1).start_of("week"),
    )
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = plan(app)
        assert "Weekly report" not in [row.task.title for row in screen.panes[1].rows if row.task]
        await pilot.press("N")
        await pilot.pause()
        [copy] = [row.task for row in screen.panes[1].rows if row.task is not None]
        assert (copy.title, copy.assignee_id) == ("Weekly report", ids["DS"])
        assert copy.due_date == as_date(screen.sprint.week_start).add(days=4)
        await pilot.press("P", "N")
        await pilot.pause()
        assert pane_task_ids(screen.panes[1]) == [copy.id]


async def test_s_saves_the_clients_sprint_and_t_plans_it_next_week(agency, make_app):
    from tui.dialogs.pick import PickDialog
    from tui.dialogs.text import TextDialog

    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "l")
        screen = plan(app)
        await select_client(pilot, ids["NWB"])
        await pilot.press("s")
        assert isinstance(app.screen, TextDialog)
        answer = app.screen.query_one("#answer")
        assert answer.value == "NWB 2026-W47"
        answer.value = "PPC week"
        await pilot.press("enter")
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == "Template PPC week saved: 3 tasks"
        await pilot.press("N")
        assert pane_task_ids(screen.panes[1]) == []
        await select_client(pilot, ids["NWB"])
        await pilot.press("T")
        assert isinstance(app.screen, PickDialog)
        assert app.screen.labels == ["PPC week · 3 tasks · 6h"]
        await pilot.press("enter")
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == "3 tasks planned from PPC week"
        assert len(pane_task_ids(screen.panes[1])) == 3
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert pane_task_ids(screen.panes[1]) == []


async def test_t_without_templates_says_how_to_make_one(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "l")
        await select_client(pilot, ids["MK"])
        await pilot.press("T")
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == (
            "Меблі Карпат has no templates yet: s saves a planned sprint as one"
        )


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x36", "80x24"])
async def test_plan_shows_the_weeks_utilisation_and_warns_of_an_overloaded_member(
    agency, make_app, frozen, size
):
    """IB recorded 30 billable hours of 40 available this week: 75 %, in the 70–85 % band.
    DS holds 38 h against 36.5 h of capacity: a warning on top, on either terminal."""
    from tests.tui.test_sizes import on_screen, settle

    engine, ids = agency
    overload_ds(engine, ids)
    seo_hours(engine, ids, days=(16, 17), start_hour=7, hours=15)
    app = make_app(engine)
    async with app.run_test(size=size) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert on_screen(app, "⚠ DS over capacity: 104 %")
        assert on_screen(app, "IB █░░░░░ 4/36.5h 75%✓")
        assert on_screen(app, "OK ░░░░░░ 1/36.5h 0%↓")
        assert not on_screen(app, "⚠ IB") and not on_screen(app, "⚠ OK")


async def test_a_toggle_shows_before_it_is_written(agency, make_app, monkeypatch):
    """The task is on the sprint side at once, while its write still waits; the stored
    plan follows once written."""
    import tui.screens.plan as plan_module

    engine, ids = agency
    app = make_app(engine)
    task_id = ids["Настроить ремаркетинг"]
    release = threading.Event()

    def held(*args, **kwargs):
        assert release.wait(timeout=30), "never released"
        return toggle_sprint(*args, **kwargs)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await select_task(pilot, task_id)
        monkeypatch.setattr(plan_module, "toggle_sprint", held)
        await pilot.press("space")
        backlog, sprint = plan(app).panes
        assert task_id in pane_task_ids(sprint) and task_id not in pane_task_ids(backlog)
        assert get_task(engine, task_id=task_id).sprint_id is None, "not yet written"
        assert len(app.undo_stack) == 0, "nothing undoable before it is stored"
        release.set()
        await written(pilot)
        assert get_task(engine, task_id=task_id).sprint_id == app.now.sprint.id
        assert task_id in pane_task_ids(plan(app).panes[1]) and len(app.undo_stack) == 1


async def test_a_refused_toggle_puts_the_plan_back_and_says_why(agency, make_app, monkeypatch):
    import tui.screens.plan as plan_module

    engine, ids = agency
    app = make_app(engine)
    task_id = ids["Настроить ремаркетинг"]

    def refused(*_args, **_kwargs):
        raise ValidationError("someone closed this sprint meanwhile")

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await select_task(pilot, task_id)
        monkeypatch.setattr(plan_module, "toggle_sprint", refused)
        await pilot.press("space")
        await written(pilot)
        backlog, sprint = plan(app).panes
        assert task_id in pane_task_ids(backlog) and task_id not in pane_task_ids(sprint)
        assert get_task(engine, task_id=task_id).sprint_id is None
        assert "someone closed this sprint meanwhile" in [n.message for n in app._notifications]
