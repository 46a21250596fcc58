"""The contact form: a person at the client, new or edited."""

from __future__ import annotations

from model.contacts import add_contact, edit_contact
from model.i18n import _
from model.tables import Contact
from model.undo import Done
from tui.dialogs.form import Field, FormScreen


class ContactForm(FormScreen):
    """Dismisses with the `Done` of the change, or None when cancelled."""

    def __init__(
        self, *, engine, client_id: int, client_name: str, contact: Contact | None = None
    ) -> None:
        self.engine = engine
        self.client_id = client_id
        self.contact = contact
        fields = [
            Field(name, label, getattr(contact, name) if contact else "")
            for name, label in (
                ("name", _("Full name")),
                ("role", _("Role")),
                ("email", _("Email")),
                ("phone", _("Phone")),
                ("messenger", _("Messenger")),
                ("notes", _("Notes")),
            )
        ]
        title = (
            _("Edit contact at {client}", client=client_name)
            if contact
            else _("New contact at {client}", client=client_name)
        )
        super().__init__(title=title, fields=fields, save=self._save)

    def _save(self, values: dict[str, str]) -> Done[Contact]:
        if self.contact is not None:
            return edit_contact(self.engine, contact_id=self.contact.id, values=values)
        return add_contact(self.engine, client_id=self.client_id, values=values)
