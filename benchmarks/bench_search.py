"""How the search screen meets its budgets (run by hand, not a test).

    .venv/bin/python benchmarks/bench_search.py [--latency-ms L ...] [--rows 10000] [--steps 100]
        [--runs 7] [--gc app|python] [--quick] [--measures-json PATH]

Budgets (DESIGN.md §7): `enter` → first page of results painted ≤ L + 80 ms (L: the emulated
latency per request); with 10,000 result rows one scroll step ≤ 16 ms at 80×24 and 200×60, and
memory growth ≤ 40 MB.

- first page: from the `enter` key's handler to the first frame that shows a result row, against
  the demo emulator with L ms of latency per request (the median of `--runs` searches, after one
  to warm up; at L = 0 and L = 50 unless `--latency-ms` says which, repeatable);
- scroll step: measured as bench_timeline.py measures the event timeline's (its `FrameClock` and
  `press`): one key press through Pilot on the search screen's list of 10,000 rows, and "handler +
  frame" is the time spent in the key's handler plus the screen's layout, compositing, painting
  and terminal output for that step (the headless driver skips the output; it is done here), only
  the outermost of those nested calls counted. `j` moves the cursor until it reaches the bottom
  of the view, and then scrolls the view a line a step: the two are reported apart (the cursor
  moves from the top, the scrolls from the view's last line on). `pagedown` moves a screenful;
- the collector runs under the app's policy (its thresholds, what was built before the rows
  frozen, as `ccc-tui` freezes its start-up) unless `--gc python`; the first page is measured
  before that, under Python's;
- memory: the process's RSS growth from showing the 10,000 rows in the list at 200×60 and paging
  through all of them, in a process of its own with nothing else in it (the rows themselves, the
  data a search returns, are built before the baseline).

`--quick`: 3 searches per latency, 30 scroll steps.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.pilot import Pilot
from textual.strip import Strip

from benchmarks.bench_timeline import (
    FrameClock,
    Frames,
    GcWatch,
    ScrollbarClock,
    Step,
    _rss_mb,
    press,
)
from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.calls.search import Row
from ccc_tui.emulator.faults import Faults
from ccc_tui.tui.app import CccApp
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.widgets.results import ResultsList
from tests.apphelpers import build_app

STEP_MS = 16.0
MEMORY_MB = 40.0
BIG = (200, 60)


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


def app_gc_policy() -> None:
    """The collector as `ccc-tui` runs it: its thresholds, and what was built so far frozen (the
    app freezes what its start-up built)."""
    from ccc_tui.cli.launch import GC_THRESHOLDS

    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()


async def searched(app: CccApp, pilot: Pilot[None]) -> tuple[SearchScreen, ResultsList]:
    """The search screen after a search of the demo's calls (its first rows in the list)."""
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    screen.field.value = "yesterday"
    await pilot.press("enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen, screen.query_one(ResultsList)


def many_rows(base: list[Row], rows: int) -> list[Row]:
    """`rows` rows, the search's own repeated, each with a contact id of its own."""
    many: list[Row] = []
    for i in range(rows):
        row = base[i % len(base)]
        many.append(replace(row, record=replace(row.record, contact_id=f"b{i}")))
    return many


async def show(pilot: Pilot[None], screen: SearchScreen, results: ResultsList, rows: list[Row]) -> None:
    results.clear(tz=screen.context.tz, with_date=False)
    results.add(rows)
    screen.impact.display = False
    results.focus()
    await pilot.pause()


def instrument(results: ResultsList) -> Any:
    """Give the list the counters `press` reads (lines rendered, CPU time in render_line)."""
    probe: Any = results
    probe.rendered, probe.render_time = 0, 0.0
    original = results.render_line

    def render_line(y: int) -> Strip:
        started = time.thread_time()
        strip = original(y)
        probe.rendered += 1
        probe.render_time += time.thread_time() - started
        return strip

    results.render_line = render_line  # type: ignore[method-assign]
    return probe


async def scroll(size: tuple[int, int], rows: int, steps: int, policy: str) -> dict[str, list[Step]]:
    """Per kind of step, every step taken on `rows` rows at `size`."""
    gcs = GcWatch()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = build_app(Path(tmp))
            async with app.run_test(size=size) as pilot:
                screen, results = await searched(app, pilot)
                if policy == "app":
                    app_gc_policy()
                await show(pilot, screen, results, many_rows(results.rows, rows))
                clock = FrameClock(app)  # type: ignore[arg-type]
                clock.watch(results, "move_cursor")  # what every cursor key's handler comes down to
                probe = instrument(results)
                page = results._page
                out: dict[str, list[Step]] = {}
                # The cursor from the top to the view's last line: it moves, the view stays.
                j = [await press(pilot, probe, clock, gcs, "j") for _ in range(min(steps, page - 1))]
                # From the view's last line on, every `j` scrolls the view a line.
                results.move_cursor(round(results.scroll_y) + page - 1)
                await pilot.pause()
                j += [await press(pilot, probe, clock, gcs, "j") for _ in range(steps)]
                out["j, cursor moves"] = [s for s in j if not s.scrolled]
                out["j, view scrolls a line"] = [s for s in j if s.scrolled]
                results.move_cursor(0)
                await pilot.pause()
                out["pagedown"] = [await press(pilot, probe, clock, gcs, "pagedown") for _ in range(steps)]
                return out
    finally:
        gcs.close()


async def memory(rows: int, policy: str) -> float:
    """MB of RSS grown by showing `rows` rows in the results list at 200×60 and paging through
    all of them."""
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(Path(tmp))
        async with app.run_test(size=BIG) as pilot:
            screen, results = await searched(app, pilot)
            if policy == "app":
                app_gc_policy()
            many = many_rows(results.rows, rows)
            gc.collect()
            rss_before = _rss_mb()
            await show(pilot, screen, results, many)
            for _ in range(math.ceil(rows / results._page)):
                await pilot.press("pagedown")
            await pilot.pause()
            assert results.cursor_row == rows - 1, "the pages did not reach the last row"
            gc.collect()
            return _rss_mb() - rss_before


def memory_in_own_process(rows: int, policy: str) -> float:
    done = subprocess.run(
        [sys.executable, __file__, "--rows", str(rows), "--gc", policy, "--memory"],
        capture_output=True, text=True, check=True,
    )
    return float(done.stdout.split()[-1])


def median(steps: list[Step], field: str) -> float:
    return statistics.median(getattr(s, field) for s in steps) if steps else float("nan")


def verdict(value: float, budget: float) -> str:
    return "ok" if value <= budget else "OVER BUDGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--latency-ms", type=float, action="append", help="repeatable (default: 0 and 50)"
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--steps", type=int, default=100, help="j presses from the view's last line (page-downs: as many)"
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--gc",
        choices=("app", "python"),
        default="app",
        help="the collector's policy for the scroll steps and memory: the app's (default) or Python's",
    )
    parser.add_argument("--quick", action="store_true", help="3 searches, 30 scroll steps")
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    add_measures_argument(parser)
    args = parser.parse_args()
    if args.memory:  # the child process of the memory measure
        print(asyncio.run(memory(args.rows, args.gc)))
        return
    if args.quick:
        args.runs, args.steps = min(args.runs, 3), min(args.steps, 30)
    measures = []
    for latency in args.latency_ms or [0.0, 50.0]:
        times = asyncio.run(first_page(latency, args.runs))
        budget = latency + 80
        first = statistics.median(times)
        print(
            f"enter → first page painted, L = {latency:.0f} ms: median {first:.1f} ms, "
            f"max {max(times):.1f} ms (budget {budget:.0f} ms)",
            flush=True,
        )
        measures.append(
            Measure(
                f"search enter → first page (L={latency:g})",
                first,
                "ms",
                f"≤ {budget:g} ms",
                limit=budget,
                note=f"max {max(times):.1f} ms of {len(times)} searches",
            )
        )
    ScrollbarClock.install()
    thousands = f"{args.rows // 1000}k" if args.rows >= 1000 else str(args.rows)
    for size in ((80, 24), BIG):
        label = f"{size[0]}×{size[1]}"
        results = asyncio.run(scroll(size, args.rows, args.steps, args.gc))
        print(
            f"{label}, {args.rows:,} rows, garbage collector: {args.gc}'s policy"
            f" {gc.get_threshold()}; medians (handler + frame: wall ms, this thread's CPU ms):",
            flush=True,
        )
        for key, steps in results.items():
            print(
                f"  {key:<24} {len(steps):>3} steps: handler + frame {median(steps, 'work'):5.2f}"
                f" ({median(steps, 'work_cpu'):5.2f} CPU), of which CPU in render_line"
                f" {median(steps, 'ours'):4.2f} and in scroll bars {median(steps, 'bar'):4.2f};"
                f" CPU per press {median(steps, 'cpu'):5.2f}; {median(steps, 'lines'):.0f} lines"
                f" — budget {STEP_MS:.0f} ms: {verdict(median(steps, 'work'), STEP_MS)}",
                flush=True,
            )
        every = [s for steps in results.values() for s in steps]
        print(f"  {Frames.of(every).line(len(every))}", flush=True)
        for key, steps in results.items():
            measures.append(
                Measure(
                    f"results {key}, {thousands} rows, {label}",
                    median(steps, "work"),
                    "ms",
                    f"≤ {STEP_MS:.0f} ms",
                    limit=STEP_MS,
                    note=f"handler + frame, median of {len(steps)}",
                )
            )
    rss = memory_in_own_process(args.rows, args.gc)
    print(
        f"{args.rows:,} result rows shown and paged through at {BIG[0]}×{BIG[1]}, memory growth in"
        f" a process of its own: RSS {rss:.1f} MB — budget {MEMORY_MB:.0f} MB: {verdict(rss, MEMORY_MB)}",
        flush=True,
    )
    measures.append(
        Measure(f"results memory growth, {thousands} rows, RSS", rss, "MB", f"≤ {MEMORY_MB:.0f} MB",
                limit=MEMORY_MB)
    )
    write_measures(args.measures_json, measures)


if __name__ == "__main__":
    main()
