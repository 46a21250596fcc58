"""Translation of user-facing strings: English source text, Ukrainian and Russian catalogs.

Catalogs are TOML files keyed by the English text, so a missing translation
falls back to readable English and the catalogs need no build step. Plural
entries hold one form per CLDR category the language uses.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

import pendulum

LOCALES = Path(__file__).parent / "locales"
SUPPORTED = ("en", "uk", "ru")

_language = "en"


def language_from_env() -> str:
    """The first supported language named by LC_ALL, LC_MESSAGES or LANG, else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable, "")
        code = value.split(".")[0].split("_")[0].split(":")[0].lower()
        if code in SUPPORTED:
            return code
    return "en"


def set_language(*, code: str) -> str:
    """Use `code`, or the environment's language when empty; returns the one in force."""
    global _language
    _language = code if code in SUPPORTED else language_from_env()
    pendulum.set_locale(_language)
    return _language


def language() -> str:
    return _language


@cache
def catalog(code: str) -> dict[str, str | list[str]]:
    path = LOCALES / f"{code}.toml"
    if code == "en" or not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _(message: str, /, **values: object) -> str:
    """Translate `message` and fill its `{name}` fields."""
    found = catalog(_language).get(message, message)
    translated = found if isinstance(found, str) else message
    return translated.format(**values) if values else translated


def N_(message: str, /) -> str:
    """Mark a string for the catalogs where it is defined; it is translated where it is shown."""
    return message


def plural_index(*, code: str, n: int) -> int:
    """The CLDR plural category index: English one/other, Slavic one/few/many."""
    n = abs(n)
    if code in ("uk", "ru"):
        if n % 10 == 1 and n % 100 != 11:
            return 0
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return 1
        return 2
    return 0 if n == 1 else 1


def ngettext(singular: str, plural: str, /, n: int, **values: object) -> str:
    """Translate a phrase about `n` things; `{n}` and other fields are filled."""
    found = catalog(_language).get(plural)
    if isinstance(found, list) and found:
        form = found[min(plural_index(code=_language, n=n), len(found) - 1)]
    else:
        form = singular if n == 1 else plural
    return form.format(n=n, **values)
