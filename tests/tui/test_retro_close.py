"""The retro screen's `C` `y`, `ctrl+z` and `C` `y` again: the numbers it shows stay the same.

The small agency's sprint is this week's (2026-W47); NWB agreed its plan on
Monday, so its tasks made on Wednesday were added mid-sprint and the one made on
Monday morning was planned; MK never agreed and its tasks count as planned.
"""

from __future__ import annotations

import dataclasses

import pendulum

from model import clock
from model.db import transaction
from model.retro.numbers import sprint_numbers
from model.sprints import find_sprint
from model.tables import ClientPlan, SprintState, Status
from model.tasks import create_task
from tests.conftest import ZONE
from tests.tui.writing import written
from tui.screens.retro import RetroScreen

SIZE = (120, 36)
THIS_WEEK = pendulum.date(2026, 11, 16)


def kyiv(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=ZONE)


def shown(app):
    assert isinstance(app.screen, RetroScreen)
    return app.screen.view


async def test_close_undo_and_close_again_show_the_same_numbers(agency, make_app):
    engine, ids = agency
    sprint = find_sprint(engine, week_start=THIS_WEEK)
    with transaction(engine) as session:
        session.add(ClientPlan(sprint_id=sprint.id, client_id=ids["NWB"], agreed_at=kyiv(16, 12)))
        session.add(ClientPlan(sprint_id=sprint.id, client_id=ids["MK"], planned_hours=5))
    with clock.freeze(at=kyiv(16, 10)):  # in the plan before NWB agreed it
        create_task(
            engine, client_id=ids["NWB"], title="Audit", status=Status.TODO, sprint_id=sprint.id
        )
    app = make_app(engine, me="Olena Koval")
    async with app.run_test(size=SIZE) as pilot:
        with clock.freeze(at=kyiv(20, 17)):
            await pilot.press("4")
            before = shown(app).numbers
            assert before.planned > 0 and before.added > 0
            await pilot.press("C", "y")
            assert shown(app).closed and shown(app).numbers == before
        with clock.freeze(at=kyiv(20, 17, 1)):
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert not shown(app).closed
            assert find_sprint(engine, week_start=THIS_WEEK).state == SprintState.OPEN
            assert (shown(app).numbers.planned, shown(app).numbers.added) == (
                before.planned,
                before.added,
            )
        with clock.freeze(at=kyiv(20, 17, 2)):
            await pilot.press("C", "y")
            again = shown(app).numbers
            assert shown(app).closed
        assert dataclasses.replace(again, waiting_days=0) == dataclasses.replace(
            before, waiting_days=0
        )
        with clock.freeze(at=kyiv(20, 17, 3)):
            assert sprint_numbers(engine, sprint_id=sprint.id) == again


# --- after the close: "now" moves on --------------------------------------------------------


async def test_after_the_close_inbox_and_plan_put_work_into_next_week(agency, make_app):
    from model.inbox import capture
    from model.tasks import get_task
    from tests.tui.test_plan import pane_task_ids, plan, select_task

    engine, ids = agency
    next_week = THIS_WEEK.add(weeks=1)
    app = make_app(engine, me="Olena Koval")
    async with app.run_test(size=SIZE) as pilot:
        with clock.freeze(at=kyiv(20, 17)):
            await pilot.press("4", "C", "y")
            assert find_sprint(engine, week_start=THIS_WEEK).state == SprintState.CLOSED
            assert "W48" in " ".join(app.header_facts())
            request = capture(engine, line="KZ: new price list", today=clock.today()).id
            await pilot.press("i")
            await pilot.pause()
            await pilot.press("a", "enter", "enter")
            await pilot.pause()
            taken = get_task(engine, task_id=request)
            assert taken.sprint_id == find_sprint(engine, week_start=next_week).id

            await pilot.press("2")
            screen = plan(app)
            assert screen.sprint.week_start == next_week
            assert request in pane_task_ids(screen.panes[1])
            await pilot.press("P")
            assert screen.sprint.week_start == THIS_WEEK
            assert "closed, read-only" in screen.query_one("DeckHeader").scope
            before = get_task(engine, task_id=ids["Настроить ремаркетинг"])
            await select_task(pilot, before.id)
            await pilot.press("space")
            await written(pilot)
            assert get_task(engine, task_id=before.id).sprint_id == before.sprint_id
            assert any("is closed" in str(n.message) for n in app._notifications)
            await pilot.press("P")
            assert screen.sprint.week_start == THIS_WEEK, "no week before this one"


async def test_an_app_left_open_over_the_weekend_wakes_up_in_the_new_week(agency, make_app):
    from tests.tui.test_plan import plan

    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        with clock.freeze(at=kyiv(20, 18)):
            await pilot.press("2")
            assert plan(app).sprint.week_start == THIS_WEEK
        with clock.freeze(at=kyiv(23, 9)):
            app._tick()  # the second's tick finds a new day
            await pilot.pause()
            assert plan(app).sprint.week_start == THIS_WEEK.add(weeks=1)
            assert "W48" in plan(app).query_one("DeckHeader").scope
            await pilot.press("4")
            assert shown(app).sprint.week_start == THIS_WEEK.add(weeks=1)


async def test_a_new_sprint_weekday_moves_now_at_once(agency, make_app):
    from dataclasses import replace

    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        assert app.now.sprint.week_start == THIS_WEEK
        app.settle_config(replace(app.config, sprint_start="wednesday"))  # as setup saves it
        await pilot.pause()
        assert app.now.sprint.week_start == THIS_WEEK.add(days=2)
        assert app.screen.sprint.week_start == THIS_WEEK.add(days=2)
