"""Bindings whose descriptions speak the UI language, and the keys in force.

Textual reads `BINDINGS` at class creation, before the config has chosen a
language, so each app and screen translates its bindings when it is built.

The keys in force are the bindings after the config's remaps (`[keys]`,
binding id = key). A remap is checked before it is used: an id no screen has,
or a key another binding of the same screen already answers, is refused in
one line naming both bindings, and the default key stays.
"""

from __future__ import annotations

import difflib
import pkgutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cache
from importlib import import_module

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import ModalScreen, Screen

from model.config import ConfigError
from model.i18n import N_, _

UNKNOWN = N_("keys.{binding}: no screen has this binding")
UNKNOWN_LIKE = N_("keys.{binding}: no screen has this binding (did you mean {like}?)")
CLASH = N_('keys.{binding} = "{key}": {key} is already {other} ("{what}") on the same screen')
NOT_APPLIED = N_("{problem}; the default key stays")


def translate_bindings(node: DOMNode) -> None:
    """The node's bindings with their descriptions in the language in force; called
    again after the language changes, it translates the English ones afresh."""
    source = node.__dict__.setdefault("_untranslated_bindings", node._bindings)
    translated = BindingsMap()
    for key, bindings in source.key_to_bindings.items():
        translated.key_to_bindings[key] = [
            replace(binding, description=_(binding.description) if binding.description else "")
            for binding in bindings
        ]
    node._bindings = translated


def in_force(node: DOMNode) -> BindingsMap:
    """The node's bindings with the app's remaps applied: what its keys do now."""
    bindings = node._bindings.copy()
    keymap = node.app._keymap if node.app is not None else {}
    if keymap:
        bindings.apply_keymap(keymap)
    return bindings


def key_hint(node: DOMNode, *, ids: Sequence[str], per_line: int = 0) -> str:
    """ "a Accept · b Backlog": the keys in force of these bindings, in this order;
    with `per_line`, so many to a line, so that a key and its word stay together."""
    found: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for key, bindings in in_force(node).key_to_bindings.items():
        for binding in bindings:
            if binding.id in ids:
                found.setdefault(binding.id, []).append(
                    node.app.get_key_display(Binding(key, binding.action))
                )
                descriptions[binding.id] = binding.description
    pieces = [f"{'/'.join(found[id_])} {descriptions[id_]}" for id_ in ids if id_ in found]
    step = per_line or len(pieces) or 1
    return "\n".join(" · ".join(pieces[at : at + step]) for at in range(0, len(pieces), step))


def _nodes(base: type) -> Iterator[type]:
    for sub in base.__subclasses__():
        yield sub
        yield from _nodes(sub)


def _bindings(cls: type[DOMNode]) -> tuple[Binding, ...]:
    merged = cls._merged_bindings or BindingsMap()
    return tuple(binding for _key, binding in merged if binding.id)


@cache
def places() -> tuple[tuple[Binding, ...], ...]:
    """The bindings that answer keys together: the app's; each screen's with the app's;
    each dialog's with the app's priority keys (quit). Every screen module is imported."""
    import tui.app
    import tui.dialogs
    import tui.screens

    for package in (tui.screens, tui.dialogs):
        for module in pkgutil.iter_modules(package.__path__):
            import_module(f"{package.__name__}.{module.name}")
    app = _bindings(tui.app.ClientDeck)
    priority = tuple(binding for binding in app if binding.priority)
    found = []
    for cls in dict.fromkeys(_nodes(DOMNode)):
        if not cls.__module__.startswith("tui.") or issubclass(cls, App):
            continue
        own = _bindings(cls)
        if not own:
            continue
        modal = issubclass(cls, ModalScreen) or not issubclass(cls, Screen)
        found.append(own + (priority if modal else app))
    return (app, *found)


def _keys(text: str) -> list[str]:
    return App._normalize_keymap({"": text})[""].split(",")


def _clashes(keymap: Mapping[str, str]) -> Iterator[tuple[str, str, Binding]]:
    """(remapped id, its key, the other binding on that key) for every clash."""
    remapped = {binding_id: _keys(keys) for binding_id, keys in keymap.items()}
    for place in places():
        on_key: dict[str, dict[str, Binding]] = {}
        defaults: dict[str, set[str]] = {}
        for binding in place:
            defaults.setdefault(binding.id, set()).add(binding.key)
            for key in remapped.get(binding.id, [binding.key]):
                on_key.setdefault(key, {})[binding.id] = binding
        for key, bindings in on_key.items():
            for binding_id in bindings:
                if binding_id in remapped and key not in defaults[binding_id]:
                    for other_id, other in bindings.items():
                        if other_id != binding_id:
                            yield binding_id, key, other


def check_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[ConfigError]]:
    """The remaps that can be used, and one problem for each that cannot (the app says
    each with NOT_APPLIED; `config set` refuses it).

    An unknown id is refused; of two bindings on one key the remap is refused (of two
    remaps, the later one), and the check runs again without it, so swapping two
    bindings' keys is fine."""
    known = {binding.id for place in places() for binding in place}
    problems: list[ConfigError] = []
    usable: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id in known:
            usable[binding_id] = keys
            continue
        like = difflib.get_close_matches(binding_id, sorted(known), n=1)
        if like:
            problems.append(ConfigError(UNKNOWN_LIKE, binding=binding_id, like=like[0]))
        else:
            problems.append(ConfigError(UNKNOWN, binding=binding_id))
    order = list(usable)
    while True:
        # by the other binding's id: the same clash is said whatever order the screens loaded in
        clashes = sorted(_clashes(usable), key=lambda clash: clash[2].id or "")
        if not clashes:
            return usable, problems
        binding_id, key, other = max(clashes, key=lambda clash: order.index(clash[0]))
        problems.append(
            ConfigError(
                CLASH,
                binding=binding_id,
                key=format_key(key),
                other=other.id,
                what=_(other.description) if other.description else other.action,
            )
        )
        del usable[binding_id]


def refuse_bad_remap(*, keymap: Mapping[str, str], key: str, value: object) -> None:
    """`clientdeck config set keys.ID KEY`: raise the problem of this remap, if it has one;
    any other setting passes."""
    head, _dot, binding_id = key.partition(".")
    if head != "keys" or not binding_id or not isinstance(value, str):
        return
    others = {other: keys for other, keys in keymap.items() if other != binding_id}
    _usable, problems = check_keymap({**others, binding_id: value.strip()})
    for problem in problems:
        if problem.values.get("binding") == binding_id:
            raise problem
