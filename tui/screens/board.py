"""The board: kanban columns by status, one client or all.

Each column draws only the cards that fit on screen and asks the model for
that page alone, so a column of thousands of tasks costs what a column of ten
does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal

from model import clock
from model.alerts import ClientAlerts, alerts_of
from model.board import BoardFilter, Card, Scope, board_columns, column_page, parse_filter
from model.budgets import BudgetStatus, Level, budget_statuses
from model.clients import active_clients
from model.i18n import _
from model.tables import BOARD_STATUSES, Client, Status
from model.task_steps import set_fields, swap, toggle_sprint
from model.tasks import next_priority
from tui.budget_marks import MARK, alert_mark, alerts_line
from tui.keys import translate_bindings
from tui.outage import SurvivesOutages
from tui.screens.board_column import COLUMN_LEAST, Ahead, AheadRead, BoardColumn
from tui.screens.filtering import FilterField, Filtering, filter_bindings, with_filter
from tui.screens.reading import ReadsInThread
from tui.screens.task_actions import TaskActions
from tui.widgets import DeckFooter, DeckHeader


@dataclass(frozen=True)
class ColumnsRead:
    """The columns' counts and pages as read in a thread, with the clients they were
    scoped by."""

    clients: list[Client]
    scope: Scope
    offsets: dict[str, int]
    counts: dict[str, int]
    cards: dict[str, list[Card]]


def scope_of(
    *, clients: list[Client], client_index: int, sprint_id: int, filter: BoardFilter
) -> Scope:
    """The board's scope: the client at `client_index` of `clients`, or all clients."""
    client_id = clients[client_index].id if 0 <= client_index < len(clients) else None
    return Scope(sprint_id=sprint_id, client_id=client_id, filter=filter)


class BoardScreen(SurvivesOutages, Filtering, TaskActions, ReadsInThread):
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
        self.alerts: dict[int, ClientAlerts] = {}
        """Each client's budget alerts this month, read with the levels: the header's mark."""
        self._clients = None
        self._levels_epoch = -1
        self.client_index = -1
        self.columns = [BoardColumn(status=status) for status in BOARD_STATUSES]
        """Made once, so a key finds its column without querying the DOM."""
        self.first_shown = 0
        """The first column on screen when not all fit."""
        self.column_index = 0
        self._reading: set[str] = set()
        """The columns whose read is yet to be shown: a later read takes them in too."""

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
        return scope_of(
            clients=self.clients,
            client_index=self.client_index,
            sprint_id=self.app.now.sprint.id,
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
            self.reload()

    def reload_after_others(self) -> None:
        """Someone else changed data: re-read, keeping each selected card selected."""
        self._clients = None
        self.reload(follow=True)

    def reload(self, *, follow: bool = False) -> None:
        """Re-read counts and the visible pages in a thread, keeping each column's cursor;
        the columns show what they had until the pages arrive."""
        if not self.is_mounted:
            return
        self.app.mark_seen(self)
        if self._levels_epoch != self.app.time_epoch:
            self._levels_epoch = self.app.time_epoch
            engine, today = self.app.engine, clock.today()
            self.read_in_thread(
                read=lambda: (budget_statuses(engine, month=today), active_clients(engine)),
                show=self._show_levels,
                lane="levels",
            )
        for index, column in enumerate(self.columns):
            column.active = index == self.column_index
        self._load(self.columns, follow=follow)
        if self._clients is not None:
            self._show_scope()

    def _show_levels(self, read: tuple[dict[int, BudgetStatus], list[Client]]) -> None:
        """The month's budgets, read in a thread: the cards' budget marks and the header's
        alerts follow them."""
        statuses, clients = read
        levels = {client_id: status.level for client_id, status in statuses.items()}
        alerts = alerts_of(clients=clients, statuses=statuses)
        if levels == self.levels and alerts == self.alerts:
            return  # read again after a change to recorded time, and the same
        self.levels, self.alerts = levels, alerts
        for column in self.columns:
            column.paint()
        self._show_scope()

    def _show_scope(self) -> None:
        self.query_one(DeckHeader).set_scope(
            with_filter(scope=self._scope_title(), text=self.filter_text)
        )

    def _scope_title(self) -> str:
        """The client shown, or all; with the budget alerts reached in it this month."""
        clients = self.clients
        if 0 <= self.client_index < len(clients):
            client = clients[self.client_index]
            alerts = self.alerts.get(client.id)
            mark = alert_mark(alerts) if alerts is not None else ""
            return f"{client.name} {MARK} {mark}" if mark else client.name
        # a client added since the levels were read (the first start's) has none yet
        line = alerts_line(self.alerts[client.id] for client in clients if client.id in self.alerts)
        return f"{_('All clients')} {line}" if line else _("All clients")

    def _reload_column(self, column: BoardColumn) -> None:
        self._load([column])

    def _load(self, columns: list[BoardColumn], *, follow: bool = False) -> None:
        """Counts and pages of `columns`, and of those still being read, in one read in a
        thread (three statements however many columns); with `follow`, each column's
        selected card stays selected wherever it moved."""
        self._reading |= {column.state.status for column in columns}
        reading = [column for column in self.columns if column.state.status in self._reading]
        placings = {column.state.status: column.placing() for column in reading}
        kept = {column.state.status: column.selected if follow else None for column in reading}
        engine, known = self.app.engine, self._clients
        client_index, sprint_id = self.client_index, self.app.now.sprint.id
        filter = parse_filter(text=self.filter_text)

        def read() -> ColumnsRead:
            clients = known if known is not None else active_clients(engine)
            scope = scope_of(
                clients=clients, client_index=client_index, sprint_id=sprint_id, filter=filter
            )
            offsets: dict[str, int] = {}
            counts: dict[str, int] = {}

            def place(status: str, count: int) -> tuple[int, int]:
                offset, limit = placings[status].page(count=count)
                offsets[status], counts[status] = offset, count
                return offset, limit

            cards = board_columns(engine, scope=scope, statuses=tuple(placings), place=place)
            return ColumnsRead(
                clients=clients, scope=scope, offsets=offsets, counts=counts, cards=cards
            )

        self.read_in_thread(
            read=read,
            show=partial(self._show_read, kept=kept, submitted=self.app.writes.submitted),
            lane="columns",
        )

    def _show_read(
        self, read: ColumnsRead, *, kept: dict[str, Card | None], submitted: int
    ) -> None:
        """The pages read, unless a change was made since the read began: the screen has
        drawn it already, and the store is read again once it is written."""
        columns = [column for column in self.columns if column.state.status in read.cards]
        if self.app.writes.submitted != submitted:
            self.app.writes.after(partial(self._load, columns))
            return
        self._reading.clear()
        self._clients = read.clients
        moved = []
        for column in columns:
            status = column.state.status
            if not column.show_page(
                scope=read.scope,
                count=read.counts[status],
                offset=read.offsets[status],
                cards=read.cards[status],
                kept=kept.get(status),
            ):
                moved.append(column)
        self._show_scope()
        if moved:  # a key moved the cursor off the page while it was read
            self._load(moved)

    @property
    def selected(self) -> Card | None:
        return self.column.selected

    def drawn_back(self) -> Callable[[], None]:
        """The columns as they are now, with the selection, drawn again when the change
        about to be made is taken back, if the board still shows the same clients then:
        a move taken back selects its card where it was."""
        scope, selected = self.scope, self.column_index
        kept = [(column, list(column.cards), replace(column.state)) for column in self.columns]

        def redraw() -> None:
            if not self.is_current or self._clients is None or self.scope != scope:
                return  # the store is read once the take-back is stored
            self.column_index = selected
            for index, (column, cards, state) in enumerate(kept):
                active = index == selected
                if column.cards != cards or column.state != state or column.active != active:
                    column.cards, column.state = list(cards), replace(state)
                    column.active = active
                    column.paint()

        return redraw

    def selected_task_id(self) -> int | None:
        card = self.selected
        return card.id if card else None

    # Movement

    def action_cursor(self, dx: int, dy: int) -> None:
        if dx:
            self.column.active = False
            self.column.paint()
            self.column_index = (self.column_index + dx) % len(BOARD_STATUSES)
            self.column.active = True
            self.column.paint()
            return
        state = self.column.state
        target = min(max(state.cursor + dy, 0), max(state.count - 1, 0))
        if target == state.cursor:
            return
        state.cursor = target
        column = self.column
        if state.offset <= target < state.offset + len(column.cards):
            column.paint()
        elif not column.page_from_ahead():
            self._reload_column(column)
        self._read_ahead(column)

    def _read_ahead(self, column: BoardColumn) -> None:
        """Read the cards around `column`'s page in the data thread, so the next page is
        there when the cursor gets to it: behind a network a read is tens of ms."""
        wanted = column.wanted_ahead()
        if wanted is None:
            return
        offset, limit = wanted
        engine, scope, key = self.app.engine, self.scope, column.ahead_key()
        status = column.state.status

        def read() -> None:
            cards = column_page(engine, scope=scope, status=status, offset=offset, limit=limit)
            column.post_message(AheadRead(Ahead(key=key, offset=offset, cards=tuple(cards))))

        self.run_worker(read, thread=True, group=f"ahead-{status}", exit_on_error=False)

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
        self.column.active = False
        self.column.take_out(card)
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
        other = column.card_at(other_index)
        if other is None:  # off the page and not read ahead: the one read a reorder may need
            others = column_page(
                self.app.engine, scope=self.scope, status=state.status, offset=other_index, limit=1
            )
            if not others:
                return
            other = others[0]
        other_id = other.id
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
