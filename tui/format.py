"""Phrases for people: relative due dates, hours, days waiting."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pendulum

from model import clock
from model.i18n import _, ngettext


def due_phrase(*, due: date, today: date) -> tuple[str, bool]:
    """ "today", "in 3 days", "2 days late"; the flag says it is late."""
    days = (
        pendulum.date(due.year, due.month, due.day)
        - pendulum.date(today.year, today.month, today.day)
    ).days
    if days == 0:
        return _("today"), False
    if days == 1:
        return _("tomorrow"), False
    if days > 0:
        return ngettext("in {n} day", "in {n} days", days), False
    return ngettext("{n} day late", "{n} days late", -days), True


def clock_time(instant: datetime) -> str:
    """When, in local time, as short as it reads: 18:40 today, 17 Nov 18:40 on another day."""
    local = clock.to_local(instant)
    return local.format("HH:mm" if local.date() == clock.today() else "D MMM HH:mm")


def subject(title: str, *, width: int = 40) -> str:
    """A task named inside a dialog's question, so the dialog says what it acts on: in the
    language's quotation marks, cut to `width` characters with an ellipsis."""
    from model.interactions import quoted  # here: the shell's `status` loads no database layer

    title = " ".join(title.split())
    return quoted(title if len(title) <= width else title[: width - 1].rstrip() + "…")


def hours(value: float, *, places: int = 2) -> str:
    """Hours without needless zeros: 2, 1.5, 0.25."""
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def carried_phrase(*, sold: float, carried: float) -> str:
    """A month's budget with what earlier months carried in or are owed: "12 h + 3.5 h carried"."""
    if carried < 0:
        return _("{sold} h − {owed} h owed", sold=hours(sold), owed=hours(-carried))
    return _("{sold} h + {carried} h carried", sold=hours(sold), carried=hours(carried))


def money(amount: Decimal | None) -> str:
    """Money to two places (85.50); a dash where there is none to show."""
    return "–" if amount is None else f"{amount:.2f}"


def days_since(*, since: datetime, now: datetime) -> int:
    return max(0, int((now - since).total_seconds() // 86400))


_UNSHOWABLE = "\ufffd"
"""C1 controls (U+0080–U+009F) have no pictures of their own; U+009B alone is a CSI to some
terminals. They show as the replacement character, as do lone surrogates (bytes of the
command line that were not UTF-8), which no terminal or file could take anyway."""

_CONTROL_PICTURES = (
    {code: chr(0x2400 + code) for code in range(0x20)}
    | {0x7F: "\u2421"}
    | dict.fromkeys(range(0x80, 0xA0), _UNSHOWABLE)
)
_SHELL_PICTURES = {
    code: picture for code, picture in _CONTROL_PICTURES.items() if code not in b"\t\n\r"
} | dict.fromkeys(range(0xD800, 0xE000), _UNSHOWABLE)
_LONE_RETURN = re.compile("\r(?!\n)")


def literal(text: str) -> str:
    """User text made safe to draw: control characters become their visible pictures (␛, ␀).

    A raw escape in a title must show as text, never reach the terminal as a command.
    """
    return text.translate(_CONTROL_PICTURES)


def shell_text(text: str) -> str:
    """Shell output made safe as `literal` makes screen text, keeping its line breaks and tabs.

    A line break is a newline or CRLF (an iCalendar file has those); a carriage return on
    its own would let text overwrite what was printed before it, so it shows as ␍.
    """
    return _LONE_RETURN.sub("\u240d", text).translate(_SHELL_PICTURES)


def shell_line(text: str) -> str:
    """`shell_text` for what must stay one line, such as an error: line breaks show as ␊."""
    return text.translate(_CONTROL_PICTURES).translate(_SHELL_PICTURES)
