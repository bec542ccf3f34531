"""`ccc-tui show` as a real process: interrupted, piped into `head`, or writing to a full disk, it
ends with one line at most and the conventional code, never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccc_tui.emulator.constants import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.server import running_emulator
from ccc_tui.emulator.showcase import SHOWCASE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and /dev/full")
IDS = [SHOWCASE["seed_outbound"], SHOWCASE["inbound_transfer"]] * 100


def _show(args: list[str], env_extra: dict[str, str] | None = None, **popen: object) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | dict(env_extra or {})
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "ccc_tui", "show", *args], env=env, **popen
    )


def test_piped_into_head_it_exits_141_without_a_traceback() -> None:
    proc = _show([*IDS, "--demo", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()  # `head -c 100` is done
    code = proc.wait(timeout=60)
    err = proc.stderr.read().decode()
    assert code == 141, err
    assert err == ""


def test_a_full_disk_is_one_line_and_exit_1() -> None:
    with open("/dev/full", "wb") as full:
        proc = _show([*IDS, "--demo", "--json"], stdout=full, stderr=subprocess.PIPE)
        code = proc.wait(timeout=60)
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    assert code == 1, err
    assert err.strip().count("\n") == 0 and "cannot write the output" in err


def test_ctrl_c_in_a_batch_is_130_and_one_line() -> None:
    with running_emulator(faults=Faults.parse("latency=300")) as url:
        env = {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
            "CCC_TUI_INSTANCE_ID": DEMO_INSTANCE_ID,
        }
        proc = _show(
            [*IDS, "--endpoint", url, "--json", "--concurrency", "4"],
            env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(1.5)  # requests in flight and queued
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    assert code == 130, err
    assert err.strip() == "interrupted"
