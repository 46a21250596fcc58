"""Days off for a member: from, to, and why."""

from __future__ import annotations

from model import clock
from model.daysoff import add_day_off
from model.errors import ValidationError
from model.i18n import _
from model.parsing import parse_due
from model.tables import DayOff, DayOffKind
from model.undo import Done
from tui.dialogs.form import Field, FormScreen
from tui.labels import KIND_TITLES


class DayOffForm(FormScreen):
    """Dismisses with the `Done` of the change, or None when cancelled."""

    def __init__(self, *, engine, member_id: int, member_name: str) -> None:
        self.engine = engine
        self.member_id = member_id
        super().__init__(
            title=_("Days off for {name}", name=member_name),
            fields=[
                Field("first", _("From"), "", _("2026-12-24, monday, +3d")),
                Field("last", _("To"), "", _("empty: the same day")),
                Field(
                    "kind",
                    _("Why"),
                    DayOffKind.VACATION,
                    choices=tuple((_(title), kind) for kind, title in KIND_TITLES.items()),
                ),
                Field("note", _("Note")),
            ],
            save=self._save,
        )

    def _day(self, text: str, *, field: str):
        try:
            due = parse_due(text=text, today=clock.today())
        except ValueError as error:
            raise ValidationError(str(error), field=field) from None
        if due.date is None:
            raise ValidationError(_("enter a date"), field=field)
        return due.date

    def _save(self, values: dict[str, str]) -> Done[DayOff]:
        first = self._day(values["first"], field="first")
        last = self._day(values["last"], field="last") if values["last"].strip() else first
        return add_day_off(
            self.engine,
            member_id=self.member_id,
            first=first,
            last=last,
            kind=values["kind"],
            note=values["note"],
        )
