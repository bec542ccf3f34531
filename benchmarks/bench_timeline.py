"""How the event timeline copes with a 10,000-event call (run by hand, not a test).

    .venv/bin/python benchmarks/bench_timeline.py [--events 10000] [--steps 200] [--quick]

Budgets (DESIGN.md §7): first paint ≤ 150 ms, one scroll step ≤ 16 ms, memory growth ≤ 30 MB; and
page-down at 200×60 ≤ 1.2× a bare Textual ScrollView's, with no frame over 16 ms during which the
garbage collector ran.

- first paint: from mounting a timeline that holds the call (or `set_view` on a mounted one) to the
  end of the first frame that shows it — the screen's update turned into terminal output (the
  headless driver skips that step; it is done here), inside a headless app of 80×24 and 200×60;
- a step is one key press through Pilot; "handler + frame" is the time spent in the key's handler
  plus the screen's layout, compositing, painting and terminal output for that step — the work a
  step costs, without the harness's sleeps (a press through Pilot takes ~85 ms of wall time even
  for an unbound key). The wrapped steps call one another (a layout refresh composites and
  paints), so only the outermost one is counted. "CPU per press" is the process time of the whole
  press, harness included (see the unbound `x`);
- `j` moves the cursor; only once it reaches the bottom of the view (≈57 presses at 200×60) does
  the view scroll a line a step — so the two are reported apart, not as one median that depends
  on the number of presses;
- page-down (a fresh screenful each) against the yardstick: a bare ScrollView as tall as the
  call that draws one segment per line — what Textual's own layout, scrollbar and compositing
  cost on this machine, whatever the widget. The two take turns, a widget of each freshly
  mounted per round, and their medians are compared;
- the worst frame of each size, and which frames over 16 ms overlapped a collection of the
  garbage collector (from `gc.callbacks`): young collections run during most frames, so the
  budget counts the frames a collection took over 16 ms (under 16 ms without its time);
- wall time is what a user waits, but a busy machine inflates it by preempting this process, so
  each step also gives this thread's CPU time, and the parts of a step (the widget's render_line,
  the scroll bars) are CPU time;
- memory: the process's RSS growth from showing the call and scrolling through it, in a process of
  its own with nothing else in it (the Call itself is built before the baseline), and traced
  Python allocations kept over the same stretch, in another (tracemalloc's own bookkeeping
  inflates the RSS of the process it runs in).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.segment import Segment
from textual._compositor import CompositorUpdate
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.pilot import Pilot
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.api.models import Call, CallEvent, Lane
from ccc_tui.calls.view import CallView
from ccc_tui.cli.launch import collect_after_big_call
from ccc_tui.tui.widgets.fast_scrollbar import FastScrollBar
from ccc_tui.tui.widgets.timeline import EventTimeline

SHANGHAI = ZoneInfo("Asia/Shanghai")

FIRST_PAINT_MS = 150.0
STEP_MS = 16.0
MEMORY_MB = 30.0
BARE_RATIO = 1.2
FRAME_MS = 16.0
BIG = (200, 60)

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
    """Counts the lines it renders and the time its render_line takes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rendered = 0
        self.render_time = 0.0

    def render_line(self, y: int) -> Strip:
        started = time.thread_time()
        strip = super().render_line(y)
        self.rendered += 1
        self.render_time += time.thread_time() - started
        return strip


class BareScrollView(ScrollView, can_focus=True):
    """The yardstick: a Line API widget that does nothing but one segment per line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "line_down"),
        Binding("pagedown", "page_down"),
    ]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.render_time = 0.0
        self.rendered = 0

    def on_mount(self) -> None:
        self.virtual_size = Size(self.size.width, self.rows)

    def action_line_down(self) -> None:
        self.scroll_to(y=self.scroll_y + 1, animate=False, immediate=True)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self.size.height, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        started = time.thread_time()
        self.rendered += 1
        row = round(self.scroll_y) + y
        text = f"{row:>8} " + "x" * max(self.size.width - 9, 0)
        strip = Strip([Segment(text, self.rich_style)], self.size.width)
        self.render_time += time.thread_time() - started
        return strip


class Host(App[None]):
    def compose(self) -> ComposeResult:
        return iter(())


def write_out_frames(app: App[None], after: Callable[[], None] | None = None) -> None:
    """Make `app` turn every screen update into terminal output, as a terminal driver does (the
    headless one skips it); `after` is called at the end of each such frame."""
    display = app._display
    console = app.console

    def displayed(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(console)
            if after is not None:
                after()

    app._display = displayed  # type: ignore[method-assign]


class GcWatch:
    """When the garbage collector ran (from `gc.callbacks`)."""

    def __init__(self) -> None:
        self.runs: list[tuple[float, float, int]] = []  # (start, end, generation)
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.runs.append((self._started, time.perf_counter(), info["generation"]))

    def during(self, spans: list[tuple[float, float]], since: int) -> tuple[float, int]:
        """(ms of collection inside `spans`, the oldest generation collected, -1 for none), over
        the runs from index `since` on."""
        overlap, generation = 0.0, -1
        for run_start, run_end, run_generation in self.runs[since:]:
            inside = sum(max(0.0, min(end, run_end) - max(start, run_start)) for start, end in spans)
            if inside:
                overlap += inside
                generation = max(generation, run_generation)
        return overlap * 1000, generation

    def close(self) -> None:
        gc.callbacks.remove(self._callback)


class FrameClock:
    """Adds up the time spent in key handlers and in the screen's layout, compositing, painting
    and terminal output. The wrapped methods call one another (a layout refresh composites and
    paints; compositing ends in the terminal output), so only the outermost call is counted —
    wrapped naively, a resize or a filter would count its frame twice. The spans of those outermost
    calls are kept, to be matched against garbage collections."""

    def __init__(self, app: App[None]) -> None:
        self.spent = 0.0
        self.cpu = 0.0  # this thread's CPU time over the same stretches: what preemption by
        # other processes on a busy machine does not inflate
        self.spans: list[tuple[float, float]] = []
        self._depth = 0
        write_out_frames(app)
        screen = app.screen
        for owner, name in (
            (screen, "_refresh_layout"),
            (screen, "_compositor_refresh"),
            (screen._compositor, "update_widgets"),
            (app, "_display"),
        ):
            self.watch(owner, name)

    def watch(self, owner: object, name: str) -> None:
        """Count the time spent in `owner.name` (a bound method, wrapped on the instance)."""
        method: Callable[..., object] = getattr(owner, name)

        def timed(*args: object, **kwargs: object) -> object:
            if self._depth:
                return method(*args, **kwargs)
            self._depth += 1
            started, cpu_started = time.perf_counter(), time.thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                ended = time.perf_counter()
                self.cpu += time.thread_time() - cpu_started
                self._depth -= 1
                self.spent += ended - started
                self.spans.append((started, ended))

        setattr(owner, name, timed)

    def reset(self) -> None:
        self.spent = self.cpu = 0.0
        self.spans = []


class ScrollbarClock:
    """The time scroll bars spend rendering their rows (Textual's ScrollBar draws every row of
    the bar again whenever the view moves; the lists' FastScrollBar lays out cached rows, and
    hands what it does not draw itself to ScrollBar's rendering — counted once)."""

    spent = 0.0
    _depth = 0

    @classmethod
    def install(cls) -> None:
        for bar_class in (ScrollBar, FastScrollBar):
            cls._wrap(bar_class)

    @classmethod
    def _wrap(cls, bar_class: type[ScrollBar]) -> None:
        render_lines = bar_class.render_lines

        def timed(bar: ScrollBar, crop: Region) -> list[Strip]:
            if cls._depth:
                return render_lines(bar, crop)
            cls._depth += 1
            started = time.thread_time()
            try:
                return render_lines(bar, crop)
            finally:
                cls.spent += time.thread_time() - started
                cls._depth -= 1

        bar_class.render_lines = timed  # type: ignore[method-assign]


@dataclass(frozen=True, slots=True)
class Step:
    work: float  # ms in the handler and the frame
    work_cpu: float  # ms of this thread's CPU time over the same stretches
    ours: float  # CPU ms of it in the widget's render_line
    bar: float  # CPU ms of it in the scroll bars
    cpu: float  # ms of process time for the whole press, harness included
    lines: int  # lines the widget rendered
    scrolled: bool  # whether the view moved
    gc: float  # ms of garbage collection inside the handler and the frame
    generation: int  # the oldest generation collected then, -1 for none


async def press(
    pilot: Pilot[None], widget: Probe | BareScrollView, clock: FrameClock, gcs: GcWatch, key: str
) -> Step:
    clock.reset()
    widget.render_time = ScrollbarClock.spent = 0.0
    rendered, top, collections = widget.rendered, widget.scroll_y, len(gcs.runs)
    cpu_started = time.process_time()
    await pilot.press(key)
    await pilot.pause()
    cpu = time.process_time() - cpu_started
    gc_ms, generation = gcs.during(clock.spans, collections)
    return Step(
        clock.spent * 1000,
        clock.cpu * 1000,
        widget.render_time * 1000,
        ScrollbarClock.spent * 1000,
        cpu * 1000,
        widget.rendered - rendered,
        widget.scroll_y != top,
        gc_ms,
        generation,
    )


APP_GC = False  # the app's collector policy (--gc app)


async def mounted(app: Host, pilot: Pilot[None], widget: Probe | BareScrollView, clock: FrameClock) -> None:
    await app.mount(widget)
    widget.focus()
    await pilot.pause()
    if isinstance(widget, Probe) and APP_GC:
        collect_after_big_call()  # what the app does once a call this big is painted
    if isinstance(widget, Probe):
        clock.watch(widget, "move_cursor")  # what every cursor key's handler comes down to
    else:
        clock.watch(widget, "action_line_down")
        clock.watch(widget, "action_page_down")


async def scroll_steps(
    view: CallView, size: tuple[int, int], steps: int, rounds: int, per_round: int
) -> dict[str, list[Step]]:
    """Per kind of step, every step taken."""
    app = Host()
    gcs = GcWatch()
    results: dict[str, list[Step]] = {}
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            clock = FrameClock(app)
            probe = Probe(view)
            await mounted(app, pilot, probe, clock)
            results["x (unbound: the harness's own cost)"] = [
                await press(pilot, probe, clock, gcs, "x") for _ in range(20)
            ]
            j = [await press(pilot, probe, clock, gcs, "j") for _ in range(steps)]
            results["j, cursor moves"] = [s for s in j if not s.scrolled]
            results["j, view scrolls a line"] = [s for s in j if s.scrolled]
            await probe.remove()
            bare = BareScrollView(len(view.call.events))
            await mounted(app, pilot, bare, clock)
            results["j, bare ScrollView"] = [
                await press(pilot, bare, clock, gcs, "j") for _ in range(steps // 2)
            ]
            await bare.remove()
            # Page-down, the timeline and the yardstick in turns: A B A B …
            results["pagedown"], results["pagedown, bare ScrollView"] = [], []
            for _ in range(rounds):
                for key, widget in (
                    ("pagedown", Probe(view)),
                    ("pagedown, bare ScrollView", BareScrollView(len(view.call.events))),
                ):
                    await mounted(app, pilot, widget, clock)
                    results[key] += [
                        await press(pilot, widget, clock, gcs, "pagedown") for _ in range(per_round)
                    ]
                    await widget.remove()
    finally:
        gcs.close()
    return results


async def first_paint(
    events: int, size: tuple[int, int], *, warm: bool, repeat: int = 5
) -> tuple[list[float], list[float], int]:
    """(ms to paint a newly mounted timeline, ms to paint after set_view — one per repeat —, lines
    rendered by the first paint). Every repeat gets a new Call, so nothing is cached.

    `warm` first shows a small call, as a running app would have done: the one-off costs of
    importing, parsing CSS and loading Unicode tables are then not counted.
    """
    app = Host()
    mounted_ms: list[float] = []
    switched_ms: list[float] = []
    lines = 0
    current: list[Probe] = []
    painted: list[float] = []  # when the first frame with lines of the current probe ended

    def frame_ended() -> None:
        if current and current[0].rendered and not painted:
            painted.append(time.perf_counter())

    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        write_out_frames(app, frame_ended)
        if warm:
            small = EventTimeline(CallView.of(big_call(50), tz=SHANGHAI))
            await app.mount(small)
            await pilot.pause()
            await small.remove()
        for _ in range(repeat):
            call = big_call(events)
            gc.collect()
            probe = Probe()
            current[:], painted[:] = [probe], []
            started = time.perf_counter()
            probe.set_view(CallView.of(call, tz=SHANGHAI))  # the analysis counts too
            await app.mount(probe)
            await pilot.pause()
            mounted_ms.append((painted[0] - started) * 1000)
            lines = lines or probe.rendered
            other = big_call(events)
            gc.collect()
            probe.rendered, painted[:] = 0, []
            started = time.perf_counter()
            probe.set_view(CallView.of(other, tz=SHANGHAI))
            await pilot.pause()
            switched_ms.append((painted[0] - started) * 1000)
            await probe.remove()
            if not warm:
                break
    return mounted_ms, switched_ms, lines


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def memory(events: int, steps: int, how: str) -> float:
    """MB grown by showing a call of `events` events at 200×60, filtering it and paging through
    it: the RSS (`how` = "rss") or the traced Python allocations kept ("traced")."""
    call = big_call(events)
    app = Host()
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        gc.collect()
        rss_before = _rss_mb()
        if how == "traced":
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
        if how == "rss":
            return _rss_mb() - rss_before
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        return sum(stat.size_diff for stat in after.compare_to(baseline, "filename")) / 2**20


def memory_in_own_process(events: int, steps: int, how: str) -> float:
    done = subprocess.run(
        [sys.executable, __file__, "--events", str(events), "--steps", str(steps), "--memory", how],
        capture_output=True, text=True, check=True,
    )
    return float(done.stdout.split()[-1])


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} [{min(values):.1f}–{max(values):.1f}]"


@dataclass
class Frames:
    """The frames of a run against the 16 ms frame: the worst, those over it, those a collection
    overlapped, and those a collection took over it (without the collection, under)."""

    worst: Step
    slow: list[Step]
    slow_gc: list[Step]
    pushed: list[Step]

    @classmethod
    def of(cls, steps: list[Step]) -> Frames:
        slow = [s for s in steps if s.work > FRAME_MS]
        slow_gc = [s for s in slow if s.generation >= 0]
        # Young collections run during most frames; what matters is a frame that a collection
        # took over 16 ms.
        pushed = [s for s in slow_gc if s.work - s.gc <= FRAME_MS]
        return cls(max(steps, key=lambda s: s.work), slow, slow_gc, pushed)

    def line(self, total: int) -> str:
        worst, slow_gc = self.worst, self.slow_gc
        return (
            f"worst frame {worst.work:.1f} ms"
            + (f" (a generation-{worst.generation} collection took {worst.gc:.1f} ms of it)"
               if worst.generation >= 0 else "")
            + f"; {len(self.slow)} of {total} frames over {FRAME_MS:.0f} ms,"
            f" {len(slow_gc)} of them during a garbage collection"
            + (
                f" (generations {sorted({s.generation for s in slow_gc})}, collecting"
                f" {_spread([s.gc for s in slow_gc])} ms), {len(self.pushed)} taken over"
                f" {FRAME_MS:.0f} ms by it"
                if slow_gc
                else ""
            )
        )


def verdict(value: float, budget: float) -> str:
    return "ok" if value <= budget else "OVER BUDGET"


def median(steps: list[Step], field: str) -> float:
    return statistics.median(getattr(s, field) for s in steps) if steps else float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=200, help="j presses (page-downs: as many)")
    parser.add_argument(
        "--quick", action="store_true", help="steps at 200×60 only, 100 j presses, 3 repeats"
    )
    parser.add_argument(
        "--gc",
        choices=("app", "python"),
        default="app",
        help="the collector's policy: the app's (its thresholds, start-up frozen; default) or Python's",
    )
    parser.add_argument("--memory", choices=("rss", "traced"), help=argparse.SUPPRESS)
    add_measures_argument(parser)
    args = parser.parse_args()
    if args.memory:  # the child process of the memory measure
        print(await memory(args.events, args.steps, args.memory))
        return
    if args.quick:
        args.steps = 100
    per_round = 10
    rounds = max(args.steps // per_round, 1)
    repeat = 3 if args.quick else 5
    ScrollbarClock.install()
    if args.gc == "app":
        # As `ccc-tui` runs: its thresholds, what start-up built frozen before any call loads,
        # and a young collection once a big call is painted.
        from ccc_tui.cli.launch import GC_THRESHOLDS

        global APP_GC
        APP_GC = True
        gc.set_threshold(*GC_THRESHOLDS)
        gc.freeze()
    print(f"garbage collector: {args.gc}'s policy, thresholds {gc.get_threshold()}")

    view = CallView.of(big_call(args.events), tz=SHANGHAI)
    print(f"{args.events} events, {args.steps} j presses, {rounds}×{per_round} page-downs a widget")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    measures: list[Measure] = []
    cold, _, _ = await first_paint(args.events, (80, 24), warm=False)
    print(f"80x24 first paint, cold process (imports, CSS, Unicode tables): {cold[0]:.1f} ms")
    for size in ((80, 24), BIG):
        label = f"{size[0]}×{size[1]}"
        mounted_ms, switched_ms, lines = await first_paint(args.events, size, warm=True, repeat=repeat)
        paint = max(statistics.median(mounted_ms), statistics.median(switched_ms))
        print(
            f"{label} first paint ({lines} lines rendered), median [min–max] of"
            f" {len(mounted_ms)}: mount {_spread(mounted_ms)} ms, set_view {_spread(switched_ms)} ms"
            f" — budget {FIRST_PAINT_MS:.0f} ms: {verdict(paint, FIRST_PAINT_MS)}"
        )
        if args.quick and size != BIG:
            continue
        results = await scroll_steps(view, size, args.steps, rounds, per_round)
        print(f"{label} steps, medians (handler + frame: wall ms, this thread's CPU ms):")
        for key, steps in results.items():
            print(
                f"  {key:<36} {len(steps):>3} steps: handler + frame {median(steps, 'work'):5.2f}"
                f" ({median(steps, 'work_cpu'):5.2f} CPU), of which CPU in render_line"
                f" {median(steps, 'ours'):4.2f} and in scroll bars {median(steps, 'bar'):4.2f};"
                f" CPU per press {median(steps, 'cpu'):5.2f}; {median(steps, 'lines'):.0f} lines"
            )
        timeline = [
            s
            for key, steps in results.items()
            if "bare" not in key and not key.startswith("x")
            for s in steps
        ]
        frames = Frames.of(timeline)
        worst = frames.worst
        print(f"{label} timeline: {frames.line(len(timeline))}")
        if size != BIG:
            continue
        measures += [
            Measure(f"timeline first paint, {label}, {args.events:,} events", paint, "ms",
                    f"≤ {FIRST_PAINT_MS:.0f} ms", limit=FIRST_PAINT_MS,
                    note="the slower median of mount and set_view"),
            Measure(f"timeline j, cursor moves, {label}", median(results["j, cursor moves"], "work"),
                    "ms", f"≤ {STEP_MS:.0f} ms", limit=STEP_MS),
            Measure(f"timeline j, view scrolls, {label}",
                    median(results["j, view scrolls a line"], "work"), "ms",
                    f"≤ {STEP_MS:.0f} ms", limit=STEP_MS, yardstick="bare ScrollView",
                    yardstick_figure=median(results["j, bare ScrollView"], "work")),
            Measure(f"timeline page-down, {label}", median(results["pagedown"], "work"), "ms",
                    f"≤ {STEP_MS:.0f} ms, ≤ {BARE_RATIO}× bare", limit=STEP_MS,
                    yardstick="bare ScrollView",
                    yardstick_figure=median(results["pagedown, bare ScrollView"], "work"),
                    ratio_limit=BARE_RATIO),
            Measure(f"timeline worst frame, {label}", worst.work, "ms", "",
                    note=f"generation-{worst.generation} GC {worst.gc:.1f} ms in it"
                    if worst.generation >= 0 else ""),
            Measure(f"timeline frames a GC took over {FRAME_MS:.0f} ms, {label}",
                    len(frames.pushed), "", "none", limit=0,
                    note=f"{len(frames.slow_gc)} of {len(frames.slow)} frames over"
                    f" {FRAME_MS:.0f} ms overlapped a collection"),
        ]
    rss = memory_in_own_process(args.events, args.steps, "rss")
    traced = memory_in_own_process(args.events, args.steps, "traced")
    print(
        f"memory growth, each in a process of its own: RSS {rss:.1f} MB, traced {traced:.1f} MB"
        f" — budget {MEMORY_MB:.0f} MB: {verdict(max(traced, rss), MEMORY_MB)}"
    )
    measures += [
        Measure("timeline memory growth, RSS", rss, "MB", f"≤ {MEMORY_MB:.0f} MB", limit=MEMORY_MB),
        Measure("timeline memory growth, traced", traced, "MB", f"≤ {MEMORY_MB:.0f} MB",
                limit=MEMORY_MB),
    ]
    write_measures(args.measures_json, measures)


if __name__ == "__main__":
    asyncio.run(main())
