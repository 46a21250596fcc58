"""The calendar as an iCalendar file, for the calendar apps people already use.

Every event has a UID derived from what it stands for (a task's id, a stand-up's
place among the configured times, the retro), never from the export, so
importing a newer file updates the events an older one created instead of
adding copies; `SEQUENCE` is the task's version, so the newer one wins.

What goes in:

- deadlines and promises of tasks not done, whatever their date, and of tasks
  done in the last `DONE_DAYS` days, marked done (so a re-import updates an
  event whose work got done);
- the stand-ups, one recurring event (RRULE, every working day) per
  configured time, and the retro, recurring weekly on its configured day;
  these are the team's, so an export for one client leaves them out.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pendulum
from icalendar import Calendar, Event
from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import load_only
from sqlmodel import select

from model import clock
from model.config import Config
from model.db import reading
from model.i18n import _
from model.slots import WORKING_WEEKDAYS
from model.tables import Client, Status, Task
from model.weeks import sprint_start, weekday_index

DONE_DAYS = 14
PRODUCT = "-//clientdeck//clientdeck//EN"
UID_DOMAIN = "clientdeck"
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def task_uid(*, task_id: int) -> str:
    return f"task-{task_id}@{UID_DOMAIN}"


def _local(*, day: date, hhmm: str, zone: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def _task_event(*, task: Task, code: str, name: str, zone: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", task_uid(task_id=task.id))
    event.add("dtstamp", stamp)
    event.add("sequence", task.version)
    event.add("last-modified", pendulum.instance(task.updated_at))
    if task.due_time is None:
        event.add("dtstart", task.due_date)
    else:
        event.add("dtstart", _local(day=task.due_date, hhmm=f"{task.due_time:%H:%M}", zone=zone))
    if task.promised_at is not None:
        summary = _("Promise to {client}: {title}", client=code, title=task.title)
    else:
        summary = _("Due for {client}: {title}", client=code, title=task.title)
    if task.status == Status.DONE:
        summary = _("Done: {what}", what=summary)
    event.add("summary", summary)
    event.add("description", name)
    event.add("categories", [code])
    event.add("transp", "TRANSPARENT")
    return event


def _ritual(
    *, uid: str, summary: str, start: datetime, minutes: int, days: list[str], stamp: datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=minutes))
    event.add("rrule", {"freq": "weekly", "byday": days})
    return event


def ritual_events(*, config: Config, stamp: datetime) -> list[Event]:
    """The stand-ups (one series per configured time) and the retro, from this week on."""
    zone = clock.zone()
    week = sprint_start(day=clock.today(), start_weekday=config.sprint_start_index)
    days = [week.add(days=offset) for offset in range(7)]
    first_working = next(day for day in days if day.weekday() in WORKING_WEEKDAYS)
    working = [ICAL_DAYS[index] for index in WORKING_WEEKDAYS]
    events = [
        _ritual(
            uid=f"standup-{index}@{UID_DOMAIN}",
            summary=_("Stand-up"),
            start=_local(day=first_working, hhmm=hhmm, zone=zone),
            minutes=config.standup_minutes,
            days=working,
            stamp=stamp,
        )
        for index, hhmm in enumerate(config.standup_times, start=1)
    ]
    retro_weekday = weekday_index(name=config.retro_day)
    retro_day = next(day for day in days if day.weekday() == retro_weekday)
    events.append(
        _ritual(
            uid=f"retro@{UID_DOMAIN}",
            summary=_("Retro"),
            start=_local(day=retro_day, hhmm=config.retro_time, zone=zone),
            minutes=config.retro_minutes,
            days=[ICAL_DAYS[retro_weekday]],
            stamp=stamp,
        )
    )
    return events


def export_calendar(engine: Engine, *, config: Config, client_id: int | None = None) -> str:
    """The iCalendar text: one client's deadlines and promises, or everything with the rituals."""
    zone = clock.zone()
    stamp = clock.now()
    recent = clock.today().subtract(days=DONE_DAYS)
    conditions = [
        Task.archived_at.is_(None),
        Task.due_date.is_not(None),
        or_(Task.status != Status.DONE, Task.due_date >= recent),
    ]
    if client_id is not None:
        conditions.append(Task.client_id == client_id)
    with reading(engine) as session:
        rows = session.exec(
            select(Task, Client.code, Client.name)
            .options(
                load_only(
                    Task.title,
                    Task.status,
                    Task.due_date,
                    Task.due_time,
                    Task.promised_at,
                    Task.updated_at,
                    Task.version,
                )
            )
            .join(Client, Client.id == Task.client_id)
            .where(*conditions)
            .order_by(Task.due_date, Task.id)
        ).all()
        client = session.get(Client, client_id) if client_id is not None else None
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add(
        "x-wr-calname", f"clientdeck · {client.name}" if client is not None else "clientdeck"
    )
    calendar.add("x-wr-timezone", zone)
    if client is None:
        for event in ritual_events(config=config, stamp=stamp):
            calendar.add_component(event)
    for task, code, name in rows:
        calendar.add_component(_task_event(task=task, code=code, name=name, zone=zone, stamp=stamp))
    earliest = min([recent, *(task.due_date for task, _code, _name in rows)])
    calendar.add_missing_timezones(first_date=earliest)
    return calendar.to_ical().decode("utf-8")
