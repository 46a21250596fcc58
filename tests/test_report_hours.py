"""The client hours report (model/reports/hours.py) on a small hand-built agency month.

The Markdown and CSV outputs are compared byte for byte with files in
tests/golden/, written once from the output and checked by eye.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest
from sqlmodel import SQLModel, select

from model import clock, i18n
from model.budgets import set_budget
from model.db import make_engine, transaction
from model.reports.hours import hours_report, render_csv, render_markdown
from model.tables import Client, Member, Status, Task
from model.tasks import NotFoundError
from model.timetrack import add_entry, archive_entry, start_timer
from model.weeks import month_span, parse_iso_week, week_span

GOLDEN = Path(__file__).parent / "golden"
KYIV = "Europe/Kyiv"
NOW = pendulum.datetime(2026, 11, 20, 11, 30, tz=KYIV)
NOVEMBER = pendulum.date(2026, 11, 1)


def kyiv(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=KYIV)


@dataclass(frozen=True)
class Agency:
    engine: object
    acme: int
    beta: int
    # Hours each ACME entry contributes to November, worked out by hand.
    november_hours: tuple[float, ...]


@pytest.fixture
def agency() -> Iterator[Agency]:
    previous_zone, previous_language = clock.zone(), i18n.language()
    clock.set_zone(name=KYIV)
    i18n.set_language(code="en")
    engine = make_engine(url="sqlite://")
    SQLModel.metadata.create_all(engine)
    created = kyiv(2026, 10, 1)
    with transaction(engine) as session:
        acme = Client(name="Acme Coffee", code="ACME", created_at=created)
        beta = Client(name="Beta Bikes", code="BETA", created_at=created)
        anna = Member(name="Anna Koval", initials="AK")
        bohdan = Member(name="Bohdan Shevchenko", initials="BS")
        session.add_all([acme, beta, anna, bohdan])
        session.flush()
        titles = (
            ("Google Ads | setup", Status.DONE, acme),
            ("SEO audit: «Каталог»", Status.DOING, acme),
            ("=SUM(A1) landing page", Status.REVIEW, acme),
            ("Untouched task", Status.TODO, acme),
            ("Beta work", Status.DOING, beta),
        )
        tasks = [
            Task(
                client_id=client.id,
                title=title,
                status=status,
                created_at=created,
                updated_at=created,
            )
            for title, status, client in titles
        ]
        session.add_all(tasks)
        session.flush()
        ads, seo, landing, _untouched, beta_task = (task.id for task in tasks)
        ids = acme.id, beta.id, anna.id, bohdan.id
    acme_id, beta_id, anna_id, bohdan_id = ids
    set_budget(engine, client_id=acme_id, from_month=pendulum.date(2026, 9, 1), hours=40)
    set_budget(engine, client_id=acme_id, from_month=pendulum.date(2026, 12, 1), hours=20)
    entries = (
        (ads, anna_id, kyiv(2026, 10, 31, 22), kyiv(2026, 11, 1, 1, 30)),  # 1.5 h in November
        (ads, bohdan_id, kyiv(2026, 11, 3, 9), kyiv(2026, 11, 3, 12, 15)),  # 3.25 h
        (seo, anna_id, kyiv(2026, 11, 5, 10), kyiv(2026, 11, 5, 14)),  # 4 h
        (seo, anna_id, kyiv(2026, 11, 6, 10), kyiv(2026, 11, 6, 11)),  # archived below
        (landing, bohdan_id, kyiv(2026, 11, 12, 16), kyiv(2026, 11, 12, 18, 20)),  # 7/3 h
        (beta_task, anna_id, kyiv(2026, 11, 10, 9), kyiv(2026, 11, 10, 17)),  # another client
    )
    with clock.freeze(at=NOW):
        made = [
            add_entry(engine, task_id=task, member_id=member, start=start, end=end).value
            for task, member, start, end in entries
        ]
        archive_entry(engine, entry_id=made[3].id)
    with clock.freeze(at=kyiv(2026, 11, 20, 9)):
        start_timer(engine, task_id=landing, member_id=anna_id)  # 2.5 h until NOW
    try:
        yield Agency(engine, acme_id, beta_id, (1.5, 3.25, 4.0, 7 / 3, 2.5))
    finally:
        engine.dispose()
        clock.set_zone(name=previous_zone)
        i18n.set_language(code=previous_language)


def november(agency: Agency):
    with clock.freeze(at=NOW):
        return hours_report(
            agency.engine,
            client_id=agency.acme,
            span=month_span(month=NOVEMBER, zone=KYIV),
            title="Hours for Acme Coffee, 2026-11",
        )


def test_markdown_matches_the_golden_file(agency):
    expected = (GOLDEN / "hours_acme_2026-11.md").read_text(encoding="utf-8")
    assert render_markdown(november(agency)) == expected


def test_csv_matches_the_golden_file(agency):
    expected = (GOLDEN / "hours_acme_2026-11.csv").read_text(encoding="utf-8")
    assert render_csv(november(agency)) == expected


def test_totals_are_the_sum_of_the_entries(agency):
    report = november(agency)
    total = sum(agency.november_hours)
    assert report.total_hours == pytest.approx(total)
    assert sum(task.hours for task in report.tasks) == pytest.approx(total)
    assert sum(member.hours for member in report.members) == pytest.approx(total)
    assert report.budget_hours == 40
    assert report.budget_percent == pytest.approx(report.billed_hours / 40 * 100), "billed"
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    assert [row[4] for row in rows if row[0] == "total"] == [f"{total:.2f}"]


def test_a_week_over_a_month_boundary_counts_both_months_budgets(agency):
    monday = parse_iso_week(text="2026-W44")  # 26 October to 1 November
    with clock.freeze(at=NOW):
        report = hours_report(
            agency.engine,
            client_id=agency.acme,
            span=week_span(week_start=monday, zone=KYIV),
            title="W44",
        )
    assert (report.first_day, report.last_day) == (monday, pendulum.date(2026, 11, 1))
    assert report.months == (pendulum.date(2026, 10, 1), NOVEMBER)
    assert report.budget_hours == 80
    assert [(task.title, task.hours) for task in report.tasks] == [("Google Ads | setup", 3.5)]


def test_a_client_without_time_or_budget_gets_an_empty_report(agency):
    with clock.freeze(at=NOW):
        report = hours_report(
            agency.engine,
            client_id=agency.beta,
            span=month_span(month=pendulum.date(2026, 10, 1), zone=KYIV),
            title="Beta, October",
        )
    text = render_markdown(report)
    assert report.tasks == () and report.total_hours == 0
    assert text.count("No time recorded.") == 2
    assert "- Budget (2026-10): none" in text
    assert "Used" not in text


def test_an_unknown_client_is_not_found(agency):
    with pytest.raises(NotFoundError):
        hours_report(
            agency.engine, client_id=999, span=month_span(month=NOVEMBER, zone=KYIV), title="x"
        )


def test_a_report_of_approved_time_counts_only_approved_weeks_and_says_so(agency):
    """Anna's and Bohdan's 2026-W45 are approved: their 4 h and 3.25 h count; the rest of
    November (W44's night, W46, the timer of W47) waits for its review."""
    from model.reports.document import render_hours_html
    from model.timesheets import approve_week, submit_week

    w45 = pendulum.date(2026, 11, 2)
    with transaction(agency.engine) as session:
        members = {member.initials: member for member in session.exec(select(Member))}
        members["AK"].manager = True
        session.add(members["AK"])
        ids = {initials: member.id for initials, member in members.items()}
    with clock.freeze(at=NOW):
        for initials in ("AK", "BS"):
            submit_week(agency.engine, member_id=ids[initials], week_start=w45)
            approve_week(agency.engine, member_id=ids[initials], week_start=w45, by_id=ids["AK"])
        report = hours_report(
            agency.engine,
            client_id=agency.acme,
            span=month_span(month=NOVEMBER, zone=KYIV),
            title="Hours for Acme Coffee, 2026-11",
            approved_only=True,
        )
    assert report.total_hours == pytest.approx(7.25)
    assert [(t.title, t.hours) for t in report.tasks] == [
        ("SEO audit: «Каталог»", 4.0),
        ("Google Ads | setup", 3.25),
    ]
    note = "Approved time only: weeks not yet approved by a manager are left out"
    assert f"- {note}\n" in render_markdown(report)
    assert list(csv.reader(io.StringIO(render_csv(report))))[-1] == ["scope", "", note, "", "", ""]
    assert f'<p class="rule">{note}</p>' in render_hours_html(report, agency="Agency")
    full = november(agency)
    assert note not in render_markdown(full) + render_csv(full)
    assert note not in render_hours_html(full, agency="Agency")
