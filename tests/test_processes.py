"""Several processes on one SQLite file: two apps and the shell, writing at once.

No "database is locked" may surface and nothing may be lost. The writers run
for a fixed time as real processes, as on a laptop where the app is open in
two terminals while a script captures requests.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlmodel import select

from model.db import reading
from model.store import integrity_problems, open_store
from model.tables import Task
from tests.agency import build

SECONDS = 10
ROOT = Path(__file__).resolve().parent.parent

APP = textwrap.dedent(
    """
    import asyncio, sys, time
    from model.config import Config
    from model.store import open_store
    from tui.app import ClientDeck

    async def main(path, seconds):
        engine = open_store(url=f"sqlite:///{path}").engine
        app = ClientDeck(engine=engine, config=Config(time_zone="Europe/Kyiv"))
        moves = 0
        async with app.run_test(size=(120, 36)) as pilot:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                await pilot.press("l", "L", "H", "j", "p", "ctrl+z")
                moves += 1
        print(moves)

    asyncio.run(main(sys.argv[1], float(sys.argv[2])))
    """
)

SHELL = textwrap.dedent(
    """
    import contextlib, io, sys, time
    from tui.cli import run

    path, seconds = sys.argv[1], float(sys.argv[2])
    end, ids = time.monotonic() + seconds, []
    while time.monotonic() < end:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = run(["add", f"NWB: request {len(ids)}", "--db", path])
        if code != 0:
            sys.exit(code)
        ids.append(int(out.getvalue()))
    print(len(ids))
    """
)


def spawn(code: str, *, db: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, str(db), str(SECONDS)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_apps_and_the_shell_write_one_file_together(tmp_path, monkeypatch):
    db = tmp_path / "shared.db"
    engine = open_store(url=f"sqlite:///{db}").engine
    build(engine)
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "CLIENTDECK_CONFIG_DIR": str(tmp_path / "config"),
        "HOME": str(tmp_path),
        "LANG": "en_US.UTF-8",
    }
    processes = [
        spawn(APP, db=db, env=env),
        spawn(APP, db=db, env=env),
        spawn(SHELL, db=db, env=env),
    ]
    results = [process.communicate(timeout=SECONDS * 12) for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert "locked" not in err, err
        assert process.returncode == 0, err
        assert int(out.strip().splitlines()[-1]) > 0
    added = int(results[2][0].strip().splitlines()[-1])
    with reading(engine) as session:
        titles = session.exec(select(Task.title).where(Task.title.like("request %"))).all()
    assert sorted(titles) == sorted(f"request {n}" for n in range(added))
    assert integrity_problems(engine=engine) == []
