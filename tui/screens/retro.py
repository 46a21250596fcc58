"""The retro: the sprint's numbers and burn on the left; checklist, notes and actions on the right.

The right side is one list the cursor walks: `space` ticks a checklist item,
`c` adds to the section under the cursor, `enter` edits, `J`/`K` reorder and
`x` removes, each undoable. `C` closes the sprint after a confirmation that
lists what will move; `[` and `]` browse the other sprints' retros.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from model.budgets import Level, level_of
from model.i18n import _, ngettext
from model.members import team
from model.retro.checklist import Check, checklist, set_check
from model.retro.close import close_sprint, unfinished
from model.retro.notes import (
    NOTE_KINDS,
    NOTE_TITLES,
    ActionLine,
    action_items,
    add_action,
    add_note,
    edit_action,
    edit_note,
    move_action,
    move_note,
    notes,
    remove_action,
    remove_note,
)
from model.retro.sprint import adjacent_sprint
from model.retro.view import (
    RetroView,
    action_details,
    action_state,
    render_markdown,
    retro_view,
    week_title,
)
from model.tables import Status
from model.tasks import ValidationError
from model.weeks import as_date, iso_week_label
from tui.dialogs.close_sprint import CloseSprintDialog
from tui.dialogs.dialog import Given
from tui.dialogs.due import DueDialog
from tui.dialogs.line import LineDialog
from tui.dialogs.pick import PickDialog
from tui.format import hours, literal, subject
from tui.keys import translate_bindings
from tui.labels import utilisation_mark
from tui.outage import SurvivesOutages, survive
from tui.screens.reading import ReadsInThread
from tui.screens.showing import ReadsAfterShowing
from tui.widgets import DeckFooter, DeckHeader

CHECKS = "checks"
ACTIONS = "actions"
PREVIOUS = "previous"
BARS = " ▁▂▃▄▅▆▇█"
BURN_ROWS = 4
LEVEL_STYLES = {Level.WARNING: "$warning", Level.OVER: "$error"}


@dataclass(frozen=True)
class Row:
    """One line of the right-hand list: a heading, a checklist item, a note or an action."""

    section: str
    kind: str
    key: str = ""
    text: str = ""
    task_id: int | None = None

    @property
    def option_id(self) -> str:
        return f"{self.section}:{self.kind}:{self.key}"


def _number(value: float, *, places: int = 1) -> str:
    return f"{value:.0f}" if places == 0 else hours(round(value, places), places=places)


TWO_COLUMNS = 50
"""Cells from which the sprint's figures stand in two columns."""


class SprintPane(Widget):
    """The sprint's numbers, hours per client (as many as fit) and the burn chart."""

    def __init__(self) -> None:
        super().__init__(id="sprint-pane")
        self.view: RetroView | None = None

    def show(self, view: RetroView) -> None:
        self.view = view
        self.refresh()

    def render(self) -> Content:
        view = self.view
        if view is None:
            return Content("")
        width = max(self.size.width, 20)
        state = _("closed") if view.closed else _("open")
        lines = [
            Content.assemble((week_title(sprint=view.sprint), "bold"), f" · {state}"),
            Content(""),
            *self._figures(view, width=width),
            Content(""),
        ]
        burn = self._burn(view, width=width)
        room = max(self.size.height - len(lines) - len(burn) - 1, 2)
        clients = len(view.numbers.clients)
        if room < clients + 1 and self.size.height:  # short: the clients' hours before the chart
            burn, room = [], max(self.size.height - len(lines), 2)
        lines += self._hours(view, width=width, room=room)
        if burn:
            lines += [Content(""), *burn]
        return Content("\n").join(line.truncate(width) for line in lines)

    @staticmethod
    def _figures(view: RetroView, *, width: int) -> list[Content]:
        numbers = view.numbers
        left = (
            (_("Planned when agreed"), str(numbers.planned), ""),
            (_("Done"), str(numbers.done), "$success"),
            (_("Added mid-sprint"), str(numbers.added), "$warning" if numbers.added else ""),
            (_("Not done"), str(numbers.not_done), ""),
            (_("Fires"), str(numbers.fires), "$error" if numbers.fires else ""),
            (_("Days off"), str(numbers.days_off), ""),
        )
        used, used_style = utilisation_mark(numbers.utilisation)
        team = numbers.utilisation
        right = (
            (_("Promises kept"), str(numbers.promises_kept), "$success"),
            (
                _("Promises broken"),
                str(numbers.promises_broken),
                "$error" if numbers.promises_broken else "",
            ),
            (_("Waiting on clients"), _("{days} d", days=_number(numbers.waiting_days)), ""),
            (_("Stand-ups held"), str(numbers.standups), ""),
            (
                _("Billable hours"),
                _("{hours} h", hours=_number(team.billable_hours)) if team is not None else "–",
                "",
            ),
            (_("Utilisation"), used or "–", used_style),
        )
        if width < TWO_COLUMNS:  # narrow: one column, the left figures first
            return [
                Content.assemble(
                    Content(label).truncate(width - 8, pad=True), (f"{value:>8}", style)
                )
                for label, value, style in (*left, *right)
            ]
        half = width // 2
        out = []
        for (label, value, style), (label2, value2, style2) in zip(left, right, strict=True):
            out.append(
                Content.assemble(
                    Content(label).truncate(half - 6, pad=True),
                    (value.rjust(4), style),
                    "  ",
                    Content(label2).truncate(width - half - 8, pad=True),
                    (value2.rjust(8), style2),
                )
            )
        return out

    @staticmethod
    def _hours(view: RetroView, *, width: int, room: int) -> list[Content]:
        clients = view.numbers.clients
        # code, week, plan, month / paid: narrower figures and code when the pane is
        code, week, month = (10, 7, 16) if width >= 40 else (max(width - 26, 4), 6, 14)
        head = Content.styled(
            f"{_('Hours'):<{code}}{_('week'):>{week}}{_('plan'):>{week}}"
            f"{_('month / paid'):>{month}}",
            "bold",
        )
        lines = [head]
        shown = clients if len(clients) <= room - 1 else clients[: max(room - 2, 0)]
        for row in shown:
            plan = "—" if row.planned_hours is None else _number(row.planned_hours)
            over = row.planned_hours is not None and row.hours > row.planned_hours
            paid = "—" if row.budget_hours is None else _number(row.budget_hours, places=0)
            level = level_of(spent=row.month_hours, budget=row.budget_hours)
            lines.append(
                Content.assemble(
                    Content(literal(row.code)).truncate(code, pad=True),
                    (_number(row.hours).rjust(week), "$warning" if over else ""),
                    plan.rjust(week),
                    (
                        f"{_number(row.month_hours)} / {paid}".rjust(month),
                        LEVEL_STYLES.get(level, ""),
                    ),
                )
            )
        if not clients:
            lines.append(Content.styled(_("No time recorded."), "$text-muted"))
        elif len(shown) < len(clients):
            more = len(clients) - len(shown)
            lines.append(
                Content.styled(
                    ngettext(
                        "… {n} more client in the export (e)",
                        "… {n} more clients in the export (e)",
                        n=more,
                    ),
                    "$text-muted",
                )
            )
        return lines

    @staticmethod
    def _burn(view: RetroView, *, width: int) -> list[Content]:
        """Bars of the remaining estimate at the end of each day, eighths of a cell high."""
        points = view.numbers.burn
        highest = max((point for point in points if point is not None), default=0.0)
        cell = max(min((width - 1) // 7, 7), 4)
        first = as_date(view.sprint.week_start)
        rows = []
        for row in range(BURN_ROWS - 1, -1, -1):
            parts = []
            for point in points:
                level = 0 if not point or not highest else round(point / highest * BURN_ROWS * 8)
                fill = min(max(level - row * 8, 0), 8)
                if point is None and row == 0:
                    parts.append((("·").center(cell - 1) + " ", "$text-muted"))
                else:
                    parts.append((BARS[fill] * (cell - 1) + " ", "$accent"))
            rows.append(Content.assemble(*parts))
        days = Content.assemble(
            *[
                (first.add(days=offset).format("ddd")[: cell - 1].center(cell - 1) + " ", "bold")
                for offset in range(7)
            ]
        )
        values = Content.assemble(
            *[
                (("" if p is None else _number(p, places=0)).center(cell - 1) + " ", "$text-muted")
                for p in points
            ]
        )
        title = Content.styled(_("Remaining estimate per day, hours"), "bold")
        return [title, *rows, days, values]


class RetroScreen(SurvivesOutages, ReadsAfterShowing, ReadsInThread):
    CSS_PATH = "retro.tcss"
    BINDINGS = [
        Binding("down,j", "cursor(1)", "Down", show=False, id="retro.down"),
        Binding("up,k", "cursor(-1)", "Up", show=False, id="retro.up"),
        Binding("space", "toggle", "Tick", id="retro.toggle"),
        Binding("c", "create", "Add", id="retro.create"),
        Binding("a", "add_action", "Action item", id="retro.add_action"),
        Binding("enter", "open", "Edit", id="retro.open"),
        Binding("x", "remove", "Remove", show=False, id="retro.remove"),
        Binding("K,shift+up", "reorder(-1)", "Move up", show=False, id="retro.reorder_up"),
        Binding("J,shift+down", "reorder(1)", "Move down", show=False, id="retro.reorder_down"),
        Binding("C", "close_sprint", "Close sprint", id="retro.close"),
        Binding("e", "export", "Export", id="retro.export"),
        Binding(
            "left_square_bracket", "sprint(-1)", "Previous sprint", show=False, id="retro.prev"
        ),
        Binding("right_square_bracket", "sprint(1)", "Next sprint", show=False, id="retro.next"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._chosen: int | None = None
        """The sprint picked with [ and ]; None follows the app's week (a new week moves on)."""
        self._chosen_from: int | None = None
        self.view: RetroView | None = None
        self.rows: list[Row] = []

    @property
    def sprint_id(self) -> int:
        """The sprint shown: this week's, unless another was picked this week."""
        week = self.app.now.week_sprint.id
        if self._chosen is not None and self._chosen_from == week:
            return self._chosen
        self._chosen = None
        return week

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns the numbers narrow to one column, so the lines keep room to read."""

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Retro"))
        with Horizontal(id="retro-body"):
            yield SprintPane()
            lines = OptionList(id="retro-lines", markup=False)
            lines.can_focus = False
            yield lines
        yield DeckFooter()

    @property
    def lines(self) -> OptionList:
        return self.query_one("#retro-lines", OptionList)

    def reload(self) -> None:
        """Re-read the retro in a thread; the cursor stays on the same line when it is still
        there."""
        if not self.is_mounted:
            return
        engine, sprint_id, config = self.app.engine, self.sprint_id, self.app.config
        self.read_in_thread(
            read=lambda: retro_view(
                engine,
                sprint_id=sprint_id,
                checklist_keys=config.retro_checklist,
                target=config.utilisation,
            ),
            show=self._show_view,
        )

    def _view_or_bell(self) -> RetroView | None:
        """The week as read, or a bell while its first read is yet to arrive."""
        if self.view is None:
            self.app.bell()
        return self.view

    def _show_view(self, view: RetroView) -> None:
        self.view = view
        self.query_one(SprintPane).show(self.view)
        state = _("closed") if self.view.closed else _("open")
        self.query_one(DeckHeader).set_scope(f"{self.view.week} · {state}")
        self._show_rows()

    def _reload_lines(self, *, focus: str | None = None) -> None:
        """After a tick, a note or an action item only the lines are read again: such
        changes never move the numbers, and reading those is the slow part."""
        engine, sprint_id = self.app.engine, self.sprint_id
        self.view = replace(
            self.view,
            checks=checklist(engine, sprint_id=sprint_id, keys=self.app.config.retro_checklist),
            notes=notes(engine, sprint_id=sprint_id),
            actions=action_items(engine, sprint_id=sprint_id),
        )
        self._show_rows(focus=focus)

    def _show_rows(self, *, focus: str | None = None) -> None:
        lines = self.lines
        current = self.selected
        wanted = focus or (current.option_id if current else None)
        index = lines.highlighted or 0
        self.rows = self._rows()
        lines.set_options([Option(self._prompt(row), id=row.option_id) for row in self.rows])
        ids = [row.option_id for row in self.rows]
        lines.highlighted = ids.index(wanted) if wanted in ids else min(index, len(ids) - 1)

    def _rows(self) -> list[Row]:
        view = self.view
        assert view is not None
        rows = [Row(section=CHECKS, kind="heading")]
        rows += [Row(section=CHECKS, kind="check", key=check.key) for check in view.checks]
        for kind in NOTE_KINDS:
            rows.append(Row(section=kind, kind="heading"))
            rows += [
                Row(section=kind, kind="note", key=str(note.id), text=note.text)
                for note in view.notes.get(kind, ())
            ]
        rows.append(Row(section=ACTIONS, kind="heading"))
        rows += [
            Row(
                section=ACTIONS,
                kind="action",
                key=str(line.id),
                text=line.text,
                task_id=line.task_id,
            )
            for line in view.actions
        ]
        if view.previous:
            rows.append(Row(section=PREVIOUS, kind="heading"))
            rows += [
                Row(section=PREVIOUS, kind="previous", key=str(line.id), task_id=line.task_id)
                for line in view.previous
            ]
        return rows

    # Drawing the rows

    def _prompt(self, row: Row) -> Content:
        view = self.view
        assert view is not None
        if row.kind == "heading":
            return self._heading(row.section)
        if row.kind == "check":
            check = next(c for c in view.checks if c.key == row.key)
            return self._check(check)
        if row.kind == "note":
            return Content.assemble("  • ", literal(row.text))
        lines = view.actions if row.kind == "action" else view.previous
        return self._action(next(line for line in lines if str(line.id) == row.key))

    def _heading(self, section: str) -> Content:
        titles = {
            CHECKS: _("Checklist"),
            **{kind: _(NOTE_TITLES[kind]) for kind in NOTE_KINDS},
            ACTIONS: _("Action items"),
            PREVIOUS: _("From the last retro"),
        }
        view = self.view
        assert view is not None
        empty = (section in NOTE_KINDS and not view.notes.get(section)) or (
            section == ACTIONS and not view.actions
        )
        hint = _("  nothing yet: c adds") if empty else ""
        return Content.assemble((titles[section], "bold $accent"), (hint, "$text-muted"))

    @staticmethod
    def _check(check: Check) -> Content:
        box = ("  ☑ ", "$success") if check.checked else ("  ☐ ", "$text-muted")
        auto = (_("  auto"), "italic $text-muted") if check.auto else ("", "")
        why = ("\n      " + literal(check.why), "$text-muted") if check.why else ("", "")
        return Content.assemble(box, literal(check.label), auto, why)

    @staticmethod
    def _action(line: ActionLine) -> Content:
        details = action_details(line=line)
        done = line.task_status == Status.DONE
        state = action_state(line=line)
        return Content.assemble(
            "  • ",
            literal(line.text),
            (f" — {literal(details)}" if details else "", "$text-muted"),
            (f" · {state}", "$success" if done else "$text-muted"),
        )

    # Selection

    @property
    def selected(self) -> Row | None:
        index = self.lines.highlighted
        return self.rows[index] if index is not None and 0 <= index < len(self.rows) else None

    def selected_task_id(self) -> int | None:
        row = self.selected
        return row.task_id if row else None

    def action_cursor(self, step: int) -> None:
        index = self.lines.highlighted or 0
        self.lines.highlighted = min(max(index + step, 0), len(self.rows) - 1)

    def _section(self) -> str:
        row = self.selected
        return row.section if row else CHECKS

    # Changes, each undoable

    def action_toggle(self) -> None:
        row = self.selected
        if row is None or row.kind != "check":
            self.app.bell()
            return
        check = next(c for c in self.view.checks if c.key == row.key)
        if check.auto:
            self.notify(
                literal(_("This item is checked from the data: {why}", why=check.why)),
                timeout=4,
                markup=False,
            )
            return
        ticked = set_check(
            self.app.engine, sprint_id=self.sprint_id, key=check.key, checked=not check.checked
        )
        self.app.undo_stack.add(ticked.undo)
        self._reload_lines()

    @work(exclusive=True, group="retro-prompt")
    @survive
    async def action_create(self) -> None:
        """Add to the section under the cursor; elsewhere, ask which one first."""
        section = self._section()
        if section not in (*NOTE_KINDS, ACTIONS):
            options = [(_(NOTE_TITLES[kind]), kind) for kind in NOTE_KINDS]
            options.append((_("Action item"), ACTIONS))
            section = await self.app.push_screen_wait(
                PickDialog(title=_("Add to"), options=options)
            )
            if section is None:
                return
        self._create_in(section)

    def _create_in(self, section: str) -> None:
        if section in NOTE_KINDS:
            self._add_note(kind=section)
        else:
            self.action_add_action()

    def _add_note(self, *, kind: str) -> None:
        engine, sprint_id = self.app.engine, self.sprint_id

        def typed(text: str | None) -> None:
            if text is None:
                return
            added = add_note(engine, sprint_id=sprint_id, kind=kind, text=text)
            self.app.undo_stack.add(added.undo)
            self._reload_lines(focus=f"{kind}:note:{added.value.id}")

        self.app.push_screen(LineDialog(title=_(NOTE_TITLES[kind])), typed)

    def action_add_action(self) -> None:
        engine, sprint_id = self.app.engine, self.sprint_id

        def save(text: str, owner_id: int | None, due) -> None:
            added = add_action(
                engine, sprint_id=sprint_id, text=text, owner_id=owner_id, due_date=due
            )
            self.app.undo_stack.add(added.undo)
            self._reload_lines(focus=f"{ACTIONS}:action:{added.value.id}")

        self._ask_action(title=_("New action item"), text="", then=save, keep=(None, None))

    @work(exclusive=True, group="retro-action")
    @survive
    async def _ask_action(
        self,
        *,
        title: str,
        text: str,
        then: Callable[[str, int | None, date | None], None],
        keep: tuple[int | None, date | None],
    ) -> None:
        """Text, then owner, then due date; escape at the owner or the date keeps `keep`."""
        members = team(self.app.engine)
        hint = _('"CODE: …" makes the task for that client at the close · enter saves')
        line = await self.app.push_screen_wait(LineDialog(title=title, value=text, hint=hint))
        if line is None:
            return
        owners = [(_("Nobody"), Given(None))] + [
            (f"{m.initials}  {m.name}", Given(m.id)) for m in members
        ]
        owner = await self.app.push_screen_wait(
            PickDialog(title=_("Owner of {action}", action=subject(line)), options=owners)
        )
        due = await self.app.push_screen_wait(DueDialog())
        then(
            line,
            keep[0] if owner is None else owner.value,
            keep[1] if due is None else due.date,
        )

    def action_open(self) -> None:
        row = self.selected
        if row is None:
            self.app.bell()
            return
        if row.kind == "heading":
            if row.section in (*NOTE_KINDS, ACTIONS):
                self._create_in(row.section)
            return
        if row.kind == "check":
            self.action_toggle()
        elif row.kind == "note":
            self._edit_note(row)
        elif row.kind == "action":
            self._edit_action(row)
        elif row.task_id is not None:
            self.app.go_to_task(row.task_id)
        else:
            self.app.bell()

    def _edit_note(self, row: Row) -> None:
        engine, note_id, before = self.app.engine, int(row.key), row.text

        def typed(text: str | None) -> None:
            if text is None or text == before:
                return
            self.app.undo_stack.add(edit_note(engine, note_id=note_id, text=text).undo)
            self._reload_lines()

        self.app.push_screen(LineDialog(title=_(NOTE_TITLES[row.section]), value=before), typed)

    def _edit_action(self, row: Row) -> None:
        engine = self.app.engine
        line = next(a for a in self.view.actions if str(a.id) == row.key)

        def save(text: str, owner_id: int | None, due) -> None:
            edited = edit_action(
                engine, action_id=line.id, text=text, owner_id=owner_id, due_date=due
            )
            self.app.undo_stack.add(edited.undo)
            self._reload_lines()

        self._ask_action(
            title=_("Action item"), text=line.text, then=save, keep=(line.owner_id, line.due_date)
        )

    def action_remove(self) -> None:
        row = self.selected
        engine = self.app.engine
        if row is not None and row.kind == "note":
            self.app.undo_stack.add(remove_note(engine, note_id=int(row.key)).undo)
        elif row is not None and row.kind == "action":
            self.app.undo_stack.add(remove_action(engine, action_id=int(row.key)).undo)
        else:
            self.app.bell()
            return
        self._reload_lines()

    def action_reorder(self, step: int) -> None:
        row = self.selected
        engine = self.app.engine
        if row is None or row.kind not in ("note", "action"):
            self.app.bell()
            return
        line_id = int(row.key)
        move = move_note if row.kind == "note" else move_action
        keyword = "note_id" if row.kind == "note" else "action_id"
        moved = move(engine, step=step, **{keyword: line_id})
        if moved is None:
            self.app.bell()
            return
        self.app.undo_stack.add(moved.undo)
        self._reload_lines()

    # The sprint

    def action_sprint(self, step: int) -> None:
        view = self._view_or_bell()
        if view is None:
            return
        found = adjacent_sprint(self.app.engine, week_start=view.sprint.week_start, step=step)
        if found is None:
            self.app.bell()
            return
        self._chosen, self._chosen_from = found.id, self.app.now.week_sprint.id
        self.lines.highlighted = 0
        self.reload()

    def action_close_sprint(self) -> None:
        view = self._view_or_bell()
        if view is None:
            return
        if view.closed:
            self.notify(_("This sprint is already closed"), severity="warning", timeout=3)
            return
        engine, sprint_id = self.app.engine, self.sprint_id
        next_week = iso_week_label(day=as_date(view.sprint.week_start).add(weeks=1))
        waiting = sum(1 for line in view.actions if line.task_id is None)

        def answered(send_back: list[int] | None) -> None:
            if send_back is None:
                return
            try:
                closing = close_sprint(
                    engine, sprint_id=sprint_id, send_back=set(send_back), who=self.app.me_id
                )
            except ValidationError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.app.undo_stack.add(closing.undo)
            moved = _(
                "{week} closed: {rolled} moved to {next}, {back} back to the backlog",
                week=view.week,
                rolled=closing.rolled_over,
                next=next_week,
                back=closing.sent_back,
            )
            made = ngettext(
                "{n} action item became a task",
                "{n} action items became tasks",
                n=len(closing.created_tasks),
            )
            self.notify(f"{moved}; {made}", timeout=6, markup=False)
            self._moved_on()

        self.app.push_screen(
            CloseSprintDialog(
                week=view.week,
                next_week=next_week,
                moving=unfinished(engine, sprint_id=sprint_id),
                actions=waiting,
            ),
            answered,
        )

    def _moved_on(self) -> None:
        """A close or its undo of this week moves the app's "now" (new work goes into
        another sprint), which reloads the screen; a past week's does not, so reload here."""
        if not self.app.refresh_now():
            self.reload()

    def action_export(self) -> None:
        from model.files import WriteError, reports_dir, write_private

        view = self._view_or_bell()
        if view is None:
            return
        text = render_markdown(view)
        try:
            path = write_private(path=reports_dir() / f"retro-{view.week}.md", text=text)
        except WriteError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.copy_to_clipboard(text)
        self.notify(_("Retro written to {path} and copied", path=path), timeout=6, markup=False)
