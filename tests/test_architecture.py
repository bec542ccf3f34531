"""The layering rules of DESIGN §2, stated as folder rules, and no import cycles (lazy ones count)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]


def _load_graph_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", REPO / "scripts/import_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building the class
    spec.loader.exec_module(module)
    return module


graph_tool = _load_graph_tool()
GRAPH = graph_tool.build()


def test_every_module_sits_in_a_layer_folder() -> None:
    loose = [
        m
        for m in GRAPH.modules
        if graph_tool.layer_of(m) is None and m not in ("ccc_tui", "ccc_tui.__main__")
    ]
    assert loose == []


def test_no_import_goes_against_the_layers() -> None:
    assert graph_tool.layer_breaks(GRAPH) == []


def test_no_import_cycles() -> None:
    assert graph_tool.cycles(GRAPH) == []


def test_the_graph_tool_sees_lazy_and_type_checking_imports(tmp_path: Path) -> None:
    """The rules above are only as good as the graph: a cycle hidden in a function, a
    TYPE_CHECKING import that reaches upward, and a Textual import in calls/ must all show."""
    package = tmp_path / "ccc_tui"
    for folder in ("calls", "tui"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "calls" / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ccc_tui.tui import view\n"
        "def later():\n    from . import b\n"
    )
    (package / "calls" / "b.py").write_text("import textual\nfrom ccc_tui.calls.a import later\n")
    (package / "tui" / "view.py").write_text("from ccc_tui.calls import a\n")
    graph = graph_tool.build(package)
    assert graph_tool.cycles(graph) == [["ccc_tui.calls.a", "ccc_tui.calls.b", "ccc_tui.tui.view"]]
    breaks = graph_tool.layer_breaks(graph)
    assert "ccc_tui.calls.a -> ccc_tui.tui.view (calls may not import tui)" in breaks
    assert "ccc_tui.calls.b -> textual (only tui/ may import textual)" in breaks


@pytest.mark.parametrize("layer", ["api", "emulator", "calls", "profiles", "cli"])
def test_only_tui_imports_textual_or_rich(layer: str) -> None:
    for module, names in GRAPH.external.items():
        if graph_tool.layer_of(module) == layer:
            assert not names & {"textual", "rich"}, module


def test_importing_every_module_below_the_tui_and_building_the_cli_loads_no_textual() -> None:
    below = sorted(
        m for m in GRAPH.modules if graph_tool.layer_of(m) != "tui" and m != "ccc_tui.__main__"
    )
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in below)
        + "from ccc_tui.cli.main import build_command_parser\n"
        "build_command_parser()\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'keyring')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
