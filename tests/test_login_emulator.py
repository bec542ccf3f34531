"""`ccc-tui login` / `logout` end to end: the real client signing against the emulator on a loopback
port, which verifies signatures with the key pair given here."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from ccc_tui.cli import login
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import SECOND_INSTANCE_ID
from ccc_tui.emulator.server import running_emulator
from ccc_tui.profiles.config import load_config

from .conftest import MemoryKeyring, cli

pytestmark = pytest.mark.socket

KEY_ID = "LTAIemulatorKey0007"
SECRET = "emulator-secret-value"


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with running_emulator(key_pairs={KEY_ID: SECRET}) as url:
        yield url


def feed(monkeypatch: pytest.MonkeyPatch, text: str, *, tty: bool = False) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    monkeypatch.setattr(login, "stdin_is_tty", lambda: tty)


def test_login_checks_the_key_with_a_signed_call_and_stores_it(
    emulator: str,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, f"{KEY_ID}\n{SECRET}\n")
    assert cli(["login", "--profile", "emu", "--endpoint", emulator]) == 0
    out, err = capsys.readouterr()
    assert "Verified ****0007: it sees 3 CCC instance(s)." in out  # two 2017-07-05, one 2.0
    assert "sees 3 instances; pass --instance-id" in err  # no terminal: not guessed
    entry = json.loads(memory_keyring.store[("ccc-tui", "emu")])
    assert entry["access_key_id"] == KEY_ID and entry["access_key_secret"] == SECRET
    profile = load_config().profiles["emu"]
    assert profile.endpoint == emulator and profile.access_key_id == KEY_ID
    assert profile.instance_id is None

    # Again, on a terminal: the instances are offered by number.
    monkeypatch.setattr(login.getpass, "getpass", lambda prompt="", stream=None: SECRET)
    feed(monkeypatch, "\n2\n", tty=True)  # enter keeps the key id; pick the second instance
    assert cli(["login", "--profile", "emu"]) == 0
    err = capsys.readouterr().err
    assert f"1. {DEMO_INSTANCE_ID}" in err
    chosen = load_config().profiles["emu"].instance_id
    assert chosen in (DEMO_INSTANCE_ID, SECOND_INSTANCE_ID) and f"2. {chosen}" in err

    # The stored key now works for doctor, with nothing but the profile.
    assert cli(["doctor", "--profile", "emu"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "****0007 from keyring ccc-tui/emu" in out
    assert f"{emulator} (plain http, loopback only) answered a signed ListInstancesOfUser" in out

    assert cli(["logout", "--profile", "emu"]) == 0
    assert ("ccc-tui", "emu") not in memory_keyring.store
    assert cli(["doctor", "--profile", "emu"]) == 3  # no credentials any more


def test_a_wrong_secret_is_refused_by_the_server_and_nothing_is_stored(
    emulator: str,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, f"{KEY_ID}\nnot-the-secret\n")
    assert cli(["login", "--endpoint", emulator, "--instance-id", DEMO_INSTANCE_ID]) == 3
    err = capsys.readouterr().err
    assert "error: SignatureDoesNotMatch: Specified signature is not matched" in err
    assert "hint: The request signature was rejected: check the AccessKey secret" in err
    request_id = [line for line in err.splitlines() if "request id:" in line]
    assert request_id and len(request_id[0].split("request id:")[1].strip()) >= 32
    assert "string to sign" not in err and KEY_ID not in err
    assert memory_keyring.store == {}
    assert not load_config().path.exists()


def test_an_unknown_key_id_is_refused(
    emulator: str,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, f"{SECRET}\n")
    assert cli(["login", "--endpoint", emulator, "--access-key-id", "LTAIunknown00001"]) == 3
    assert "InvalidAccessKeyId.NotFound" in capsys.readouterr().err
    assert memory_keyring.store == {}


def test_login_from_env_with_sts_token_round_trips(
    emulator: str,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed(monkeypatch, "")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "CAIS-emulated-token")
    argv = ["login", "--from-env", "--endpoint", emulator, "--instance-id", DEMO_INSTANCE_ID]
    assert cli(argv) == 0
    entry = json.loads(memory_keyring.store[("ccc-tui", "default")])
    assert entry["security_token"] == "CAIS-emulated-token"
    assert load_config().profiles["default"].instance_id == DEMO_INSTANCE_ID
