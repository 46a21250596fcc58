"""Client health (model/health.py): each signal on hand-built clients, and the risk score."""

from __future__ import annotations

from datetime import time

import pendulum
import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from model import clock
from model.budgets import Level, set_budget
from model.db import transaction
from model.health import (
    RISK,
    SORTS,
    Health,
    Plan,
    Signals,
    client_health,
    matching_health,
    promises,
    risk_level,
    risk_terms,
    sort_health,
)
from model.interactions import log_interaction
from model.kpis import rate_satisfaction
from model.promises import PromiseState, promise_task
from model.tables import Channel, Client, ClientPlan, Member, Status, TimeEntry
from model.tasks import create_task, move_status
from tests.agency import this_weeks_sprint

KYIV = "Europe/Kyiv"
TODAY = pendulum.date(2026, 11, 18)


def kyiv(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=KYIV)


def signals(**fields) -> Signals:
    values = {
        "client_id": 1,
        "name": "Acme",
        "code": "ACME",
        "colour": "#123456",
        "burn_percent": None,
        "budget_level": Level.NONE,
        "silent_days": 0,
        "last_contact": None,
    }
    return Signals(**(values | fields))


def terms(**fields) -> dict[str, int]:
    return risk_terms(signals=signals(**fields), silence_alert_days=2, today=TODAY)


# --- the score -----------------------------------------------------------------------------


def test_a_calm_client_has_no_risk():
    assert terms(silent_days=2, satisfaction=7, plan=Plan.AGREED, longest_wait_days=2) == {}


@pytest.mark.parametrize(("days", "points"), [(2, 0), (3, 10), (4, 15), (8, 35), (9, 40), (30, 40)])
def test_silence_counts_past_the_alert_threshold_and_is_capped(days, points):
    assert terms(silent_days=days).get("silence", 0) == points


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"overdue_promises": 2}, {"overdue_promises": 30}),
        ({"broken_this_month": 3}, {"broken_promises": 15}),
        ({"budget_level": Level.WARNING}, {"budget": 10}),
        ({"budget_level": Level.OVER}, {"budget": 25}),
        ({"budget_level": Level.OK}, {}),
        ({"longest_wait_days": 5}, {"waiting": 6}),
        ({"longest_wait_days": 40}, {"waiting": 20}),
        ({"plan": Plan.NOT_AGREED}, {"plan": 10}),
        ({"plan": Plan.NONE}, {}),
        ({"satisfaction": 3}, {"satisfaction": 16}),
        ({"satisfaction": 10}, {}),
        ({"next_deadline": TODAY.subtract(days=1)}, {"late_deadline": 10}),
        ({"next_deadline": TODAY}, {}),
    ],
)
def test_each_signal_adds_its_documented_points(fields, expected):
    assert terms(**fields) == expected


def test_the_risk_is_the_sum_of_its_terms():
    health = Health(
        signals=signals(silent_days=3, overdue_promises=1, budget_level=Level.OVER),
        terms=terms(silent_days=3, overdue_promises=1, budget_level=Level.OVER),
        silence_alert=True,
    )
    assert health.risk == 10 + 15 + 25
    assert risk_level(health.risk) == "high"
    assert [risk_level(points) for points in (0, 19, 20, 49, 50)] == [
        "low",
        "low",
        "watch",
        "watch",
        "high",
    ]


@given(
    silent=st.integers(min_value=0, max_value=60),
    overdue=st.integers(min_value=0, max_value=5),
    wait=st.none() | st.integers(min_value=0, max_value=90),
    score=st.none() | st.integers(min_value=0, max_value=10),
    threshold=st.integers(min_value=0, max_value=10),
)
def test_more_of_a_worry_never_lowers_the_risk(silent, overdue, wait, score, threshold):
    def risk(**changes) -> int:
        base = {
            "silent_days": silent,
            "overdue_promises": overdue,
            "longest_wait_days": wait,
            "satisfaction": score,
        }
        found = risk_terms(
            signals=signals(**(base | changes)), silence_alert_days=threshold, today=TODAY
        )
        assert all(points > 0 for points in found.values())
        return sum(found.values())

    now = risk()
    assert risk(silent_days=silent + 1) >= now
    assert risk(overdue_promises=overdue + 1) == now + RISK["overdue_promise"]
    assert risk(longest_wait_days=(wait or 0) + 1) >= now
    if score:
        assert risk(satisfaction=score - 1) >= now


# --- signals from the store ----------------------------------------------------------------


@pytest.fixture
def agency(store, frozen):
    """Quiet (silent since Friday), Chatty (in touch today), New (never contacted)."""
    ids: dict[str, int] = {}
    with transaction(store) as session:
        for name, code, created in (
            ("Quiet", "Q", kyiv(2026, 10, 1)),
            ("Chatty", "C", kyiv(2026, 10, 1)),
            ("New", "N", kyiv(2026, 11, 16, 9, 0)),
        ):
            client = Client(name=name, code=code, created_at=created)
            session.add(client)
            session.flush()
            ids[code] = client.id
        member = Member(name="Olena", initials="OK")
        session.add(member)
        session.flush()
        ids["member"] = member.id
    log_interaction(
        store,
        client_id=ids["Q"],
        channel=Channel.EMAIL,
        summary="report",
        at=kyiv(2026, 11, 13, 17),
    )
    log_interaction(
        store, client_id=ids["C"], channel=Channel.CALL, summary="old", at=kyiv(2026, 11, 2, 12)
    )
    log_interaction(store, client_id=ids["C"], channel=Channel.CHAT, summary="today")
    log_interaction(
        store,
        client_id=ids["Q"],
        channel=Channel.MEETING,
        summary="plan",
        at=kyiv(2026, 11, 20, 11),
    )
    return ids


def by_code(engine, *, sprint_id: int | None = None) -> dict[str, Health]:
    sprint_id = sprint_id or this_weeks_sprint(engine).id
    return {
        health.signals.code: health
        for health in client_health(engine, sprint_id=sprint_id, silence_alert_days=2)
    }


def test_silence_in_working_days_and_its_alert(store, agency):
    health = by_code(store)
    quiet = health["Q"]
    assert quiet.signals.silent_days == 3, "Friday → Wednesday: Mon, Tue, Wed"
    assert quiet.signals.last_contact == kyiv(2026, 11, 13, 17), "a planned meeting is not contact"
    assert quiet.silence_alert and quiet.terms["silence"] == 10
    assert (health["C"].signals.silent_days, health["C"].silence_alert) == (0, False)
    new = health["N"].signals
    assert (new.last_contact, new.silent_days) == (None, 2), "silent since it became a client"


def _promised(engine, *, client_id: int, title: str, due, due_time=None, done_at=None) -> int:
    with time_machine.travel(kyiv(2026, 11, 2, 9), tick=False):
        task = create_task(engine, client_id=client_id, title=title, status=Status.DOING)
        promise_task(engine, task_id=task.id, due_date=due, due_time=due_time)
    if done_at is not None:
        with time_machine.travel(done_at, tick=False):
            move_status(engine, task_id=task.id, status=Status.DONE)
    return task.id


def test_promises_kept_broken_open_and_overdue(store, agency):
    quiet = agency["Q"]
    five = time(17, 0)
    nov16 = pendulum.date(2026, 11, 16)
    _promised(
        store,
        client_id=quiet,
        title="kept",
        due=nov16,
        due_time=five,
        done_at=kyiv(2026, 11, 16, 17, 0),
    )
    _promised(
        store,
        client_id=quiet,
        title="a minute late",
        due=nov16,
        due_time=five,
        done_at=kyiv(2026, 11, 16, 17, 1),
    )
    _promised(store, client_id=quiet, title="overdue", due=pendulum.date(2026, 11, 17))
    _promised(store, client_id=quiet, title="open", due=pendulum.date(2026, 11, 18))
    _promised(
        store,
        client_id=quiet,
        title="kept last month",
        due=pendulum.date(2026, 10, 30),
        done_at=kyiv(2026, 10, 30, 12),
    )
    states = {p.title: p.state for p in promises(store, since=kyiv(2026, 11, 1))}
    assert states == {
        "kept": PromiseState.KEPT,
        "a minute late": PromiseState.BROKEN,
        "overdue": PromiseState.OVERDUE,
        "open": PromiseState.OPEN,
    }
    s = by_code(store)["Q"].signals
    assert (s.open_promises, s.overdue_promises) == (2, 1)
    assert (s.kept_this_month, s.broken_this_month) == (1, 2), "late and overdue both broke"


def test_a_promise_broken_last_month_and_done_this_month_counts_once(store, agency):
    _promised(
        store,
        client_id=agency["C"],
        title="late",
        due=pendulum.date(2026, 10, 30),
        done_at=kyiv(2026, 11, 3, 10),
    )
    s = by_code(store)["C"].signals
    assert (s.kept_this_month, s.broken_this_month) == (0, 0)


def test_waiting_on_the_client_counts_tasks_and_the_longest_wait(store, agency, frozen):
    with time_machine.travel(frozen.subtract(days=6, hours=1), tick=False):
        create_task(store, client_id=agency["C"], title="access", status=Status.WAITING)
    with time_machine.travel(frozen.subtract(days=1), tick=False):
        create_task(store, client_id=agency["C"], title="texts", status=Status.WAITING)
    chatty = by_code(store)["C"]
    assert (chatty.signals.waiting_tasks, chatty.signals.longest_wait_days) == (2, 6)
    assert chatty.terms["waiting"] == 8
    assert by_code(store)["Q"].signals.longest_wait_days is None


def test_the_plan_of_this_sprint(store, agency, frozen):
    sprint = this_weeks_sprint(store)
    create_task(store, client_id=agency["Q"], title="in the sprint", sprint_id=sprint.id)
    create_task(store, client_id=agency["C"], title="also", sprint_id=sprint.id)
    with transaction(store) as session:
        session.add(ClientPlan(sprint_id=sprint.id, client_id=agency["C"], agreed_at=clock.now()))
    health = by_code(store, sprint_id=sprint.id)
    assert [health[code].signals.plan for code in "QCN"] == [
        Plan.NOT_AGREED,
        Plan.AGREED,
        Plan.NONE,
    ]
    assert health["Q"].terms["plan"] == 10


def test_next_deadline_budget_burn_and_satisfaction(store, agency, frozen):
    chatty = agency["C"]
    create_task(store, client_id=chatty, title="soon", due_date=TODAY.add(days=2))
    create_task(store, client_id=chatty, title="late", due_date=TODAY.subtract(days=1))
    done = create_task(store, client_id=chatty, title="done", due_date=TODAY.subtract(days=9))
    move_status(store, task_id=done.id, status=Status.DONE)
    set_budget(store, client_id=chatty, from_month=TODAY, hours=10)
    with transaction(store) as session:
        start = frozen.subtract(days=2)
        session.add(
            TimeEntry(
                task_id=done.id, member_id=agency["member"], start=start, end=start.add(hours=9)
            )
        )
    rate_satisfaction(store, client_id=chatty, score=9)
    with time_machine.travel(frozen.add(minutes=1), tick=False):
        rate_satisfaction(store, client_id=chatty, score=4)
        s = by_code(store)["C"].signals
    assert s.next_deadline == TODAY.subtract(days=1)
    assert (round(s.burn_percent), s.budget_level) == (90, Level.WARNING)
    assert s.satisfaction == 4


def test_one_client_alone_has_the_same_signals(store, agency):
    sprint_id = this_weeks_sprint(store).id
    everyone = by_code(store, sprint_id=sprint_id)
    (alone,) = client_health(
        store, sprint_id=sprint_id, silence_alert_days=2, client_id=agency["Q"]
    )
    assert alone == everyone["Q"]


def test_archived_clients_are_left_out(store, agency):
    with transaction(store) as session:
        session.get(Client, agency["N"]).status = "archived"
    assert set(by_code(store)) == {"Q", "C"}


def test_the_query_count_does_not_grow_with_the_clients(store, agency):
    sprint_id = this_weeks_sprint(store).id
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    def queries() -> int:
        statements.clear()
        event.listen(store, "before_cursor_execute", count)
        try:
            client_health(store, sprint_id=sprint_id, silence_alert_days=2)
        finally:
            event.remove(store, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    with transaction(store) as session:
        for index in range(30):
            session.add(Client(name=f"Extra {index}", code=f"X{index}", created_at=clock.now()))
    assert queries() == few
    assert few <= 17  # 16, and the one grouped sum of the month's billed hours


def test_the_filter_keeps_clients_with_every_word_in_name_or_code(store, agency):
    rows = list(by_code(store).values())

    def kept(text: str) -> list[str]:
        return sorted(h.signals.code for h in matching_health(rows, text=text))

    assert kept("") == ["C", "N", "Q"]
    assert kept("QUIET") == ["Q"]
    assert kept("n") == ["N"], "the code N, or New; Quiet and Chatty hold no n"
    assert kept("chatty c") == ["C"]
    assert kept("chatty q") == []


def test_sorts(store, agency):
    rows = list(by_code(store).values())
    assert [h.signals.code for h in sort_health(rows, by="risk")][0] == "Q"
    assert [h.signals.code for h in sort_health(rows, by="name")] == ["C", "N", "Q"]
    assert [h.signals.code for h in sort_health(rows, by="silence")] == ["Q", "N", "C"]
    for key in SORTS:
        assert len(sort_health(rows, by=key)) == 3
