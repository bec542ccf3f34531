"""The emulator over a real loopback socket (uvicorn), its command, and the official SDKs."""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import wave
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from ccc_tui.cli import emulator as command
from ccc_tui.emulator.constants import (
    DEFAULT_PORT,
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
    DEMO_INSTANCE_ID_2020,
)
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.server import (
    INSTALL_HINT,
    ServerUnavailableError,
    bind,
    is_loopback,
    running_emulator,
    serve,
)
from ccc_tui.emulator.showcase import INCIDENT, SHOWCASE, SHOWCASE_2020
from tests.seeds import SEED_EVENTS_JSON, SEED_RECORDINGS_JSON
from tests.test_emulator_protocol import (
    ANCHOR,
    SEED_EVENTS_API,
    SEED_RECORDINGS_API,
    common_params,
    sign_request,
)

pytestmark = pytest.mark.socket


def signed_post(client: httpx.Client, action: str, api: dict[str, str]) -> httpx.Response:
    from datetime import UTC, datetime

    query = common_params(action, now=datetime.now(UTC))
    return client.post("/", params=sign_request("POST", query, api), data=api)


def test_over_a_real_socket() -> None:
    with running_emulator(anchor=ANCHOR) as url, httpx.Client(base_url=url) as client:
        assert url.startswith("http://127.0.0.1:")
        events = signed_post(client, "ListCallEventDetailByContactId", SEED_EVENTS_API)
        assert events.status_code == 200
        assert events.json() == json.loads(SEED_EVENTS_JSON)
        assert "server" not in events.headers  # the emulator's own headers only
        assert len(events.headers.get_list("date")) == 1
        link = signed_post(
            client,
            "DownloadRecording",
            {"InstanceId": DEMO_INSTANCE_ID, "FileName": "153128491143400080327683.wav"},
        )
        signed_url = link.json()["MediaDownloadParam"]["SignatureUrl"].strip('"')
        assert signed_url.startswith(url + "/oss/")  # the URL points back at this server
        audio = httpx.get(signed_url)
        assert audio.status_code == 200
        with wave.open(io.BytesIO(audio.content)) as wav:
            assert wav.getnframes() > 0


def test_faults_flip_while_serving() -> None:
    faults = Faults()
    with running_emulator(faults=faults) as url, httpx.Client(base_url=url) as client:
        assert signed_post(client, "ListRecordingsByContactId", SEED_RECORDINGS_API).json() == (
            json.loads(SEED_RECORDINGS_JSON)
        )
        faults.html_rate = 1
        page = signed_post(client, "ListRecordingsByContactId", SEED_RECORDINGS_API)
        assert page.status_code == 502 and b"Bad Gateway" in page.content


def test_two_emulators_get_different_ports() -> None:
    with running_emulator() as one, running_emulator() as two:
        assert one != two
        assert httpx.get(one).status_code == httpx.get(two).status_code == 400


def test_the_server_is_gone_after_the_block() -> None:
    with running_emulator() as url:
        pass
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.com", False),
        ("::", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_remote_host_needs_allow_remote() -> None:
    with pytest.raises(ServerUnavailableError, match="--allow-remote"):
        serve("0.0.0.0", 0)
    with pytest.raises(ServerUnavailableError, match="--allow-remote"):
        bind("10.1.2.3", 0)


def test_a_port_in_use_is_reported() -> None:
    taken = bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        with pytest.raises(ServerUnavailableError, match=f"127.0.0.1:{port}"):
            bind("127.0.0.1", port)
    finally:
        taken.close()


def test_missing_uvicorn_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(ServerUnavailableError) as info:
        serve()
    assert str(info.value) == INSTALL_HINT
    assert "pip install 'ccc-tui[server]'" in INSTALL_HINT


# --- the command ---


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ccc-tui")
    command.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["emulator", *argv])


def test_command_flags() -> None:
    args = parse()
    assert (args.host, args.port, args.latency_ms, args.faults, args.allow_remote) == (
        "127.0.0.1",
        DEFAULT_PORT,
        None,
        None,
        False,
    )
    assert args.handler is command.run
    args = parse(
        "--host",
        "::1",
        "--port",
        "9000",
        "--latency-ms",
        "40",
        "--faults",
        "throttle=0.5",
        "--allow-remote",
    )
    assert (args.host, args.port, args.latency_ms, args.faults, args.allow_remote) == (
        "::1",
        9000,
        40.0,
        "throttle=0.5",
        True,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--faults", "throttle=3"), "between 0 and 1"),
        (("--latency-ms", "-1"), ">= 0"),
        (("--faults", "nope=1"), "unknown fault"),
    ],
)
def test_command_rejects_bad_faults(argv: tuple[str, ...], message: str) -> None:
    err = io.StringIO()
    assert command.run(parse(*argv), out=io.StringIO(), err=err) == command.EXIT_USAGE
    assert message in err.getvalue() and err.getvalue().startswith("ccc-tui emulator: ")


def test_command_refuses_a_remote_host() -> None:
    err = io.StringIO()
    assert command.run(parse("--host", "0.0.0.0"), out=io.StringIO(), err=err) == 1
    assert "--allow-remote" in err.getvalue()


def test_command_banner_and_quiet_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_serve(host: str, port: int, **kwargs: Any) -> None:
        seen.update(host=host, port=port, **kwargs)
        kwargs["ready"](f"http://{host}:{port}")
        raise KeyboardInterrupt

    monkeypatch.setattr("ccc_tui.emulator.server.serve", fake_serve)
    out, err = io.StringIO(), io.StringIO()
    code = command.run(parse("--port", "9100", "--latency-ms", "25"), out=out, err=err)
    assert code == 0 and err.getvalue() == ""
    assert seen["faults"].latency_ms == 25 and seen["allow_remote"] is False
    lines = out.getvalue().splitlines()
    text = out.getvalue()
    assert lines[0] == (
        "CCC emulator (APIs 2017-07-05 and 2020-07-01) listening on http://127.0.0.1:9100"
    )
    for fact in (
        DEMO_ACCESS_KEY_ID,
        DEMO_ACCESS_KEY_SECRET,
        DEMO_INSTANCE_ID,
        SHOWCASE["seed_outbound"],
        SHOWCASE["inbound_transfer"],
        SHOWCASE["huge"],
        DEMO_INSTANCE_ID_2020,
        SHOWCASE_2020["inbound_transfer"],
        SHOWCASE_2020["ivr_failure"],
        "latency=25ms",
        "ALIBABA_CLOUD_ACCESS_KEY_ID=",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET=",
        "ccc-tui show 1096645650",
        "--endpoint http://127.0.0.1:9100",
    ):
        assert fact in text, fact


def test_calls_scale_the_data_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse().calls == 5000
    assert parse("--calls", "100_000").calls == parse("--calls", "100000").calls == 100_000
    seen: dict[str, Any] = {}

    def fake_serve(host: str, port: int, **kwargs: Any) -> None:
        seen.update(kwargs)
        kwargs["ready"](f"http://{host}:{port}")

    monkeypatch.setattr("ccc_tui.emulator.server.serve", fake_serve)
    out = io.StringIO()
    assert command.run(parse("--calls", "100000"), out=out, err=io.StringIO()) == 0
    assert seen["calls"] == 100_000
    anchor = seen["anchor"]
    assert (anchor.hour, anchor.minute, anchor.utcoffset()) == (0, 0, timedelta(0))
    assert "Calls: 100,000 over the 30 days" in out.getvalue()


@pytest.mark.parametrize("value", ["-1", "270001", "many", ""])
def test_calls_out_of_range_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse("--calls", value)
    assert exit_info.value.code == 2
    assert "--calls" in capsys.readouterr().err


def test_banner_names_the_incident_and_a_repeat_caller() -> None:
    anchor = datetime(2025, 6, 1, tzinfo=UTC)
    text = "\n".join(command.banner("http://127.0.0.1:8931", "none", anchor=anchor))
    assert (
        f"Incident: 2025-05-31 10:05-11:20 CST, skill group {INCIDENT.skill_group} (complaints)"
        in text
    )
    assert f"Repeat caller: {INCIDENT.caller} (" in text and "called back at 11:46" in text


def test_banner_for_a_remote_bind_shows_a_local_example() -> None:
    lines = command.banner("http://0.0.0.0:8931", "none")
    assert lines[0].endswith("http://0.0.0.0:8931")
    assert any("--endpoint http://127.0.0.1:8931" in line for line in lines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_command_end_to_end_and_ctrl_c_exits_zero() -> None:
    port = free_port()
    code = (
        "import argparse, sys\n"
        "from ccc_tui.cli import emulator\n"
        "p = argparse.ArgumentParser(); emulator.register(p.add_subparsers())\n"
        "args = p.parse_args(sys.argv[1:])\n"
        "sys.exit(args.handler(args))\n"
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "emulator", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip().endswith(f"http://127.0.0.1:{port}"), first
        deadline = time.monotonic() + 10
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert response.status_code == 400
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


# --- the official SDKs, pointed at the emulator over plain http ---


def test_the_official_core_sdk_gets_the_seeds() -> None:
    pytest.importorskip("aliyunsdkcore")
    from aliyunsdkcore.acs_exception.exceptions import ServerException
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest

    def request(port: int, action: str, api: dict[str, str], in_body: bool) -> CommonRequest:
        req = CommonRequest(domain=f"127.0.0.1:{port}", version="2017-07-05", action_name=action)
        req.set_protocol_type("http")
        req.set_method("POST")
        for key, value in api.items():
            if in_body:
                req.add_body_params(key, value)
            else:
                req.add_query_param(key, value)
        return req

    with running_emulator() as url:
        port = int(url.rsplit(":", 1)[1])
        sdk = AcsClient(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, "cn-shanghai")
        events = sdk.do_action_with_exception(
            request(port, "ListCallEventDetailByContactId", SEED_EVENTS_API, in_body=False)
        )
        assert json.loads(events) == json.loads(SEED_EVENTS_JSON)
        recordings = sdk.do_action_with_exception(
            request(port, "ListRecordingsByContactId", SEED_RECORDINGS_API, in_body=True)
        )
        assert json.loads(recordings) == json.loads(SEED_RECORDINGS_JSON)

        wrong = AcsClient(DEMO_ACCESS_KEY_ID, "not-the-secret", "cn-shanghai")
        with pytest.raises(ServerException) as info:
            wrong.do_action_with_exception(
                request(port, "ListRecordingsByContactId", SEED_RECORDINGS_API, in_body=True)
            )
        assert info.value.get_error_code() == "SignatureDoesNotMatch"
        assert info.value.get_http_status() == 400
        # The SDK's own extras are part of what the server signs.
        assert "RegionId%3Dcn-shanghai" in info.value.get_error_msg()
        assert "SignatureType%3D%26" in info.value.get_error_msg()


def test_the_official_tea_openapi_sdk_gets_the_seeds() -> None:
    pytest.importorskip("alibabacloud_tea_openapi")
    from alibabacloud_tea_openapi import models, utils_models
    from alibabacloud_tea_openapi.client import Client
    from darabonba.runtime import RuntimeOptions

    def client(port: int, algorithm: str | None) -> Any:
        return Client(
            models.Config(
                access_key_id=DEMO_ACCESS_KEY_ID,
                access_key_secret=DEMO_ACCESS_KEY_SECRET,
                endpoint=f"127.0.0.1:{port}",
                protocol="http",
                region_id="cn-shanghai",
                signature_algorithm=algorithm,
            )
        )

    def params(action: str) -> Any:
        return utils_models.Params(
            action=action,
            version="2017-07-05",
            protocol="HTTP",
            pathname="/",
            method="POST",
            auth_type="AK",
            style="RPC",
            req_body_type="formData",
            body_type="json",
        )

    with running_emulator() as url:
        port = int(url.rsplit(":", 1)[1])
        # 'v2' selects signature V1 (HMAC-SHA1 RPC); the SDK's default is the V3 scheme.
        v1 = client(port, "v2")
        events = v1.call_api(
            params("ListCallEventDetailByContactId"),
            utils_models.OpenApiRequest(query=SEED_EVENTS_API),
            RuntimeOptions(),
        )
        assert events["statusCode"] == 200
        assert events["body"] == json.loads(SEED_EVENTS_JSON)
        recordings = v1.call_api(
            params("ListRecordingsByContactId"),
            utils_models.OpenApiRequest(body=SEED_RECORDINGS_API),
            RuntimeOptions(),
        )
        assert recordings["body"] == json.loads(SEED_RECORDINGS_JSON)

        with pytest.raises(Exception, match="IncompleteSignature") as info:
            client(port, None).call_api(
                params("ListRecordingsByContactId"),
                utils_models.OpenApiRequest(body=SEED_RECORDINGS_API),
                RuntimeOptions(),
            )
        assert "signature_algorithm='v2'" in str(info.value)
