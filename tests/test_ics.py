"""The iCalendar export, read back with the icalendar library (model/ics.py, `export ics`)."""

from __future__ import annotations

import datetime as dt
import stat
from zoneinfo import ZoneInfo

import pendulum
import pytest
import time_machine
from icalendar import Calendar

from model import clock
from model.config import Config
from model.db import transaction
from model.ics import export_calendar
from model.tables import Client, Status
from model.tasks import create_task, update_task
from tui.cli import run

KYIV = "Europe/Kyiv"


@pytest.fixture
def shop(store, frozen):
    with transaction(store) as session:
        acme = Client(name="Acme", code="AC", created_at=clock.now())
        beta = Client(name="Beta", code="BT", created_at=clock.now())
        session.add_all([acme, beta])
        session.flush()
        ids = {"acme": acme.id, "beta": beta.id}
    today = clock.today()
    for name, client, fields in (
        ("deadline", "acme", {"due_date": today.add(days=2)}),
        ("timed", "acme", {"due_date": today, "due_time": dt.time(15, 30)}),
        ("promise", "beta", {"due_date": today.add(days=1), "promised_at": clock.now()}),
        ("no date", "acme", {}),
        ("done long ago", "acme", {"due_date": today.subtract(days=30), "status": Status.DONE}),
        ("done lately", "beta", {"due_date": today.subtract(days=3), "status": Status.DONE}),
        ("late", "acme", {"due_date": today.subtract(days=60)}),
    ):
        fields.setdefault("status", Status.TODO)
        ids[name] = create_task(store, client_id=ids[client], title=name.title(), **fields).id
    return store, ids


def parse(text: str) -> Calendar:
    return Calendar.from_ical(text)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_export_is_valid_icalendar_with_every_item(shop):
    engine, ids = shop
    calendar = parse(export_calendar(engine, config=Config(time_zone=KYIV)))
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    found = events(calendar)
    tasks = {uid for uid in found if uid.startswith("task-")}
    wanted = ("deadline", "timed", "promise", "done lately", "late")
    assert tasks == {f"task-{ids[name]}@clientdeck" for name in wanted}
    assert len(found) == len(wanted) + 3, "two stand-up series and the retro"
    assert {str(event["DTSTAMP"].dt.tzinfo) for event in found.values()} == {"UTC"}


def test_stand_ups_recur_on_working_days_and_the_retro_weekly(shop):
    engine, _ids = shop
    found = events(parse(export_calendar(engine, config=Config(time_zone=KYIV))))
    first, second, retro = (
        found[uid] for uid in ("standup-1@clientdeck", "standup-2@clientdeck", "retro@clientdeck")
    )
    for event, hour in ((first, 11), (second, 16)):
        rule = event["RRULE"]
        assert rule["FREQ"] == ["WEEKLY"]
        assert rule["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
        start = event["DTSTART"].dt
        assert start == dt.datetime(2026, 11, 16, hour, tzinfo=ZoneInfo(KYIV))
        assert event["DURATION"].dt == dt.timedelta(minutes=15)
    assert retro["RRULE"]["BYDAY"] == ["FR"]
    assert retro["DTSTART"].dt == dt.datetime(2026, 11, 20, 17, tzinfo=ZoneInfo(KYIV))
    assert retro["DURATION"].dt == dt.timedelta(hours=1)


def test_rituals_follow_the_config(shop):
    engine, _ids = shop
    config = Config(
        time_zone=KYIV,
        standup_times=("09:00", "12:00", "17:30"),
        standup_minutes=10,
        retro_day="thursday",
        retro_time="16:00",
    )
    found = events(parse(export_calendar(engine, config=config)))
    assert {uid for uid in found if uid.startswith("standup")} == {
        "standup-1@clientdeck",
        "standup-2@clientdeck",
        "standup-3@clientdeck",
    }
    assert found["standup-3@clientdeck"]["DTSTART"].dt.time() == dt.time(17, 30)
    assert found["retro@clientdeck"]["RRULE"]["BYDAY"] == ["TH"]
    assert found["retro@clientdeck"]["DTSTART"].dt.date() == dt.date(2026, 11, 19)


def test_deadlines_are_all_day_or_timed_and_promises_say_so(shop):
    engine, ids = shop
    found = events(parse(export_calendar(engine, config=Config(time_zone=KYIV))))
    deadline = found[f"task-{ids['deadline']}@clientdeck"]
    assert deadline["DTSTART"].dt == dt.date(2026, 11, 20)
    assert str(deadline["SUMMARY"]) == "Due for AC: Deadline"
    timed = found[f"task-{ids['timed']}@clientdeck"]
    assert timed["DTSTART"].dt == dt.datetime(2026, 11, 18, 15, 30, tzinfo=ZoneInfo(KYIV))
    assert str(found[f"task-{ids['promise']}@clientdeck"]["SUMMARY"]) == "Promise to BT: Promise"
    assert str(found[f"task-{ids['done lately']}@clientdeck"]["SUMMARY"]).startswith("Done: ")


def test_uids_are_stable_and_the_sequence_moves_with_the_task(shop):
    engine, ids = shop
    first = events(parse(export_calendar(engine, config=Config(time_zone=KYIV))))
    update_task(engine, task_id=ids["deadline"], changes={"title": "Deadline, renamed"})
    with time_machine.travel(pendulum.datetime(2026, 11, 25, 9, tz=KYIV), tick=False):
        second = events(parse(export_calendar(engine, config=Config(time_zone=KYIV))))
    assert set(first) == set(second)
    uid = f"task-{ids['deadline']}@clientdeck"
    assert second[uid]["SEQUENCE"] > first[uid]["SEQUENCE"]
    assert str(second[uid]["SUMMARY"]) == "Due for AC: Deadline, renamed"


def test_one_clients_export_has_only_its_deadlines_and_no_rituals(shop):
    engine, ids = shop
    calendar = parse(export_calendar(engine, config=Config(time_zone=KYIV), client_id=ids["beta"]))
    assert set(events(calendar)) == {
        f"task-{ids['promise']}@clientdeck",
        f"task-{ids['done lately']}@clientdeck",
    }
    assert "Beta" in str(calendar["X-WR-CALNAME"])


def test_user_text_survives_the_round_trip(shop):
    engine, ids = shop
    title = "Звіт; [bold]x[/], \\ and a long line " + "→" * 80
    update_task(engine, task_id=ids["deadline"], changes={"title": title})
    found = events(parse(export_calendar(engine, config=Config(time_zone=KYIV))))
    assert str(found[f"task-{ids['deadline']}@clientdeck"]["SUMMARY"]) == f"Due for AC: {title}"


def test_a_utc_store_exports_too(store, frozen):
    clock.set_zone(name="UTC")
    calendar = parse(export_calendar(store, config=Config()))
    assert len(calendar.walk("VEVENT")) == 3


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "shell.db"
    (tmp_path / "config").mkdir()
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(tmp_path / "config"))
    (tmp_path / "config" / "config.toml").write_text(f'time_zone = "{KYIV}"\n', encoding="utf-8")
    assert run(["demo", "--db", str(path)]) == 0
    return path


def test_export_ics_writes_a_private_file(db, tmp_path, capsys):
    out = tmp_path / "week.ics"
    assert run(["export", "ics", "--out", str(out), "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    calendar = Calendar.from_ical(out.read_text(encoding="utf-8"))
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert "retro@clientdeck" in uids and len(uids) == len(set(uids)) > 3


def test_export_ics_for_a_client_prints_to_the_screen(db, capsys):
    assert run(["export", "ics", "--client", "NWB", "--db", str(db)]) == 0
    calendar = Calendar.from_ical(capsys.readouterr().out)
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert uids and all(uid.startswith("task-") for uid in uids)


def test_export_ics_for_an_unknown_client_fails_in_one_line(db, capsys):
    assert run(["export", "ics", "--client", "nobody at all", "--db", str(db)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("clientdeck: no client matches") and error.count("\n") == 1
