"""Benchmarks at agency scale: start-up, keys, screen switches, reports and memory.

    python tests/benchmarks/bench.py [--scales 0,1,25] [--backends sqlite,pg,pg-delayed]
                                     [--pg URL] [--delay-ms 10] [--json FILE] [--runs 7]
                                     [--keys 200] [--switches 20] [--rebuild]

Why it looks like this:

- Back ends: `sqlite` is a SQLite file (the default store); `pg` a PostgreSQL
  database on the server of `--pg` (default: $CLIENTDECK_TEST_PG), as the team
  mode uses it; `pg-delayed` the same server behind a proxy this script starts
  on 127.0.0.1 (delay_proxy.py), which holds back every chunk `--delay-ms`
  each way (a 20 ms round trip by default), as a server across a network. The
  same cold starts, keys, screen switches and reports run on each, one scale
  after another, every back end at a scale in turn; the table has one group
  of rows per back end.
- Demo databases are built once per scale with the real CLI (`clientdeck
  demo`), which prints its progress here, and reused. SQLite files live under
  `tests/benchmarks/.cache/`; on the server each scale has a database
  `clientdeck_bench_scale_N`, vacuumed and analysed once filled, whose comment
  records what the file's metadata records. A build is redone when the file or
  database is missing, when `model/demo.py`, `model/tables.py` or a migration
  changed since it was built, or with `--rebuild`. Every measurement works on
  a copy (SQLite's backup API; `CREATE DATABASE … TEMPLATE` on the server),
  because the key benchmark moves cards.
- The app runs as a separate process (tests/benchmarks/probe.py) inside a
  pseudo-terminal this script reads, answering the terminal queries a modern
  terminal answers. So a cold start is a real cold interpreter, Textual uses
  its real Linux driver, and every frame is rendered to escape sequences and
  written, as for a user. The probe marks the end of each frame in the stream
  (see probe.FrameWatch) and reports which frame number it is waiting for;
  times stop when that mark arrives here, i.e. at the terminal.
- Cold start: from just before spawning the process to the first frame
  written after every board column has loaded the page that fits its real
  size, i.e. the first board with its cards. The floor is a bare Textual app
  that imports the same third-party modules the app had loaded by then on
  SQLite and paints one label: the same floor for every back end, so what a
  server costs (its driver, connecting, each round trip) shows in the app's
  time. Floor and app runs alternate so background load hits both. The
  app/floor target is stated for SQLite. Scale 25 against scale 1 compares
  each scale's app/floor ratio, since the two scales are minutes apart and
  the machine's load may change meanwhile. CPU time is shown beside it: it
  hardly moves when other work shares the machine, so it tells a slow app
  from a busy machine.
- Keystroke and screen-switch latency: from writing the key's bytes to the
  terminal to the arrival of the first frame written after the key's action
  returned. Follow-up frames (a footer update, a toast sliding in) are not
  waited for, and a screen that paints first and loads its data after is
  timed to that first paint; "screen filled" times the same switches to the
  first frame after the data it read in a thread was shown (tui/screens/
  reading.py), the same as the switch when it had it by the first paint.
  Before each key the terminal must be quiet for 30 ms, as when a person
  presses a key on a settled screen.
- Screen switches walk from the board to each screen and back by the mode
  keys, `--switches` times. A screen that takes a mode key for itself is left
  through another screen instead (never pressing a key that would change
  data there), and the table's notes say which.
- Peak RSS is the probe's own `ru_maxrss` when it exits: once after the first
  board (cold start), once after all the keys and switches (a leak shows as
  the difference).

This is a measurement, not a test: it exits 0 whatever the numbers are, and 1
only when a back end at a scale could not be measured at all (the app
crashed, the server could not be reached, say).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import math
import os
import platform
import pty
import queue
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from delay_proxy import DelayProxy  # beside this script, which runs from its own folder

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CACHE = HERE / ".cache"
PROBE = HERE / "probe.py"
CLI = ("-m", "tui")  # the clientdeck command, as installed
SIZE = (120, 36)  # columns, rows

# What a demo database depends on: when one of these changes, the cached file is stale.
DEMO_INPUTS = ("model/demo.py", "model/tables.py", "model/migrations/versions/*.py")
PG_DEMO = "clientdeck_bench_scale_{scale}"  # a scale's demo database on the server
PG_COPY = "clientdeck_bench_scale_{scale}_copy"  # the copy a measurement works on
PROGRESS_EVERY = 15.0  # seconds: a long build says it is still going at least this often

BACKENDS = ("sqlite", "pg", "pg-delayed")

FRAME_MARK = b"\x1b_clientdeck-bench-frame\x1b\\"  # must match probe.FRAME_MARK
SYNC_QUERY = b"\x1b[?2026$p"  # "do you support synchronized output?"
SYNC_REPLY = b"\x1b[?2026;2$y"  # "yes, and it is off now", as kitty, WezTerm or iTerm2 say
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|_[^\x1b]*\x1b\\|\][^\x07]*\x07|.)")
KEY_BYTES = {"ctrl+z": b"\x1a", "ctrl+q": b"\x11"}  # other keys are their own character

QUIET = 0.03  # seconds without output before a key is sent
STORED_LIMIT = 600.0  # the key script's writes, through the delaying proxy at scale 100
SETTLE_LIMIT = 1.0  # a screen that never goes quiet (a timer) gets a key after this anyway
TIMEOUT = 60.0  # for a start-up or a frame; far above any plausible time
KINDS = ("j/k", "h/l", "L/H", "ctrl+z")  # keystroke kinds, in the order of key_script
MODE_TITLES = {
    "1": "Board",
    "2": "Plan",
    "3": "Stand-up",
    "4": "Retro",
    "5": "Calendar",
    "6": "Clients",
    "i": "Inbox",
}

COLD_VS_FLOOR = 1.3
KEY_P95_MS = 33.0
SWITCH_P95_MS = 150.0
PEAK_RSS_MB = 150.0
SCALE_GROWTH = 1.2


class BenchError(Exception):
    """The benchmark itself could not run (a child crashed, a frame never came)."""


# --- statistics ----------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile: a value that was really measured, never interpolated."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


@dataclass
class Summary:
    """Milliseconds: median, 95th percentile and maximum of `count` samples."""

    count: int
    median: float
    p95: float
    max: float

    @classmethod
    def of(cls, *, seconds: Sequence[float]) -> Summary:
        ms = [value * 1000 for value in seconds]
        return cls(count=len(ms), median=statistics.median(ms), p95=p95(ms), max=max(ms))


# --- the machine ---------------------------------------------------------------------------


def machine_info() -> dict[str, object]:
    """What a reader needs to compare two runs: CPU, cores, memory, load and versions."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, flags=re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total_kb = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, flags=re.MULTILINE)
    return {
        "cpu": models[0] if models else platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "ram_gib": round(int(total_kb.group(1)) / 2**20, 1) if total_kb else None,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "textual": version("textual"),
        "sqlalchemy": version("sqlalchemy"),
        "sqlmodel": version("sqlmodel"),
        "psycopg": installed_version("psycopg"),
    }


def installed_version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


# --- demo databases ------------------------------------------------------------------------


@dataclass
class Demo:
    scale: int
    source: str  # the SQLite file, or the server's database that copies are made from
    build_seconds: float
    built_now: bool
    contents: str


def child_env(*, config_dir: Path) -> dict[str, str]:
    """The environment of every child: the repo importable, a throwaway config, a plain terminal.

    Textual and clientdeck settings of whoever runs the benchmark are dropped
    so a theme, a language or NO_COLOR in their shell cannot change the numbers.
    So is PYTHONDONTWRITEBYTECODE: a user's Python keeps the byte code of what it
    imports (pip compiles an installed wheel; a checkout's first start writes it),
    and without it every start compiled clientdeck's own modules again, which the
    floor, importing only installed packages, never paid.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "CLIENTDECK_"))
        and key not in ("NO_COLOR", "COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")
    }
    env.update(
        PYTHONPATH=str(REPO),
        CLIENTDECK_CONFIG_DIR=str(config_dir),
        TERM="xterm-256color",
        COLORTERM="truecolor",
    )
    env.setdefault("LANG", "C.UTF-8")
    return env


def demo_fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in DEMO_INPUTS:
        for path in sorted(REPO.glob(pattern)):
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def why_build(*, meta: Mapping[str, object], fingerprint: str, rebuild: bool) -> str | None:
    """Why a cached demo must be built again, or None when it can be reused."""
    if rebuild:
        return "--rebuild"
    if not meta:
        return "missing"
    return "the demo code changed" if meta.get("fingerprint") != fingerprint else None


def fill_demo(*, db: str, scale: int, what: str, env: Mapping[str, str]) -> dict[str, object]:
    """`clientdeck demo --db DB --scale N` with its progress shown; the metadata of the build.

    The command reports each step on stderr; those lines are passed on as they
    come, and a step that takes long is reported as still going, so a big
    scale never looks stuck.
    """
    command = [sys.executable, *CLI, "demo", "--db", db, "--scale", str(scale), "--force"]
    fingerprint = demo_fingerprint()  # of the code that builds it, should it change meanwhile
    started = time.monotonic()
    lines: queue.Queue[str | None] = queue.Queue()
    said: list[str] = []
    with subprocess.Popen(
        command,
        env=dict(env),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        errors = child.stderr

        def read_errors() -> None:
            for line in errors:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=read_errors, daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=PROGRESS_EVERY)
            except queue.Empty:
                line = f"still {said[-1]}" if said else "still starting"
            else:
                if line is None:
                    break
                said.append(line)
            elapsed = time.monotonic() - started
            print(f"  {what}: {line} ({elapsed:.0f} s)", file=sys.stderr, flush=True)
        summary = child.stdout.read()
    seconds = time.monotonic() - started
    if child.returncode != 0:
        tail = "\n".join(said)[-3000:]
        raise BenchError(f"clientdeck demo --scale {scale} ({what}) failed:\n{tail}")
    return {
        "fingerprint": fingerprint,
        "build_seconds": seconds,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "contents": summary.strip() or "empty schema",
    }


def demo_database(*, scale: int, rebuild: bool, env: Mapping[str, str]) -> Demo:
    """The cached SQLite demo database of `scale`, built with `clientdeck demo` when needed.

    The metadata file is written last, so a build that failed halfway is
    never mistaken for a good one.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"scale-{scale}.db"
    meta_path = CACHE / f"scale-{scale}.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() and path.exists() else {}
    reason = why_build(meta=meta, fingerprint=demo_fingerprint(), rebuild=rebuild)
    if reason is not None:
        print(f"building the scale {scale} demo database ({reason})…", file=sys.stderr, flush=True)
        meta_path.unlink(missing_ok=True)
        for leftover in (path, *path.parent.glob(f"{path.name}-*")):
            leftover.unlink(missing_ok=True)
        meta = fill_demo(db=str(path), scale=scale, what=f"SQLite scale {scale}", env=env)
        meta_path.write_text(json.dumps(meta, indent=2))
    return Demo(
        scale=scale,
        source=str(path),
        build_seconds=meta["build_seconds"],
        built_now=reason is not None,
        contents=meta["contents"],
    )


@contextmanager
def sqlite_copy(*, demo: Demo, workdir: Path) -> Iterator[str]:
    """A consistent copy (SQLite's backup API), so benchmarks never change the cached file."""
    target = workdir / "clientdeck.db"
    with sqlite3.connect(demo.source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    try:
        yield str(target)
    finally:
        for made in (target, *workdir.glob(f"{target.name}-*")):
            made.unlink(missing_ok=True)


@contextmanager
def pg_connection(*, url: str) -> Iterator:
    """A psycopg connection (autocommit) to the SQLAlchemy URL `url`; its errors are BenchErrors."""
    import psycopg
    from sqlalchemy.engine import make_url

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            yield connection
    except psycopg.Error as error:
        raise BenchError(f"PostgreSQL: {error}") from error


class PostgresServer:
    """The server of `--pg`: a demo database per scale, filled once, copied per measurement.

    A demo database's metadata (what `demo_database` keeps in a JSON file) is
    its comment on the server, set last, so a fill that failed halfway is
    never mistaken for a good one, and a server that was recreated has no
    stale record.
    """

    def __init__(self, *, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        if not self.url.drivername.startswith("postgresql"):
            raise BenchError(f"--pg takes a PostgreSQL URL, not {self.url.drivername}://…")
        self._demos: dict[int, Demo] = {}
        with self._connect() as admin:
            self.version = admin.execute("SHOW server_version").fetchone()[0]

    @property
    def address(self) -> tuple[str, int]:
        """Where the server listens, for the delaying proxy (which speaks TCP only)."""
        host = self.url.host or ""
        if not host or host.startswith("/"):
            raise BenchError("pg-delayed needs a server reached by TCP: give --pg a host")
        return host, self.url.port or 5432

    def describe(self) -> str:
        host, port = self.url.host or "local socket", self.url.port or 5432
        return f"PostgreSQL {self.version} at {host}:{port}"

    def _connect(self, *, database: str | None = None):
        url = self.url if database is None else self.url.set(database=database)
        return pg_connection(url=url.render_as_string(hide_password=False))

    def url_of(self, *, database: str, via: DelayProxy | None = None) -> str:
        """The SQLAlchemy URL of `database`, straight or through the proxy `via`."""
        url = self.url.set(database=database)
        if via is not None:
            url = url.set(host=via.host, port=via.port)
        return url.render_as_string(hide_password=False)

    def demo(self, *, scale: int, rebuild: bool, env: Mapping[str, str]) -> Demo:
        """The demo database of `scale` on the server, filled with `clientdeck demo` when needed."""
        if scale in self._demos:  # pg and pg-delayed share it: fill (or check) it once per run
            return self._demos[scale]
        from psycopg import sql

        name = PG_DEMO.format(scale=scale)
        with self._connect() as admin:
            row = admin.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                (name,),
            ).fetchone()
            try:
                meta = json.loads(row[0]) if row and row[0] else {}
            except json.JSONDecodeError:
                meta = {}
            reason = why_build(meta=meta, fingerprint=demo_fingerprint(), rebuild=rebuild)
            if reason is not None:
                print(
                    f"filling the scale {scale} demo database {name} on {self.describe()}"
                    f" ({reason})…",
                    file=sys.stderr,
                    flush=True,
                )
                database = sql.Identifier(name)
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
                admin.execute(sql.SQL("CREATE DATABASE {}").format(database))
                meta = fill_demo(
                    db=self.url_of(database=name),
                    scale=scale,
                    what=f"PostgreSQL scale {scale}",
                    env=env,
                )
                # Statistics as a settled database has them, so a copy plans its queries
                # the same way whenever autovacuum happens to run.
                with self._connect(database=name) as filled:
                    filled.execute("VACUUM (ANALYZE)")
                comment = sql.Literal(json.dumps(meta))
                admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(database, comment))
        demo = Demo(
            scale=scale,
            source=name,
            build_seconds=meta["build_seconds"],
            built_now=reason is not None,
            contents=meta["contents"],
        )
        self._demos[scale] = demo
        return demo

    @contextmanager
    def copy(self, *, demo: Demo, via: DelayProxy | None) -> Iterator[str]:
        """A copy of the demo database (`CREATE DATABASE … TEMPLATE`); yields its URL."""
        from psycopg import sql

        copy = sql.Identifier(PG_COPY.format(scale=demo.scale))
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(copy)
        with self._connect() as admin:
            admin.execute(drop)  # left by a run that was killed
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(copy, sql.Identifier(demo.source))
            )
        try:
            yield self.url_of(database=PG_COPY.format(scale=demo.scale), via=via)
        finally:
            with self._connect() as admin:
                admin.execute(drop)


@dataclass
class Backend:
    """One way to store the data: `sqlite`, `pg`, or `pg-delayed` (through `via`)."""

    name: str
    title: str
    server: PostgresServer | None = None
    via: DelayProxy | None = None

    def demo(self, *, scale: int, rebuild: bool, env: Mapping[str, str]) -> Demo:
        if self.server is None:
            return demo_database(scale=scale, rebuild=rebuild, env=env)
        return self.server.demo(scale=scale, rebuild=rebuild, env=env)

    @contextmanager
    def working_copy(self, *, demo: Demo, workdir: Path) -> Iterator[str]:
        """A copy of `demo` to measure on; yields what `--db` takes to open it."""
        if self.server is None:
            with sqlite_copy(demo=demo, workdir=workdir) as db:
                yield db
        else:
            with self.server.copy(demo=demo, via=self.via) as db:
                yield db


BUSIEST_CLIENT = (
    "SELECT client.code FROM timeentry"
    " JOIN task ON task.id = timeentry.task_id"
    " JOIN client ON client.id = task.client_id"
    " GROUP BY client.id ORDER BY COUNT(*) DESC, client.id LIMIT 1"
)


def busiest_client(*, db: str) -> str | None:
    """The code of the client with the most time entries: the heaviest realistic report."""
    if "://" not in db:
        with sqlite3.connect(db) as connection:
            row = connection.execute(BUSIEST_CLIENT).fetchone()
        return row[0] if row else None
    with pg_connection(url=db) as connection:
        row = connection.execute(BUSIEST_CLIENT).fetchone()
    return row[0] if row else None


# --- the terminal --------------------------------------------------------------------------


class Terminal:
    """A pseudo-terminal with one probe process in it, playing the user's terminal emulator.

    A thread reads everything the app writes (a full pty would stall the app),
    answers the synchronized-output query, and notes the arrival time of each
    frame mark; the probe's reports come on a separate pipe.
    """

    def __init__(self, *, args: Sequence[str], env: Mapping[str, str]) -> None:
        master, slave = pty.openpty()
        columns, rows = SIZE
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        report_read, report_write = os.pipe()
        self._master = master
        self._reports = report_read
        self._report_buffer = b""
        self._frames: list[float] = []
        self._last_output = 0.0
        self._screen_tail = b""
        self._closed = False
        self._changed = threading.Condition()
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, str(PROBE), *args, "--report-fd", str(report_write)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            pass_fds=(report_write,),
            env=dict(env),
            cwd=REPO,
            start_new_session=True,
        )
        os.close(slave)
        os.close(report_write)
        self._reader = threading.Thread(target=self._read_screen, daemon=True)
        self._reader.start()

    def _read_screen(self) -> None:
        carry = b""
        while True:
            try:
                data = os.read(self._master, 1 << 16)
            except OSError:  # EIO: every process holding the terminal has gone
                data = b""
            now = time.monotonic()
            with self._changed:
                if not data:
                    self._closed = True
                    self._changed.notify_all()
                    return
                seen = carry + data
                if SYNC_QUERY in seen[max(len(carry) - len(SYNC_QUERY) + 1, 0) :]:
                    os.write(self._master, SYNC_REPLY)
                marks = seen[max(len(carry) - len(FRAME_MARK) + 1, 0) :].count(FRAME_MARK)
                self._frames.extend([now] * marks)
                self._last_output = now
                self._screen_tail = (self._screen_tail + data)[-20_000:]
                carry = seen[-64:]
                self._changed.notify_all()

    def screen_text(self) -> str:
        """The last output without escape sequences, to explain a crash."""
        with self._changed:
            tail = self._screen_tail
        return ESCAPES.sub(b"", tail).decode(errors="replace").strip()[-3000:]

    def report(self, *, kind: str, timeout: float = TIMEOUT) -> list[str]:
        """The next report line of the probe, which must be of `kind`."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._report_buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._reports], [], [], max(left, 0))
            if not ready:
                raise BenchError(f"no '{kind}' report in {timeout:.0f} s:\n{self.screen_text()}")
            chunk = os.read(self._reports, 1 << 16)
            if not chunk:
                raise BenchError(f"the probe ended before '{kind}':\n{self.screen_text()}")
            self._report_buffer += chunk
        line, _, self._report_buffer = self._report_buffer.partition(b"\n")
        words = line.decode().split()
        if words[0] != kind:
            raise BenchError(f"expected a '{kind}' report, got {line!r}:\n{self.screen_text()}")
        return words[1:]

    def frame_time(self, *, number: int, timeout: float = TIMEOUT) -> float:
        """When frame `number` (counted from 1) had fully arrived."""
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: len(self._frames) >= number or self._closed, timeout=timeout
            )
            if arrived and len(self._frames) >= number:
                return self._frames[number - 1]
        raise BenchError(f"frame {number} never arrived:\n{self.screen_text()}")

    def settle(self) -> None:
        """Wait until the app has written nothing for QUIET seconds (at most SETTLE_LIMIT)."""
        limit = time.monotonic() + SETTLE_LIMIT
        while (now := time.monotonic()) < limit:
            with self._changed:
                silent_for = now - self._last_output
            if silent_for >= QUIET:
                return
            time.sleep(QUIET - silent_for)

    def press(self, *, key: str) -> float:
        """Type `key`; returns when its bytes were written."""
        sent = time.monotonic()
        os.write(self._master, KEY_BYTES.get(key, key.encode()))
        return sent

    def wait_stored(self) -> None:
        """Until every change the app has queued is stored (the probe's SIGUSR1)."""
        self.process.send_signal(signal.SIGUSR1)
        self.report(kind="stored", timeout=STORED_LIMIT)

    def finish(self) -> tuple[float, float]:
        """Wait for the probe to exit; its peak RSS in MB and its CPU seconds."""
        peak_kb, cpu_seconds = self.report(kind="exit")
        self.process.wait(timeout=TIMEOUT)
        return int(peak_kb) / 1024, float(cpu_seconds)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self._reports)
        self._reader.join(timeout=5)
        os.close(self._master)


@contextmanager
def terminal(*, args: Sequence[str], env: Mapping[str, str]) -> Iterator[Terminal]:
    term = Terminal(args=args, env=env)
    try:
        yield term
    finally:
        term.close()


# --- measurements --------------------------------------------------------------------------


def column_counts(counts: str) -> list[int]:
    """The probe's "12,7,0,…" (cards per board column, left to right); "-" for the floor."""
    return [] if counts == "-" else [int(count) for count in counts.split(",")]


def mode_keys(keys: str) -> tuple[str, ...]:
    """The probe's "1,2,6,i" (keys that switch modes on the screen shown); "-" for none."""
    return () if keys == "-" else tuple(keys.split(","))


@dataclass
class Start:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    columns: list[int]


def start_once(*, role: str, args: Sequence[str], env: Mapping[str, str]) -> Start:
    """One cold start of the app or the floor, until its first painted frame; then it quits."""
    with terminal(args=[role, *args], env=env) as term:
        frame, counts, _modes = term.report(kind="ready")
        seconds = term.frame_time(number=int(frame)) - term.started
        peak_rss_mb, cpu_seconds = term.finish()
        return Start(
            seconds=seconds,
            cpu_seconds=cpu_seconds,
            peak_rss_mb=peak_rss_mb,
            columns=column_counts(counts),
        )


@dataclass
class ColdStarts:
    app: Summary
    floor: Summary
    ratio: float
    app_cpu: Summary
    floor_cpu: Summary
    peak_rss_mb: float
    columns: list[int]
    floor_imports: list[str]


def floor_modules(*, demo: Demo, workdir: Path, env: Mapping[str, str]) -> Path:
    """The file listing the third-party modules the app has loaded by its first board on SQLite.

    The floor imports exactly those, whichever back end is measured: a server's
    driver and SQL dialect are part of what the app costs there. This start
    (unrecorded) also fills the OS file cache and compiles stale .pyc files.
    """
    modules = workdir / "modules.txt"
    with sqlite_copy(demo=demo, workdir=workdir) as db:
        start_once(role="app", args=["--db", db, "--modules", str(modules)], env=env)
    return modules


def cold_starts(*, db: str, modules: Path, runs: int, env: Mapping[str, str]) -> ColdStarts:
    """App and floor (importing `modules`), alternating, after one unrecorded start of each.

    The unrecorded starts fill the OS file cache (and the server's) and write
    the byte code of what is stale, which a user's second start would not pay either.
    """
    start_once(role="app", args=["--db", db], env=env)
    start_once(role="floor", args=["--modules", str(modules)], env=env)
    apps: list[Start] = []
    floors: list[Start] = []
    for _ in range(runs):
        floors.append(start_once(role="floor", args=["--modules", str(modules)], env=env))
        apps.append(start_once(role="app", args=["--db", db], env=env))
    app = Summary.of(seconds=[start.seconds for start in apps])
    floor = Summary.of(seconds=[start.seconds for start in floors])
    return ColdStarts(
        app=app,
        floor=floor,
        ratio=app.median / floor.median,
        app_cpu=Summary.of(seconds=[start.cpu_seconds for start in apps]),
        floor_cpu=Summary.of(seconds=[start.cpu_seconds for start in floors]),
        peak_rss_mb=max(start.peak_rss_mb for start in apps),
        columns=apps[0].columns,
        floor_imports=sorted({name.partition(".")[0] for name in modules.read_text().split()}),
    )


@dataclass
class Shown:
    """What a key led to: the screen shown and the keys that switch modes from there."""

    screen: str
    modes: tuple[str, ...]


@dataclass
class Timed:
    """A key's times: to its first frame, and to the frame that showed its screen's data
    (the same when the screen read nothing in a thread, or had it by the first frame)."""

    seconds: float
    filled_seconds: float


def press_and_time(*, term: Terminal, key: str) -> tuple[Timed, Shown]:
    """Key to the first frame written after its action, once the screen is quiet, and to
    the frame that showed what its screen read in a thread."""
    term.settle()
    sent = term.press(key=key)
    frame, screen, modes, reading = term.report(kind="frame")
    seconds = term.frame_time(number=int(frame)) - sent
    filled = seconds
    if reading == "1":
        (filled_frame,) = term.report(kind="filled")
        filled = term.frame_time(number=int(filled_frame)) - sent
    return Timed(seconds=seconds, filled_seconds=filled), Shown(
        screen=screen, modes=mode_keys(modes)
    )


def key_script(*, keys: int, first_column: int) -> dict[str, list[tuple[str, bool]]]:
    """Per kind, the keys to type and whether each is timed.

    Every key must change the screen, because a key that changes nothing
    paints no frame to time: j/k walk down the first column (backlog) and back
    up, as far as `keys` allows, paging past the visible cards; h/l go round
    the columns and back; L/H move the selected card right and back (a write
    each); ctrl+z undoes an L each time, which puts the card and the selection
    back in the first column (an h after it would go round to the last, where
    the next L moves nothing). Card keys need cards in that column.
    """
    half = keys // 2
    script = {}
    if first_column > 1:
        walk = min(half, first_column - 1)
        trips = [("j", True)] * walk + [("k", True)] * walk
        script["j/k"] = (trips * math.ceil(keys / len(trips)))[:keys]
    script["h/l"] = [("l", True)] * half + [("h", True)] * half  # h past the first: no frame
    if first_column > 0:
        script["L/H"] = [("L", True), ("H", True)] * half
        script["ctrl+z"] = [("L", False), ("ctrl+z", True)] * keys
    return script


class Switches:
    """Screen-switch latencies by target screen, and what got in the way of the mode keys."""

    def __init__(self) -> None:
        self.samples: dict[str, list[Timed]] = {}
        self.screens: dict[str, str] = {}
        self.notes: dict[str, None] = {}  # an ordered set

    def add(self, *, key: str, timed: Timed, shown: Shown) -> None:
        label = f"{key} {MODE_TITLES[key]}"
        self.samples.setdefault(label, []).append(timed)
        self.screens[label] = shown.screen

    def summaries(self) -> dict[str, dict[str, object]]:
        """Per screen, the switch to its first frame; under "filled", to its data shown."""
        return {
            label: {
                "screen": self.screens[label],
                "first_ms": samples[0].seconds * 1000,
                **asdict(Summary.of(seconds=[sample.seconds for sample in samples])),
                "filled": {
                    "first_ms": samples[0].filled_seconds * 1000,
                    **asdict(Summary.of(seconds=[sample.filled_seconds for sample in samples])),
                },
            }
            for label, samples in self.samples.items()
        }


def visit_every_screen(*, term: Terminal, board: Shown, switches: Switches) -> Shown:
    """Board → each screen → back to the board, by mode keys only; returns the board as shown.

    Should a screen take a mode key for itself, the key is never pressed there,
    since it could change data: the way back goes through another screen, and a
    note says so.
    """
    for key in MODE_TITLES:
        if key == "1":
            continue
        if key not in board.modes:
            switches.notes[f"'{key}' does not switch modes on the board"] = None
            continue
        timed, shown = press_and_time(term=term, key=key)
        switches.add(key=key, timed=timed, shown=shown)
        here, tried = key, {key}
        while "1" not in shown.modes:
            switches.notes[f"'1' does not switch modes on {shown.screen}"] = None
            detours = [mode for mode in shown.modes if mode not in tried]
            if not detours:
                raise BenchError(f"no mode key leads back to the board from {shown.screen}")
            here = detours[0]
            tried.add(here)
            timed, shown = press_and_time(term=term, key=here)
            switches.add(key=here, timed=timed, shown=shown)
        timed, board = press_and_time(term=term, key="1")
        switches.add(key="1", timed=timed, shown=board)
    return board


@dataclass
class Session:
    keys: dict[str, Summary]
    switches: dict[str, dict[str, object]]
    notes: list[str]
    peak_rss_mb: float


def key_session(*, db: str, keys: int, switches: int, env: Mapping[str, str]) -> Session:
    """One running app: keystrokes on the board, then every screen and back, `switches` times,
    once the changes the keys made are stored (else a screen's first visit reads behind them)."""
    with terminal(args=["app", "--db", db, "--stay"], env=env) as term:
        _frame, counts, modes = term.report(kind="ready")
        board = Shown(screen="BoardScreen", modes=mode_keys(modes))
        timings: dict[str, Summary] = {}
        for kind, script in key_script(keys=keys, first_column=column_counts(counts)[0]).items():
            samples = []
            for key, counted in script:
                timed, _shown = press_and_time(term=term, key=key)
                if counted:
                    samples.append(timed.seconds)
            timings[kind] = Summary.of(seconds=samples)
        term.wait_stored()
        visits = Switches()
        for _ in range(switches):
            board = visit_every_screen(term=term, board=board, switches=visits)
        term.press(key="ctrl+q")
        peak_rss_mb, _cpu = term.finish()
    return Session(
        keys=timings,
        switches=visits.summaries(),
        notes=list(visits.notes),
        peak_rss_mb=peak_rss_mb,
    )


def cli_seconds(*, args: Sequence[str], env: Mapping[str, str]) -> float:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, *CLI, *args], env=dict(env), cwd=REPO, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise BenchError(f"clientdeck {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds


def command_exists(*, words: Sequence[str], env: Mapping[str, str]) -> bool:
    """Whether `clientdeck WORDS --help` is a known command (argparse says "invalid choice")."""
    done = subprocess.run(
        [sys.executable, *CLI, *words, "--help"],
        env=dict(env),
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return done.returncode == 0


def report_times(
    *, db: str, client: str | None, runs: int, env: Mapping[str, str]
) -> dict[str, object]:
    """Median wall time of each report command as a user runs it, or why it was not run."""
    if client is None:
        return {"client": None, "hours": "n/a: no client", "week": "n/a: no client"}
    month = datetime.now().strftime("%Y-%m")
    hours = ["report", "hours", "--db", db, "--client", client, "--month", month]
    times: dict[str, object] = {
        "client": client,
        "month": month,
        "hours": Summary.of(seconds=[cli_seconds(args=hours, env=env) for _ in range(runs)]),
    }
    if command_exists(words=["report", "week"], env=env):
        week = ["report", "week", "--db", db, "--client", client]
        times["week"] = Summary.of(seconds=[cli_seconds(args=week, env=env) for _ in range(runs)])
    else:
        times["week"] = "n/a: no command"
    return times


@dataclass
class ScaleResult:
    backend: str
    scale: int
    demo: Demo
    cold: ColdStarts
    session: Session
    reports: dict[str, object]
    peak_rss_mb: float = field(init=False)

    def __post_init__(self) -> None:
        self.peak_rss_mb = max(self.cold.peak_rss_mb, self.session.peak_rss_mb)


def measure(
    *,
    backend: Backend,
    demo: Demo,
    modules: Path,
    workdir: Path,
    runs: int,
    keys: int,
    switches: int,
    env: Mapping[str, str],
) -> ScaleResult:
    """Cold starts, reports, then keys and screens, on one copy of `demo` in `backend`."""
    what = f"{backend.name} scale {demo.scale}"
    print(f"{what}: copying the demo database…", file=sys.stderr, flush=True)
    with backend.working_copy(demo=demo, workdir=workdir) as db:
        print(f"{what}: cold starts…", file=sys.stderr, flush=True)
        cold = cold_starts(db=db, modules=modules, runs=runs, env=env)
        print(f"{what}: reports…", file=sys.stderr, flush=True)
        reports = report_times(db=db, client=busiest_client(db=db), runs=runs, env=env)
        print(f"{what}: keys and screens…", file=sys.stderr, flush=True)
        session = key_session(db=db, keys=keys, switches=switches, env=env)
    return ScaleResult(
        backend=backend.name,
        scale=demo.scale,
        demo=demo,
        cold=cold,
        session=session,
        reports=reports,
    )


# --- targets -------------------------------------------------------------------------------


@dataclass
class Verdict:
    backend: str
    target: str
    value: str
    result: str  # PASS, MISS or n/a


def judge(*, passed: bool) -> str:
    return "PASS" if passed else "MISS"


def verdicts(*, results: Sequence[ScaleResult]) -> list[Verdict]:
    """Every target of the issue, per back end and scale where it applies.

    The cold-start targets are stated for SQLite, the default store; keys,
    screens and memory are held to the same targets on every back end.
    """
    found: list[Verdict] = []
    on_sqlite = {result.scale: result for result in results if result.backend == "sqlite"}
    big, small = on_sqlite.get(25), on_sqlite.get(1)
    target = f"cold start ≤ {COLD_VS_FLOOR} × floor, sqlite scale 25"
    if big is None:
        found.append(Verdict(backend="sqlite", target=target, value="not run", result="n/a"))
    else:
        cold = big.cold
        value = f"{cold.app.median:.0f} / {cold.floor.median:.0f} ms = {cold.ratio:.2f}×"
        passed = cold.ratio <= COLD_VS_FLOOR
        found.append(
            Verdict(backend="sqlite", target=target, value=value, result=judge(passed=passed))
        )
    target = f"scale 25 cold start ≤ {SCALE_GROWTH} × scale 1, sqlite"
    if big is None or small is None:
        value = "scales 1 and 25 not both run"
        found.append(Verdict(backend="sqlite", target=target, value=value, result="n/a"))
    else:
        growth = big.cold.ratio / small.cold.ratio
        value = (
            f"{big.cold.ratio:.2f}× / {small.cold.ratio:.2f}× the floor = {growth:.2f}× "
            f"({big.cold.app.median:.0f} / {small.cold.app.median:.0f} ms)"
        )
        passed = growth <= SCALE_GROWTH
        found.append(
            Verdict(backend="sqlite", target=target, value=value, result=judge(passed=passed))
        )
    for result in results:
        where = f"{result.backend} scale {result.scale}"
        kind, worst = max(result.session.keys.items(), key=lambda item: item[1].p95)
        found.append(
            Verdict(
                backend=result.backend,
                target=f"keystroke p95 ≤ {KEY_P95_MS:.0f} ms, {where}",
                value=f"worst {kind}: {worst.p95:.1f} ms",
                result=judge(passed=worst.p95 <= KEY_P95_MS),
            )
        )
        target = f"screen switch p95 ≤ {SWITCH_P95_MS:.0f} ms, {where}"
        if result.session.switches:
            label, screen = max(result.session.switches.items(), key=lambda item: item[1]["p95"])
            found.append(
                Verdict(
                    backend=result.backend,
                    target=target,
                    value=f"worst {label}: {screen['p95']:.1f} ms",
                    result=judge(passed=screen["p95"] <= SWITCH_P95_MS),
                )
            )
        else:
            found.append(
                Verdict(
                    backend=result.backend,
                    target=target,
                    value="no mode key switched",
                    result="n/a",
                )
            )
        found.append(
            Verdict(
                backend=result.backend,
                target=f"peak RSS ≤ {PEAK_RSS_MB:.0f} MB, {where}",
                value=f"{result.cold.peak_rss_mb:.1f} MB at the first board, "
                f"{result.session.peak_rss_mb:.1f} MB after keys and switches",
                result=judge(passed=result.peak_rss_mb <= PEAK_RSS_MB),
            )
        )
    return found


# --- output --------------------------------------------------------------------------------


def format_summary(summary: object, *, parts: Sequence[str]) -> str:
    """`median / p95` style cells; text results (n/a) pass through."""
    if isinstance(summary, Summary):
        return " / ".join(f"{getattr(summary, part):.1f}" for part in parts)
    if isinstance(summary, Mapping):
        return " / ".join(f"{summary[part]:.1f}" for part in parts)
    return str(summary)


def table_rows(*, results: Sequence[ScaleResult | None]) -> list[tuple[str, list[str]]]:
    """One back end's rows as (row title, one cell per scale); a title without cells is a heading.

    A scale that back end could not measure (None) has "not measured" in every row.
    """
    measured = [r for r in results if r is not None]

    def cells(cell) -> list[str]:
        return ["not measured" if r is None else cell(r) for r in results]

    def built(r: ScaleResult) -> str:
        return f"{r.demo.build_seconds:.1f}{'' if r.demo.built_now else ' cached'}"

    rows: list[tuple[str, list[str]]] = [("demo database", [])]
    rows.append(("  build (s)", cells(built)))
    rows.append(("  board cards", cells(lambda r: str(sum(r.cold.columns)))))
    rows.append(("cold start (ms) median / max", []))
    rows.append(("  app", cells(lambda r: format_summary(r.cold.app, parts=("median", "max")))))
    rows.append(("  floor", cells(lambda r: format_summary(r.cold.floor, parts=("median", "max")))))
    rows.append(("  app / floor", cells(lambda r: f"{r.cold.ratio:.2f}×")))
    rows.append(("cold start CPU (ms) median", []))
    rows.append(("  app", cells(lambda r: format_summary(r.cold.app_cpu, parts=("median",)))))
    rows.append(("  floor", cells(lambda r: format_summary(r.cold.floor_cpu, parts=("median",)))))
    rows.append(("peak RSS (MB)", []))
    rows.append(("  first board", cells(lambda r: f"{r.cold.peak_rss_mb:.1f}")))
    rows.append(("  after keys and switches", cells(lambda r: f"{r.session.peak_rss_mb:.1f}")))
    rows.append(("keystroke (ms) median / p95", []))
    for kind in KINDS:
        rows.append(
            (
                f"  {kind}",
                cells(
                    lambda r, kind=kind: format_summary(
                        r.session.keys.get(kind, "n/a: no cards"), parts=("median", "p95")
                    )
                ),
            )
        )
    rows.append(("screen switch (ms) first / median / p95", []))
    for key, title in MODE_TITLES.items():
        label = f"{key} {title}"
        shown = {
            r.session.switches[label]["screen"] for r in measured if label in r.session.switches
        }
        note = " (placeholder)" if shown == {"PlaceholderScreen"} else ""
        rows.append(
            (
                f"  {label}{note}",
                cells(
                    lambda r, label=label: format_summary(
                        r.session.switches.get(label, "n/a: key taken"),
                        parts=("first_ms", "median", "p95"),
                    )
                ),
            )
        )
    rows.append(("screen filled (ms) first / median / p95", []))
    for key, title in MODE_TITLES.items():
        label = f"{key} {title}"
        rows.append(
            (
                f"  {label}",
                cells(
                    lambda r, label=label: format_summary(
                        r.session.switches[label]["filled"]
                        if label in r.session.switches
                        else "n/a: key taken",
                        parts=("first_ms", "median", "p95"),
                    )
                ),
            )
        )
    rows.append(("report (ms) median", []))
    rows.append(("  client", cells(lambda r: str(r.reports["client"] or "none"))))
    for name in ("hours", "week"):
        rows.append(
            (
                f"  report {name}",
                cells(lambda r, name=name: format_summary(r.reports[name], parts=("median",))),
            )
        )
    return rows


def print_report(
    *,
    machine: Mapping[str, object],
    backends: Sequence[Backend],
    scales: Sequence[int],
    results: Sequence[ScaleResult],
    found: list[Verdict],
) -> None:
    """The table: a column per scale, a group of rows per back end; then notes and targets."""
    drivers = f", psycopg {machine['psycopg']}" if any(b.server for b in backends) else ""
    print(
        f"clientdeck benchmarks, {machine['date']}\n"
        f"{machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB, "
        f"load {' '.join(map(str, machine['load_average']))} at start; Python "
        f"{machine['python']}, textual {machine['textual']}, SQLAlchemy {machine['sqlalchemy']}"
        f"{drivers}"
    )
    by_place = {(result.backend, result.scale): result for result in results}
    groups = [
        (backend, table_rows(results=[by_place.get((backend.name, scale)) for scale in scales]))
        for backend in backends
        if any((backend.name, scale) in by_place for scale in scales)
    ]
    every_row = [row for _backend, rows in groups for row in rows]
    title_width = max(len(title) for title, _cells in every_row) + 4
    cell_width = max(
        [len(cell) for _title, cells in every_row for cell in cells] + [len("scale 100")]
    )
    header = "".join(f"{'scale ' + str(scale):>{cell_width + 2}}" for scale in scales)
    print(f"\n{'':<{title_width}}{header}")
    for backend, rows in groups:
        print(f"{backend.name}: {backend.title}")
        for title, cells in rows:
            line = f"  {title:<{title_width - 2}}"
            print(line + "".join(f"{cell:>{cell_width + 2}}" for cell in cells))
    notes = dict.fromkeys(note for result in results for note in result.session.notes)
    for note in notes:
        print(f"note: {note}")
    print("\ntargets")
    target_width = max(len(verdict.target) for verdict in found) + 2
    for verdict in found:
        print(f"  {verdict.result:<5} {verdict.target:<{target_width}}{verdict.value}")


def to_json(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return {key: to_json(item) for key, item in asdict(value).items()}
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


# --- main ----------------------------------------------------------------------------------


def listed(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales",
        default="0,1,25",
        type=lambda text: list(dict.fromkeys(int(part) for part in listed(text))),
        help="demo scales to measure (default 0,1,25)",
    )
    parser.add_argument(
        "--backends",
        default="sqlite",
        type=lambda text: list(dict.fromkeys(listed(text))),
        help=f"back ends to measure, of {','.join(BACKENDS)} (default sqlite)",
    )
    parser.add_argument(
        "--pg",
        metavar="URL",
        default=os.environ.get("CLIENTDECK_TEST_PG") or None,
        help="the PostgreSQL server for pg and pg-delayed, as a SQLAlchemy URL; the benchmark "
        "makes its own databases there (default: $CLIENTDECK_TEST_PG)",
    )
    parser.add_argument(
        "--delay-ms",
        type=float,
        default=10.0,
        help="pg-delayed: milliseconds added each way, so twice this per round trip (default 10)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results here")
    parser.add_argument("--runs", type=int, default=7, help="cold starts and report runs")
    parser.add_argument("--keys", type=int, default=200, help="timed keys per kind")
    parser.add_argument("--switches", type=int, default=20, help="visits to each screen")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo databases")
    args = parser.parse_args(argv)
    unknown = [name for name in args.backends if name not in BACKENDS]
    if unknown or not args.backends:
        parser.error(f"--backends takes some of {','.join(BACKENDS)}, not {','.join(unknown)}")
    if set(args.backends) - {"sqlite"} and not args.pg:
        parser.error("pg and pg-delayed need a server: --pg URL or CLIENTDECK_TEST_PG")
    if args.delay_ms < 0:
        parser.error("--delay-ms cannot be negative")
    return args


def open_backends(*, args: argparse.Namespace, stack: ExitStack) -> list[Backend]:
    """The back ends asked for, in order; the delaying proxy runs until `stack` closes."""
    backends: list[Backend] = []
    server = None
    for name in args.backends:
        if name == "sqlite":
            backends.append(Backend(name=name, title="SQLite, a local file"))
            continue
        server = server or PostgresServer(url=args.pg)
        if name == "pg":
            backends.append(Backend(name=name, title=server.describe(), server=server))
            continue
        proxy = stack.enter_context(DelayProxy(upstream=server.address, delay=args.delay_ms / 1000))
        title = (
            f"{server.describe()}, through a proxy adding {args.delay_ms:g} ms each way "
            f"({2 * args.delay_ms:g} ms a round trip)"
        )
        backends.append(Backend(name=name, title=title, server=server, via=proxy))
    return backends


def measure_all(
    *, args: argparse.Namespace, backends: Sequence[Backend], env: Mapping[str, str]
) -> tuple[list[ScaleResult], list[dict[str, object]]]:
    """Each scale on each back end in turn; what could not be measured goes to the failures.

    One back end failing at a scale (the app crashed mid-change, the server went
    away) must not throw away the others.
    """
    results: list[ScaleResult] = []
    failures: list[dict[str, object]] = []

    def failed(*, backend: Backend, scale: int, error: BenchError) -> None:
        failures.append({"backend": backend.name, "scale": scale, "error": str(error)})
        print(f"{backend.name} scale {scale} could not be measured: {error}", file=sys.stderr)

    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix=f"clientdeck-bench-{scale}-") as place:
            workdir = Path(place)
            try:
                # The SQLite demo is built whatever is measured: the floor imports what
                # the app loads on it.
                on_sqlite = demo_database(scale=scale, rebuild=args.rebuild, env=env)
                modules = floor_modules(demo=on_sqlite, workdir=workdir, env=env)
            except BenchError as error:
                for backend in backends:
                    failed(backend=backend, scale=scale, error=error)
                continue
            for backend in backends:
                try:
                    demo = backend.demo(scale=scale, rebuild=args.rebuild, env=env)
                    results.append(
                        measure(
                            backend=backend,
                            demo=demo,
                            modules=modules,
                            workdir=workdir,
                            runs=args.runs,
                            keys=args.keys,
                            switches=args.switches,
                            env=env,
                        )
                    )
                except BenchError as error:
                    failed(backend=backend, scale=scale, error=error)
    return results, failures


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    machine = {"date": datetime.now(UTC).isoformat(timespec="seconds"), **machine_info()}
    config_dir = Path(tempfile.mkdtemp(prefix="clientdeck-bench-config-"))
    try:
        with ExitStack() as stack:
            backends = open_backends(args=args, stack=stack)
            env = child_env(config_dir=config_dir)
            results, failures = measure_all(args=args, backends=backends, env=env)
    except BenchError as error:  # the server could not be reached at all
        print(f"not measured: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)
    machine["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    found = verdicts(results=results)
    if results:
        print_report(
            machine=machine, backends=backends, scales=args.scales, results=results, found=found
        )
    for failure in failures:
        print(f"{failure['backend']} scale {failure['scale']}: not measured, see the error above")
    if args.json:
        document = {
            "machine": machine,
            "settings": {
                "runs": args.runs,
                "keys": args.keys,
                "switches": args.switches,
                "size": SIZE,
                "backends": args.backends,
                "delay_ms_each_way": args.delay_ms if "pg-delayed" in args.backends else None,
            },
            "backends": {backend.name: backend.title for backend in backends},
            "results": results,
            "failures": failures,
            "targets": found,
        }
        args.json.write_text(json.dumps(to_json(document), indent=2, ensure_ascii=False) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
