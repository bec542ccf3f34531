"""The package's module graph: who imports whom, import cycles, and imports that break the layers.

    python scripts/import_graph.py            # summary: modules, edges, cycles, layer breaks
    python scripts/import_graph.py --edges    # also every edge, one module per line

Every import counts, wherever it is written: at the top, inside a function (a lazy import), or
under `if TYPE_CHECKING:`. A lazy import still ties two modules together; hiding a cycle in a
function only moves the failure from import time to run time. The layer rules are DESIGN §2 and
`tests/test_architecture.py` holds the package to them through this module.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "ccc_tui"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE

# layer -> the layers it may import (itself included). The package root (`ccc_tui`, which holds
# only the version) may be imported by anyone.
LAYERS: dict[str, frozenset[str]] = {
    "api": frozenset({"api"}),
    "emulator": frozenset({"emulator", "api"}),
    "calls": frozenset({"calls", "api"}),
    "profiles": frozenset({"profiles", "calls", "api", "emulator"}),
    "tui": frozenset({"tui", "profiles", "calls", "api"}),
    "cli": frozenset({"cli", "tui", "profiles", "calls", "api", "emulator"}),
}
# Third-party packages only one layer may import.
RESERVED: dict[str, str] = {"textual": "tui", "rich": "tui"}


@dataclass(frozen=True, slots=True)
class Graph:
    modules: dict[str, Path]
    edges: dict[str, frozenset[str]]  # module -> package modules it imports
    external: dict[str, frozenset[str]]  # module -> top-level third-party names it imports


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(module: str, path: Path, tree: ast.AST) -> Iterator[str]:
    """Every dotted name this file imports, with relative imports made absolute."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield target
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                yield f"{target}.{alias.name}"


def build(root: Path = ROOT) -> Graph:
    modules = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    edges: dict[str, frozenset[str]] = {}
    external: dict[str, frozenset[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        inside: set[str] = set()
        outside: set[str] = set()
        for target in _imported(name, path, tree):
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                # The longest known module the name starts with: `a.b.C` (a class) is `a.b`.
                while target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in modules and target != name:
                    inside.add(target)
            elif target:
                outside.add(target.split(".")[0])
        edges[name] = frozenset(inside)
        external[name] = frozenset(outside)
    return Graph(modules, edges, external)


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def layer_breaks(graph: Graph) -> list[str]:
    """One line per import that goes where its layer may not (package modules and reserved ones)."""
    problems: list[str] = []
    for module in sorted(graph.edges):
        layer = layer_of(module)
        for target in sorted(graph.edges[module]):
            if target == PACKAGE:
                continue
            target_layer = layer_of(target)
            if layer is None:
                if module != f"{PACKAGE}.__main__" or target_layer != "cli":
                    problems.append(f"{module} -> {target} (outside every layer)")
            elif target_layer not in LAYERS[layer]:
                problems.append(f"{module} -> {target} ({layer} may not import {target_layer})")
        for name in sorted(graph.external[module]):
            owner = RESERVED.get(name)
            if owner is not None and layer != owner:
                problems.append(f"{module} -> {name} (only {owner}/ may import {name})")
    return problems


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph.edges):
        if node not in index:
            visit(node)
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="print every edge too")
    args = parser.parse_args(argv)
    graph = build()
    edge_count = sum(len(targets) for targets in graph.edges.values())
    found = cycles(graph)
    breaks = layer_breaks(graph)
    print(f"{len(graph.modules)} modules, {edge_count} imports between them")
    if args.edges:
        for module in sorted(graph.edges):
            print(f"  {module} -> {' '.join(sorted(graph.edges[module])) or '-'}")
    print(f"{len(found)} import cycle(s)")
    for component in found:
        print(f"  {len(component)} modules: {' '.join(component)}")
    print(f"{len(breaks)} import(s) against the layers")
    for line in breaks:
        print(f"  {line}")
    return 1 if found or breaks else 0


if __name__ == "__main__":
    raise SystemExit(main())
