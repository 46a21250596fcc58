"""The client reports as documents (model/reports/document.py, burn.py; `report week|hours
--format html|pdf`): self-contained HTML in the client's language, user text literal, the
budget part only where there are paid hours, the same figures in the PDF as in the CSV, and
the page as a real browser draws it.

The data is Northwind Bank's week 2026-W47 of tests/test_report_week.py, written on that
Friday afternoon: 40 paid hours in November, 11.75 spent by then.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest
from pypdf import PdfReader

from model import i18n
from model.db import transaction
from model.reports.burn import chart, month_burn
from model.reports.document import hours_html, week_html
from model.reports.hours import hours_report
from model.reports.hours import render_markdown as render_hours
from model.reports.week import render_markdown, week_report
from model.store import open_store
from model.tables import Client, ClientStatus
from model.tasks import create_task
from model.weeks import month_span
from tests.test_report_week import FRIDAY, KYIV, WEEK, at, build_nwb, kyiv
from tui.cli import run

NOVEMBER = pendulum.date(2026, 11, 1)
HOSTILE = ("<script>alert(1)</script> banner", "{{ 7 * 7 }} and {% raw %}", "Q&A <b>")
FORECAST_RED = (0xD9, 0x53, 0x4F)
ACTUAL_BLUE = (0x2F, 0x5D, 0x8A)
PLAN_GREY = (0x8A, 0x96, 0xA8)


@pytest.fixture
def nwb(store) -> int:
    return build_nwb(store)


def week_page(engine, client_id: int, *, language: str = "en", agency: str = "Kyiv Pixel") -> str:
    i18n.set_language(code=language)
    with at(FRIDAY):
        return week_html(engine, client_id=client_id, week_start=WEEK, agency=agency)


def set_status(engine, client_id: int, status: str) -> None:
    with transaction(engine) as session:
        client = session.get(Client, client_id)
        client.status = status
        session.add(client)


# --- the burn ------------------------------------------------------------------------------


def test_the_burn_plans_over_working_days_and_forecasts_at_the_pace_so_far(store, nwb):
    with at(FRIDAY):
        burn = month_burn(store, client_id=nwb, month=NOVEMBER, day=FRIDAY.date())
    assert len(burn.days) == 30 and burn.budget_hours == 40
    assert len(burn.actual) == 20 and burn.billed_hours == pytest.approx(11.75)
    assert burn.plan[-1] == pytest.approx(40) and burn.plan[0] == 0, "1 November is a Sunday"
    assert burn.plan[1] == pytest.approx(40 / 21), "21 working days"
    pace = 11.75 / 15  # 15 working days from the 2nd to Friday the 20th
    assert burn.forecast[0] == pytest.approx(11.75)
    assert burn.forecast_hours == pytest.approx(11.75 + pace * 6)
    drawn = chart(burn, width=300, height=100)
    assert drawn.actual.startswith("0.0,100.0 ") and len(drawn.actual.split()) == 21
    assert drawn.budget_y == pytest.approx(0.0), "the budget is the top: nothing goes above it"


def test_a_client_without_paid_hours_has_only_its_actual_line(store, nwb):
    with transaction(store) as session:
        session.add(Client(name="Quiet", code="QT", created_at=kyiv(2026, 11, 1)))
    with at(FRIDAY):
        burn = month_burn(store, client_id=nwb + 2, month=NOVEMBER, day=FRIDAY.date())
    assert burn.budget_hours is None and burn.plan == () and burn.forecast == ()
    assert burn.billed_hours == 0


# --- the HTML ------------------------------------------------------------------------------


def test_the_html_holds_what_the_client_reads(store, nwb):
    page = week_page(store, nwb)
    for text in (
        "Kyiv Pixel",
        "Weekly report for Northwind Bank, 2026-W47",
        "2026-11-16 – 2026-11-22",
        "Done this week",
        "Monthly PPC report",
        "In progress",
        "Next week",
        "Set up remarketing",
        "Waiting for you",
        "Approve banner set",
        "1 promise kept this week",
        "2 promises broken this week",
        "6.75",  # this week's hours
        "11.75",  # the month to date
        "40.00",  # paid hours
        "29.38%",
        "Cost per lead",
    ):
        assert text in page, text
    assert re.search(r"<td>Approve banner set</td><td class=\"when\">[^<]+</td>"
                     r"<td class=\"number\">3</td>", page), "waiting three days"  # fmt: skip
    for line in ("plan", "actual", "forecast"):
        assert f'<polyline class="{line}"' in page


def test_the_html_is_one_file_that_fetches_nothing_and_prints_on_a4(store, nwb):
    page = week_page(store, nwb)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "url(" not in page and "@font-face" not in page and "src=" not in page
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"]
    assert "@page { size: A4" in page


def test_titles_and_names_show_literally(store, nwb):
    for title in HOSTILE:
        create_task(store, client_id=nwb, title=title, status="doing")
    page = week_page(store, nwb, agency="<i>Pixel</i> & {{ co }}")
    assert "<script>" not in page and "<b>" not in page and "<i>Pixel" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; banner" in page
    assert "{{ 7 * 7 }} and {% raw %}" in page and "Q&amp;A &lt;b&gt;" in page
    assert "&lt;i&gt;Pixel&lt;/i&gt; &amp; {{ co }}" in page


@pytest.mark.parametrize(
    ("language", "heading"), [("uk", "Зроблено цього тижня"), ("ru", "Сделано на этой неделе")]
)
def test_the_html_speaks_the_language_it_is_written_in(store, nwb, language, heading):
    page = week_page(store, nwb, language=language)
    assert f'<html lang="{language}">' in page and heading in page


@pytest.mark.parametrize(
    ("status", "note"),
    [
        (ClientStatus.PAUSED, "Work for this client is paused."),
        (ClientStatus.ARCHIVED, "This client is archived: the report covers past work only."),
    ],
)
def test_a_paused_or_archived_client_s_report_says_so(store, nwb, status, note):
    assert 'class="note"' not in week_page(store, nwb)
    set_status(store, nwb, status)
    assert f'<p class="note">{note}</p>' in week_page(store, nwb)
    with at(FRIDAY):
        week = render_markdown(week_report(store, client_id=nwb, week_start=WEEK))
        span = month_span(month=NOVEMBER, zone=KYIV)
        hours = render_hours(hours_report(store, client_id=nwb, span=span, title="Hours"))
    assert f"\n> {note}\n" in week and f"\n> {note}\n" in hours, "the Markdown says so too"


def test_a_client_without_paid_hours_gets_no_budget_part(store, nwb):
    with transaction(store) as session:
        quiet = Client(name="Quiet", code="QT", created_at=kyiv(2026, 11, 1))
        session.add(quiet)
        session.flush()
        quiet_id = quiet.id
    page = week_page(store, quiet_id)
    assert "Weekly report for Quiet" in page and "Nothing was finished this week." in page
    assert "Paid hours" not in page and "<svg" not in page and "Used" not in page
    i18n.set_language(code="en")
    with at(FRIDAY):
        hours = hours_html(
            store,
            client_id=quiet_id,
            span=month_span(month=NOVEMBER, zone=KYIV),
            title="Hours",
            agency="",
        )
    assert "No time recorded." in hours and "Budget" not in hours and "<svg" not in hours


# --- the shell: PDF against CSV, and the browser -------------------------------------------


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """A SQLite file with Northwind Bank's week, a config in Kyiv time naming the agency."""
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text(
        'time_zone = "Europe/Kyiv"\nagency = "Kyiv Pixel"\n', encoding="utf-8"
    )
    opened = open_store(url=f"sqlite:///{tmp_path / 'shell.db'}")
    client_id = build_nwb(opened.engine)
    yield opened.engine, client_id, str(tmp_path / "shell.db")
    opened.engine.dispose()


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_hours_pdf_tells_the_numbers_of_the_csv(shell, tmp_path, capsys):
    _store, _nwb, db = shell
    hours = ["report", "hours", "--db", db, "--client", "nwb", "--month", "2026-11"]
    with at(FRIDAY):
        assert run([*hours, "--format", "csv"]) == 0
        rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
        assert run([*hours, "--format", "pdf", "--out", str(tmp_path / "hours.pdf")]) == 0
    text = pdf_text(tmp_path / "hours.pdf")
    figures = {(row[0], row[2]): row[4] for row in rows[1:]}
    assert figures[("total", "NWB")] == "11.75" and figures[("budget", "2026-11")] == "40.00"
    assert figures[("person", "Anna Koval")] == "11.75"
    for (section, name), value in figures.items():
        assert value in text, (section, name, value)
        if section == "task":
            assert name in text
    assert "Kyiv Pixel" in text and "Hours for Northwind Bank, 2026-11" in text


def test_the_week_pdf_in_the_client_s_language(shell, tmp_path):
    store, nwb, db = shell
    with transaction(store) as session:
        client = session.get(Client, nwb)
        client.language = "uk"
        session.add(client)
    out = tmp_path / "week.pdf"
    with at(FRIDAY):
        assert run(["report", "week", "--db", db, "--client", "nwb", "--week", "2026-W47",
                    "--format", "pdf", "--out", str(out)]) == 0  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF-")
    text = pdf_text(out)
    assert "Зроблено цього тижня" in text and "Monthly PPC report" in text
    for figure in ("6.75", "11.75", "40.00", "29.38%"):
        assert figure in text


def test_an_archived_client_s_report_comes_from_the_shell_and_says_so(shell, capsys):
    store, nwb, db = shell
    set_status(store, nwb, ClientStatus.ARCHIVED)
    with at(FRIDAY):
        assert run(["report", "week", "--db", db, "--client", "nwb", "--format", "html"]) == 0
    assert "This client is archived" in capsys.readouterr().out


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it): no browser")
    return found


def screenshot(browser: str, *, page: Path, shot: Path) -> None:
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--window-size=900,2400", f"--screenshot={shot}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def near(picture, colour: tuple[int, int, int]) -> int:
    """Pixels within a little of `colour` (lines are antialiased)."""
    return sum(
        count
        for count, found in picture.getcolors(maxcolors=1 << 24)
        if max(abs(a - b) for a, b in zip(found, colour, strict=True)) < 24
    )


def test_a_real_browser_draws_the_page_with_its_chart(shell, tmp_path):
    """The page as Chromium paints it, against the same page without its SVG: where they
    differ is the chart, and there the three lines are drawn in their colours."""
    image = pytest.importorskip("PIL.Image", reason="Pillow comes with WeasyPrint")
    chops = pytest.importorskip("PIL.ImageChops")
    browser = chromium()
    _store, _nwb, db = shell
    page = tmp_path / "week.html"
    with at(FRIDAY):
        assert run(["report", "week", "--db", db, "--client", "nwb", "--week", "2026-W47",
                    "--format", "html", "--out", str(page)]) == 0  # fmt: skip
    bare = tmp_path / "bare.html"
    html = page.read_text(encoding="utf-8")
    bare.write_text(re.sub(r"<svg.*?</svg>", "", html, flags=re.S), encoding="utf-8")
    screenshot(browser, page=page, shot=tmp_path / "week.png")
    screenshot(browser, page=bare, shot=tmp_path / "bare.png")
    with image.open(tmp_path / "week.png") as drawn, image.open(tmp_path / "bare.png") as plain:
        drawn, plain = drawn.convert("RGB"), plain.convert("RGB")
        assert drawn.size == (900, 2400)
        left, top, right, _bottom = chops.difference(drawn, plain).getbbox()
        area = drawn.crop((left, top, right, top + 300))
    assert right - left > 600, "the chart runs across the page"
    assert near(area, FORECAST_RED) > 100
    assert near(area, ACTUAL_BLUE) > 300
    assert near(area, PLAN_GREY) > 200


def test_a_pdf_is_not_poured_onto_a_terminal(shell, capsys, monkeypatch):
    _store, _nwb, db = shell
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with at(FRIDAY):
        assert run(["report", "week", "--db", db, "--client", "nwb", "--format", "pdf"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "--out FILE" in captured.err
