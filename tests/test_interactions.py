"""Contacts with clients (model/interactions.py): logging, nudges, silence in working days."""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from model import clock
from model.db import reading, transaction
from model.interactions import (
    interaction_log,
    last_contacts,
    log_interaction,
    nudge,
    report_sent,
    silent_working_days,
    waiting_on_client,
)
from model.tables import Channel, Client, Direction, Interaction, InteractionKind, Status
from model.tasks import NotFoundError, ValidationError, create_task, get_task, move_status

KYIV = "Europe/Kyiv"


def kyiv(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=KYIV)


@pytest.fixture
def client_id(store, frozen) -> int:
    with transaction(store) as session:
        client = Client(
            name="Acme", code="ACME", preferred_channel=Channel.MESSENGER, created_at=clock.now()
        )
        session.add(client)
        session.flush()
        return client.id


def stored(engine) -> list[Interaction]:
    with reading(engine) as session:
        return list(session.exec(select(Interaction).order_by(Interaction.id)).all())


# --- silence -------------------------------------------------------------------------------


def test_silence_over_a_weekend_counts_working_days_not_calendar_days():
    thursday = kyiv(2026, 11, 12, 16, 0)
    tuesday = pendulum.date(2026, 11, 17)
    assert (tuesday - thursday.date()).days == 5
    assert silent_working_days(last=thursday, today=tuesday, zone=KYIV) == 3


@pytest.mark.parametrize(
    ("last", "today", "expected"),
    [
        (kyiv(2026, 11, 18, 9, 0), pendulum.date(2026, 11, 18), 0),  # today
        (kyiv(2026, 11, 13, 18, 0), pendulum.date(2026, 11, 15), 0),  # Friday → Sunday
        (kyiv(2026, 11, 13, 18, 0), pendulum.date(2026, 11, 16), 1),  # Friday → Monday
        (kyiv(2026, 11, 14, 12, 0), pendulum.date(2026, 11, 16), 1),  # Saturday → Monday
        (kyiv(2026, 11, 2, 12, 0), pendulum.date(2026, 11, 16), 10),  # two weeks
    ],
)
def test_silent_working_days_examples(last, today, expected):
    assert silent_working_days(last=last, today=today, zone=KYIV) == expected


def test_the_day_of_a_contact_is_the_local_day():
    # 23:30 in Kyiv on Monday is still Monday there, though Monday 21:30 in UTC.
    late = kyiv(2026, 11, 16, 23, 30)
    assert silent_working_days(last=late, today=pendulum.date(2026, 11, 17), zone=KYIV) == 1
    assert silent_working_days(last=late, today=pendulum.date(2026, 11, 17), zone="UTC") == 1
    assert silent_working_days(last=late, today=pendulum.date(2026, 11, 17), zone="Asia/Tokyo") == 0


@given(
    last=st.datetimes(
        min_value=pendulum.datetime(2020, 1, 1).naive(),
        max_value=pendulum.datetime(2030, 1, 1).naive(),
    ),
    days=st.integers(min_value=0, max_value=60),
    zone=st.sampled_from(["Europe/Kyiv", "UTC", "America/New_York", "Asia/Kathmandu"]),
)
def test_silence_counts_the_weekdays_after_the_contact_up_to_today(last, days, zone):
    instant = pendulum.instance(last, tz="UTC")
    first = instant.in_timezone(zone).date()
    today = first.add(days=days)
    weekdays = sum(first.add(days=d).weekday() < 5 for d in range(1, days + 1))
    silent = silent_working_days(last=instant, today=today, zone=zone)
    assert silent == weekdays
    assert silent <= days


# --- logging -------------------------------------------------------------------------------


def test_a_contact_is_logged_now_by_default(store, client_id, frozen):
    logged = log_interaction(
        store, client_id=client_id, channel=Channel.CALL, summary="  Agreed the banners  "
    ).value
    (row,) = stored(store)
    assert row.id == logged.id
    assert pendulum.instance(row.at) == frozen
    assert (row.channel, row.direction, row.summary, row.kind) == (
        "call",
        "out",
        "Agreed the banners",
        "",
    )


def test_a_future_time_plans_a_meeting(store, client_id, frozen):
    later = frozen.add(days=1)
    logged = log_interaction(
        store, client_id=client_id, channel=Channel.CALL, summary="Quarterly review", at=later
    ).value
    assert logged.channel == Channel.MEETING
    assert pendulum.instance(logged.at) == later
    with reading(store) as session:
        assert last_contacts(session, client_ids=[client_id]) == {}, "a plan breaks no silence"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary": "   "}, "summary"),
        ({"summary": "a\x00b"}, "summary"),
        ({"summary": "x" * 2001}, "summary"),
        ({"channel": "pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_bad_contacts_are_refused_and_nothing_is_written(store, client_id, changes, field):
    values = {"channel": Channel.EMAIL, "summary": "ok"} | changes
    with pytest.raises(ValidationError) as refused:
        log_interaction(store, client_id=client_id, **values)
    assert refused.value.field == field
    assert stored(store) == []


def test_a_contact_needs_a_client(store, frozen):
    with pytest.raises(NotFoundError):
        log_interaction(store, client_id=999, channel=Channel.EMAIL, summary="x")


def test_undoing_a_contact_takes_it_back(store, client_id):
    logged = log_interaction(store, client_id=client_id, channel=Channel.CHAT, summary="hi")
    assert logged.undo.label == "log contact"
    logged.undo.revert()
    assert stored(store) == []
    logged.undo.revert()  # twice is harmless: undo may race a second undo


def test_the_latest_past_contact_per_client(store, client_id, frozen):
    for at in (frozen.subtract(days=3), frozen.subtract(hours=1), frozen.add(days=2)):
        log_interaction(store, client_id=client_id, channel=Channel.CHAT, summary="x", at=at)
    with reading(store) as session:
        assert last_contacts(session, client_ids=[client_id]) == {
            client_id: frozen.subtract(hours=1)
        }


def test_the_log_shows_planned_meetings_then_the_latest(store, client_id, frozen):
    log_interaction(
        store,
        client_id=client_id,
        channel=Channel.EMAIL,
        summary="asked",
        at=frozen.subtract(days=2),
        direction=Direction.INBOUND,
    )
    log_interaction(store, client_id=client_id, channel=Channel.CALL, summary="answered")
    log_interaction(
        store, client_id=client_id, channel=Channel.CALL, summary="review", at=frozen.add(days=1)
    )
    log = interaction_log(store, client_id=client_id)
    assert [(entry.summary, entry.planned) for entry in log] == [
        ("review", True),
        ("answered", False),
        ("asked", False),
    ]
    assert log[2].direction == "in"


# --- nudges and the weekly report ----------------------------------------------------------


def test_a_nudge_is_a_contact_about_the_task_and_restarts_nothing(store, client_id, frozen):
    task = create_task(store, client_id=client_id, title="Approve banners", status=Status.WAITING)
    logged = nudge(store, task_id=task.id).value
    assert (logged.kind, logged.task_id, logged.channel) == (
        InteractionKind.NUDGE,
        task.id,
        "messenger",
    )
    assert "Approve banners" in logged.summary
    after = get_task(store, task_id=task.id)
    assert (after.status, after.waiting_since, after.version) == (
        Status.WAITING,
        task.waiting_since,
        task.version,
    )


def test_only_a_waiting_task_can_be_nudged(store, client_id):
    task = create_task(store, client_id=client_id, title="Write copy", status=Status.DOING)
    with pytest.raises(ValidationError):
        nudge(store, task_id=task.id)
    with pytest.raises(NotFoundError):
        nudge(store, task_id=999)
    assert stored(store) == []


def test_waiting_tasks_with_their_days_and_nudges(store, client_id, frozen):
    import time_machine

    with time_machine.travel(frozen.subtract(days=5), tick=False):
        older = create_task(store, client_id=client_id, title="Access", status=Status.WAITING)
    newer = create_task(store, client_id=client_id, title="Texts", status=Status.TODO)
    move_status(store, task_id=newer.id, status=Status.WAITING)
    nudge(store, task_id=older.id)
    with time_machine.travel(frozen.add(hours=2), tick=False):
        nudge(store, task_id=older.id)
        waiting = waiting_on_client(store, client_id=client_id)
    assert [(w.title, w.days, w.nudges) for w in waiting] == [("Access", 5, 2), ("Texts", 0, 0)]
    assert waiting[0].last_nudge == frozen.add(hours=2)


def test_a_sent_report_is_logged_with_the_kind_the_retro_checks(store, client_id):
    logged = report_sent(store, client_id=client_id, week="2026-W47").value
    assert (logged.kind, logged.channel) == (InteractionKind.REPORT, "messenger")
    assert InteractionKind.REPORT == "report"
    assert "2026-W47" in logged.summary


def test_undoing_a_nudge_or_a_sent_report_takes_its_log_back(store, client_id):
    task = create_task(store, client_id=client_id, title="Approve banners", status=Status.WAITING)
    nudged = nudge(store, task_id=task.id)
    sent = report_sent(store, client_id=client_id, week="2026-W47")
    assert (nudged.undo.label, sent.undo.label) == ("nudge", "weekly report sent")
    nudged.undo.revert()
    assert [row.kind for row in stored(store)] == [InteractionKind.REPORT]
    sent.undo.revert()
    assert stored(store) == []
