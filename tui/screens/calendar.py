"""The Calendar screen: a week with the days as columns, or a month of counts.

The week shows every item in its client's colour (the rituals in the theme's
own) and overdue ones in the error colour; the month shows per day how many
deadlines, promises and meetings there are, today marked. Arrows move across
days, `[` and `]` by a week or a month, `.` comes back to today.
"""

from __future__ import annotations

from functools import partial

import pendulum
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from model import clock
from model.calendar import DayCounts, Item, Kind, day_counts, items, month_grid
from model.files import WriteError, reports_dir, write_private
from model.i18n import N_, _, ngettext
from model.promises import PromiseState
from model.weeks import MONTH_NAMES, iso_week_label, sprint_start
from tui.format import due_phrase, literal
from tui.keys import translate_bindings
from tui.outage import SurvivesOutages
from tui.screens.reading import ReadsInThread
from tui.screens.showing import ReadsAfterShowing
from tui.widgets import DeckFooter, DeckHeader

KIND_TITLES = {
    Kind.STANDUP: N_("Stand-up"),
    Kind.RETRO: N_("Retro"),
    Kind.MEETING: N_("Meeting"),
    Kind.DEADLINE: N_("Deadline"),
    Kind.PROMISE: N_("Promise"),
}

KIND_MARKS = {
    Kind.STANDUP: "◆",
    Kind.RETRO: "◆",
    Kind.MEETING: "☎",
    Kind.DEADLINE: "◷",
    Kind.PROMISE: "⚑",
}

PROMISE_WORDS = {
    PromiseState.OPEN: N_("open"),
    PromiseState.OVERDUE: N_("overdue"),
    PromiseState.KEPT: N_("kept"),
    PromiseState.BROKEN: N_("broken"),
}


MONTH_CELL_LINES = 5
"""Lines a day of the month takes when the screen has the height."""
DAY_LEAST = 24
"""Cells a day of the week takes when not all seven get 16: titles keep 20 characters."""


def item_lines(*, item: Item, width: int) -> list[Content]:
    """An item as it sits in a day column: one line for a ritual, two for the rest."""
    when = item.at.format("HH:mm") if item.at is not None else ""
    if item.kind in (Kind.STANDUP, Kind.RETRO):
        style = "$accent" if item.kind == Kind.RETRO else "$text-muted"
        return [Content.styled(f"{when} {_(KIND_TITLES[item.kind])}", style)]
    tag = (f" {literal(item.client_code)} ", f"bold #ffffff on {item.client_colour}")
    head = Content.assemble(
        tag, " ", (KIND_MARKS[item.kind], "$accent"), (f" {when}" if when else "", "")
    )
    if item.promise in (PromiseState.KEPT, PromiseState.BROKEN):
        kept = item.promise == PromiseState.KEPT
        head = Content.assemble(head, (" ✓" if kept else " ✗", "$success" if kept else "$error"))
    title = Content(literal(" ".join(item.title.split())))
    if item.overdue:
        title = title.stylize("$error")
    return [head.truncate(width), title.truncate(width, ellipsis=True)]


class DayColumn(Widget):
    """One day of the week view: its title, then the items that fit from its scroll offset."""

    def __init__(self, *, index: int) -> None:
        super().__init__(id=f"day-{index}")
        self.day = clock.today()
        self.items: list[Item] = []
        self.top = 0
        self.edges = (False, False)
        """Whether days of the week are left off the screen before this one, and after it."""

    def render(self) -> Content:
        screen = self.screen
        width = max(self.size.width, 1)
        selected_day = self.day == screen.day
        today = self.day == clock.today()
        before, after = self.edges
        title = Content.assemble(
            ("‹ " if before else "", "$text-muted"),
            Content.styled(
                self.day.format("ddd D MMM"), "bold reverse $accent" if today else "bold"
            ),
        ).truncate(width - 2 * after, pad=True)
        if after:
            title = Content.assemble(title, (" ›", "$text-muted"))
        lines = [title.stylize("underline") if selected_day else title]
        lines.append(
            Content.styled(_("↑ {n} more", n=self.top), "$text-muted") if self.top else Content("")
        )
        room = max(self.size.height - 3, 1)
        shown = 0
        for index in range(self.top, len(self.items)):
            block = item_lines(item=self.items[index], width=width)
            if shown + len(block) > room:
                break
            if selected_day and index == screen.item_index:
                block = [line.truncate(width, pad=True).stylize("reverse") for line in block]
            lines += block
            shown += len(block)
        else:
            index = len(self.items)
        below = len(self.items) - index
        if below > 0:
            lines.append(Content.styled(_("↓ {n} more", n=below), "$text-muted"))
        return Content("\n").join(lines)

    def keep_in_view(self, *, index: int) -> None:
        """Scroll so the item at `index` is drawn whole."""
        room = max(self.size.height - 3, 1)
        if index < self.top:
            self.top = index
            return
        while self.top < index:
            used = sum(
                len(item_lines(item=item, width=1)) for item in self.items[self.top : index + 1]
            )
            if used <= room:
                break
            self.top += 1


def count_lines(*, counts: DayCounts, compact: bool = False) -> list[Content]:
    """A day's counts in words, one a line; `compact`, as marks on one line ("2◷ 1⚑")."""
    late = "$error" if counts.overdue else ""
    found = []  # (in words, as a mark, style)
    if counts.deadlines:
        words = ngettext("{n} deadline", "{n} deadlines", n=counts.deadlines)
        found.append((words, f"{counts.deadlines}{KIND_MARKS[Kind.DEADLINE]}", late))
    if counts.promises:
        words = ngettext("{n} promise", "{n} promises", n=counts.promises)
        found.append((words, f"{counts.promises}{KIND_MARKS[Kind.PROMISE]}", late))
    if counts.meetings:
        words = ngettext("{n} meeting", "{n} meetings", n=counts.meetings)
        found.append((words, f"{counts.meetings}{KIND_MARKS[Kind.MEETING]}", "$accent"))
    if not compact:
        return [Content.styled(words, style) for words, _mark, style in found]
    marks = [Content.styled(mark, style) for _words, mark, style in found]
    return [Content(" ").join(marks)] if marks else []


class MonthGrid(Widget):
    """The month as weeks of days, each day with its counts."""

    def __init__(self) -> None:
        super().__init__(id="month")
        self.weeks: list[list[pendulum.Date]] = []
        self.counts: dict = {}

    def render(self) -> Content:
        if not self.weeks:  # the month's days are yet to be read
            return Content("")
        screen = self.screen
        width = max(self.size.width, 7)
        cell = width // 7
        names = Content.assemble(
            *[
                Content.styled(f" {day.format('ddd')}", "bold").truncate(cell, pad=True)
                for day in self.weeks[0]
            ]
        )
        lines = [names]
        # as many lines a day as the height gives, at least two (its number, its counts)
        height = self.size.height or len(self.weeks) * MONTH_CELL_LINES + 1
        rows_per_day = min(MONTH_CELL_LINES, max(2, (height - 1) // max(len(self.weeks), 1)))
        words = [
            count_lines(counts=self.counts.get(day, DayCounts()))
            for week in self.weeks
            for day in week
        ]
        longest = max((line.cell_length for day in words for line in day), default=0)
        most = max((len(day) for day in words), default=0)
        compact = most > rows_per_day - 1 or longest + 2 > cell
        for week in self.weeks:
            rows = [[] for _ in range(rows_per_day)]
            for day in week:
                for number, line in enumerate(
                    self._cell(
                        day=day,
                        width=cell,
                        selected=day == screen.day,
                        rows=rows_per_day,
                        compact=compact,
                    )
                ):
                    rows[number].append(line)
            lines += [Content.assemble(*row) for row in rows]
        return Content("\n").join(lines)

    def _cell(
        self, *, day: pendulum.Date, width: int, selected: bool, rows: int, compact: bool
    ) -> list[Content]:
        screen = self.screen
        outside = day.month != screen.day.month
        today = day == clock.today()
        number_style = "bold reverse $accent" if today else ("$text-muted" if outside else "bold")
        lines = [Content.styled(f"{day.day:>2}", number_style)]
        lines += count_lines(counts=self.counts.get(day, DayCounts()), compact=compact)
        lines = lines[:rows]
        lines += [Content("")] * (rows - len(lines))
        out = []
        for line in lines:
            line = Content.assemble(" ", line).truncate(width - 1, pad=True)
            if selected:
                line = line.stylize("on $panel")
            out.append(Content.assemble(line, Content.styled("│", "$panel")))
        if outside:
            out = [line.stylize("dim") for line in out]
        return out


class CalendarScreen(SurvivesOutages, ReadsAfterShowing, ReadsInThread):
    CSS_PATH = "calendar.tcss"
    BINDINGS = [
        Binding("left,h", "day(-1)", "Previous day", show=False, id="calendar.left"),
        Binding("right,l", "day(1)", "Next day", show=False, id="calendar.right"),
        Binding("up,k", "vertical(-1)", "Up", show=False, id="calendar.up"),
        Binding("down,j", "vertical(1)", "Down", show=False, id="calendar.down"),
        Binding("left_square_bracket", "page(-1)", "Earlier", id="calendar.earlier"),
        Binding("right_square_bracket", "page(1)", "Later", id="calendar.later"),
        Binding("full_stop", "today", "Today", id="calendar.today"),
        Binding("m", "toggle_month", "Week/month", id="calendar.month"),
        Binding("enter", "open", "Open", id="calendar.open"),
        Binding("E", "export", "Export .ics", show=False, id="calendar.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.day = clock.today()
        self.item_index = 0
        self.month_view = False
        self.found: list[Item] = []
        self._loaded_for: tuple | None = None
        self.first_day: int | None = None
        """The first day of the week on screen when not all seven fit (None: around today)."""

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Calendar"))
        with Horizontal(id="week"):
            for index in range(7):
                yield DayColumn(index=index)
        yield MonthGrid()
        yield Static(id="calendar-detail")
        yield DeckFooter()

    @property
    def week_start(self) -> pendulum.Date:
        return sprint_start(day=self.day, start_weekday=self.app.config.sprint_start_index)

    @property
    def columns(self) -> list[DayColumn]:
        return list(self.query(DayColumn))

    def on_resize(self) -> None:
        """Lay out again; the items on screen do not depend on its size."""
        if self.is_mounted:
            self._show()

    def _range(self) -> tuple[pendulum.Date, pendulum.Date]:
        if self.month_view:
            weeks = month_grid(month=self.day, start_weekday=self.app.config.sprint_start_index)
            return weeks[0][0], weeks[-1][-1]
        return self.week_start, self.week_start.add(days=6)

    def reload(self) -> None:
        """Read the items of the range on screen again (after a change, an undo, a resume),
        in a thread."""
        if not self.is_mounted:
            return
        first, last = self._range()
        engine, config = self.app.engine, self.app.config
        self.read_in_thread(
            read=lambda: items(engine, first=first, last=last, config=config),
            show=partial(self._show_found, span=(first, last)),
        )

    def _show_found(self, found: list[Item], *, span: tuple) -> None:
        self.found, self._loaded_for = found, span
        self._show()

    def _show(self) -> None:
        """Lay out what is loaded, reading more only when the range on screen moved."""
        if self._loaded_for != self._range():
            self.reload()
            return
        self.query_one("#week").display = not self.month_view
        grid = self.query_one(MonthGrid)
        grid.display = self.month_view
        if self.month_view:
            grid.weeks = month_grid(
                month=self.day, start_weekday=self.app.config.sprint_start_index
            )
            grid.counts = day_counts(found=self.found)
            grid.refresh()
        else:
            self._show_days()
            for offset, column in enumerate(self.columns):
                day = self.week_start.add(days=offset)
                if column.day != day:
                    column.top = 0
                column.day = day
                column.items = [item for item in self.found if item.day == day]
                if day == self.day:
                    self.item_index = min(self.item_index, max(len(column.items) - 1, 0))
                    column.keep_in_view(index=self.item_index)
                column.refresh()
        self._show_detail()
        self.query_one(DeckHeader).set_scope(self._scope())

    def _show_days(self) -> None:
        """All seven days when each gets 16 cells, else as many as get 24, the day at
        hand among them."""
        width = self.size.width
        columns = self.columns
        count = len(columns)
        fit = count if not width or width // count >= 16 else max(1, width // DAY_LEAST)
        at = (self.day - self.week_start).days
        first = at - fit // 2 if self.first_day is None else self.first_day
        first = min(max(first, at - fit + 1), at)
        self.first_day = first = max(0, min(first, count - fit))
        for index, column in enumerate(columns):
            column.display = first <= index < first + fit
            column.edges = (
                column.display and index == first > 0,
                column.display and index == first + fit - 1 < count - 1,
            )

    def _scope(self) -> str:
        if self.month_view:
            return f"{_(MONTH_NAMES[self.day.month - 1])} {self.day.year}"
        start = self.week_start
        week = iso_week_label(day=start).split("-")[1]
        return f"{week}: {start.format('D MMM')} – {start.add(days=6).format('D MMM YYYY')}"

    @property
    def selected(self) -> Item | None:
        if self.month_view:
            return None
        mine = [item for item in self.found if item.day == self.day]
        return mine[self.item_index] if 0 <= self.item_index < len(mine) else None

    def selected_task_id(self) -> int | None:
        item = self.selected
        return item.task_id if item is not None else None

    def _show_detail(self) -> None:
        detail = self.query_one("#calendar-detail", Static)
        if self.month_view:
            counts = day_counts(found=self.found).get(self.day, DayCounts())
            summary = self.day.format("ddd D MMMM YYYY")
            if counts.empty:
                summary += " · " + _("nothing due")
            # the counts in words: a short month's cells have only their marks
            words = [Content(""), *count_lines(counts=counts)] if not counts.empty else []
            detail.update(
                Content("\n").join(
                    [
                        Content.assemble(
                            Content.styled(summary, "bold"), Content(" · ").join(words)
                        ),
                        Content.styled(_("enter opens the week"), "$text-muted"),
                    ]
                )
            )
            return
        item = self.selected
        if item is None:
            detail.update(Content.styled(self.day.format("ddd D MMMM YYYY"), "bold"))
            return
        when = self.day.format("ddd D MMM") + (
            " " + item.at.format("HH:mm") if item.at is not None else ""
        )
        facts: list = [(when, "bold"), " · ", _(KIND_TITLES[item.kind])]
        if item.client_name:
            facts += [" · ", (literal(item.client_name), "bold")]
        if item.promise is not None:
            words = _(PROMISE_WORDS[item.promise])
            facts += [" · ", (words, "$error" if item.overdue else "")]
        elif item.kind == Kind.DEADLINE:
            phrase, late = due_phrase(due=item.day, today=clock.today())
            facts += [" · ", (phrase, "$error" if late or item.overdue else "")]
        title = Content(literal(item.title)) if item.title else Content("")
        if item.overdue:
            title = title.stylize("$error")
        detail.update(Content("\n").join([Content.assemble(*facts), title]))

    # Movement

    def action_day(self, step: int) -> None:
        self.day = self.day.add(days=step)
        self._show()

    def action_vertical(self, step: int) -> None:
        if self.month_view:
            self.day = self.day.add(days=7 * step)
            self._show()
            return
        mine = [item for item in self.found if item.day == self.day]
        target = self.item_index + step
        if not 0 <= target < len(mine):
            self.app.bell()
            return
        self.item_index = target
        self._show()

    def action_page(self, step: int) -> None:
        """A week back or on in the week view, a month in the month view."""
        self.day = self.day.add(months=step) if self.month_view else self.day.add(weeks=step)
        self._show()

    def action_today(self) -> None:
        self.day = clock.today()
        self.item_index = 0
        self._show()

    def action_toggle_month(self) -> None:
        self.month_view = not self.month_view
        self._show()

    def action_open(self) -> None:
        """A task opens its card; a ritual opens its screen; a month's day opens its week."""
        if self.month_view:
            self.month_view = False
            self.item_index = 0
            self._show()
            return
        item = self.selected
        if item is None:
            self.app.bell()
            return
        if item.task_id is not None:
            from tui.screens.card import CardScreen

            self.app.push_screen(CardScreen(task_id=item.task_id), lambda _saved: self.reload())
        elif item.kind == Kind.STANDUP:
            self.app.switch_mode("standup")
        elif item.kind == Kind.RETRO:
            self.app.switch_mode("retro")
        else:
            self.notify(
                literal(f"{item.client_name}: {item.title}"), title=_("Meeting"), markup=False
            )

    def action_export(self) -> None:
        """Write the .ics file for calendar apps into the reports folder."""
        from model.ics import export_calendar

        text = export_calendar(self.app.engine, config=self.app.config)
        try:
            path = write_private(path=reports_dir() / "clientdeck.ics", text=text)
        except WriteError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(_("Calendar written to {path}", path=path), timeout=6, markup=False)
