"""Widgets shared by every screen."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer


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


class DeckFooter(Footer):
    """Textual's footer without its leak.

    Every recompose binds each new key to the footer's `compact` flag and never
    unbinds the keys it removed, so a long session holds thousands of dead keys
    (and slower collections); this drops the watchers of keys no longer mounted.
    """

    async def recompose(self) -> None:
        await super().recompose()
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]
