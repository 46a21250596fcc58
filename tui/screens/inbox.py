"""The inbox: untriaged requests, newest first, and the triage keys.

The triage keys (`TriageActions`) are shared with the stand-up, which
triages its fires the same way. Only the visible page of the inbox is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from model import clock
from model.board import NO_FILTER, parse_filter
from model.i18n import _
from model.inbox import inbox_count
from model.members import team
from model.parsing import parse_hours
from model.tables import Priority, Task
from model.tasks import ValidationError, get_task
from model.triage import (
    InboxItem,
    accept,
    check_reason,
    decline,
    duplicate,
    fire,
    inbox_page,
    to_backlog,
    to_waiting,
)
from model.undo import Done
from tui.dialogs.dialog import Given
from tui.dialogs.duplicate import DuplicateDialog
from tui.dialogs.pick import PickDialog
from tui.dialogs.text import TextDialog
from tui.format import due_phrase, hours, literal, subject
from tui.keys import translate_bindings
from tui.labels import PRIORITY_MARKS
from tui.outage import SurvivesOutages, survive
from tui.paging import Placing
from tui.screens.card import CardScreen
from tui.screens.filtering import FilterField, Filtering, filter_bindings, with_filter
from tui.screens.reading import ReadsInThread
from tui.screens.showing import ReadsAfterShowing
from tui.screens.task_actions import TaskActions
from tui.widgets import DeckFooter, DeckHeader

# Letters, never digits: 1–6 and i switch screens everywhere, so a key that leaves one
# screen never changes data on another. None of them is an app-wide key.
TRIAGE_BINDINGS = [
    Binding("a", "accept", "Accept", id="triage.accept"),
    Binding("b", "backlog", "Backlog", id="triage.backlog"),
    Binding("w", "waiting", "Waiting", id="triage.waiting"),
    Binding("x", "decline", "Decline", id="triage.decline"),
    Binding("u", "duplicate", "Duplicate", id="triage.duplicate"),
    Binding("f", "fire", "Fire", id="triage.fire"),
]


def received(*, at: datetime) -> str:
    """When a request came in, as short as it can be said: 10:12, Tue 16:40, 12 Nov."""
    local = clock.to_local(at)
    days = (clock.today() - local.date()).days
    if days == 0:
        return local.format("HH:mm")
    if days < 7:
        return local.format("ddd HH:mm")
    return local.format("D MMM")


def _estimate(text: str) -> Given[float | None]:
    """Typed hours, or no estimate for an empty answer (not a cancel)."""
    return Given(parse_hours(text=text) if text.strip() else None)


class TriageActions(TaskActions):
    """The triage keys for a screen that has `selected_task_id()` and `reload()`.

    Each action is one model call behind at most one prompt, its undo the step the
    model returned. `enter` opens the card as
    everywhere else.
    """

    action_open = TaskActions.action_edit

    def _target(self) -> int | None:
        task_id = self.selected_task_id()
        if task_id is None:
            self.app.bell()
        return task_id

    def _triage(self, *, done: str, act: Callable[[], Done[Task]]) -> None:
        app = self.app
        try:
            triaged = act()
        except (ValidationError, LookupError) as error:
            app.notify(str(error), severity="error", markup=False)
            return
        app.undo_stack.add(triaged.undo)
        app.notify(f"{done}: {literal(triaged.value.title)}", timeout=3, markup=False)
        app.refresh_facts()
        self.reload()

    @work(exclusive=True, group="triage-prompt")
    @survive
    async def action_accept(self) -> None:
        """Whom to assign, then the estimate; escape at either accepts nothing."""
        task_id = self._target()
        if task_id is None:
            return
        app = self.app
        task = get_task(app.engine, task_id=task_id)
        default = task.estimate_hours
        if default is None:
            default = app.config.default_estimate_hours
        options = [(_("Nobody"), Given(None))] + [
            (f"{m.initials}  {m.name} · {m.role}", Given(m.id)) for m in team(app.engine)
        ]
        title = _("Accept {task}: assign to", task=subject(task.title))
        assignee = await app.push_screen_wait(PickDialog(title=title, options=options))
        if assignee is None:
            return
        estimate = await app.push_screen_wait(
            TextDialog(
                title=_("Estimate of {task}, hours", task=subject(task.title)),
                value=hours(default),
                parse=_estimate,
                hint=_("1.5, 90m, 1h30 · empty for none · escape cancels"),
            )
        )
        if estimate is None:
            return
        self._triage(
            done=_("Accepted into the sprint"),
            act=lambda: accept(
                app.engine,
                task_id=task_id,
                sprint_id=app.now.sprint.id,
                assignee_id=assignee.value,
                estimate_hours=estimate.value,
                who=app.me_id,
            ),
        )

    def action_backlog(self) -> None:
        task_id = self._target()
        if task_id is not None:
            self._triage(
                done=_("Moved to the backlog"),
                act=lambda: to_backlog(self.app.engine, task_id=task_id, who=self.app.me_id),
            )

    def action_waiting(self) -> None:
        task_id = self._target()
        if task_id is not None:
            self._triage(
                done=_("Waiting on the client"),
                act=lambda: to_waiting(self.app.engine, task_id=task_id, who=self.app.me_id),
            )

    @work(exclusive=True, group="triage-prompt")
    @survive
    async def action_decline(self) -> None:
        task_id = self._target()
        if task_id is None:
            return
        task = get_task(self.app.engine, task_id=task_id)
        reason = await self.app.push_screen_wait(
            TextDialog(
                title=_("Why is {task} declined?", task=subject(task.title)), parse=check_reason
            )
        )
        if reason is None:
            return
        self._triage(
            done=_("Declined"),
            act=lambda: decline(
                self.app.engine, task_id=task_id, reason=reason, who=self.app.me_id
            ),
        )

    def action_duplicate(self) -> None:
        task_id = self._target()
        if task_id is None:
            return

        def picked(of_id: int | None) -> None:
            if of_id is None:
                return
            self._triage(
                done=_("Merged into #{id}", id=of_id),
                act=lambda: duplicate(
                    self.app.engine, task_id=task_id, of_id=of_id, who=self.app.me_id
                ),
            )

        self.app.push_screen(DuplicateDialog(task_id=task_id), picked)

    def action_fire(self) -> None:
        task_id = self._target()
        if task_id is not None:
            self._triage(
                done=_("Fire: top of to-do this sprint"),
                act=lambda: fire(
                    self.app.engine,
                    task_id=task_id,
                    sprint_id=self.app.now.sprint.id,
                    who=self.app.me_id,
                ),
            )


def priority_marks(*, priority: str, fire: bool) -> Content:
    """The priority sign and the fire in a fixed three cells, so titles line up."""
    mark, style = PRIORITY_MARKS[Priority(priority)]
    return Content.assemble((mark or " ", style), ("🔥" if fire else "  ", ""))


class InboxList(Widget):
    """The requests, one line each, only the page on screen read from the store."""

    def __init__(self) -> None:
        super().__init__(id="inbox-list")
        self.items: list[InboxItem] = []
        self.wanted = NO_FILTER
        self.count = 0
        self.top = 0
        self.cursor = 0

    @property
    def capacity(self) -> int:
        return max(1, self.size.height - 1)

    @property
    def selected(self) -> InboxItem | None:
        index = self.cursor - self.top
        return self.items[index] if 0 <= index < len(self.items) else None

    def placing(self) -> Placing:
        return Placing(cursor=self.cursor, offset=self.top, capacity=self.capacity)

    def show_page(self, page: InboxPage) -> None:
        """A page read in a thread; the cursor stays on it (a key may have moved it)."""
        self.count, self.top, self.items = page.count, page.top, page.items
        last = page.top + len(page.items) - 1
        self.cursor = max(page.top, min(self.cursor, last)) if page.items else 0
        self.refresh()

    def move(self, step: int) -> bool:
        """Move the cursor; says whether the page shown holds it (if not, it is to be read)."""
        target = max(0, min(self.cursor + step, self.count - 1))
        if target == self.cursor:
            return True
        self.cursor = target
        self.refresh()
        return self.top <= target < self.top + len(self.items)

    def render(self) -> Content:
        width = max(self.size.width, 1)
        title = Content.assemble(
            (_("Requests to triage"), "bold"), (f" {self.count}", "$text-muted")
        )
        lines = [title.truncate(width, pad=True)]
        if not self.count:
            empty = (
                _("Nothing matches the filter.")
                if not self.wanted.empty
                else _("Inbox zero: nothing to triage.")
            )
            lines.append(Content.styled(empty, "$text-muted"))
        code_width = max((len(literal(item.client_code)) for item in self.items), default=0)
        for index, item in enumerate(self.items):
            tag = f" {literal(item.client_code):<{code_width}} "
            line = Content.assemble(
                (tag, f"bold #ffffff on {item.client_colour}"),
                " ",
                priority_marks(priority=item.priority, fire=item.fire),
                (f" {received(at=item.created_at):>9}  ", "$text-muted"),
                " ".join(literal(item.title).split()),
            ).truncate(width, pad=True)
            if self.top + index == self.cursor:
                line = line.stylize("reverse")
            lines.append(line)
        return Content("\n").join(lines)


class InboxDetail(Static):
    """The selected request in full: client, when it came in, and its whole text."""

    def show(self, item: InboxItem | None) -> None:
        if item is None:
            self.update("")
            return
        parts: list = [
            (literal(item.title), "bold"),
            "\n\n",
            (_("Client") + "  ", "$text-muted"),
            literal(f"{item.client_name} ({item.client_code})"),
            "\n",
            (_("Received") + "  ", "$text-muted"),
            clock.to_local(item.created_at).format("ddd D MMM, HH:mm"),
        ]
        if item.due_date is not None:
            phrase, late = due_phrase(due=item.due_date, today=clock.today())
            parts += ["\n", (_("Due") + "  ", "$text-muted"), (phrase, "$error" if late else "")]
        if item.estimate_hours is not None:
            parts += ["\n", (_("Estimate") + "  ", "$text-muted"), hours(item.estimate_hours) + "h"]
        if item.fire or item.priority == Priority.URGENT:
            parts += ["\n", (_("Urgent: a fire for the stand-up"), "$error")]
        if item.description.strip():
            parts += ["\n\n", literal(item.description.strip())]
        self.update(Content.assemble(*parts))


@dataclass(frozen=True)
class InboxPage:
    """The requests' count and the page of them on screen, as read in a thread."""

    count: int
    top: int
    items: list[InboxItem]


class InboxScreen(SurvivesOutages, ReadsAfterShowing, Filtering, TriageActions, ReadsInThread):
    CSS_PATH = "inbox.tcss"
    BINDINGS = [
        *TRIAGE_BINDINGS,
        Binding("up,k", "cursor(-1)", "Up", show=False, id="inbox.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="inbox.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="inbox.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="inbox.page_down"),
        Binding("enter", "open", "Open", id="inbox.open"),
        Binding("c", "create", "Capture", id="inbox.create"),
        *filter_bindings(screen="inbox"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns the request on show goes under the list, which keeps the width."""

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Inbox"))
        with Horizontal(id="inbox"):
            yield InboxList()
            yield InboxDetail(id="inbox-detail")
        yield FilterField()
        yield DeckFooter()

    @property
    def listing(self) -> InboxList:
        return self.query_one(InboxList)

    def on_resize(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Count and page in a thread; the list shows what it had until they arrive."""
        if not self.is_mounted:
            return
        engine, listing = self.app.engine, self.listing
        placing, wanted = listing.placing(), listing.wanted

        def read() -> InboxPage:
            count = inbox_count(engine, wanted=wanted)
            top, limit = placing.page(count=count)
            items = inbox_page(engine, offset=top, limit=limit, wanted=wanted)
            return InboxPage(count=count, top=top, items=items)

        self.read_in_thread(read=read, show=self._show_page)

    def _show_page(self, page: InboxPage) -> None:
        self.listing.show_page(page)
        self._show_selected()

    def _show_selected(self) -> None:
        self.query_one(InboxDetail).show(self.listing.selected)

    def selected_task_id(self) -> int | None:
        item = self.listing.selected
        return item.id if item else None

    def action_cursor(self, step: int) -> None:
        self._move(step=step)

    def action_page(self, step: int) -> None:
        self._move(step=step * self.listing.capacity)

    def _move(self, *, step: int) -> None:
        if self.listing.move(step):
            self._show_selected()
        else:
            self.reload()

    def action_create(self) -> None:
        self.app.push_screen(
            CardScreen(task_id=None, status="inbox"), lambda _saved: self._captured()
        )

    def filter_changed(self) -> None:
        self.listing.wanted = parse_filter(text=self.filter_text)
        self.listing.cursor = self.listing.top = 0
        self.query_one(DeckHeader).set_scope(with_filter(scope="", text=self.filter_text))
        self.reload()

    def _captured(self) -> None:
        self.app.refresh_facts()
        self.listing.cursor = 0
        self.reload()
