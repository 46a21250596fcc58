"""What `clientdeck status` says in one line: my running timer, the next stand-up, and the
promises due today.

A tmux status bar runs the command every few seconds, so it must answer at once from a
cold start. Loading SQLAlchemy and SQLModel alone takes longer than the whole answer may,
so on a SQLite file this module reads with the standard library's sqlite3: one read-only
connection, three statements over columns every revision of the schema has had. A store
those statements cannot read, and every other back end, is read through the model's own
queries (`read_store`); tests hold the two to the same answer.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum

from model import clock
from model.i18n import _, ngettext
from model.locations import sqlite_read_uri
from model.slots import next_slot

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

SEPARATOR = " · "
SOON_MINUTES = 60
"""A stand-up closer than this is said as minutes to go."""


@dataclass(frozen=True)
class Timer:
    task_id: int
    client_code: str
    start: datetime


@dataclass(frozen=True)
class Glance:
    me_known: bool
    timer: Timer | None
    promises_today: int


class Unreadable(Exception):
    """The file is not one these statements can read: read it the usual way."""


_MEMBERS = "SELECT id, name, initials FROM member WHERE active ORDER BY name"
_TIMER = (
    "SELECT timeentry.task_id, client.code, timeentry.start FROM timeentry"
    " JOIN task ON task.id = timeentry.task_id JOIN client ON client.id = task.client_id"
    ' WHERE timeentry.member_id = ? AND timeentry."end" IS NULL'
    " AND timeentry.archived_at IS NULL ORDER BY timeentry.start DESC LIMIT 1"
)
_PROMISES = (
    "SELECT count(*) FROM task WHERE promised_at IS NOT NULL AND archived_at IS NULL"
    " AND status != 'done' AND due_date = ?"
)


def _me(members: list[tuple[int, str, str]], *, name: str) -> int | None:
    """As `model.members.find_member`: the first active member by name whose name or
    initials match, case-insensitive."""
    wanted = name.strip().casefold()
    for member_id, full, initials in members:
        if wanted and wanted in (full.casefold(), initials.casefold()):
            return member_id
    return None


def read_sqlite(*, path: Path, me: str, today: date) -> Glance:
    """The glance from a SQLite file, by the standard library alone."""
    if not path.is_file():
        raise Unreadable(str(path))
    try:
        with closing(sqlite3.connect(sqlite_read_uri(path=path), uri=True)) as connection:
            member_id = _me(connection.execute(_MEMBERS).fetchall(), name=me)
            timer = None
            if member_id is not None:
                row = connection.execute(_TIMER, (member_id,)).fetchone()
                if row is not None:
                    start = datetime.fromisoformat(row[2]).replace(tzinfo=UTC)
                    timer = Timer(task_id=row[0], client_code=row[1], start=start)
            (promises,) = connection.execute(_PROMISES, (today.isoformat(),)).fetchone()
    except (sqlite3.Error, ValueError, TypeError) as error:
        raise Unreadable(str(error)) from None
    return Glance(me_known=member_id is not None, timer=timer, promises_today=promises)


def read_store(engine: Engine, *, me: str, today: date) -> Glance:
    """The glance through the model's queries, on any back end."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from model.db import reading
    from model.members import find_member
    from model.tables import Status, Task
    from model.timetrack import running_entry

    member = find_member(engine, name=me)
    running = (
        None if member is None or member.id is None else running_entry(engine, member_id=member.id)
    )
    with reading(engine) as session:
        promises = session.exec(
            select(func.count()).where(
                col(Task.promised_at).is_not(None),
                col(Task.archived_at).is_(None),
                col(Task.status) != Status.DONE,
                col(Task.due_date) == today,
            )
        ).one()
    timer = None
    if running is not None:
        entry = running.entry
        timer = Timer(
            task_id=entry.task_id,
            client_code=running.client_code,
            start=pendulum.instance(entry.start),
        )
    return Glance(me_known=member is not None, timer=timer, promises_today=promises)


def _elapsed(*, start: datetime, now: datetime) -> str:
    minutes = max(0, int((now - start).total_seconds())) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


def _standup(*, now: pendulum.DateTime, times: tuple[str, ...], zone: str) -> str:
    if not times:
        return ""
    slot = next_slot(now=now, times=times, zone=zone)
    minutes = int((slot - now).total_seconds() // 60)
    if minutes < SOON_MINUTES:
        return _("stand-up in {minutes} min", minutes=minutes)
    if slot.date() == now.in_timezone(zone).date():
        return _("stand-up {time}", time=slot.format("HH:mm"))
    return _("stand-up {day} {time}", day=slot.format("ddd"), time=slot.format("HH:mm"))


def status_line(*, glance: Glance, times: tuple[str, ...], zone: str) -> str:
    """The line itself: "▶ NWB 42 1:23 · stand-up 16:00 · 2 promises due today"."""
    now = clock.now()
    parts = []
    if glance.timer is not None:
        timer = glance.timer
        parts.append(
            f"▶ {timer.client_code} {timer.task_id} {_elapsed(start=timer.start, now=now)}"
        )
    elif glance.me_known:
        parts.append(_("no timer"))
    parts.append(_standup(now=now, times=times, zone=zone))
    if glance.promises_today:
        parts.append(
            ngettext("{n} promise due today", "{n} promises due today", n=glance.promises_today)
        )
    return SEPARATOR.join(part for part in parts if part)
