"""KPIs, hypotheses, upsell ideas and satisfaction (model/kpis.py)."""

from __future__ import annotations

import math

import pendulum
import pytest
import time_machine

from model import clock
from model.db import reading, transaction
from model.kpis import (
    add_hypothesis,
    add_idea,
    add_kpi,
    hypotheses,
    ideas,
    kpis,
    latest_scores,
    rate_satisfaction,
    record_value,
    satisfaction_history,
    set_result,
)
from model.tables import Client
from model.tasks import NotFoundError, ValidationError


@pytest.fixture
def clients(store, frozen) -> tuple[int, int]:
    with transaction(store) as session:
        first = Client(name="Acme", code="ACME", created_at=clock.now())
        second = Client(name="Beta", code="BETA", created_at=clock.now())
        session.add_all([first, second])
        session.flush()
        return first.id, second.id


def test_a_kpi_keeps_its_values_and_the_latest_is_current(store, clients, frozen):
    acme, _beta = clients
    kpi = add_kpi(
        store, client_id=acme, name=" Cost per lead ", unit="UAH", baseline=320, target=250
    ).value
    assert kpis(store, client_id=acme)[0].current is None
    for weeks_ago, value in ((2, 310.0), (1, 290.5), (0, 270.0)):
        record_value(store, kpi_id=kpi.id, value=value, at=frozen.subtract(weeks=weeks_ago))
    (view,) = kpis(store, client_id=acme)
    assert (view.name, view.unit, view.baseline, view.target) == ("Cost per lead", "UAH", 320, 250)
    assert [value for _at, value in view.history] == [310.0, 290.5, 270.0]
    assert view.current == 270.0
    assert view.value_at(frozen.subtract(days=3)) == 290.5
    assert view.value_at(frozen.subtract(weeks=3)) is None


def test_a_value_is_recorded_now_by_default(store, clients, frozen):
    kpi = add_kpi(store, client_id=clients[0], name="Leads").value
    row = record_value(store, kpi_id=kpi.id, value=12).value
    assert pendulum.instance(row.at) == frozen
    with pytest.raises(NotFoundError):
        record_value(store, kpi_id=999, value=1)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "baseline": math.nan}, "baseline"),
        ({"name": "ok", "target": math.inf}, "target"),
    ],
)
def test_bad_kpis_are_refused(store, clients, fields, field):
    with pytest.raises(ValidationError) as refused:
        add_kpi(store, client_id=clients[0], **fields)
    assert refused.value.field == field
    assert kpis(store, client_id=clients[0]) == []


def test_kpis_belong_to_their_client(store, clients):
    acme, beta = clients
    add_kpi(store, client_id=acme, name="Leads")
    add_kpi(store, client_id=beta, name="ROAS")
    assert [k.name for k in kpis(store, client_id=beta)] == ["ROAS"]
    with pytest.raises(NotFoundError):
        add_kpi(store, client_id=999, name="Leads")


def test_hypotheses_open_ones_by_decision_day_then_decided_ones(store, clients, frozen):
    acme = clients[0]
    today = clock.today()
    late = add_hypothesis(
        store,
        client_id=acme,
        statement="Short form",
        metric="CR",
        decision_on=today.add(days=20),
    ).value
    soon = add_hypothesis(
        store,
        client_id=acme,
        statement="Video ads",
        metric="CPL",
        budget="$300",
        risk_note="may burn the budget in a week",
        decision_on=today.add(days=5),
    ).value
    done = add_hypothesis(
        store, client_id=acme, statement="Brand bids", metric="CPC", decision_on=today
    ).value
    undated = add_hypothesis(store, client_id=acme, statement="Retargeting", metric="ROAS").value
    set_result(store, hypothesis_id=done.id, result="confirmed: CPC −18 %")
    order = [h.id for h in hypotheses(store, client_id=acme)]
    assert order == [soon.id, late.id, undated.id, done.id]
    stored = hypotheses(store, client_id=acme)[0]
    assert (stored.budget, stored.risk_note) == ("$300", "may burn the budget in a week")
    set_result(store, hypothesis_id=done.id, result="")
    assert [h.id for h in hypotheses(store, client_id=acme)][-1] == undated.id


def test_a_hypothesis_needs_what_is_tested_and_its_metric(store, clients):
    with pytest.raises(ValidationError) as refused:
        add_hypothesis(store, client_id=clients[0], statement="Short form", metric=" ")
    assert refused.value.field == "metric"
    with pytest.raises(NotFoundError):
        set_result(store, hypothesis_id=999, result="x")


def test_ideas_newest_first(store, clients, frozen):
    acme = clients[0]
    add_idea(store, client_id=acme, text="SEO audit")
    with time_machine.travel(frozen.add(hours=1), tick=False):
        add_idea(store, client_id=acme, text="TikTok ads")
    assert [idea.text for idea in ideas(store, client_id=acme)] == ["TikTok ads", "SEO audit"]


@pytest.mark.parametrize("score", [-1, 11])
def test_satisfaction_is_from_0_to_10(store, clients, score):
    with pytest.raises(ValidationError):
        rate_satisfaction(store, client_id=clients[0], score=score)
    assert satisfaction_history(store, client_id=clients[0]) == []


def test_satisfaction_history_and_the_latest_score_per_client(store, clients, frozen):
    acme, beta = clients
    rate_satisfaction(store, client_id=acme, score=8)
    with time_machine.travel(frozen.add(days=30), tick=False):
        rate_satisfaction(store, client_id=acme, score=5, note="reports were late")
    rate_satisfaction(store, client_id=beta, score=0)
    assert [row.score for row in satisfaction_history(store, client_id=acme)] == [5, 8]
    with reading(store) as session:
        assert latest_scores(session, client_ids=[acme, beta]) == {acme: 5, beta: 0}


def test_each_addition_is_taken_back_by_its_undo(store, clients):
    acme = clients[0]
    kpi = add_kpi(store, client_id=acme, name="Leads")
    value = record_value(store, kpi_id=kpi.value.id, value=3)
    assert (kpi.undo.label, value.undo.label) == ("add KPI", "KPI value")
    value.undo.revert()
    assert kpis(store, client_id=acme)[0].history == ()
    value.undo.revert()  # twice is harmless: undo may race a second undo
    kpi.undo.revert()
    hypothesis = add_hypothesis(store, client_id=acme, statement="Video ads", metric="CPL")
    idea = add_idea(store, client_id=acme, text="SEO audit")
    score = rate_satisfaction(store, client_id=acme, score=8)
    for done in (hypothesis, idea, score):
        done.undo.revert()
    assert kpis(store, client_id=acme) == []
    assert hypotheses(store, client_id=acme) == []
    assert ideas(store, client_id=acme) == []
    assert satisfaction_history(store, client_id=acme) == []


def test_a_kpi_with_values_stays_and_says_why(store, clients):
    kpi = add_kpi(store, client_id=clients[0], name="Leads")
    record_value(store, kpi_id=kpi.value.id, value=3)
    with pytest.raises(ValidationError):
        kpi.undo.revert()
    assert [view.name for view in kpis(store, client_id=clients[0])] == ["Leads"]


def test_undoing_a_result_puts_back_the_one_it_replaced(store, clients):
    made = add_hypothesis(store, client_id=clients[0], statement="Brand bids", metric="CPC")
    hypothesis_id = made.value.id
    set_result(store, hypothesis_id=hypothesis_id, result="confirmed")
    changed = set_result(store, hypothesis_id=hypothesis_id, result="refuted")
    changed.undo.revert()
    assert hypotheses(store, client_id=clients[0])[0].result == "confirmed"
