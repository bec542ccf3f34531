"""`ccc-tui login` / `logout` against a scripted client: every branch of the flow, and what is (not)
stored. The end-to-end runs against the real emulator are in test_login_emulator.py."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from ccc_tui.api.auth import AccessKey
from ccc_tui.api.errors import AuthenticationError, ConnectError
from ccc_tui.api.models import Instance
from ccc_tui.cli import config_cmd, doctor, login
from ccc_tui.profiles import session
from ccc_tui.profiles.config import load_config

from .conftest import MemoryKeyring

GOOD_ID = "LTAIgoodKey00001"
GOOD_SECRET = "good-secret-value-xyz"
INSTANCES = (
    Instance("inst-a", name="Hotline", status="Running"),
    Instance("inst-b", name="Sales \x1b[31mred\x1b[0m", status="Running"),
)


def cli(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="ccc-tui")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (config_cmd, login, login, doctor):  # login twice: login and logout
        module.register(sub)
    args = parser.parse_args(list(argv))
    return int(args.handler(args))


class FakeClient:
    """Answers like CCC: SignatureDoesNotMatch unless the key pair is the good one."""

    calls: list[tuple[str, AccessKey]] = []

    def __init__(
        self,
        key: AccessKey,
        instances: tuple[Instance, ...] = INSTANCES,
        error: Exception | None = None,
    ) -> None:
        self.key, self.instances, self.error = key, instances, error
        self.instance_id: str | None = None
        self.last_server_date = None

    async def __aenter__(self) -> FakeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def list_instances(self) -> tuple[Instance, ...]:
        FakeClient.calls.append(("ListInstancesOfUser", self.key))
        if self.error is not None:
            raise self.error
        if self.key.key_id != GOOD_ID or self.key.secret.reveal() != GOOD_SECRET:
            raise AuthenticationError(
                "Specified signature is not matched with our calculation. server string to sign "
                f"is:POST&%2F&AccessKeyId%3D{self.key.key_id}%26Action%3DListInstancesOfUser",
                code="SignatureDoesNotMatch",
                request_id="REQ-SIG-1",
                http_status=400,
                action="ListInstancesOfUser",
            )
        return self.instances


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Route login's client to FakeClient; the dict tunes its answers."""
    FakeClient.calls = []
    options: dict[str, Any] = {}
    monkeypatch.setattr(session, "open_client", lambda key, target: FakeClient(key, **options))
    return options


def feed(monkeypatch: pytest.MonkeyPatch, text: str, *, tty: bool = False) -> io.StringIO:
    stdin = io.StringIO(text)
    monkeypatch.setattr("sys.stdin", stdin)
    monkeypatch.setattr(login, "stdin_is_tty", lambda: tty)
    return stdin


def stored(memory_keyring: MemoryKeyring, profile: str = "default") -> dict[str, str] | None:
    raw = memory_keyring.store.get(("ccc-tui", profile))
    return json.loads(raw) if raw is not None else None


# ---- the happy paths ----------------------------------------------------------------------------


def test_login_from_stdin_verifies_stores_and_picks_the_only_instance(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake["instances"] = INSTANCES[:1]
    feed(monkeypatch, f"{GOOD_ID}\n{GOOD_SECRET}\n")
    assert cli(["login"]) == 0
    assert stored(memory_keyring) == {
        "version": 1,
        "access_key_id": GOOD_ID,
        "access_key_secret": GOOD_SECRET,
    }
    config = load_config()
    profile = config.profiles["default"]
    assert (profile.access_key_id, profile.instance_id, profile.region) == (
        GOOD_ID,
        "inst-a",
        "cn-shanghai",
    )
    assert GOOD_SECRET not in config.path.read_text()
    out, err = capsys.readouterr()
    assert "Using the only instance: inst-a Hotline (Running)" in out
    assert "Stored the secret of ****0001 in the keyring" in out
    assert GOOD_ID not in out + err and GOOD_SECRET not in out + err
    assert [c[0] for c in FakeClient.calls] == ["ListInstancesOfUser"]


def test_interactive_login_prompts_and_offers_a_numbered_choice(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str = "", stream: object = None) -> str:
        prompts.append(prompt)
        return f"  {GOOD_SECRET}  "

    monkeypatch.setattr(login.getpass, "getpass", fake_getpass)
    feed(monkeypatch, f"{GOOD_ID}\nx\n9\n2\n", tty=True)
    assert cli(["login", "--profile", "prod", "--region", "cn-hangzhou"]) == 0
    assert prompts == ["AccessKey secret (not shown): "]
    entry = stored(memory_keyring, "prod")
    assert entry is not None and entry["access_key_secret"] == GOOD_SECRET  # stripped
    config = load_config()
    assert config.profiles["prod"].instance_id == "inst-b"
    assert config.profiles["prod"].region == "cn-hangzhou"
    assert config.default_profile == "prod"  # the first profile becomes the default
    out, err = capsys.readouterr()
    assert "1. inst-a Hotline (Running)" in err
    assert "\x1b" not in err  # server text is neutralised
    assert err.count("Please type a number from 1 to 2.") == 2
    assert "Made prod the default profile." in out


def test_interactive_login_keeps_the_profile_key_id_on_enter(
    monkeypatch: pytest.MonkeyPatch, fake: dict[str, Any], memory_keyring: MemoryKeyring
) -> None:
    from ccc_tui.profiles.config import save_profile

    save_profile("default", {"access_key_id": GOOD_ID, "instance_id": "inst-b"})
    monkeypatch.setattr(login.getpass, "getpass", lambda prompt="", stream=None: GOOD_SECRET)
    feed(monkeypatch, "\n\n", tty=True)  # enter: keep the key id; enter: keep the instance
    assert cli(["login"]) == 0
    assert stored(memory_keyring) is not None
    assert load_config().profiles["default"].instance_id == "inst-b"


def test_several_instances_without_a_tty_are_not_guessed(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, f"{GOOD_SECRET}\n")
    assert cli(["login", "--access-key-id", GOOD_ID]) == 0
    assert load_config().profiles["default"].instance_id is None
    err = capsys.readouterr().err
    assert "sees 2 instances; pass --instance-id" in err
    assert "No instance id is set for this profile yet" in err


def test_an_explicit_instance_id_wins_and_an_unknown_one_is_flagged(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, f"{GOOD_ID}\n{GOOD_SECRET}\n")
    assert cli(["login", "--instance-id", "inst-zzz"]) == 0
    assert load_config().profiles["default"].instance_id == "inst-zzz"
    assert "inst-zzz is not among the instances" in capsys.readouterr().err


def test_login_from_env_and_from_the_aliyun_cli(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    isolated_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, "")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", GOOD_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", GOOD_SECRET)
    assert cli(["login", "--from-env", "--profile", "envp"]) == 0
    assert stored(memory_keyring, "envp") is not None
    # The env vars still come first in the chain: login says so.
    assert (
        "env ALIBABA_CLOUD_ACCESS_KEY_ID comes first in the credential chain"
        in capsys.readouterr().err
    )
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")

    cli_config = isolated_home / ".aliyun" / "config.json"
    cli_config.parent.mkdir()
    cli_config.write_text(
        json.dumps(
            {
                "current": "work",
                "profiles": [
                    {
                        "name": "work",
                        "mode": "StsToken",
                        "access_key_id": GOOD_ID,
                        "access_key_secret": GOOD_SECRET,
                        "sts_token": "sts-tok",
                    },
                    {
                        "name": "role",
                        "mode": "RamRoleArn",
                        "access_key_id": "x",
                        "access_key_secret": "y",
                    },
                ],
            }
        )
    )
    assert cli(["login", "--from-aliyun-cli", "--profile", "clip"]) == 0
    entry = stored(memory_keyring, "clip")
    assert entry is not None and entry["security_token"] == "sts-tok"
    assert "temporary STS credential" in capsys.readouterr().err

    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "role")
    assert cli(["login", "--from-aliyun-cli", "--profile", "rolep"]) == 3
    assert "uses mode RamRoleArn" in capsys.readouterr().err
    assert stored(memory_keyring, "rolep") is None


def test_from_env_without_the_variables_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, fake: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    feed(monkeypatch, "")
    assert cli(["login", "--from-env"]) == 3
    assert "--from-env" in capsys.readouterr().err
    assert FakeClient.calls == []


def test_no_check_stores_without_calling(
    monkeypatch: pytest.MonkeyPatch, fake: dict[str, Any], memory_keyring: MemoryKeyring
) -> None:
    feed(monkeypatch, f"{GOOD_ID}\nwhatever-secret\n")
    assert cli(["login", "--no-check"]) == 0
    assert FakeClient.calls == []
    entry = stored(memory_keyring)
    assert entry is not None and entry["access_key_secret"] == "whatever-secret"


# ---- refusals: nothing stored -------------------------------------------------------------------


def nothing_written(memory_keyring: MemoryKeyring | None = None) -> None:
    assert not load_config().path.exists()
    if memory_keyring is not None:
        assert memory_keyring.store == {}


def test_no_keyring_backend_explains_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, fake: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(fail.Keyring())
    stdin = feed(monkeypatch, f"{GOOD_ID}\n{GOOD_SECRET}\n")
    assert cli(["login"]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    paragraph = err.strip()
    assert "\n" not in paragraph  # one paragraph
    for words in (
        "keyring.backends.fail.Keyring",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "aliyun configure",
        "keyrings.cryptfile",
        "never writes one to a plain file",
    ):
        assert words in paragraph
    assert stdin.tell() == 0  # the secret was not even asked for
    assert FakeClient.calls == []
    nothing_written()


def test_a_wrong_secret_prints_code_hint_request_id_and_stores_nothing(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, f"{GOOD_ID}\nwrong-secret\n")
    assert cli(["login"]) == 3
    err = capsys.readouterr().err
    assert "error: SignatureDoesNotMatch: Specified signature is not matched" in err
    assert "hint: The request signature was rejected: check the AccessKey secret" in err
    assert "request id: REQ-SIG-1" in err
    assert "Nothing was stored." in err
    assert "string to sign" not in err and GOOD_ID not in err  # the key id echo is cut off
    assert "--no-check" not in err  # a rejected key is not something to force through
    nothing_written(memory_keyring)


def test_an_unreachable_endpoint_stores_nothing_and_mentions_no_check(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake["error"] = ConnectError("Could not connect to ccc.cn-shanghai.aliyuncs.com: refused")
    feed(monkeypatch, f"{GOOD_ID}\n{GOOD_SECRET}\n")
    assert cli(["login"]) == 1
    err = capsys.readouterr().err
    assert "Transport.ConnectionRefused" in err and "--no-check" in err
    nothing_written(memory_keyring)


@pytest.mark.parametrize(
    ("stdin", "argv", "words"),
    [
        ("", [], "No AccessKey id"),
        (f"{GOOD_ID}\n", [], "No AccessKey secret"),
        (f"{GOOD_ID}\n   \n", [], "No AccessKey secret"),
        ("not an id!\nsecret\n", [], "AccessKey id: not an AccessKey id"),
    ],
)
def test_missing_or_bad_input_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    stdin: str,
    argv: list[str],
    words: str,
) -> None:
    feed(monkeypatch, stdin)
    assert cli(["login", *argv]) == 3
    assert words in capsys.readouterr().err
    nothing_written(memory_keyring)


def test_the_secret_is_never_a_command_line_argument() -> None:
    for flag in ("--secret", "--access-key-secret", "--password"):
        with pytest.raises(SystemExit):
            cli(["login", flag, "x"])
    parser = argparse.ArgumentParser()
    login.register(parser.add_subparsers())
    help_text = parser._subparsers._group_actions[0].choices["login"].format_help()  # type: ignore[union-attr]
    options = [word for word in help_text.split() if word.startswith("--")]
    assert not any("secret" in option or "token" in option for option in options)


def test_a_bad_endpoint_flag_is_refused_before_anything(
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, f"{GOOD_ID}\n{GOOD_SECRET}\n")
    assert cli(["login", "--endpoint", "http://ccc.example.com"]) == 3
    assert "Config.InsecureEndpoint" in capsys.readouterr().err
    nothing_written(memory_keyring)


@pytest.mark.parametrize("signal", [KeyboardInterrupt, EOFError])
def test_interrupt_stores_nothing(
    signal: type[BaseException],
    monkeypatch: pytest.MonkeyPatch,
    fake: dict[str, Any],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(prompt: str = "", stream: object = None) -> str:
        raise signal

    monkeypatch.setattr(login.getpass, "getpass", interrupted)
    feed(monkeypatch, f"{GOOD_ID}\n", tty=True)
    assert cli(["login"]) == 130
    assert "nothing was stored" in capsys.readouterr().err
    nothing_written(memory_keyring)


# ---- logout -------------------------------------------------------------------------------------


def test_logout_removes_the_entry_and_says_when_there_was_none(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    memory_keyring.store[("ccc-tui", "default")] = "{}"
    memory_keyring.store[("ccc-tui", "other")] = "{}"
    assert cli(["logout"]) == 0
    assert ("ccc-tui", "default") not in memory_keyring.store
    assert ("ccc-tui", "other") in memory_keyring.store
    assert "Removed the keyring entry ccc-tui/default" in capsys.readouterr().out
    assert cli(["logout"]) == 0
    assert "There was no keyring entry ccc-tui/default" in capsys.readouterr().out


def test_logout_mentions_credentials_that_remain(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", GOOD_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", GOOD_SECRET)
    assert cli(["logout", "--profile", "x"]) == 0
    assert "still available from env ALIBABA_CLOUD_ACCESS_KEY_ID" in capsys.readouterr().err


def test_logout_without_a_backend_is_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    keyring.set_keyring(fail.Keyring())
    assert cli(["logout"]) == 3
    assert "No working keyring backend" in capsys.readouterr().err
