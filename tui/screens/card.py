"""A task's card: every field, its checklist and its history, edited in one form.

Nothing is written until every field is valid; the form then saves in one
transaction, checking that nobody else saved the task in the meantime.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from model import clock
from model.clients import active_clients
from model.i18n import N_, _
from model.inbox import client_prefix
from model.members import team
from model.parsing import parse_due, parse_hours
from model.tables import PRIORITY_ORDER, Status
from model.tasks import (
    ConflictError,
    ValidationError,
    checklist,
    get_task,
    history,
    merge_changes,
    save_card,
    snapshot,
)
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.conflict import ConflictDialog
from tui.format import hours, literal
from tui.keys import translate_bindings
from tui.labels import STATUS_TITLES
from tui.outage import SurvivesOutages

STATUS_CHOICES = ((N_("Inbox"), Status.INBOX),) + tuple(
    (title, status) for status, title in STATUS_TITLES.items()
)
PRIORITY_TITLES = {
    "urgent": N_("Urgent"),
    "high": N_("High"),
    "normal": N_("Normal"),
    "low": N_("Low"),
}
FIELD_TITLES = {
    "title": N_("title"),
    "description": N_("description"),
    "labels": N_("labels"),
    "created": N_("created"),
    "status": N_("status"),
    "assignee_id": N_("assignee"),
    "sprint_id": N_("sprint"),
    "priority": N_("priority"),
    "due_date": N_("due date"),
    "due_time": N_("due time"),
    "client_id": N_("client"),
    "estimate_hours": N_("estimate"),
    "promised_at": N_("promised"),
    "fire": N_("fire"),
    "archived_at": N_("archived"),
    "billable": N_("billed"),
}
BILLABLE_CHOICES = (
    (N_("as the client says"), "client"),
    (N_("billed"), "yes"),
    (N_("not billed"), "no"),
)
BILLABLE_VALUES = {"client": None, "yes": True, "no": False}


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def _value(*, field: str, value: str | None) -> str:
    """A stored event value as a person reads it: statuses and priorities by their names."""
    if value is None:
        return "—"
    if field in ("status", "created"):
        return _(dict((s, t) for t, s in STATUS_CHOICES).get(value, value))
    if field == "priority":
        return _(PRIORITY_TITLES.get(value, value))
    if field == "billable":
        return _({"True": "billed", "False": "not billed"}.get(value, value))
    return value


class CardScreen(SurvivesOutages, ModalScreen):
    CSS_PATH = "card.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="card.save", priority=True),
        Binding("escape", "close", "Close", id="card.close"),
        Binding("ctrl+n", "add_item", "Add checklist item", id="card.add_item", show=False),
        Binding(
            "ctrl+d", "delete_item", "Delete checklist item", id="card.delete_item", show=False
        ),
        Binding("ctrl+up", "move_item(-1)", "Item up", id="card.item_up", show=False),
        Binding("ctrl+down", "move_item(1)", "Item down", id="card.item_down", show=False),
    ]

    def __init__(
        self, *, task_id: int | None, status: str | None = None, client_id: int | None = None
    ) -> None:
        super().__init__()
        translate_bindings(self)
        engine = self.app.engine
        self.task_id = task_id
        self.edited = get_task(engine, task_id=task_id) if task_id is not None else None
        self.initial_status = status or Status.INBOX
        self.initial_client = client_id
        self.items: list[tuple[str, bool]] = (
            [(item.text, item.done) for item in checklist(engine, task_id=task_id)]
            if task_id
            else []
        )
        self.clients = active_clients(engine)
        self.members = team(engine)
        self._baseline: dict | None = None

    # Layout

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns the checklist and the history go under the fields."""

    def compose(self) -> ComposeResult:
        task = self.edited
        title = _("Task {id}", id=task.id) if task else _("New task")
        with Vertical(id="card"):
            yield Label(title, id="card-title")
            with Horizontal(id="card-body"):
                with VerticalScroll(id="fields"):
                    yield from self._field(
                        "title",
                        _("Title"),
                        Input(task.title if task else "", id="title", compact=True),
                    )
                    yield from self._field(
                        "client_id",
                        _("Client"),
                        Select(
                            [(f"{c.code} · {c.name}", c.id) for c in self.clients],
                            value=task.client_id if task else (self.initial_client or Select.NULL),
                            allow_blank=task is None and self.initial_client is None,
                            prompt=_("Pick a client"),
                            id="client_id",
                            compact=True,
                        ),
                    )
                    yield from self._field(
                        "description",
                        _("Description"),
                        TextArea(task.description if task else "", id="description", compact=True),
                    )
                    with Horizontal(classes="pair"):
                        yield from self._field(
                            "status",
                            _("Status"),
                            Select(
                                [(_(t), s) for t, s in STATUS_CHOICES],
                                value=task.status if task else self.initial_status,
                                allow_blank=False,
                                id="status",
                                compact=True,
                            ),
                        )
                        yield from self._field(
                            "priority",
                            _("Priority"),
                            Select(
                                [(_(PRIORITY_TITLES[p]), p) for p in PRIORITY_ORDER],
                                value=task.priority if task else "normal",
                                allow_blank=False,
                                id="priority",
                                compact=True,
                            ),
                        )
                    with Horizontal(classes="pair"):
                        estimate = task.estimate_hours if task else None
                        yield from self._field(
                            "estimate_hours",
                            _("Estimate, hours"),
                            Input(
                                hours(estimate) if estimate is not None else "",
                                id="estimate_hours",
                                compact=True,
                            ),
                        )
                        yield from self._field(
                            "due", _("Due"), Input(self._due_text(), id="due", compact=True)
                        )
                    yield from self._field(
                        "assignee_id",
                        _("Assignee"),
                        Select(
                            [(f"{m.initials} · {m.name}", m.id) for m in self.members],
                            value=task.assignee_id if task and task.assignee_id else Select.NULL,
                            prompt=_("Nobody"),
                            id="assignee_id",
                            compact=True,
                        ),
                    )
                    with Horizontal(classes="pair"):
                        yield from self._field(
                            "labels",
                            _("Labels"),
                            Input(task.labels if task else "", id="labels", compact=True),
                        )
                        own = task.billable if task else None
                        yield from self._field(
                            "billable",
                            _("Time is"),
                            Select(
                                [(_(title), value) for title, value in BILLABLE_CHOICES],
                                value={None: "client", True: "yes", False: "no"}[own],
                                allow_blank=False,
                                id="billable",
                                compact=True,
                            ),
                        )
                    yield Checkbox(
                        _("Promised to the client"),
                        value=bool(task and task.promised_at),
                        id="promised",
                        compact=True,
                    )
                with Vertical(id="side"):
                    yield Label(_("Checklist"), classes="section")
                    yield SelectionList[int](id="checklist", compact=True)
                    yield Input(placeholder=_("New item, enter adds"), id="new-item", compact=True)
                    yield Static(
                        _("space ticks · ctrl+↑/↓ reorders · ctrl+d deletes"), classes="hint"
                    )
                    yield Label(_("History"), classes="section")
                    yield Static(self._history_text(), id="history", markup=False)
            yield Static(_("ctrl+s saves · escape closes"), id="card-hint")

    def _field(self, name: str, label: str, widget) -> ComposeResult:
        with Vertical(classes="field"):
            yield Label(label, classes="label")
            yield widget
            yield Static("", classes="error", id=f"error-{name}", markup=False)

    def _due_text(self) -> str:
        task = self.edited
        if task is None or task.due_date is None:
            return ""
        suffix = f" {task.due_time:%H:%M}" if task.due_time else ""
        return task.due_date.isoformat() + suffix

    def _history_text(self) -> str:
        if self.edited is None:
            return ""
        lines = []
        for event in history(self.app.engine, task_id=self.edited.id)[:40]:
            when = clock.to_local(event.at).format("D MMM HH:mm")
            old, new = (_value(field=event.field, value=v) for v in (event.old, event.new))
            change = f"{old} → {new}" if event.old else new
            what = _(FIELD_TITLES.get(event.field, event.field))
            lines.append(literal(f"{when} {event.who} {what}: {change}"))
        return "\n".join(lines)

    def on_mount(self) -> None:
        self._fill_checklist()
        self.query_one("#title", Input).focus()
        self._baseline = self._raw()

    def _fill_checklist(self, *, highlight: int | None = None) -> None:
        widget = self.query_one("#checklist", SelectionList)
        widget.clear_options()
        widget.add_options([(text, index, done) for index, (text, done) in enumerate(self.items)])
        if highlight is not None and self.items:
            widget.highlighted = max(0, min(highlight, len(self.items) - 1))

    # Checklist

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        index = event.selection.value
        text, done = self.items[index]
        self.items[index] = (text, not done)

    def _prefixed(self, title: str):
        """A new card's `CLIENT:` prefix: the client it names and the rest of the title."""
        return None if self.edited else client_prefix(line=title, clients=self.clients)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing "NWB: …" picks the client at once, so the form shows what will be saved."""
        if event.input.id == "title" and (prefixed := self._prefixed(event.value)) is not None:
            self.query_one("#client_id", Select).value = prefixed[0].id

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "new-item":
            self.action_add_item()
        else:
            self.action_save()

    def action_add_item(self) -> None:
        field = self.query_one("#new-item", Input)
        if field.value.strip():
            self.items.append((field.value.strip(), False))
            field.value = ""
            self._fill_checklist(highlight=len(self.items) - 1)

    def _highlighted(self) -> int | None:
        widget = self.query_one("#checklist", SelectionList)
        return widget.highlighted if widget.has_focus else None

    def action_delete_item(self) -> None:
        index = self._highlighted()
        if index is not None and 0 <= index < len(self.items):
            del self.items[index]
            self._fill_checklist(highlight=index)

    def action_move_item(self, step: int) -> None:
        index = self._highlighted()
        if index is None or not 0 <= index + step < len(self.items):
            return
        self.items[index], self.items[index + step] = self.items[index + step], self.items[index]
        self._fill_checklist(highlight=index + step)

    # Saving

    def _raw(self) -> dict:
        """What the form holds now, as typed, to tell whether anything changed."""
        values = {
            name: self.query_one(f"#{name}", Input).value
            for name in ("title", "estimate_hours", "due", "labels")
        }
        values.update(
            {
                name: self.query_one(f"#{name}", Select).value
                for name in ("client_id", "status", "priority", "assignee_id", "billable")
            }
        )
        values["description"] = self.query_one("#description", TextArea).text
        values["promised"] = self.query_one("#promised", Checkbox).value
        values["items"] = list(self.items)
        return values

    def _parse(self) -> tuple[dict, dict[str, str]]:
        """The changes to save and the error of each field that is not valid."""
        raw = self._raw()
        errors: dict[str, str] = {}
        changes: dict = {
            "title": raw["title"],
            "description": raw["description"],
            "status": raw["status"],
            "priority": raw["priority"],
            "labels": raw["labels"],
            "assignee_id": None if raw["assignee_id"] is Select.NULL else raw["assignee_id"],
            "billable": BILLABLE_VALUES[raw["billable"]],
        }
        prefixed = self._prefixed(raw["title"])
        if prefixed is not None:  # "NWB: landing page", as `clientdeck add` reads it
            client, changes["title"] = prefixed
            raw["client_id"] = client.id
        if not changes["title"].strip():
            errors["title"] = _("the title cannot be empty")
        if raw["client_id"] is Select.NULL:
            errors["client_id"] = _("pick a client")
        else:
            changes["client_id"] = raw["client_id"]
        try:
            text = raw["estimate_hours"].strip()
            changes["estimate_hours"] = parse_hours(text=text) if text else None
        except ValueError as error:
            errors["estimate_hours"] = str(error)
        try:
            text = raw["due"].strip()
            due = parse_due(text=text, today=clock.today()) if text else None
            changes["due_date"] = due.date if due else None
            changes["due_time"] = due.time if due else None
        except ValueError as error:
            errors["due"] = str(error)
        promised = raw["promised"]
        was_promised = self.edited is not None and self.edited.promised_at is not None
        if promised != was_promised:
            changes["promised_at"] = clock.now() if promised else None
        return changes, errors

    def _show_errors(self, errors: dict[str, str]) -> None:
        for widget in self.query(".error"):
            message = errors.get((widget.id or "").removeprefix("error-"), "")
            widget.update(message)
            widget.set_class(bool(message), "-shown")

    def action_save(self) -> None:
        changes, errors = self._parse()
        self._show_errors(errors)
        if errors:
            self.app.bell()
            return
        self._save(changes=changes, expected_version=self.edited.version if self.edited else None)

    def _save(self, *, changes: dict, expected_version: int | None) -> None:
        try:
            done = save_card(
                self.app.engine,
                task_id=self.edited.id if self.edited else None,
                changes=changes,
                checklist_items=self.items,
                who=self.app.me_id,
                expected_version=expected_version,
            )
        except ValidationError as error:
            self._show_errors({error.field or "title": str(error)})
            return
        except ConflictError as conflict:
            self._resolve(changes=changes, conflict=conflict)
            return
        self.app.undo_stack.add(done.undo)
        self.dismiss(done.value.id)

    def _resolve(self, *, changes: dict, conflict: ConflictError) -> None:
        """Show mine against theirs; keep mine, take theirs, or merge field by field."""
        base = snapshot(self.edited)
        theirs = conflict.current
        edited, clashes = merge_changes(base=base, mine=changes, theirs=theirs)
        fields = sorted(
            {f for f in changes if changes[f] != theirs.get(f)}
            | {f for f in base if base[f] != theirs.get(f) and f in changes}
        )
        rows = [
            (_(FIELD_TITLES.get(f, f)), _shown(changes.get(f)), _shown(theirs.get(f)))
            for f in fields
        ]

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                self._save(changes=changes, expected_version=theirs["version"])
            elif choice == "merge":
                self._save(changes=edited, expected_version=theirs["version"])
            elif choice == "theirs":
                self.notify(_("Kept their version; your edits were dropped"), timeout=4)
                self.dismiss(None)

        self.app.push_screen(
            ConflictDialog(rows=rows, clashes=[_(FIELD_TITLES.get(f, f)) for f in clashes]), chosen
        )

    def action_close(self) -> None:
        if self._raw() == self._baseline:
            self.dismiss(None)
            return

        def answered(discard: bool) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(
                question=_("Discard the changes to this card?"),
                yes=_("Discard"),
                no=_("Keep editing"),
            ),
            answered,
        )
