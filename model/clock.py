"""The one source of "now".

Every rule that depends on the current time asks this module, so tests and the
demo can freeze time in one place (time-machine patches the stdlib clock that
pendulum reads, and `freeze` pins it without any patching at all).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pendulum

_frozen: pendulum.DateTime | None = None
_zone: str = "UTC"
_tz = pendulum.timezone("UTC")


def set_zone(*, name: str) -> None:
    """Set the configured time zone used for "today" and for display."""
    global _zone, _tz
    _tz = pendulum.timezone(name)
    _zone = name


def zone() -> str:
    return _zone


def now() -> pendulum.DateTime:
    """The current instant in UTC."""
    if _frozen is not None:
        return _frozen
    return pendulum.now("UTC")


def local_now() -> pendulum.DateTime:
    """The current instant in the configured time zone."""
    return now().in_timezone(_tz)


def today() -> pendulum.Date:
    """Today's date in the configured time zone."""
    return local_now().date()


def to_local(value) -> pendulum.DateTime:
    """An instant from the store (aware UTC) in the configured time zone."""
    return pendulum.instance(value).in_timezone(_tz)


@contextmanager
def freeze(*, at: pendulum.DateTime) -> Iterator[None]:
    """Pin "now" to one instant for the duration of the block."""
    global _frozen
    previous = _frozen
    _frozen = pendulum.instance(at).in_timezone("UTC")
    try:
        yield
    finally:
        _frozen = previous
