"""Widgets shared by every screen."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.events import Click
from textual.widget import Widget
from textual.widgets import DataTable


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
        self.scope = scope
        self.refresh()

    def render(self) -> Content:
        facts = " │ ".join(self.app.header_facts())
        where = f"{self.title} · {self.scope}" if self.scope else self.title
        return Content.assemble((f" {where} ", "bold"), "│ ", facts)


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
