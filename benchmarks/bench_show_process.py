"""Time `ccc-tui show --json` for one contact as a whole process (start to exit).

Run by hand:  .venv/bin/python benchmarks/bench_show_process.py [--runs 20] [--quick]

Measures the in-process demo (`--demo`) and a real loopback emulator (`--endpoint`, the emulator in
a process of its own), against the interpreter's own start-up (`python -c pass`). Budget (DESIGN
§7): ≤ 300 ms.

Every run gets a HOME and XDG dirs of a temp dir (no config, history or keyring of this machine's
user leaks in), and a byte-code state set on purpose rather than whatever the checkout holds:
  - compiled: a pycache prefix (PYTHONPYCACHEPREFIX) that a warm-up run filled — every module,
    the standard library's included, loads from byte-code, as after a pip install;
  - not compiled: PYTHONDONTWRITEBYTECODE and an empty prefix — every module is compiled from
    source on every run, as from a read-only checkout nobody ran before.
The variants take turns, A B C … A B C …, so load from elsewhere on the machine falls on all of
them; medians are compared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_show import emulator_process
from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.emulator.constants import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 300.0
CONTACT = "1096645650"


@dataclass
class Variant:
    label: str
    argv: list[str]
    env: dict[str, str]
    samples: list[float] = field(default_factory=list)


def base_env(home: Path) -> dict[str, str]:
    """This environment without anything that points ccc-tui somewhere, in a HOME of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ALIBABA_CLOUD_", "CCC_TUI_", "PYTHON"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONPATH=str(ROOT),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


def compiled(env: dict[str, str], prefix: Path) -> dict[str, str]:
    return {**env, "PYTHONPYCACHEPREFIX": str(prefix)}


def not_compiled(env: dict[str, str], prefix: Path) -> dict[str, str]:
    return {**env, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": "1"}


def time_once(variant: Variant) -> float:
    started = time.perf_counter()
    done = subprocess.run(variant.argv, env=variant.env, capture_output=True)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{variant.label}: exit {done.returncode}\n{done.stderr.decode()[-2000:]}")
    return elapsed


def report(variant: Variant) -> None:
    samples = sorted(variant.samples)
    p90 = samples[max(int(len(samples) * 0.9) - 1, 0)]
    print(
        f"  {variant.label:<52} median {statistics.median(samples):6.0f} ms"
        f"   p90 {p90:6.0f} ms   min {samples[0]:6.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="6 runs")
    add_measures_argument(parser)
    opts = parser.parse_args()
    if opts.quick:
        opts.runs = 6
    python = sys.executable
    show = [python, "-m", "ccc_tui", "show", CONTACT, "--json"]
    with tempfile.TemporaryDirectory() as tmp, emulator_process(0) as url:
        base = base_env(Path(tmp) / "home")
        warm, cold = Path(tmp) / "pycache-warm", Path(tmp) / "pycache-empty"
        endpoint_env = {
            **base,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
            "CCC_TUI_INSTANCE_ID": DEMO_INSTANCE_ID,
        }
        variants = [
            Variant("python -c pass, compiled", [python, "-c", "pass"], compiled(base, warm)),
            Variant(f"show {CONTACT} --json --demo, compiled", [*show, "--demo"],
                    compiled(base, warm)),
            Variant(f"show {CONTACT} --json --endpoint, compiled", [*show, "--endpoint", url],
                    compiled(endpoint_env, warm)),
            Variant("python -c pass, not compiled", [python, "-c", "pass"],
                    not_compiled(base, cold)),
            Variant(f"show {CONTACT} --json --demo, not compiled", [*show, "--demo"],
                    not_compiled(base, cold)),
            Variant(f"show {CONTACT} --json --endpoint, not compiled",
                    [*show, "--endpoint", url], not_compiled(endpoint_env, cold)),
        ]
        for variant in variants:  # fills the compiled prefix; warms the OS file cache
            time_once(variant)
        if cold.exists() and any(cold.rglob("*.pyc")):
            raise SystemExit("the not-compiled runs wrote byte-code")
        for n in range(opts.runs):
            shift = n % len(variants)
            for variant in variants[shift:] + variants[:shift]:
                variant.samples.append(time_once(variant))
    print(f"whole-process timings, {opts.runs} runs each, interleaved:")
    for variant in variants:
        report(variant)
    print(f"  budget: {BUDGET_MS:.0f} ms (compiled: a pip install writes byte-code)")
    start_up = statistics.median(variants[0].samples)
    write_measures(
        opts.measures_json,
        [
            Measure(
                variant.label.replace(f"show {CONTACT} --json", "show --json process"),
                statistics.median(variant.samples),
                "ms",
                f"≤ {BUDGET_MS:.0f} ms" if "not compiled" not in variant.label else "",
                limit=BUDGET_MS if "not compiled" not in variant.label else None,
                yardstick="python -c pass",
                yardstick_figure=start_up
                if "not compiled" not in variant.label
                else statistics.median(variants[3].samples),
            )
            for variant in variants
            if variant.argv[1] != "-c"
        ],
    )


if __name__ == "__main__":
    main()
