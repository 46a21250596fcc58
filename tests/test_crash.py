"""A writer killed mid-transaction leaves a sound store and no half-written change.

A child process opens the store and writes one big batch of interactions in a single
transaction (`model.db.transaction`), printing a line after each chunk. The parent
waits for a chosen line, SIGKILLs the child, and checks the file.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pendulum
import pytest

from model.db import sqlite_url, transaction
from model.store import open_store
from model.tables import Client, Interaction

ROOT = Path(__file__).resolve().parents[1]
BATCH = 50_000
CHUNK = 5_000
PRE_EXISTING = 3

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import pendulum
    from sqlalchemy import insert

    from model.db import sqlite_url, transaction
    from model.store import open_store
    from model.tables import Interaction

    path, client_id, total, chunk, wait_inside = sys.argv[1:6]
    client_id, total, chunk = int(client_id), int(total), int(chunk)
    opened = open_store(url=sqlite_url(path=Path(path)), migrate=False)
    at = pendulum.datetime(2026, 11, 23, 11, tz="UTC")
    rows = [
        {
            "client_id": client_id,
            "at": at,
            "channel": "email",
            "direction": "in",
            "summary": f"request {n}: " + "please update the landing page copy " * 2,
            "kind": "crash-test",
            "contact_id": None,
            "task_id": None,
        }
        for n in range(total)
    ]
    print("ready", flush=True)
    with transaction(opened.engine) as session:
        for start in range(0, total, chunk):
            session.execute(insert(Interaction), rows[start : start + chunk])
            print(f"writing {start // chunk + 1}", flush=True)
        print("written", flush=True)
        if wait_inside == "1":
            sys.stdin.read()  # stay inside the open transaction until killed
    print("committed", flush=True)
    sys.stdin.read()
    """
)


def read_line(proc: subprocess.Popen, *, timeout: float = 60) -> str:
    """One line of the child's stdout, without blocking forever."""
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    buffer = b""
    while not buffer.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"child said nothing for {timeout} s (so far {buffer!r})")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            byte = os.read(fd, 1)
            if not byte:
                proc.wait(timeout=10)
                pytest.fail(f"child exited early ({proc.returncode}): {proc.stderr.read()!r}")
            buffer += byte
    return buffer.decode().strip()


@pytest.fixture
def store_file(tmp_path) -> tuple[Path, int]:
    """A store at head holding one client and a few interactions."""
    path = tmp_path / "clientdeck.db"
    opened = open_store(url=sqlite_url(path=path))
    now = pendulum.now("UTC")
    with transaction(opened.engine) as session:
        client = Client(name="Acme", code="ACME", created_at=now)
        session.add(client)
        session.flush()
        for n in range(PRE_EXISTING):
            session.add(Interaction(client_id=client.id, at=now, summary=f"call {n}"))
    opened.engine.dispose()
    return path, client.id


def kill_writer_at(path: Path, client_id: int, *, line: str, wait_inside: bool) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    args = [str(path), str(client_id), str(BATCH), str(CHUNK), "1" if wait_inside else "0"]
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        seen = [read_line(proc)]
        while seen[-1] != line:
            seen.append(read_line(proc))
        assert proc.poll() is None, f"child ended before the kill: {seen}"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            pipe.close()


def counts(path: Path) -> tuple[str, int, int]:
    connection = sqlite3.connect(path)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        total = connection.execute("SELECT count(*) FROM interaction").fetchone()[0]
        batch = connection.execute(
            "SELECT count(*) FROM interaction WHERE kind = 'crash-test'"
        ).fetchone()[0]
        return integrity, total, batch
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("line", "wait_inside", "committed"),
    [
        ("writing 1", False, False),  # early in the batch
        ("writing 6", False, False),  # mid-batch, pages already spilled to the WAL
        ("written", True, False),  # every row written, the commit not yet
        ("committed", False, True),  # just after the commit
    ],
    ids=["early", "middle", "before-commit", "after-commit"],
)
def test_a_killed_writer_leaves_all_or_nothing(store_file, line, wait_inside, committed):
    path, client_id = store_file
    kill_writer_at(path, client_id, line=line, wait_inside=wait_inside)

    wal = Path(f"{path}-wal")
    if line == "written":
        # The uncommitted batch really reached the disk (the page cache spilled into the
        # WAL), so recovery had to ignore it rather than never see it.
        assert wal.exists() and wal.stat().st_size > 1_000_000

    integrity, total, batch = counts(path)
    assert integrity == "ok"
    assert batch in (0, BATCH), f"half-written change: {batch} of {BATCH} rows"
    assert total == PRE_EXISTING + batch
    assert batch == (BATCH if committed else 0)

    # The store still opens normally after the crash, at head, without an upgrade.
    opened = open_store(url=sqlite_url(path=path), migrate=False)
    try:
        assert opened.upgraded_from is None
        with transaction(opened.engine) as session:
            session.add(Interaction(client_id=client_id, at=pendulum.now("UTC"), summary="x"))
    finally:
        opened.engine.dispose()
    assert counts(path) == ("ok", total + 1, batch)
