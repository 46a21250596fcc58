"""Small modal prompts shared by every screen: a due date, a pick from a list, a yes/no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from model import clock
from model.i18n import _
from model.parsing import Due, parse_due
from tui.format import literal
from tui.keys import translate_bindings
from tui.outage import SurvivesOutages


class _Modal(SurvivesOutages, ModalScreen):
    DEFAULT_CSS = """
    _Modal { align: center middle; }
    _Modal > Vertical {
        width: 64; height: auto; max-height: 80%;
        padding: 1 2; background: $surface; border: round $accent;
    }
    _Modal .error { color: $error; height: auto; }
    _Modal .title { text-style: bold; margin-bottom: 1; }
    _Modal OptionList { height: auto; max-height: 20; }
    _Modal Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    AUTO_FOCUS = "*"
    CANCELLED = object()

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(self.CANCELLED)


class DuePrompt(_Modal):
    """Ask for a due date, checked as it is typed; nothing is saved until it parses."""

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

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickScreen(_Modal):
    """Pick one of a few options; dismisses with its value or CANCELLED."""

    def __init__(self, *, title: str, options: list[tuple[str, object]]) -> None:
        super().__init__()
        self.heading = title
        self.values = [value for _label, value in options]
        self.labels = [label for label, _value in options]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading, classes="title", markup=False)
            yield OptionList(*[Option(Content(literal(label))) for label in self.labels])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.values[event.option_index])


class ConfirmScreen(_Modal):
    """Yes or no; `y` and `n` answer at once."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, *, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            with Horizontal():
                yield Button(self.yes, variant="error", id="yes")
                yield Button(self.no, variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_cancel(self) -> None:
        self.dismiss(False)
