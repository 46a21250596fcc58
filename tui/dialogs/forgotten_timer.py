"""A timer still running after its working day: keep it, end it then, or end it at a time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from model import clock
from model.i18n import _
from model.tables import TimeEntry
from model.tasks import ValidationError
from model.timetrack import (
    end_of_work_day,
    stop_at_end_of_work_day,
    stop_timer,
    time_of_day_before,
)
from tui.dialogs.dialog import Dialog
from tui.format import clock_time, literal


class ForgottenTimerDialog(Dialog[None]):
    """Whatever is chosen is done here (a refusal, such as a locked week, is shown and the
    dialog stays open); it dismisses once the timer is kept or stopped."""

    DEFAULT_CLASSES = "-wide"
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("k", "keep", "Keep running", id="forgotten.keep"),
        Binding("e", "end_of_day", "Stop at the end of that day", id="forgotten.end_of_day"),
        Binding("escape", "keep", "Keep running", show=False, id="forgotten.escape"),
    ]

    def __init__(self, *, entry: TimeEntry, task_title: str) -> None:
        super().__init__()
        self.entry = entry
        self.task_title = task_title

    def compose(self) -> ComposeResult:
        work_day_end = self.app.config.work_day_end
        ended = end_of_work_day(entry=self.entry, work_day_end=work_day_end)
        with Vertical():
            yield Label(_("A timer is still running"), classes="title")
            yield Static(
                literal(
                    _(
                        "{task} has been timed since {start}, past the end of that working day.",
                        task=self.task_title,
                        start=clock_time(self.entry.start),
                    )
                ),
                markup=False,
            )
            with Horizontal():
                yield Button(_("Keep it running"), id="keep")
                yield Button(
                    _("Stop it at {time}", time=clock_time(ended)),
                    id="end_of_day",
                    variant="primary",
                )
            yield Input(placeholder=_("…or stop it at a time you type, e.g. 19:15"), id="at")
            yield Static("", classes="error", id="at-error", markup=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.run_action(event.button.id or "keep")

    def action_keep(self) -> None:
        self.dismiss(None)

    def action_end_of_day(self) -> None:
        try:
            stop_at_end_of_work_day(
                self.app.engine,
                member_id=self.entry.member_id,
                work_day_end=self.app.config.work_day_end,
            )
        except ValidationError as error:  # that day's week approved meanwhile: it is locked
            self.query_one("#at-error", Static).update(str(error))
            return
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            at = time_of_day_before(text=event.value, now=clock.now())
            stop_timer(self.app.engine, member_id=self.entry.member_id, at=at)
        except ValidationError as error:
            self.query_one("#at-error", Static).update(str(error))
            return
        self.dismiss(None)
