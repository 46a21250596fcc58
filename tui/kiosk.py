"""The app of a shared screen: the stand-up on the office TV, on a store opened read-only.

It is not the full cockpit with keys hidden: it opens one screen that writes nothing, on
a store that refuses writes by itself (SQLite opened read-only, PostgreSQL in read-only
sessions), so whoever walks up to the TV's keyboard can only look.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from model import clock
from model.config import Config
from model.db import Engine
from model.i18n import N_, _
from model.slots import next_slot
from tui.keys import translate_bindings
from tui.screens.kiosk import KioskStandupScreen
from tui.themes import use_themes
from tui.widgets import DeckHeader

KIOSK_SCHEME = N_(
    "A shared screen shows, and changes nothing: the team's turns go on by themselves or "
    "on these keys."
)


class KioskApp(App):
    TITLE = "clientdeck"
    AUTO_FOCUS = None
    ENABLE_COMMAND_PALETTE = False
    """The palette reaches the cockpit's commands, which a shared screen has not."""
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self, *, engine: Engine, config: Config, config_path: Path | None, every: int
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.config = config
        self.every = every
        self.offline: str | None = None
        """Why the database cannot be read now: the header says so and the TV keeps trying."""
        self.notices = use_themes(self, theme=config.theme, config_path=config_path)
        """Theme files that did not load: said once the screen is up."""

    def on_mount(self) -> None:
        self.push_screen(KioskStandupScreen(every=self.every))
        for notice in self.notices:
            self.notify(notice, severity="warning", timeout=10, markup=False)

    def header_facts(self) -> list[str]:
        """The next stand-up, and the outage when there is one: the TV says it is behind."""
        slot = next_slot(now=clock.now(), times=self.config.standup_times, zone=clock.zone())
        when = slot.format("HH:mm") if slot.date() == clock.today() else slot.format("ddd HH:mm")
        return [
            *([_("⚠ offline, retrying")] if self.offline else []),
            _("Stand-up {when}", when=when),
        ]

    def went_offline(self, *, why: str | None) -> None:
        """The database went away (`why`), or came back (None): the header says which."""
        if why != self.offline:
            self.offline = why
            self.screen.query_one(DeckHeader).refresh()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(for_screen=self.screen, scheme=KIOSK_SCHEME))
