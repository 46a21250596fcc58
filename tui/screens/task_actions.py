"""Keys that act on the selected task, the same on every screen that lists tasks.

A screen mixes `TaskActions` in and provides `selected_task_id()` and
`reload()`; every change goes through `change_selected`, so each one is
undoable and a refused change is said, not raised.
"""

from __future__ import annotations

from collections.abc import Callable

from model.i18n import _
from model.members import team
from model.tasks import (
    ConflictError,
    NotFoundError,
    ValidationError,
    archive_task,
    get_task,
    next_priority,
    restore,
    snapshot,
    update_task,
)
from tui.format import subject


class TaskActions:
    def selected_task_id(self) -> int | None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def change_selected(
        self,
        *,
        label: str,
        change: Callable[[int], object],
        also: tuple[int, ...] = (),
        then: Callable[[], object] | None = None,
    ) -> bool:
        """Apply `change` to the selected task; undo puts back every task it touched.

        `then` adjusts the screen (say, where the selection goes) before its one reload.
        """
        task_id = self.selected_task_id()
        if task_id is None:
            self.app.bell()
            return False
        engine, who = self.app.engine, self.app.me_id
        try:
            before = {tid: snapshot(get_task(engine, task_id=tid)) for tid in (task_id, *also)}
            change(task_id)
        except (ValidationError, ConflictError, NotFoundError) as problem:
            self.notify(str(problem), severity="error", markup=False)
            self.reload()
            return False
        self.app.undo_stack.push(
            label=f"{label}: {before[task_id]['title']}",
            revert=lambda: restore(engine, states=before, who=who),
        )
        if then is not None:
            then()
        self.reload()
        return True

    def _update_selected(self, *, label: str, changes: Callable[[int], dict]) -> bool:
        return self.change_selected(
            label=label,
            change=lambda task_id: update_task(
                self.app.engine, task_id=task_id, changes=changes(task_id), who=self.app.me_id
            ),
        )

    def action_priority(self) -> None:
        self._update_selected(
            label=_("priority"),
            changes=lambda task_id: {
                "priority": next_priority(
                    current=get_task(self.app.engine, task_id=task_id).priority
                )
            },
        )

    def action_archive(self) -> None:
        self.change_selected(
            label=_("archive"),
            change=lambda task_id: archive_task(
                self.app.engine, task_id=task_id, who=self.app.me_id
            ),
        )

    def action_due(self) -> None:
        from tui.screens.prompt import DuePrompt

        if self.selected_task_id() is None:
            self.app.bell()
            return

        def chosen(due) -> None:
            if due is not None:
                self._update_selected(
                    label=_("due"), changes=lambda _id: {"due_date": due.date, "due_time": due.time}
                )

        self.app.push_screen(DuePrompt(), chosen)

    def action_assign(self) -> None:
        from tui.screens.prompt import PickScreen

        task_id = self.selected_task_id()
        if task_id is None:
            self.app.bell()
            return
        task = get_task(self.app.engine, task_id=task_id)
        options = [(_("Nobody"), None)] + [
            (f"{m.initials}  {m.name} · {m.role}", m.id) for m in team(self.app.engine)
        ]

        def chosen(picked) -> None:
            if picked is not PickScreen.CANCELLED:
                self._update_selected(
                    label=_("assign"), changes=lambda _id: {"assignee_id": picked}
                )

        title = _("Assign {task} to", task=subject(task.title))
        self.app.push_screen(PickScreen(title=title, options=options), chosen)

    def action_edit(self) -> None:
        from tui.screens.card import CardScreen

        task_id = self.selected_task_id()
        if task_id is None:
            self.app.bell()
            return
        self.app.push_screen(CardScreen(task_id=task_id), lambda _saved: self.reload())
