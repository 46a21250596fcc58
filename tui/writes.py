"""Writes in the background, one at a time, in the order they were made.

A move or a priority change is drawn at once from what the screen holds; the
write runs after, in a worker thread, so a key never waits for the store (on a
server across a network a change is tens of round trips). Writes run one
after another in the order they were asked for, so a later change never
overtakes an earlier one it was made on top of.

Nothing shows as saved that was not: the undo step of a change is pushed only
once its write has committed. When a write is refused (a rule, a conflict, a
task gone) or the store is out of reach, the writes queued behind it are
dropped, since they were made on top of it, and the screens that asked read
the stored state again and say why.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from model.errors import NotFoundError, ValidationError
from model.outage import OUTAGES
from model.tasks import ConflictError

if TYPE_CHECKING:
    from tui.app import ClientDeck

REFUSALS: tuple[type[BaseException], ...] = (ValidationError, ConflictError, NotFoundError)
"""What a write can be refused with: said to the user, never a crash."""


@dataclass(frozen=True, eq=False)
class Write:
    """A write and what follows it on the event loop."""

    run: Callable[[], Any]
    """The model command; runs in the worker thread."""
    done: Callable[[Any], object]
    """Handed what `run` returned, once it committed."""
    failed: Callable[[BaseException], object]
    """Handed the refusal or the outage, or `Dropped` for each write dropped behind it."""


@dataclass(frozen=True, eq=False)
class Turn:
    """A call on the event loop in its place among the writes (`WriteQueue.after`)."""

    then: Callable[[], object]

    def failed(self, problem: BaseException) -> None:
        """Dropped behind a refused write: what it was to follow never happened."""


class Dropped(Exception):
    """A write not run because one queued before it was refused or cut off: its screen
    shows the stored state again, and the reason is said once, by the first."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class Written(Message):
    """A background write ended: committed (`error` None), refused or cut off."""

    def __init__(self, *, write: Write, value: Any, error: BaseException | None) -> None:
        super().__init__()
        self.write, self.value, self.error = write, value, error


class WriteQueue:
    """The app's writes, run in order by one worker at a time."""

    def __init__(self, app: ClientDeck) -> None:
        self._app = app
        self._waiting: deque[Write | Turn] = deque()
        self._running: Write | None = None
        self._idle: asyncio.Event | None = None
        self._turn: list[Write | Turn] | None = None
        """While a turn runs: what it queues, to go before what was queued behind it."""
        self.submitted = 0
        """Writes asked for so far: a screen's read that began before the latest one may
        show a state the screen has already drawn past."""

    @property
    def busy(self) -> bool:
        """Whether a write is running or waiting: what is on screen may not be stored yet."""
        return self._running is not None or bool(self._waiting)

    def submit(
        self,
        *,
        run: Callable[[], Any],
        done: Callable[[Any], object],
        failed: Callable[[BaseException], object],
    ) -> None:
        """Queue `run`; `done` or `failed` follows on the event loop, in order."""
        self.submitted += 1
        self._queue(Write(run=run, done=done, failed=failed))

    def after(self, then: Callable[[], object]) -> None:
        """`then` on the event loop in its place in the queue: once the writes queued
        before it have committed (at once when there are none), before any queued after
        it starts; what it submits runs before those too. Not at all when one before it
        is refused (what it would follow never happened)."""
        self._queue(Turn(then=then))

    def _queue(self, item: Write | Turn) -> None:
        if self._idle is not None:
            self._idle.clear()
        if self._turn is not None:
            self._turn.append(item)
            return
        self._waiting.append(item)
        self._next()

    def _next(self) -> None:
        """Start the next write. A turn at the head runs here and now, and what it queues
        goes to the head, so it runs in the turn's place."""
        while self._running is None and self._waiting:
            item = self._waiting.popleft()
            if isinstance(item, Turn):
                self._turn = []
                try:
                    item.then()
                finally:
                    self._waiting.extendleft(reversed(self._turn))
                    self._turn = None
                continue
            self._start(item)
            return
        if not self.busy and self._idle is not None:
            self._idle.set()

    def _start(self, write: Write) -> None:
        """The worker starts once the screen has painted what is pending: on a local
        file a write is mostly Python, and a thread holding the interpreter would hold
        up the frame that shows the change (or its take-back)."""
        self._running = write
        self._app.call_after_refresh(
            self._app.run_worker,
            lambda: self._run(write),
            thread=True,
            group="writes",
            exit_on_error=False,
        )

    def _run(self, write: Write) -> None:
        """In the worker thread: the write, and its outcome posted to the app."""
        try:
            value = write.run()
        except BaseException as error:  # a fault of ours is raised again on the loop
            self._app.post_message(Written(write=write, value=None, error=error))
            return
        self._app.post_message(Written(write=write, value=value, error=None))

    def finished(self, message: Written) -> None:
        """On the event loop: tell the write's screen, drop what was made on a refused
        write, and start the next one."""
        write, error = message.write, message.error
        self._running = None
        try:
            if error is None:
                write.done(message.value)
                return
            dropped = list(self._waiting)
            self._waiting.clear()
            if not isinstance(error, (*REFUSALS, *OUTAGES)):
                raise error
            if isinstance(error, OUTAGES):
                self._app.went_offline(error)
            write.failed(error)
            for behind in dropped:
                behind.failed(Dropped(error))
        finally:
            self._next()

    async def settled(self) -> None:
        """Wait until every queued write has ended and its screen has been told."""
        if self._idle is None:
            self._idle = asyncio.Event()
        if not self.busy:
            self._idle.set()
        await self._idle.wait()
