"""The wheel holds everything the app reads at run time: code, style sheets, catalogs,
migrations and the product's themes (kept in the checkout's top-level themes/)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS_NEEDED = 77  # pyproject.toml's build-system requirement


def _setuptools_or_skip() -> None:
    try:
        found = version("setuptools")
    except PackageNotFoundError:
        pytest.skip("building the wheel needs setuptools in this environment")
    major = found.split(".")[0]
    if not major.isdigit() or int(major) < SETUPTOOLS_NEEDED:
        pytest.skip(f"building the wheel needs setuptools >= 77, this environment has {found}")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """A wheel built from a copy of the checkout, so the build leaves nothing in it."""
    _setuptools_or_skip()
    place = tmp_path_factory.mktemp("wheel")
    source = place / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            ".*cache",
            ".hypothesis",
            "tests",
        ),
    )
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--wheel-dir",
            str(place / "wheels"),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = (place / "wheels").glob("clientdeck-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def tree_files(*patterns: str) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for pattern in patterns
        for path in ROOT.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_carries_the_product_themes(wheel):
    themes = sorted((ROOT / "themes").glob("*.toml"))
    assert themes, "the checkout has no themes/*.toml"
    for theme in themes:
        assert wheel.read(f"tui/_themes/{theme.name}") == theme.read_bytes()
    assert not any(name.startswith("themes/") for name in wheel.namelist())


def test_the_wheel_holds_every_module_and_data_file_of_the_tree(wheel):
    # pyproject.toml lists the packages by hand: a new package missing from the
    # list would be missing from every installed copy.
    expected = tree_files(
        "model/**/*.py",
        "tui/**/*.py",
        "tui/**/*.tcss",
        "model/locales/*.toml",
        "model/migrations/*.mako",
    )
    names = set(wheel.namelist())
    missing = expected - names
    folders = sorted({name.rsplit("/", 1)[0].replace("/", ".") for name in missing})
    assert not missing, (
        f"the wheel lacks {sorted(missing)}: add {folders} to [tool.setuptools] packages "
        "in pyproject.toml"
    )
    outside = {
        name for name in names if name.split("/")[0] not in ("model", "tui", *_dist_info(names))
    }
    assert outside == set()


def test_the_wheel_has_the_command(wheel):
    (entry_points,) = (name for name in wheel.namelist() if name.endswith("/entry_points.txt"))
    assert "clientdeck = tui.__main__:main" in wheel.read(entry_points).decode()


def _dist_info(names: set[str]) -> set[str]:
    return {name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info")}
