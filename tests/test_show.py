"""`ccc-tui show` end to end: formats, order, exit codes, errors on stderr, no Textual."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccc_tui.cli.main import main
from ccc_tui.emulator.constants import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID
from ccc_tui.emulator.server import running_emulator
from ccc_tui.emulator.showcase import SHOWCASE

CALL_KEYS = {
    "caller",
    "callee",
    "call_type",
    "start_time",
    "release_agent",
    "release_reason",
    "release_explanation",
    "privacy_number",
}
EVENT_KEYS = {
    "time",
    "event",
    "event_type",
    "status",
    "agent_name",
    "skill_group",
    "call_mode",
    "duration",
    "detail",
}
RECORDING_KEYS = {
    "channel",
    "hold_segments",
    "file_name",
    "agent_name",
    "agent_id",
    "calling_number",
    "called_number",
    "contact_type",
    "start_time",
    "duration",
    "file_description",
}


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def emulator_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with running_emulator() as url:
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID)
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET)
        monkeypatch.setenv("CCC_TUI_INSTANCE_ID", DEMO_INSTANCE_ID)
        yield url


def test_json_lines_for_both_seed_calls_in_input_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["show", "2020927020", "1096645650", "--demo", "--json"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert [first["contact_id"], second["contact_id"]] == ["2020927020", "1096645650"]
    for obj in (first, second):
        assert set(obj) == {
            "contact_id", "found", "outcome", "release_conflict", "call", "events", "recordings",
            "record", "ivr",
        }
        assert obj["record"] is None  # a 2017 call has no record of its own
        assert obj["found"] is True and obj["release_conflict"] is None
        assert set(obj["call"]) >= CALL_KEYS
        assert all(set(e) == EVENT_KEYS for e in obj["events"])
        assert all(set(r) == RECORDING_KEYS for r in obj["recordings"])
    assert second["outcome"]["kind"] == "not_answered"
    assert second["outcome"]["line"].startswith("Not answered")
    assert second["call"]["start_time"] == "2019-04-17T09:10:46.000Z"
    assert second["call"]["release_explanation"] == "the leg was cancelled before it was answered"
    assert [e["event"] for e in second["events"]] == ["Dial", "End", "Handle"]
    assert second["events"][1]["detail"] == {"HangUper": "byeSystem", "EventType": "agent"}
    assert first["recordings"][0]["file_name"] == "153128491143400080327683.wav"
    assert first["recordings"][0]["agent_name"] == "小芳"


def test_text_output_shows_summary_events_and_recordings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(["show", "2020927020", "--demo", "--tz", "Asia/Shanghai"], capsys)
    assert code == 0
    assert "80327683 → 15588886666" in out
    assert "2018-07-11 12:55:05 Asia/Shanghai (UTC+08:00)" in out
    assert "153128491143400080327683.wav" in out
    assert "Recordings (1)" in out


def test_the_default_zone_is_the_instance_s_not_the_machine_s(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        code, out, _ = run_cli(["show", "2020927020", "--demo"], capsys)
        assert code == 0 and "2018-07-11 12:55:05 Asia/Shanghai (UTC+08:00)" in out
        code, out, _ = run_cli(["show", "2020927020", "--demo", "--tz", "local"], capsys)
        assert code == 0 and "2018-07-11 04:55:05 local time" in out
        code, out, _ = run_cli(["show", "2020927020", "--demo", "--tz", "UTC"], capsys)
        assert code == 0 and "2018-07-11 04:55:05 UTC" in out
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize(
    ("region", "tz", "zone"),
    [
        ("ap-southeast-1", None, "Asia/Singapore"),
        ("cn-beijing", None, "Asia/Shanghai"),
        ("cn-beijing", "Europe/Paris", "Europe/Paris"),
        ("cn-beijing", "local", None),
    ],
)
def test_the_default_zone_follows_the_profile_and_region(
    region: str, tz: str | None, zone: str | None
) -> None:
    from ccc_tui.cli.common import display_zone

    args = argparse.Namespace(
        tz=tz, demo=False, profile=None, instance_id=None, region=region, endpoint=None
    )
    got = display_zone(args)
    assert (None if got is None else str(got)) == zone


def test_an_unknown_zone_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["show", "2020927020", "--demo", "--tz", "Mars/Olympus"], capsys)
    assert code == 2 and "unknown time zone" in err


def test_markdown_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["show", "1096645650", "--demo", "--markdown", "--tz", "UTC"], capsys)
    assert code == 0
    assert out.startswith("## Call 1096645650")
    assert "| Time | Offset | Lane | Event |" in out
    assert "Dial (agent dialled out)" in out


def test_chinese_event_labels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["show", "1096645650", "--demo", "--lang", "zh"], capsys)
    assert code == 0
    assert "拨号" in out and "结束" in out


def test_an_unknown_contact_is_not_a_success(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["show", "404404", "1096645650", "--demo"], capsys)
    assert code == 4  # the other contact is still printed
    assert out.startswith(f"Contact 404404: not found in instance {DEMO_INSTANCE_ID}\n")
    assert "Contact     1096645650" in out


def test_an_unknown_contact_in_json_says_found_false(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["show", "404404", "--demo", "--json"], capsys)
    assert code == 4
    obj = json.loads(out)
    assert obj["found"] is False and obj["outcome"] is None


def test_an_api_error_outranks_not_found() -> None:
    from ccc_tui.cli.common import worst_exit

    assert worst_exit([0, 4, 1]) == 1 and worst_exit([4, 0]) == 4 and worst_exit([1, 3]) == 3
    assert worst_exit([]) == 0


def test_dash_reads_contact_ids_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("2020927020\n\n# a comment\n 1096645650 \n"))
    code, out, _ = run_cli(["show", "-", "--demo", "--json"], capsys)
    assert code == 0
    assert [json.loads(line)["contact_id"] for line in out.splitlines()] == [
        "2020927020",
        "1096645650",
    ]


def test_dash_takes_the_contact_ids_of_find_s_json_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`find --json | ccc-tui show -` without jq: each JSON line gives its contact_id (a `#` in
    a name is not a comment there)."""
    import io

    lines = [
        json.dumps({"contact_id": "2020927020", "agents": ["#1 张伟"]}, ensure_ascii=False),
        "1096645650",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run_cli(["show", "-", "--demo", "--json"], capsys)
    assert code == 0
    assert [json.loads(line)["contact_id"] for line in out.splitlines()] == [
        "2020927020",
        "1096645650",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO('1096645650\n{"id": "2020927020"}\n'))
    code, _, err = run_cli(["show", "-", "--demo", "--json"], capsys)
    assert code == 2
    assert "stdin line 2 is not a JSON object with a contact_id" in err


def test_markdown_keeps_whole_summary_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """Only table cells may be cut: the release line used to lose its end at 60 columns."""
    code, out, _ = run_cli(["show", "1096645650", "--demo", "--markdown"], capsys)
    assert code == 0
    assert "the leg was cancelled before it was answered" in out


def test_hostile_server_text_cannot_reach_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["show", SHOWCASE["hostile"], "--demo"], capsys)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    assert "[bold red]" in out  # markup is shown literally, not interpreted


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "a" * 65, "12;rm -rf", "id with/slash", "张三"],
)
def test_bad_contact_ids_exit_2_before_any_request(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["show", bad, "--demo"], capsys)
    assert code == 2
    assert out == ""
    assert "ContactId" in err


def test_pasted_ids_with_spaces_and_newlines_work(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["show", " 1096 645650\n", "--demo", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["contact_id"] == "1096645650"


def test_no_credentials_exit_3_with_a_way_forward(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["show", "1096645650", "--instance-id", "x"], capsys)
    assert code == 3
    assert out == ""
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in err or "login" in err


def test_plain_http_to_a_remote_host_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret")
    code, _, err = run_cli(
        ["show", "1", "--instance-id", "x", "--endpoint", "http://ccc.example.com"], capsys
    )
    assert code == 3
    assert "http" in err


def test_against_the_emulator_over_tcp_with_env_credentials(
    emulator_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["show", "1096645650", "2020927020", "--endpoint", emulator_env, "--json"], capsys
    )
    assert code == 0, err
    assert [json.loads(line)["contact_id"] for line in out.splitlines()] == [
        "1096645650",
        "2020927020",
    ]


def test_wrong_secret_exit_3_with_code_hint_and_request_id(
    emulator_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong-secret-value")
    code, out, err = run_cli(["show", "1096645650", "--endpoint", emulator_env], capsys)
    assert code == 3
    assert out == ""
    assert "SignatureDoesNotMatch" in err
    assert "hint:" in err and "secret" in err
    assert "request id:" in err
    assert "wrong-secret-value" not in err
    assert DEMO_ACCESS_KEY_ID not in err  # the string to sign is cut from the server's message


def test_connection_refused_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET)
    port = free_port()  # nothing listens here
    code, _out, err = run_cli(
        [
            "show",
            "1096645650",
            "--instance-id",
            DEMO_INSTANCE_ID,
            "--endpoint",
            f"http://127.0.0.1:{port}",
        ],
        capsys,
    )
    assert code == 1
    assert "Transport.ConnectionRefused" in err


def test_mixed_results_keep_order_and_report_the_worst_exit(
    emulator_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # An unknown instance for every contact is a configuration problem: exit 3 outranks 1.
    code, out, err = run_cli(
        [
            "show",
            "1096645650",
            "2020927020",
            "--endpoint",
            emulator_env,
            "--instance-id",
            "nope",
            "--json",
        ],
        capsys,
    )
    assert code == 3
    assert out == ""
    assert err.count("Neither the 2017-07-05 nor the 2020-07-01 API") == 2


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


def test_the_emulator_command_and_show_as_separate_processes(tmp_path: Path) -> None:
    """The README's recipe, exactly: `ccc-tui emulator` in one process, `show` in another."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA", "CCC_TUI"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "ccc_tui", "emulator", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_port(port)
        env.update(
            ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO_ACCESS_KEY_ID,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO_ACCESS_KEY_SECRET,
            CCC_TUI_ENDPOINT=f"http://127.0.0.1:{port}",
            CCC_TUI_INSTANCE_ID=DEMO_INSTANCE_ID,
        )
        code = (
            "import sys\n"
            "from ccc_tui.cli.main import main\n"
            "rc = main(['show', '1096645650', '2020927020', '--json'])\n"
            "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)\n"
            "sys.exit(rc)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    ids = [json.loads(line)["contact_id"] for line in result.stdout.splitlines()]
    assert ids == ["1096645650", "2020927020"]


def test_console_script_demo_json(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("ccc-tui")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    result = subprocess.run(
        [str(exe), "show", "1096645650", "2020927020", "--demo", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_every_character_json_escapes_is_one_isprintable_rejects() -> None:
    """json_text skips its search on a printable line: that is only safe while it holds."""
    from ccc_tui.calls.export import _JSON_INERT, json_text

    assert [hex(code) for code in _JSON_INERT if chr(code).isprintable()] == []
    for code in _JSON_INERT:
        for name in (f"张伟{chr(code)}", f"Wei{chr(code)}"):  # DEL is ASCII: no ASCII shortcut
            line = json_text({"name": name})
            assert chr(code) not in line and json.loads(line) == {"name": name}


def test_json_output_escapes_what_a_terminal_would_act_on(capsys: pytest.CaptureFixture[str]) -> None:
    """C1 controls (CSI, OSC, ST), DEL and U+202E reached the terminal raw inside JSON strings."""
    code, out, _ = run_cli(["show", SHOWCASE["hostile"], "--demo", "--json"], capsys)
    assert code == 0
    raw = [c for c in out if 0x7F <= ord(c) < 0xA0 or ord(c) in (0x202E, 0x2028, 0x2029)]
    assert raw == []
    assert json.loads(out)["contact_id"] == SHOWCASE["hostile"]
