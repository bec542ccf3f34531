"""Time `ccc-tui find --json` over 10,000 rows at an emulated latency: concurrent vs one page at a
time.

Run by hand (not a test):  .venv/bin/python benchmarks/bench_find.py [--rows 10000] [--latency-ms 50]

The emulator runs in its own process (a data set of `--rows` calls over its 30 days, every request
delayed by the latency) on a loopback socket; `find --json` over those 30 days (5 windows of at
most 7 days, 100 rows a page) runs in this process twice:
  - concurrent: the default (`--concurrency 16`);
  - one page at a time: `--concurrency 1`, what a loop over PageNumber amounts to.
Budget (DESIGN §7): concurrent ≥ 8× faster than one page at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccc_tui.cli.main import main
from ccc_tui.emulator.constants import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID

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


def run_find(window: list[str], concurrency: int, endpoint: str, limit: int) -> tuple[float, int]:
    args = ["find", *window, "--json", "--limit", str(limit), "--tz", "UTC"]
    args += ["--concurrency", str(concurrency), "--endpoint", endpoint]
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
    opts = parser.parse_args()
    anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = anchor - timedelta(days=30)
    window = ["--since", f"{start:%Y-%m-%d}", "--until", f"{anchor:%Y-%m-%d %H:%M}"]
    os.environ.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO_ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO_ACCESS_KEY_SECRET,
        CCC_TUI_INSTANCE_ID=DEMO_INSTANCE_ID,
    )
    with emulator_process(anchor, opts.rows, opts.latency_ms) as url:
        run_find(window, 16, url, opts.rows)  # warm up: imports, pool, the data set's caches
        concurrent, rows = run_find(window, 16, url, opts.rows)
        serial, rows_serial = run_find(window, 1, url, opts.rows)
    if rows != rows_serial or rows < opts.rows:
        raise SystemExit(f"row counts differ or fall short: {rows} vs {rows_serial}")
    pages = -(-rows // 100)
    print(f"find --json, {rows} rows (≥ {pages} pages), {opts.latency_ms:g} ms latency per request")
    print(f"  concurrent (--concurrency 16)        {concurrent:7.2f} s  {rows / concurrent:8.0f} rows/s")
    print(f"  one page at a time (--concurrency 1) {serial:7.2f} s  {rows / serial:8.0f} rows/s")
    print(f"  speed-up: {serial / concurrent:.1f}x (budget: >= 8x)")


if __name__ == "__main__":
    main_bench()
