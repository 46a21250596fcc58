"""Bringing data in from files: other tools' exports and clientdeck's own.

Every importer reads and checks the whole file before it touches the store,
so a file that is truncated, mistyped or of the wrong kind is refused with a
message that says which, and the store is left exactly as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from model.i18n import _


class FileRefused(ValueError):
    """A file that cannot be imported; the message is for the user and nothing was written."""


def parse_json(*, text: str, name: str) -> Any:
    """The JSON value in `text`; a file cut short is told apart from one that is malformed."""
    if not text.strip():
        raise FileRefused(_("{name} is empty", name=name))
    try:
        return json.loads(text)
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


def read_json(*, path: Path) -> Any:
    """The JSON value stored in the file at `path`."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise FileRefused(
            _("cannot read {path}: {error}", path=path, error=error.strerror)
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("{name} is not a text file (not UTF-8)", name=path.name)) from None
    return parse_json(text=text, name=path.name)
