"""The `/` filter a list screen shares with the others: one field, one set of keys."""

from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input

from model.i18n import N_, _
from tui.format import literal

TASKS_HINT = N_("Filter: words, @member, #label, !priority")


def with_filter(*, scope: str, text: str) -> str:
    """The header's scope with the filter after it, the filter shown literally."""
    if not text:
        return scope
    return literal(f"{scope} · /{text}" if scope else f"/{text}")


def filter_bindings(*, screen: str) -> list[Binding]:
    """`/` opens the filter and Escape clears it; the ids are the screen's, for the keymap."""
    return [
        Binding("slash", "filter", "Filter", id=f"{screen}.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id=f"{screen}.clear_filter"),
    ]


class FilterField(Input):
    """Hidden until `/`; Enter hands the keys back to whatever had them and keeps the
    field in sight while it filters, Escape empties and hides it."""

    def __init__(self, *, hint: str = TASKS_HINT) -> None:
        super().__init__(placeholder=_(hint), id="filter")
        self._before: Widget | None = None

    @property
    def text(self) -> str:
        return self.value.strip()

    def open(self) -> None:
        """Show the field and take the keys at once: `focus()` waits for the keys already
        typed, so the letters of a "/word" typed in one burst (a key macro) acted on the
        list, and `x` archived a card. Such letters are now lost instead."""
        if not self.has_focus:
            self._before = self.screen.focused
        self.add_class("-shown")
        self.screen.set_focus(self)

    def clear(self) -> None:
        if not self.text and not self.has_class("-shown"):
            return
        self.value = ""
        self.remove_class("-shown")
        self._hand_back()

    def on_input_submitted(self) -> None:
        self.set_class(bool(self.text), "-shown")
        self._hand_back()

    def _hand_back(self) -> None:
        if self.has_focus:
            self.screen.set_focus(self._before)


class Filtering:
    """For a screen with a FilterField: `filter_changed()` is called on every edit."""

    @property
    def filter_text(self) -> str:
        return self.query_one(FilterField).text

    def action_filter(self) -> None:
        self.query_one(FilterField).open()

    def action_clear_filter(self) -> None:
        self.query_one(FilterField).clear()

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterField):
            self.filter_changed()
