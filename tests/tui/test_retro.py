"""The retro screen (mode 4) driven by keys, and its snapshots mid-week and after closing.

The small agency's sprint is this week's (2026-W47, "now" Wednesday 10:30);
`week` adds what a retro reads besides tasks: plans, stand-ups, a report sent,
notes, and last week's retro with its action item.
"""

from __future__ import annotations

import pendulum
import pytest

from model import clock
from model.db import transaction
from model.retro.checklist import checklist
from model.retro.notes import TO_IMPROVE, WENT_WELL, action_items, add_action, add_note, notes
from model.sprints import ensure_sprint, find_sprint
from model.tables import ClientPlan, Interaction, Retro, SprintState, Standup, Status
from model.tasks import NotFoundError, create_task, get_task, update_task
from tests.conftest import ZONE
from tests.tui.writing import written
from tui.dialogs.close_sprint import CloseSprintDialog
from tui.dialogs.line import LineDialog
from tui.screens.retro import RetroScreen

SIZE = (120, 36)
KEYS = ("timesheets", "weekly_reports", "promises_reviewed", "waiting_nudged")
THIS_WEEK = pendulum.date(2026, 11, 16)
UNFINISHED = (
    "Set up remarketing in Google Ads",
    "Monthly PPC report",
    "Звіт з SEO за жовтень",
    "Approve banner set",
    "Fix tracking on the card form",
    "Keyword research",
)


def kyiv(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=ZONE)


@pytest.fixture
def week(agency):
    engine, ids = agency
    sprint = find_sprint(engine, week_start=THIS_WEEK)
    previous = ensure_sprint(engine, week_start=THIS_WEEK.subtract(weeks=1))
    with transaction(engine) as session:
        session.add(
            ClientPlan(
                sprint_id=sprint.id, client_id=ids["NWB"], planned_hours=6, agreed_at=kyiv(16, 12)
            )
        )
        session.add(ClientPlan(sprint_id=sprint.id, client_id=ids["MK"], planned_hours=5))
        for day in (16, 17):
            session.add(
                Standup(
                    slot_at=kyiv(day, 11), started_at=kyiv(day, 11), finished_at=kyiv(day, 11, 15)
                )
            )
        session.add(Interaction(client_id=ids["MK"], at=kyiv(16, 17), kind="report"))
        session.add(Retro(sprint_id=previous.id, created_at=kyiv(13, 17)))
    add_action(
        engine,
        sprint_id=previous.id,
        text="Remind about timesheets at 17:30",
        owner_id=ids["OK"],
        due_date=pendulum.date(2026, 11, 20),
    )
    for title, code, estimate, done in (
        ("Weekly report template", "NWB", 4, True),
        ("Keyword research", "MK", 3, False),
    ):
        with clock.freeze(at=kyiv(16, 9)):
            task = create_task(
                engine,
                client_id=ids[code],
                title=title,
                status=Status.TODO,
                sprint_id=sprint.id,
                estimate_hours=estimate,
            )
        ids[title] = task.id
        if done:
            with clock.freeze(at=kyiv(17, 17)):
                update_task(engine, task_id=task.id, changes={"status": Status.DONE})
    add_note(engine, sprint_id=sprint.id, kind=WENT_WELL, text="Banners approved first time")
    add_note(engine, sprint_id=sprint.id, kind=TO_IMPROVE, text="[bold]Briefs[/] arrive late")
    return engine, ids, sprint.id


def retro(app) -> RetroScreen:
    assert isinstance(app.screen, RetroScreen)
    return app.screen


def ticked(engine, sprint_id: int) -> dict[str, bool]:
    return {c.key: c.checked for c in checklist(engine, sprint_id=sprint_id, keys=KEYS)}


async def test_shown_again_it_reads_only_what_changed_after_its_first_frame(
    week, make_app, monkeypatch
):
    """Back on top, the retro paints what it showed, then reads again if data changed."""
    import tui.screens.retro as screen_module

    engine, _ids, sprint_id = week
    reads = []
    plain_view = screen_module.retro_view
    monkeypatch.setattr(
        screen_module, "retro_view", lambda *args, **kw: reads.append(1) or plain_view(*args, **kw)
    )
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "1", "4")
        assert len(reads) == 1, "nothing changed: nothing read"
        await pilot.press("1")
        add_note(engine, sprint_id=sprint_id, kind=WENT_WELL, text="Launch went smoothly")
        await pilot.press("4")
        await pilot.pause()
        assert len(reads) == 2
        assert "Launch went smoothly" in [row.text for row in retro(app).rows if row.text]


async def test_tick_checklist_items_and_undo(week, make_app):
    engine, _ids, sprint_id = week
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        screen = retro(app)
        await pilot.press("j", "j", "j")
        assert screen.selected.key == "promises_reviewed"
        await pilot.press("space")
        assert ticked(engine, sprint_id)["promises_reviewed"]
        await pilot.press("j", "space")
        assert ticked(engine, sprint_id)["waiting_nudged"]
        await pilot.press("ctrl+z")
        assert not ticked(engine, sprint_id)["waiting_nudged"]
        assert ticked(engine, sprint_id)["promises_reviewed"]
        await pilot.press("k", "space")
        assert not ticked(engine, sprint_id)["promises_reviewed"]
        await pilot.press("k", "k", "space")
        assert screen.selected.key == "timesheets"
        assert not ticked(engine, sprint_id)["timesheets"], "automatic items follow the data"
        assert len(app.undo_stack) == 2


async def test_add_an_action_item_with_owner_and_due_date(week, make_app):
    engine, ids, sprint_id = week
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "a")
        assert isinstance(app.screen, LineDialog)
        await pilot.press(*"KZ: send the [b]brief[/b]", "enter")
        assert app.screen.__class__.__name__ == "PickDialog"
        await pilot.press("down", "enter")  # past "Nobody" to the first member by name
        assert app.screen.__class__.__name__ == "DueDialog"
        await pilot.press(*"friday", "enter")
        assert isinstance(app.screen, RetroScreen)
        (item,) = action_items(engine, sprint_id=sprint_id)
        assert (item.text, item.owner, item.due_date) == (
            "KZ: send the [b]brief[/b]",
            "Dmytro Shevchenko",
            pendulum.date(2026, 11, 20),
        )
        assert retro(app).selected.key == str(item.id), "the cursor is on the new item"
        await pilot.press("ctrl+z")
        assert action_items(engine, sprint_id=sprint_id) == ()
    del ids


async def test_editing_an_action_item_escape_at_owner_and_date_keeps_them(week, make_app):
    engine, ids, sprint_id = week
    due = pendulum.date(2026, 11, 20)
    add_action(engine, sprint_id=sprint_id, text="Brief template", owner_id=ids["DS"], due_date=due)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        screen = retro(app)
        while screen.selected.kind != "action":
            await pilot.press("j")
        await pilot.press("enter")
        assert isinstance(app.screen, LineDialog)
        await pilot.press(*" v2", "enter")
        assert app.screen.__class__.__name__ == "PickDialog"
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "DueDialog"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RetroScreen)
        (item,) = action_items(engine, sprint_id=sprint_id)
        assert (item.text, item.owner_id, item.due_date) == ("Brief template v2", ids["DS"], due)


async def test_an_action_item_cancelled_at_its_text_is_not_added(week, make_app):
    engine, _ids, sprint_id = week
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "a", *"Never mind", "escape")
        await pilot.pause()
        assert isinstance(app.screen, RetroScreen)
        assert len(app.undo_stack) == 0
    assert action_items(engine, sprint_id=sprint_id) == ()


async def test_notes_are_added_where_the_cursor_is_edited_and_reordered(week, make_app):
    engine, _ids, sprint_id = week
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        screen = retro(app)
        while screen.selected.section != WENT_WELL:
            await pilot.press("j")
        await pilot.press("c", *"No overtime", "enter")
        assert [n.text for n in notes(engine, sprint_id=sprint_id)[WENT_WELL]] == [
            "Banners approved first time",
            "No overtime",
        ]
        await pilot.press("K")
        assert [n.text for n in notes(engine, sprint_id=sprint_id)[WENT_WELL]][0] == "No overtime"
        await pilot.press("enter", *["backspace"] * 8, *"weekend work", "enter")
        assert [n.text for n in notes(engine, sprint_id=sprint_id)[WENT_WELL]][0] == (
            "No weekend work"
        )
        await pilot.press("c", "enter")
        assert isinstance(app.screen, LineDialog), "an empty line is refused"
        await pilot.press("escape", "x")
        assert [n.text for n in notes(engine, sprint_id=sprint_id)[WENT_WELL]] == [
            "Banners approved first time"
        ]
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        assert [n.text for n in notes(engine, sprint_id=sprint_id)[WENT_WELL]] == [
            "Banners approved first time",
            "No overtime",
        ]


async def test_close_the_sprint_then_undo_the_close(week, make_app):
    engine, ids, sprint_id = week
    app = make_app(engine, me="Olena Koval")
    add_action(engine, sprint_id=sprint_id, text="Brief template", owner_id=None, due_date=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "C")
        assert isinstance(app.screen, CloseSprintDialog)
        assert len(app.screen.moving) == len(UNFINISHED)
        await pilot.press("space", "y")  # the first listed task goes back to the backlog
        assert isinstance(app.screen, RetroScreen)
        assert find_sprint(engine, week_start=THIS_WEEK).state == SprintState.CLOSED
        assert app.now.week_sprint.state == SprintState.CLOSED
        following = find_sprint(engine, week_start=THIS_WEEK.add(weeks=1))
        assert app.now.sprint.id == following.id, "new work goes into next week"
        moved = {title: get_task(engine, task_id=ids[title]) for title in UNFINISHED}
        back = [t for t in moved.values() if t.status == Status.BACKLOG]
        assert len(back) == 1 and back[0].sprint_id is None
        rolled = [t for t in moved.values() if t.status != Status.BACKLOG]
        assert {(t.sprint_id, t.carried_over) for t in rolled} == {(following.id, 1)}
        assert get_task(engine, task_id=ids["Landing page A/B test"]).sprint_id == sprint_id
        (item,) = action_items(engine, sprint_id=sprint_id)
        assert item.task_id is not None
        assert "closed" in str(app.screen.query_one("DeckHeader").render())

        await pilot.press("ctrl+z")
        assert find_sprint(engine, week_start=THIS_WEEK).state == SprintState.OPEN
        assert app.now.sprint.id == app.now.week_sprint.id == sprint_id
        for title in UNFINISHED:
            task = get_task(engine, task_id=ids[title])
            assert (task.sprint_id, task.carried_over) == (sprint_id, 0)
            assert task.status != Status.BACKLOG
        assert find_sprint(engine, week_start=THIS_WEEK.add(weeks=1)) is None
        with pytest.raises(NotFoundError):  # the task the close made is gone again
            get_task(engine, task_id=item.task_id)
        assert action_items(engine, sprint_id=sprint_id)[0].task_id is None


async def test_cancelling_the_close_changes_nothing(week, make_app):
    engine, _ids, _sprint_id = week
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "C", "escape")
        assert isinstance(app.screen, RetroScreen)
        assert find_sprint(engine, week_start=THIS_WEEK).state == SprintState.OPEN
        assert len(app.undo_stack) == 0


async def test_past_retros_are_browsable(week, make_app):
    engine, _ids, _sprint_id = week
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "left_square_bracket")
        screen = retro(app)
        assert screen.view.week == "2026-W46"
        assert [line.text for line in screen.view.actions] == ["Remind about timesheets at 17:30"]
        await pilot.press("left_square_bracket")
        assert screen.view.week == "2026-W46", "nothing before the first sprint"
        await pilot.press("right_square_bracket")
        assert screen.view.week == "2026-W47"
        assert [line.text for line in screen.view.previous] == ["Remind about timesheets at 17:30"]


async def test_export_writes_the_markdown(week, make_app):
    from model.files import reports_dir

    engine, _ids, _sprint_id = week
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "e")
    text = (reports_dir() / "retro-2026-W47.md").read_text(encoding="utf-8")
    assert text.startswith("# Retro 2026-W47 · 16–22 Nov 2026\n")
    assert "- [bold]Briefs[/] arrive late" in text
    assert (reports_dir() / "retro-2026-W47.md").stat().st_mode & 0o777 == 0o600


async def test_t_times_the_task_an_action_item_became(week, make_app):
    from model.retro.close import close_sprint
    from model.timetrack import running_entry

    engine, ids, sprint_id = week
    add_action(engine, sprint_id=sprint_id, text="Brief template", owner_id=None, due_date=None)
    close_sprint(engine, sprint_id=sprint_id)
    (item,) = action_items(engine, sprint_id=sprint_id)
    app = make_app(engine, me="Dmytro Shevchenko")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        screen = retro(app)
        assert screen.selected_task_id() is None
        while screen.selected.kind != "action":
            await pilot.press("j")
        assert screen.selected_task_id() == item.task_id
        await pilot.press("t")
        await written(pilot)
        running = running_entry(engine, member_id=ids["DS"])
        assert running is not None and running.entry.task_id == item.task_id


# --- snapshots -----------------------------------------------------------------------------


def test_retro_mid_week(week, make_app, snap_compare):
    engine, _ids, _sprint_id = week
    assert snap_compare(make_app(engine), terminal_size=SIZE, press=["4"])


def test_retro_after_closing(week, make_app, snap_compare):
    engine, ids, sprint_id = week
    add_action(
        engine,
        sprint_id=sprint_id,
        text="NWB: ask for GA access",
        owner_id=ids["DS"],
        due_date=pendulum.date(2026, 11, 20),
    )
    assert snap_compare(make_app(engine), terminal_size=SIZE, press=["4", "C", "y"])
