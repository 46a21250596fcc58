"""Managing clients where they are shown: the clients list and a client's detail.

Every change goes through one model command, which returns its undo step; the
screen pushes that step, says what happened, and reads again.
"""

from __future__ import annotations

from textual import work

from model import clock
from model.budgets import paid_hours
from model.clients import active_clients, client_by_id, running_timers, set_client_status
from model.contacts import contacts_of, edit_contact
from model.i18n import _, ngettext
from model.tables import Client, ClientStatus, Contact
from tui.dialogs.budget_form import BudgetForm
from tui.dialogs.client_form import ClientForm
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.contact_form import ContactForm
from tui.dialogs.pick import PickDialog
from tui.outage import survive


class ClientAdmin:
    """Keys that create, edit, pause, archive and restore clients and their contacts.

    Mixed into a screen that has `current_client_id()` and `reload()`.
    """

    def _done(self, done, *, message: str = "") -> None:
        """A form or command finished: its undo goes on the stack and the screen re-reads."""
        if done is None:
            return
        self.app.undo_stack.add(done.undo)
        self.app.notify(
            message or _("{what} · ctrl+z undoes", what=done.undo.label), timeout=4, markup=False
        )
        self.app.refresh_facts()
        self.reload()

    def _client(self):
        client_id = self.current_client_id()
        if client_id is None:
            self.app.bell()
            return None
        return client_by_id(self.app.engine, client_id=client_id)

    def action_new_client(self) -> None:
        self.app.push_screen(ClientForm(engine=self.app.engine), self._done)

    def action_edit_client(self) -> None:
        client = self._client()
        if client is not None:
            self.app.push_screen(ClientForm(engine=self.app.engine, client=client), self._done)

    def action_pause_client(self) -> None:
        """Pause an active client, or take a paused one back to work."""
        client = self._client()
        if client is None:
            return
        status = (
            ClientStatus.ACTIVE if client.status == ClientStatus.PAUSED else ClientStatus.PAUSED
        )
        self._done(set_client_status(self.app.engine, client_id=client.id, status=status))

    @work(exclusive=True, group="client-prompt")
    @survive
    async def action_archive_client(self) -> None:
        """Archive the client; running timers on its work are asked about, never stopped."""
        client = self._client()
        if client is None:
            return
        engine = self.app.engine
        running = running_timers(engine, client_id=client.id)
        if running:
            question = ngettext(
                "{n} timer runs on work for {name}. Archive anyway? It keeps running.",
                "{n} timers run on work for {name}. Archive anyway? They keep running.",
                n=running,
                name=client.name,
            )
            if not await self.app.push_screen_wait(
                ConfirmDialog(question=question, yes=_("Archive"), no=_("Keep"))
            ):
                return
        done = set_client_status(engine, client_id=client.id, status=ClientStatus.ARCHIVED)
        self._done(done, message=_("Archived {name} · ctrl+z undoes", name=client.name))

    @work(exclusive=True, group="client-prompt")
    @survive
    async def action_archived_clients(self) -> None:
        """Pick an archived client to restore."""
        archived = [
            client
            for client in active_clients(self.app.engine, archived=True)
            if client.status == ClientStatus.ARCHIVED
        ]
        if not archived:
            self.app.notify(_("No archived clients"), timeout=3)
            return
        client_id = await self.app.push_screen_wait(
            PickDialog(
                title=_("Archived clients: enter restores"),
                options=[(f"{c.code} · {c.name}", c.id) for c in archived],
            )
        )
        if client_id is not None:
            done = set_client_status(
                self.app.engine, client_id=client_id, status=ClientStatus.ACTIVE
            )
            self._done(done)

    def action_paid_hours(self) -> None:
        client = self._client()
        if client is None:
            return

        def saved(done) -> None:
            if done is not None and done.value.past_month:
                self.app.notify(
                    _(
                        "{month} has passed and may be invoiced already: "
                        "its report now shows the new hours",
                        month=done.value.from_month.format("YYYY-MM"),
                    ),
                    severity="warning",
                    timeout=8,
                )
            self._done(done)

        self.app.push_screen(
            BudgetForm(
                engine=self.app.engine,
                client_id=client.id,
                client_name=client.name,
                hours=paid_hours(self.app.engine, client_id=client.id, month=clock.today()),
            ),
            saved,
        )

    def action_new_contact(self) -> None:
        client = self._client()
        if client is not None:
            self.app.push_screen(
                ContactForm(engine=self.app.engine, client_id=client.id, client_name=client.name),
                self._done,
            )

    async def _pick_contact(self, *, title: str) -> tuple[Client, Contact] | None:
        """The selected client and the contact of theirs picked, or None when there is
        none to pick or the pick is cancelled. `title` names the client as {client}."""
        client = self._client()
        if client is None:
            return None
        people = contacts_of(self.app.engine, client_id=client.id)
        if not people:
            self.app.notify(_("No contacts yet: C adds one"), timeout=3)
            return None
        options = [(" — ".join(filter(None, [p.name, p.role])), p) for p in people]
        contact = await self.app.push_screen_wait(
            PickDialog(title=title.format(client=client.name), options=options)
        )
        return None if contact is None else (client, contact)

    @work(exclusive=True, group="client-prompt")
    @survive
    async def action_edit_contact(self) -> None:
        picked = await self._pick_contact(
            title=_("Edit which contact at {client}?", client="{client}")
        )
        if picked is None:
            return
        client, contact = picked
        done = await self.app.push_screen_wait(
            ContactForm(
                engine=self.app.engine,
                client_id=client.id,
                client_name=client.name,
                contact=contact,
            )
        )
        self._done(done)

    @work(exclusive=True, group="client-prompt")
    @survive
    async def action_archive_contact(self) -> None:
        picked = await self._pick_contact(
            title=_("Archive which contact at {client}?", client="{client}")
        )
        if picked is not None:
            _client, contact = picked
            self._done(edit_contact(self.app.engine, contact_id=contact.id, archived=True))
