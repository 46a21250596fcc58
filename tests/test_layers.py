"""The layer rules of DESIGN.md, and mypy over model/.

The imports are checked by import-linter, with the contracts in pyproject.toml: model/
never imports textual or rich (nor tui/), tui/ imports nothing that builds SQL, and model/
has no import cycle. import-linter reads the source, so it sees imports inside functions
too, but it stops at the first external package and sees packages only. So two checks stay
here: each model module, and each Alembic revision script, is imported in a fresh
interpreter and must import on its own and load no textual or rich module at all, through
a third-party package either; and tui/ is scanned for SQL built without importing a SQL
library: raw SQL text, or `select()`/`text()` reached through another module.
"""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import mypy.api
import pytest
import tomli_w

ROOT = Path(__file__).resolve().parents[1]
TUI = ROOT / "tui"
PYPROJECT = ROOT / "pyproject.toml"

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


# --- import-linter -----------------------------------------------------------------------


def _lint_imports(*, cwd: Path, config: Path) -> subprocess.CompletedProcess:
    """import-linter's report for the packages found from `cwd`, with `config`'s contracts."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(cwd), env.get("PYTHONPATH")]))
    env["COLUMNS"] = "200"  # one contract per line
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", str(config)]
        + ["--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _tool(name: str) -> dict:
    """The `[tool.<name>]` table of pyproject.toml."""
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"][name]


def test_import_contracts_are_kept():
    result = _lint_imports(cwd=ROOT, config=PYPROJECT)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert f"Contracts: {len(_tool('importlinter')['contracts'])} kept, 0 broken." in report, report


# One package pair that breaks every contract: the contracts must be able to fail. Its
# timetrack -> budgets import is the one the cycle contract ignores, which must exist.
BROKEN_TREE = {
    "model/__init__.py": "",
    "model/budgets.py": "import model.timetrack\n",
    "model/timetrack.py": "def start():\n    import model.budgets\n",
    "model/a.py": "import model.b\n\n\ndef show():\n    from rich.text import Text\n",
    "model/b.py": "import model.a\nfrom tui import screen\n",
    "tui/__init__.py": "",
    "tui/screen.py": "from sqlmodel import select\n",
}


def test_import_contracts_can_break(tmp_path):
    for name, source in BROKEN_TREE.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    config = tmp_path / "pyproject.toml"
    config.write_text(tomli_w.dumps({"tool": {"importlinter": _tool("importlinter")}}), "utf-8")
    result = _lint_imports(cwd=tmp_path, config=config)
    report = result.stdout + result.stderr
    assert result.returncode == 1, report
    assert f"Contracts: 0 kept, {len(_tool('importlinter')['contracts'])} broken." in report, report
    assert "model.a -> rich" in report, report
    assert "tui.screen -> sqlmodel" in report, report


# --- mypy over model/ ----------------------------------------------------------------------


def _mypy(*args: str) -> tuple[str, int]:
    """mypy with the project's configuration, run from the checkout: (report, exit status)."""
    out, err, status = mypy.api.run(
        ["--config-file", str(PYPROJECT), "--cache-dir", str(ROOT / ".mypy_cache"), *args]
    )
    return out + err, status


def test_mypy_passes_over_model(monkeypatch):
    monkeypatch.chdir(ROOT)  # the configuration's `files` are relative to it
    report, status = _mypy()
    assert status == 0, report


def test_mypy_reports_a_type_error(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    broken = tmp_path / "broken.py"
    broken.write_text("from model import clock\n\nnow: int = clock.now()\n", encoding="utf-8")
    report, status = _mypy(str(broken))
    assert status == 1, report
    assert "broken.py:3: error: Incompatible types in assignment" in report, report


def test_mypy_overrides_name_existing_modules():
    # A module renamed or split must leave the overrides, or they would quietly cover nothing.
    named = [module for override in _tool("mypy")["overrides"] for module in override["module"]]
    missing = [
        module
        for module in named
        if not (ROOT / (module.replace(".", "/") + ".py")).is_file()
        and not (ROOT / module.replace(".", "/") / "__init__.py").is_file()
    ]
    assert named and missing == []


# --- tui/ must not build SQL -------------------------------------------------------------

# Raw SQL is recognised by its upper-case keywords, so UI text ("Select a task from...")
# is not mistaken for it.
RAW_SQL = re.compile(
    r"^\s*(SELECT\s.+\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|PRAGMA\s)",
    re.DOTALL,
)


def sql_construction(source: str, *, filename: str = "<tui>") -> list[str]:
    """Lines of `source` that build SQL without importing a SQL library: select()/text()
    calls (reached through another module) and raw SQL. The imports are import-linter's."""
    tree = ast.parse(source, filename=filename)
    own = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
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
        "from model.tasks import select\nrows = session.exec(select(Task))\n",
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
        "from model.db import Engine\ndef run(engine: Engine): ...\n",
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
