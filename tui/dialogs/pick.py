"""Pick one of a few options."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.dialogs.dialog import Dialog
from tui.format import literal

T = TypeVar("T")


class PickDialog(Dialog[T | None], Generic[T]):
    """Dismisses with the picked option's value, or None when cancelled: an option
    that means "none" has its value wrapped in `Given`."""

    def __init__(self, *, title: str, options: list[tuple[str, T]]) -> None:
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
