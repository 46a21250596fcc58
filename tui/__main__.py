"""The `clientdeck` command's entry point (also `python -m tui`).

Start-up imports and builds hundreds of thousands of long-lived objects
(SQLAlchemy, Textual, the app's modules and widgets); the cyclic garbage
collector would walk them again and again while they load, for nothing. It
stays off until the work it would slow is done: the app turns it back on
after its first paint (with those objects frozen out of later collections),
a shell command as soon as its arguments are parsed.

`clientdeck status` runs in status bars every few seconds: a plain one is answered by
`tui.cli_status.quick_status` before the full parser and its imports are loaded.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    gc.disable()
    if sys.argv[1:2] == ["status"]:
        from tui.cli_status import quick_status

        answered = quick_status(sys.argv[2:])
        if answered is not None:
            sys.exit(answered)
    from tui.cli import main as run_command

    run_command()


if __name__ == "__main__":
    main()
