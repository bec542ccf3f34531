"""Time `ccc-tui find --json` over 10,000 rows at an emulated latency: concurrent vs one page at a
time.

Run by hand (not a test):
  .venv/bin/python benchmarks/bench_find.py [--rows 10000] [--latency-ms 50] [--pairs 5]

The emulator runs in its own process (a data set of `--rows` calls over its 30 days, every request
delayed by the latency) on a loopback socket; `find --json` over those 30 days (5 windows of at
most 7 days, 100 rows a page) runs in this process, the same way for both sides:
  - concurrent: the default (`--concurrency 16`);
  - one page at a time: `--concurrency 1`, what a loop over PageNumber amounts to.
After one warm-up run (imports, the connection pool, the data set's caches) the two alternate,
A B A B …, `--pairs` times, so that load from elsewhere on the machine falls on both; the medians
are compared. Each run also reports its CPU time per page on either side (this process; the
emulator's, from /proc where there is one): at a 50 ms latency, one page at a time costs
latency + both CPU times a page, while concurrent is bounded by the busier side's CPU time.
Budget (DESIGN §7): concurrent ≥ 8× faster than one page at a time.
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
from dataclasses import dataclass
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
def emulator_process(anchor: datetime, rows: int, latency_ms: float) -> Iterator[tuple[str, int]]:
    cmd = [sys.executable, "-c", SERVER, anchor.isoformat(), str(rows), str(latency_ms)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip(), proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def cpu_seconds(pid: int) -> float | None:
    """A process's user + system CPU time, from /proc (None where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    seconds: float
    lines: int
    pages: int
    client_cpu: float
    server_cpu: float | None


def count_pages() -> list[int]:
    """Count the ListCallDetailRecords requests this process makes (one list, one counter)."""
    from ccc_tui.api.client import CccClient

    counter = [0]
    original = CccClient.list_call_detail_records

    async def counted(self: CccClient, **kwargs: object) -> object:
        counter[0] += 1
        return await original(self, **kwargs)  # type: ignore[arg-type]

    CccClient.list_call_detail_records = counted  # type: ignore[assignment,method-assign]
    return counter


def run_find(
    window: list[str], concurrency: int, endpoint: str, limit: int, server: int, pages: list[int]
) -> Run:
    args = ["find", *window, "--json", "--limit", str(limit), "--tz", "UTC"]
    args += ["--concurrency", str(concurrency), "--endpoint", endpoint]
    sink, errors = io.StringIO(), io.StringIO()
    pages[0] = 0
    server_before, cpu_before = cpu_seconds(server), time.process_time()
    started = time.perf_counter()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(errors):
        code = main(args)
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_before
    server_after = cpu_seconds(server)
    server_cpu = (
        None if server_before is None or server_after is None else server_after - server_before
    )
    if code != 0:
        raise SystemExit(f"find failed: exit {code}: {errors.getvalue()}")
    lines = len(sink.getvalue().splitlines())
    return Run(elapsed, lines, pages[0], client_cpu, server_cpu)


def describe(runs: list[Run]) -> str:
    seconds = statistics.median(r.seconds for r in runs)
    pages = statistics.median(r.pages for r in runs)
    client = statistics.median(r.client_cpu / r.pages for r in runs) * 1000
    text = f"{seconds:6.2f} s  {runs[0].lines / seconds:6.0f} rows/s  {pages:4.0f} pages"
    text += f"  CPU a page: find {client:4.1f} ms"
    servers = [r.server_cpu / r.pages for r in runs if r.server_cpu is not None]
    if servers:
        text += f", emulator {statistics.median(servers) * 1000:4.1f} ms"
    return text


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--pairs", type=int, default=5, help="concurrent/serial runs, alternating")
    opts = parser.parse_args()
    anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = anchor - timedelta(days=30)
    window = ["--since", f"{start:%Y-%m-%d}", "--until", f"{anchor:%Y-%m-%d %H:%M}"]
    os.environ.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO_ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO_ACCESS_KEY_SECRET,
        CCC_TUI_INSTANCE_ID=DEMO_INSTANCE_ID,
    )
    pages = count_pages()
    concurrent: list[Run] = []
    serial: list[Run] = []
    with emulator_process(anchor, opts.rows, opts.latency_ms) as (url, pid):
        run_find(window, 16, url, opts.rows, pid, pages)  # warm up
        for _ in range(opts.pairs):
            concurrent.append(run_find(window, 16, url, opts.rows, pid, pages))
            serial.append(run_find(window, 1, url, opts.rows, pid, pages))
    lines = {r.lines for r in concurrent + serial}
    if len(lines) != 1 or min(lines) < opts.rows:
        raise SystemExit(f"row counts differ or fall short: {sorted(lines)}")
    fast = statistics.median(r.seconds for r in concurrent)
    slow = statistics.median(r.seconds for r in serial)
    print(
        f"find --json, {concurrent[0].lines} rows, {opts.latency_ms:g} ms latency per request, "
        f"medians of {opts.pairs} alternating runs each"
    )
    print(f"  concurrent (--concurrency 16)        {describe(concurrent)}")
    print(f"  one page at a time (--concurrency 1) {describe(serial)}")
    print("  each run, concurrent / one at a time (s): " + ", ".join(
        f"{a.seconds:.2f}/{b.seconds:.2f}" for a, b in zip(concurrent, serial, strict=True)
    ))  # fmt: skip
    print(f"  speed-up: {slow / fast:.1f}x (budget: >= 8x)")


if __name__ == "__main__":
    main_bench()
