"""The marks a budget alert leaves on screens: the Clients list's burn, the board's
header and the stand-up's line of clients with alerts (`model.alerts`)."""

from __future__ import annotations

from collections.abc import Iterable

from model.alerts import FORECAST, ClientAlerts
from model.i18n import _
from tui.format import literal

MARK = "⚠"


def alert_mark(alerts: ClientAlerts) -> str:
    """The highest threshold reached ("90 %"), else the day the pace runs out; "" if none."""
    if alerts.highest is not None:
        return f"{alerts.highest} %"
    if FORECAST in alerts.reached and alerts.runs_out_on is not None:
        return _("runs out {day}", day=alerts.runs_out_on.format("D MMM"))
    return ""


def alerts_line(alerts: Iterable[ClientAlerts]) -> str:
    """⚠ and each client with an alert by its code: "⚠ KZ 90 %, MK runs out 24 Nov"."""
    marks = [f"{literal(each.code)} {alert_mark(each)}" for each in alerts if each.reached]
    return f"{MARK} " + ", ".join(marks) if marks else ""
