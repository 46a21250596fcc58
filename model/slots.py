"""Stand-up slots: the configured times on each working day, as pure calendar arithmetic.

Kept apart from `model.standup` (which reads the team's work) so that what only needs the
next slot, such as `clientdeck status`, loads no database layer.
"""

from __future__ import annotations

import pendulum

WORKING_WEEKDAYS = range(5)


def _slot(*, day: pendulum.Date, hhmm: str, zone: str) -> pendulum.DateTime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=zone)


def next_slot(*, now: pendulum.DateTime, times: tuple[str, ...], zone: str) -> pendulum.DateTime:
    """The next stand-up strictly after `now`, on a working day, in `zone`."""
    local = now.in_timezone(zone)
    day = local.date()
    for _day in range(8):
        if day.weekday() in WORKING_WEEKDAYS:
            for hhmm in sorted(times):
                slot = _slot(day=day, hhmm=hhmm, zone=zone)
                if slot > local:
                    return slot
        day = day.add(days=1)
    raise ValueError("no stand-up time configured")


def _latest_slot(
    *, at: pendulum.DateTime, times: tuple[str, ...], zone: str, inclusive: bool
) -> pendulum.DateTime:
    local = at.in_timezone(zone)
    day = local.date()
    for _day in range(8):
        if day.weekday() in WORKING_WEEKDAYS:
            for hhmm in sorted(times, reverse=True):
                slot = _slot(day=day, hhmm=hhmm, zone=zone)
                if slot < local or (inclusive and slot == local):
                    return slot
        day = day.subtract(days=1)
    raise ValueError("no stand-up time configured")


def current_slot(*, now: pendulum.DateTime, times: tuple[str, ...], zone: str) -> pendulum.DateTime:
    """The stand-up at hand: the latest slot that has begun by `now`, in `zone`."""
    return _latest_slot(at=now, times=times, zone=zone, inclusive=True)


def previous_slot(
    *, slot: pendulum.DateTime, times: tuple[str, ...], zone: str
) -> pendulum.DateTime:
    """The slot before `slot`: where "since the last stand-up" starts (Monday looks to Friday)."""
    return _latest_slot(at=slot, times=times, zone=zone, inclusive=False)
