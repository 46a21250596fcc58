"""The board: kanban columns by status, one client or all.

Each column draws only the cards that fit on screen and asks the model for
that page alone, so a column of thousands of tasks costs what a column of ten
does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from model import clock
from model.board import Card, Scope, board_columns, column_page, parse_filter
from model.budgets import Level, budget_statuses
from model.clients import active_clients
from model.i18n import _, language
from model.tables import BOARD_STATUSES, Priority, Status
from model.task_steps import set_fields, swap, toggle_sprint
from model.tasks import next_priority
from tui.format import days_since, due_phrase, hours, literal
from tui.keys import translate_bindings
from tui.labels import PRIORITY_MARKS, STATUS_TITLES
from tui.outage import SurvivesOutages
from tui.screens.filtering import FilterField, Filtering, filter_bindings, with_filter
from tui.screens.showing import A_FRAME
from tui.screens.task_actions import TaskActions
from tui.widgets import DeckFooter, DeckHeader

CARD_LINES = 4
CARD_HEIGHT = CARD_LINES + 1
COLUMN_LEAST = 19
"""Cells a column takes at least (16 for a card's lines): a narrow board shows fewer columns."""
CARD_STRIPS_KEPT = 512
"""Cards whose drawn lines a column keeps: several pages of the longest column."""


def wrap(text: str, *, width: int, lines: int) -> list[str]:
    """Cut `text` into at most `lines` lines of `width` cells, with … when it is longer."""
    content = Content(" ".join(literal(text).split()))
    out = [line.plain for line in content.wrap(width)] if width > 0 else []
    if len(out) > lines:
        out = out[:lines]
        out[-1] = Content(out[-1]).truncate(max(width - 1, 0)).plain.rstrip() + "…"
    return out + [""] * (lines - len(out))


BUDGET_TAGS = {
    Level.WARNING: "bold $text on $warning",
    Level.OVER: "bold $text on $error",
}


@lru_cache(maxsize=1024)
def card_lines(
    *,
    card: Card,
    width: int,
    selected: bool,
    level: Level,
    today: date,
    hour: datetime,
    language: str,
) -> tuple[Content, ...]:
    """A card as four lines of content, user text always literal.

    The client's tag turns to the warning colour at 80 % of the month's paid
    hours and to the error colour at 100 %. Cached: a key press redraws the
    same cards, and `hour` (now, to the hour) is all the waiting days need;
    `language` keys the cache because the due phrases are translated.
    """
    mark, mark_style = PRIORITY_MARKS[Priority(card.priority)]
    tag = BUDGET_TAGS.get(level, f"bold #ffffff on {card.client_colour}")
    head = Content.assemble(
        (f" {literal(card.client_code)} ", tag),
        " ",
        (mark, mark_style),
        ("🔥" if card.fire else "", ""),
        ("⚑" if card.promised else "", "$accent"),
        (f" {card.assignee}" if card.assignee else "", "$text-muted"),
    )
    title = [Content(line) for line in wrap(card.title, width=width, lines=2)]
    meta: list[tuple[str, str] | str] = []
    if card.due_date is not None:
        phrase, late = due_phrase(due=card.due_date, today=today)
        meta.append((phrase, "$error" if late else ""))
    if card.estimate_hours is not None or card.spent_hours:
        estimate = hours(card.estimate_hours) if card.estimate_hours is not None else "?"
        over = card.estimate_hours is not None and card.spent_hours > card.estimate_hours
        spent = hours(card.spent_hours, places=1)
        meta.append((f"{spent}/{estimate}h", "$warning" if over else ""))
    if card.waiting_since is not None:
        meta.append((f"⏳{days_since(since=card.waiting_since, now=hour)}d", "$warning"))
    parts: list[tuple[str, str] | str] = []
    for index, part in enumerate(meta):
        if index:
            parts.append(" · ")
        parts.append(part)
    lines = [head, *title, Content.assemble(*parts)]
    style = "on $boost" if not selected else "reverse"
    return tuple(line.truncate(width, pad=True).stylize(style) for line in lines)


@dataclass
class ColumnState:
    status: str
    count: int = 0
    offset: int = 0
    cursor: int = 0


class BoardColumn(Widget):
    """One status column: a title with the count, then the visible page of cards."""

    def __init__(self, *, status: str) -> None:
        super().__init__(id=f"col-{status}")
        # A card holds no links: looking for them in every repainted line is wasted.
        self.auto_links = False
        self.state = ColumnState(status=status)
        self.cards: list[Card] = []
        self.active = False
        self.edges = (False, False)
        """Whether columns are left off the screen before this one, and after it."""
        self._drawn: tuple = ()
        self._levels: dict | None = None
        self._placed: tuple = ()
        self._lines: list[Strip] = []
        """This render's lines, read by `render_line`."""
        self._card_strips: dict[tuple, list[Strip]] = {}

    @property
    def capacity(self) -> int:
        return max(1, (self.size.height - 2) // CARD_HEIGHT)

    @property
    def selected(self) -> Card | None:
        index = self.state.cursor - self.state.offset
        return self.cards[index] if 0 <= index < len(self.cards) else None

    def can_wait(self, *, count: int, scope: Scope) -> bool:
        """Whether re-reading can wait until the frame is shown: the column is not the
        active one and shows the same scope at the same size with the same count and
        budget levels, so no card of ours moved in or out of it."""
        return (
            not self.active
            and self._placed == (scope, self.capacity, count, False)
            and self._levels is self.screen.levels
        )

    def fits(self) -> bool:
        """Whether the page shown was read for the column's present size."""
        return bool(self._placed) and self._placed[1] == self.capacity

    def place(self, *, count: int, scope: Scope) -> tuple[int, int]:
        """Take the column's new count and keep the cursor on screen; the page to fetch."""
        self._placed = (scope, self.capacity, count, self.active)
        state = self.state
        state.count = count
        state.cursor = min(state.cursor, max(count - 1, 0))
        if state.cursor < state.offset:
            state.offset = state.cursor
        elif state.cursor >= state.offset + self.capacity:
            state.offset = state.cursor - self.capacity + 1
        state.offset = max(0, min(state.offset, max(count - self.capacity, 0)))
        return state.offset, self.capacity

    def load(self, *, cards: list[Card], kept: Card | None = None) -> None:
        """Show the page `place` asked for; with `kept`, the cursor stays on that card."""
        state = self.state
        self.cards = cards
        ids = [card.id for card in cards]
        if kept is not None and kept.id in ids:
            state.cursor = state.offset + ids.index(kept.id)
        drawn = (tuple(cards), state.count, state.offset, state.cursor, self.active)
        if drawn != self._drawn or self.screen.levels is not self._levels:
            # Repainting a column that did not change is most of a key's cost.
            self._drawn, self._levels = drawn, self.screen.levels
            self.refresh()

    def take_out(self, card: Card) -> None:
        """`card` leaves the page before its move is stored; the stored page follows."""
        state = self.state
        self.cards = [shown for shown in self.cards if shown.id != card.id]
        state.count = max(state.count - 1, 0)
        state.cursor = min(state.cursor, max(state.count - 1, 0))
        self.refresh()

    def put_on_top(self, card: Card) -> None:
        """`card` arrives at the top, selected, as a status change puts it."""
        state = self.state
        state.count += 1
        state.offset = state.cursor = 0
        self.cards = [card, *self.cards][: self.capacity]
        self.refresh()

    def swap(self, *, step: int) -> None:
        """The selected card trades places with its neighbour `step` away; the selection
        follows it."""
        state = self.state
        here, there = state.cursor - state.offset, state.cursor + step - state.offset
        if 0 <= here < len(self.cards) and 0 <= there < len(self.cards):
            self.cards[here], self.cards[there] = self.cards[there], self.cards[here]
        state.cursor += step
        if not state.offset <= state.cursor < state.offset + self.capacity:
            state.offset = max(0, min(state.cursor, state.count - self.capacity))
        self.refresh()

    def redraw_card(self, card: Card) -> None:
        """`card` as it will be stored, in place of its stored self."""
        self.cards = [card if shown.id == card.id else shown for shown in self.cards]
        self.refresh()

    def _parts(self, *, width: int) -> list[tuple[tuple | None, list[Content]]]:
        """The column in pieces: its head, each card (with all its look depends on), its foot."""
        state = self.state
        today, hour, lang = clock.today(), clock.now().start_of("hour"), language()
        before, after = self.edges
        title = Content.assemble(
            ("‹ " if before else "", "$text-muted"),
            (_(STATUS_TITLES[Status(state.status)]), "bold"),
            (f" {state.count}", "$text-muted"),
        ).truncate(width - 2 * after, pad=True)
        if after:
            title = Content.assemble(title, (" ›", "$text-muted"))
        above = (
            Content.styled(_("↑ {n} more", n=state.offset), "$text-muted")
            if state.offset
            else Content("")
        )
        parts: list[tuple[tuple | None, list[Content]]] = [
            (None, [title.stylize("underline" if self.active else ""), above])
        ]
        for index, card in enumerate(self.cards):
            look = {
                "card": card,
                "width": width,
                "selected": self.active and state.offset + index == state.cursor,
                "level": self.screen.levels.get(card.client_id, Level.NONE),
                "today": today,
                "hour": hour,
                "language": lang,
            }
            parts.append((tuple(look.values()), [*card_lines(**look), Content("")]))
        below = state.count - state.offset - len(self.cards)
        if below > 0:
            parts.append((None, [Content.styled(_("↓ {n} more", n=below), "$text-muted")]))
        return parts

    def render(self) -> Content:
        """The whole column as one text, as a mouse selection sees it."""
        parts = self._parts(width=max(self.size.width, 1))
        return Content("\n").join([line for _look, lines in parts for line in lines])

    def render_lines(self, crop: Region) -> list[Strip]:
        """Each card's lines are kept while the card and its look are unchanged: laying out
        a whole column's text again was most of what a move cost, and a move changes
        two or three cards at most."""
        width = max(self.size.width, 1)
        style = self.visual_style
        if len(self._card_strips) > CARD_STRIPS_KEPT:
            self._card_strips.clear()
        self._lines = []
        for look, lines in self._parts(width=width):
            kept = self._card_strips.get((look, style)) if look else None
            if kept is None:
                kept = Visual.to_strips(self, Content("\n").join(lines), width, None, style)
                if look:
                    self._card_strips[(look, style)] = kept
            self._lines += kept
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if self.text_selection is not None:
            return super().render_line(y)
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)


class BoardScreen(SurvivesOutages, Filtering, TaskActions, Screen):
    CSS_PATH = "board.tcss"
    BINDINGS = [
        Binding("left,h", "cursor(-1, 0)", "Left", show=False, id="board.left"),
        Binding("right,l", "cursor(1, 0)", "Right", show=False, id="board.right"),
        Binding("up,k", "cursor(0, -1)", "Up", show=False, id="board.up"),
        Binding("down,j", "cursor(0, 1)", "Down", show=False, id="board.down"),
        Binding("H,shift+left", "move(-1)", "Move left", show=False, id="board.move_left"),
        Binding("L,shift+right", "move(1)", "Move right", id="board.move_right"),
        Binding("K,shift+up", "reorder(-1)", "Reorder up", show=False, id="board.reorder_up"),
        Binding("J,shift+down", "reorder(1)", "Reorder down", show=False, id="board.reorder_down"),
        Binding("enter", "open", "Open", id="board.open"),
        Binding("c", "create", "Create", id="board.create"),
        Binding("e", "edit", "Edit", show=False, id="board.edit"),
        Binding("p", "priority", "Priority", show=False, id="board.priority"),
        Binding("d", "due", "Due", show=False, id="board.due"),
        Binding("a", "assign", "Assign", show=False, id="board.assign"),
        Binding("s", "sprint", "Sprint", show=False, id="board.sprint"),
        Binding("w", "waiting", "Waiting", show=False, id="board.waiting"),
        Binding("x", "archive", "Archive", show=False, id="board.archive"),
        Binding("T", "entries", "Time entries", show=False, id="board.entries"),
        Binding("R", "hours_report", "Hours report", show=False, id="board.hours_report"),
        *filter_bindings(screen="board"),
        Binding(
            "left_square_bracket",
            "client(-1)",
            "Previous client",
            show=False,
            id="board.prev_client",
        ),
        Binding(
            "right_square_bracket", "client(1)", "Next client", show=False, id="board.next_client"
        ),
        Binding("0", "client(0)", "All clients", show=False, id="board.all_clients"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.levels: dict[int, Level] = {}
        self._clients = None
        self._levels_epoch = -1
        self.client_index = -1
        self.columns = [BoardColumn(status=status) for status in BOARD_STATUSES]
        """Made once, so a key finds its column without querying the DOM."""
        self.first_shown = 0
        """The first column on screen when not all fit."""
        self.column_index = 0

    @property
    def column_index(self) -> int:
        return self._column_index

    @column_index.setter
    def column_index(self, index: int) -> None:
        """The selected column, always one of those on screen."""
        self._column_index = index
        self._show_columns()

    def _show_columns(self) -> None:
        """As many columns as keep their cards readable, the selected one among them."""
        width = self.size.width if self.is_mounted else 0
        count = len(self.columns)
        fit = max(1, min(count, width // COLUMN_LEAST)) if width else count
        first = min(max(self.first_shown, self.column_index - fit + 1), self.column_index)
        self.first_shown = first = max(0, min(first, count - fit))
        uncovered = False
        for index, column in enumerate(self.columns):
            shown = first <= index < first + fit
            edges = (shown and index == first > 0, shown and index == first + fit - 1 < count - 1)
            uncovered |= shown and not column.display
            column.display = shown
            if edges != column.edges:
                column.edges = edges
                column.refresh()
        if uncovered:  # read once laid out: a column off screen held a page for no height
            self.call_after_refresh(self._load_unfit)

    def _load_unfit(self) -> None:
        unfit = [column for column in self.columns if column.display and not column.fits()]
        if self.is_mounted and unfit:
            self._load(unfit)

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Board"))
        with Horizontal(id="columns"):
            yield from self.columns
        yield FilterField()
        yield DeckFooter()

    @property
    def column(self) -> BoardColumn:
        return self.columns[self.column_index]

    @property
    def clients(self):
        """The clients `[` and `]` step through, read when the screen shows, not per key."""
        if self._clients is None:
            self._clients = active_clients(self.app.engine)
        return self._clients

    @property
    def scope(self) -> Scope:
        clients = self.clients
        client_id = clients[self.client_index].id if 0 <= self.client_index < len(clients) else None
        return Scope(
            sprint_id=self.app.now.sprint.id,
            client_id=client_id,
            filter=parse_filter(text=self.filter_text),
        )

    def on_resize(self) -> None:
        """Only a new size that changes how many cards a column holds needs a read: the
        resize that comes with the first paint would otherwise read the board twice."""
        self._show_columns()
        if not all(column.fits() for column in self.columns):
            self.reload()

    def on_screen_resume(self) -> None:
        # Columns not laid out yet are read by the resize that lays them out.
        if self.column.size.height and self.app.stale(self):
            self._clients = None
            self.reload(wait=False)

    def reload_after_others(self) -> None:
        """Someone else changed data: re-read, keeping each selected card selected."""
        self._clients = None
        self.reload(follow=True)

    def reload(self, *, follow: bool = False, wait: bool = True) -> None:
        """Re-read counts and the visible pages, keeping each column's cursor.

        With `wait`, columns that can wait are read a frame later (see `_load`);
        a screen shown again reads them all at once, since they may show
        changes made while it was away.
        """
        if not self.is_mounted:
            return
        self.app.mark_seen(self)
        if self._levels_epoch != self.app.time_epoch:
            self._levels_epoch = self.app.time_epoch
            statuses = budget_statuses(self.app.engine, month=clock.today())
            self.levels = {client_id: status.level for client_id, status in statuses.items()}
        for index, column in enumerate(self.columns):
            column.active = index == self.column_index
        self._load(self.columns, follow=follow, wait=wait)
        clients = self.clients
        name = (
            clients[self.client_index].name
            if 0 <= self.client_index < len(clients)
            else _("All clients")
        )
        self.query_one(DeckHeader).set_scope(with_filter(scope=name, text=self.filter_text))

    def _reload_column(self, column: BoardColumn) -> None:
        self._load([column])

    def _load(
        self, columns: list[BoardColumn], *, follow: bool = False, wait: bool = False
    ) -> None:
        """Counts and pages of `columns`, read for all of them together.

        With `wait`, the columns that can wait are read a frame later instead:
        a move or its undo changes two columns, and the other four need not
        hold up showing them. Whatever else changed there (someone else's
        write, say) shows a frame later.
        """
        scope = self.scope
        by_status = {column.state.status: column for column in columns}
        kept = {status: column.selected if follow else None for status, column in by_status.items()}
        later: list[BoardColumn] = []

        def place(status: str, count: int) -> tuple[int, int] | None:
            column = by_status[status]
            if wait and column.can_wait(count=count, scope=scope):
                later.append(column)
                return None
            return column.place(count=count, scope=scope)

        loaded = board_columns(self.app.engine, scope=scope, statuses=tuple(by_status), place=place)
        for status, cards in loaded.items():
            by_status[status].load(cards=cards, kept=kept[status])
        if later:
            self.set_timer(A_FRAME, lambda: self._load(later, follow=follow))

    @property
    def selected(self) -> Card | None:
        return self.column.selected

    def selected_task_id(self) -> int | None:
        card = self.selected
        return card.id if card else None

    # Movement

    def action_cursor(self, dx: int, dy: int) -> None:
        if dx:
            self.column.active = False
            self.column.refresh()
            self.column_index = (self.column_index + dx) % len(BOARD_STATUSES)
            self.column.active = True
            self.column.refresh()
            return
        state = self.column.state
        target = min(max(state.cursor + dy, 0), max(state.count - 1, 0))
        if target == state.cursor:
            return
        state.cursor = target
        if state.offset <= target < state.offset + len(self.column.cards):
            self.column.refresh()
        else:
            self._reload_column(self.column)

    def action_client(self, step: int | None) -> None:
        """`]`/`[` step through clients, `0` shows all; None keeps the scope just set."""
        clients = self.clients
        if step == 0 or not clients:
            self.client_index = -1
        elif step is not None:
            self.client_index = (self.client_index + step) % len(clients)
        for column in self.columns:
            column.state.cursor = column.state.offset = 0
        self.reload()

    def show_client(self, *, client_id: int) -> None:
        ids = [client.id for client in self.clients]
        self.client_index = ids.index(client_id) if client_id in ids else -1
        self.action_client(None)

    # Changes, each undoable

    def action_move(self, step: int) -> None:
        index = BOARD_STATUSES.index(Status(self.column.state.status)) + step
        if not 0 <= index < len(BOARD_STATUSES):
            self.app.bell()
            return
        self._move_to(status=BOARD_STATUSES[index], label=_("move"))

    def action_waiting(self) -> None:
        self._move_to(status=Status.WAITING, label=_("waiting on client"))

    def _move_to(self, *, status: Status, label: str) -> None:
        """Move the selected card; the selection follows it to the top of its new column,
        at once, while the move is written."""
        card = self.selected
        if card is None or self.column.state.status == status:
            self.app.bell()
            return
        engine, who = self.app.engine, self.app.me_id
        self.change_selected(
            change=lambda task_id: set_fields(
                engine, task_id=task_id, changes={"status": status}, label=label, who=who
            ),
            show=lambda: self._show_moved(card=card, status=status),
        )

    def _show_moved(self, *, card: Card, status: Status) -> None:
        """Draw `card` on top of the `status` column, selected, before the move is stored."""
        self.column.take_out(card)
        self.column.active = False
        self.column_index = BOARD_STATUSES.index(status)
        self.column.active = True
        self.column.put_on_top(replace(card, status=status))

    def action_reorder(self, step: int) -> None:
        column = self.column
        state = column.state
        other_index = state.cursor + step
        if not 0 <= other_index < state.count:
            self.app.bell()
            return
        on_page = other_index - state.offset
        if 0 <= on_page < len(column.cards):
            other_id = column.cards[on_page].id
        else:  # the neighbour is off the page: the one read a reorder may need
            others = column_page(
                self.app.engine, scope=self.scope, status=state.status, offset=other_index, limit=1
            )
            if not others:
                return
            other_id = others[0].id
        engine, who = self.app.engine, self.app.me_id
        self.change_selected(
            change=lambda task_id: swap(
                engine, task_id=task_id, other_id=other_id, label=_("reorder"), who=who
            ),
            show=lambda: column.swap(step=step),
        )

    def show_priority_cycled(self) -> None:
        card = self.selected
        if card is not None:
            self.column.redraw_card(replace(card, priority=next_priority(current=card.priority)))

    def action_sprint(self) -> None:
        """Into the sprint or out of it; a backlog card planned in moves to To do at once,
        as the stored change will have it."""
        card = self.selected
        engine, who, sprint_id = self.app.engine, self.app.me_id, self.app.now.sprint.id
        planned_in = card is not None and card.status == Status.BACKLOG
        self.change_selected(
            change=lambda task_id: toggle_sprint(
                engine, task_id=task_id, sprint_id=sprint_id, label=_("sprint"), who=who
            ),
            show=(lambda: self._show_moved(card=card, status=Status.TODO)) if planned_in else None,
        )

    action_open = TaskActions.action_edit

    def action_create(self) -> None:
        from tui.screens.card import CardScreen

        self.app.push_screen(
            CardScreen(
                task_id=None, status=self.column.state.status, client_id=self.scope.client_id
            ),
            lambda _saved: self.reload(),
        )

    # Time

    def action_entries(self) -> None:
        from tui.screens.timer import EntriesScreen

        card = self.selected
        if card is None:
            self.app.bell()
            return
        self.app.with_me(
            lambda: self.app.push_screen(
                EntriesScreen(member_id=self.app.me_id, task_id=card.id),
                lambda _closed: self.reload(),
            )
        )

    def action_hours_report(self) -> None:
        """This month's hours report for the scoped client (or the selected card's)."""
        card = self.selected
        client_id = self.scope.client_id or (card.client_id if card else None)
        if client_id is None:
            self.app.bell()
            return
        self.app.hours_report(client_id=client_id)

    # Filter

    def filter_changed(self) -> None:
        for column in self.columns:
            column.state.cursor = column.state.offset = 0
        self.reload()
