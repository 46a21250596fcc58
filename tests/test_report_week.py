"""The weekly client report (model/reports/week.py) and `clientdeck report week`.

A fixed client, Northwind Bank, gets a hand-written week 2026-W47 (Monday 16
to Sunday 22 November 2026, Kyiv), and the report is written on that Friday
afternoon. The Markdown in English and in Russian is compared byte for byte
with tests/golden/week-nwb-2026-W47-*.md, written from the output once and
checked by eye.
"""

from __future__ import annotations

import os
import stat
from datetime import time
from pathlib import Path

import pendulum
import pytest
import time_machine
from sqlmodel import select

from model import clock, i18n
from model.budgets import set_budget
from model.db import reading, transaction
from model.kpis import add_kpi, record_value
from model.promises import promise_task
from model.reports.week import render_markdown, week_report
from model.sprints import ensure_sprint
from model.store import open_store
from model.tables import Client, Interaction, InteractionKind, Member, Status, TimeEntry
from model.tasks import create_task, move_status
from tui.cli import run

GOLDEN = Path(__file__).parent / "golden"
KYIV = "Europe/Kyiv"
WEEK = pendulum.date(2026, 11, 16)
FRIDAY = pendulum.datetime(2026, 11, 20, 16, 0, tz=KYIV)


def kyiv(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=KYIV)


def at(moment: pendulum.DateTime):
    return time_machine.travel(moment, tick=False)


def build_nwb(store) -> int:
    """Northwind Bank's week: done, in progress, planned, waiting, promises, hours and KPIs."""
    clock.set_zone(name=KYIV)
    with transaction(store) as session:
        client = Client(name="Northwind Bank", code="NWB", created_at=kyiv(2026, 9, 1))
        other = Client(name="Other", code="OTH", created_at=kyiv(2026, 9, 1))
        anna = Member(name="Anna Koval", initials="AK")
        session.add_all([client, other, anna])
        session.flush()
        ids = {"client": client.id, "other": other.id, "anna": anna.id}
    set_budget(store, client_id=ids["client"], from_month=pendulum.date(2026, 11, 1), hours=40)
    this_sprint = ensure_sprint(store, week_start=WEEK)
    next_sprint = ensure_sprint(store, week_start=WEEK.add(days=7))

    def task(title: str, status: str = Status.TODO, **fields) -> int:
        created = create_task(store, client_id=ids["client"], title=title, status=status, **fields)
        return created.id

    def work(task_id: int, start: pendulum.DateTime, minutes: int) -> None:
        with transaction(store) as session:
            session.add(
                TimeEntry(
                    task_id=task_id,
                    member_id=ids["anna"],
                    start=start,
                    end=start.add(minutes=minutes),
                )
            )

    with at(kyiv(2026, 11, 9, 9)):
        earlier = task("Google Ads | setup", Status.DOING, sprint_id=this_sprint.id)
        report = task("Monthly PPC report", Status.DOING, sprint_id=this_sprint.id)
        old = task("October audit", Status.DOING)
        banners = task("Approve banner set", Status.DOING, estimate_hours=2)
        landing = task("[bold]Landing[/] page", Status.DOING, due_date=pendulum.date(2026, 11, 25))
        review = task("Negative keywords cleanup", Status.DOING)
        promise_task(store, task_id=report, due_date=pendulum.date(2026, 11, 18), due_time=time(12))
        promise_task(
            store, task_id=earlier, due_date=pendulum.date(2026, 11, 17), due_time=time(17)
        )
        promise_task(store, task_id=review, due_date=pendulum.date(2026, 11, 19))
        promise_task(store, task_id=landing, due_date=pendulum.date(2026, 11, 25))
    with at(kyiv(2026, 11, 13, 15)):
        move_status(store, task_id=old, status=Status.DONE)
    with at(kyiv(2026, 11, 17, 10)):
        move_status(store, task_id=banners, status=Status.WAITING)
    with at(kyiv(2026, 11, 17, 17, 1)):
        move_status(store, task_id=earlier, status=Status.DONE)
    with at(kyiv(2026, 11, 18, 11, 45)):
        move_status(store, task_id=report, status=Status.DONE)
    with at(kyiv(2026, 11, 19, 9)):
        move_status(store, task_id=review, status=Status.REVIEW)
        task("Set up remarketing", sprint_id=next_sprint.id, due_date=pendulum.date(2026, 11, 27))
        task("Untouched backlog item", Status.BACKLOG)
        task("A to-do that waits for planning")
        create_task(store, client_id=ids["other"], title="Not ours", status=Status.DOING)
    work(old, kyiv(2026, 11, 12, 10), 240)
    work(earlier, kyiv(2026, 11, 15, 23), 120)  # Sunday 23:00 to Monday 01:00: one hour counts
    work(report, kyiv(2026, 11, 18, 9), 150)
    work(landing, kyiv(2026, 11, 19, 14), 195)
    kpi = add_kpi(
        store, client_id=ids["client"], name="Cost per lead", unit="UAH", baseline=320
    ).value
    rate = add_kpi(
        store, client_id=ids["client"], name="Conversion rate", unit="%", baseline=1.8
    ).value
    for moment, value in ((kyiv(2026, 11, 2, 10), 300.0), (kyiv(2026, 11, 17, 10), 270.5)):
        record_value(store, kpi_id=kpi.id, value=value, at=moment)
    record_value(store, kpi_id=rate.id, value=2.1, at=kyiv(2026, 11, 10, 10))
    return ids["client"]


@pytest.fixture
def nwb(store) -> int:
    return build_nwb(store)


def rendered(engine, client_id: int, *, language: str) -> str:
    i18n.set_language(code=language)
    with at(FRIDAY):
        return render_markdown(week_report(engine, client_id=client_id, week_start=WEEK))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_markdown_matches_the_golden_file(store, nwb, language):
    expected = (GOLDEN / f"week-nwb-2026-W47-{language}.md").read_text(encoding="utf-8")
    assert rendered(store, nwb, language=language) == expected


def test_what_the_week_holds(store, nwb):
    with at(FRIDAY):
        report = week_report(store, client_id=nwb, week_start=WEEK)
    assert [line.title for line in report.done] == ["Google Ads | setup", "Monthly PPC report"]
    assert [line.hours for line in report.done] == [1.0, 2.5]
    assert [(line.title, line.status) for line in report.in_progress] == [
        ("[bold]Landing[/] page", "doing"),
        ("Negative keywords cleanup", "review"),
    ]
    assert [line.title for line in report.next_week] == ["Set up remarketing"]
    assert report.week_hours == pytest.approx(1 + 2.5 + 3.25)
    assert report.month_hours == pytest.approx(4 + 2 + 2.5 + 3.25)
    assert report.budget_hours == 40
    assert [(w.title, w.days) for w in report.waiting] == [("Approve banner set", 3)]
    assert [p.title for p in report.kept] == ["Monthly PPC report"]
    assert [p.title for p in report.broken] == [
        "Google Ads | setup",
        "Negative keywords cleanup",
    ], "done a minute late, and past its day while in review"
    assert [p.title for p in report.due] == ["Negative keywords cleanup", "[bold]Landing[/] page"]
    cost, rate = report.kpis
    assert (cost.now, cost.week_ago, cost.change) == (270.5, 300.0, -29.5)
    assert (rate.now, rate.change) == (2.1, 0.0)


def test_before_next_week_is_planned_the_client_s_to_dos_come_next(store, nwb):
    with at(FRIDAY):
        report = week_report(store, client_id=nwb, week_start=WEEK.subtract(days=7))
    assert [line.title for line in report.next_week] == [
        "Set up remarketing",
        "A to-do that waits for planning",
    ], "W47's sprint holds only done work of the client, so its to-dos are next"
    assert [line.title for line in report.done] == ["October audit"]
    assert report.kept == () and report.broken == ()


def test_a_week_report_of_an_empty_client_says_so(store, nwb):
    with transaction(store) as session:
        empty = Client(name="Quiet", code="QT", created_at=kyiv(2026, 11, 1))
        session.add(empty)
        session.flush()
        empty_id = empty.id
    i18n.set_language(code="en")
    with at(FRIDAY):
        text = render_markdown(week_report(store, client_id=empty_id, week_start=WEEK))
    for phrase in (
        "Nothing was finished this week.",
        "Nothing is in progress.",
        "Nothing is planned yet.",
        "We are not waiting for anything from you.",
        "No KPIs are agreed yet.",
        "Paid hours (November 2026): none",
    ):
        assert phrase in text


# --- the shell -----------------------------------------------------------------------------


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """A SQLite file with Northwind Bank's week and a config in Kyiv time, for the shell."""
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text('time_zone = "Europe/Kyiv"\n', encoding="utf-8")
    opened = open_store(url=f"sqlite:///{tmp_path / 'shell.db'}")
    client_id = build_nwb(opened.engine)
    yield opened.engine, client_id, str(tmp_path / "shell.db")
    opened.engine.dispose()


def test_report_week_from_the_shell(shell, tmp_path, capsys):
    store, nwb, db = shell
    out = tmp_path / "week.md"
    with at(FRIDAY):
        code = run(["report", "week", "--db", db, "--client", "nwb", "--week", "2026-W47",
                    "--lang", "ru", "--out", str(out), "--sent"])  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.read_text(encoding="utf-8") == rendered(store, nwb, language="ru")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with reading(store) as session:
        kinds = session.exec(select(Interaction.kind).where(Interaction.client_id == nwb)).all()
    assert kinds == [InteractionKind.REPORT]


def test_report_week_prints_this_week_without_logging(shell, capsys):
    store, nwb, db = shell
    with at(FRIDAY):
        assert run(["report", "week", "--db", db, "--client", "Northwind"]) == 0
    assert capsys.readouterr().out == rendered(store, nwb, language="en")
    with reading(store) as session:
        assert session.exec(select(Interaction)).all() == []


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["--client", "nwb", "--week", "2026-W60"], 2, "week 60 does not exist"),
        (["--client", "nobody"], 1, "no client matches"),
        (["--client", "nwb", "--lang", "de"], 2, "invalid choice"),
    ],
)
def test_report_week_mistakes_are_one_line(shell, capsys, arguments, code, message):
    _store, _nwb, db = shell
    assert run(["report", "week", "--db", db, *arguments]) == code
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
