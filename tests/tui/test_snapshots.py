"""SVG snapshots of every screen at 120×36 with the clock frozen.

Update them with `pytest --snapshot-update` after checking the change by eye.
"""

from __future__ import annotations

import pytest

SIZE = (120, 36)


@pytest.fixture
def app(agency, make_app):
    engine, _ids = agency
    return make_app(engine)


def test_board_all_clients(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE)


def test_board_scoped_to_one_client_shows_markup_literally(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, press=["left_square_bracket", "l"])


def test_card_detail(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, press=["l", "l", "enter"])


def test_help(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, press=["question_mark"])


def test_palette_open(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, press=["ctrl+p", *"go to"])


def test_light_theme(agency, make_app, snap_compare):
    engine, _ids = agency
    assert snap_compare(make_app(engine, theme="clientdeck-light"), terminal_size=SIZE)


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_language(agency, make_app, snap_compare, language):
    engine, _ids = agency
    assert snap_compare(make_app(engine, language=language), terminal_size=SIZE, press=["l"])


def test_running_timer_and_budget_levels(agency, make_app, snap_compare, frozen):
    """NWB at 85 % of its 40 paid hours (warning), MK at 110 % (error), a timer running."""
    from model.db import transaction
    from model.tables import TimeEntry

    engine, ids = agency
    with transaction(engine) as session:
        for task, hours in (
            ("Monthly PPC report", 32.5),
            ("Approve banner set", 44),
        ):
            start = frozen.subtract(days=10)
            session.add(
                TimeEntry(
                    task_id=ids[task], member_id=ids["IB"], start=start, end=start.add(hours=hours)
                )
            )
        session.add(
            TimeEntry(
                task_id=ids["Set up remarketing in Google Ads"],
                member_id=ids["DS"],
                start=frozen.subtract(minutes=25, seconds=7),
            )
        )
    app = make_app(engine, me="Dmytro Shevchenko")
    assert snap_compare(app, terminal_size=SIZE)


def test_clients_report_format_pick_at_80x24(app, snap_compare):
    """`r` on Clients asks what to write the weekly report as."""
    assert snap_compare(app, terminal_size=(80, 24), press=["6", "r"])
