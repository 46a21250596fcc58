"""A form of a few fields saved together, checked by the model before anything is written.

Each field is one row (its label, then the input or a choice), so a form of
eight fields still fits a 24-line terminal. The `save` callback raises
`ValueError`s that name their field (`ValidationError.field`); the message is
shown under that field and the form stays open with everything typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from model.errors import ValidationError
from model.i18n import _
from tui.format import literal
from tui.keys import translate_bindings
from tui.outage import SurvivesOutages


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    """(label, value) pairs: the field is a choice instead of typed text."""


class FormScreen(SurvivesOutages, ModalScreen[object]):
    """Dismisses with what `save` returned, or None when cancelled."""

    CSS_PATH = "form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(
        self,
        *,
        title: str,
        fields: list[Field],
        save: Callable[[dict[str, str]], object],
        hint: str = "",
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.heading = title
        self.fields = fields
        self.saver = save
        self.hint = hint

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Label(literal(self.heading), classes="title", markup=False)
            for field in self.fields:
                with Horizontal(classes="row"):
                    yield Label(literal(field.label), classes="label", markup=False)
                    if field.choices:
                        yield Select(
                            [(literal(label), value) for label, value in field.choices],
                            value=field.value or field.choices[0][1],
                            allow_blank=False,
                            compact=True,
                            id=f"f-{field.name}",
                        )
                    else:
                        yield Input(
                            field.value,
                            placeholder=field.placeholder,
                            id=f"f-{field.name}",
                            compact=True,
                        )
                yield Static("", classes="error", id=f"error-{field.name}", markup=False)
            yield Static("", classes="error", id="error-form", markup=False)
            yield Static(
                self.hint or _("enter goes on · ctrl+s saves · escape cancels"), classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one(f"#f-{self.fields[0].name}").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        names = [field.name for field in self.fields]
        index = names.index((event.input.id or "").removeprefix("f-"))
        if index + 1 < len(names):
            self.query_one(f"#f-{names[index + 1]}").focus()
        else:
            self.action_save()

    def values(self) -> dict[str, str]:
        out = {}
        for field in self.fields:
            widget = self.query_one(f"#f-{field.name}")
            out[field.name] = str(widget.value)
        return out

    def action_save(self) -> None:
        values = self.values()
        for widget in self.query(".error"):
            widget.update("")
            widget.remove_class("-shown")
        try:
            result = self.saver(values)
        except ValueError as error:
            self.show_error(field=getattr(error, "field", ""), message=str(error))
            return
        self.dismiss(result)

    def show_error(self, *, field: str, message: str) -> None:
        known = any(f.name == field for f in self.fields)
        shown = self.query_one(f"#error-{field}" if known else "#error-form", Static)
        shown.update(message)
        shown.add_class("-shown")
        if known:
            self.query_one(f"#f-{field}").focus()
        self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)


def number(text: str, *, field: str, required: bool = False) -> float | None:
    """A typed number (a comma works as the decimal mark), or None when left empty."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    if not cleaned and not required:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError(_("enter a number"), field=field) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(_("enter a number"), field=field)
    return value
