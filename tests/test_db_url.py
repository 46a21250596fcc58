"""`--db` takes a SQLAlchemy URL as well as a path, as `CLIENTDECK_DB` does (model/db.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.db import StoreError, resolve_url, sqlite_url
from tui.cli import run

# Port 1 on the loopback: nothing listens there, so the connection fails at once.
CLOSED = "postgresql+psycopg://u:secret@127.0.0.1:1/agency"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """An empty working directory, to see that nothing is created in it."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def test_a_value_with_a_scheme_is_a_url_and_anything_else_a_path(elsewhere, monkeypatch):
    assert resolve_url(db_path=CLOSED) == CLOSED
    assert resolve_url(db_path="sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"
    assert resolve_url(db_path="team.db") == sqlite_url(path=elsewhere / "team.db")
    monkeypatch.setenv("CLIENTDECK_DB", "sqlite:///from-env.db")
    assert resolve_url(db_path=CLOSED) == CLOSED  # --db wins over the environment
    assert resolve_url() == "sqlite:///from-env.db"
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("where", ["subcommand", "top level"])
def test_db_check_on_an_unreachable_server_is_one_line_without_the_password(
    elsewhere, capsys, where
):
    argv = (
        ["db", "check", "--db", CLOSED]
        if where == "subcommand"
        else ["--db", CLOSED, "db", "check"]
    )
    assert run(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("clientdeck: ") and "Traceback" not in captured.err
    assert "secret" not in captured.err
    assert "u:***@127.0.0.1:1/agency" in captured.err
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [
        "nosuchdb://u:secret@host/agency",  # a back end SQLAlchemy does not know
        "postgresql+psycopg://u:secret@host:port/agency",  # a port that is not a number
        "postgresql+nosuchdriver://u:secret@host/agency",
    ],
)
def test_a_url_that_cannot_be_opened_is_refused_in_one_line(elsewhere, capsys, url):
    assert run(["db", "check", "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("clientdeck: "), err
    assert "secret" not in err
    assert list(elsewhere.iterdir()) == []


def test_a_driver_that_is_not_installed_is_named(monkeypatch):
    import sqlalchemy.dialects.postgresql.psycopg as dialect

    def missing():
        raise ModuleNotFoundError("No module named 'psycopg'", name="psycopg")

    monkeypatch.setattr(dialect.PGDialect_psycopg, "import_dbapi", staticmethod(missing))
    with pytest.raises(StoreError) as refused:
        resolve_url(db_path=CLOSED)
    message = str(refused.value)
    assert "psycopg" in message and "clientdeck[postgres]" in message
    assert "secret" not in message


def test_a_path_is_still_a_sqlite_file(elsewhere, capsys):
    assert run(["db", "check", "--db", "sub/deck.db", "--create"]) == 0
    assert capsys.readouterr().out == "ok\n"
    assert (elsewhere / "sub" / "deck.db").is_file()
