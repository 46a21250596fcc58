"""The undo stack: each user change pushes how to take it back.

The stack holds closures over model functions, so undo follows the same rules
and writes the same events as any other change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEPTH = 50


@dataclass(frozen=True)
class Step:
    label: str
    revert: Callable[[], object]


class UndoStack:
    def __init__(self, *, depth: int = DEPTH) -> None:
        self._steps: list[Step] = []
        self._depth = depth

    def push(self, *, label: str, revert: Callable[[], object]) -> None:
        self._steps.append(Step(label=label, revert=revert))
        del self._steps[: -self._depth]

    def pop(self) -> Step | None:
        """Take back the latest change; returns it, or None when there is nothing to undo."""
        if not self._steps:
            return None
        step = self._steps.pop()
        step.revert()
        return step

    def __len__(self) -> int:
        return len(self._steps)
