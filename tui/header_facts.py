"""What every header shows beside its screen's own data: my running timer and the inbox's
size, read in a thread.

They are read again after most changes (an undo, a triage, a change of others). On a
server that is two round trips, and read on the event loop they held every key and
frame meanwhile; the header keeps what it showed until the answer arrives.
"""

from __future__ import annotations

from textual.message import Message

from model.db import Engine, one_view
from model.inbox import inbox_count
from model.outage import OUTAGES
from model.timetrack import RunningTimer, running_entry

FACTS_GROUP = "header-facts"
"""The readers' group: only the latest is kept (what waits for the header waits for it)."""


class FactsRead(Message):
    """The header's facts as the store has them now, or the outage that kept them."""

    def __init__(
        self,
        *,
        running: RunningTimer | None = None,
        inbox_size: int = 0,
        error: BaseException | None = None,
    ) -> None:
        super().__init__()
        self.running, self.inbox_size, self.error = running, inbox_size, error


def read_facts(*, engine: Engine, member_id: int | None) -> FactsRead:
    """Both facts from one read transaction, so the header never mixes two moments."""
    try:
        with one_view(engine):
            running = running_entry(engine, member_id=member_id) if member_id else None
            return FactsRead(running=running, inbox_size=inbox_count(engine))
    except OUTAGES as error:
        return FactsRead(error=error)
