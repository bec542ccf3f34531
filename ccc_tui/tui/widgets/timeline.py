"""The event timeline: one row per event of a call, with a bar on the call's time axis.

A `LineList` (Textual's Line API), so that a 10,000-event call costs only the rows on screen: `render_line`
draws one visible line, rows are computed on demand and kept in an LRU of strips.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from ccc_tui.api.catalogue import LANE_LABELS_ZH, event_description, event_label
from ccc_tui.api.models import Call, CallEvent, Lane
from ccc_tui.calls.columns import ColumnSpec, plan
from ccc_tui.calls.phases import CallAnalysis
from ccc_tui.calls.text import Align, fit, format_clock, format_duration, format_offset, safe_text
from ccc_tui.calls.view import CallView
from ccc_tui.tui.widgets.line_list import Column, LineList, cursor_bindings, joined

__all__ = [
    "BAR_MIN",
    "Column",
    "EventTimeline",
    "bar_runs",
    "plan_columns",
]


GAP = 1
BAR_MIN = 10  # narrower than this a bar says nothing: drop it
BAR_PREFERRED = 16  # optional text columns give way until the bar has this much
EVENT_MIN = 8

# Column names, longest first: the first that fits is shown.
_HEADERS: dict[str, tuple[str, ...]] = {
    "time": ("Time",),
    "offset": ("Offset",),
    "lane": ("Lane",),
    "event": ("Event",),
    "status": ("Status",),
    "agent": ("Agent",),
    "skill": ("Skill group", "Skill"),
    "duration": ("Duration", "Dur"),
    "bar": ("",),
}
_DISPLAY_ORDER = ("time", "offset", "lane", "event", "status", "agent", "skill", "duration", "bar")
_ALIGN: dict[str, Align] = {"duration": "right", "lane": "center"}
# The optional columns: (narrowest useful width, rank). The bar claims BAR_MIN cells at rank 1 and
# widens to BAR_PREFERRED at rank 3: the agent only yields to a minimal bar, status and skill group
# to a comfortable one. Status and skill group show whole (up to their cap) or not at all (None):
# "Ringi…" says less than the detail panel beside it, and the skill group never takes the place
# of a status dropped for want of room.
_OPTIONAL: dict[str, tuple[int | None, int]] = {
    "agent": (8, 2),
    "status": (None, 4),
    "skill": (None, 5),
}
_LANE_LABELS_EN = {
    Lane.IVR: "IVR",
    Lane.QUEUE: "QUEUE",
    Lane.AGENT: "AGENT",
    Lane.CUSTOMER: "CUST",
    Lane.OTHER: "OTHER",
}
# Outcomes an on-call engineer looks for first.
_ALERT_EVENTS = frozenset({"AbandonedInQueue", "AbandonedRing", "GiveUp", "ACDOverflow"})
_LANE_WORDS = {lane.value: lane for lane in Lane} | {
    label.casefold(): lane for lane, label in LANE_LABELS_ZH.items()
}
_BARE_LANE_WORDS = frozenset({"ivr", "queue", "agent"})
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def plan_columns(
    width: int, natural: Mapping[str, int], *, caps: Mapping[str, int] | None = None
) -> tuple[Column, ...]:
    """Lay the columns out for a line of `width` cells (after a one-cell cursor gutter).

    `natural` holds each column's content width (0 drops a column with nothing to show). Time,
    offset, lane, event and duration always stay; the event grows first and narrows only on a
    very narrow line. Then the bar gets BAR_MIN cells (or goes), then the agent, then the bar up
    to BAR_PREFERRED, then status and skill group — each narrowed or dropped to fit — and the
    bar takes whatever is left: at 80 columns the text columns give way before the bar, at 200
    the bar is long.
    """
    wide = width >= 140
    limits = {"event": 18, "status": 14 if wide else 12, "agent": 24 if wide else 16}
    limits["skill"] = 20 if wide else 14
    limits.update(caps or {})

    def size(key: str) -> int:
        value = natural.get(key, 0)
        if value <= 0 and key in _OPTIONAL:
            return 0  # nothing to show: no column
        value = max(value, len(_HEADERS[key][-1]))  # room for the (short) column name
        return min(value, limits[key]) if key in limits else value

    specs = {
        "time": ColumnSpec("time", 8),
        "offset": ColumnSpec("offset", size("offset")),
        "lane": ColumnSpec("lane", 7 if width >= 100 else 5),
        "event": ColumnSpec("event", size("event"), min=EVENT_MIN),
        "duration": ColumnSpec("duration", size("duration")),
        "bar": ColumnSpec("bar", BAR_PREFERRED, min=BAR_MIN, rank=1, grow=3, fill=True),
    } | {
        key: ColumnSpec(key, size(key), min=least, rank=rank)
        for key, (least, rank) in _OPTIONAL.items()
    }
    placed = plan(width, [specs[key] for key in _DISPLAY_ORDER], gap=GAP, lead=1)
    return tuple(Column(p.key, p.x, p.width, _ALIGN.get(p.key, "left")) for p in placed)


def bar_runs(
    start: float, end: float, width: int, *, inverse: bool = True
) -> list[tuple[str, str]]:
    """Cells of a bar from `start` to `end` (in cells, 0…width) as runs of (text, kind).

    kind is "blank", "fill" (drawn in the bar colour) or "inverse" (a left-aligned block drawn in
    the background colour on the bar colour: the only way to fill the right part of a cell, so a
    bar can start mid-cell). Without `inverse` such a cell is rounded to full or empty. A span
    shorter than an eighth of a cell is a tick on the nearer edge of its cell.
    """
    if width <= 0:
        return []
    start = min(max(start, 0.0), float(width))
    end = min(max(end, start), float(width))
    first = min(int(start), width - 1)
    cells: list[tuple[str, str]] = []  # from `first` on; built run by run, never cell by cell
    if end - start < 1 / 8:
        cells.append(("▏" if start - first < 0.5 else "▕", "fill"))
    else:
        last = min(max(math.ceil(end) - 1, first), width - 1)
        empty = round((start - first) * 8)
        if first == last:
            eighths = max(1, round((end - start) * 8))
            if inverse and empty > 0 and empty + eighths >= 8:
                cells.append((_EIGHTHS[empty], "inverse"))  # fills from mid-cell to its end
            else:
                cells.append((_EIGHTHS[eighths], "fill"))
        else:
            if empty == 0 or (empty <= 4 and not inverse):
                cells.append(("█", "fill"))
            elif empty < 8 and inverse:
                cells.append((_EIGHTHS[empty], "inverse"))
            else:
                cells.append((" ", "blank"))
            cells.append(("█" * (last - first - 1), "fill"))
            eighths = round((end - last) * 8)
            cells.append((_EIGHTHS[eighths] if eighths > 0 else " ", "fill" if eighths else "blank"))
    used = first + sum(len(text) for text, _ in cells)
    runs: list[tuple[str, str]] = []
    for text, kind in [(" " * first, "blank"), *cells, (" " * (width - used), "blank")]:
        if not text:
            continue
        if runs and runs[-1][1] == kind:
            runs[-1] = (runs[-1][0] + text, kind)
        else:
            runs.append((text, kind))
    return runs


@lru_cache(maxsize=4096)
def _clean(value: str) -> str:
    # Names, statuses and skill groups repeat through a call: clean each once.
    return safe_text(value)


@lru_cache(maxsize=4096)
def _fitted(text: str, width: int, align: Align) -> str:
    # `fit` for the columns whose values repeat through a call (lane, event, status, agent,
    # skill group, duration): measuring CJK text cluster by cluster is most of a row's cost.
    return fit(text, width, align=align)


class EventTimeline(LineList):
    """The events of one call, one per row, with a sticky header and a bar on the time axis.

    Rows follow the call's time order (stable; see `ccc_tui.calls.phases`). Indices in messages and
    methods are indices into `call.events`, so they survive filtering.
    """

    HEADER_ROWS = 2  # the zone / count line, then the column names
    STYLE_PREFIX = "timeline"
    STYLE_NAMES = ("info", "header", "cursor", "muted", "alert")

    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("event"),
        Binding("enter", "select_cursor", "Open event"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--info",
        "timeline--header",
        "timeline--cursor",
        "timeline--muted",
        "timeline--alert",
        "timeline--lane-ivr",
        "timeline--lane-queue",
        "timeline--lane-agent",
        "timeline--lane-customer",
        "timeline--lane-other",
    }
    """
    | Class | Description |
    | :- | :- |
    | `timeline--info` | The top line: time zone, start, counts, filter. |
    | `timeline--header` | The column names. |
    | `timeline--cursor` | The selected row. |
    | `timeline--muted` | Offsets, durations, missing values, the empty-state line. |
    | `timeline--alert` | Events that mean the caller was lost (abandoned, given up, overflow). |
    | `timeline--lane-*` | Lane badges; their background also colours the bars. |
    """

    DEFAULT_CSS = """
    EventTimeline {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;
        & > .timeline--info { color: $foreground-muted; }
        & > .timeline--header { background: $panel; color: $foreground; text-style: bold; }
        & > .timeline--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .timeline--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .timeline--muted { color: $foreground-muted; }
        & > .timeline--alert { color: $text-error; text-style: bold; }
        & > .timeline--lane-ivr { background: $secondary; color: $text; text-style: bold; }
        & > .timeline--lane-queue { background: $warning; color: $text; text-style: bold; }
        & > .timeline--lane-agent { background: $success; color: $text; text-style: bold; }
        & > .timeline--lane-customer { background: $primary; color: $text; text-style: bold; }
        & > .timeline--lane-other { background: $foreground-muted; color: $text; }
        /* 16 colours: "auto" text contrast is not available, so let the terminal swap them. */
        &:ansi > .timeline--lane-ivr { background: $surface; color: $secondary; }
        &:ansi > .timeline--lane-queue { background: $surface; color: $warning; }
        &:ansi > .timeline--lane-agent { background: $surface; color: $success; }
        &:ansi > .timeline--lane-customer { background: $surface; color: $primary; }
        &:ansi > .timeline--lane-other { background: $surface; color: $foreground; }
        &:ansi > .timeline--lane-ivr, &:ansi > .timeline--lane-queue,
        &:ansi > .timeline--lane-agent, &:ansi > .timeline--lane-customer,
        &:ansi > .timeline--lane-other {
            text-style: bold reverse;
        }
    }
    """

    class _EventMessage(Message):
        def __init__(
            self, timeline: EventTimeline, event: CallEvent | None, index: int | None
        ) -> None:
            super().__init__()
            self.timeline = timeline
            self.event = event
            self.index = index  # into call.events

        @property
        def control(self) -> EventTimeline:
            return self.timeline

    class CursorMoved(_EventMessage):
        """The cursor is on another event (or on none, when a filter hides everything)."""

    class EventSelected(_EventMessage):
        """The user opened an event (enter, or a click on its row)."""

        event: CallEvent
        index: int

        def __init__(self, timeline: EventTimeline, event: CallEvent, index: int) -> None:
            super().__init__(timeline, event, index)

    def __init__(
        self,
        view: CallView | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._view: CallView | None = None
        self._language = "en"
        self._call: Call | None = None
        self._analysis: CallAnalysis | None = None
        self._position: list[int] = []  # display position of each call.events index
        self._filter = ""
        self._haystack: list[str] | None = None
        self._natural: dict[str, int] = {}
        self._derived_styles: dict[tuple[Style, Style], dict[str, Style]] = {}
        self._last_posted: tuple[int, int | None] | None = None
        if view is not None:
            self.set_view(view)

    # ── data ──────────────────────────────────────────────────────────────────────────────

    @property
    def call(self) -> Call | None:
        return self._call

    @property
    def view(self) -> CallView | None:
        return self._view

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def visible_indices(self) -> Sequence[int]:
        """The shown events as indices into call.events, in display order."""
        return tuple(self._rows)

    @property
    def selected_index(self) -> int | None:
        """The cursor's event as an index into call.events."""
        return self._rows[self._cursor] if self._rows else None

    @property
    def selected_event(self) -> CallEvent | None:
        index = self.selected_index
        return None if index is None or self._call is None else self._call.events[index]

    def set_view(self, view: CallView) -> None:
        """Show the view's call, in its zone and language.

        The current filter stays; reloading the same contact keeps the cursor on the same event.
        """
        call = view.call
        previous = self._call
        keep = self.selected_index if previous and previous.contact_id == call.contact_id else None
        self._view = view
        self._language = view.language
        self._call = call
        self._analysis = view.analysis
        self._position = [0] * len(call.events)
        for position, index in enumerate(self._analysis.order):
            self._position[index] = position
        self._haystack = None
        self._measure()
        self._rows = self._matching(self._filter)
        self._cursor = 0
        if keep is not None and keep < len(call.events):
            self._cursor = self._nearest_row(keep)
        self._invalidate()
        self._rows_changed()

    def filter(self, text: str) -> None:
        """Show only matching events; "" shows all.

        Words must all match (case-insensitive substrings of the event, its labels, status,
        agent, skill group, call mode, hang-upper, helper, satisfaction and detail fields).
        `lane:ivr` / `lane:queue` / `lane:agent` / `lane:customer` / `lane:other` (or the bare
        words ivr, queue, agent) pick a lane. The cursor stays on its event when it is still shown, else moves to
        the next shown one.
        """
        query = " ".join(text.split())
        if query == self._filter:
            return
        keep = self.selected_index
        self._filter = query
        self._rows = self._matching(query)
        self._cursor = 0 if keep is None else self._nearest_row(keep)
        self._lines.clear()
        self.scroll_to(y=0, animate=False)
        self._rows_changed()

    def _nearest_row(self, index: int) -> int:
        if not self._rows:
            return 0
        position = self._position[index]
        row = bisect.bisect_left(self._rows, position, key=self._position.__getitem__)
        return min(row, len(self._rows) - 1)

    def _matching(self, query: str) -> list[int]:
        if self._analysis is None:
            return []
        order = list(self._analysis.order)
        if not query or self._call is None:
            return order
        events = self._call.events
        lanes: set[Lane] = set()
        words: list[str] = []
        for word in query.casefold().split():
            if word.startswith("lane:"):
                lane = _LANE_WORDS.get(word[5:])
                if lane is None:
                    return []  # an unknown lane matches nothing, visibly
                lanes.add(lane)
            elif word in _BARE_LANE_WORDS:
                lanes.add(Lane(word))
            else:
                words.append(word)
        if len(lanes) > 1:
            return []  # an event sits in one lane: two lanes together match nothing
        haystack = self._search_text() if words else []
        return [
            index
            for index in order
            if (not lanes or events[index].lane in lanes)
            and all(word in haystack[index] for word in words)
        ]

    def _search_text(self) -> list[str]:
        if self._haystack is None:
            events = self._call.events if self._call is not None else ()
            self._haystack = [
                "\0".join(
                    (
                        e.event,
                        event_label(e.event, "zh"),
                        event_description(e.event),
                        e.status,
                        e.agent_name,
                        e.skill_group,
                        e.call_mode,
                        e.hang_upper,
                        e.helper,
                        e.satisfaction,
                        e.event_type,
                        *(f"{key}\0{value}" for key, value in e.details.items()),
                    )
                ).casefold()
                for e in events
            ]
        return self._haystack

    def _measure(self) -> None:
        """Content widths, from distinct values only (a 10k-event call has few of those)."""
        call, analysis = self._call, self._analysis
        if call is None or analysis is None:
            self._natural = {}
            return

        def widest(values: Iterable[str]) -> int:
            return max((cell_len(safe_text(v)) for v in set(values) if v), default=0)

        events = call.events
        durations = [e.duration for e in events if isinstance(e.duration, int)]
        longest = max(durations, key=abs, default=0)
        estimated = max(
            (s[1] - s[0] for i in analysis.estimated if (s := analysis.spans[i])), default=0.0
        )
        self._natural = {
            "event": widest(self._label(code) for code in {e.event for e in events}),
            "status": widest(e.status for e in events),
            "agent": widest(e.agent_name for e in events),
            "skill": widest(e.skill_group for e in events),
            "offset": max(
                len(format_offset(analysis.axis_start)), len(format_offset(analysis.axis_end))
            ),
            "duration": max(
                len(format_duration(longest)), len(format_duration(estimated)) + 1 if estimated else 0
            ),
        }
        self._layouts.clear()

    def _label(self, code: str) -> str:
        return _clean(event_label(code, self._language))

    # ── cursor and keys ───────────────────────────────────────────────────────────────────

    def select_index(self, index: int) -> bool:
        """Put the cursor on event `index` of the call; False when the filter hides it."""
        if self._call is None or not 0 <= index < len(self._call.events):
            return False
        row = self._nearest_row(index)
        if not self._rows or self._rows[row] != index:
            return False
        self.move_cursor(row)
        return True

    def _cursor_changed(self) -> None:
        key = (id(self._call), self.selected_index)  # post only when the event really changed
        if key != self._last_posted:
            self._last_posted = key
            self.post_message(self.CursorMoved(self, self.selected_event, self.selected_index))

    def action_select_cursor(self) -> None:
        index = self.selected_index
        event = self.selected_event
        if index is not None and event is not None:
            self.post_message(self.EventSelected(self, event, index))

    # ── rendering ─────────────────────────────────────────────────────────────────────────

    def _invalidate(self) -> None:
        # Another call: its lines and column plan go. The styles stay: they follow the CSS and
        # the focus (notify_style_update, watch_has_focus), not the call.
        self._lines.clear()
        self._layouts.clear()
        self.refresh()

    def _drop_styles(self) -> None:
        super()._drop_styles()
        self._derived_styles.clear()

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            styles = super()._get_styles()
            for lane in Lane:
                styles[lane.value] = self.get_component_rich_style(f"timeline--lane-{lane.value}")
        return super()._get_styles()

    def _plan(self, width: int) -> tuple[Column, ...]:
        return plan_columns(width, self._natural)

    def _head_key(self, y: int, width: int) -> tuple[object, ...]:
        return ("head", y, width, self._filter, len(self._rows))

    def _render_head(self, y: int, width: int) -> Strip:
        return self._render_info(width) if y == 0 else self._render_header(width, _HEADERS, "bar")

    def _render_info(self, width: int) -> Strip:
        styles = self._get_styles()
        analysis = self._analysis
        # Most important first; a part that does not fit whole goes (with those after it), so
        # the line never ends in a cut number such as "length 0:…".
        view = self._view
        parts = [view.zone_label()] if view else []
        total = len(self._call.events) if self._call else 0
        if self._filter:
            parts.append(f"filter “{safe_text(self._filter)}”: {len(self._rows)} of {total}")
        else:
            parts.append(f"{total} event{'s' if total != 1 else ''}")
        tail: list[tuple[str, ...]] = []
        if view is not None and analysis is not None and analysis.origin is not None:
            start = view.time_text(analysis.origin, zone=False)
            tail.append((f"start {start}", f"start {start[-8:]}"))  # the date is in the summary
            tail.append((f"length {format_clock(analysis.axis_length)}",))
        text = " " + " · ".join(parts)
        for choices in tail:
            fitting = next((c for c in choices if cell_len(text) + 3 + cell_len(c) <= width), None)
            if fitting is None:
                break
            text += " · " + fitting
        return Strip([Segment(fit(text, width), styles["info"])], width)

    def _special_header(self, column: Column) -> str:
        """The bar's column: the time axis from its start to its end."""
        analysis = self._analysis
        left = format_clock(analysis.axis_start) if analysis else ""
        right = format_clock(analysis.axis_end) if analysis else ""
        room = column.width - len(left) - len(right)
        return left + " " * room + right if room >= 1 else fit("Timeline", column.width)

    def empty_message(self) -> str:
        if self._call is None:
            return "No call loaded."
        if not self._call.events:
            return "This call has no events."
        return f"No events match “{safe_text(self._filter)}”."

    def _render_row(self, index: int, width: int, selected: bool) -> Strip:
        assert self._call is not None and self._analysis is not None
        event = self._call.events[index]
        analysis = self._analysis
        styles = self._get_styles()
        base = styles["cursor"] if selected else styles["base"]
        muted = base if selected else styles["muted"]
        lane_style = styles[event.lane.value] if event.lane.value in styles else styles["other"]
        pieces: list[tuple[str, Style]] = [("▸" if selected else " ", base)]
        x = 1
        for column in self._layout(width):
            if column.x > x:
                pieces.append((" " * (column.x - x), base))
            x = column.x + column.width
            key = column.key
            if key == "bar":
                pieces.extend(self._bar(index, column.width, base, lane_style))
                continue
            style, repeats = base, True
            if key == "time":
                if isinstance(event.time, datetime) and self._view is not None:
                    local = self._view.local(event.time)
                    text = f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
                else:
                    text, style = "--:--:--", muted
                repeats = False
            elif key == "offset":
                text, style, repeats = format_offset(analysis.offset(index)), muted, False
            elif key == "lane":
                labels = LANE_LABELS_ZH if self._language.startswith("zh") else _LANE_LABELS_EN
                text, style = labels.get(event.lane, event.lane.value), lane_style
            elif key == "event":
                text = self._label(event.event)
                if event.event in _ALERT_EVENTS and not selected:
                    style = styles["alert"]
            elif key == "status":
                text = _clean(event.status)
            elif key == "agent":
                text = _clean(event.agent_name)
            elif key == "skill":
                text = _clean(event.skill_group)
            elif key == "duration":
                text, style = self._duration_text(index, event), muted
            else:
                text = ""
            cell = _fitted if repeats else fit
            pieces.append((cell(text, column.width, align=column.align), style))
        if x < width:
            pieces.append((" " * (width - x), base))
        return joined(pieces, width, x)

    def _duration_text(self, index: int, event: CallEvent) -> str:
        if event.duration is not None:
            return format_duration(event.duration)
        span = self._analysis.spans[index] if self._analysis else None
        if span is not None and index in self._analysis.estimated:  # type: ignore[union-attr]
            return "~" + format_duration(span[1] - span[0])  # inferred: until the next event
        return ""

    def _bar(
        self, index: int, width: int, base: Style, lane_style: Style
    ) -> list[tuple[str, Style]]:
        analysis = self._analysis
        span = analysis.spans[index] if analysis else None
        if analysis is None or span is None:
            return [(" " * width, base)]
        length = analysis.axis_length
        scale = width / length if length > 0 else 0.0
        start = (span[0] - analysis.axis_start) * scale
        end = (span[1] - analysis.axis_start) * scale
        kinds = self._bar_styles(base, lane_style)
        runs = bar_runs(start, end, width, inverse=kinds["inverse"] is not kinds["fill"])
        return [(text, kinds[kind]) for text, kind in runs]

    def _bar_styles(self, base: Style, lane_style: Style) -> dict[str, Style]:
        """The styles of a bar's cells on a row of style `base`, made once per combination."""
        key = (base, lane_style)
        kinds = self._derived_styles.get(key)
        if kinds is None:
            # The badge's colour: its background, or its foreground when the badge is reversed.
            colour = lane_style.color if lane_style.reverse else lane_style.bgcolor
            colour = colour or lane_style.color
            background = base.bgcolor
            fill = base + Style(color=colour, bold=False)
            inverse = fill
            if colour is not None and background is not None and not background.is_default:
                inverse = base + Style(color=background, bgcolor=colour)
            kinds = self._derived_styles[key] = {"blank": base, "fill": fill, "inverse": inverse}
        return kinds
