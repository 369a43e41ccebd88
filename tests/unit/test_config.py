from pathlib import Path

import pytest

from store_client import config as cfg
from store_client.cli import main


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = '[store]\nstore_id = "S001"\nterminal_id = "T01"\n'


def test_minimal_file_gets_documented_defaults(tmp_path):
    config = cfg.load(write(tmp_path, MINIMAL))
    assert config.store_id == "S001" and config.terminal_id == "T01"
    assert config.locale == "zh_CN" and config.currency == "CNY"
    assert config["ui.idle_lock_seconds"] == 300
    assert config["printer.kind"] == "none"
    assert not config.demo


def test_relative_data_dir_is_relative_to_the_config_file(tmp_path):
    config = cfg.load(write(tmp_path, MINIMAL + '[data]\ndir = "data"\n'))
    assert config.data_dir == tmp_path / "data"
    assert config.database_path == tmp_path / "data" / "terminal.sqlite3"


@pytest.mark.parametrize(
    "text, key, words",
    [
        ('[store]\nterminal_id = "T01"\n', "store.store_id", "missing"),
        (MINIMAL + '[ui]\nlocale = "fr"\n', "ui.locale", "one of zh_CN, en"),
        (MINIMAL + "[ui]\nidle_lock_seconds = 5\n", "ui.idle_lock_seconds", "between 15"),
        (MINIMAL + '[ui]\nidle_lock_seconds = "300"\n', "ui.idle_lock_seconds", "whole number"),
        (MINIMAL + "[ui]\nfullscreen = 1\n", "ui.fullscreen", "must be a bool"),
        (MINIMAL + "[printer]\npaper_mm = 70\n", "printer.paper_mm", "58 or 80"),
        (MINIMAL + '[hq]\nurl = "ftp://x"\n', "hq.url", "http"),
        (MINIMAL + '[ui]\nlocal = "en"\n', "ui.local", "unknown setting"),
        ('[store]\nstore_id = "S 1"\nterminal_id = "T01"\n', "store.store_id", "letters, digits"),
        ('store = 3\n', "store", "[section]"),
    ],
)
def test_bad_values_name_the_file_the_key_and_the_problem(tmp_path, text, key, words):
    path = write(tmp_path, text)
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(path)
    message = str(err.value)
    assert str(path) in message and f"'{key}'" in message and words in message


def test_broken_toml_is_reported_with_the_file(tmp_path):
    path = write(tmp_path, "[store\nstore_id=")
    with pytest.raises(cfg.ConfigError, match="not valid TOML") as err:
        cfg.load(path)
    assert str(path) in str(err.value)


def test_non_utf8_file_is_reported(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"[store]\nname = \"\xff\xfe\"\n")
    with pytest.raises(cfg.ConfigError, match="not UTF-8"):
        cfg.load(path)


def test_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(cfg.ConfigError, match="config init") as err:
        cfg.load(tmp_path / "nope.toml")
    assert "nope.toml" in str(err.value)


def test_flag_beats_environment_beats_platform(tmp_path, monkeypatch):
    env_file = write(tmp_path, MINIMAL)
    monkeypatch.setenv(cfg.ENV_VAR, str(env_file))
    assert cfg.locate(None) == env_file
    assert cfg.locate(tmp_path / "flag.toml") == tmp_path / "flag.toml"
    monkeypatch.delenv(cfg.ENV_VAR)
    assert cfg.locate(None) == cfg.default_config_path()


def test_template_round_trips_and_escapes(tmp_path):
    text = cfg.template("S9", "T9", **{"store.name": 'A "quoted" \\ name 店'})
    config = cfg.load(write(tmp_path, text))
    assert config["store.name"] == 'A "quoted" \\ name 店'
    assert config.store_id == "S9"


def test_cli_reports_config_errors_without_traceback(tmp_path, capsys):
    path = write(tmp_path, MINIMAL + '[ui]\nlocale = "fr"\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert "ui.locale" in err and str(path) in err and "Traceback" not in err


def test_cli_config_init_then_check(tmp_path, capsys):
    path = tmp_path / "sub" / "config.toml"
    assert main(["config", "init", "--path", str(path), "--store", "S7", "--terminal", "T2"]) == 0
    assert main(["--config", str(path), "config", "check"]) == 0
    assert "store S7, terminal T2" in capsys.readouterr().out
    assert main(["config", "init", "--path", str(path)]) == 1  # no silent overwrite
    assert main(["config", "init", "--path", str(tmp_path / "x.toml"), "--store", "bad id"]) == 2
