"""Bringing data in from files: other tools' exports and clientdeck's own.

Every importer reads and checks the whole file before it touches the store,
so a file that is truncated, mistyped or of the wrong kind is refused with a
message that says which, and the store is left exactly as it was.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from model.i18n import _

MAX_FILE_BYTES = 1 << 30
"""A Trello board of years is some hundred megabytes; past this it is not an export at all
(`/dev/zero`, a disk image) and reading on would only exhaust the memory."""

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class FileRefused(ValueError):
    """A file that cannot be imported; the message is for the user and nothing was written."""


def parse_json(*, text: str, name: str) -> Any:
    """The JSON value in `text`; a file cut short is told apart from one that is malformed."""
    if not text.strip():
        raise FileRefused(_("{name} is empty", name=name))
    try:
        value = json.loads(text)
    except RecursionError:
        raise FileRefused(_("{name} is nested too deeply to be an export", name=name)) from None
    except json.JSONDecodeError as error:
        # The scanner reports an unclosed string where it starts; it can only end at the end.
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise FileRefused(
                _("{name} ends too early: the file is truncated or incomplete", name=name)
            ) from None
        raise FileRefused(
            _(
                "{name} is not valid JSON: {problem} at line {line}, column {column}",
                name=name,
                problem=error.msg,
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    if _SURROGATE_ESCAPE.search(text) and not _encodable(value):
        raise FileRefused(
            _("{name} holds text that is not valid Unicode (a lone surrogate)", name=name)
        )
    return value


def _encodable(value: Any) -> bool:
    """Whether every string in `value` can be stored: JSON lets a lone surrogate be written."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_json(*, path: Path) -> Any:
    """The JSON value stored in the file at `path`."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise FileRefused(
            _("cannot read {path}: {error}", path=path, error=error.strerror)
        ) from None
    except ValueError:  # a NUL in the name: no file is called that
        raise FileRefused(
            _("cannot read {path}: a file name cannot contain NUL characters", path=path)
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise FileRefused(
            _(
                "{name} is larger than {limit} MB: not an export",
                name=path.name,
                limit=MAX_FILE_BYTES >> 20,
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("{name} is not a text file (not UTF-8)", name=path.name)) from None
    return parse_json(text=text, name=path.name)
