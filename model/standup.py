"""Stand-up slots: when the twice-daily stand-ups happen and which one is at hand."""

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
    for _ in range(8):
        if day.weekday() in WORKING_WEEKDAYS:
            for hhmm in sorted(times):
                slot = _slot(day=day, hhmm=hhmm, zone=zone)
                if slot > local:
                    return slot
        day = day.add(days=1)
    raise ValueError("no stand-up time configured")
