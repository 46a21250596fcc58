"""The clients pane: every client with its health signals, riskiest first.

The list reads all signals in a handful of grouped queries (see
`model.health`), so it costs the same with five clients or fifty. The actions
that work on a client here also work in its detail (`ClientActions`): log a
contact, send the weekly report, rate satisfaction.
"""

from __future__ import annotations

from dataclasses import replace

from rich.color import Color, ColorParseError
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from model import clock
from model.clients import client_by_id
from model.health import (
    SORTS,
    Health,
    Plan,
    client_health,
    matching_health,
    risk_level,
    sort_health,
)
from model.i18n import N_, _
from model.interactions import CHANNELS, log_interaction
from model.kpis import rate_satisfaction
from model.parsing import parse_moment
from model.tables import Interaction
from model.tasks import ValidationError
from model.undo import Done
from tui.budget_marks import MARK
from tui.dialogs.form import Field, FormScreen, number
from tui.dialogs.pick import PickDialog
from tui.format import due_phrase, literal
from tui.keys import translate_bindings
from tui.labels import CHANNEL_TITLES
from tui.outage import SurvivesOutages, survive
from tui.screens.client_admin import ClientAdmin
from tui.screens.client_report import ClientReport
from tui.screens.filtering import FilterField, Filtering, filter_bindings, with_filter
from tui.screens.reading import ReadsInThread
from tui.screens.showing import ReadsAfterShowing
from tui.widgets import Column, DeckFooter, DeckHeader, FittedTable, TableRow

SORT_TITLES = {
    "risk": N_("risk"),
    "name": N_("name"),
    "burn": N_("budget burn"),
    "silence": N_("silence"),
    "waiting": N_("longest wait"),
    "satisfaction": N_("satisfaction"),
    "deadline": N_("next deadline"),
}

COLUMNS = (
    # key, title, width; a narrow terminal drops the highest `drop` first
    Column("risk", N_("Risk"), 5),
    Column("client", N_("Client"), 30, least=22),
    Column("burn", N_("Burn"), 6, drop=2),
    Column("silent", N_("Silent"), 7, drop=1),
    Column("promises", N_("Promises"), 9, drop=3),
    Column("month", N_("Month"), 8, drop=7),
    Column("waiting", N_("Waiting"), 9, drop=4),
    Column("plan", N_("Plan"), 5, drop=6),
    Column("due", N_("Next due"), 14, drop=5),
    Column("mood", N_("Mood"), 5, drop=8),
)
"""The list's columns; those a narrow terminal drops show for the selected client below."""

PLAN_MARKS = {
    Plan.AGREED: ("✓", "success"),
    Plan.NOT_AGREED: ("✗", "error"),
    Plan.NONE: ("—", "muted"),
}


# --- colours and cells ---------------------------------------------------------------------


def palette(app) -> dict[str, str]:
    """Theme colours as Rich styles, for table cells (which do not resolve `$variables`)."""
    values = app.theme_variables
    return {
        "error": f"bold {values['text-error']}",
        "warning": values["text-warning"],
        "success": values["text-success"],
        "accent": values["text-accent"],
        "muted": "dim",
        "": "",
    }


def tag_style(colour: str) -> str:
    """White on the client's colour; a colour that is not one falls back to the default."""
    try:
        Color.parse(colour)
    except ColorParseError:
        colour = "#5f87af"
    return f"bold #ffffff on {colour}"


def client_tag(*, code: str, colour: str) -> Text:
    return Text(f" {literal(code)} ", style=tag_style(colour))


def cell(text: str, style: str = "") -> Text:
    """A table cell shown literally: `[bold]` in a client's name stays as typed."""
    return Text(literal(text), style=style, no_wrap=True, overflow="ellipsis")


# --- actions on a client -------------------------------------------------------------------


class ClientActions(ClientReport, ReadsAfterShowing):
    """What the list and the detail both do to a client; `reload` shows the result."""

    def current_client_id(self) -> int | None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def _client_or_bell(self) -> int | None:
        client_id = self.current_client_id()
        if client_id is None:
            self.app.bell()
        return client_id

    def _undoable(self, done: Done[object] | None) -> None:
        """Keep the step of a change (or of a form's change) on the undo stack; a cancelled
        form made none. The screen shows the change when it is back on top."""
        if done is not None:
            self.app.undo_stack.add(done.undo)

    @work(exclusive=True, group="client-prompt")
    @survive
    async def action_log(self) -> None:
        """Log a contact in two steps: the channel, then what was said (and when)."""
        client_id = self._client_or_bell()
        if client_id is None:
            return
        options = [(_(CHANNEL_TITLES[channel]), channel) for channel in CHANNELS]
        name = client_by_id(self.app.engine, client_id=client_id).name
        channel = await self.app.push_screen_wait(
            PickDialog(title=_("How did you talk with {client}?", client=name), options=options)
        )
        if channel is None:
            return
        interaction = await self.app.push_screen_wait(
            FormScreen(
                title=_(
                    "Contact with {client} by {channel}",
                    client=name,
                    channel=_(CHANNEL_TITLES[channel]),
                ),
                fields=[
                    Field("summary", _("What was said")),
                    Field(
                        "at",
                        _("When"),
                        placeholder=_("now; or 15:30, tomorrow 11:00, 2026-11-30 10:00"),
                    ),
                ],
                save=lambda values: self._log(client_id=client_id, channel=channel, values=values),
            )
        )
        self._logged(interaction)

    def _log(self, *, client_id: int, channel: str, values: dict[str, str]):
        at = None
        if values["at"].strip():
            try:
                at = parse_moment(text=values["at"], today=clock.today(), zone=clock.zone())
            except ValueError as error:
                raise ValidationError(str(error), field="at") from None
        return log_interaction(
            self.app.engine,
            client_id=client_id,
            channel=channel,
            summary=values["summary"],
            at=at,
        )

    def _logged(self, done: Done[Interaction] | None) -> None:
        if done is None:
            return
        planned = done.value.at > clock.now()
        self.app.notify(_("Meeting planned") if planned else _("Contact logged"), timeout=3)
        self._undoable(done)

    def action_satisfaction(self) -> None:
        client_id = self._client_or_bell()
        if client_id is None:
            return

        def save(values: dict[str, str]):
            score = number(values["score"], field="score", required=True)
            if score is None or not score.is_integer():
                raise ValidationError(_("the score is a whole number from 0 to 10"), field="score")
            return rate_satisfaction(
                self.app.engine, client_id=client_id, score=int(score), note=values["note"]
            )

        self.app.push_screen(
            FormScreen(
                title=_(
                    "How satisfied is {client}?",
                    client=client_by_id(self.app.engine, client_id=client_id).name,
                ),
                fields=[
                    Field("score", _("Score, 0 to 10")),
                    Field("note", _("Why (optional)")),
                ],
                save=save,
            ),
            self._undoable,
        )


# --- the list ------------------------------------------------------------------------------


class ClientsScreen(SurvivesOutages, Filtering, ClientAdmin, ClientActions, ReadsInThread):
    CSS_PATH = "clients.tcss"
    BINDINGS = [
        Binding("j", "cursor(1)", "Down", show=False, id="clients.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="clients.up"),
        Binding("enter", "open", "Open", id="clients.open"),
        Binding("c", "new_client", "New client", id="clients.new"),
        Binding("e", "edit_client", "Edit client", show=False, id="clients.edit"),
        Binding("B", "paid_hours", "Paid hours", show=False, id="clients.paid_hours"),
        Binding("C", "new_contact", "Add contact", show=False, id="clients.new_contact"),
        Binding("p", "pause_client", "Pause / resume", show=False, id="clients.pause"),
        Binding("x", "archive_client", "Archive client", show=False, id="clients.archive"),
        Binding("A", "archived_clients", "Archived clients", show=False, id="clients.archived"),
        Binding("n", "log", "Log contact", id="clients.log"),
        Binding("r", "report", "Weekly report", id="clients.report"),
        Binding("s", "sort", "Sort", id="clients.sort"),
        Binding("S", "satisfaction", "Satisfaction", show=False, id="clients.satisfaction"),
        Binding("b", "board", "Client's board", show=False, id="clients.board"),
        *filter_bindings(screen="clients"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.sort = "risk"
        self.health: list[Health] = []
        """Every client's signals as last read; the filter and the sort work on these."""
        self.rows: list[Health] = []
        """The clients shown, in the order shown."""

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Clients"))
        yield FittedTable(id="clients", cursor_type="row")
        yield Static("", id="clients-more")
        yield Static("", id="clients-legend")
        yield FilterField(hint=N_("Filter: client name or code"))
        yield DeckFooter()

    def on_mount(self) -> None:
        table = self.query_one(FittedTable)
        table.set_columns([replace(column, label=_(column.label)) for column in COLUMNS])
        table.focus()

    def reload(self) -> None:
        """Re-read every client's signals in a thread, then show them as filtered and sorted."""
        if not self.is_mounted:
            return
        engine, sprint_id = self.app.engine, self.app.now.sprint.id
        silence = self.app.config.silence_alert_days

        def read() -> list[Health]:
            return client_health(engine, sprint_id=sprint_id, silence_alert_days=silence)

        self.read_in_thread(read=read, show=self._show_health)

    def _show_health(self, health: list[Health]) -> None:
        self.health = health
        self.show_rows()

    def filter_changed(self) -> None:
        self.show_rows()

    def show_rows(self) -> None:
        """Filter and sort what was read, keeping the selection on the same client."""
        keep = self.current_client_id()
        self.rows = sort_health(matching_health(self.health, text=self.filter_text), by=self.sort)
        table = self.query_one(FittedTable)
        colours = palette(self.app)
        keys = [column.key for column in COLUMNS]
        table.show_rows(
            [
                TableRow(
                    str(health.signals.client_id),
                    dict(zip(keys, self._cells(health, colours), strict=True)),
                )
                for health in self.rows
            ]
        )
        ids = [health.signals.client_id for health in self.rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        self._show_more()
        scope = _("sorted by {key}", key=_(SORT_TITLES[self.sort]))
        self.query_one(DeckHeader).set_scope(with_filter(scope=scope, text=self.filter_text))
        self.query_one("#clients-legend", Static).update(
            _(
                "Silent: working days since the last contact (alert past {days}) · "
                "Promises: open / overdue · Month: kept ✓ broken ✗ · "
                "Waiting: tasks · longest in days · Plan: this sprint agreed",
                days=self.app.config.silence_alert_days,
            )
        )

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_more()

    def on_fitted_table_refitted(self, _event: FittedTable.Refitted) -> None:
        self._show_more()

    def _show_more(self) -> None:
        """The selected client's figures in the columns a narrow terminal leaves off."""
        table = self.query_one(FittedTable)
        more = self.query_one("#clients-more", Static)
        dropped = table.dropped
        more.display = bool(dropped)
        row = table.cursor_row
        if not dropped or not 0 <= row < len(self.rows):
            more.update("")
            return
        keys = [column.key for column in COLUMNS]
        cells = dict(zip(keys, self._cells(self.rows[row], palette(self.app)), strict=True))
        parts = [
            Content.assemble(
                (column.label, "$text-muted"), " ", Content.from_rich_text(cells[column.key])
            )
            for column in dropped
        ]
        more.update(Content("  ").join(parts))

    def _cells(self, health: Health, colours: dict[str, str]) -> list[Text]:
        s = health.signals
        today = clock.today()
        risk_style = {"high": "error", "watch": "warning", "low": "muted"}[risk_level(health.risk)]
        burn = "—" if s.burn_percent is None else f"{s.burn_percent:.0f}%"
        burn_style = {"warning": "warning", "over": "error"}.get(s.budget_level, "")
        if s.budget_alerts:  # a threshold of the client's own, or its pace, says so
            burn, burn_style = burn + MARK, burn_style or "warning"
        promises = Text.assemble(
            str(s.open_promises),
            (" / ", "dim"),
            (str(s.overdue_promises), colours["error"] if s.overdue_promises else "dim"),
        )
        month = Text.assemble(
            (f"{s.kept_this_month}✓", colours["success"] if s.kept_this_month else "dim"),
            " ",
            (f"{s.broken_this_month}✗", colours["error"] if s.broken_this_month else "dim"),
        )
        waiting = (
            Text("—", style="dim")
            if not s.waiting_tasks
            else Text.assemble(
                str(s.waiting_tasks),
                (" · ", "dim"),
                (
                    _("{n}d", n=s.longest_wait_days or 0),
                    colours["warning"] if health.terms.get("waiting") else "",
                ),
            )
        )
        mark, mark_style = PLAN_MARKS[s.plan]
        if s.next_deadline is None:
            due = Text("—", style="dim")
        else:
            phrase, late = due_phrase(due=s.next_deadline, today=today)
            due = cell(phrase, colours["error"] if late else "")
        mood = (
            Text("—", style="dim")
            if s.satisfaction is None
            else cell(
                f"{s.satisfaction}/10",
                colours["error"]
                if s.satisfaction < 5
                else colours["warning"]
                if health.terms.get("satisfaction")
                else "",
            )
        )
        name = Text.assemble(client_tag(code=s.code, colour=s.colour), " ", cell(s.name))
        if s.paused:
            name.append(" · " + _("paused"), style="dim italic")
        name.no_wrap, name.overflow = True, "ellipsis"
        return [
            cell(str(health.risk), colours[risk_style]),
            name,
            cell(burn, colours[burn_style] if burn_style else ""),
            cell(str(s.silent_days), colours["error"] if health.silence_alert else ""),
            promises,
            month,
            waiting,
            cell(mark, colours[mark_style]),
            due,
            mood,
        ]

    def current_client_id(self) -> int | None:
        if not self.is_mounted or not self.rows:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.rows[row].signals.client_id if 0 <= row < len(self.rows) else None

    def selected_task_id(self) -> int | None:
        """The list shows clients, not tasks: `t` and `o` need a task from the detail."""
        return None

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, min(table.cursor_row + step, len(self.rows) - 1)))

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.show_rows()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        client_id = self._client_or_bell()
        if client_id is not None:
            self.app.open_client(client_id)

    def action_board(self) -> None:
        client_id = self._client_or_bell()
        if client_id is not None:
            self.app.go_to_client(client_id)
