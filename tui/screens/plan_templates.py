"""Plan's sprint templates: `s` saves the selected client's planned sprint as a template,
`T` plans one of the client's templates into the week shown (undo takes it back)."""

from __future__ import annotations

from textual import work

from model.errors import ValidationError
from model.i18n import _, ngettext
from model.templates import apply_template, save_template, template_name, templates_of
from model.weeks import as_date, iso_week_label
from tui.dialogs.pick import PickDialog
from tui.dialogs.text import TextDialog
from tui.format import hours
from tui.outage import survive


class TemplateActions:
    """Mixed into the Plan screen, which has `sprint`, `view`, `reload` and the selection."""

    @work(exclusive=True, group="plan-prompt")
    @survive
    async def action_save_template(self) -> None:
        client = self._selected_client()
        if client is None:
            self.app.bell()
            return
        week = iso_week_label(day=as_date(self.sprint.week_start))

        name = await self.app.push_screen_wait(
            TextDialog(
                title=_("Save {client}'s sprint as a template named", client=client.name),
                value=f"{client.code} {week}",
                parse=template_name,  # its ValidationError is said under the input
            )
        )
        if name is None:
            return
        try:
            saved = save_template(
                self.app.engine,
                client_id=client.client_id,
                sprint_id=self.sprint.id,
                name=name,
            )
        except ValidationError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(
            ngettext(
                "Template {name} saved: {n} task",
                "Template {name} saved: {n} tasks",
                n=saved.tasks,
                name=saved.name,
            ),
            markup=False,
        )

    @work(exclusive=True, group="plan-prompt")
    @survive
    async def action_apply_template(self) -> None:
        client = self._selected_client()
        if client is None:
            self.app.bell()
            return
        found = templates_of(self.app.engine, client_id=client.client_id)
        if not found:
            self.notify(
                _(
                    "{client} has no templates yet: s saves a planned sprint as one",
                    client=client.name,
                ),
                markup=False,
            )
            return
        options = [
            (
                ngettext(
                    "{name} · {n} task · {hours}h",
                    "{name} · {n} tasks · {hours}h",
                    n=template.tasks,
                    name=template.name,
                    hours=hours(template.hours),
                ),
                template,
            )
            for template in found
        ]

        title = _("Plan which template of {client}?", client=client.name)
        template = await self.app.push_screen_wait(PickDialog(title=title, options=options))
        if template is None:
            return
        try:
            done = apply_template(
                self.app.engine,
                template_id=template.id,
                sprint_id=self.sprint.id,
                who=self.app.me_id,
            )
        except ValidationError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.undo_stack.add(done.undo)
        said = ngettext(
            "{n} task planned from {name}",
            "{n} tasks planned from {name}",
            n=len(done.value),
            name=template.name,
        )

        def say(view) -> None:
            """Said with the week as read after the tasks were planned."""
            overloaded = sum(member.overloaded for member in view.members)
            text = said
            if overloaded:
                text += "; " + ngettext(
                    "{n} member over capacity", "{n} members over capacity", n=overloaded
                )
            severity = "warning" if overloaded else "information"
            self.notify(text, severity=severity, markup=False)

        self.reload(then=say)
