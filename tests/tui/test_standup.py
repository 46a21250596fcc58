"""The stand-up screen driven by keys on a fixed day: Wednesday 18 November 2026 in Kyiv.

The agency is built at 10:30; two requests arrive at 10:40 and 10:45. In the
afternoon a report goes to review, an hour is logged and a request arrives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pendulum
import pytest
import time_machine

from model import clock
from model.inbox import capture
from model.standup import neighbour_standup, standup_at, standup_notes
from model.tables import Status
from model.tasks import get_task, move_status
from model.timetrack import add_entry
from tests.conftest import ZONE
from tui.dialogs.confirm import ConfirmDialog
from tui.reminders import StandupReminders
from tui.screens.standup import StandupScreen, fit_sections

SIZE = (120, 36)


def kyiv(hour: int, minute: int = 0, day: int = 18) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=ZONE)


@contextmanager
def at(moment: pendulum.DateTime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def day(agency):
    engine, ids = agency
    with at(kyiv(10, 40)):
        ids["down"] = capture(
            engine, line="NWB: site is down [bold]now[/]", today=clock.today(), fire=True
        ).id
    with at(kyiv(10, 45)):
        ids["prices"] = capture(engine, line="KZ: price list update", today=clock.today()).id
    return engine, ids


def afternoon(engine, ids) -> None:
    with at(kyiv(12)):
        move_status(engine, task_id=ids["Monthly PPC report"], status=Status.REVIEW)
    with at(kyiv(13, 30)):
        ids["call"] = capture(engine, line="MK: call about the catalogue", today=clock.today()).id
        add_entry(
            engine,
            task_id=ids["Fix tracking on the card form"],
            member_id=ids["DS"],
            start=kyiv(12, 15),
            end=kyiv(13, 15),
        )


def standup(app) -> StandupScreen:
    assert isinstance(app.screen, StandupScreen)
    return app.screen


def header(app) -> str:
    return str(app.screen.query_one("DeckHeader").render())


def fire_titles(app) -> list[str]:
    return [fire.title for fire in standup(app).view.fires]


async def test_opening_near_the_slot_starts_the_meeting_timer(day, make_app):
    engine, ids = day
    with at(kyiv(11, 5)):
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3")
            screen = standup(app)
            assert screen.slot == kyiv(11)
            assert "Wed 18 Nov 11:00 · meeting 0:00 of 15:00" in header(app)
            record = standup_at(engine, slot_at=kyiv(11))
            assert pendulum.instance(record.started_at) == kyiv(11, 5)
            assert [m.initials for m in screen.view.members] == ["DS", "IB", "OK"]
            assert fire_titles(app) == [
                "price list update",
                "site is down [bold]now[/]",
                "Fix tracking on the card form",
            ]
            with at(kyiv(11, 22)):
                screen._tick()
                assert "meeting 17:00 of 15:00 over time" in header(app)


async def test_opening_long_after_the_slot_does_not_start_it(day, make_app):
    engine, _ids = day
    with at(kyiv(12, 30)):
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3")
            assert "11:00 · not started" in header(app)
    assert standup_at(engine, slot_at=kyiv(11)) is None


async def test_coming_back_reads_again_only_after_a_change_or_a_minute(day, make_app, monkeypatch):
    engine, _ids = day
    import tui.screens.standup as screen_module

    reads = []
    plain_meeting = screen_module.meeting
    monkeypatch.setattr(
        screen_module, "meeting", lambda *args, **kw: reads.append(1) or plain_meeting(*args, **kw)
    )
    with at(kyiv(12, 30)):
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3", "6", "3")
            assert len(reads) == 1, "back within the minute, nothing changed"
            with at(kyiv(12, 30, day=18).add(seconds=50)):
                await pilot.press("6", "3")
            assert len(reads) == 1
            await pilot.press("6")
            capture(engine, line="MK: one more thing", today=clock.today())
            await pilot.press("3")
            assert len(reads) == 2, "data changed meanwhile"
            with at(kyiv(12, 31)):
                await pilot.press("6", "3")
            assert len(reads) == 3, "a minute later: times and ages may read differently"


async def test_tab_cycles_members_and_their_lists(day, make_app):
    engine, _ids = day
    with at(kyiv(11, 5)):
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3")
            screen = standup(app)
            assert screen.member.initials == "DS"
            assert [item.title for item in screen.member.done] == ["Monthly PPC report"]
            assert [item.title for item in screen.member.next] == [
                "Fix tracking on the card form",
                "Set up remarketing in Google Ads",
            ]
            await pilot.press("tab")
            assert screen.member.initials == "IB"
            assert {item.title for item in screen.member.done} == {
                "Звіт з SEO за жовтень",
                "Landing page A/B test",
            }
            await pilot.press("tab")
            assert [(i.title, i.waiting_days) for i in screen.member.blocked] == [
                ("Approve banner set", 0)
            ]
            await pilot.press("tab")
            assert screen.member.initials == "DS"
            await pilot.press("shift+tab")
            assert screen.member.initials == "OK"


async def test_finish_with_notes_then_find_it_in_history(day, make_app):
    engine, ids = day
    with at(kyiv(11, 5)):
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3", "n", *"on the report", "tab", *"SEO review", "enter")
            await pilot.press("N", *"Retro at 16:30", "escape")
            assert app.focused is None
            await pilot.press("F")
            assert isinstance(app.screen, ConfirmDialog)
            assert "Olena Koval has not had a turn yet" in app.screen.question
            await pilot.press("n")
            assert standup_at(engine, slot_at=kyiv(11)).finished_at is None
            await pilot.press("tab", "F")  # everyone's turn came: no question
            await pilot.pause()
            record = standup_at(engine, slot_at=kyiv(11))
            assert pendulum.instance(record.finished_at) == kyiv(11, 5)
            assert record.note == "Retro at 16:30"
            assert standup_notes(engine, standup_id=record.id) == {
                ids["DS"]: "on the report",
                ids["IB"]: "SEO review",
            }
            assert "finished at 11:05" in header(app)
            messages = [n.message for n in app._notifications]
            assert "Stand-up finished and saved: [ shows it in the history" in messages
            assert app.screen.query_one("#member-note").disabled
            await pilot.press("F")
            await pilot.pause()
            assert any("finished at 11:05" in n.message for n in app._notifications)
            await pilot.press("left_square_bracket")
            assert standup(app).shown.id == record.id
            assert "Wed 18 Nov 11:00 · history" in header(app)
            shown = str(app.screen.query_one("#history-body").render())
            for text in ("Retro at 16:30", "on the report", "SEO review", "Fires: 3"):
                assert text in shown
            await pilot.press("left_square_bracket")
            assert standup(app).shown.id == record.id, "nothing older"
            await pilot.press("a")
            assert get_task(engine, task_id=ids["prices"]).status == Status.INBOX, "no triage"
            await pilot.press("right_square_bracket")
            assert standup(app).shown is None
            assert app.screen.query_one("#live").display


async def test_history_goes_back_to_earlier_days(day, make_app):
    from model.standup import finish_standup

    engine, _ids = day
    with at(kyiv(16, 14, day=17)):
        finish_standup(engine, slot_at=kyiv(16, day=17), note="Tuesday", notes={}, numbers={})
    with at(kyiv(16, 5)):
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3", "left_square_bracket")
            assert pendulum.instance(standup(app).shown.slot_at) == kyiv(16, day=17)
            assert "Tuesday" in str(app.screen.query_one("#history-body").render())
            await pilot.press("right_square_bracket")
            assert standup(app).shown is None
            assert neighbour_standup(engine, slot_at=kyiv(16), older=True) is not None


async def test_fires_are_triaged_with_the_inbox_keys_and_undone(day, make_app):
    engine, ids = day
    with at(kyiv(11, 5)):
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3", "j")
            assert standup(app).selected_task_id() == ids["down"]
            await pilot.press("f")
            task = get_task(engine, task_id=ids["down"])
            assert (task.status, task.sprint_id) == (Status.TODO, app.now.sprint.id)
            assert fire_titles(app)[0] == "price list update"
            await pilot.press("ctrl+z")
            assert get_task(engine, task_id=ids["down"]).status == Status.INBOX
            await pilot.press("k", "b")
            assert get_task(engine, task_id=ids["prices"]).status == Status.BACKLOG
            assert "price list update" not in fire_titles(app)
            await pilot.press("ctrl+z")
            assert "price list update" in fire_titles(app)


async def test_enter_opens_the_fire_and_t_times_it(day, make_app):
    engine, ids = day
    with at(kyiv(11, 5)):
        app = make_app(engine, me="Olena Koval")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3", "t")
            assert app.running.entry.task_id == ids["prices"]
            await pilot.press("enter")
            assert app.screen.__class__.__name__ == "CardScreen"
            await pilot.press("escape")
            assert [i.task_id for i in standup(app).view.members[2].doing] == [ids["prices"]]


async def test_at_the_next_slot_the_screen_turns_to_it(day, make_app):
    engine, ids = day
    with time_machine.travel(kyiv(16).subtract(seconds=2), tick=False) as traveller:
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3", "n", *"draft")
            screen = standup(app)
            assert screen.slot == kyiv(11)
            traveller.move_to(kyiv(16))
            screen._tick()
            await pilot.pause()
            assert screen.slot == kyiv(16)
            assert screen.notes == {}
            assert standup_at(engine, slot_at=kyiv(16)).started_at is not None
            assert "Wed 18 Nov 16:00 · meeting 0:00" in header(app)


async def test_reminders_five_minutes_before_and_at_the_time(day, make_app):
    engine, _ids = day
    with time_machine.travel(kyiv(10, 55).subtract(seconds=2), tick=False) as traveller:
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            reminders, messages = StandupReminders(app=app), []
            for moment in (kyiv(10, 55), kyiv(10, 57), kyiv(11), kyiv(11, 2)):
                traveller.move_to(moment)
                app.clear_notifications()
                reminders.check()
                await pilot.pause()
                messages += [n.message for n in app._notifications]
    assert messages == [
        "Stand-up at 11:00, in 5 minutes\n^o Open it",
        "Stand-up now (11:00)\n^o Open it",
    ]


async def test_no_reminder_toast_covers_the_stand_up_itself(day, make_app):
    engine, _ids = day
    with time_machine.travel(kyiv(10, 59), tick=False) as traveller:
        app = make_app(engine)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("3")
            reminders = StandupReminders(app=app)
            traveller.move_to(kyiv(11))
            app.clear_notifications()
            reminders.check()
            await pilot.pause()
            assert [n.message for n in app._notifications] == []
            await pilot.press("1")
            traveller.move_to(kyiv(15, 55))
            reminders.check()
            await pilot.pause()
            (toast,) = app._notifications
            assert toast.timeout <= 15


def test_lists_share_the_lines_there_are():
    assert fit_sections(sizes=[2, 1, 5, 11], budget=30) == [2, 1, 5, 11]
    assert fit_sections(sizes=[6, 5, 6, 11], budget=21) == [6, 5, 5, 5]
    assert fit_sections(sizes=[1, 1, 1, 1], budget=0) == [0, 0, 0, 0]


def test_snapshot_standup_at_1105(day, make_app, snap_compare):
    engine, _ids = day
    with at(kyiv(11, 5)):
        assert snap_compare(make_app(engine), terminal_size=SIZE, press=["3", "j"])


def test_snapshot_standup_at_1605(day, make_app, snap_compare):
    engine, ids = day
    afternoon(engine, ids)
    with at(kyiv(16, 5)):
        assert snap_compare(make_app(engine), terminal_size=SIZE, press=["3"])


async def test_the_app_can_open_on_the_stand_up(day, tmp_path):
    from model.config import Config
    from tui.app import ClientDeck

    engine, _ids = day
    app = ClientDeck(
        engine=engine,
        config=Config(time_zone=ZONE),
        config_path=tmp_path / "config.toml",
        start_mode="standup",
    )
    with at(kyiv(16, 3)):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert standup(app).slot == kyiv(16)


async def test_f_names_a_few_of_a_big_team_still_to_speak(store, frozen, make_app):
    from model import demo

    demo.fill(engine=store, scale=1, seed=1)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "F")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("5 members have not had a turn yet: ")
        assert "…and 1 more. Finish the stand-up anyway?" in app.screen.question


async def test_f_without_a_team_records_no_stand_up(store, frozen, make_app):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s", "3")  # past the first-start setup
        await pilot.pause()
        slot = standup(app).slot
        await pilot.press("F")
        await pilot.pause()
        record = standup_at(store, slot_at=slot)
        assert record is None or record.finished_at is None
        assert "Add the team first" in [n.message for n in app._notifications]
