"""The layer rules of DESIGN.md: model/ never loads textual or rich; tui/ never builds SQL."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUI = ROOT / "tui"

# Modules that are skipped on purpose, with the reason. `model/migrations/env.py` runs
# `context.config` at import time and only works inside an Alembic command, by design.
SKIPPED_BY_DESIGN = {"model.migrations.env": "needs a running Alembic context"}

# Modules that must be found, so a broken discovery cannot make the test pass vacuously.
EXPECTED = {
    "model",
    "model.weeks",
    "model.clock",
    "model.config",
    "model.db",
    "model.store",
    "model.tables",
    "model.migrations",
}

# Run in a fresh interpreter per module: import one module (or, for an Alembic revision
# script, load it by path the way Alembic does: the versions folder is not a package and
# the names start with a digit) and report which textual/rich modules got loaded.
CHILD = textwrap.dedent(
    """
    import importlib
    import importlib.util
    import json
    import sys

    kind, target = sys.argv[1], sys.argv[2]
    error = None
    try:
        if kind == "module":
            importlib.import_module(target)
        else:
            spec = importlib.util.spec_from_file_location("revision_under_test", target)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            assert callable(module.upgrade), "a revision without upgrade()"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    ui = sorted(name for name in sys.modules if name.split(".")[0] in ("textual", "rich"))
    print(json.dumps({"error": error, "ui": ui}))
    """
)


def discover() -> dict[str, tuple[str, str]]:
    """Every model module: name -> (kind, target) for the child."""
    targets = {"model": ("module", "model")}
    for info in pkgutil.walk_packages([str(ROOT / "model")], "model."):
        if info.name not in SKIPPED_BY_DESIGN:
            targets[info.name] = ("module", info.name)
    for script in sorted((ROOT / "model" / "migrations" / "versions").glob("*.py")):
        targets[f"model.migrations.versions.{script.stem}"] = ("file", str(script))
    return targets


def run_children(targets: dict[str, tuple[str, str]]) -> dict[str, dict]:
    """One child per target, all at once; name -> {"error": ..., "ui": [...]}."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    children = {
        name: subprocess.Popen(
            [sys.executable, "-c", CHILD, kind, target],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, (kind, target) in targets.items()
    }
    reports = {}
    for name, child in children.items():
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, f"{name}: {err}"
        reports[name] = json.loads(out.strip().splitlines()[-1])
    return reports


MODULES = discover()


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    return run_children(MODULES)


def test_discovery_finds_every_model_module():
    assert set(MODULES) >= EXPECTED, f"discovery missed {sorted(EXPECTED - set(MODULES))}"
    assert any(name.startswith("model.migrations.versions.") for name in MODULES)
    assert "model.migrations.env" not in MODULES


@pytest.mark.parametrize("name", sorted(MODULES))
def test_model_module_imports_standalone_without_ui_libraries(reports, name):
    report = reports[name]
    assert report["error"] is None, f"{name} cannot be imported on its own: {report['error']}"
    assert report["ui"] == [], f"importing {name} loads {report['ui']}"


def test_the_import_check_does_detect_a_ui_import():
    # The same child, pointed at a UI module, must report it: the check can fail.
    report = run_children({"rich.text": ("module", "rich.text")})["rich.text"]
    assert report["error"] is None
    assert "rich.text" in report["ui"]


# --- tui/ must not build SQL -------------------------------------------------------------

SQL_LIBRARIES = ("sqlalchemy", "sqlmodel")
# The engine handle the model gives the UI may be named in type hints; it builds nothing.
ALLOWED_SQLALCHEMY_NAMES = {"Engine"}
SQL_BUILDERS = {"select", "text", "insert", "update", "delete", "col", "func", "and_", "or_"}
# Raw SQL is recognised by its upper-case keywords, so UI text ("Select a task from...")
# is not mistaken for it.
RAW_SQL = re.compile(
    r"^\s*(SELECT\s.+\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|PRAGMA\s)",
    re.DOTALL,
)


def sql_construction(source: str, *, filename: str = "<tui>") -> list[str]:
    """Lines of `source` that build SQL: SQLAlchemy imports, select()/text() calls, raw SQL."""
    tree = ast.parse(source, filename=filename)
    own = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    found.append(f"{where}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            names = {alias.name for alias in node.names}
            if root == "sqlalchemy" and not names <= ALLOWED_SQLALCHEMY_NAMES:
                found.append(
                    f"{where}: from {node.module} import "
                    f"{', '.join(sorted(names - ALLOWED_SQLALCHEMY_NAMES))}"
                )
            elif root == "sqlmodel":
                builders = names & (SQL_BUILDERS | {"Session"})
                if builders:
                    found.append(
                        f"{where}: from {node.module} import {', '.join(sorted(builders))}"
                    )
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"select", "text"} and node.func.id not in own:
                found.append(f"{where}: {node.func.id}(...)")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and RAW_SQL.match(node.value)
        ):
            found.append(f"{where}: raw SQL {node.value[:40]!r}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from sqlalchemy import text\n",
        "from sqlalchemy.engine import Engine, create_engine\n",
        "from sqlalchemy import func, or_\n",
        "import sqlalchemy as sa\n",
        "from sqlmodel import Session, select\n",
        "rows = session.exec(select(Task))\n",
        "session.execute(text('SELECT 1'))\n",
        "QUERY = 'SELECT id FROM task WHERE status = ?'\n",
    ],
)
def test_the_sql_scan_flags_sql_construction(source):
    assert sql_construction(source)


@pytest.mark.parametrize(
    "source",
    [
        "from model import tasks\nrows = tasks.board(engine=engine)\n",
        "from sqlalchemy.engine import Engine\ndef run(engine: Engine): ...\n",
        "from rich.text import Text\nlabel = Text('select a client')\n",
        "def action_select(self):\n    self.list.select(0)\n",
        "TITLE = 'Select a task from the list'\n",
    ],
)
def test_the_sql_scan_passes_plain_ui_code(source):
    assert sql_construction(source) == []


def test_tui_builds_no_sql():
    files = sorted(TUI.rglob("*.py")) if TUI.is_dir() else []
    if not files:
        pytest.skip("tui/ has no .py files yet")
    found: list[str] = []
    for path in files:
        found += sql_construction(
            path.read_text(encoding="utf-8"), filename=str(path.relative_to(ROOT))
        )
    assert found == [], "tui/ must call model functions, not build SQL:\n" + "\n".join(found)
