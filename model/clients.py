"""Clients: finding them by what people type, and managing them.

A client's code is what people type (`ACME: new banner`) and what tags every
card, so it is short, one word, and unique without regard to case. Clients are
never deleted: archiving hides one from pickers and boards while its history
and reports stay; pausing keeps it visible but marked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model import clock
from model.budgets import check_hours
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError, check_line, check_text
from model.i18n import N_, SUPPORTED, _
from model.tables import Budget, Channel, Client, ClientStatus, TimeEntry
from model.undo import Done, Step, put_back, row_state
from model.weeks import month_start

MAX_NAME = 120
MAX_CODE = 10
MAX_NOTES = 10_000
MAX_CADENCE_DAYS = 90
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
COLOURS = ("#5f87af", "#d7875f", "#5faf87", "#af5f87", "#87afd7", "#afaf5f", "#875faf", "#5fafaf")
"""New clients take these in turn, so the first few look apart without anyone choosing."""
EDITABLE = (
    "name",
    "code",
    "colour",
    "site",
    "preferred_channel",
    "notes",
    "cadence_days",
    "language",
)


class AmbiguousError(LookupError):
    """More than one client matches; the message lists them."""


def active_clients(engine: Engine, *, archived: bool = False) -> list[Client]:
    """Clients not archived (with `archived`, every client), by name."""
    with reading(engine) as session:
        query = select(Client).order_by(Client.name)
        if not archived:
            query = query.where(Client.status != ClientStatus.ARCHIVED)
        return list(session.exec(query).all())


def find_client(engine: Engine, *, text: str, archived: bool = False) -> Client:
    """A client by code or name, case-insensitive; a unique prefix or part of a name will do.

    Archived clients are found only with `archived` (to restore one)."""
    return match_client(clients=active_clients(engine, archived=archived), text=text)


def match_client(*, clients: Sequence[Client], text: str) -> Client:
    """`find_client`'s matching over clients already read: code or name exactly, then a
    unique prefix, then a unique part of a name."""
    wanted = text.strip().casefold()
    if not wanted:
        raise NotFoundError(_("name a client"))
    for matcher in (
        lambda c: c.code.casefold() == wanted or c.name.casefold() == wanted,
        lambda c: c.name.casefold().startswith(wanted) or c.code.casefold().startswith(wanted),
        lambda c: wanted in c.name.casefold(),
    ):
        found = [client for client in clients if matcher(client)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(f"{c.name} ({c.code})" for c in found)
            raise AmbiguousError(
                _("{text!r} matches several clients: {names}", text=text, names=names)
            )
    if not clients:
        raise NotFoundError(
            _(
                "no client matches {text!r}: there are no clients yet; add one with "
                "clientdeck client add NAME --code CODE, or c on the Clients screen (6)",
                text=text,
            )
        )
    known = ", ".join(f"{c.name} ({c.code})" for c in clients)
    raise NotFoundError(_("no client matches {text!r}; clients: {known}", text=text, known=known))


def client_by_id(engine: Engine, *, client_id: int) -> Client:
    with reading(engine) as session:
        client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(_("no client with id {id}", id=client_id))
    return client


# --- managing clients ---------------------------------------------------------------------


def clean_client(*, values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise client fields before anything is written; raises by field."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("unknown client fields: {names}", names=", ".join(sorted(unknown))))
    out = dict(values)
    if "name" in out:
        out["name"] = check_line(
            value=out["name"],
            field="name",
            limit=MAX_NAME,
            required=True,
            empty=_("the name cannot be empty"),
        )
    if "code" in out:
        code = check_line(
            value=out["code"],
            field="code",
            limit=MAX_CODE,
            required=True,
            empty=_("the code cannot be empty"),
        )
        if not all(char.isalnum() or char in "-_" for char in code):
            raise ValidationError(_("the code is one word: letters, digits, - and _"), field="code")
        out["code"] = code.upper()
    if "colour" in out:
        colour = out["colour"].strip()
        if not COLOUR.fullmatch(colour):
            raise ValidationError(_("a colour is #rrggbb, for example #5f87af"), field="colour")
        out["colour"] = colour.lower()
    if "site" in out:
        out["site"] = check_line(value=out["site"], field="site", limit=500, required=False)
    if "preferred_channel" in out and out["preferred_channel"] not in Channel.__members__.values():
        raise ValidationError(
            _("unknown channel {value}", value=out["preferred_channel"]),
            field="preferred_channel",
        )
    if "notes" in out:
        out["notes"] = check_text(
            value=out["notes"], field="notes", limit=MAX_NOTES, required=False
        )
    cadence = out.get("cadence_days")
    if cadence is not None and not (isinstance(cadence, int) and 1 <= cadence <= MAX_CADENCE_DAYS):
        raise ValidationError(
            _("an update every 1 to {limit} working days", limit=MAX_CADENCE_DAYS),
            field="cadence_days",
        )
    if "language" in out and out["language"] not in ("", *SUPPORTED):
        raise ValidationError(
            _(
                "unknown language {value}; use one of {languages}",
                value=out["language"],
                languages=", ".join(SUPPORTED),
            ),
            field="language",
        )
    return out


def _check_code_free(session: Session, *, code: str, client_id: int | None) -> None:
    taken = session.exec(
        select(Client).where(func.lower(Client.code) == code.lower(), Client.id != client_id)
    ).first()
    if taken is not None:
        raise ValidationError(
            _("the code {code} is taken by {name}", code=code, name=taken.name), field="code"
        )


def insert_client(
    session: Session, *, values: dict[str, Any], monthly_hours: float | None = None
) -> Client:
    """Add a checked client (and its paid hours from this month) inside the caller's
    transaction, so an import can make its client in the same one."""
    fields = clean_client(values=values)
    for required in ("name", "code"):
        if required not in fields:
            clean_client(values={required: ""})
    if monthly_hours is not None:
        check_hours(hours=monthly_hours)
    _check_code_free(session, code=fields["code"], client_id=None)
    if "colour" not in fields:
        count = session.exec(select(func.count()).select_from(Client)).one()
        fields["colour"] = COLOURS[count % len(COLOURS)]
    client = Client(**fields, created_at=clock.now())
    session.add(client)
    session.flush()
    if monthly_hours is not None:
        first = month_start(day=clock.today())
        session.add(Budget(client_id=client.id, from_month=first, hours=monthly_hours))
    return client


def create_client(
    engine: Engine, *, values: dict[str, Any], monthly_hours: float | None = None
) -> Done[Client]:
    """A new active client, with its paid hours from this month when given, in one
    transaction; its undo removes both while nothing else refers to the client."""
    with transaction(engine) as session:
        client = insert_client(session, values=values, monthly_hours=monthly_hours)
        client_id = client.id
    return Done(
        value=client,
        undo=Step(
            label=_("new client {code}", code=client.code),
            revert=lambda: _forget_new_client(engine, client_id=client_id),
        ),
    )


def _forget_new_client(engine: Engine, *, client_id: int) -> None:
    with transaction(engine) as session:
        session.execute(delete(Budget).where(Budget.client_id == client_id))
    put_back(engine, table=Client, row_id=client_id, state=None)


def edit_client(engine: Engine, *, client_id: int, values: dict[str, Any]) -> Done[Client]:
    """Change some of a client's fields together; the undo puts them all back."""
    fields = clean_client(values=values)
    with transaction(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        if "code" in fields:
            _check_code_free(session, code=fields["code"], client_id=client_id)
        before = row_state(client)
        for name, value in fields.items():
            setattr(client, name, value)
        session.add(client)
    return Done(
        value=client,
        undo=Step(
            label=_("edit client {code}", code=client.code),
            revert=lambda: put_back(engine, table=Client, row_id=client_id, state=before),
        ),
    )


def running_timers(engine: Engine, *, client_id: int) -> int:
    """How many timers run on the client's tasks now: archiving it must ask first."""
    from model.tables import Task

    with reading(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(TimeEntry)
            .join(Task, Task.id == TimeEntry.task_id)
            .where(
                Task.client_id == client_id,
                TimeEntry.end.is_(None),
                TimeEntry.archived_at.is_(None),
            )
        ).one()


STATUS_LABELS = {
    ClientStatus.ACTIVE: N_("restore client {code}"),
    ClientStatus.PAUSED: N_("pause client {code}"),
    ClientStatus.ARCHIVED: N_("archive client {code}"),
}


def set_client_status(engine: Engine, *, client_id: int, status: str) -> Done[Client]:
    """Pause, archive or restore a client. Archiving keeps every row it has; a running
    timer on its work is the caller's to ask about (`running_timers`), not stopped here."""
    if status not in ClientStatus.__members__.values():
        raise ValidationError(_("unknown client status {value}", value=status), field="status")
    with transaction(engine) as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        before = row_state(client)
        client.status = status
        session.add(client)
    return Done(
        value=client,
        undo=Step(
            label=_(STATUS_LABELS[ClientStatus(status)], code=client.code),
            revert=lambda: put_back(engine, table=Client, row_id=client_id, state=before),
        ),
    )
