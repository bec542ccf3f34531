"""The recordings of one call: a row each, with a per-row download state.

The pane does no network and no file I/O: keys become typed messages, and the screen that does
the work reports back through `set_progress`, `mark_saved` and `mark_failed`.

Keys: `d` download, `p` play (downloading first when needed), `c` copy the signed URL, and
`enter` plays a saved recording or else downloads it. The call screen sends the same keys from its
other panes to `target`: the only recording, or the one the user picked here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import Enum
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ccc_tui.api.models import Recording
from ccc_tui.calls.columns import ColumnSpec, plan
from ccc_tui.calls.record import channel_label, holds_text, is_multi_channel
from ccc_tui.calls.text import cut, format_clock, safe_text
from ccc_tui.calls.view import CallView
from ccc_tui.calls.zone import to_local, zone_label

__all__ = ["RecordingsPane"]

# Content widths at or above this use the wide layout (agent id, full dates, type, longer bars).
WIDE_AT = 110
_PAD = 2  # DataTable's cell_padding on both sides of every column
_PARTIAL_BLOCKS = " ▏▎▍▌▋▊▉"  # eighths, so a 4-cell bar still moves smoothly


class _Kind(Enum):
    IDLE = "idle"
    QUEUED = "queued"  # requested; the screen has not reported progress yet
    DOWNLOADING = "downloading"
    SAVED = "saved"
    FAILED = "failed"


@dataclass(slots=True)
class _State:
    kind: _Kind = _Kind.IDLE
    done: int = 0
    total: int | None = None
    path: Path | None = None
    message: str = ""
    code: str = ""
    play_when_saved: bool = False

    @property
    def busy(self) -> bool:
        return self.kind in (_Kind.QUEUED, _Kind.DOWNLOADING)


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    label: str
    width: int
    right: bool = False


# ---- text helpers (cutting is `calls.text.cut`: cell-aware, so CJK names keep the columns aligned)


def _fit_text(text: Text, width: int) -> Text:
    text = text.copy()
    text.truncate(width, overflow="ellipsis")
    return text


def _label(label: str, width: int) -> str:
    # DataTable crops a header without an ellipsis: "Descripti" reads worse than "Desc".
    return label if len(label) <= width else {"Description": "Desc"}.get(label, label)


def _channel_text(recording: Recording) -> str:
    holds = holds_text(recording)
    return f"{channel_label(recording)} · {holds}" if holds else channel_label(recording)


def _bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def _home_relative(path: Path) -> str:
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


class _Table(DataTable[Text]):
    """The stock table, with `enter` described for the help screen (the pane decides what it does)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Download or play", show=False),
    ]

    def on_resize(self) -> None:
        # A height the screen imposes may bring a vertical scrollbar: the columns must make room.
        if isinstance(self.parent, RecordingsPane):
            self.parent.on_resize()

    def on_focus(self) -> None:
        # The row under the cursor is now one the user has seen: keys from elsewhere may use it.
        if isinstance(self.parent, RecordingsPane):
            self.parent.picked = True


class RecordingsPane(Widget):
    """A table of a call's recordings with download progress; posts requests for the screen."""

    DEFAULT_CSS = """
    RecordingsPane {
        height: auto;
        border: round $panel-lighten-2;
        border-title-color: $foreground-muted;
        border-subtitle-color: $foreground-muted;
    }
    RecordingsPane:focus-within {
        border: round $accent;
        border-title-color: $foreground;
    }
    RecordingsPane > DataTable {
        height: auto;
        overflow-x: hidden;  /* columns are planned to fit: never lose a row to a scrollbar */
        background: $surface;
    }
    RecordingsPane > #recordings-empty {
        height: auto;
        padding: 0 1;
        color: $foreground-muted;
    }
    RecordingsPane > #recordings-detail {
        dock: bottom;  /* stays visible when the screen gives the pane a fixed height */
        height: auto;
        max-height: 2;
        padding: 0 1;
        color: $foreground-muted;
    }
    RecordingsPane > .recordings--bar { color: $accent; }
    RecordingsPane > .recordings--bar-empty { color: $foreground-muted; }
    RecordingsPane > .recordings--saved { color: $success; }
    RecordingsPane > .recordings--failed { color: $error; }
    RecordingsPane > .recordings--queued { color: $warning; }
    RecordingsPane > .recordings--muted { color: $foreground-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "recordings--bar",
        "recordings--bar-empty",
        "recordings--saved",
        "recordings--failed",
        "recordings--queued",
        "recordings--muted",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "download", "Download", tooltip="Download the recording"),
        Binding("p", "play", "Play", tooltip="Play it (downloading first when needed)"),
        Binding("c", "copy_url", "Copy URL", tooltip="Copy a fresh signed download URL"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "cursor_top", "Top", show=False),
        Binding("G", "cursor_bottom", "Bottom", show=False),
    ]

    class _RecordingMessage(Message):
        def __init__(self, pane: RecordingsPane, recording: Recording) -> None:
            super().__init__()
            self.pane = pane
            self.recording = recording

        @property
        def control(self) -> RecordingsPane:
            return self.pane

    class DownloadRequested(_RecordingMessage):
        """Download `recording`; answer with set_progress, then mark_saved or mark_failed."""

    class PlayRequested(_RecordingMessage):
        """Play the saved file at `path` (the pane asks for a download first when there is none)."""

        def __init__(self, pane: RecordingsPane, recording: Recording, path: Path) -> None:
            super().__init__(pane, recording)
            self.path = path

    class CopyUrlRequested(_RecordingMessage):
        """Copy a (fresh) signed download URL of `recording` to the clipboard."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._recordings: tuple[Recording, ...] = ()
        self._contact_id: str | None = None
        self.picked = False
        """The user has been in the table, so the row under its cursor is their choice."""
        self._tz: tzinfo | None = None
        self._states: dict[str, _State] = {}
        self._columns: tuple[_Column, ...] = ()
        self._styles_seen: tuple[Style, ...] = ()
        self._table: DataTable[Text] = _Table(cursor_type="row", zebra_stripes=False)
        self._empty = Static(id="recordings-empty")
        self._detail = Static(id="recordings-detail")

    def compose(self) -> ComposeResult:
        yield self._table
        yield self._empty
        yield self._detail

    def on_mount(self) -> None:
        self._render_all()

    # ---- public API --------------------------------------------------------------------------

    def set_recordings(
        self,
        recordings: Iterable[Recording],
        *,
        contact_id: str,
        tz: tzinfo | None = None,
    ) -> None:
        """Show these recordings, times in `tz` (None: the machine's zone).

        Download states of file names still present are kept, so a refresh loses no "saved".
        """
        self._recordings = tuple(recordings)
        if contact_id != self._contact_id:
            self.picked = False
        self._contact_id = contact_id
        self._tz = tz
        names = {r.file_name for r in self._recordings}
        self._states = {k: v for k, v in self._states.items() if k in names}
        if self.is_mounted:
            self._render_all()

    def set_view(self, view: CallView) -> None:
        """Show the recordings of the view's call, times in its zone."""
        self.set_recordings(view.call.recordings, contact_id=view.call.contact_id, tz=view.tz)

    @property
    def recordings(self) -> tuple[Recording, ...]:
        return self._recordings

    @property
    def selected(self) -> Recording | None:
        """The recording under the cursor."""
        if not self._recordings or not self._table.row_count:
            return None
        row = self._table.cursor_row
        return self._recordings[row] if 0 <= row < len(self._recordings) else None

    @property
    def target(self) -> Recording | None:
        """What `d`, `p` and `c` act on from outside the pane: the only recording, or the one
        under the cursor once the user has been in the table (None: ask them to pick one)."""
        if len(self._recordings) == 1:
            return self._recordings[0]
        return self.selected if self.picked else None

    def saved_path(self, file_name: str) -> Path | None:
        state = self._states.get(file_name)
        return state.path if state is not None and state.kind is _Kind.SAVED else None

    def state_of(self, file_name: str) -> str:
        """The download state: idle, queued, downloading, saved or failed."""
        return self._states.get(file_name, _State()).kind.value

    def set_progress(self, file_name: str, done: int, total: int | None) -> None:
        """Bytes received so far (`total` None when the server did not say)."""
        if not self._shows(file_name):
            return
        state = self._state(file_name)
        state.kind, state.done, state.total = _Kind.DOWNLOADING, max(done, 0), total
        self._update_state(file_name)

    def mark_saved(self, file_name: str, path: Path) -> None:
        if not self._shows(file_name):
            return
        state = self._state(file_name)
        state.kind, state.path, state.message, state.code = _Kind.SAVED, Path(path), "", ""
        play = state.play_when_saved
        state.play_when_saved = False
        self._update_state(file_name)
        if play:
            recording = self._recording(file_name)
            if recording is not None:
                self.post_message(self.PlayRequested(self, recording, Path(path)))

    def mark_failed(self, file_name: str, message: str, *, code: str = "") -> None:
        """`message` (and `code`, an error code such as NotExist.Record) may hold server text."""
        if not self._shows(file_name):
            return
        state = self._state(file_name)
        state.kind, state.message, state.code = _Kind.FAILED, message, code
        state.play_when_saved = False
        self._update_state(file_name)

    def reset(self, file_name: str) -> None:
        """Back to no state, e.g. when the screen cancelled a download."""
        self._states.pop(file_name, None)
        self._update_state(file_name)

    def focus(self, scroll_visible: bool = True) -> RecordingsPane:
        self._table.focus(scroll_visible)
        return self

    # ---- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("download", "play", "copy_url", "activate"):
            return True if self.selected is not None else None  # None: shown, greyed out
        return True

    def action_download(self) -> None:
        recording = self.selected
        if recording is None or self._state(recording.file_name).busy:
            return  # one download per file at a time
        self._request_download(recording)

    def action_play(self) -> None:
        recording = self.selected
        if recording is None:
            return
        state = self._state(recording.file_name)
        if state.kind is _Kind.SAVED and state.path is not None:
            self.post_message(self.PlayRequested(self, recording, state.path))
            return
        # Play needs a local file: fetch it first and play when mark_saved arrives.
        state.play_when_saved = True
        if not state.busy:
            self._request_download(recording)
        else:
            self._update_state(recording.file_name)

    def action_copy_url(self) -> None:
        recording = self.selected
        if recording is not None:
            self.post_message(self.CopyUrlRequested(self, recording))

    def action_activate(self) -> None:
        """Enter: play what is saved, else download (a second download is never started)."""
        recording = self.selected
        if recording is None:
            return
        if self.saved_path(recording.file_name) is not None:
            self.action_play()
        else:
            self.action_download()

    def action_cursor_down(self) -> None:
        self._table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self._table.action_cursor_up()

    def action_cursor_top(self) -> None:
        if self._table.row_count:
            self._table.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        if self._table.row_count:
            self._table.move_cursor(row=self._table.row_count - 1)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_activate()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._render_detail()
        self.refresh_bindings()

    def _request_download(self, recording: Recording) -> None:
        state = self._state(recording.file_name)
        state.kind, state.message, state.code = _Kind.QUEUED, "", ""
        self._update_state(recording.file_name)
        self.post_message(self.DownloadRequested(self, recording))

    # ---- state -------------------------------------------------------------------------------

    def _state(self, file_name: str) -> _State:
        return self._states.setdefault(file_name, _State())

    def _shows(self, file_name: str) -> bool:
        # A late report from a download of another call's recording changes nothing here.
        return any(r.file_name == file_name for r in self._recordings)

    def _recording(self, file_name: str) -> Recording | None:
        return next((r for r in self._recordings if r.file_name == file_name), None)

    def _update_state(self, file_name: str) -> None:
        if not self.is_mounted or not any(c.key == "state" for c in self._columns):
            return
        state = self._states.get(file_name, _State())
        cell = self._state_cell(state, self._column("state").width)
        for index, recording in enumerate(self._recordings):
            if recording.file_name == file_name and index < self._table.row_count:
                self._table.update_cell(str(index), "state", cell)
        selected = self.selected
        if selected is not None and selected.file_name == file_name:
            self._render_detail()

    # ---- rendering ---------------------------------------------------------------------------

    def on_resize(self) -> None:
        if self._plan() != self._columns:
            self._render_all()
        else:
            self._render_detail()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Cells carry resolved colours: a theme change must repaint them (and only then).
        if self.is_mounted and self._resolved_styles() != self._styles_seen:
            self.call_after_refresh(self._render_all)

    def _resolved_styles(self) -> tuple[Style, ...]:
        return tuple(self.get_component_rich_style(n) for n in sorted(self.COMPONENT_CLASSES))

    def _style(self, name: str) -> Style:
        style = self.get_component_rich_style(f"recordings--{name}")
        # Foreground and text style only: a background would paint over the table's cursor row.
        return Style(color=style.color, bold=style.bold, italic=style.italic, dim=style.dim)

    def _content_width(self) -> int:
        width = self.content_size.width
        if width <= 0:  # not laid out yet: assume the whole screen less our border
            width = self.app.size.width - 2
        return max(width, 20)

    @property
    def _wide(self) -> bool:
        return self._content_width() >= WIDE_AT

    def _column(self, key: str) -> _Column:
        return next(c for c in self._columns if c.key == key)

    def _local(self, moment: datetime) -> datetime:
        return to_local(moment, self._tz)

    def _one_date(self) -> str | None:
        """The local date all recordings share, shown once in the title instead of every row."""
        dates = {self._local(r.start).date() for r in self._recordings if r.start is not None}
        return dates.pop().isoformat() if len(dates) == 1 else None

    def _plan(self) -> tuple[_Column, ...]:
        """Column widths for the current width: fixed ones first, the rest shared."""
        width = self._content_width()
        wide = width >= WIDE_AT
        visible = self._table.size.height
        if visible and len(self._recordings) + self._table.header_height > visible:
            width -= self._table.styles.scrollbar_size_vertical  # a vertical scrollbar shows
        one_date = self._one_date() is not None
        start_w = 8 if one_date else (19 if wide else 14)
        durs = [len(format_clock(r.duration)) for r in self._recordings if r.duration is not None]
        files = [cell_len(safe_text(r.file_name)) for r in self._recordings]
        agents = [cell_len(self._agent_plain(r, wide)) for r in self._recordings]
        descs = [cell_len(safe_text(r.description)) for r in self._recordings]
        specs = [
            ColumnSpec("state", 15 if wide else 11),
            # The description (often a timestamp and the agent again) gives way first; then file
            # name and agent narrow together, so neither is starved; then the description goes.
            ColumnSpec("file", min(max([4, *files]), 48), min=12, grow=2, floor=4),
            ColumnSpec("agent", min(max([5, *agents]), 40), min=6, grow=2, floor=4),
            ColumnSpec("start", start_w),
            ColumnSpec("duration", max([8 if wide else 4, *durs])),
        ]
        if is_multi_channel(self._recordings):
            # Each channel labelled, its holds beside it: shown before the description goes.
            channels = [cell_len(_channel_text(r)) for r in self._recordings]
            specs.append(ColumnSpec("channel", min(max([7, *channels]), 48), min=7, rank=0))
        if wide:
            types = [cell_len(safe_text(r.contact_type)) for r in self._recordings]
            specs.append(ColumnSpec("type", min(max([4, *types]), 14)))
        descriptions = min(max([4, *descs]), 80)
        specs.append(ColumnSpec("description", descriptions, min=8, rank=1, grow=3))
        labels = {"duration": "Duration" if wide else "Dur", "description": "Description"}
        return tuple(
            _Column(
                p.key,
                _label(labels.get(p.key, p.key.capitalize()), p.width),
                p.width,
                right=p.key == "duration",
            )
            for p in plan(width, specs, gap=_PAD, lead=_PAD)
        )

    def _agent_plain(self, recording: Recording, wide: bool) -> str:
        name = safe_text(recording.agent_name)
        agent_id = safe_text(recording.agent_id)
        if wide and name and agent_id:
            return f"{name} {agent_id}"
        return name or agent_id

    def _render_all(self) -> None:
        self._styles_seen = self._resolved_styles()
        self._render_title()
        has_rows = bool(self._recordings)
        # Per-widget display, not classes on the pane: a class change restyles the whole pane.
        self._table.display = has_rows
        self.query_one("#recordings-detail").display = has_rows
        self._empty.display = not has_rows
        if self._contact_id is None:
            self._empty.update("No call loaded")
        else:
            self._empty.update(Text(f"No recordings for contact {safe_text(self._contact_id)}"))
        table = self._table
        cursor = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        self._columns = self._plan() if has_rows else ()
        for column in self._columns:
            label = Text(column.label, justify="right" if column.right else "left")
            table.add_column(label, width=column.width, key=column.key)
        for index, recording in enumerate(self._recordings):
            table.add_row(*self._cells(recording), key=str(index))
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1), animate=False)
        self._render_detail()
        self.refresh_bindings()

    def _render_title(self) -> None:
        count = len(self._recordings)
        title = f"Recordings ({count})" if self._contact_id is not None else "Recordings"
        if self._contact_id:
            title += f" · contact {safe_text(self._contact_id, 40)}"
        self.border_title = Text(title)
        if not self._recordings:
            self.border_subtitle = ""
            return
        sample = next((r.start for r in self._recordings if r.start is not None), None)
        zone = zone_label(self._tz, sample)
        day = self._one_date()
        self.border_subtitle = Text(f"{day} · times in {zone}" if day else f"times in {zone}")

    def _cells(self, recording: Recording) -> list[Text]:
        wide = self._wide
        muted = self._style("muted")
        cells: list[Text] = []
        for column in self._columns:
            w = column.width
            if column.key == "state":
                cell = self._state_cell(self._states.get(recording.file_name, _State()), w)
            elif column.key == "file":
                cell = Text(cut(safe_text(recording.file_name), w, where="middle"))
            elif column.key == "agent":
                name = safe_text(recording.agent_name)
                agent_id = safe_text(recording.agent_id)
                cell = Text(name)
                if agent_id and (wide or not name):
                    cell.append((" " if name else "") + agent_id, style=muted)
                cell = _fit_text(cell, w)
            elif column.key == "start":
                cell = self._start_cell(recording.start, w)
            elif column.key == "duration":
                value = format_clock(recording.duration) if recording.duration is not None else ""
                cell = Text(value or "—", style="" if value else muted, justify="right")
            elif column.key == "type":
                cell = Text(cut(safe_text(recording.contact_type), w))
            elif column.key == "channel":
                cell = Text(cut(channel_label(recording), w, where="middle"))
                if holds := holds_text(recording):
                    cell = _fit_text(Text(f"{cell.plain} · ").append(holds, style=muted), w)
            else:  # description
                cell = Text(cut(safe_text(recording.description), w))
            cells.append(cell)
        return cells

    def _start_cell(self, start: datetime | None, width: int) -> Text:
        if start is None:
            return Text("—", style=self._style("muted"))
        local = self._local(start)
        if width >= 19:
            fmt = "%Y-%m-%d %H:%M:%S"
        elif width >= 14:
            fmt = "%m-%d %H:%M:%S"
        else:
            fmt = "%H:%M:%S"
        return Text(local.strftime(fmt))

    def _state_cell(self, state: _State, width: int) -> Text:
        if state.kind is _Kind.IDLE:
            return Text("")
        if state.kind is _Kind.QUEUED:
            return Text(cut("waiting…", width), style=self._style("queued"))
        if state.kind is _Kind.SAVED:
            return Text(cut("saved ✓", width), style=self._style("saved"))
        if state.kind is _Kind.FAILED:
            label = f"✗ {safe_text(state.code)}" if state.code and width >= 12 else "✗ failed"
            return Text(cut(label, width), style=self._style("failed"))
        if not state.total:
            return Text(cut(f"↓ {_bytes(state.done)}", width), style=self._style("bar"))
        return self._bar(min(state.done / state.total, 1.0), width)

    def _bar(self, fraction: float, width: int) -> Text:
        """A text bar, "▕████░░░░▏ 45%", filling what the percentage leaves of the column."""
        percent = f" {int(fraction * 100):>3d}%"
        cells = max(width - 2 - len(percent), 1)
        eighths = round(fraction * cells * 8)
        full, part = divmod(eighths, 8)
        filled = "█" * full + (_PARTIAL_BLOCKS[part] if part and full < cells else "")
        text = Text("▕")
        text.append(filled, style=self._style("bar"))
        text.append("░" * (cells - cell_len(filled)), style=self._style("bar-empty"))
        text.append("▏" + percent)
        return text

    def _render_detail(self) -> None:
        recording = self.selected
        if recording is None:
            self._detail.update("")
            return
        width = max(self._content_width() - 2, 10)
        parts = []
        numbers = " → ".join(
            p
            for p in (safe_text(recording.calling_number), safe_text(recording.called_number))
            if p
        )
        if numbers:
            parts.append(numbers)
        agent = " ".join(
            p for p in (safe_text(recording.agent_name), safe_text(recording.agent_id)) if p
        )
        if agent:
            parts.append(f"agent {agent}")
        if recording.channel or recording.hold_segments:
            parts.append(f"channel {channel_label(recording)}")
        if holds := holds_text(recording):
            parts.append(holds)
        if recording.description:
            parts.append(safe_text(recording.description))
        text = Text(cut(" · ".join(parts) or safe_text(recording.file_name), width))
        line = self._state_line(self._states.get(recording.file_name, _State()), width)
        if line is not None:
            text.append("\n")
            text.append_text(line)
        self._detail.update(text)

    def _state_line(self, state: _State, width: int) -> Text | None:
        then_play = " (then play)" if state.play_when_saved else ""
        if state.kind is _Kind.QUEUED:
            return Text(
                cut(f"Asking for a download link…{then_play}", width),
                style=self._style("queued"),
            )
        if state.kind is _Kind.DOWNLOADING:
            got = _bytes(state.done)
            if state.total:
                percent = int(min(state.done / state.total, 1.0) * 100)
                line = f"Downloading {percent}% · {got} of {_bytes(state.total)}{then_play}"
            else:
                line = f"Downloading · {got}{then_play}"
            return Text(cut(line, width))
        if state.kind is _Kind.SAVED and state.path is not None:
            prefix = "Saved to "
            where = cut(safe_text(_home_relative(state.path)), width - len(prefix), where="start")
            return Text(prefix + where, style=self._style("saved"))
        if state.kind is _Kind.FAILED:
            code = f"{safe_text(state.code)}: " if state.code else ""
            line = f"Download failed: {code}{safe_text(state.message)}"
            return Text(cut(line, width), style=self._style("failed"))
        return None
