"""Benchmarks at agency scale: start-up, keys, screen switches, reports and memory.

    python tests/benchmarks/bench.py [--scales 0,1,25] [--json FILE] [--runs 7] [--keys 200]
                                     [--switches 20] [--rebuild]

Why it looks like this:

- Demo databases are built once per scale with the real CLI (`clientdeck
  demo`) under `tests/benchmarks/.cache/` and reused; a build is redone when
  the file is missing, when `model/demo.py`, `model/tables.py` or a migration
  changed since it was built, or with `--rebuild`. Every measurement works on a
  copy, because the key benchmark moves cards.
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
  that imports the same third-party modules the app had loaded by then and
  paints one label; floor and app runs alternate so background load hits both.
  Scale 25 against scale 1 compares each scale's app/floor ratio, since the
  two scales are minutes apart and the machine's load may change meanwhile.
  CPU time is shown beside it: it hardly moves when other work shares the
  machine, so it tells a slow app from a busy machine.
- Keystroke and screen-switch latency: from writing the key's bytes to the
  terminal to the arrival of the first frame written after the key's action
  returned. Follow-up frames (a footer update, a toast sliding in) are not
  waited for, and a screen that paints first and loads its data after is
  timed to that first paint. Before each key the terminal must be quiet for
  30 ms, as when a person presses a key on a settled screen.
- Screen switches walk from the board to each screen and back by the mode
  keys, `--switches` times. A screen that takes a mode key for itself is left
  through another screen instead (never pressing a key that would change
  data there), and the table's notes say which.
- Peak RSS is the probe's own `ru_maxrss` when it exits: once after the first
  board (cold start), once after all the keys and switches (a leak shows as
  the difference).

This is a measurement, not a test: it exits 0 whatever the numbers are, and 1
only when a scale could not be measured at all (the app crashed, say).
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
import re
import select
import shutil
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
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CACHE = HERE / ".cache"
PROBE = HERE / "probe.py"
CLI = ("-m", "tui")  # the clientdeck command, as installed
SIZE = (120, 36)  # columns, rows

# What a demo database depends on: when one of these changes, the cached file is stale.
DEMO_INPUTS = ("model/demo.py", "model/tables.py", "model/migrations/versions/*.py")

FRAME_MARK = b"\x1b_clientdeck-bench-frame\x1b\\"  # must match probe.FRAME_MARK
SYNC_QUERY = b"\x1b[?2026$p"  # "do you support synchronized output?"
SYNC_REPLY = b"\x1b[?2026;2$y"  # "yes, and it is off now", as kitty, WezTerm or iTerm2 say
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|_[^\x1b]*\x1b\\|\][^\x07]*\x07|.)")
KEY_BYTES = {"ctrl+z": b"\x1a", "ctrl+q": b"\x11"}  # other keys are their own character

QUIET = 0.03  # seconds without output before a key is sent
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

COLD_VS_FLOOR = 1.5
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
    }


# --- demo databases ------------------------------------------------------------------------


@dataclass
class Demo:
    scale: int
    path: Path
    build_seconds: float
    built_now: bool
    contents: str


def child_env(*, config_dir: Path) -> dict[str, str]:
    """The environment of every child: the repo importable, a throwaway config, a plain terminal.

    Textual and clientdeck settings of whoever runs the benchmark are dropped
    so a theme, a language or NO_COLOR in their shell cannot change the numbers.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "CLIENTDECK_"))
        and key not in ("NO_COLOR", "COLUMNS", "LINES")
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


def demo_database(*, scale: int, rebuild: bool, env: Mapping[str, str]) -> Demo:
    """The cached demo database of `scale`, built with `clientdeck demo` when needed.

    The metadata file is written last, so a build that failed halfway is
    never mistaken for a good one.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"scale-{scale}.db"
    meta_path = CACHE / f"scale-{scale}.json"
    fingerprint = demo_fingerprint()
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if path.exists() and meta.get("fingerprint") == fingerprint and not rebuild:
        return Demo(
            scale=scale,
            path=path,
            build_seconds=meta["build_seconds"],
            built_now=False,
            contents=meta["contents"],
        )
    reason = "--rebuild" if rebuild else "missing" if not meta else "the demo code changed"
    print(f"building the scale {scale} demo database ({reason})…", file=sys.stderr, flush=True)
    meta_path.unlink(missing_ok=True)
    for leftover in (path, *path.parent.glob(f"{path.name}-*")):
        leftover.unlink(missing_ok=True)
    command = [sys.executable, *CLI, "demo", "--db", str(path), "--scale", str(scale), "--force"]
    started = time.monotonic()
    done = subprocess.run(command, env=dict(env), cwd=REPO, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise BenchError(f"clientdeck demo --scale {scale} failed:\n{done.stderr[-3000:]}")
    contents = done.stdout.strip() or "empty schema"
    meta = {
        "fingerprint": fingerprint,
        "build_seconds": seconds,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "contents": contents,
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    return Demo(scale=scale, path=path, build_seconds=seconds, built_now=True, contents=contents)


def working_copy(*, source: Path, target: Path) -> Path:
    """A consistent copy (SQLite's backup API), so benchmarks never change the cached file."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def busiest_client(*, db: Path) -> str | None:
    """The code of the client with the most time entries: the heaviest realistic report."""
    with sqlite3.connect(db) as connection:
        row = connection.execute(
            "SELECT client.code FROM timeentry"
            " JOIN task ON task.id = timeentry.task_id"
            " JOIN client ON client.id = task.client_id"
            " GROUP BY client.id ORDER BY COUNT(*) DESC, client.id LIMIT 1"
        ).fetchone()
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


def cold_starts(*, db: Path, runs: int, env: Mapping[str, str], workdir: Path) -> ColdStarts:
    """App and floor, alternating, after one unrecorded app start.

    The unrecorded start fills the OS file cache and compiles stale .pyc
    files, which a user's second start would not pay either, and it records
    which third-party modules the app has loaded by its first board: the floor
    imports exactly those.
    """
    modules = workdir / "modules.txt"
    start_once(role="app", args=["--db", str(db), "--modules", str(modules)], env=env)
    apps: list[Start] = []
    floors: list[Start] = []
    for _ in range(runs):
        floors.append(start_once(role="floor", args=["--modules", str(modules)], env=env))
        apps.append(start_once(role="app", args=["--db", str(db)], env=env))
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


def press_and_time(*, term: Terminal, key: str) -> tuple[float, Shown]:
    """Key to the first frame written after its action, once the screen is quiet."""
    term.settle()
    sent = term.press(key=key)
    frame, screen, modes = term.report(kind="frame")
    return term.frame_time(number=int(frame)) - sent, Shown(screen=screen, modes=mode_keys(modes))


def key_script(*, keys: int, first_column: int) -> dict[str, list[tuple[str, bool]]]:
    """Per kind, the keys to type and whether each is timed.

    Every key must change the screen, because a key that changes nothing
    paints no frame to time: j/k walk down the first column (backlog) and back
    up, as far as `keys` allows, paging past the visible cards; h/l go round
    the columns and back; L/H move the selected card right and back (a write
    each); ctrl+z undoes an L each time (the h after it, untimed, puts the
    selection back in the first column). Card keys need cards in that column.
    """
    half = keys // 2
    script = {}
    if first_column > 1:
        walk = min(half, first_column - 1)
        trips = [("j", True)] * walk + [("k", True)] * walk
        script["j/k"] = (trips * math.ceil(keys / len(trips)))[:keys]
    script["h/l"] = [("l", True)] * half + [("h", True)] * (keys - half)
    if first_column > 0:
        script["L/H"] = [("L", True), ("H", True)] * half
        script["ctrl+z"] = [("L", False), ("ctrl+z", True), ("h", False)] * keys
    return script


class Switches:
    """Screen-switch latencies by target screen, and what got in the way of the mode keys."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}
        self.screens: dict[str, str] = {}
        self.notes: dict[str, None] = {}  # an ordered set

    def add(self, *, key: str, seconds: float, shown: Shown) -> None:
        label = f"{key} {MODE_TITLES[key]}"
        self.samples.setdefault(label, []).append(seconds)
        self.screens[label] = shown.screen

    def summaries(self) -> dict[str, dict[str, object]]:
        return {
            label: {
                "screen": self.screens[label],
                "first_ms": samples[0] * 1000,
                **asdict(Summary.of(seconds=samples)),
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
        seconds, shown = press_and_time(term=term, key=key)
        switches.add(key=key, seconds=seconds, shown=shown)
        here, tried = key, {key}
        while "1" not in shown.modes:
            switches.notes[f"'1' does not switch modes on {shown.screen}"] = None
            detours = [mode for mode in shown.modes if mode not in tried]
            if not detours:
                raise BenchError(f"no mode key leads back to the board from {shown.screen}")
            here = detours[0]
            tried.add(here)
            seconds, shown = press_and_time(term=term, key=here)
            switches.add(key=here, seconds=seconds, shown=shown)
        seconds, board = press_and_time(term=term, key="1")
        switches.add(key="1", seconds=seconds, shown=board)
    return board


@dataclass
class Session:
    keys: dict[str, Summary]
    switches: dict[str, dict[str, object]]
    notes: list[str]
    peak_rss_mb: float


def key_session(*, db: Path, keys: int, switches: int, env: Mapping[str, str]) -> Session:
    """One running app: keystrokes on the board, then every screen and back, `switches` times."""
    with terminal(args=["app", "--db", str(db), "--stay"], env=env) as term:
        _frame, counts, modes = term.report(kind="ready")
        board = Shown(screen="BoardScreen", modes=mode_keys(modes))
        timings: dict[str, Summary] = {}
        for kind, script in key_script(keys=keys, first_column=column_counts(counts)[0]).items():
            samples = []
            for key, timed in script:
                seconds, _shown = press_and_time(term=term, key=key)
                if timed:
                    samples.append(seconds)
            timings[kind] = Summary.of(seconds=samples)
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
    *, db: Path, client: str | None, runs: int, env: Mapping[str, str]
) -> dict[str, object]:
    """Median wall time of each report command as a user runs it, or why it was not run."""
    if client is None:
        return {"client": None, "hours": "n/a: no client", "week": "n/a: no client"}
    month = datetime.now().strftime("%Y-%m")
    hours = ["report", "hours", "--db", str(db), "--client", client, "--month", month]
    times: dict[str, object] = {
        "client": client,
        "month": month,
        "hours": Summary.of(seconds=[cli_seconds(args=hours, env=env) for _ in range(runs)]),
    }
    if command_exists(words=["report", "week"], env=env):
        week = ["report", "week", "--db", str(db), "--client", client]
        times["week"] = Summary.of(seconds=[cli_seconds(args=week, env=env) for _ in range(runs)])
    else:
        times["week"] = "n/a: no command"
    return times


@dataclass
class ScaleResult:
    scale: int
    demo: Demo
    cold: ColdStarts
    session: Session
    reports: dict[str, object]
    peak_rss_mb: float = field(init=False)

    def __post_init__(self) -> None:
        self.peak_rss_mb = max(self.cold.peak_rss_mb, self.session.peak_rss_mb)


def measure_scale(
    *, demo: Demo, runs: int, keys: int, switches: int, env: Mapping[str, str]
) -> ScaleResult:
    with tempfile.TemporaryDirectory(prefix=f"clientdeck-bench-{demo.scale}-") as place:
        workdir = Path(place)
        db = working_copy(source=demo.path, target=workdir / "clientdeck.db")
        print(f"scale {demo.scale}: cold starts…", file=sys.stderr, flush=True)
        cold = cold_starts(db=db, runs=runs, env=env, workdir=workdir)
        print(f"scale {demo.scale}: reports…", file=sys.stderr, flush=True)
        reports = report_times(db=db, client=busiest_client(db=db), runs=runs, env=env)
        print(f"scale {demo.scale}: keys and screens…", file=sys.stderr, flush=True)
        session = key_session(db=db, keys=keys, switches=switches, env=env)
    return ScaleResult(scale=demo.scale, demo=demo, cold=cold, session=session, reports=reports)


# --- targets -------------------------------------------------------------------------------


@dataclass
class Verdict:
    target: str
    value: str
    result: str  # PASS, MISS or n/a


def judge(*, passed: bool) -> str:
    return "PASS" if passed else "MISS"


def verdicts(*, results: Mapping[int, ScaleResult]) -> list[Verdict]:
    """Every target of the issue, per scale where it applies."""
    found: list[Verdict] = []
    big, small = results.get(25), results.get(1)
    target = f"cold start ≤ {COLD_VS_FLOOR} × floor at scale 25"
    if big is None:
        found.append(Verdict(target=target, value="scale 25 not run", result="n/a"))
    else:
        cold = big.cold
        value = f"{cold.app.median:.0f} / {cold.floor.median:.0f} ms = {cold.ratio:.2f}×"
        found.append(
            Verdict(target=target, value=value, result=judge(passed=cold.ratio <= COLD_VS_FLOOR))
        )
    target = f"scale 25 cold start ≤ {SCALE_GROWTH} × scale 1"
    if big is None or small is None:
        found.append(Verdict(target=target, value="scales 1 and 25 not both run", result="n/a"))
    else:
        growth = big.cold.ratio / small.cold.ratio
        value = (
            f"{big.cold.ratio:.2f}× / {small.cold.ratio:.2f}× the floor = {growth:.2f}× "
            f"({big.cold.app.median:.0f} / {small.cold.app.median:.0f} ms)"
        )
        found.append(
            Verdict(target=target, value=value, result=judge(passed=growth <= SCALE_GROWTH))
        )
    for scale, result in results.items():
        kind, worst = max(result.session.keys.items(), key=lambda item: item[1].p95)
        found.append(
            Verdict(
                target=f"keystroke p95 ≤ {KEY_P95_MS:.0f} ms, scale {scale}",
                value=f"worst {kind}: {worst.p95:.1f} ms",
                result=judge(passed=worst.p95 <= KEY_P95_MS),
            )
        )
        target = f"screen switch p95 ≤ {SWITCH_P95_MS:.0f} ms, scale {scale}"
        if result.session.switches:
            label, screen = max(result.session.switches.items(), key=lambda item: item[1]["p95"])
            found.append(
                Verdict(
                    target=target,
                    value=f"worst {label}: {screen['p95']:.1f} ms",
                    result=judge(passed=screen["p95"] <= SWITCH_P95_MS),
                )
            )
        else:
            found.append(Verdict(target=target, value="no mode key switched", result="n/a"))
        found.append(
            Verdict(
                target=f"peak RSS ≤ {PEAK_RSS_MB:.0f} MB, scale {scale}",
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


def table_rows(*, results: Mapping[int, ScaleResult]) -> list[tuple[str, list[str]]]:
    """The table as (row title, one cell per scale); a title without cells is a heading."""
    scales = list(results.values())
    rows: list[tuple[str, list[str]]] = [("demo database", [])]
    rows.append(
        (
            "  build (s)",
            [f"{r.demo.build_seconds:.1f}{'' if r.demo.built_now else ' cached'}" for r in scales],
        )
    )
    rows.append(("  board cards", [str(sum(r.cold.columns)) for r in scales]))
    rows.append(("cold start (ms) median / max", []))
    rows.append(("  app", [format_summary(r.cold.app, parts=("median", "max")) for r in scales]))
    rows.append(
        ("  floor", [format_summary(r.cold.floor, parts=("median", "max")) for r in scales])
    )
    rows.append(("  app / floor", [f"{r.cold.ratio:.2f}×" for r in scales]))
    rows.append(("cold start CPU (ms) median", []))
    rows.append(("  app", [format_summary(r.cold.app_cpu, parts=("median",)) for r in scales]))
    rows.append(("  floor", [format_summary(r.cold.floor_cpu, parts=("median",)) for r in scales]))
    rows.append(("peak RSS (MB)", []))
    rows.append(("  first board", [f"{r.cold.peak_rss_mb:.1f}" for r in scales]))
    rows.append(("  after keys and switches", [f"{r.session.peak_rss_mb:.1f}" for r in scales]))
    rows.append(("keystroke (ms) median / p95", []))
    for kind in KINDS:
        cells = [
            format_summary(r.session.keys.get(kind, "n/a: no cards"), parts=("median", "p95"))
            for r in scales
        ]
        rows.append((f"  {kind}", cells))
    rows.append(("screen switch (ms) first / median / p95", []))
    for key, title in MODE_TITLES.items():
        label = f"{key} {title}"
        shown = {r.session.switches[label]["screen"] for r in scales if label in r.session.switches}
        note = " (placeholder)" if shown == {"PlaceholderScreen"} else ""
        cells = [
            format_summary(
                r.session.switches.get(label, "n/a: key taken"),
                parts=("first_ms", "median", "p95"),
            )
            for r in scales
        ]
        rows.append((f"  {label}{note}", cells))
    rows.append(("report (ms) median", []))
    rows.append(("  client", [str(r.reports["client"] or "none") for r in scales]))
    for name in ("hours", "week"):
        rows.append(
            (
                f"  report {name}",
                [format_summary(r.reports[name], parts=("median",)) for r in scales],
            )
        )
    return rows


def print_report(
    *, machine: Mapping[str, object], results: Mapping[int, ScaleResult], found: list[Verdict]
) -> None:
    print(
        f"clientdeck benchmarks, {machine['date']}\n"
        f"{machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB, "
        f"load {' '.join(map(str, machine['load_average']))} at start; Python "
        f"{machine['python']}, textual {machine['textual']}, SQLAlchemy {machine['sqlalchemy']}"
    )
    rows = table_rows(results=results)
    title_width = max(len(title) for title, _cells in rows) + 2
    cell_width = max([len(cell) for _title, cells in rows for cell in cells] + [len("scale 100")])
    header = "".join(f"{'scale ' + str(scale):>{cell_width + 2}}" for scale in results)
    print(f"\n{'':<{title_width}}{header}")
    for title, cells in rows:
        print(f"{title:<{title_width}}" + "".join(f"{cell:>{cell_width + 2}}" for cell in cells))
    notes = dict.fromkeys(note for result in results.values() for note in result.session.notes)
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


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales",
        default="0,1,25",
        type=lambda text: [int(part) for part in text.split(",")],
        help="demo scales to measure (default 0,1,25)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results here")
    parser.add_argument("--runs", type=int, default=7, help="cold starts and report runs")
    parser.add_argument("--keys", type=int, default=200, help="timed keys per kind")
    parser.add_argument("--switches", type=int, default=20, help="visits to each screen")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo databases")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    machine = {"date": datetime.now(UTC).isoformat(timespec="seconds"), **machine_info()}
    config_dir = Path(tempfile.mkdtemp(prefix="clientdeck-bench-config-"))
    try:
        env = child_env(config_dir=config_dir)
        results: dict[int, ScaleResult] = {}
        failures: dict[int, str] = {}
        for scale in args.scales:
            # One scale failing (the app crashed mid-change) must not throw away the others.
            try:
                demo = demo_database(scale=scale, rebuild=args.rebuild, env=env)
                results[scale] = measure_scale(
                    demo=demo, runs=args.runs, keys=args.keys, switches=args.switches, env=env
                )
            except BenchError as error:
                failures[scale] = str(error)
                print(f"scale {scale} could not be measured: {error}", file=sys.stderr)
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)
    machine["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    found = verdicts(results=results)
    if results:
        print_report(machine=machine, results=results, found=found)
    for scale in failures:
        print(f"scale {scale}: not measured, see the error above")
    if args.json:
        document = {
            "machine": machine,
            "settings": {
                "runs": args.runs,
                "keys": args.keys,
                "switches": args.switches,
                "size": SIZE,
            },
            "scales": results,
            "failures": failures,
            "targets": found,
        }
        args.json.write_text(json.dumps(to_json(document), indent=2, ensure_ascii=False) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
