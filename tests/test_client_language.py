"""A client's report language (`client.language`, migration 0005): set from the shell,
checked, and the language its reports are written in unless `--lang` says otherwise."""

from __future__ import annotations

import pytest

from model.clients import clean_client
from model.tasks import ValidationError
from tests.test_time_import import shell_store
from tui.cli import run


@pytest.fixture
def db(tmp_path, frozen, monkeypatch):
    return shell_store(
        tmp_path=tmp_path,
        monkeypatch=monkeypatch,
        config='language = "en"\n',
        commands=[["client", "add", "Northwind Bank", "--code", "NWB"]],
    )


def test_a_client_reads_its_reports_in_its_own_language(db, capsys):
    assert run(["client", "edit", "NWB", "--language", "uk", "--db", str(db)]) == 0
    capsys.readouterr()
    assert run(["report", "hours", "--client", "NWB", "--db", str(db)]) == 0
    assert "## Завдання" in capsys.readouterr().out
    assert run(["report", "hours", "--client", "NWB", "--lang", "en", "--db", str(db)]) == 0
    assert "## Tasks" in capsys.readouterr().out


def test_an_unknown_language_is_refused():
    with pytest.raises(ValidationError, match="unknown language de"):
        clean_client(values={"language": "de"})
    assert clean_client(values={"language": ""}) == {"language": ""}
