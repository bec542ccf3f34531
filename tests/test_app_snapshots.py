"""Every screen of the app, at 80×24 and 120×40, against the demo emulator with a fixed clock.

`snap_compare` is only called from sync tests (the plugin runs its own event loop).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from ccc_tui.emulator.constants import DEMO_INSTANCE_ID_2020
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.showcase import SHOWCASE, SHOWCASE_2020
from tests.apphelpers import INBOUND_TRANSFER, FailAfter, build_app, home_settled

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def settle(*keys: str) -> Callable[[Any], Awaitable[None]]:
    """Wait for the call to load, press `keys`, then let every worker and repaint finish."""

    async def run_before(pilot: Any) -> None:
        await home_settled(pilot)
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        # Toasts time out on the wall clock: keep them out of the pictures.
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def check(
    snap_compare: Any,
    tmp_path: Path,
    size: tuple[int, int],
    *,
    keys: Sequence[str] = (),
    **app_options: Any,
) -> None:
    app = build_app(tmp_path, **app_options)
    assert snap_compare(app, terminal_size=size, run_before=settle(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_home_empty(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size)


@pytest.mark.parametrize("size", SIZES)
def test_home_with_history(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, history=True)


@pytest.mark.parametrize("size", SIZES)
def test_home_invalid_input(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, keys=[*"1096/645"])


@pytest.mark.parametrize("size", SIZES)
def test_call_seed_outbound(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, initial_contact=SHOWCASE["seed_outbound"])


@pytest.mark.parametrize("size", SIZES)
def test_call_seed_recording(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, initial_contact=SHOWCASE["seed_recording"])


@pytest.mark.parametrize("size", SIZES)
def test_call_inbound_transfer(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, initial_contact=INBOUND_TRANSFER)


def test_call_on_a_short_narrow_terminal(snap_compare: Any, tmp_path: Path) -> None:
    # 40×12: the summary and the phase bar give way, so the timeline keeps a few rows.
    check(snap_compare, tmp_path, (40, 12), initial_contact=INBOUND_TRANSFER)


@pytest.mark.parametrize("size", SIZES)
def test_event_detail(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(
        snap_compare,
        tmp_path,
        size,
        initial_contact=INBOUND_TRANSFER,
        keys=["j", "j", "j", "enter"],
    )


@pytest.mark.parametrize("size", SIZES)
def test_event_detail_raw_json(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(
        snap_compare,
        tmp_path,
        size,
        initial_contact=INBOUND_TRANSFER,
        keys=["j", "j", "j", "enter", "J"],
    )


@pytest.mark.parametrize("size", SIZES)
def test_filtered_timeline(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, initial_contact=INBOUND_TRANSFER, keys=["slash", *"agent"])


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(
        snap_compare,
        tmp_path,
        size,
        initial_contact=SHOWCASE["seed_outbound"],
        keys=["question_mark"],
    )


@pytest.mark.parametrize("size", SIZES)
def test_error_state(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(
        snap_compare,
        tmp_path,
        size,
        initial_contact=SHOWCASE["seed_outbound"],
        faults=Faults.parse("5xx=1"),
    )


@pytest.mark.parametrize("size", SIZES)
def test_unknown_contact(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, initial_contact="404404404")


@pytest.mark.parametrize("size", SIZES)
def test_hostile_server_text(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, initial_contact=SHOWCASE["hostile"])


SMALL = [pytest.param((60, 20), id="60x20"), pytest.param((80, 24), id="80x24")]


@pytest.mark.parametrize("size", SMALL)
def test_toast_leaves_the_recordings_in_view(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    # A toast took the whole width at 60 columns (losing its last one) and hid the recordings.
    async def run_before(pilot: Any) -> None:
        await home_settled(pilot)
        await pilot.press("d")  # two recordings, none picked: a warning toast says why not
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SMALL)
def test_copied_contact_id(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check(snap_compare, tmp_path, size, initial_contact=INBOUND_TRANSFER, keys=["y"])


# ── the search screen ────────────────────────────────────────────────────────────────────


def search_for(text: str, *keys: str) -> Callable[[Any], Awaitable[None]]:
    """Type `text` into the home input (as a paste: no key by key), press enter unless `text`
    ends in "…" (then only shown as understood), then `keys`."""

    async def run_before(pilot: Any) -> None:
        await home_settled(pilot)
        pilot.app.screen.query_one("#contact-input").value = text.rstrip("…")
        await pilot.pause()
        presses = keys if text.endswith("…") else ("enter", *keys)
        for key in presses:
            await pilot.press(key)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def check_search(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int], text: str, *keys: str, **options: Any
) -> None:
    app = build_app(tmp_path, **options)
    assert snap_compare(app, terminal_size=size, run_before=search_for(text, *keys))


@pytest.mark.parametrize("size", SIZES)
def test_search_parsed_query(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check_search(snap_compare, tmp_path, size, "yesterday 10:40 in abandoned…")


@pytest.mark.parametrize("size", SIZES)
def test_search_results(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check_search(snap_compare, tmp_path, size, "yesterday")


@pytest.mark.parametrize("size", SIZES)
def test_search_summary(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check_search(snap_compare, tmp_path, size, "yesterday", "s")


@pytest.mark.parametrize("size", SIZES)
def test_search_incident_shows_in_the_summary(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    # The complaints queue abandons most calls from 10:05: the peak bucket, picked.
    check_search(snap_compare, tmp_path, size, "yesterday 投诉处理组", "s", "enter")


@pytest.mark.parametrize("size", SIZES)
def test_search_no_results(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check_search(snap_compare, tmp_path, size, "13900000000 today")


@pytest.mark.parametrize("size", SIZES)
def test_search_partial_results(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    check_search(snap_compare, tmp_path, size, "yesterday", faults=FailAfter(good=1))


# --- a CCC 2.0 call (the demo's 2020-07-01 instance) with its IVR track ---


@pytest.mark.parametrize("size", SIZES)
def test_call_2020_died_in_the_ivr(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """The IVR track opens by itself on the node the call died in, after the flow's publish."""
    check(
        snap_compare,
        tmp_path,
        size,
        initial_contact=SHOWCASE_2020["ivr_failure"],
        instance_id=DEMO_INSTANCE_ID_2020,
    )


@pytest.mark.parametrize("size", SIZES)
def test_call_2020_transfer_with_ivr_track(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    """IVR → queue → transfer: the record's facts in the summary, `i` opens the IVR track."""
    check(
        snap_compare,
        tmp_path,
        size,
        initial_contact=SHOWCASE_2020["inbound_transfer"],
        instance_id=DEMO_INSTANCE_ID_2020,
        keys=["i"],
    )
