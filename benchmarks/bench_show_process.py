"""Time `ccc-tui show --json` for one contact as a whole process (start to exit).

Run by hand:  .venv/bin/python benchmarks/bench_show_process.py [--runs 20]

Measures the in-process demo (`--demo`) and a real loopback emulator (`--endpoint`), and how much
of it is interpreter start-up (`python -c pass`). Budget (DESIGN §7): ≤ 300 ms.
Byte-code caching matters here: the runs use the environment as it is, so say whether
PYTHONDONTWRITEBYTECODE is set when you quote the numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccc_tui.emulator.constants import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID
from ccc_tui.emulator.server import running_emulator


def time_runs(argv: list[str], runs: int, env: dict[str, str]) -> list[float]:
    subprocess.run(argv, env=env, capture_output=True, check=True)  # warm the OS file cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p90 = samples[int(len(samples) * 0.9) - 1]
    print(
        f"  {label:<44} median {statistics.median(samples):6.0f} ms   p90 {p90:6.0f} ms   min {samples[0]:6.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    opts = parser.parse_args()
    env = dict(os.environ)
    show = [sys.executable, "-m", "ccc_tui", "show", "1096645650", "--json"]
    print(
        f"whole-process timings over {opts.runs} runs "
        f"(PYTHONDONTWRITEBYTECODE={'set' if env.get('PYTHONDONTWRITEBYTECODE') else 'unset'})"
    )
    report(
        "python -c pass (interpreter start-up)",
        time_runs([sys.executable, "-c", "pass"], opts.runs, env),
    )
    report("show 1096645650 --json --demo", time_runs([*show, "--demo"], opts.runs, env))
    with running_emulator() as url:
        env.update(
            ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO_ACCESS_KEY_ID,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO_ACCESS_KEY_SECRET,
            CCC_TUI_INSTANCE_ID=DEMO_INSTANCE_ID,
        )
        report(
            "show 1096645650 --json --endpoint (loopback)",
            time_runs([*show, "--endpoint", url], opts.runs, env),
        )
    print("  budget: 300 ms")


if __name__ == "__main__":
    main()
