"""The month's burn as a chart in the terminal: plan, spent and forecast, in theme colours.

It draws what `model.reports.burn` computes, the same lines as the client's HTML
report, with Plotext (through textual-plotext, whose "auto" theme takes the
background and text from the app's theme); the lines take the theme's own
colours, so a theme change repaints them too.
"""

from __future__ import annotations

from textual.color import Color
from textual_plotext import PlotextPlot

from model.i18n import _
from model.reports.burn import MonthBurn

LINES = (
    ("plan", "secondary", "dot"),
    ("actual", "primary", "braille"),
    ("forecast", "error", "dot"),
)
"""Each line of the burn: the theme variable it is drawn in, and its marker."""


class BurnChart(PlotextPlot):
    """A client's month of hours; shows nothing but its axes until `show` is called."""

    DEFAULT_CSS = """
    BurnChart { height: 12; width: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.burn: MonthBurn | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())

    def show(self, burn: MonthBurn) -> None:
        self.burn = burn
        self._draw()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        burn = self.burn
        if burn is None:
            return
        variables = self.app.theme_variables
        labels = {"plan": _("Plan"), "actual": _("Spent"), "forecast": _("Forecast")}
        first = {"plan": 1, "actual": 1, "forecast": max(len(burn.actual), 1)}
        for line, variable, marker in LINES:
            values = list(getattr(burn, line))
            if not values:
                continue
            days = list(range(first[line], first[line] + len(values)))
            colour = Color.parse(variables.get(variable, variables["foreground"])).rgb
            plt.plot(days, values, label=labels[line], color=colour, marker=marker)
        plt.xlim(1, len(burn.days))
        plt.xticks(list(range(1, len(burn.days) + 1, 7)))
        plt.ylim(0, max([*burn.plan, *burn.actual, *burn.forecast, 1.0]))
        self.refresh()
