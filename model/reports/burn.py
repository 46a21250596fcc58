"""A client's month of hours as a burn chart: the plan, what was spent, and where it heads.

The plan spreads the month's budget (sold + carried − owed, model.budgets)
evenly over its working days (Monday to Friday), the way it is meant to be
used; the actual line is the hours billed by the end of each day so far (an
entry on the day it started, as the budget counts it); the forecast goes on
from today at the pace so far (hours per working day elapsed), as
`model.budgets.runs_out_on` counts it. A client without paid hours still has
its actual line: the chart then has no plan and no forecast.

`chart` turns a burn into the coordinates a drawing needs, so the HTML report
draws an SVG and a terminal widget may draw the same lines, both from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pendulum
from sqlalchemy.engine import Engine

from model import clock
from model.billing import billed_by_period
from model.budgets import budget_status
from model.db import reading
from model.weeks import month_span, month_start


@dataclass(frozen=True)
class MonthBurn:
    month: pendulum.Date
    days: tuple[pendulum.Date, ...]
    """Every day of the month."""
    budget_hours: float | None
    actual: tuple[float, ...]
    """Hours billed by the end of each day, from the first to the report's day."""
    plan: tuple[float, ...]
    """The paid hours spread over the working days, by the end of each day; empty without a
    budget."""
    forecast: tuple[float, ...]
    """From the report's day to the month's last, at the pace so far; empty without a
    budget."""

    @property
    def billed_hours(self) -> float:
        return self.actual[-1] if self.actual else 0.0

    @property
    def forecast_hours(self) -> float | None:
        """The hours the month ends with at this pace."""
        return self.forecast[-1] if self.forecast else None


def _working(day: pendulum.Date) -> bool:
    return day.weekday() < 5


def month_burn(
    engine: Engine, *, client_id: int, month: pendulum.Date, day: pendulum.Date
) -> MonthBurn:
    """The burn of the client's month holding `month`, as it stands at the end of `day`
    (clamped to the month)."""
    first = month_start(day=month)
    days = tuple(first.add(days=offset) for offset in range(first.days_in_month))
    last_shown = min(max(day, first), days[-1])
    with reading(engine) as session:
        by_day = billed_by_period(
            session,
            span=month_span(month=first, zone=clock.zone()),
            client_ids=[client_id],
            by_day=True,
        )[client_id]
    actual: list[float] = []
    total = 0.0
    for each in days:
        if each > last_shown:
            break
        total += by_day.get(each, 0.0)
        actual.append(total)
    status = budget_status(engine, client_id=client_id, month=first, with_planned=False)
    budget = status.budget_hours
    plan: list[float] = []
    forecast: list[float] = []
    if budget is not None:
        working = sum(_working(each) for each in days)
        counted = 0
        for each in days:
            counted += _working(each)
            plan.append(budget * counted / working if working else budget)
        elapsed = sum(_working(each) for each in days[: len(actual)])
        pace = total / elapsed if elapsed else 0.0
        projected = total
        forecast.append(projected)
        for each in days[len(actual) :]:
            projected += pace * _working(each)
            forecast.append(projected)
    return MonthBurn(
        month=first,
        days=days,
        budget_hours=budget,
        actual=tuple(actual),
        plan=tuple(plan),
        forecast=tuple(forecast),
    )


@dataclass(frozen=True)
class Chart:
    """A burn in a box of `width` × `height`, y growing downwards (as SVG draws)."""

    width: float
    height: float
    top_hours: float
    plan: str
    actual: str
    forecast: str
    """Each line as SVG points, "x,y x,y …"; empty when the burn has none."""
    budget_y: float | None
    ticks: tuple[tuple[float, str], ...]
    """(x, day number) under the axis, a week apart."""
    levels: tuple[tuple[float, str], ...]
    """(y, hours) beside the axis."""


def _points(values: tuple[float, ...], *, start: int, x, y, origin: bool = False) -> str:
    """`values` from the day at `start` on; `origin` starts the line at the month's start."""
    points = [(x(start + index), y(value)) for index, value in enumerate(values)]
    if origin and points:
        points.insert(0, (0.0, y(0.0)))
    return " ".join(f"{left:.1f},{down:.1f}" for left, down in points)


def chart(burn: MonthBurn, *, width: float, height: float) -> Chart:
    """The lines of `burn` scaled into the box; the top is the largest of plan, actual and
    forecast, so a month over its budget stays inside the picture."""
    top = max(
        [*burn.plan, *burn.actual, *burn.forecast, burn.budget_hours or 0.0, 1.0],
    )
    count = len(burn.days)

    def x(index: int) -> float:
        return width * (index + 1) / count

    def y(hours: float) -> float:
        return height - height * hours / top

    step = 10 ** max(len(str(int(top))) - 1, 0)
    while top / step > 5:
        step *= 2
    levels = tuple((y(hours), f"{hours:g}") for hours in range(0, int(top) + 1, step))
    return Chart(
        width=width,
        height=height,
        top_hours=top,
        plan=_points(burn.plan, start=0, x=x, y=y, origin=True),
        actual=_points(burn.actual, start=0, x=x, y=y, origin=True),
        forecast=_points(burn.forecast, start=max(len(burn.actual) - 1, 0), x=x, y=y),
        budget_y=None if burn.budget_hours is None else y(burn.budget_hours),
        ticks=tuple(
            (x(index), str(day.day)) for index, day in enumerate(burn.days) if index % 7 == 0
        ),
        levels=levels,
    )
