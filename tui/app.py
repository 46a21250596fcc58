"""The clientdeck Textual app: the modes of DESIGN.md, the shared keys and services."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Engine
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from model import clock
from model.config import Config, save
from model.i18n import N_, _, set_language
from model.inbox import inbox_count
from model.members import find_member
from model.sprints import current_sprint
from model.standup import next_slot
from model.undo import UndoStack
from model.weeks import as_date, iso_week_label
from tui.commands import GoToProvider, ScreenActionsProvider
from tui.keys import translate_bindings
from tui.screens.board import BoardScreen
from tui.screens.help import HelpScreen
from tui.screens.placeholder import PlaceholderScreen
from tui.themes import load_themes

MODE_KEYS = (
    ("1", "board", N_("Board")),
    ("2", "plan", N_("Plan")),
    ("3", "standup", N_("Stand-up")),
    ("4", "retro", N_("Retro")),
    ("5", "calendar", N_("Calendar")),
    ("6", "clients", N_("Clients")),
    ("i", "inbox", N_("Inbox")),
)

COMING = {
    "plan": N_(
        "This week's sprint: backlog by client, capacity per member, hours per client "
        "against budget, and the plans agreed with clients."
    ),
    "standup": N_(
        "Per member: done since the last stand-up, doing, next and blocked; "
        "fires to triage; notes and the meeting timer."
    ),
    "retro": N_(
        "The sprint's numbers, the Friday checklist, what went well, what to improve, "
        "action items, and closing the sprint."
    ),
    "calendar": N_(
        "Week and month: deadlines, promises, stand-ups, the retro and client meetings."
    ),
    "clients": N_(
        "Every client with health signals; contacts, interactions, promises, KPIs and budget burn."
    ),
    "inbox": N_("Untriaged requests, with keys to accept, defer, wait, decline or merge them."),
}


def _placeholder(mode: str, title: str):
    return lambda: PlaceholderScreen(title=title, text=COMING[mode])


class ClientDeck(App):
    CSS_PATH = "app.tcss"
    TITLE = "clientdeck"
    # Screens act on their own keys; only forms and prompts take focus.
    AUTO_FOCUS = None
    COMMANDS = App.COMMANDS | {ScreenActionsProvider, GoToProvider}
    MODES = {
        "board": BoardScreen,
        **{mode: _placeholder(mode, title) for _key, mode, title in MODE_KEYS if mode in COMING},
    }
    BINDINGS = [
        *[
            Binding(key, f"switch_mode('{mode}')", title, show=False, id=f"mode.{mode}")
            for key, mode, title in MODE_KEYS
        ],
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+z", "undo", "Undo", id="undo"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        *,
        engine: Engine,
        config: Config,
        config_path: Path | None = None,
        notices: Iterable[str] = (),
    ) -> None:
        set_language(code=config.language)
        clock.set_zone(name=config.time_zone)
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.config = config
        self.config_path = config_path
        self.undo_stack = UndoStack()
        self.notices = list(notices)
        me = find_member(engine, name=config.me)
        self.me_id: int | None = me.id if me else None
        self.sprint = current_sprint(engine, start_weekday=config.sprint_start_index)
        themes, problems = load_themes(
            user_dir=config_path.parent / "themes" if config_path else None
        )
        for theme in themes:
            self.register_theme(theme)
        self.notices += problems
        self.theme = config.theme if config.theme in self.available_themes else "clientdeck-dark"
        if config.keys:
            self.set_keymap(config.keys)

    def on_mount(self) -> None:
        self.switch_mode("board")
        for notice in self.notices:
            self.notify(notice, severity="warning", timeout=10, markup=False)

    def watch_theme(self, theme: str) -> None:
        """Remember the theme picked in the palette."""
        if self.config_path is None or theme == self.config.theme:
            return
        self.config = replace(self.config, theme=theme)
        try:
            save(config=self.config, path=self.config_path)
        except OSError as error:
            self.notify(str(error), severity="error", markup=False)

    def header_facts(self) -> list[str]:
        """The sprint week, the next stand-up and the inbox size, for every screen's header."""
        start = as_date(self.sprint.week_start)
        end = start.add(days=6)
        slot = next_slot(now=clock.now(), times=self.config.standup_times, zone=clock.zone())
        when = slot.format("HH:mm") if slot.date() == clock.today() else slot.format("ddd HH:mm")
        return [
            _(
                "Sprint {label} ({start}–{end})",
                label=iso_week_label(day=start),
                start=start.format("D MMM"),
                end=end.format("D MMM"),
            ),
            _("Stand-up {when}", when=when),
            _("Inbox {n}", n=inbox_count(self.engine)),
        ]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(for_screen=self.screen))

    def action_undo(self) -> None:
        step = self.undo_stack.pop()
        if step is None:
            self.notify(_("Nothing to undo"), timeout=2)
            return
        self.notify(_("Undone: {what}", what=step.label), timeout=2, markup=False)
        self._reload_screen()

    def go_to_client(self, client_id: int) -> None:
        self.switch_mode("board")
        self.call_after_refresh(lambda: self.screen.show_client(client_id=client_id))

    def go_to_task(self, task_id: int) -> None:
        from tui.screens.card import CardScreen

        self.push_screen(CardScreen(task_id=task_id), lambda _saved: self._reload_screen())

    def _reload_screen(self) -> None:
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(_("Theme"), _("Change the colour theme"), self.action_change_theme)
        yield SystemCommand(_("Help"), _("Show every key of this screen"), self.action_help)
        yield SystemCommand(_("Quit"), _("Quit clientdeck"), self.action_quit)
