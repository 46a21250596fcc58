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
        lane: str,
        generation: int,
        result: Any,
        show: Callable[[Any], None],
        error: BaseException | None = None,
    ) -> None:
        super().__init__()
        self.lane, self.generation, self.result = lane, generation, result
        self.show, self.error = show, error


class Filled(Message):
    """A screen has shown every read it asked for: the app may use the quiet that follows."""


class ReadsInThread(Screen):
    """The base of a screen (after SurvivesOutages) whose views are read in a thread.

    Reads go in lanes: in each, only the latest read asked for is shown, and
    reads in different lanes do not replace each other (the board's cards and
    its budget levels, say)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_generation: dict[str, int] = {}
        self._read_shown: dict[str, int] = {}
        self._after_read: dict[str, list[Callable[[], None]]] = {}
        self.read_slow = False
        """A read has taken longer than SLOW_READ and is not shown yet: the header says so."""

    @property
    def reading(self) -> bool:
        """Whether a read was asked for and its view is yet to be shown."""
        return any(
            self._read_shown.get(lane) != generation
            for lane, generation in self._read_generation.items()
        )

    def read_in_thread(
        self,
        *,
        read: Callable[[], Any],
        show: Callable[[Any], None],
        then: Callable[[], None] | None = None,
        before: Callable[[], object] | None = None,
        lane: str = "view",
    ) -> None:
        """Run `read` in a thread, then `show(result)` on the loop unless a later read was
        asked for in its lane meanwhile; `then()` once the lane's latest read is shown (not
        after an outage: what it was for did not happen). `before` runs in the thread
        first, outside the read's transaction: a write the read is to see."""
        if then is not None:
            self._after_read.setdefault(lane, []).append(then)
        generation = self._read_generation[lane] = self._read_generation.get(lane, 0) + 1
        engine = self.app.engine

        def work() -> None:
            try:
                if before is not None:
                    before()
                with one_view(engine):
                    result = read()
            except OUTAGES as error:
                self.post_message(
                    ThreadRead(
                        lane=lane, generation=generation, result=None, show=show, error=error
                    )
                )
                return
            self.post_message(
                ThreadRead(lane=lane, generation=generation, result=result, show=show)
            )

        self.run_worker(work, thread=True, group=READ_GROUP)
        self.set_timer(SLOW_READ, partial(self._mark_slow, lane=lane, generation=generation))

    def _mark_slow(self, *, lane: str, generation: int) -> None:
        if self._read_generation[lane] == generation != self._read_shown.get(lane):
            self._show_slow(slow=True)

    def _show_slow(self, *, slow: bool) -> None:
        if slow != self.read_slow:
            self.read_slow = slow
            for header in self.query(DeckHeader):
                header.refresh()

    def on_thread_read(self, message: ThreadRead) -> None:
        message.stop()
        lane = message.lane
        if message.generation != self._read_generation[lane] or not self.is_mounted:
            return
        self._read_shown[lane] = message.generation
        if not self.reading:
            self._show_slow(slow=False)
            self.post_message(Filled())
        waiting = self._after_read.pop(lane, [])
        if message.error is not None:
            self.app.went_offline(message.error, asked=False)
            return
        message.show(message.result)
        for then in waiting:
            then()
