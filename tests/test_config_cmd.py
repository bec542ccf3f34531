"""`ccc-tui config path|show|set|unset|use`."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.cli import config_cmd
from ccc_tui.profiles import config as cfg
from ccc_tui.profiles.keyring_store import store_secret

from .conftest import cli


@pytest.fixture
def conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("CCC_TUI_CONFIG", str(path))
    return path


def test_config_path_lists_every_file(conf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["config", "path"]) == 0
    out = capsys.readouterr().out
    assert f"config     {conf}" in out and "not created yet" in out
    assert f"history    {cfg.history_db_path()}" in out
    assert f"downloads  {cfg.default_downloads_dir()}" in out
    assert f"logs       {cfg.log_dir()}" in out
    assert f"data       {cfg.data_dir()}" in out


def test_config_path_still_works_with_a_broken_file(
    conf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf.write_text("[[[")
    assert cli(["config", "path"]) == 0
    out, err = capsys.readouterr()
    assert str(conf) in out and "found" in out
    assert "not usable" in err and "line 1" in err


def test_config_path_shows_the_profile_download_dir(
    conf: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    conf.write_text(f'[profiles.default]\ndownload_dir = "{tmp_path / "dl"}"\n')
    assert cli(["config", "path"]) == 0
    assert f"downloads  {tmp_path / 'dl'}" in capsys.readouterr().out


def test_config_show_prints_values_sources_and_the_winning_credential(
    conf: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    conf.write_text(
        'default_profile = "prod"\ntheme = "nord"\n'
        '[profiles.prod]\ninstance_id = "inst-9"\ntime_zone = "Asia/Shanghai"\n'
        '[profiles.other]\nregion = "cn-beijing"\n'
    )
    monkeypatch.setenv("CCC_TUI_REGION", "cn-hangzhou")
    store_secret("prod", AccessKey("LTAIshowKey00077", Secret("show-secret-value")))
    assert cli(["config", "show"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line and not line.startswith(" ")}
    assert rows["profile"].split()[1] == "prod" and "config default_profile" in rows["profile"]
    assert "inst-9" in rows["instance_id"] and f"profile prod ({conf})" in rows["instance_id"]
    assert "cn-hangzhou" in rows["region"] and rows["region"].endswith("env CCC_TUI_REGION")
    assert "https://ccc.cn-hangzhou.aliyuncs.com" in rows["endpoint"]
    assert "Asia/Shanghai" in rows["time_zone"]
    assert rows["language"].split()[1:] == ["en", "default"]
    assert "nord" in rows["theme"]
    assert "****0077 from keyring ccc-tui/prod" in rows["credentials"]
    assert "skipped environment variables: not set" in out
    assert "LTAIshowKey00077" not in out and "show-secret-value" not in out

    assert cli(["config", "show", "--profile", "other", "--region", "cn-shenzhen"]) == 0
    out = capsys.readouterr().out
    assert "flag --region" in out and "flag --profile" in out
    zone = next(line for line in out.splitlines() if line.startswith("time_zone"))
    assert zone.split()[1:] == ["Asia/Shanghai", "default", "(from", "region", "cn-shenzhen)"]
    assert "none found" in out  # no keyring entry for "other"


def test_config_show_on_an_invalid_file_names_file_line_key(
    conf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf.write_text('[profiles.default]\nlanguage = "klingon"\n')
    assert cli(["config", "show"]) == 3
    err = capsys.readouterr().err
    assert f"{conf}, line 2, key 'profiles.default.language'" in err
    assert "Traceback" not in err


def test_config_set_unset_and_use(conf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf.write_text("# keep me\n")
    assert cli(["config", "set", "--profile", "prod", "instance_id", "inst-1"]) == 0
    assert cli(["config", "set", "--profile", "prod", "time_zone", "UTC"]) == 0
    assert cli(["config", "use", "prod"]) == 0
    assert cli(["config", "set", "region", "cn-beijing"]) == 0  # the default profile now
    loaded = cfg.load_config()
    assert loaded.default_profile == "prod"
    assert loaded.profiles["prod"].values() == {
        "instance_id": "inst-1",
        "region": "cn-beijing",
        "time_zone": "UTC",
    }
    assert cli(["config", "unset", "time_zone"]) == 0
    assert cfg.load_config().profiles["prod"].time_zone is None
    assert conf.read_text().startswith("# keep me\n")
    capsys.readouterr()

    assert cli(["config", "set", "region", "not valid"]) == 3
    assert "region" in capsys.readouterr().err
    assert cli(["config", "use", "nope"]) == 3
    assert "no profile 'nope'" in capsys.readouterr().err
    assert cli(["config", "unset", "--profile", "ghost", "region"]) == 3
    with pytest.raises(SystemExit):
        cli(["config", "set", "access_key_secret", "x"])  # not a settable key


def test_config_show_and_the_flags_follow_the_declared_fields() -> None:
    """One table drives them: a declared setting shows in `config show`, and its flag exists."""
    from ccc_tui.cli.common import add_target_arguments
    from ccc_tui.profiles.config import load_config, resolve_target
    from ccc_tui.profiles.fields import PROFILE_FIELDS

    config = load_config()
    lines = config_cmd.show_lines(config, resolve_target(config=config))
    shown = {line.split()[0] for line in lines}
    parser = argparse.ArgumentParser()
    add_target_arguments(parser)
    flags = {opt for action in parser._actions for opt in action.option_strings}
    for field in PROFILE_FIELDS:
        assert field.credential or field.key in shown, field.key
        if field.flag:
            assert field.flag in flags, field.flag
