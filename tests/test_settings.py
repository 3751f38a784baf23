"""Settings: the emergency number from the flag, the config file, the locale or the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunUnknot
from unknot import ConfigError, load_catalog
from unknot.settings import Settings, config_path, emergency_number, load_settings, locale_country, save_settings

CATALOG = load_catalog()


@pytest.mark.parametrize(
    ("env", "country"),
    [
        ({"LANG": "en_GB.UTF-8"}, "GB"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "de_DE.UTF-8"}, "DE"),
        ({"LANG": "en_GB.UTF-8", "LC_TELEPHONE": "en_AU.UTF-8"}, "AU"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "fr_CA"}, "CA"),
        ({}, None),
    ],
)
def test_the_locales_country(env: dict[str, str], country: str | None) -> None:
    assert locale_country(env) == country


def test_the_flag_beats_the_file_beats_the_locale(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "LANG": "en_US.UTF-8"}
    assert emergency_number(CATALOG, environ=env) == "911"
    save_settings(Settings(emergency_number="999"), config_path(env))
    assert emergency_number(CATALOG, environ=env) == "999"
    assert emergency_number(CATALOG, "112", environ=env) == "112"


def test_config_path_follows_xdg(tmp_path: Path) -> None:
    assert config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "unknot" / "config.toml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("emergency_number = ", "not valid TOML"),
        ('colour = "red"', "unknown setting 'colour'"),
        ('emergency_number = "call mum"', "not a phone number"),
        ('voice = "loud"', "voice 'loud' .* is not on or off"),
        ("voice_rate = 1000", "voice-rate '1000' .* from 80 to 450"),
        ('voice_language = "english please"', "is not a language such as en"),
        ('tools = ["hammer"]', "tool 'hammer' .* the tools are: tennis_ball"),
        ("minutes = 2", "minutes '2' .* from 3 to 60"),
        ('mode = "robot"', "mode 'robot' .* is not partner or self"),
    ],
)
def test_a_malformed_config_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_every_setting_round_trips_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    settings = Settings("999", False, 140, "en-gb", "self", ("tennis_ball", "foam_roller"), 15)
    save_settings(settings, path)
    assert load_settings(path) == settings
    assert "voice = false" in path.read_text() and 'tools = ["tennis_ball", "foam_roller"]' in path.read_text()


def test_a_missing_config_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()


def test_config_commands_round_trip(unknot: RunUnknot, cli_env: dict[str, str]) -> None:
    assert "(default)" in unknot("config", "show").out
    run = unknot("config", "set", "emergency-number", "999")
    assert run.code == 0 and "999" in run.out
    assert Path(cli_env["XDG_CONFIG_HOME"], "unknot", "config.toml").exists()
    assert "emergency-number = 999    (config file)" in unknot("config", "show").out
    assert unknot("config", "unset", "emergency-number").code == 0
    assert "emergency-number = 112" in unknot("config", "show").out
    assert unknot("config", "path").out.strip().endswith("unknot/config.toml")
    assert unknot("config", "set", "voice", "off").code == 0
    assert unknot("config", "set", "voice-rate", "140").code == 0
    shown = unknot("config", "show").out
    assert "voice = off    (config file)" in shown and "voice-rate = 140    (config file)" in shown
    assert "voice-language = en    (default)" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["config", "set", "emergency-number", "abc"], "emergency number 'abc' is not a phone number"),
        (["config", "set", "colour", "red"], "'colour' is not a setting"),
        (["config", "set", "voice", "loud"], "voice 'loud' is not on or off"),
        (["config", "set", "voice-rate", "fast"], "voice-rate 'fast' is not a whole number of words a minute"),
        (["rules", "sore_knee"], "rule 'sore_knee' does not exist"),
        (["rules", "--category", "urgent"], "category 'urgent' does not exist"),
        (["rules", "bruise", "--category", "emergency"], "rule 'bruise' is avoid_area, not emergency"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(unknot: RunUnknot, args: list[str], message: str) -> None:
    run = unknot(*args)
    assert run.code == 2
    assert run.err == f"unknot: error: {run.err.removeprefix('unknot: error: ')}"
    assert message in run.err and run.err.count("\n") == 1


def write_config(cli_env: dict[str, str], text: str) -> Path:
    path = Path(cli_env["XDG_CONFIG_HOME"], "unknot", "config.toml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_broken_config_file_never_hides_an_emergency(unknot: RunUnknot, cli_env: dict[str, str]) -> None:
    write_config(cli_env, 'emergency_number = "abc"')
    run = unknot("screen", "--json", "-", input='{"findings": ["chest_pain"]}', env={"LANG": "en_GB.UTF-8"})
    assert run.code == 0
    out = run.json()
    assert (out["verdict"], out["emergency_number"]) == ("emergency", "999")
    assert run.err.startswith("unknot: warning: emergency number 'abc'")
    assert "using the emergency number of your locale" in run.err


def test_a_broken_config_file_can_be_repaired_from_the_cli(unknot: RunUnknot, cli_env: dict[str, str]) -> None:
    path = write_config(cli_env, "emergency_number = [")
    show = unknot("config", "show")
    assert show.code == 0 and "not valid TOML" in show.err and "emergency-number = 112" in show.out
    fixed = unknot("config", "set", "emergency-number", "999")
    assert fixed.code == 0 and "replaced" in fixed.err
    assert 'emergency_number = "999"' in path.read_text()
    assert "emergency-number = 999    (config file)" in unknot("config", "show").out


def test_a_bad_flag_is_still_an_error(unknot: RunUnknot) -> None:
    run = unknot("screen", "--json", "-", "--emergency-number", "x1", input='{"findings": ["chest_pain"]}')
    assert run.code == 2 and run.json()["error"]["code"] == "config_error"
