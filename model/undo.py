"""The undo stack: each user change keeps the step its model command returned.

The command builds the step from the state it replaced, read in its own
transaction, so the steps are closures over model functions: undo follows the
same rules and writes the same events as any other change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from model.db import transaction
from model.errors import ValidationError
from model.i18n import _

T = TypeVar("T")

DEPTH = 50


@dataclass(frozen=True)
class Step:
    label: str
    revert: Callable[[], object]


class UndoStack:
    def __init__(self, *, depth: int = DEPTH) -> None:
        self._steps: list[Step] = []
        self._depth = depth

    def add(self, step: Step) -> None:
        """Keep the step a model command returned (`Done.undo`); the oldest beyond the
        depth are let go."""
        self._steps.append(step)
        del self._steps[: -self._depth]

    def pop(self) -> Step | None:
        """The latest change's step, off the stack, or None when there is nothing to undo.
        Running its `revert` is the caller's: the app runs it in its write queue, so a
        take-back across a network does not hold the keys."""
        return self._steps.pop() if self._steps else None

    def latest(self) -> Step | None:
        """The step `pop` would return, left on the stack."""
        return self._steps[-1] if self._steps else None

    def __len__(self) -> int:
        return len(self._steps)


@dataclass(frozen=True)
class Done(Generic[T]):
    """What a model command made or changed, and the step that takes it back."""

    value: T
    undo: Step


def row_state(row: SQLModel) -> dict[str, Any]:
    """Every column of a row, for putting it back as it was."""
    table = row.__table__  # type: ignore[attr-defined]  # SQLModel sets it, its stubs lack it
    return {column.name: getattr(row, column.name) for column in table.columns}


def put_back(
    engine: Engine, *, table: type[SQLModel], row_id: int, state: dict[str, Any] | None
) -> None:
    """Undo of a change to one row: its columns as `state` had them, in one transaction.

    With `state` None the row did not exist before (the undo of a create) and is
    removed; a row that others now refer to (a task made for a new client) stays,
    with a message saying why.
    """
    with transaction(engine) as session:
        row = session.get(table, row_id)
        if row is None:
            return
        if state is None:
            session.delete(row)
            try:
                session.flush()
            except IntegrityError:
                raise ValidationError(
                    _("it is in use now; archive it instead of undoing")
                ) from None
            return
        for name, value in state.items():
            setattr(row, name, value)
        session.add(row)
