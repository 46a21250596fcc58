"""The stand-up: slots, reminders, the derived lists of a fixture day, its record, its summary.

The fixture day is Wednesday 18 November 2026 in Kyiv, with stand-ups at 11:00
and 16:00; every row is written at the moment it would have been, so task
events and time entries carry their real times. The Markdown summaries are
compared with golden files in tests/golden/, written once and checked by eye.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pendulum
import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from model import clock
from model.config import Config, save
from model.db import transaction
from model.inbox import capture
from model.standup import (
    Meeting,
    current_slot,
    due_reminder,
    finish_standup,
    meeting,
    neighbour_standup,
    next_slot,
    numbers,
    numbers_of,
    previous_slot,
    render_markdown,
    standup_at,
    standup_notes,
    start_standup,
    starts_on_open,
)
from model.store import open_store
from model.tables import Client, Member, Status
from model.tasks import ValidationError, create_task, move_status
from model.timetrack import add_entry, start_timer
from model.triage import accept
from tests.agency import this_weeks_sprint
from tests.conftest import ZONE
from tui.cli import run

GOLDEN = Path(__file__).parent / "golden"
TWICE = ("11:00", "16:00")
THRICE = ("09:30", "13:00", "17:45")


def kyiv(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=ZONE)


@contextmanager
def at(moment: pendulum.DateTime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


# --- slots -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "slot", "previous"),
    [
        (kyiv(18, 11), kyiv(18, 11), kyiv(17, 16)),
        (kyiv(18, 10, 59), kyiv(17, 16), kyiv(17, 11)),
        (kyiv(18, 15, 59), kyiv(18, 11), kyiv(17, 16)),
        (kyiv(18, 16), kyiv(18, 16), kyiv(18, 11)),
        (kyiv(18, 23, 59), kyiv(18, 16), kyiv(18, 11)),
        (kyiv(23, 11, 5), kyiv(23, 11), kyiv(20, 16)),  # Monday looks back to Friday
        (kyiv(23, 9), kyiv(20, 16), kyiv(20, 11)),  # Monday morning is still Friday's
        (kyiv(21, 12), kyiv(20, 16), kyiv(20, 11)),  # Saturday
        (kyiv(22, 23), kyiv(20, 16), kyiv(20, 11)),  # Sunday night
    ],
)
def test_the_slot_at_hand_and_the_one_before(now, slot, previous):
    found = current_slot(now=now, times=TWICE, zone=ZONE)
    assert found == slot
    assert previous_slot(slot=found, times=TWICE, zone=ZONE) == previous


def test_the_slot_is_found_in_the_configured_zone_whatever_zone_now_is_in():
    now = kyiv(18, 11, 5).in_timezone("America/New_York")
    assert current_slot(now=now, times=TWICE, zone=ZONE) == kyiv(18, 11)


@pytest.mark.parametrize(
    ("now", "slot", "previous"),
    [
        (kyiv(18, 9, 29), kyiv(17, 17, 45), kyiv(17, 13)),
        (kyiv(18, 9, 30), kyiv(18, 9, 30), kyiv(17, 17, 45)),
        (kyiv(18, 14), kyiv(18, 13), kyiv(18, 9, 30)),
        (kyiv(18, 17, 45), kyiv(18, 17, 45), kyiv(18, 13)),
        (kyiv(23, 10), kyiv(23, 9, 30), kyiv(20, 17, 45)),
    ],
)
def test_a_custom_three_slot_day(now, slot, previous):
    found = current_slot(now=now, times=THRICE, zone=ZONE)
    assert found == slot
    assert previous_slot(slot=found, times=THRICE, zone=ZONE) == previous


def test_without_stand_up_times_there_is_no_slot():
    with pytest.raises(ValueError):
        current_slot(now=kyiv(18, 12), times=(), zone=ZONE)


ZONES = ("Europe/Kyiv", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland")


@settings(max_examples=150, deadline=None)
@given(
    moment=st.datetimes(
        min_value=pendulum.datetime(2024, 1, 1).naive(),
        max_value=pendulum.datetime(2030, 12, 31).naive(),
    ),
    zone=st.sampled_from(ZONES),
    hours=st.sets(st.integers(min_value=7, max_value=20), min_size=1, max_size=4),
    minute=st.sampled_from((0, 15, 30, 45)),
)
def test_slots_bracket_now_and_chain(moment, zone, hours, minute):
    times = tuple(f"{hour:02d}:{minute:02d}" for hour in hours)
    now = pendulum.instance(moment, tz="UTC")
    slot = current_slot(now=now, times=times, zone=zone)
    following = next_slot(now=now, times=times, zone=zone)
    assert slot <= now < following
    assert slot.weekday() < 5 and following.weekday() < 5
    assert slot.format("HH:mm") in times
    before = previous_slot(slot=slot, times=times, zone=zone)
    assert before < slot
    assert next_slot(now=before, times=times, zone=zone) == slot
    assert next_slot(now=slot, times=times, zone=zone) == following


def test_the_meeting_starts_on_opening_only_near_its_slot():
    assert starts_on_open(slot=kyiv(18, 11), now=kyiv(18, 11))
    assert starts_on_open(slot=kyiv(18, 11), now=kyiv(18, 11, 59))
    assert not starts_on_open(slot=kyiv(18, 11), now=kyiv(18, 12))
    assert not starts_on_open(slot=kyiv(17, 16), now=kyiv(18, 10, 30))


# --- reminders -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "until", "expected"),
    [
        (
            kyiv(
                18,
                10,
                54,
            ),
            kyiv(18, 10, 55),
            (kyiv(18, 11), 5),
        ),
        (kyiv(18, 10, 59), kyiv(18, 11), (kyiv(18, 11), 0)),
        (kyiv(18, 10, 55), kyiv(18, 10, 59), None),  # the warning was shown already
        (kyiv(18, 11), kyiv(18, 11, 3), None),
        (kyiv(18, 15, 54), kyiv(18, 15, 56), (kyiv(18, 16), 5)),
        (kyiv(20, 16, 1), kyiv(23, 10, 56), (kyiv(23, 11), 5)),  # over the weekend
        (kyiv(18, 9), kyiv(18, 11, 20), None),  # slept through it: a late reminder misleads
    ],
)
def test_reminders_five_minutes_before_and_at_the_time(after, until, expected):
    found = due_reminder(after=after, until=until, times=TWICE, zone=ZONE)
    if expected is None:
        assert found is None
    else:
        assert (found.slot, found.minutes_before) == expected


def test_each_reminder_is_due_once_when_checked_every_few_seconds():
    moment, step, seen = kyiv(18, 10, 50), pendulum.duration(seconds=5), []
    while moment < kyiv(18, 16, 10):
        found = due_reminder(after=moment, until=moment + step, times=TWICE, zone=ZONE)
        if found:
            seen.append((found.slot.format("HH:mm"), found.minutes_before))
        moment += step
    assert seen == [("11:00", 5), ("11:00", 0), ("16:00", 5), ("16:00", 0)]


# --- the fixture day -------------------------------------------------------------------------


def build_day(engine) -> dict[str, int]:
    """Three people on two clients from Monday to Wednesday 11:20 (see the module docstring)."""
    ids: dict[str, int] = {}
    with at(kyiv(16, 9)):
        with transaction(engine) as session:
            for name, code in (("Acme Coffee", "ACME"), ("Beta Bank", "BETA")):
                client = Client(name=name, code=code, created_at=clock.now())
                session.add(client)
                session.flush()
                ids[code] = client.id
            for name, initials, role in (
                ("Anna Koval", "AK", "Account manager"),
                ("Bohdan Lys", "BL", "PPC"),
                ("Chrystyna Moroz", "CM", "SEO"),
            ):
                member = Member(name=name, initials=initials, role=role)
                session.add(member)
                session.flush()
                ids[initials] = member.id
        sprint = this_weeks_sprint(engine)
        ids["sprint"] = sprint.id
        for key, code, title, status, who, extra in (
            ("ads", "ACME", "Google Ads | setup", "todo", "BL", {"priority": "high"}),
            ("audit", "ACME", "SEO audit: «Каталог»", "doing", "CM", {}),
            ("banner", "BETA", "Banner set *v2*", "doing", "AK", {}),
            ("report", "BETA", "Monthly report", "todo", "BL", {"due_date": kyiv(18, 0).date()}),
            ("fix", "ACME", "Fix [link] tracking", "todo", "BL", {"priority": "low"}),
            ("copy", "BETA", "Landing copy", "doing", "CM", {"blocked": True}),
            ("negative", "ACME", "Negative keywords", "doing", "BL", {}),
            ("keywords", "ACME", "Keyword research", "doing", "BL", {}),
            ("dashboard", "BETA", "PPC dashboard", "doing", "BL", {}),
        ):
            task = create_task(
                engine,
                client_id=ids[code],
                title=title,
                status=status,
                assignee_id=ids[who],
                sprint_id=sprint.id,
                estimate_hours=2,
                **extra,
            )
            ids[key] = task.id
        ids["someday"] = create_task(
            engine, client_id=ids["ACME"], title="Next quarter idea", status="todo"
        ).id
        ids["old fire"] = capture(
            engine, line="BETA: Old fire from Monday", today=clock.today(), fire=True
        ).id
    with at(kyiv(16, 12)):
        move_status(engine, task_id=ids["banner"], status=Status.WAITING, who=ids["AK"])
    with at(kyiv(17, 12)):
        ids["old request"] = capture(engine, line="ACME: Old request", today=clock.today()).id
    with at(kyiv(17, 15)):
        move_status(engine, task_id=ids["keywords"], status=Status.REVIEW, who=ids["AK"])
    with at(kyiv(17, 17, 30)):
        add_entry(
            engine,
            task_id=ids["audit"],
            member_id=ids["CM"],
            start=kyiv(17, 15),
            end=kyiv(17, 16, 30),
        )
        add_entry(
            engine,
            task_id=ids["negative"],
            member_id=ids["BL"],
            start=kyiv(17, 16, 30),
            end=kyiv(17, 17, 30),
        )
        move_status(engine, task_id=ids["negative"], status=Status.DONE, who=ids["BL"])
    with at(kyiv(18, 10)):
        ids["site down"] = capture(
            engine, line="BETA: Site is down", today=clock.today(), fire=True
        ).id
    with at(kyiv(18, 10, 20)):
        ids["ad group"] = capture(engine, line="ACME: Add a new ad group", today=clock.today()).id
        add_entry(
            engine,
            task_id=ids["ads"],
            member_id=ids["BL"],
            start=kyiv(18, 9, 30),
            end=kyiv(18, 10, 15),
        )
    with at(kyiv(18, 10, 45)):
        start_timer(engine, task_id=ids["audit"], member_id=ids["CM"])
    return ids


def hold_the_morning_stand_up(engine, ids) -> None:
    """At 11:10 a request is accepted; at 11:14 the stand-up finishes with notes."""
    with at(kyiv(18, 11, 2)):
        start_standup(engine, slot_at=kyiv(18, 11))
    with at(kyiv(18, 11, 10)):
        accept(
            engine,
            task_id=ids["ad group"],
            sprint_id=ids["sprint"],
            assignee_id=ids["BL"],
            estimate_hours=1.5,
            who=ids["AK"],
        )
    with at(kyiv(18, 11, 14)):
        finish_standup(
            engine,
            slot_at=kyiv(18, 11),
            note="Site is down: Bohdan looks first.\nRetro moves to 16:30.",
            notes={ids["AK"]: "Chase Beta for the banner approval", ids["BL"]: "  "},
            numbers=numbers(meeting=view(engine, ids)),
        )


def the_afternoon(engine, ids) -> None:
    with at(kyiv(18, 12)):
        move_status(engine, task_id=ids["report"], status=Status.REVIEW, who=ids["BL"])
    with at(kyiv(18, 13)):
        ids["cfo"] = capture(engine, line="ACME: Call back the CFO", today=clock.today()).id
    with at(kyiv(18, 14)):
        add_entry(
            engine,
            task_id=ids["report"],
            member_id=ids["BL"],
            start=kyiv(18, 12),
            end=kyiv(18, 13, 30),
        )


def view(engine, ids) -> Meeting:
    return meeting(
        engine,
        now=clock.now(),
        times=TWICE,
        zone=ZONE,
        sprint_id=ids["sprint"],
        coefficients=Config().urgency,
    )


@pytest.fixture
def day(store, frozen):
    return store, build_day(store)


def lists(found: Meeting) -> dict[str, dict[str, list]]:
    return {
        member.initials: {
            "done": [(i.title, i.moved_to, round(i.hours, 2)) for i in member.done],
            "doing": [(i.title, i.running) for i in member.doing],
            "next": [i.title for i in member.next],
            "blocked": [(i.title, i.waiting_days, i.blocked) for i in member.blocked],
        }
        for member in found.members
    }


def test_the_lists_at_the_morning_stand_up(day):
    engine, ids = day
    with at(kyiv(18, 11, 5)):
        found = view(engine, ids)
    assert (found.slot, found.since) == (kyiv(18, 11), kyiv(17, 16))
    assert lists(found) == {
        "AK": {
            "done": [],
            "doing": [],
            "next": [],
            "blocked": [("Banner set *v2*", 1, False)],
        },
        "BL": {
            "done": [("Negative keywords", "done", 1.0), ("Google Ads | setup", None, 0.75)],
            "doing": [("PPC dashboard", False)],
            "next": ["Monthly report", "Google Ads | setup", "Fix [link] tracking"],
            "blocked": [],
        },
        "CM": {
            "done": [("SEO audit: «Каталог»", None, 0.83)],
            "doing": [("SEO audit: «Каталог»", True), ("Landing copy", False)],
            "next": [],
            "blocked": [("Landing copy", None, True)],
        },
    }
    running = found.members[2].doing[0]
    assert running.hours == pytest.approx(20 / 60)


def test_a_move_to_review_counts_for_the_assignee_not_the_mover(day):
    engine, ids = day
    with at(kyiv(17, 16, 5)):
        found = view(engine, ids)
    assert found.since == kyiv(17, 11)
    by_member = lists(found)
    assert ("Keyword research", "review", 0) in by_member["BL"]["done"]
    assert by_member["AK"]["done"] == []


def test_the_fires_at_the_morning_stand_up(day):
    engine, ids = day
    with at(kyiv(18, 11, 5)):
        found = view(engine, ids)
    assert [fire.title for fire in found.fires] == [
        "Add a new ad group",
        "Site is down",
        "Old fire from Monday",
    ], "new requests since 16:00 and any untriaged fire, newest first; the old request is not"


def test_a_triaged_urgent_task_stays_among_the_fires_with_its_new_status(day):
    engine, ids = day
    hold_the_morning_stand_up(engine, ids)
    with at(kyiv(18, 11, 20)):
        found = view(engine, ids)
        assert [(fire.title, fire.status) for fire in found.fires] == [
            ("Site is down", "inbox"),
            ("Old fire from Monday", "inbox"),
        ], "the accepted normal request is no longer a fire"
        from model.triage import fire

        fire(engine, task_id=ids["site down"], sprint_id=ids["sprint"])
        found = view(engine, ids)
    assert [(fire.title, fire.status) for fire in found.fires] == [
        ("Old fire from Monday", "inbox"),
        ("Site is down", "todo"),
    ]


def test_next_holds_the_sprint_only_and_counts_what_it_does_not_show(day):
    engine, ids = day
    with at(kyiv(18, 10, 50)):
        for number in range(6):
            create_task(
                engine,
                client_id=ids["ACME"],
                title=f"Extra {number}",
                status="todo",
                assignee_id=ids["BL"],
                sprint_id=ids["sprint"],
            )
    with at(kyiv(18, 11, 5)):
        member = view(engine, ids).members[1]
    assert len(member.next) == 5 and member.next_total == 9
    assert "Next quarter idea" not in [item.title for item in member.next]
    assert member.next[0].title == "Monthly report", "due today ranks first"


# --- the record ------------------------------------------------------------------------------


def test_starting_keeps_the_first_start(day):
    engine, _ids = day
    with at(kyiv(18, 11, 2)):
        first = start_standup(engine, slot_at=kyiv(18, 11))
    with at(kyiv(18, 11, 9)):
        again = start_standup(engine, slot_at=kyiv(18, 11))
    assert again.id == first.id
    assert pendulum.instance(again.started_at) == kyiv(18, 11, 2)


def test_finishing_keeps_notes_and_numbers_once(day):
    engine, ids = day
    hold_the_morning_stand_up(engine, ids)
    record = standup_at(engine, slot_at=kyiv(18, 11))
    assert pendulum.instance(record.started_at) == kyiv(18, 11, 2)
    assert pendulum.instance(record.finished_at) == kyiv(18, 11, 14)
    assert record.note.startswith("Site is down")
    assert standup_notes(engine, standup_id=record.id) == {
        ids["AK"]: "Chase Beta for the banner approval"
    }, "a blank note is not kept"
    kept = numbers_of(standup=record)
    assert kept["fires"] == 2 and kept["untriaged"] == 2, "the accepted request left the fires"
    assert kept["members"][str(ids["BL"])] == {
        "name": "Bohdan Lys",
        "initials": "BL",
        "done": 2,
        "doing": 1,
        "next": 4,
        "blocked": 0,
        "hours": 1.75,
    }
    with at(kyiv(18, 11, 30)), pytest.raises(ValidationError, match="finished at 11:14"):
        finish_standup(engine, slot_at=kyiv(18, 11), note="", notes={}, numbers={})


def test_notes_are_checked_before_anything_is_written(day):
    engine, ids = day
    with at(kyiv(18, 11, 14)), pytest.raises(ValidationError):
        finish_standup(
            engine, slot_at=kyiv(18, 11), note="ok", notes={ids["AK"]: "x" * 3000}, numbers={}
        )
    assert standup_at(engine, slot_at=kyiv(18, 11)) is None


def test_history_leafs_through_finished_stand_ups_only(day):
    engine, ids = day
    for slot in (kyiv(17, 11), kyiv(17, 16), kyiv(18, 11)):
        with at(slot.add(minutes=15)):
            finish_standup(engine, slot_at=slot, note=slot.format("HH:mm"), notes={}, numbers={})
    with at(kyiv(18, 16, 2)):
        start_standup(engine, slot_at=kyiv(18, 16))
    newest = neighbour_standup(engine, slot_at=kyiv(18, 16), older=True, inclusive=True)
    assert pendulum.instance(newest.slot_at) == kyiv(18, 11), "the unfinished one is skipped"
    older = neighbour_standup(engine, slot_at=newest.slot_at, older=True)
    assert pendulum.instance(older.slot_at) == kyiv(17, 16)
    newer = neighbour_standup(engine, slot_at=older.slot_at, older=False)
    assert newer.id == newest.id
    assert neighbour_standup(engine, slot_at=newest.slot_at, older=False) is None
    first = neighbour_standup(engine, slot_at=kyiv(17, 11), older=True, inclusive=True)
    assert neighbour_standup(engine, slot_at=first.slot_at, older=True) is None


def test_numbers_of_a_record_without_them_are_empty(day):
    engine, _ids = day
    with at(kyiv(18, 11, 14)):
        record = finish_standup(engine, slot_at=kyiv(18, 11), note="", notes={}, numbers={})
    record.snapshot = "not json"
    assert numbers_of(standup=record) == {}
    record.snapshot = json.dumps([1, 2])
    assert numbers_of(standup=record) == {}


# --- the summary -----------------------------------------------------------------------------


def test_the_summary_keeps_user_text_literal(day):
    engine, ids = day
    with at(kyiv(18, 11, 5)):
        text = render_markdown(meeting=view(engine, ids))
    assert "Banner set \\*v2\\*" in text
    assert "Fix \\[link\\] tracking" in text
    assert "Google Ads \\| setup" in text


@pytest.fixture
def day_file(tmp_path, frozen):
    """The fixture day in a SQLite file, and a config in Kyiv, for the shell command."""
    path = tmp_path / "day.db"
    engine = open_store(url=f"sqlite:///{path}").engine
    ids = build_day(engine)
    save(config=Config(time_zone=ZONE))
    return path, engine, ids


def printed(capsys, path: Path) -> str:
    assert run(["standup", "--print", "--db", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_print_after_the_morning_stand_up_matches_the_golden_file(day_file, capsys):
    path, engine, ids = day_file
    hold_the_morning_stand_up(engine, ids)
    with at(kyiv(18, 11, 20)):
        out = printed(capsys, path)
    assert out == (GOLDEN / "standup-2026-11-18-1100.md").read_text(encoding="utf-8")


def test_print_at_the_afternoon_stand_up_matches_the_golden_file(day_file, capsys):
    path, engine, ids = day_file
    hold_the_morning_stand_up(engine, ids)
    the_afternoon(engine, ids)
    with at(kyiv(18, 16, 5)):
        out = printed(capsys, path)
    assert out == (GOLDEN / "standup-2026-11-18-1600.md").read_text(encoding="utf-8")


def test_standup_without_print_opens_the_app_on_the_stand_up(day_file, monkeypatch):
    import tui.cli_standup

    path, _engine, _ids = day_file
    opened = []
    monkeypatch.setattr(
        tui.cli_standup, "open_app", lambda ctx, **options: opened.append(options) or 0
    )
    assert run(["standup", "--db", str(path)]) == 0
    assert opened == [{"start_mode": "standup"}]
