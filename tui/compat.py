"""The one place that reaches into Textual's private API, checked against its version.

Textual's crash screen prints a traceback with the local variables of every
frame; ours hold engines and URLs, so a crash could print a password. The app
uses `NoLocalsOnCrash`, the same crash report without locals.

A mode's screen shown for the first time made Textual parse every style sheet
of the app again, three times (a third of a first visit); `styled_as_made`
spares it that, since the app reads all its style sheets at start.

Textual is pinned to the minor version this was written against
(pyproject.toml), and tests fail when what is replaced or set is gone or
changed.
"""

from __future__ import annotations

import textual
from textual.screen import Screen

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


def styled_as_made(screen: Screen) -> Screen:
    """Mark a new mode's screen as styled by the app's style sheets as they are now.

    A screen starts with its `_css_update_count` at -1, so the first switch to
    it re-parses every style sheet and restyles the whole app, twice. That is
    for style sheets that changed while a screen was away; a new screen's
    widgets take the sheets as they are mounted, and the app has read every
    screen's sheet at start (ClientDeck.CSS_PATH), so nothing is missed. A
    theme changed later still restyles it, as the count moves on from here.
    """
    screen._css_update_count = screen.app._css_update_count
    return screen
