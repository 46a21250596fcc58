"""What the client's business is measured by: KPIs, hypotheses, upsell ideas, satisfaction.

A KPI is agreed with the client once (name, unit, baseline, target) and then
gets values over time; its current value is the latest. A hypothesis fixes a
test's success criteria before money is spent: what is tested, the metric, the
budget, the risk told to the client and the day of the decision; its result is
written when that day comes. Satisfaction is a score from 0 to 10 set by hand,
kept with its history so a falling mood shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

import pendulum
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from model import clock
from model.db import reading, transaction
from model.i18n import _
from model.tables import Client, Hypothesis, Kpi, KpiValue, Satisfaction, UpsellIdea
from model.tasks import NotFoundError, ValidationError
from model.undo import Done, Step, put_back

MAX_NAME = 200
MAX_TEXT = 2_000
SCORES = range(0, 11)


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    if "\x00" in value:
        raise ValidationError(_("text cannot contain NUL characters"), field=field)
    if required and not value.strip():
        raise ValidationError(_("this cannot be empty"), field=field)
    if len(value) > limit:
        raise ValidationError(_("too long: at most {limit} characters", limit=limit), field=field)
    return value.strip()


# A checked number keeps its type: a required one stays a float.
_Number = TypeVar("_Number", float, float | None)
_Row = TypeVar("_Row", bound=SQLModel)


def _number(value: _Number, *, field: str) -> _Number:
    if value is not None and not math.isfinite(value):
        raise ValidationError(_("enter a number"), field=field)
    return value


def _client(session: Session, *, client_id: int) -> None:
    if session.get(Client, client_id) is None:
        raise NotFoundError(_("no client with id {id}", id=client_id))


def _add(engine: Engine, *, row: _Row, client_id: int, label: str) -> Done[_Row]:
    """Store a client's row; the undo takes it back, should it have been a mistake."""
    with transaction(engine) as session:
        _client(session, client_id=client_id)
        session.add(row)
    return _removable(engine, row=row, label=label)


def _removable(engine: Engine, *, row: _Row, label: str) -> Done[_Row]:
    """A stored row and the step that removes it again (twice is harmless: an undo may
    race a second undo)."""
    table, row_id = type(row), row.id
    return Done(
        value=row,
        undo=Step(
            label=label, revert=lambda: put_back(engine, table=table, row_id=row_id, state=None)
        ),
    )


# --- KPIs ----------------------------------------------------------------------------------


def add_kpi(
    engine: Engine,
    *,
    client_id: int,
    name: str,
    unit: str = "",
    baseline: float | None = None,
    target: float | None = None,
) -> Done[Kpi]:
    """A KPI agreed with the client; the undo removes it while it has no values."""
    row = Kpi(
        client_id=client_id,
        name=_text(name, field="name", limit=MAX_NAME),
        unit=_text(unit, field="unit", limit=MAX_NAME, required=False),
        baseline=_number(baseline, field="baseline"),
        target=_number(target, field="target"),
    )
    return _add(engine, row=row, client_id=client_id, label=_("add KPI"))


def record_value(
    engine: Engine, *, kpi_id: int, value: float, at: datetime | None = None
) -> Done[KpiValue]:
    """A new value of a KPI, now by default; the latest value is its current one. The undo
    removes the value."""
    checked = _number(value, field="value")
    with transaction(engine) as session:
        if session.get(Kpi, kpi_id) is None:
            raise NotFoundError(_("no KPI with id {id}", id=kpi_id))
        row = KpiValue(kpi_id=kpi_id, at=at or clock.now(), value=checked)
        session.add(row)
    return _removable(engine, row=row, label=_("KPI value"))


@dataclass(frozen=True)
class KpiView:
    id: int
    name: str
    unit: str
    baseline: float | None
    target: float | None
    history: tuple[tuple[datetime, float], ...]  # oldest first

    def value_at(self, instant: datetime) -> float | None:
        """The latest value recorded at or before `instant`."""
        found = None
        for at, value in self.history:
            if at > instant:
                break
            found = value
        return found

    @property
    def current(self) -> float | None:
        return self.history[-1][1] if self.history else None


def kpis(engine: Engine, *, client_id: int) -> list[KpiView]:
    """The client's KPIs in the order they were agreed, each with its values, in two queries."""
    with reading(engine) as session:
        rows = session.exec(select(Kpi).where(Kpi.client_id == client_id).order_by(Kpi.id)).all()
        values = session.exec(
            select(KpiValue.kpi_id, KpiValue.at, KpiValue.value)
            .where(KpiValue.kpi_id.in_([row.id for row in rows]))
            .order_by(KpiValue.at, KpiValue.id)
        ).all()
    history: dict[int, list[tuple[datetime, float]]] = {row.id: [] for row in rows}
    for kpi_id, at, value in values:
        history[kpi_id].append((pendulum.instance(at), value))
    return [
        KpiView(
            id=row.id,
            name=row.name,
            unit=row.unit,
            baseline=row.baseline,
            target=row.target,
            history=tuple(history[row.id]),
        )
        for row in rows
    ]


# --- hypotheses ----------------------------------------------------------------------------


def add_hypothesis(
    engine: Engine,
    *,
    client_id: int,
    statement: str,
    metric: str,
    budget: str = "",
    risk_note: str = "",
    decision_on: date | None = None,
) -> Done[Hypothesis]:
    """A test agreed before it starts: its success is judged by `metric` on `decision_on`.
    The undo removes it."""
    row = Hypothesis(
        client_id=client_id,
        statement=_text(statement, field="statement", limit=MAX_TEXT),
        metric=_text(metric, field="metric", limit=MAX_TEXT),
        budget=_text(budget, field="budget", limit=MAX_NAME, required=False),
        risk_note=_text(risk_note, field="risk_note", limit=MAX_TEXT, required=False),
        decision_on=decision_on,
    )
    return _add(engine, row=row, client_id=client_id, label=_("add hypothesis"))


def set_result(engine: Engine, *, hypothesis_id: int, result: str) -> Done[Hypothesis]:
    """Write down how the test ended; an empty result reopens it. The undo puts back the
    result this replaced."""
    text = _text(result, field="result", limit=MAX_TEXT, required=False)
    with transaction(engine) as session:
        row = session.get(Hypothesis, hypothesis_id)
        if row is None:
            raise NotFoundError(_("no hypothesis with id {id}", id=hypothesis_id))
        before = {"result": row.result}
        row.result = text
        session.add(row)
    return Done(
        value=row,
        undo=Step(
            label=_("hypothesis result"),
            revert=lambda: put_back(engine, table=Hypothesis, row_id=hypothesis_id, state=before),
        ),
    )


def hypotheses(engine: Engine, *, client_id: int) -> list[Hypothesis]:
    """Open tests first by decision day, then decided ones, the latest first."""
    with reading(engine) as session:
        rows = list(session.exec(select(Hypothesis).where(Hypothesis.client_id == client_id)).all())
    undecided = sorted(
        (row for row in rows if not row.result),
        key=lambda row: (row.decision_on is None, row.decision_on or date.min, row.id),
    )
    decided = sorted(
        (row for row in rows if row.result),
        key=lambda row: (row.decision_on or date.min, row.id),
        reverse=True,
    )
    return undecided + decided


# --- upsell ideas --------------------------------------------------------------------------


def add_idea(engine: Engine, *, client_id: int, text: str) -> Done[UpsellIdea]:
    """Something more the client might buy; the undo removes it."""
    row = UpsellIdea(
        client_id=client_id,
        text=_text(text, field="text", limit=MAX_TEXT),
        created_at=clock.now(),
    )
    return _add(engine, row=row, client_id=client_id, label=_("add upsell idea"))


def ideas(engine: Engine, *, client_id: int) -> list[UpsellIdea]:
    """The newest first."""
    with reading(engine) as session:
        return list(
            session.exec(
                select(UpsellIdea)
                .where(UpsellIdea.client_id == client_id)
                .order_by(UpsellIdea.created_at.desc(), UpsellIdea.id.desc())
            ).all()
        )


# --- satisfaction --------------------------------------------------------------------------


def rate_satisfaction(
    engine: Engine, *, client_id: int, score: int, note: str = ""
) -> Done[Satisfaction]:
    """How happy the client seems, 0 (leaving) to 10 (delighted), as of now; the undo
    removes the score."""
    if score not in SCORES:
        raise ValidationError(_("the score is a whole number from 0 to 10"), field="score")
    row = Satisfaction(
        client_id=client_id,
        at=clock.now(),
        score=score,
        note=_text(note, field="note", limit=MAX_TEXT, required=False),
    )
    return _add(engine, row=row, client_id=client_id, label=_("satisfaction"))


def satisfaction_history(engine: Engine, *, client_id: int) -> list[Satisfaction]:
    """The newest first."""
    with reading(engine) as session:
        return list(
            session.exec(
                select(Satisfaction)
                .where(Satisfaction.client_id == client_id)
                .order_by(Satisfaction.at.desc(), Satisfaction.id.desc())
            ).all()
        )


def latest_scores(session: Session, *, client_ids: Sequence[int]) -> dict[int, int]:
    """Each client's latest satisfaction score, in one query."""
    latest = (
        select(Satisfaction.client_id, func.max(Satisfaction.at).label("at"))
        .where(Satisfaction.client_id.in_(list(client_ids)))
        .group_by(Satisfaction.client_id)
        .subquery()
    )
    rows = session.exec(
        select(Satisfaction.client_id, Satisfaction.score, Satisfaction.id)
        .join(
            latest,
            (latest.c.client_id == Satisfaction.client_id) & (latest.c.at == Satisfaction.at),
        )
        .order_by(Satisfaction.id)
    ).all()
    return {client_id: score for client_id, score, _id in rows}
