"""The `clientdeck` command.

Shell commands never import Textual, so `clientdeck add` answers at once.
Every user error is one line on stderr and a non-zero exit: 2 for usage, 1 for
a failure; never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from model import clock
from model.config import Config, ConfigError, load, to_mapping, unset_keys, write_keys
from model.db import StoreError, resolve_url, sqlite_file
from model.i18n import N_, _, set_language
from model.locations import store_value
from tui.format import shell_text

PROG = "clientdeck"

# Modules that add their own subcommands: each has
# `register(*, commands, parents)` and sets a `handler(ctx, args) -> int` default.
AREAS: tuple[str, ...] = (
    "tui.cli_time",
    "tui.cli_plan",
    "tui.cli_standup",
    "tui.cli_clients",
    "tui.cli_retro",
    "tui.cli_exchange",
    "tui.cli_agency",
    "tui.cli_team",
    "tui.cli_timesheet",
    "tui.cli_repeat",
    "tui.cli_status",
    "tui.cli_serve",
)

GROUPS = {
    "report": N_("write a report"),
    "export": N_("export data to a file"),
    "import": N_("bring in a Trello board, time history or a clientdeck export"),
}


def command_group(*, commands, name: str, parents: list[argparse.ArgumentParser]):
    """The sub-commands of `clientdeck report|export|import`, shared by every area.

    Made on the first call and reused after, so areas can add to a group in any order.
    """
    groups = commands.__dict__.setdefault("_clientdeck_groups", {})
    if name not in groups:
        parser = commands.add_parser(name, parents=parents, help=_(GROUPS[name]))
        groups[name] = parser.add_subparsers(dest=name, required=True, parser_class=_Parser)
    return groups[name]


class UsageError(Exception):
    """Wrong words on the command line (exit 2)."""


class Failure(Exception):
    """The command could not do its work (exit 1)."""


def task_id_arg(text: str) -> int:
    """An argparse type: a task's id, never more than the database holds (exit 2, not a crash)."""
    from model.parsing import parse_id

    try:
        return parse_id(text=text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as the rest of the CLI
        raise UsageError(f"{self.prog}: {message}")


def say(text: object, *, err: bool = False) -> None:
    """A line of shell output. User text in it (a title from a Trello board, say)
    cannot reach the terminal as commands: control characters show as pictures (␛)."""
    print(shell_text(str(text)), file=sys.stderr if err else sys.stdout)


def emit(*, text: str, out: str | None) -> None:
    """A command's document: to stdout, or to `--out` as a file only its owner can read."""
    from model.files import write_private

    if out is None:
        sys.stdout.write(shell_text(text))
    else:
        write_private(path=Path(out), text=text)
        say(out)


def emit_document(*, html: str, format: str, out: str | None) -> None:
    """A client document as `html` or as its `pdf`: a PDF goes to `--out`, or to stdout when
    that is a pipe or a file, never onto a terminal."""
    if format == "html":
        emit(text=html, out=out)
        return
    from model.files import write_private
    from model.reports.document import render_pdf

    if out is None and sys.stdout.isatty():
        raise Failure(_("a PDF is no text for the terminal: write it with --out FILE"))
    pdf = render_pdf(html)
    if out is None:
        sys.stdout.buffer.write(pdf)
    else:
        write_private(path=Path(out), text=pdf)
        say(out)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("clientdeck")
    except PackageNotFoundError:
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=_("A terminal cockpit for a digital agency's week."))
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help=_("a SQLite file, or a SQLAlchemy URL such as postgresql+psycopg://user@host/agency"),
    )
    parser.add_argument(
        "--create",
        action="store_true",
        help=_("make the folders of a --db file that do not exist yet (owner-only)"),
    )
    parser.add_argument("--demo", action="store_true", help=_("open on a fresh demo agency"))
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    # Every subcommand takes --db too, so both `clientdeck --db X add` and
    # `clientdeck add --db X` work as a shell user expects.
    store = _Parser(add_help=False)
    store.add_argument(
        "--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    store.add_argument(
        "--create", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    add = commands.add_parser(
        "add", parents=[store], help=_('capture "CLIENT: text" into the inbox')
    )
    add.add_argument("text", help=_('"CLIENT: what is needed"'))
    add.add_argument("--fire", action="store_true", help=_("urgent: a fire for the stand-up"))
    add.add_argument("--due", metavar="WHEN", help=_("2026-11-30, tomorrow, friday, +3d…"))
    add.add_argument("--estimate", metavar="HOURS", help=_("1.5, 90m, 1h30…"))

    config = commands.add_parser("config", parents=[store], help=_("show or change the settings"))
    config_commands = config.add_subparsers(dest="action", required=True, parser_class=_Parser)
    config_commands.add_parser("show", parents=[store], help=_("print the settings in force"))
    config_commands.add_parser("path", parents=[store], help=_("print where the config file is"))
    config_set = config_commands.add_parser("set", parents=[store], help=_("change one setting"))
    config_set.add_argument("key")
    config_set.add_argument("value")
    config_unset = config_commands.add_parser(
        "unset", parents=[store], help=_("remove one setting from the file (back to its default)")
    )
    config_unset.add_argument("key", help=_("e.g. language, urgency.fire, keys.board.archive"))

    db = commands.add_parser("db", parents=[store], help=_("database upkeep"))
    db_commands = db.add_subparsers(dest="action", required=True, parser_class=_Parser)
    db_commands.add_parser(
        "upgrade", parents=[store], help=_("upgrade the schema (a backup is written first)")
    )
    backup = db_commands.add_parser(
        "backup", parents=[store], help=_("copy the database while it is in use")
    )
    backup.add_argument(
        "file",
        nargs="?",
        metavar="FILE|DIR",
        help=_("where to write the copy: a new file, or a folder to put a dated copy in"),
    )
    backup.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    db_commands.add_parser("check", parents=[store], help=_("check the database's integrity"))

    demo = commands.add_parser(
        "demo", parents=[store], help=_("fill a database with a demo agency")
    )
    demo.add_argument(
        "--scale", type=int, default=1, help=_("size multiplier: 0 empty, 25 about 10,000 tasks")
    )
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--force", action="store_true", help=_("replace what the database holds"))

    add.set_defaults(handler=cmd_add)
    config.set_defaults(handler=cmd_config)
    db.set_defaults(handler=cmd_db)
    demo.set_defaults(handler=cmd_demo)
    for area in AREAS:
        import_module(area).register(commands=commands, parents=[store])
    return parser


class Context:
    """What every command shares: the config, the store URL and, when opened, the engine."""

    def __init__(self, *, args: argparse.Namespace) -> None:
        loaded = load()
        self.config: Config = loaded.config
        self.config_path = loaded.path
        clock.set_zone(name=self.config.time_zone)
        set_language(code=self.config.language)
        if loaded.problem and args.command is not None:  # the app shows them on its screen
            say(f"{PROG}: {loaded.problem}", err=True)
        self.url = resolve_url(db_path=args.db)
        # A store the user named (--db, CLIENTDECK_DB) gets no folders unless --create
        # asks; the default one, in the user data folder, is made on the first start.
        self.create = bool(getattr(args, "create", False)) or not store_value(db_path=args.db)
        self.for_app = args.command is None
        self.notices: list[str] = []
        """What the user must know about the store; the app shows them on its screen too."""
        self._opened = None
        self.read_only = False
        """Open the store so that it refuses writes (a shared screen); set before `engine`."""

    @property
    def engine(self):
        if self._opened is None:
            from model.store import open_store

            opened = open_store(url=self.url, create=self.create, read_only=self.read_only)
            if opened.read_only and self.for_app:  # every screen writes: refuse at the door
                opened.engine.dispose()
                raise StoreError(
                    _(
                        "{path} is read-only and the app writes to its database; "
                        "the shell's read commands (export, report) still work",
                        path=sqlite_file(url=self.url),
                    )
                )
            self._opened = opened
            if opened.backup is not None:
                notice = _(
                    "the database was upgraded; a copy from before the upgrade is at {path}",
                    path=opened.backup,
                )
                self.notices.append(notice)
                say(notice, err=True)
        return self._opened.engine

    def me(self) -> int | None:
        from model.members import find_member

        member = find_member(self.engine, name=self.config.me)
        return member.id if member else None


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    from model.inbox import capture

    task = capture(
        ctx.engine,
        line=args.text,
        today=clock.today(),
        fire=args.fire,
        due=args.due,
        estimate=args.estimate,
        who=ctx.me(),
    )
    say(task.id)
    return 0


def cmd_config(ctx: Context, args: argparse.Namespace) -> int:
    if args.action == "path":
        say(ctx.config_path)
    elif args.action == "show":
        import tomli_w

        sys.stdout.write(tomli_w.dumps(to_mapping(config=ctx.config)))
    elif args.action == "unset":
        unset_keys(path=ctx.config_path, keys=[args.key])
    else:
        value = args.value
        if args.key == "me":  # a member of the team, stored by full name
            from tui.cli_team import me_name

            value = me_name(ctx, text=value)
        from tui.keys import refuse_bad_remap  # an unknown binding, or a key another one has

        refuse_bad_remap(keymap=ctx.config.keys, key=args.key, value=value)
        write_keys(path=ctx.config_path, values={args.key: value})  # only that key changes
    return 0


def cmd_db(ctx: Context, args: argparse.Namespace) -> int:
    from model.store import backup_sqlite, backup_target, integrity_problems

    if args.action == "upgrade":
        ctx.engine  # noqa: B018  (opening the store is the upgrade)
        say(_("the database is up to date"))
        return 0
    if args.action == "check":
        problems = integrity_problems(engine=ctx.engine)
        for problem in problems:
            say(problem)
        if problems:
            raise Failure(_("the database has {n} integrity problems", n=len(problems)))
        say("ok")
        return 0
    path = sqlite_file(url=ctx.url)
    if path is None:
        raise Failure(_("db backup copies SQLite files; use 'clientdeck export json' for a server"))
    ctx.engine  # noqa: B018  (a backup of a file we cannot open would be worthless)
    target = backup_target(
        db_file=path, target=Path(args.file) if args.file else None, replace=args.force
    )
    say(backup_sqlite(source=path, target=target, replace=args.force))
    return 0


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    from model import demo

    if not 0 <= args.scale <= 100:
        raise UsageError(f"{PROG} demo: " + _("--scale must be between 0 (empty) and 100"))
    if not demo.is_empty(engine=ctx.engine):
        if not args.force:
            raise Failure(_("the database is not empty; add --force to replace its contents"))
        demo.clear(engine=ctx.engine)
    if args.scale == 0:
        return 0
    summary = demo.fill(
        engine=ctx.engine,
        scale=args.scale,
        seed=args.seed,
        progress=lambda step: say(step, err=True),
    )
    say(
        _(
            "{clients} clients, {members} members, {tasks} tasks, {entries} time entries",
            clients=summary.clients,
            members=summary.members,
            tasks=summary.tasks,
            entries=summary.time_entries,
        )
    )
    return 0


def use_demo(ctx: Context, *, args: argparse.Namespace) -> None:
    """`--demo`: the app or the command works on a fresh demo agency in a new folder,
    never on the user's own store (a `--db` beside it is refused)."""
    from model import demo

    if args.db or args.command == "demo":
        raise UsageError(f"{PROG}: " + _("--demo opens a demo of its own: leave out --db"))
    place = Path(tempfile.mkdtemp(prefix="clientdeck-demo-"))
    ctx.url = f"sqlite:///{place / 'demo.db'}"
    demo.fill(engine=ctx.engine, scale=1, seed=1)
    ctx.create = True
    if args.command is not None:
        say(
            _("on a fresh demo agency in {place}; your own data is untouched", place=place),
            err=True,
        )


def open_app(ctx: Context, *, start_mode: str = "board") -> int:
    from tui.app import ClientDeck

    engine = ctx.engine
    ClientDeck(
        engine=engine,
        config=ctx.config,
        config_path=ctx.config_path,
        notices=ctx.notices,
        start_mode=start_mode,
    ).run()
    return 0


def run(argv: Sequence[str]) -> int:
    from model.importers import FileRefused
    from model.outage import OUTAGES, outage_message
    from model.tasks import ConflictError, ValidationError
    from tui.format import shell_line

    def refuse(message: str, *, code: int = 1) -> int:  # one line, whatever the words held
        print(shell_line(message), file=sys.stderr)
        return code

    def unexpected(error: Exception) -> int:  # a bug: its message may hold rows or a URL
        kind = type(error).__name__
        return refuse(f"{PROG}: " + _("unexpected error ({kind}); please report it", kind=kind))

    try:
        args = build_parser().parse_args(argv)
        ctx = Context(args=args)
        if args.command == "demo" and not store_value(db_path=args.db):
            raise UsageError(
                f"{PROG} demo: "
                + _(
                    "--db PATH|URL or CLIENTDECK_DB is required "
                    "(the demo never fills your own data)"
                )
            )
        if args.demo:
            use_demo(ctx, args=args)
        if args.command is None:
            return open_app(ctx)
        gc.enable()
        return args.handler(ctx, args)
    except UsageError as error:
        return refuse(str(error), code=2)
    except (KeyError, IndexError) as error:  # LookupErrors, but bugs unlike NotFoundError
        return unexpected(error)
    except (
        Failure,
        StoreError,
        ConfigError,
        ValidationError,
        FileRefused,
        LookupError,
        ConflictError,
        OSError,
    ) as error:
        return refuse(f"{PROG}: {error}")
    except OverflowError:  # an id or count past what SQLite's integer holds
        return refuse(f"{PROG}: " + _("a number is larger than the database can hold"))
    except OUTAGES as error:  # the server gone, a lock held past the busy timeout
        return refuse(f"{PROG}: {outage_message(error)}")
    except UnicodeEncodeError:  # argv bytes that were not UTF-8 reach the store as surrogates
        return refuse(f"{PROG}: " + _("the command line holds bytes that are not UTF-8 text"))
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if isinstance(error, ValueError) and "embedded null" in str(error):  # os's and sqlite3's
            return refuse(f"{PROG}: " + _("a file name cannot contain NUL characters"))
        driver = getattr(error, "orig", None)  # under SQLAlchemy's wrapper; SQLSTATE class 22
        if str(getattr(driver, "sqlstate", None) or "").startswith("22"):  # is "data exception"
            reason = next(iter(str(driver).splitlines()), "")  # not the statement or its rows
            return refuse(f"{PROG}: " + _("the database refused a value: {reason}", reason=reason))
        return unexpected(error)


def main() -> None:
    sys.exit(run(sys.argv[1:]))
