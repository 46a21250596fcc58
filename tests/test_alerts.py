"""Budget alerts (model/alerts.py): thresholds, what is reached, and the log that says each once."""

from __future__ import annotations

from decimal import Decimal

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, event
from sqlmodel import select

from model.alerts import (
    FORECAST,
    client_alerts,
    format_thresholds,
    parse_thresholds,
    reached,
    record_alerts,
)
from model.clients import create_client
from model.db import reading, transaction
from model.i18n import set_language
from model.reminders import alert_reminders
from model.retainers import change_retainer, retainer_settings
from model.tables import Budget, BudgetAlert, TimeEntry
from model.tasks import ValidationError, create_task
from tests.agency import build
from tests.test_races import together

NOV = pendulum.date(2026, 11, 1)
NOV_END = pendulum.date(2026, 11, 30)
DEFAULT = (Decimal(75), Decimal(90), Decimal(100))

percents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2)
ascending = st.lists(percents, min_size=1, max_size=6, unique=True).map(
    lambda values: tuple(sorted(values))
)
hours = st.floats(min_value=0, max_value=10_000, allow_nan=False)


# --- thresholds ------------------------------------------------------------------------------


def test_the_default_and_spaced_or_marked_thresholds_are_read():
    assert parse_thresholds(text="75,90,100") == DEFAULT
    assert parse_thresholds(text=" 75 %, 90%,100 ") == DEFAULT
    assert parse_thresholds(text="87.5") == (Decimal("87.5"),)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("75,90,120", "cannot be over 100 %"),
        ("0,50", "must be above 0 %"),
        ("-5,50", "must be above 0 %"),
        ("75,abc", "is not a percentage"),
        ("nan", "is not a percentage"),
        ("inf", "is not a percentage"),
        ("75,,90", "is not a percentage"),
        ("", "at least one threshold"),
        ("90,75", "from the lowest to the highest"),
        ("75,75,90", "from the lowest to the highest"),
    ],
)
def test_refused_thresholds_say_why(text, reason):
    with pytest.raises(ValidationError, match=reason) as refused:
        parse_thresholds(text=text)
    assert refused.value.field == "alerts"


def test_a_refusal_is_translated():
    set_language(code="uk")
    with pytest.raises(ValidationError) as refused:
        parse_thresholds(text="75,120")
    assert "100" in str(refused.value) and "threshold" not in str(refused.value)


@given(ascending)
def test_thresholds_written_are_read_back_the_same(values):
    assert parse_thresholds(text=format_thresholds(percents=values)) == values


@given(st.lists(percents, min_size=2, max_size=6, unique=True))
def test_thresholds_out_of_order_are_refused(values):
    if values == sorted(values):
        values = values[::-1]
    with pytest.raises(ValidationError):
        parse_thresholds(text=",".join(str(value) for value in values))


@given(st.decimals(min_value=Decimal("100.01"), max_value=Decimal(10**6), places=2))
def test_a_threshold_over_100_is_refused(value):
    with pytest.raises(ValidationError, match="over 100"):
        parse_thresholds(text=f"50,{value}")


# --- what is reached ------------------------------------------------------------------------


@given(ascending, hours, st.floats(min_value=0.5, max_value=1_000, allow_nan=False))
def test_reached_is_the_thresholds_at_or_below_the_share_used(thresholds, used, budget):
    kinds = reached(
        thresholds=thresholds, used=used, budget=budget, runs_out_on=None, month_end=NOV_END
    )
    expected = [t for t in thresholds if used > 0 and used >= budget * float(t) / 100]
    assert [Decimal(kind) for kind in kinds] == expected
    assert list(kinds) == [format_thresholds(percents=[t]) for t in thresholds[: len(kinds)]]


@given(ascending, hours, hours, st.floats(min_value=0.5, max_value=1_000, allow_nan=False))
def test_more_hours_used_never_unreach_a_threshold(thresholds, used, more, budget):
    def kinds(hours: float) -> set[str]:
        return set(
            reached(
                thresholds=thresholds,
                used=hours,
                budget=budget,
                runs_out_on=None,
                month_end=NOV_END,
            )
        )

    assert kinds(used) <= kinds(used + more)


def test_100_is_reached_when_the_budget_is_used_up_and_a_zero_budget_at_once():
    def at(used: float, budget: float | None) -> tuple[str, ...]:
        return reached(
            thresholds=DEFAULT, used=used, budget=budget, runs_out_on=None, month_end=NOV_END
        )

    assert at(29.9, 40) == ()
    assert at(30, 40) == ("75",)
    assert at(40, 40) == ("75", "90", "100")
    assert at(0, 0) == ()
    assert at(0.1, 0) == ("75", "90", "100")
    assert at(100, None) == ()


def test_the_forecast_is_reached_when_the_pace_runs_out_before_the_month_ends():
    def forecast(day: pendulum.Date | None, budget: float | None = 40) -> bool:
        kinds = reached(
            thresholds=DEFAULT, used=1, budget=budget, runs_out_on=day, month_end=NOV_END
        )
        return FORECAST in kinds

    assert forecast(pendulum.date(2026, 11, 24))
    assert not forecast(NOV_END)
    assert not forecast(None)
    assert not forecast(pendulum.date(2026, 11, 24), budget=None)


# --- the store ------------------------------------------------------------------------------


def spend(engine, *, task_id: int, member_id: int, hours: float, day: int = 2) -> None:
    start = pendulum.datetime(2026, 11, day, 9, tz="Europe/Kyiv")
    with transaction(engine) as session:
        session.add(
            TimeEntry(task_id=task_id, member_id=member_id, start=start, end=start.add(hours=hours))
        )


def test_a_client_s_thresholds_are_changed_checked_and_kept(store, frozen):
    ids = build(store)
    settings = change_retainer(store, client_id=ids["NWB"], alerts="50, 80%")
    assert settings.thresholds == (Decimal(50), Decimal(80))
    with pytest.raises(ValidationError, match="over 100"):
        change_retainer(store, client_id=ids["NWB"], alerts="50,180", rounding=15)
    kept = retainer_settings(store, client_id=ids["NWB"])
    assert kept.thresholds == (Decimal(50), Decimal(80)) and kept.rule.minutes == 0


def selects(engine) -> int:
    """How many SELECTs listing every client's alerts takes."""
    statements: list[str] = []

    def heard(*args) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", heard)
    client_alerts(engine)
    event.remove(engine, "before_cursor_execute", heard)
    return len([sql for sql in statements if "SELECT" in sql.upper()])


def test_reached_alerts_are_listed_in_a_fixed_number_of_queries(store, frozen):
    ids = build(store)
    spend(store, task_id=ids["Approve banner set"], member_id=ids["OK"], hours=37)
    spend(store, task_id=ids["Настроить ремаркетинг"], member_id=ids["IB"], hours=8, day=3)
    change_retainer(store, client_id=ids["KZ"], alerts="20")
    found = {alerts.code: alerts for alerts in client_alerts(store)}
    assert found["MK"].reached == ("75", "90", FORECAST)
    assert found["KZ"].reached == ("20",)
    assert found["NWB"].reached == ()
    assert not found["MK"].over and found["MK"].highest == "90"
    few = selects(store)
    for index in range(8):
        values = {"name": f"Client {index}", "code": f"C{index}"}
        client = create_client(store, values=values, monthly_hours=10).value
        task = create_task(store, client_id=client.id, title="work")
        spend(store, task_id=task.id, member_id=ids["OK"], hours=index + 1, day=index + 2)
    assert selects(store) == few <= 7


def test_each_crossing_is_logged_and_returned_once(store, frozen):
    ids = build(store)
    spend(store, task_id=ids["Approve banner set"], member_id=ids["OK"], hours=31)
    first = record_alerts(store)
    assert sorted((a.client.code, a.kind) for a in first) == [("MK", "75"), ("MK", FORECAST)]
    assert record_alerts(store) == []
    spend(store, task_id=ids["Approve banner set"], member_id=ids["OK"], hours=6, day=3)
    assert [(a.client.code, a.kind) for a in record_alerts(store)] == [("MK", "90")]
    assert record_alerts(store) == []
    with reading(store) as session:
        logged = session.exec(select(BudgetAlert.kind, BudgetAlert.month)).all()
    assert sorted(logged) == sorted((kind, NOV) for kind in ("75", "90", FORECAST))


def test_a_budget_set_for_a_later_month_says_nothing_new_now(store, frozen):
    ids = build(store)
    spend(store, task_id=ids["Approve banner set"], member_id=ids["OK"], hours=31)
    assert record_alerts(store)
    with transaction(store) as session:
        session.add(Budget(client_id=ids["MK"], from_month=pendulum.date(2026, 12, 1), hours=40))
    assert record_alerts(store) == [], "nothing new in November"


def test_the_reminder_names_the_highest_threshold_jumped_to(store, frozen):
    ids = build(store)
    spend(store, task_id=ids["Approve banner set"], member_id=ids["OK"], hours=37)
    said = alert_reminders(alerts=record_alerts(store))
    assert [(r.switch, r.message) for r in said] == [
        ("budget", "Меблі Карпат has used 90 % of the month's hours: 37 of 40 h"),
        ("budget", "Меблі Карпат: at this pace the month's hours run out on Fri 20 Nov"),
    ]


def test_two_looks_at_once_log_each_crossing_once(store, frozen):
    ids = build(store)
    spend(store, task_id=ids["Approve banner set"], member_id=ids["OK"], hours=37)
    spend(store, task_id=ids["Настроить ремаркетинг"], member_id=ids["IB"], hours=31, day=3)
    expected = sorted(
        [("MK", kind) for kind in ("75", "90", FORECAST)]
        + [("KZ", kind) for kind in ("75", FORECAST)]
    )
    for _round in range(10):
        returned: list[list] = [[], []]
        errors = together(
            lambda mine=returned[0]: mine.extend(record_alerts(store)),
            lambda mine=returned[1]: mine.extend(record_alerts(store)),
        )
        assert errors == []
        said = sorted((a.client.code, a.kind) for a in returned[0] + returned[1])
        assert said == expected, "each crossing returned to one of the two, once"
        with reading(store) as session:
            assert len(session.exec(select(BudgetAlert)).all()) == len(expected)
        with transaction(store) as session:
            session.execute(delete(BudgetAlert))
