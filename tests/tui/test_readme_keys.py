"""README's keys section says what `?` shows: on every screen, each key README names is
bound there, and each key `?` lists for the screen is in README's paragraph about it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import Screen

from tests.tui.test_clients import open_client
from tui.keys import in_force

README = Path(__file__).resolve().parents[2] / "README.md"

NAMES = {
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    ".": "full_stop",
    "/": "slash",
    "?": "question_mark",
    "←": "left",
    "→": "right",
    "↑": "up",
    "↓": "down",
}
"""README writes keys as people read them; the bindings name them as Textual does."""

SCREENS = {
    "Board": ("1",),
    "Plan": ("2",),
    "Stand-up": ("3",),
    "Retro": ("4",),
    "Calendar": ("5",),
    "Clients": ("6",),
    "Team": ("2", "m"),
    "Inbox": ("i",),
}


def key_name(written: str) -> str:
    """`shift+←` → shift+left, `[` → left_square_bracket."""
    *mods, key = written.split("+") if len(written) > 1 else [written]
    return "+".join([*mods, NAMES.get(key, key)])


def paragraphs() -> dict[str, str]:
    """Each screen's paragraph of README's keys section, by the screen's name; the card's
    and the entry table's keys are keys of their own dialogs and stay out."""
    body = README.read_text(encoding="utf-8").split("\n## Keys", 1)[1].split("\n## ", 1)[0]
    body = body.split("\nKeys can be remapped", 1)[0]
    parts = re.split(r"\n\*\*([\w-]+)[^*]*\*\*", body)
    found = {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}
    found["Board"] = found["Board"].split("\nIn the card:", 1)[0]
    found["Client"] = found["Clients"].split("In the client:", 1)[1]
    found["Clients"] = found["Clients"].split("In the client:", 1)[0]
    # How a screen is reached ("(`ctrl+p` → Team, or `m` on Plan)") names other screens' keys.
    return {name: re.sub(r"^\s*\([^)]*\)", "", text) for name, text in found.items()}


def written_keys(text: str) -> set[str]:
    keys: set[str] = set()
    if "arrows" in text:
        keys |= {"up", "down", "left", "right"}
    text = re.sub(r"\(`n` adds.*?\)", "", text)  # the entry table's own keys
    text = re.sub(r"\(`2026-11-30`.*?\)", "", text, flags=re.S)  # due phrases
    for token in re.findall(r"`([^`]+)`", text):
        if token.startswith(("/", "@", "#", "!", "+", ".")) and len(token) > 1:
            continue  # filter words and due phrases, not keys
        if re.fullmatch(r"[\w.\[\]/?←→↑↓+-]+", token) and not re.fullmatch(
            r"\d{4}.*|\d+\.\d+", token
        ):
            keys.add(key_name(token))
    return keys


TEXTUAL_OWN = {binding.description for binding in Screen.BINDINGS if isinstance(binding, Binding)}
"""Textual's keys of every screen (focus, copy): README names them once, for all."""


def bound_keys(screen) -> set[str]:
    """The keys the screen's `?` lists under "This screen", less Textual's own."""
    return {
        key
        for key, bindings in in_force(screen).key_to_bindings.items()
        if any(b.description and b.description not in TEXTUAL_OWN for b in bindings)
    }


@pytest.mark.parametrize("name", list(SCREENS))
async def test_readme_names_the_keys_of(name, agency, make_app):
    engine, _ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*SCREENS[name])
        await pilot.pause()
        screen = app.screen
        everywhere = {key for key in in_force(app).key_to_bindings}
        shown = bound_keys(screen)
        written = written_keys(paragraphs()[name])
        assert sorted(written - shown - everywhere) == [], (
            f"README names keys {name} lacks: {sorted(written - shown - everywhere)}"
        )
        assert sorted(shown - written) == [], (
            f"README leaves out keys of {name}: {sorted(shown - written)}"
        )


async def test_readme_names_the_keys_of_a_client(agency, make_app):
    engine, ids = agency
    app = make_app(engine)
    async with app.run_test(size=(120, 36)) as pilot:
        detail = await open_client(pilot, app, client_id=ids["NWB"])
        shared = written_keys(paragraphs()["Clients"])  # "`e` `B` … as in the list"
        everywhere = {key for key in in_force(app).key_to_bindings}
        written = written_keys(paragraphs()["Client"])
        shown = bound_keys(detail)
        assert sorted(written - shown - everywhere) == [], "README names keys the client lacks"
        assert sorted(shown - written - shared) == [], "README leaves out keys of the client"
