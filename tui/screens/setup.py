"""The first start on an empty store: one screen that makes an agency usable.

Five steps, each saved on its own and each skippable: who I am, the agency's
settings, the first clients with their paid hours, the first colleagues, or
data brought in (a Trello board, a clientdeck export). `enter` on a step's last
field saves that step; `ctrl+s` starts working; `escape` leaves for later (the
palette's "Set up the agency" comes back here, with the steps done marked).
"""

from __future__ import annotations

from pathlib import Path

import pendulum
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from model.clients import active_clients, create_client
from model.config import ConfigError, set_value, system_zone
from model.errors import NotFoundError, ValidationError
from model.i18n import SUPPORTED, _, ngettext, set_language
from model.importers import FileRefused
from model.members import add_member, team
from tui.dialogs.form import number
from tui.format import literal
from tui.keys import translate_bindings
from tui.outage import SurvivesOutages
from tui.widgets import DeckFooter, DeckHeader

LANGUAGE_NAMES = {"en": "English", "uk": "Українська", "ru": "Русский"}
MONDAY = pendulum.date(2026, 11, 16)
"""Any Monday: the weekdays' names in the language in force are read off its week."""
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Each step's fields in the order enter walks them, and the button that saves it.
STEPS = {
    "me": (("me-name", "me-initials", "me-role", "me-hours"), "me-save"),
    "agency": (("agency-zone", "agency-standups"), "agency-save"),
    "client": (("client-name", "client-code", "client-hours"), "client-add"),
    "colleague": (("colleague-name", "colleague-role", "colleague-hours"), "colleague-add"),
    "trello": (("trello-file", "trello-client"), "trello-import"),
    "restore": (("restore-file",), "restore-run"),
}


def _row(label: str, widget) -> Horizontal:
    return Horizontal(Label(label, classes="label"), widget, classes="row")


class SetupScreen(SurvivesOutages, Screen):
    CSS_PATH = "setup.tcss"
    BINDINGS = [
        Binding("ctrl+s", "finish", "Start working", id="setup.finish", priority=True),
        Binding("escape", "later", "Later", id="setup.later"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        config = self.app.config
        yield DeckHeader(title=_("Set up your agency"))
        with VerticalScroll(id="setup"):
            yield Static(
                _(
                    "Every step is saved on its own and can be skipped: tab moves, "
                    "enter on a step's last field saves it, ctrl+s starts working."
                ),
                classes="intro",
            )
            yield Label("", id="me-title", classes="step")
            yield OptionList(id="me-pick")
            yield _row(
                _("Your name"),
                Input(compact=True, id="me-name", placeholder=_("e.g. Olena Kovalenko")),
            )
            yield _row(
                _("Initials"), Input(compact=True, id="me-initials", placeholder=_("from the name"))
            )
            yield _row(
                _("Role"), Input(compact=True, id="me-role", placeholder=_("e.g. account manager"))
            )
            yield _row(_("Hours a week"), Input("40", compact=True, id="me-hours"))
            yield Button(_("Save me"), id="me-save", compact=True)

            yield Label("", id="agency-title", classes="step")
            yield _row(
                _("Language"),
                Select(
                    [(name, code) for code, name in LANGUAGE_NAMES.items()],
                    value=config.language if config.language in SUPPORTED else self._language(),
                    allow_blank=False,
                    compact=True,
                    id="agency-language",
                ),
            )
            yield _row(
                _("Sprint starts on"),
                Select(
                    [
                        (MONDAY.add(days=index).format("dddd").capitalize(), day)
                        for index, day in enumerate(WEEKDAYS)
                    ],
                    value=config.sprint_start,
                    allow_blank=False,
                    compact=True,
                    id="agency-sprint",
                ),
            )
            zone = config.time_zone if config.time_zone != "UTC" else system_zone()
            yield _row(_("Time zone"), Input(zone, compact=True, id="agency-zone"))
            yield _row(
                _("Stand-ups at"),
                Input(", ".join(config.standup_times), compact=True, id="agency-standups"),
            )
            yield Button(_("Save settings"), id="agency-save", compact=True)

            yield Label("", id="client-title", classes="step")
            yield Static("", id="client-list", classes="list", markup=False)
            yield _row(
                _("Client name"),
                Input(compact=True, id="client-name", placeholder=_("e.g. Northwind Bank")),
            )
            yield _row(
                _("Code"),
                Input(compact=True, id="client-code", placeholder=_("e.g. NWB: short, one word")),
            )
            yield _row(
                _("Paid hours a month"),
                Input(compact=True, id="client-hours", placeholder=_("empty: none yet")),
            )
            yield Button(_("Add client"), id="client-add", compact=True)

            yield Label("", id="colleague-title", classes="step")
            yield Static("", id="colleague-list", classes="list", markup=False)
            yield _row(
                _("Full name"),
                Input(compact=True, id="colleague-name", placeholder=_("e.g. Dmytro Savchuk")),
            )
            yield _row(
                _("Role"),
                Input(compact=True, id="colleague-role", placeholder=_("e.g. PPC, SEO, design")),
            )
            yield _row(_("Hours a week"), Input("40", compact=True, id="colleague-hours"))
            yield Button(_("Add colleague"), id="colleague-add", compact=True)

            yield Label(_("5 · Or bring your data"), classes="step")
            yield _row(
                _("Trello board (JSON)"),
                Input(compact=True, id="trello-file", placeholder=_("path to the board's export")),
            )
            yield _row(
                _("for the client"),
                Input(
                    compact=True,
                    id="trello-client",
                    placeholder=_("code; a new code makes the client"),
                ),
            )
            yield Button(_("Import the board"), id="trello-import", compact=True)
            yield _row(
                _("clientdeck export"),
                Input(
                    compact=True,
                    id="restore-file",
                    placeholder=_("path to a 'clientdeck export json' file"),
                ),
            )
            yield Button(_("Restore it"), id="restore-run", compact=True)
        yield DeckFooter()

    @staticmethod
    def _language() -> str:
        from model.i18n import language

        return language()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#me-pick" if self._pickable() else "#me-name").focus()

    def _pickable(self) -> bool:
        return self.app.me_id is None and bool(team(self.app.engine))

    def show(self) -> None:
        """Mark the steps done and list what was added so far."""
        engine = self.app.engine
        members = team(engine)
        me = next((m for m in members if m.id == self.app.me_id), None)
        done, todo = "✓", "·"
        mine = _("1 · You {mark}", mark=done if me else todo)
        if me is not None:
            mine += "  " + _("{name} ({initials})", name=me.name, initials=me.initials)
        self.query_one("#me-title", Label).update(literal(mine))
        picker = self.query_one("#me-pick", OptionList)
        picker.display = self._pickable()
        picker.clear_options()
        if picker.display:
            picker.add_options(
                [Option(literal(_("I am {name}", name=m.name)), id=str(m.id)) for m in members]
            )
        saved = bool(self.app.config.language)  # the step saves the language explicitly
        self.query_one("#agency-title", Label).update(
            _("2 · The agency {mark}", mark=done if saved else todo)
        )
        clients = active_clients(engine)
        self.query_one("#client-title", Label).update(
            _("3 · Clients {mark}", mark=done if clients else todo)
        )
        listed = self.query_one("#client-list", Static)
        listed.update("\n".join(f"  {c.code} · {c.name}" for c in clients))
        listed.display = bool(clients)
        others = [m for m in members if m.id != self.app.me_id]
        self.query_one("#colleague-title", Label).update(
            _("4 · Colleagues {mark}", mark=done if others else todo)
        )
        listed = self.query_one("#colleague-list", Static)
        listed.update("\n".join(f"  {m.initials} · {m.name}" for m in others))
        listed.display = bool(others)
        for widget_id in ("me-name", "me-initials", "me-role", "me-hours"):
            self.query_one(f"#{widget_id}").parent.display = me is None
        self.query_one("#me-save").display = me is None
        self.query_one(DeckHeader).refresh()

    # --- walking the steps ----------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        steps = list(STEPS.values())
        for number_, (fields, button) in enumerate(steps):
            if event.input.id in fields:
                index = fields.index(event.input.id)
                if index == 0 and not event.value.strip() and button.endswith("-add"):
                    # nothing typed: the step is skipped, on to the next one
                    following = steps[min(number_ + 1, len(steps) - 1)][0][0]
                    self.query_one(f"#{following}").focus()
                elif index + 1 < len(fields):
                    self.query_one(f"#{fields[index + 1]}").focus()
                else:
                    self.query_one(f"#{button}", Button).press()
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        member = next(m for m in team(self.app.engine) if str(m.id) == event.option.id)
        self.app.become(member)
        self.said(_("Welcome, {name}", name=member.name))
        self.show()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = {
            "me-save": self.save_me,
            "agency-save": self.save_settings,
            "client-add": self.add_client,
            "colleague-add": self.add_colleague,
            "trello-import": self.import_trello,
            "restore-run": self.restore,
        }[event.button.id or ""]
        try:
            action()
        except (ValidationError, NotFoundError, ConfigError, FileRefused, OSError) as error:
            self.said(str(error), error=True)
            field = getattr(error, "field", "")
            step = (event.button.id or "").split("-")[0]
            target = f"#{step}-{field}" if field else None
            if target and self.query(target):
                self.query_one(target).focus()
            self.app.bell()
            return
        self.show()

    def said(self, text: str, *, error: bool = False) -> None:
        """A step's outcome as a toast: it is seen wherever the screen is scrolled to."""
        self.app.notify(
            text,
            severity="error" if error else "information",
            timeout=8 if error else 4,
            markup=False,
        )

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _clear(self, *widget_ids: str) -> None:
        for widget_id in widget_ids:
            self.query_one(f"#{widget_id}", Input).value = ""

    # --- the steps ------------------------------------------------------------------------

    def save_me(self) -> None:
        done = add_member(
            self.app.engine,
            values={
                "name": self._value("me-name"),
                "initials": self._value("me-initials"),
                "role": self._value("me-role"),
                "weekly_capacity_hours": number(
                    self._value("me-hours"), field="weekly_capacity_hours", required=True
                ),
            },
        )
        self.app.undo_stack.add(done.undo)
        self.app.become(done.value)
        self.said(_("Welcome, {name}", name=done.value.name))
        self.query_one("#agency-language").focus()

    def save_settings(self) -> None:
        config = self.app.config
        for key, value in (
            ("language", str(self.query_one("#agency-language", Select).value)),
            ("sprint_start", str(self.query_one("#agency-sprint", Select).value)),
            ("time_zone", self._value("agency-zone").strip()),
            ("standup_times", self._value("agency-standups")),
        ):
            config = set_value(config=config, key=key, value=value)
        self.app.settle_config(config)
        set_language(code=config.language)
        self.said(_("Settings saved"))
        self.query_one("#client-name").focus()

    def add_client(self) -> None:
        done = create_client(
            self.app.engine,
            values={"name": self._value("client-name"), "code": self._value("client-code")},
            monthly_hours=number(self._value("client-hours"), field="hours"),
        )
        self.app.undo_stack.add(done.undo)
        self._clear("client-name", "client-code", "client-hours")
        self.said(_("Added {name} ({code})", name=done.value.name, code=done.value.code))
        self.query_one("#client-name").focus()

    def add_colleague(self) -> None:
        done = add_member(
            self.app.engine,
            values={
                "name": self._value("colleague-name"),
                "role": self._value("colleague-role"),
                "weekly_capacity_hours": number(
                    self._value("colleague-hours"), field="weekly_capacity_hours", required=True
                ),
            },
        )
        self.app.undo_stack.add(done.undo)
        self._clear("colleague-name", "colleague-role")
        self.said(
            _("Added {name} ({initials})", name=done.value.name, initials=done.value.initials)
        )
        self.query_one("#colleague-name").focus()

    def import_trello(self) -> None:
        from model.clients import find_client
        from model.importers.trello import import_board, map_lists, read_board

        path = self._value("trello-file").strip()
        if not path:
            raise ValidationError(_("name the board's file"), field="file")
        board = read_board(path=Path(path).expanduser())
        code = self._value("trello-client").strip()
        try:
            client_id, new_client = find_client(self.app.engine, text=code).id, None
        except NotFoundError:
            client_id, new_client = None, {"name": board.name or code, "code": code}
        plan = import_board(
            self.app.engine,
            board=board,
            client_id=client_id,
            new_client=new_client,
            mapping=map_lists(board=board),
            who=self.app.me_id,
        )
        self._clear("trello-file", "trello-client")
        self.said(
            ngettext(
                "Imported {n} task into {name} ({code})",
                "Imported {n} tasks into {name} ({code})",
                n=len(plan.creates),
                name=plan.client.name,
                code=plan.client.code,
            )
        )

    def restore(self) -> None:
        from model.exchange import check_export, import_json
        from model.importers import read_json

        path = Path(self._value("restore-file").strip()).expanduser()
        counts = import_json(
            self.app.engine, data=check_export(data=read_json(path=path), name=path.name)
        )
        self._clear("restore-file")
        self.app.refresh_facts()
        self.said(ngettext("Restored {n} row", "Restored {n} rows", n=sum(counts.values())))

    # --- leaving --------------------------------------------------------------------------

    def action_finish(self) -> None:
        self.app.pop_screen()
        self.app.refresh_facts()
        if getattr(self.app.screen, "reload", None):
            self.app.screen.reload()

    def action_later(self) -> None:
        self.app.notify(_("Set up the rest any time: ctrl+p, then Set up"), timeout=5)
        self.action_finish()

    def selected_task_id(self) -> int | None:
        return None
