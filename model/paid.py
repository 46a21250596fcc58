"""Which of a client's budget rows holds in a month: a row holds from its month until a
later one, so a change "from March on" never rewrites January (model.budgets)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from model.tables import Budget


def in_force(*, rows: Sequence[Budget], month: date) -> dict[int, float]:
    """Per client, the hours of the latest budget row that starts on or before `month`."""
    latest: dict[int, Budget] = {}
    for row in rows:
        if row.from_month > month:
            continue
        held = latest.get(row.client_id)
        if held is None or row.from_month > held.from_month:
            latest[row.client_id] = row
    return {client_id: row.hours for client_id, row in latest.items()}
