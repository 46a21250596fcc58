"""The team: who is who, and which member "me" is."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from model.db import reading
from model.tables import Member


def team(engine: Engine) -> list[Member]:
    with reading(engine) as session:
        return list(session.exec(select(Member).where(Member.active).order_by(Member.name)).all())


def find_member(engine: Engine, *, name: str) -> Member | None:
    """The member whose name or initials match, case-insensitive."""
    wanted = name.strip().casefold()
    if not wanted:
        return None
    for member in team(engine):
        if wanted in (member.name.casefold(), member.initials.casefold()):
            return member
    return None
