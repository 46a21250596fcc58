"""Timers and time entries (model/timetrack.py).

The overlap rules are checked as pure functions against a minute-by-minute
brute force; the store functions run on an in-memory SQLite. Expected instants
are computed with the standard library (`zoneinfo`), not with pendulum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import SQLModel, select

from model import clock
from model.budgets import set_budget
from model.db import make_engine, reading, transaction
from model.tables import Client, Member, Task, TimeEntry
from model.tasks import NotFoundError, ValidationError
from model.timetrack import (
    OverlapError,
    Slot,
    add_entry,
    archive_entry,
    client_spent_hours,
    edit_entry,
    end_of_work_day,
    entries_for_member_day,
    entries_for_task,
    forgotten_timer,
    plan_trims,
    running_entry,
    slots_overlap,
    spent_hours,
    start_timer,
    stop_at_end_of_work_day,
    stop_timer,
    time_of_day_before,
    toggle_timer,
    unarchive_entry,
)
from model.weeks import Span

UTC = dt.UTC
BASE = dt.datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
LATER = pendulum.datetime(2100, 1, 1, tz="UTC")


# --- store fixtures ------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    engine: object
    client_id: int
    member_id: int
    task_ids: tuple[int, ...]


@contextmanager
def zone(name: str) -> Iterator[None]:
    previous = clock.zone()
    clock.set_zone(name=name)
    try:
        yield
    finally:
        clock.set_zone(name=previous)


@contextmanager
def world(*, tasks: int = 3) -> Iterator[World]:
    """A fresh in-memory store with one client, one member and a few tasks."""
    engine = make_engine(url="sqlite://")
    SQLModel.metadata.create_all(engine)
    now = BASE
    with transaction(engine) as session:
        client = Client(name="Acme", code="ACME", created_at=now)
        member = Member(name="Anna", initials="AN")
        session.add_all([client, member])
        session.flush()
        rows = [
            Task(client_id=client.id, title=f"task {n}", created_at=now, updated_at=now)
            for n in range(tasks)
        ]
        session.add_all(rows)
        session.flush()
        made = World(engine, client.id, member.id, tuple(task.id for task in rows))
    try:
        yield made
    finally:
        engine.dispose()


@pytest.fixture
def w() -> Iterator[World]:
    with world() as made, clock.freeze(at=pendulum.instance(BASE).add(days=1)):
        yield made


def at(minutes: float) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes)


def live_entries(made: World) -> list[TimeEntry]:
    with reading(made.engine) as session:
        return list(
            session.exec(
                select(TimeEntry).where(TimeEntry.archived_at.is_(None)).order_by(TimeEntry.start)
            ).all()
        )


def spans(entries: list[TimeEntry]) -> list[tuple[dt.datetime, dt.datetime | None]]:
    return [(entry.start, entry.end) for entry in entries]


# --- pure overlap rules --------------------------------------------------------------------

HORIZON = 600  # minutes; a running slot is treated as reaching past it in the brute force


def minutes_of(slot: Slot) -> set[int]:
    """Every whole minute a slot covers (slots here start and end on whole minutes)."""
    first = int((slot.start - BASE).total_seconds() // 60)
    last = HORIZON if slot.end is None else int((slot.end - BASE).total_seconds() // 60)
    return set(range(first, last))


@st.composite
def closed_slots(draw, *, low: int = 0, high: int = HORIZON - 1) -> Slot:
    start = draw(st.integers(min_value=low, max_value=high - 1))
    end = draw(st.integers(min_value=start + 1, max_value=high))
    return Slot(start=at(start), end=at(end))


@st.composite
def neighbour_sets(draw) -> list[Slot]:
    """Non-overlapping slots, as a member's entries are; the last one may be running."""
    points = sorted(draw(st.sets(st.integers(min_value=0, max_value=HORIZON - 1), max_size=12)))
    slots = [
        Slot(start=at(points[i]), end=at(points[i + 1]), id=i + 1)
        for i in range(0, len(points) - 1, 2)
    ]
    if slots and draw(st.booleans()):
        slots[-1] = Slot(start=slots[-1].start, end=None, id=slots[-1].id)
    return slots


SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(first=closed_slots(), second=closed_slots(), running=st.booleans())
def test_overlap_detection_matches_a_minute_by_minute_check(first, second, running):
    if running:
        second = Slot(start=second.start, end=None)
    expected = bool(minutes_of(first) & minutes_of(second))
    assert slots_overlap(first=first, second=second) is expected
    assert slots_overlap(first=second, second=first) is expected


@SETTINGS
@given(others=neighbour_sets(), new=closed_slots())
def test_trimming_leaves_no_overlap_and_loses_only_the_new_entrys_time(others, new):
    trims = plan_trims(new=new, others=others)
    trimmed = {trim.original.id: trim for trim in trims}
    kept = [slot for slot in others if slot.id not in trimmed]
    pieces = [piece for trim in trims for piece in trim.pieces]

    # Only neighbours that really share time with the new entry are touched.
    assert {trim.original.id for trim in trims} == {
        slot.id for slot in others if minutes_of(slot) & minutes_of(new)
    }
    # After trimming nothing overlaps, and the new entry is as it was asked for.
    result = [*kept, *pieces, new]
    for index, slot in enumerate(result):
        for other in result[index + 1 :]:
            assert not minutes_of(slot) & minutes_of(other)
    for trim in trims:
        original = minutes_of(trim.original)
        remaining = set().union(*(minutes_of(piece) for piece in trim.pieces))
        # Nothing extends beyond the original, and exactly the new entry's time is gone.
        assert remaining <= original
        assert remaining == original - minutes_of(new)
        assert all(piece.id == trim.original.id for piece in trim.pieces)
        assert trim.archived is (not remaining)


@SETTINGS
@given(others=neighbour_sets())
def test_a_new_running_slot_cuts_everything_after_its_start(others):
    assume(others)
    new = Slot(start=others[0].start + dt.timedelta(minutes=1), end=None)
    for trim in plan_trims(new=new, others=others):
        assert all(piece.end is not None and piece.end <= new.start for piece in trim.pieces)


# --- durations over midnight and DST -------------------------------------------------------

ZONES = ("Europe/Kyiv", "Europe/Moscow", "America/New_York", "Australia/Lord_Howe", "UTC")


def transition_days(name: str) -> list[dt.date]:
    """Days on which the zone's offset changes (Moscow last did so in 2011 and 2014)."""
    tz = ZoneInfo(name)
    day, last = dt.date(2008, 1, 1), dt.date(2030, 12, 31)
    found = []
    previous = dt.datetime(day.year, day.month, day.day, tzinfo=tz).utcoffset()
    while day < last:
        day += dt.timedelta(days=1)
        offset = dt.datetime(day.year, day.month, day.day, 12, tzinfo=tz).utcoffset()
        if offset != previous:
            found.append(day)
        previous = offset
    return found or [dt.date(2026, 3, 29)]


TRANSITIONS = {name: transition_days(name) for name in ZONES}


@st.composite
def local_walls(draw) -> tuple[str, dt.datetime, dt.datetime]:
    """A zone and two wall-clock times around one of its DST changes (often over midnight)."""
    name = draw(st.sampled_from(ZONES))
    day = draw(st.sampled_from(TRANSITIONS[name])) - dt.timedelta(days=draw(st.integers(0, 1)))
    start = dt.datetime(day.year, day.month, day.day) + dt.timedelta(
        minutes=draw(st.integers(0, 24 * 60 - 1))
    )
    end = start + dt.timedelta(minutes=draw(st.integers(1, 36 * 60)))
    return name, start, end


@settings(max_examples=80, deadline=None)
@given(walls=local_walls())
@example(walls=("Europe/Kyiv", dt.datetime(2026, 10, 24, 22), dt.datetime(2026, 10, 25, 6)))
@example(walls=("Europe/Moscow", dt.datetime(2010, 3, 27, 22), dt.datetime(2010, 3, 28, 6)))
def test_an_entry_counts_the_real_time_that_passed(walls):
    name, wall_start, wall_end = walls
    tz = ZoneInfo(name)
    start, end = wall_start.replace(tzinfo=tz), wall_end.replace(tzinfo=tz)
    real = (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds()
    assume(real > 0)
    with world(tasks=1) as made, zone(name), clock.freeze(at=LATER):
        entry = add_entry(
            made.engine,
            task_id=made.task_ids[0],
            member_id=made.member_id,
            start=start,
            end=end,
        ).value
        hours = spent_hours(made.engine, task_ids=[made.task_ids[0]])[made.task_ids[0]]
        assert hours * 3600 == pytest.approx(real, abs=1e-6)
        # The entry shows on the local day it started and on the one it ended.
        for instant in (start, end - dt.timedelta(seconds=1)):
            local = instant.astimezone(tz)
            day = pendulum.date(local.year, local.month, local.day)
            listed = entries_for_member_day(made.engine, member_id=made.member_id, day=day)
            assert [item.id for item in listed] == [entry.id]


def test_the_kyiv_autumn_night_is_an_hour_longer_than_its_wall_clock():
    with world(tasks=1) as made, zone("Europe/Kyiv"), clock.freeze(at=LATER):
        kyiv = ZoneInfo("Europe/Kyiv")
        add_entry(
            made.engine,
            task_id=made.task_ids[0],
            member_id=made.member_id,
            start=dt.datetime(2026, 10, 24, 22, tzinfo=kyiv),
            end=dt.datetime(2026, 10, 25, 6, tzinfo=kyiv),
        )
        assert spent_hours(made.engine, task_ids=[made.task_ids[0]]) == {made.task_ids[0]: 9.0}


# --- timers --------------------------------------------------------------------------------


def test_start_makes_a_running_entry_that_counts_until_now(w):
    started = start_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id, note=" ads ")
    assert started.stopped is None
    assert started.entry.end is None
    assert started.entry.note == "ads"
    with clock.freeze(at=clock.now().add(minutes=90)):
        running = running_entry(w.engine, member_id=w.member_id)
        assert running is not None
        assert running.entry.id == started.entry.id
        assert (running.task_title, running.client_code, running.client_name) == (
            "task 0",
            "ACME",
            "Acme",
        )
        assert running.elapsed_seconds == 5400
        assert spent_hours(w.engine, task_ids=list(w.task_ids))[w.task_ids[0]] == 1.5


def test_starting_another_timer_stops_the_first_at_the_same_instant(w):
    first = start_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id).entry
    switch = clock.now().add(minutes=25)
    with clock.freeze(at=switch):
        second = start_timer(w.engine, task_id=w.task_ids[1], member_id=w.member_id)
    assert second.stopped is not None
    assert second.stopped.id == first.id
    assert second.stopped.end == switch == second.entry.start
    running = [entry for entry in live_entries(w) if entry.end is None]
    assert [entry.id for entry in running] == [second.entry.id]
    assert running_entry(w.engine, member_id=w.member_id).entry.task_id == w.task_ids[1]


def test_stop_ends_the_running_timer_now_and_then_there_is_none(w):
    start_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id)
    later = clock.now().add(minutes=40)
    with clock.freeze(at=later):
        stopped = stop_timer(w.engine, member_id=w.member_id)
        assert stopped is not None and stopped.end == later
        assert running_entry(w.engine, member_id=w.member_id) is None
        assert stop_timer(w.engine, member_id=w.member_id) is None


def test_toggle_stops_the_timer_on_its_task_and_starts_it_on_any_other(w):
    """`t`: decided on the stored timer, so a second press stops what the first started."""
    first = toggle_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id)
    assert first is not None and first.stopped is None
    switch = clock.now().add(minutes=25)
    with clock.freeze(at=switch):
        second = toggle_timer(w.engine, task_id=w.task_ids[1], member_id=w.member_id)
    assert second is not None and second.stopped is not None
    assert second.stopped.id == first.entry.id and second.stopped.end == switch
    later = switch.add(minutes=10)
    with clock.freeze(at=later):
        assert toggle_timer(w.engine, task_id=w.task_ids[1], member_id=w.member_id) is None
        assert running_entry(w.engine, member_id=w.member_id) is None
    ended = {entry.id: entry.end for entry in live_entries(w)}
    assert ended == {first.entry.id: switch, second.entry.id: later}


def test_stop_at_a_time_must_be_after_the_start_and_not_in_the_future(w):
    started = start_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id).entry
    with clock.freeze(at=clock.now().add(hours=2)):
        with pytest.raises(ValidationError):
            stop_timer(w.engine, member_id=w.member_id, at=started.start - dt.timedelta(minutes=1))
        with pytest.raises(ValidationError):
            stop_timer(w.engine, member_id=w.member_id, at=clock.now().add(minutes=1))
        assert running_entry(w.engine, member_id=w.member_id) is not None
        stopped = stop_timer(
            w.engine, member_id=w.member_id, at=started.start + dt.timedelta(minutes=30)
        )
    assert stopped.end - stopped.start == dt.timedelta(minutes=30)


def test_a_running_timer_survives_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'deck.db'}"
    engine = make_engine(url=url)
    SQLModel.metadata.create_all(engine)
    with transaction(engine) as session:
        client, member = Client(name="A", code="A", created_at=BASE), Member(name="B", initials="B")
        session.add_all([client, member])
        session.flush()
        task = Task(client_id=client.id, title="t", created_at=BASE, updated_at=BASE)
        session.add(task)
        session.flush()
        ids = task.id, member.id
    with clock.freeze(at=pendulum.instance(BASE)):
        start_timer(engine, task_id=ids[0], member_id=ids[1])
    engine.dispose()
    reopened = make_engine(url=url)
    with clock.freeze(at=pendulum.instance(BASE).add(minutes=5)):
        running = running_entry(reopened, member_id=ids[1])
    reopened.dispose()
    assert running is not None and running.elapsed_seconds == 300


def test_starting_on_a_client_over_budget_is_reported(w):
    set_budget(w.engine, client_id=w.client_id, from_month=pendulum.date(2026, 11, 1), hours=1)
    started = start_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id)
    assert started.over_budget is False
    add_entry(w.engine, task_id=w.task_ids[1], member_id=w.member_id, start=at(0), end=at(60))
    assert start_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id).over_budget is True


def test_start_on_an_unknown_or_archived_task_is_refused(w):
    with pytest.raises(NotFoundError):
        start_timer(w.engine, task_id=999, member_id=w.member_id)
    with transaction(w.engine) as session:
        task = session.get(Task, w.task_ids[0])
        task.archived_at = BASE
        session.add(task)
    with pytest.raises(ValidationError):
        start_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id)
    assert live_entries(w) == []


# --- forgotten timers ----------------------------------------------------------------------

KYIV = "Europe/Kyiv"


def kyiv(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=KYIV)


def test_a_timer_is_forgotten_once_its_working_day_has_ended():
    with world() as made, zone(KYIV):
        with clock.freeze(at=kyiv(2026, 11, 18, 10)):
            start_timer(made.engine, task_id=made.task_ids[0], member_id=made.member_id)
        with clock.freeze(at=kyiv(2026, 11, 18, 17, 59)):
            assert (
                forgotten_timer(made.engine, member_id=made.member_id, work_day_end="18:00") is None
            )
        with clock.freeze(at=kyiv(2026, 11, 19, 9, 30)):
            found = forgotten_timer(made.engine, member_id=made.member_id, work_day_end="18:00")
            assert found is not None
            assert end_of_work_day(entry=found, work_day_end="18:00") == kyiv(2026, 11, 18, 18)
            stopped = stop_at_end_of_work_day(
                made.engine, member_id=made.member_id, work_day_end="18:00"
            )
            assert stopped.end == kyiv(2026, 11, 18, 18)
            assert (
                forgotten_timer(made.engine, member_id=made.member_id, work_day_end="18:00") is None
            )


def test_late_work_is_forgotten_only_after_that_local_midnight():
    with world() as made, zone(KYIV):
        with clock.freeze(at=kyiv(2026, 11, 18, 20)):
            start_timer(made.engine, task_id=made.task_ids[0], member_id=made.member_id)
        with clock.freeze(at=kyiv(2026, 11, 18, 23, 59)):
            assert (
                forgotten_timer(made.engine, member_id=made.member_id, work_day_end="18:00") is None
            )
        with clock.freeze(at=kyiv(2026, 11, 19, 0, 1)):
            assert forgotten_timer(made.engine, member_id=made.member_id, work_day_end="18:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:00", kyiv(2026, 11, 18, 18)),
        ("09:00", kyiv(2026, 11, 19, 9)),
        ("9:30", kyiv(2026, 11, 19, 9, 30)),
    ],
)
def test_a_typed_time_means_the_latest_such_time_not_in_the_future(text, expected):
    with zone(KYIV):
        assert time_of_day_before(text=text, now=kyiv(2026, 11, 19, 9, 30)) == expected


@pytest.mark.parametrize("text", ["half past six", "18", "24:00", "18:60", "18:00:00", ""])
def test_a_typed_time_must_be_a_time_of_day(text):
    with pytest.raises(ValidationError):
        time_of_day_before(text=text, now=LATER)


# --- entries -------------------------------------------------------------------------------


def add(made: World, start: float, end: float, task: int = 0, **kwargs) -> TimeEntry:
    return add_entry(
        made.engine,
        task_id=made.task_ids[task],
        member_id=made.member_id,
        start=at(start),
        end=at(end),
        **kwargs,
    ).value


def test_an_overlapping_entry_is_refused_with_the_overlaps_and_a_proposal(w):
    earlier, later = add(w, 0, 60), add(w, 120, 180)
    with pytest.raises(OverlapError) as caught:
        add(w, 30, 150)
    assert [entry.id for entry in caught.value.overlapping] == [earlier.id, later.id]
    assert [(trim.original.id, trim.pieces) for trim in caught.value.trims] == [
        (earlier.id, (Slot(start=at(0), end=at(30), id=earlier.id),)),
        (later.id, (Slot(start=at(150), end=at(180), id=later.id),)),
    ]
    assert spans(live_entries(w)) == [(at(0), at(60)), (at(120), at(180))]


def test_trimming_shortens_pushes_archives_and_splits_in_one_go(w):
    add(w, 0, 60)  # earlier: shortened
    add(w, 70, 80)  # covered: archived
    add(w, 100, 200)  # later: pushed
    add(w, 300, 400)  # the next new entry falls inside it: split
    add(w, 30, 150, task=1, trim_neighbours=True)
    add(w, 330, 360, task=1, trim_neighbours=True)
    assert spans(live_entries(w)) == [
        (at(0), at(30)),
        (at(30), at(150)),
        (at(150), at(200)),
        (at(300), at(330)),
        (at(330), at(360)),
        (at(360), at(400)),
    ]
    with reading(w.engine) as session:
        archived = session.exec(select(TimeEntry).where(TimeEntry.archived_at.is_not(None))).all()
    assert spans(list(archived)) == [(at(70), at(80))]


def test_an_entry_inside_a_running_timer_leaves_the_timer_running_after_it(w):
    with clock.freeze(at=pendulum.instance(at(0))):
        start_timer(w.engine, task_id=w.task_ids[0], member_id=w.member_id)
    with clock.freeze(at=pendulum.instance(at(120))):
        add(w, 30, 60, task=1, trim_neighbours=True)
        assert spans(live_entries(w)) == [(at(0), at(30)), (at(30), at(60)), (at(60), None)]
        assert running_entry(w.engine, member_id=w.member_id).entry.start == at(60)


def test_touching_entries_do_not_overlap(w):
    add(w, 0, 60)
    add(w, 60, 120)
    assert len(live_entries(w)) == 2


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(60), at(60)),
        (at(60), at(0)),
        (dt.datetime(2026, 11, 16, 8), dt.datetime(2026, 11, 16, 9)),
        (at(0), at(60 * 48)),
    ],
    ids=["empty", "backwards", "naive", "future"],
)
def test_invalid_times_are_refused(w, start, end):
    with pytest.raises(ValidationError):
        add_entry(w.engine, task_id=w.task_ids[0], member_id=w.member_id, start=start, end=end)
    assert live_entries(w) == []


def test_edit_checks_overlaps_but_not_against_the_entry_itself(w):
    first, second = add(w, 0, 60), add(w, 120, 180)
    moved = edit_entry(w.engine, entry_id=first.id, start=at(10), end=at(70), note="moved").value
    assert (moved.start, moved.end, moved.note) == (at(10), at(70), "moved")
    with pytest.raises(OverlapError) as caught:
        edit_entry(w.engine, entry_id=first.id, start=at(10), end=at(130), note="")
    assert [entry.id for entry in caught.value.overlapping] == [second.id]
    edit_entry(
        w.engine, entry_id=first.id, start=at(10), end=at(130), note="", trim_neighbours=True
    )
    assert spans(live_entries(w)) == [(at(10), at(130)), (at(130), at(180))]


def test_a_stopped_entry_cannot_be_edited_into_a_running_one(w):
    entry = add(w, 0, 60)
    with pytest.raises(ValidationError):
        edit_entry(w.engine, entry_id=entry.id, start=at(0), end=None, note="")


def test_archive_takes_an_entry_out_and_unarchive_puts_it_back(w):
    entry = add(w, 0, 60)
    archive_entry(w.engine, entry_id=entry.id)
    assert spent_hours(w.engine, task_ids=[w.task_ids[0]]) == {w.task_ids[0]: 0.0}
    assert entries_for_task(w.engine, task_id=w.task_ids[0]) == []
    unarchive_entry(w.engine, entry_id=entry.id)
    assert spent_hours(w.engine, task_ids=[w.task_ids[0]]) == {w.task_ids[0]: 1.0}


def test_each_change_to_an_entry_is_taken_back_by_its_undo(w):
    added = add_entry(
        w.engine, task_id=w.task_ids[0], member_id=w.member_id, start=at(0), end=at(60)
    )
    entry_id = added.value.id
    edited = edit_entry(w.engine, entry_id=entry_id, start=at(10), end=at(90), note="moved")
    edited.undo.revert()
    assert [(e.start, e.end, e.note) for e in live_entries(w)] == [(at(0), at(60), "")]
    archived = archive_entry(w.engine, entry_id=entry_id)
    archived.undo.revert()
    assert spans(live_entries(w)) == [(at(0), at(60))]
    assert [step.label for step in (added.undo, edited.undo, archived.undo)] == [
        "add time entry",
        "edit time entry",
        "archive time entry",
    ]
    added.undo.revert()
    assert live_entries(w) == []


def test_unarchive_refuses_to_overlap_time_recorded_since(w):
    entry = add(w, 0, 60)
    archive_entry(w.engine, entry_id=entry.id)
    add(w, 30, 90)
    with pytest.raises(OverlapError):
        unarchive_entry(w.engine, entry_id=entry.id)
    assert spans(live_entries(w)) == [(at(30), at(90))]


def test_entries_of_a_day_include_the_ones_over_its_midnights():
    with world() as made, zone(KYIV), clock.freeze(at=LATER):
        over = add_entry(
            made.engine,
            task_id=made.task_ids[0],
            member_id=made.member_id,
            start=kyiv(2026, 11, 17, 23),
            end=kyiv(2026, 11, 18, 1),
        ).value
        inside = add_entry(
            made.engine,
            task_id=made.task_ids[0],
            member_id=made.member_id,
            start=kyiv(2026, 11, 18, 10),
            end=kyiv(2026, 11, 18, 11),
        ).value
        day = pendulum.date(2026, 11, 18)
        listed = entries_for_member_day(made.engine, member_id=made.member_id, day=day)
        assert [entry.id for entry in listed] == [over.id, inside.id]
        previous = entries_for_member_day(
            made.engine, member_id=made.member_id, day=day.subtract(days=1)
        )
        assert [entry.id for entry in previous] == [over.id]
        # Inside the 18th, the entry over midnight counts its one hour after midnight.
        span = Span(start=kyiv(2026, 11, 18), end=kyiv(2026, 11, 19))
        assert client_spent_hours(made.engine, client_id=made.client_id, span=span) == 2.0


def test_spent_hours_is_one_query_for_a_page_of_tasks():
    with world(tasks=50) as made, clock.freeze(at=LATER):
        for index, task_id in enumerate(made.task_ids):
            add_entry(
                made.engine,
                task_id=task_id,
                member_id=made.member_id,
                start=at(index * 10),
                end=at(index * 10 + 6),
            )
        statements: list[str] = []
        event.listen(made.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        hours = spent_hours(made.engine, task_ids=[*made.task_ids, 10_000])
    assert len([sql for sql in statements if "SELECT" in sql.upper()]) == 1
    assert hours == {**dict.fromkeys(made.task_ids, pytest.approx(0.1)), 10_000: 0.0}
