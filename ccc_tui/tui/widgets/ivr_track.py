"""The IVR track of a call: one row per node it passed, the node it ended in marked.

The rows come from `ccc_tui.calls.ivr` (the formatting lives there, shared with `show`); this pane
only lays them out. A track the instance could not give is a one-line note, never an error: the
call is shown all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ccc_tui.api.models import IvrNode
from ccc_tui.calls.ivr import IvrStep, ended_line, ivr_steps
from ccc_tui.calls.text import cut
from ccc_tui.calls.view import CallView

__all__ = ["IvrTrackPane"]

WIDE_AT = 100  # from this content width the table has the gathered values and full times


class IvrTrackPane(Widget):
    """A table of the IVR nodes a call passed (`set_track`), or a note why there is none."""

    DEFAULT_CSS = """
    IvrTrackPane {
        height: auto;
        max-height: 9;
        border: round $panel-lighten-2;
        border-title-color: $foreground-muted;
        border-subtitle-color: $foreground-muted;
    }
    IvrTrackPane:focus-within {
        border: round $accent;
        border-title-color: $foreground;
    }
    IvrTrackPane > DataTable {
        height: auto;
        max-height: 6;
        overflow-x: hidden;
        background: $surface;
    }
    IvrTrackPane > #ivr-note {
        height: auto;
        padding: 0 1;
        color: $foreground-muted;
    }
    IvrTrackPane > #ivr-ended {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        padding: 0 1;
        color: $error;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "IVR track"
        self.view: CallView | None = None
        self.nodes: tuple[IvrNode, ...] | None = None
        self.note = ""
        self.steps: list[IvrStep] = []
        self._table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=False)
        self._ended = Static("", id="ivr-ended", markup=False)
        self._note = Static("", id="ivr-note", markup=False)
        self._stale = False  # set_track while hidden: drawn by catch_up

    def compose(self) -> ComposeResult:
        yield self._ended
        yield self._table
        yield self._note

    def on_mount(self) -> None:
        self._render_track()

    def on_resize(self) -> None:
        self._render_track()

    @property
    def has_track(self) -> bool:
        return bool(self.nodes)

    @property
    def ended_in_ivr(self) -> bool:
        return any(step.last for step in self.steps)

    def set_track(self, view: CallView, nodes: Sequence[IvrNode] | None, note: str = "") -> None:
        """The nodes of the view's call; None with `note` when the instance could not say."""
        self.view = view
        self.nodes = None if nodes is None else tuple(nodes)
        self.note = note
        self.steps = ivr_steps(self.nodes or (), view.call)
        self._stale = True
        if self.is_mounted and self.display:
            self._render_track()

    def catch_up(self) -> None:
        """Draw the track set while the pane was hidden (the screen calls this as it shows the
        pane): most calls never open it, so opening a call does not fill its table."""
        if self._stale and self.is_mounted:
            self._render_track()

    def set_view(self, view: CallView) -> None:
        """Another zone or language: the same nodes, shown again."""
        self.set_track(view, self.nodes, self.note)

    def focus(self, scroll_visible: bool = True) -> IvrTrackPane:
        self._table.focus(scroll_visible)
        return self

    def action_cursor_down(self) -> None:
        self._table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self._table.action_cursor_up()

    def _render_track(self) -> None:
        self._stale = False
        view, steps = self.view, self.steps
        table = self._table
        table.clear(columns=True)
        self.border_subtitle = f"{len(steps)} node{'' if len(steps) == 1 else 's'}" if steps else ""
        ended = ended_line(steps, view.tz) if view is not None else ""
        self._ended.update(ended)
        self._ended.display = bool(ended)
        table.display = bool(steps)
        if not steps:
            self._note.update(self.note or "The IVR track has no nodes for this call.")
            self._note.display = True
            return
        self._note.display = False
        wide = self.size.width >= WIDE_AT
        tz = view.tz if view is not None else None
        columns = ["Node", "Type", "Exit", "Gathered", "Time"]
        if wide:
            columns.insert(0, "Flow")
        for name in columns:
            table.add_column(name, key=name)
        # What the nodes gathered takes what the fixed columns leave (2 cells of padding each).
        fixed = (12 + 20 + 18 + 7 + 27) if wide else (16 + 12 + 7 + 14)
        gathered_width = max(10, self.size.width - 4 - fixed - 2 * len(columns))
        last_row = 0
        for index, step in enumerate(steps):
            style = "bold red" if step.last else ("red" if step.failed else "")
            name = ("▶ " if step.last else "") + step.name
            cells = [
                Text(cut(name, 20 if wide else 16), style=style),
                Text(cut(step.node_type, 18 if wide else 12), style="dim"),
                Text(step.exit_code, style=style or ("dim" if step.exit_code == "Success" else "")),
                Text(cut(step.gathered, gathered_width)),
                Text(step.times(tz) if wide else _short_times(step, tz), style="dim"),
            ]
            if wide:
                cells.insert(0, Text(cut(step.flow, 12)))
            table.add_row(*cells)
            if step.last:
                last_row = index
        if self.ended_in_ivr:  # once laid out, so the node it ended in is scrolled into view
            self.call_after_refresh(table.move_cursor, row=last_row)


def _short_times(step: IvrStep, tz: tzinfo | None) -> str:
    """Enter time and how long, for a narrow table: "10:52:54 +0:03"."""
    text = step.times(tz)
    enter, _, rest = text.partition("–")
    spent = rest.partition(" ")[2].strip("()")
    return f"{enter} +{spent}" if spent else enter
