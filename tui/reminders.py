"""The stand-up reminders every mode shows: small, so the app starts them with the board."""

from __future__ import annotations

from textual.app import App

from model import clock
from model.i18n import _, ngettext
from model.standup import due_reminder


class StandupReminders:
    """A notification five minutes before each stand-up and one at its time, in any mode.

    The app starts it once when it mounts: `StandupReminders(app=self).start()`.
    """

    CHECK_SECONDS = 5.0
    TOAST_SECONDS = 15
    """Long enough to be seen from across the desk, short enough not to cover a panel."""

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
        if reminder is None or getattr(self.app.screen, "shows_standup", False):
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
        self.app.notify(message, title=_("Stand-up"), timeout=self.TOAST_SECONDS, markup=False)
