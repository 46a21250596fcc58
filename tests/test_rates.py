"""Rates and the money of a retainer (model/rates.py): the pure rules, then the store."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel, select

from model import clock
from model.billing import ROUNDING_STEPS, round_up
from model.budgets import set_budget
from model.db import make_engine, reading, transaction
from model.errors import ForbiddenError, NotFoundError, ValidationError
from model.members import add_member
from model.rates import (
    PricedGroup,
    clear_rate,
    client_money,
    client_rates,
    group_money,
    money_by_client,
    parse_rate,
    set_rate,
    sold_money,
    to_money,
)
from model.retainers import change_retainer
from model.tables import Client, Rate, Task
from model.timetrack import add_entry

KYIV = "Europe/Kyiv"
NOVEMBER = pendulum.date(2026, 11, 1)
NOW = pendulum.datetime(2026, 12, 5, 12, tz=KYIV)
CREATED = pendulum.datetime(2026, 10, 1, tz="UTC")


# --- pure rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("85", 8500), ("85.5", 8550), ("85,50", 8550), (" 0 ", 0), (Decimal("12.34"), 1234), (7, 700)],
)
def test_a_rate_is_read_in_whole_cents(typed, cents):
    assert parse_rate(text=typed) == cents


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("-5", "cannot be negative"),
        (Decimal("-0.01"), "cannot be negative"),
        ("abc", "not an amount"),
        ("", "not an amount"),
        ("1.234", "not an amount"),
        ("nan", "not an amount"),
        ("inf", "not an amount"),
        ("1e3", "not an amount"),
        ("12.", "not an amount"),
        (True, "not an amount"),
        ("100000.01", "at most 100000 an hour"),
    ],
)
def test_a_rate_that_is_not_an_amount_is_refused(typed, refusal):
    with pytest.raises(ValidationError, match=refusal) as refused:
        parse_rate(text=typed)
    assert refused.value.field == "rate"


def test_money_is_rounded_to_the_cent_half_up():
    assert to_money(cents=12345) == Decimal("123.45")
    assert str(to_money(cents=8500)) == "85.00"
    assert to_money(cents=Fraction(1, 2)) == Decimal("0.01")
    assert to_money(cents=Fraction(49, 100)) == Decimal("0.00")
    assert sold_money(hours=37.3, cents_per_hour=3333) == Decimal("1243.21")  # 1243.209


@given(
    ms=st.lists(st.integers(0, 10**8), min_size=1, max_size=6),
    rates=st.lists(st.integers(0, 10**7), min_size=6, max_size=6),
    step=st.sampled_from(ROUNDING_STEPS[1:]),
)
def test_per_task_and_day_prices_exactly_the_billed_time_at_the_weighted_rate(ms, rates, step):
    raw = sum(ms)
    billed = round_up(ms=raw, minutes=step)
    value = sum(part * rate for part, rate in zip(ms, rates, strict=False))
    group = PricedGroup(
        per_task_day=True,
        raw_ms=raw,
        priced_raw_ms=raw,
        raw_value=value,
        day_billed_ms=billed,
        entry_billed_ms=0,
        priced_entry_billed_ms=0,
        entry_value=0,
    )
    cents, unpriced = group_money(group)
    assert unpriced == 0
    assert cents >= 0
    if raw:
        low, high = min(rates[: len(ms)]), max(rates[: len(ms)])
        hours = Fraction(billed, 3_600_000)
        assert hours * low <= cents <= hours * high


# --- the store -----------------------------------------------------------------------------


def _agency(engine) -> dict[str, int]:
    """A manager (PPC) and a designer who is not one, a client with two tasks, its budget."""
    anna = add_member(engine, values={"name": "Anna Koval", "role": "PPC"}).value
    dmytro = add_member(engine, values={"name": "Dmytro Shevchenko", "role": "Design"}).value
    with transaction(engine) as session:
        acme = Client(name="Acme", code="ACME", created_at=CREATED)
        session.add(acme)
        session.flush()
        tasks = [
            Task(client_id=acme.id, title=f"t{n}", created_at=CREATED, updated_at=CREATED)
            for n in range(2)
        ]
        session.add_all(tasks)
        session.flush()
        ids = {"acme": acme.id, "anna": anna.id, "dmytro": dmytro.id}
        ids.update({f"task{n}": task.id for n, task in enumerate(tasks)})
    with clock.freeze(at=NOW):
        set_budget(engine, client_id=ids["acme"], from_month=NOVEMBER, hours=10)
    return ids


def _kyiv(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=KYIV)


def _log(engine, *, task: int, member: int, start: pendulum.DateTime, minutes: float) -> None:
    with clock.freeze(at=NOW):
        add_entry(
            engine, task_id=task, member_id=member, start=start, end=start.add(seconds=minutes * 60)
        )


def _money(engine, ids, *, member: str = "anna"):
    with clock.freeze(at=NOW):
        return client_money(engine, client_id=ids["acme"], month=NOVEMBER, member_id=ids[member])


def test_used_money_prices_each_entry_at_its_members_role_rate_else_the_clients(store):
    clock.set_zone(name=KYIV)
    ids = _agency(store)
    set_rate(store, client_id=ids["acme"], rate="50", member_id=ids["anna"])
    set_rate(store, client_id=ids["acme"], rate="80", role="Design", member_id=ids["anna"])
    _log(store, task=ids["task0"], member=ids["anna"], start=_kyiv(2, 9), minutes=120)
    _log(store, task=ids["task1"], member=ids["dmytro"], start=_kyiv(2, 9), minutes=90)
    _log(store, task=ids["task0"], member=ids["dmytro"], start=_kyiv(30, 23, 30), minutes=60)
    _log(
        store,
        task=ids["task0"],
        member=ids["dmytro"],
        start=_kyiv(1, 0).subtract(minutes=30),
        minutes=60,
    )
    money = _money(store, ids)
    # 2 h at 50, 1.5 h + 1 h (started on November 30th) at 80; October's entry is not in it.
    assert (money.sold, money.used, money.left) == (
        Decimal("500.00"),
        Decimal("300.00"),
        Decimal("200.00"),
    )
    assert money.unpriced_hours == 0
    with clock.freeze(at=NOW):
        everyone = money_by_client(store, month=NOVEMBER, member_id=ids["anna"])
    assert everyone == {ids["acme"]: money}


def test_time_no_rate_prices_is_unpriced_and_sold_money_needs_the_clients_own_rate(store):
    ids = _agency(store)
    set_rate(store, client_id=ids["acme"], rate="80", role="Design", member_id=ids["anna"])
    _log(store, task=ids["task0"], member=ids["anna"], start=_kyiv(2, 9), minutes=45)
    _log(store, task=ids["task0"], member=ids["dmytro"], start=_kyiv(2, 10), minutes=30)
    money = _money(store, ids)
    assert (money.sold, money.used, money.left) == (None, Decimal("40.00"), None)
    assert money.unpriced_hours == pytest.approx(0.75)


def test_time_that_is_not_billed_costs_nothing_and_rounding_is_priced(store):
    ids = _agency(store)
    set_rate(store, client_id=ids["acme"], rate="60", member_id=ids["anna"])
    set_rate(store, client_id=ids["acme"], rate="90", role="Design", member_id=ids["anna"])
    change_retainer(store, client_id=ids["acme"], rounding=30, scope="task-day")
    _log(store, task=ids["task0"], member=ids["anna"], start=_kyiv(3, 9), minutes=10)
    _log(store, task=ids["task0"], member=ids["dmytro"], start=_kyiv(3, 11), minutes=10)
    with transaction(store) as session:
        session.get(Task, ids["task1"]).billable = False
    _log(store, task=ids["task1"], member=ids["anna"], start=_kyiv(4, 9), minutes=600)
    # One task-day: 20 raw minutes billed as 30, at the rates weighted by raw time (75).
    assert _money(store, ids).used == Decimal("37.50")
    change_retainer(store, client_id=ids["acme"], scope="entry")
    assert _money(store, ids).used == Decimal("75.00")  # 30 min at 60 and 30 min at 90


def test_a_member_who_is_not_a_manager_sees_no_money_and_sets_no_rate(store):
    ids = _agency(store)
    set_rate(store, client_id=ids["acme"], rate="50", member_id=ids["anna"])
    for member_id in (ids["dmytro"], None, 9999):
        with pytest.raises(ForbiddenError, match="only a manager sees money"), clock.freeze(at=NOW):
            client_money(store, client_id=ids["acme"], month=NOVEMBER, member_id=member_id)
        with pytest.raises(ForbiddenError, match="only a manager sees money"), clock.freeze(at=NOW):
            money_by_client(store, month=NOVEMBER, member_id=member_id)
        with pytest.raises(ForbiddenError, match="only a manager sees money"):
            client_rates(store, client_id=ids["acme"], member_id=member_id)
        with pytest.raises(ForbiddenError, match="only a manager sets rates"):
            set_rate(store, client_id=ids["acme"], rate="1", member_id=member_id)
        with pytest.raises(ForbiddenError, match="only a manager sets rates"):
            clear_rate(store, client_id=ids["acme"], member_id=member_id)
    assert [
        rate.amount for rate in client_rates(store, client_id=ids["acme"], member_id=ids["anna"])
    ] == [Decimal("50.00")]


def _rates(engine) -> list[tuple[str, int]]:
    with reading(engine) as session:
        return [(row.role, row.cents) for row in session.exec(select(Rate).order_by(Rate.role))]


@pytest.mark.parametrize("typed", ["-10", "-0.5", "ten", "10.001"])
def test_a_refused_rate_changes_nothing(store, typed):
    ids = _agency(store)
    set_rate(store, client_id=ids["acme"], rate="50", member_id=ids["anna"])
    with pytest.raises(ValidationError):
        set_rate(store, client_id=ids["acme"], rate=typed, member_id=ids["anna"])
    with pytest.raises(ValidationError):
        set_rate(store, client_id=ids["acme"], rate=typed, role="Design", member_id=ids["anna"])
    assert _rates(store) == [("", 5000)]


def test_setting_and_clearing_a_rate_are_undone(store):
    ids = _agency(store)
    set_rate(store, client_id=ids["acme"], rate="50", member_id=ids["anna"])
    changed = set_rate(store, client_id=ids["acme"], rate="55.5", member_id=ids["anna"])
    added = set_rate(
        store, client_id=ids["acme"], rate="70", role=" Design ", member_id=ids["anna"]
    )
    assert (changed.value.amount, added.value.role) == (Decimal("55.50"), "Design")
    assert _rates(store) == [("", 5550), ("Design", 7000)]
    added.undo.revert()
    changed.undo.revert()
    assert _rates(store) == [("", 5000)]
    cleared = clear_rate(store, client_id=ids["acme"], member_id=ids["anna"])
    assert cleared.value.amount == Decimal("50.00") and _rates(store) == []
    cleared.undo.revert()
    assert _rates(store) == [("", 5000)]


def test_a_role_is_taken_as_the_team_spells_it(store):
    clock.set_zone(name=KYIV)
    ids = _agency(store)
    done = set_rate(store, client_id=ids["acme"], rate="80", role="design", member_id=ids["anna"])
    assert done.value.role == "Design"
    set_rate(store, client_id=ids["acme"], rate="70", role="Копірайт", member_id=ids["anna"])
    set_rate(store, client_id=ids["acme"], rate="75", role="копірайт", member_id=ids["anna"])
    assert _rates(store) == [("Design", 8000), ("Копірайт", 7500)]
    _log(store, task=ids["task0"], member=ids["dmytro"], start=_kyiv(2, 9), minutes=60)
    assert _money(store, ids).used == Decimal("80.00")
    clear_rate(store, client_id=ids["acme"], role="DESIGN", member_id=ids["anna"])
    assert _rates(store) == [("Копірайт", 7500)]


def test_clearing_a_rate_there_is_not_is_refused_and_a_client_must_exist(store):
    ids = _agency(store)
    with pytest.raises(ValidationError, match="ACME has no rate of its own"):
        clear_rate(store, client_id=ids["acme"], member_id=ids["anna"])
    with pytest.raises(ValidationError, match="ACME has no rate for SEO"):
        clear_rate(store, client_id=ids["acme"], role="SEO", member_id=ids["anna"])
    with pytest.raises(NotFoundError):
        set_rate(store, client_id=9999, rate="5", member_id=ids["anna"])
    with pytest.raises(NotFoundError), clock.freeze(at=NOW):
        client_money(store, client_id=9999, month=NOVEMBER, member_id=ids["anna"])


@settings(max_examples=15, deadline=None)
@given(
    entries=st.lists(
        st.tuples(st.sampled_from(["anna", "dmytro"]), st.integers(0, 1), st.integers(1, 400_000)),
        min_size=1,
        max_size=8,
    ),
    own=st.integers(0, 10**6),
    design=st.none() | st.integers(0, 10**6),
    step=st.sampled_from(ROUNDING_STEPS),
)
def test_used_money_is_the_sum_of_each_entrys_money_within_a_cent(entries, own, design, step):
    """Entries of odd seconds at odd rates: the month's used money is within a cent of the
    exact sum of every entry's billed time at its rate, and never negative."""
    clock.set_zone(name=KYIV)
    engine = make_engine(url="sqlite://")
    SQLModel.metadata.create_all(engine)
    try:
        ids = _agency(engine)
        cents = {"anna": own, "dmytro": own if design is None else design}
        set_rate(engine, client_id=ids["acme"], rate=Decimal(own) / 100, member_id=ids["anna"])
        if design is not None:
            set_rate(
                engine,
                client_id=ids["acme"],
                rate=Decimal(design) / 100,
                role="Design",
                member_id=ids["anna"],
            )
        change_retainer(engine, client_id=ids["acme"], rounding=step, scope="entry")
        start = _kyiv(10, 8)
        exact = Fraction(0)
        for member, task, seconds in entries:
            _log(
                engine,
                task=ids[f"task{task}"],
                member=ids[member],
                start=start,
                minutes=seconds / 60,
            )
            billed = round_up(ms=seconds * 1000, minutes=step)
            exact += Fraction(billed * cents[member], 3_600_000)
            start = start.add(seconds=seconds + 60)
        used = _money(engine, ids).used
        assert used >= 0
        assert abs(Fraction(used) * 100 - exact) <= Fraction(1, 2)
    finally:
        engine.dispose()


def test_a_refused_rate_speaks_the_users_language():
    from model import i18n

    try:
        i18n.set_language(code="uk")
        with pytest.raises(ValidationError, match="не може бути від’ємною"):
            parse_rate(text="-1")
        i18n.set_language(code="ru")
        with pytest.raises(ValidationError, match="не может быть отрицательной"):
            parse_rate(text="-1")
    finally:
        i18n.set_language(code="en")
