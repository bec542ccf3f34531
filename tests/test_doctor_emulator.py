"""`ccc-tui doctor` against the emulator: --demo in process, and a loopback emulator whose clock is
set off to exercise the skew check through the real `Date` header."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from ccc_tui.cli import config_cmd, doctor, login
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.server import running_emulator

KEY_ID = "LTAIdoctorEmu0005"
SECRET = "doctor-emulator-secret"


def run(argv: Sequence[str]) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="ccc-tui")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (config_cmd, login, login, doctor):
        module.register(sub)
    args = parser.parse_args(["doctor", *argv])
    saved = sys.stdout
    sys.stdout = out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    try:
        code = int(args.handler(args))
        out.flush()
    finally:
        sys.stdout = saved
    return code, out.buffer.getvalue().decode()  # type: ignore[attr-defined]


def marks(text: str) -> dict[str, str]:
    return {
        line.split()[1]: line.split()[0] for line in text.splitlines() if not line.startswith(" ")
    }


def test_demo_mode_passes_every_remote_check() -> None:
    code, text = run(["--demo"])
    assert code == 0, text
    assert marks(text) == {
        "config": "!",  # no config file in a fresh home: a warning only
        "target": "✓",
        "credentials": "✓",
        "keyring": "✓",
        "endpoint": "✓",
        "clock": "✓",
        "instance": "✓",
    }
    assert "the in-process emulator answered a signed ListInstancesOfUser" in text
    assert f"{DEMO_INSTANCE_ID} ccc-demo" in text


@pytest.mark.socket
@pytest.mark.parametrize(
    ("offset", "clock_mark", "code", "words"),
    [
        (timedelta(0), "✓", 0, "in step with the server"),
        (timedelta(minutes=-10), "!", 0, "min ahead of the server"),
        (timedelta(minutes=20), "✗", 3, "off by more than 15 minutes"),
    ],
)
def test_clock_skew_against_the_servers_date_header(
    monkeypatch: pytest.MonkeyPatch, offset: timedelta, clock_mark: str, code: int, words: str
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    with running_emulator(
        key_pairs={KEY_ID: SECRET}, clock=lambda: datetime.now(UTC) + offset
    ) as url:
        exit_code, text = run(["--endpoint", url, "--instance-id", DEMO_INSTANCE_ID])
    assert exit_code == code, text
    assert marks(text)["clock"] == clock_mark, text
    assert words in text
    if code == 0:
        assert marks(text)["instance"] == "✓" and marks(text)["endpoint"] == "✓"


@pytest.mark.socket
def test_an_unknown_instance_is_a_setup_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    with running_emulator(key_pairs={KEY_ID: SECRET}) as url:
        code, text = run(["--endpoint", url, "--instance-id", "no-such-instance"])
    assert code == 3, text
    assert marks(text)["instance"] == "✗" and "Neither the 2017-07-05 nor the 2020-07-01 API" in text
    assert "request id:" in text


def test_nothing_listens_is_a_network_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago and is closed now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    code, text = run(["--endpoint", f"http://127.0.0.1:{port}", "--instance-id", "x"])
    assert code == 1, text
    assert marks(text)["endpoint"] == "✗" and "Transport" in text
    assert marks(text)["instance"] == "·"
