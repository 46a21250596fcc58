"""What the team writes at a retro: went well / to improve notes, and action items.

Each is one line, kept in the order the team gives it. Every change returns the
step that takes it back: a removed line's undo puts its row back as it was.
Action items become tasks of the next sprint when the sprint closes
(`model.retro.close`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from model.db import reading, transaction
from model.i18n import N_, _
from model.retro.sprint import get_sprint, retro_row
from model.tables import ActionItem, Member, Retro, RetroNote, Sprint, Task
from model.tasks import NotFoundError, ValidationError
from model.undo import Done, Step, put_back

WENT_WELL = "went_well"
TO_IMPROVE = "to_improve"
NOTE_KINDS = (WENT_WELL, TO_IMPROVE)
NOTE_TITLES = {WENT_WELL: N_("Went well"), TO_IMPROVE: N_("To improve")}

MAX_LINE = 500


def check_line(text: str) -> str:
    """A note or action item as stored: one line, not empty, not too long."""
    if "\x00" in text:
        raise ValidationError(_("text cannot contain NUL characters"), field="text")
    line = " ".join(text.split())
    if not line:
        raise ValidationError(_("write something first"), field="text")
    if len(line) > MAX_LINE:
        raise ValidationError(
            _("too long: at most {limit} characters", limit=MAX_LINE), field="text"
        )
    return line


def notes(engine: Engine, *, sprint_id: int) -> dict[str, tuple[RetroNote, ...]]:
    """The went well / to improve lines of a retro, by kind, in their order."""
    found: dict[str, list[RetroNote]] = {kind: [] for kind in NOTE_KINDS}
    with reading(engine) as session:
        retro = retro_row(session, sprint_id=sprint_id, create=False)
        if retro is not None:
            for note in session.exec(
                select(RetroNote)
                .where(RetroNote.retro_id == retro.id)
                .order_by(RetroNote.position, RetroNote.id)
            ):
                found.setdefault(note.kind, []).append(note)
    return {kind: tuple(lines) for kind, lines in found.items()}


def _next_position(session: Session, *, table: type[SQLModel], conditions: list) -> int:
    highest = session.exec(select(func.max(table.position)).where(*conditions)).one()
    return 0 if highest is None else highest + 1


def add_note(engine: Engine, *, sprint_id: int, kind: str, text: str) -> Done[RetroNote]:
    """A line at the end of its kind; the undo takes it out again."""
    if kind not in NOTE_KINDS:
        raise ValidationError(f"unknown note kind {kind!r}", field="kind")
    line = check_line(text)
    with transaction(engine) as session:
        retro = retro_row(session, sprint_id=sprint_id, create=True)
        position = _next_position(
            session,
            table=RetroNote,
            conditions=[RetroNote.retro_id == retro.id, RetroNote.kind == kind],
        )
        note = RetroNote(retro_id=retro.id, kind=kind, text=line, position=position)
        session.add(note)
        session.flush()
        note_id = note.id
    return Done(
        value=note,
        undo=Step(
            label=_("{section}: {text}", section=_(NOTE_TITLES[kind]), text=line),
            revert=lambda: _remove(engine, table=RetroNote, line_id=note_id),
        ),
    )


def _line(session: Session, *, table: type[SQLModel], line_id: int) -> Any:
    row = session.get(table, line_id)
    if row is None:
        raise NotFoundError(_("that line is gone"))
    return row


def edit_note(engine: Engine, *, note_id: int, text: str) -> Done[RetroNote]:
    """New wording of a line; the undo puts back the wording this replaced."""
    line = check_line(text)
    with transaction(engine) as session:
        note = _line(session, table=RetroNote, line_id=note_id)
        before = {"text": note.text}
        note.text = line
        session.add(note)
    return Done(
        value=note,
        undo=Step(
            label=_("edit: {text}", text=line),
            revert=lambda: put_back(engine, table=RetroNote, row_id=note_id, state=before),
        ),
    )


def _remove(engine: Engine, *, table: type[SQLModel], line_id: int) -> Any:
    with transaction(engine) as session:
        row = _line(session, table=table, line_id=line_id)
        session.delete(row)
        return row


def _removed(engine: Engine, *, table: type[SQLModel], line_id: int) -> Done[Any]:
    """Take a line out; the undo puts the same row back, with its id and place."""
    row = _remove(engine, table=table, line_id=line_id)
    return Done(
        value=row,
        undo=Step(
            label=_("remove: {text}", text=row.text),
            revert=lambda: _put_back(engine, row=row),
        ),
    )


def _put_back(engine: Engine, *, row: SQLModel) -> None:
    with transaction(engine) as session:
        session.add(type(row)(**row.model_dump()))


def remove_note(engine: Engine, *, note_id: int) -> Done[RetroNote]:
    """Take a line out; the undo puts it back where it was."""
    return _removed(engine, table=RetroNote, line_id=note_id)


def _swap(
    engine: Engine, *, table: type[SQLModel], line_id: int, step: int, group
) -> Done[None] | None:
    """Swap a line with its neighbour in its group's order; the undo swaps it back. None at
    either end: nothing moved, so there is nothing to take back."""
    with transaction(engine) as session:
        row = _line(session, table=table, line_id=line_id)
        order = list(
            session.exec(select(table).where(*group(row)).order_by(table.position, table.id))
        )
        index = next(i for i, other in enumerate(order) if other.id == row.id)
        target = index + step
        if not 0 <= target < len(order):
            return None
        order[index], order[target] = order[target], order[index]
        for position, line in enumerate(order):
            line.position = position
            session.add(line)
        text = row.text
    return Done(
        value=None,
        undo=Step(
            label=_("reorder: {text}", text=text),
            revert=lambda: _swap(engine, table=table, line_id=line_id, step=-step, group=group),
        ),
    )


def move_note(engine: Engine, *, note_id: int, step: int) -> Done[None] | None:
    """One place up (`step` -1) or down (1) among the notes of its kind."""
    return _swap(
        engine,
        table=RetroNote,
        line_id=note_id,
        step=step,
        group=lambda note: [RetroNote.retro_id == note.retro_id, RetroNote.kind == note.kind],
    )


@dataclass(frozen=True)
class ActionLine:
    """An action item with its owner and, once the sprint closed, the task it became."""

    id: int
    text: str
    owner_id: int | None
    owner: str
    due_date: date | None
    task_id: int | None
    task_status: str | None
    task_archived: bool


def _action_lines(session: Session, *, retro_id: int) -> tuple[ActionLine, ...]:
    rows = session.exec(
        select(ActionItem, Member.name, Task.status, Task.archived_at)
        .join(Member, Member.id == ActionItem.owner_id, isouter=True)
        .join(Task, Task.id == ActionItem.task_id, isouter=True)
        .where(ActionItem.retro_id == retro_id)
        .order_by(ActionItem.position, ActionItem.id)
    ).all()
    return tuple(
        ActionLine(
            id=item.id,
            text=item.text,
            owner_id=item.owner_id,
            owner=owner or "",
            due_date=item.due_date,
            task_id=item.task_id,
            task_status=status,
            task_archived=archived is not None,
        )
        for item, owner, status, archived in rows
    )


def action_items(engine: Engine, *, sprint_id: int) -> tuple[ActionLine, ...]:
    with reading(engine) as session:
        retro = retro_row(session, sprint_id=sprint_id, create=False)
        return () if retro is None else _action_lines(session, retro_id=retro.id)


def previous_action_items(engine: Engine, *, sprint_id: int) -> tuple[ActionLine, ...]:
    """The action items of the last retro before this sprint, with what became of them."""
    sprint = get_sprint(engine, sprint_id=sprint_id)
    with reading(engine) as session:
        retro = session.exec(
            select(Retro)
            .join(Sprint, Sprint.id == Retro.sprint_id)
            .where(Sprint.week_start < sprint.week_start)
            .order_by(Sprint.week_start.desc())
            .limit(1)
        ).first()
        return () if retro is None else _action_lines(session, retro_id=retro.id)


def add_action(
    engine: Engine, *, sprint_id: int, text: str, owner_id: int | None, due_date: date | None
) -> Done[ActionItem]:
    """An item at the end of the list; the undo takes it out again."""
    line = check_line(text)
    with transaction(engine) as session:
        retro = retro_row(session, sprint_id=sprint_id, create=True)
        position = _next_position(
            session, table=ActionItem, conditions=[ActionItem.retro_id == retro.id]
        )
        item = ActionItem(
            retro_id=retro.id, text=line, owner_id=owner_id, due_date=due_date, position=position
        )
        session.add(item)
        session.flush()
        action_id = item.id
    return Done(
        value=item,
        undo=Step(
            label=_("action item: {text}", text=line),
            revert=lambda: _remove(engine, table=ActionItem, line_id=action_id),
        ),
    )


def edit_action(
    engine: Engine, *, action_id: int, text: str, owner_id: int | None, due_date: date | None
) -> Done[ActionItem]:
    """Change an item; a task it already became keeps its own text (it may have moved on).
    The undo puts back the text, owner and due date this replaced."""
    line = check_line(text)
    with transaction(engine) as session:
        item = _line(session, table=ActionItem, line_id=action_id)
        before = {"text": item.text, "owner_id": item.owner_id, "due_date": item.due_date}
        item.text, item.owner_id, item.due_date = line, owner_id, due_date
        session.add(item)
    return Done(
        value=item,
        undo=Step(
            label=_("edit: {text}", text=line),
            revert=lambda: put_back(engine, table=ActionItem, row_id=action_id, state=before),
        ),
    )


def remove_action(engine: Engine, *, action_id: int) -> Done[ActionItem]:
    """Take an item out; the undo puts it back where it was."""
    return _removed(engine, table=ActionItem, line_id=action_id)


def move_action(engine: Engine, *, action_id: int, step: int) -> Done[None] | None:
    """One place up (`step` -1) or down (1) in the list."""
    return _swap(
        engine,
        table=ActionItem,
        line_id=action_id,
        step=step,
        group=lambda item: [ActionItem.retro_id == item.retro_id],
    )
