"""Two people saved the same card: show both versions and let the person choose."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, Static

from model.i18n import _
from tui.dialogs.dialog import Dialog
from tui.format import literal

Choice = Literal["mine", "theirs", "merge"]


class ConflictDialog(Dialog[Choice | None]):
    """Dismisses with "mine", "theirs", "merge" or None (back to the form)."""

    CSS_PATH = [Dialog.CSS_PATH, "conflict.tcss"]
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("k", "choose('mine')", "Keep mine", id="conflict.mine"),
        Binding("t", "choose('theirs')", "Take theirs", id="conflict.theirs"),
        Binding("m", "choose('merge')", "Merge fields", id="conflict.merge"),
        Binding("escape", "cancel", "Back to the form", id="conflict.back"),
    ]

    def __init__(self, *, rows: list[tuple[str, str, str]], clashes: list[str]) -> None:
        """`rows`: (field, mine, theirs) for every field that differs."""
        super().__init__()
        self.rows = rows
        self.clashes = clashes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Someone else saved this card while you were editing"), classes="title")
            yield Static(
                _("Merge keeps every field you changed and takes theirs for the rest."),
                markup=False,
            )
            table = DataTable(cursor_type="none")
            table.add_columns(_("Field"), _("Yours"), _("Theirs"))
            for field, mine, theirs in self.rows:
                mark = " ⚠" if field in self.clashes else ""
                table.add_row(literal(field + mark), literal(mine[:40]), literal(theirs[:40]))
            yield table
            with Horizontal():
                yield Button(_("Keep mine"), id="mine", variant="error")
                yield Button(_("Take theirs"), id="theirs")
                yield Button(_("Merge fields"), id="merge", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)
