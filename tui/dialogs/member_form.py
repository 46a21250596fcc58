"""The member form: a new colleague (or myself), or the details of one."""

from __future__ import annotations

from model.i18n import _
from model.members import add_member, edit_member
from model.tables import Member
from model.undo import Done
from tui.dialogs.form import Field, FormScreen, number

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def days_text(*, working_days: str) -> str:
    """Stored working days as people type them: "12345" → "mon-fri"."""
    days = [int(char) for char in working_days]
    if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"{DAY_NAMES[days[0] - 1]}-{DAY_NAMES[days[-1] - 1]}"
    return ",".join(DAY_NAMES[day - 1] for day in days)


class MemberForm(FormScreen):
    """Dismisses with the `Done` of the change, or None when cancelled."""

    def __init__(self, *, engine, member: Member | None = None, title: str = "") -> None:
        self.engine = engine
        self.member = member
        capacity = f"{member.weekly_capacity_hours:g}" if member else "40"
        fields = [
            Field("name", _("Full name"), member.name if member else ""),
            Field("initials", _("Initials"), member.initials if member else "", _("from the name")),
            Field("role", _("Role"), member.role if member else "", _("PPC, SEO, design…")),
            Field("weekly_capacity_hours", _("Hours a week"), capacity),
            Field(
                "working_days",
                _("Working days"),
                days_text(working_days=member.working_days) if member else "mon-fri",
                "mon-fri, 1,2,3",
            ),
        ]
        heading = title or (_("Edit {name}", name=member.name) if member else _("New colleague"))
        super().__init__(title=heading, fields=fields, save=self._save)

    def _save(self, values: dict[str, str]) -> Done[Member]:
        fields: dict[str, object] = dict(values)
        fields["weekly_capacity_hours"] = number(
            values["weekly_capacity_hours"], field="weekly_capacity_hours", required=True
        )
        if self.member is not None:
            return edit_member(self.engine, member_id=self.member.id, values=fields)
        return add_member(self.engine, values=fields)
