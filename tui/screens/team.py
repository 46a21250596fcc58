"""The team: who works here, how many hours a week, on which days, and who is away.

Reached from the palette and from Plan (`m`). Members are deactivated, never
deleted, so their time and history stay; days off take their share of the
week's capacity in Plan.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from model import clock
from model.daysoff import archive_day_off, days_off
from model.i18n import _
from model.members import edit_member, team
from model.tables import Member
from model.weeks import as_date
from tui.dialogs.day_off_form import DayOffForm
from tui.dialogs.member_form import MemberForm, days_text
from tui.dialogs.pick import PickDialog
from tui.format import literal
from tui.keys import translate_bindings
from tui.labels import KIND_TITLES
from tui.outage import SurvivesOutages, survive
from tui.widgets import DeckFooter, DeckHeader, SteadyTable


class TeamScreen(SurvivesOutages, Screen):
    CSS_PATH = "team.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="team.back"),
        Binding("j,down", "cursor(1)", "Down", show=False, id="team.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="team.up"),
        Binding("c", "add", "Add colleague", id="team.add"),
        Binding("e,enter", "edit", "Edit", id="team.edit"),
        Binding("x", "active", "Deactivate / reactivate", id="team.active"),
        Binding("d", "day_off", "Days off", id="team.day_off"),
        Binding("D", "remove_day_off", "Remove days off", show=False, id="team.remove_day_off"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.members: list[Member] = []

    def compose(self) -> ComposeResult:
        yield DeckHeader(title=_("Team"))
        yield SteadyTable(id="team", cursor_type="row")
        yield Static("", id="team-away", markup=False)
        yield DeckFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (  # 68 columns of cells and 12 of padding: 80 in all
            (_("Full name"), 20),
            (_("Initials"), 8),
            (_("Role"), 11),
            (_("h/week"), 7),
            (_("Working days"), 12),
            (_("State"), 10),
        ):
            table.add_column(label, width=width)
        table.focus()
        self.reload()

    def reload(self) -> None:
        engine = self.app.engine
        keep = self.current_member()
        self.members = team(engine, inactive=True)
        self.members.sort(key=lambda m: (not m.active, m.name.casefold()))
        table = self.query_one(DataTable)
        table.clear()
        for member in self.members:
            style = "" if member.active else "dim"
            table.add_row(
                *[
                    Text(literal(value), style=style, no_wrap=True, overflow="ellipsis")
                    for value in (
                        member.name,
                        member.initials,
                        member.role,
                        f"{member.weekly_capacity_hours:g}",
                        days_text(working_days=member.working_days),
                        _("active") if member.active else _("inactive"),
                    )
                ],
                key=str(member.id),
            )
        if keep is not None and keep in self.members:
            table.move_cursor(row=self.members.index(keep))
        active = sum(m.active for m in self.members)
        hours = sum(m.weekly_capacity_hours for m in self.members if m.active)
        self.query_one(DeckHeader).set_scope(
            _("{n} active · {hours} h a week", n=active, hours=f"{hours:g}")
        )
        self.query_one("#team-away", Static).update(self._away())

    def _away(self) -> str:
        """Days off from today on, one line each."""
        names = {m.id: m.name for m in self.members}
        lines = [_("Days off ahead · d adds, D removes")]
        for row in days_off(self.app.engine, since=clock.today())[:8]:
            first = as_date(row.first).format("D MMM")
            last = as_date(row.last).format("D MMM YYYY")
            span = last if row.first == row.last else f"{first} – {last}"
            note = f" · {row.note}" if row.note else ""
            lines.append(
                f"  {names.get(row.member_id, '?')}: {span} ({_(KIND_TITLES[row.kind])}){note}"
            )
        if len(lines) == 1:
            lines.append("  " + _("nobody is away"))
        return "\n".join(lines)

    def current_member(self) -> Member | None:
        if not self.members:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.members[row] if 0 <= row < len(self.members) else None

    def selected_task_id(self) -> int | None:
        return None

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, min(table.cursor_row + step, len(self.members) - 1)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _done(self, done) -> None:
        if done is None:
            return
        self.app.undo_stack.add(done.undo)
        self.app.notify(_("{what} · ctrl+z undoes", what=done.undo.label), timeout=4, markup=False)
        self.reload()

    def action_add(self) -> None:
        self.app.push_screen(MemberForm(engine=self.app.engine), self._done)

    def _member_or_bell(self) -> Member | None:
        member = self.current_member()
        if member is None:
            self.app.bell()
        return member

    def action_edit(self) -> None:
        member = self._member_or_bell()
        if member is not None:
            self.app.push_screen(MemberForm(engine=self.app.engine, member=member), self._done)

    def action_active(self) -> None:
        member = self._member_or_bell()
        if member is not None:
            self._done(edit_member(self.app.engine, member_id=member.id, active=not member.active))

    def action_day_off(self) -> None:
        member = self._member_or_bell()
        if member is not None:
            self.app.push_screen(
                DayOffForm(engine=self.app.engine, member_id=member.id, member_name=member.name),
                self._done,
            )

    @work(exclusive=True, group="team-prompt")
    @survive
    async def action_remove_day_off(self) -> None:
        member = self._member_or_bell()
        if member is None:
            return
        rows = days_off(self.app.engine, member_id=member.id, since=clock.today())
        if not rows:
            self.app.notify(_("{name} has no days off ahead", name=member.name), timeout=3)
            return
        options = [
            (f"{row.first} – {row.last} ({_(KIND_TITLES[row.kind])})", row.id) for row in rows
        ]
        row_id = await self.app.push_screen_wait(
            PickDialog(
                title=_("Remove which days off of {name}?", name=member.name), options=options
            )
        )
        if row_id is not None:
            self._done(archive_day_off(self.app.engine, day_off_id=row_id))

    def action_back(self) -> None:
        self.app.pop_screen()
