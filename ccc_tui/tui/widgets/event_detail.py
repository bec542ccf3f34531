"""Every field of one event as a two-column list, and its raw JSON on demand.

`j` / `k` (and the arrows) ask for the next / previous event: the screen moves the timeline's
cursor and the panel follows it. Page keys scroll the panel.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from rich.console import Console, Group, RenderableType
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual.widgets import Static

from ccc_tui.api.catalogue import LANE_LABELS_ZH, event_description, event_label, value_meaning
from ccc_tui.api.models import CallEvent
from ccc_tui.calls.phases import event_phase, phase_label
from ccc_tui.calls.text import format_duration, format_offset, safe_text
from ccc_tui.calls.view import CallView
from ccc_tui.calls.zone import format_local

__all__ = ["EventDetail", "FieldGrid", "event_fields", "grid_lines", "raw_json"]

MAX_VALUE = 2000  # cells; a longer value is cut with "…" (the raw JSON still has all of it)


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return repr(value)


def raw_json(raw: Mapping[str, Any]) -> str:
    """The event as the server sent it: pretty, sorted keys, non-ASCII kept, made inert."""
    try:
        text = json.dumps(raw, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError):  # keys of mixed types cannot be sorted
        text = json.dumps(raw, indent=2, ensure_ascii=False, default=_json_default)
    # json escapes C0 but not C1 or bidi controls when ensure_ascii is off.
    return safe_text(text, multiline=True)


def event_fields(event: CallEvent, view: CallView | None = None) -> list[tuple[str, str]]:
    """(label, value) for every field of `event`, in reading order; values are safe text.

    `view` (the call the event belongs to) gives the zone, the language and the offset; without
    one, times are in the machine's zone. The event line always carries both the English code and
    the Chinese label; the language picks which comes first.
    """
    moment = event.time if isinstance(event.time, datetime) else None
    when = view.time_text(moment) if view is not None else format_local(moment, None)
    language = view.language if view is not None else "en"
    offset = "—"
    span_text = ""
    if view is not None:
        analysis = view.analysis
        try:
            index = analysis.index_of(event)
        except ValueError:
            index = None
        if index is not None and (span := analysis.spans[index]) is not None:
            offset = format_offset(span[0])
            if index in analysis.estimated:
                span_text = f"~{format_duration(span[1] - span[0])} (until the next event)"
    code = safe_text(event.event)
    label = event_label(event.event, "zh")
    if label == event.event:
        title = code
    elif language.startswith("zh"):
        title = f"{label}  {code}"
    else:
        title = f"{code}  {label}"
    duration = format_duration(event.duration) if event.duration is not None else ""
    fields = [
        ("Time", when),
        ("Offset", offset),
        ("Lane", f"{event.lane.value}  {LANE_LABELS_ZH.get(event.lane, '')}".rstrip()),
        ("Event", title),
        ("Meaning", event_description(event.event)),
        ("Phase", phase_label(event_phase(event), language)),
        ("Status", value_meaning("Status", safe_text(event.status))),
        ("Agent", safe_text(event.agent_name)),
        ("Skill group", safe_text(event.skill_group)),
        ("Call mode", value_meaning("CallMode", safe_text(event.call_mode))),
        ("Duration", duration or span_text),
        ("Hang-upper", value_meaning("HangUper", safe_text(event.hang_upper))),
        ("Helper", safe_text(event.helper)),
        ("Satisfaction", safe_text(event.satisfaction)),
        ("Event type", value_meaning("EventType", safe_text(event.event_type))),
    ]
    for key, value in event.details.items():
        fields.append((safe_text(key, 40), safe_text(value)))
    return [(name, safe_text(value, MAX_VALUE)) for name, value in fields]


class EventDetail(VerticalScroll, can_focus=True):
    """The selected event in full: every field, then (with `show_raw`) the raw JSON.

    Everything from the server is shown as plain, neutralised text — never as markup.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("J", "toggle_raw", "Raw JSON"),
        Binding("down,j", "step(1)", "Next event", show=False),
        Binding("up,k", "step(-1)", "Previous event", show=False),
    ]

    class Step(Message):
        """Show the event `delta` rows away in the timeline (1 next, -1 previous)."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-detail--key",
        "event-detail--empty",
        "event-detail--raw-title",
    }

    DEFAULT_CSS = """
    EventDetail {
        height: 1fr;
        & > .event-detail--key { color: $foreground-muted; }
        & > .event-detail--empty { color: $foreground-muted; }
        & > .event-detail--raw-title { color: $foreground-muted; text-style: bold; }
        & > #event-detail-fields { width: 1fr; height: auto; }
        & > #event-detail-raw { width: 1fr; height: auto; margin-top: 1; display: none; }
        &.-show-raw > #event-detail-raw { display: block; }
    }
    """

    show_raw: reactive[bool] = reactive(False)
    """Show the event's raw JSON under its fields."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._view: CallView | None = None
        self._event: CallEvent | None = None

    @property
    def event(self) -> CallEvent | None:
        return self._event

    def compose(self) -> ComposeResult:
        yield FieldGrid(id="event-detail-fields")
        yield Static(id="event-detail-raw")

    def on_mount(self) -> None:
        self._refresh_content()

    def set_view(self, view: CallView | None, event: CallEvent | None = None) -> None:
        """Show `event` (None clears the panel) of the view's call, in its zone and language."""
        self._view = view
        self.set_event(event)

    def set_event(self, event: CallEvent | None) -> None:
        """Show another event of the same call (None clears the panel)."""
        changed = event is not self._event
        self._event = event
        self._refresh_content()
        if changed:
            self.scroll_home(animate=False)

    def action_toggle_raw(self) -> None:
        self.show_raw = not self.show_raw

    def action_step(self, delta: int) -> None:
        self.post_message(self.Step(delta))

    def scroll_to_raw(self) -> None:
        """Bring the raw JSON's first line to the top, once laid out."""

        def scroll() -> None:
            self.scroll_to_widget(self.query_one("#event-detail-raw"), top=True, animate=False)

        self.call_after_refresh(scroll)

    def watch_show_raw(self, show: bool) -> None:
        self.set_class(show, "-show-raw")
        self._refresh_content()
        if show and self.is_mounted:
            self.scroll_to_raw()

    def _refresh_content(self) -> None:
        try:
            fields = self.query_one("#event-detail-fields", FieldGrid)
            raw = self.query_one("#event-detail-raw", Static)
        except NoMatches:  # not composed yet: on_mount will fill it in
            return
        if self._event is None:
            fields.show_rows(None)
        else:
            fields.show_rows(event_fields(self._event, self._view))
        if self.show_raw and self._event is not None:
            title = Text("Raw JSON", style=self.get_component_rich_style("event-detail--raw-title"))
            raw.update(Group(title, Text(raw_json(self._event.raw))))
        else:
            raw.update("")

    def fields_renderable(self, rows: list[tuple[str, str]] | None) -> RenderableType:
        """The fields as a Rich grid: what FieldGrid draws, and what it falls back to."""
        if rows is None:
            return Text("No event selected.", style=self.get_component_rich_style("event-detail--empty"))
        key_style, empty_style = self.field_styles()
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True, style=key_style)
        table.add_column(ratio=1, overflow="fold")
        for name, value in rows:
            table.add_row(Text(name), Text(value) if value else Text("—", style=empty_style))
        return table

    def field_styles(self) -> tuple[RichStyle, RichStyle]:
        """The styles of the field names and of an empty value's dash."""
        return (
            self.get_component_rich_style("event-detail--key", partial=True),
            self.get_component_rich_style("event-detail--empty", partial=True),
        )


class FieldGrid(Widget):
    """The fields of one event, drawn line by line.

    It draws what a Rich grid of two columns draws (names, one space, values folded to the
    rest of the width; `EventDetail.fields_renderable`), without the grid's cost: measuring and
    rendering every cell twice, once for the height and once to draw, took more time than the
    rest of opening a call. Only a panel too narrow for the longest name is drawn by the grid.
    """

    DEFAULT_CSS = """
    FieldGrid { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[tuple[str, str]] | None = None
        self._lines: tuple[object, list[Strip]] | None = None  # (what they were drawn for, lines)

    def show_rows(self, rows: list[tuple[str, str]] | None) -> None:
        """Show these (name, value) rows; None: no event."""
        self._rows = rows
        self._lines = None
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._draw(width))

    def render_line(self, y: int) -> Strip:
        lines = self._draw(self.size.width)
        if 0 <= y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _draw(self, width: int) -> list[Strip]:
        detail = self.parent
        assert isinstance(detail, EventDetail)
        base = self.visual_style.rich_style
        key_style, empty_style = detail.field_styles()
        key = (width, base, key_style, empty_style)
        if self._lines is not None and self._lines[0] == key:
            return self._lines[1]
        rows = self._rows
        lines = None
        if rows:
            lines = grid_lines(self.app.console, rows, width, base + key_style, base + empty_style, base)
        if lines is None:
            renderable = detail.fields_renderable(rows)
            lines = Visual.to_strips(self, visualize(self, renderable), width, None, self.visual_style)
        self._lines = (key, lines)
        return lines


def grid_lines(
    console: Console,
    rows: list[tuple[str, str]],
    width: int,
    key_style: RichStyle,
    empty_style: RichStyle,
    value_style: RichStyle,
) -> list[Strip] | None:
    """The lines of a Rich grid of (name, value) rows (`EventDetail.fields_renderable`), segment
    for segment, made directly: the names left-aligned in a column as wide as the longest, then
    one space, then the value (or a dash in `empty_style`) folded to the rest of `width`. None
    when the names leave the values no room: the grid itself decides what to cut then."""
    names = [Text(name) for name, _ in rows]
    name_width = max(text.cell_len for text in names)
    value_width = width - name_width - 1
    if value_width < 1 or name_width < 1:
        return None
    gap = Segment(" ", key_style)
    blank_name = Segment(" " * (name_width + 1), key_style)
    lines: list[Strip] = []
    for text, (_, value) in zip(names, rows, strict=True):
        text.truncate(name_width, overflow="ellipsis", pad=True)
        if value:
            cell = Text(value)
            style = value_style
        else:
            cell = Text("—")
            style = empty_style
        folded = cell.wrap(console, value_width, justify="left", overflow="fold")
        first = True
        for part in folded:
            part.truncate(value_width, overflow="fold", pad=True)
            segment = Segment(part.plain, style)
            if first:
                lines.append(Strip([Segment(text.plain, key_style), gap, segment], width))
                first = False
            else:
                lines.append(Strip([blank_name, segment], width))
    return lines
