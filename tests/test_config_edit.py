"""Editing config.toml: nothing in the user's file is lost, nothing in it is leaked.

Unit tests of model/config.py (load what is valid, key-level writes with a .bak,
atomic and private files) and shell tests through `tui.cli.run`.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from pathlib import Path

import pytest

from model import i18n
from model.config import (
    DEFAULT_URGENCY,
    Config,
    ConfigError,
    backup_path,
    changed_values,
    config_path,
    load,
    set_value,
    unset_keys,
    write_keys,
)
from tui.cli import run

USER_FILE = """\
# my settings, with comments I want to keep
me = "Olena Kravets"  # that is me
time_zone = "Europe/Kyiv"
colour = "teal"
standup_times = ["10:30", "15:30"]
language = "uk"

[keys]
# my remaps
board.archive = "x"
"timer.start" = "ctrl+t"
"""

KEPT = {
    "me": "Olena Kravets",
    "time_zone": "Europe/Kyiv",
    "standup_times": ("10:30", "15:30"),
    "keys": {"board.archive": "x", "timer.start": "ctrl+t"},
}


@pytest.fixture
def user_file() -> Path:
    """The user's own config.toml: an unknown key, comments, remaps."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(USER_FILE, encoding="utf-8")
    return path


@pytest.fixture
def umask_022():
    """The common umask, under which a plain mkdir/open gives 0755/0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def fake_ukrainian(monkeypatch):
    """A Ukrainian catalog for this module's strings, whatever the real catalogs hold yet."""
    entries = {
        "unknown setting, kept in the file and not used": "невідомий параметр, лишається у файлі",
        "line {line}": "рядок {line}",
        "{value} is not a time zone (e.g. Europe/Kyiv)": "{value} — не часовий пояс",
        "{error}; the default is used": "{error}; діє типове значення",
    }
    monkeypatch.setattr(i18n, "catalog", lambda code: entries if code == "uk" else {})


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def kept_settings(config: Config) -> dict:
    return {key: getattr(config, key) for key in KEPT}


# --- load: what is valid is used, the rest is reported by key and line ----------------------


def test_an_unknown_key_is_reported_with_its_line_and_the_rest_is_used(user_file):
    loaded = load()
    assert kept_settings(loaded.config) == KEPT
    assert loaded.config.language == "uk"
    assert loaded.problem is not None
    assert str(user_file) in loaded.problem and "line 4: colour" in loaded.problem
    assert "\n" not in loaded.problem  # one line on a shell's stderr


def test_a_bad_value_drops_only_that_key(user_file):
    text = USER_FILE.replace('time_zone = "Europe/Kyiv"', 'time_zone = "Mars/Base"')
    user_file.write_text(text + '\n[urgency]\nfire = 10\nbogus = 1\nage = "old"\n', "utf-8")
    loaded = load()
    assert loaded.config.time_zone == "UTC"
    assert loaded.config.me == "Olena Kravets"
    assert loaded.config.keys == KEPT["keys"]
    assert loaded.config.urgency == {**DEFAULT_URGENCY, "fire": 10.0}
    problem = loaded.problem or ""
    assert "line 3: time_zone: 'Mars/Base'" in problem
    assert "line 15: urgency.bogus" in problem and "line 16: urgency.age" in problem


@pytest.mark.parametrize("number", ["nan", "inf", "-inf", "+nan"])
def test_urgency_refuses_numbers_that_are_not_finite(user_file, number):
    user_file.write_text(f"[urgency]\nfire = {number}\ndue = 20\n", encoding="utf-8")
    loaded = load()
    assert loaded.config.urgency == {**DEFAULT_URGENCY, "due": 20.0}
    assert "line 2: urgency.fire" in (loaded.problem or "")
    assert "finite" in (loaded.problem or "")
    with pytest.raises(ConfigError, match="urgency.fire.*finite"):
        set_value(config=Config(), key="urgency.fire", value=number)
    with pytest.raises(ConfigError, match="finite"):
        write_keys(values={"urgency.fire": float(number)})


def test_a_list_under_keys_is_refused_and_names_the_binding(user_file):
    user_file.write_text(
        '[keys]\n"board.archive" = ["x", "ctrl+x"]\n"timer.start" = "ctrl+t"\n', "utf-8"
    )
    loaded = load()
    assert loaded.config.keys == {"timer.start": "ctrl+t"}  # not "['x', 'ctrl+x']"
    problem = loaded.problem or ""
    assert "line 2: keys.board.archive: a list is not a key" in problem
    assert '"x,ctrl+x"' in problem  # how to write it


def test_nested_remaps_are_the_dotted_binding_ids(user_file):
    assert load().config.keys == {"board.archive": "x", "timer.start": "ctrl+t"}


def test_problems_are_worded_in_the_language_in_force_when_shown(user_file, fake_ukrainian):
    loaded = load()  # read while the language is English...
    i18n.set_language(code="uk")  # ...shown after the config's language is set
    assert "рядок 4: colour: невідомий параметр, лишається у файлі" in (loaded.problem or "")
    assert loaded.notices() == [
        f"{user_file}\nрядок 4: colour: невідомий параметр, лишається у файлі"
    ]


# --- writes change one key, keep a .bak, are atomic and private --------------------------------


def test_writing_one_key_keeps_unknown_keys_comments_and_order(user_file):
    write_keys(values={"language": "en"})
    assert user_file.read_text(encoding="utf-8") == USER_FILE.replace(
        'language = "uk"', 'language = "en"'
    )
    loaded = load()
    assert kept_settings(loaded.config) == KEPT and loaded.config.language == "en"


def test_a_write_keeps_the_previous_file_as_bak(user_file):
    write_keys(values={"language": "en"})
    assert backup_path(user_file).read_text(encoding="utf-8") == USER_FILE
    write_keys(values={"theme": "clientdeck-light"})
    assert 'language = "en"' in backup_path(user_file).read_text(encoding="utf-8")


def test_a_write_that_changes_nothing_leaves_the_file_alone(user_file):
    write_keys(values={"language": "uk"})
    assert not backup_path(user_file).exists()


def test_table_entries_are_written_one_by_one(user_file):
    write_keys(values={"urgency.fire": "9.5", "keys.board.archive": "ctrl+a", "keys.help": "f1"})
    loaded = load()
    assert loaded.config.urgency == {**DEFAULT_URGENCY, "fire": 9.5}
    assert loaded.config.keys == {"board.archive": "ctrl+a", "timer.start": "ctrl+t", "help": "f1"}
    text = user_file.read_text(encoding="utf-8")
    assert 'board.archive = "ctrl+a"' in text and "# my remaps" in text
    assert 'colour = "teal"' in text


def test_a_bad_value_is_refused_before_anything_is_written(user_file):
    with pytest.raises(ConfigError, match="time_zone"):
        write_keys(values={"language": "en", "time_zone": "Mars/Base"})
    assert user_file.read_text(encoding="utf-8") == USER_FILE
    with pytest.raises(ConfigError, match="unknown setting 'nonsense'"):
        write_keys(values={"nonsense": "1"})
    assert not backup_path(user_file).exists()


def test_a_file_that_is_not_toml_is_never_overwritten(user_file):
    broken = USER_FILE + "oops = \n"
    user_file.write_text(broken, encoding="utf-8")
    assert load().config == Config()  # nothing can be read from it...
    with pytest.raises(ConfigError, match="not valid TOML"):
        write_keys(values={"theme": "clientdeck-light"})  # ...so nothing is written over it
    assert user_file.read_text(encoding="utf-8") == broken


def test_the_write_is_a_synced_temporary_file_renamed_over_the_old(user_file, monkeypatch):
    events: list[str] = []
    real_fsync, real_replace = os.fsync, Path.replace

    def fsync(descriptor):
        events.append("fsync")
        real_fsync(descriptor)

    def replace(self, target):
        events.append(f"rename {self.parent == Path(target).parent} {Path(target).name}")
        return real_replace(self, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Path, "replace", replace)
    write_keys(values={"language": "en"})
    renames = [i for i, event in enumerate(events) if event.startswith("rename")]
    assert [events[i] for i in renames] == [
        "rename True config.toml.bak",  # same folder, so the rename is atomic
        "rename True config.toml",
    ]
    assert events[renames[0] - 1] == "fsync" and events[renames[1] - 1] == "fsync"
    assert sorted(p.name for p in user_file.parent.iterdir()) == [
        "config.toml",
        "config.toml.bak",
    ]


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(user_file, monkeypatch):
    def crash(self, target):
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_keys(values={"language": "en"})
    monkeypatch.undo()
    assert user_file.read_text(encoding="utf-8") == USER_FILE
    assert sorted(p.name for p in user_file.parent.iterdir()) == ["config.toml"]


def test_config_files_and_folders_are_private(tmp_path, monkeypatch, umask_022):
    folder = tmp_path / "home" / "config" / "clientdeck"
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(folder))
    write_keys(values={"language": "en"})
    write_keys(values={"language": "uk"})
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    assert mode(folder / "config.toml") == 0o600
    assert mode(folder / "config.toml.bak") == 0o600


def test_a_world_readable_config_becomes_private_when_written(user_file, umask_022):
    user_file.chmod(0o644)
    write_keys(values={"language": "en"})
    assert mode(user_file) == 0o600 and mode(backup_path(user_file)) == 0o600


def test_a_folder_the_user_made_keeps_its_mode(tmp_path, monkeypatch, umask_022):
    folder = tmp_path / "mine"
    folder.mkdir(mode=0o750)
    folder.chmod(0o750)
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(folder))
    write_keys(values={"language": "en"})
    assert mode(folder) == 0o750


def test_the_data_folder_the_store_makes_is_private(tmp_path, umask_022):
    from model.db import make_engine

    folder = tmp_path / "data" / "clientdeck"
    engine = make_engine(url=f"sqlite:///{folder / 'clientdeck.db'}")
    engine.dispose()
    assert mode(folder) == 0o700
    assert mode(folder / "clientdeck.db") == 0o600


def test_a_linked_config_stays_a_link(tmp_path, monkeypatch):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "clientdeck.toml").write_text(USER_FILE, encoding="utf-8")
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "config.toml").symlink_to(dotfiles / "clientdeck.toml")
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(folder))
    write_keys(values={"language": "en"})
    assert (folder / "config.toml").is_symlink()
    assert 'language = "en"' in (dotfiles / "clientdeck.toml").read_text(encoding="utf-8")


# --- unset ------------------------------------------------------------------------------------


def test_unset_removes_just_that_key(user_file):
    assert unset_keys(keys=["keys.board.archive"]) == ["keys.board.archive"]
    text = user_file.read_text(encoding="utf-8")
    assert "board.archive" not in text and '"timer.start" = "ctrl+t"' in text
    assert "# my remaps" in text and 'colour = "teal"' in text
    unset_keys(keys=["language", "keys.timer.start"])
    loaded = load()
    assert loaded.config.language == "" and loaded.config.keys == {}
    assert loaded.config.me == "Olena Kravets"
    assert backup_path(user_file).exists()


def test_unset_an_unknown_key_in_the_file_silences_its_warning(user_file):
    unset_keys(keys=["colour"])
    assert load().problem is None


def test_unset_a_known_key_that_is_not_set_is_fine_an_unknown_one_is_refused(user_file):
    assert unset_keys(keys=["retro_day", "urgency.fire"]) == []
    assert not backup_path(user_file).exists()
    with pytest.raises(ConfigError, match="'bogus' is not set"):
        unset_keys(keys=["bogus"])
    assert user_file.read_text(encoding="utf-8") == USER_FILE


# --- the app's saves ----------------------------------------------------------------------------


def test_changed_values_names_only_what_changed():
    before = Config(keys={"board.archive": "x"})
    after = dataclasses.replace(
        before, me="Anna", keys={"board.archive": "x", "help": "f1"}, urgency=dict(DEFAULT_URGENCY)
    )
    assert changed_values(before=before, after=after) == {"me": "Anna", "keys.help": "f1"}


@pytest.fixture
def store_engine(tmp_path):
    from model.store import open_store

    opened = open_store(url=f"sqlite:///{tmp_path / 'store.db'}")
    yield opened.engine
    opened.engine.dispose()


def test_the_app_saves_me_and_the_theme_without_dropping_anything(user_file, store_engine):
    from tui.app import ClientDeck

    loaded = load()
    app = ClientDeck(engine=store_engine, config=loaded.config, config_path=user_file)
    app.settle_config(dataclasses.replace(app.config, me="Anna Koval"))
    app.config = dataclasses.replace(app.config, theme="clientdeck-light")
    app._save_config()
    text = user_file.read_text(encoding="utf-8")
    assert text == USER_FILE.replace('"Olena Kravets"', '"Anna Koval"').replace(
        'language = "uk"\n', 'language = "uk"\ntheme = "clientdeck-light"\n'
    )
    reloaded = load().config
    assert reloaded.me == "Anna Koval" and reloaded.theme == "clientdeck-light"
    assert reloaded.keys == KEPT["keys"] and reloaded.standup_times == KEPT["standup_times"]


def test_the_app_shows_config_problems_in_the_users_language(
    user_file, store_engine, fake_ukrainian
):
    from tui.app import ClientDeck

    app = ClientDeck(engine=store_engine, config=load().config, config_path=user_file)
    assert f"{user_file}\nрядок 4: colour: невідомий параметр, лишається у файлі" in app.notices


# --- the shell ----------------------------------------------------------------------------------


def err_lines(capsys) -> list[str]:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()


def test_shell_set_keeps_every_other_setting_and_warns_about_the_unknown_key(user_file, capsys):
    assert run(["config", "set", "language", "en"]) == 0
    (warning,) = err_lines(capsys)
    # worded in the file's own language (Ukrainian here): the key and its line are named
    assert str(user_file) in warning and " 4: colour" in warning
    assert user_file.read_text(encoding="utf-8") == USER_FILE.replace('"uk"', '"en"')
    assert backup_path(user_file).read_text(encoding="utf-8") == USER_FILE


def test_shell_set_a_table_entry(user_file, capsys):
    assert run(["config", "set", "keys.board.archive", "ctrl+a"]) == 0
    assert run(["config", "set", "urgency.fire", "9"]) == 0
    loaded = load()
    assert loaded.config.keys["board.archive"] == "ctrl+a"
    assert loaded.config.urgency["fire"] == 9.0
    assert kept_settings(loaded.config)["me"] == "Olena Kravets"


@pytest.mark.parametrize("number", ["nan", "inf"])
def test_shell_refuses_a_number_that_is_not_finite(user_file, capsys, number):
    assert run(["config", "set", "urgency.fire", number]) == 1
    lines = err_lines(capsys)
    assert "urgency.fire" in lines[-1] and repr(number) in lines[-1]  # worded in Ukrainian
    assert user_file.read_text(encoding="utf-8") == USER_FILE


def test_shell_unset(user_file, capsys):
    assert run(["config", "unset", "keys.board.archive"]) == 0
    assert run(["config", "unset", "colour"]) == 0
    capsys.readouterr()
    assert run(["config", "unset", "time_zone"]) == 0
    assert err_lines(capsys) == []  # the unknown key is gone: no more warning
    loaded = load()
    assert loaded.config.keys == {"timer.start": "ctrl+t"}
    assert loaded.config.time_zone == "UTC" and loaded.config.me == "Olena Kravets"


def test_shell_unset_refusals(user_file, capsys):
    assert run(["config", "unset"]) == 2
    assert len(err_lines(capsys)) == 1
    assert run(["config", "unset", "nonsense"]) == 1
    lines = err_lines(capsys)
    assert lines[-1].startswith("clientdeck: 'nonsense' ")  # "… is not set", in Ukrainian
    assert user_file.read_text(encoding="utf-8") == USER_FILE


def test_shell_will_not_write_over_a_file_that_is_not_toml(user_file, capsys):
    user_file.write_text("me = \n", encoding="utf-8")
    assert run(["config", "set", "language", "en"]) == 1
    lines = err_lines(capsys)
    assert "line 1" in lines[0] and "not valid TOML" in lines[-1]
    assert user_file.read_text(encoding="utf-8") == "me = \n"


def test_shell_warning_is_in_the_configured_language(user_file, capsys, fake_ukrainian):
    assert run(["config", "path"]) == 0
    (warning,) = err_lines(capsys)
    assert "рядок 4: colour: невідомий параметр" in warning


def test_the_app_gets_the_config_problem_and_stderr_stays_quiet(
    user_file, capsys, tmp_path, monkeypatch
):
    from tui.app import ClientDeck

    shown: list[list[str]] = []
    monkeypatch.setattr(ClientDeck, "run", lambda self, *a, **k: shown.append(self.notices))
    assert run(["--db", str(tmp_path / "app.db")]) == 0
    assert err_lines(capsys) == []
    (notices,) = shown
    assert any(" 4: colour" in notice for notice in notices)  # in the file's language


def test_shell_show_prints_the_settings_in_force(user_file, capsys):
    assert run(["config", "show"]) == 0
    shown = tomllib.loads(capsys.readouterr().out)
    assert shown["me"] == "Olena Kravets" and shown["keys"] == KEPT["keys"]
    assert "colour" not in shown


# --- the utilisation band: both ends in order ---------------------------------------------------


def test_a_band_out_of_order_in_the_file_is_reported_and_the_default_band_used(user_file):
    user_file.write_text("[utilisation]\ntarget_low = 90\ntarget_high = 80\n", encoding="utf-8")
    loaded = load()
    assert loaded.config.utilisation == Config().utilisation
    assert "line 1: utilisation: the target's low end 90 % is above its high end 80 %" in (
        loaded.problem or ""
    )


def test_a_write_that_puts_the_band_out_of_order_is_refused_and_writes_nothing(user_file):
    write_keys(values={"utilisation.target_high": 80})
    before = user_file.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="utilisation: the target's low end 81 %"):
        write_keys(values={"utilisation.target_low": 81})
    assert user_file.read_text(encoding="utf-8") == before
    write_keys(values={"utilisation.target_low": 50, "utilisation.target_high": 60})
    assert load().config.utilisation == {"target_low": 50.0, "target_high": 60.0}


def test_shell_refuses_a_band_out_of_order_in_the_files_language(user_file, capsys):
    assert run(["config", "set", "utilisation.target_low", "95"]) == 1
    lines = err_lines(capsys)
    assert "нижня межа цілі 95 % вища за верхню 85 %" in lines[-1]
    assert user_file.read_text(encoding="utf-8") == USER_FILE
    assert run(["config", "set", "utilisation.target_low", "60"]) == 0
    assert load().config.utilisation == {"target_low": 60.0, "target_high": 85.0}
