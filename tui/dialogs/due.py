"""Ask for a due date, checked as it is typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from model import clock
from model.i18n import _
from model.parsing import Due, parse_due
from tui.dialogs.dialog import Dialog


class DueDialog(Dialog[Due | None]):
    """Nothing is saved until the date parses; an empty enter answers "no date"
    (`Due(date=None)`), escape answers None."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Due date"), classes="title")
            yield Input(placeholder=_("2026-11-30, 30.11, tomorrow 15:00, friday, +3d"), id="due")
            yield Static("", classes="error", id="due-error", markup=False)
            yield Static(_("enter saves · empty enter clears the date · escape cancels"))

    def _parse(self, text: str) -> Due:
        return parse_due(text=text, today=clock.today())

    def on_input_changed(self, event: Input.Changed) -> None:
        error = self.query_one("#due-error", Static)
        if not event.value.strip():
            error.update("")
            return
        try:
            due = self._parse(event.value)
        except ValueError as problem:
            error.update(str(problem))
        else:
            suffix = f" {due.time:%H:%M}" if due.time else ""
            error.update("→ " + due.date.format("dddd D MMMM YYYY") + suffix)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.dismiss(Due(date=None, time=None))
            return
        try:
            self.dismiss(self._parse(event.value))
        except ValueError as problem:
            self.query_one("#due-error", Static).update(str(problem))
