"""`?`: every key of the screen at hand, grouped by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from model.i18n import N_, _
from tui.keys import in_force, translate_bindings
from tui.outage import SurvivesOutages

SCHEME = N_("1–6 and i switch screens everywhere; letters act on the screen at hand.")


def key_groups(*, screen: Screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group title, [(keys, what they do)]) for the screen's own keys, then the app's,
    as they are in force: a key remapped in the config shows its new key."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for title, node in ((_("This screen"), screen), (_("Everywhere"), screen.app)):
        rows: dict[str, list[str]] = {}
        for key, bindings in in_force(node).key_to_bindings.items():
            for binding in bindings:
                if binding.description:
                    label = screen.app.get_key_display(binding.__class__(key, binding.action))
                    rows.setdefault(binding.description, []).append(label)
        groups.append((title, [(" ".join(keys), what) for what, keys in rows.items()]))
    return groups


class HelpScreen(SurvivesOutages, ModalScreen):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, *, for_screen: Screen, scheme: str = SCHEME) -> None:
        super().__init__()
        translate_bindings(self)
        self.for_screen = for_screen
        self.scheme = scheme
        """How the keys go together, said before them: a shared screen has no others."""

    def compose(self) -> ComposeResult:
        parts: list = [Content.styled(_(self.scheme) + "\n\n", "$text-muted")]
        for title, rows in key_groups(screen=self.for_screen):
            parts.append(Content.styled(title + "\n", "bold $accent"))
            for keys, what in rows:
                parts.append(Content.assemble((f"{keys:>18}", "bold"), "  ", what, "\n"))
            parts.append(Content("\n"))
        with VerticalScroll(id="help-body"):
            yield Static(Content.assemble(*parts))
        yield Static(_("escape closes"), id="help-hint")

    def action_dismiss(self) -> None:
        self.dismiss()
