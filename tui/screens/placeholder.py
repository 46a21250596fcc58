"""A mode whose screen has not landed yet says what it will hold."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center
from textual.screen import Screen
from textual.widgets import Footer, Static

from model.i18n import _
from tui.widgets import DeckHeader


class PlaceholderScreen(Screen):
    DEFAULT_CSS = """
    PlaceholderScreen Static { width: 70; margin-top: 4; padding: 1 2; border: round $panel; }
    """

    def __init__(self, *, title: str, text: str) -> None:
        super().__init__()
        self.heading = _(title)
        self.text = _(text)

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=self.heading)
        with Center():
            yield Static(self.text + "\n\n" + _("Coming in a later release."), markup=False)
        yield Footer()
