"""Time `ccc-tui find --json` over 10,000 rows at an emulated latency: concurrent vs one page at a
time, on the demo's 2017-07-05 instance and on its CCC 2.0 (2020-07-01) one.

Run by hand (not a test):
  .venv/bin/python benchmarks/bench_find.py [--rows 10000] [--latency-ms 50] [--pairs 5]
      [--api-version 2017-07-05|2020-07-01] [--quick] [--measures-json PATH]

The emulator runs in its own process (a data set of `--rows` calls over its 30 days, every request
delayed by the latency) on a loopback socket; `find --json` over those 30 days (5 windows of at
most 7 days, 100 rows a page: ListCallDetailRecords, or ListCallDetailRecordsV2 on 2.0) runs in
this process, the same way for both sides:
  - concurrent: the default (`--concurrency 16`);
  - one page at a time: `--concurrency 1`, what a loop over PageNumber amounts to.
Without `--api-version` both versions are measured, one after the other. Per version, after one
warm-up run (imports, the connection pool, the data set's caches) the two alternate, A B A B …,
`--pairs` times, so that load from elsewhere on the machine falls on both; the medians are
compared. Each run also reports its CPU time per page on either side (this process; the
emulator's, from /proc where there is one): at a 50 ms latency, one page at a time costs
latency + both CPU times a page, while concurrent is bounded by the busier side's CPU time.
`--quick`: two pairs per version (for a table of every budget).
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.api import versions
from ccc_tui.cli.main import main
from ccc_tui.emulator.constants import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
    DEMO_INSTANCE_ID_2020,
)

INSTANCES = {versions.V2017: DEMO_INSTANCE_ID, versions.V2020: DEMO_INSTANCE_ID_2020}
SHORT = {versions.V2017: "2017", versions.V2020: "2.0"}
BUDGET = 8.0

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
    root = str(Path(__file__).resolve().parents[1])
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    )
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
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
    """Count the find requests this process makes (one list, one counter)."""
    from ccc_tui.api.client import CccClient

    counter = [0]
    original = CccClient.list_call_detail_records

    async def counted(self: CccClient, **kwargs: object) -> object:
        counter[0] += 1
        return await original(self, **kwargs)  # type: ignore[arg-type]

    CccClient.list_call_detail_records = counted  # type: ignore[assignment,method-assign]
    return counter


def run_find(
    window: list[str],
    concurrency: int,
    endpoint: str,
    limit: int,
    version: str,
    server: int,
    pages: list[int],
) -> Run:
    args = ["find", *window, "--json", "--limit", str(limit), "--tz", "UTC"]
    args += ["--concurrency", str(concurrency), "--endpoint", endpoint]
    args += ["--instance-id", INSTANCES[version], "--api-version", version]
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
        raise SystemExit(f"find failed on {version}: exit {code}: {errors.getvalue()}")
    lines = len(sink.getvalue().splitlines())
    return Run(elapsed, lines, pages[0], client_cpu, server_cpu)


def cpu_per_page(runs: list[Run]) -> tuple[float, float | None]:
    """Median CPU milliseconds a page: (find, emulator or None)."""
    client = statistics.median(r.client_cpu / r.pages for r in runs) * 1000
    servers = [r.server_cpu / r.pages for r in runs if r.server_cpu is not None]
    return client, (statistics.median(servers) * 1000 if servers else None)


def describe(runs: list[Run]) -> str:
    seconds = statistics.median(r.seconds for r in runs)
    pages = statistics.median(r.pages for r in runs)
    client, server = cpu_per_page(runs)
    text = f"{seconds:6.2f} s  {runs[0].lines / seconds:6.0f} rows/s  {pages:4.0f} pages"
    text += f"  CPU a page: find {client:4.1f} ms"
    if server is not None:
        text += f", emulator {server:4.1f} ms"
    return text


def measure_version(
    version: str, opts: argparse.Namespace, window: list[str], url: str, pid: int, pages: list[int]
) -> list[Measure]:
    run_find(window, 16, url, opts.rows, version, pid, pages)  # warm up
    concurrent: list[Run] = []
    serial: list[Run] = []
    for _ in range(opts.pairs):
        concurrent.append(run_find(window, 16, url, opts.rows, version, pid, pages))
        serial.append(run_find(window, 1, url, opts.rows, version, pid, pages))
    lines = {r.lines for r in concurrent + serial}
    if len(lines) != 1 or min(lines) < opts.rows:
        raise SystemExit(f"{version}: row counts differ or fall short: {sorted(lines)}")
    fast = statistics.median(r.seconds for r in concurrent)
    slow = statistics.median(r.seconds for r in serial)
    print(
        f"{version} ({INSTANCES[version]}): find --json, {concurrent[0].lines} rows, "
        f"{opts.latency_ms:g} ms latency per request, medians of {opts.pairs} alternating runs each"
    )
    print(f"  concurrent (--concurrency 16)        {describe(concurrent)}")
    print(f"  one page at a time (--concurrency 1) {describe(serial)}")
    print("  each run, concurrent / one at a time (s): " + ", ".join(
        f"{a.seconds:.2f}/{b.seconds:.2f}" for a, b in zip(concurrent, serial, strict=True)
    ))  # fmt: skip
    print(f"  speed-up: {slow / fast:.1f}x (budget: >= {BUDGET:g}x)", flush=True)
    short = SHORT[version]
    client, server = cpu_per_page(concurrent)
    serial_client, serial_server = cpu_per_page(serial)
    # Concurrent, this process's CPU bounds the run; one at a time, every page waits the latency
    # and both sides' CPU. So no concurrency beats (latency + both CPUs a page one at a time) /
    # (this process's CPU a page concurrent): on a slower or busier machine the ceiling falls, and
    # the speed-up with it.
    ceiling = (opts.latency_ms + serial_client + (serial_server or 0.0)) / client
    print(f"  CPU-bound ceiling at this machine's speed: {ceiling:.1f}x", flush=True)
    measures = [
        Measure(
            f"find --json {opts.rows // 1000}k rows, {short} (L={opts.latency_ms:g})",
            slow / fast,
            "×",
            f"≥ {BUDGET:g}×",
            limit=BUDGET,
            higher_is_better=True,
            yardstick="one page at a time",
            note=f"concurrent {fast:.2f} s, one page at a time {slow:.2f} s",
        ),
        Measure(f"find CPU-bound ceiling, {short}", ceiling, "×", ""),
        Measure(f"find CPU a page, {short}: client", client, "ms", ""),
    ]
    if server is not None:
        measures.append(Measure(f"find CPU a page, {short}: emulator", server, "ms", ""))
    return measures


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--pairs", type=int, default=5, help="concurrent/serial runs, alternating")
    parser.add_argument(
        "--api-version", choices=versions.VERSIONS, help="one version (default: both)"
    )
    parser.add_argument("--quick", action="store_true", help="two pairs per version")
    add_measures_argument(parser)
    opts = parser.parse_args()
    if opts.quick:
        opts.pairs = min(opts.pairs, 2)
    chosen = [opts.api_version] if opts.api_version else list(versions.VERSIONS)
    anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = anchor - timedelta(days=30)
    window = ["--since", f"{start:%Y-%m-%d}", "--until", f"{anchor:%Y-%m-%d %H:%M}"]
    os.environ.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO_ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO_ACCESS_KEY_SECRET,
    )
    pages = count_pages()
    measures: list[Measure] = []
    with emulator_process(anchor, opts.rows, opts.latency_ms) as (url, pid):
        for version in chosen:
            measures += measure_version(version, opts, window, url, pid, pages)
    write_measures(opts.measures_json, measures)


if __name__ == "__main__":
    main_bench()
