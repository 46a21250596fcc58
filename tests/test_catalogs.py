"""Every user-facing string has a Ukrainian and a Russian translation.

Strings are found in the source the way a translator's tool finds them:
`_()`, `N_()` and `ngettext()` calls and the descriptions of key bindings.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from model.i18n import LOCALES, plural_index
from model.tables import Status

ROOT = Path(__file__).resolve().parent.parent
FIELD = re.compile(r"{(\w*)[^}]*}")


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def source_strings() -> dict[str, str]:
    """message → where it is first used."""
    found: dict[str, str] = {}
    for path in sorted([*ROOT.glob("model/**/*.py"), *ROOT.glob("tui/**/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            candidates: list[str | None] = []
            if name in ("_", "N_") and node.args:
                candidates.append(_literal(node.args[0]))
            elif name == "ngettext" and len(node.args) >= 2:
                candidates.append(_literal(node.args[1]))
            elif name == "Binding":
                candidates.append(_literal(node.args[2]) if len(node.args) > 2 else None)
                candidates += [_literal(k.value) for k in node.keywords if k.arg == "description"]
            for message in candidates:
                if message:
                    found.setdefault(message, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def catalog(code: str) -> dict:
    return tomllib.loads((LOCALES / f"{code}.toml").read_text(encoding="utf-8"))


def test_the_source_has_strings_to_translate():
    assert len(source_strings()) > 50


@pytest.mark.parametrize("code", ["uk", "ru"])
def test_every_string_is_translated(code):
    entries = catalog(code)
    missing = [
        f"{where}: {message!r}"
        for message, where in source_strings().items()
        if message not in entries
    ]
    assert not missing, f"{len(missing)} strings lack a {code} translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("code", ["uk", "ru"])
def test_translations_keep_their_fields_and_plural_forms(code):
    for message, translated in catalog(code).items():
        forms = translated if isinstance(translated, list) else [translated]
        if isinstance(translated, list):
            assert len(forms) == 3, f"{message!r}: Slavic plurals need 3 forms"
        for form in forms:
            assert set(FIELD.findall(form)) == set(FIELD.findall(message)), (message, form)


@pytest.mark.parametrize(
    ("n", "index"), [(1, 0), (2, 1), (4, 1), (5, 2), (11, 2), (21, 0), (22, 1), (112, 2)]
)
def test_slavic_plural_categories(n, index):
    assert plural_index(code="uk", n=n) == index
    assert plural_index(code="ru", n=n) == index


@pytest.mark.parametrize("code", ["uk", "ru"])
def test_no_translation_is_left_over(code):
    """An entry the source no longer asks for is a translation nobody checks any more.

    Besides the source's own strings, the catalogs word Textual's key descriptions
    (`tui.keys.translate_bindings`) and the task statuses, which the retro names as
    they are."""
    used = {*source_strings(), *textual_descriptions(), *(status.value for status in Status)}
    stale = sorted(message for message in catalog(code) if message not in used)
    assert not stale, f"{len(stale)} {code} entries are not used:\n" + "\n".join(stale)


def textual_descriptions() -> set[str]:
    """Textual's own key descriptions, and the palette's, which it adds when the app runs."""
    return {
        binding.description
        for owner in (App, Screen)
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.description
    } | {"palette"}
