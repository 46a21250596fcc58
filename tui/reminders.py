"""The reminders every mode shows, as toasts and (where `notify-send` exists) as desktop
notifications: the stand-up's, checked on the clock alone, and the work's (promises,
my timer, clients' cadence, `model.reminders`; budget thresholds crossed,
`model.alerts`), read in a thread. Each is shown once."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable

from textual.app import App
from textual.worker import Worker

from model import clock
from model.alerts import record_alerts
from model.i18n import _, ngettext
from model.outage import OUTAGES
from model.reminders import Reminder, alert_reminders, due_reminders
from model.standup import due_reminder
from tui.keys import key_hint

OPEN_ID = "reminder.open"
"""The app's binding that opens what the latest reminder is about."""

TOAST_SECONDS = 15
"""Long enough to be seen from across the desk, short enough not to cover a panel."""


def desktop_notify(*, title: str, message: str) -> None:
    """The reminder on the desktop too, where `notify-send` exists; never waits for it."""
    program = shutil.which("notify-send")
    if program is None:
        return
    try:
        subprocess.Popen(
            [program, "--app-name=clientdeck", "--", title, message],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # no session bus, a broken install: the toast has said it
        return


def remind(app: App, *, title: str, message: str, opens: Callable[[], None] | None = None) -> None:
    """A toast (and the desktop's notification); with `opens`, the toast says the key that
    opens what it is about, and that key opens it until a later reminder takes its place."""
    shown = message
    if opens is not None:
        app.reminded = opens
        hint = key_hint(app, ids=(OPEN_ID,))
        shown = f"{message}\n{hint}" if hint else message
    app.notify(shown, title=title, timeout=TOAST_SECONDS, markup=False)
    if app.config.reminders["desktop"]:
        desktop_notify(title=title, message=message)


def opener(app: App, *, reminder: Reminder) -> Callable[[], None] | None:
    """What the reminder opens: its task's card, else its client's detail."""
    task_id, client_id = reminder.task_id, reminder.client_id
    if task_id is not None:
        return lambda: app.go_to_task(task_id)
    if client_id is not None:
        return lambda: app.open_client(client_id)
    return None


class StandupReminders:
    """A notification five minutes before each stand-up and one at its time, in any mode.

    The app starts it once when it mounts: `StandupReminders(app=self).start()`.
    """

    CHECK_SECONDS = 5.0

    def __init__(self, *, app: App) -> None:
        self.app = app
        self.checked = clock.now()

    def start(self) -> None:
        self.app.set_interval(self.CHECK_SECONDS, self.check)

    def check(self) -> None:
        now = clock.now()
        reminder = due_reminder(
            after=self.checked, until=now, times=self.app.config.standup_times, zone=clock.zone()
        )
        self.checked = now
        if reminder is None or not self.app.config.reminders["standup"]:
            return
        if getattr(self.app.screen, "shows_standup", False):
            return  # on the stand-up itself the header says it: no toast over its notes
        when = reminder.slot.format("HH:mm")
        if reminder.minutes_before:
            message = ngettext(
                "Stand-up at {time}, in {n} minute",
                "Stand-up at {time}, in {n} minutes",
                n=reminder.minutes_before,
                time=when,
            )
        else:
            message = _("Stand-up now ({time})", time=when)
        remind(
            self.app,
            title=_("Stand-up"),
            message=message,
            opens=lambda: self.app.switch_mode("standup"),
        )


class WorkReminders:
    """Promises due or missed, my timer left running, clients waiting for an update, budget
    thresholds crossed: looked for every minute in a thread (on a server a read waits for
    the network), each shown once while the app runs; a threshold is also looked for as
    soon as time is added, and logged, so no app says it again (`model.alerts`). A
    database that is away is the change check's to report."""

    CHECK_SECONDS = 60.0
    AT_ONCE = 3
    """Toasts at one time at most (the first look after a weekend finds many): the rest
    are counted in one more."""
    TALL = 30
    """Below this many rows one toast and the count: three would cover an 80×24 board."""

    def __init__(self, *, app: App) -> None:
        self.app = app
        self.shown: set[str] = set()

    def start(self) -> None:
        self.app.set_interval(self.CHECK_SECONDS, self.check)
        self.check()

    def check(self):
        return self.app.run_worker(self._look, thread=True, exclusive=True, group="reminders")

    def _look(self) -> None:
        app = self.app
        try:
            found = due_reminders(
                app.engine, member_id=app.me_id, sprint_id=app.now.sprint.id, config=app.config
            )
            if app.config.reminders["budget"]:
                found += alert_reminders(alerts=record_alerts(app.engine))
        except OUTAGES:
            return
        app.call_from_thread(self.show, found)

    def time_added(self) -> Worker | None:
        """After a write that adds time: a threshold it crossed is said now, not at the
        minute's look. Not exclusive: a second stop right after must be looked at too."""
        if not self.app.config.reminders["budget"]:
            return None
        return self.app.run_worker(self._look_at_budgets, thread=True, group="alerts")

    def _look_at_budgets(self) -> None:
        try:
            found = alert_reminders(alerts=record_alerts(self.app.engine))
        except OUTAGES:
            return
        self.app.call_from_thread(self.show, found)

    def show(self, found: list[Reminder]) -> None:
        """The new ones, as many toasts as the terminal has room for and a count of the
        rest; the key that opens an item is said on the last toast that has one, the one
        it opens."""
        new = [reminder for reminder in found if reminder.key not in self.shown]
        self.shown.update(reminder.key for reminder in new)
        at_once = self.AT_ONCE if self.app.size.height >= self.TALL else 1
        toasts = [(reminder, opener(self.app, reminder=reminder)) for reminder in new[:at_once]]
        last = max((n for n, (_r, opens) in enumerate(toasts) if opens), default=None)
        for n, (reminder, opens) in enumerate(toasts):
            remind(
                self.app,
                title=reminder.title,
                message=reminder.message,
                opens=opens if n == last else None,
            )
        more = len(new) - at_once
        if more > 0:
            message = ngettext("and {n} more reminder", "and {n} more reminders", n=more)
            remind(self.app, title=_("Reminders"), message=message)
