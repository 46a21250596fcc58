"""The frame every prompt shares: centred, escape cancels, its keys in the language in force.

A dialog dismisses with its answer, or with None when it is cancelled, so a flow
awaits it (`await app.push_screen_wait(...)`) and stops at None. An answer that
may itself be "none" (nobody, no estimate) comes wrapped in `Given`, so that it
is never mistaken for a cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

from tui.keys import translate_bindings
from tui.outage import SurvivesOutages

T = TypeVar("T")

FRAME_CSS = str(Path(__file__).with_name("dialog.tcss"))
"""Absolute, so that a dialog defined outside this package finds it too."""


@dataclass(frozen=True)
class Given(Generic[T]):
    """An answer that may be None ("nobody"), told apart from a cancelled dialog."""

    value: T


class Dialog(SurvivesOutages, ModalScreen[T]):
    """A prompt in the shared frame (`Dialog > Vertical`); the class `-wide` gives the
    wider frame of the longer prompts. `T` is what it dismisses with, None included."""

    CSS_PATH = FRAME_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]
    AUTO_FOCUS = "*"

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(None)
