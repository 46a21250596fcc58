"""One whole week in the app, by keys, under a clock that moves on: Monday's plan and
agreement, two stand-ups a day, a fire triaged, a timer, Friday's retro, the close, its
undo and the close again, and Monday's new sprint.

At each step the retro's figures are checked against a count made here from the store's
rows (events and plans read with plain SQL), not through the model's retro code.
"""

from __future__ import annotations

import pendulum
import time_machine
from sqlalchemy import text

from model import clock
from model.inbox import capture
from model.sprints import find_sprint
from model.standup import standup_at
from model.tables import SprintState, Status
from model.tasks import get_task
from tests.agency import build
from tests.conftest import ZONE
from tests.tui.test_board import board
from tests.tui.test_plan import plan, select_client, select_task
from tests.tui.test_retro_close import kyiv
from tests.tui.writing import written
from tui.screens.retro import RetroScreen

SIZE = (120, 36)
WEEK = pendulum.date(2026, 11, 16)


def counted(engine, *, sprint_id: int) -> dict[str, int]:
    """The retro's figures as the rows tell them: tasks in the sprint, those that joined
    it after their client agreed the plan, those done, and the stand-ups held."""
    with engine.connect() as connection:
        in_sprint = connection.execute(
            text(
                "SELECT id, client_id, status FROM task"
                " WHERE sprint_id = :s AND archived_at IS NULL"
            ),
            {"s": sprint_id},
        ).all()
        agreed = dict(
            connection.execute(
                text(
                    "SELECT client_id, agreed_at FROM clientplan"
                    " WHERE sprint_id = :s AND agreed_at IS NOT NULL"
                ),
                {"s": sprint_id},
            ).all()
        )
        joined = dict(
            connection.execute(
                text(
                    "SELECT task_id, MAX(at) FROM taskevent"
                    " WHERE field = 'sprint_id' AND new = :key GROUP BY task_id"
                ),
                {"key": str(sprint_id)},
            ).all()
        )
        standups = connection.execute(
            text("SELECT COUNT(*) FROM standup WHERE finished_at IS NOT NULL")
        ).scalar_one()
    added = sum(
        1
        for task_id, client_id, _status in in_sprint
        if client_id in agreed
        and task_id in joined
        and str(joined[task_id]) > str(agreed[client_id])
    )
    return {
        "planned": len(in_sprint) - added,
        "added": added,
        "done": sum(1 for *_ids, status in in_sprint if status == Status.DONE),
        "standups": standups,
    }


def shown(app) -> dict[str, int]:
    assert isinstance(app.screen, RetroScreen)
    numbers = app.screen.view.numbers
    return {
        "planned": numbers.planned,
        "added": numbers.added,
        "done": numbers.done,
        "standups": numbers.standups,
    }


async def select_card(pilot, task_id: int) -> None:
    """Walk the board's columns and cards by keys until the card is selected."""
    await pilot.press(*"hhhhhhh")
    for _column in range(7):
        for _card in range(20):
            if board(pilot.app).selected and board(pilot.app).selected.id == task_id:
                return
            await pilot.press("j")
        await pilot.press(*"kkkkkkkkkkkkkkkkkkkk", "l")
    raise AssertionError(f"task {task_id} is not on the board")


async def test_a_whole_week_by_keys(store, make_app):
    with time_machine.travel(kyiv(16, 9), tick=False) as traveller:
        clock.set_zone(name=ZONE)
        ids = build(store)
        sprint_id = find_sprint(store, week_start=WEEK).id
        app = make_app(store, me="Olena Koval")
        async with app.run_test(size=SIZE) as pilot:
            # Monday 09:30: plan the week and agree it with two clients.
            traveller.move_to(kyiv(16, 9, 30))
            await pilot.press("2")
            await select_task(pilot, ids["Настроить ремаркетинг"])
            await pilot.press("space", "l")  # to the sprint's pane
            for code in ("NWB", "MK"):
                await select_client(pilot, ids[code])
                await pilot.press("g")
            assert get_task(store, task_id=ids["Настроить ремаркетинг"]).sprint_id == sprint_id

            # Monday 11:00 and 16:00: the stand-ups, each member's turn, then F.
            for hour in (11, 16):
                traveller.move_to(kyiv(16, hour))
                app._tick()  # the second's tick: the app, on the stand-up, turns to this slot
                await pilot.press("3", "tab", "tab", "F")
                await pilot.pause()
                assert standup_at(store, slot_at=kyiv(16, hour)).finished_at is not None

            # Monday 12:30: a fire comes in from the shell and is triaged in the inbox.
            traveller.move_to(kyiv(16, 12, 30))
            fire = capture(store, line="NWB: the site is down", today=clock.today(), fire=True)
            await pilot.press("i")
            await pilot.pause()
            await pilot.press("f")
            await written(pilot)
            await pilot.pause()
            assert get_task(store, task_id=fire.id).sprint_id == sprint_id

            # Tuesday 10:00 to 12:00: a timer on the PPC report.
            traveller.move_to(kyiv(17, 10))
            await pilot.press("1")
            await select_card(pilot, ids["Monthly PPC report"])
            await pilot.press("t")
            await written(pilot)
            traveller.move_to(kyiv(17, 12))
            await pilot.press("t")
            await written(pilot)
            assert app.running is None

            # Wednesday: the SEO report passes review.
            traveller.move_to(kyiv(18, 15))
            await select_card(pilot, ids["Звіт з SEO за жовтень"])
            await pilot.press("L")
            await written(pilot)
            assert get_task(store, task_id=ids["Звіт з SEO за жовтень"]).status == Status.DONE

            # Friday 17:00: the retro, the close, its undo and the close again.
            traveller.move_to(kyiv(20, 17))
            await pilot.press("4")
            expected = counted(store, sprint_id=sprint_id)
            assert expected["added"] == 1 and expected["standups"] == 2
            assert shown(app) == expected
            await pilot.press("C", "y")
            await pilot.pause()
            assert find_sprint(store, week_start=WEEK).state == SprintState.CLOSED
            assert shown(app) == expected
            traveller.move_to(kyiv(20, 17, 1))
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert find_sprint(store, week_start=WEEK).state == SprintState.OPEN
            assert shown(app) == expected == counted(store, sprint_id=sprint_id)
            traveller.move_to(kyiv(20, 17, 2))
            await pilot.press("C", "y")
            await pilot.pause()
            assert shown(app) == expected
            unfinished = {ids["Set up remarketing in Google Ads"], ids["Monthly PPC report"]}

            # Monday 09:00: the app, left open, is in the new week.
            traveller.move_to(kyiv(23, 9))
            app._tick()
            await pilot.pause()
            following = find_sprint(store, week_start=WEEK.add(weeks=1))
            assert app.now.sprint.id == app.now.week_sprint.id == following.id
            assert shown(app)["planned"] >= len(unfinished)
            await pilot.press("2")
            assert plan(app).sprint.id == following.id
            carried = {row.task.id for row in plan(app).panes[1].rows if row.task is not None}
            assert unfinished <= carried
            assert all(get_task(store, task_id=t).carried_over == 1 for t in unfinished)
