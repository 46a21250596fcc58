"""What the app reminds of unasked (model/reminders.py): promises due within the hour and
missed, my timer left running, clients past their update cadence; each switch turns its
kind off."""

from __future__ import annotations

from datetime import time

import pendulum
import time_machine

from model import clock
from model.clients import edit_client
from model.config import REMINDERS, Config
from model.interactions import log_interaction
from model.promises import promise_task
from model.reminders import due_reminders
from model.tables import Status
from model.tasks import update_task
from model.timetrack import start_timer
from tests.agency import build, this_weeks_sprint
from tests.conftest import ZONE

ALL_ON = dict.fromkeys(REMINDERS, True)


def kyiv(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=ZONE)


def said(store, moment, *, member_id=None, **switches) -> list[tuple[str, str]]:
    config = Config(time_zone=ZONE, reminders={**ALL_ON, "cadence": False, **switches})
    with time_machine.travel(moment, tick=False):
        found = due_reminders(
            store, member_id=member_id, sprint_id=this_weeks_sprint(store).id, config=config
        )
    return [(reminder.switch, reminder.message) for reminder in found]


def test_a_promise_within_the_hour_and_when_missed(store, frozen):
    ids = build(store)
    task = ids["Monthly PPC report"]
    promise_task(store, task_id=task, due_date=clock.today(), due_time=time(11, 15))
    assert said(store, kyiv(18, 10, 14)) == []
    soon = said(store, kyiv(18, 10, 15))
    assert soon == [("promise_soon", "due at 11:15: Monthly PPC report")]
    assert said(store, kyiv(18, 11, 16)) == [
        ("promise_missed", "was due at 11:15: Monthly PPC report")
    ]
    assert said(store, kyiv(19, 11, 16)) == []  # missed a day ago: the Clients screen says it
    assert said(store, kyiv(18, 10, 15), promise_soon=False) == []
    assert said(store, kyiv(18, 11, 16), promise_missed=False) == []
    update_task(store, task_id=task, changes={"status": Status.DONE})
    assert said(store, kyiv(18, 11, 16)) == []


def test_the_occasion_is_in_the_key(store, frozen):
    """A moved deadline is a new occasion: reminded again; the same one has the same key."""
    ids = build(store)
    task = ids["Monthly PPC report"]
    config = Config(time_zone=ZONE, reminders={**ALL_ON, "cadence": False})
    sprint_id = this_weeks_sprint(store).id

    def keys():
        return [
            r.key for r in due_reminders(store, member_id=None, sprint_id=sprint_id, config=config)
        ]

    promise_task(store, task_id=task, due_date=clock.today(), due_time=time(11, 0))
    first = keys()
    assert first == keys() and len(first) == 1
    promise_task(store, task_id=task, due_date=clock.today(), due_time=time(11, 20))
    assert keys() != first and len(keys()) == 1


def test_my_timer_past_the_working_day_and_over_four_hours(store, frozen):
    ids = build(store)
    with time_machine.travel(kyiv(18, 13), tick=False):
        start_timer(store, task_id=ids["Monthly PPC report"], member_id=ids["DS"])
    me = ids["DS"]
    assert said(store, kyiv(18, 16, 59), member_id=me) == []
    assert said(store, kyiv(18, 17, 1), member_id=me) == [
        ("timer_long", "over 4 hours on NWB: Monthly PPC report")
    ]
    assert said(store, kyiv(18, 18, 0), member_id=me) == [
        ("timer_late", "the working day ended at 18:00: NWB: Monthly PPC report"),
        ("timer_long", "over 4 hours on NWB: Monthly PPC report"),
    ]
    assert said(store, kyiv(18, 18, 0), member_id=ids["OK"]) == []
    assert said(store, kyiv(18, 18, 0), member_id=me, timer_late=False, timer_long=False) == []


def test_clients_past_their_cadence(store, frozen):
    ids = build(store)
    edit_client(store, client_id=ids["MK"], values={"cadence_days": 10})
    assert said(store, kyiv(18, 12), cadence=True) == []
    assert sorted(said(store, kyiv(25, 12), cadence=True)) == [
        ("cadence", "Northwind Bank: no update for 5 working days"),
        ("cadence", "Клиника Здоровье: no update for 5 working days"),
    ]
    with time_machine.travel(kyiv(25, 11), tick=False):
        log_interaction(store, client_id=ids["NWB"], channel="email", summary="Weekly report")
    assert said(store, kyiv(25, 12), cadence=True) == [
        ("cadence", "Клиника Здоровье: no update for 5 working days")
    ]


def test_a_promise_of_a_day_is_said_by_its_day(store, frozen):
    ids = build(store)
    promise_task(store, task_id=ids["Monthly PPC report"], due_date=clock.today())
    assert said(store, kyiv(18, 22, 59)) == []
    assert said(store, kyiv(18, 23, 30)) == [
        ("promise_soon", "due by the end of Wed 18 Nov: Monthly PPC report")
    ]
    assert said(store, kyiv(19, 0, 10)) == [
        ("promise_missed", "was due on Wed 18 Nov: Monthly PPC report")
    ]
