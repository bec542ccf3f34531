"""Counts read as English wherever they are shown: "1 event", "2 events", never "1 events"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from ccc_tui.api.models import Call, CallEvent, Lane, Recording
from ccc_tui.calls.history import HistoryEntry
from ccc_tui.calls.view import CallView
from ccc_tui.tui.widgets.call_summary import summary_text
from ccc_tui.tui.widgets.history import HistoryTable
from ccc_tui.tui.widgets.recordings import RecordingsPane
from ccc_tui.tui.widgets.timeline import EventTimeline

START = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)


def a_call(events: int, recordings: int) -> Call:
    return Call(
        "2020927020",
        caller="13800138000",
        callee="4008001234",
        direction="Inbound",
        start=START,
        events=tuple(
            CallEvent(time=START, event="Talk", lane=Lane.AGENT, duration=5) for _ in range(events)
        ),
        recordings=tuple(
            Recording(file_name=f"r{n}.wav", contact_id="2020927020", start=START)
            for n in range(recordings)
        ),
    )


def entry(contact_id: str) -> HistoryEntry:
    return HistoryEntry(
        instance_id="inst-1",
        contact_id=contact_id,
        looked_up=START,
        start=START,
        caller="13800138000",
        callee="4008001234",
        direction="Inbound",
        release_agent="",
        release_reason="",
        outcome="answered",
        duration_s=60,
        event_count=1,
        recording_count=1,
    )


class Host(App[None]):
    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


@pytest.mark.parametrize(("count", "words"), [(1, "1 event"), (2, "2 events"), (0, "0 events")])
async def test_timeline_info_line(count: int, words: str) -> None:
    view = CallView.of(a_call(count, 0), tz=UTC, language="en")
    app = Host(EventTimeline(view))
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        info = app.query_one(EventTimeline).render_line(0).text
        assert f" · {words} · " in info


@pytest.mark.parametrize(
    ("events", "recordings", "words"),
    [
        (1, 1, "1 event · 1 recording"),
        (2, 2, "2 events · 2 recordings"),
        (1, 0, "1 event · 0 recordings"),
        (0, 1, "0 events · 1 recording"),
    ],
)
def test_call_summary(events: int, recordings: int, words: str) -> None:
    view = CallView.of(a_call(events, recordings), tz=UTC, language="en")
    text = summary_text(view, wide=True).plain
    assert f"   {words}\n" in text


@pytest.mark.parametrize("count", [1, 2])
async def test_recordings_title_counts_in_brackets(count: int) -> None:
    pane = RecordingsPane()
    app = Host(pane)
    async with app.run_test(size=(100, 20)) as pilot:
        pane.set_view(CallView.of(a_call(0, count), tz=UTC, language="en"))
        await pilot.pause()
        assert str(pane.border_title) == f"Recordings ({count}) · contact 2020927020"


async def test_history_subtitle() -> None:
    table = HistoryTable(tz=UTC)
    app = Host(table)
    async with app.run_test(size=(100, 20)) as pilot:
        table.set_entries([entry("1")])
        await pilot.pause()
        assert str(table.border_subtitle) == "1 call"
        table.set_entries([entry("1"), entry("2")])
        assert str(table.border_subtitle) == "2 calls"
        table.set_entries([])
        assert str(table.border_subtitle) == ""
