"""Start, end and note of one time entry."""

from __future__ import annotations

from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from model import clock
from model.i18n import _
from model.parsing import parse_moment
from model.tables import TimeEntry
from model.timetrack import OverlapError, add_entry, edit_entry
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.dialog import Dialog
from tui.format import clock_time


class EntryFormDialog(Dialog[bool]):
    """Dismisses with True once the entry is saved (undoable), False when closed. An
    overlap is refused with an offer to trim the neighbours to make room."""

    DEFAULT_CLASSES = "-wide"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="entry.save", priority=True),
        Binding("escape", "close", "Close", id="entry.close"),
    ]

    def __init__(self, *, task_id: int, member_id: int, entry: TimeEntry | None = None) -> None:
        super().__init__()
        self.task_id = task_id
        self.member_id = member_id
        self.entry = entry

    def compose(self) -> ComposeResult:
        entry = self.entry
        with Vertical():
            yield Label(_("Edit time entry") if entry else _("Add time entry"), classes="title")
            yield Label(_("Start"))
            yield Input(self._moment(entry.start) if entry else "", id="start", compact=True)
            yield Label(_("End"))
            yield Input(
                self._moment(entry.end) if entry and entry.end else "", id="end", compact=True
            )
            yield Label(_("Note"))
            yield Input(entry.note if entry else "", id="note", compact=True)
            yield Static("", classes="error", id="entry-error", markup=False)
            yield Static(_("9:30 means today; or 2026-11-17 18:00 · ctrl+s saves"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#start", Input).focus()

    @staticmethod
    def _moment(instant: datetime) -> str:
        return clock.to_local(instant).format("YYYY-MM-DD HH:mm")

    def _parsed(self) -> tuple[datetime, datetime | None, str]:
        values = {}
        for name in ("start", "end"):
            text = self.query_one(f"#{name}", Input).value
            if name == "end" and not text.strip() and self.entry and self.entry.end is None:
                values[name] = None
                continue
            values[name] = parse_moment(text=text, today=clock.today(), zone=clock.zone())
        return values["start"], values["end"], self.query_one("#note", Input).value

    def action_save(self, *, trim: bool = False) -> None:
        error = self.query_one("#entry-error", Static)
        try:
            start, end, note = self._parsed()
            engine = self.app.engine
            if self.entry is None:
                done = add_entry(
                    engine,
                    task_id=self.task_id,
                    member_id=self.member_id,
                    start=start,
                    end=end,
                    note=note,
                    trim_neighbours=trim,
                )
            else:
                done = edit_entry(
                    engine,
                    entry_id=self.entry.id,
                    start=start,
                    end=end,
                    note=note,
                    trim_neighbours=trim,
                )
        except OverlapError as overlap:
            error.update(str(overlap))
            self._offer_trim(overlap)
            return
        except ValueError as problem:
            error.update(str(problem))
            return
        self.app.undo_stack.add(done.undo)
        self.dismiss(True)

    @work(exclusive=True, group="entry-trim")
    async def _offer_trim(self, overlap: OverlapError) -> None:
        """Asked after the refusal is shown: a yes saves again, trimming the neighbours."""
        spans = ", ".join(
            f"{clock_time(other.start)}–{clock_time(other.end) if other.end else _('now')}"
            for other in overlap.overlapping
        )
        trim = await self.app.push_screen_wait(
            ConfirmDialog(
                question=_("It overlaps {spans}. Trim those entries to make room?", spans=spans),
                yes=_("Trim them"),
                no=_("Change mine"),
            )
        )
        if trim:
            self.action_save(trim=True)

    def action_close(self) -> None:
        self.dismiss(False)
