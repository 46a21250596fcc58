"""The demo agency's standing work, added once its history is written (`model.demo.fill`):
each of the first clients' weekly report repeats on Fridays, the first client's SEO report on
the month's last working day and the invoice on its first (from next week on); this week's
sprint is opened (so it has the reports' copies) and the busiest client's sprint is saved as
a template.

Made through the model's own commands, as a person would set them up."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from model.db import reading
from model.members import team
from model.occurrences import open_sprint, set_rule
from model.recurrence import Rule
from model.sprints import ensure_sprint, this_week_start
from model.tables import Client, ClientStatus, RecurrenceKind, Status, Task
from model.tasks import create_task
from model.templates import save_template
from model.weeks import as_date

WEEKLY_REPORTS = 3
FRIDAY = 5


def add_rhythm(*, engine: Engine, start_weekday: int = 0) -> int:
    """Set the standing work up; returns how many tasks that made (patterns and copies)."""
    sprint = ensure_sprint(engine, week_start=this_week_start(start_weekday=start_weekday))
    week_start = as_date(sprint.week_start)
    assert sprint.id is not None  # ensure_sprint returns it stored
    with reading(engine) as session:
        clients = list(
            session.exec(
                select(Client)
                .where(col(Client.status) == ClientStatus.ACTIVE)
                .order_by(col(Client.id))
            ).all()
        )
        busiest = session.exec(
            select(Task.client_id)
            .where(col(Task.sprint_id) == sprint.id, col(Task.archived_at).is_(None))
            .group_by(col(Task.client_id))
            .order_by(func.count().desc(), col(Task.client_id))
        ).first()
    if not clients:
        return 0
    managers = [member for member in team(engine) if member.role == "account manager"]
    manager = managers[0].id if managers else None
    weekly = Rule(kind=RecurrenceKind.WEEKLY, since=week_start, weekday=FRIDAY)
    # The monthly ones start with next week, so a demo holds the same work whatever its week.
    next_week = week_start.add(weeks=1)
    last_workday = Rule(kind=RecurrenceKind.LAST_WORKDAY, since=next_week)
    first_workday = Rule(kind=RecurrenceKind.FIRST_WORKDAY, since=next_week)
    standing = [(client, "Weekly report", "report", weekly) for client in clients[:WEEKLY_REPORTS]]
    standing += [
        (clients[0], "Monthly SEO report", "report,seo", last_workday),
        (clients[0], "Invoice", "billing", first_workday),
    ]
    for client, title, labels, rule in standing:
        assert client.id is not None
        pattern = create_task(
            engine,
            client_id=client.id,
            title=title,
            status=Status.BACKLOG,
            assignee_id=manager,
            estimate_hours=1,
            labels=labels,
        )
        assert pattern.id is not None
        set_rule(engine, task_id=pattern.id, rule=rule, since=rule.since)
    made = open_sprint(engine, sprint_id=sprint.id, who=manager)
    if busiest is not None:
        save_template(engine, client_id=busiest, sprint_id=sprint.id, name="A usual week")
    return len(standing) + len(made)
