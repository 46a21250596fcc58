"""A small hand-built agency for pilot and snapshot tests.

Snapshots need data that changes only when a test says so, so this is not
the demo generator: every row here is written out.
"""

from __future__ import annotations

import pendulum
from sqlalchemy.engine import Engine

from model import clock
from model.db import transaction
from model.sprints import ensure_sprint, this_week_start
from model.tables import Budget, Client, Member, Sprint, Status, TimeEntry
from model.tasks import create_task

MARKUP_TITLES = (
    "[bold]x[/]",
    "[link=http://a]y",
    "\x1b[2J clear",
    "Запуск 🚀 кампанії",
    "שלום עולם",
)


def this_weeks_sprint(engine: Engine) -> Sprint:
    """The sprint of the week holding today, weeks starting on Monday (created if needed)."""
    return ensure_sprint(engine, week_start=this_week_start(start_weekday=0))


def build(engine: Engine) -> dict[str, int]:
    """Three clients, three members and a task in every status; returns ids by name."""
    now = clock.now()
    ids: dict[str, int] = {}
    with transaction(engine) as session:
        for name, code, colour in (
            ("Northwind Bank", "NWB", "#2a6f97"),
            ("Меблі Карпат", "MK", "#8a5a44"),
            ("Клиника Здоровье", "KZ", "#3d8361"),
        ):
            client = Client(name=name, code=code, colour=colour, created_at=now)
            session.add(client)
            session.flush()
            ids[code] = client.id
            session.add(Budget(client_id=client.id, from_month=pendulum.date(2026, 1, 1), hours=40))
        for name, initials, role in (
            ("Olena Koval", "OK", "Account manager"),
            ("Dmytro Shevchenko", "DS", "PPC"),
            ("Iryna Bondar", "IB", "SEO"),
        ):
            member = Member(name=name, initials=initials, role=role)
            session.add(member)
            session.flush()
            ids[initials] = member.id
    sprint = this_weeks_sprint(engine)
    today = clock.today()
    rows = (
        ("NWB", "Set up remarketing in Google Ads", Status.TODO, "high", "DS", 3, 2),
        ("NWB", "Monthly PPC report", Status.DOING, "normal", "DS", 2, 0),
        ("MK", "Звіт з SEO за жовтень", Status.REVIEW, "normal", "IB", 4, -1),
        ("KZ", "Настроить ремаркетинг", Status.BACKLOG, "low", None, None, None),
        ("MK", "Approve banner set", Status.WAITING, "normal", "OK", 1, -2),
        ("KZ", "Landing page A/B test", Status.DONE, "normal", "IB", 5, None),
        ("NWB", "Fix tracking on the card form", Status.TODO, "urgent", "DS", 1, 0),
    )
    for code, title, status, priority, who, estimate, due in rows:
        task = create_task(
            engine,
            client_id=ids[code],
            title=title,
            status=status,
            priority=priority,
            assignee_id=ids[who] if who else None,
            estimate_hours=estimate,
            due_date=today.add(days=due) if due is not None else None,
            sprint_id=sprint.id if status != Status.BACKLOG else None,
            fire=priority == "urgent",
        )
        ids[title] = task.id
    for index, title in enumerate(MARKUP_TITLES):
        task = create_task(
            engine, client_id=ids["KZ"], title=title, status=Status.TODO, estimate_hours=index + 1
        )
        ids[title] = task.id
    with transaction(engine) as session:
        start = now.subtract(hours=3)
        session.add(
            TimeEntry(
                task_id=ids["Monthly PPC report"],
                member_id=ids["DS"],
                start=start,
                end=start.add(minutes=90),
            )
        )
    return ids


def contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, for checking that a refused change left the store as it was."""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))
            ]
            for table in SQLModel.metadata.sorted_tables
        }
