"""How the event timeline copes with a 10,000-event call (run by hand, not a test).

    .venv/bin/python benchmarks/bench_timeline.py [--events 10000] [--steps 200]

Budgets (DESIGN.md §7): first paint ≤ 150 ms, one scroll step ≤ 16 ms, memory growth ≤ 30 MB.

- first paint: from mounting a timeline that holds the call (or `set_view` on a mounted one) to
  the last `render_line` of the first frame, inside a headless app of 80×24 and 200×60;
- scroll step: the median of N `j` presses (cursor moves, the view scrolls one line at a time once
  the cursor reaches the bottom) and of N/10 `pagedown` presses (a fresh screenful each), sent
  with `pilot.press`. "handler + frame" is the time spent in the key's handler plus the screen's
  layout, compositing and painting for that step — the work a step costs, without the harness's
  sleeps (a press through Pilot takes ~85 ms of wall time even for an unbound key); "CPU per
  press" is the process time of the whole press, harness included (see the unbound `x`);
- Textual's floor: the same steps on a bare ScrollView that draws one segment per line — what
  Textual's own layout and compositing cost on this machine, whatever the widget;
- memory: traced Python allocations kept after showing the call and scrolling (the Call itself is
  built before the baseline), and the process's RSS growth over the same stretch.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.pilot import Pilot
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ccc_tui.api.models import Call, CallEvent, Lane
from ccc_tui.calls.view import CallView
from ccc_tui.tui.widgets.timeline import EventTimeline

SHANGHAI = ZoneInfo("Asia/Shanghai")

FIRST_PAINT_MS = 150.0
STEP_MS = 16.0
MEMORY_MB = 30.0

_CYCLE = [
    ("EnterIVR", Lane.IVR, 12, ""),
    ("EnterQueue", Lane.QUEUE, 30, ""),
    ("Ring", Lane.AGENT, 6, "Ringing"),
    ("Talk", Lane.AGENT, 90, "Talking"),
    ("LaunchTransfer", Lane.AGENT, 0, ""),
    ("End", Lane.AGENT, 15, "Handling"),
    ("Handle", Lane.AGENT, 0, ""),
]


def big_call(count: int) -> Call:
    """A long, busy call: `count` events cycling through a realistic inbound trail."""
    start = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    events = []
    at = 0
    for n in range(count):
        code, lane, duration, status = _CYCLE[n % len(_CYCLE)]
        events.append(
            CallEvent(
                time=start + timedelta(seconds=at),
                event=code,
                lane=lane,
                status=status,
                agent_name=f"坐席{n % 37:02d} agent{n % 37}",
                skill_group=f"技能组{n % 5}",
                duration=duration,
                details={"Seq": str(n)},
                raw={"Event": code, "Seq": n},
            )
        )
        at += duration or 1
    return Call("bench", start=start, events=tuple(events))


class Probe(EventTimeline):
    """Records when lines are rendered and how long key handlers take."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rendered = 0
        self.last_render = 0.0
        self.handler_time = 0.0
        self.render_time = 0.0

    def move_cursor(self, row: int) -> None:
        started = time.perf_counter()
        super().move_cursor(row)
        self.handler_time += time.perf_counter() - started

    def render_line(self, y: int) -> Strip:
        started = time.perf_counter()
        strip = super().render_line(y)
        self.rendered += 1
        self.last_render = time.perf_counter()
        self.render_time += self.last_render - started
        return strip


class BareScrollView(ScrollView, can_focus=True):
    """The floor: a Line API widget that does nothing but one segment per line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "line_down"),
        Binding("pagedown", "page_down"),
    ]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.handler_time = 0.0
        self.render_time = 0.0
        self.rendered = 0

    def on_mount(self) -> None:
        self.virtual_size = Size(self.size.width, self.rows)

    def action_line_down(self) -> None:
        self.scroll_to(y=self.scroll_y + 1, animate=False)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self.size.height, animate=False)

    def render_line(self, y: int) -> Strip:
        self.rendered += 1
        row = round(self.scroll_y) + y
        text = f"{row:>8} " + "x" * max(self.size.width - 9, 0)
        return Strip([Segment(text, self.rich_style)], self.size.width)


class Host(App[None]):
    def compose(self) -> ComposeResult:
        return iter(())


async def first_paint(
    events: int, size: tuple[int, int], *, warm: bool, repeat: int = 5
) -> tuple[list[float], list[float], int]:
    """(ms to paint a newly mounted timeline, ms to paint after set_view — one per repeat —, lines
    rendered by the first paint). Every repeat gets a new Call, so nothing is cached.

    `warm` first shows a small call, as a running app would have done: the one-off costs of
    importing, parsing CSS and loading Unicode tables are then not counted.
    """
    app = Host()
    mounted: list[float] = []
    switched: list[float] = []
    lines = 0
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if warm:
            small = EventTimeline(CallView.of(big_call(50), tz=SHANGHAI))
            await app.mount(small)
            await pilot.pause()
            await small.remove()
        for _ in range(repeat):
            call = big_call(events)
            gc.collect()
            probe = Probe()
            started = time.perf_counter()
            probe.set_view(CallView.of(call, tz=SHANGHAI))  # the analysis counts too
            await app.mount(probe)
            await pilot.pause()
            mounted.append((probe.last_render - started) * 1000)
            lines = lines or probe.rendered
            other = big_call(events)
            gc.collect()
            started = time.perf_counter()
            probe.set_view(CallView.of(other, tz=SHANGHAI))
            await pilot.pause()
            switched.append((probe.last_render - started) * 1000)
            await probe.remove()
            if not warm:
                break
    return mounted, switched, lines


class FrameClock:
    """Adds up the time the screen spends on layout, compositing and painting."""

    def __init__(self, app: App[None]) -> None:
        self.spent = 0.0
        screen = app.screen
        for owner, name in (
            (screen, "_refresh_layout"),
            (screen, "_compositor_refresh"),
            (screen._compositor, "update_widgets"),
        ):
            setattr(owner, name, self._timed(getattr(owner, name)))

    def _timed(self, method: Callable[..., object]) -> Callable[..., object]:
        def timed(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - started

        return timed


async def _steps(
    pilot: Pilot[None], probe: Probe | BareScrollView, clock: FrameClock, key: str, count: int
) -> tuple[float, float, float, float]:
    """Means per step: handler + frame ms, of which the timeline's render_line ms, CPU ms of the
    whole press, lines rendered."""
    work: list[float] = []
    ours: list[float] = []
    cpu: list[float] = []
    rendered = probe.rendered
    for _ in range(count):
        clock.spent = 0.0
        probe.handler_time = 0.0
        probe.render_time = 0.0
        cpu_started = time.process_time()
        await pilot.press(key)
        await pilot.pause()
        cpu.append(time.process_time() - cpu_started)
        work.append(probe.handler_time + clock.spent)
        ours.append(probe.render_time)
    return (
        statistics.median(work) * 1000,
        statistics.median(ours) * 1000,
        statistics.median(cpu) * 1000,
        (probe.rendered - rendered) / count,
    )


async def scroll_steps(
    call: Call, size: tuple[int, int], steps: int
) -> dict[str, tuple[float, float, float, float]]:
    """Per key: the means of `_steps`."""
    app = Host()
    async with app.run_test(size=size) as pilot:
        probe = Probe(CallView.of(call, tz=SHANGHAI))
        await app.mount(probe)
        probe.focus()
        await pilot.pause()
        clock = FrameClock(app)
        results = {
            "x (unbound: the harness's own cost)": await _steps(pilot, probe, clock, "x", 20)
        }
        results["j"] = await _steps(pilot, probe, clock, "j", steps)
        results["pagedown"] = await _steps(pilot, probe, clock, "pagedown", max(steps // 10, 1))
        await probe.remove()
        bare = BareScrollView(len(call.events))
        await app.mount(bare)
        bare.focus()
        await pilot.pause()
        results["j, bare ScrollView (Textual's floor)"] = await _steps(
            pilot, bare, clock, "j", steps // 2
        )
        results["pagedown, bare ScrollView (Textual's floor)"] = await _steps(
            pilot, bare, clock, "pagedown", max(steps // 10, 1)
        )
        return results


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def memory(call: Call, size: tuple[int, int], steps: int) -> tuple[float, float]:
    """(traced MB kept, RSS MB grown) for showing `call` and scrolling through it."""
    app = Host()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        gc.collect()
        rss_before = _rss_mb()
        tracemalloc.start()
        baseline = tracemalloc.take_snapshot()
        probe = Probe(CallView.of(call, tz=SHANGHAI))
        await app.mount(probe)
        probe.focus()
        await pilot.pause()
        probe.filter("talk")  # builds the search index too
        probe.filter("")
        for _ in range(steps):
            await pilot.press("pagedown")
        await pilot.pause()
        gc.collect()
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        grown = sum(stat.size_diff for stat in after.compare_to(baseline, "filename"))
        return grown / 2**20, _rss_mb() - rss_before


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} [{min(values):.1f}–{max(values):.1f}]"


def verdict(value: float, budget: float) -> str:
    return "ok" if value <= budget else "OVER BUDGET"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()

    call = big_call(args.events)
    print(f"{args.events} events, {args.steps} steps")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    cold, _, _ = await first_paint(args.events, (80, 24), warm=False)
    print(f"80x24 first paint, cold process (imports, CSS, Unicode tables): {cold[0]:.1f} ms")
    for size in ((80, 24), (200, 60)):
        mounted, switched, lines = await first_paint(args.events, size, warm=True)
        worst = max(statistics.median(mounted), statistics.median(switched))
        print(
            f"{size[0]}x{size[1]} first paint ({lines} lines rendered), median [min–max] of"
            f" {len(mounted)}: mount {_spread(mounted)} ms, set_view {_spread(switched)} ms"
            f" — budget {FIRST_PAINT_MS:.0f} ms: {verdict(worst, FIRST_PAINT_MS)}"
        )
        results = await scroll_steps(call, size, args.steps)
        for key, (work, ours, cpu, rendered) in results.items():
            judged = not key.startswith("x") and "floor" not in key
            print(
                f"{size[0]}x{size[1]} step {key}: handler + frame {work:.2f} ms (of which the"
                f" widget's render_line {ours:.2f} ms), CPU per press {cpu:.2f} ms,"
                f" {rendered:.0f} lines rendered"
                + (f" — budget {STEP_MS:.0f} ms: {verdict(work, STEP_MS)}" if judged else "")
            )
    traced, rss = await memory(call, (200, 60), args.steps)
    print(
        f"memory growth: traced {traced:.1f} MB, RSS {rss:.1f} MB — budget {MEMORY_MB:.0f} MB: "
        f"{verdict(max(traced, rss), MEMORY_MB)}"
    )


if __name__ == "__main__":
    asyncio.run(main())
