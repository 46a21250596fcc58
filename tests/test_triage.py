"""Triage actions on the hand-built agency: what each one changes, its events, and its undo."""

from __future__ import annotations

import pendulum
import pytest
import time_machine
from sqlmodel import select

from model import clock
from model.board import Scope, column_page, parse_filter
from model.db import reading
from model.inbox import capture, inbox_count
from model.tables import Status, TaskEvent
from model.tasks import (
    NotFoundError,
    ValidationError,
    archive_task,
    get_task,
    history,
    snapshot,
    update_task,
)
from model.triage import (
    accept,
    decline,
    duplicate,
    duplicate_candidates,
    fire,
    inbox_page,
    merged_description,
    to_backlog,
    to_waiting,
)
from tests.agency import build, this_weeks_sprint


@pytest.fixture
def agency(store, frozen):
    ids = build(store)
    ids["sprint"] = this_weeks_sprint(store).id
    with time_machine.travel(frozen.subtract(minutes=20), tick=False):
        ids["banner"] = capture(store, line="MK: new banner for the sale", today=clock.today()).id
    with time_machine.travel(frozen.subtract(minutes=10), tick=False):
        ids["down"] = capture(store, line="NWB: site is down", today=clock.today(), fire=True).id
    return store, ids


def events(engine, task_id: int) -> list[tuple[str, str | None]]:
    with reading(engine) as session:
        rows = session.exec(
            select(TaskEvent.field, TaskEvent.new)
            .where(TaskEvent.task_id == task_id, TaskEvent.field != "created")
            .order_by(TaskEvent.id)
        ).all()
    return list(rows)


def todo_ids(engine, sprint_id: int) -> list[int]:
    page = column_page(engine, scope=Scope(sprint_id=sprint_id), status="todo", offset=0, limit=50)
    return [card.id for card in page]


def test_the_inbox_is_newest_first_a_page_at_a_time(agency):
    engine, ids = agency
    assert [item.id for item in inbox_page(engine, offset=0, limit=10)] == [
        ids["down"],
        ids["banner"],
    ]
    assert [item.id for item in inbox_page(engine, offset=1, limit=10)] == [ids["banner"]]
    first = inbox_page(engine, offset=0, limit=1)[0]
    assert (first.client_code, first.fire, first.priority) == ("NWB", True, "urgent")


def test_the_inbox_filter_is_the_boards(agency):
    engine, ids = agency
    for text, expected in (
        ("BANNER", [ids["banner"]]),
        ("!urgent", [ids["down"]]),
        ("site !urgent", [ids["down"]]),
        ("nothing-like-it", []),
        ("", [ids["down"], ids["banner"]]),
    ):
        wanted = parse_filter(text=text)
        page = inbox_page(engine, offset=0, limit=10, wanted=wanted)
        assert [item.id for item in page] == expected, text
        assert inbox_count(engine, wanted=wanted) == len(expected), text


def test_accept_puts_it_in_the_sprint_at_the_end_of_to_do(agency):
    engine, ids = agency
    before = snapshot(get_task(engine, task_id=ids["banner"]))
    triaged = accept(
        engine,
        task_id=ids["banner"],
        sprint_id=ids["sprint"],
        assignee_id=ids["IB"],
        estimate_hours=1.5,
        who=ids["OK"],
    )
    task = get_task(engine, task_id=ids["banner"])
    assert (task.status, task.sprint_id, task.assignee_id, task.estimate_hours) == (
        Status.TODO,
        ids["sprint"],
        ids["IB"],
        1.5,
    )
    assert todo_ids(engine, ids["sprint"])[-1] == ids["banner"]
    assert {field for field, _new in events(engine, task.id)} == {
        "status",
        "sprint_id",
        "assignee_id",
        "estimate_hours",
    }
    assert inbox_count(engine) == 1
    assert triaged.undo.label == "accept: new banner for the sale"
    triaged.undo.revert()
    assert snapshot(get_task(engine, task_id=task.id)) == before
    assert inbox_count(engine) == 2


def test_the_history_names_the_member_the_client_and_the_sprint(agency):
    engine, ids = agency
    accept(
        engine,
        task_id=ids["banner"],
        sprint_id=ids["sprint"],
        assignee_id=ids["IB"],
        estimate_hours=1.5,
        who=ids["OK"],
    )
    update_task(engine, task_id=ids["banner"], changes={"client_id": ids["KZ"]}, who=ids["OK"])
    changes = {
        event.field: (event.old, event.new) for event in history(engine, task_id=ids["banner"])
    }
    assert changes["assignee_id"] == (None, "Iryna Bondar")
    assert changes["sprint_id"] == (None, "2026-W47")
    assert changes["client_id"] == ("MK", "KZ")
    assert changes["estimate_hours"] == (None, "1.5")


def test_accepting_a_task_in_progress_keeps_its_status(agency):
    engine, ids = agency
    task_id = ids["Monthly PPC report"]
    accept(engine, task_id=task_id, sprint_id=ids["sprint"], assignee_id=None, estimate_hours=None)
    assert get_task(engine, task_id=task_id).status == Status.DOING


def test_backlog_leaves_the_sprint(agency):
    engine, ids = agency
    task_id = ids["Set up remarketing in Google Ads"]
    triaged = to_backlog(engine, task_id=task_id)
    task = get_task(engine, task_id=task_id)
    assert (task.status, task.sprint_id) == (Status.BACKLOG, None)
    triaged.undo.revert()
    task = get_task(engine, task_id=task_id)
    assert (task.status, task.sprint_id) == (Status.TODO, ids["sprint"])


def test_waiting_starts_the_waiting_clock_and_undo_stops_it(agency, frozen):
    engine, ids = agency
    triaged = to_waiting(engine, task_id=ids["banner"])
    task = get_task(engine, task_id=ids["banner"])
    assert task.status == Status.WAITING
    assert pendulum.instance(task.waiting_since) == frozen
    triaged.undo.revert()
    task = get_task(engine, task_id=ids["banner"])
    assert (task.status, task.waiting_since) == (Status.INBOX, None)


def test_decline_archives_with_the_reason(agency):
    engine, ids = agency
    triaged = decline(engine, task_id=ids["banner"], reason="  out of\nscope ")
    task = get_task(engine, task_id=ids["banner"])
    assert task.archived_at is not None
    assert task.archive_reason == "out of scope"
    assert ("archived_at", clock.to_local(task.archived_at).isoformat()) in events(engine, task.id)
    triaged.undo.revert()
    task = get_task(engine, task_id=ids["banner"])
    assert (task.archived_at, task.archive_reason) == (None, "")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_decline_needs_a_short_reason(agency, reason):
    engine, ids = agency
    with pytest.raises(ValidationError):
        decline(engine, task_id=ids["banner"], reason=reason)
    assert get_task(engine, task_id=ids["banner"]).archived_at is None


def test_duplicate_appends_the_text_and_archives_in_one_change(agency):
    engine, ids = agency
    original_id = ids["Monthly PPC report"]
    triaged = duplicate(engine, task_id=ids["down"], of_id=original_id, who=ids["OK"])
    original = get_task(engine, task_id=original_id)
    copy = get_task(engine, task_id=ids["down"])
    assert original.description == f"Duplicate #{copy.id}, 18 Nov 10:20: site is down"
    assert (copy.duplicate_of_id, copy.archive_reason) == (
        original_id,
        f"duplicate of #{original_id}",
    )
    assert copy.archived_at is not None
    triaged.undo.revert()
    assert get_task(engine, task_id=original_id).description == ""
    copy = get_task(engine, task_id=ids["down"])
    assert (copy.archived_at, copy.duplicate_of_id, copy.status) == (None, None, Status.INBOX)


def test_merged_description_keeps_both_texts(agency):
    engine, ids = agency
    original = get_task(engine, task_id=ids["Monthly PPC report"])
    copy = get_task(engine, task_id=ids["banner"])
    original.description = "Old text\n\n"
    copy.description = "  details from the call "
    assert merged_description(original=original, duplicate=copy) == (
        f"Old text\n\nDuplicate #{copy.id}, 18 Nov 10:10: new banner for the sale"
        "\n\ndetails from the call"
    )


def test_duplicate_refuses_itself_and_archived_tasks(agency):
    engine, ids = agency
    with pytest.raises(ValidationError):
        duplicate(engine, task_id=ids["down"], of_id=ids["down"])
    archive_task(engine, task_id=ids["Monthly PPC report"])
    with pytest.raises(ValidationError):
        duplicate(engine, task_id=ids["down"], of_id=ids["Monthly PPC report"])
    with pytest.raises(NotFoundError):
        duplicate(engine, task_id=ids["down"], of_id=99_999)
    assert get_task(engine, task_id=ids["down"]).archived_at is None


def test_duplicate_writes_nothing_when_the_merged_text_is_too_long(agency):
    engine, ids = agency
    with reading(engine) as session:
        before = session.exec(select(TaskEvent.id)).all()
    original = get_task(engine, task_id=ids["Monthly PPC report"])
    update_task(engine, task_id=original.id, changes={"description": "x" * 99_990})
    with pytest.raises(ValidationError):
        duplicate(engine, task_id=ids["down"], of_id=original.id)
    assert get_task(engine, task_id=ids["down"]).archived_at is None
    with reading(engine) as session:
        assert len(session.exec(select(TaskEvent.id)).all()) == len(before)


def test_fire_is_urgent_in_the_sprint_at_the_top_of_to_do(agency):
    engine, ids = agency
    triaged = fire(engine, task_id=ids["banner"], sprint_id=ids["sprint"], who=ids["OK"])
    task = get_task(engine, task_id=ids["banner"])
    assert (task.status, task.priority, task.fire, task.sprint_id) == (
        Status.TODO,
        "urgent",
        True,
        ids["sprint"],
    )
    assert todo_ids(engine, ids["sprint"])[0] == ids["banner"]
    triaged.undo.revert()
    task = get_task(engine, task_id=ids["banner"])
    assert (task.status, task.priority, task.fire, task.sprint_id) == (
        Status.INBOX,
        "normal",
        False,
        None,
    )


def test_fire_on_a_to_do_task_lifts_it_to_the_top(agency):
    engine, ids = agency
    task_id = ids["[link=http://a]y"]
    assert todo_ids(engine, ids["sprint"])[0] != task_id
    fire(engine, task_id=task_id, sprint_id=ids["sprint"])
    assert todo_ids(engine, ids["sprint"])[0] == task_id


def test_archived_tasks_are_not_triaged(agency):
    engine, ids = agency
    decline(engine, task_id=ids["banner"], reason="spam")
    for act in (
        lambda: to_backlog(engine, task_id=ids["banner"]),
        lambda: fire(engine, task_id=ids["banner"], sprint_id=ids["sprint"]),
    ):
        with pytest.raises(ValidationError):
            act()


def test_duplicate_candidates_put_the_clients_tasks_first(agency):
    engine, ids = agency
    hits = duplicate_candidates(engine, task_id=ids["down"], text="")
    assert ids["down"] not in [hit.id for hit in hits]
    codes = [hit.client_code for hit in hits]
    assert codes[: codes.count("NWB")] == ["NWB"] * codes.count("NWB") and "NWB" in codes
    words = duplicate_candidates(engine, task_id=ids["down"], text="ремаркетинг")
    assert [hit.id for hit in words] == [ids["Настроить ремаркетинг"]]
