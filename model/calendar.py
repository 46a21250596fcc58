"""What falls on which day: the calendar's items for a week or a month.

Items are of five kinds:

- stand-ups at each configured time on each working day, and the retro at its
  configured weekday and time: the team's rituals, the same every week;
- client meetings: interactions on the "meeting" channel that are still ahead
  (a meeting in the past is a logged contact, not an appointment);
- deadlines: due dates of tasks not done and not promised;
- promises: due dates of tasks promised to the client, kept or not, so the
  week shows which promises were kept.

An item is overdue when its deadline (to the minute, see `model.promises`)
has passed with the work not done, or a promise was broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import pendulum
from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import load_only
from sqlmodel import select

from model import clock
from model.config import Config
from model.db import reading
from model.promises import PromiseState, deadline, state
from model.slots import WORKING_WEEKDAYS
from model.tables import Channel, Client, Interaction, Status, Task
from model.weeks import as_date, days_span, month_start, sprint_start, weekday_index


class Kind(StrEnum):
    STANDUP = "standup"
    RETRO = "retro"
    MEETING = "meeting"
    DEADLINE = "deadline"
    PROMISE = "promise"


KIND_ORDER = (Kind.STANDUP, Kind.RETRO, Kind.MEETING, Kind.PROMISE, Kind.DEADLINE)


@dataclass(frozen=True)
class Item:
    kind: Kind
    day: pendulum.Date
    at: pendulum.Time | None  # local time of day; None for a deadline without a time
    title: str = ""
    client_id: int | None = None
    client_code: str = ""
    client_name: str = ""
    client_colour: str = ""
    task_id: int | None = None
    interaction_id: int | None = None
    overdue: bool = False
    promise: PromiseState | None = None

    @property
    def sort_key(self) -> tuple:
        moment = self.at if self.at is not None else pendulum.time(23, 59, 59)
        return (self.day, moment, KIND_ORDER.index(self.kind), self.task_id or 0)


def _time(hhmm: str) -> pendulum.Time:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return pendulum.time(hour, minute)


def ritual_items(*, first: pendulum.Date, last: pendulum.Date, config: Config) -> list[Item]:
    """Stand-ups and retros from `first` to `last` inclusive, from the config alone."""
    retro_weekday = weekday_index(name=config.retro_day)
    out = []
    day = first
    while day <= last:
        if day.weekday() in WORKING_WEEKDAYS:
            out += [Item(kind=Kind.STANDUP, day=day, at=_time(t)) for t in config.standup_times]
        if day.weekday() == retro_weekday:
            out.append(Item(kind=Kind.RETRO, day=day, at=_time(config.retro_time)))
        day = day.add(days=1)
    return out


def task_item(*, task: Task, code: str, name: str, colour: str, now: datetime, zone: str) -> Item:
    """A task's deadline, or its promise when it was promised to the client."""
    promise = state(task=task, now=now, zone=zone)
    if promise is None:
        due = deadline(task=task, zone=zone)
        overdue = task.status != Status.DONE and due is not None and due <= now
    else:
        overdue = promise in (PromiseState.OVERDUE, PromiseState.BROKEN)
    return Item(
        kind=Kind.DEADLINE if promise is None else Kind.PROMISE,
        day=as_date(task.due_date),
        at=None if task.due_time is None else _time(f"{task.due_time:%H:%M}"),
        title=task.title,
        client_id=task.client_id,
        client_code=code,
        client_name=name,
        client_colour=colour,
        task_id=task.id,
        overdue=overdue,
        promise=promise,
    )


def items(
    engine: Engine, *, first: pendulum.Date, last: pendulum.Date, config: Config
) -> list[Item]:
    """Every item from `first` to `last` inclusive (local days), in the order of the day."""
    zone = clock.zone()
    now = clock.now()
    span = days_span(first=first, last=last, zone=zone)
    with reading(engine) as session:
        tasks = session.exec(
            select(Task, Client.code, Client.name, Client.colour)
            .options(
                load_only(
                    Task.client_id,
                    Task.title,
                    Task.status,
                    Task.due_date,
                    Task.due_time,
                    Task.promised_at,
                    Task.done_at,
                )
            )
            .join(Client, Client.id == Task.client_id)
            .where(
                Task.archived_at.is_(None),
                Task.due_date >= first,
                Task.due_date <= last,
                or_(Task.status != Status.DONE, Task.promised_at.is_not(None)),
            )
        ).all()
        meetings = session.exec(
            select(Interaction, Client.code, Client.name, Client.colour)
            .join(Client, Client.id == Interaction.client_id)
            .where(
                Interaction.channel == Channel.MEETING,
                Interaction.at >= span.start,
                Interaction.at > now,
                Interaction.at < span.end,
            )
        ).all()
    out = ritual_items(first=first, last=last, config=config)
    out += [
        task_item(task=task, code=code, name=name, colour=colour, now=now, zone=zone)
        for task, code, name, colour in tasks
    ]
    for meeting, code, name, colour in meetings:
        local = clock.to_local(meeting.at)
        out.append(
            Item(
                kind=Kind.MEETING,
                day=local.date(),
                at=pendulum.time(local.hour, local.minute),
                title=meeting.summary,
                client_id=meeting.client_id,
                client_code=code,
                client_name=name,
                client_colour=colour,
                task_id=meeting.task_id,
                interaction_id=meeting.id,
            )
        )
    out.sort(key=lambda item: item.sort_key)
    return out


@dataclass(frozen=True)
class DayCounts:
    deadlines: int = 0
    promises: int = 0
    meetings: int = 0
    overdue: int = 0

    @property
    def empty(self) -> bool:
        return not (self.deadlines or self.promises or self.meetings)


def day_counts(*, found: list[Item]) -> dict[date, DayCounts]:
    """Per day, how many deadlines, promises and meetings, and how many of them are overdue."""
    counts: dict[date, DayCounts] = {}
    for item in found:
        if item.kind in (Kind.STANDUP, Kind.RETRO):
            continue
        held = counts.get(item.day, DayCounts())
        counts[item.day] = DayCounts(
            deadlines=held.deadlines + (item.kind == Kind.DEADLINE),
            promises=held.promises + (item.kind == Kind.PROMISE),
            meetings=held.meetings + (item.kind == Kind.MEETING),
            overdue=held.overdue + item.overdue,
        )
    return counts


def month_grid(*, month: pendulum.Date, start_weekday: int) -> list[list[pendulum.Date]]:
    """The weeks that show a month: whole weeks from the one holding its first day."""
    first = month_start(day=month)
    day = sprint_start(day=first, start_weekday=start_weekday)
    after = first.add(months=1)
    weeks = []
    while day < after:
        weeks.append([day.add(days=offset) for offset in range(7)])
        day = day.add(days=7)
    return weeks
