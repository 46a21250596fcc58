"""Find the task a request duplicates by typing words of its title."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from model.board import TaskHit
from model.db import one_view
from model.i18n import _
from model.outage import OUTAGES
from model.triage import duplicate_candidates
from tui.dialogs.dialog import Dialog
from tui.format import literal
from tui.labels import status_title

SEARCH_GROUP = "duplicate-search"
"""The searches' workers: only the latest one typed is shown."""


class DuplicateDialog(Dialog[int | None]):
    """Dismisses with the id of the task picked, its client's first; the search runs in
    a thread, so typing never waits for the database."""

    CSS_PATH = [Dialog.CSS_PATH, "duplicate.tcss"]
    BINDINGS = [Binding("down", "to_list", "Results", show=False, id="duplicate.results")]

    def __init__(self, *, task_id: int) -> None:
        super().__init__()
        self.task_id = task_id
        self.hits: list[TaskHit] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Duplicate of which task?"), classes="title")
            yield Input(placeholder=_("words of its title"), id="words")
            yield OptionList(id="hits")
            yield Static(_("enter picks · ↓ to the list · escape cancels"))

    def on_mount(self) -> None:
        self._search("")

    @work(thread=True, exclusive=True, group=SEARCH_GROUP)
    def _search(self, text: str) -> None:
        app = self.app
        try:
            with one_view(app.engine):
                hits = duplicate_candidates(app.engine, task_id=self.task_id, text=text)
        except OUTAGES as error:
            app.call_from_thread(app.went_offline, error)
            return
        app.call_from_thread(self._show, hits=hits, search=get_current_worker())

    def _show(self, *, hits: list[TaskHit], search: Worker) -> None:
        """Checked on the loop, where a search is cancelled: by a newer one, or by the
        dialog closing."""
        if search.is_cancelled or not self.is_attached:
            return
        self.hits = hits
        options = self.query_one("#hits", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    Content.assemble(
                        (literal(hit.client_code), "bold"),
                        (f" #{hit.id} ", "$text-muted"),
                        literal(hit.title),
                        (f" · {status_title(hit.status)}", "$text-muted"),
                    )
                )
                for hit in hits
            ]
        )
        if hits:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        index = self.query_one("#hits", OptionList).highlighted
        if index is not None and self.hits:
            self.dismiss(self.hits[index].id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index].id)

    def action_to_list(self) -> None:
        self.query_one("#hits", OptionList).focus()
