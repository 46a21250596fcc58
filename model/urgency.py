"""Urgency: one number that sorts work, in the spirit of Taskwarrior's.

The score is a sum of terms; each term is a coefficient from the config
(`[urgency]` table, defaults in `model.config.DEFAULT_URGENCY`) times a factor
between 0 and 1 (or a small count), so a user can re-weigh a term without
touching code and the screens can show why a task ranks where it does.

Terms and their default coefficients:

- ``priority`` — ``priority_urgent`` 6.0, ``priority_high`` 3.9, ``priority_low`` −1.8;
  a normal priority adds nothing.
- ``due`` — ``due`` 12.0 times a factor that grows linearly from 0.2 (due in 14
  days or later) as the due date nears, reaches 0.95 on the day itself and
  saturates at 1.0 once the task is late. No due date adds nothing.
- ``promised`` — ``promised`` 5.0 when the task is promised to the client.
- ``fire`` — ``fire`` 8.0 for a fire (an urgent request triaged at a stand-up).
- ``age`` — ``age`` 2.0 times the task's age in days over 30, capped at 1.0:
  old work rises slowly so it is not forgotten, but never outranks a deadline.
- ``waiting`` — ``waiting`` −3.0 while the task waits on the client: nobody on
  the team can move it, so it sinks.
- ``carried_over`` — ``carried_over`` 1.5 for each sprint the task was carried
  over from, counting at most 3.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import pendulum

from model import clock
from model.tables import Priority, Status

DUE_HORIZON_DAYS = 14
DUE_FLOOR = 0.2
AGE_CAP_DAYS = 30
CARRIED_OVER_CAP = 3

_PRIORITY_KEYS: dict[str, str] = {
    Priority.URGENT: "priority_urgent",
    Priority.HIGH: "priority_high",
    Priority.LOW: "priority_low",
}


class Scored(Protocol):
    """What the score reads of a task: a `Task`, or a row of just these columns."""

    priority: str
    status: str
    due_date: date | None
    promised_at: datetime | None
    fire: bool
    created_at: datetime
    carried_over: int


def due_factor(*, due: date, today: pendulum.Date) -> float:
    """0.2 for a far deadline, rising by the day, 1.0 from the first day late."""
    days_left = due.toordinal() - today.toordinal()
    ramp = DUE_FLOOR + (1.0 - DUE_FLOOR) * (DUE_HORIZON_DAYS - days_left) / (DUE_HORIZON_DAYS + 1)
    return min(1.0, max(DUE_FLOOR, ramp))


def age_factor(*, created: date, today: pendulum.Date) -> float:
    days = today.toordinal() - created.toordinal()
    return min(1.0, max(0, days) / AGE_CAP_DAYS)


def _local_day(instant: datetime) -> date:
    """The day of a stored instant in the configured zone (zoneinfo caches the zone's rules)."""
    aware = instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(clock.zone())).date()


def terms(
    *, task: Scored, today: pendulum.Date, coefficients: dict[str, float]
) -> dict[str, float]:
    """Each term's contribution to the task's urgency, keyed by term name."""
    priority_key = _PRIORITY_KEYS.get(task.priority)
    due = 0.0
    if task.due_date is not None:
        due = coefficients["due"] * due_factor(due=task.due_date, today=today)
    return {
        "priority": coefficients[priority_key] if priority_key else 0.0,
        "due": due,
        "promised": coefficients["promised"] if task.promised_at is not None else 0.0,
        "fire": coefficients["fire"] if task.fire else 0.0,
        "age": coefficients["age"] * age_factor(created=_local_day(task.created_at), today=today),
        "waiting": coefficients["waiting"] if task.status == Status.WAITING else 0.0,
        "carried_over": coefficients["carried_over"] * min(task.carried_over, CARRIED_OVER_CAP),
    }


def urgency(*, task: Scored, today: pendulum.Date, coefficients: dict[str, float]) -> float:
    """The task's score: higher is more urgent."""
    return round(sum(terms(task=task, today=today, coefficients=coefficients).values()), 2)
