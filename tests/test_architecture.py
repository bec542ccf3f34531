"""The layering rules of DESIGN §2, enforced: the headless core never imports Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ccc_tui"
CORE = [
    "ccc_tui.api.signing",
    "ccc_tui.api.client",
    "ccc_tui.api.models",
    "ccc_tui.api.v2017",
    "ccc_tui.api.errors",
    "ccc_tui.emulator",
    "ccc_tui.emulator.app",
    "ccc_tui.config",
    "ccc_tui.credentials",
    "ccc_tui.store",
    "ccc_tui.render",
    "ccc_tui.text",
    "ccc_tui.phases",
    "ccc_tui.downloads",
    "ccc_tui.players",
    "ccc_tui.demo",
    "ccc_tui.cli",
    "ccc_tui.commands.show",
    "ccc_tui.session",
]
CORE_PATHS = [
    "api",
    "emulator",
    "commands",
    "config.py",
    "credentials.py",
    "store.py",
    "render.py",
    "text.py",
    "phases.py",
    "downloads.py",
    "players.py",
    "demo.py",
    "cli.py",
    "contact_ids.py",
    "context.py",
    "session.py",
]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _core_files() -> list[Path]:
    files: list[Path] = []
    for entry in CORE_PATHS:
        path = PACKAGE / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_source_never_imports_textual(path: Path) -> None:
    textual = {name for name in _imports(path) if name == "textual" or name.startswith("textual.")}
    assert not textual, f"{path.name} imports {sorted(textual)}"


def test_api_layer_never_imports_upper_layers() -> None:
    for path in (PACKAGE / "api").rglob("*.py"):
        upward = {
            n
            for n in _imports(path)
            if n.startswith("ccc_tui.") and not n.startswith("ccc_tui.api")
        }
        assert not upward, f"{path.name} imports {sorted(upward)}"


def test_importing_the_core_and_running_show_help_loads_no_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "from ccc_tui.cli import build_command_parser\n"
        "build_command_parser()\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'keyring')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
