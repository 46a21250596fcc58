"""The status line's facts (model/glance.py): read by sqlite3 alone and through the model,
with the same answer, and said in one short line."""

from __future__ import annotations

import sqlite3
from datetime import time

import pendulum
import pytest
import time_machine

from model import clock
from model.db import sqlite_file
from model.glance import Glance, Timer, Unreadable, read_sqlite, read_store, status_line
from model.promises import promise_task
from model.tables import Status
from model.tasks import archive_task, create_task, update_task
from model.timetrack import start_timer
from tests.agency import build

TIMES = ("11:00", "16:00")


def promised_work(store, ids) -> None:
    """Two open promises due today, one done, one archived, one due tomorrow."""
    today = clock.today()
    for title, due, then in (
        ("Send the audit", today, None),
        ("Call back", today, None),
        ("Report", today, "done"),
        ("Old promise", today, "archived"),
        ("Tomorrow's", today.add(days=1), None),
    ):
        task = create_task(store, client_id=ids["NWB"], title=title, status=Status.TODO)
        promise_task(store, task_id=task.id, due_date=due, due_time=time(17, 0))
        if then == "done":
            update_task(store, task_id=task.id, changes={"status": Status.DONE})
        elif then == "archived":
            archive_task(store, task_id=task.id)


def test_both_readings_agree(store, frozen):
    ids = build(store)
    promised_work(store, ids)
    start_timer(store, task_id=ids["Monthly PPC report"], member_id=ids["DS"])
    glance = read_store(store, me="ds", today=clock.today())
    assert glance == Glance(
        me_known=True,
        timer=Timer(task_id=ids["Monthly PPC report"], client_code="NWB", start=clock.now()),
        promises_today=2,
    )
    assert read_store(store, me="Nobody", today=clock.today()) == Glance(
        me_known=False, timer=None, promises_today=2
    )
    assert read_store(store, me="Olena Koval", today=clock.today()).timer is None
    path = sqlite_file(url=store.url.render_as_string(hide_password=False))
    if path is not None:
        for me in ("ds", "Nobody", "Olena Koval", ""):
            assert read_sqlite(path=path, me=me, today=clock.today()) == read_store(
                store, me=me, today=clock.today()
            )


def test_a_file_that_is_not_a_store_is_read_the_usual_way(tmp_path):
    with pytest.raises(Unreadable):
        read_sqlite(path=tmp_path / "absent.db", me="", today=clock.today())
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(Unreadable):
        read_sqlite(path=other, me="", today=clock.today())
    text = tmp_path / "text.db"
    text.write_text("not a database", encoding="utf-8")
    with pytest.raises(Unreadable):
        read_sqlite(path=text, me="", today=clock.today())


KYIV = "Europe/Kyiv"


def line_at(when: pendulum.DateTime, glance: Glance) -> str:
    with time_machine.travel(when, tick=False):
        clock.set_zone(name=KYIV)
        try:
            return status_line(glance=glance, times=TIMES, zone=KYIV)
        finally:
            clock.set_zone(name="UTC")


def test_the_line_names_the_timer_the_next_stand_up_and_the_promises():
    start = pendulum.datetime(2026, 11, 18, 8, 5, tz=KYIV)
    timer = Timer(task_id=42, client_code="NWB", start=start)
    busy = Glance(me_known=True, timer=timer, promises_today=2)
    assert line_at(pendulum.datetime(2026, 11, 18, 9, 30, tz=KYIV), busy) == (
        "▶ NWB 42 1:25 · stand-up 11:00 · 2 promises due today"
    )
    assert line_at(pendulum.datetime(2026, 11, 18, 10, 48, tz=KYIV), busy) == (
        "▶ NWB 42 2:43 · stand-up in 12 min · 2 promises due today"
    )
    idle = Glance(me_known=True, timer=None, promises_today=1)
    assert line_at(pendulum.datetime(2026, 11, 18, 11, 0, tz=KYIV), idle) == (
        "no timer · stand-up 16:00 · 1 promise due today"
    )
    # Friday evening: the next stand-up is Monday's; a stranger's line has no timer part.
    stranger = Glance(me_known=False, timer=None, promises_today=0)
    assert line_at(pendulum.datetime(2026, 11, 20, 18, 0, tz=KYIV), stranger) == (
        "stand-up Mon 11:00"
    )
