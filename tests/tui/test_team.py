"""The Team view and days off, by keys: add, edit, deactivate, days off, and where they show."""

from __future__ import annotations

import pendulum

from model.daysoff import days_off
from model.members import find_member, team
from tests.agency import contents
from tui.dialogs.form import FormScreen
from tui.screens.team import TeamScreen

SIZE = (120, 36)


def text_of(widget) -> str:
    return str(widget.render())


async def test_a_colleague_is_added_edited_deactivated_and_undone(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "m")
        assert isinstance(app.screen, TeamScreen)
        await pilot.press("c", *"Taras Lysenko", "enter", "enter", *"developer", "enter")
        await pilot.press("ctrl+u", *"32", "enter", "enter")
        await pilot.pause()
        taras = find_member(engine, name="TL")
        assert (taras.name, taras.role, taras.weekly_capacity_hours) == (
            "Taras Lysenko",
            "developer",
            32,
        )
        row = [m.id for m in app.screen.members].index(taras.id)
        app.screen.query_one("#team").move_cursor(row=row)
        await pilot.press("x")
        assert find_member(engine, name="TL") is None
        assert find_member(engine, name="TL", inactive=True).active is False
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert find_member(engine, name="TL").active is True


async def test_bad_member_input_keeps_the_form_open_and_the_store_as_it_was(agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "m")
        before = contents(engine)
        await pilot.press("c", *"Someone", "enter", "enter", "enter", "ctrl+u", *"200", "enter")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        shown = text_of(app.screen.query_one("#error-weekly_capacity_hours"))
        assert "0 to 168" in shown
        assert contents(engine) == before
        await pilot.press("escape")
        assert isinstance(app.screen, TeamScreen)


async def test_days_off_are_recorded_and_show_in_plan_and_the_stand_up(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "m")
        ds = [m.id for m in app.screen.members].index(ids["DS"])
        app.screen.query_one("#team").move_cursor(row=ds)
        before = contents(engine)
        # the end before the start: refused, said under the field, nothing written
        await pilot.press("d", *"2026-11-18", "enter", *"2026-11-17", "ctrl+s")
        await pilot.pause()
        assert "end before they start" in text_of(app.screen.query_one("#error-last"))
        assert contents(engine) == before
        await pilot.press("ctrl+u", *"2026-11-19", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        (row,) = days_off(engine, member_id=ids["DS"])
        assert (row.first, row.last) == (pendulum.date(2026, 11, 18), pendulum.date(2026, 11, 19))
        assert "Dmytro Shevchenko: 18 Nov – 19 Nov 2026 (Vacation)" in text_of(
            app.screen.query_one("#team-away")
        )
        await pilot.press("escape")
        await pilot.pause()
        assert "DS " in text_of(app.screen.query_one("#capacity-text"))
        assert "2 days off" in text_of(app.screen.query_one("#capacity-text"))
        await pilot.press("3")
        await pilot.pause()
        from tui.screens.standup import MemberPanel, TeamList

        listed = text_of(app.screen.query_one(TeamList)).splitlines()
        assert [line.endswith(" off") for line in listed if " DS " in line] == [True]
        shown = [m.name for m in app.screen.view.members]
        for _step in range(shown.index("Dmytro Shevchenko")):
            await pilot.press("tab")
        assert "off today: vacation" in text_of(app.screen.query_one(MemberPanel))
    assert len(team(engine)) == 3
