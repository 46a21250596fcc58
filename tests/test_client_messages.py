"""What is sent to clients is send-ready: the plan message, the weekly and hours reports, the
nudge and the promise confirmation.

Each is what an account manager would paste into a chat or an email: client-facing
titles only (no ids, no internal tasks, no duplicates), statuses in words, the same
totals as the screen, the report's language, and the period explained when a week
spans two months. The demo agency is filled at a frozen Friday 17:00, as a new user
would meet it at the retro; smaller cases are written out by hand.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import time

import pendulum
import pytest
from markdown_it import MarkdownIt
from sqlmodel import select

from model import clock, demo, i18n
from model.budgets import budget_statuses, set_budget
from model.config import Config
from model.db import reading, transaction
from model.interactions import nudge_text, render_nudge, waiting_on_client
from model.planning import (
    budget_month,
    plan_message,
    plan_view,
)
from model.promises import confirmation_text, promise_task
from model.reports import hours as hours_module
from model.reports.hours import hours_report, is_internal, md_text, render_csv, render_markdown
from model.reports.week import render_markdown as render_week
from model.reports.week import report_week_start, week_report
from model.retro.checklist import checklist
from model.retro.close import AGENCY_CODE
from model.sprints import ensure_sprint
from model.store import open_store
from model.tables import (
    Client,
    Interaction,
    InteractionKind,
    Member,
    Sprint,
    Status,
    Task,
    TimeEntry,
)
from model.tasks import ValidationError, create_task, get_task, move_status, update_task
from model.weeks import month_span, week_span
from tests import test_report_week
from tests.test_report_week import WEEK, at, build_nwb, kyiv
from tui.cli import run

KYIV = "Europe/Kyiv"
FRIDAY = pendulum.datetime(2026, 11, 20, 17, 0, tz=KYIV)
CONFIG = Config(time_zone=KYIV)
shell = test_report_week.shell  # Northwind Bank's week in a SQLite file, for the shell


# --- the plan message on the demo agency ---------------------------------------------------


@pytest.fixture(scope="module")
def friday_demo(tmp_path_factory):
    """The demo agency as the clock stands on Friday 20 November 2026, 17:00 in Kyiv."""
    path = tmp_path_factory.mktemp("demo") / "friday.db"
    clock.set_zone(name=KYIV)
    with clock.freeze(at=FRIDAY):
        engine = open_store(url=f"sqlite:///{path}").engine
        demo.fill(engine=engine, scale=1, seed=1)
        engine.dispose()
    clock.set_zone(name="UTC")
    return path


@pytest.fixture
def demo_store(friday_demo, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(friday_demo, path)
    engine = open_store(url=f"sqlite:///{path}").engine
    clock.set_zone(name=KYIV)
    with at(FRIDAY):
        yield engine
    engine.dispose()


ITEM = re.compile(r"^- (?P<title>.*) \((?:about )?(?P<hours>[\d.]+) h(?:, (?P<rest>.*))?\)$")


def message_parts(text: str) -> dict[str, list[tuple[str, float, str]]]:
    """The message's lists by the line that opens them ("" for the week's own work)."""
    parts: dict[str, list[tuple[str, float, str]]] = {"": []}
    heading = ""
    for line in text.splitlines()[1:]:
        if line.endswith(":") and not line.startswith("- "):
            heading = line
            parts[heading] = []
        elif line.startswith("- "):
            found = ITEM.match(line)
            if found is None:  # done work: a title alone
                parts[heading].append((line[2:], 0.0, ""))
            else:
                hours = float(found["hours"])
                parts[heading].append((found["title"], hours, found["rest"] or ""))
    return parts


def total_of(text: str) -> str:
    (found,) = re.findall(r"^Total: (?:about )?([\d.]+) h$", text, flags=re.MULTILINE)
    return found


def hours_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def test_every_demo_clients_plan_message_totals_what_the_plan_screen_shows(demo_store):
    engine = demo_store
    sprint = ensure_sprint(engine, week_start=WEEK)
    budgets = budget_statuses(engine, month=budget_month(week_start=sprint.week_start))
    view = plan_view(engine, sprint=sprint, config=CONFIG, budgets=budgets)
    checked = 0
    for row in view.clients:
        if not view.planned.get(row.client_id):
            continue
        text = plan_message(engine, sprint=sprint, client_id=row.client_id, config=CONFIG)
        assert total_of(text) == hours_text(row.load.hours), row.code
        parts = message_parts(text)
        told = sum(hours for items in parts.values() for _title, hours, _rest in items)
        assert told == pytest.approx(row.load.hours), f"{row.code}: the lines add up to the total"
        checked += 1
    assert checked == len(view.clients)


def test_a_demo_plan_message_lists_client_work_once_and_done_work_apart(demo_store):
    engine = demo_store
    sprint = ensure_sprint(engine, week_start=WEEK)
    last_day = WEEK.add(days=6)
    with reading(engine) as session:
        clients = {client.id: client for client in session.exec(select(Client)).all()}
    for client in clients.values():
        text = plan_message(engine, sprint=sprint, client_id=client.id, config=CONFIG)
        parts = message_parts(text)
        work = [
            title
            for heading, items in parts.items()
            for title, *_ in items
            if heading != "Already done:"
        ]
        assert "#" not in text.split("\n", 1)[1], "no ids"
        assert len(work) == len(set(work)), f"{client.code}: a piece of work is told once"
        with reading(engine) as session:
            tasks = session.exec(
                select(Task).where(Task.sprint_id == sprint.id, Task.client_id == client.id)
            ).all()
        for task in tasks:
            shown = md_text(task.title)
            if is_internal(labels=task.labels, client_code=client.code):
                assert shown not in work, f"{client.code}: internal task {task.title!r} shown"
            elif task.status == Status.DONE:
                still_open = any(
                    other.title == task.title and other.status != Status.DONE for other in tasks
                )
                assert still_open or shown in [t for t, *_ in parts.get("Already done:", [])]
        for title, _hours, rest in parts[""]:
            if "due " in rest and "was due" not in rest:
                due = re.search(r"due \w+ (\d+) (\w+)", rest)
                assert due is not None
                day = pendulum.from_format(f"{due[1]} {due[2]} 2026", "D MMM YYYY").date()
                assert day <= last_day, f"{client.code}: {title} is due after the week"


# --- the plan message, written out ---------------------------------------------------------


@pytest.fixture
def acme(store):
    """Acme's sprint of 16 November: work of every kind a plan can hold, on Wednesday."""
    clock.set_zone(name=KYIV)
    with at(kyiv(2026, 11, 18, 10, 30)):
        with transaction(store) as session:
            client = Client(name="Acme *Coffee*", code="AC", created_at=clock.now())
            session.add(client)
            session.flush()
            client_id = client.id
        sprint = ensure_sprint(store, week_start=WEEK)

        def task(title: str, **fields) -> int:
            fields.setdefault("status", Status.TODO)
            return create_task(
                store, client_id=client_id, title=title, sprint_id=sprint.id, **fields
            ).id

        task("Banners [bold]x[/]", estimate_hours=3, due_date=pendulum.date(2026, 11, 19))
        task("Landing page", estimate_hours=2, labels="design")
        task("landing  page", labels="design")  # the same work twice: 2 h by default
        original = task("Audit", estimate_hours=4, due_date=pendulum.date(2026, 11, 13))
        twin = task("Audit (from the chat)", estimate_hours=1)
        update_task(store, task_id=twin, changes={"duplicate_of_id": original})
        task(
            "Media plan for December",
            estimate_hours=5,
            labels="ppc,plan",
            due_date=pendulum.date(2026, 11, 27),
        )
        task("Invoice for October", estimate_hours=1, labels="billing")
        task("Prepare the call", estimate_hours=0.5, labels="ppc,internal")
        task("Approve texts", estimate_hours=1, status=Status.WAITING)
        task("Tracking fix", estimate_hours=6, status=Status.DONE)
    return store, client_id, sprint


def test_the_plan_message_is_what_the_client_reads(acme):
    store, client_id, sprint = acme
    with at(kyiv(2026, 11, 18, 10, 30)):
        text = plan_message(store, sprint=sprint, client_id=client_id, config=CONFIG)
        budgets = budget_statuses(store, month=budget_month(week_start=sprint.week_start))
        view = plan_view(store, sprint=sprint, config=CONFIG, budgets=budgets)
    (row,) = [row for row in view.clients if row.client_id == client_id]
    assert row.load.hours == 3 + 2 + 2 + 4 + 1 + 5 + 1 + 0.5 + 1
    assert text == (
        "# Plan for Acme \\*Coffee\\*: 16 November – 22 November 2026\n"
        "\n"
        "- Audit (5 h, was due Fri 13 Nov)\n"
        "- Banners \\[bold\\]x\\[/\\] (3 h, due Thu 19 Nov)\n"
        "- Landing page (about 4 h)\n"
        "- Approve texts (1 h, waiting for your reply)\n"
        "- Account management and coordination (1.5 h)\n"
        "\n"
        "Started this week, due later:\n"
        "\n"
        "- Media plan for December (5 h, due Fri 27 Nov)\n"
        "\n"
        "Already done:\n"
        "\n"
        "- Tracking fix\n"
        "\n"
        "Total: about 19.5 h\n"
    )
    assert total_of(text) == hours_text(row.load.hours)


def test_the_plan_message_speaks_the_ui_language(acme):
    store, client_id, sprint = acme
    i18n.set_language(code="uk")
    with at(kyiv(2026, 11, 18, 10, 30)):
        text = plan_message(store, sprint=sprint, client_id=client_id, config=CONFIG)
    assert "16 листопада – 22 листопада 2026" in text
    assert "- Banners \\[bold\\]x\\[/\\]" in text and "3 год" in text


# --- literal text in Markdown --------------------------------------------------------------

HOSTILE = (
    "[bold]Landing[/] page",
    "Google Ads | setup",
    "# not a heading #",
    "- not a list",
    "1. not a list either",
    "> not a quote",
    "*not* _emphasised_ ~~struck~~ `code`",
    "[a link](http://example.com) ![img](x.png) <b>html</b>",
    "&amp; stays &amp; R&D",
    "back\\slash\nnew line\ttab \x1b[2J",
    "+ plus",
    "=== setext",
)


def plain_text(markdown: str) -> str:
    """What a Markdown reader shows of one list item: its inline text, nothing styled."""
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(markdown)
    kinds = {token.type for token in tokens}
    assert kinds <= {
        "bullet_list_open",
        "bullet_list_close",
        "list_item_open",
        "list_item_close",
        "paragraph_open",
        "paragraph_close",
        "inline",
    }
    (inline,) = [token for token in tokens if token.type == "inline"]
    assert {child.type for child in inline.children} <= {"text", "softbreak"}
    return "".join(child.content for child in inline.children)


@pytest.mark.parametrize("title", HOSTILE)
def test_a_title_reads_literally_in_markdown(title):
    expected = " ".join(re.sub(r"[\x00-\x1f]", " ", title).split())
    assert plain_text(f"- {md_text(title)}") == expected


def test_a_title_stays_inside_its_table_cell():
    table = f"| Task | Hours |\n|---|---:|\n| {md_text('a | b')} | 1.00 |\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(table)
    cells = [t.content for t in tokens if t.type == "inline"]
    assert cells == ["Task", "Hours", "a | b", "1.00"]


# --- internal tasks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "code", "internal"),
    [
        ("", "NWB", False),
        ("billing", "NWB", True),
        ("report", "NWB", True),
        ("ppc,report", "NWB", False),
        ("ppc,plan", "NWB", False),
        ("ppc,Internal", "NWB", True),
        ("access, call", "NWB", True),
        ("seo", AGENCY_CODE, True),
    ],
)
def test_what_counts_as_internal(labels, code, internal):
    assert is_internal(labels=labels, client_code=code) is internal


def test_the_agency_code_is_the_retros():
    assert hours_module.AGENCY_CODE == AGENCY_CODE


# --- the weekly report ---------------------------------------------------------------------


@pytest.fixture
def nwb(store) -> int:
    return build_nwb(store)


REPORTED_AT = kyiv(2026, 11, 20, 16)


def week_text(engine, client_id: int, *, week_start=WEEK, moment=REPORTED_AT) -> str:
    with at(moment):
        return render_week(week_report(engine, client_id=client_id, week_start=week_start))


def test_the_weekly_report_shows_no_ids_and_statuses_in_words(store, nwb):
    text = week_text(store, nwb)
    assert "| # |" not in text and not re.search(r"^\| \d+ \|", text, flags=re.MULTILINE)
    cells = [cell.strip() for line in text.splitlines() for cell in line.split("|")]
    for raw in ("doing", "review", "todo", "waiting"):
        assert raw not in cells
    assert "in progress" in cells and "being checked" in cells


def test_next_week_does_not_repeat_work_in_progress_nor_internal_tasks(store, nwb):
    with at(kyiv(2026, 11, 19, 12)):
        next_sprint = ensure_sprint(store, week_start=WEEK.add(days=7))
        carried = create_task(
            store,
            client_id=nwb,
            title="Carried landing",
            status=Status.DOING,
            sprint_id=next_sprint.id,
        ).id
        create_task(
            store,
            client_id=nwb,
            title="Invoice for November",
            labels="billing",
            sprint_id=next_sprint.id,
        )
        invoice = create_task(
            store, client_id=nwb, title="Invoice for October", labels="billing", status=Status.DOING
        ).id
        move_status(store, task_id=invoice, status=Status.DONE)
    with at(kyiv(2026, 11, 20, 16)):
        report = week_report(store, client_id=nwb, week_start=WEEK)
    assert carried in [line.task_id for line in report.in_progress]
    assert [line.title for line in report.next_week] == ["Set up remarketing"]
    assert "Invoice for October" not in [line.title for line in report.done]
    assert report.week_hours == pytest.approx(1 + 2.5 + 3.25), "hours still count every task"


@pytest.fixture
def two_months(store) -> int:
    """A week from Monday 30 November to Sunday 6 December 2026: 3 h in November, 2 h after."""
    clock.set_zone(name=KYIV)
    with transaction(store) as session:
        client = Client(name="Zelena", code="ZS", created_at=kyiv(2026, 9, 1))
        anna = Member(name="Anna", initials="AN")
        session.add_all([client, anna])
        session.flush()
        client_id, anna_id = client.id, anna.id
    set_budget(store, client_id=client_id, from_month=pendulum.date(2026, 11, 1), hours=20)
    with at(kyiv(2026, 11, 30, 9)):
        task_id = create_task(store, client_id=client_id, title="Banners", status=Status.DOING).id
    with transaction(store) as session:
        for start, hours in (
            (kyiv(2026, 11, 27, 10), 4),
            (kyiv(2026, 11, 30, 10), 3),
            (kyiv(2026, 12, 2, 10), 2),
        ):
            session.add(
                TimeEntry(
                    task_id=task_id, member_id=anna_id, start=start, end=start.add(hours=hours)
                )
            )
    return client_id


def test_a_week_over_two_months_says_which_month_and_where_its_hours_fell(store, two_months):
    monday = pendulum.date(2026, 11, 30)
    with at(kyiv(2026, 12, 4, 17)):
        report = week_report(store, client_id=two_months, week_start=monday)
    assert (report.week_hours, report.month_hours) == (5, 2)
    assert report.earlier_month_hours == 3
    text = week_text(store, two_months, week_start=monday, moment=kyiv(2026, 12, 4, 17))
    assert "- This week: 5.00" in text
    assert "- Billed month to date (December 2026): 2.00" in text
    assert (
        "The week spans two months: 3.00 of this week's billed hours fall in November 2026 and "
        "count towards that month's paid hours; the month to date is December 2026 only."
    ) in text
    i18n.set_language(code="ru")
    russian = week_text(store, two_months, week_start=monday, moment=kyiv(2026, 12, 4, 17))
    assert "декабрь 2026" in russian and "ноябрь 2026" in russian


def test_a_week_inside_one_month_needs_no_explanation(store, nwb):
    assert "two months" not in week_text(store, nwb)


# --- which week "this week's report" means --------------------------------------------------


@pytest.mark.parametrize(
    ("today", "start_weekday", "week"),
    [
        (pendulum.date(2026, 11, 23), 0, pendulum.date(2026, 11, 16)),  # Monday: last week's
        (pendulum.date(2026, 11, 24), 0, pendulum.date(2026, 11, 23)),  # Tuesday: this one
        (pendulum.date(2026, 11, 27), 0, pendulum.date(2026, 11, 23)),  # Friday
        (pendulum.date(2026, 11, 29), 0, pendulum.date(2026, 11, 23)),  # Sunday
        (pendulum.date(2026, 11, 21), 5, pendulum.date(2026, 11, 14)),  # Saturday sprint start
        (pendulum.date(2026, 11, 23), 5, pendulum.date(2026, 11, 14)),  # its first working day
        (pendulum.date(2026, 11, 24), 5, pendulum.date(2026, 11, 21)),
    ],
)
def test_on_the_weeks_first_working_day_the_report_is_last_weeks(today, start_weekday, week):
    assert report_week_start(today=today, start_weekday=start_weekday) == week


def test_report_week_on_a_monday_writes_the_week_just_ended(shell, capsys):
    store, nwb, db = shell
    with at(kyiv(2026, 11, 23, 10, 59)):
        assert run(["report", "week", "--db", db, "--client", "nwb"]) == 0
        expected = render_week(week_report(store, client_id=nwb, week_start=WEEK))
    printed = capsys.readouterr()
    assert printed.out == expected
    assert printed.out.startswith("# Weekly report for Northwind Bank, 2026-W47")
    assert "Nothing was finished this week." not in printed.out
    assert "2026-W47" in printed.err


def test_a_report_sent_from_the_shell_is_logged_as_the_apps_and_the_retro_counts_it(shell):
    store, nwb, db = shell
    with reading(store) as session:
        other = session.exec(select(Client.id).where(Client.code == "OTH")).one()
        sprint_id = session.exec(select(Sprint.id).where(Sprint.week_start == WEEK)).one()
    with at(kyiv(2026, 11, 20, 17)):
        for code, lang in (("nwb", "ru"), ("oth", "uk")):
            assert (
                run(
                    [
                        "report",
                        "week",
                        "--db",
                        db,
                        "--client",
                        code,
                        "--lang",
                        lang,
                        "--out",
                        f"{db}.{code}.md",
                        "--sent",
                    ]
                )
                == 0
            )
        i18n.set_language(code="en")
        (reports,) = checklist(store, sprint_id=sprint_id, keys=["weekly_reports"])
    assert reports.checked, reports.why
    with reading(store) as session:
        logged = session.exec(select(Interaction).order_by(Interaction.id)).all()
    assert [(row.client_id, row.kind, row.summary) for row in logged] == [
        (nwb, InteractionKind.REPORT, "Weekly report sent (2026-W47)"),
        (other, InteractionKind.REPORT, "Weekly report sent (2026-W47)"),
    ], "logged in the UI's language, as the app logs it, whatever the report's language"


# --- the hours report ----------------------------------------------------------------------


def test_report_hours_takes_lang_and_says_statuses_in_words(shell, capsys):
    _store, _nwb, db = shell
    with at(kyiv(2026, 11, 20, 17)):
        assert (
            run(
                [
                    "report",
                    "hours",
                    "--db",
                    db,
                    "--client",
                    "nwb",
                    "--week",
                    "2026-W47",
                    "--lang",
                    "uk",
                ]
            )
            == 0
        )
    text = capsys.readouterr().out
    assert text.startswith("# Години: Northwind Bank, 2026-W47")
    assert "| Google Ads \\| setup | готово |" in text
    cells = {cell.strip() for line in text.splitlines() for cell in line.split("|")}
    assert not cells & {"doing", "todo", "review", "done", "до виконання", "очікування"}
    assert not re.search(r"^\| \d+ \|", text, flags=re.MULTILINE), "no ids"


def test_the_hours_report_tells_internal_work_as_one_line_and_adds_up(store, nwb):
    with reading(store) as session:
        anna = session.exec(select(Member.id)).first()
    with at(kyiv(2026, 11, 19, 9)):
        invoice = create_task(store, client_id=nwb, title="Invoice for October", labels="billing")
    with transaction(store) as session:
        start = kyiv(2026, 11, 19, 10)
        session.add(
            TimeEntry(task_id=invoice.id, member_id=anna, start=start, end=start.add(minutes=30))
        )
    with at(kyiv(2026, 11, 20, 17)):
        report = hours_report(
            store, client_id=nwb, span=week_span(week_start=WEEK, zone=KYIV), title="W47"
        )
    text = render_markdown(report)
    assert "Invoice for October" not in text
    assert "| Account management and coordination |  | 0.50 | 0.50 |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and line.endswith(" |")]
    hours = [float(line.rsplit("|", 3)[1]) for line in rows[1 : len(report.tasks) + 1]]
    billed = [float(line.rsplit("|", 2)[1]) for line in rows[1 : len(report.tasks) + 1]]
    assert sum(hours) == pytest.approx(report.total_hours)
    assert sum(billed) == pytest.approx(report.billed_hours)


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://x")', " =1+1", "\n=cmd|' /C calc'!A0", "＝1+1", "@SUM(A1)", "-2+3"],
)
def test_no_csv_cell_of_user_text_is_a_formula(store, title):
    clock.set_zone(name=KYIV)
    with transaction(store) as session:
        client = Client(name=title, code="X", created_at=kyiv(2026, 11, 1))
        member = Member(name=title, initials="T")
        session.add_all([client, member])
        session.flush()
        ids = client.id, member.id
    with at(kyiv(2026, 11, 10, 9)):
        task = create_task(store, client_id=ids[0], title=title)
    with transaction(store) as session:
        start = kyiv(2026, 11, 10, 10)
        session.add(
            TimeEntry(task_id=task.id, member_id=ids[1], start=start, end=start.add(hours=1))
        )
    with at(kyiv(2026, 11, 20, 17)):
        report = hours_report(
            store,
            client_id=ids[0],
            title="November",
            span=month_span(month=pendulum.date(2026, 11, 1), zone=KYIV),
        )
    for row in csv.reader(io.StringIO(render_csv(report))):
        for cell in row:
            assert not cell.lstrip(" \n\r\t").startswith(("=", "+", "-", "@", "＝")), row


# --- the nudge -----------------------------------------------------------------------------


def kyiv_client(store, *, name: str, code: str) -> int:
    """A client of a store that lives in Kyiv time."""
    clock.set_zone(name=KYIV)
    with transaction(store) as session:
        client = Client(name=name, code=code, created_at=kyiv(2026, 9, 1))
        session.add(client)
        session.flush()
        return client.id


@pytest.fixture
def waits(store):
    """Two tasks waiting on Northwind Bank: texts since Monday, access since Wednesday."""
    client_id = kyiv_client(store, name="Northwind Bank", code="NWB")
    ids = {}
    for title, moment in (
        ("Approve the ad texts", kyiv(2026, 11, 16, 10)),
        ("Google Ads access", kyiv(2026, 11, 18, 9)),
    ):
        with at(moment):
            ids[title] = create_task(
                store, client_id=client_id, title=title, status=Status.WAITING
            ).id
    return store, ids


def test_the_nudge_is_a_polite_reminder_with_what_we_wait_for_and_how_long(waits):
    store, ids = waits
    with at(kyiv(2026, 11, 20, 11)):
        text = nudge_text(store, task_id=ids["Google Ads access"])
    assert text == (
        "Hello!\n"
        "A gentle reminder: we are still waiting for your reply on these tasks:\n"
        "- “Google Ads access” (2 days)\n"
        "- “Approve the ad texts” (4 days)\n"
        "As soon as we hear from you, we will carry on. Thank you!\n"
    ), "the nudged task first, then the other waits"
    assert "#" not in text


def test_a_nudge_about_one_task_in_ukrainian_and_russian(waits):
    store, ids = waits
    move_status(store, task_id=ids["Google Ads access"], status=Status.DOING)
    with at(kyiv(2026, 11, 21, 11)):
        (wait,) = waiting_on_client(
            store, client_id=get_task(store, task_id=ids["Approve the ad texts"]).client_id
        )
        i18n.set_language(code="uk")
        ukrainian = render_nudge(waits=[wait])
        i18n.set_language(code="ru")
        russian = render_nudge(waits=[wait])
    assert "«Approve the ad texts» (5 днів)" in ukrainian
    assert "«Approve the ad texts» (5 дней)" in russian


def test_only_a_waiting_task_has_a_reminder(waits):
    store, ids = waits
    move_status(store, task_id=ids["Google Ads access"], status=Status.DOING)
    with pytest.raises(ValidationError):
        nudge_text(store, task_id=ids["Google Ads access"])


# --- the promise confirmation --------------------------------------------------------------


def test_the_promise_confirmation_names_the_work_and_its_deadline(store):
    client_id = kyiv_client(store, name="Acme", code="AC")
    with at(kyiv(2026, 11, 18, 10)):
        task = create_task(store, client_id=client_id, title="PPC report for October")
        timed = promise_task(
            store, task_id=task.id, due_date=pendulum.date(2026, 11, 20), due_time=time(15)
        ).value
        assert confirmation_text(task=timed) == (
            "Hello!\n"
            "Confirming: we will deliver “PPC report for October” on Friday, 20 November by "
            "15:00.\n"
            "We will let you know as soon as it is ready.\n"
        )
        whole_day = promise_task(store, task_id=task.id, due_date=pendulum.date(2027, 1, 8)).value
        assert "by the end of Friday, 8 January 2027." in confirmation_text(task=whole_day)
        i18n.set_language(code="uk")
        ukrainian = confirmation_text(task=timed)
        i18n.set_language(code="ru")
        russian = confirmation_text(task=timed)
    assert "«PPC report for October»" in ukrainian and "20 листопада" in ukrainian
    assert "«PPC report for October»" in russian and "20 ноября" in russian
