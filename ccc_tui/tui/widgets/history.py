"""The history of looked-up calls: one row per call, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ccc_tui.calls.history import HistoryEntry
from ccc_tui.calls.text import cell_width, safe_text


def _when(moment: datetime | None, tz: tzinfo | None) -> str:
    # Always the full date, year first: "10:03" means little a week later, and "19-04-17" could
    # be any of three dates.
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "—"


class HistoryTable(DataTable[Text]):
    """Enter opens the highlighted call; `x` (or delete) forgets it."""

    DEFAULT_CSS = """
    HistoryTable {
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $foreground-muted;
    }
    HistoryTable:focus { border: round $accent; }
    HistoryTable { overflow-x: hidden; }
    """

    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("x,delete", "forget", "Forget", show=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]

    @dataclass
    class Chosen(Message):
        entry: HistoryEntry

    @dataclass
    class Forget(Message):
        entry: HistoryEntry

    def __init__(self, *, tz: tzinfo | None = None, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.tz = tz
        self._entries: list[HistoryEntry] = []

    def on_mount(self) -> None:
        self.border_title = "History"
        for label, key in (
            ("Call start", "start"),
            ("Contact", "contact"),
            ("Caller → callee", "parties"),
            ("Dir", "dir"),
            ("How it ended", "outcome"),
        ):
            self.add_column(label, key=key)

    def on_resize(self) -> None:
        if self._entries:
            self.set_entries(self._entries)

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self._entries = list(entries)
        self.clear()
        rows = [
            (
                _when(entry.start, self.tz),
                safe_text(entry.contact_id, 32),
                f"{safe_text(entry.caller, 16) or '?'} → {safe_text(entry.callee, 16) or '?'}",
                _direction(entry.direction),
            )
            for entry in self._entries
        ]
        # The last column gets what is left, so the table never scrolls sideways.
        widths = [
            max([len(label)] + [cell_width(row[i]) for row in rows])
            for i, label in enumerate(_FIXED_LABELS)
        ]
        region = self.scrollable_content_region.width or self.app.size.width - 6
        padding = 2 * self.cell_padding * (len(widths) + 1)
        outcome_width = max(10, region - sum(widths) - padding)
        for entry, row in zip(self._entries, rows, strict=True):
            self.add_row(
                *(Text(cell) for cell in row),
                Text(safe_text(entry.outcome, outcome_width), style="dim"),
                key=f"{entry.instance_id}/{entry.contact_id}",
            )
        count = len(self._entries)
        self.border_subtitle = f"{count} call{'s' if count != 1 else ''}" if count else ""

    @property
    def entries(self) -> tuple[HistoryEntry, ...]:
        return tuple(self._entries)

    @property
    def current(self) -> HistoryEntry | None:
        if not self._entries or self.cursor_row < 0 or self.cursor_row >= len(self._entries):
            return None
        return self._entries[self.cursor_row]

    def action_open(self) -> None:
        if (entry := self.current) is not None:
            self.post_message(self.Chosen(entry))

    def action_forget(self) -> None:
        if (entry := self.current) is not None:
            self.post_message(self.Forget(entry))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # A mouse click or enter handled by DataTable itself.
        event.stop()
        self.action_open()


_FIXED_LABELS = ("Call start", "Contact", "Caller → callee", "Dir")


def _direction(direction: str) -> str:
    return {"inbound": "in", "outbound": "out"}.get(direction.lower(), safe_text(direction, 8))
