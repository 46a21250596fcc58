"""Who is a manager (model/members.py): the first member, named only by a manager, never none."""

from __future__ import annotations

import pytest

from model.db import reading
from model.errors import ForbiddenError, ValidationError
from model.members import add_member, check_manager, edit_member, is_manager
from model.tables import Member
from tests.test_cli_team import add, deck, refused  # noqa: F401  (the fixture)


def _member(store, name: str) -> Member:
    return add_member(store, values={"name": name}).value


def test_the_first_member_of_a_store_is_its_manager_and_the_next_are_not(store):
    first, second = _member(store, "Anna Koval"), _member(store, "Dmytro Shevchenko")
    assert is_manager(store, member_id=first.id)
    assert not is_manager(store, member_id=second.id)
    assert not is_manager(store, member_id=None)


def test_only_a_manager_names_another_and_undo_takes_it_back(store):
    first, second = _member(store, "Anna Koval"), _member(store, "Dmytro Shevchenko")
    with pytest.raises(ForbiddenError, match="only a manager"):
        edit_member(store, member_id=second.id, manager=True, by_id=second.id)
    assert not is_manager(store, member_id=second.id)
    done = edit_member(store, member_id=second.id, manager=True, by_id=first.id)
    assert is_manager(store, member_id=second.id)
    done.undo.revert()
    assert not is_manager(store, member_id=second.id)


def test_the_last_manager_stays_one_and_a_team_left_without_names_another(store):
    first, second = _member(store, "Anna Koval"), _member(store, "Dmytro Shevchenko")
    with pytest.raises(ValidationError, match="only manager"):
        edit_member(store, member_id=first.id, manager=False, by_id=first.id)
    assert is_manager(store, member_id=first.id)
    edit_member(store, member_id=first.id, active=False)
    assert not is_manager(store, member_id=first.id)
    edit_member(store, member_id=second.id, manager=True, by_id=second.id)
    assert is_manager(store, member_id=second.id)


def test_a_deactivated_manager_is_refused_where_money_is_checked(store):
    first, second = _member(store, "Anna Koval"), _member(store, "Dmytro Shevchenko")
    edit_member(store, member_id=second.id, manager=True, by_id=first.id)
    edit_member(store, member_id=second.id, active=False)
    with reading(store) as session:
        check_manager(session, member_id=first.id, refusal="no")
        for member_id in (second.id, None, 9999):
            with pytest.raises(ForbiddenError, match="^no$"):
                check_manager(session, member_id=member_id, refusal="no")


def test_the_shell_names_a_manager_only_for_a_manager(deck, capsys):  # noqa: F811
    add(deck, capsys, "member", "add", "Anna Koval")
    add(deck, capsys, "member", "add", "Dmytro Shevchenko")
    add(deck, capsys, "config", "set", "me", "Dmytro Shevchenko")
    line = refused(deck, capsys, "member", "edit", "Anna Koval", "--no-manager", code=1)
    assert line == "clientdeck: only a manager can name managers"
    add(deck, capsys, "config", "set", "me", "Anna Koval")
    add(deck, capsys, "member", "edit", "Dmytro Shevchenko", "--manager")
    header, *rows = add(deck, capsys, "member", "list").splitlines()
    assert header.split()[-1] == "MANAGER"
    assert [row.split()[-1] for row in rows] == ["yes", "yes"]


def test_the_demo_agency_has_its_account_manager_as_its_one_manager(frozen, tmp_path):
    from sqlmodel import select

    from model.db import sqlite_url
    from model.demo import fill
    from model.store import open_store

    engine = open_store(url=sqlite_url(path=tmp_path / "demo.db")).engine
    fill(engine=engine, scale=1)
    with reading(engine) as session:
        managers = session.exec(select(Member.name).where(Member.manager)).all()
    engine.dispose()
    assert managers == ["Olena Kovalenko"]
