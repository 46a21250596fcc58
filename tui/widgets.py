"""Widgets shared by every screen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from textual.binding import Binding
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable

from model.i18n import _

SCOPE_KEPT = 24
"""Characters of a header's scope kept before facts are left off on a narrow terminal."""


class DeckHeader(Widget):
    """One line: the screen and its scope, then the app's facts (timer first: it ticks)."""

    DEFAULT_CSS = """
    DeckHeader { dock: top; height: 1; background: $panel; color: $foreground; }
    """

    def __init__(self, *, title: str) -> None:
        super().__init__()
        self.title = title
        self.scope = ""

    def set_scope(self, scope: str) -> None:
        if scope != self.scope:
            self.scope = scope
            self.refresh()

    def render(self) -> Content:
        """All of it when it fits; else without the sprint week (the app's facts end with the
        week, the next stand-up and the inbox), then with the scope shortened, then with
        the last facts left off."""
        facts = self.app.header_facts()
        width = self.size.width or 1_000

        def line(scope: Content, facts: list[str]) -> Content:
            where = Content.assemble(self.title, " · ", scope) if scope else Content(self.title)
            head = Content.assemble(" ", where, " ").stylize("bold")
            return Content.assemble(head, "│ ", " │ ".join(facts)) if facts else head

        scope = Content(self.scope)
        if getattr(self.screen, "read_slow", False):  # tui/screens/reading.py
            scope = Content.assemble(scope, "  ", (_("reading…"), "$text-muted"))
        shown = line(scope, facts)
        if shown.cell_length <= width:
            return shown
        if len(facts) >= 3:
            facts = facts[:-3] + facts[-2:]
            shown = line(scope, facts)
            if shown.cell_length <= width:
                return shown
        over = shown.cell_length - width
        keep = max(scope.cell_length - over, min(SCOPE_KEPT, scope.cell_length))
        scope = scope.truncate(keep, ellipsis=True)
        while facts and line(scope, facts).cell_length > width:
            facts = facts[:-1]
        return line(scope, facts)


class DeckFooter(Widget):
    """The screen's keys on one line, drawn as one piece of text.

    Textual's footer mounts a widget per key and mounts them all again on every
    screen switch; at two dozen keys that was most of the time a switch took.
    This draws the same line directly, so a switch costs one render. A click
    on a key presses it, as in Textual's footer.
    """

    DEFAULT_CSS = """
    DeckFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, bool]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        self.refresh()

    def _keys(self) -> tuple[list[tuple[Binding, bool]], list[tuple[Binding, bool]]]:
        """The screen's keys, one per action as Textual shows them, and those pinned on
        the right: help and the palette stay in sight however many keys a screen has."""
        shown: dict[str, tuple[Binding, bool]] = {}
        pinned: dict[str, tuple[Binding, bool]] = {}
        for key, active in self.screen.active_bindings.items():
            entry = (active.binding, active.enabled)
            if key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                pinned["palette"] = entry
            elif active.binding.action == "help" and active.binding.show:
                pinned.setdefault("help", entry)
            elif active.binding.show:
                shown.setdefault(active.binding.action, entry)
        return list(shown.values()), [
            pinned[name] for name in ("help", "palette") if name in pinned
        ]

    def _piece(self, binding: Binding, enabled: bool) -> Content:
        piece = Content.assemble(
            (f" {self.app.get_key_display(binding)} ", "bold $footer-key-foreground"),
            (f"{binding.description} ", ""),
        )
        return piece if enabled else piece.stylize("dim")

    def render(self) -> Content:
        keys, pinned = self._keys()
        right = [(binding, enabled, self._piece(binding, enabled)) for binding, enabled in pinned]
        room = self.size.width - sum(piece.cell_length for _b, _e, piece in right)
        left: list[tuple[Binding | None, bool, Content]] = []
        used = 0
        for binding, enabled in keys:
            piece = self._piece(binding, enabled)
            if used + piece.cell_length > room:
                break
            left.append((binding, enabled, piece))
            used += piece.cell_length
        gap = [(None, False, Content(" " * max(room - used, 0)))] if right else []
        line = [*left, *gap, *right]
        self._spans = []
        x = 0
        for binding, enabled, piece in line:
            if binding is not None:
                self._spans.append((x, x + piece.cell_length, binding.key, enabled))
            x += piece.cell_length
        return Content("").join([piece for _b, _e, piece in line])

    def on_click(self, event: Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return


class SteadyTable(DataTable):
    """A DataTable that keeps its drawn cells when a screen is shown again unchanged.

    Textual re-applies every widget's styles each time a screen comes back, and
    DataTable answers by dropping every drawn cell; drawing them again through
    Rich was most of the time showing the clients list took. The cells are
    dropped only when something they are drawn from changed: the theme, the
    style sheet, or this table's classes and states (focus, hover).
    """

    _drawn_with: tuple | None = None

    def notify_style_update(self) -> None:
        drawn_with = (
            self.app.theme,
            self.app._css_update_count,
            self.pseudo_classes,
            frozenset(self.classes),
        )
        if drawn_with == self._drawn_with:
            Widget.notify_style_update(self)
            return
        self._drawn_with = drawn_with
        super().notify_style_update()


@dataclass(frozen=True)
class Column:
    """A table column as a screen wants it: its width when there is room, how far it may
    shrink before others drop, and when it drops (the highest `drop` first; 0 never)."""

    key: str
    label: str
    width: int
    least: int | None = None
    drop: int = 0
    grow: bool = False


class TableRow(NamedTuple):
    """A row of a fitted table: its key, its cells by column key, its height in lines."""

    key: str | None
    cells: dict[str, object]
    height: int = 1


def fit_columns(
    columns: Sequence[Column], *, room: int, padding: int = 1
) -> list[tuple[Column, int]]:
    """The columns that fit in `room` cells and their widths: the flexible ones shrink to
    their least width first, then columns drop; a growing column takes what is left."""
    kept = list(columns)
    while True:
        widths = {column.key: column.width for column in kept}
        over = sum(width + 2 * padding for width in widths.values()) - room
        for column in kept:
            if over > 0 and column.least is not None:
                give = min(column.width - column.least, over)
                widths[column.key] -= give
                over -= give
        droppable = [column for column in kept if column.drop]
        if over <= 0 or not droppable:
            break
        kept.remove(max(droppable, key=lambda column: column.drop))
    for column in kept:  # room left: first back to the width wanted, then to a grower
        if over < 0 and column.least is not None:
            back = min(column.width - widths[column.key], -over)
            widths[column.key] += back
            over += back
    growing = [column for column in kept if column.grow]
    for index, column in enumerate(growing):  # the rest shared out among the growers
        share = -over // (len(growing) - index) if over < 0 else 0
        widths[column.key] += share
        over += share
    return [(column, widths[column.key]) for column in kept]


class FittedTable(SteadyTable):
    """A table whose columns drop or shrink to fit its width, and come back when it widens.

    The screen gives the columns it wants (`set_columns`) and rows as cells by column key
    (`show_rows`); the table keeps them, so a new width lays them out again by itself.
    """

    class Refitted(Message):
        """The columns on show changed: what was dropped may be shown elsewhere."""

        def __init__(self, table: FittedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> FittedTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.wanted: list[Column] = []
        self.fitted: list[tuple[Column, int]] = []
        self._rows: list[TableRow] = []

    @property
    def room(self) -> int:
        """The width columns may take, a vertical scroll bar's always kept free."""
        if not self.size.width:
            return 1_000_000
        return max(self.content_region.width - self.styles.scrollbar_size_vertical, 1)

    @property
    def dropped(self) -> list[Column]:
        shown = {column.key for column, _width in self.fitted}
        return [column for column in self.wanted if column.key not in shown]

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.wanted = list(columns)
        self.fitted = []
        self._refit()

    def show_rows(self, rows: Sequence[TableRow]) -> None:
        """The rows, all cells kept: a column dropped now may come back with more room."""
        self._rows = list(rows)
        self.clear()
        keys = [column.key for column, _width in self.fitted]
        for row in self._rows:
            cells = [row.cells.get(name, "") for name in keys]
            self.add_row(*cells, key=row.key, height=row.height)

    def on_resize(self) -> None:
        self._refit()

    def _refit(self) -> None:
        fitted = fit_columns(self.wanted, room=self.room, padding=self.cell_padding)
        if [(c.key, w) for c, w in fitted] == [(c.key, w) for c, w in self.fitted]:
            return
        row = self.cursor_row
        self.fitted = fitted
        self.clear(columns=True)
        for column, width in fitted:
            self.add_column(column.label, width=width, key=column.key)
        self.show_rows(self._rows)
        if self._rows:
            self.move_cursor(row=min(row, len(self._rows) - 1))
        self.post_message(self.Refitted(self))


class FlowText(Widget):
    """Short items one under another in a narrow column; side by side, wrapped as whole
    items, when laid out across a wide strip (as a narrow terminal stacks it)."""

    DEFAULT_CSS = """
    FlowText { height: auto; }
    """

    FLOW_WIDTH = 48
    """From this width on the items flow side by side."""
    GAP = "   "

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[Content] = []

    def show(self, items: Sequence[Content]) -> None:
        self.items = list(items)
        self.refresh(layout=True)

    def _text(self, width: int) -> Content:
        if width < self.FLOW_WIDTH:
            return Content("\n").join(self.items)
        lines: list[list[Content]] = [[]]
        used = 0
        for item in self.items:
            if not item.cell_length:
                continue
            wanted = item.cell_length + (len(self.GAP) if lines[-1] else 0)
            if lines[-1] and used + wanted > width:
                lines.append([])
                used, wanted = 0, item.cell_length
            lines[-1].append(item)
            used += wanted
        return Content("\n").join(Content(self.GAP).join(line) for line in lines)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._text(width).wrap(max(width, 1)))

    def render(self) -> Content:
        return self._text(self.size.width)
