"""The one place that reaches into Textual's private API, checked against its version.

Textual's crash screen prints a traceback with the local variables of every
frame; ours hold engines and URLs, so a crash could print a password. The app
uses `NoLocalsOnCrash`, the same crash report without locals. Textual is
pinned to the minor version this was written against (pyproject.toml), and a
test fails when the private method it replaces is gone or changed.
"""

from __future__ import annotations

import textual

TESTED_WITH = "8.2"
"""The Textual minor version `_fatal_error` was read in."""


def textual_minor() -> str:
    return ".".join(textual.__version__.split(".")[:2])


class NoLocalsOnCrash:
    """Mixed into the App: an unexpected error ends it with a traceback, never with locals."""

    def _fatal_error(self) -> None:
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()
