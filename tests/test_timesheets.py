"""Timesheet review (model/timesheets.py): submit, approve, return, unlock, and the lock that
an approved week puts on every write of its time (timers, entries, billing, imports)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest
import time_machine
from sqlmodel import func, select

from model import clock
from model.billing import set_entry_billable
from model.db import reading, transaction
from model.errors import ForbiddenError, ValidationError
from model.importers.timeentries import import_time
from model.members import add_member
from model.tables import Client, Task, TimeEntry, Timesheet, TimesheetState, TimesheetUnlock
from model.timesheets import (
    LockedError,
    approve_week,
    return_week,
    submit_week,
    timesheet_states,
    unlock_week,
    week_of,
    week_state,
)
from model.timetrack import (
    OverlapError,
    add_entry,
    archive_entry,
    edit_entry,
    start_timer,
    stop_at_end_of_work_day,
    stop_timer,
    unarchive_entry,
)

KYIV = "Europe/Kyiv"
W47 = pendulum.date(2026, 11, 16)
W48 = pendulum.date(2026, 11, 23)
HARVEST = Path(__file__).parent / "fixtures" / "time" / "harvest.csv"
LOCKED = "Olena Koval's week 2026-W47 is approved and its time locked"


def kyiv(*parts: int) -> pendulum.DateTime:
    return pendulum.datetime(*parts, tz=KYIV)


@dataclass(frozen=True)
class Team:
    engine: object
    manager: int
    member: int
    other: int
    task: int


def _team(engine) -> Team:
    manager = add_member(engine, values={"name": "Mira Bondar"}).value.id  # the first: manager
    member = add_member(engine, values={"name": "Olena Koval", "initials": "OK"}).value.id
    other = add_member(engine, values={"name": "Taras Melnyk", "initials": "TM"}).value.id
    with transaction(engine) as session:
        client = Client(name="Northwind Bank", code="NWB", created_at=clock.now())
        session.add(client)
        session.flush()
        task = Task(
            client_id=client.id,
            title="Landing page",
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        session.add(task)
        session.flush()
        task_id = task.id
    return Team(engine=engine, manager=manager, member=member, other=other, task=task_id)


@pytest.fixture
def team(store, frozen) -> Team:
    """Wednesday of 2026-W47: a manager, two members, a task."""
    return _team(store)


@pytest.fixture
def next_week(store):
    """Tuesday of 2026-W48, so 2026-W47 is over."""
    with time_machine.travel(kyiv(2026, 11, 24, 12, 0), tick=False):
        clock.set_zone(name=KYIV)
        yield _team(store)


def _entry(team: Team, *, start, end, member: int | None = None):
    return add_entry(
        team.engine, task_id=team.task, member_id=member or team.member, start=start, end=end
    ).value


def _approved(team: Team, week=W47) -> None:
    submit_week(team.engine, member_id=team.member, week_start=week)
    approve_week(team.engine, member_id=team.member, week_start=week, by_id=team.manager)


# --- the review ------------------------------------------------------------------------------


def test_a_week_goes_from_open_to_submitted_to_approved(team):
    assert {v.name: v.state for v in timesheet_states(team.engine, week_start=W47)} == {
        "Mira Bondar": "open",
        "Olena Koval": "open",
        "Taras Melnyk": "open",
    }
    submit_week(team.engine, member_id=team.member, week_start=W47)
    assert week_state(team.engine, member_id=team.member, week_start=W47).state == "submitted"
    approve_week(team.engine, member_id=team.member, week_start=W47, by_id=team.manager)
    view = week_state(team.engine, member_id=team.member, week_start=W47)
    assert (view.state, view.by, view.at) == ("approved", "Mira Bondar", clock.now())


def test_a_returned_week_carries_its_note_and_is_submitted_again(team):
    submit_week(team.engine, member_id=team.member, week_start=W47)
    return_week(
        team.engine,
        member_id=team.member,
        week_start=W47,
        by_id=team.manager,
        note="  Tuesday has no time on [NWB]  ",
    )
    view = week_state(team.engine, member_id=team.member, week_start=W47)
    assert (view.state, view.note, view.by) == (
        "returned",
        "Tuesday has no time on [NWB]",
        "Mira Bondar",
    )
    submit_week(team.engine, member_id=team.member, week_start=W47)
    assert week_state(team.engine, member_id=team.member, week_start=W47).state == "submitted"


def test_a_manager_may_approve_their_own_week(team):
    submit_week(team.engine, member_id=team.manager, week_start=W47)
    approve_week(team.engine, member_id=team.manager, week_start=W47, by_id=team.manager)
    assert week_state(team.engine, member_id=team.manager, week_start=W47).state == "approved"


def _rows(engine) -> list[tuple]:
    with reading(engine) as session:
        return [
            (row.member_id, row.state, row.note, row.by_id)
            for row in session.exec(select(Timesheet).order_by(Timesheet.id))
        ]


def test_approving_your_own_week_is_refused_when_you_are_not_a_manager(team):
    submit_week(team.engine, member_id=team.member, week_start=W47)
    before = _rows(team.engine)
    with pytest.raises(ForbiddenError, match="you cannot review your own week: a manager does"):
        approve_week(team.engine, member_id=team.member, week_start=W47, by_id=team.member)
    assert _rows(team.engine) == before


@pytest.mark.parametrize("by", ["other", None])
def test_approving_or_returning_is_refused_to_anyone_but_a_manager(team, by):
    submit_week(team.engine, member_id=team.member, week_start=W47)
    by_id = getattr(team, by) if by else None
    before = _rows(team.engine)
    with pytest.raises(ForbiddenError, match="only a manager reviews timesheets"):
        approve_week(team.engine, member_id=team.member, week_start=W47, by_id=by_id)
    with pytest.raises(ForbiddenError, match="only a manager reviews timesheets"):
        return_week(team.engine, member_id=team.member, week_start=W47, by_id=by_id, note="no")
    with pytest.raises(ForbiddenError, match="only a manager unlocks a week"):
        unlock_week(team.engine, member_id=team.member, week_start=W47, by_id=by_id, reason="x")
    assert _rows(team.engine) == before


def test_a_week_not_submitted_is_neither_approved_nor_returned(team):
    for review in (
        lambda: approve_week(
            team.engine, member_id=team.member, week_start=W47, by_id=team.manager
        ),
        lambda: return_week(
            team.engine, member_id=team.member, week_start=W47, by_id=team.manager, note="fix"
        ),
    ):
        with pytest.raises(ValidationError, match="the week 2026-W47 is open, not submitted"):
            review()
    _approved(team)
    with pytest.raises(ValidationError, match="is approved, not submitted"):
        approve_week(team.engine, member_id=team.member, week_start=W47, by_id=team.manager)
    with pytest.raises(ValidationError, match="the week 2026-W47 is already approved"):
        submit_week(team.engine, member_id=team.member, week_start=W47)


@pytest.mark.parametrize("note", ["", "   \n ", "x" * 2001, "a\x00b"])
def test_a_return_needs_a_note_and_an_unlock_a_reason(team, note):
    submit_week(team.engine, member_id=team.member, week_start=W47)
    with pytest.raises(ValidationError):
        return_week(
            team.engine, member_id=team.member, week_start=W47, by_id=team.manager, note=note
        )
    approve_week(team.engine, member_id=team.member, week_start=W47, by_id=team.manager)
    with pytest.raises(ValidationError):
        unlock_week(
            team.engine, member_id=team.member, week_start=W47, by_id=team.manager, reason=note
        )
    assert week_state(team.engine, member_id=team.member, week_start=W47).state == "approved"


def test_the_messages_of_an_empty_note_say_what_is_missing(team):
    submit_week(team.engine, member_id=team.member, week_start=W47)
    with pytest.raises(ValidationError, match="a returned week needs a note"):
        return_week(team.engine, member_id=team.member, week_start=W47, by_id=team.manager, note="")
    approve_week(team.engine, member_id=team.member, week_start=W47, by_id=team.manager)
    with pytest.raises(ValidationError, match="an unlock needs a reason"):
        unlock_week(
            team.engine, member_id=team.member, week_start=W47, by_id=team.manager, reason=""
        )
    with pytest.raises(ValidationError, match="is not approved: nothing is locked"):
        unlock_week(
            team.engine, member_id=team.other, week_start=W47, by_id=team.manager, reason="x"
        )


def test_a_week_to_come_cannot_be_submitted_and_twice_is_refused(team):
    with pytest.raises(ValidationError, match="a week that has not begun cannot be submitted"):
        submit_week(team.engine, member_id=team.member, week_start=W48)
    submit_week(team.engine, member_id=team.member, week_start=W47)
    with pytest.raises(ValidationError, match="already submitted"):
        submit_week(team.engine, member_id=team.member, week_start=W47)


def test_a_running_timer_keeps_a_week_from_being_submitted_or_approved(team):
    start_timer(team.engine, task_id=team.task, member_id=team.member)
    with pytest.raises(ValidationError, match="Olena Koval's timer is still running"):
        submit_week(team.engine, member_id=team.member, week_start=W47)
    stop_timer(team.engine, member_id=team.member)
    submit_week(team.engine, member_id=team.member, week_start=W47)
    start_timer(team.engine, task_id=team.task, member_id=team.member)
    with pytest.raises(ValidationError, match="timer is still running"):
        approve_week(team.engine, member_id=team.member, week_start=W47, by_id=team.manager)


# --- the lock --------------------------------------------------------------------------------


def test_an_approved_week_refuses_new_and_changed_time_in_it(team):
    entry = _entry(team, start=kyiv(2026, 11, 16, 9), end=kyiv(2026, 11, 16, 11))
    _approved(team)
    with pytest.raises(LockedError, match=LOCKED):
        _entry(team, start=kyiv(2026, 11, 17, 9), end=kyiv(2026, 11, 17, 10))
    with pytest.raises(LockedError, match=LOCKED):
        edit_entry(team.engine, entry_id=entry.id, start=entry.start, end=entry.end, note="typo")
    with pytest.raises(LockedError, match=LOCKED):
        archive_entry(team.engine, entry_id=entry.id)
    with pytest.raises(LockedError, match=LOCKED):
        set_entry_billable(team.engine, entry_id=entry.id, billable=False)
    with pytest.raises(LockedError, match=LOCKED):
        start_timer(team.engine, task_id=team.task, member_id=team.member)
    with reading(team.engine) as session:
        stored = session.get(TimeEntry, entry.id)
        assert (stored.note, stored.archived_at, stored.billable) == ("", None, None)
        assert session.exec(select(func.count()).select_from(TimeEntry)).one() == 1
    # Others' time in the same week is theirs to change.
    _entry(team, start=kyiv(2026, 11, 17, 9), end=kyiv(2026, 11, 17, 10), member=team.other)


def test_a_submitted_week_is_not_locked(team):
    entry = _entry(team, start=kyiv(2026, 11, 16, 9), end=kyiv(2026, 11, 16, 11))
    submit_week(team.engine, member_id=team.member, week_start=W47)
    edit_entry(team.engine, entry_id=entry.id, start=entry.start, end=entry.end, note="fixed")


def test_an_entry_cannot_be_moved_into_or_out_of_an_approved_week(next_week):
    team = next_week
    inside = _entry(team, start=kyiv(2026, 11, 16, 9), end=kyiv(2026, 11, 16, 10))
    after = _entry(team, start=kyiv(2026, 11, 23, 9), end=kyiv(2026, 11, 23, 10))
    _approved(team)
    for entry, day in ((after, 20), (inside, 23)):
        with pytest.raises(LockedError, match=LOCKED):
            edit_entry(
                team.engine,
                entry_id=entry.id,
                start=kyiv(2026, 11, day, 11),
                end=kyiv(2026, 11, day, 12),
                note="",
            )
    edit_entry(team.engine, entry_id=after.id, start=after.start, end=after.end, note="W48 is open")


def test_an_archived_entry_of_an_approved_week_stays_archived(team):
    entry = _entry(team, start=kyiv(2026, 11, 16, 9), end=kyiv(2026, 11, 16, 10))
    archive_entry(team.engine, entry_id=entry.id)
    _approved(team)
    with pytest.raises(LockedError, match=LOCKED):
        unarchive_entry(team.engine, entry_id=entry.id)


def test_a_trim_that_would_cut_an_entry_of_an_approved_week_is_refused(next_week):
    """Sunday night into Monday crosses into the open week: trimming it changes locked time."""
    team = next_week
    night = _entry(team, start=kyiv(2026, 11, 22, 23), end=kyiv(2026, 11, 23, 1))
    _approved(team)
    with pytest.raises(OverlapError):
        _entry(team, start=kyiv(2026, 11, 23, 0, 30), end=kyiv(2026, 11, 23, 2))
    with pytest.raises(LockedError, match=LOCKED):
        add_entry(
            team.engine,
            task_id=team.task,
            member_id=team.member,
            start=kyiv(2026, 11, 23, 0, 30),
            end=kyiv(2026, 11, 23, 2),
            trim_neighbours=True,
        )
    with pytest.raises(LockedError, match=LOCKED):
        edit_entry(team.engine, entry_id=night.id, start=night.start, end=night.end, note="x")
    with reading(team.engine) as session:
        assert session.exec(select(func.count()).select_from(TimeEntry)).one() == 1


def test_a_timer_left_running_into_an_approved_week_is_not_stopped_there(next_week):
    """A running entry another process wrote after the approval: stopping it, now or at the
    end of its working day, would write locked time."""
    team = next_week
    _approved(team)
    with transaction(team.engine) as session:
        session.add(
            TimeEntry(task_id=team.task, member_id=team.member, start=kyiv(2026, 11, 20, 9))
        )
    with pytest.raises(LockedError, match=LOCKED):
        stop_timer(team.engine, member_id=team.member)
    with pytest.raises(LockedError, match=LOCKED):
        stop_at_end_of_work_day(team.engine, member_id=team.member, work_day_end="18:00")
    with pytest.raises(LockedError, match=LOCKED):
        start_timer(team.engine, task_id=team.task, member_id=team.member)


def test_an_unlock_is_recorded_and_opens_the_week_again(team):
    entry = _entry(team, start=kyiv(2026, 11, 16, 9), end=kyiv(2026, 11, 16, 11))
    _approved(team)
    unlock_week(
        team.engine,
        member_id=team.member,
        week_start=W47,
        by_id=team.manager,
        reason="the client's call was on NWB, not <ACME>",
        entry_id=entry.id,
    )
    edit_entry(team.engine, entry_id=entry.id, start=entry.start, end=entry.end, note="moved")
    view = week_state(team.engine, member_id=team.member, week_start=W47)
    assert view.state == TimesheetState.OPEN
    (unlock,) = view.unlocks
    assert (unlock.by, unlock.reason, unlock.entry_id, unlock.at) == (
        "Mira Bondar",
        "the client's call was on NWB, not <ACME>",
        entry.id,
        clock.now(),
    )
    _approved(team)
    with pytest.raises(LockedError):
        archive_entry(team.engine, entry_id=entry.id)
    with reading(team.engine) as session:
        assert session.exec(select(func.count()).select_from(TimesheetUnlock)).one() == 1


# --- imports ---------------------------------------------------------------------------------


def test_an_import_writes_nothing_into_an_approved_week(team):
    """The Harvest file is Olena's time of 2026-W47: refused line by line once it is approved;
    a file imported before the approval adds nothing again and is not refused."""
    _approved(team)
    result = import_time(team.engine, path=HARVEST, zone=KYIV)
    assert not result.written and result.created == 0
    assert [problem.line for problem in result.problems] == [2, 3, 4]
    assert all(problem.reason.startswith(LOCKED) for problem in result.problems)
    partial = import_time(team.engine, path=HARVEST, zone=KYIV, partial=True)
    assert partial.created == 0 and partial.problem_count == 3
    with reading(team.engine) as session:
        assert session.exec(select(func.count()).select_from(TimeEntry)).one() == 0


def test_an_import_made_before_the_approval_is_known_after_it(team):
    first = import_time(team.engine, path=HARVEST, zone=KYIV)
    assert first.created == 3
    _approved(team)
    again = import_time(team.engine, path=HARVEST, zone=KYIV)
    assert (again.written, again.known, again.problem_count) == (True, 3, 0)


def test_an_unlock_names_only_an_entry_of_that_member_and_week(team):
    theirs = _entry(
        team, start=kyiv(2026, 11, 16, 9), end=kyiv(2026, 11, 16, 10), member=team.other
    )
    _approved(team)
    with pytest.raises(ValidationError, match=f"time entry {theirs.id} is not in that week"):
        unlock_week(
            team.engine,
            member_id=team.member,
            week_start=W47,
            by_id=team.manager,
            reason="fix",
            entry_id=theirs.id,
        )
    assert week_state(team.engine, member_id=team.member, week_start=W47).state == "approved"


@pytest.mark.parametrize(
    ("text", "start_weekday", "week"),
    [
        ("2026-W47", 0, W47),
        ("2026w47", 0, W47),
        ("2026-11-22", 0, W47),
        ("friday", 0, W47),
        ("2026-11-18", 2, pendulum.date(2026, 11, 18)),
        ("2026-11-17", 2, pendulum.date(2026, 11, 11)),
    ],
)
def test_a_week_is_named_by_its_iso_week_or_a_day_in_it(team, text, start_weekday, week):
    assert week_of(text=text, start_weekday=start_weekday) == week


@pytest.mark.parametrize("text", ["", "2026-W54", "W", "someday", "[red]x"])
def test_what_names_no_week_is_refused(team, text):
    with pytest.raises(ValidationError, match="not a week"):
        week_of(text=text, start_weekday=0)
