"""A retainer's month in money as screens draw it (model.rates decides who may see it)."""

from __future__ import annotations

from textual.content import Content

from model.i18n import _
from model.rates import Money
from model.reports.week import month_name
from tui.format import hours, money


def money_lines(status: Money, *, currency: str) -> list[Content]:
    """A title, then sold, used and left one under the other (left in the error colour
    when over), then the billed hours no rate prices, if any: money that is missing is
    said, never taken as zero."""
    left = status.left
    figures = [
        (_("sold"), money(status.sold), ""),
        (_("used"), money(status.used), ""),
        (_("left"), money(left), "bold $error" if left is not None and left < 0 else "bold"),
    ]
    label_width = max(len(label) for label, _amount, _style in figures)
    amount_width = max(len(amount) for _label, amount, _style in figures)
    lines = [
        Content.styled(
            _("Money in {month} · {currency}", month=month_name(status.month), currency=currency),
            "bold $accent",
        ),
        *(
            Content.assemble(label.ljust(label_width + 1), (amount.rjust(amount_width), style))
            for label, amount, style in figures
        ),
    ]
    if status.unpriced_hours:
        lines.append(
            Content.styled(
                _("{hours} h billed at no rate", hours=hours(status.unpriced_hours)), "$warning"
            )
        )
    return lines
