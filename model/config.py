"""The user's `config.toml`: defaults, validation, reading and editing.

A broken file must never stop the app, and must never be lost: `load` keeps
every valid setting, ignores (and reports, by key and line) the rest, and the
caller shows what it found. Writes edit the user's file key by key, keeping
unknown keys, comments and order; each one keeps the previous file as
`config.toml.bak` and replaces the file atomically. The file and the folders
the app makes for it are private to their owner (0600, 0700).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pendulum

from model.i18n import N_, _
from model.weeks import WEEKDAYS, weekday_index

LANGUAGES = ("en", "uk", "ru")

DEFAULT_RETRO_CHECKLIST = (
    "timesheets",
    "weekly_reports",
    "promises_reviewed",
    "waiting_nudged",
    "next_sprint_drafted",
)

DEFAULT_URGENCY = {
    "priority_urgent": 6.0,
    "priority_high": 3.9,
    "priority_low": -1.8,
    "due": 12.0,
    "promised": 5.0,
    "fire": 8.0,
    "age": 2.0,
    "waiting": -3.0,
    "carried_over": 1.5,
}


def config_dir() -> Path:
    override = os.environ.get("CLIENTDECK_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("clientdeck", appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def backup_path(path: Path) -> Path:
    """Where a write keeps the file as it was before it."""
    return path.with_name(path.name + ".bak")


class Invalid(ValueError):
    """A value that cannot be used. The message is ours: it is translated when shown,
    so a problem found before the language is known still reads in that language."""

    def __init__(self, message: str, /, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values

    def __str__(self) -> str:
        return _(self.message, **{k: str(v) for k, v in self.values.items()})


class ConfigError(Invalid):
    """A config file or value that cannot be used; the message is for the user."""


def _no_container(value: Any) -> None:
    if isinstance(value, list | tuple):
        raise Invalid(N_("a list is not allowed here; write one value"))
    if isinstance(value, dict):
        raise Invalid(N_("a table is not allowed here; write one value"))


def _hhmm(value: Any) -> str:
    _no_container(value)
    text = str(value).strip()
    try:
        parsed = pendulum.parse(text, exact=True, strict=False)
    except (ValueError, pendulum.parsing.ParserError):
        parsed = None
    if not isinstance(parsed, pendulum.Time) or len(text) > 5:
        raise Invalid(N_("{value} is not a time of day like 09:30"), value=repr(value))
    return f"{parsed.hour:02d}:{parsed.minute:02d}"


def _zone(value: Any) -> str:
    _no_container(value)
    try:
        pendulum.timezone(str(value))
    except Exception:
        raise Invalid(
            N_("{value} is not a time zone (e.g. Europe/Kyiv)"), value=repr(value)
        ) from None
    return str(value)


def _language(value: Any) -> str:
    _no_container(value)
    text = str(value).strip().lower()
    if text not in ("", *LANGUAGES):
        raise Invalid(
            N_("{value} is not a language; use one of {languages}"),
            value=repr(value),
            languages=", ".join(LANGUAGES),
        )
    return text


def _weekday(value: Any) -> str:
    _no_container(value)
    try:
        weekday_index(name=str(value))
    except ValueError:
        raise Invalid(
            N_("{value} is not a weekday; use one of {weekdays}"),
            value=repr(value),
            weekdays=", ".join(WEEKDAYS),
        ) from None
    return str(value).strip().lower()


def _number(value: Any) -> float:
    """A finite number: `nan` and `inf` would poison every sum they enter."""
    if isinstance(value, bool):
        raise Invalid(N_("{value} is not a number"), value=repr(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid(N_("{value} is not a number"), value=repr(value)) from None
    if not math.isfinite(number):
        raise Invalid(N_("{value} is not a finite number"), value=repr(value))
    return number


def _hours(value: Any) -> float:
    try:
        number = _number(value)
    except Invalid:
        raise Invalid(N_("{value} is not a number of hours"), value=repr(value)) from None
    if not 0 <= number <= 168:
        raise Invalid(N_("{value} hours is out of range (0 to 168)"), value=repr(value))
    return number


def _minutes(value: Any) -> int:
    try:
        if isinstance(value, bool):
            raise TypeError
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(N_("{value} is not a whole number of minutes"), value=repr(value)) from None
    if not 0 <= number <= 24 * 60:
        raise Invalid(N_("{value} minutes is out of range"), value=repr(value))
    return number


def _items(value: Any) -> list[Any]:
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list | tuple):
        return list(value)
    raise Invalid(N_("{value} is not a list"), value=repr(value))


def _times(value: Any) -> tuple[str, ...]:
    times = tuple(sorted({_hhmm(item) for item in _items(value) if str(item).strip()}))
    if not times:
        raise Invalid(N_("at least one stand-up time is needed"))
    return times


MAX_TEXT = 200
"""A theme's name is a short line; `me` holds a member's name as it is stored."""


def _text(value: Any) -> str:
    _no_container(value)
    return str(value)


def _short_line(value: Any) -> str:
    text = _text(value)
    if len(text) > MAX_TEXT or any(unicodedata.category(char) == "Cc" for char in text):
        raise Invalid(
            N_("{value} is not a short line of text (at most {limit} characters)"),
            value=repr(text[:40]),
            limit=MAX_TEXT,
        )
    return text


_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _currency(value: Any) -> str:
    """A currency's ISO 4217 code (EUR, UAH, USD): what money is shown in."""
    _no_container(value)
    text = str(value).strip().upper()
    if not _CURRENCY.match(text):
        raise Invalid(N_("{value} is not a currency code like EUR or UAH"), value=repr(value))
    return text


def _names(value: Any) -> tuple[str, ...]:
    items = _items(value)
    for item in items:
        _no_container(item)
    return tuple(str(item).strip() for item in items if str(item).strip())


def _urgency_term(term: str, value: Any) -> float:
    if term not in DEFAULT_URGENCY:
        raise Invalid(
            N_("unknown urgency term {term}; known: {terms}"),
            term=repr(term),
            terms=", ".join(DEFAULT_URGENCY),
        )
    return _number(value)


REMINDERS = (
    "standup",
    "promise_soon",
    "promise_missed",
    "timer_late",
    "timer_long",
    "cadence",
    "budget",
    "desktop",
)
"""The reminders the app gives (see `model.reminders`), each on unless switched off;
`desktop` also sends each as a desktop notification where `notify-send` exists."""

_SWITCH_WORDS = {"true": True, "on": True, "yes": True, "false": False, "off": False, "no": False}


def _reminder_switch(name: str, value: Any) -> bool:
    if name not in REMINDERS:
        raise Invalid(
            N_("unknown reminder {name}; known: {names}"),
            name=repr(name),
            names=", ".join(REMINDERS),
        )
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _SWITCH_WORDS:
        return _SWITCH_WORDS[value.strip().lower()]
    raise Invalid(N_("{value} is neither true nor false"), value=repr(value))


def _switch_table(value: Any) -> dict[str, bool]:
    out = dict.fromkeys(REMINDERS, True)
    for name, switch in _table(value).items():
        out[name] = _reminder_switch(name, switch)
    return out


DEFAULT_UTILISATION = {"target_low": 70.0, "target_high": 85.0}
"""The target band of utilisation in percent (see `model.utilisation`)."""


def _utilisation_term(term: str, value: Any) -> float:
    if term not in DEFAULT_UTILISATION:
        raise Invalid(
            N_("unknown utilisation setting {term}; known: {terms}"),
            term=repr(term),
            terms=", ".join(DEFAULT_UTILISATION),
        )
    number = _number(value)
    if not 0 <= number <= 200:
        raise Invalid(N_("{value} percent is out of range (0 to 200)"), value=repr(value))
    return number


def _band_in_order(band: Mapping[str, float]) -> None:
    """A band whose low end is above its high end would mark everyone out of it."""
    if band["target_low"] > band["target_high"]:
        raise Invalid(
            N_("the target's low end {low} % is above its high end {high} %"),
            low=f"{band['target_low']:g}",
            high=f"{band['target_high']:g}",
        )


def _binding(binding: str, value: Any) -> str:
    """The keys of one binding, as Textual's keymap takes them: "b" or "b,ctrl+b"."""
    if isinstance(value, list | tuple):
        raise Invalid(
            N_('a list is not a key: write the keys as one text, e.g. "{example}"'),
            example=",".join(str(item) for item in value) or "b,ctrl+b",
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Invalid(
            N_('{value} is not a key; write it as text, e.g. "ctrl+b"'), value=repr(value)
        )
    text = str(value).strip()
    if not text:
        raise Invalid(N_("no key given"))
    return text


def _flat(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """`[keys] board.archive = "x"` (a nested table to TOML) is the binding `board.archive`."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flat(value, prefix=f"{name}."))
        else:
            out[name] = value
    return out


def _table(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Invalid(N_("expected a table"))
    return value


def _filled(head: str) -> Callable[[Any], dict[str, Any]]:
    """A table setting read whole: its defaults, then each entry given, checked as one."""

    def read(value: Any) -> dict[str, Any]:
        out = TABLE_BASE[head]()
        for term, entry in _table(value).items():
            out[term] = TABLES[head](term, entry)
        check_whole(head=head, table=out)
        return out

    return read


def _key_table(value: Any) -> dict[str, str]:
    return {binding: _binding(binding, keys) for binding, keys in _flat(_table(value)).items()}


@dataclass(frozen=True)
class Config:
    me: str = ""
    agency: str = ""
    """The agency's name, on the documents its clients get."""
    currency: str = "EUR"
    """The currency of every rate and of money shown (one for the whole agency)."""
    time_zone: str = "UTC"
    language: str = ""
    theme: str = "clientdeck-dark"
    standup_times: tuple[str, ...] = ("11:00", "16:00")
    standup_minutes: int = 15
    sprint_start: str = "monday"
    work_day_start: str = "09:00"
    work_day_end: str = "18:00"
    retro_day: str = "friday"
    retro_time: str = "17:00"
    retro_minutes: int = 60
    retro_checklist: tuple[str, ...] = DEFAULT_RETRO_CHECKLIST
    silence_alert_days: int = 2
    default_estimate_hours: float = 2.0
    urgency: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_URGENCY))
    keys: dict[str, str] = field(default_factory=dict)
    reminders: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(REMINDERS, True))
    utilisation: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_UTILISATION))

    @property
    def sprint_start_index(self) -> int:
        return weekday_index(name=self.sprint_start)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "me": _text,
    "agency": _short_line,
    "currency": _currency,
    "time_zone": _zone,
    "language": _language,
    "theme": _short_line,
    "standup_times": _times,
    "standup_minutes": _minutes,
    "sprint_start": _weekday,
    "work_day_start": _hhmm,
    "work_day_end": _hhmm,
    "retro_day": _weekday,
    "retro_time": _hhmm,
    "retro_minutes": _minutes,
    "retro_checklist": _names,
    "silence_alert_days": _minutes,
    "default_estimate_hours": _hours,
    "urgency": _filled("urgency"),
    "keys": _key_table,
    "reminders": _switch_table,
    "utilisation": _filled("utilisation"),
}

TABLES: dict[str, Callable[[str, Any], Any]] = {
    "urgency": _urgency_term,
    "keys": _binding,
    "reminders": _reminder_switch,
    "utilisation": _utilisation_term,
}
"""The settings that are tables, and how one entry of each is read."""

TABLE_BASE: dict[str, Callable[[], dict[str, Any]]] = {
    "urgency": lambda: dict(DEFAULT_URGENCY),
    "keys": dict,
    "reminders": lambda: dict.fromkeys(REMINDERS, True),
    "utilisation": lambda: dict(DEFAULT_UTILISATION),
}

WHOLE_CHECKS: dict[str, Callable[[Mapping[str, Any]], None]] = {
    "utilisation": _band_in_order,
}
"""Tables whose entries must also agree with each other, and the check of each."""


def check_whole(*, head: str, table: Mapping[str, Any]) -> None:
    """Refuse (Invalid) a table whose entries, each good alone, do not agree together."""
    if head in WHOLE_CHECKS:
        WHOLE_CHECKS[head](table)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_key(*, key: str, value: Any) -> Any:
    """`value` for the setting `key` (dotted keys reach into tables), checked and normalised."""
    head, _dot, rest = key.partition(".")
    if head not in PARSERS:
        raise ConfigError(
            N_("unknown setting {key}; known: {known}"), key=repr(key), known=", ".join(PARSERS)
        )
    if rest and head not in TABLES:
        raise ConfigError(N_("{key} is not a table"), key=head)
    texts = [rest, *(value if isinstance(value, list | tuple) else [value])]
    if not all(_utf8(text) for text in texts if isinstance(text, str)):  # bytes from the shell
        raise ConfigError(N_("{key}: the text is not valid UTF-8"), key=repr(key))
    try:
        return TABLES[head](rest, value) if rest else PARSERS[head](value)
    except Invalid as error:
        raise ConfigError(N_("{key}: {error}"), key=key, error=error) from None
    except (ValueError, TypeError) as error:  # a library's own words
        raise ConfigError(N_("{key}: {error}"), key=key, error=str(error)) from None


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing in the file that is not used, with its key and line when known."""

    message: object
    key: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = [_("line {line}", line=self.line)] if self.line else []
        where += [self.key] if self.key else []
        return ": ".join([*where, str(self.message)])


@dataclass
class Loaded:
    config: Config
    path: Path
    problems: list[Problem] = field(default_factory=list)

    @property
    def problem(self) -> str | None:
        """Every problem on one line, after the file's name (for a shell's stderr)."""
        if not self.problems:
            return None
        return f"{self.path}: " + "; ".join(str(problem) for problem in self.problems)

    def notices(self) -> list[str]:
        """The problems for the app to show: the file's name, then one line each."""
        if not self.problems:
            return []
        return ["\n".join([str(self.path), *(str(problem) for problem in self.problems)])]


def load(*, path: Path | None = None) -> Loaded:
    """Read the config: every valid setting is used; the rest are reported, with their key
    and line, and their defaults used. A file that is not TOML at all gives the defaults."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Loaded(config=Config(), path=path)
    except (OSError, UnicodeDecodeError) as error:
        return Loaded(config=Config(), path=path, problems=[_whole_file(error)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Loaded(config=Config(), path=path, problems=[_whole_file(error)])
    values, problems = _read(data=data, text=text)
    return Loaded(config=Config(**values), path=path, problems=problems)


def _whole_file(error: Exception) -> Problem:
    return Problem(message=Invalid(N_("{error}; using defaults"), error=error))


def _read(*, data: Mapping[str, Any], text: str) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def problem(message: object, *path: str) -> None:
        problems.append(Problem(message=message, key=".".join(path), line=line_of(text, path)))

    for key, raw in data.items():
        if key not in PARSERS:
            problem(Invalid(N_("unknown setting, kept in the file and not used")), key)
        elif key in TABLES:
            if not isinstance(raw, Mapping):
                problem(Invalid(N_("expected a table; the default is used")), key)
                continue
            table = TABLE_BASE[key]()
            entries = _flat(raw) if key == "keys" else raw
            for entry, value in entries.items():
                try:
                    table[entry] = TABLES[key](entry, value)
                except (ValueError, TypeError) as error:
                    problem(_unused(error), key, *entry.split("."))
            try:
                check_whole(head=key, table=table)
            except Invalid as error:
                problem(_unused(error), key)
                continue
            values[key] = table
        else:
            try:
                values[key] = PARSERS[key](raw)
            except (ValueError, TypeError) as error:
                problem(_unused(error), key)
    return values, problems


def _unused(error: Exception) -> Invalid:
    return Invalid(N_("{error}; the default is used"), error=error)


_BARE = r"[A-Za-z0-9_-]+"
_PART = re.compile(rf"\s*({_BARE}|\"(?:[^\"\\]|\\.)*\"|'[^']*')\s*")


def _key_parts(text: str) -> tuple[tuple[str, ...], str] | None:
    """The dotted key at the start of `text` and what follows it, or None."""
    parts: list[str] = []
    rest = text
    while True:
        match = _PART.match(rest)
        if match is None:
            return None
        token = match.group(1)
        parts.append(token[1:-1] if token[0] in "\"'" else token)
        rest = rest[match.end() :]
        if not rest.startswith("."):
            return tuple(parts), rest
        rest = rest[1:]


def line_of(text: str, path: Iterable[str]) -> int | None:
    """The line where the key `path` (or the table or inline table holding it) is
    written: best effort, for messages only."""
    target = ".".join(path)

    def hit(found: tuple[str, ...]) -> bool:
        name = ".".join(found)
        return name == target or name.startswith(target + ".") or target.startswith(name + ".")

    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            found = _key_parts(stripped.lstrip("["))
            if found is not None and found[1].startswith("]"):
                table = found[0]
                name = ".".join(table)
                if name == target or name.startswith(target + "."):
                    return number
            continue
        found = _key_parts(line)
        if found is not None and found[1].startswith("=") and hit(table + found[0]):
            return number
    return None


# --- writing --------------------------------------------------------------------------------


def to_mapping(*, config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in fields(config):
        value = getattr(config, item.name)
        out[item.name] = list(value) if isinstance(value, tuple) else value
    return out


def changed_values(*, before: Config, after: Config) -> dict[str, Any]:
    """What `write_keys` needs to bring a file from `before` to `after`: changed settings,
    and the changed entries of tables, by dotted key."""
    old, new = to_mapping(config=before), to_mapping(config=after)
    out: dict[str, Any] = {}
    for key, value in new.items():
        if isinstance(value, dict):
            for entry, item in value.items():
                if old[key].get(entry) != item:
                    out[f"{key}.{entry}"] = item
        elif old[key] != value:
            out[key] = value
    return out


def _toml(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def write_keys(*, path: Path | None = None, values: Mapping[str, Any]) -> Path:
    """Set these settings in the file and change nothing else in it.

    Keys are dotted for table entries (`urgency.fire`, `keys.board.archive`); a table
    value sets those of its entries. Each value is checked first, so nothing is written
    unless all are good.
    """
    checked: dict[str, Any] = {}
    for key, value in values.items():
        head, _dot, rest = key.partition(".")
        if head in TABLES and not rest and isinstance(value, Mapping):
            for entry, item in _flat(value).items() if head == "keys" else value.items():
                checked[f"{head}.{entry}"] = parse_key(key=f"{head}.{entry}", value=item)
        else:
            checked[key] = _toml(parse_key(key=key, value=value))
    if not checked:
        return path or config_path()

    def change(document) -> None:
        for key, value in checked.items():
            _set(document, key=key, value=value)
        for head in {key.partition(".")[0] for key in checked} & WHOLE_CHECKS.keys():
            _check_written(document, head=head)

    return _edit(path=path or config_path(), change=change)


def _check_written(document, *, head: str) -> None:
    """The table as the file now holds it, read as `load` reads it, must agree with itself."""
    table = TABLE_BASE[head]()
    written = document.get(head)
    for entry, value in written.items() if _is_table(written) else ():
        with contextlib.suppress(ValueError, TypeError):  # an entry `load` would report
            table[entry] = TABLES[head](entry, value)
    try:
        check_whole(head=head, table=table)
    except Invalid as error:
        raise ConfigError(N_("{key}: {error}"), key=head, error=error) from None


def unset_keys(*, path: Path | None = None, keys: Iterable[str]) -> list[str]:
    """Remove these keys from the file (a setting goes back to its default); the others
    stay as they are. A key that is not in the file is fine when it is a known setting
    (it already has its default); an unknown one is refused. Returns the keys removed."""
    path = path or config_path()
    wanted = list(keys)
    removed: list[str] = []

    def change(document) -> None:
        for key in wanted:
            if _remove(document, key=key):
                removed.append(key)
            else:
                head, _dot, rest = key.partition(".")
                if head not in PARSERS or (rest and head not in TABLES):
                    raise ConfigError(N_("{key} is not set in {path}"), key=repr(key), path=path)

    _edit(path=path, change=change)
    return removed


def save(*, config: Config, path: Path | None = None) -> Path:
    """Write every setting of `config` into the file, keeping what else it holds."""
    return write_keys(path=path, values=to_mapping(config=config))


def set_value(*, config: Config, key: str, value: str) -> Config:
    """Apply `clientdeck config set KEY VALUE`; dotted keys reach into tables."""
    parsed = parse_key(key=key, value=value)
    head, _dot, rest = key.partition(".")
    if rest:
        table = dict(getattr(config, head))
        table[rest] = parsed
        try:
            check_whole(head=head, table=table)
        except Invalid as error:
            raise ConfigError(N_("{key}: {error}"), key=key, error=error) from None
        parsed = table
    return replace(config, **{head: parsed})


def _edit(*, path: Path, change: Callable[[Any], None]) -> Path:
    """Read the file as TOML that keeps comments and order, let `change` edit it, and write
    it back (with the old one kept as .bak) only when something changed."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    target = path.resolve() if path.is_symlink() else path  # a dotfiles link stays a link
    try:
        old: bytes | None = target.read_bytes()
    except FileNotFoundError:
        old = None
    if old is None:
        document = tomlkit.document()
    else:
        try:
            document = tomlkit.parse(old.decode("utf-8"))
        except (UnicodeDecodeError, TOMLKitError) as error:
            raise ConfigError(
                N_("{path} cannot be changed while it is not valid TOML ({error}); fix it first"),
                path=path,
                error=error,
            ) from None
    change(document)
    text = tomlkit.dumps(document).encode("utf-8")
    if text == old:
        return path
    private_folder(target.parent)
    if old is not None:
        _write_atomic(path=backup_path(target), data=old)
    _write_atomic(path=target, data=text)
    return path


def _is_table(item: Any) -> bool:
    return isinstance(item, Mapping)


def _set(document, *, key: str, value: Any) -> None:
    import tomlkit

    head, _dot, rest = key.partition(".")
    if not rest:
        document[head] = value
        return
    table = document.get(head)
    if not _is_table(table):
        if head in document:
            del document[head]  # not a table: it was refused at load, the entry replaces it
        document[head] = tomlkit.table()
        table = document[head]
    if rest in table or "." not in rest:
        table[rest] = value
        return
    # `board.archive = "x"` as the user wrote it: a nested table; else a quoted key
    *parents, leaf = rest.split(".")
    inner = table
    for part in parents:
        inner = inner.get(part)
        if not _is_table(inner):
            table[rest] = value
            return
    inner[leaf] = value


def _remove(document, *, key: str) -> bool:
    head, _dot, rest = key.partition(".")
    if not rest:
        if head in document:
            del document[head]
            return True
        return False
    table = document.get(head)
    if not _is_table(table):
        return False
    if rest in table:
        del table[rest]
        return True
    *parents, leaf = rest.split(".")
    chain = [table]
    for part in parents:
        inner = chain[-1].get(part)
        if not _is_table(inner):
            return False
        chain.append(inner)
    if leaf not in chain[-1]:
        return False
    del chain[-1][leaf]
    for parent, part in zip(reversed(chain[:-1]), reversed(parents), strict=True):
        if len(parent[part]) == 0:  # a nested table left empty goes with its last key
            del parent[part]
    return True


def private_folder(folder: Path) -> None:
    """Make `folder` and the missing folders above it, each readable by its owner only."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=0o700)
        except FileExistsError:
            continue
        made.chmod(0o700)  # mkdir's mode passes through the umask


def _write_atomic(*, path: Path, data: bytes) -> None:
    """A temporary file in the same folder, flushed to disk, renamed over `path`: a crash
    leaves the old file or the new one, never half of one. The file is private (0600)."""
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # the rename itself made durable, where possible
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def system_zone() -> str:
    """The machine's time zone name (TZ, then the system's setting), or UTC when unknown:
    the default a first start offers."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    with contextlib.suppress(Exception):  # no zone can be read: fall back, never fail a start
        candidates.append(pendulum.local_timezone().name)
    for name in candidates:
        try:
            _zone(name)
        except (ValueError, TypeError):
            continue
        return name
    return "UTC"
