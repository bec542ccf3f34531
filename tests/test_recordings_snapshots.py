"""Snapshots of RecordingsPane at 80×24 and 120×40 (fixed zone: Asia/Shanghai)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Footer

from ccc_tui.api.models import Recording
from ccc_tui.tui.widgets.recordings import RecordingsPane
from tests.seeds import SEED_RECORDING_MODEL

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The seed's recording (ListRecordingsByContactId example) and a second after a transfer.
RECORDINGS = (
    SEED_RECORDING_MODEL,
    Recording(
        file_name="153128493000100080327683.wav",
        contact_id="2020927020",
        description="20180711125530-Li Lei",
        agent_id="293939422320399999",
        agent_name="Li Lei",
        calling_number="80327683",
        called_number="15588886666",
        contact_type="Outbound",
        start=datetime.fromtimestamp(1531284930, UTC),
        duration=125,
    ),
)


def downloading(pane: RecordingsPane) -> None:
    pane.set_recordings(RECORDINGS, contact_id="2020927020", tz=SHANGHAI)
    pane.set_progress(RECORDINGS[0].file_name, 122_880, 273_000)  # 45%
    pane.mark_saved(RECORDINGS[1].file_name, Path.home() / "Downloads" / "ccc-tui" / "b.wav")


def failed(pane: RecordingsPane) -> None:
    pane.set_recordings(RECORDINGS, contact_id="2020927020", tz=SHANGHAI)
    pane.mark_failed(
        RECORDINGS[0].file_name,
        "The recording download was refused (HTTP 403); the signed URL may have expired.",
        code="Download.HTTP403",
    )


def empty(pane: RecordingsPane) -> None:
    pane.set_recordings([], contact_id="1096645650", tz=SHANGHAI)


class Host(App[None]):
    def __init__(self, scene: Callable[[RecordingsPane], None]) -> None:
        super().__init__()
        self.scene = scene

    def compose(self) -> ComposeResult:
        yield RecordingsPane()
        yield Footer()

    def on_mount(self) -> None:
        pane = self.query_one(RecordingsPane)
        self.scene(pane)
        pane.focus()


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_two_recordings_mid_download(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(Host(downloading), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_empty(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(Host(empty), terminal_size=size)


def test_failed_download_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(Host(failed), terminal_size=(80, 24))
