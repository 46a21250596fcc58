"""Time imports from other trackers (model/importers/timecsv.py, timeentries.py, the shell's
`import time`): the awkward parts of real exports, re-imports and the all-or-nothing rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func
from sqlmodel import select

from model import clock
from model.db import reading, transaction
from model.importers import FileRefused
from model.importers.timecsv import (
    DateOrder,
    RowProblem,
    Source,
    TimeRow,
    parse_clock,
    parse_date,
    parse_duration,
    parse_flag,
    read_layout,
    read_rows,
)
from model.importers.timeentries import import_time, parse_maps
from model.store import open_store
from model.tables import Client, Member, Status, Task, TimeEntry
from model.tasks import ValidationError
from tui.cli import run

FIXTURES = Path(__file__).parent / "fixtures" / "time"
KYIV = "Europe/Kyiv"
MAPS = ("project:NWB Ads=NWB", "member:tmelnyk=TM")


def rows_of(name: str, *, zone: str = KYIV) -> list[TimeRow | RowProblem]:
    path = FIXTURES / name
    return list(read_rows(path=path, layout=read_layout(path=path), zone=zone))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def agency(store, frozen):
    """A client and two members for the files to match."""
    with transaction(store) as session:
        session.add(Client(name="Northwind Bank", code="NWB", created_at=clock.now()))
        session.add_all(
            [Member(name="Olena Koval", initials="OK"), Member(name="Taras Melnyk", initials="TM")]
        )
    return store


def counts(engine) -> tuple[int, int]:
    with reading(engine) as session:
        entries = session.exec(select(func.count()).select_from(TimeEntry)).one()
        tasks = session.exec(select(func.count()).select_from(Task)).one()
    return entries, tasks


def write(tmp_path: Path, text: str, *, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source", "separator"),
    [
        ("toggl.csv", Source.TOGGL, ","),
        ("clockify.csv", Source.CLOCKIFY, ";"),
        ("harvest.csv", Source.HARVEST, ","),
        ("everhour.csv", Source.EVERHOUR, ";"),
    ],
)
def test_the_tracker_and_separator_come_from_the_header(name, source, separator):
    layout = read_layout(path=FIXTURES / name)
    assert (layout.source, layout.separator) == (source, separator)


def test_a_bom_quoted_commas_and_line_breaks_and_midnight_in_toggl():
    first, night, mapped = rows_of("toggl.csv")
    assert first.member == "Olena Koval"  # the BOM is not part of the first column's name
    assert first.note == "Copy, first draft" and first.billable is True
    assert night.line == 3 and mapped.line == 5  # the note's line break is inside row 3
    assert night.note == 'Release night, with "hotfix"\nand a second line'
    assert (night.start, night.end) == (utc(2026, 11, 16, 21, 30), utc(2026, 11, 16, 22, 15))
    assert night.billable is False


def test_clockify_day_first_dates_twelve_hour_clock_and_ukrainian_yes_no():
    banner, late = rows_of("clockify.csv")
    assert banner.note == "Banner; resized"
    assert (banner.start, banner.end) == (utc(2026, 11, 16, 7), utc(2026, 11, 16, 8, 30))
    # 11:45 PM to 12:30 AM, both on the 17th: the end is the next morning
    assert (late.start, late.end) == (utc(2026, 11, 17, 21, 45), utc(2026, 11, 17, 22, 30))
    assert (banner.billable, late.billable) == (True, False)
    assert read_layout(path=FIXTURES / "clockify.csv").date_order == DateOrder.DAY_FIRST


def test_hours_only_rows_follow_each_other_from_the_start_of_the_day():
    first, second, meeting = rows_of("harvest.csv")
    assert (first.start, first.end) == (utc(2026, 11, 16, 7), utc(2026, 11, 16, 8, 30))
    assert (second.start, second.end) == (utc(2026, 11, 16, 8, 30), utc(2026, 11, 16, 9))
    assert first.key != second.key  # alike but for their hours: two entries
    assert meeting.end - meeting.start == timedelta(minutes=15)


def test_everhour_dotted_dates_decimal_commas_and_russian_yes_no():
    draft, audit = rows_of("everhour.csv")
    assert draft.note == "Copy; third draft" and draft.billable is True
    assert audit.end - audit.start == timedelta(hours=2, minutes=15)
    assert audit.project == "Northwind Bank" and audit.billable is False


def test_the_files_zone_is_applied_and_an_offset_in_the_file_wins(tmp_path):
    path = write(
        tmp_path,
        "User,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
        "End time,Duration\n"
        "Olena Koval,NWB,Web,T,,,2026-11-16,09:00,2026-11-16,10:00,\n"
        "Olena Koval,NWB,Web,T,,,2026-11-16,2026-11-16T09:00:00+00:00,2026-11-16,"
        "2026-11-16T10:00:00+00:00,\n",
    )
    layout = read_layout(path=path)
    local, offset = read_rows(path=path, layout=layout, zone="America/New_York")
    assert local.start == utc(2026, 11, 16, 14)
    assert offset.start == utc(2026, 11, 16, 9)


def test_two_identical_rows_are_two_entries_with_keys_of_their_own(tmp_path):
    row = "2026-11-16;Olena Koval;NWB;Web;Call;0:30;;\n"
    path = write(tmp_path, "Date;User;Client;Project;Task;Time;Comment;Billable\n" + row * 2)
    first, second = read_rows(path=path, layout=read_layout(path=path), zone=KYIV)
    assert first.key != second.key
    again = list(read_rows(path=path, layout=read_layout(path=path), zone=KYIV))
    assert [item.key for item in again] == [first.key, second.key]


def test_unreadable_rows_name_their_line_and_why(tmp_path):
    path = write(
        tmp_path,
        "Date;User;Client;Project;Task;Time;Comment;Billable\n"
        "31.02.2026;Olena Koval;NWB;Web;A;1:00;;\n"
        "01.11.2026;Olena Koval;NWB;Web;B;soon;;\n"
        "\n"
        "01.11.2026;Olena Koval;NWB;Web;C;1:00;;maybe\n"
        "01.11.2026;;NWB;Web;D;1:00;;\n",
    )
    problems = list(read_rows(path=path, layout=read_layout(path=path), zone=KYIV))
    assert [(p.line, p.reason) for p in problems] == [
        (2, "'31.02.2026' is not a date"),
        (3, "'soon' is not a duration"),
        (5, "'maybe' is neither yes nor no"),
        (6, "it names no person"),
    ]


def test_a_file_of_no_known_tracker_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="--format"):
        read_layout(path=write(tmp_path, "a,b,c\n1,2,3\n"))
    with pytest.raises(FileRefused, match="not a toggl time export"):
        read_layout(path=write(tmp_path, "a,b\n1,2\n"), source=Source.TOGGL)
    with pytest.raises(FileRefused, match="empty"):
        read_layout(path=write(tmp_path, ""))
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(b"Date;User;Project;Time\n01.11.2026;\xe9;W;1\n")
    with pytest.raises(FileRefused, match="not UTF-8"):
        read_layout(path=latin)


@pytest.mark.parametrize(
    ("text", "order", "day"),
    [
        ("2026-11-16", DateOrder.MONTH_FIRST, date(2026, 11, 16)),
        ("16.11.2026", DateOrder.MONTH_FIRST, date(2026, 11, 16)),
        ("16.11.26", DateOrder.MONTH_FIRST, date(2026, 11, 16)),
        ("11/16/2026", DateOrder.MONTH_FIRST, date(2026, 11, 16)),
        ("03/04/2026", DateOrder.DAY_FIRST, date(2026, 4, 3)),
        ("2026/11/16", DateOrder.DAY_FIRST, date(2026, 11, 16)),
    ],
)
def test_dates_in_each_tools_format(text, order, day):
    assert parse_date(text=text, order=order) == day


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9:05", time(9, 5)),
        ("21:05:30", time(21, 5, 30)),
        ("9:05 PM", time(21, 5)),
        ("12:00 a.m.", time(0, 0)),
        ("12:30 PM", time(12, 30)),
    ],
)
def test_times_of_day(text, value):
    assert parse_clock(text=text) == value


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Yes", True),
        ("так", True),
        ("Да", True),
        ("No", False),
        ("Ні", False),
        ("нет", False),
        ("", None),
    ],
)
def test_localized_yes_and_no(text, flag):
    assert parse_flag(text=text) is flag


@given(seconds=st.integers(min_value=0, max_value=7 * 24 * 3600))
def test_durations_as_clock_and_as_decimal_hours(seconds):
    hours, rest = divmod(seconds, 3600)
    clock_text = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    assert parse_duration(text=clock_text) == timedelta(seconds=seconds)
    decimal = f"{seconds / 3600:.6f}"
    parsed = parse_duration(text=decimal.replace(".", ","))
    assert abs(parsed.total_seconds() - seconds) < 0.01


@settings(max_examples=60)
@given(
    zone=st.sampled_from(
        ["Europe/Kyiv", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]
    ),
    moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),
    minutes=st.integers(min_value=1, max_value=600),
)
def test_a_local_start_and_length_round_trip_in_any_zone(tmp_path_factory, zone, moment, minutes):
    moment = moment.replace(second=0, microsecond=0)
    path = tmp_path_factory.mktemp("zones") / "t.csv"
    path.write_text(
        "User,Client,Project,Task,Description,Billable,Start date,Start time,Duration\n"
        f"A,C,P,T,,,{moment.date().isoformat()},{moment:%H:%M},0:{minutes:02d}:00\n"
        if minutes < 60
        else "User,Client,Project,Task,Description,Billable,Start date,Start time,Duration\n"
        f"A,C,P,T,,,{moment.date().isoformat()},{moment:%H:%M},{minutes / 60}\n",
        encoding="utf-8",
    )
    (row,) = read_rows(path=path, layout=read_layout(path=path), zone=zone)
    assert row.start == moment.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    assert abs((row.end - row.start).total_seconds() - minutes * 60) < 1


# --- importing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["toggl.csv", "clockify.csv", "harvest.csv", "everhour.csv"])
def test_each_format_imports_and_a_second_import_creates_nothing(agency, name):
    result = import_time(agency, path=FIXTURES / name, zone=KYIV, maps=MAPS)
    assert result.written and result.problem_count == 0
    assert result.created == result.rows
    before = counts(agency)
    again = import_time(agency, path=FIXTURES / name, zone=KYIV, maps=MAPS)
    assert (again.created, again.known, again.new_tasks) == (0, result.rows, 0)
    assert counts(agency) == before


def test_entries_land_on_tasks_found_by_title_or_made_in_done(agency):
    with transaction(agency) as session:
        client = session.exec(select(Client)).one()
        session.add(
            Task(
                client_id=client.id,
                title="landing PAGE",
                status=Status.DOING,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    result = import_time(agency, path=FIXTURES / "toggl.csv", zone=KYIV, maps=MAPS)
    assert result.new_tasks == 2  # the night's note and the search campaign
    with reading(agency) as session:
        tasks = {task.title: task for task in session.exec(select(Task))}
        entries = session.exec(select(TimeEntry).order_by(TimeEntry.start)).all()
        taras = session.exec(select(Member).where(Member.initials == "TM")).one()
    assert tasks["landing PAGE"].status == Status.DOING
    made = tasks["Search campaign"]
    assert made.status == Status.DONE and made.done_at == utc(2026, 11, 17, 14, 15)
    assert [entry.task_id for entry in entries][0] == tasks["landing PAGE"].id
    assert entries[-1].member_id == taras.id and entries[-1].note == "Bids"
    assert all(entry.source_key for entry in entries)
    assert [entry.billable for entry in entries] == [True, False, True], "as the file says"


def test_harvest_s_billable_flags_are_kept_and_a_timer_s_entry_has_none(agency):
    import_time(agency, path=FIXTURES / "harvest.csv", zone=KYIV)
    with reading(agency) as session:
        flags = session.exec(select(TimeEntry.billable).order_by(TimeEntry.start)).all()
    assert flags == [True, False, True]
    with transaction(agency) as session:
        task_id = session.exec(select(Task.id)).first()
        member_id = session.exec(select(Member.id)).first()
        made = TimeEntry(task_id=task_id, member_id=member_id, start=clock.now())
        session.add(made)
        session.flush()
        assert made.billable is None, "an entry timed here has no flag from anywhere"


def test_one_bad_row_writes_nothing_unless_partial(agency):
    before = counts(agency)
    result = import_time(agency, path=FIXTURES / "toggl.csv", zone=KYIV)  # no --map
    assert not result.written and result.created == 0
    (problem,) = result.problems
    assert problem.line == 5 and problem.reason.startswith("no client matches client ''")
    assert counts(agency) == before
    partial = import_time(agency, path=FIXTURES / "toggl.csv", zone=KYIV, partial=True)
    assert partial.written and partial.created == 2 and partial.problem_count == 1
    rest = import_time(agency, path=FIXTURES / "toggl.csv", zone=KYIV, maps=MAPS)
    assert (rest.created, rest.known) == (1, 2)


def test_a_dry_run_counts_what_it_would_do_and_writes_nothing(agency):
    before = counts(agency)
    result = import_time(agency, path=FIXTURES / "harvest.csv", zone=KYIV, dry_run=True)
    assert (result.created, result.new_tasks, result.written) == (3, 2, False)
    assert result.billable_flags == 3
    assert counts(agency) == before


def test_maps_must_name_what_the_store_has(agency):
    with pytest.raises(ValidationError, match="no member 'Nobody'"):
        import_time(agency, path=FIXTURES / "toggl.csv", zone=KYIV, maps=["member:x=Nobody"])
    with pytest.raises(ValidationError, match="write a mapping"):
        parse_maps(texts=["Website=NWB"])


def stored(engine) -> tuple[list[dict], list[dict]]:
    """Every task and time entry, every column, as the store gives them back."""
    with reading(engine) as session:
        tasks = [task.model_dump() for task in session.exec(select(Task).order_by(Task.id))]
        entries = session.exec(select(TimeEntry).order_by(TimeEntry.id))
        return tasks, [entry.model_dump() for entry in entries]


@pytest.mark.postgres
def test_postgresql_s_copy_stores_what_sqlite_s_inserts_store(pg_store, tmp_path, frozen):
    """PostgreSQL writes the rows by COPY, with the defaults an INSERT would add; SQLite by
    INSERT. A file with found and new tasks, billable and unsaid flags, lands the same."""
    lite = open_store(url=f"sqlite:///{tmp_path / 'lite.db'}").engine
    for engine in (lite, pg_store):
        with transaction(engine) as session:
            session.add(Client(name="Northwind Bank", code="NWB", created_at=clock.now()))
            session.add_all(
                [
                    Member(name="Olena Koval", initials="OK"),
                    Member(name="Taras Melnyk", initials="TM"),
                ]
            )
            session.flush()
            session.add(
                Task(
                    client_id=1,
                    title="Landing page",
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
            )
        for name in ("toggl.csv", "harvest.csv"):
            import_time(engine, path=FIXTURES / name, zone=KYIV, maps=MAPS)
    tasks, entries = stored(pg_store)
    assert len(tasks) > 1 and entries
    assert (tasks, entries) == stored(lite)


def test_a_big_export_costs_statements_by_the_batch_not_by_the_row(tmp_path, frozen):
    """Every row names a task of its own (a note as the title): the tasks are made a batch
    at a time, so 200,000 rows take seconds, not a query and a flush per task."""
    agency = open_store(url=f"sqlite:///{tmp_path / 'big.db'}").engine
    with transaction(agency) as session:
        session.add(Client(name="Northwind Bank", code="NWB", created_at=clock.now()))
        session.add(Member(name="Olena Koval", initials="OK"))
    header = "User,Client,Project,Task,Description,Billable,Start date,Start time,Duration\n"
    rows = 5 * 500
    with (tmp_path / "big.csv").open("w", encoding="utf-8") as handle:
        handle.write(header)
        for index in range(rows):
            handle.write(
                f'Olena Koval,Northwind Bank,Web,Task {index},"note {index}, more",Yes,'
                f"2026-11-{1 + index % 28:02d},{8 + index % 10:02d}:00,0:30:00\n"
            )
    statements: list[str] = []
    event.listen(agency, "before_cursor_execute", lambda *args: statements.append(args[2]))
    seen: list[int] = []
    result = import_time(
        agency, path=tmp_path / "big.csv", zone=KYIV, progress=lambda done, total: seen.append(done)
    )
    assert (result.created, result.new_tasks) == (rows, rows)
    assert seen == [500, 1000, 1500, 2000, 2500]
    assert len(statements) < 40
    assert counts(agency) == (rows, rows)


# --- the shell -----------------------------------------------------------------------------------


def shell_store(*, tmp_path: Path, monkeypatch, config: str, commands: list[list[str]]) -> Path:
    """A database made by shell commands, with `config` as the config file they read."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(config_dir))
    (config_dir / "config.toml").write_text(config, encoding="utf-8")
    db = tmp_path / "deck.db"
    for argv in commands:
        assert run([*argv, "--db", str(db)]) == 0
    return db


@pytest.fixture
def shell_db(tmp_path, frozen, monkeypatch):
    return shell_store(
        tmp_path=tmp_path,
        monkeypatch=monkeypatch,
        config='time_zone = "Europe/Kyiv"\n',
        commands=[
            ["client", "add", "Northwind Bank", "--code", "NWB"],
            ["member", "add", "Olena Koval"],
            ["member", "add", "Taras Melnyk"],
        ],
    )


def test_the_shell_lists_bad_rows_and_exits_1_writing_nothing(shell_db, capsys):
    capsys.readouterr()
    assert run(["import", "time", str(FIXTURES / "toggl.csv"), "--db", str(shell_db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("line 5: no client matches")
    assert "1 row cannot be imported; nothing was written" in err
    argv = ["import", "time", str(FIXTURES / "toggl.csv"), "--db", str(shell_db)]
    maps = ["--map", MAPS[0], "--map", MAPS[1]]
    assert run([*argv, *maps]) == 0
    out = capsys.readouterr().out
    assert "3 rows read" in out and "3 new (4.50 h)" in out
    assert "billable flags kept on the entries: 3" in out
    assert run([*argv, *maps, "--format", "toggl"]) == 0
    assert "0 new (0.00 h), 3 imported before" in capsys.readouterr().out


def test_the_shell_refuses_an_unknown_zone(shell_db, capsys):
    argv = ["import", "time", str(FIXTURES / "harvest.csv"), "--zone", "Mars/Base"]
    assert run([*argv, "--db", str(shell_db)]) == 1
    assert "'Mars/Base' is not a time zone" in capsys.readouterr().err
