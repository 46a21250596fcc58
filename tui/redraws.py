"""Drawing a change taken back at once, when ctrl+z is pressed.

The take-back itself waits its turn in the write queue: behind the change it takes
back when that is still being written (across a network, a move takes several
round trips). What the screen looked like before the change is known when the change
is made, so the screen can show it taken back at the key.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from model.undo import DEPTH, Step, UndoStack
from tui.writes import WriteQueue


@dataclass(eq=False)
class Drawing:
    """A change made on screen, and how to draw the screen as it was before it."""

    submitted: int
    """The write queue's count of writes asked for, right after this change's."""
    redraw: Callable[[], None]
    step: Step | None = None
    """The change's undo step, once it is stored."""
    drawn: bool = False
    """Already drawn taken back: by the key, or by the take-back's turn."""


class Redraws:
    """The pictures of a screen before each of its changes, for ctrl+z to draw."""

    def __init__(self, *, writes: WriteQueue, undo_stack: UndoStack) -> None:
        self._writes = writes
        self._undo_stack = undo_stack
        self._drawings: deque[Drawing] = deque(maxlen=DEPTH)

    def made(self, *, redraw: Callable[[], None]) -> Drawing:
        """Called right after the change is queued; `redraw` draws the screen before it."""
        drawing = Drawing(submitted=self._writes.submitted, redraw=redraw)
        self._drawings.append(drawing)
        return drawing

    def refused(self, drawing: Drawing) -> None:
        """A refused change is never taken back: the next ctrl+z takes back the one before."""
        if drawing in self._drawings:
            self._drawings.remove(drawing)

    def at_key(self) -> None:
        """At ctrl+z: draw the latest change taken back now, when it is surely the one the
        key takes back. That is when nothing was written after it, and, once it is
        stored, when its step is the latest. Otherwise the take-back's turn draws it."""
        if not self._drawings:
            return
        latest = self._drawings[-1]
        if latest.drawn or latest.submitted != self._writes.submitted:
            return
        if latest.step is not None and latest.step != self._undo_stack.latest():
            return
        latest.drawn = True
        latest.redraw()

    def taken_back(self, step: Step) -> None:
        """In the take-back's turn: draw the change `step` takes back, unless the key did.
        A screen drawn for another change is read again once the take-back is stored."""
        for drawing in self._drawings:
            if drawing.step == step:
                if not drawing.drawn:
                    drawing.drawn = True
                    drawing.redraw()
                return
