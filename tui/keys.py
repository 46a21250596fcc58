"""Bindings whose descriptions speak the UI language.

Textual reads `BINDINGS` at class creation, before the config has chosen a
language, so each app and screen translates its bindings when it is built.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap
from textual.dom import DOMNode

from model.i18n import _


def translate_bindings(node: DOMNode) -> None:
    translated = BindingsMap()
    for key, bindings in node._bindings.key_to_bindings.items():
        translated.key_to_bindings[key] = [
            replace(binding, description=_(binding.description) if binding.description else "")
            for binding in bindings
        ]
    node._bindings = translated
