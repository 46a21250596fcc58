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
from model.retro import sprint_numbers
from model.sprints import find_sprint
from model.tables import ClientPlan, SprintState, Status
from model.tasks import create_task
from tests.conftest import ZONE
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
