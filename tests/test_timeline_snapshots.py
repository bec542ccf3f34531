"""What the timeline, phase bar and detail panel look like, at 80×24 and 120×40.

Times are shown in Asia/Shanghai so that the pictures do not depend on the machine's zone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.pilot import Pilot

from ccc_tui.api.models import Call
from ccc_tui.calls.view import CallView as ShownCall
from ccc_tui.tui.widgets.event_detail import EventDetail
from ccc_tui.tui.widgets.phase_bar import PhaseBar
from ccc_tui.tui.widgets.timeline import EventTimeline
from tests.test_timeline import SHANGHAI, inbound_call, seed_call

SIZES = [(80, 24), (120, 40)]


class CallView(App[None]):
    """The call screen's middle, as the call screen arranges it."""

    CSS = """
    #body { height: 1fr; }
    EventDetail { width: 46%; border-left: vkey $panel; padding: 0 1; }
    CallView.-detail-only EventTimeline { display: none; }
    CallView.-detail-only EventDetail { width: 1fr; border-left: none; }
    """

    def __init__(
        self,
        call: Call,
        *,
        filter_text: str = "",
        detail: bool = False,
        raw: bool = False,
        detail_only: bool = False,
        select: int | None = None,
    ) -> None:
        super().__init__()
        self.view = ShownCall.of(call, tz=SHANGHAI)
        self.filter_text = filter_text
        self.detail = detail
        self.raw = raw
        self.detail_only = detail_only
        self.select = select

    def compose(self) -> ComposeResult:
        yield PhaseBar(self.view)
        with Horizontal(id="body"):
            yield EventTimeline(self.view)
            if self.detail:
                yield EventDetail()

    def on_mount(self) -> None:
        self.set_class(self.detail_only, "-detail-only")
        timeline = self.query_one(EventTimeline)
        timeline.focus()
        if self.filter_text:
            timeline.filter(self.filter_text)
        if self.select is not None:
            timeline.select_index(self.select)
        if self.detail:
            detail = self.query_one(EventDetail)
            detail.show_raw = self.raw
            detail.set_view(self.view, timeline.selected_event)

    def on_event_timeline_cursor_moved(self, message: EventTimeline.CursorMoved) -> None:
        if self.detail:
            self.query_one(EventDetail).set_event(message.event)


def press(*keys: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


class Case:
    apps: ClassVar[dict[str, Callable[[], App[None]]]] = {
        "seed_outbound": lambda: CallView(seed_call()),
        "inbound_transfer": lambda: CallView(inbound_call()),
        "filtered": lambda: CallView(inbound_call(), filter_text="李娜"),
        # The transfer: it has a details field (TransferTo) besides the modelled ones.
        "detail_raw": lambda: CallView(inbound_call(), detail=True, raw=True, select=5),
        "detail_raw_only": lambda: CallView(
            inbound_call(), detail=True, raw=True, detail_only=True, select=5
        ),
    }


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_seed_outbound(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(Case.apps["seed_outbound"](), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_inbound_with_transfer(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    # The cursor on the first agent's Talk.
    assert snap_compare(
        Case.apps["inbound_transfer"](), terminal_size=size, run_before=press("j", "j", "j", "j")
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filtered(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(Case.apps["filtered"](), terminal_size=size, run_before=press("j"))


def test_detail_with_raw_json_beside_the_timeline(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(Case.apps["detail_raw"](), terminal_size=(120, 40))


def test_detail_with_raw_json_alone_at_80(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(Case.apps["detail_raw_only"](), terminal_size=(80, 24))
