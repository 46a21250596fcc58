"""Where the store is, as `--db`, `CLIENTDECK_DB` or the default file name it, without
loading the database layer (`model.db` builds on this; `clientdeck status` reads a SQLite
file named here with the standard library alone)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

# The name of a back end SQLAlchemy ships, as the start of a value that has no `://`.
URL_WITHOUT_SLASHES = re.compile(
    r"^((?:sqlite|postgres|postgresql|mysql|mariadb|oracle|mssql)(?:\+\w+)?):(?!//)",
    re.IGNORECASE,
)


def default_sqlite_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("clientdeck", appauthor=False)) / "clientdeck.db"


def store_value(*, db_path: str | None = None) -> str:
    """`--db`, else `CLIENTDECK_DB`, else "" (the default file)."""
    return (db_path or "").strip() or os.environ.get("CLIENTDECK_DB", "").strip()


def plain_sqlite_path(*, db_path: str | None = None) -> Path | None:
    """The SQLite file the store is when it is named by a path (or is the default one);
    None for a URL, or for what `model.db.resolve_url` refuses."""
    value = store_value(db_path=db_path)
    if not value:
        return default_sqlite_path()
    if "://" in value or URL_WITHOUT_SLASHES.match(value):
        return None
    return Path(value).expanduser()  # as `model.db.sqlite_url` takes it


def sqlite_read_uri(*, path: Path) -> str:
    """A SQLite URI that reads `path` and can never write it: `mode=ro`, or `immutable=1`
    when not even the WAL index (`-shm`) could be made beside it (a read-only folder)."""
    shm = path.with_name(path.name + "-shm")
    flag = "mode=ro" if os.access(path.parent, os.W_OK) or shm.exists() else "immutable=1"
    return f"file:{quote(str(path.absolute()))}?{flag}"
