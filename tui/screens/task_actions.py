"""Keys that act on the selected task, the same on every screen that lists tasks.

A screen mixes `TaskActions` in and provides `selected_task_id()` and
`reload()`; every change goes through `change_selected`: written in the
background in order (`tui.writes`), undoable once stored, and a refused
change is said, not raised.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from model.i18n import _
from model.members import team
from model.task_steps import archive, cycle_priority, set_fields
from model.tasks import get_task
from model.undo import Done
from tui.dialogs.dialog import Given
from tui.dialogs.due import DueDialog
from tui.dialogs.pick import PickDialog
from tui.format import subject
from tui.outage import survive
from tui.redraws import Drawing
from tui.writes import REFUSALS


class TaskActions:
    def selected_task_id(self) -> int | None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def drawn_back(self) -> Callable[[], None] | None:
        """How to draw the screen as it is now again, when the change about to be made is
        taken back: at once, before the take-back is stored. None: the screen shows
        the take-back once it is stored."""
        return None

    def change_selected(
        self,
        *,
        change: Callable[[int], Done],
        show: Callable[[], object] | None = None,
        then: Callable[[], object] | None = None,
    ) -> bool:
        """Write `change` to the selected task in the background, after the writes before it.

        `show` draws the change at once from what the screen holds. Once the write has
        committed, its undo step is pushed (with how to draw it taken back), `then`
        adjusts the screen (where the selection goes) and the screen reads the stored
        state, once the writes queued behind it are done too. A refused write is said
        (an outage is said by the app, and what was dropped behind a refusal by that
        refusal) and the screen shows the stored state again.
        """
        task_id = self.selected_task_id()
        if task_id is None:
            self.app.bell()
            return False

        back = self.drawn_back()
        redraws = self.app.redraws
        drawing: Drawing | None = None

        def done(made: Done) -> None:
            self.app.undo_stack.add(made.undo)
            if drawing is not None:
                drawing.step = made.undo
            if then is not None:
                then()
            if not self.app.writes.busy:
                self.reload()

        def failed(problem: BaseException) -> None:
            if drawing is not None:
                redraws.refused(drawing)
            if isinstance(problem, REFUSALS):
                self.notify(str(problem), severity="error", markup=False)
            if not self.app.writes.busy:
                self.reload()

        if show is not None:
            show()
        self.app.writes.submit(run=lambda: change(task_id), done=done, failed=failed)
        if back is not None:
            drawing = redraws.made(redraw=back)
        return True

    def _update_selected(self, *, label: str, changes: dict) -> bool:
        engine, who = self.app.engine, self.app.me_id
        return self.change_selected(
            change=lambda task_id: set_fields(
                engine, task_id=task_id, changes=changes, label=label, who=who
            ),
        )

    def action_priority(self) -> None:
        engine, who = self.app.engine, self.app.me_id
        self.change_selected(
            change=lambda task_id: cycle_priority(
                engine, task_id=task_id, label=_("priority"), who=who
            ),
            show=self.show_priority_cycled,
        )

    def show_priority_cycled(self) -> None:
        """Draw the selected task's next priority before it is stored; a screen that cannot
        shows it once stored."""

    def action_archive(self) -> None:
        engine, who = self.app.engine, self.app.me_id
        self.change_selected(
            change=lambda task_id: archive(engine, task_id=task_id, label=_("archive"), who=who)
        )

    @work(exclusive=True, group="task-prompt")
    @survive
    async def action_due(self) -> None:
        if self.selected_task_id() is None:
            self.app.bell()
            return
        due = await self.app.push_screen_wait(DueDialog())
        if due is not None:
            self._update_selected(
                label=_("due"), changes={"due_date": due.date, "due_time": due.time}
            )

    @work(exclusive=True, group="task-prompt")
    @survive
    async def action_assign(self) -> None:
        task_id = self.selected_task_id()
        if task_id is None:
            self.app.bell()
            return
        task = get_task(self.app.engine, task_id=task_id)
        options = [(_("Nobody"), Given(None))] + [
            (f"{m.initials}  {m.name} · {m.role}", Given(m.id)) for m in team(self.app.engine)
        ]
        title = _("Assign {task} to", task=subject(task.title))
        picked = await self.app.push_screen_wait(PickDialog(title=title, options=options))
        if picked is not None:
            self._update_selected(label=_("assign"), changes={"assignee_id": picked.value})

    def action_edit(self) -> None:
        from tui.screens.card import CardScreen

        task_id = self.selected_task_id()
        if task_id is None:
            self.app.bell()
            return
        self.app.push_screen(CardScreen(task_id=task_id), lambda _saved: self.reload())
