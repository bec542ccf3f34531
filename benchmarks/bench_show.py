"""Time `ccc-tui show` for many contacts at an emulated latency: concurrent vs one at a time.

Run by hand (not a test):  .venv/bin/python benchmarks/bench_show.py [--contacts 200] [--latency-ms 50]

It serves the emulator in its own process (`ccc-tui emulator --latency-ms N`, so its CPU does not
compete with the client for one interpreter) over a real loopback socket, then runs the
`show --json` command in this process three ways:
  - concurrent: the default (`--concurrency 16`);
  - contact by contact: `--concurrency 2`, so one contact's two reads overlap but contacts do not;
  - one request at a time: `--concurrency 1`, what a shell loop over the CLI amounts to.
Budget (DESIGN §7): concurrent ≥ 8× faster than one at a time. `--quick`: 50 contacts.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.cli.main import main
from ccc_tui.emulator.constants import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import Dataset


def contact_ids(dataset: Dataset, count: int) -> list[str]:
    stop = dataset.anchor
    start = stop - timedelta(days=30)
    ids = [
        s.contact_id
        for s in dataset.summaries(int(start.timestamp() * 1000), int(stop.timestamp() * 1000))
    ]
    return ids[:count]


@contextlib.contextmanager
def emulator_process(latency_ms: float) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [
        sys.executable,
        "-m",
        "ccc_tui",
        "emulator",
        "--port",
        str(port),
        "--latency-ms",
        str(latency_ms),
    ]
    # This checkout's code, not whichever ccc_tui the interpreter would find on its own.
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_show(ids: list[str], concurrency: int, endpoint: str) -> float:
    args = ["show", *ids, "--json", "--concurrency", str(concurrency), "--endpoint", endpoint]
    sink = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(sink):
        code = main(args)
    elapsed = time.perf_counter() - started
    lines = sink.getvalue().splitlines()
    if code != 0 or len(lines) != len(ids):
        raise SystemExit(f"show failed: exit {code}, {len(lines)} of {len(ids)} lines")
    return elapsed


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--quick", action="store_true", help="50 contacts")
    add_measures_argument(parser)
    opts = parser.parse_args()
    if opts.quick:
        opts.contacts = 50

    anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    dataset = Dataset(anchor=anchor)
    ids = contact_ids(dataset, opts.contacts)
    os.environ.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=DEMO_ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEMO_ACCESS_KEY_SECRET,
        CCC_TUI_INSTANCE_ID=DEMO_INSTANCE_ID,
    )
    with emulator_process(opts.latency_ms) as url:
        run_show(ids[:5], 16, url)  # warm up: imports, connection pool, dataset caches
        rows = [
            ("concurrent (--concurrency 16)", run_show(ids, 16, url)),
            ("contact by contact (--concurrency 2)", run_show(ids, 2, url)),
            ("one request at a time (--concurrency 1)", run_show(ids, 1, url)),
        ]
    requests = 2 * len(ids)
    print(
        f"show --json, {len(ids)} contacts ({requests} requests), {opts.latency_ms:g} ms latency per request"
    )
    for label, seconds in rows:
        print(f"  {label:<42} {seconds:7.2f} s   {requests / seconds:7.1f} req/s")
    speedup = rows[2][1] / rows[0][1]
    print(f"  speed-up concurrent vs one at a time: {speedup:.1f}x (budget: >= 8x)")
    print(f"  speed-up concurrent vs contact by contact: {rows[1][1] / rows[0][1]:.1f}x")
    write_measures(
        opts.measures_json,
        [
            Measure(
                f"show, {len(ids)} contacts at {opts.latency_ms:g} ms: concurrent speed-up",
                speedup,
                "×",
                "≥ 8× one at a time",
                limit=8.0,
                higher_is_better=True,
                note=f"concurrent {rows[0][1]:.2f} s, one at a time {rows[2][1]:.2f} s",
            )
        ],
    )


if __name__ == "__main__":
    main_bench()
