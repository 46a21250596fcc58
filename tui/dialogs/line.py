"""Ask for one line of a retro: a note or an action item."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from model.i18n import _
from model.retro.notes import check_line
from model.tasks import ValidationError
from tui.dialogs.dialog import Dialog


class LineDialog(Dialog[str | None]):
    """The line is checked as a retro line before it is accepted; a refusal is shown
    under it and the dialog stays open."""

    DEFAULT_CLASSES = "-wide"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="line.cancel")]

    def __init__(self, *, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.heading, self.value, self.hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading, classes="title", markup=False)
            yield Input(self.value, id="line", select_on_focus=False)
            yield Static("", classes="error", id="line-error", markup=False)
            yield Static(self.hint or _("enter saves · escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#line", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(check_line(event.value))
        except ValidationError as error:
            self.query_one("#line-error", Static).update(str(error))
