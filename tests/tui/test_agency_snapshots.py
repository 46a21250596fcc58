"""Snapshots of the screens that set up an agency: the setup, the client form, the Team view.

At 120×36 in English and Ukrainian, and at 80×24 where the layout must still hold.
"""

from __future__ import annotations

import pendulum
import pytest

from model.daysoff import add_day_off

LANGUAGES = ["en", "uk"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_setup_on_an_empty_store(store, frozen, make_app, snap_compare, language, size):
    assert snap_compare(make_app(store, language=language), terminal_size=size)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_new_client_form(agency, make_app, snap_compare, language, size):
    engine, _ids = agency
    app = make_app(engine, language=language, me="Dmytro Shevchenko")
    assert snap_compare(app, terminal_size=size, press=["6", "c", *"ACME [b]", "enter", *"acme"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_team_view_with_days_off(agency, make_app, snap_compare, language, size):
    engine, ids = agency
    add_day_off(
        engine,
        member_id=ids["DS"],
        first=pendulum.date(2026, 11, 23),
        last=pendulum.date(2026, 11, 25),
        kind="vacation",
        note="Карпати",
    )
    app = make_app(engine, language=language, me="Dmytro Shevchenko")
    assert snap_compare(app, terminal_size=size, press=["2", "m"])
