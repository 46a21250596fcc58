"""The user's config.toml (model/config.py): defaults, problems, set, save and load."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.config import (
    DEFAULT_URGENCY,
    REMINDERS,
    Config,
    ConfigError,
    config_path,
    load,
    save,
    set_value,
    to_mapping,
)


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    """Where config.toml lives for this test; CLIENTDECK_CONFIG_DIR points there."""
    monkeypatch.setenv("CLIENTDECK_CONFIG_DIR", str(tmp_path / "conf"))
    return tmp_path / "conf" / "config.toml"


def changed_keys(before: Config, after: Config) -> set[str]:
    old, new = to_mapping(config=before), to_mapping(config=after)
    return {key for key in old if old[key] != new[key]}


# --- defaults and problems -------------------------------------------------------------------


def test_defaults_when_there_is_no_file(config_file):
    assert config_path() == config_file
    loaded = load()
    assert not config_file.exists()
    assert loaded.config == Config()
    assert loaded.problem is None
    assert loaded.path == config_file
    assert loaded.config.standup_times == ("11:00", "16:00")
    assert loaded.config.sprint_start_index == 0
    assert loaded.config.urgency == DEFAULT_URGENCY


def test_a_valid_file_is_read(config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_text(
        'time_zone = "Europe/Kyiv"\nstandup_times = ["16:00", "9:30"]\n'
        'sprint_start = "Tuesday"\n[urgency]\nfire = 10\n',
        encoding="utf-8",
    )
    loaded = load()
    assert loaded.problem is None
    assert loaded.config.time_zone == "Europe/Kyiv"
    assert loaded.config.standup_times == ("09:30", "16:00")
    assert loaded.config.sprint_start_index == 1
    assert loaded.config.urgency == {**DEFAULT_URGENCY, "fire": 10.0}


def test_broken_toml_gives_defaults_and_names_file_and_line(config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_text(
        'me = "Olena"\ntime_zone = "Europe/Kyiv"\nstandup_times = ["11:00",\n\nbroken = \n',
        encoding="utf-8",
    )
    loaded = load()
    assert loaded.config == Config()
    assert loaded.problem is not None
    assert str(config_file) in loaded.problem
    assert "line 5" in loaded.problem
    assert "defaults" in loaded.problem


def test_undecodable_file_gives_defaults_and_a_message(config_file):
    config_file.parent.mkdir(parents=True)
    config_file.write_bytes(b'me = "\xff\xfe"\n')
    loaded = load()
    assert loaded.config == Config()
    assert loaded.problem is not None and str(config_file) in loaded.problem


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('time_zone = "Mars/Base"\n', "time_zone"),
        ('standup_times = ["25:00"]\n', "standup_times"),
        ("standup_times = []\n", "standup_times"),
        ('work_day_start = "9 am"\n', "work_day_start"),
        ('sprint_start = "funday"\n', "sprint_start"),
        ('language = "de"\n', "language"),
        ("default_estimate_hours = -1\n", "default_estimate_hours"),
        ('standup_minutes = "long"\n', "standup_minutes"),
        ("[urgency]\nbogus = 1\n", "urgency"),
        ('[urgency]\nfire = "hot"\n', "urgency"),
        ("keys = 5\n", "keys"),
        ('colour = "red"\n', "colour"),
    ],
)
def test_an_invalid_value_is_reported_by_key_and_the_other_settings_are_kept(
    config_file, body, key
):
    config_file.parent.mkdir(parents=True)
    config_file.write_text('me = "Olena"\n' + body, encoding="utf-8")
    loaded = load()
    assert loaded.config == Config(me="Olena")
    assert loaded.problem is not None
    assert str(config_file) in loaded.problem
    assert key in loaded.problem


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("standup_times = 5\n", "standup_times"),
        ("retro_checklist = 5\n", "retro_checklist"),
        ("[urgency]\nfire = [1]\n", "urgency"),
    ],
)
def test_a_value_of_the_wrong_type_gives_defaults_and_names_the_key(config_file, body, key):
    config_file.parent.mkdir(parents=True)
    config_file.write_text(body, encoding="utf-8")
    loaded = load()
    assert loaded.config == Config()
    assert loaded.problem is not None and key in loaded.problem


# --- set_value -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("time_zone", "Mars/Base"),
        ("standup_times", "25:00"),
        ("standup_times", " , "),
        ("sprint_start", "someday"),
        ("retro_minutes", "9999"),
        ("urgency.fire", "hot"),
        ("urgency.bogus", "1"),
        ("nonsense", "1"),
        ("nonsense.deep", "1"),
        ("reminders.cadence", "maybe"),
        ("reminders.bogus", "off"),
        ("currency", "euro"),
        ("currency", "E1R"),
        ("utilisation.target_low", "most"),
        ("utilisation.target_high", "250"),
        ("utilisation.bogus", "80"),
    ],
)
def test_set_value_rejects_bad_values(key, value):
    with pytest.raises(ConfigError, match=key.split(".")[0]):
        set_value(config=Config(), key=key, value=value)


@pytest.mark.parametrize(
    ("key", "value", "attribute", "expected"),
    [
        ("time_zone", "Europe/Kyiv", "time_zone", "Europe/Kyiv"),
        ("currency", " uah ", "currency", "UAH"),
        ("standup_times", "16:00, 09:45", "standup_times", ("09:45", "16:00")),
        ("sprint_start", "Wednesday", "sprint_start", "wednesday"),
        ("default_estimate_hours", "1.5", "default_estimate_hours", 1.5),
        ("retro_checklist", "timesheets, reports", "retro_checklist", ("timesheets", "reports")),
        ("language", "UK", "language", "uk"),
        ("me", "Олена", "me", "Олена"),
    ],
)
def test_set_value_changes_only_that_key(key, value, attribute, expected):
    before = Config()
    after = set_value(config=before, key=key, value=value)
    assert getattr(after, attribute) == expected
    assert changed_keys(before, after) == {attribute}
    assert before == Config()  # the original is not mutated


def test_set_value_dotted_urgency_changes_one_term():
    before = Config()
    after = set_value(config=before, key="urgency.fire", value="9.5")
    assert after.urgency == {**DEFAULT_URGENCY, "fire": 9.5}
    assert changed_keys(before, after) == {"urgency"}
    assert before.urgency == DEFAULT_URGENCY


def test_set_value_dotted_keys_table():
    after = set_value(config=Config(), key="keys.board", value="b")
    after = set_value(config=after, key="keys.timer", value="ctrl+t")
    assert after.keys == {"board": "b", "timer": "ctrl+t"}
    assert changed_keys(Config(), after) == {"keys"}


def test_each_reminder_switches_off_alone():
    after = set_value(config=Config(), key="reminders.cadence", value="off")
    after = set_value(config=after, key="reminders.desktop", value="False")
    assert after.reminders == {**dict.fromkeys(REMINDERS, True), "cadence": False, "desktop": False}
    assert set_value(config=after, key="reminders.cadence", value="yes").reminders["cadence"]
    assert changed_keys(Config(), after) == {"reminders"}


@pytest.mark.parametrize("key", ["me.x", "standup_minutes.x", "sprint_start.x"])
def test_set_value_dotted_key_on_a_plain_setting_is_refused(key):
    with pytest.raises(ConfigError, match="not a table"):
        set_value(config=Config(), key=key, value="v")


# --- save and load ---------------------------------------------------------------------------


def custom_config() -> Config:
    return dataclasses.replace(
        Config(),
        me="Олена [lead]",
        agency="Кий «Піксель» & <Co>",
        currency="UAH",
        time_zone="Europe/Kyiv",
        language="uk",
        theme="clientdeck-light",
        standup_times=("10:30", "15:00"),
        standup_minutes=20,
        sprint_start="tuesday",
        work_day_start="08:30",
        work_day_end="17:30",
        retro_day="thursday",
        retro_time="16:00",
        retro_minutes=45,
        retro_checklist=("timesheets", "звіти"),
        silence_alert_days=3,
        default_estimate_hours=1.5,
        urgency={**DEFAULT_URGENCY, "fire": 9.5, "waiting": -1.0},
        keys={"board": "b", "app.quit": "ctrl+q"},
        reminders={**dict.fromkeys(REMINDERS, True), "cadence": False},
        utilisation={"target_low": 60.0, "target_high": 90.0},
    )


def test_every_field_is_customised_in_the_round_trip_config():
    assert changed_keys(Config(), custom_config()) == set(to_mapping(config=Config()))


@pytest.mark.parametrize("config", [Config(), custom_config()], ids=["defaults", "custom"])
def test_save_then_load_round_trips(config_file, config):
    written = save(config=config)
    assert written == config_file
    loaded = load()
    assert loaded.problem is None
    assert loaded.config == config


def test_save_is_atomic_and_leaves_no_temporary_file(config_file):
    save(config=Config())
    save(config=custom_config())
    names = sorted(p.name for p in config_file.parent.iterdir())
    assert names == ["config.toml", "config.toml.bak"]  # the .bak is the file before the write
    assert not config_file.with_suffix(".toml.tmp").exists()
    assert tomllib.loads(config_file.read_text(encoding="utf-8"))["me"] == "Олена [lead]"


def test_a_failed_save_keeps_the_old_file_whole(config_file, monkeypatch):
    save(config=Config())
    old = config_file.read_bytes()

    def crash(self, target):
        raise OSError("disk full")

    monkeypatch.setattr(type(config_file), "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save(config=custom_config())
    monkeypatch.undo()
    assert config_file.read_bytes() == old
    assert load(path=config_file).config == Config()


def test_budget_alerts_switch_off_next_to_the_other_reminders(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[reminders]\nbudget = false\n", encoding="utf-8")
    loaded = load(path=path)
    assert loaded.config.reminders == {**dict.fromkeys(REMINDERS, True), "budget": False}
    assert set_value(config=Config(), key="reminders.budget", value="off").reminders == (
        loaded.config.reminders
    )


def test_utilisation_band_defaults_and_changes():
    assert Config().utilisation == {"target_low": 70.0, "target_high": 85.0}
    after = set_value(config=Config(), key="utilisation.target_low", value="65")
    assert after.utilisation == {"target_low": 65.0, "target_high": 85.0}
    assert changed_keys(Config(), after) == {"utilisation"}


@pytest.mark.parametrize(
    ("key", "value"),
    [("utilisation.target_low", "90"), ("utilisation.target_high", "60")],
)
def test_a_utilisation_band_out_of_order_is_refused(key, value):
    with pytest.raises(ConfigError, match=rf"{key}: the target's low end .* above its high end"):
        set_value(config=Config(), key=key, value=value)


def test_a_utilisation_band_of_one_point_is_a_band():
    after = set_value(config=Config(), key="utilisation.target_low", value="85")
    assert after.utilisation == {"target_low": 85.0, "target_high": 85.0}


def test_utilisation_refuses_a_negative_percent():
    with pytest.raises(ConfigError, match="out of range"):
        set_value(config=Config(), key="utilisation.target_low", value="-5")


@given(low=st.floats(min_value=0, max_value=200), high=st.floats(min_value=0, max_value=200))
def test_a_band_is_taken_exactly_when_its_ends_are_in_order(low, high):
    config = set_value(config=Config(), key="utilisation.target_high", value="200")
    config = set_value(config=config, key="utilisation.target_low", value="0")
    config = set_value(config=config, key="utilisation.target_high", value=repr(high))
    if low <= high:
        after = set_value(config=config, key="utilisation.target_low", value=repr(low))
        assert after.utilisation == {"target_low": low, "target_high": high}
    else:
        with pytest.raises(ConfigError, match="above its high end"):
            set_value(config=config, key="utilisation.target_low", value=repr(low))
