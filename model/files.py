"""Files the app writes for people: reports and exports, private to their owner."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from model.i18n import _


class WriteError(OSError):
    """A file could not be written; the message is for the user."""


def reports_dir() -> Path:
    """Where the app puts the reports it writes; created on first use, private."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("clientdeck", appauthor=False)) / "reports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def file_part(text: str) -> str:
    """`text` as a safe piece of a file name: letters and digits kept, anything else
    (a slash, dots, control characters in an imported client's code) becomes _."""
    return "".join(char if char.isalnum() else "_" for char in text)[:40] or "_"


def write_private(*, path: Path, text: str | bytes) -> Path:
    """Reports name clients and hours: the file is created readable by its owner only.
    `text` is written as UTF-8; bytes (a PDF) as they are."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if stat.S_ISREG(os.fstat(descriptor).st_mode):  # never a device: --out /dev/stdout
            os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise WriteError(
            _("cannot write {path}: {error}", path=path, error=error.strerror)
        ) from None
    return path
