"""Time on the screen: the list of a task's or a day's entries.

The list also holds the week's review: its member submits the week, a manager approves
or returns a submitted one, and a mark says what state the week is in. An approved
week's entries are refused by the model; the list says why instead of changing them.
"""

from __future__ import annotations

from collections.abc import Callable

import pendulum
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from model import clock
from model.billing import entries_billable, set_entry_billable
from model.i18n import _
from model.members import is_manager, team
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
    archive_entry,
    entries_for_member_day,
    entries_for_task,
)
from model.undo import Done
from model.weeks import sprint_start
from tui.dialogs.dialog import Dialog
from tui.dialogs.entry_form import EntryFormDialog
from tui.dialogs.form import Field, FormScreen
from tui.dialogs.pick import PickDialog
from tui.format import clock_time, hours, literal
from tui.outage import survive
from tui.widgets import Column, FittedTable, TableRow

WIDEST_TEXT = 40
"""Cells a task's title or a note takes at most when there is room for more."""
TEXT_KEPT = 21
"""Cells a title or a note keeps however narrow: 20 characters and the ellipsis."""


def _cell(text: str, style: str = "") -> Text:
    """A cell shown as typed, cut with an ellipsis at its column's width."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


class EntriesScreen(Dialog[None]):
    """The time entries of a task, or of one member's day, with add, edit and archive;
    in the frame of the longer dialogs."""

    DEFAULT_CLASSES = "-wide"
    AUTO_FOCUS = None
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
                "start": clock_time(entry.start),
                "end": clock_time(entry.end) if entry.end else _("running"),
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

    @work(exclusive=True, group="entries-prompt")
    @survive
    async def _form(self, *, entry: TimeEntry | None) -> None:
        """The entry form; the time is taken as changed once it closes, saved or not."""
        task_id = entry.task_id if entry else self.task_id
        if task_id is None:
            self.notify(_("Add time from a task: select it and press T"), severity="warning")
            return
        await self.app.push_screen_wait(
            EntryFormDialog(
                task_id=task_id, member_id=entry.member_id if entry else self.member_id, entry=entry
            )
        )
        self.app.time_changed()

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
        member_id = await self.app.push_screen_wait(PickDialog(title=heading, options=waiting))
        if member_id is None:
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

    @work(exclusive=True, group="entries-prompt")
    @survive
    async def action_unlock_week(self) -> None:
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
        done = await self.app.push_screen_wait(
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
            )
        )
        if done is not None:
            self.notify(_("{week} unlocked", week=week_label(week_start)))
            self._show_week()

    def action_day(self, step: int) -> None:
        if self.task_id is None:
            self.day = self.day.add(days=step)
            self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
