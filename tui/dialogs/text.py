"""Ask for one line of text, turned into the answer by the caller's `parse`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from model.i18n import _
from tui.dialogs.dialog import Dialog

T = TypeVar("T")


class TextDialog(Dialog[T | None], Generic[T]):
    """`parse` raises ValueError to refuse the text (shown under it, the dialog stays
    open); an answer that may be "none" comes from `parse` wrapped in `Given`."""

    CSS_PATH = [Dialog.CSS_PATH, "text.tcss"]

    def __init__(
        self, *, title: str, value: str = "", parse: Callable[[str], T], hint: str = ""
    ) -> None:
        super().__init__()
        self.heading, self.value, self.parse, self.hint = title, value, parse, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading, classes="title", markup=False)
            yield Input(self.value, id="answer")
            yield Static("", classes="error", id="answer-error", markup=False)
            yield Static(self.hint or _("enter saves · escape cancels"), markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            answer = self.parse(event.value)
        except ValueError as problem:
            self.query_one("#answer-error", Static).update(str(problem))
            return
        self.dismiss(answer)
