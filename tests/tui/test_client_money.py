"""A client's money on its detail (mode 6, enter): a manager sees it, nobody else does."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from model import clock
from model.members import edit_member
from model.rates import set_rate
from model.timetrack import add_entry
from tests.tui.test_clients import SIZE, open_client, rich_agency  # noqa: F401  (the fixture)

SMALL = (80, 24)
MANAGER, SPECIALIST = "Olena Koval", "Dmytro Shevchenko"


@pytest.fixture
def priced(rich_agency):  # noqa: F811
    """Olena the one manager; NWB at 50 an hour and 80 for PPC; Iryna (SEO) an hour on it."""
    engine, ids = rich_agency
    edit_member(engine, member_id=ids["OK"], manager=True)
    set_rate(engine, client_id=ids["NWB"], rate="50", member_id=ids["OK"])
    set_rate(engine, client_id=ids["NWB"], rate="80", role="PPC", member_id=ids["OK"])
    log(engine, task_id=ids["Set up remarketing in Google Ads"], member_id=ids["IB"], hours=1)
    return engine, ids


def log(engine, *, task_id: int, member_id: int, hours: int) -> None:
    """Time worked this morning, ending six hours ago."""
    start = clock.now().subtract(hours=6 + hours)
    add_entry(engine, task_id=task_id, member_id=member_id, start=start, end=start.add(hours=hours))


def profile(app) -> str:
    return str(app.screen.query_one("#profile-text", Static).render())


async def test_a_manager_sees_what_the_month_sold_used_and_left(priced, make_app):
    engine, ids = priced
    app = make_app(engine, me=MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, app, client_id=ids["NWB"])
        text = profile(app)
    # 40 paid hours at 50; Dmytro's 1.5 h at the PPC rate and Iryna's hour at the client's.
    assert "Money in November 2026 · EUR" in text
    assert "sold 2000.00\nused  170.00\nleft 1830.00" in text


@pytest.mark.parametrize("me", [SPECIALIST, ""], ids=["not-a-manager", "nobody"])
async def test_anyone_else_sees_no_money_at_all(priced, make_app, me):
    engine, ids = priced
    app = make_app(engine, me=me)
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, app, client_id=ids["NWB"])
        text = profile(app)
    assert "Paid hours" in text, "the rest of the profile is there"
    for word in ("Money", "sold", "2000", "1830", "EUR"):
        assert word not in text


async def test_billed_time_no_rate_prices_is_said_not_taken_as_free(priced, make_app):
    engine, ids = priced
    set_rate(engine, client_id=ids["MK"], rate="70", role="PPC", member_id=ids["OK"])
    log(engine, task_id=ids["Звіт з SEO за жовтень"], member_id=ids["OK"], hours=2)
    app = make_app(engine, me=MANAGER, currency="UAH")
    async with app.run_test(size=SIZE) as pilot:
        await open_client(pilot, app, client_id=ids["MK"])
        text = profile(app)
    assert "Money in November 2026 · UAH" in text
    assert "sold    –\nused 0.00\nleft    –" in text  # only a PPC rate, and no PPC time
    assert "2 h billed at no rate" in text


async def _profile_from_paid_hours(pilot) -> None:
    """At 80×24 the money is below the profile's fold: scrolled to, as a reader would."""
    await pilot.press("6", "j", "enter")
    await pilot.pause()
    pilot.app.screen.query_one("#profile").scroll_to(y=18, animate=False)
    await pilot.pause()


def test_snapshot_client_detail_of_a_manager(priced, make_app, snap_compare):
    engine, _ids = priced
    app = make_app(engine, me=MANAGER)
    assert snap_compare(app, terminal_size=SIZE, press=["6", "j", "enter"])


def test_snapshot_client_detail_of_a_manager_at_80x24(priced, make_app, snap_compare):
    engine, _ids = priced
    app = make_app(engine, me=MANAGER)
    assert snap_compare(app, terminal_size=SMALL, run_before=_profile_from_paid_hours)
