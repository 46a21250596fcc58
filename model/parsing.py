"""Reading what people type: estimates, durations and due dates.

The same parsers serve the card form, the shell (`add --due`, `--estimate`)
and imports, so a phrase means the same thing everywhere. Words are accepted
in English, Ukrainian and Russian whatever the UI language is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

import pendulum

from model.i18n import _

MAX_ESTIMATE_HOURS = 1000.0
MAX_WHOLE = 2**31 - 1
"""The largest whole number every back end stores (PostgreSQL's integer): ids, counts."""
EARLIEST_DATE = pendulum.date(2000, 1, 1)
YEARS_AHEAD = 10
"""A date typed more than this many years after today is a slip of the keys (+9999m)."""

_HOURS = r"(?:h|hr|hrs|hours?|ч|час|часа|часов|г|год|годин[аи]?)"
_MINUTES = r"(?:m|min|mins|minutes?|м|мин|минут[аы]?|хв|хвилин[аи]?)"
_DURATION = re.compile(
    rf"^(?:(?P<h>\d+(?:[.,]\d+)?)\s*{_HOURS})?\s*(?:(?P<m>\d+)\s*{_MINUTES}?)?$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def parse_id(*, text: str) -> int:
    """The id of a row as typed (`42`): a whole number the database can hold."""
    cleaned = text.strip()
    digits = cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= len(str(MAX_WHOLE))
    if not digits or not 1 <= int(cleaned) <= MAX_WHOLE:
        raise ValueError(_("{text!r} is not an id: give a whole number such as 42", text=text))
    return int(cleaned)


def parse_hours(*, text: str) -> float:
    """`1.5`, `1,5`, `90m`, `1h30`, `1h 30m`, `2ч` to hours; raises ValueError with a message."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError(_("enter a number of hours, e.g. 1.5, 90m or 1h30"))
    if _NUMBER.match(cleaned):
        hours = float(cleaned.replace(",", "."))
    else:
        match = _DURATION.match(cleaned)
        if not match or not (match.group("h") or match.group("m")):
            raise ValueError(_("{text!r} is not a duration; try 1.5, 90m or 1h30", text=text))
        hours = float((match.group("h") or "0").replace(",", "."))
        minutes = int(match.group("m") or 0)
        if match.group("h") and match.group("m") and minutes >= 60:
            raise ValueError(_("{text!r}: minutes must be below 60", text=text))
        hours += minutes / 60
    if hours > MAX_ESTIMATE_HOURS:
        raise ValueError(
            _("{text!r} is more than {limit} hours", text=text, limit=int(MAX_ESTIMATE_HOURS))
        )
    return round(hours, 4)


@dataclass(frozen=True)
class Due:
    date: pendulum.Date
    time: time | None = None


_RELATIVE_DAYS = {
    "today": 0,
    "сьогодні": 0,
    "сегодня": 0,
    "tomorrow": 1,
    "завтра": 1,
    "післязавтра": 2,
    "послезавтра": 2,
}

_WEEKDAY_WORDS = (
    ("monday", "mon", "понеділок", "пн", "понедельник"),
    ("tuesday", "tue", "вівторок", "вт", "вторник"),
    ("wednesday", "wed", "середа", "ср", "среда"),
    ("thursday", "thu", "четвер", "чт", "четверг"),
    ("friday", "fri", "пʼятниця", "п'ятниця", "пт", "пятница"),
    ("saturday", "sat", "субота", "сб", "суббота"),
    ("sunday", "sun", "неділя", "нд", "воскресенье", "вс"),
)
_WEEKDAYS = {word: index for index, words in enumerate(_WEEKDAY_WORDS) for word in words}


def parse_weekday(*, text: str) -> int:
    """`friday`, `fri`, `пт`, `пʼятниця`… to an ISO weekday (1 Monday … 7 Sunday)."""
    word = text.strip().lower().replace("’", "'")
    if word not in _WEEKDAYS:
        raise ValueError(_("{text!r} is not a weekday; try monday, fri or пт", text=text))
    return _WEEKDAYS[word] + 1


_OFFSET = re.compile(r"^\+(\d{1,4})\s*([dwmдтнм])$", re.IGNORECASE)
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_time_of_day(*, text: str) -> time:
    """`15:30` or `9.05` to a time; raises ValueError with a message."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(_("{text!r} is not a time of day like 15:30", text=text))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(_("{text!r} is not a time of day like 15:30", text=text))
    return time(hour, minute)


def _calendar_date(*, year: int, month: int, day: int, text: str) -> pendulum.Date:
    try:
        return pendulum.date(year, month, day)
    except ValueError:
        raise ValueError(_("{text!r} is not a date in the calendar", text=text)) from None


def _day(word: str, *, today: pendulum.Date) -> pendulum.Date:
    if word in _RELATIVE_DAYS:
        return today.add(days=_RELATIVE_DAYS[word])
    if word in _WEEKDAYS:
        ahead = (_WEEKDAYS[word] - today.weekday()) % 7 or 7
        return today.add(days=ahead)
    if match := _OFFSET.match(word):
        count, unit = int(match.group(1)), match.group(2).lower()
        if unit in "dд":
            return today.add(days=count)
        if unit in "wтн":
            return today.add(weeks=count)
        return today.add(months=count)
    if match := _ISO.match(word):
        year, month, day = (int(part) for part in match.groups())
        return _calendar_date(year=year, month=month, day=day, text=word)
    if match := _DOTTED.match(word):
        day, month = int(match.group(1)), int(match.group(2))
        year_text = match.group(3)
        if year_text is None:
            candidate = _calendar_date(year=today.year, month=month, day=day, text=word)
            return candidate if candidate >= today else candidate.add(years=1)
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _calendar_date(year=year, month=month, day=day, text=word)
    raise ValueError(
        _(
            "{text!r} is not a date; try 2026-11-30, 30.11, today, tomorrow, friday or +3d",
            text=word,
        )
    )


def parse_due(*, text: str, today: pendulum.Date) -> Due:
    """A due date, optionally with a time: `tomorrow 15:00`, `2026-11-30T10:00`, `пт`."""
    cleaned = text.strip().lower().replace("’", "'")
    if not cleaned:
        raise ValueError(_("enter a date, e.g. 2026-11-30, tomorrow or +3d"))
    parts = cleaned.replace("t", " ", 1).split() if _ISO.match(cleaned[:10]) else cleaned.split()
    if len(parts) > 2:
        raise ValueError(
            _(
                "{text!r} is not a date; try 2026-11-30, 30.11, today, tomorrow, friday or +3d",
                text=text,
            )
        )
    day = _day(parts[0], today=today)
    last = today.add(years=YEARS_AHEAD)
    if not EARLIEST_DATE <= day <= last:
        raise ValueError(
            _(
                "{text!r} is out of range: dates run from {first} to {last}",
                text=text,
                first=EARLIEST_DATE.isoformat(),
                last=last.isoformat(),
            )
        )
    return Due(date=day, time=parse_time_of_day(text=parts[1]) if len(parts) == 2 else None)


def parse_moment(*, text: str, today: pendulum.Date, zone: str) -> pendulum.DateTime:
    """A point in time as typed for a time entry, returned in UTC.

    `9:30` means today; otherwise a day phrase with a time: `2026-11-17 18:00`, `пн 9:00`.
    Weekday names look ahead as for due dates, so past days are typed as dates.
    """
    cleaned = text.strip()
    if _TIME.match(cleaned):
        day, moment = today, parse_time_of_day(text=cleaned)
    else:
        due = parse_due(text=cleaned, today=today) if cleaned else None
        if due is None or due.time is None:
            raise ValueError(_("{text!r}: give a time, e.g. 9:30 or 2026-11-17 18:00", text=text))
        day, moment = due.date, due.time
    local = pendulum.datetime(day.year, day.month, day.day, moment.hour, moment.minute, tz=zone)
    return local.in_timezone("UTC")
