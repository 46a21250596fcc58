"""`clientdeck import trello|json` and `export json` (tui/cli_exchange.py), run in-process."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from sqlmodel import select

from model.db import reading, sqlite_url
from model.store import open_store
from model.tables import Member, Task, TaskEvent
from tests.agency import build
from tests.test_exchange import rows_of
from tests.test_trello import BOARD, FIXTURES, REAL_EXPORT
from tui.cli import run


def fingerprint(db: Path) -> str:
    """The database file and its write-ahead log: any committed write changes one of them."""
    digest = hashlib.sha256(db.read_bytes())
    wal = db.with_name(db.name + "-wal")
    digest.update(wal.read_bytes() if wal.exists() else b"")
    return digest.hexdigest()


def engine_of(db: Path):
    return open_store(url=sqlite_url(path=db)).engine


@pytest.fixture
def db(tmp_path, frozen, monkeypatch) -> Path:
    """The small agency, with "me" and the Kyiv zone in the config the shell reads."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(config_dir))
    (config_dir / "config.toml").write_text(
        'me = "Olena Koval"\ntime_zone = "Europe/Kyiv"\nlanguage = "en"\n', encoding="utf-8"
    )
    path = tmp_path / "deck.db"
    engine = engine_of(path)
    build(engine)
    engine.dispose()
    return path


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("clientdeck: ") and "Traceback" not in err
    return err


def import_trello(db: Path, *extra: str, board: Path = BOARD) -> int:
    return run(["import", "trello", str(board), "--client", "MK", "--db", str(db), *extra])


# --- import trello -----------------------------------------------------------------------------


def test_import_trello_shows_the_mapping_and_what_it_did(db, capsys):
    assert import_trello(db) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[:10] == [
        "Board Меблі Карпат — сайт: 8 lists, 10 cards, 14 actions, 3 members",
        "Lists → statuses:",
        "  Вхідні → inbox",
        "  Backlog → backlog",
        "  To Do → todo",
        "  В работе → doing",
        "  Чекаємо клієнта → waiting",
        "  На проверке → review",
        "  Done ✅ → done",
        "  Архів 2025 → backlog (name not recognised; set it with --map); "
        "the list is archived, and so are its cards",
    ]
    assert lines[10:14] == [
        "Imported into Меблі Карпат (MK):",
        "  tasks: 10 new, 0 updated, 0 unchanged, 2 archived",
        "  comments: 3 new; checklist items: 5 written",
        "  members: 2 new (Дмитро Шевченко, ivan_p), 1 matched",
    ]
    assert "  + [todo] [bold]x[/] shows as typed" in lines
    assert len(lines) == 24 and captured.err == ""
    with reading(engine_of(db)) as session:
        olena = session.exec(select(Member.id).where(Member.name == "Olena Koval")).one()
        authors = session.exec(
            select(TaskEvent.member_id)
            .join(Task, Task.id == TaskEvent.task_id)
            .where(Task.external_id.is_not(None))
        ).all()
    assert len(authors) == 10 and set(authors) == {olena}


def test_a_dry_run_writes_nothing_and_a_second_import_adds_nothing(db, capsys):
    before = fingerprint(db)
    assert import_trello(db, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Would import into Меблі Карпат (MK), writing nothing now:" in out
    assert "  tasks: 10 new, 0 updated, 0 unchanged, 2 archived" in out
    assert fingerprint(db) == before
    assert import_trello(db) == 0
    assert fingerprint(db) != before  # so the fingerprint does see a write
    capsys.readouterr()
    assert import_trello(db) == 0
    out = capsys.readouterr().out
    assert "  tasks: 0 new, 0 updated, 10 unchanged, 0 archived" in out
    assert "  members: 0 new, 3 matched" in out
    assert "  + " not in out and "  ~ " not in out


def test_map_sets_the_status_of_a_lists_cards(db, capsys):
    assert import_trello(db, "--map", "Backlog=todo", "--map", "архів 2025=done") == 0
    out = capsys.readouterr().out
    assert "  Backlog → todo (from --map)\n" in out
    assert "  Архів 2025 → done (from --map); the list is archived" in out
    with reading(engine_of(db)) as session:
        blog = session.exec(select(Task).where(Task.title == "Idea: blog for the shop")).one()
    assert blog.status == "todo"


def test_an_update_lists_the_fields_it_changed(db, tmp_path, capsys):
    assert import_trello(db) == 0
    data = json.loads(BOARD.read_text(encoding="utf-8"))
    data["cards"][0]["desc"] = "For all 40 catalogue pages, in two languages."
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert import_trello(db, board=changed) == 0
    out = capsys.readouterr().out
    assert "  tasks: 0 new, 1 updated, 9 unchanged, 0 archived" in out
    assert "Write meta descriptions: description\n" in out


def test_escape_codes_in_imported_titles_never_reach_the_terminal(db, tmp_path, capsys):
    data = json.loads(BOARD.read_text(encoding="utf-8"))
    data["cards"][0]["name"] = "Clear \x1b[2J\x1b]0;pwned\x07 the screen"
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert import_trello(db, board=hostile) == 0
    out = capsys.readouterr().out
    assert "Clear ␛[2J␛]0;pwned␇ the screen" in out
    assert "\x1b" not in out and "\x07" not in out


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--map", "Someday=todo"], "the board has no list 'Someday'"),
        (["--map", "Backlog=later"], "unknown status later"),
        (["--client", "Acme"], "no client matches 'Acme'"),
    ],
)
def test_wrong_words_are_one_line_and_write_nothing(db, capsys, extra, says):
    before = fingerprint(db)
    assert import_trello(db, *extra) == 1
    assert says in one_line_error(capsys)
    assert fingerprint(db) == before


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: FIXTURES / "truncated.json", "truncated.json ends too early"),
        (lambda tmp: FIXTURES / "not-a-board.json", "not-a-board.json is not a Trello board"),
        (lambda tmp: _write(tmp, "board.json", b"{\n  'id': 1\n}"), "not valid JSON"),
        (lambda tmp: _write(tmp, "board.json", b"\x89PNG\r\n\x1a\n"), "not UTF-8"),
        (lambda tmp: tmp / "missing.json", "cannot read"),
    ],
)
def test_a_file_that_is_not_a_whole_board_is_refused_and_nothing_changes(
    db, tmp_path, capsys, make, says
):
    before = fingerprint(db)
    assert import_trello(db, board=make(tmp_path)) == 1
    assert says in one_line_error(capsys)
    assert fingerprint(db) == before


def test_an_export_cut_at_trellos_action_cap_imports_with_a_warning(db, tmp_path, capsys):
    data = json.loads(BOARD.read_text(encoding="utf-8"))
    data["actions"] += [copy.deepcopy(data["actions"][-1]) for _ in range(1000 - 14)]
    capped = _write(tmp_path, "capped.json", json.dumps(data, ensure_ascii=False).encode())
    assert import_trello(db, board=capped) == 0
    captured = capsys.readouterr()
    assert "  tasks: 10 new, 0 updated, 0 unchanged, 2 archived" in captured.out
    assert captured.err == (
        "warning: the export holds 1000 actions, Trello's limit: comments older than "
        "the oldest of them may be missing\n"
    )


@pytest.mark.skipif(not REAL_EXPORT.exists(), reason=f"{REAL_EXPORT} is not here")
def test_the_real_2015_export_through_the_shell(db, capsys):
    assert import_trello(db, "--dry-run", board=REAL_EXPORT) == 0
    out = capsys.readouterr().out
    assert out.startswith("Board Clipkit: 5 lists, 67 cards, 264 actions, 3 members\n")
    assert "  tasks: 67 new, 0 updated, 0 unchanged, 1 archived" in out
    assert "  comments: 4 new; checklist items: 0 written" in out


# --- export and restore ------------------------------------------------------------------------


def test_export_json_writes_to_the_screen(db, capsys):
    assert run(["export", "json", "--db", str(db)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "clientdeck-export"
    assert len(data["tables"]["task"]["rows"]) == 12


def test_export_json_to_a_file_is_readable_by_its_owner_only(db, tmp_path, capsys):
    target = tmp_path / "everything.json"
    target.write_text("an older export")
    target.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        assert run(["export", "json", "--out", str(target), "--db", str(db)]) == 0
    finally:
        os.umask(old_umask)
    assert capsys.readouterr().out == f"{target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "clientdeck-export"
    fresh = tmp_path / "fresh.json"
    assert run(["export", "json", "--out", str(fresh), "--db", str(db)]) == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_import_json_restores_everything_into_a_new_database(db, tmp_path, capsys):
    assert import_trello(db) == 0
    export = tmp_path / "everything.json"
    assert run(["export", "json", "--out", str(export), "--db", str(db)]) == 0
    capsys.readouterr()
    restored = tmp_path / "restored.db"
    assert run(["import", "json", str(export), "--db", str(restored)]) == 0
    expected = rows_of(engine_of(db))
    assert capsys.readouterr().out == f"restored {sum(map(len, expected.values()))} rows\n"
    assert rows_of(engine_of(restored)) == expected
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600


def test_import_json_refuses_a_database_that_holds_anything(db, tmp_path, capsys):
    export = tmp_path / "everything.json"
    assert run(["export", "json", "--out", str(export), "--db", str(db)]) == 0
    capsys.readouterr()
    before = fingerprint(db)
    assert run(["import", "json", str(export), "--db", str(db)]) == 1
    assert "the database is not empty" in one_line_error(capsys)
    assert fingerprint(db) == before


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: BOARD, "board.json is not a clientdeck export"),
        (
            lambda tmp: _write(tmp, "half.json", b'{"format": "clientdeck-export", "tab'),
            "truncated",
        ),
    ],
)
def test_import_json_refuses_what_is_not_a_whole_export_before_making_a_database(
    db, tmp_path, capsys, make, says
):
    target = tmp_path / "new.db"
    assert run(["import", "json", str(make(tmp_path)), "--db", str(target)]) == 1
    assert says in one_line_error(capsys)
    assert not target.exists()


# --- import trello into a client that does not exist yet -------------------------------------


def _client_codes(db: Path) -> list[str]:
    engine = engine_of(db)
    with engine.connect() as connection:
        codes = [row[0] for row in connection.exec_driver_sql("SELECT code FROM client")]
    engine.dispose()
    return sorted(codes)


def test_an_unknown_client_is_refused_without_create_client(db, capsys):
    before = _client_codes(db)
    assert run(["import", "trello", str(BOARD), "--client", "NEWCO", "--db", str(db)]) == 1
    assert "no client matches 'NEWCO'" in one_line_error(capsys)
    assert _client_codes(db) == before


def test_the_dry_run_says_it_would_create_the_client_and_writes_nothing(db, capsys):
    before = _client_codes(db)
    argv = ["import", "trello", str(BOARD), "--client", "newco", "--create-client", "--dry-run"]
    assert run([*argv, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Would create the client ") and "(NEWCO)" in out.splitlines()[0]
    assert _client_codes(db) == before


def test_create_client_makes_the_client_and_imports_in_one_go(db, capsys):
    argv = ["import", "trello", str(BOARD), "--client", "newco", "--create-client"]
    assert run([*argv, "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("Created the client ")
    assert "NEWCO" in _client_codes(db)
    assert run([*argv, "--db", str(db)]) == 0  # now it exists: imported again, nothing new
    assert "tasks: 0 new" in capsys.readouterr().out
