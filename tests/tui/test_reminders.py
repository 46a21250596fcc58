"""The work's reminders in the app (tui/reminders.py): a toast once each as the clock
moves on, and a desktop notification where `notify-send` exists and the config allows."""

from __future__ import annotations

from datetime import time

import pendulum
import time_machine

from model import clock
from model.config import REMINDERS
from model.promises import promise_task
from model.reminders import Reminder
from model.timetrack import start_timer
from tests.conftest import ZONE
from tui import reminders as reminders_module

SIZE = (100, 30)
ME = "Dmytro Shevchenko"
ON = {**dict.fromkeys(REMINDERS, True), "cadence": False, "budget": False, "desktop": False}


def kyiv(hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, 18, hour, minute, tz=ZONE)


async def toasts_at(app, pilot, traveller, moment) -> list[str]:
    traveller.move_to(moment)
    app.clear_notifications()
    await app.work_reminders.check().wait()
    await pilot.pause()
    # the first line: the key that opens the item follows (tested on its own below)
    return [f"{toast.title}: {toast.message.splitlines()[0]}" for toast in app._notifications]


async def test_a_reminder_says_its_key_and_the_key_opens_its_task(agency, make_app):
    from tui.screens.card import CardScreen

    engine, ids = agency
    task_id = ids["Monthly PPC report"]
    promise_task(engine, task_id=task_id, due_date=clock.today(), due_time=time(12, 0))
    with time_machine.travel(kyiv(10, 30), tick=False) as traveller:
        app = make_app(engine, me=ME, reminders=ON)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+o")
            assert [toast.message for toast in app._notifications] == ["No reminder to open"]
            await toasts_at(app, pilot, traveller, kyiv(11, 5))
            assert [toast.message for toast in app._notifications] == [
                "due at 12:00: Monthly PPC report\n^o Open it"
            ]
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert isinstance(app.screen, CardScreen) and app.screen.task_id == task_id


async def test_a_promise_and_a_timer_are_each_reminded_once(agency, make_app):
    engine, ids = agency
    promise_task(
        engine, task_id=ids["Monthly PPC report"], due_date=clock.today(), due_time=time(12, 0)
    )
    with time_machine.travel(kyiv(10, 30), tick=False) as traveller:
        start_timer(engine, task_id=ids["Fix tracking on the card form"], member_id=ids["DS"])
        app = make_app(engine, me=ME, reminders=ON)
        async with app.run_test(size=SIZE) as pilot:
            assert await toasts_at(app, pilot, traveller, kyiv(10, 45)) == []
            assert await toasts_at(app, pilot, traveller, kyiv(11, 5)) == [
                "Promise: due at 12:00: Monthly PPC report"
            ]
            assert await toasts_at(app, pilot, traveller, kyiv(11, 30)) == []
            assert await toasts_at(app, pilot, traveller, kyiv(12, 1)) == [
                "Promise missed: was due at 12:00: Monthly PPC report"
            ]
            assert await toasts_at(app, pilot, traveller, kyiv(14, 31)) == [
                "Timer still running: over 4 hours on NWB: Fix tracking on the card form"
            ]
            assert await toasts_at(app, pilot, traveller, kyiv(18, 0)) == [
                "Timer still running: the working day ended at 18:00: "
                "NWB: Fix tracking on the card form"
            ]
            assert await toasts_at(app, pilot, traveller, kyiv(19, 0)) == []


async def test_switched_off_nothing_is_said(agency, make_app):
    engine, ids = agency
    promise_task(
        engine, task_id=ids["Monthly PPC report"], due_date=clock.today(), due_time=time(12, 0)
    )
    quiet = dict.fromkeys(REMINDERS, False)
    with time_machine.travel(kyiv(11, 30), tick=False) as traveller:
        app = make_app(engine, me=ME, reminders=quiet)
        async with app.run_test(size=SIZE) as pilot:
            assert await toasts_at(app, pilot, traveller, kyiv(11, 31)) == []
            assert await toasts_at(app, pilot, traveller, kyiv(12, 31)) == []


async def test_the_desktop_hears_it_too_where_notify_send_exists(agency, make_app, monkeypatch):
    engine, ids = agency
    promise_task(
        engine, task_id=ids["Monthly PPC report"], due_date=clock.today(), due_time=time(12, 0)
    )
    sent: list[list[str]] = []
    monkeypatch.setattr(reminders_module.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(
        reminders_module.subprocess, "Popen", lambda argv, **_options: sent.append(argv)
    )
    with time_machine.travel(kyiv(11, 30), tick=False) as traveller:
        app = make_app(engine, me=ME, reminders={**ON, "desktop": True})
        async with app.run_test(size=SIZE) as pilot:
            await toasts_at(app, pilot, traveller, kyiv(11, 31))
    assert sent == [
        [
            "/usr/bin/notify-send",
            "--app-name=clientdeck",
            "--",
            "Promise",
            "due at 12:00: Monthly PPC report",
        ]
    ]
    monkeypatch.setattr(reminders_module.shutil, "which", lambda name: None)
    reminders_module.desktop_notify(title="Promise", message="nothing to send it with")
    assert len(sent) == 1


async def test_many_at_once_are_a_few_toasts_and_a_count(agency, make_app):
    engine, _ids = agency
    found = [
        Reminder(switch="cadence", occasion=str(n), title="No update", message=f"client {n}")
        for n in range(5)
    ]
    app = make_app(engine, reminders=ON)
    async with app.run_test(size=SIZE) as pilot:
        app.clear_notifications()
        app.work_reminders.show(found)
        await pilot.pause()
        assert [toast.message for toast in app._notifications] == [
            "client 0",
            "client 1",
            "client 2",
            "and 2 more reminders",
        ]
        app.clear_notifications()
        app.work_reminders.show(found)
        await pilot.pause()
        assert list(app._notifications) == []


async def test_a_small_terminal_gets_one_toast_and_the_key_on_the_last_that_opens(agency, make_app):
    engine, ids = agency
    found = [
        Reminder(
            switch="cadence",
            occasion=str(n),
            title="No update",
            message=f"client {n}",
            client_id=ids["NWB"],
        )
        for n in range(3)
    ]
    app = make_app(engine, reminders=ON)
    async with app.run_test(size=(80, 24)) as pilot:
        app.clear_notifications()
        app.work_reminders.show(found)
        await pilot.pause()
        assert [toast.message for toast in app._notifications] == [
            "client 0\n^o Open it",
            "and 2 more reminders",
        ]
    app = make_app(engine, reminders=ON)
    async with app.run_test(size=SIZE) as pilot:
        app.clear_notifications()
        app.work_reminders.show(found)
        await pilot.pause()
        assert [toast.message for toast in app._notifications] == [
            "client 0",
            "client 1",
            "client 2\n^o Open it",
        ]
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert type(app.screen).__name__ == "ClientDetailScreen"
