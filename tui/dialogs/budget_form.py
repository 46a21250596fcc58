"""Paid hours a month for a client, from a month on."""

from __future__ import annotations

from model import clock
from model.budgets import BudgetChange, set_budget
from model.errors import ValidationError
from model.i18n import _
from model.undo import Done
from model.weeks import parse_month
from tui.dialogs.form import Field, FormScreen, number


class BudgetForm(FormScreen):
    """Dismisses with the `Done` of the change, or None when cancelled."""

    def __init__(self, *, engine, client_id: int, client_name: str, hours: float | None) -> None:
        self.engine = engine
        self.client_id = client_id
        super().__init__(
            title=_("Paid hours of {client}", client=client_name),
            fields=[
                Field("hours", _("Hours a month"), "" if hours is None else f"{hours:g}"),
                Field("from_month", _("From the month"), clock.today().format("YYYY-MM")),
            ],
            save=self._save,
            hint=_("earlier months keep their hours · enter saves · escape cancels"),
        )

    def _save(self, values: dict[str, str]) -> Done[BudgetChange]:
        hours = number(values["hours"], field="hours", required=True)
        try:
            month = parse_month(text=values["from_month"].strip())
        except ValueError as error:
            raise ValidationError(str(error), field="from_month") from None
        return set_budget(self.engine, client_id=self.client_id, from_month=month, hours=hours)
