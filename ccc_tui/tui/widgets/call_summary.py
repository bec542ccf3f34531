"""The call's header: who called whom, when, for how long, and who hung up and why."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ccc_tui.calls.record import durations_note, facts_line
from ccc_tui.calls.text import format_duration, safe_text
from ccc_tui.calls.view import CallView


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def summary_text(
    view: CallView, *, wide: bool, compact: bool = False, copy_key: str = "S"
) -> Text:
    """The summary; `compact` (a short terminal): who called whom, and how it ended. A call with a
    record (2020-07-01) gets a line of the record's facts; `copy_key` copies its SIP Call-IDs."""
    call = view.call
    # One fact per line, each cut at the edge: a long outcome never pushes the warning away.
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(safe_text(call.contact_id, 64), style="bold")
    direction = safe_text(call.direction, 16) or "unknown direction"
    text.append(f"  {direction}  ")
    text.append(safe_text(call.caller, 32) or "?", style="bold")
    text.append(" → ")
    text.append(safe_text(call.callee, 32) or "?", style="bold")
    if call.privacy_number:
        text.append(f"  via {safe_text(call.privacy_number, 24)}", style="dim")
    text.append("\n")
    if compact:
        text.append(view.outcome.line(view.language), style="bold")
        return text
    text.append("Start ", style="dim")
    text.append(view.time_text(call.start))
    text.append("   Duration ", style="dim")
    text.append(format_duration(call.duration.total_seconds()) if call.duration else "—")
    if wide:
        text.append(
            f"   {_count(len(call.events), 'event')} · {_count(len(call.recordings), 'recording')}",
            style="dim",
        )
    text.append("\n")
    # How the call ended comes first and from the events; the release fields follow as what they
    # are (one leg's signalling), and a disagreement between the two is said, not resolved.
    text.append(view.outcome.line(view.language), style="bold")
    text.append("\n")
    text.append(view.release, style="dim")
    if facts := facts_line(call, copy_key=copy_key):
        text.append("\n")
        text.append("Record ", style="dim")
        text.append(facts)
        if call.ivr_nodes:
            count = len(call.ivr_nodes)
            text.append(f" · IVR track {count} node{'' if count == 1 else 's'} (i)", style="dim")
    for note in (view.conflict, durations_note(call, view.analysis)):
        if note is not None:
            text.append("\n")
            text.append(f"⚠ {note}", style="bold")
    return text


class CallSummary(Static):
    DEFAULT_CSS = """
    CallSummary {
        height: auto;
        max-height: 7;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: CallView | None = None
        self.compact = False

    def set_compact(self, compact: bool) -> None:
        """Two lines instead of up to five, so a short terminal keeps room for the timeline."""
        if compact != self.compact:
            self.compact = compact
            self._render_view()

    def set_view(self, view: CallView) -> None:
        self.view = view
        self._render_view()

    def on_resize(self) -> None:
        self._render_view()

    def _render_view(self) -> None:
        if self.view is not None:
            wide = self.size.width >= 100
            self.update(summary_text(self.view, wide=wide, compact=self.compact))
