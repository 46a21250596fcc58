"""Pages of a long list read in a thread: which page holds the cursor, once the count is known.

A column or a list asks its page in a worker thread; the count arrives with the
page, in the same read. So the screen takes down what the page is read for on
the event loop (`Placing`), and the thread places the page from it.
"""

from __future__ import annotations

from dataclasses import dataclass


def page_offset(*, cursor: int, offset: int, count: int, capacity: int) -> int:
    """Where the page holding `cursor` starts, moved as little as possible from `offset`."""
    if cursor < offset:
        offset = cursor
    elif cursor >= offset + capacity:
        offset = cursor - capacity + 1
    return max(0, min(offset, max(count - capacity, 0)))


@dataclass(frozen=True)
class Placing:
    """A list's cursor, first row shown and rows that fit, when its page was asked for."""

    cursor: int
    offset: int
    capacity: int

    def page(self, *, count: int) -> tuple[int, int]:
        """The page to read (offset, limit) for a list of `count` rows."""
        cursor = min(self.cursor, max(count - 1, 0))
        offset = page_offset(cursor=cursor, offset=self.offset, count=count, capacity=self.capacity)
        return offset, self.capacity
