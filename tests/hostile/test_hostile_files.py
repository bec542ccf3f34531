"""Settings and credential files that are not what they claim: deep, huge, endless, special,
BOM-prefixed, carrying unknown keys, secrets in odd places, or escape sequences.

Each source (`config.toml`, `~/.aliyun/config.json`, `~/.alibabacloud/credentials(.ini)`) must
give a clear error or a skipped step naming the file and the problem — never hang, never
exhaust memory or the stack, never echo a secret, never let file text reach the terminal raw."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from ccc_tui.api.errors import ConfigurationError
from ccc_tui.calls.files import MAX_SETTINGS_BYTES, UnreadableFileError, read_settings_text
from ccc_tui.profiles import config as cfg
from ccc_tui.profiles import credentials as cred

from ..conftest import cli

BOM = b"\xef\xbb\xbf"
ESC_MODE = "\x1b]52;c;ZXZpbA==\x07\x1b[31mEvil"
SECRET_VALUE = "TopSecretValue123"
T = TypeVar("T")


@pytest.fixture
def conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("CCC_TUI_CONFIG", str(path))
    return path


def aliyun_path(home: Path) -> Path:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def ini_path(home: Path) -> Path:
    path = home / ".alibabacloud" / "credentials.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def within(seconds: float, work: Callable[[], T]) -> T:
    """Run `work` in a thread; fail (instead of hanging the suite) past `seconds`."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if failure:
        raise failure[0]
    return result[0]


def make_hostile(path: Path, kind: str, huge: bytes) -> str:
    """Put a FIFO, a symlink to /dev/zero or `huge` at `path`; the words the refusal must use."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_bytes(huge)
    return "too large" if kind == "huge" else "not a regular file"


# ---- the shared reader ---------------------------------------------------------------------------


def test_the_reader_refuses_special_large_and_odd_files(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    zero = tmp_path / "zero"
    zero.symlink_to("/dev/zero")
    big = tmp_path / "big"
    big.write_bytes(b"#" * (MAX_SETTINGS_BYTES + 1))
    for path, words in (
        (fifo, "not a regular file (a FIFO)"),
        (zero, "not a regular file (a character device)"),
        (big, "too large"),
        (tmp_path, "a directory"),
    ):
        with pytest.raises(UnreadableFileError) as info:
            within(5, lambda p=path: read_settings_text(p))
        assert words in info.value.problem and info.value.path == path
    bom = tmp_path / "bom"
    bom.write_bytes(BOM + "名 = 1\n".encode())
    assert read_settings_text(bom) == "名 = 1\n"
    bad = tmp_path / "bad"
    bad.write_bytes(b"a = 1\nb = \xff\n")
    with pytest.raises(UnreadableFileError) as info:
        read_settings_text(bad)
    assert info.value.line == 2 and "UTF-8" in info.value.problem


# ---- config.toml ---------------------------------------------------------------------------------


def test_config_nested_a_thousand_deep_is_an_error_not_a_recursion_error(conf: Path) -> None:
    conf.write_text("x = " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        cfg.load_config()
    assert str(conf) in info.value.message and "nested too deeply" in info.value.message


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_config_that_is_not_a_small_regular_file_is_refused_quickly(
    conf: Path, kind: str
) -> None:
    # huge: 55 MB of valid TOML comments
    words = make_hostile(conf, kind, b"# padding padding padding padding padding pad\n" * 1_200_000)
    started = time.monotonic()
    with pytest.raises(ConfigurationError) as info:
        within(5, cfg.load_config)
    assert time.monotonic() - started < 2
    assert str(conf) in info.value.message and words in info.value.message


def test_config_with_a_utf8_bom_reads(conf: Path) -> None:
    conf.write_bytes(BOM + b'[profiles.prod]\nregion = "cn-beijing"\n')
    assert cfg.load_config().profiles["prod"].region == "cn-beijing"
    cfg.save_profile("prod", {"language": "zh"}, path=conf)  # editing keeps working
    assert cfg.load_config().profiles["prod"].language == "zh"


def test_an_unknown_profile_key_is_named_and_ignored(
    conf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf.write_text(
        'default_profile = "prod"\n[profiles.prod]\nregion = "cn-beijing"\ncolour = "blue"\n',
        encoding="utf-8",
    )
    loaded = cfg.load_config()
    assert loaded.profiles["prod"].region == "cn-beijing"
    assert len(loaded.warnings) == 1 and "line 4" in loaded.warnings[0]
    assert "'colour'" in loaded.warnings[0] and "ignored" in loaded.warnings[0]
    assert cfg.resolve_target(config=loaded).region == "cn-beijing"  # other commands go on
    assert cli(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "warning:" in out and "'colour'" in out
    assert cli(["doctor"]) == 3  # no credentials here; the config check only warns
    out = capsys.readouterr().out
    config_line = next(line for line in out.splitlines() if " config " in line)
    assert "1 setting(s) ignored" in config_line and "'colour'" in out


@pytest.mark.parametrize(
    "text",
    [
        f'[profiles.prod]\naccess_key_secret = "{SECRET_VALUE}"\n',
        f'[ui]\naccess_key_secret = "{SECRET_VALUE}"\n',
        f'[profiles.prod.extra]\nsecret = "{SECRET_VALUE}"\n',
        f'[[hooks]]\nname = "a"\n[[hooks]]\nSecurity-Token = "{SECRET_VALUE}"\n',
        f'ui = {{ nested = {{ password = "{SECRET_VALUE}" }} }}\n',
    ],
)
def test_a_secret_anywhere_in_the_config_is_refused_without_its_value(
    conf: Path, text: str
) -> None:
    conf.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        cfg.load_config()
    assert "ccc-tui login" in info.value.message and str(conf) in info.value.message
    assert SECRET_VALUE not in str(info.value) + repr(info.value) + (info.value.hint or "")


def test_config_show_neutralises_escapes_in_file_values(
    conf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theme = 'theme = "\\u001b[2Jdark"\n'
    profile = '[profiles.default]\ndownload_dir = "/tmp/\\u001b]0;t\\u0007x"\n'
    conf.write_text(theme + profile, encoding="utf-8")
    assert cli(["config", "show"]) == 0
    assert "\x1b" not in capsys.readouterr().out


# ---- ~/.aliyun/config.json -----------------------------------------------------------------------


def _cli_reason(home: Path) -> str:
    key, reason = within(5, cred.from_aliyun_cli)
    assert key is None
    return reason


def test_aliyun_config_nested_deep_is_a_skipped_source(isolated_home: Path) -> None:
    aliyun_path(isolated_home).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    reason = _cli_reason(isolated_home)
    assert "nested too deeply" in reason and "config.json" in reason


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_aliyun_config_that_is_not_a_small_regular_file_is_skipped(
    isolated_home: Path, kind: str
) -> None:
    path = aliyun_path(isolated_home)
    words = make_hostile(path, kind, b'{"profiles": [], "pad": "' + b"x" * (55 << 20) + b'"}')
    started = time.monotonic()
    reason = _cli_reason(isolated_home)
    assert time.monotonic() - started < 2
    assert str(path) in reason and words in reason
    report = within(5, lambda: cred.resolve_chain("default"))
    step = next(s for s in report.steps if s.source == "aliyun-cli")
    assert not step.found and str(path) in step.reason


def test_aliyun_config_with_a_bom_is_used(isolated_home: Path) -> None:
    data = {
        "current": "default",
        "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "LTAIbom000001",
             "access_key_secret": "bom-secret"}
        ],
    }
    aliyun_path(isolated_home).write_bytes(BOM + json.dumps(data).encode())
    key, _ = cred.from_aliyun_cli()
    assert key is not None and key.key_id == "LTAIbom000001"


def test_the_aliyun_mode_and_names_reach_doctor_and_config_show_inert(
    isolated_home: Path, conf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {
        "current": "default",
        "profiles": [
            {"name": "default", "mode": ESC_MODE},
            {"name": "\x1b[2Jother", "mode": "AK"},
        ],
    }
    aliyun_path(isolated_home).write_text(json.dumps(data), encoding="utf-8")
    _, reason = cred.from_aliyun_cli()
    assert "\x1b" not in reason and "\x07" not in reason and "Evil" in reason
    assert cli(["config", "show"]) == 0
    shown = capsys.readouterr().out
    assert "mode" in shown and "Evil" in shown and "\x1b" not in shown and "\x07" not in shown
    assert cli(["doctor"]) == 3
    shown = capsys.readouterr().out
    assert "Evil" in shown and "\x1b" not in shown and "\x07" not in shown
    data["current"] = "nobody"
    aliyun_path(isolated_home).write_text(json.dumps(data), encoding="utf-8")
    _, reason = cred.from_aliyun_cli()
    assert "other" in reason and "\x1b" not in reason


# ---- ~/.alibabacloud/credentials(.ini) ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_credentials_ini_that_is_not_a_small_regular_file_is_skipped(
    isolated_home: Path, kind: str
) -> None:
    path = ini_path(isolated_home)
    words = make_hostile(path, kind, b"[default]\n" + b"; pad\n" * (10 << 20))
    started = time.monotonic()
    key, reason = within(5, cred.from_credentials_file)
    assert key is None and time.monotonic() - started < 2
    assert str(path) in reason and words in reason


def test_credentials_ini_with_a_bom_is_used(isolated_home: Path) -> None:
    ini_path(isolated_home).write_bytes(
        BOM + b"[default]\ntype = access_key\naccess_key_id = LTAIbomini01\n"
        b"access_key_secret = ini-secret\n"
    )
    key, _ = cred.from_credentials_file()
    assert key is not None and key.key_id == "LTAIbomini01"


def test_credentials_ini_type_and_sections_are_inert(isolated_home: Path) -> None:
    ini_path(isolated_home).write_text(
        "[default]\ntype = \x1b]52;c;eA==\x07ram\n", encoding="utf-8"
    )
    _, reason = cred.from_credentials_file()
    assert "ram" in reason and "\x1b" not in reason and "\x07" not in reason
