"""config.py: the file (parse, errors with file/line/key, atomic comment-keeping edits), the paths,
and the precedence flags > env > profile > defaults with `Target.sources`."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from ccc_tui.api.errors import EXIT_CONFIG, ConfigurationError
from ccc_tui.calls import files
from ccc_tui.profiles import config as cfg

SAMPLE = """\
# my ccc-tui settings
default_profile = "prod"   # the one I use
theme = "nord"

# production
[profiles.prod]
instance_id = "inst-prod"  # from the console
region = "cn-hangzhou"
access_key_id = "LTAI5tExampleKeyId"
time_zone = "Asia/Shanghai"
language = "zh"
download_dir = "~/calls"

[profiles.test]
instance_id = "inst-test"
endpoint = "http://127.0.0.1:8931"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("CCC_TUI_CONFIG", str(path))
    return path


# ---- paths --------------------------------------------------------------------------------------


def test_paths_follow_platformdirs_and_the_override(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if sys.platform.startswith("linux"):
        assert cfg.config_path() == isolated_home / ".config" / "ccc-tui" / "config.toml"
        assert (
            cfg.history_db_path() == isolated_home / ".local/share" / "ccc-tui" / "history.sqlite3"
        )
        assert cfg.default_downloads_dir() == isolated_home / "Downloads" / "ccc-tui"
    assert cfg.history_db_path().parent == cfg.data_dir()
    assert cfg.history_db_path().name == "history.sqlite3"
    assert "ccc-tui" in str(cfg.log_dir())
    monkeypatch.setenv("CCC_TUI_CONFIG", "~/elsewhere.toml")
    assert cfg.config_path() == isolated_home / "elsewhere.toml"
    assert cfg.config_path({"CCC_TUI_CONFIG": "/x/y.toml"}) == Path("/x/y.toml")


def test_downloads_dir_uses_the_profile_then_the_default(conf: Path, isolated_home: Path) -> None:
    write(conf, SAMPLE)
    target = cfg.resolve_target()
    assert cfg.downloads_dir(target) == isolated_home / "calls"
    assert cfg.downloads_dir(cfg.resolve_target(profile="test")) == cfg.default_downloads_dir()
    assert cfg.downloads_dir() == cfg.default_downloads_dir()


# ---- reading ------------------------------------------------------------------------------------


def test_missing_file_is_an_empty_config(conf: Path) -> None:
    loaded = cfg.load_config()
    assert loaded.path == conf and not loaded.exists and loaded.profiles == {}


def test_a_full_file_parses(conf: Path) -> None:
    write(conf, SAMPLE)
    loaded = cfg.load_config()
    assert loaded.exists and loaded.default_profile == "prod" and loaded.theme == "nord"
    prod = loaded.profiles["prod"]
    assert prod.instance_id == "inst-prod" and prod.region == "cn-hangzhou"
    assert prod.access_key_id == "LTAI5tExampleKeyId" and prod.time_zone == "Asia/Shanghai"
    assert prod.language == "zh" and prod.download_dir == "~/calls"
    assert loaded.profiles["test"].endpoint == "http://127.0.0.1:8931"
    assert loaded.profiles["test"].region is None


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        # TOML syntax errors: tomllib's line, and the key on that line when there is one.
        (
            '[profiles.prod]\nregion = "cn-shanghai"\ninstance_id = \n',
            3,
            "profiles.prod.instance_id",
            "not valid TOML",
        ),
        ('[profiles.prod]\nregion = "x\n', 2, "profiles.prod.region", "not valid TOML"),
        # Values that parse but are wrong: the line of the key, found by our scanner.
        (
            'theme = "x"\n\n[profiles.prod]\n\nregion = 42\n',
            5,
            "profiles.prod.region",
            "expected a string",
        ),
        ('[profiles.prod]\nregion = "Shanghai City"\n', 2, "profiles.prod.region", "not a region"),
        ('[profiles.a]\nlanguage = "fr"\n', 2, "profiles.a.language", "not one of en, zh"),
        ('[profiles.a]\ntime_zone = "Mars/Olympus"\n', 2, "profiles.a.time_zone", "time zone"),
        (
            '[profiles.a]\nendpoint = "http://ccc.example.com"\n',
            2,
            "profiles.a.endpoint",
            "plain http",
        ),
        (
            '[profiles.a]\nregion = "cn-shanghai"\ninstance_id = ""\n',
            3,
            "profiles.a.instance_id",
            "empty",
        ),
        ("default_profile = 3\n", 1, "default_profile", "profile name"),
        ('profiles = "prod"\n', 1, "profiles", "table"),
        ("[profiles]\nprod = 3\n", 2, "profiles.prod", "must be a table"),
        ("profiles.prod.region = 7\n", 1, "profiles.prod.region", "expected a string"),
        ('[profiles."bad name"]\nregion = "cn-shanghai"\n', 1, "profiles.bad name", "profile name"),
    ],
)
def test_invalid_files_name_file_line_and_key(
    conf: Path, text: str, line: int, key: str, words: str
) -> None:
    write(conf, text)
    with pytest.raises(ConfigurationError) as info:
        cfg.load_config()
    message = info.value.message
    assert message.startswith(f"{conf}, line {line}, key '{key}': "), message
    assert words in message
    assert info.value.exit_code == EXIT_CONFIG
    assert "Traceback" not in message


def test_a_secret_in_the_file_is_refused_without_echoing_it(conf: Path) -> None:
    write(conf, '[profiles.a]\naccess_key_secret = "TopSecretValue123"\n')
    with pytest.raises(ConfigurationError) as info:
        cfg.load_config()
    assert "line 2" in info.value.message and "ccc-tui login" in info.value.message
    assert "TopSecretValue123" not in str(info.value) + repr(info.value)
    write(conf, 'secret = "TopSecretValue123"\n')
    with pytest.raises(ConfigurationError) as info:
        cfg.load_config()
    assert "TopSecretValue123" not in str(info.value)


def test_unreadable_and_non_utf8_files(conf: Path) -> None:
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'theme = "ok"\n\xff\xfe = 1\n')
    with pytest.raises(ConfigurationError, match=r"line 2: not UTF-8"):
        cfg.load_config()
    conf.unlink()
    conf.mkdir()
    with pytest.raises(ConfigurationError, match="a directory"):
        cfg.load_config()


def test_unknown_top_level_settings_are_kept_for_the_ui(conf: Path) -> None:
    write(conf, 'theme = "nord"\nconfirm_quit = false\n')
    loaded = cfg.load_config()
    assert loaded.theme == "nord" and loaded.settings == {"confirm_quit": False}


# ---- precedence ---------------------------------------------------------------------------------


def test_defaults_without_any_file_or_env(conf: Path) -> None:
    target = cfg.resolve_target()
    assert target.profile == "default" and target.instance_id is None
    assert target.region == "cn-shanghai" and target.language == "en"
    assert target.endpoint_url == "https://ccc.cn-shanghai.aliyuncs.com"
    # The display zone is the instance's: cn-* regions speak Beijing time.
    assert target.time_zone == "Asia/Shanghai" and target.download_dir is None
    assert target.sources["time_zone"] == "default (from region cn-shanghai)"
    assert target.sources["region"] == "default" and target.sources["profile"] == "default"
    assert target.config_path == conf


def test_profile_values_and_their_sources(conf: Path, isolated_home: Path) -> None:
    write(conf, SAMPLE)
    target = cfg.resolve_target()
    described = f"profile prod ({conf})"
    assert target.profile == "prod"
    assert target.sources["profile"] == f"config default_profile ({conf})"
    assert (target.instance_id, target.region) == ("inst-prod", "cn-hangzhou")
    assert target.time_zone == "Asia/Shanghai" and target.language == "zh"
    assert target.download_dir == isolated_home / "calls"
    assert target.access_key_id == "LTAI5tExampleKeyId"
    for key in ("instance_id", "region", "time_zone", "language", "download_dir"):
        assert target.sources[key] == described
    assert target.sources["endpoint"].startswith("default")
    assert target.endpoint_url == "https://ccc.cn-hangzhou.aliyuncs.com"


def test_env_beats_profile_and_flags_beat_env(conf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(conf, SAMPLE)
    monkeypatch.setenv("CCC_TUI_PROFILE", "test")
    monkeypatch.setenv("CCC_TUI_INSTANCE_ID", "inst-env")
    monkeypatch.setenv("CCC_TUI_REGION", "cn-beijing")
    monkeypatch.setenv("CCC_TUI_ENDPOINT", "http://localhost:9000/")
    env_target = cfg.resolve_target()
    assert env_target.profile == "test"
    assert env_target.sources["profile"] == "env CCC_TUI_PROFILE"
    assert env_target.instance_id == "inst-env"
    assert env_target.sources["instance_id"] == "env CCC_TUI_INSTANCE_ID"
    assert (
        env_target.region == "cn-beijing" and env_target.sources["region"] == "env CCC_TUI_REGION"
    )
    assert env_target.endpoint_url == "http://localhost:9000"

    flagged = cfg.resolve_target(
        profile="prod",
        instance_id="inst-flag",
        region="ap-southeast-1",
        endpoint="https://x.example",
    )
    assert flagged.profile == "prod" and flagged.sources["profile"] == "flag --profile"
    assert (
        flagged.instance_id == "inst-flag"
        and flagged.sources["instance_id"] == "flag --instance-id"
    )
    assert flagged.region == "ap-southeast-1" and flagged.sources["region"] == "flag --region"
    assert (
        flagged.endpoint == "https://x.example" and flagged.sources["endpoint"] == "flag --endpoint"
    )
    # Values the flags do not cover still come from the profile.
    assert flagged.language == "zh" and flagged.sources["language"] == f"profile prod ({conf})"


def test_alibaba_cloud_region_id_ranks_below_the_profile(
    conf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "cn-shenzhen")
    target = cfg.resolve_target()
    assert target.region == "cn-shenzhen"
    assert target.sources["region"] == "env ALIBABA_CLOUD_REGION_ID"
    write(conf, SAMPLE)
    assert cfg.resolve_target().region == "cn-hangzhou"  # the profile wins
    monkeypatch.setenv("CCC_TUI_REGION", "cn-beijing")
    assert cfg.resolve_target().region == "cn-beijing"


def test_blank_env_values_count_as_unset(conf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCC_TUI_REGION", "  ")
    monkeypatch.setenv("CCC_TUI_PROFILE", "")
    target = cfg.resolve_target()
    assert target.region == "cn-shanghai" and target.sources["region"] == "default"


def test_an_explicit_unknown_profile_is_an_error(
    conf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(conf, SAMPLE)
    with pytest.raises(ConfigurationError, match=r"'staging' \(flag --profile\).*prod, test"):
        cfg.resolve_target(profile="staging")
    monkeypatch.setenv("CCC_TUI_PROFILE", "staging")
    with pytest.raises(ConfigurationError, match="env CCC_TUI_PROFILE"):
        cfg.resolve_target()
    # login creates profiles: it may name one that does not exist yet.
    assert cfg.resolve_target(allow_missing_profile=True).profile == "staging"


def test_a_dangling_default_profile_is_an_error(conf: Path) -> None:
    write(conf, 'default_profile = "gone"\n')
    with pytest.raises(ConfigurationError, match="'gone'"):
        cfg.resolve_target()


@pytest.mark.parametrize(
    ("kwargs", "env", "words"),
    [
        ({"region": "cn shanghai"}, {}, "flag --region: region"),
        ({}, {"CCC_TUI_REGION": "../../evil"}, "env CCC_TUI_REGION: region"),
        ({"endpoint": "http://ccc.example.com"}, {}, "plain http"),
        ({}, {"CCC_TUI_ENDPOINT": "ftp://x"}, "env CCC_TUI_ENDPOINT"),
        ({"instance_id": "a b"}, {}, "flag --instance-id"),
        ({"profile": "a/b"}, {}, "not a valid profile name"),
    ],
)
def test_bad_flag_and_env_values_name_their_source(
    conf: Path, kwargs: dict[str, str], env: dict[str, str], words: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        cfg.resolve_target(env=env, **kwargs)
    assert words in info.value.message


@pytest.mark.parametrize(
    ("region", "zone", "source"),
    [
        ("cn-beijing", "Asia/Shanghai", "default (from region cn-beijing)"),
        ("cn-hangzhou", "Asia/Shanghai", "default (from region cn-hangzhou)"),
        ("ap-southeast-1", "Asia/Singapore", "default (from region ap-southeast-1)"),
        ("eu-central-1", "Europe/Berlin", "default (from region eu-central-1)"),
        ("xx-nowhere-1", None, "default (this machine's zone)"),
    ],
)
def test_the_time_zone_defaults_to_the_region_s(
    conf: Path, region: str, zone: str | None, source: str
) -> None:
    target = cfg.resolve_target(region=region)
    assert (target.time_zone, target.sources["time_zone"]) == (zone, source)


def test_every_known_region_has_a_zone() -> None:
    from zoneinfo import ZoneInfo

    from ccc_tui.api.endpoints import CENTRAL_REGIONS, REGIONAL_REGIONS, region_time_zone

    for region in CENTRAL_REGIONS | REGIONAL_REGIONS:
        name = region_time_zone(region)
        assert name is not None, region
        ZoneInfo(name)


def test_a_profile_time_zone_beats_the_region_s(conf: Path) -> None:
    write(conf, '[profiles.default]\nregion = "cn-beijing"\ntime_zone = "UTC"\n')
    target = cfg.resolve_target()
    assert target.time_zone == "UTC" and target.sources["time_zone"].startswith("profile default")


def test_a_local_time_zone_means_the_machine_zone(conf: Path) -> None:
    write(conf, '[profiles.default]\ntime_zone = "local"\n')
    target = cfg.resolve_target()
    assert target.time_zone is None and target.sources["time_zone"].startswith("profile default")


# ---- writing ------------------------------------------------------------------------------------


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_profile_creates_the_file_0600(conf: Path) -> None:
    saved = cfg.save_profile("prod", {"instance_id": "inst-1", "region": "cn-hangzhou"})
    assert saved.profiles["prod"].instance_id == "inst-1"
    assert conf.is_file()
    if os.name == "posix":
        assert mode_of(conf) == 0o600
    text = conf.read_text()
    assert text.startswith("# ccc-tui settings") and "[profiles.prod]" in text
    assert cfg.load_config().profiles["prod"].region == "cn-hangzhou"


def test_edits_keep_comments_and_layout(conf: Path) -> None:
    write(conf, SAMPLE)
    os.chmod(conf, 0o644)
    cfg.save_profile("prod", {"instance_id": "inst-new", "time_zone": None})
    cfg.save_profile("staging", {"region": "cn-beijing"})
    cfg.set_default_profile("staging")
    cfg.set_setting("theme", "gruvbox")
    text = conf.read_text()
    for comment in (
        "# my ccc-tui settings",
        "# the one I use",
        "# production",
        "# from the console",
    ):
        assert comment in text
    assert 'instance_id = "inst-new"  # from the console' in text
    assert "time_zone" not in text.split("[profiles.test]")[0]
    assert 'default_profile = "staging"   # the one I use' in text
    loaded = cfg.load_config()
    assert loaded.default_profile == "staging" and loaded.theme == "gruvbox"
    assert loaded.profiles["staging"].region == "cn-beijing"
    assert loaded.profiles["test"].instance_id == "inst-test"  # untouched
    if os.name == "posix":
        assert mode_of(conf) == 0o600  # tightened on rewrite


def test_set_default_profile_on_a_file_with_only_tables(conf: Path) -> None:
    write(conf, '# hello\n[profiles.a]\nregion = "cn-shanghai"\n')
    cfg.set_default_profile("a")
    loaded = cfg.load_config()
    assert loaded.default_profile == "a"
    with pytest.raises(ConfigurationError, match="no profile 'zzz'"):
        cfg.set_default_profile("zzz")
    cfg.set_default_profile(None)
    assert cfg.load_config().default_profile is None


def test_delete_profile_also_drops_the_default(conf: Path) -> None:
    write(conf, SAMPLE)
    loaded = cfg.delete_profile("prod")
    assert "prod" not in loaded.profiles and loaded.default_profile is None
    assert "# my ccc-tui settings" in conf.read_text()


def test_save_profile_validates_before_writing(conf: Path) -> None:
    write(conf, SAMPLE)
    before = conf.read_bytes()
    with pytest.raises(ConfigurationError, match="region"):
        cfg.save_profile("prod", {"region": "not a region"})
    with pytest.raises(ConfigurationError, match="ccc-tui login"):
        cfg.save_profile("prod", {"access_key_secret": "abc"})
    with pytest.raises(ConfigurationError, match="profile name"):
        cfg.save_profile("bad name", {"region": "cn-shanghai"})
    with pytest.raises(ConfigurationError):
        cfg.set_setting("access_key_secret", "abc")
    assert conf.read_bytes() == before


def test_an_invalid_file_is_never_overwritten(conf: Path) -> None:
    write(conf, "[profiles.prod\nbroken")
    before = conf.read_bytes()
    with pytest.raises(ConfigurationError, match="line 1"):
        cfg.save_profile("prod", {"region": "cn-shanghai"})
    assert conf.read_bytes() == before


def test_atomic_write_leaves_no_temp_file_and_survives_a_failed_write(
    conf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(conf, SAMPLE)
    before = conf.read_text()

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        cfg.save_profile("prod", {"region": "cn-beijing"})
    monkeypatch.undo()
    assert conf.read_text() == before  # the old file, whole
    assert sorted(p.name for p in conf.parent.iterdir()) == ["config.toml"]  # no temp left


@pytest.mark.skipif(os.name != "posix", reason="symlinks and modes")
def test_a_symlinked_config_is_written_through(tmp_path: Path, conf: Path) -> None:
    real = write(tmp_path / "dotfiles" / "ccc.toml", SAMPLE)
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.symlink_to(real)
    cfg.save_profile("prod", {"region": "cn-beijing"})
    assert conf.is_symlink()
    assert 'region = "cn-beijing"' in real.read_text()


def test_my_modules_import_neither_textual_nor_keyring_nor_tomlkit() -> None:
    import subprocess

    code = (
        "import sys, ccc_tui.profiles.config, ccc_tui.profiles.credentials, ccc_tui.cli.login,"
        " ccc_tui.cli.doctor, ccc_tui.cli.config_cmd;"
        "bad = [m for m in ('textual', 'keyring', 'tomlkit') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_context_names_an_endpoint_only_when_it_is_not_the_region_s(conf: Path) -> None:
    from ccc_tui.profiles.session import context_for_target

    own = cfg.resolve_target(region="cn-hangzhou", endpoint="https://ccc.cn-hangzhou.aliyuncs.com")
    assert context_for_target(own).endpoint is None
    assert context_for_target(cfg.resolve_target()).endpoint is None
    other = cfg.resolve_target(endpoint="http://127.0.0.1:8931")
    assert context_for_target(other).endpoint == "http://127.0.0.1:8931"


@pytest.mark.parametrize(
    ("written", "expected"),
    [("", 200), ("max_download_mb = 50", 50), ('max_download_mb = "75"', 75)],
)
def test_max_download_mb_reaches_the_target_and_the_context(
    conf: Path, written: str, expected: int
) -> None:
    from ccc_tui.profiles.session import context_for_target

    conf.parent.mkdir()
    conf.write_text(f'[profiles.default]\ninstance_id = "i-1"\n{written}\n')
    target = cfg.resolve_target()
    assert target.max_download_mb == expected
    assert context_for_target(target).max_download_mb == expected


@pytest.mark.parametrize("bad", ["0", "-1", "1.5", "lots", "10001", True, 2.5])
def test_max_download_mb_rejects_what_is_not_a_sensible_size(bad: object) -> None:
    with pytest.raises(ValueError):
        cfg.validate_profile_value("max_download_mb", bad)
