"""The database gone away or busy: which errors mean that, and how to say it.

A server that stops, a network that drops, a SQLite file locked past the busy
timeout: the write was rolled back whole, nothing half-applied, and the user
needs one plain line, never a traceback. The line never holds a connection
string or a password (drivers echo what they were given).
"""

from __future__ import annotations

import re

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from model.i18n import _

OUTAGES: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeout,
)

_SECRETS = (
    re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE),  # any URL
    re.compile(r"\b(password|passwd|pwd)\s*=\s*\S+", re.IGNORECASE),
    re.compile(r"\buser\s*=\s*\S+", re.IGNORECASE),
)


def redact(text: str) -> str:
    """`text` with URLs and password/user settings replaced by …"""
    for pattern in _SECRETS:
        text = pattern.sub("…", text)
    return text


def is_busy(error: BaseException) -> bool:
    """A lock held by another writer (SQLite), as against a server out of reach."""
    return "locked" in str(getattr(error, "orig", error)).lower()


def outage_message(error: BaseException) -> str:
    """One line for the user: busy or unreachable, with the driver's reason, redacted."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = redact(reason[0]) if reason else ""
    if is_busy(error):
        return _("the database is busy (another program is writing): {reason}", reason=first)
    return _("the database is unreachable: {reason}", reason=first)
