"""The clientdeck Textual app: the modes of DESIGN.md, the shared keys and services."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from importlib import import_module
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from model import clock
from model.changes import Fingerprint, fingerprint, listen
from model.config import Config, ConfigError, changed_values, load, write_keys
from model.db import Engine, on_commit
from model.i18n import N_, _, language, set_language
from model.members import find_member, needs_setup, team
from model.now import Now, moment_of, now_of
from model.outage import OUTAGES, outage_message
from model.parsing import Due
from model.slots import next_slot
from model.tasks import get_task
from model.timetrack import RunningTimer, Started, forgotten_timer, toggle_timer
from model.undo import Step, UndoStack
from model.weeks import as_date, iso_week_label
from tui import collector
from tui.compat import NoLocalsOnCrash, styled_as_made
from tui.format import literal
from tui.header_facts import FACTS_GROUP, FactsRead, read_facts
from tui.keys import NOT_APPLIED, check_keymap, translate_bindings
from tui.outage import SurvivesOutages, survive
from tui.redraws import Redraws
from tui.reminders import StandupReminders, WorkReminders
from tui.screens.reading import Filled
from tui.screens.showing import A_FRAME
from tui.themes import use_themes
from tui.widgets import DeckHeader
from tui.writes import REFUSALS, WriteQueue, Written

POLL_SECONDS = 2.0
LISTENING_POLL_SECONDS = 10.0


class ChangeHeard(Message):
    """The PostgreSQL listener heard a commit: time for a change check."""


class Committed(Message):
    """One of our writes committed in a worker thread: noted on the loop."""

    def __init__(self, *, engine: Engine) -> None:
        super().__init__()
        self.engine = engine


class ChangesSeen(Message):
    """The change check's answer, from its thread: the data's fingerprint, or the outage
    that kept it from being read; `own` when it was read after a write of ours, to be
    taken as what the screen shows already."""

    def __init__(
        self, *, seen: Fingerprint | None, error: BaseException | None = None, own: bool = False
    ) -> None:
        super().__init__()
        self.seen, self.error, self.own = seen, error, own


MODE_KEYS = (
    ("1", "board", N_("Board")),
    ("2", "plan", N_("Plan")),
    ("3", "standup", N_("Stand-up")),
    ("4", "retro", N_("Retro")),
    ("5", "calendar", N_("Calendar")),
    ("6", "clients", N_("Clients")),
    ("i", "inbox", N_("Inbox")),
)

# Each mode's screen, imported when the mode is first opened so start-up pays
# only for the board.
SCREENS = {
    "board": "tui.screens.board:BoardScreen",
    "plan": "tui.screens.plan:PlanScreen",
    "standup": "tui.screens.standup:StandupScreen",
    "retro": "tui.screens.retro:RetroScreen",
    "calendar": "tui.screens.calendar:CalendarScreen",
    "clients": "tui.screens.clients:ClientsScreen",
    "inbox": "tui.screens.inbox:InboxScreen",
}

LANGUAGE_NAMES = (("en", "English"), ("uk", "Українська"), ("ru", "Русский"))
"""Each language by its own name, as the palette offers them."""

RELABEL_MODE = "relabel"
"""A blank mode shown for the moment the modes are built again in a new language."""


def _provider(name: str) -> Callable[[], type]:
    """A command palette provider, imported when the palette first opens."""
    return lambda: getattr(import_module("tui.commands"), name)


def load_modules(*, names: Iterable[str]) -> None:
    """Import `names` (in a thread of their own: Python's import lock keeps a module that
    the event loop asks for meanwhile from loading twice)."""
    for name in names:
        import_module(name)


def _mode_screen(mode: str) -> Callable[[], Screen]:
    def build() -> Screen:
        module_name, class_name = SCREENS[mode].split(":")
        return styled_as_made(getattr(import_module(module_name), class_name)())

    return build


STYLE_SHEETS = [
    "app.tcss",
    *(f"screens/{name}.tcss" for name in ("board", "calendar", "card", "clients", "help")),
    *(f"screens/{name}.tcss" for name in ("inbox", "plan", "retro", "setup", "standup", "team")),
    *(f"dialogs/{name}.tcss" for name in ("dialog", "close_sprint", "conflict", "duplicate")),
    *(f"dialogs/{name}.tcss" for name in ("form", "text")),
]
"""Every style sheet of the app's screens, read once at start: a screen's first visit
then parses none (see `styled_as_made`). Each screen names its own too."""


class ClientDeck(SurvivesOutages, NoLocalsOnCrash, App):
    CSS_PATH = STYLE_SHEETS
    TITLE = "clientdeck"
    # Screens act on their own keys; only forms and prompts take focus.
    AUTO_FOCUS = None
    COMMANDS = App.COMMANDS | {
        _provider("ScreenActionsProvider"),
        _provider("GoToProvider"),
    }
    MODES = {mode: _mode_screen(mode) for _key, mode, _title in MODE_KEYS}
    BINDINGS = [
        *[
            Binding(key, f"switch_mode('{mode}')", title, show=False, id=f"mode.{mode}")
            for key, mode, title in MODE_KEYS
        ],
        Binding("t", "timer", "Timer", id="timer"),
        Binding("o", "promise", "Promise to client", show=False, id="promise"),
        Binding("ctrl+o", "open_reminded", "Open it", show=False, id="reminder.open"),
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
        start_mode: str = "board",
    ) -> None:
        set_language(code=config.language)
        clock.set_zone(name=config.time_zone)
        super().__init__()
        collector.break_strip_cycles()
        translate_bindings(self)
        self.engine = engine
        self.config = config
        self.work_reminders = WorkReminders(app=self)
        self.reminded: Callable[[], None] | None = None
        """What the latest reminder that names an item opens (ctrl+o)."""
        self.config_path = config_path
        self.undo_stack = UndoStack()
        self.writes = WriteQueue(self)
        """Quick changes, written in order off the event loop (`tui.writes`)."""
        self.redraws = Redraws(writes=self.writes, undo_stack=self.undo_stack)
        """How a screen draws a change taken back, at the ctrl+z (`tui.redraws`)."""
        self._loop_thread = threading.get_ident()
        """The event loop's thread (set again on mount): writes in others are noted there."""
        self.notices = list(notices)
        if config_path is not None:  # the file's problems, on screen and in the user's language
            self.notices += load(path=config_path).notices()
        self._config_written = config
        """The settings as last written: a save writes only what changed since."""
        self.start_mode = start_mode
        me = find_member(engine, name=config.me)
        self.me_id: int | None = me.id if me else None
        self.now = now_of(engine, config=config)
        """The day, the stand-up at hand and the sprints: the one "now" every screen reads.
        It moves by itself (`_tick`, `_poll`) and after a close; see `refresh_now`."""
        self.notices += use_themes(self, theme=config.theme, config_path=config_path)
        if config.keys:  # a remap that cannot work is said, and the default key stays
            keymap, problems = check_keymap(config.keys)
            self.notices += [_(NOT_APPLIED, problem=problem) for problem in problems]
            self.set_keymap(keymap)
        self._warming: threading.Thread | None = None
        """Loads the other screens' code once the first is filled (`on_filled`)."""
        self._settled_modes: set[str] = set()
        """Modes whose screen has been painted and frozen out of collections."""
        self.running: RunningTimer | None = None
        self.inbox_size = 0
        self.time_epoch = 0
        """Goes up whenever recorded time changes, so screens know budgets need a new look."""
        self.offline: str | None = None
        """Why the database cannot be reached now (None when it can): the header says so
        and the poll keeps trying."""
        self.listening = threading.Event()
        """Set once the PostgreSQL listener hears the server's notifications."""
        self._unmounted = threading.Event()
        """Set when the app closes: the listener stops within a second."""
        self._seen: Fingerprint | None = None
        """The data as last seen by the change check (None until its first look)."""
        self.data_version = 0
        """Goes up with every change, ours or others', so a screen shown again knows
        whether it must re-read (switching back and forth costs nothing otherwise)."""

    def on_mount(self) -> None:
        self._loop_thread = threading.get_ident()
        self.refresh_facts()
        self.mode_change_signal.subscribe(self, self._mode_shown)
        self.switch_mode(self.start_mode)
        if needs_setup(self.engine, me_id=self.me_id):
            self.call_after_refresh(self.action_setup)
        for notice in self.notices:
            self.notify(notice, severity="warning", timeout=10, markup=False)
        self.set_interval(1.0, self._tick)
        self._stop_noting = on_commit(self._note_own_write)
        self.call_after_refresh(self._start_polling)
        self.call_after_refresh(self._ask_about_a_forgotten_timer)
        StandupReminders(app=self).start()
        self.call_after_refresh(self.work_reminders.start)

    def on_filled(self, _message: Filled) -> None:
        """The first screen shows its data: the other screens' code is loaded in a thread,
        so no screen's first visit waits for its import, and no key waits for it either
        (an import on the event loop held keys for up to 70 ms)."""
        if self._warming is None:
            modules = [path.split(":")[0] for path in SCREENS.values()]
            self._warming = threading.Thread(
                target=load_modules, kwargs={"names": modules}, name="clientdeck-warm", daemon=True
            )
            self._warming.start()

    def _start_polling(self) -> None:
        """The poll starts after the first paint, and its first fingerprint is read in a
        thread: neither holds up the first board.
        On PostgreSQL the server's notifications start each check at once (`_listen`);
        the poll is then only what notices a listener that lost its connection."""
        self._adopt_fingerprint()
        listening = self.engine.dialect.name == "postgresql"
        if listening:
            # A daemon thread of its own, not a worker: an app that quits while it starts
            # must still end its process (a worker's thread would be waited for).
            threading.Thread(
                target=listen,
                kwargs={
                    "engine": self.engine,
                    "heard": self._heard,
                    "stopped": self._unmounted.is_set,
                    "ready": self.listening.set,
                },
                name="clientdeck-listen",
                daemon=True,
            ).start()
        self.set_interval(LISTENING_POLL_SECONDS if listening else POLL_SECONDS, self._poll)

    def _heard(self) -> None:
        """From the listener's thread: someone committed a change. A message, not a call
        that waits for the app: the app may be closing and never answer."""
        self.post_message(ChangeHeard())

    def on_change_heard(self, _message: ChangeHeard) -> None:
        self._poll()

    def refresh_facts(self) -> None:
        """Re-read what every header shows, in a thread (`tui.header_facts`); called after
        changes, not on every frame."""
        read = partial(read_facts, engine=self.engine, member_id=self.me_id)
        self.run_worker(
            lambda: self.post_message(read()), thread=True, exclusive=True, group=FACTS_GROUP
        )

    def on_facts_read(self, message: FactsRead) -> None:
        if message.error is not None:
            self.went_offline(message.error, asked=False)
            return
        self.running, self.inbox_size = message.running, message.inbox_size
        for header in self.screen.query(DeckHeader):
            header.refresh()

    def _tick(self) -> None:
        if moment_of(config=self.config) != self.now.moment:
            self.refresh_now()
        if self.running is not None:
            for header in self.screen.query(DeckHeader):
                header.refresh()

    def refresh_now(self) -> bool:
        """Read "now" again. When the day, the stand-up or a sprint moved on (a new week,
        a close, its undo), every screen's data is stale and the one shown reads it again;
        says whether it moved."""
        moved = self._read_now()
        if moved:
            self._reload_screen()
        return moved

    def now_at_hand(self) -> Now:
        """`now`, read again first if the clock has passed its day or stand-up: for a
        screen that is about to read, so it never reads the last slot's or week's data."""
        if moment_of(config=self.config) != self.now.moment:
            self._read_now()
        return self.now

    def _read_now(self) -> bool:
        """Whether `now` moved; if so, every screen's data is stale."""
        return self._adopt_now(now_of(self.engine, config=self.config))

    def _adopt_now(self, now: Now) -> bool:
        """Take `now` as read (on the loop or in a write's thread); says whether it moved."""
        moved = now.key != self.now.key
        self.now = now
        if moved:
            self.data_version += 1
        return moved

    def _mode_shown(self, mode: str) -> None:
        """A mode's first paint: its screen lives as long as the app, so no collection
        need walk it again (see tui/collector.py)."""
        if mode not in self._settled_modes:
            self._settled_modes.add(mode)
            self.call_after_refresh(collector.settle)

    def on_unmount(self) -> None:
        self._unmounted.set()
        self._stop_noting()

    def stale(self, screen: Screen) -> bool:
        """Whether `screen` has yet to show the data as it is now; notes that it will."""
        seen = getattr(screen, "_data_version", None)
        self.mark_seen(screen)
        return seen != self.data_version

    def mark_seen(self, screen: Screen) -> None:
        """`screen` has just read the data as it is now."""
        screen._data_version = self.data_version

    def _note_own_write(self, engine: Engine) -> None:
        """Our own changes are on screen already: the poll must not take them for others'.
        The new fingerprint is read after the change's frame, so it does not hold it up.
        A background write tells it from its thread: the note is taken on the loop."""
        if threading.get_ident() != self._loop_thread:
            self.post_message(Committed(engine=engine))
        elif engine is self.engine:
            self.data_version += 1
            self.call_after_refresh(self._adopt_fingerprint)

    def _adopt_fingerprint(self) -> None:
        """Read in a thread as well: on a server the read waits for the network."""
        self.run_worker(
            partial(self._check_changes, own=True), thread=True, exclusive=True, group="own"
        )

    def went_offline(self, error: BaseException, *, asked: bool = True) -> None:
        """The database could not be reached (or stayed locked): mark the header and let
        the poll find out when it is back. Nothing was half-written: the transaction
        that failed was rolled back whole. What a person asked for is always answered;
        the poll's own failures are said once."""
        first = self.offline is None
        self.offline = outage_message(error)
        for header in self.screen.query(DeckHeader):
            header.refresh()
        if first or asked:
            self.notify(
                _("{reason}. Nothing was saved; retrying.", reason=self.offline),
                severity="error",
                timeout=10,
                markup=False,
            )

    def _back_online(self) -> None:
        self.offline = None
        self.notify(_("The database is back: all is saved from here on"), timeout=5)
        self.data_version += 1
        self._reload_screen()

    def _poll(self) -> Worker:
        """Ask whether others changed the data, in a thread: on a server the question waits
        for the network, and keys must not wait with it. The answer comes as a message."""
        return self.run_worker(self._check_changes, thread=True, exclusive=True, group="changes")

    def _check_changes(self, *, own: bool = False) -> None:
        try:
            self.post_message(ChangesSeen(seen=fingerprint(self.engine), own=own))
        except OUTAGES as error:
            self.post_message(ChangesSeen(seen=None, error=error))

    def on_changes_seen(self, message: ChangesSeen) -> None:
        """Show what others changed, unless a form or prompt is open (it keeps its typing)."""
        seen = message.seen
        if seen is None:
            self.went_offline(message.error, asked=False)
            return
        if self.offline is not None:
            self._seen = seen
            self._back_online()
            return
        if message.own or self._seen is None:
            self._seen = seen
            return
        if seen == self._seen or isinstance(self.screen, ModalScreen):
            return
        if seen.time != self._seen.time:
            self.time_epoch += 1
        self._seen = seen
        self._read_now()  # another may have closed the week
        self.data_version += 1
        self.refresh_facts()
        reload = getattr(self.screen, "reload_after_others", None) or getattr(
            self.screen, "reload", None
        )
        if reload is not None:
            reload()

    def on_committed(self, message: Committed) -> None:
        self._note_own_write(message.engine)

    def on_written(self, message: Written) -> None:
        self.writes.finished(message)

    def _ask_about_a_forgotten_timer(self) -> None:
        if self.me_id is None:
            return
        entry = forgotten_timer(
            self.engine, member_id=self.me_id, work_day_end=self.config.work_day_end
        )
        if entry is not None:
            from tui.dialogs.forgotten_timer import ForgottenTimerDialog

            title = get_task(self.engine, task_id=entry.task_id).title
            self.push_screen(
                ForgottenTimerDialog(entry=entry, task_title=title),
                lambda _done: self.time_changed(),
            )

    def action_timer(self) -> None:
        """Start or stop my timer on the selected task (`t` on any screen with tasks)."""
        selected = getattr(self.screen, "selected_task_id", None)
        task_id = selected() if selected else None
        if task_id is None:
            self.notify(_("Select a task to time"), severity="warning", timeout=3)
            return
        self.with_me(lambda: self._toggle_timer(task_id=task_id))

    def action_my_time(self) -> None:
        """My time entries for a day (`[`/`]` step through days)."""

        def show() -> None:
            from tui.screens.timer import EntriesScreen

            self.push_screen(
                EntriesScreen(member_id=self.me_id), lambda _closed: self._reload_screen()
            )

        self.with_me(show)

    def action_promise(self) -> None:
        """Mark the selected task promised to the client; asks for the deadline if it has none."""
        selected = getattr(self.screen, "selected_task_id", None)
        task_id = selected() if selected else None
        if task_id is None:
            self.notify(_("Select a task to promise"), severity="warning", timeout=3)
            return
        from model.promises import confirmation_text, promise_task
        from tui.dialogs.due import DueDialog

        task = get_task(self.engine, task_id=task_id)

        def promise(due) -> None:
            if due is None:
                return
            done = promise_task(
                self.engine, task_id=task_id, due_date=due.date, due_time=due.time, who=self.me_id
            )
            self.copy_to_clipboard(confirmation_text(task=done.value))
            self.undo_stack.add(done.undo)
            self.notify(_("Promised to the client; the confirmation is copied"), timeout=3)
            self._reload_screen()

        if task.due_date is not None:
            promise(Due(date=task.due_date, time=task.due_time))
        else:
            self.push_screen(DueDialog(), promise)

    def _toggle_timer(self, *, task_id: int) -> None:
        """Written in the background as a move is: on a server a start is several round
        trips, and the key must not wait for them. A refusal (time of an approved week is
        locked) is said, and nothing changes."""
        assert self.me_id is not None
        engine, member_id = self.engine, self.me_id
        self.writes.submit(
            run=lambda: toggle_timer(engine, task_id=task_id, member_id=member_id),
            done=self._timer_toggled,
            failed=self._timer_refused,
        )

    def _timer_toggled(self, started: Started | None) -> None:
        if started is None:
            self.notify(_("Timer stopped"), timeout=3)
        elif started.over_budget:
            self.notify(
                _("This client's paid hours for the month are used up"),
                severity="warning",
                timeout=6,
            )
        self.time_changed()

    def _timer_refused(self, problem: BaseException) -> None:
        if isinstance(problem, REFUSALS):
            self.notify(str(problem), severity="error", timeout=6, markup=False)

    def time_changed(self) -> None:
        """Recorded time changed: budgets need a new look, and a threshold crossed is said."""
        self.time_epoch += 1
        self._reload_screen()
        self.work_reminders.time_added()

    def hours_report(self, *, client_id: int) -> None:
        """Write this month's hours report for a client and put it on the clipboard."""
        from model.clients import client_by_id
        from model.files import WriteError, file_part, reports_dir, write_private
        from model.reports.hours import hours_report, render_markdown
        from model.weeks import month_span

        client = client_by_id(self.engine, client_id=client_id)
        month = clock.today().format("YYYY-MM")
        report = hours_report(
            self.engine,
            client_id=client_id,
            span=month_span(month=clock.today(), zone=clock.zone()),
            title=_("Hours for {client}, {period}", client=client.name, period=month),
        )
        text = render_markdown(report)
        try:
            name = f"hours-{file_part(client.code)}-{month}.md"
            path = write_private(path=reports_dir() / name, text=text)
        except WriteError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.copy_to_clipboard(text)
        self.notify(_("Report written to {path} and copied", path=path), timeout=6, markup=False)

    def with_me(self, then: Callable[[], object]) -> None:
        """Run `then` as the configured member, at once when it is known, else once
        `as_me` has asked who that is."""
        if self.me_id is not None:
            then()
            return
        self._then_as_me(then)

    @work(exclusive=True, group="who-am-i")
    @survive
    async def _then_as_me(self, then: Callable[[], object]) -> None:
        if await self.as_me():
            then()

    async def as_me(self) -> bool:
        """Whether the configured member is known, asking once who that is and saving it
        (awaited in a worker). With nobody on the team yet, the setup opens: "who are
        you" has an answer there."""
        if self.me_id is not None:
            return True
        members = team(self.engine)
        if not members:
            self.notify(_("First say who you are"), timeout=4)
            self.action_setup()
            return False
        from tui.dialogs.pick import PickDialog

        member = await self.push_screen_wait(
            PickDialog(title=_("Who are you?"), options=[(m.name, m) for m in members])
        )
        if member is None:
            return False
        self.become(member)
        return True

    def become(self, member) -> None:
        """`member` is me from now on, in this app and in the config."""
        self.me_id = member.id
        self.settle_config(replace(self.config, me=member.name))
        self.refresh_facts()

    def settle_config(self, config: Config) -> None:
        """Use `config` from now on and save it; a new sprint weekday, time zone or
        stand-up times move "now" at once."""
        self.config = config
        clock.set_zone(name=config.time_zone)
        self._save_config()
        self.refresh_now()

    def action_setup(self) -> None:
        """The first-start setup, again: every step can be done or redone later."""
        from tui.screens.setup import SetupScreen

        if not isinstance(self.screen, SetupScreen):
            self.push_screen(SetupScreen())

    def action_team(self) -> None:
        from tui.screens.team import TeamScreen

        if not isinstance(self.screen, TeamScreen):
            self.push_screen(TeamScreen())

    def _save_config(self) -> None:
        """Write the settings changed since the last write, and only those: everything else
        in the user's file (unknown keys, comments, values it cannot use) stays as it is."""
        values = changed_values(before=self._config_written, after=self.config)
        if self.config_path is None or not values:
            return
        try:
            write_keys(path=self.config_path, values=values)
        except (ConfigError, OSError) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._config_written = self.config

    def watch_theme(self, theme: str) -> None:
        """Remember the theme picked in the palette."""
        if theme == self.config.theme:
            return
        self.config = replace(self.config, theme=theme)
        self._save_config()

    def header_facts(self) -> list[str]:
        """The sprint week, the next stand-up and the inbox size, for every screen's header."""
        start = as_date(self.now.sprint.week_start)
        end = start.add(days=6)
        slot = next_slot(now=clock.now(), times=self.config.standup_times, zone=clock.zone())
        when = slot.format("HH:mm") if slot.date() == clock.today() else slot.format("ddd HH:mm")
        week = iso_week_label(day=start).split("-")[1]
        return [
            *([_("⚠ offline, retrying")] if self.offline else []),
            *([self._timer_fact(self.running)] if self.running else []),
            _("{week} {start}–{end}", week=week, start=start.format("D"), end=end.format("D MMM")),
            _("Stand-up {when}", when=when),
            _("Inbox {n}", n=self.inbox_size),
        ]

    def _timer_fact(self, running: RunningTimer) -> str:
        """The running timer: client, the start of the task's title, and h:mm:ss elapsed."""
        seconds = int((clock.now() - running.entry.start).total_seconds())
        hours, rest = divmod(max(seconds, 0), 3600)
        elapsed = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
        title = (
            running.task_title if len(running.task_title) <= 24 else running.task_title[:23] + "…"
        )
        return literal(f"⏱ {running.client_code} {title} {elapsed}")

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(for_screen=self.screen))

    def action_quit(self) -> None:
        """Quit once every change on screen is stored: a move shown just before ctrl+q is
        written first. When one is refused, the app stays open and says why."""
        if self.writes.busy:
            self.notify(_("Saving the latest changes…"), timeout=3)
        self.writes.after(self.exit)

    def action_undo(self) -> None:
        """Take back the latest confirmed change, in the write queue like every change: on
        a server the take-back is several round trips, and keys go on meanwhile.

        While changes are still being written, the one taken back is the latest made
        before the key, once it is stored, in the key's place in the queue: a change
        made after the key is neither overtaken nor taken back instead, and a second
        ctrl+z takes back the change before. The screen may show it taken back at once."""
        self.redraws.at_key()
        self.writes.after(self._take_back_latest)

    def _take_back_latest(self) -> None:
        """In the undo's turn in the write queue: every change made before it is stored."""
        step = self.undo_stack.pop()
        if step is None:
            self.notify(_("Nothing to undo"), timeout=2)
            return
        self.redraws.taken_back(step)
        engine, config = self.engine, self.config

        def take_back() -> Now:
            step.revert()
            return now_of(engine, config=config)  # a close's undo moves the week back

        self.writes.submit(
            run=take_back,
            done=lambda now: self._undone(step=step, now=now),
            failed=self._undo_refused,
        )

    def _undone(self, *, step: Step, now: Now) -> None:
        self.time_epoch += 1  # any step may have taken back recorded time
        self._adopt_now(now)
        self._reload_screen(facts=False)

        def afterwards() -> None:
            self.refresh_facts()
            self.notify(_("Undone: {what}", what=literal(step.label)), timeout=2, markup=False)

        # The undone change is shown first; the header's facts and the toast naming it
        # follow a frame later (even right after the change's frame they would hold up
        # writing it: the frame is written by a thread that needs the interpreter).
        self.set_timer(A_FRAME, afterwards)

    def _undo_refused(self, problem: BaseException) -> None:
        """A take-back refused (the row is referred to now, the sprint was closed since):
        said, and the screen shows the stored state. An outage is said by `went_offline`."""
        if isinstance(problem, REFUSALS):
            self.notify(str(problem), severity="error", markup=False)
        self._reload_screen()

    def action_change_language(self) -> None:
        """The palette's languages, each by its own name; the one in use says so."""
        self.search_commands(
            [
                (
                    name,
                    partial(self.change_language, code),
                    _("in use") if code == language() else None,
                )
                for code, name in LANGUAGE_NAMES
            ],
            placeholder=_("Search for languages…"),
        )

    def change_language(self, code: str) -> None:
        """Speak `code` from now on: saved, and every screen built again in it."""
        set_language(code=code)
        self.settle_config(replace(self.config, language=code))
        translate_bindings(self)
        self.run_worker(self._build_modes_again(), group="language", exclusive=True)

    async def _build_modes_again(self) -> None:
        """Each mode's screen was composed in the old language: the modes are made anew
        (a blank screen is shown meanwhile, as the mode in use cannot be removed) and
        the one in use is shown again. What was open over it closes."""
        shown = self.current_mode
        if RELABEL_MODE not in self._modes:
            self.add_mode(RELABEL_MODE, Screen)
        self._settled_modes = {RELABEL_MODE}
        await self.switch_mode(RELABEL_MODE)
        for _key, mode, _title in MODE_KEYS:
            await self.remove_mode(mode)
            self.add_mode(mode, _mode_screen(mode))
        gc.unfreeze()  # the old screens were frozen out of collections: they may go now
        await self.switch_mode(shown)
        self.refresh_facts()

    def go_to_client(self, client_id: int) -> None:
        self.switch_mode("board")
        self.call_after_refresh(lambda: self.screen.show_client(client_id=client_id))

    def open_client(self, client_id: int) -> None:
        from tui.screens.client_detail import ClientDetailScreen

        self.push_screen(ClientDetailScreen(client_id=client_id))

    def action_open_reminded(self) -> None:
        """Open what the latest reminder was about: its task's card, its client's detail,
        the stand-up."""
        if self.reminded is None:
            self.notify(_("No reminder to open"), timeout=2)
            return
        self.reminded()

    def go_to_task(self, task_id: int) -> None:
        from tui.screens.card import CardScreen

        self.push_screen(CardScreen(task_id=task_id), lambda _saved: self._reload_screen())

    def _reload_screen(self, *, facts: bool = True) -> None:
        """Re-read what the screen shows, and with `facts` what every header shows."""
        if facts:
            self.refresh_facts()
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(_("Theme"), _("Change the colour theme"), self.action_change_theme)
        yield SystemCommand(
            _("Language"), _("English, Ukrainian or Russian"), self.action_change_language
        )
        yield SystemCommand(_("Help"), _("Show every key of this screen"), self.action_help)
        yield SystemCommand(
            _("Set up the agency"),
            _("Who you are, settings, first clients and colleagues, or bring your data"),
            self.action_setup,
        )
        yield SystemCommand(
            _("Team"), _("Add, edit and deactivate members; days off"), self.action_team
        )
        yield SystemCommand(
            _("My time today"), _("List, add and edit my time entries"), self.action_my_time
        )
        yield SystemCommand(_("Quit"), _("Quit clientdeck"), self.action_quit)
