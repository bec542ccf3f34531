"""Time `ccc-tui find --json` over 10,000 rows at an emulated latency: concurrent vs one page at a
time, on the demo's 2017-07-05 instance and on its CCC 2.0 (2020-07-01) one.

Run by hand (not a test):
  .venv/bin/python benchmarks/bench_find.py [--rows 10000] [--latency-ms 50] [--runs 3]
      [--api-version both|2017-07-05|2020-07-01]

The emulator runs in its own process (a data set of `--rows` calls over its 30 days, every request
delayed by the latency) on a loopback socket; `find --json` over those 30 days (5 windows of at
most 7 days, 100 rows a page: ListCallDetailRecords, or ListCallDetailRecordsV2 on 2.0) runs in
this process, per version:
  - concurrent: the default (`--concurrency 16`);
  - one page at a time: `--concurrency 1`, what a loop over PageNumber amounts to.
The runs are interleaved (every kind once per round, `--runs` rounds) and the medians reported.
Budget (DESIGN §7): concurrent ≥ 8× faster than one page at a time, on either version.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccc_tui.api import versions
from ccc_tui.cli.main import main
from ccc_tui.emulator.constants import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
    DEMO_INSTANCE_ID_2020,
)

INSTANCES = {versions.V2017: DEMO_INSTANCE_ID, versions.V2020: DEMO_INSTANCE_ID_2020}

SERVER = """
import sys, time
from datetime import datetime
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.server import running_emulator
anchor = datetime.fromisoformat(sys.argv[1])
with running_emulator(dataset=Dataset(anchor=anchor, count=int(sys.argv[2])),
                      faults=Faults(latency_ms=float(sys.argv[3]))) as url:
    print(url, flush=True)
    while True:
        time.sleep(3600)
"""


@contextlib.contextmanager
def emulator_process(anchor: datetime, rows: int, latency_ms: float) -> Iterator[str]:
    cmd = [sys.executable, "-c", SERVER, anchor.isoformat(), str(rows), str(latency_ms)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_find(
    window: list[str], concurrency: int, endpoint: str, limit: int, version: str
) -> tuple[float, int]:
    args = ["find", *window, "--json", "--limit", str(limit), "--tz", "UTC"]
    args += ["--concurrency", str(concurrency), "--endpoint", endpoint]
    args += ["--instance-id", INSTANCES[version], "--api-version", version]
    sink, errors = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(errors):
        code = main(args)
    elapsed = time.perf_counter() - started
    lines = len(sink.getvalue().splitlines())
    if code != 0:
        raise SystemExit(f"find failed: exit {code}: {errors.getvalue()}")
    return elapsed, lines


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--api-version", choices=["both", *versions.VERSIONS], default="both")
    opts = parser.parse_args()
    chosen = list(versions.VERSIONS) if opts.api_version == "both" else [opts.api_version]
    anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = anchor - timedelta(days=30)
    window = ["--since", f"{start:%Y-%m-%d}", "--until", f"{anchor:%Y-%m-%d %H:%M}"]
    os.environ.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO_ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO_ACCESS_KEY_SECRET,
    )
    kinds = [(version, concurrency) for version in chosen for concurrency in (16, 1)]
    times: dict[tuple[str, int], list[float]] = {kind: [] for kind in kinds}
    counts: dict[tuple[str, int], set[int]] = {kind: set() for kind in kinds}
    with emulator_process(anchor, opts.rows, opts.latency_ms) as url:
        for version in chosen:  # warm up: imports, pool, the data set's caches
            run_find(window, 16, url, opts.rows, version)
        for _ in range(max(1, opts.runs)):
            for kind in kinds:
                elapsed, rows = run_find(window, kind[1], url, opts.rows, kind[0])
                times[kind].append(elapsed)
                counts[kind].add(rows)
    print(f"find --json, {opts.rows} rows, {opts.latency_ms:g} ms latency per request, "
          f"medians of {max(1, opts.runs)} interleaved runs")  # fmt: skip
    for version in chosen:
        rows_seen = counts[(version, 16)] | counts[(version, 1)]
        if len(rows_seen) != 1 or min(rows_seen) < opts.rows:
            raise SystemExit(f"{version}: row counts differ or fall short: {sorted(rows_seen)}")
        rows = rows_seen.pop()
        concurrent = statistics.median(times[(version, 16)])
        serial = statistics.median(times[(version, 1)])
        print(f"{version} ({INSTANCES[version]}), {rows} rows (≥ {-(-rows // 100)} pages)")
        print(f"  concurrent (--concurrency 16)        {concurrent:7.2f} s  {rows / concurrent:8.0f} rows/s")
        print(f"  one page at a time (--concurrency 1) {serial:7.2f} s  {rows / serial:8.0f} rows/s")
        print(f"  speed-up: {serial / concurrent:.1f}x (budget: >= 8x)")


if __name__ == "__main__":
    main_bench()
