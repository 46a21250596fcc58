"""Recurring tasks in the store (model/occurrences.py): a sprint that opens gets each rule's
occurrence once, on every back end, even when two people open it at the same moment."""

from __future__ import annotations

from datetime import date, time

import pendulum
import pytest
import time_machine
from sqlmodel import select

from model import clock, occurrences
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError
from model.occurrences import make_occurrences, open_sprint, rule_of, set_rule, stop_rule
from model.recurrence import Rule
from model.retro.close import close_sprint
from model.sprints import ensure_sprint
from model.tables import ChecklistItem, Occurrence, RecurrenceKind, Sprint, Status, Task
from model.tasks import archive_task, checklist, create_task, save_card
from tests.agency import build, contents, this_weeks_sprint
from tests.test_races import together

WEEK = pendulum.date(2026, 11, 16)  # the frozen clock's week: Wednesday 18 November 2026
FRIDAY = RecurrenceKind.WEEKLY


def weekly(*, weekday: int = 5, every: int = 1, until: date | None = None) -> Rule:
    return Rule(
        kind=RecurrenceKind.WEEKLY,
        since=WEEK,
        weekday=weekday,
        every_weeks=every,
        until=until,
    )


def report_task(store, ids) -> int:
    """The weekly report: due this Friday at 15:00, with a checklist."""
    done = save_card(
        store,
        task_id=None,
        changes={
            "client_id": ids["NWB"],
            "title": "Weekly report",
            "status": Status.TODO,
            "priority": "high",
            "assignee_id": ids["OK"],
            "estimate_hours": 1.5,
            "labels": "report, weekly",
            "due_date": pendulum.date(2026, 11, 20),
            "due_time": time(15, 0),
            "sprint_id": this_weeks_sprint(store).id,
        },
        checklist_items=[("Pull the numbers", True), ("Write the summary", False)],
    )
    return done.value.id


def sprint_tasks(store, *, week_start: pendulum.Date) -> list[Task]:
    sprint = ensure_sprint(store, week_start=week_start)
    with reading(store) as session:
        return list(
            session.exec(
                select(Task).where(Task.sprint_id == sprint.id, Task.title == "Weekly report")
            ).all()
        )


def test_the_next_sprint_gets_a_copy_of_the_task_once(store, frozen):
    ids = build(store)
    pattern = report_task(store, ids)
    view = set_rule(store, task_id=pattern, rule=weekly())
    assert view.rule.since == date(2026, 11, 21)  # the day after the task itself is due
    assert view.next_day == date(2026, 11, 27)
    following = ensure_sprint(store, week_start=WEEK.add(weeks=1))
    made = open_sprint(store, sprint_id=following.id, who=ids["OK"])
    assert len(made) == 1
    assert open_sprint(store, sprint_id=following.id) == ()
    assert open_sprint(store, sprint_id=this_weeks_sprint(store).id) == ()
    [copy] = sprint_tasks(store, week_start=WEEK.add(weeks=1))
    assert copy.id == made[0]
    assert (copy.client_id, copy.assignee_id, copy.estimate_hours, copy.labels) == (
        ids["NWB"],
        ids["OK"],
        1.5,
        "report,weekly",
    )
    assert (copy.status, copy.priority, copy.due_time) == (Status.TODO, "high", time(15, 0))
    assert copy.due_date == date(2026, 11, 27)
    assert [(item.text, item.done) for item in checklist(store, task_id=copy.id)] == [
        ("Pull the numbers", False),
        ("Write the summary", False),
    ]
    assert len(sprint_tasks(store, week_start=WEEK)) == 1  # this week: the task itself only


def test_two_people_opening_a_sprint_at_once_make_each_occurrence_once(store, frozen):
    ids = build(store)
    set_rule(store, task_id=report_task(store, ids), rule=weekly())
    monthly = create_task(store, client_id=ids["MK"], title="SEO report", status=Status.BACKLOG)
    set_rule(
        store,
        task_id=monthly.id,
        rule=Rule(kind=RecurrenceKind.LAST_WORKDAY, since=WEEK),
    )
    for week in range(1, 6):
        sprint = ensure_sprint(store, week_start=WEEK.add(weeks=week))
        errors = together(*(lambda s=sprint.id: open_sprint(store, sprint_id=s) for _ in range(4)))
        assert errors == []
    with reading(store) as session:
        occurrences = session.exec(select(Occurrence)).all()
        days = sorted(row.on for row in occurrences)
        tasks = session.exec(select(Task).where(Task.id.in_([o.task_id for o in occurrences])))
        assert len(list(tasks)) == len(occurrences)
    fridays = [date(2026, 11, 27), date(2026, 12, 4), date(2026, 12, 11), date(2026, 12, 18)]
    assert days == sorted([*fridays, date(2026, 12, 25), date(2026, 11, 30)])


def test_an_opener_that_looked_before_another_made_the_copy_takes_its_own_back(
    store, frozen, monkeypatch
):
    """The race, played in order: the second opener saw the period empty, the first made its
    copy meanwhile; the unique index refuses the second claim and its copy goes away."""
    ids = build(store)
    set_rule(store, task_id=report_task(store, ids), rule=weekly())
    following = ensure_sprint(store, week_start=WEEK.add(weeks=1))
    with reading(store) as session:
        stale = occurrences._missing(session, sprint=session.get(Sprint, following.id))
    assert len(stale) == 1
    assert len(open_sprint(store, sprint_id=following.id)) == 1
    before = contents(store)
    monkeypatch.setattr(occurrences, "_missing", lambda session, *, sprint: stale)
    with transaction(store) as session:
        assert make_occurrences(session, sprint_id=following.id, who=None, now=clock.now()) == []
    assert contents(store) == before


def test_closing_the_sprint_opens_the_next_and_its_undo_takes_the_copies_back(store, frozen):
    ids = build(store)
    set_rule(store, task_id=report_task(store, ids), rule=weekly())
    before = contents(store)
    closing = close_sprint(store, sprint_id=this_weeks_sprint(store).id)
    # The unfinished task itself rolls over beside its next occurrence.
    assert sorted(t.due_date for t in sprint_tasks(store, week_start=WEEK.add(weeks=1))) == [
        date(2026, 11, 20),
        date(2026, 11, 27),
    ]
    closing.undo.revert()
    assert contents(store)["occurrence"] == before["occurrence"] == []
    assert contents(store)["task"] == before["task"]
    close_sprint(store, sprint_id=this_weeks_sprint(store).id)
    assert len(sprint_tasks(store, week_start=WEEK.add(weeks=1))) == 2
    assert len(contents(store)["occurrence"]) == 1


def test_an_edit_changes_only_what_comes_next(store, frozen):
    ids = build(store)
    pattern = report_task(store, ids)
    set_rule(store, task_id=pattern, rule=weekly())
    following = ensure_sprint(store, week_start=WEEK.add(weeks=1))
    open_sprint(store, sprint_id=following.id)
    with time_machine.travel(pendulum.datetime(2026, 11, 23, 9, tz="Europe/Kyiv"), tick=False):
        view = set_rule(store, task_id=pattern, rule=weekly(weekday=3, every=2))
        assert view.rule.since == date(2026, 11, 23)
        assert open_sprint(store, sprint_id=following.id) == ()  # this week has its copy
        assert [t.due_date for t in sprint_tasks(store, week_start=WEEK.add(weeks=1))] == [
            date(2026, 11, 27)
        ]
        for week in (2, 3, 4, 5):
            open_sprint(store, sprint_id=ensure_sprint(store, week_start=WEEK.add(weeks=week)).id)
    due = {
        week: [t.due_date for t in sprint_tasks(store, week_start=WEEK.add(weeks=week))]
        for week in (2, 3, 4, 5)
    }
    # Wednesdays every two weeks from the first one after the edit, 25 November, whose week
    # already had its copy (27 November).
    assert due == {2: [], 3: [date(2026, 12, 9)], 4: [], 5: [date(2026, 12, 23)]}


def test_a_rule_ends_and_stops(store, frozen):
    ids = build(store)
    pattern = report_task(store, ids)
    set_rule(store, task_id=pattern, rule=weekly(until=date(2026, 12, 4)))
    for week in (1, 2, 3):
        open_sprint(store, sprint_id=ensure_sprint(store, week_start=WEEK.add(weeks=week)).id)
    assert [len(sprint_tasks(store, week_start=WEEK.add(weeks=w))) for w in (1, 2, 3)] == [1, 1, 0]
    other = create_task(store, client_id=ids["KZ"], title="Invoice", status=Status.BACKLOG)
    set_rule(store, task_id=other.id, rule=Rule(kind=RecurrenceKind.FIRST_WORKDAY, since=WEEK))
    view = stop_rule(store, task_id=other.id)
    assert view.next_day is None
    assert "until 2026-11-17" in view.words
    december = ensure_sprint(store, week_start=WEEK.add(weeks=2))
    assert open_sprint(store, sprint_id=december.id) == ()


def test_an_archived_copy_is_not_made_again_and_an_archived_pattern_makes_no_more(store, frozen):
    ids = build(store)
    pattern = report_task(store, ids)
    set_rule(store, task_id=pattern, rule=weekly())
    following = ensure_sprint(store, week_start=WEEK.add(weeks=1))
    [made] = open_sprint(store, sprint_id=following.id)
    archive_task(store, task_id=made)
    assert open_sprint(store, sprint_id=following.id) == ()
    archive_task(store, task_id=pattern)
    later = ensure_sprint(store, week_start=WEEK.add(weeks=2))
    assert open_sprint(store, sprint_id=later.id) == ()
    assert rule_of(store, task_id=pattern) is not None


def test_a_closed_sprint_gets_no_copies(store, frozen):
    ids = build(store)
    pattern = report_task(store, ids)
    set_rule(store, task_id=pattern, rule=weekly(), since=WEEK)
    closing = close_sprint(store, sprint_id=this_weeks_sprint(store).id)
    assert open_sprint(store, sprint_id=this_weeks_sprint(store).id) == ()
    with reading(store) as session:
        periods = [row.period for row in session.exec(select(Occurrence))]
    assert periods == [WEEK.add(weeks=1)]  # the next sprint's, made by the close
    assert closing.next_sprint_id != this_weeks_sprint(store).id


def test_bad_rules_and_missing_tasks_change_nothing(store, frozen):
    ids = build(store)
    pattern = report_task(store, ids)
    before = contents(store)
    with pytest.raises(ValidationError):
        set_rule(store, task_id=pattern, rule=weekly(weekday=9))
    with pytest.raises(ValidationError):
        set_rule(
            store, task_id=pattern, rule=weekly(until=date(2026, 12, 1)), since=date(2026, 12, 31)
        )
    with pytest.raises(NotFoundError):
        set_rule(store, task_id=999_999, rule=weekly())
    with pytest.raises(ValidationError):
        stop_rule(store, task_id=pattern)
    assert contents(store) == before
    with reading(store) as session:
        assert session.exec(select(ChecklistItem)).all()
    assert clock.today() == date(2026, 11, 18)
