"""Promises: tasks committed to the client with a deadline, and whether they were kept.

A promise is kept when the task is done by its deadline, to the minute: the
due time when there is one, else the end of the due day in the configured
time zone. Done a minute late is broken.

`confirmation_text` is what the account manager sends the client on promising:
the work and its deadline in words, exactly as the promise will be held to.
"""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from typing import Any

import pendulum
from sqlalchemy.engine import Engine

from model import clock
from model.db import transaction
from model.i18n import N_, _
from model.interactions import quoted
from model.tables import Task
from model.tasks import (
    ValidationError,
    change_task,
    load_task,
    restore,
    snapshot,
    validate,
)
from model.undo import Done, Step

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
    due_time: time | None = None,
    who: int | None = None,
) -> Done[Task]:
    """Mark a task promised to the client; a promise needs a deadline. The undo puts the
    task back as the promise found it (its deadline too), read in the same transaction."""
    now = clock.now()
    changes: dict[str, Any] = {"promised_at": now}
    if due_date is not None:
        changes.update(due_date=due_date, due_time=due_time)
    with transaction(engine) as session:
        task = load_task(session=session, task_id=task_id)
        if due_date is None and task.due_date is None:
            raise ValidationError(_("a promise needs a deadline: set the due date"), field="due")
        before = snapshot(task)
        promised = change_task(
            session=session,
            task_id=task_id,
            values=validate(changes=changes),
            who=who,
            expected_version=None,
            now=now,
        )
    return Done(
        value=promised,
        undo=Step(
            label=_("promise: {title}", title=before["title"]),
            revert=lambda: restore(engine, states={task_id: before}, who=who),
        ),
    )


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
