"""Noticing changes made by others (another process, another person on the server).

A cheap fingerprint of the data tells whether anything changed: each part is
read through an index, so it costs a few milliseconds at any size. On SQLite it
is polled every couple of seconds. On PostgreSQL every committed change sends a
notification (migration 0004's triggers) and `listen` hears it, so the app
checks the fingerprint at once instead of waiting for its next poll. A
notification names the server session that sent it, so the listener leaves out
the app's own: its writes are on screen already, and reading them again as
others' would repaint the screen under a person still typing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event, func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import select

from model.db import reading
from model.outage import OUTAGES
from model.tables import ClientPlan, Interaction, Standup, Task, TimeEntry


@dataclass(frozen=True)
class Fingerprint:
    tasks: tuple
    time: tuple
    other: tuple


# One statement of scalar subqueries, built once: the app takes a fingerprint
# after each of its own writes too, so building it and its round trips were
# paid on every keystroke that changes data.
_PARTS = sa_select(
    *[
        part.scalar_subquery()
        for part in (
            select(func.max(Task.updated_at)),
            select(func.count(Task.id)),
            select(func.max(TimeEntry.id)),
            select(func.max(TimeEntry.end)),
            select(func.count()).where(TimeEntry.end.is_(None)),
            select(func.max(Interaction.id)),
            select(func.max(Standup.id)),
            select(func.max(ClientPlan.agreed_at)),
        )
    ]
)


def fingerprint(engine: Engine) -> Fingerprint:
    """Changes whenever a task, recorded time, a plan, an interaction or a stand-up changes.

    Time is seen through new entries, ends and running timers; an entry
    archived by someone else shows at the next change of any other kind.
    """
    with reading(engine) as session:
        row = session.exec(_PARTS).one()
    return Fingerprint(tasks=tuple(row[:2]), time=tuple(row[2:5]), other=tuple(row[5:]))


CHANNEL = "clientdeck_changes"
"""The channel migration 0004's triggers notify on, once per changed table and commit."""
RETRY_SECONDS = 3.0


class _OwnSessions:
    """The server sessions (backend process ids) of an engine's pooled connections, noted
    as each is checked out, so before any write on it commits and notifies."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pids: set[int] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> _OwnSessions:
        event.listen(self.engine, "checkout", self._checked_out)
        event.listen(self.engine, "close", self._closed)
        event.listen(self.engine, "invalidate", self._invalidated)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "checkout", self._checked_out)
        event.remove(self.engine, "close", self._closed)
        event.remove(self.engine, "invalidate", self._invalidated)

    def _checked_out(self, dbapi_connection, record, _proxy) -> None:
        pid = dbapi_connection.info.backend_pid
        record.info["backend_pid"] = pid
        with self._lock:
            self._pids.add(pid)

    def _closed(self, _dbapi_connection, record) -> None:
        """A closed session's id may be given to someone else's next one: forget it."""
        with self._lock:
            self._pids.discard(record.info.pop("backend_pid", None))

    def _invalidated(self, dbapi_connection, record, _exception) -> None:
        self._closed(dbapi_connection, record)

    def __contains__(self, pid: object) -> bool:
        with self._lock:
            return pid in self._pids


def listen(
    engine: Engine,
    *,
    heard: Callable[[], None],
    stopped: Callable[[], bool],
    ready: Callable[[], None] = lambda: None,
) -> None:
    """On PostgreSQL, call `heard` whenever a transaction that changed data commits
    in another's session (another process, another person), until `stopped()`; `ready`
    once listening. Returns at once on SQLite.

    It holds a connection of its own, waits at most a second at a time so `stopped`
    is asked often, and when the server goes away tries again every few seconds
    (the app's poll meanwhile says it is offline)."""
    if engine.dialect.name != "postgresql":
        return
    lost = (*OUTAGES, engine.dialect.dbapi.Error)
    with _OwnSessions(engine) as own:
        while not stopped():
            try:
                raw = engine.raw_connection()
            except lost:
                time.sleep(RETRY_SECONDS)
                continue
            try:
                connection = raw.driver_connection
                connection.autocommit = True
                connection.execute(f"LISTEN {CHANNEL}")
                ready()
                while not stopped():
                    notes = connection.notifies(timeout=1.0, stop_after=1)
                    if any(note.pid not in own for note in notes):
                        heard()
            except lost:
                time.sleep(RETRY_SECONDS)
            finally:
                raw.invalidate()  # a listening session is not for the pool
