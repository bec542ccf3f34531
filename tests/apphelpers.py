"""Building the app for Pilot and snapshot tests: demo emulator, fixed clock and zone, tmp store."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ccc_tui.api import v2017
from ccc_tui.api.client import RetryPolicy
from ccc_tui.calls.history import HistoryStore
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.faults import Decision, Faults
from ccc_tui.emulator.showcase import SHOWCASE
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.demo import demo_client
from ccc_tui.tui.app import CccApp
from ccc_tui.tui.screens.search import SearchScreen

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")
REQUEST_ID = "0000TEST-0001-4000-8000-000000000000"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
INBOUND_TRANSFER = SHOWCASE["inbound_transfer"]
HISTORY_CONTACTS = (
    SHOWCASE["seed_outbound"],
    SHOWCASE["seed_recording"],
    SHOWCASE["inbound_transfer"],
    SHOWCASE["abandoned_in_queue"],
    SHOWCASE["outbound_no_answer"],
)


def fill_history(store: HistoryStore, contacts: tuple[str, ...] = HISTORY_CONTACTS) -> None:
    dataset = Dataset(anchor=ANCHOR)
    for contact_id in contacts:
        body = {"Data": dataset.call_data(DEMO_INSTANCE_ID, contact_id)}
        store.record(v2017.parse_call(body, contact_id), DEMO_INSTANCE_ID)


def build_app(
    data_dir: Path,
    *,
    initial_contact: str | None = None,
    faults: Faults | None = None,
    history: bool = False,
    language: str = "en",
    instance_id: str = DEMO_INSTANCE_ID,
    big_call_shown: Callable[[], object] | None = None,
) -> CccApp:
    """The app on the demo's `instance_id` (DEMO_INSTANCE_ID_2020: its 2.0 instance)."""
    clock = count(1_793_000_000_000, 1000)
    store = HistoryStore(data_dir / "history.sqlite3", now_ms=lambda: next(clock))
    if history:
        fill_history(store)
    context = AppContext(
        instance_id=instance_id,
        label="demo instance",
        demo=True,
        tz=ZONE,
        language=language,
        download_dir=data_dir / "downloads",
    )
    client = demo_client(
        anchor=ANCHOR,
        faults=faults,
        retry=FAST_RETRY,
        # One fixed id: the events and recordings requests retry concurrently, so a counter
        # would hand out ids in an order that depends on timing (a flaky snapshot).
        request_ids=lambda: REQUEST_ID,
        instance_id=instance_id,
    )
    return CccApp(
        client=client,
        store=store,
        context=context,
        initial_contact=initial_contact,
        clock=lambda: ANCHOR,
        big_call_shown=big_call_shown,
    )


class FailAfter(Faults):
    """The first `good` requests are served; every later one fails with a 5xx (retries too) until
    `healed` is set: a search whose first page arrives and whose next pages are missing."""

    def __init__(self, good: int = 1) -> None:
        super().__init__()
        self.good = good
        self.healed = False
        self.seen = 0

    def active(self) -> bool:
        return True

    def decide(self) -> Decision:
        self.seen += 1
        if self.healed or self.seen <= self.good:
            return Decision()
        return Decision(server_error=True)

    def server_error_status(self, action: str) -> int:
        # Always the same code: the failing pages are fetched concurrently, so an alternating
        # 503/500 would put whichever lost the race on screen (a flaky snapshot).
        return 503


async def home_settled(pilot: Any, timeout: float = 10.0) -> None:
    """Wait until the home screen (when it is the screen) has done what it leaves until after its
    first frame — its history shown, its parts mounted — and every worker has finished."""
    deadline = time.monotonic() + timeout
    while isinstance(pilot.app.screen, SearchScreen) and not pilot.app.screen.settled:
        assert time.monotonic() < deadline, "the home screen did not settle in time"
        await pilot.pause(0.02)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
