"""The results of a search: one row per call, newest first, on Textual's Line API.

Only the lines on screen are drawn (an LRU keeps their strips), so 10,000 rows scroll as smoothly
as 10. Rows arrive a page at a time (`add`); `/` narrows them by text (`narrow`), the summary by a
bucket or a count (`restrict`), and `o` flips their order. Indices in messages are indices into
the rows as added, so they survive filters and flips.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ccc_tui.calls.columns import ColumnSpec, plan
from ccc_tui.calls.results import RowCells, row_cells
from ccc_tui.calls.search import Row
from ccc_tui.calls.text import Align, cell_width, fit

__all__ = ["ResultsList"]

_HEADERS: dict[str, tuple[str, ...]] = {
    "start": ("Start",),
    "direction": ("Dir",),
    "parties": ("Caller → callee", "Parties"),
    "outcome": ("Outcome",),
    "wait": ("Wait",),
    "talk": ("Talk",),
    "duration": ("Length", "Len"),
    "agents": ("Agents", "Agent"),
    "group": ("Skill group", "Group"),
    "recording": ("Rec", "R"),
    "satisfaction": ("Satisfaction", "Sat"),
}
_ORDER = tuple(_HEADERS)
_ALIGN: dict[str, Align] = {"wait": "right", "talk": "right", "duration": "right"}
_CAPS = {"parties": 29, "outcome": 16, "agents": 18, "group": 16, "satisfaction": 12}
# Optional columns: (narrowest, rank): dropped (highest rank first) when the line is short.
_OPTIONAL: dict[str, tuple[int | None, int]] = {
    "group": (8, 2),
    "agents": (6, 3),
    "duration": (None, 1),
    "recording": (None, 4),
    "wait": (None, 5),
    "talk": (None, 5),
    "satisfaction": (None, 6),
}


def _start(row: Row) -> datetime:
    return row.record.start or _NEVER


_NEVER = datetime.min.replace(tzinfo=UTC)


class ResultsList(ScrollView, can_focus=True):
    HEADER_ROWS = 1

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next call", show=False),
        Binding("up,k", "cursor_up", "Previous call", show=False),
        Binding("home,g", "cursor_top", "First call", show=False),
        Binding("end,G", "cursor_bottom", "Last call", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select_cursor", "Open call"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "results--header",
        "results--cursor",
        "results--muted",
        "results--alert",
    }

    DEFAULT_CSS = """
    ResultsList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;
        & > .results--header { background: $panel; color: $foreground; text-style: bold; }
        & > .results--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .results--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .results--muted { color: $foreground-muted; }
        & > .results--alert { color: $text-error; }
    }
    """

    class Chosen(Message):
        """The user opened a row (enter, or a click)."""

        def __init__(self, results: ResultsList, row: Row, index: int) -> None:
            super().__init__()
            self.results = results
            self.row = row
            self.index = index

        @property
        def control(self) -> ResultsList:
            return self.results

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._all: list[Row] = []
        self._cells: list[RowCells] = []
        self._haystack: list[str] = []
        self._shown: list[int] = []  # indices into _all, in display order
        self._cursor = 0
        self._text = ""
        self._restriction: Callable[[Row], bool] | None = None
        self._flipped = False
        self._tz: tzinfo | None = None
        self._with_date = False
        self._natural: dict[str, int] = {}
        self._layouts: dict[int, tuple[tuple[str, int, int], ...]] = {}
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] | None = None
        self.empty_text = "No calls."

    # ── data ──────────────────────────────────────────────────────────────────────────────

    @property
    def rows(self) -> list[Row]:
        """Every row loaded, in the order they came."""
        return self._all

    @property
    def shown(self) -> list[Row]:
        return [self._all[i] for i in self._shown]

    @property
    def row_count(self) -> int:
        return len(self._shown)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def current(self) -> Row | None:
        return self._all[self._shown[self._cursor]] if self._shown else None

    @property
    def filter_text(self) -> str:
        return self._text

    def clear(self, *, tz: tzinfo | None, with_date: bool, flipped: bool = False) -> None:
        self._all, self._cells, self._haystack, self._shown = [], [], [], []
        self._cursor = 0
        self._tz, self._with_date = tz, with_date
        self._flipped = flipped
        self._natural = {}
        self._restriction = None
        self._text = ""
        self._changed()

    def add(self, rows: Iterable[Row]) -> None:
        """Rows of the next page (in the query's order): shown behind those already in."""
        start = len(self._all)
        for row in rows:
            self._all.append(row)
            self._index_row(row)
        new = [i for i in range(start, len(self._all)) if self._passes(i)]
        if not new:
            return
        if self._flipped:
            had = bool(self._shown)
            self._shown[:0] = reversed(new)  # the query's order, flipped: later rows go on top
            if had:
                self._cursor += len(new)  # the cursor stays on its row
        else:
            self._shown.extend(new)
        self._layouts.clear()
        self._changed()

    def _index_row(self, row: Row) -> None:
        cells = row_cells(row, self._tz, with_date=self._with_date)
        self._cells.append(cells)
        self._haystack.append(cells.haystack() + " " + row.contact_id)
        for key in _ORDER:
            value = getattr(cells, key)
            width = cell_width(value)
            if width > self._natural.get(key, 0):
                self._natural[key] = width

    def merge(self, rows: Iterable[Row]) -> None:
        """Rows fetched again for a missing part: put in their place by start time (the query's
        order), each once."""
        known = {row.contact_id for row in self._all}
        new = [row for row in rows if row.contact_id not in known]
        if not new:
            return
        keep = self.current.contact_id if self.current else None
        every = self._all + new
        newest_first = len(self._all) < 2 or _start(self._all[0]) >= _start(self._all[-1])
        every.sort(key=_start, reverse=newest_first)
        self._all = every
        self._reindex()
        self._refilter()
        if keep is not None:
            self.select_contact(keep)

    def _reindex(self) -> None:
        rows = self._all
        self._cells, self._haystack, self._natural = [], [], {}
        for row in rows:
            self._index_row(row)
        self._layouts.clear()
        self._lines.clear()

    def set_zone(self, tz: tzinfo | None) -> None:
        """Show the start times in another zone (`z`)."""
        self._tz = tz
        self._reindex()
        self.refresh()

    def narrow(self, text: str) -> None:
        """Show only rows whose text holds `text` (case-insensitive); "" shows them all."""
        self._text = text.strip().casefold()
        self._refilter()

    def restrict(self, test: Callable[[Row], bool] | None) -> None:
        """Show only rows `test` accepts (a bucket or a count of the summary); None: all."""
        self._restriction = test
        self._refilter()

    def flip(self) -> None:
        self._flipped = not self._flipped
        keep = self._shown[self._cursor] if self._shown else None
        self._shown.reverse()
        if keep is not None:
            self._cursor = self._shown.index(keep)
        self._changed()

    @property
    def flipped(self) -> bool:
        """Whether the rows show in the reverse of the query's order."""
        return self._flipped

    def _passes(self, index: int) -> bool:
        if self._text and self._text not in self._haystack[index]:
            return False
        return self._restriction is None or self._restriction(self._all[index])

    def _refilter(self) -> None:
        keep = self._shown[self._cursor] if self._shown else None
        order = range(len(self._all))
        self._shown = [i for i in (reversed(order) if self._flipped else order) if self._passes(i)]
        self._cursor = 0
        if keep is not None and keep in self._shown:
            self._cursor = self._shown.index(keep)
        self._changed()

    def select_contact(self, contact_id: str) -> bool:
        for row, index in enumerate(self._shown):
            if self._all[index].contact_id == contact_id:
                self.move_cursor(row)
                return True
        return False

    # ── cursor and keys ───────────────────────────────────────────────────────────────────

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - self.HEADER_ROWS)

    def move_cursor(self, row: int) -> None:
        if not self._shown:
            return
        row = max(0, min(row, len(self._shown) - 1))
        old, self._cursor = self._cursor, row
        if old != row:
            self.refresh_line_of(old)
            self.refresh_line_of(row)
        self._scroll_to_cursor()

    def refresh_line_of(self, row: int) -> None:
        y = row - round(self.scroll_y) + self.HEADER_ROWS
        if self.HEADER_ROWS <= y < self.size.height:
            self.refresh_line(y)

    def _scroll_to_cursor(self) -> None:
        if not self.is_mounted:
            return
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + self._page:
            self.scroll_to(y=self._cursor - self._page + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_top(self) -> None:
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(len(self._shown) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._page)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._page)

    def action_select_cursor(self) -> None:
        if self._shown:
            index = self._shown[self._cursor]
            self.post_message(self.Chosen(self, self._all[index], index))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self.HEADER_ROWS:
            return
        row = round(self.scroll_y) + offset.y - self.HEADER_ROWS
        if 0 <= row < len(self._shown):
            self.move_cursor(row)
            self.action_select_cursor()

    # ── rendering ─────────────────────────────────────────────────────────────────────────

    def _changed(self) -> None:
        self._lines.clear()
        self._update_virtual_size()
        self.refresh()
        self._scroll_to_cursor()

    def _update_virtual_size(self) -> None:
        rows = max(len(self._shown), 1)
        self.virtual_size = Size(self.scrollable_content_region.width, rows + self.HEADER_ROWS)

    def _on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._styles = None

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._lines.clear()
        self._styles = None

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            get = self.get_component_rich_style
            self._styles = {n: get(f"results--{n}") for n in ("header", "cursor", "muted", "alert")}
            self._styles["base"] = self.rich_style
        return self._styles

    def _layout(self, width: int) -> tuple[tuple[str, int, int], ...]:
        layout = self._layouts.get(width)
        if layout is None:
            specs = []
            for key in _ORDER:
                natural = self._natural.get(key, 0)
                if natural <= 0 and key in _OPTIONAL:
                    specs.append(ColumnSpec(key, 0))
                    continue
                natural = max(natural, cell_width(_HEADERS[key][-1]))
                natural = min(natural, _CAPS.get(key, natural))
                if key in _OPTIONAL:
                    least, rank = _OPTIONAL[key]
                    specs.append(ColumnSpec(key, natural, min=least, rank=rank))
                elif key == "parties":
                    specs.append(ColumnSpec(key, natural, min=15, floor=9))
                elif key == "outcome":
                    specs.append(ColumnSpec(key, natural, min=10, floor=6))
                else:
                    specs.append(ColumnSpec(key, natural))
            placed = plan(width, specs, gap=1, lead=1)
            layout = self._layouts[width] = tuple((p.key, p.x, p.width) for p in placed)
        return layout

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        styles = self._get_styles()
        if y < self.HEADER_ROWS:
            key: tuple[object, ...] = ("head", width)
            strip = self._lines.get(key)
            if strip is None:
                strip = self._lines[key] = self._render_header(width)
            return strip
        row = round(self.scroll_y) + y - self.HEADER_ROWS
        if row >= len(self._shown):
            if row == 0:
                return Strip([Segment(fit("  " + self.empty_text, width), styles["muted"])], width)
            return Strip.blank(width, styles["base"])
        index = self._shown[row]
        selected = row == self._cursor
        key = ("row", index, width, selected)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._lines[key] = self._render_row(index, width, selected)
        return strip

    def _render_header(self, width: int) -> Strip:
        style = self._get_styles()["header"]
        parts = [" "]
        x = 1
        for key, cx, cw in self._layout(width):
            parts.append(" " * (cx - x))
            names = _HEADERS[key]
            name = next((n for n in names if cell_width(n) <= cw), names[-1])
            parts.append(fit(name, cw, align=_ALIGN.get(key, "left")))
            x = cx + cw
        return Strip([Segment("".join(parts), style)]).adjust_cell_length(width, style)

    def _render_row(self, index: int, width: int, selected: bool) -> Strip:
        styles = self._get_styles()
        cells = self._cells[index]
        base = styles["cursor"] if selected else styles["base"]
        muted = base if selected else styles["muted"]
        alert = base if selected else styles["alert"]
        segments = [Segment("▸" if selected else " ", base)]
        x = 1
        for key, cx, cw in self._layout(width):
            if cx > x:
                segments.append(Segment(" " * (cx - x), base))
            x = cx + cw
            style = base
            if key in ("wait", "talk", "duration", "direction"):
                style = muted
            elif key == "outcome" and cells.lost:
                style = alert
            text = getattr(cells, key)
            segments.append(Segment(fit(text, cw, align=_ALIGN.get(key, "left")), style))
        if x < width:
            segments.append(Segment(" " * (width - x), base))
        strip = Strip(Segment.simplify(segments))
        return strip.crop(0, width) if x > width else strip
