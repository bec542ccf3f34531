"""Time opening a CCC 2.0 call: the client's `get_call` (GetCallDetailRecord, ListMonoRecordings,
ListMultiChannelRecordings) and `list_ivr_nodes` (ListIvrTrackingDetails), as the call screen
asks them, against the in-process demo's 2.0 instance with an emulated latency per request.

Run by hand (not a test):
  .venv/bin/python benchmarks/bench_call_2020.py [--latency-ms 50] [--runs 15] [--quick]
      [--measures-json PATH]

Every showcase call of the 2.0 instance (`SHOWCASE_2020`) is opened `--runs` times two ways,
interleaved (one of each per round), with a fresh client each time:
  - concurrent: the call and its IVR track at once (`asyncio.gather`), as the screen does;
  - one after another: each request awaited before the next (what the reads cost unshared).
Budget (DESIGN §7): the median concurrent open ≤ latency + 60 ms. `--quick`: 3 runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.api.client import CccClient
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID_2020
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.showcase import SHOWCASE_2020
from ccc_tui.profiles.demo import demo_client

BUDGET_MS = 60.0


async def open_concurrently(client: CccClient, contact_id: str) -> int:
    call, nodes = await asyncio.gather(
        client.get_call(contact_id), client.list_ivr_nodes(contact_id)
    )
    return len(call.events) + len(call.recordings) + len(nodes)


async def open_serially(client: CccClient, contact_id: str) -> int:
    call = await client.get_call_events(contact_id)
    recordings = await client.list_recordings(contact_id)
    nodes = await client.list_ivr_nodes(contact_id)
    return len(call.events) + len(recordings) + len(nodes)


async def timed(dataset: Dataset, latency_ms: float, contact_id: str, concurrent: bool) -> float:
    client = demo_client(
        dataset=dataset, faults=Faults(latency_ms=latency_ms), instance_id=DEMO_INSTANCE_ID_2020
    )
    async with client:
        started = time.perf_counter()
        found = await (open_concurrently if concurrent else open_serially)(client, contact_id)
        elapsed = (time.perf_counter() - started) * 1000
        if not found:
            raise SystemExit(f"{contact_id}: nothing came back")
        return elapsed


async def run(latency_ms: float, runs: int) -> list[Measure]:
    dataset = Dataset()
    ids = sorted(set(SHOWCASE_2020.values()))
    for contact_id in ids:  # warm up: imports, the data set's caches, the 2.0 conversion
        await timed(dataset, 0, contact_id, True)
    together: list[float] = []
    apart: list[float] = []
    for _ in range(max(1, runs)):
        for contact_id in ids:
            together.append(await timed(dataset, latency_ms, contact_id, True))
            apart.append(await timed(dataset, latency_ms, contact_id, False))
    median = statistics.median(together)
    print(
        f"open a 2.0 call (get_call + list_ivr_nodes), {len(ids)} showcase calls × {runs} runs, "
        f"{latency_ms:g} ms latency per request"
    )
    print(
        f"  concurrent        median {median:6.1f} ms  p90 {_p90(together):6.1f} ms  "
        f"(budget ≤ {latency_ms + BUDGET_MS:g} ms: {'ok' if median <= latency_ms + BUDGET_MS else 'OVER'})"
    )
    print(
        f"  one after another median {statistics.median(apart):6.1f} ms  p90 {_p90(apart):6.1f} ms"
    )
    return [
        Measure(
            f"open a 2.0 call (L={latency_ms:g})",
            median,
            "ms",
            f"≤ {latency_ms + BUDGET_MS:g} ms",
            limit=latency_ms + BUDGET_MS,
            yardstick="one after another",
            yardstick_figure=statistics.median(apart),
            note=f"p90 {_p90(together):.1f} ms; {len(ids)} calls × {runs} runs",
        )
    ]


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10)[-1] if len(samples) > 1 else samples[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    add_measures_argument(parser)
    opts = parser.parse_args()
    runs = min(opts.runs, 3) if opts.quick else opts.runs
    write_measures(opts.measures_json, asyncio.run(run(opts.latency_ms, runs)))


if __name__ == "__main__":
    main()
