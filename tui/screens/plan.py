"""The Plan screen: a week's sprint filled from the backlog, client by client.

Left, the backlog by client, most urgent first; right, the sprint by client,
each with its hours against what is left of the month's budget and whether
the client agreed to it; beside them, each member's load against capacity
(an overloaded member is warned of above the rest) and the week's utilisation.
Both lists draw only the rows on screen, so a backlog of thousands costs what
a backlog of ten does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from model import clock
from model.budgets import BudgetStatus, budget_statuses
from model.files import WriteError, file_part, reports_dir, write_private
from model.i18n import N_, _, ngettext
from model.occurrences import has_missing, open_sprint
from model.plan_moves import toggled
from model.planning import (
    ClientPlanRow,
    MemberLoad,
    PlanTask,
    PlanView,
    agree_plan,
    budget_month,
    describe_change,
    plan_message,
    plan_view,
)
from model.sprints import ensure_sprint
from model.tables import Priority, Sprint, SprintState, Status
from model.task_steps import toggle_sprint
from model.weeks import as_date, iso_week_label
from tui.format import due_phrase, hours, literal
from tui.keys import translate_bindings
from tui.labels import PRIORITY_MARKS, utilisation_mark
from tui.outage import SurvivesOutages
from tui.screens.plan_templates import TemplateActions
from tui.screens.reading import ReadsInThread
from tui.screens.showing import ReadsAfterShowing
from tui.screens.task_actions import TaskActions
from tui.widgets import DeckFooter, DeckHeader, FlowText

STATUS_MARKS = {
    Status.INBOX: ("·", "$text-muted"),
    Status.BACKLOG: ("·", "$text-muted"),
    Status.TODO: ("○", ""),
    Status.DOING: ("◐", "$accent"),
    Status.WAITING: ("◷", "$warning"),
    Status.REVIEW: ("◑", "$accent"),
    Status.DONE: ("✓", "$success"),
}

TERM_TITLES = {
    "priority": N_("priority"),
    "due": N_("due"),
    "promised": N_("promised"),
    "fire": N_("fire"),
    "age": N_("age"),
    "waiting": N_("waiting"),
    "carried_over": N_("carried over"),
}


TITLE_KEPT = 21
"""Cells a task's title keeps (20 characters and the ellipsis) before other columns go."""


@dataclass(frozen=True)
class Row:
    """One line of a pane: a client's header, a task, or a note that the cursor skips."""

    client: ClientPlanRow
    task: PlanTask | None = None
    note: Content | None = None

    @property
    def selectable(self) -> bool:
        return self.note is None

    @property
    def key(self) -> tuple[str, int]:
        if self.task is not None:
            return ("task", self.task.id)
        return ("note" if self.note is not None else "client", self.client.client_id)


def client_tag(*, client: ClientPlanRow) -> tuple[str, str]:
    return (f" {literal(client.code)} ", f"bold #ffffff on {client.colour}")


def task_line(*, task: PlanTask, width: int, planned: bool) -> Content:
    """A task on one line: score or status, marks, title, estimate, assignee, due date."""
    if planned:
        status, status_style = STATUS_MARKS[Status(task.status)]
        lead = Content.assemble(
            ("+" if task.added_mid_sprint else " ", "bold $warning"), (status, status_style), " "
        )
    else:
        lead = Content.styled(f"{task.urgency:4.1f} ", "$text-muted")
    mark = ("🔥", "") if task.fire else PRIORITY_MARKS[Priority(task.priority)]
    marks = Content.assemble(mark, ("⚑" if task.promised else "", "$accent")).truncate(3, pad=True)
    estimate = hours(task.estimate_hours, places=1) if task.estimate_hours is not None else "?"
    right = [(f" {estimate:>3}h", "$warning" if task.estimate_hours is None else "")]
    right.append((f" {task.assignee:>2}" if task.assignee else "   ", "$text-muted"))
    if task.due_date is not None:
        late = task.due_date < clock.today() and task.status != Status.DONE
        right.append((f" {as_date(task.due_date).format('DD.MM')}", "$error" if late else ""))
    else:
        right.append(("      ", ""))

    def title_room() -> int:
        tail = sum(len(text) for text, _style in right)
        return width - lead.cell_length - marks.cell_length - tail - 1

    while len(right) > 1 and title_room() < TITLE_KEPT:  # narrow: the due date goes, then who
        right.pop()
    tail = Content.assemble(*right)
    room = max(title_room(), 1)
    title = Content(literal(task.title)).truncate(room, ellipsis=True, pad=True)
    if task.status == Status.DONE:
        title = title.stylize("strike $text-muted")
    return Content.assemble(lead, marks, title, " ", tail)


def budget_phrase(*, client: ClientPlanRow) -> tuple[str, str]:
    """ "6/38.5h": planned against what is left of the month, red when it does not fit."""
    planned = hours(client.load.hours, places=1)
    if client.left_hours is None:
        return _("{planned}h · no budget", planned=planned), "$text-muted"
    left = hours(max(client.left_hours, 0.0), places=1)
    return f"{planned}/{left}h", "bold $error" if client.over_budget else ""


def overload_warning(*, member: MemberLoad) -> Content:
    """An overloaded member's line above the rest: how far past their capacity the plan goes."""
    if member.planned_percent is None:
        text = _("⚠ {who}: work planned, no capacity", who=literal(member.initials))
    else:
        text = _(
            "⚠ {who} over capacity: {percent} %",
            who=literal(member.initials),
            percent=member.planned_percent,
        )
    return Content.styled(text, "bold $error")


def agreement_note(*, client: ClientPlanRow) -> Content:
    if client.agreed_at is None:
        return Content.styled("   " + _("not agreed with the client"), "$text-muted")
    if client.change is not None and client.change.changed:
        return Content.styled("   ≠ " + describe_change(change=client.change), "$warning")
    when = clock.to_local(client.agreed_at).format("ddd D MMM HH:mm")
    return Content.styled("   ✓ " + _("agreed {when}", when=when), "$success")


class PlanPane(Widget):
    """A titled list of rows with a cursor, drawing only what fits."""

    def __init__(self, *, pane_id: str) -> None:
        super().__init__(id=pane_id)
        self.rows: list[Row] = []
        self.cursor = 0
        self.top = 0
        self.active = False
        self.title = Content("")

    @property
    def capacity(self) -> int:
        return max(1, self.size.height - 3)

    @property
    def selected(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def set_rows(self, rows: list[Row], *, title: Content) -> None:
        """New rows; the cursor stays on the same row when it is still there."""
        held = self.selected.key if self.selected else None
        keys = [row.key for row in rows]
        self.rows, self.title = rows, title
        if held in keys:
            self.cursor = keys.index(held)
        self.cursor = min(self.cursor, max(len(rows) - 1, 0))
        self._settle(step=1)

    def _settle(self, *, step: int) -> None:
        """Put the cursor on a selectable row (searching in `step`'s direction) and in view."""
        index = self.cursor
        while 0 <= index < len(self.rows) and not self.rows[index].selectable:
            index += step
        if not 0 <= index < len(self.rows):
            index = self.cursor
            while 0 <= index < len(self.rows) and not self.rows[index].selectable:
                index -= step
        self.cursor = max(index, 0)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + self.capacity:
            self.top = self.cursor - self.capacity + 1
        self.top = max(0, min(self.top, max(len(self.rows) - self.capacity, 0)))
        self.refresh()

    def on_resize(self) -> None:
        """A new height only moves what is in view: the rows stay as read."""
        self._settle(step=1)

    def move(self, *, step: int) -> None:
        index = self.cursor + step
        while 0 <= index < len(self.rows) and not self.rows[index].selectable:
            index += step
        if 0 <= index < len(self.rows):
            self.cursor = index
            self._settle(step=step)

    def jump_client(self, *, step: int) -> None:
        """To the header of the previous or next client."""
        current = self.selected.client.client_id if self.selected else None
        index = self.cursor + step
        while 0 <= index < len(self.rows):
            row = self.rows[index]
            if row.task is None and row.note is None and row.client.client_id != current:
                self.cursor = index
                self._settle(step=step)
                return
            index += step
        self.app.bell()

    def show_client(self, *, client_id: int) -> None:
        """Select the client's header, unless a row of that client is selected already."""
        if self.selected is not None and self.selected.client.client_id == client_id:
            return
        for index, row in enumerate(self.rows):
            if row.client.client_id == client_id and row.selectable:
                self.cursor = index
                self._settle(step=1)
                return

    def render(self) -> Content:
        width = max(self.size.width, 1)
        lines = [self.title.truncate(width, pad=True).stylize("underline" if self.active else "")]
        above = self.top
        lines.append(
            Content.styled(_("↑ {n} more", n=above), "$text-muted") if above else Content("")
        )
        visible = self.rows[self.top : self.top + self.capacity]
        for index, row in enumerate(visible, start=self.top):
            line = self.screen.row_line(row=row, width=width, pane=self.id)
            line = line.truncate(width, pad=True)
            if self.active and index == self.cursor:
                line = line.stylize("reverse")
            lines.append(line)
        below = len(self.rows) - self.top - len(visible)
        if below > 0:
            lines.append(Content.styled(_("↓ {n} more", n=below), "$text-muted"))
        return Content("\n").join(lines)


@dataclass(frozen=True)
class _PlanRead:
    """What a read of the week brings: its view, the budgets it used, and whether its
    recurring tasks are yet to be made."""

    view: PlanView
    budgets: dict[int, BudgetStatus]
    budgets_for: tuple
    missing: bool


class PlanScreen(SurvivesOutages, ReadsAfterShowing, TaskActions, TemplateActions, ReadsInThread):
    CSS_PATH = "plan.tcss"
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="plan.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="plan.down"),
        Binding("left,h", "pane(0)", "Backlog", show=False, id="plan.backlog"),
        Binding("right,l", "pane(1)", "Sprint", show=False, id="plan.sprint"),
        Binding("tab", "other_pane", "Other side", show=False, id="plan.other_pane"),
        Binding("left_square_bracket", "client(-1)", "Previous client", show=False, id="plan.prev"),
        Binding("right_square_bracket", "client(1)", "Next client", show=False, id="plan.next"),
        Binding("space,enter", "toggle", "In/out of sprint", id="plan.toggle"),
        Binding("e", "edit", "Edit", show=False, id="plan.edit"),
        Binding("c", "create", "Create", show=False, id="plan.create"),
        Binding("a", "assign", "Assign", show=False, id="plan.assign"),
        Binding("d", "due", "Due", show=False, id="plan.due"),
        Binding("g", "agree", "Agreed with client", id="plan.agree"),
        Binding("y", "copy_plan", "Copy plan for client", id="plan.copy"),
        Binding("s", "save_template", "Save as template", show=False, id="plan.save_template"),
        Binding("T", "apply_template", "Plan a template", show=False, id="plan.apply_template"),
        Binding("N", "week(1)", "Next week", id="plan.next_week"),
        Binding("P", "week(-1)", "Previous week", id="plan.previous_week"),
        Binding("m", "app.team", "Team", show=False, id="plan.team"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._chosen: Sprint | None = None
        """The week picked with N/P; None follows the app's "now" (a new week, a close)."""
        self._chosen_from: int | None = None
        """The working sprint when the week was picked: once "now" moves on, so does Plan."""
        self.view: PlanView | None = None
        self.pane_index = 0
        self._budgets: dict[int, BudgetStatus] = {}
        self._budgets_for: tuple | None = None

    @property
    def sprint(self) -> Sprint:
        """The week shown: the sprint new work goes into, unless another was picked."""
        now = self.app.now
        if self._chosen is not None and self._chosen_from == now.sprint.id:
            return self._chosen
        self._chosen = None
        return now.sprint

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns capacity goes under the backlog and the sprint, which keep the width."""

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Plan"))
        with Horizontal(id="plan-body"):
            yield PlanPane(pane_id="backlog")
            yield PlanPane(pane_id="sprint")
            with VerticalScroll(id="capacity"):
                yield FlowText(id="capacity-text")
        yield Static(id="plan-detail")
        yield DeckFooter()

    @property
    def panes(self) -> list[PlanPane]:
        return list(self.query(PlanPane))

    @property
    def pane(self) -> PlanPane:
        return self.panes[self.pane_index]

    def read_again(self) -> None:
        """Budgets may have been set elsewhere meanwhile: read them again on the way back."""
        self._budgets_for = None
        self.reload()

    def _open_week(self) -> None:
        """Planning a week opens its sprint: the recurring tasks due in it are made, once,
        in a write of their own after the view that found them missing (a view reads only
        what was committed when it began)."""
        if open_sprint(self.app.engine, sprint_id=self.sprint.id, who=self.app.me_id):
            self.reload()

    def reload(self, *, then: Callable[[PlanView], None] | None = None) -> None:
        """Read the week in a thread (budgets again only when recorded time or the week
        changed); what is shown stays until the new view arrives, then `then(view)`."""
        if not self.is_mounted:
            return
        engine, sprint, config = self.app.engine, self.sprint, self.app.config
        wanted = (budget_month(week_start=sprint.week_start), self.app.time_epoch)
        known = self._budgets if self._budgets_for == wanted else None

        def read() -> _PlanRead:
            budgets = known if known is not None else budget_statuses(engine, month=wanted[0])
            return _PlanRead(
                missing=has_missing(engine, sprint=sprint),
                budgets=budgets,
                budgets_for=wanted,
                view=plan_view(engine, sprint=sprint, config=config, budgets=budgets),
            )

        self.read_in_thread(
            read=read,
            show=self._show_read,
            then=None if then is None else lambda: then(self.view),
        )

    def _show_read(self, read: _PlanRead) -> None:
        self._budgets, self._budgets_for = read.budgets, read.budgets_for
        if read.missing:
            self.call_after_refresh(self._open_week)
        self.show_view(read.view)

    def show_view(self, view: PlanView) -> None:
        self.view = view
        backlog_rows: list[Row] = []
        sprint_rows: list[Row] = []
        for client in view.clients:
            waiting = view.backlog.get(client.client_id, [])
            if waiting:
                backlog_rows.append(Row(client=client))
                backlog_rows += [Row(client=client, task=task) for task in waiting]
            planned = view.planned.get(client.client_id, [])
            sprint_rows.append(Row(client=client))
            sprint_rows.append(Row(client=client, note=agreement_note(client=client)))
            sprint_rows += [Row(client=client, task=task) for task in planned]
            if not planned:
                sprint_rows.append(
                    Row(client=client, note=Content.styled("   " + _("nothing planned"), "dim"))
                )
        backlog, sprint = self.panes
        waiting_count = sum(len(tasks) for tasks in view.backlog.values())
        backlog.set_rows(
            backlog_rows,
            title=Content.assemble((_("Backlog"), "bold"), (f" {waiting_count}", "$text-muted")),
        )
        planned_count = sum(len(tasks) for tasks in view.planned.values())
        total = sum(client.load.hours for client in view.clients)
        sprint.set_rows(
            sprint_rows,
            title=Content.assemble(
                (_("Sprint"), "bold"),
                (
                    " "
                    + ngettext("{n} task", "{n} tasks", n=planned_count)
                    + " · "
                    + _("{hours}h open", hours=hours(total, places=1)),
                    "$text-muted",
                ),
            ),
        )
        for index, pane in enumerate(self.panes):
            pane.active = index == self.pane_index
            pane.refresh()
        self.query_one("#capacity-text", FlowText).show(self._capacity_text(view.members))
        self._show_detail()
        self.query_one(DeckHeader).set_scope(self._week_label())

    def _week_label(self) -> str:
        start = as_date(self.sprint.week_start)
        week = iso_week_label(day=start).split("-")[1]
        label = _(
            "sprint {week}: {start}–{end}",
            week=week,
            start=start.format("D"),
            end=start.add(days=6).format("D MMM"),
        )
        if self.sprint.state == SprintState.CLOSED:
            label += " · " + _("closed, read-only")
        elif self.sprint.id != self.app.now.sprint.id:
            label += " · " + _("planning ahead")
        return label

    def _capacity_text(self, members: list[MemberLoad]) -> list[Content]:
        lines = [Content.styled(_("Capacity"), "bold")]
        lines += [overload_warning(member=member) for member in members if member.overloaded]
        for member in members:
            load = member.load
            used, used_style = utilisation_mark(member.utilisation)
            style = "bold $error" if member.overloaded else ""
            if member.capacity_hours is None:
                figures = f"{hours(load.hours, places=1)}h"
                bar = Content("")
            else:
                figures = f"{hours(load.hours, places=1)}/{hours(member.capacity_hours, places=1)}h"
                share = load.hours / member.capacity_hours if member.capacity_hours else 1.0
                filled = min(round(share * 6), 6)
                bar = Content.assemble(
                    ("█" * filled, "$error" if member.overloaded else "$accent"),
                    ("░" * (6 - filled), "$text-muted"),
                )
            lines.append(
                Content.assemble(
                    (f"{literal(member.initials):<3}", "bold"),
                    bar,
                    (f" {figures}", style),
                    (f" {used}" if used else "", used_style),
                    (f" ?{load.unestimated}" if load.unestimated else "", "$warning"),
                    (
                        " " + ngettext("{n} day off", "{n} days off", n=member.days_off)
                        if member.days_off
                        else "",
                        "$text-muted",
                    ),
                )
            )
        target = self.app.config.utilisation
        lines.append(Content(""))
        lines.append(
            Content.styled(
                _(
                    "n%: billable of available hours, target {low}–{high} %",
                    low=hours(target["target_low"]),
                    high=hours(target["target_high"]),
                ),
                "$text-muted",
            )
        )
        if any(member.load.unestimated for member in members):
            lines.append(
                Content.styled(
                    _(
                        "?n: tasks without an estimate, counted as {hours}h each",
                        hours=hours(self.app.config.default_estimate_hours, places=1),
                    ),
                    "$warning",
                )
            )
        return lines

    def row_line(self, *, row: Row, width: int, pane: str | None) -> Content:
        if row.note is not None:
            return row.note
        if row.task is not None:
            return task_line(task=row.task, width=width, planned=pane == "sprint")
        client = row.client
        if pane == "sprint":
            figures, style = budget_phrase(client=client)
            mark: tuple[str, str] = ("", "")
            if client.agreed_at is not None:
                changed = client.change is not None and client.change.changed
                mark = (" ≠", "$warning") if changed else (" ✓", "$success")
            tail = Content.assemble((f" {figures}", style), mark)
        else:
            count = len(self.view.backlog.get(client.client_id, [])) if self.view else 0
            tail = Content.styled(f" {count}", "$text-muted")
        tag = Content.assemble(client_tag(client=client), " ")
        room = max(width - tag.cell_length - tail.cell_length, 1)
        name = Content.styled(literal(client.name), "bold").truncate(room, ellipsis=True, pad=True)
        return Content.assemble(tag, name, tail)

    def _show_detail(self) -> None:
        row = self.pane.selected
        detail = self.query_one("#plan-detail", Static)
        if row is None:
            detail.update(Content(""))
            return
        if row.task is None:
            detail.update(self._client_detail(row.client))
            return
        task = row.task
        facts = [(literal(task.title), "bold")]
        if task.due_date is not None:
            phrase, late = due_phrase(due=task.due_date, today=clock.today())
            facts += [" · ", (_("due {when}", when=phrase), "$error" if late else "")]
        if task.added_mid_sprint:
            facts += [" · ", (_("added mid-sprint"), "$warning")]
        shown = [
            f"{_(TERM_TITLES[name])} {value:+.1f}" for name, value in task.terms.items() if value
        ]
        score = _("urgency {score}", score=f"{task.urgency:.1f}")
        terms_line = score + (" = " + " ".join(shown) if shown else "")
        detail.update(
            Content("\n").join(
                [Content.assemble(*facts), Content.styled(terms_line, "$text-muted")]
            )
        )

    def _client_detail(self, client: ClientPlanRow) -> Content:
        figures, style = budget_phrase(client=client)
        budget = (
            _("budget {hours}h a month", hours=hours(client.budget_hours, places=1))
            if client.budget_hours is not None
            else _("no budget")
        )
        first = Content.assemble(
            client_tag(client=client),
            " ",
            (literal(client.name), "bold"),
            " · ",
            (_("planned/left {figures}", figures=figures), style),
            " · ",
            (budget, "$text-muted"),
        )
        second = agreement_note(client=client)
        if client.load.unestimated:
            second = Content.assemble(
                second,
                (
                    "  "
                    + ngettext(
                        "{n} task without an estimate",
                        "{n} tasks without an estimate",
                        n=client.load.unestimated,
                    ),
                    "$warning",
                ),
            )
        return Content("\n").join([first, second])

    # Selection

    def selected_task_id(self) -> int | None:
        row = self.pane.selected
        return row.task.id if row and row.task else None

    def _selected_client(self) -> ClientPlanRow | None:
        row = self.pane.selected
        return row.client if row else None

    def action_cursor(self, step: int) -> None:
        self.pane.move(step=step)
        self._show_detail()

    def action_pane(self, index: int) -> None:
        if index == self.pane_index:
            return
        client = self._selected_client()
        self.pane_index = index
        if client is not None:
            self.pane.show_client(client_id=client.client_id)
        for number, pane in enumerate(self.panes):
            pane.active = number == self.pane_index
            pane.refresh()
        self._show_detail()

    def action_other_pane(self) -> None:
        self.action_pane(1 - self.pane_index)

    def action_client(self, step: int) -> None:
        self.pane.jump_client(step=step)
        self._show_detail()

    def action_week(self, step: int) -> None:
        """`N` plans next week's sprint ahead; `P` goes back, never before this week's
        (once closed, this week is shown read-only)."""
        now = self.app.now
        start = as_date(self.sprint.week_start).add(weeks=step)
        if start < as_date(now.week_sprint.week_start):
            self.app.bell()
            return
        self._chosen = ensure_sprint(self.app.engine, week_start=start)
        self._chosen_from = now.sprint.id
        for pane in self.panes:
            pane.cursor = pane.top = 0
        self.reload()

    # Changes, each undoable

    def action_toggle(self) -> None:
        engine, who, sprint_id = self.app.engine, self.app.me_id, self.sprint.id
        self.change_selected(
            change=lambda task_id: toggle_sprint(
                engine, task_id=task_id, sprint_id=sprint_id, label=_("plan"), who=who
            ),
            show=self._show_toggled,
        )

    def _show_toggled(self) -> None:
        """The task on its other side at once; the plan as stored is read once written."""
        task_id = self.selected_task_id()
        moved = (
            None if self.view is None or task_id is None else toggled(self.view, task_id=task_id)
        )
        if moved is not None:
            self.show_view(moved)

    def action_create(self) -> None:
        from tui.screens.card import CardScreen

        client = self._selected_client()
        self.app.push_screen(
            CardScreen(
                task_id=None,
                status=Status.BACKLOG,
                client_id=client.client_id if client else None,
            ),
            lambda _saved: self.reload(),
        )

    def action_agree(self) -> None:
        """Stamp the selected client's plan agreed; undo takes the stamp back."""
        client = self._selected_client()
        if client is None:
            self.app.bell()
            return
        done = agree_plan(
            self.app.engine,
            sprint_id=self.sprint.id,
            client_id=client.client_id,
            default=self.app.config.default_estimate_hours,
        )
        self.app.undo_stack.add(done.undo)
        self.notify(_("{client}: plan agreed", client=literal(client.name)), markup=False)
        self.reload()

    def action_copy_plan(self) -> None:
        """The selected client's plan as a message: to the clipboard and a Markdown file."""
        client = self._selected_client()
        if client is None:
            self.app.bell()
            return
        text = plan_message(
            self.app.engine, sprint=self.sprint, client_id=client.client_id, config=self.app.config
        )
        week = iso_week_label(day=as_date(self.sprint.week_start))
        name = f"plan-{file_part(client.code)}-{week}.md"
        try:
            path = write_private(path=reports_dir() / name, text=text)
        except WriteError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.copy_to_clipboard(text)
        self.notify(_("Plan written to {path} and copied", path=path), timeout=6, markup=False)
