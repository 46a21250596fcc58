"""One client in full: profile, signals, contacts, promises and ideas beside its tasks,
KPIs, hypotheses and the log of contacts.

Tasks come a page per status from the board's queries, so a client with years
of history opens as fast as a new one; the waiting ones come first, with how
long they have waited and how often the client was nudged.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from model import clock
from model.client_detail import ClientDetail, client_detail
from model.health import Health, Promise, risk_level
from model.i18n import N_, _, ngettext
from model.interactions import (
    LoggedContact,
    nudge,
    nudge_text,
)
from model.kpis import (
    KpiView,
    add_hypothesis,
    add_idea,
    add_kpi,
    record_value,
    set_result,
)
from model.parsing import parse_due
from model.promises import PromiseState
from model.reports.burn import MonthBurn
from model.reports.week import month_name
from model.tables import ClientStatus, Hypothesis, Status
from model.tasks import ValidationError
from tui.burn_chart import BurnChart
from tui.dialogs.form import Field, FormScreen, number
from tui.format import carried_phrase, due_phrase, hours, literal, subject
from tui.keys import translate_bindings
from tui.labels import CHANNEL_TITLES, CLIENT_STATUS_TITLES, STATUS_TITLES
from tui.money import money_lines
from tui.outage import SurvivesOutages
from tui.screens.client_admin import ClientAdmin
from tui.screens.clients import (
    PLAN_MARKS,
    ClientActions,
    cell,
    palette,
    tag_style,
)
from tui.screens.reading import ReadsInThread
from tui.widgets import Column, DeckFooter, DeckHeader, FittedTable, TableRow

# The order an account manager reads a client's work in: what the client holds up first.
TASK_ORDER = (
    Status.WAITING,
    Status.DOING,
    Status.REVIEW,
    Status.TODO,
    Status.INBOX,
    Status.BACKLOG,
    Status.DONE,
)
STATUS_NAMES = {Status.INBOX: N_("Inbox"), **STATUS_TITLES, Status.DONE: N_("Done")}
TASKS_PER_STATUS = 50
TERM_TITLES = {
    "silence": N_("silence"),
    "overdue_promises": N_("overdue promises"),
    "broken_promises": N_("broken promises"),
    "budget": N_("budget"),
    "waiting": N_("waiting"),
    "plan": N_("plan not agreed"),
    "satisfaction": N_("satisfaction"),
    "late_deadline": N_("late deadline"),
}
RISK_TITLES = {"high": N_("act today"), "watch": N_("watch"), "low": N_("calm")}
PLAN_TITLES = {
    "agreed": N_("agreed"),
    "not agreed": N_("not agreed"),
    "none": N_("nothing planned"),
}
PROMISE_STYLES = {PromiseState.OVERDUE: "$error", PromiseState.OPEN: ""}
SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """The shape of a KPI's recent values in one line of blocks."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARKS[round((value - low) / span * (len(SPARKS) - 1))] for value in values)


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = hours(value)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


TABLES = {
    # the widths wanted; a narrow terminal shrinks those with `least`, then drops the
    # highest `drop` first
    "tasks": (
        Column("status", N_("Status"), 9),
        Column("task", N_("Task"), 28, least=21, grow=True),
        Column("due", N_("Due"), 12, drop=1),
        Column("note", N_("Note"), 16, drop=2),
    ),
    "kpis": (
        Column("kpi", N_("KPI"), 24, least=16),
        Column("baseline", N_("Baseline"), 9, drop=2),
        Column("target", N_("Target"), 9, drop=1),
        Column("now", N_("Now"), 9),
        Column("history", N_("History"), 12, drop=3),
    ),
    "hypotheses": (
        Column("decide", N_("Decide"), 10),
        Column("hypothesis", N_("Hypothesis"), 44, least=21, grow=True),
        Column("result", N_("Result"), 14, drop=1),
    ),
    "log": (
        Column("when", N_("When"), 12),
        Column("channel", N_("Channel"), 11, least=8),
        Column("what", N_("What"), 46, least=21, grow=True),
    ),
}


def _when(instant) -> str:
    local = clock.to_local(instant)
    return local.format("D MMM HH:mm" if local.year == clock.today().year else "D MMM YYYY")


class ClientDetailScreen(SurvivesOutages, ClientAdmin, ClientActions, ReadsInThread):
    CSS_PATH = "clients.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="client.back"),
        Binding("j", "cursor(1)", "Down", show=False, id="client.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="client.up"),
        Binding("enter", "open", "Open", show=False, id="client.open"),
        Binding("n", "log", "Log contact", id="client.log"),
        Binding("N", "nudge", "Nudge", id="client.nudge"),
        Binding("r", "report", "Weekly report", id="client.report"),
        Binding("v", "value", "KPI value", id="client.value"),
        Binding("K", "add_kpi", "Add KPI", show=False, id="client.add_kpi"),
        Binding("y", "add_hypothesis", "Add hypothesis", show=False, id="client.add_hypothesis"),
        Binding("u", "add_idea", "Add upsell idea", show=False, id="client.add_idea"),
        Binding("S", "satisfaction", "Satisfaction", show=False, id="client.satisfaction"),
        Binding("c", "create", "Create task", show=False, id="client.create"),
        Binding("e", "edit_client", "Edit client", show=False, id="client.edit"),
        Binding("B", "paid_hours", "Paid hours", show=False, id="client.paid_hours"),
        Binding("C", "new_contact", "Add contact", show=False, id="client.new_contact"),
        Binding("E", "edit_contact", "Edit contact", show=False, id="client.edit_contact"),
        Binding("X", "archive_contact", "Archive contact", show=False, id="client.archive_contact"),
        Binding("p", "pause_client", "Pause / resume", show=False, id="client.pause"),
        Binding("x", "archive_client", "Archive client", show=False, id="client.archive"),
    ]

    def __init__(self, *, client_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.client_id = client_id
        self.task_ids: list[int] = []
        self.kpi_rows: list[KpiView] = []
        self.hypothesis_rows: list[Hypothesis] = []

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns the profile narrows so the tables keep their titles."""

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Client"))
        with Horizontal(id="detail"):
            with VerticalScroll(id="profile"):
                yield Static(id="profile-text")
                yield Label("", id="burn-title", classes="section")
                yield BurnChart(id="burn")
            with Vertical(id="tables"):
                yield Label("", id="tasks-title", classes="section")
                yield FittedTable(id="tasks", cursor_type="row")
                yield Label(_("KPIs · v records a value, K adds one"), classes="section")
                yield FittedTable(id="kpis", cursor_type="row")
                yield Label(
                    _("Hypotheses · enter writes the result, y adds one"), classes="section"
                )
                yield FittedTable(id="hypotheses", cursor_type="row")
                yield Label(_("Interactions · n logs one"), classes="section")
                yield FittedTable(id="log", cursor_type="row")
        yield DeckFooter()

    def on_mount(self) -> None:
        for table_id, columns in TABLES.items():
            table = self.query_one(f"#{table_id}", FittedTable)
            table.set_columns([replace(column, label=_(column.label)) for column in columns])
        self.query_one("#tasks", DataTable).focus()

    def current_client_id(self) -> int | None:
        return self.client_id

    # Reading

    def reload(self) -> None:
        """Read the whole detail in a thread (`model.client_detail`); the screen shows what
        it had until the view arrives."""
        if not self.is_mounted:
            return
        read = partial(
            client_detail,
            self.app.engine,
            client_id=self.client_id,
            sprint_id=self.app.now.sprint.id,
            silence_alert_days=self.app.config.silence_alert_days,
            member_id=self.app.me_id,
            statuses=TASK_ORDER,
            per_status=TASKS_PER_STATUS,
        )
        self.read_in_thread(read=read, show=self._show)

    def _show(self, detail: ClientDetail | None) -> None:
        if detail is None:  # archived meanwhile: nothing left to show
            if self.is_current:
                self.app.pop_screen()
            return
        client = detail.client
        self.query_one(DeckHeader).set_scope(literal(f"{client.code} · {client.name}"))
        self.query_one("#profile-text", Static).update(self._profile(detail))
        self._show_burn(detail.burn)
        colours = palette(self.app)
        self._fill_tasks(detail, colours)
        self._fill_kpis(detail.kpis)
        self._fill_hypotheses(detail.hypotheses, colours)
        self._fill_log(detail.log, colours)

    def _show_burn(self, burn: MonthBurn) -> None:
        """This month's burn, as the client's report draws it; none for a client without
        paid hours and without time this month."""
        shown = burn.budget_hours is not None or burn.billed_hours > 0
        title = self.query_one("#burn-title", Label)
        title.update(_("Paid hours in {month}", month=month_name(burn.month)))
        title.display = shown
        chart = self.query_one(BurnChart)
        chart.display = shown
        chart.show(burn)

    def _profile(self, detail: ClientDetail) -> Content:
        client, health = detail.client, detail.health
        parts: list = [
            Content.assemble(
                (f" {literal(client.code)} ", tag_style(client.colour)),
                " ",
                (literal(client.name), "bold"),
            )
        ]
        if client.notes:
            parts.append(Content.styled(literal(client.notes), "$text-muted"))
        channel = _(CHANNEL_TITLES.get(client.preferred_channel, client.preferred_channel))
        prefers = _("prefers {channel}", channel=channel.lower())
        parts.append(Content(literal(" · ".join(filter(None, [client.site, prefers])))))
        if client.status != ClientStatus.ACTIVE:
            parts.append(Content.styled(_(CLIENT_STATUS_TITLES[client.status]), "bold $warning"))
        parts += self._signals(health)
        parts += ["", Content.styled(_("Paid hours · B changes"), "bold $accent")]
        for change in detail.paid_hours[-4:]:
            parts.append(
                Content(
                    _(
                        "{hours} h a month from {month}",
                        hours=f"{change.hours:g}",
                        month=change.from_month.format("YYYY-MM"),
                    )
                )
            )
        if not detail.paid_hours:
            parts.append(Content.styled(_("none set"), "$text-muted"))
        if detail.money is not None:  # a manager's to see; others see not even the heading
            parts += [Content(""), *money_lines(detail.money, currency=self.app.config.currency)]
        parts += ["", Content.styled(_("Contacts · C adds, E edits, X archives"), "bold $accent")]
        for person in detail.contacts:
            parts.append(
                Content.assemble(
                    (literal(person.name), "bold"),
                    (f" — {literal(person.role)}" if person.role else "", "$text-muted"),
                )
            )
            reach = " · ".join(filter(None, [person.email, person.phone, person.messenger]))
            if reach:
                parts.append(Content("  " + literal(reach)))
        if not detail.contacts:
            parts.append(Content.styled(_("none yet"), "$text-muted"))
        parts += self._promises(health, detail.promised)
        parts += ["", Content.styled(_("Upsell ideas · u adds one"), "bold $accent")]
        for idea in detail.ideas[:8]:
            parts.append(Content("• " + literal(idea.text)))
        parts += ["", Content.styled(_("Satisfaction · S rates"), "bold $accent")]
        for row in detail.satisfaction[:6]:
            note = f" {literal(row.note)}" if row.note else ""
            parts.append(
                Content.assemble(
                    (clock.to_local(row.at).format("D MMM YYYY"), "$text-muted"),
                    (f" {row.score}/10", "bold"),
                    note,
                )
            )
        if not detail.satisfaction:
            parts.append(Content.styled(_("not rated yet"), "$text-muted"))
        return Content("\n").join(
            part if isinstance(part, Content) else Content(part) for part in parts
        )

    def _signals(self, health: Health) -> list[Content]:
        s = health.signals
        level = risk_level(health.risk)
        style = {"high": "bold $error", "watch": "bold $warning", "low": "bold $success"}[level]
        why = ", ".join(
            f"{_(TERM_TITLES[name])} {points}"
            for name, points in sorted(health.terms.items(), key=lambda item: -item[1])
        )
        burn = (
            _("no budget")
            if s.burn_percent is None
            else _("budget {percent}% used", percent=f"{s.burn_percent:.0f}")
        )
        if s.carried_hours:  # a line of its own: the narrow profile column breaks it less
            burn += "\n" + carried_phrase(sold=s.sold_hours or 0.0, carried=s.carried_hours)
        if s.last_contact is None:
            silence = _("never contacted")
        else:
            silence = _("last contact {when}", when=_when(s.last_contact))
            if s.silent_days:
                silence += " · " + ngettext(
                    "silent {n} working day", "silent {n} working days", n=s.silent_days
                )
        mark, _style = PLAN_MARKS[s.plan]
        lines = [
            Content(""),
            Content.assemble(
                (_("Risk {risk}", risk=health.risk), style),
                (f" · {_(RISK_TITLES[level])}", style),
            ),
        ]
        if why:
            lines.append(Content.styled(why, "$text-muted"))
        lines.append(
            Content.assemble(burn, "\n", (silence, "$error" if health.silence_alert else ""))
        )
        lines.append(Content(f"{_('Plan')}: {mark} {_(PLAN_TITLES[s.plan])}"))
        if s.satisfaction is not None:
            lines.append(Content(_("Satisfaction {score}/10", score=s.satisfaction)))
        return lines

    def _promises(self, health: Health, promised: tuple[Promise, ...]) -> list[Content]:
        s = health.signals
        lines = [
            Content(""),
            Content.assemble(
                (_("Promises"), "bold $accent"),
                (
                    " · "
                    + _(
                        "this month {kept}✓ {broken}✗",
                        kept=s.kept_this_month,
                        broken=s.broken_this_month,
                    ),
                    "$text-muted",
                ),
            ),
        ]
        owed = [p for p in promised if p.state in (PromiseState.OPEN, PromiseState.OVERDUE)]
        for promise in owed[:10]:
            lines.append(
                Content.assemble(
                    (f"{promise.due_text} ", PROMISE_STYLES[promise.state] or "$text-muted"),
                    literal(promise.title),
                )
            )
        if not owed:
            lines.append(Content.styled(_("nothing owed"), "$text-muted"))
        return lines

    def _fill_tasks(self, detail: ClientDetail, colours: dict[str, str]) -> None:
        pages, counts, waits = detail.tasks, detail.counts, detail.waits
        table = self.query_one("#tasks", FittedTable)
        keep = self.selected_task_id()
        rows: list[TableRow] = []
        self.task_ids = []
        today = clock.today()
        for status in TASK_ORDER:
            for card in pages.get(status, ()):
                due = ""
                late = False
                if card.due_date is not None:
                    due, late = due_phrase(due=card.due_date, today=today)
                note = []
                if card.promised:
                    note.append("⚑")
                wait = waits.get(card.id)
                if wait is not None:
                    note.append("⏳" + _("{n}d", n=wait.days))
                    if wait.nudges:
                        note.append(_("nudged {n}×", n=wait.nudges))
                cells = {
                    "status": cell(_(STATUS_NAMES[status]), "dim"),
                    "task": cell(card.title),
                    "due": cell(due, colours["error"] if late else ""),
                    "note": cell(" ".join(note), colours["warning"] if wait else colours["accent"]),
                }
                rows.append(TableRow(str(card.id), cells))
                self.task_ids.append(card.id)
        table.show_rows(rows)
        open_count = sum(counts[s] for s in TASK_ORDER if s not in (Status.WAITING, Status.DONE))
        self.query_one("#tasks-title", Label).update(
            _(
                "Tasks · {waiting} waiting on the client · {open} open · {done} done this sprint",
                waiting=counts[Status.WAITING],
                open=open_count,
                done=counts[Status.DONE],
            )
        )
        if keep in self.task_ids:
            table.move_cursor(row=self.task_ids.index(keep))

    def _fill_kpis(self, rows: tuple[KpiView, ...]) -> None:
        table = self.query_one("#kpis", FittedTable)
        row = table.cursor_row
        self.kpi_rows = list(rows)
        table.show_rows(
            [
                TableRow(
                    None,
                    {
                        "kpi": cell(kpi.name),
                        "baseline": cell(_number(kpi.baseline, kpi.unit)),
                        "target": cell(_number(kpi.target, kpi.unit)),
                        "now": cell(_number(kpi.current, kpi.unit), "bold"),
                        "history": cell(sparkline([value for _at, value in kpi.history[-12:]])),
                    },
                )
                for kpi in self.kpi_rows
            ]
        )
        if self.kpi_rows:
            table.move_cursor(row=min(row, len(self.kpi_rows) - 1))

    def _fill_hypotheses(self, rows: tuple[Hypothesis, ...], colours: dict[str, str]) -> None:
        table = self.query_one("#hypotheses", FittedTable)
        row = table.cursor_row
        shown: list[TableRow] = []
        self.hypothesis_rows = list(rows)
        for h in rows:
            details = " · ".join(filter(None, [h.metric, h.budget, h.risk_note]))
            decide = h.decision_on.isoformat() if h.decision_on else "—"
            due = h.decision_on is not None and not h.result and h.decision_on <= clock.today()
            text = cell(h.statement)
            text.append("\n" + literal(details), style="dim")
            cells = {
                "decide": cell(decide, colours["warning"] if due else ""),
                "hypothesis": text,
                "result": cell(h.result or "—", "" if h.result else "dim"),
            }
            shown.append(TableRow(None, cells, height=2))
        table.show_rows(shown)
        if rows:
            table.move_cursor(row=min(row, len(rows) - 1))

    def _fill_log(self, log: tuple[LoggedContact, ...], colours: dict[str, str]) -> None:
        table = self.query_one("#log", FittedTable)
        rows: list[TableRow] = []
        for entry in log:
            arrow = "↙" if entry.direction == "in" else "↗"
            channel = _(CHANNEL_TITLES.get(entry.channel, entry.channel))
            cells = {
                "when": cell(_when(entry.at), colours["accent"] if entry.planned else ""),
                "channel": cell(f"{arrow} {channel}"),
                "what": cell(entry.summary),
            }
            rows.append(TableRow(None, cells))
        table.show_rows(rows)

    # Selection

    def selected_task_id(self) -> int | None:
        row = self.query_one("#tasks", DataTable).cursor_row
        return self.task_ids[row] if 0 <= row < len(self.task_ids) else None

    def _selected_kpi(self) -> KpiView | None:
        row = self.query_one("#kpis", DataTable).cursor_row
        return self.kpi_rows[row] if 0 <= row < len(self.kpi_rows) else None

    def action_cursor(self, step: int) -> None:
        table = self.focused if isinstance(self.focused, DataTable) else None
        if table is None or not table.row_count:
            return
        table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        table_id = event.data_table.id
        if table_id == "tasks":
            self._open_card(task_id=self.selected_task_id())
        elif table_id == "kpis":
            self.action_value()
        elif table_id == "hypotheses":
            self._result(row=event.cursor_row)

    def action_open(self) -> None:
        self._open_card(task_id=self.selected_task_id())

    def action_back(self) -> None:
        self.app.pop_screen()

    # Changes

    def _open_card(self, *, task_id: int | None) -> None:
        from tui.screens.card import CardScreen

        if task_id is None:
            self.app.bell()
            return
        self.app.push_screen(CardScreen(task_id=task_id))

    def action_create(self) -> None:
        from tui.screens.card import CardScreen

        self.app.push_screen(CardScreen(task_id=None, client_id=self.client_id))

    def action_nudge(self) -> None:
        """Tell the client we still wait on the selected task; its wait keeps counting.

        The reminder to send goes to the clipboard, as the weekly report does."""
        task_id = self.selected_task_id()
        if task_id is None:
            self.app.bell()
            return
        engine = self.app.engine
        try:
            sent = nudge(engine, task_id=task_id)
        except ValidationError as error:
            self.app.notify(str(error), severity="warning", timeout=4, markup=False)
            return
        self.app.copy_to_clipboard(nudge_text(engine, task_id=task_id))
        self.app.notify(_("Nudge logged; the reminder is copied"), timeout=3)
        self._undoable(sent)
        self.reload()

    def action_value(self) -> None:
        kpi = self._selected_kpi()
        if kpi is None:
            self.app.bell()
            return

        def save(values: dict[str, str]):
            value = number(values["value"], field="value", required=True)
            return record_value(self.app.engine, kpi_id=kpi.id, value=value)

        self.app.push_screen(
            FormScreen(
                title=_("New value of {kpi}", kpi=kpi.name),
                fields=[
                    Field("value", _("Value, {unit}", unit=kpi.unit) if kpi.unit else _("Value"))
                ],
                save=save,
            ),
            self._undoable,
        )

    def action_add_kpi(self) -> None:
        def save(values: dict[str, str]):
            return add_kpi(
                self.app.engine,
                client_id=self.client_id,
                name=values["name"],
                unit=values["unit"],
                baseline=number(values["baseline"], field="baseline"),
                target=number(values["target"], field="target"),
            )

        self.app.push_screen(
            FormScreen(
                title=_("A KPI agreed with the client"),
                fields=[
                    Field("name", _("Name"), placeholder=_("Cost per lead")),
                    Field("unit", _("Unit"), placeholder=_("UAH, %, leads")),
                    Field("baseline", _("Baseline (now)")),
                    Field("target", _("Target")),
                ],
                save=save,
            ),
            self._undoable,
        )

    def action_add_hypothesis(self) -> None:
        def save(values: dict[str, str]):
            decision = None
            if values["decision_on"].strip():
                try:
                    decision = parse_due(text=values["decision_on"], today=clock.today()).date
                except ValueError as error:
                    raise ValidationError(str(error), field="decision_on") from None
            return add_hypothesis(
                self.app.engine,
                client_id=self.client_id,
                statement=values["statement"],
                metric=values["metric"],
                budget=values["budget"],
                risk_note=values["risk_note"],
                decision_on=decision,
            )

        self.app.push_screen(
            FormScreen(
                title=_("A hypothesis, agreed before money is spent"),
                fields=[
                    Field("statement", _("What we test")),
                    Field("metric", _("Success metric"), placeholder=_("CPL below 250 UAH")),
                    Field("budget", _("Budget")),
                    Field("risk_note", _("Risk told to the client")),
                    Field("decision_on", _("Decide on"), placeholder=_("2026-12-15, +3w")),
                ],
                save=save,
            ),
            self._undoable,
        )

    def _result(self, *, row: int) -> None:
        if not 0 <= row < len(self.hypothesis_rows):
            return
        hypothesis_id = self.hypothesis_rows[row].id
        before = self.hypothesis_rows[row].result
        engine = self.app.engine
        self.app.push_screen(
            FormScreen(
                title=_(
                    "How did the test of {hypothesis} end?",
                    hypothesis=subject(self.hypothesis_rows[row].statement),
                ),
                fields=[Field("result", _("Result"), value=before)],
                save=lambda values: set_result(
                    engine, hypothesis_id=hypothesis_id, result=values["result"]
                ),
            ),
            self._undoable,
        )

    def action_add_idea(self) -> None:
        self.app.push_screen(
            FormScreen(
                title=_("An upsell idea"),
                fields=[Field("text", _("Idea"))],
                save=lambda values: add_idea(
                    self.app.engine, client_id=self.client_id, text=values["text"]
                ),
            ),
            self._undoable,
        )
