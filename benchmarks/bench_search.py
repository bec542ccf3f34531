"""How the search screen meets its budgets (run by hand, not a test).

    .venv/bin/python benchmarks/bench_search.py [--latency-ms L ...] [--rows 10000] [--steps 100]
        [--runs 7] [--quick] [--measures-json PATH]

Budgets (DESIGN.md §7): `enter` → first page of results painted ≤ L + 80 ms (L: the emulated
latency per request); with 10,000 result rows one scroll step ≤ 16 ms at 80×24 and 200×60.

- first page: from the `enter` key's handler to the first frame that shows a result row, against
  the demo emulator with L ms of latency per request (the median of `--runs` searches, after one
  to warm up; at L = 0 and L = 50 unless `--latency-ms` says which, repeatable);
- scroll step: the median time of a `j` press's handler plus the frame that follows (layout,
  compositing, the visible lines' `render_line`), and of a `pagedown` press, on 10,000 rows.

`--quick`: 3 searches per latency, 30 scroll steps.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.calls.search import Row
from ccc_tui.emulator.faults import Faults
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.widgets.results import ResultsList
from tests.apphelpers import build_app


async def first_page(latency_ms: float, runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp), faults=Faults(latency_ms=latency_ms))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            results = screen.query_one(ResultsList)
            for run in range(runs + 1):  # the first warms up: imports, the data set's caches
                painted: list[float] = []
                original = results.render_line

                def probe(y: int, original=original, painted=painted) -> object:  # type: ignore[no-untyped-def]
                    strip = original(y)
                    if y == 1 and results.row_count and not painted:
                        painted.append(time.perf_counter())
                    return strip

                screen.field.value = "yesterday"
                screen.field.focus()
                await pilot.pause()
                started = time.perf_counter()
                screen.submit_text(screen.field.value)  # clears the rows, starts the search
                results.render_line = probe  # type: ignore[method-assign]
                while not painted:
                    await asyncio.sleep(0.001)
                if run:
                    times.append((painted[0] - started) * 1000)
                await app.workers.wait_for_complete()
                results.render_line = original  # type: ignore[method-assign]
    return times


async def scroll(size: tuple[int, int], rows: int, steps: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            screen.field.value = "yesterday"
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            results = screen.query_one(ResultsList)
            base = results.rows
            many: list[Row] = []
            for i in range(rows):
                row = base[i % len(base)]
                many.append(replace(row, record=replace(row.record, contact_id=f"b{i}")))
            results.clear(tz=screen.context.tz, with_date=False)
            results.add(many)
            screen.impact.display = False
            results.focus()
            await pilot.pause()
            out = {}
            for key, count in (("j", steps), ("pagedown", max(steps // 10, 5))):
                spent = []
                for _ in range(count):
                    started = time.perf_counter()
                    getattr(results, "action_cursor_down" if key == "j" else "action_page_down")()
                    app.screen._compositor_refresh()
                    app._display(app.screen, app.screen._compositor.render_update(full=False))  # type: ignore[attr-defined]
                    spent.append((time.perf_counter() - started) * 1000)
                    await pilot.pause()
                out[key] = statistics.median(spent)
            return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--latency-ms", type=float, action="append", help="repeatable (default: 0 and 50)"
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 searches, 30 scroll steps")
    add_measures_argument(parser)
    args = parser.parse_args()
    if args.quick:
        args.runs, args.steps = min(args.runs, 3), min(args.steps, 30)
    measures = []
    for latency in args.latency_ms or [0.0, 50.0]:
        times = asyncio.run(first_page(latency, args.runs))
        budget = latency + 80
        median = statistics.median(times)
        print(
            f"enter → first page painted, L = {latency:.0f} ms: median {median:.1f} ms, "
            f"max {max(times):.1f} ms (budget {budget:.0f} ms)",
            flush=True,
        )
        measures.append(
            Measure(
                f"search enter → first page (L={latency:g})",
                median,
                "ms",
                f"≤ {budget:g} ms",
                limit=budget,
                note=f"max {max(times):.1f} ms of {len(times)} searches",
            )
        )
    for size in ((80, 24), (200, 60)):
        steps = asyncio.run(scroll(size, args.rows, args.steps))
        for key, ms in steps.items():
            print(
                f"{size[0]}x{size[1]}, {args.rows} rows, {key}: handler + frame median "
                f"{ms:.2f} ms (budget 16 ms)",
                flush=True,
            )
            measures.append(
                Measure(
                    f"results scroll {key}, {args.rows // 1000}k rows, {size[0]}x{size[1]}",
                    ms,
                    "ms",
                    "≤ 16 ms",
                    limit=16,
                )
            )
    write_measures(args.measures_json, measures)


if __name__ == "__main__":
    main()
