"""Recurring tasks in the store: the rule on a task, and the occurrences made when a sprint opens.

A sprint "opens" when planning shows it and when the close of the week before makes it
the next one. Opening makes each rule's occurrences that fall in the sprint's week: a copy
of the rule's task (client, title, description, priority, assignee, estimate, labels, its
due time, and its checklist unticked), due on the occurrence's day, to do in the sprint.

Opening is idempotent: an `Occurrence` row per rule and period (unique in the schema) says
the period has its task, so opening twice makes nothing twice, and an occurrence archived
or moved elsewhere is not made again. Two people opening the same sprint at once may both
see a period without its task; each makes its copy inside a savepoint and claims the period
with an insert that does nothing on conflict, and the one that loses the claim takes its
copy back. The database's unique index decides, whatever the isolation level.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from model import clock
from model.copies import COPIED, checklist_texts, copy_task
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError
from model.i18n import _
from model.recurrence import Rule, check_rule, describe, in_week, next_on
from model.tables import (
    ChecklistItem,
    Occurrence,
    Recurrence,
    Sprint,
    SprintState,
    Task,
)
from model.weeks import as_date


@dataclass(frozen=True)
class RuleView:
    task_id: int
    rule: Rule
    words: str
    next_day: date | None


def _rule(row: Recurrence) -> Rule:
    return Rule(
        kind=row.kind,
        since=as_date(row.since),
        weekday=row.weekday,
        every_weeks=row.every_weeks,
        month_day=row.month_day,
        until=None if row.until is None else as_date(row.until),
    )


def _view(row: Recurrence) -> RuleView:
    rule = _rule(row)
    return RuleView(
        task_id=row.task_id,
        rule=rule,
        words=describe(rule),
        next_day=next_on(rule, after=clock.today().subtract(days=1)),
    )


def rule_of(engine: Engine, *, task_id: int) -> RuleView | None:
    with reading(engine) as session:
        row = session.exec(select(Recurrence).where(Recurrence.task_id == task_id)).first()
        return None if row is None else _view(row)


def set_rule(engine: Engine, *, task_id: int, rule: Rule, since: date | None = None) -> RuleView:
    """Put a rule on a task, or change the one it has. The rule starts on `since`; by default
    on the day after the task is due (the task is the first occurrence), or today when it has
    no due date. An edit takes effect from today: what was already made stays as it is."""
    today = clock.today()
    with transaction(engine) as session:
        task = session.get(Task, task_id)
        if task is None or task.archived_at is not None:
            raise NotFoundError(_("no task with id {id}", id=task_id))
        row = session.exec(
            select(Recurrence).where(Recurrence.task_id == task_id).with_for_update()
        ).first()
        if since is None:
            due = None if task.due_date is None else as_date(task.due_date).add(days=1)
            since = today if row is not None or due is None else max(due, today)
        rule = check_rule(replace(rule, since=since))
        if row is None:
            row = Recurrence(task_id=task_id, since=since, updated_at=clock.now())
        row.kind, row.weekday, row.every_weeks = rule.kind, rule.weekday, rule.every_weeks
        row.month_day, row.since, row.until = rule.month_day, rule.since, rule.until
        row.updated_at = clock.now()
        session.add(row)
        session.flush()
        return _view(row)


def stop_rule(engine: Engine, *, task_id: int) -> RuleView:
    """End a task's rule: nothing more from today on; what it made stays."""
    yesterday = clock.today().subtract(days=1)
    with transaction(engine) as session:
        row = session.exec(
            select(Recurrence).where(Recurrence.task_id == task_id).with_for_update()
        ).first()
        if row is None:
            raise ValidationError(_("task {id} does not repeat", id=task_id), field="task_id")
        row.until = yesterday
        row.since = min(as_date(row.since), yesterday)
        row.updated_at = clock.now()
        session.add(row)
        session.flush()
        return _view(row)


def _rules(session: Session) -> list[Recurrence]:
    return list(
        session.exec(
            select(Recurrence)
            .join(Task, col(Task.id) == col(Recurrence.task_id))
            .where(col(Task.archived_at).is_(None))
            .order_by(col(Recurrence.id))
        ).all()
    )


def _missing(session: Session, *, sprint: Sprint) -> list[tuple[Recurrence, date, date]]:
    """Each rule's occurrences in the sprint's week that its period does not have yet."""
    if sprint.state == SprintState.CLOSED:
        return []
    rules = _rules(session)
    if not rules:
        return []
    week_start = as_date(sprint.week_start)
    made = set(
        session.exec(
            select(col(Occurrence.recurrence_id), col(Occurrence.period)).where(
                col(Occurrence.recurrence_id).in_([row.id for row in rules]),
                col(Occurrence.period) >= week_start - timedelta(days=31),
            )
        ).all()
    )
    return [
        (row, period, day)
        for row in rules
        for period, day in in_week(_rule(row), week_start=week_start)
        if (row.id, period) not in made
    ]


def _copy(
    session: Session, *, pattern: Task, sprint_id: int, day: date, who: int | None, now: datetime
) -> tuple[Task, list[ChecklistItem]]:
    """The pattern's copy due on `day` (at its time of day) in the sprint."""
    assert pattern.id is not None
    return copy_task(
        session,
        client_id=pattern.client_id,
        fields={
            **{name: getattr(pattern, name) for name in COPIED},
            "due_date": day,
            "due_time": pattern.due_time,
        },
        checklist=checklist_texts(session, task_id=pattern.id),
        sprint_id=sprint_id,
        who=who,
        now=now,
    )


def _claim(
    session: Session, *, recurrence_id: int, period: date, day: date, task_id: int
) -> Occurrence | None:
    """Insert the period's occurrence unless it has one; the row when this call made it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Occurrence)
        .values(recurrence_id=recurrence_id, period=period, on=day, task_id=task_id)
        .on_conflict_do_nothing(index_elements=["recurrence_id", "period"])
        .returning(col(Occurrence.id))
    )
    claimed = session.execute(statement).scalar_one_or_none()
    return None if claimed is None else session.get(Occurrence, claimed)


def make_occurrences(
    session: Session, *, sprint_id: int, who: int | None, now: datetime
) -> list[SQLModel]:
    """Inside a write: make the sprint's missing occurrences; returns every row made, in
    order (the close records them for its undo)."""
    sprint = session.get(Sprint, sprint_id)
    if sprint is None:
        raise NotFoundError(_("no sprint with id {id}", id=sprint_id))
    made: list[SQLModel] = []
    for row, period, day in _missing(session, sprint=sprint):
        pattern = session.get(Task, row.task_id)
        assert pattern is not None  # a rule's task is never deleted, only archived
        savepoint = session.begin_nested()
        task, items = _copy(
            session, pattern=pattern, sprint_id=sprint_id, day=day, who=who, now=now
        )
        assert row.id is not None and task.id is not None  # both flushed
        occurrence = _claim(session, recurrence_id=row.id, period=period, day=day, task_id=task.id)
        if occurrence is None:  # someone else made this period's copy meanwhile
            savepoint.rollback()
            continue
        savepoint.commit()
        made.extend([task, *items, occurrence])
    return made


def has_missing(engine: Engine, *, sprint: Sprint) -> bool:
    """Whether the sprint (as the caller last read it) lacks occurrences due in it: a read
    of one or two statements, which a screen's view can afford on every show."""
    with reading(engine) as session:
        return bool(_missing(session, sprint=sprint))


def open_sprint(engine: Engine, *, sprint_id: int, who: int | None = None) -> tuple[int, ...]:
    """Make the sprint's occurrences that are due and not made yet; the ids of the tasks made.

    Looks first without writing, so opening a sprint that has them all takes no write lock."""
    with reading(engine) as session:
        sprint = session.get(Sprint, sprint_id)
        if sprint is None:
            raise NotFoundError(_("no sprint with id {id}", id=sprint_id))
        if not _missing(session, sprint=sprint):
            return ()
    with transaction(engine) as session:
        made = make_occurrences(session, sprint_id=sprint_id, who=who, now=clock.now())
        return tuple(row.id for row in made if isinstance(row, Task) and row.id is not None)
