"""`ccc-tui doctor` against a scripted client: each check's pass, warning and failure, and the exit
codes (0 all pass, 3 a setup problem, 1 otherwise). Emulator runs: test_doctor_emulator.py."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from ccc_tui.api.auth import AccessKey
from ccc_tui.api.errors import (
    AccessDeniedError,
    AuthenticationError,
    ClockSkewError,
    ConnectError,
    InstanceNotFoundError,
    TransportError,
)
from ccc_tui.api.models import Instance
from ccc_tui.profiles import diagnostics, session

from .conftest import MemoryKeyring, cli

KEY_ID = "LTAIdoctorKey0042"
SECRET = "doctor-secret-value"


class FakeClient:
    def __init__(self, key: AccessKey, target: Any, **options: Any) -> None:
        self.key = key
        self.options = options
        self.instance_id = target.instance_id
        self.skew: timedelta | None = options.get("skew", timedelta(0))
        self.list_error: Exception | None = options.get("list_error")
        self.get_error: Exception | None = options.get("get_error")
        self.last_server_date: datetime | None = None
        self.calls: list[str] = []

    async def __aenter__(self) -> FakeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def _answer(self) -> None:
        if self.skew is not None:
            self.last_server_date = (datetime.now(UTC) - self.skew).replace(microsecond=0)

    async def list_instances(self) -> tuple[Instance, ...]:
        if not isinstance(self.list_error, TransportError):  # no response, no Date header
            self._answer()
        if self.list_error:
            raise self.list_error
        return (Instance("inst-1", name="Hotline"),)

    async def get_instance(self, instance_id: str | None = None) -> Instance:
        self._answer()
        if self.get_error:
            raise self.get_error
        name = self.options.get("instance_name", "Hotline \x1b]52;c;evil\x07")
        return Instance(instance_id or "", name=name, status="Running")


@pytest.fixture
def setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """A valid profile with an instance id, env credentials, and a tunable fake client."""
    conf = tmp_path / "config.toml"
    conf.write_text('default_profile = "prod"\n[profiles.prod]\ninstance_id = "inst-1"\n')
    monkeypatch.setenv("CCC_TUI_CONFIG", str(conf))
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    options: dict[str, Any] = {"conf": conf}
    clients: list[FakeClient] = []

    def factory(key: AccessKey, target: Any) -> FakeClient:
        client = FakeClient(key, target, **options)
        clients.append(client)
        return client

    monkeypatch.setattr(session, "open_client", factory)
    options["clients"] = clients
    return options


def run(argv: Sequence[str] = (), encoding: str = "utf-8") -> tuple[int, str]:
    """Run doctor with stdout as a terminal of the given encoding; (exit code, output)."""
    import sys

    saved = sys.stdout
    sys.stdout = out = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    try:
        code = cli(["doctor", *argv])
        out.flush()
    finally:
        sys.stdout = saved
    return code, out.buffer.getvalue().decode(encoding)  # type: ignore[attr-defined]


def line(text: str, name: str) -> str:
    found = [r for r in text.splitlines() if not r.startswith(" ") and r.split()[1:2] == [name]]
    assert found, f"no {name} line in:\n{text}"
    return found[0]


def test_everything_passes(setup: dict[str, Any]) -> None:
    code, text = run()
    assert code == 0, text
    for name in ("config", "target", "credentials", "keyring", "endpoint", "clock", "instance"):
        assert line(text, name).startswith("✓"), text
    assert f"{setup['conf']}: valid, 1 profile(s)" in line(text, "config")
    assert "****0042 from env ALIBABA_CLOUD_ACCESS_KEY_ID" in line(text, "credentials")
    assert "https://ccc.cn-shanghai.aliyuncs.com (TLS verified) answered a signed" in text
    assert "in step with the server" in line(text, "clock")
    assert (
        line(text, "instance").endswith("inst-1 Hotline (Running)")
        and "\x1b" not in text
        and "\x07" not in text
    )
    assert KEY_ID not in text and SECRET not in text


def test_ascii_marks_when_stdout_cannot_encode(setup: dict[str, Any]) -> None:
    setup["instance_name"] = "呼叫中心"
    code, text = run(encoding="ascii")
    assert code == 0
    assert line(text, "instance").endswith("inst-1 ???? (Running)")
    assert line(text, "config").startswith("ok ") and "✓" not in text


def test_no_credentials_fails_with_every_reason_and_exit_3(
    setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    code, text = run()
    assert code == 3
    assert line(text, "credentials").startswith("✗")
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not" in text
    assert "skipped OS keyring: no entry for profile 'prod'" in text
    assert "skipped aliyun CLI config: file missing" in text
    assert "ccc-tui login" in text
    for name in ("endpoint", "clock", "instance"):
        assert line(text, name).startswith("·") and "no credentials" in line(text, name)
    assert setup["clients"] == []


def test_the_keyring_source_wins_when_it_is_the_first_set(
    setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    from ccc_tui.api.auth import Secret
    from ccc_tui.profiles.keyring_store import store_secret

    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    store_secret("prod", AccessKey(KEY_ID, Secret(SECRET)))
    code, text = run()
    assert code == 0
    assert "****0042 from keyring ccc-tui/prod" in line(text, "credentials")
    assert "skipped environment variables: not set" in text


def test_an_invalid_config_file_fails_with_its_line(setup: dict[str, Any]) -> None:
    setup["conf"].write_text('[profiles.prod]\nregion = "nowhere at all"\n')
    code, text = run()
    assert code == 3
    config_line = line(text, "config")
    assert config_line.startswith("✗") and "line 2, key 'profiles.prod.region'" in config_line
    assert line(text, "target").startswith("·")
    assert "Traceback" not in text


def test_an_unknown_profile_flag_fails_the_target(setup: dict[str, Any]) -> None:
    code, text = run(["--profile", "nope"])
    assert code == 3
    assert line(text, "target").startswith("✗") and "'nope'" in text


def test_no_config_file_is_only_a_warning(setup: dict[str, Any]) -> None:
    setup["conf"].unlink()
    code, text = run(["--instance-id", "inst-1"])
    assert code == 0, text
    assert line(text, "config").startswith("!") and "not found" in text


def test_a_broken_keyring_is_only_a_warning(setup: dict[str, Any]) -> None:
    keyring.set_keyring(fail.Keyring())
    code, text = run()
    assert code == 0
    assert line(text, "keyring").startswith("!") and "keyring.backends.fail.Keyring" in text
    assert "skipped" not in line(text, "credentials")  # env won before the keyring was asked


@pytest.mark.parametrize(
    ("skew", "mark", "code", "words"),
    [
        (timedelta(minutes=3), "✓", 0, "3.0 min ahead of the server"),
        (timedelta(minutes=-8), "!", 0, "8.0 min behind the server"),
        (timedelta(minutes=20), "✗", 3, "20.0 min ahead of the server"),
        (None, "·", 0, "no Date header"),
    ],
)
def test_clock_skew_thresholds(
    setup: dict[str, Any], skew: timedelta | None, mark: str, code: int, words: str
) -> None:
    setup["skew"] = skew
    exit_code, text = run()
    assert exit_code == code, text
    clock = line(text, "clock")
    assert clock.startswith(mark) and words in clock


def test_a_refused_timestamp_fails_the_clock(setup: dict[str, Any]) -> None:
    setup["list_error"] = ClockSkewError(
        "Specified time stamp or date value is expired.", code="InvalidTimeStamp.Expired"
    )
    code, text = run()
    assert code == 3
    assert line(text, "clock").startswith("✗") and "more than 15 minutes" in text


def test_a_wrong_secret_fails_the_endpoint_with_code_hint_and_request_id(
    setup: dict[str, Any],
) -> None:
    setup["list_error"] = AuthenticationError(
        f"Specified signature is not matched. server string to sign is:POST&%2F&AccessKeyId%3D{KEY_ID}",
        code="SignatureDoesNotMatch",
        request_id="REQ-DOC-1",
    )
    code, text = run()
    assert code == 3
    endpoint = line(text, "endpoint")
    assert endpoint.startswith("✗") and "SignatureDoesNotMatch" in endpoint
    assert "hint: The request signature was rejected" in text
    assert "request id: REQ-DOC-1" in text
    assert line(text, "instance").startswith("·")
    assert KEY_ID not in text


def test_an_unreachable_endpoint_is_exit_1(setup: dict[str, Any]) -> None:
    setup["list_error"] = ConnectError("Could not connect to ccc.cn-shanghai.aliyuncs.com")
    code, text = run()
    assert code == 1
    assert line(text, "endpoint").startswith("✗") and "Transport.ConnectionRefused" in text
    assert line(text, "clock").startswith("·")


def test_a_denied_list_call_still_checks_the_instance(setup: dict[str, Any]) -> None:
    setup["list_error"] = AccessDeniedError("denied", code="Forbidden.RAM", request_id="R2")
    code, text = run()
    assert code == 0, text
    assert line(text, "endpoint").startswith("!") and "accepted the key" in text
    assert line(text, "instance").startswith("✓")


def test_a_missing_instance_fails_with_exit_3(setup: dict[str, Any]) -> None:
    setup["get_error"] = InstanceNotFoundError(
        "no such instance", code="NotExist.Instance", request_id="R3"
    )
    code, text = run()
    assert code == 3
    assert line(text, "instance").startswith("✗") and "NotExist.Instance" in text


def test_no_instance_id_fails_with_exit_3(setup: dict[str, Any]) -> None:
    setup["conf"].write_text('default_profile = "prod"\n[profiles.prod]\nregion = "cn-shanghai"\n')
    code, text = run()
    assert code == 3
    assert line(text, "instance").startswith("✗") and "no instance id set" in text


def test_exit_code_prefers_setup_problems() -> None:
    checks = [
        diagnostics.Check("a", diagnostics.FAIL, "", exit_code=1),
        diagnostics.Check("b", diagnostics.WARN, ""),
    ]
    assert diagnostics.exit_code(checks) == 1
    checks.append(diagnostics.Check("c", diagnostics.FAIL, "", exit_code=3))
    assert diagnostics.exit_code(checks) == 3
    assert diagnostics.exit_code([diagnostics.Check("d", diagnostics.PASS, "")]) == 0
