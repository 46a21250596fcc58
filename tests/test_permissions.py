"""Files are private to their owner and a server password never shows."""

from __future__ import annotations

import stat

from model.store import open_store
from tui.cli import run


def test_a_new_database_and_its_journal_are_owner_only(tmp_path):
    path = tmp_path / "private.db"
    engine = open_store(url=f"sqlite:///{path}").engine
    engine.dispose()
    for file in tmp_path.glob("private.db*"):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_a_server_password_is_masked_in_messages(capsys, monkeypatch):
    monkeypatch.setenv("CLIENTDECK_DB", "postgresql+psycopg://bob:s3cret-pw@127.0.0.1:1/agency")
    assert run(["add", "NWB: x"]) == 1
    err = capsys.readouterr().err
    assert "s3cret-pw" not in err
    assert "bob:***@127.0.0.1" in err


def test_the_config_has_no_place_for_a_database_url(capsys):
    assert run(["config", "set", "db", "postgresql://bob:pw@host/db"]) == 1
    assert "unknown setting" in capsys.readouterr().err
    assert run(["config", "show"]) == 0
    assert "postgresql" not in capsys.readouterr().out


def test_writing_to_a_device_leaves_its_mode_alone(tmp_path):
    """`--out /dev/stdout` or a FIFO is written to, never made private: a shared device
    chmod-ed to 0600 breaks every other program on the machine."""
    import os
    import stat

    from model.files import write_private

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o666)
    os.chmod(fifo, 0o666)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_private(path=fifo, text="x")
    finally:
        os.close(reader)
    assert stat.S_IMODE(fifo.stat().st_mode) == 0o666


def test_a_client_code_from_outside_never_escapes_the_reports_folder():
    """Board R, plan y and the clients' r name their files after the client's code; a code
    from an old store or an import may hold a slash or dots."""
    from model.files import file_part

    assert file_part("../../etc/x") == "______etc_x"
    assert file_part("NWB") == "NWB" and file_part("") == "_"
    assert "/" not in file_part("a/b\x1b[0m") and len(file_part("x" * 500)) == 40
