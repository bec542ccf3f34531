"""Run every benchmark and print one table of budgets (run by hand, or `make bench`).

    .venv/bin/python benchmarks/bench_all.py [--quick] [--only NAME ...]

Each `bench_*.py` in this folder runs in its own process (so one script's imports, caches and
garbage do not colour the next one's figures), prints its own detail, and writes its headline
figures with `--measures-json`; this script gathers them into a single table: measure, budget,
figure, yardstick, ratio, and whether the budget holds. A script that does not take
`--measures-json` yet is skipped, and the table says so. `--quick` (fewer runs, a few minutes in
all) is passed to the scripts that take it; its figures are for a look, not for notes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import Measure, format_table, read_measures

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def scripts(only: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("bench_*.py") if p.name != Path(__file__).name)
    if only:
        found = [p for p in found if any(name in p.stem for name in only)]
    return found


def options(script: Path, env: dict[str, str]) -> str:
    """The script's `--help`, to see which of our options it takes."""
    done = subprocess.run(
        [sys.executable, str(script), "--help"], env=env, capture_output=True, text=True
    )
    return done.stdout if done.returncode == 0 else ""


def run(script: Path, quick: bool, env: dict[str, str]) -> tuple[list[Measure], str]:
    """(the script's measures, a word on what went wrong — empty when nothing did)."""
    takes = options(script, env)
    if "--measures-json" not in takes:
        return [], "skipped: it does not take --measures-json yet"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "measures.json"
        argv = [sys.executable, str(script), "--measures-json", str(out)]
        if quick and "--quick" in takes:
            argv.append("--quick")
        print(f"\n== {script.name} {' '.join(argv[4:])}".rstrip(), flush=True)
        started = time.monotonic()
        done = subprocess.run(argv, env=env)
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
        if done.returncode != 0:
            return [], f"failed: exit status {done.returncode}"
        if not out.exists():
            return [], "wrote no measures"
        return read_measures(out), ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs: a look, not figures")
    parser.add_argument("--only", nargs="*", default=[], metavar="NAME", help="e.g. app timeline")
    opts = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    measures: list[Measure] = []
    notes: list[str] = []
    for script in scripts(opts.only):
        got, problem = run(script, opts.quick, env)
        measures += got
        if problem:
            notes.append(f"{script.name}: {problem}")
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(format_table(measures))
    for note in notes:
        print(f"  {note}")
    over = [m.name for m in measures if m.holds is False]
    if over:
        print(f"  {len(over)} over budget: {', '.join(over)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
