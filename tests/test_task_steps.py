"""Quick task changes and the steps that take them back: the state to go back to is the
one the change itself replaced, read in its transaction."""

from __future__ import annotations

import pytest

from model import clock
from model.db import transaction
from model.errors import NotFoundError
from model.tables import Client, Status
from model.task_steps import archive, cycle_priority, set_fields, swap
from model.tasks import create_task, get_task, save_card, snapshot


@pytest.fixture
def client_id(store, frozen) -> int:
    with transaction(store) as session:
        client = Client(name="Acme", code="AC", created_at=clock.now())
        session.add(client)
        session.flush()
        return client.id


def test_two_changes_in_a_row_each_undo_to_what_it_replaced(store, client_id):
    task_id = create_task(store, client_id=client_id, title="brief", status=Status.BACKLOG).id
    first = set_fields(
        store, task_id=task_id, changes={"status": Status.TODO}, label="move", who=None
    )
    second = set_fields(
        store, task_id=task_id, changes={"status": Status.DOING}, label="move", who=None
    )
    assert first.undo.label == "move: brief"
    second.undo.revert()
    assert get_task(store, task_id=task_id).status == Status.TODO
    first.undo.revert()
    assert get_task(store, task_id=task_id).status == Status.BACKLOG


def test_priority_cycles_from_the_stored_one(store, client_id):
    task_id = create_task(store, client_id=client_id, title="brief", priority="low").id
    cycle_priority(store, task_id=task_id, label="priority", who=None)
    made = cycle_priority(store, task_id=task_id, label="priority", who=None)
    assert get_task(store, task_id=task_id).priority == "high"
    made.undo.revert()
    assert get_task(store, task_id=task_id).priority == "urgent"


def test_swap_takes_both_places_back_together(store, client_id):
    one = create_task(store, client_id=client_id, title="one", status=Status.TODO).id
    two = create_task(store, client_id=client_id, title="two", status=Status.TODO).id
    places = {tid: get_task(store, task_id=tid).position for tid in (one, two)}
    made = swap(store, task_id=one, other_id=two, label="reorder", who=None)
    assert get_task(store, task_id=one).position == places[two]
    made.undo.revert()
    assert {tid: get_task(store, task_id=tid).position for tid in (one, two)} == places


def test_a_change_to_a_task_gone_changes_nothing_and_says_so(store, client_id):
    task_id = create_task(store, client_id=client_id, title="brief").id
    archive(store, task_id=task_id, label="archive", who=None)
    with pytest.raises(NotFoundError):
        set_fields(store, task_id=task_id + 1, changes={"priority": "high"}, label="x", who=None)
    assert get_task(store, task_id=task_id).archived_at is not None


def test_a_new_card_is_archived_by_its_undo(store, client_id):
    made = save_card(
        store,
        task_id=None,
        changes={"client_id": client_id, "title": "brief", "status": Status.TODO},
        checklist_items=[],
    )
    assert made.undo.label == "create: brief"
    made.undo.revert()
    assert get_task(store, task_id=made.value.id).archived_at is not None


def test_an_edited_card_goes_back_to_what_the_save_replaced(store, client_id):
    task_id = create_task(store, client_id=client_id, title="brief", status=Status.TODO).id
    set_fields(store, task_id=task_id, changes={"priority": "high"}, label="priority", who=None)
    before = snapshot(get_task(store, task_id=task_id))
    saved = save_card(
        store,
        task_id=task_id,
        changes={"title": "brief v2", "status": Status.DOING},
        checklist_items=[],
    )
    assert saved.undo.label == "edit: brief v2"
    saved.undo.revert()
    assert snapshot(get_task(store, task_id=task_id)) == before
