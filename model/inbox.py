"""Capturing requests into a client's inbox, from the shell or the app."""

from __future__ import annotations

from collections.abc import Sequence

import pendulum
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from model.board import NO_FILTER, BoardFilter, filter_conditions, shown_task
from model.clients import find_client, match_client
from model.db import reading
from model.i18n import _
from model.parsing import parse_due, parse_hours
from model.tables import Client, Priority, Status, Task
from model.tasks import ValidationError, create_task


def split_capture(*, line: str) -> tuple[str, str]:
    """`"CLIENT: text"` into the client part and the task text."""
    client, sep, text = line.partition(":")
    if not sep or not client.strip():
        raise ValidationError(_('write it as "CLIENT: what is needed"'), field="text")
    if not text.strip():
        raise ValidationError(_("the title cannot be empty"), field="title")
    return client.strip(), text.strip()


def client_prefix(*, line: str, clients: Sequence[Client]) -> tuple[Client, str] | None:
    """A typed title's `CLIENT:` prefix, as `clientdeck add` reads it: the client it names
    and the rest of the title; None when the part before the colon names no one client
    (so "Note: call back" stays a title)."""
    head, sep, rest = line.partition(":")
    if not sep or not head.strip() or not rest.strip():
        return None
    try:
        return match_client(clients=clients, text=head), rest.strip()
    except LookupError:  # no client, or several: not a prefix
        return None


def capture(
    engine: Engine,
    *,
    line: str,
    today: pendulum.Date,
    fire: bool = False,
    due: str | None = None,
    estimate: str | None = None,
    who: int | None = None,
) -> Task:
    """Parse everything first, then write: a bad `--due` leaves the inbox untouched."""
    client_text, title = split_capture(line=line)
    fields: dict = {}
    if due is not None:
        try:
            parsed = parse_due(text=due, today=today)
        except ValueError as error:
            raise ValidationError(str(error), field="due") from None
        fields.update(due_date=parsed.date, due_time=parsed.time)
    if estimate is not None:
        try:
            fields["estimate_hours"] = parse_hours(text=estimate)
        except ValueError as error:
            raise ValidationError(str(error), field="estimate") from None
    if fire:
        fields.update(fire=True, priority=Priority.URGENT)
    client = find_client(engine, text=client_text)
    return create_task(
        engine, client_id=client.id, title=title, status=Status.INBOX, who=who, **fields
    )


def inbox_count(engine: Engine, *, wanted: BoardFilter = NO_FILTER) -> int:
    """Requests waiting for triage; with `wanted`, those the `/` filter lets through."""
    with reading(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(Task)
            .where(
                Task.status == Status.INBOX,
                *shown_task(),
                *filter_conditions(wanted=wanted),
            )
        ).one()
