"""The child process of bench.py: start clientdeck (or the floor app) and say when it has painted.

Why a separate, small script: a cold start has to be a fresh interpreter, and
whatever this file imports is added to the time measured, so it imports only
what clientdeck's own start-up imports. It runs inside the pseudo-terminal
bench.py provides, with the real Linux driver, so every frame is rendered to
escape sequences and written to a terminal exactly as for a user.

Reports are lines written to the file descriptor given by `--report-fd`:

    ready FRAME COUNTS MODES   frame number FRAME is the first board with its cards;
                               COUNTS are the cards in each column, left to right
    frame FRAME SCREEN MODES READING
                               frame number FRAME is the first written after a key's
                               action, and SCREEN the screen shown then; READING is 1
                               when that screen's data was still being read then
    filled FRAME               after a frame report with READING 1: frame number FRAME
                               is the first written after that data was shown
    stored                     after SIGUSR1: every change queued before it is stored
    exit MAXRSS_KB CPU_S       the app has quit: this process's peak resident memory
                               and CPU time (user + system)

MODES are the keys that switch modes on the screen shown (a screen may take a
digit for itself), comma-separated; "-" stands for an empty list.

Frames are numbered from 1 and each is followed by FRAME_MARK in the terminal
stream, so the parent times them where a user sees them: at the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import signal
import sys
from collections.abc import Callable
from pathlib import Path

FRAME_MARK = "\x1b_clientdeck-bench-frame\x1b\\"


def report(*, fd: int, words: tuple[object, ...]) -> None:
    os.write(fd, (" ".join(str(word) for word in words) + "\n").encode())


def mode_keys(*, app) -> str:
    """The keys that switch modes on the current screen, so the parent can find its way."""
    keys = [
        key
        for key, active in app.screen.active_bindings.items()
        if active.binding.action.startswith("switch_mode")
    ]
    return ",".join(keys) or "-"


def third_party_modules() -> list[str]:
    """The site-packages modules loaded so far: what the floor app must import to be fair."""
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if "site-packages" in (getattr(module, "__file__", None) or "")
    )


class FrameWatch:
    """Numbers the frames the app writes to the terminal and marks each one in the stream.

    Textual writes a frame in `App._display`, which returns early (writing
    nothing) for an empty update or while updates are batched; those two
    checks are repeated here so only frames that reach the terminal count.
    After each such frame an APC string (ignored by terminals) goes down the
    same writer thread, so the parent sees the exact moment the frame's last
    byte reached the terminal and can match it to the number reported here.
    This is private Textual API (pinned to 8.x by pyproject.toml): there is no
    public "frame written" hook, and `call_after_refresh` can run before the
    frame a key caused has been painted.
    """

    def __init__(self, *, app) -> None:
        self.frames = 0
        self._pending: list[Callable[[int], None]] = []
        plain_display = app._display

        def display(screen, renderable) -> None:
            writes = renderable is not None and not app._batch_count
            plain_display(screen, renderable)
            if not writes:
                return
            app._driver.write(FRAME_MARK)
            self.frames += 1
            pending, self._pending = self._pending, []
            for callback in pending:
                callback(self.frames)

        app._display = display

    def after_next_frame(self, callback: Callable[[int], None]) -> None:
        """Call `callback(frame_number)` once the next frame has been written."""
        self._pending.append(callback)


def run_app(*, db: str, fd: int, stay: bool, modules_out: Path | None) -> None:
    """Open the store and the app as `clientdeck --db PATH_OR_URL` does, with probes attached.

    The probes are the only difference from `tui.cli.open_app`: one notices
    when every board column has loaded the page that fits its real size, one
    when a key's action has returned; each then reports the next frame written.
    """
    gc.disable()  # as the clientdeck command's entry point (tui/__main__.py) does first
    from tui.cli import Context, build_parser

    ctx = Context(args=build_parser().parse_args(["--db", db]))
    engine = ctx.engine
    from tui.app import ClientDeck
    from tui.screens.board_column import BoardColumn

    app = ClientDeck(engine=engine, config=ctx.config, config_path=ctx.config_path)
    watch = FrameWatch(app=app)
    loaded_with: dict[BoardColumn, int] = {}
    waiting_for_board = True

    def board_painted(frame: int) -> None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, report_stored)
        counts = ",".join(str(column.state.count) for column in app.screen.query(BoardColumn))
        report(fd=fd, words=("ready", frame, counts, mode_keys(app=app)))
        if modules_out is not None:
            modules_out.write_text("\n".join(third_party_modules()))
        if not stay:
            app.exit()

    def report_stored() -> None:
        """The parent asks before the switches: a screen's first visit must not wait
        behind the key script's moves still being written."""
        app.writes.after(lambda: report(fd=fd, words=("stored",)))

    plain_load = BoardColumn.load

    def load(column: BoardColumn, **kwargs) -> None:
        nonlocal waiting_for_board
        plain_load(column, **kwargs)
        loaded_with[column] = column.capacity
        columns = list(column.screen.query(BoardColumn))
        if waiting_for_board and all(
            c.size.height > 0 and loaded_with.get(c) == c.capacity for c in columns
        ):
            waiting_for_board = False
            watch.after_next_frame(board_painted)

    BoardColumn.load = load  # type: ignore[method-assign]
    from tui.screens.reading import ReadsInThread

    plain_run_action = app.run_action
    awaiting_fill = False  # a key's screen was still reading at its first frame

    def first_frame(frame: int) -> None:
        nonlocal awaiting_fill
        awaiting_fill = bool(getattr(app.screen, "reading", False))
        words = ("frame", frame, type(app.screen).__name__, mode_keys(app=app), int(awaiting_fill))
        report(fd=fd, words=words)

    async def run_action(action, default_namespace=None, namespaces=None) -> bool:
        handled = await plain_run_action(action, default_namespace, namespaces)
        if handled:
            watch.after_next_frame(first_frame)
        return handled

    plain_read_shown = ReadsInThread.on_thread_read

    def read_shown(screen, message) -> None:
        nonlocal awaiting_fill
        plain_read_shown(screen, message)
        if awaiting_fill and screen is app.screen and not screen.reading:
            awaiting_fill = False
            watch.after_next_frame(lambda frame: report(fd=fd, words=("filled", frame)))

    ReadsInThread.on_thread_read = read_shown  # type: ignore[method-assign]

    app.run_action = run_action  # type: ignore[method-assign]
    app.run()


def run_floor(*, fd: int, modules: Path) -> None:
    """A bare Textual app that imports the same libraries as clientdeck and paints one label."""
    from importlib import import_module

    for name in modules.read_text().split():
        import_module(name)
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Floor(App):
        def compose(self) -> ComposeResult:
            yield Label("floor")

        def on_mount(self) -> None:
            watch.after_next_frame(self.painted)

        def painted(self, frame: int) -> None:
            report(fd=fd, words=("ready", frame, "-", "-"))
            self.exit()

    floor = Floor()
    watch = FrameWatch(app=floor)
    floor.run()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=("app", "floor"))
    parser.add_argument("--report-fd", type=int, required=True)
    parser.add_argument("--db", help="the store: a SQLite file or a server URL (app)")
    parser.add_argument("--stay", action="store_true", help="keep running for keys (app)")
    parser.add_argument("--modules", type=Path, help="write (app) or read (floor) the module list")
    args = parser.parse_args()
    if args.role == "app":
        run_app(db=args.db, fd=args.report_fd, stay=args.stay, modules_out=args.modules)
    else:
        run_floor(fd=args.report_fd, modules=args.modules)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report(fd=args.report_fd, words=("exit", usage.ru_maxrss, usage.ru_utime + usage.ru_stime))


if __name__ == "__main__":
    main()
