"""credentials.py: the chain's order, each source, why a source is skipped, and the keyring store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backends import chainer, fail, null

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.errors import EXIT_CONFIG, CredentialsError
from ccc_tui.profiles import credentials as cred
from ccc_tui.profiles import keyring_store

from .conftest import MemoryKeyring

KEYRING_KEY = AccessKey("LTAIkeyringId0001", Secret("keyring-secret"), source="test")


def aliyun_config(home: Path, data: object, *, raw: str | None = None) -> Path:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(raw if raw is not None else json.dumps(data, indent=2), encoding="utf-8")
    return path


def ini_file(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ak_profile(name: str = "default", **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": name,
        "mode": "AK",
        "access_key_id": f"LTAIcli{name}01",
        "access_key_secret": f"cli-secret-{name}",
        "region_id": "cn-shanghai",
    }
    base.update(extra)
    return base


@pytest.fixture
def all_sources(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> Path:
    """Every source set up, each with a different key id."""
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv00000001")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
    keyring_store.store_secret("default", KEYRING_KEY)
    aliyun_config(isolated_home, {"current": "default", "profiles": [ak_profile()]})
    ini_file(
        isolated_home / ".alibabacloud" / "credentials.ini",
        "[default]\ntype = access_key\naccess_key_id = LTAIini00000001\naccess_key_secret = ini-secret\n",
    )
    return isolated_home


# ---- order --------------------------------------------------------------------------------------


def test_the_chain_order_env_keyring_cli_file(
    all_sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = cred.resolve_chain("default")
    assert report.credentials is not None and report.credentials.key_id == "LTAIenv00000001"
    assert [s.source for s in report.steps] == ["env"]  # later sources are not even consulted

    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    report = cred.resolve_chain("default")
    assert report.credentials is not None and report.credentials.key_id == "LTAIkeyringId0001"
    assert report.credentials.secret.reveal() == "keyring-secret"
    assert [(s.source, s.found) for s in report.steps] == [("env", False), ("keyring", True)]
    assert "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not" in (
        report.steps[0].reason
    )

    keyring_store.delete_secret("default")
    report = cred.resolve_chain("default")
    assert report.credentials is not None and report.credentials.key_id == "LTAIclidefault01"
    assert report.credentials.source.startswith("aliyun CLI profile 'default'")
    assert report.skipped[1].reason == "no entry for profile 'default' (service 'ccc-tui')"

    (all_sources / ".aliyun" / "config.json").unlink()
    report = cred.resolve_chain("default")
    assert report.credentials is not None and report.credentials.key_id == "LTAIini00000001"
    assert report.credentials.source.endswith("credentials.ini [default]")
    assert report.skipped[2].reason.startswith("file missing")
    assert report.winner is not None and report.winner.source == "credentials-file"


def test_nothing_found_raises_with_every_reason_and_the_ways(isolated_home: Path) -> None:
    report = cred.resolve_chain("default")
    assert report.credentials is None and len(report.steps) == 4
    with pytest.raises(CredentialsError) as info:
        report.require()
    error = info.value
    assert error.exit_code == EXIT_CONFIG
    for words in (
        "environment variables: not set",
        "OS keyring: no entry",
        "aliyun CLI config: file missing",
    ):
        assert words in error.message
    for way in ("ccc-tui login", "ALIBABA_CLOUD_ACCESS_KEY_ID", "aliyun configure", "--demo"):
        assert way in (error.hint or "")
    with pytest.raises(CredentialsError):
        cred.resolve_credentials("default", {})


# ---- env ----------------------------------------------------------------------------------------


def test_env_names_in_order_and_sts(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "ALIYUN_ACCESS_KEY_ID": "LTAIaliyun0001",
        "ALIYUN_ACCESS_KEY_SECRET": "s3",
        "ALICLOUD_ACCESS_KEY_ID": "LTAIalicloud01",
        "ALICLOUD_ACCESS_KEY_SECRET": "s2",
        "ALICLOUD_SECURITY_TOKEN": "tok",
    }
    key = cred.from_env(env)
    assert (
        key is not None
        and key.key_id == "LTAIalicloud01"
        and key.source == "env ALICLOUD_ACCESS_KEY_ID"
    )
    assert key.security_token == Secret("tok")
    env.update(ALIBABA_CLOUD_ACCESS_KEY_ID="LTAIstd000001", ALIBABA_CLOUD_ACCESS_KEY_SECRET="s1")
    key = cred.from_env(env)
    assert key is not None and key.key_id == "LTAIstd000001" and key.security_token is None
    assert cred.resolve_credentials("default", env).key_id == "LTAIstd000001"


# ---- keyring ------------------------------------------------------------------------------------


def test_keyring_round_trip_and_layout(memory_keyring: MemoryKeyring) -> None:
    sts = AccessKey("STS.abcdefgh", Secret("s-secret"), Secret("s-token"), source="x")
    backend = keyring_store.store_secret("prod", sts)
    assert "MemoryKeyring" in backend
    stored = json.loads(memory_keyring.store[("ccc-tui", "prod")])
    assert stored == {
        "version": 1,
        "access_key_id": "STS.abcdefgh",
        "access_key_secret": "s-secret",
        "security_token": "s-token",
    }
    key, source = keyring_store.from_keyring("prod")
    assert key is not None and key.key_id == "STS.abcdefgh"
    assert key.secret == Secret("s-secret") and key.security_token == Secret("s-token")
    assert source.startswith("keyring ccc-tui/prod")
    assert keyring_store.delete_secret("prod") is True
    assert keyring_store.delete_secret("prod") is False
    assert memory_keyring.store == {}


def test_a_bare_secret_takes_the_key_id_from_the_profile(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[("ccc-tui", "prod")] = "typed-by-hand"
    key, reason = keyring_store.from_keyring("prod")
    assert key is None and "no access_key_id" in reason
    key, _ = keyring_store.from_keyring("prod", "LTAIprofile0001")
    assert (
        key is not None
        and key.key_id == "LTAIprofile0001"
        and key.secret.reveal() == "typed-by-hand"
    )


def test_the_chain_reads_the_profile_key_id_from_the_config(
    memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "c.toml"
    conf.write_text('default_profile = "p"\n[profiles.p]\naccess_key_id = "LTAIprofile0002"\n')
    monkeypatch.setenv("CCC_TUI_CONFIG", str(conf))
    memory_keyring.store[("ccc-tui", "p")] = "bare"
    report = cred.resolve_chain()  # the profile comes from default_profile
    assert report.profile == "p"
    assert report.credentials is not None and report.credentials.key_id == "LTAIprofile0002"


def test_an_incomplete_keyring_entry_is_skipped(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[("ccc-tui", "prod")] = json.dumps({"access_key_id": "LTAIx0000001"})
    key, reason = keyring_store.from_keyring("prod")
    assert key is None and "incomplete" in reason


def test_keyring_status_with_the_memory_backend() -> None:
    ok, name, reason = keyring_store.keyring_status()
    assert ok and "MemoryKeyring" in name and reason == ""


class ExplodingKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("D-Bus is not running")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"locked, could not store {password}")


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (fail.Keyring(), "no recommended keyring backend"),
        (null.Keyring(), "disabled"),
        (ExplodingKeyring(), "does not answer (RuntimeError: D-Bus is not running)"),
    ],
)
def test_keyring_status_detects_non_working_backends(backend: object, words: str) -> None:
    keyring.set_keyring(backend)  # type: ignore[arg-type]
    ok, name, reason = keyring_store.keyring_status()
    assert not ok and words in reason and name


def test_keyring_status_with_an_empty_chainer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [], raising=False)
    keyring.set_keyring(chainer.ChainerBackend())
    ok, _name, reason = keyring_store.keyring_status()
    assert not ok and "no backend to chain" in reason


def test_keyring_status_with_a_broken_python_keyring_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no.such.module.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    ok, name, reason = keyring_store.keyring_status()
    assert not ok and name == "unavailable" and "ModuleNotFoundError" in reason
    key, why = keyring_store.from_keyring("default")
    assert key is None and "no working keyring backend" in why


def test_keyring_errors_become_reasons_not_crashes(isolated_home: Path) -> None:
    keyring.set_keyring(ExplodingKeyring())
    key, reason = keyring_store.from_keyring("prod")
    assert key is None and "D-Bus is not running" in reason
    with pytest.raises(CredentialsError) as info:
        keyring_store.store_secret("prod", AccessKey("LTAIx0000001", Secret("the-secret-value")))
    # The backend's message echoed the password: it is scrubbed, and no context is chained on.
    assert "the-secret-value" not in str(info.value)
    assert info.value.__context__ is None and info.value.__cause__ is None
    report = cred.resolve_chain("prod")
    assert report.steps[1].found is False and "failed" in report.steps[1].reason


def test_no_backend_store_and_delete_raise_config_errors() -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialsError) as info:
        keyring_store.store_secret("p", KEYRING_KEY)
    assert info.value.exit_code == EXIT_CONFIG and "keyrings.cryptfile" in (info.value.hint or "")
    with pytest.raises(CredentialsError):
        keyring_store.delete_secret("p")


# ---- aliyun CLI ---------------------------------------------------------------------------------


def test_aliyun_cli_current_profile_and_override(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = aliyun_config(
        isolated_home,
        {
            "current": "work",
            "profiles": [
                ak_profile("default"),
                ak_profile("work"),
                {
                    "name": "sts",
                    "mode": "StsToken",
                    "access_key_id": "STS.cli0001",
                    "access_key_secret": "sts-secret",
                    "sts_token": "sts-token",
                },
            ],
        },
    )
    key, source = cred.from_aliyun_cli()
    assert key is not None and key.key_id == "LTAIcliwork01" and key.security_token is None
    assert source == f"aliyun CLI profile 'work' ({path})"
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "sts")
    key, _ = cred.from_aliyun_cli()
    assert key is not None and key.security_token == Secret("sts-token")
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "nope")
    key, reason = cred.from_aliyun_cli()
    assert key is None and "no profile 'nope' (ALIBABA_CLOUD_PROFILE)" in reason
    assert "default, work, sts" in reason


@pytest.mark.parametrize(
    "mode", ["RamRoleArn", "EcsRamRole", "CloudSSO", "ChainableRamRoleArn", "External", "OIDC"]
)
def test_unsupported_aliyun_modes_are_named_with_a_way_forward(
    isolated_home: Path, mode: str
) -> None:
    aliyun_config(isolated_home, {"current": "r", "profiles": [ak_profile("r", mode=mode)]})
    key, reason = cred.from_aliyun_cli()
    assert key is None
    assert f"uses mode {mode}, which ccc-tui does not support" in reason
    assert "aliyun configure --mode AK" in reason and "ccc-tui login" in reason
    assert "cli-secret" not in reason


def test_malformed_aliyun_json_names_file_and_line(isolated_home: Path) -> None:
    path = aliyun_config(
        isolated_home,
        None,
        raw='{\n  "current": "default",\n  "profiles": [\n    {"access_key_secret": "leaky-secret",}\n  ]\n}\n',
    )
    key, reason = cred.from_aliyun_cli()
    assert key is None
    assert reason.startswith(f"malformed: {path} is not valid JSON at line 4")
    assert "leaky-secret" not in reason


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([1, 2], 'no "profiles" list'),
        ({"profiles": {"a": 1}}, 'no "profiles" list'),
        (
            {"current": "default", "profiles": [ak_profile(access_key_secret="")]},
            "lacks access_key_secret",
        ),
        ({"profiles": [ak_profile(mode="StsToken")]}, "lacks sts_token"),
        ({"profiles": [ak_profile(access_key_id=5)]}, "lacks access_key_id"),
    ],
)
def test_odd_aliyun_shapes_are_reasons(isolated_home: Path, data: object, words: str) -> None:
    aliyun_config(isolated_home, data)
    key, reason = cred.from_aliyun_cli()
    assert key is None and words in reason


def test_the_aliyun_cli_source_can_be_disabled(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aliyun_config(isolated_home, {"profiles": [ak_profile()]})
    monkeypatch.setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE")
    key, reason = cred.from_aliyun_cli()
    assert key is None and reason == "disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true"
    monkeypatch.setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "false")
    assert cred.from_aliyun_cli()[0] is not None


def test_an_aliyun_profile_without_mode_is_ak(isolated_home: Path) -> None:
    profile = ak_profile()
    del profile["mode"]
    aliyun_config(isolated_home, {"profiles": [profile]})  # no "current": default
    key, _ = cred.from_aliyun_cli()
    assert key is not None and key.key_id == "LTAIclidefault01"


# ---- INI credentials file -----------------------------------------------------------------------


def test_ini_file_sections_and_the_env_override(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = ini_file(
        isolated_home / ".alibabacloud" / "credentials",
        "[default]\naccess_key_id = LTAIplain0001\naccess_key_secret = p%s\n"
        "[other]\ntype = access_key\naccess_key_id = LTAIother0001\naccess_key_secret = o\n",
    )
    key, source = cred.from_credentials_file()
    assert key is not None and key.key_id == "LTAIplain0001" and key.secret.reveal() == "p%s"
    assert source == f"credentials file {plain} [default]"
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "other")
    key, _ = cred.from_credentials_file()
    assert key is not None and key.key_id == "LTAIother0001"
    # credentials.ini comes first when both exist
    ini_file(
        isolated_home / ".alibabacloud" / "credentials.ini",
        "[other]\ntype = access_key\naccess_key_id = LTAIdotini0001\naccess_key_secret = i\n",
    )
    key, _ = cred.from_credentials_file()
    assert key is not None and key.key_id == "LTAIdotini0001"
    # ALIBABA_CLOUD_CREDENTIALS_FILE wins, and a missing one says so
    custom = ini_file(
        isolated_home / "creds.ini",
        "[other]\naccess_key_id = LTAIcustom001\naccess_key_secret = c\n",
    )
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(custom))
    key, _ = cred.from_credentials_file()
    assert key is not None and key.key_id == "LTAIcustom001"
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(isolated_home / "gone.ini"))
    key, reason = cred.from_credentials_file()
    assert key is None and "file missing" in reason and "ALIBABA_CLOUD_CREDENTIALS_FILE" in reason


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("access_key_secret = leaky-secret\n[default]\n", "at line 1: a line before any [section]"),
        (
            "[default]\naccess_key_id = a\nleaky-secret\n",
            "at line 3: a line that is not `key = value`",
        ),
        (
            "[default]\naccess_key_secret = leaky-secret\naccess_key_secret = x\n",
            "at line 3: a duplicate key",
        ),
        ("[default]\n[default]\n", "at line 2: a duplicate section"),
    ],
)
def test_malformed_ini_names_file_and_line_never_the_text(
    isolated_home: Path, text: str, words: str
) -> None:
    path = ini_file(isolated_home / ".alibabacloud" / "credentials.ini", text)
    key, reason = cred.from_credentials_file()
    assert key is None and reason == f"malformed: {path} {words}"
    assert "leaky-secret" not in reason


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "[default]\ntype = ram_role_arn\naccess_key_id = a\naccess_key_secret = b\n",
            "type = ram_role_arn",
        ),
        ("[default]\nenable = false\naccess_key_id = a\naccess_key_secret = b\n", "disabled"),
        ("[default]\ntype = access_key\naccess_key_id = a\n", "lacks access_key_secret"),
        ("[prod]\naccess_key_id = a\naccess_key_secret = b\n", "no section [default]"),
    ],
)
def test_unusable_ini_sections_are_reasons(isolated_home: Path, text: str, words: str) -> None:
    ini_file(isolated_home / ".alibabacloud" / "credentials.ini", text)
    key, reason = cred.from_credentials_file()
    assert key is None and words in reason


def _a_directory(path: Path) -> str:
    path.mkdir()
    return "a directory, not a file"


def _a_symlink_loop(path: Path) -> str:
    path.symlink_to(path.name)  # points at itself: no user, root included, can open it
    return "cannot be read ("


@pytest.mark.parametrize("make", [_a_directory, _a_symlink_loop])
def test_an_unreadable_file_is_a_reason(isolated_home: Path, make: Callable[[Path], str]) -> None:
    path = isolated_home / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True)
    words = make(path)
    key, reason = cred.from_aliyun_cli()
    assert key is None
    assert reason.startswith(f"not read: {path}: {words}")


def test_chain_report_lines_mask_the_key_id(
    all_sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    lines = cred.resolve_chain("default").lines()
    assert lines[0].startswith("****0001 from keyring ccc-tui/default")
    assert lines[1].startswith("skipped environment variables: not set")
    assert "LTAIkeyringId0001" not in "\n".join(lines)
