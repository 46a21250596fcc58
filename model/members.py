"""The team: who is who, which member "me" is, and adding or changing members.

A member is deactivated, never deleted: their time entries, stand-up notes and
task history keep naming them, and a returning colleague is reactivated.
Initials are what cards and the stand-up show and what people type (`@ds`), so
they are unique among the team without regard to case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from model.db import reading, transaction
from model.errors import ForbiddenError, NotFoundError, ValidationError, check_line
from model.i18n import _
from model.tables import Member
from model.undo import Done, Step, put_back, row_state

MAX_CAPACITY = 168.0
"""Hours in a week: more than this is a typo, not a heroic colleague."""
EDITABLE = ("name", "initials", "role", "weekly_capacity_hours", "working_days")


def team(engine: Engine, *, inactive: bool = False) -> list[Member]:
    """Active members by name (with `inactive`, every member)."""
    with reading(engine) as session:
        query = select(Member).order_by(Member.name)
        if not inactive:
            query = query.where(Member.active)
        return list(session.exec(query).all())


def find_member(engine: Engine, *, name: str, inactive: bool = False) -> Member | None:
    """The member whose name or initials match, case-insensitive."""
    wanted = name.strip().casefold()
    if not wanted:
        return None
    for member in team(engine, inactive=inactive):
        if wanted in (member.name.casefold(), member.initials.casefold()):
            return member
    return None


def initials_of(*, name: str) -> str:
    """The first letters of the first three words: "Olena Kovalenko" → "OK"."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:3]).upper()
    return letters or name.strip()[:2].upper()


def working_days_of(*, text: str) -> str:
    """Working days as stored ("12345"), from digits or weekday names ("mon-fri", "1,2,3")."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        raise ValidationError(_("name at least one working day"), field="working_days")
    days: set[int] = set()
    parts = cleaned.replace(",", " ").split() if "," in cleaned else [cleaned]
    for part in parts:
        ends = part.split("-")
        if len(ends) == 2 and all(end[:3] in names for end in ends):
            first, last = (names.index(end[:3]) + 1 for end in ends)
            if last < first:
                raise ValidationError(
                    _("a range of days runs forward: mon-fri"), field="working_days"
                )
            days.update(range(first, last + 1))
        elif part[:3] in names:
            days.add(names.index(part[:3]) + 1)
        elif part.isdigit() and all(char in "1234567" for char in part):
            days.update(int(char) for char in part)
        else:
            raise ValidationError(
                _("working days are 1-7 (Monday is 1) or mon-fri"), field="working_days"
            )
    return "".join(str(day) for day in sorted(days))


def clean_member(*, values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise member fields before anything is written; raises by field."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("unknown member fields: {names}", names=", ".join(sorted(unknown))))
    out = dict(values)
    if "name" in out:
        out["name"] = check_line(
            value=out["name"],
            field="name",
            limit=120,
            required=True,
            empty=_("the name cannot be empty"),
        )
    if "initials" in out:
        initials = check_line(value=out["initials"], field="initials", limit=4, required=False)
        if initials and not all(char.isalnum() for char in initials):
            raise ValidationError(_("initials are letters and digits"), field="initials")
        out["initials"] = initials.upper()
    if "role" in out:
        out["role"] = check_line(value=out["role"], field="role", limit=120, required=False)
    capacity = out.get("weekly_capacity_hours")
    if "weekly_capacity_hours" in out and not (
        isinstance(capacity, int | float) and 0 <= capacity <= MAX_CAPACITY
    ):
        raise ValidationError(
            _("weekly capacity is 0 to {limit} hours", limit=int(MAX_CAPACITY)),
            field="weekly_capacity_hours",
        )
    if "working_days" in out:
        out["working_days"] = working_days_of(text=str(out["working_days"]))
    return out


def _check_unique(session: Session, *, fields: dict[str, Any], member_id: int | None) -> None:
    for field, column, message in (
        ("name", Member.name, _("{value} is already on the team")),
        ("initials", Member.initials, _("the initials {value} are taken; choose others")),
    ):
        value = fields.get(field)
        if not value:
            continue
        taken = session.exec(
            select(Member.id).where(func.lower(column) == value.lower(), Member.id != member_id)
        ).first()
        if taken is not None:
            raise ValidationError(message.format(value=value), field=field)


def _free_initials(session: Session, *, wanted: str) -> str:
    """`wanted`, or with the first digit that makes it unique ("DS2")."""
    taken = {value.lower() for value in session.exec(select(Member.initials)).all()}
    if wanted.lower() not in taken:
        return wanted
    for digit in range(2, 100):
        if f"{wanted}{digit}".lower() not in taken:
            return f"{wanted}{digit}"
    return wanted


def add_member(engine: Engine, *, values: dict[str, Any]) -> Done[Member]:
    """A new active member; initials left empty are derived from the name.

    The first member of a team without a manager becomes its manager: whoever sets a
    store up can then approve weeks and set rates, and name other managers.
    """
    fields = clean_member(values=values)
    if "name" not in fields:
        clean_member(values={"name": ""})
    with transaction(engine) as session:
        if not fields.get("initials"):
            fields["initials"] = _free_initials(session, wanted=initials_of(name=fields["name"]))
        _check_unique(session, fields=fields, member_id=None)
        member = Member(**fields, manager=_managers(session) == 0)
        session.add(member)
        session.flush()
        member_id = member.id
    return Done(
        value=member,
        undo=Step(
            label=_("new member {name}", name=member.name),
            revert=lambda: put_back(engine, table=Member, row_id=member_id, state=None),
        ),
    )


def edit_member(
    engine: Engine,
    *,
    member_id: int,
    values: dict[str, Any] | None = None,
    active: bool | None = None,
    manager: bool | None = None,
    by_id: int | None = None,
) -> Done[Member]:
    """Change a member's fields; with `active` deactivate or reactivate them, and with
    `manager` make them a manager or not, which only a manager (`by_id`) may do, or
    anyone while the team has no active manager."""
    fields = clean_member(values=values or {})
    if "initials" in fields and not fields["initials"]:
        raise ValidationError(_("initials cannot be empty"), field="initials")
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFoundError(_("no member with id {id}", id=member_id))
        _check_unique(session, fields=fields, member_id=member_id)
        if manager is not None and _managers(session) > 0:
            check_manager(session, member_id=by_id, refusal=_("only a manager can name managers"))
        if manager is False:
            _keep_a_manager(session, member=member)
        before = row_state(member)
        for name, value in fields.items():
            setattr(member, name, value)
        if active is not None:
            member.active = active
        if manager is not None:
            member.manager = manager
        session.add(member)
    if manager is not None:
        label = _("manager {name}", name=member.name)
    elif active is None:
        label = _("edit member {name}", name=member.name)
    elif active:
        label = _("reactivate {name}", name=member.name)
    else:
        label = _("deactivate {name}", name=member.name)
    return Done(
        value=member,
        undo=Step(
            label=label,
            revert=lambda: put_back(engine, table=Member, row_id=member_id, state=before),
        ),
    )


def _managers(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(Member).where(Member.manager, Member.active)
    ).one()


def _keep_a_manager(session: Session, *, member: Member) -> None:
    """Refuse to unmake the last active manager, which would leave nobody to see money.
    (Deactivating them is not refused: a team left without a manager names one anew.)"""
    if member.manager and member.active and _managers(session) == 1:
        raise ValidationError(
            _("{name} is the only manager; name another one first", name=member.name),
            field="manager",
        )


def check_manager(session: Session, *, member_id: int | None, refusal: str) -> None:
    """Raise `refusal` unless `member_id` is an active manager: every model function that
    returns money or approves time calls this inside its own transaction."""
    member = session.get(Member, member_id) if member_id is not None else None
    if member is None or not (member.manager and member.active):
        raise ForbiddenError(refusal)


def is_manager(engine: Engine, *, member_id: int | None) -> bool:
    """Whether screens should offer a manager's keys (the model checks again on use)."""
    with reading(engine) as session:
        member = session.get(Member, member_id) if member_id is not None else None
        return member is not None and member.manager and member.active


def needs_setup(engine: Engine, *, me_id: int | None) -> bool:
    """A first start: nobody is on the team, or the team has members but none is me and
    there is no client yet (a new colleague joining a shared store picks themselves)."""
    from model.tables import Client

    with reading(engine) as session:
        has_member = session.exec(select(Member.id).limit(1)).first() is not None
        has_client = session.exec(select(Client.id).limit(1)).first() is not None
    if not has_member:
        return True
    return me_id is None and not has_client
