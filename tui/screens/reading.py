"""Screens that read their data in a thread and paint it when it arrives.

On a server every query waits for the network: a screen that read on Textual's
event loop held every key and every frame for all its round trips. A screen
mixing in `ReadsInThread` asks `read_in_thread(read=..., show=...)`: `read` runs
in a worker thread inside one read transaction and returns a frozen view, and
`show` paints it on the loop. Meanwhile the screen shows what it had, so a
switch paints at once; a read that takes longer than a couple of frames says
"reading…" in the header until it is shown. Only the latest read is shown: one
asked for later wins, whichever thread ends first. An outage during the read is
handed to the app, which marks itself offline and keeps what is on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.message import Message
from textual.screen import Screen

from model.db import one_view
from model.outage import OUTAGES
from tui.screens.showing import A_FRAME
from tui.widgets import DeckHeader

SLOW_READ = 2 * A_FRAME
"""How long a read goes unmarked: most are shown before a person could notice."""

READ_GROUP = "screen-read"
"""The workers' group: what waits for a screen's data (tests, the benchmark) waits for it."""


class ThreadRead(Message):
    """A read that ended in its thread: its result, or the outage that stopped it."""

    def __init__(
        self,
        *,
        generation: int,
        result: Any,
        show: Callable[[Any], None],
        error: BaseException | None = None,
    ) -> None:
        super().__init__()
        self.generation, self.result, self.show, self.error = generation, result, show, error


class ReadsInThread(Screen):
    """The base of a screen (after SurvivesOutages) whose views are read in a thread."""

    _read_generation = 0
    _read_shown = 0
    _after_read: list[Callable[[], None]] = []  # noqa: RUF012  (replaced, never changed in place)
    read_slow = False
    """The latest read has taken longer than SLOW_READ: the header says so."""

    @property
    def reading(self) -> bool:
        """Whether a read was asked for and its view is yet to be shown."""
        return self._read_shown != self._read_generation

    def read_in_thread(
        self,
        *,
        read: Callable[[], Any],
        show: Callable[[Any], None],
        then: Callable[[], None] | None = None,
        before: Callable[[], object] | None = None,
    ) -> None:
        """Run `read` in a thread, then `show(result)` on the loop unless a later read was
        asked for meanwhile; `then()` once the latest read is shown (not after an outage:
        what it was for did not happen). `before` runs in the thread first, outside the
        read's transaction: a write the read is to see."""
        if then is not None:
            self._after_read = [*self._after_read, then]
        self._read_generation += 1
        generation = self._read_generation
        engine = self.app.engine

        def work() -> None:
            try:
                if before is not None:
                    before()
                with one_view(engine):
                    result = read()
            except OUTAGES as error:
                self.post_message(
                    ThreadRead(generation=generation, result=None, show=show, error=error)
                )
                return
            self.post_message(ThreadRead(generation=generation, result=result, show=show))

        self.run_worker(work, thread=True, group=READ_GROUP)
        self.set_timer(SLOW_READ, partial(self._mark_slow, generation=generation))

    def _mark_slow(self, *, generation: int) -> None:
        if generation == self._read_generation and self.reading:
            self._show_slow(slow=True)

    def _show_slow(self, *, slow: bool) -> None:
        if slow != self.read_slow:
            self.read_slow = slow
            for header in self.query(DeckHeader):
                header.refresh()

    def on_thread_read(self, message: ThreadRead) -> None:
        message.stop()
        if message.generation != self._read_generation or not self.is_mounted:
            return
        self._read_shown = message.generation
        self._show_slow(slow=False)
        waiting, self._after_read = self._after_read, []
        if message.error is not None:
            self.app.went_offline(message.error, asked=False)
            return
        message.show(message.result)
        for then in waiting:
            then()
