"""Closing a sprint: what the close will move, and which tasks go back to the backlog."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from model.i18n import _, ngettext
from model.retro.close import Moving
from tui.dialogs.dialog import Dialog
from tui.format import literal


class CloseSprintDialog(Dialog[list[int] | None]):
    """Dismisses with the ids of the tasks ticked to go back to the backlog (the rest
    move to the next sprint), or None when the sprint stays open."""

    CSS_PATH = [Dialog.CSS_PATH, "close_sprint.tcss"]
    DEFAULT_CLASSES = "-wide"
    BINDINGS = [
        Binding("y", "close_sprint", "Close the sprint", id="close.yes"),
        Binding("escape", "cancel", "Cancel", id="close.cancel"),
        Binding("question_mark", "app.help", "Help", show=False, id="close.help"),
    ]

    def __init__(
        self, *, week: str, next_week: str, moving: tuple[Moving, ...], actions: int
    ) -> None:
        super().__init__()
        self.week, self.next_week, self.moving, self.actions = week, next_week, moving, actions

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Close {week}?", week=self.week), classes="title")
            if self.moving:
                yield Static(
                    ngettext(
                        "{n} unfinished task moves to {week}. "
                        "Tick with space to send it back to the backlog instead.",
                        "{n} unfinished tasks move to {week}. "
                        "Tick with space those to send back to the backlog instead.",
                        n=len(self.moving),
                        week=self.next_week,
                    )
                )
                yield SelectionList[int](
                    *[Selection(self._prompt(task), task.task_id) for task in self.moving],
                    id="send-back",
                )
            else:
                yield Static(_("Nothing is unfinished: no task moves."))
            yield Static(
                ngettext(
                    "{n} action item becomes a task of {week}.",
                    "{n} action items become tasks of {week}.",
                    n=self.actions,
                    week=self.next_week,
                )
            )
            with Horizontal():
                yield Button(_("Close the sprint (y)"), variant="error", id="yes")
                yield Button(_("Cancel"), variant="primary", id="no")

    @staticmethod
    def _prompt(task: Moving) -> Content:
        carried = _("carried over {n}×", n=task.carried_over) if task.carried_over else ""
        return Content.assemble(
            (literal(task.client_code), "bold"),
            " ",
            literal(task.title),
            (f" · {_(task.status)}", "$text-muted"),
            (f" · {carried}" if carried else "", "$warning"),
        )

    def on_mount(self) -> None:
        if self.moving:
            self.query_one(SelectionList).focus()
        else:
            self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self.action_close_sprint()
        else:
            self.action_cancel()

    def action_close_sprint(self) -> None:
        selected = self.query_one(SelectionList).selected if self.moving else []
        self.dismiss(list(selected))
