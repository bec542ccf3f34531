"""Make the README's screenshots (SVG) from the demo: `make screenshots`.

Each picture is the app against the in-process emulator, with a fixed data-set anchor, time zone,
clock and request id, and no blinking cursor, so the pictures only change when the app does.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.widgets import Input  # noqa: E402

from ccc_tui.api import v2017  # noqa: E402
from ccc_tui.calls.history import HistoryStore  # noqa: E402
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID, DEMO_INSTANCE_ID_2020  # noqa: E402
from ccc_tui.emulator.dataset import Dataset  # noqa: E402
from ccc_tui.emulator.showcase import SHOWCASE, SHOWCASE_2020  # noqa: E402
from ccc_tui.profiles.context import AppContext  # noqa: E402
from ccc_tui.profiles.demo import demo_client, demo_context  # noqa: E402
from ccc_tui.profiles.session import LaunchTarget  # noqa: E402
from ccc_tui.tui.app import CccApp  # noqa: E402
from ccc_tui.tui.screens.search import SearchScreen  # noqa: E402

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")
OUT = ROOT / "screenshots"
# One fixed id: requests that run concurrently would take the ids of a counter in an order that
# depends on timing.
REQUEST_ID = "0000DEMO-0001-4000-8000-000000000000"


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    contact: str | None = None
    keys: Sequence[str] = ()
    history: bool = False
    first_run: bool = False  # no credentials anywhere: the app's welcome screen
    instance: str = DEMO_INSTANCE_ID  # the demo's 2.0 instance: DEMO_INSTANCE_ID_2020


SHOTS = [
    Shot("home-history-80x24", (80, 24), history=True),
    Shot("call-seed-outbound-80x24", (80, 24), contact=SHOWCASE["seed_outbound"]),
    Shot("call-inbound-transfer-120x40", (120, 40), contact=SHOWCASE["inbound_transfer"]),
    Shot(
        "call-event-detail-80x24",
        (80, 24),
        contact=SHOWCASE["inbound_transfer"],
        keys=("j", "j", "j", "enter"),
    ),
    Shot(
        "call-filtered-120x40",
        (120, 40),
        contact=SHOWCASE["inbound_transfer"],
        keys=("slash", *"agent"),
    ),
    Shot(
        "call-recording-saved-100x30",
        (100, 30),
        contact=SHOWCASE["seed_recording"],
        keys=("tab", "d"),
    ),
    Shot("help-100x30", (100, 30), contact=SHOWCASE["seed_outbound"], keys=("question_mark",)),
    Shot("first-run-80x24", (80, 24), first_run=True),
    # The incident of the showcase day: the complaints queue loses most calls from 10:05 (the
    # summary is on top by itself: more rows than a screenful).
    Shot("search-incident-120x40", (120, 40), keys=(*"yesterday 投诉处理组", "enter")),
    # A CCC 2.0 call that died in an IVR node minutes after a flow was published.
    Shot(
        "call-2020-ivr-failure-120x40",
        (120, 40),
        contact=SHOWCASE_2020["ivr_failure"],
        instance=DEMO_INSTANCE_ID_2020,
    ),
]


def build_app(data_dir: Path, shot: Shot) -> CccApp:
    clock = count(1_793_000_000_000, 1000)
    store = HistoryStore(data_dir / "history.sqlite3", now_ms=lambda: next(clock))
    if shot.history:
        dataset = Dataset(anchor=ANCHOR)
        for name in (
            "seed_outbound",
            "seed_recording",
            "inbound_transfer",
            "abandoned_in_queue",
            "outbound_no_answer",
        ):
            body = {"Data": dataset.call_data(DEMO_INSTANCE_ID, SHOWCASE[name])}
            store.record(v2017.parse_call(body, SHOWCASE[name]), DEMO_INSTANCE_ID)
    # The demo's own context, in the pictures' fixed zone and a throw-away home's downloads.
    context = demo_context(shot.instance)._replace(
        tz=ZONE, download_dir=data_dir / "Downloads" / "ccc-tui"
    )
    if shot.first_run:
        welcome = AppContext(instance_id="", label="default · cn-shanghai", tz=ZONE)
        return CccApp(client=None, store=store, context=welcome, launch=LaunchTarget())
    return CccApp(
        client=demo_client(anchor=ANCHOR, request_ids=lambda: REQUEST_ID, instance_id=shot.instance),
        store=store,
        context=context,
        initial_contact=shot.contact,
        clock=lambda: ANCHOR,  # "yesterday" is the showcase day
    )


async def take(shot: Shot) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        # A throw-away home, so saved paths read as a user's (~/Downloads/…), not this machine's.
        home = Path(tmp)
        os.environ["HOME"] = str(home)
        for name in [
            n
            for n in os.environ
            if n.startswith(("ALIBABA_CLOUD", "ALICLOUD", "ALIYUN", "CCC_TUI"))
        ]:
            del os.environ[name]
        os.environ["XDG_CONFIG_HOME"] = str(home / ".config")
        os.environ["XDG_DATA_HOME"] = str(home / ".local" / "share")
        app = build_app(home, shot)
        async with app.run_test(size=shot.size) as pilot:
            # Home mounts its history and its form just after its first frame: wait for them.
            while isinstance(app.screen, SearchScreen) and not app.screen.settled:
                await pilot.pause(0.02)
            await app.workers.wait_for_complete()
            await pilot.pause()
            if shot.keys:
                await pilot.press(*shot.keys)
                await pilot.pause(0.3)
                await app.workers.wait_for_complete()
                await pilot.pause(0.3)
            app.clear_notifications()
            for field in app.screen.query(Input):
                field.cursor_blink = False  # the cursor shows, whenever the picture is taken
            await pilot.pause()
            path = OUT / f"{shot.name}.svg"
            app.save_screenshot(filename=path.name, path=str(OUT))
            return path


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for shot in SHOTS:
        path = asyncio.run(take(shot))
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
