"""Budget alerts in the app: a threshold crossed by stopping a timer is said once, and marks
the client's row, the board's header and the stand-up."""

from __future__ import annotations

import pendulum
import time_machine

from model.budgets import set_budget
from model.config import REMINDERS
from model.db import transaction
from model.tables import TimeEntry
from tests.conftest import ZONE
from tests.tui.writing import written

SIZE = (120, 36)
ME = "Dmytro Shevchenko"
BUDGET_ONLY = {**dict.fromkeys(REMINDERS, False), "budget": True}
NOON = pendulum.datetime(2026, 11, 18, 12, 0, tz=ZONE)


def kz_at_85_percent(engine, ids) -> None:
    """KZ's month: 10 paid hours, 8.5 of them used on the 2nd."""
    set_budget(engine, client_id=ids["KZ"], from_month=pendulum.date(2026, 11, 1), hours=10)
    start = pendulum.datetime(2026, 11, 2, 9, tz=ZONE)
    with transaction(engine) as session:
        session.add(
            TimeEntry(
                task_id=ids["Настроить ремаркетинг"],
                member_id=ids["IB"],
                start=start,
                end=start.add(hours=8.5),
            )
        )


def budget_toasts(app) -> list[str]:
    # the first line: the key that opens the client follows on the last (test_reminders)
    return [
        toast.message.splitlines()[0] for toast in app._notifications if toast.title == "Budget"
    ]


async def settled(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def timed(app, pilot, traveller, *, minutes: int) -> None:
    """`t` on the board's first card (KZ's), the clock on by `minutes`, `t` again."""
    await pilot.press("t")
    await written(pilot)
    traveller.shift(pendulum.duration(minutes=minutes))
    await pilot.press("t")
    await written(pilot)
    await settled(app, pilot)


async def test_crossing_90_by_stopping_a_timer_is_said_once(agency, make_app):
    engine, ids = agency
    kz_at_85_percent(engine, ids)
    with time_machine.travel(NOON, tick=False) as traveller:
        app = make_app(engine, me=ME, reminders=BUDGET_ONLY)
        async with app.run_test(size=SIZE) as pilot:
            await settled(app, pilot)
            assert budget_toasts(app) == [
                "Клиника Здоровье has used 75 % of the month's hours: 8.5 of 10 h",
                "Клиника Здоровье: at this pace the month's hours run out on Mon 23 Nov",
            ], "what was reached before the app started is said at its first look"
            app.clear_notifications()
            await timed(app, pilot, traveller, minutes=40)
            assert budget_toasts(app) == [
                "Клиника Здоровье has used 90 % of the month's hours: 9.2 of 10 h"
            ]
            header = str(app.screen.query_one("DeckHeader").render())
            assert "All clients ⚠ KZ 90 %" in header
            app.clear_notifications()
            await timed(app, pilot, traveller, minutes=5)
            assert budget_toasts(app) == [], "a second stop says nothing again"
            await app.work_reminders.check().wait()
            await settled(app, pilot)
            assert budget_toasts(app) == [], "nor does the minute's look"

            await pilot.press("3")
            await settled(app, pilot)
            line = app.screen.query_one("#budget-alerts")
            assert line.display and str(line.render()) == "⚠ KZ 90 %"
            await pilot.press("6")
            await settled(app, pilot)
            table = app.screen.query_one("#clients")
            rows = [table.get_row_at(index) for index in range(table.row_count)]
            burns = {str(row[1]).split()[0]: str(row[2]) for row in rows}
            assert burns == {"NWB": "4%", "MK": "0%", "KZ": "92%⚠"}

    # Another app on the same store says none of it again: the crossings are logged.
    with time_machine.travel(NOON.add(hours=1), tick=False):
        again = make_app(engine, me=ME, reminders=BUDGET_ONLY)
        async with again.run_test(size=SIZE) as pilot:
            await settled(again, pilot)
            assert budget_toasts(again) == []


async def test_switched_off_no_budget_toast_but_the_marks_stay(agency, make_app):
    engine, ids = agency
    kz_at_85_percent(engine, ids)
    with time_machine.travel(NOON, tick=False) as traveller:
        app = make_app(engine, me=ME, reminders=dict.fromkeys(REMINDERS, False))
        async with app.run_test(size=SIZE) as pilot:
            await timed(app, pilot, traveller, minutes=40)
            assert budget_toasts(app) == []
            assert "⚠ KZ 90 %" in str(app.screen.query_one("DeckHeader").render())
