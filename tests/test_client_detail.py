"""A client's detail read as one view: what it holds, money only for a manager, and
nothing once the client is archived."""

from __future__ import annotations

from model.client_detail import client_detail
from model.clients import set_client_status
from model.db import one_view, transaction
from model.tables import ClientStatus, Member, Status
from tests.agency import build, this_weeks_sprint

STATUSES = (Status.WAITING, Status.DOING, Status.TODO, Status.BACKLOG, Status.DONE)


def detail(engine, ids, *, client: str = "NWB", member: str = "DS"):
    with one_view(engine):
        return client_detail(
            engine,
            client_id=ids[client],
            sprint_id=this_weeks_sprint(engine).id,
            silence_alert_days=5,
            member_id=ids[member],
            statuses=STATUSES,
            per_status=2,
        )


def test_the_detail_holds_the_clients_tasks_by_status_a_page_each(store, frozen):
    ids = build(store)
    shown = detail(store, ids)
    assert shown is not None and shown.client.code == "NWB"
    assert set(shown.counts) == set(STATUSES)
    assert set(shown.tasks) == {status for status, n in shown.counts.items() if n}
    assert all(len(cards) <= 2 for cards in shown.tasks.values())
    assert all(card.client_id == ids["NWB"] for cards in shown.tasks.values() for card in cards)
    assert shown.health.signals.client_id == ids["NWB"]


def test_money_is_in_the_detail_of_a_manager_only(store, frozen):
    ids = build(store)
    assert detail(store, ids).money is None
    with transaction(store) as session:
        session.get(Member, ids["DS"]).manager = True
    assert detail(store, ids).money is not None


def test_an_archived_client_has_no_detail(store, frozen):
    ids = build(store)
    set_client_status(store, client_id=ids["NWB"], status=ClientStatus.ARCHIVED)
    assert detail(store, ids) is None
