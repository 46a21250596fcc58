"""What the app hands the account manager to send: the nudge's reminder, the promise's
confirmation, the plan, and a weekly report logged alike from the app and the shell."""

from __future__ import annotations

import re

import time_machine
from sqlmodel import select

from model import clock, demo
from model.db import reading, transaction
from model.tables import Client, Interaction, InteractionKind, Task
from tests.tui.test_clients import open_client, select_client
from tests.tui.test_plan import plan
from tests.tui.test_plan import select_client as select_plan_client
from tui.cli import run

SIZE = (120, 36)


async def test_n_puts_a_send_ready_reminder_on_the_clipboard(agency, make_app):
    engine, ids = agency
    task_id = ids["Approve banner set"]
    with transaction(engine) as session:
        session.get(Task, task_id).waiting_since = clock.now().subtract(days=6)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_client(pilot, app, client_id=ids["MK"])
        assert detail.task_ids[0] == task_id
        await pilot.press("N")
        assert app.clipboard == (
            "Hello!\n"
            "A gentle reminder: we are still waiting for your reply on “Approve banner set” "
            "(6 days).\n"
            "As soon as we hear from you, we will carry on. Thank you!\n"
        )


async def test_o_puts_the_promise_confirmation_on_the_clipboard(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", *"friday", "enter")
        assert app.clipboard == (
            "Hello!\n"
            "Confirming: we will deliver “Настроить ремаркетинг” by the end of Friday, "
            "20 November.\n"
            "We will let you know as soon as it is ready.\n"
        )


async def test_y_on_the_demo_totals_the_hours_the_plan_screen_shows(store, frozen, make_app):
    demo.fill(engine=store, scale=1, seed=1)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "l")
        rows = [row for row in plan(app).view.clients if row.tasks]
        assert len(rows) > 3
        for row in rows:
            await select_plan_client(pilot, row.client_id)
            await pilot.press("y")
            (total,) = re.findall(r"^Total: (?:about )?([\d.]+) h$", app.clipboard, re.MULTILINE)
            assert float(total) == row.load.hours, row.code
            titles = [line for line in app.clipboard.splitlines() if line.startswith("- ")]
            assert len(titles) == len(set(titles)), f"{row.code}: each piece of work once"


async def test_a_report_sent_from_the_shell_is_logged_as_r_logs_it(
    agency, make_app, tmp_path, monkeypatch
):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await select_client(pilot, app, client_id=ids["MK"])
        await pilot.press("r", "enter")  # as Markdown
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(tmp_path / "shell"))
    (tmp_path / "shell").mkdir()
    (tmp_path / "shell" / "config.toml").write_text('time_zone = "Europe/Kyiv"\n', encoding="utf-8")
    with transaction(engine) as session:
        session.get(Client, ids["KZ"]).preferred_channel = session.get(
            Client, ids["MK"]
        ).preferred_channel
    db = str(tmp_path / "store.db")
    argv = ["report", "week", "--db", db, "--client", "KZ", "--lang", "uk", "--sent"]
    assert run([*argv, "--out", str(tmp_path / "kz.md")]) == 0
    with reading(engine) as session:
        logged = session.exec(
            select(Interaction).where(Interaction.kind == InteractionKind.REPORT)
        ).all()
    app_row, shell_row = sorted(logged, key=lambda row: row.client_id != ids["MK"])
    assert (shell_row.client_id, app_row.client_id) == (ids["KZ"], ids["MK"])
    fields = ("kind", "channel", "direction", "summary", "at", "task_id", "contact_id")
    assert {f: getattr(shell_row, f) for f in fields} == {f: getattr(app_row, f) for f in fields}


async def test_r_on_monday_writes_and_logs_the_week_just_ended(agency, make_app, frozen):
    engine, ids = agency
    monday = frozen.add(days=5)  # Wednesday 18 November to Monday 23 November, 10:30
    with time_machine.travel(monday, tick=False):
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("6")
            await select_client(pilot, app, client_id=ids["MK"])
            await pilot.press("r", "enter")  # as Markdown
            assert "2026-W47" in app.clipboard.splitlines()[0]
            with reading(engine) as session:
                (logged,) = session.exec(
                    select(Interaction).where(Interaction.kind == InteractionKind.REPORT)
                ).all()
            assert "2026-W47" in logged.summary
