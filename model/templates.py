"""Sprint templates: a client's planned sprint saved once, planned again in another week.

A template keeps each task's title, description, priority, estimate, assignee, labels and
checklist; applying it to a sprint makes those tasks there to do, in one write, as if each
had been planned by hand (the Plan screen's capacity shows the load they add). Due dates
are not kept: a template is a kind of week, not a date.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from model import clock
from model.copies import COPIED, checklist_texts, copy_task
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError
from model.i18n import _
from model.tables import Client, SprintTemplate, Task, TemplateTask
from model.tasks import apply_changes
from model.undo import Done, Step

MAX_NAME = 80


@dataclass(frozen=True)
class TemplateView:
    id: int
    client_id: int
    name: str
    tasks: int
    hours: float


def template_name(text: str) -> str:
    """The name as saved: words joined by single spaces; refused when empty or too long."""
    if "\x00" in text:
        raise ValidationError(_("text cannot contain NUL characters"), field="name")
    name = " ".join(text.split())
    if not name:
        raise ValidationError(_("a template needs a name"), field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(
            _("a template's name is at most {n} characters", n=MAX_NAME), field="name"
        )
    return name


def save_template(engine: Engine, *, client_id: int, sprint_id: int, name: str) -> TemplateView:
    """The client's tasks planned in the sprint, saved under `name` (a client's names are
    its own: saving under a name it has replaces what that template held)."""
    name = template_name(name)
    with transaction(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        planned = session.exec(
            select(Task)
            .where(
                col(Task.client_id) == client_id,
                col(Task.sprint_id) == sprint_id,
                col(Task.archived_at).is_(None),
            )
            .order_by(col(Task.position), col(Task.id))
        ).all()
        if not planned:
            raise ValidationError(
                _("nothing of {client} is planned in this sprint to save", client=client.name),
                field="sprint_id",
            )
        template = session.exec(
            select(SprintTemplate).where(
                col(SprintTemplate.client_id) == client_id, col(SprintTemplate.name) == name
            )
        ).first()
        if template is None:
            template = SprintTemplate(client_id=client_id, name=name, created_at=clock.now())
            session.add(template)
            session.flush()
        for old in session.exec(
            select(TemplateTask).where(col(TemplateTask.template_id) == template.id)
        ).all():
            session.delete(old)
        assert template.id is not None
        for position, task in enumerate(planned):
            assert task.id is not None
            session.add(
                TemplateTask(
                    template_id=template.id,
                    position=position,
                    checklist="\n".join(checklist_texts(session, task_id=task.id)),
                    **{field: getattr(task, field) for field in COPIED},
                )
            )
        hours = sum(task.estimate_hours or 0 for task in planned)
        return TemplateView(
            id=template.id, client_id=client_id, name=name, tasks=len(planned), hours=hours
        )


def templates_of(engine: Engine, *, client_id: int) -> list[TemplateView]:
    """The client's templates by name, with how much work each holds."""
    with reading(engine) as session:
        rows = session.exec(
            select(SprintTemplate, TemplateTask)
            .join(TemplateTask, col(TemplateTask.template_id) == col(SprintTemplate.id))
            .where(col(SprintTemplate.client_id) == client_id)
            .order_by(col(SprintTemplate.name), col(SprintTemplate.id))
        ).all()
    found: dict[int, TemplateView] = {}
    for template, task in rows:
        assert template.id is not None
        seen = found.get(template.id)
        tasks, hours = (seen.tasks, seen.hours) if seen else (0, 0.0)
        found[template.id] = TemplateView(
            id=template.id,
            client_id=client_id,
            name=template.name,
            tasks=tasks + 1,
            hours=hours + (task.estimate_hours or 0),
        )
    return list(found.values())


def apply_template(
    engine: Engine, *, template_id: int, sprint_id: int, who: int | None
) -> Done[list[int]]:
    """Make the template's tasks in the sprint, to do; the undo archives them again."""
    now = clock.now()
    with transaction(engine) as session:
        template = session.get(SprintTemplate, template_id)
        if template is None:
            raise NotFoundError(_("no template with id {id}", id=template_id))
        made: list[int] = []
        for pattern in session.exec(
            select(TemplateTask)
            .where(col(TemplateTask.template_id) == template_id)
            .order_by(col(TemplateTask.position), col(TemplateTask.id))
        ).all():
            task, _items = copy_task(
                session,
                client_id=template.client_id,
                fields={field: getattr(pattern, field) for field in COPIED},
                checklist=[line for line in pattern.checklist.splitlines() if line.strip()],
                sprint_id=sprint_id,
                who=who,
                now=now,
            )
            assert task.id is not None
            made.append(task.id)
        label = _("template: {name}", name=template.name)

    def revert() -> None:
        """Archived, as anything the UI takes away: the tasks keep their history."""
        at = clock.now()
        with transaction(engine) as session:
            for task_id in made:
                task = session.get(Task, task_id)
                if task is not None and task.archived_at is None:
                    apply_changes(
                        session=session, task=task, changes={"archived_at": at}, who=who, now=at
                    )

    return Done(value=made, undo=Step(label=label, revert=revert))
