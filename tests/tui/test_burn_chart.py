"""The month's burn on a client's detail (tui/burn_chart.py): the report's lines, drawn in the
theme's colours, and no chart for a client with neither paid hours nor time this month."""

from __future__ import annotations

from rich.style import Style
from textual.color import Color

from model import clock
from model.db import transaction
from model.reports.burn import month_burn
from model.tables import Client
from tests.tui.test_clients import SIZE, open_client
from tui.burn_chart import BurnChart


def drawn_colours(chart: BurnChart) -> set[tuple[int, int, int]]:
    return {
        tuple(span.style.color.triplet)
        for span in chart.render().spans
        if isinstance(span.style, Style) and span.style.color and span.style.color.triplet
    }


async def test_the_detail_draws_the_month_s_burn_in_the_theme_s_colours(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_client(pilot, app, client_id=ids["NWB"])
        chart = detail.query_one(BurnChart)
        today = clock.today()
        assert chart.display and chart.burn == month_burn(
            engine, client_id=ids["NWB"], month=today, day=today
        )
        assert chart.burn.plan and chart.burn.forecast, "NWB has paid hours"
        primary = Color.parse(app.theme_variables["primary"]).rgb
        assert primary in drawn_colours(chart)
        app.theme = "clientdeck-light"
        await pilot.pause()
        light = Color.parse(app.theme_variables["primary"]).rgb
        assert light != primary and light in drawn_colours(chart)


async def test_no_chart_without_paid_hours_or_time(agency, make_app):
    engine, ids = agency
    with transaction(engine) as session:
        quiet = Client(name="Quiet", code="QT", created_at=clock.now())
        session.add(quiet)
        session.flush()
        quiet_id = quiet.id
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_client(pilot, app, client_id=quiet_id)
        assert not detail.query_one(BurnChart).display
        assert not detail.query_one("#burn-title").display
