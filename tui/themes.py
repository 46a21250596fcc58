"""Themes from TOML files: the product's own shipped with the package, the user's in the
config dir."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

from textual.app import App
from textual.theme import Theme

_HERE = Path(__file__).resolve().parent


def _product_themes() -> Path:
    """An installed package has the themes inside it, as tui/_themes (pyproject.toml maps
    the checkout's top-level themes/ there); a checkout and an editable install read them
    from the checkout itself."""
    installed = _HERE / "_themes"
    if installed.is_dir():
        return installed
    checkout = _HERE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "themes").is_dir():
        return checkout / "themes"
    return installed


PRODUCT_THEMES = _product_themes()
THEME_FIELDS = {item.name for item in fields(Theme)}


def read_theme(*, path: Path) -> Theme:
    """One theme file; raises ValueError with the file named when it cannot be used."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: {error}") from None
    unknown = set(data) - THEME_FIELDS
    if unknown:
        raise ValueError(f"{path}: unknown theme fields {', '.join(sorted(unknown))}")
    if "name" not in data or "primary" not in data:
        raise ValueError(f"{path}: a theme needs at least 'name' and 'primary'")
    try:
        return Theme(**data)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: {error}") from None


def load_themes(*, user_dir: Path | None) -> tuple[list[Theme], list[str]]:
    """All themes that load, and one message per file that does not."""
    themes: list[Theme] = []
    problems: list[str] = []
    folders = [PRODUCT_THEMES] + ([user_dir] if user_dir else [])
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                themes.append(read_theme(path=path))
            except ValueError as error:
                problems.append(str(error))
    return themes, problems


def use_themes(app: App, *, theme: str, config_path: Path | None) -> list[str]:
    """Register the product's and the user's themes on `app` and put on `theme` (the
    product's dark one when it is not among them); the files that did not load, said."""
    themes, problems = load_themes(user_dir=config_path.parent / "themes" if config_path else None)
    for each in themes:
        app.register_theme(each)
    app.theme = theme if theme in app.available_themes else "clientdeck-dark"
    return problems
