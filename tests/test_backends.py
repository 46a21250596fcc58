"""The store's rules hold on every back end: SQLite and PostgreSQL (team mode)."""

from __future__ import annotations

import pendulum
import pytest
from sqlmodel import Session, select

from model import demo
from model.board import Scope, column_counts, column_page, parse_filter
from model.budgets import budget_status
from model.db import reading
from model.store import current_revision, head_revision, integrity_problems
from model.tables import Status, Task, TaskEvent
from model.tasks import ConflictError, create_task, get_task, restore, snapshot, update_task
from model.timetrack import add_entry, spent_hours
from tests.agency import MARKUP_TITLES, build


def test_the_schema_is_at_head_and_healthy(store):
    assert current_revision(engine=store) == head_revision()
    assert integrity_problems(engine=store) == []


def test_text_and_instants_round_trip(store, frozen):
    ids = build(store)
    for title in (*MARKUP_TITLES, "Ёлка 🎄 — ґанок", "x" * 500):
        task = create_task(store, client_id=ids["KZ"], title=title)
        again = get_task(store, task_id=task.id)
        assert again.title == title
        assert again.created_at == frozen.in_timezone("UTC")
        assert again.created_at.utcoffset().total_seconds() == 0


def test_the_second_of_two_concurrent_saves_meets_the_version_check(store, frozen):
    ids = build(store)
    task_id = ids["Monthly PPC report"]
    with reading(store) as mine, reading(store) as theirs:
        loaded_by_me = mine.get(Task, task_id)
        loaded_by_them = theirs.get(Task, task_id)
        assert loaded_by_me.version == loaded_by_them.version
        expected = loaded_by_me.version
    update_task(store, task_id=task_id, changes={"title": "first"}, expected_version=expected)
    with pytest.raises(ConflictError) as conflict:
        update_task(store, task_id=task_id, changes={"title": "second"}, expected_version=expected)
    assert conflict.value.current["title"] == "first"
    assert get_task(store, task_id=task_id).title == "first"


def test_changes_write_events_and_undo_restores(store, frozen):
    ids = build(store)
    task_id = ids["Monthly PPC report"]
    before = snapshot(get_task(store, task_id=task_id))
    update_task(store, task_id=task_id, changes={"status": Status.WAITING, "priority": "high"})
    restore(store, states={task_id: before})
    after = get_task(store, task_id=task_id)
    assert (after.status, after.priority) == (before["status"], before["priority"])
    with Session(store) as session:
        fields = session.exec(select(TaskEvent.field).where(TaskEvent.task_id == task_id)).all()
    assert fields.count("status") == 2 and fields.count("priority") == 2


def test_board_queries_and_a_filter_with_like_wildcards(store, frozen):
    ids = build(store)
    create_task(store, client_id=ids["NWB"], title="100% done_ish", status=Status.TODO)
    scope = Scope(sprint_id=None, filter=parse_filter(text="100%"))
    assert column_counts(store, scope=scope, statuses=(Status.TODO,)) == {Status.TODO: 1}
    scope = Scope(sprint_id=None, filter=parse_filter(text="_"))
    page = column_page(store, scope=scope, status=Status.TODO, offset=0, limit=10)
    assert [card.title for card in page] == ["100% done_ish"]


def test_time_and_budgets(store, frozen):
    ids = build(store)
    start = frozen.subtract(days=1).set(hour=9, minute=0)
    add_entry(
        store,
        task_id=ids["Set up remarketing in Google Ads"],
        member_id=ids["DS"],
        start=start,
        end=start.add(hours=2, minutes=30),
    )
    spent = spent_hours(store, task_ids=[ids["Set up remarketing in Google Ads"]])
    assert spent[ids["Set up remarketing in Google Ads"]] == pytest.approx(2.5)
    status = budget_status(store, client_id=ids["NWB"], month=pendulum.date(2026, 11, 1))
    assert status.spent_hours == pytest.approx(4.0)


def test_the_demo_fills_and_ids_continue_after_it(store, frozen):
    summary = demo.fill(engine=store, scale=1, seed=3)
    task = create_task(store, client_id=1, title="after the demo")
    assert task.id == summary.tasks + 1


def test_filters_fold_the_case_of_any_script(store, frozen):
    build(store)
    scope = Scope(sprint_id=None, filter=parse_filter(text="НАСТРОИТЬ"))
    assert column_counts(store, scope=scope, statuses=(Status.BACKLOG,)) == {Status.BACKLOG: 1}
