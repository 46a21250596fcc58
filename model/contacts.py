"""The people at a client the account manager talks to.

A contact is archived, never deleted: logged interactions keep naming them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from model import clock
from model.db import reading, transaction
from model.errors import NotFoundError, ValidationError, check_line, check_text
from model.i18n import _
from model.tables import Client, Contact
from model.undo import Done, Step, put_back, row_state

FIELDS = ("name", "role", "email", "phone", "messenger", "notes")


def clean_contact(*, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(
            _("unknown contact fields: {names}", names=", ".join(sorted(unknown)))
        )
    out = dict(values)
    if "name" in out:
        out["name"] = check_line(
            value=out["name"],
            field="name",
            limit=120,
            required=True,
            empty=_("the name cannot be empty"),
        )
    for field in ("role", "phone", "messenger"):
        if field in out:
            out[field] = check_line(value=out[field], field=field, limit=200, required=False)
    if "email" in out:
        email = check_line(value=out["email"], field="email", limit=254, required=False)
        if email and ("@" not in email or " " in email):
            raise ValidationError(_("an email looks like name@example.com"), field="email")
        out["email"] = email
    if "notes" in out:
        out["notes"] = check_text(value=out["notes"], field="notes", limit=10_000, required=False)
    return out


def add_contact(engine: Engine, *, client_id: int, values: dict[str, Any]) -> Done[Contact]:
    fields = clean_contact(values=values)
    if "name" not in fields:
        clean_contact(values={"name": ""})
    with transaction(engine) as session:
        if session.get(Client, client_id) is None:
            raise NotFoundError(_("no client with id {id}", id=client_id))
        contact = Contact(client_id=client_id, **fields)
        session.add(contact)
        session.flush()
        contact_id = contact.id
    return Done(
        value=contact,
        undo=Step(
            label=_("new contact {name}", name=contact.name),
            revert=lambda: put_back(engine, table=Contact, row_id=contact_id, state=None),
        ),
    )


def edit_contact(
    engine: Engine,
    *,
    contact_id: int,
    values: dict[str, Any] | None = None,
    archived: bool | None = None,
) -> Done[Contact]:
    """Change a contact's fields, and with `archived` archive or restore them."""
    fields = clean_contact(values=values or {})
    with transaction(engine) as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFoundError(_("no contact with id {id}", id=contact_id))
        before = row_state(contact)
        for name, value in fields.items():
            setattr(contact, name, value)
        if archived is not None:
            contact.archived_at = clock.now() if archived else None
        session.add(contact)
    label = (
        _("archive contact {name}", name=contact.name)
        if archived
        else _("edit contact {name}", name=contact.name)
    )
    return Done(
        value=contact,
        undo=Step(
            label=label,
            revert=lambda: put_back(engine, table=Contact, row_id=contact_id, state=before),
        ),
    )


def contacts_of(engine: Engine, *, client_id: int, archived: bool = False) -> list[Contact]:
    """A client's contacts by name; archived ones only with `archived`."""
    with reading(engine) as session:
        query = select(Contact).where(Contact.client_id == client_id).order_by(Contact.name)
        if not archived:
            query = query.where(Contact.archived_at.is_(None))
        return list(session.exec(query).all())
