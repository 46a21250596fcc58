"""Sprint templates (model/templates.py): a client's planned sprint saved, and planned again
in another week with its fields and checklists, undone as one change."""

from __future__ import annotations

import pytest
from sqlmodel import select

from model.db import reading
from model.errors import NotFoundError, ValidationError
from model.retro.close import close_sprint
from model.sprints import ensure_sprint
from model.tables import Status, Task
from model.tasks import checklist, get_task, save_card
from model.templates import apply_template, save_template, templates_of
from model.weeks import as_date
from tests.agency import build, contents, this_weeks_sprint

NWB_PLANNED = [
    "Set up remarketing in Google Ads",
    "Monthly PPC report",
    "Fix tracking on the card form",
]


def in_sprint(store, *, sprint_id: int, client_id: int) -> list[Task]:
    with reading(store) as session:
        return list(
            session.exec(
                select(Task)
                .where(
                    Task.sprint_id == sprint_id,
                    Task.client_id == client_id,
                    Task.archived_at.is_(None),
                )
                .order_by(Task.id)
            ).all()
        )


def test_a_saved_sprint_is_planned_again_next_week_and_undone(store, frozen):
    ids = build(store)
    sprint = this_weeks_sprint(store)
    report = get_task(store, task_id=ids["Monthly PPC report"])
    save_card(
        store,
        task_id=report.id,
        changes={"labels": "report"},
        checklist_items=[("Pull the numbers", True), ("Write it up", False)],
        expected_version=report.version,
    )
    saved = save_template(store, client_id=ids["NWB"], sprint_id=sprint.id, name="  PPC   week ")
    assert (saved.name, saved.tasks, saved.hours) == ("PPC week", 3, 6)
    assert templates_of(store, client_id=ids["NWB"]) == [saved]
    assert templates_of(store, client_id=ids["MK"]) == []
    following = ensure_sprint(store, week_start=as_date(sprint.week_start).add(weeks=1))
    before = contents(store)
    done = apply_template(store, template_id=saved.id, sprint_id=following.id, who=ids["OK"])
    made = in_sprint(store, sprint_id=following.id, client_id=ids["NWB"])
    assert [task.id for task in made] == done.value
    assert sorted(task.title for task in made) == sorted(NWB_PLANNED)
    for task in made:
        assert (task.status, task.due_date) == (Status.TODO, None)
    copy = next(task for task in made if task.title == "Monthly PPC report")
    assert (copy.assignee_id, copy.estimate_hours, copy.labels) == (ids["DS"], 2, "report")
    assert [(i.text, i.done) for i in checklist(store, task_id=copy.id)] == [
        ("Pull the numbers", False),
        ("Write it up", False),
    ]
    done.undo.revert()
    assert in_sprint(store, sprint_id=following.id, client_id=ids["NWB"]) == []
    assert len(contents(store)["task"]) == len(before["task"]) + 3  # archived, not deleted


def test_saving_under_a_name_again_replaces_it(store, frozen):
    ids = build(store)
    sprint = this_weeks_sprint(store)
    first = save_template(store, client_id=ids["NWB"], sprint_id=sprint.id, name="Week")
    again = save_template(store, client_id=ids["MK"], sprint_id=sprint.id, name="Week")
    assert again.id != first.id  # each client's names are its own
    replaced = save_template(store, client_id=ids["NWB"], sprint_id=sprint.id, name="Week")
    assert (replaced.id, replaced.tasks) == (first.id, 3)
    assert templates_of(store, client_id=ids["NWB"]) == [replaced]


def test_bad_names_empty_sprints_and_closed_weeks_change_nothing(store, frozen):
    ids = build(store)
    sprint = this_weeks_sprint(store)
    saved = save_template(store, client_id=ids["NWB"], sprint_id=sprint.id, name="Week")
    following = ensure_sprint(store, week_start=as_date(sprint.week_start).add(weeks=1))
    before = contents(store)
    for name in ("   ", "x" * 81, "week\x00"):
        with pytest.raises(ValidationError):
            save_template(store, client_id=ids["NWB"], sprint_id=sprint.id, name=name)
    with pytest.raises(ValidationError, match="nothing of Northwind Bank is planned"):
        save_template(store, client_id=ids["NWB"], sprint_id=following.id, name="Empty")
    with pytest.raises(NotFoundError):
        apply_template(store, template_id=999_999, sprint_id=sprint.id, who=None)
    assert contents(store) == before
    close_sprint(store, sprint_id=sprint.id)
    closed = contents(store)
    with pytest.raises(ValidationError):
        apply_template(store, template_id=saved.id, sprint_id=sprint.id, who=None)
    assert contents(store) == closed
