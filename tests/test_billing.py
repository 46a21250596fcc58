"""Billable time and rounding (model/billing.py): the pure rules, then the store's sums."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel, select

from model import clock
from model.billing import (
    AGENCY_CODE,
    ROUNDING_STEPS,
    Piece,
    RoundingRule,
    Scope,
    billed_ms,
    check_rule,
    client_billed,
    day_of,
    entries_billable,
    is_billable,
    round_up,
    set_entry_billable,
)
from model.budgets import budget_status
from model.db import make_engine, transaction
from model.retainers import change_retainer
from model.tables import Client, Member, Task
from model.tasks import ValidationError, history, update_task, validate
from model.timetrack import add_entry
from model.weeks import month_span

KYIV = "Europe/Kyiv"
STEPS = st.sampled_from(ROUNDING_STEPS[1:])
PIECES = st.lists(
    st.builds(
        Piece,
        task_id=st.integers(1, 4),
        day=st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 5)),
        ms=st.integers(0, 12 * 3_600_000),
    ),
    max_size=30,
)


# --- pure rules ----------------------------------------------------------------------------


@given(ms=st.integers(0, 10**10), minutes=STEPS)
def test_rounding_up_never_bills_less_than_raw_nor_a_whole_step_more(ms, minutes):
    billed = round_up(ms=ms, minutes=minutes)
    assert ms <= billed < ms + minutes * 60_000
    assert billed % (minutes * 60_000) == 0
    assert round_up(ms=billed, minutes=minutes) == billed


@given(pieces=PIECES, minutes=STEPS, scope=st.sampled_from(list(Scope)))
def test_billed_time_is_at_least_raw_and_per_task_day_at_most_per_entry(pieces, minutes, scope):
    raw = sum(piece.ms for piece in pieces)
    billed = billed_ms(pieces=pieces, rule=RoundingRule(minutes=minutes, scope=scope))
    assert billed >= raw
    per_entry = billed_ms(pieces=pieces, rule=RoundingRule(minutes=minutes, scope=Scope.ENTRY))
    assert billed <= per_entry
    assert billed_ms(pieces=pieces, rule=RoundingRule()) == raw


@given(pieces=PIECES, minutes=STEPS)
def test_per_task_and_day_rounds_each_task_day_once(pieces, minutes):
    """Split anywhere, the parts' billed time adds up only when no task-day is split."""
    rule = RoundingRule(minutes=minutes, scope=Scope.TASK_DAY)
    days = sorted({piece.day for piece in pieces})
    early = [piece for piece in pieces if days and piece.day <= days[len(days) // 2]]
    late = [piece for piece in pieces if piece not in early]
    assert billed_ms(pieces=early, rule=rule) + billed_ms(pieces=late, rule=rule) == billed_ms(
        pieces=pieces, rule=rule
    )


@given(
    start=st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    minutes=st.integers(1, 48 * 60),
    zone=st.sampled_from([KYIV, "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_an_entry_belongs_to_the_local_day_it_started_on(start, minutes, zone):
    """Over midnight or a DST change, the day is the start's, never the end's."""
    local = pendulum.instance(start).in_timezone(zone)
    assert day_of(start=start, zone=zone) == local.date()
    end = start + dt.timedelta(minutes=minutes)
    assert day_of(start=start, zone=zone) <= pendulum.instance(end).in_timezone(zone).date()


@pytest.mark.parametrize("minutes", [7, -5, 1, 60, True])
def test_a_step_that_is_not_offered_is_refused(minutes):
    with pytest.raises(ValidationError, match="rounding"):
        check_rule(minutes=minutes, scope="entry")


def test_an_unknown_scope_is_refused():
    with pytest.raises(ValidationError, match="per entry or per task-day"):
        check_rule(minutes=15, scope="week")


def test_billable_is_the_entry_then_the_task_then_the_client_and_never_the_agency():
    assert is_billable(entry=None, task=None, client=True, client_code="ACME")
    assert not is_billable(entry=None, task=None, client=False, client_code="ACME")
    assert is_billable(entry=None, task=True, client=False, client_code="ACME")
    assert not is_billable(entry=False, task=True, client=True, client_code="ACME")
    assert is_billable(entry=True, task=False, client=False, client_code="ACME")
    assert not is_billable(entry=True, task=True, client=True, client_code=AGENCY_CODE)


def test_the_rule_names_itself():
    assert RoundingRule().label == "not rounded"
    assert RoundingRule(minutes=15).label == "rounded up to 15 min per entry"
    assert (
        RoundingRule(minutes=6, scope=Scope.TASK_DAY).label
        == "rounded up to 6 min per task and day"
    )


# --- the store -----------------------------------------------------------------------------

NOW = pendulum.datetime(2026, 11, 20, 18, tz=KYIV)
CREATED = pendulum.datetime(2026, 10, 1, tz="UTC")


def _agency(engine) -> tuple[int, int, list[int], int]:
    with transaction(engine) as session:
        acme = Client(name="Acme", code="ACME", created_at=CREATED)
        own = Client(name="Our agency", code=AGENCY_CODE, created_at=CREATED)
        member = Member(name="Anna", initials="AK")
        session.add_all([acme, own, member])
        session.flush()
        tasks = [
            Task(client_id=acme.id, title=f"t{n}", created_at=CREATED, updated_at=CREATED)
            for n in range(3)
        ]
        agency_task = Task(client_id=own.id, title="a", created_at=CREATED, updated_at=CREATED)
        session.add_all([*tasks, agency_task])
        session.flush()
        return acme.id, member.id, [task.id for task in tasks], agency_task.id


def _kyiv(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=KYIV)


ENTRIES = (  # task index, start, minutes
    (0, _kyiv(2, 9), 7),
    (0, _kyiv(2, 10), 7),
    (1, _kyiv(2, 23, 50), 20),  # over midnight: belongs to the 2nd
    (1, _kyiv(3, 9), 1),
    (2, _kyiv(30, 23, 30), 61),  # over the month's end: all of it is November's
)


@pytest.mark.parametrize(
    ("minutes", "scope", "billed_minutes"),
    [
        (0, "entry", 96),
        (15, "entry", 15 + 15 + 30 + 15 + 75),
        (15, "task-day", 15 + 30 + 15 + 75),
        (6, "task-day", 18 + 24 + 6 + 66),
    ],
)
def test_the_database_bills_as_the_rules_say(store, minutes, scope, billed_minutes):
    clock.set_zone(name=KYIV)
    acme, member, tasks, _own = _agency(store)
    with clock.freeze(at=NOW.add(days=11)):
        for index, start, length in ENTRIES:
            add_entry(
                store,
                task_id=tasks[index],
                member_id=member,
                start=start,
                end=start.add(minutes=length),
            )
        change_retainer(store, client_id=acme, rounding=minutes, scope=scope)
        billed = client_billed(
            store, client_id=acme, span=month_span(month=pendulum.date(2026, 11, 1), zone=KYIV)
        )
        status = budget_status(store, client_id=acme, month=pendulum.date(2026, 11, 1))
    assert billed.raw_hours * 60 == pytest.approx(96)
    assert billed.billed_hours * 60 == pytest.approx(billed_minutes)
    assert status.billed_hours == pytest.approx(billed.billed_hours)
    assert status.spent_hours * 60 == pytest.approx(96), "raw, each entry in its start's month"


def test_time_said_not_billable_is_kept_raw_but_not_billed(store):
    clock.set_zone(name=KYIV)
    acme, member, tasks, agency_task = _agency(store)
    span = month_span(month=pendulum.date(2026, 11, 1), zone=KYIV)
    with clock.freeze(at=NOW):
        made = [
            add_entry(
                store, task_id=task, member_id=member, start=_kyiv(3, 9 + n), end=_kyiv(3, 10 + n)
            ).value
            for n, task in enumerate([*tasks, agency_task])
        ]
        update_task(store, task_id=tasks[0], changes={"billable": False})
        set_entry_billable(store, entry_id=made[1].id, billable=False)
        assert [(e.field, e.new) for e in history(store, task_id=tasks[0])][:1] == [
            ("billable", "False")
        ]
        assert entries_billable(store, entry_ids=[entry.id for entry in made]) == {
            made[0].id: False,
            made[1].id: False,
            made[2].id: True,
            made[3].id: False,
        }
        billed = client_billed(store, client_id=acme, span=span)
    assert (billed.raw_hours, billed.billable_hours, billed.billed_hours) == (3.0, 1.0, 1.0)


def test_undoing_an_entrys_say_on_billing_gives_back_the_one_it_replaced(store):
    _acme, member, tasks, _own = _agency(store)
    with clock.freeze(at=NOW):
        entry = add_entry(
            store, task_id=tasks[0], member_id=member, start=_kyiv(3, 9), end=_kyiv(3, 10)
        ).value
        set_entry_billable(store, entry_id=entry.id, billable=False)
        changed = set_entry_billable(store, entry_id=entry.id, billable=True)
        assert changed.undo.label == "bill or not a time entry"
        changed.undo.revert()
        assert entries_billable(store, entry_ids=[entry.id]) == {entry.id: False}


def test_a_client_not_billable_bills_only_what_its_tasks_say(store):
    acme, member, tasks, _own = _agency(store)
    span = month_span(month=pendulum.date(2026, 11, 1), zone="UTC")
    with clock.freeze(at=NOW):
        for n, task in enumerate(tasks):
            start = pendulum.datetime(2026, 11, 4, 8 + n, tz="UTC")
            add_entry(store, task_id=task, member_id=member, start=start, end=start.add(hours=1))
        change_retainer(store, client_id=acme, billable=False)
        update_task(store, task_id=tasks[2], changes={"billable": True})
        assert client_billed(store, client_id=acme, span=span).billed_hours == 1.0


def test_a_task_says_billed_or_not_and_nothing_else():
    assert validate(changes={"billable": None}) == {"billable": None}
    with pytest.raises(ValidationError, match="billable"):
        validate(changes={"billable": "maybe"})


def test_the_agency_cannot_be_made_billable_and_nothing_changes(store):
    _acme, _member, _tasks, _agency_task = _agency(store)
    with transaction(store) as session:
        own = session.exec(select(Client).where(Client.code == AGENCY_CODE)).one()
        own_id, rounding = own.id, own.rounding_minutes
    with pytest.raises(ValidationError, match="never billed"):
        change_retainer(store, client_id=own_id, billable=True, rounding=15)
    with transaction(store) as session:
        assert session.get(Client, own_id).rounding_minutes == rounding


def test_a_refused_rule_changes_nothing(store):
    acme, *_ = _agency(store)
    change_retainer(store, client_id=acme, rounding=10, scope="task-day")
    with pytest.raises(ValidationError):
        change_retainer(store, client_id=acme, rounding=7)
    with transaction(store) as session:
        client = session.get(Client, acme)
        assert (client.rounding_minutes, client.rounding_scope) == (10, "task-day")


@settings(max_examples=15, deadline=None)
@given(
    lengths=st.lists(st.tuples(st.integers(0, 2), st.integers(1, 200)), min_size=1, max_size=8),
    minutes=STEPS,
    scope=st.sampled_from(list(Scope)),
)
def test_the_database_agrees_with_the_pure_rule(lengths, minutes, scope):
    clock.set_zone(name=KYIV)
    engine = make_engine(url="sqlite://")
    SQLModel.metadata.create_all(engine)
    try:
        acme, member, tasks, _own = _agency(engine)
        pieces = []
        start = _kyiv(29, 20)  # through a midnight and into December
        with clock.freeze(at=NOW.add(days=20)):
            for index, length in lengths:
                add_entry(
                    engine,
                    task_id=tasks[index],
                    member_id=member,
                    start=start,
                    end=start.add(minutes=length),
                )
                if start < _kyiv(30, 0).add(days=1):
                    day = day_of(start=start, zone=KYIV)
                    pieces.append(Piece(task_id=tasks[index], day=day, ms=length * 60_000))
                start = start.add(minutes=length + 30)
            change_retainer(engine, client_id=acme, rounding=minutes, scope=scope)
            billed = client_billed(
                engine,
                client_id=acme,
                span=month_span(month=pendulum.date(2026, 11, 1), zone=KYIV),
            )
        expected = billed_ms(pieces=pieces, rule=RoundingRule(minutes=minutes, scope=scope))
        assert round(billed.billed_hours * 3_600_000) == expected
    finally:
        engine.dispose()


def test_a_refused_rule_speaks_the_users_language():
    from model import i18n

    previous = i18n.language()
    try:
        i18n.set_language(code="uk")
        with pytest.raises(ValidationError, match="округлення — 0"):
            check_rule(minutes=7, scope="entry")
        i18n.set_language(code="ru")
        with pytest.raises(ValidationError, match="округление — 0"):
            check_rule(minutes=7, scope="entry")
    finally:
        i18n.set_language(code=previous)
