"""The user's `config.toml`: defaults, validation, reading and writing.

A broken file must never stop the app: `load` returns the defaults together
with a message that names the file and the line, and the caller shows it.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pendulum
import tomli_w

from model.weeks import weekday_index

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


def _hhmm(value: Any) -> str:
    text = str(value).strip()
    try:
        parsed = pendulum.parse(text, exact=True, strict=False)
    except (ValueError, pendulum.parsing.ParserError):
        parsed = None
    if not isinstance(parsed, pendulum.Time) or len(text) > 5:
        raise ValueError(f"{value!r} is not a time of day like 09:30")
    return f"{parsed.hour:02d}:{parsed.minute:02d}"


def _zone(value: Any) -> str:
    try:
        pendulum.timezone(str(value))
    except Exception:
        raise ValueError(f"{value!r} is not a time zone (e.g. Europe/Kyiv)") from None
    return str(value)


def _language(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in ("", *LANGUAGES):
        raise ValueError(f"{value!r} is not a language; use one of {', '.join(LANGUAGES)}")
    return text


def _weekday(value: Any) -> str:
    weekday_index(name=str(value))
    return str(value).strip().lower()


def _hours(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number of hours") from None
    if not 0 <= number <= 168:
        raise ValueError(f"{value!r} hours is out of range (0 to 168)")
    return number


def _minutes(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a whole number of minutes") from None
    if not 0 <= number <= 24 * 60:
        raise ValueError(f"{value!r} minutes is out of range")
    return number


def _times(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    times = tuple(sorted({_hhmm(item) for item in items if str(item).strip()}))
    if not times:
        raise ValueError("at least one stand-up time is needed")
    return times


def _text(value: Any) -> str:
    return str(value)


def _names(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(str(item).strip() for item in items if str(item).strip())


def _number_table(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError("expected a table of numbers")
    out = dict(DEFAULT_URGENCY)
    for key, number in value.items():
        if key not in DEFAULT_URGENCY:
            raise ValueError(f"unknown urgency term {key!r}")
        out[key] = float(number)
    return out


def _key_table(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("expected a table of binding id = key")
    return {str(key): str(keys) for key, keys in value.items()}


@dataclass(frozen=True)
class Config:
    me: str = ""
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

    @property
    def sprint_start_index(self) -> int:
        return weekday_index(name=self.sprint_start)


PARSERS = {
    "me": _text,
    "time_zone": _zone,
    "language": _language,
    "theme": _text,
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
    "urgency": _number_table,
    "keys": _key_table,
}


class ConfigError(ValueError):
    """A config file or value that cannot be used; the message is for the user."""


def from_mapping(*, data: dict[str, Any], source: str) -> Config:
    values: dict[str, Any] = {}
    for key, raw in data.items():
        parser = PARSERS.get(key)
        if parser is None:
            raise ConfigError(f"{source}: unknown setting {key!r}")
        try:
            values[key] = parser(raw)
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{source}: {key}: {error}") from None
    return Config(**values)


@dataclass
class Loaded:
    config: Config
    path: Path
    problem: str | None = None


def load(*, path: Path | None = None) -> Loaded:
    """Read the config; on any problem, the defaults and a message naming file and line."""
    path = path or config_path()
    if not path.exists():
        return Loaded(config=Config(), path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        return Loaded(config=Config(), path=path, problem=f"{path}: {error}; using defaults")
    except (OSError, UnicodeDecodeError) as error:
        return Loaded(config=Config(), path=path, problem=f"{path}: {error}; using defaults")
    try:
        return Loaded(config=from_mapping(data=data, source=str(path)), path=path)
    except ConfigError as error:
        return Loaded(config=Config(), path=path, problem=f"{error}; using defaults")


def to_mapping(*, config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in fields(config):
        value = getattr(config, item.name)
        out[item.name] = list(value) if isinstance(value, tuple) else value
    return out


def save(*, config: Config, path: Path | None = None) -> Path:
    """Write atomically: a crash mid-write leaves the old file, never half a file."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".toml.tmp")
    temporary.write_text(tomli_w.dumps(to_mapping(config=config)), encoding="utf-8")
    temporary.replace(path)
    return path


def set_value(*, config: Config, key: str, value: str) -> Config:
    """Apply `clientdeck config set KEY VALUE`; dotted keys reach into tables."""
    head, _, rest = key.partition(".")
    if head not in PARSERS:
        raise ConfigError(f"unknown setting {key!r}; known: {', '.join(PARSERS)}")
    if rest:
        current = getattr(config, head)
        if not isinstance(current, dict):
            raise ConfigError(f"{head} is not a table")
        table = dict(current)
        table[rest] = value
        raw: Any = table
    else:
        raw = value
    try:
        return replace(config, **{head: PARSERS[head](raw)})
    except (ValueError, TypeError) as error:
        raise ConfigError(f"{key}: {error}") from None


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
