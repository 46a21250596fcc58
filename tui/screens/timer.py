"""Time on the screen: a forgotten timer, the list of entries, and the entry form.

The list also holds the week's review: its member submits the week, a manager approves
or returns a submitted one, and a mark says what state the week is in. An approved
week's entries are refused by the model; the list says why instead of changing them.
"""

from __future__ import annotations

from collections.abc import Callable

import pendulum
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from model import clock
from model.billing import entries_billable, set_entry_billable
from model.i18n import _
from model.members import is_manager, team
from model.parsing import parse_moment
from model.tables import TimeEntry, TimesheetState
from model.tasks import ValidationError, get_task
from model.timesheets import (
    approve_week,
    return_week,
    state_name,
    submit_week,
    timesheet_states,
    unlock_week,
    week_label,
    week_state,
)
from model.timetrack import (
    OverlapError,
    add_entry,
    archive_entry,
    edit_entry,
    end_of_work_day,
    entries_for_member_day,
    entries_for_task,
    stop_at_end_of_work_day,
    stop_timer,
    time_of_day_before,
)
from model.undo import Done
from model.weeks import sprint_start
from tui.dialogs.form import Field, FormScreen
from tui.format import hours, literal
from tui.keys import translate_bindings
from tui.outage import SurvivesOutages
from tui.screens.prompt import ConfirmScreen, PickScreen
from tui.widgets import Column, FittedTable, TableRow

MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90; max-width: 100%; height: auto; max-height: 90%;
    padding: 1 2; background: $surface; border: round $accent;
}}
{name} .title {{ text-style: bold; margin-bottom: 1; }}
{name} .error {{ color: $error; height: auto; }}
{name} .hint {{ color: $text-muted; }}
{name} Horizontal {{ height: auto; margin-top: 1; }}
{name} Button {{ margin-right: 2; }}
{name} Input {{ background: $panel; margin-bottom: 1; }}
{name} DataTable {{ height: auto; max-height: 20; }}
"""


WIDEST_TEXT = 40
"""Cells a task's title or a note takes at most when there is room for more."""
TEXT_KEPT = 21
"""Cells a title or a note keeps however narrow: 20 characters and the ellipsis."""


def _cell(text: str, style: str = "") -> Text:
    """A cell shown as typed, cut with an ellipsis at its column's width."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def _local(instant) -> str:
    local = clock.to_local(instant)
    return local.format("HH:mm" if local.date() == clock.today() else "D MMM HH:mm")


class ForgottenTimerScreen(SurvivesOutages, ModalScreen):
    """A timer still running after its working day: keep it, end it then, or end it at a time."""

    DEFAULT_CSS = MODAL_CSS.format(name="ForgottenTimerScreen")
    BINDINGS = [
        Binding("k", "keep", "Keep running", id="forgotten.keep"),
        Binding("e", "end_of_day", "Stop at the end of that day", id="forgotten.end_of_day"),
        Binding("escape", "keep", "Keep running", show=False, id="forgotten.escape"),
    ]

    def __init__(self, *, entry: TimeEntry) -> None:
        super().__init__()
        translate_bindings(self)
        self.entry = entry
        self.task_title = get_task(self.app.engine, task_id=entry.task_id).title

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
                        start=_local(self.entry.start),
                    )
                ),
                markup=False,
            )
            with Horizontal():
                yield Button(_("Keep it running"), id="keep")
                yield Button(
                    _("Stop it at {time}", time=_local(ended)), id="end_of_day", variant="primary"
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


class EntryForm(SurvivesOutages, ModalScreen):
    """Start, end and note of one entry; an overlap is refused with an offer to trim."""

    DEFAULT_CSS = MODAL_CSS.format(name="EntryForm")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="entry.save", priority=True),
        Binding("escape", "close", "Close", id="entry.close"),
    ]

    def __init__(self, *, task_id: int, member_id: int, entry: TimeEntry | None = None) -> None:
        super().__init__()
        translate_bindings(self)
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
    def _moment(instant) -> str:
        return clock.to_local(instant).format("YYYY-MM-DD HH:mm")

    def _parsed(self):
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

    def _offer_trim(self, overlap: OverlapError) -> None:
        spans = ", ".join(
            f"{_local(other.start)}–{_local(other.end) if other.end else _('now')}"
            for other in overlap.overlapping
        )

        def answered(trim: bool) -> None:
            if trim:
                self.action_save(trim=True)

        self.app.push_screen(
            ConfirmScreen(
                question=_("It overlaps {spans}. Trim those entries to make room?", spans=spans),
                yes=_("Trim them"),
                no=_("Change mine"),
            ),
            answered,
        )

    def action_close(self) -> None:
        self.dismiss(False)


class EntriesScreen(SurvivesOutages, ModalScreen):
    """The time entries of a task, or of one member's day, with add, edit and archive."""

    DEFAULT_CSS = MODAL_CSS.format(name="EntriesScreen")
    BINDINGS = [
        Binding("n", "add", "Add", id="entries.add"),
        Binding("e,enter", "edit", "Edit", id="entries.edit"),
        Binding("x", "archive", "Archive", id="entries.archive"),
        Binding("b", "billable", "Billed or not", id="entries.billable"),
        Binding("S", "submit_week", "Submit my week", id="entries.submit_week"),
        Binding("A", "approve_week", "Approve a week", id="entries.approve_week"),
        Binding("R", "return_week", "Return a week", id="entries.return_week"),
        Binding("U", "unlock_week", "Unlock the entry's week", id="entries.unlock_week"),
        Binding("ctrl+z", "app.undo", "Undo", id="entries.undo"),
        Binding("question_mark", "app.help", "Help", id="entries.help"),
        Binding("left_square_bracket", "day(-1)", "Previous day", id="entries.prev_day"),
        Binding("right_square_bracket", "day(1)", "Next day", id="entries.next_day"),
        Binding("escape", "close", "Close", id="entries.close"),
    ]

    def __init__(
        self, *, member_id: int, task_id: int | None = None, day: pendulum.Date | None = None
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.member_id = member_id
        self.task_id = task_id
        self.day = day or clock.today()
        self.entries: list[TimeEntry] = []
        self.titles: dict[int, str] = {}
        self.billed: dict[int, bool] = {}
        self.cells: list[dict[str, str]] = []
        """Each entry's cells by column, kept to lay them out again at a new width."""
        self._stacked = False
        self.names = {member.id: member.initials for member in team(self.app.engine)}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("", classes="title", id="entries-title", markup=False)
            yield Static("", id="entries-week", markup=False)
            yield FittedTable(cursor_type="row", zebra_stripes=True)
            yield Static("", id="entries-total")
            yield Static(
                _("n adds · e edits · b bills or not · x archives · ctrl+z undoes"),
                classes="hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(FittedTable)
        self.reload()
        table.focus()

    def reload(self) -> None:
        engine = self.app.engine
        if self.task_id is not None:
            title = _("Time on {task}", task=get_task(engine, task_id=self.task_id).title)
            self.entries = entries_for_task(engine, task_id=self.task_id)
        else:
            title = _("My time on {day}", day=self.day.format("dddd D MMMM"))
            self.entries = entries_for_member_day(engine, member_id=self.member_id, day=self.day)
        self.query_one("#entries-title", Label).update(literal(title))
        self._show_week()
        self.titles = {
            task_id: get_task(engine, task_id=task_id).title
            for task_id in {entry.task_id for entry in self.entries}
        }
        self.billed = entries_billable(engine, entry_ids=[entry.id for entry in self.entries])
        now = clock.now()
        self.cells = [
            {
                "start": _local(entry.start),
                "end": _local(entry.end) if entry.end else _("running"),
                "hours": hours(round(((entry.end or now) - entry.start).total_seconds() / 3600, 2)),
                "billed": _("yes") if self.billed.get(entry.id) else _("no"),
                "who": self.names.get(entry.member_id, ""),
                "task": " ".join(literal(self.titles[entry.task_id]).split()),
                "note": " ".join(literal(entry.note).split()),
            }
            for entry in self.entries
        ]
        seconds = {
            entry.id: ((entry.end or now) - entry.start).total_seconds() for entry in self.entries
        }
        total = sum(seconds.values())
        billed = sum(value for entry_id, value in seconds.items() if self.billed.get(entry_id))
        self.query_one(FittedTable).set_columns(self._columns())
        self._show_rows()
        self.query_one("#entries-total", Static).update(
            _(
                "Total {hours} h, billable {billable} h (raw, before rounding)",
                hours=hours(round(total / 3600, 2)),
                billable=hours(round(billed / 3600, 2)),
            )
        )

    def _columns(self) -> list[Column]:
        """As wide as what they hold; a narrow terminal drops Billed (its hours stay dim)
        first, then stacks the note under the task."""

        def widest(key: str, label: str, *, least: int = 1, most: int = 1_000) -> int:
            values = [len(cells[key]) for cells in self.cells]
            return min(max([len(label), least, *values]), most)

        def text(key: str, label: str, *, drop: int) -> Column:
            width = widest(key, label, least=TEXT_KEPT, most=WIDEST_TEXT)
            return Column(key, label, width, least=TEXT_KEPT, drop=drop, grow=True)

        return [
            Column("start", _("Start"), widest("start", _("Start"))),
            Column("end", _("End"), widest("end", _("End"))),
            Column("hours", _("Hours"), widest("hours", _("Hours"))),
            Column("billed", _("Billed"), widest("billed", _("Billed")), drop=3),
            Column("who", _("Who"), widest("who", _("Who")), drop=1),
            text("task", _("Task"), drop=0),
            text("note", _("Note"), drop=2),
        ]

    def _show_rows(self) -> None:
        """The entries; with no room for the note beside the task, it goes under it."""
        table = self.query_one(FittedTable)
        stacked = any(column.key == "note" for column in table.dropped)
        rows = []
        for entry, cells in zip(self.entries, self.cells, strict=True):
            shown = {key: _cell(value) for key, value in cells.items()}
            if not self.billed.get(entry.id):  # dim even when the Billed column has no room
                shown["hours"] = _cell(cells["hours"], "dim")
            height = 1
            if stacked and cells["note"]:
                both = Text.assemble(_cell(cells["task"]), "\n", _cell(cells["note"], "dim"))
                both.no_wrap, both.overflow = True, "ellipsis"
                shown["task"], height = both, 2
            rows.append(TableRow(None, shown, height=height))
        table.show_rows(rows)
        self._stacked = stacked

    def on_fitted_table_refitted(self, _event: FittedTable.Refitted) -> None:
        """A new width may stack the note under the task, or put it back beside it."""
        if self._stacked != any(
            column.key == "note" for column in self.query_one(FittedTable).dropped
        ):
            self._show_rows()

    def _selected(self) -> TimeEntry | None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _form(self, *, entry: TimeEntry | None) -> None:
        task_id = entry.task_id if entry else self.task_id
        if task_id is None:
            self.notify(_("Add time from a task: select it and press T"), severity="warning")
            return
        self.app.push_screen(
            EntryForm(
                task_id=task_id, member_id=entry.member_id if entry else self.member_id, entry=entry
            ),
            lambda _saved: self.app.time_changed(),
        )

    def action_add(self) -> None:
        self._form(entry=None)

    def action_edit(self) -> None:
        entry = self._selected()
        if entry is not None:
            self._form(entry=entry)

    def action_archive(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        if self._undoable(lambda: archive_entry(self.app.engine, entry_id=entry.id)):
            self.app.time_changed()

    def action_billable(self) -> None:
        """Bill the selected entry or not, whatever its task and client say; undo gives
        the entry back its own say as it was."""
        entry = self._selected()
        if entry is None:
            return
        billable = not self.billed.get(entry.id)
        if self._undoable(
            lambda: set_entry_billable(self.app.engine, entry_id=entry.id, billable=billable)
        ):
            self.app.time_changed()

    def _done(self, change) -> bool:
        """Make `change`, or say why the model refused it (an approved week, say)."""
        try:
            change()
        except ValidationError as error:
            self.notify(str(error), severity="error")
            return False
        return True

    def _undoable(self, change: Callable[[], Done[TimeEntry]]) -> bool:
        """Make `change` as `_done` does, and keep the step it returns."""
        return self._done(lambda: self.app.undo_stack.add(change().undo))

    # --- the week's review -----------------------------------------------------------------

    @property
    def week_start(self) -> pendulum.Date:
        """The sprint week of the day shown (today's, for a task's entries)."""
        return sprint_start(day=self.day, start_weekday=self.app.config.sprint_start_index)

    def _show_week(self) -> None:
        """The mark: my week's state, and a returned week's note."""
        view = week_state(self.app.engine, member_id=self.member_id, week_start=self.week_start)
        mark = _(
            "Week {week}: {state}", week=week_label(view.week_start), state=state_name(view.state)
        )
        if view.note:
            mark += f" · {' '.join(literal(view.note).split())}"
        self.query_one("#entries-week", Static).update(mark)

    def action_submit_week(self) -> None:
        week_start = self.week_start
        engine = self.app.engine
        if self._done(lambda: submit_week(engine, member_id=self.member_id, week_start=week_start)):
            self.notify(_("{week} submitted for review", week=week_label(week_start)))
            self._show_week()

    def action_approve_week(self) -> None:
        self.run_worker(self._review(approve=True), exclusive=True)

    def action_return_week(self) -> None:
        self.run_worker(self._review(approve=False), exclusive=True)

    async def _review(self, *, approve: bool) -> None:
        """A manager picks one of the week's submitted timesheets, then approves it or
        returns it with a note typed in a form (which shows a refusal under the note)."""
        engine, me, week_start = self.app.engine, self.app.me_id, self.week_start
        if not is_manager(engine, member_id=me):
            self.notify(_("only a manager reviews timesheets"), severity="error")
            return
        waiting = [
            (view.name, view.member_id)
            for view in timesheet_states(engine, week_start=week_start)
            if view.state == TimesheetState.SUBMITTED
        ]
        if not waiting:
            self.notify(_("no week {week} waits for review", week=week_label(week_start)))
            return
        heading = _("Approve whose week?") if approve else _("Return whose week?")
        member_id = await self.app.push_screen_wait(PickScreen(title=heading, options=waiting))
        if member_id is PickScreen.CANCELLED:
            return
        if approve:
            if self._done(
                lambda: approve_week(engine, member_id=member_id, week_start=week_start, by_id=me)
            ):
                self.notify(_("{week} approved", week=week_label(week_start)))
            return
        returned = await self.app.push_screen_wait(
            FormScreen(
                title=_("Return the week {week}", week=week_label(week_start)),
                fields=[Field(name="note", label=_("What to fix"))],
                save=lambda values: return_week(
                    engine,
                    member_id=member_id,
                    week_start=week_start,
                    by_id=me,
                    note=values["note"],
                ),
            )
        )
        if returned is not None:
            self.notify(_("{week} returned", week=week_label(week_start)))

    def action_unlock_week(self) -> None:
        """A manager opens the selected entry's approved week again, saying why; the unlock
        is recorded for that entry."""
        entry = self._selected()
        if entry is None:
            return
        engine, me = self.app.engine, self.app.me_id
        if not is_manager(engine, member_id=me):
            self.notify(_("only a manager unlocks a week"), severity="error")
            return
        week_start = sprint_start(
            day=clock.to_local(entry.start).date(),
            start_weekday=self.app.config.sprint_start_index,
        )

        def unlocked(done: object) -> None:
            if done is not None:
                self.notify(_("{week} unlocked", week=week_label(week_start)))
                self._show_week()

        self.app.push_screen(
            FormScreen(
                title=_("Unlock the week {week}", week=week_label(week_start)),
                fields=[Field(name="note", label=_("Why"))],
                save=lambda values: unlock_week(
                    engine,
                    member_id=entry.member_id,
                    week_start=week_start,
                    by_id=me,
                    reason=values["note"],
                    entry_id=entry.id,
                ),
            ),
            unlocked,
        )

    def action_day(self, step: int) -> None:
        if self.task_id is None:
            self.day = self.day.add(days=step)
            self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
