"""The installed console script is a program of its own: it runs from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ccc_tui import __version__

SCRIPT = Path(sys.executable).parent / ("ccc-tui.exe" if os.name == "nt" else "ccc-tui")


@pytest.mark.skipif(not SCRIPT.exists(), reason="the package is not installed in this environment")
def test_the_console_script_runs_from_another_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    version = subprocess.run(
        [str(SCRIPT), "--version"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0 and version.stdout.strip() == f"ccc-tui {__version__}"
    shown = subprocess.run(
        [str(SCRIPT), "show", "1096645650", "--demo", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["contact_id"] == "1096645650"
