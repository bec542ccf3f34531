"""The app quits when its terminal hangs up, instead of spinning on end-of-file forever."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccc_tui.tui.terminal_watch import EXIT_HANGUP, hung_up

pytestmark = pytest.mark.skipif(not hasattr(select, "poll"), reason="needs poll(2) and ptys")


def test_a_live_terminal_is_not_hung_up_and_a_closed_one_is() -> None:
    master, slave = os.openpty()
    try:
        assert not hung_up(slave)
        os.write(master, b"x")  # input waiting is not a hang-up
        assert not hung_up(slave)
        os.close(master)
        assert hung_up(slave)
    finally:
        os.close(slave)


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_the_app_exits_when_its_terminal_goes_away(tmp_path: Path) -> None:
    """`ccc-tui --demo` in a pseudo-terminal whose other end is then closed, without a SIGHUP
    (as when a parent process takes it): the app must end by itself, with 129."""
    master, slave = os.openpty()
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "COLUMNS": "80",
        "LINES": "24",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccc_tui", "--demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,  # no controlling terminal of ours: no SIGHUP reaches it
    )
    os.close(slave)
    try:
        shown = _read_until(master, b"Find calls", timeout=30)
        assert b"Find calls" in shown, shown[-500:]
        os.close(master)
        master = -1
        assert proc.wait(timeout=10) == EXIT_HANGUP
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if master >= 0:
            os.close(master)
