"""Reading time exports of Everhour, Toggl Track, Harvest and Clockify.

An agency that switches to clientdeck brings years of time history in these
files, and real exports are untidy: a UTF-8 BOM from Excel, `;` where the
locale uses a decimal comma, quoted notes with commas and line breaks,
durations as `1:30:00`, `1.5` or `1,5`, "Yes", "Так" or "Да", dates in the
format of whoever exported them, and entries that run past midnight. This
module turns each row into a `TimeRow` (or a `RowProblem` naming its line), and
knows nothing of the store: `model.importers.timeentries` matches and writes.

A file is read in passes, row by row, so its size does not bound the memory:
`read_layout` looks at the header and the dates once (which tool, which
separator, day or month first), and `read_rows` then yields each row.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from model.i18n import _
from model.importers import FileRefused

csv.field_size_limit(1 << 24)  # a note may be long; a whole file in one cell is not an export


class Source(StrEnum):
    EVERHOUR = "everhour"
    TOGGL = "toggl"
    HARVEST = "harvest"
    CLOCKIFY = "clockify"


# The columns each tool writes, by what they hold; the first name a header has wins.
COLUMNS: dict[Source, dict[str, tuple[str, ...]]] = {
    Source.EVERHOUR: {
        "date": ("date",),
        "member": ("user", "member", "person"),
        "client": ("client",),
        "project": ("project",),
        "task": ("task",),
        "duration": ("time", "hours", "duration"),
        "note": ("comment", "note", "notes", "description"),
        "billable": ("billable",),
    },
    Source.TOGGL: {
        "member": ("user", "member"),
        "client": ("client",),
        "project": ("project",),
        "task": ("task",),
        "note": ("description",),
        "billable": ("billable",),
        "start_date": ("start date",),
        "start_time": ("start time",),
        "end_date": ("end date", "stop date"),
        "end_time": ("end time", "stop time"),
        "duration": ("duration",),
    },
    Source.HARVEST: {
        "date": ("date", "spent date"),
        "client": ("client",),
        "project": ("project",),
        "task": ("task",),
        "note": ("notes",),
        "duration": ("hours",),
        "billable": ("billable?", "billable"),
        "first_name": ("first name",),
        "last_name": ("last name",),
        "start_time": ("started at", "start time"),
        "end_time": ("ended at", "end time"),
    },
    Source.CLOCKIFY: {
        "member": ("user",),
        "client": ("client",),
        "project": ("project",),
        "task": ("task",),
        "note": ("description",),
        "billable": ("billable",),
        "start_date": ("start date",),
        "start_time": ("start time",),
        "end_date": ("end date",),
        "end_time": ("end time",),
        "duration": ("duration (h)", "duration (decimal)"),
    },
}

YES = frozenset({"yes", "y", "true", "1", "так", "да", "ja", "oui", "sí", "si", "billable"})
NO = frozenset({"no", "n", "false", "0", "ні", "нет", "nein", "non", "non-billable", ""})

WORK_DAY_START = time(9, 0)
"""Where a tool that keeps only a day's hours (Harvest, Everhour) has its first entry of
the day start; the member's next entries that day follow it."""

_ISO_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})$")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_SLASHED = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?$")
_HMS = re.compile(r"(\d+):([0-5]\d)(?::([0-5]\d))?$")
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)?$")
_UNITS = re.compile(r"(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
SEPARATORS = (",", ";", "\t")
MAX_HOURS = 24 * 7
"""Longer than a week is a typo or a timer left running, not work to bill."""


class DateOrder(StrEnum):
    DAY_FIRST = "dmy"
    MONTH_FIRST = "mdy"


@dataclass(frozen=True)
class Layout:
    """What the header and a first look at the dates say about a file."""

    source: Source
    separator: str
    columns: dict[str, int]
    width: int
    rows: int
    date_order: DateOrder
    date_order_guessed: bool
    """The file writes dates with slashes and none tells day from month (all are 12 or
    less): month first, as the tools write by default."""


@dataclass(frozen=True)
class TimeRow:
    line: int
    member: str
    client: str
    project: str
    task: str
    note: str
    start: datetime
    end: datetime
    billable: bool | None
    key: str
    """Stable across imports of the same export: the row's meaning hashed (not its line or
    its column order), with how many identical rows came before it in the file."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


class _Bad(ValueError):
    """A value of a row that cannot be read; the message says why."""


# --- the header --------------------------------------------------------------------------------


def _separator(header: str) -> str:
    """The separator of the header line: the most frequent of `,`, `;` and tab outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header)
    return max(SEPARATORS, key=outside.count)


def detect_source(*, names: list[str]) -> Source | None:
    """Which tool wrote a header, by the columns only it has."""
    found = set(names)
    if {"first name", "last name"} <= found or "billable?" in found:
        return Source.HARVEST
    if "duration (h)" in found or "duration (decimal)" in found:
        return Source.CLOCKIFY
    if {"start date", "start time", "duration"} <= found:
        return Source.TOGGL
    if "date" in found and "time" in found and found & {"user", "member", "person"}:
        return Source.EVERHOUR
    return None


def _columns(*, source: Source, names: list[str], name: str) -> dict[str, int]:
    columns = {}
    for field, options in COLUMNS[source].items():
        for option in options:
            if option in names:
                columns[field] = names.index(option)
                break
    has_member = "member" in columns or "first_name" in columns
    has_start = "date" in columns or "start_date" in columns
    has_length = "duration" in columns or "end_time" in columns
    if not (has_member and has_start and has_length and "project" in columns):
        raise FileRefused(
            _(
                "{name} is not a {tool} time export: it lacks the person, the project, "
                "the date or the time worked",
                name=name,
                tool=source.value,
            )
        )
    return columns


def _open(path: Path) -> IO[str]:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise FileRefused(
            _("cannot read {path}: {error}", path=path, error=error.strerror)
        ) from None
    except ValueError:
        raise FileRefused(
            _("cannot read {path}: a file name cannot contain NUL characters", path=path)
        ) from None


def _records(*, path: Path, separator: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, its cells), header included; blank lines skipped."""
    with _open(path) as handle:
        reader = csv.reader(handle, delimiter=separator)
        line = 1
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield line, cells
                line = reader.line_num + 1
        except UnicodeDecodeError:
            raise FileRefused(_("{name} is not a text file (not UTF-8)", name=path.name)) from None
        except csv.Error as error:
            raise FileRefused(
                _("{name}: line {line}: {problem}", name=path.name, line=line, problem=error)
            ) from None


def _date_parts(text: str) -> tuple[int, int] | None:
    """The first two numbers of a slashed date (`03/04/2026`), whose order is in question."""
    found = _SLASHED.match(text.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def read_layout(*, path: Path, source: Source | None = None) -> Layout:
    """The file's tool (from the header when not given), separator, columns and date order."""
    try:
        with _open(path) as handle:
            header = handle.readline()
    except UnicodeDecodeError:
        raise FileRefused(_("{name} is not a text file (not UTF-8)", name=path.name)) from None
    if not header.strip():
        raise FileRefused(_("{name} is empty", name=path.name))
    separator = _separator(header)
    records = _records(path=path, separator=separator)
    _line, cells = next(records)
    names = [cell.strip().casefold() for cell in cells]
    found = source or detect_source(names=names)
    if found is None:
        raise FileRefused(
            _(
                "cannot tell which tracker made {name}; say it with --format "
                "(everhour, toggl, harvest or clockify)",
                name=path.name,
            )
        )
    columns = _columns(source=found, names=names, name=path.name)
    dated = [columns[field] for field in ("date", "start_date", "end_date") if field in columns]
    day_first = month_first = slashed = False
    rows = 0
    for _line, cells in records:
        rows += 1
        for index in dated:
            parts = _date_parts(cells[index]) if index < len(cells) else None
            if parts:
                slashed = True
                day_first |= parts[0] > 12
                month_first |= parts[1] > 12
    return Layout(
        source=found,
        separator=separator,
        columns=columns,
        width=len(names),
        rows=rows,
        date_order=DateOrder.DAY_FIRST if day_first and not month_first else DateOrder.MONTH_FIRST,
        date_order_guessed=slashed and not day_first and not month_first,
    )


# --- values ------------------------------------------------------------------------------------


def parse_date(*, text: str, order: DateOrder) -> date:
    """`2026-11-16`, `16.11.2026`, `16.11.26`, `11/16/2026` or `16/11/2026` (by `order`)."""
    value = text.strip()
    try:
        if found := _ISO_DATE.match(value):
            year, month, day = (int(part) for part in found.groups())
        elif found := _DOTTED.match(value):
            day, month, year = (int(part) for part in found.groups())
        elif found := _SLASHED.match(value):
            first, second, year = (int(part) for part in found.groups())
            day, month = (first, second) if order == DateOrder.DAY_FIRST else (second, first)
        else:
            raise ValueError
        return date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        raise _Bad(_("{text!r} is not a date", text=text)) from None


def parse_clock(*, text: str) -> time:
    """`9:05`, `09:05:30`, `9:05 PM`, `12:00 a.m.`."""
    found = _CLOCK.match(text.strip())
    if found is None:
        raise _Bad(_("{text!r} is not a time of day", text=text))
    hour, minute, second = int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)
    if marker := found.group(4):
        if not 1 <= hour <= 12:
            raise _Bad(_("{text!r} is not a time of day", text=text))
        hour = hour % 12 + (12 if marker[0] in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _Bad(_("{text!r} is not a time of day", text=text))
    return time(hour, minute, second)


def parse_duration(*, text: str) -> timedelta:
    """`1:30:00`, `1:30`, `1.5`, `1,5` (hours) or `1h 30m`; never negative, under a week."""
    value = text.strip()
    if found := _HMS.match(value):
        hours, minutes, seconds = int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)
        length = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    elif _DECIMAL.match(value):
        length = timedelta(hours=float(value.replace(",", ".")))
    elif value and (found := _UNITS.match(value.casefold())) and any(found.groups()):
        hours, minutes, seconds = (int(part or 0) for part in found.groups())
        length = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    else:
        raise _Bad(_("{text!r} is not a duration", text=text))
    if length > timedelta(hours=MAX_HOURS):
        raise _Bad(_("{text!r} is longer than a week", text=text))
    return length


def parse_flag(*, text: str) -> bool | None:
    """A yes or no in English, Ukrainian, Russian and a few others; empty says nothing."""
    value = text.strip().casefold()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise _Bad(_("{text!r} is neither yes nor no", text=text))


def _moment(*, day: date, text: str, zone: ZoneInfo) -> datetime:
    """A day and a time of day in the file's zone as UTC; a full timestamp with an offset
    (`2026-11-16T09:00:00+02:00`) keeps its own."""
    if _INSTANT.match(text.strip()):
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            raise _Bad(_("{text!r} is not a time of day", text=text)) from None
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    return datetime.combine(day, parse_clock(text=text), tzinfo=zone).astimezone(UTC)


# --- rows --------------------------------------------------------------------------------------


def _cell(cells: list[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    return cells[index].strip() if index is not None else ""


class _Stacker:
    """Start times for entries that have only a day and a length: a member's entries of one
    day follow each other from the start of the working day, in the file's order."""

    def __init__(self) -> None:
        self.next: dict[tuple[str, date], datetime] = {}

    def place(self, *, member: str, day: date, zone: ZoneInfo) -> datetime:
        key = (member.casefold(), day)
        return self.next.get(key) or datetime.combine(day, WORK_DAY_START, tzinfo=zone).astimezone(
            UTC
        )

    def taken(self, *, member: str, day: date, end: datetime) -> None:
        self.next[(member.casefold(), day)] = end


def _span(
    *, cells: list[str], layout: Layout, zone: ZoneInfo, member: str, stacker: _Stacker
) -> tuple[datetime, datetime]:
    columns, order = layout.columns, layout.date_order
    start_day_text = _cell(cells, columns, "start_date") or _cell(cells, columns, "date")
    if not start_day_text:
        raise _Bad(_("it has no date"))
    day = parse_date(text=start_day_text, order=order)
    start_text = _cell(cells, columns, "start_time")
    end_text = _cell(cells, columns, "end_time")
    duration_text = _cell(cells, columns, "duration")
    length = parse_duration(text=duration_text) if duration_text else None
    if start_text:
        start = _moment(day=day, text=start_text, zone=zone)
    else:
        start = stacker.place(member=member, day=day, zone=zone)
    if start_text and end_text:
        end_day_text = _cell(cells, columns, "end_date")
        end_day = parse_date(text=end_day_text, order=order) if end_day_text else day
        end = _moment(day=end_day, text=end_text, zone=zone)
        if end < start and end_day == day:  # past midnight, with the start's date
            end = _moment(day=day + timedelta(days=1), text=end_text, zone=zone)
        if end < start:
            raise _Bad(_("it ends before it starts"))
    elif length is not None:
        end = start + length
    else:
        raise _Bad(_("it has no end and no duration"))
    if not start_text:
        stacker.taken(member=member, day=day, end=end)
    return start, end


def _key(*, source: Source, parts: tuple[str, ...], seen: dict[bytes, int]) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=12).digest()
    count = seen.get(digest, 0)
    seen[digest] = count + 1
    return f"{source.value}:{digest.hex()}:{count}"


def read_rows(*, path: Path, layout: Layout, zone: str) -> Iterator[TimeRow | RowProblem]:
    """Every row of the file, read, or the reason it cannot be, with its line number."""
    place = ZoneInfo(zone)
    columns = layout.columns
    stacker = _Stacker()
    seen: dict[bytes, int] = {}
    records = _records(path=path, separator=layout.separator)
    next(records)
    for line, cells in records:
        if len(cells) < layout.width:
            cells = cells + [""] * (layout.width - len(cells))
        try:
            member = _cell(cells, columns, "member") or " ".join(
                part
                for part in (
                    _cell(cells, columns, "first_name"),
                    _cell(cells, columns, "last_name"),
                )
                if part
            )
            if not member:
                raise _Bad(_("it names no person"))
            project = _cell(cells, columns, "project")
            client = _cell(cells, columns, "client")
            if not (project or client):
                raise _Bad(_("it names no client or project"))
            start, end = _span(
                cells=cells, layout=layout, zone=place, member=member, stacker=stacker
            )
            billable = parse_flag(text=_cell(cells, columns, "billable"))
        except _Bad as problem:
            yield RowProblem(line=line, reason=str(problem))
            continue
        task, note = _cell(cells, columns, "task"), _cell(cells, columns, "note")
        # A day-and-hours row's start depends on the rows before it: its key holds the day.
        when = (
            start.isoformat() if _cell(cells, columns, "start_time") else _start_day(cells, layout)
        )
        parts = (member, client, project, task, note, when, str(end - start))
        yield TimeRow(
            line=line,
            member=member,
            client=client,
            project=project,
            task=task,
            note=note,
            start=start,
            end=end,
            billable=billable,
            key=_key(source=layout.source, parts=parts, seen=seen),
        )


def _start_day(cells: list[str], layout: Layout) -> str:
    text = _cell(cells, layout.columns, "start_date") or _cell(cells, layout.columns, "date")
    return parse_date(text=text, order=layout.date_order).isoformat()
