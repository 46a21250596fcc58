"""Promises: tasks committed to the client with a deadline, and whether they were kept.

A promise is kept when the task is done by its deadline, to the minute: the
due time when there is one, else the end of the due day in the configured
time zone. Done a minute late is broken.

`confirmation_text` is what the account manager sends the client on promising:
the work and its deadline in words, exactly as the promise will be held to.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import pendulum
from sqlalchemy.engine import Engine

from model import clock
from model.i18n import N_, _
from model.interactions import quoted
from model.tables import Task
from model.tasks import ValidationError, get_task, update_task

DAY_FORMAT = N_("dddd, D MMMM")
DAY_YEAR_FORMAT = N_("dddd, D MMMM YYYY")
"""The deadline's day inside the confirmation (in another year: with it): pendulum formats,
so that each language words the day as its sentence needs."""


class PromiseState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    KEPT = "kept"
    BROKEN = "broken"


def deadline(*, task: Task, zone: str) -> pendulum.DateTime | None:
    """The instant the promise falls due, in UTC; None without a due date."""
    if task.due_date is None:
        return None
    day = task.due_date
    if task.due_time is not None:
        moment = task.due_time
        local = pendulum.datetime(day.year, day.month, day.day, moment.hour, moment.minute, tz=zone)
    else:
        local = pendulum.datetime(day.year, day.month, day.day, tz=zone).add(days=1)
    return local.in_timezone("UTC")


def state(*, task: Task, now: datetime, zone: str) -> PromiseState | None:
    """None for a task that was never promised."""
    if task.promised_at is None:
        return None
    due = deadline(task=task, zone=zone)
    if task.done_at is not None:
        if due is None:
            return PromiseState.KEPT
        done = pendulum.instance(task.done_at)
        on_time = done <= due if task.due_time is not None else done < due
        return PromiseState.KEPT if on_time else PromiseState.BROKEN
    if due is not None and pendulum.instance(now) > due:
        return PromiseState.OVERDUE
    return PromiseState.OPEN


def promise_task(
    engine: Engine,
    *,
    task_id: int,
    due_date: pendulum.Date | None = None,
    due_time=None,
    who: int | None = None,
) -> Task:
    """Mark a task promised to the client; a promise needs a deadline."""
    task = get_task(engine, task_id=task_id)
    changes: dict = {"promised_at": clock.now()}
    if due_date is not None:
        changes.update(due_date=due_date, due_time=due_time)
    elif task.due_date is None:
        raise ValidationError(_("a promise needs a deadline: set the due date"), field="due")
    return update_task(engine, task_id=task_id, changes=changes, who=who)


def confirmation_text(*, task: Task) -> str:
    """The message confirming a promise to the client, in the UI language: the work, the day
    and the time (or the end of the day) it is due. A task without a due date has none."""
    if task.due_date is None:
        raise ValidationError(_("a promise needs a deadline: set the due date"), field="due")
    day = pendulum.date(task.due_date.year, task.due_date.month, task.due_date.day)
    when = day.format(_(DAY_FORMAT if day.year == clock.today().year else DAY_YEAR_FORMAT))
    if task.due_time is not None:
        promise = _(
            "Confirming: we will deliver {title} on {day} by {time}.",
            title=quoted(task.title),
            day=when,
            time=f"{task.due_time:%H:%M}",
        )
    else:
        promise = _(
            "Confirming: we will deliver {title} by the end of {day}.",
            title=quoted(task.title),
            day=when,
        )
    return (
        "\n".join([_("Hello!"), promise, _("We will let you know as soon as it is ready.")]) + "\n"
    )
