"""Managing one's own agency in the model: clients, contacts, members, days off, paid hours.

Every refusal names its field, says why in words, and leaves the store exactly as it was.
"""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.budgets import budget_history, paid_hours, set_budget
from model.clients import (
    active_clients,
    create_client,
    edit_client,
    find_client,
    running_timers,
    set_client_status,
)
from model.config import Config
from model.contacts import add_contact, contacts_of, edit_contact
from model.daysoff import add_day_off, archive_day_off, available_days, days_off
from model.errors import NotFoundError, ValidationError
from model.members import add_member, edit_member, find_member, initials_of, team, working_days_of
from model.planning import plan_view
from model.tables import ClientStatus, Status, TimeEntry
from model.tasks import create_task
from model.timetrack import start_timer
from tests.agency import contents, this_weeks_sprint

MONDAY = pendulum.date(2026, 11, 16)


def refused(store, action, *, field: str, says: str) -> None:
    before = contents(store)
    with pytest.raises(ValidationError) as caught:
        action()
    assert caught.value.field == field
    assert says in str(caught.value)
    assert contents(store) == before


# --- clients ---------------------------------------------------------------------------------


def test_a_new_client_gets_an_upper_case_code_and_a_colour(store, frozen):
    made = create_client(store, values={"name": "  Northwind Bank ", "code": "nwb"}).value
    assert (made.name, made.code) == ("Northwind Bank", "NWB")
    assert made.colour.startswith("#") and made.status == ClientStatus.ACTIVE
    assert find_client(store, text="nwb").id == made.id


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"name": "", "code": "X"}, "name", "name cannot be empty"),
        ({"name": "   ", "code": "X"}, "name", "name cannot be empty"),
        ({"name": "A", "code": ""}, "code", "code cannot be empty"),
        ({"name": "A", "code": "two words"}, "code", "one word"),
        ({"name": "A", "code": "TOOLONGCODE1"}, "code", "at most 10"),
        ({"name": "A\nB", "code": "AB"}, "name", "one line"),
        ({"name": "A\x00", "code": "AB"}, "name", "NUL"),
        ({"name": "A", "code": "AB", "colour": "red"}, "colour", "#rrggbb"),
        ({"name": "A", "code": "AB", "cadence_days": 0}, "cadence_days", "1 to 90"),
        ({"name": "A", "code": "AB", "preferred_channel": "fax"}, "preferred_channel", "fax"),
        ({"name": "Other", "code": "acme"}, "code", "taken by ACME Corp"),
    ],
)
def test_bad_client_input_is_refused_and_changes_nothing(store, frozen, values, field, says):
    create_client(store, values={"name": "ACME Corp", "code": "ACME"})
    refused(store, lambda: create_client(store, values=values), field=field, says=says)


def test_an_edit_is_checked_the_same_way_and_undone_whole(store, frozen):
    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    other = create_client(store, values={"name": "Other", "code": "OTH"}).value
    refused(
        store,
        lambda: edit_client(store, client_id=other.id, values={"code": "Acme"}),
        field="code",
        says="taken",
    )
    done = edit_client(
        store,
        client_id=acme.id,
        values={"name": "ACME Bank", "site": "acme.test", "cadence_days": 5},
    )
    assert (done.value.name, done.value.cadence_days) == ("ACME Bank", 5)
    done.undo.revert()
    back = find_client(store, text="ACME")
    assert (back.name, back.site, back.cadence_days) == ("ACME", "", None)


def test_an_archived_client_leaves_pickers_but_keeps_its_history(store, frozen):
    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    task = create_task(store, client_id=acme.id, title="Banner", status=Status.TODO)
    set_client_status(store, client_id=acme.id, status=ClientStatus.ARCHIVED)
    assert active_clients(store) == []
    with pytest.raises(NotFoundError):
        find_client(store, text="ACME")
    assert find_client(store, text="ACME", archived=True).id == acme.id
    assert contents(store)["task"][0][0] == task.id
    restored = set_client_status(store, client_id=acme.id, status=ClientStatus.ACTIVE)
    assert [c.code for c in active_clients(store)] == ["ACME"]
    restored.undo.revert()
    assert active_clients(store) == []


def test_running_timers_on_a_client_are_counted_for_the_question_before_archiving(store, frozen):
    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    me = add_member(store, values={"name": "Olena Kovalenko"}).value
    task = create_task(store, client_id=acme.id, title="Banner", status=Status.TODO)
    assert running_timers(store, client_id=acme.id) == 0
    start_timer(store, task_id=task.id, member_id=me.id)
    assert running_timers(store, client_id=acme.id) == 1
    set_client_status(store, client_id=acme.id, status=ClientStatus.ARCHIVED)
    with store.connect() as connection:
        assert connection.execute(TimeEntry.__table__.select()).first().end is None


def test_undoing_a_new_client_removes_it(store, frozen):
    done = create_client(store, values={"name": "ACME", "code": "ACME"})
    done.undo.revert()
    assert contents(store)["client"] == []


# --- contacts --------------------------------------------------------------------------------


def test_contacts_are_added_edited_and_archived(store, frozen):
    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    anna = add_contact(
        store, client_id=acme.id, values={"name": "Anna [b]", "email": "anna@acme.test"}
    ).value
    refused(
        store,
        lambda: add_contact(store, client_id=acme.id, values={"name": "B", "email": "nope"}),
        field="email",
        says="name@example.com",
    )
    refused(
        store,
        lambda: add_contact(store, client_id=acme.id, values={"name": ""}),
        field="name",
        says="cannot be empty",
    )
    edit_contact(store, contact_id=anna.id, values={"role": "Marketing lead"})
    assert [(c.name, c.role) for c in contacts_of(store, client_id=acme.id)] == [
        ("Anna [b]", "Marketing lead")
    ]
    archived = edit_contact(store, contact_id=anna.id, archived=True)
    assert contacts_of(store, client_id=acme.id) == []
    assert len(contacts_of(store, client_id=acme.id, archived=True)) == 1
    archived.undo.revert()
    assert len(contacts_of(store, client_id=acme.id)) == 1


# --- members ---------------------------------------------------------------------------------


def test_initials_come_from_the_name_and_stay_unique(store, frozen):
    first = add_member(store, values={"name": "Dmytro Shevchenko", "role": "PPC"}).value
    second = add_member(store, values={"name": "Daria Sokolova"}).value
    assert (first.initials, second.initials) == ("DS", "DS2")
    assert find_member(store, name="ds2").id == second.id
    refused(
        store,
        lambda: add_member(store, values={"name": "Dan Smith", "initials": "ds"}),
        field="initials",
        says="taken",
    )
    refused(
        store,
        lambda: add_member(store, values={"name": "dmytro shevchenko"}),
        field="name",
        says="already on the team",
    )


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"name": ""}, "name", "cannot be empty"),
        ({"name": "A", "weekly_capacity_hours": -1}, "weekly_capacity_hours", "0 to 168"),
        ({"name": "A", "weekly_capacity_hours": 169}, "weekly_capacity_hours", "0 to 168"),
        ({"name": "A", "weekly_capacity_hours": float("nan")}, "weekly_capacity_hours", "168"),
        ({"name": "A", "working_days": "someday"}, "working_days", "mon-fri"),
        ({"name": "A", "working_days": ""}, "working_days", "at least one"),
        ({"name": "A", "initials": "A.B"}, "initials", "letters and digits"),
    ],
)
def test_bad_member_input_is_refused(store, frozen, values, field, says):
    refused(store, lambda: add_member(store, values=values), field=field, says=says)


def test_a_deactivated_member_keeps_their_time_and_can_come_back(store, frozen):
    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    olena = add_member(store, values={"name": "Olena Kovalenko"}).value
    task = create_task(store, client_id=acme.id, title="Banner", status=Status.TODO)
    start_timer(store, task_id=task.id, member_id=olena.id)
    edit_member(store, member_id=olena.id, active=False)
    assert team(store) == [] and len(team(store, inactive=True)) == 1
    assert find_member(store, name="Olena Kovalenko") is None
    assert len(contents(store)["timeentry"]) == 1
    edit_member(store, member_id=olena.id, active=True)
    assert [m.name for m in team(store)] == ["Olena Kovalenko"]


@pytest.mark.parametrize(
    ("text", "stored"),
    [("mon-fri", "12345"), ("1,3,5", "135"), ("12345", "12345"), ("Sat, sun", "67"), ("tue", "2")],
)
def test_working_days_are_read_as_people_write_them(text, stored):
    assert working_days_of(text=text) == stored


@given(st.text(max_size=40))
def test_initials_are_never_longer_than_three_letters_for_words(name):
    initials = initials_of(name=name)
    assert len(initials) <= 3 or not name.split()


# --- days off and capacity -------------------------------------------------------------------


def test_a_day_off_that_ends_before_it_starts_is_refused(store, frozen):
    olena = add_member(store, values={"name": "Olena"}).value
    refused(
        store,
        lambda: add_day_off(
            store, member_id=olena.id, first=MONDAY.add(days=2), last=MONDAY, kind="vacation"
        ),
        field="last",
        says="end before they start",
    )


def test_days_off_reduce_the_weeks_capacity_in_plan(store, frozen):
    config = Config()
    create_client(store, values={"name": "ACME", "code": "ACME"})
    olena = add_member(store, values={"name": "Olena", "weekly_capacity_hours": 40}).value
    add_member(store, values={"name": "Ivan", "weekly_capacity_hours": 40})
    sprint = this_weeks_sprint(store)
    before = {
        m.name: m.capacity_hours
        for m in plan_view(store, sprint=sprint, config=config, budgets={}).members
    }
    off = add_day_off(
        store,
        member_id=olena.id,
        first=sprint.week_start,
        last=pendulum.date(2026, 11, 17),
        kind="sick",
    )
    view = {m.name: m for m in plan_view(store, sprint=sprint, config=config, budgets={}).members}
    assert view["Ivan"].capacity_hours == before["Ivan"]
    assert view["Olena"].days_off == 2
    # two of five working days gone: 24 h of the week, less three days of stand-ups and a retro
    assert view["Olena"].capacity_hours == pytest.approx(24 - (3 * 2 * 15 + 60) / 60)
    archive_day_off(store, day_off_id=off.value.id)
    assert days_off(store, member_id=olena.id) == []
    view = {m.name: m for m in plan_view(store, sprint=sprint, config=config, budgets={}).members}
    assert view["Olena"].capacity_hours == before["Olena"]


@given(
    days=st.sets(st.integers(min_value=1, max_value=7), min_size=1),
    off=st.sets(st.integers(min_value=0, max_value=13)),
)
def test_available_days_never_exceed_the_working_days(days, off):
    working = "".join(str(d) for d in sorted(days))
    away = [MONDAY.add(days=offset) for offset in off]
    available = available_days(working_days=working, week_start=MONDAY, off=away)
    assert 0 <= available <= len(working)
    within = {MONDAY.add(days=o).isoweekday() for o in off if o < 7} & days
    assert available == len(working) - len(within)


# --- paid hours ------------------------------------------------------------------------------


def test_paid_hours_change_from_a_month_on_with_their_history(store, frozen):
    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    set_budget(store, client_id=acme.id, from_month=pendulum.date(2026, 11, 1), hours=40)
    change = set_budget(store, client_id=acme.id, from_month=pendulum.date(2026, 12, 1), hours=30)
    assert (change.value.previous_hours, change.value.past_month) == (40, False)
    assert [(r.from_month.month, r.hours) for r in budget_history(store, client_id=acme.id)] == [
        (11, 40),
        (12, 30),
    ]
    assert paid_hours(store, client_id=acme.id, month=pendulum.date(2027, 3, 1)) == 30
    change.undo.revert()
    assert paid_hours(store, client_id=acme.id, month=pendulum.date(2027, 3, 1)) == 40


def test_a_budget_for_a_past_month_is_allowed_and_says_so(store, frozen):
    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    change = set_budget(store, client_id=acme.id, from_month=pendulum.date(2026, 10, 1), hours=20)
    assert change.value.past_month is True


@pytest.mark.parametrize("hours", [-1, 10_001, float("nan"), float("inf")])
def test_impossible_paid_hours_are_refused(store, frozen, hours):
    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    refused(
        store,
        lambda: set_budget(store, client_id=acme.id, from_month=MONDAY, hours=hours),
        field="hours",
        says="between 0 and",
    )


def test_a_client_made_with_paid_hours_has_them_this_month_and_undo_takes_both(store, frozen):
    done = create_client(store, values={"name": "ACME", "code": "ACME"}, monthly_hours=40)
    assert paid_hours(store, client_id=done.value.id, month=pendulum.date(2026, 11, 5)) == 40
    refused(
        store,
        lambda: create_client(store, values={"name": "B", "code": "B"}, monthly_hours=-5),
        field="hours",
        says="between 0 and",
    )
    done.undo.revert()
    assert contents(store)["client"] == [] and contents(store)["budget"] == []


def test_an_archived_clients_work_leaves_the_board_the_inbox_and_go_to(store, frozen):
    from model.board import Scope, column_counts, find_tasks
    from model.inbox import inbox_count

    acme = create_client(store, values={"name": "ACME", "code": "ACME"}).value
    create_task(store, client_id=acme.id, title="Banner", status=Status.TODO)
    create_task(store, client_id=acme.id, title="Banner copy", status=Status.INBOX)
    sprint = this_weeks_sprint(store)
    scope = Scope(client_id=None, sprint_id=sprint.id)
    assert column_counts(store, scope=scope, statuses=(Status.TODO,))[Status.TODO] == 1
    set_client_status(store, client_id=acme.id, status=ClientStatus.ARCHIVED)
    assert column_counts(store, scope=scope, statuses=(Status.TODO,))[Status.TODO] == 0
    assert inbox_count(store) == 0 and find_tasks(store, text="banner") == []
    set_client_status(store, client_id=acme.id, status=ClientStatus.ACTIVE)
    assert inbox_count(store) == 1 and len(find_tasks(store, text="banner")) == 2


def test_days_off_show_in_the_stand_up_and_the_retro_numbers(store, frozen):
    from model.retro.numbers import sprint_numbers
    from model.standup import member_lists

    olena = add_member(store, values={"name": "Olena", "working_days": "mon-fri"}).value
    add_member(store, values={"name": "Ivan", "working_days": "mon-wed"})
    ivan = find_member(store, name="Ivan")
    sprint = this_weeks_sprint(store)
    # Olena is sick today (Wednesday 18 Nov); Ivan is away Tuesday to Friday, but
    # works Monday to Wednesday only: two of his working days are off.
    add_day_off(
        store, member_id=olena.id, first=MONDAY.add(days=2), last=MONDAY.add(days=2), kind="sick"
    )
    add_day_off(store, member_id=ivan.id, first=MONDAY.add(days=1), last=MONDAY.add(days=4))
    lists = {
        m.name: m
        for m in member_lists(
            store,
            since=frozen.subtract(hours=2),
            until=frozen,
            sprint_id=sprint.id,
            coefficients={},
        )
    }
    assert (lists["Olena"].away, lists["Ivan"].away) == ("sick", "vacation")
    assert sprint_numbers(store, sprint_id=sprint.id).days_off == 3
    edit_member(store, member_id=ivan.id, active=False)
    assert sprint_numbers(store, sprint_id=sprint.id).days_off == 1
