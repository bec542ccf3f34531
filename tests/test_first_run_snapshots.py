"""Snapshots of the first-run screen at 80×24 and 120×40: nothing found, and found on re-check."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from ccc_tui.calls.history import HistoryStore
from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.app import CccApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
CONTEXT = AppContext(instance_id="", label="default · cn-shanghai", tz=ZoneInfo("Asia/Shanghai"))


def first_run_app() -> CccApp:
    return CccApp(
        client=None, store=HistoryStore(Path.home() / "history.sqlite3"), context=CONTEXT
    )


async def settled(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_first_run(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(first_run_app(), terminal_size=size, run_before=settled)


def test_first_run_found_env_at_80x24(snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tFirstRunKey0042")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "first-run-secret")
    assert snap_compare(first_run_app(), terminal_size=(80, 24), run_before=settled)
