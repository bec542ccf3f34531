"""App budgets (DESIGN §7) as a user meets them, run by hand:

    .venv/bin/python benchmarks/bench_app.py [--runs 15] [--opens 15] [--quick]

1. First frame: from spawning `python -m ccc_tui …` in a 120×40 tmux window until the search screen
   shows in that window (its input's placeholder and the key bar, read with `capture-pane`), on
   three paths a user takes:
     - `--demo`;
     - a real profile, keyring present: HOME and XDG dirs in a temp dir, a config.toml profile whose
       endpoint is `ccc-tui emulator --port N` in its own process, the demo key pair in
       `~/.alibabacloud/credentials`, and a working (in-memory, empty) keyring backend — so the
       credential chain imports keyring and asks it first, as on a desktop;
     - the same with no keyring (`keyring.backends.fail.Keyring`), as on a server.
   The yardstick is a bare Textual app (a Static and an Input, the same Textual) measured the same
   way; the variants take turns (bare, demo, keyring, no keyring, then the next round, the order
   rotating), so load from elsewhere falls on all of them, and medians are compared.
   Budget: ≤ 400 ms, and ≤ 1.25× the bare Textual app.
2. `enter` on a ContactId to the painted timeline, demo mode, 120×40, with 0 ms and 50 ms emulated
   latency per request: from `open_call` (what `enter` does once the id is valid; a Pilot key
   press adds ~80 ms of simulation) to the end of the first frame that shows the call — the
   compositor's update for the call screen turned into the bytes a terminal gets (the headless
   driver skips that step, so it is done here for every frame of the measure). Every open is of a
   contact not opened before: the client, the data set and the widgets cache by contact. The
   first open of a session also composes the call screen (then reused): it is printed, and left
   out of the median.
   Budget: ≤ 60 ms, and ≤ L + 60 ms (the two reads run concurrently).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_show import emulator_process
from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.emulator.constants import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID

ROOT = Path(__file__).resolve().parents[1]
SIZE = (120, 40)
START_MS = 400.0
FIRST_FRAME_RATIO = 1.25
OPEN_MS = 60.0

BARE_APP = '''
from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("A bare Textual app: the yardstick")
        yield Input(placeholder="Type a ContactId then enter")


Bare().run()
'''

MEMORY_KEYRING = '''
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A working keyring with nothing in it."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.entries = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[service, username] = password

    def delete_password(self, service, username):
        self.entries.pop((service, username), None)
'''

CONFIG = """default_profile = "bench"

[profiles.bench]
instance_id = "{instance}"
endpoint = "{endpoint}"
"""

CREDENTIALS = f"""[default]
type = access_key
access_key_id = {DEMO_ACCESS_KEY_ID}
access_key_secret = {DEMO_ACCESS_KEY_SECRET}
"""

# What shows once the search screen is there: its input's placeholder and the key bar.
SEARCH_SCREEN = ("then enter", "palette")
DEMO_SCREEN = (*SEARCH_SCREEN, "DEMO")
PROFILE_SCREEN = (*SEARCH_SCREEN, "bench · cn-shanghai")  # the profile's search screen, not first-run
BARE_SCREEN = ("Type a ContactId then enter",)


# ── 1. first frame in a real terminal ─────────────────────────────────────────────────────────


@dataclass
class Variant:
    name: str
    argv: list[str]
    env: dict[str, str]
    markers: tuple[str, ...]
    samples: list[float] = field(default_factory=list)


class Tmux:
    """A tmux server of our own (`-L`) with one session of the given size, read through a
    control-mode client: one `capture-pane` costs ~0.1 ms instead of a process spawn, so polling
    every 2 ms hardly takes CPU from the app being timed."""

    def __init__(self, size: tuple[int, int], env: dict[str, str]) -> None:
        self.socket = f"ccc-bench-{os.getpid()}"
        self.env = env
        base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        self.base = base
        width, height = size
        subprocess.run(
            [*base, "new-session", "-d", "-s", "bench", "-x", str(width), "-y", str(height),
             "sleep 86400"],
            env=env, check=True,
        )
        self.control = subprocess.Popen(
            [*base, "-C", "attach-session", "-t", "bench", "-f", "no-output,ignore-size"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, bufsize=1,
        )
        # The attach answers with an empty reply of its own first: read past it.
        self._send("display-message -p ready")
        while self._reply("") != ["ready"]:
            pass

    def _send(self, line: str) -> None:
        assert self.control.stdin is not None
        self.control.stdin.write(line + "\n")
        self.control.stdin.flush()

    def command(self, line: str, *, answers: bool = False) -> list[str]:
        """Send one tmux command and return its reply lines. With `answers`, an empty reply is
        a stray one (tmux may send the attach's own empty reply late): read the next."""
        self._send(line)
        reply = self._reply(line)
        while answers and not reply:
            reply = self._reply(line)
        return reply

    def _reply(self, line: str) -> list[str]:
        assert self.control.stdout is not None
        reply: list[str] | None = None
        while True:
            text = self.control.stdout.readline()
            if not text:
                raise RuntimeError("the tmux control client went away")
            if text.startswith("%begin"):
                reply = []
            elif reply is not None and text.startswith(("%end", "%error")):
                if text.startswith("%error"):
                    raise RuntimeError(f"tmux {line!r}: {' '.join(reply)}")
                return reply
            elif reply is not None:
                reply.append(text.rstrip("\n"))

    def first_frame(self, variant: Variant, timeout: float = 20.0) -> float:
        """ms from spawning the variant's command in a fresh window until its markers show."""
        flags = " ".join(f"-e {shlex.quote(f'{k}={v}')}" for k, v in variant.env.items())
        started = time.perf_counter()
        pane, pid = self.command(
            f"new-window -d -P -F '#{{pane_id}} #{{pane_pid}}' {flags} "
            f"{shlex.quote(shlex.join(variant.argv))}",
            answers=True,
        )[0].split()
        try:
            deadline = started + timeout
            while True:
                screen = "\n".join(self.command(f"capture-pane -p -t {pane}"))
                if all(marker in screen for marker in variant.markers):
                    return (time.perf_counter() - started) * 1000
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"{variant.name}: no search screen in {timeout:.0f} s:\n{screen}")
                time.sleep(0.002)
        finally:
            self.command(f"kill-pane -t {pane}")
            wait_gone(int(pid))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.command("kill-server")
        self.control.wait(timeout=10)


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Wait until the app of the last run has exited, so it takes no CPU from the next one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.005)


@contextlib.contextmanager
def variants(tmp: Path, endpoint: str) -> Iterator[list[Variant]]:
    """The bare app and the three ccc-tui paths, each with a HOME of its own."""
    (tmp / "bare.py").write_text(BARE_APP)
    (tmp / "keyrings").mkdir()
    (tmp / "keyrings" / "bench_memory_keyring.py").write_text(MEMORY_KEYRING)

    def home(name: str, *, profile: bool, keyring: str | None) -> dict[str, str]:
        root = tmp / name
        env = {
            "HOME": str(root),
            "XDG_CONFIG_HOME": str(root / ".config"),
            "XDG_DATA_HOME": str(root / ".local" / "share"),
            "XDG_STATE_HOME": str(root / ".local" / "state"),
            "XDG_CACHE_HOME": str(root / ".cache"),
            "PYTHONPATH": str(ROOT),
        }
        (root / ".config").mkdir(parents=True)
        if profile:
            config = root / ".config" / "ccc-tui" / "config.toml"
            config.parent.mkdir()
            config.write_text(CONFIG.format(instance=DEMO_INSTANCE_ID, endpoint=endpoint))
            config.chmod(0o600)
            credentials = root / ".alibabacloud" / "credentials"
            credentials.parent.mkdir()
            credentials.write_text(CREDENTIALS)
            credentials.chmod(0o600)
        if keyring == "memory":
            env["PYTHONPATH"] += os.pathsep + str(tmp / "keyrings")
            env["PYTHON_KEYRING_BACKEND"] = "bench_memory_keyring.MemoryKeyring"
        elif keyring == "fail":
            env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        return env

    ccc = [sys.executable, "-m", "ccc_tui"]
    yield [
        Variant("bare Textual", [sys.executable, str(tmp / "bare.py")],
                home("bare", profile=False, keyring=None), BARE_SCREEN),
        Variant("--demo", [*ccc, "--demo"], home("demo", profile=False, keyring="fail"),
                DEMO_SCREEN),
        Variant("profile, keyring", ccc, home("keyring", profile=True, keyring="memory"),
                PROFILE_SCREEN),
        Variant("profile, no keyring", ccc, home("nokeyring", profile=True, keyring="fail"),
                PROFILE_SCREEN),
    ]


def bench_first_frames(runs: int) -> list[Variant]:
    if shutil.which("tmux") is None:
        raise SystemExit("bench_app: the first-frame measure needs tmux")
    # The tmux server, and so every app, gets only these variables (plus each variant's own): no
    # ALIBABA_CLOUD_* or CCC_TUI_* from this shell reaches the app.
    keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMUX_TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["TERM"] = os.environ.get("TERM", "xterm-256color")
    with (
        tempfile.TemporaryDirectory() as tmp,
        emulator_process(0) as endpoint,
        variants(Path(tmp), endpoint) as paths,
    ):
        tmux = Tmux(SIZE, env)
        try:
            for variant in paths:  # warm-up: OS caches, byte-code, each HOME's history and log
                tmux.first_frame(variant)
            for round_ in range(runs):
                shift = round_ % len(paths)
                for variant in paths[shift:] + paths[:shift]:
                    variant.samples.append(tmux.first_frame(variant))
        finally:
            tmux.close()
    return paths


# ── 2. enter to the painted timeline ──────────────────────────────────────────────────────────


def fresh_contacts(count: int, dataset: Any) -> list[str]:
    """`count` contacts of the data set, spread over its 30 days, none opened before."""
    stop = dataset.anchor
    start = stop - timedelta(days=30)
    ids = [
        s.contact_id
        for s in dataset.summaries(int(start.timestamp() * 1000), int(stop.timestamp() * 1000))
    ]
    step = max(len(ids) // count, 1)
    return ids[::step][:count]


class FrameWatch:
    """Notes the end of the first frame that shows the call `wanted` in the timeline.

    The timeline drawing a line of that call is the middle of a frame; the frame ends when the
    screen's compositor update has been turned into terminal output (`App._display`)."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        from ccc_tui.tui.widgets.timeline import EventTimeline

        self.wanted: str | None = None
        self.drawn = False
        self.painted: float | None = None
        watch = self
        display = app._display
        console = app.console

        def displayed(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if watch.wanted is None or not isinstance(renderable, CompositorUpdate):
                return
            renderable.render_segments(console)  # what a terminal driver writes; headless skips it
            if watch.drawn and watch.painted is None:
                watch.painted = time.perf_counter()

        app._display = displayed
        render_line = EventTimeline.render_line

        def spy(timeline: EventTimeline, y: int) -> Any:
            view = timeline.view
            if view is not None and view.call.contact_id == watch.wanted and timeline.row_count:
                watch.drawn = True
            return render_line(timeline, y)

        EventTimeline.render_line = spy  # type: ignore[method-assign, assignment]
        self._render_line = render_line

    def arm(self, contact_id: str) -> None:
        self.wanted, self.drawn, self.painted = contact_id, False, None

    def close(self) -> None:
        from ccc_tui.tui.widgets.timeline import EventTimeline

        EventTimeline.render_line = self._render_line  # type: ignore[method-assign]


async def bench_open(contacts: list[str], latency_ms: float, dataset: Any) -> tuple[float, list[float]]:
    """(ms of the session's first open, ms of each later one) over `contacts`."""
    from ccc_tui.calls.history import HistoryStore
    from ccc_tui.emulator.faults import Faults
    from ccc_tui.profiles.context import AppContext
    from ccc_tui.profiles.demo import demo_client
    from ccc_tui.tui.app import CccApp
    from ccc_tui.tui.screens.search import SearchScreen

    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        client = demo_client(dataset=dataset, faults=Faults(latency_ms=latency_ms))
        context = AppContext(instance_id=DEMO_INSTANCE_ID, label="demo", demo=True)
        app = CccApp(client=client, store=HistoryStore(Path(tmp) / "h.sqlite3"), context=context)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            watch = FrameWatch(app)
            try:
                for contact in contacts:
                    watch.arm(contact)
                    started = time.perf_counter()
                    app.open_call(contact)
                    deadline = started + 10
                    while watch.painted is None:
                        if time.perf_counter() > deadline:
                            raise RuntimeError(f"call {contact} was not painted in 10 s")
                        await asyncio.sleep(0.0005)
                    samples.append((watch.painted - started) * 1000)
                    watch.arm("")
                    await pilot.press("escape")
                    while not isinstance(app.screen, SearchScreen):
                        await pilot.pause()
            finally:
                watch.close()
    return samples[0], samples[1:]


# ── the report ────────────────────────────────────────────────────────────────────────────────


def line(label: str, samples: list[float], budget: str = "") -> None:
    print(
        f"  {label:<44} median {statistics.median(samples):6.1f} ms  min {min(samples):6.1f}"
        f"  max {max(samples):6.1f}  ({len(samples)} runs){f'  budget {budget}' if budget else ''}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="first-frame rounds (15)")
    parser.add_argument("--opens", type=int, default=15, help="calls opened per latency (15)")
    parser.add_argument("--quick", action="store_true", help="5 rounds and 8 opens")
    add_measures_argument(parser)
    opts = parser.parse_args()
    if opts.quick:
        opts.runs, opts.opens = 5, 8
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    measures: list[Measure] = []

    print(f"first frame in tmux {SIZE[0]}×{SIZE[1]}, spawn to the search screen shown:")
    paths = bench_first_frames(opts.runs)
    bare = statistics.median(paths[0].samples)
    for variant in paths:
        line(variant.name, variant.samples)
    for variant in paths[1:]:
        measures.append(
            Measure(
                f"first frame, {variant.name}",
                statistics.median(variant.samples),
                "ms",
                f"≤ {START_MS:.0f} ms, ≤ {FIRST_FRAME_RATIO}× bare",
                limit=START_MS,
                yardstick="bare Textual",
                yardstick_figure=bare,
                ratio_limit=FIRST_FRAME_RATIO,
            )
        )

    from ccc_tui.emulator.dataset import Dataset

    anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    dataset = Dataset(anchor=anchor)
    contacts = fresh_contacts(2 * (opts.opens + 1), dataset)
    print(f"enter to painted timeline, demo, {SIZE[0]}×{SIZE[1]}, a contact not opened before each time:")
    for n, latency in enumerate((0.0, 50.0)):
        batch = contacts[n * (opts.opens + 1) : (n + 1) * (opts.opens + 1)]
        first, samples = asyncio.run(bench_open(batch, latency, dataset))
        budget = latency + OPEN_MS
        print(f"  first open of the session ({latency:g} ms latency, composes the call screen): {first:.1f} ms")
        line(f"{latency:g} ms latency", samples, f"{budget:.0f} ms")
        measures.append(
            Measure(f"enter → painted timeline, demo, {latency:g} ms latency",
                    statistics.median(samples), "ms", f"≤ {budget:.0f} ms", limit=budget)
        )
    write_measures(opts.measures_json, measures)


if __name__ == "__main__":
    main()
