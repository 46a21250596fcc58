"""Finding clients by what people type."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from model.db import reading
from model.i18n import _
from model.tables import Client, ClientStatus
from model.tasks import NotFoundError


class AmbiguousError(LookupError):
    """More than one client matches; the message lists them."""


def active_clients(engine: Engine) -> list[Client]:
    with reading(engine) as session:
        return list(
            session.exec(
                select(Client).where(Client.status != ClientStatus.ARCHIVED).order_by(Client.name)
            ).all()
        )


def find_client(engine: Engine, *, text: str) -> Client:
    """A client by code or name, case-insensitive; a unique prefix or part of a name will do."""
    wanted = text.strip().casefold()
    if not wanted:
        raise NotFoundError(_("name a client"))
    clients = active_clients(engine)
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
    known = ", ".join(f"{c.name} ({c.code})" for c in clients) or _("none yet")
    raise NotFoundError(_("no client matches {text!r}; clients: {known}", text=text, known=known))


def client_by_id(engine: Engine, *, client_id: int) -> Client:
    with reading(engine) as session:
        client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(_("no client with id {id}", id=client_id))
    return client
