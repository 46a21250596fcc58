"""Keeping Python's cycle collector off the key path.

A full collection walks every container object the process holds. At agency
scale the screens hold about 150,000 of them (mostly Textual's cached lines
of text), and with CPython's defaults a full collection of them took 90–120 ms
on a 2-core machine, every two seconds or so of steady use: a visible hitch
on whichever key or screen switch it fell on. Three things keep it away:

- each mode's screen, once painted, is frozen out of collections: it lives as
  long as the app, so walking it again finds nothing;
- young collections wait for more allocations, so a frame's short-lived
  objects die before they are promoted towards a full collection;
- a line Textual crops or divides to its own width no longer caches itself,
  which made nearly every drawn line cyclic garbage only a collection frees.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence

from rich.style import Style
from textual.strip import Strip

YOUNG_THRESHOLD = 10_000
"""Container allocations between young collections (CPython's default is 700,
a small part of what one frame allocates)."""

_plain_crop_extend = Strip.crop_extend
_plain_divide = Strip.divide


def _crop_extend(self: Strip, start: int, end: int, style: Style | None) -> Strip:
    if start <= 0 and end == self.cell_length:
        return self
    return _plain_crop_extend(self, start, end, style)


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cuts = [cut for cut in cuts if cut <= self.cell_length]
    if cuts == [self.cell_length]:
        return [self]
    return _plain_divide(self, cuts)


def break_strip_cycles() -> None:
    """Answer the two calls that return the strip itself without caching it.

    Textual 8's `Strip.crop_extend` and `Strip.divide` store their result in
    the strip's own cache even when the result is the strip, so the strip
    refers to itself and is freed only by a collection. The results are the
    same as Textual's; only the self-reference is gone.
    """
    Strip.crop_extend = _crop_extend  # type: ignore[method-assign]
    Strip.divide = _divide  # type: ignore[method-assign]


def settle() -> None:
    """Freeze every object alive now out of later collections, and collect from here on.

    Called after the first paint of each mode: what exists then is mostly
    that screen and the code behind it, which stay until the app ends.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    gc.enable()
