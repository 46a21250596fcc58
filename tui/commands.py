"""Command palette providers: every action of the screen at hand, and "go to …"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from model.board import find_tasks
from model.clients import active_clients
from model.i18n import _
from tui.format import literal
from tui.keys import in_force


class ScreenActionsProvider(Provider):
    """Each key binding of the current screen, by its description, with its key in force."""

    def _commands(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        seen: set[str] = set()
        out = []
        for node in (screen, self.app):
            for key, bindings in in_force(node).key_to_bindings.items():
                for binding in bindings:
                    if binding.description and binding.action not in seen:
                        seen.add(binding.action)
                        out.append((binding.description, binding.action, key))
        return out

    async def discover(self) -> Hits:
        for description, action, key in self._commands():
            yield DiscoveryHit(description, partial(self._run, action), help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, action, key in self._commands():
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(description), partial(self._run, action), help=key
                )

    async def _run(self, action: str) -> None:
        await self.app.run_action(action, self._owner_of(action))

    def _owner_of(self, action: str):
        for node in (self.screen, self.app):
            for bindings in node._bindings.key_to_bindings.values():
                if any(binding.action == action for binding in bindings):
                    return node
        return None


class GoToProvider(Provider):
    """ "go to client …" and "go to task …" by fuzzy name."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for client in active_clients(self.app.engine):
            label = _("Go to client {name}", name=literal(f"{client.code} · {client.name}"))
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(label), partial(self.app.go_to_client, client.id)
                )
        words = query.strip()
        if len(words) < 2:
            return
        for task in find_tasks(self.app.engine, text=words, limit=50):
            label = _(
                "Go to task {title}", title=literal(f"{task.client_code} #{task.id} {task.title}")
            )
            score = matcher.match(label) or 0.01
            yield Hit(score, matcher.highlight(label), partial(self.app.go_to_task, task.id))
