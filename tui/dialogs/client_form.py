"""The client form: a new client (with its paid hours) or the profile of one."""

from __future__ import annotations

from model.clients import create_client, edit_client
from model.errors import ValidationError
from model.i18n import _
from model.tables import Channel, Client
from model.undo import Done
from tui.dialogs.form import Field, FormScreen, number
from tui.labels import CHANNEL_TITLES


def whole_days(text: str, *, field: str) -> int | None:
    """A typed count of days, or None when left empty."""
    value = number(text, field=field)
    if value is None:
        return None
    if not value.is_integer():
        raise ValidationError(_("a whole number of days"), field=field)
    return int(value)


class ClientForm(FormScreen):
    """Dismisses with the `Done` of the change, or None when cancelled."""

    def __init__(self, *, engine, client: Client | None = None) -> None:
        self.engine = engine
        self.client = client
        fields = [
            Field("name", _("Name"), client.name if client else ""),
            Field("code", _("Code"), client.code if client else "", _("short, one word: ACME")),
        ]
        if client is None:
            fields.append(Field("hours", _("Paid hours a month"), "", _("empty: none yet")))
        fields += [
            Field("colour", _("Colour"), client.colour if client else "", "#5f87af"),
            Field("site", _("Site"), client.site if client else ""),
            Field(
                "preferred_channel",
                _("Prefers"),
                client.preferred_channel if client else Channel.EMAIL,
                choices=tuple((_(title), channel) for channel, title in CHANNEL_TITLES.items()),
            ),
            Field(
                "cadence_days",
                _("Update every (days)"),
                str(client.cadence_days) if client and client.cadence_days else "",
                _("working days; empty: the default"),
            ),
            Field("notes", _("Notes"), client.notes if client else ""),
        ]
        title = _("Edit client {name}", name=client.name) if client else _("New client")
        super().__init__(title=title, fields=fields, save=self._save)

    def _save(self, values: dict[str, str]) -> Done[Client]:
        fields: dict[str, object] = {
            name: values[name] for name in ("name", "code", "site", "preferred_channel", "notes")
        }
        if values["colour"].strip():
            fields["colour"] = values["colour"]
        fields["cadence_days"] = whole_days(values["cadence_days"], field="cadence_days")
        if self.client is not None:
            return edit_client(self.engine, client_id=self.client.id, values=fields)
        return create_client(
            self.engine,
            values=fields,
            monthly_hours=number(values["hours"], field="hours"),
        )
