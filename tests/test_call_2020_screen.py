"""The call screen on a CCC 2.0 call: the IVR track pane, the SIP Call-IDs, the record's facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccc_tui.api.errors import CccError
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID_2020
from ccc_tui.emulator.showcase import SHOWCASE, SHOWCASE_2020
from ccc_tui.tui.screens.call import CallScreen
from ccc_tui.tui.screens.copied import CopiedDialog
from ccc_tui.tui.widgets.call_summary import CallSummary
from ccc_tui.tui.widgets.ivr_track import IvrTrackPane
from ccc_tui.tui.widgets.recordings import RecordingsPane
from tests.apphelpers import build_app


async def loaded(pilot: Any) -> CallScreen:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CallScreen) and screen.state == "ready"
    return screen


async def test_the_ivr_pane_opens_on_the_node_the_call_died_in(tmp_path: Path) -> None:
    app = build_app(
        tmp_path, initial_contact=SHOWCASE_2020["ivr_failure"], instance_id=DEMO_INSTANCE_ID_2020
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        pane = screen.query_one(IvrTrackPane)
        assert pane.display and pane.ended_in_ivr
        assert [s.node_type for s in pane.steps][-1] == "JSON_PARSER"
        assert pane.steps[-1].last
        await pilot.press("i")
        assert not pane.display
        await pilot.press("i")
        assert pane.display and pane.has_focus_within


async def test_a_transfer_keeps_the_pane_closed_until_asked(tmp_path: Path) -> None:
    app = build_app(
        tmp_path,
        initial_contact=SHOWCASE_2020["inbound_transfer"],
        instance_id=DEMO_INSTANCE_ID_2020,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        pane = screen.query_one(IvrTrackPane)
        assert not pane.display and len(pane.steps) == 5 and not pane.ended_in_ivr
        summary = str(screen.query_one(CallSummary).render())
        assert "1 transfer" in summary and "3 SIP Call-IDs (S copies)" in summary
        assert "IVR track 5 nodes (i)" in summary
        await pilot.press("i")
        assert pane.display
        # Each multi-channel recording says its channel.
        recordings = screen.query_one(RecordingsPane).recordings
        assert any(r.channel for r in recordings)
        await pilot.press("S")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CopiedDialog)
        assert dialog.text.count("\n") == 2 and "@10." in dialog.text
        assert "3 SIP Call-IDs" in dialog.what
        titles = [c.title for c in screen.palette_commands()]
        assert "Copy SIP Call-IDs" in titles


async def test_a_failing_ivr_track_never_fails_the_call(tmp_path: Path) -> None:
    app = build_app(
        tmp_path,
        initial_contact=SHOWCASE_2020["inbound_transfer"],
        instance_id=DEMO_INSTANCE_ID_2020,
    )
    assert app.client is not None

    async def broken(*args: object, **kwargs: object) -> tuple[()]:
        raise CccError("the track is down", code="ServiceUnavailable")

    app.client.list_ivr_nodes = broken  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        assert screen.call is not None and screen.call.ivr_nodes is None
        pane = screen.query_one(IvrTrackPane)
        assert not pane.display
        await pilot.press("i")
        assert pane.display and "not available: ServiceUnavailable" in pane.note


async def test_a_2017_call_has_no_call_ids_to_copy(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["inbound_transfer"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("S")
        await pilot.pause()
        assert app.screen is screen  # a warning, no dialog
