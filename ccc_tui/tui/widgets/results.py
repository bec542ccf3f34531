"""The results of a search: one row per call, newest first, a `LineList` (Textual's Line API).

Only the lines on screen are drawn (an LRU keeps their strips), so 10,000 rows scroll as smoothly
as 10. Rows arrive a page at a time (`add`); `/` narrows them by text (`narrow`), the summary by a
bucket or a count (`restrict`), and `o` flips their order. Indices in messages are indices into
the rows as added, so they survive filters and flips.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from ccc_tui.calls.columns import ColumnSpec, plan
from ccc_tui.calls.results import RowCells, row_cells
from ccc_tui.calls.search import Row
from ccc_tui.calls.text import Align, cell_width, fit
from ccc_tui.tui.widgets.line_list import Column, LineList, cursor_bindings, joined

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
_ARROW = " → "  # between caller and callee: one cell wide


def _width(text: str) -> int:
    """`cell_width(text)`, cheaply for what cells usually hold: ASCII, "caller → callee" in
    ASCII, or one of the few names that repeat down the rows."""
    if text.isascii() and text.isprintable():
        return len(text)
    if _ARROW in text:
        head, _, tail = text.partition(_ARROW)
        if head.isascii() and head.isprintable() and tail.isascii() and tail.isprintable():
            return len(head) + 3 + len(tail)
    return _known_width(text) if len(text) <= 128 else cell_width(text)


_known_width = lru_cache(maxsize=4096)(cell_width)


class ResultsList(LineList):
    HEADER_ROWS = 1
    STYLE_PREFIX = "results"
    STYLE_NAMES = ("header", "cursor", "muted", "alert")

    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("call"),
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
        self._text = ""
        self._restriction: Callable[[Row], bool] | None = None
        self._flipped = False
        self._tz: tzinfo | None = None
        self._with_date = False
        self._natural: dict[str, int] = {}
        self.empty_text = "No calls."

    # ── data ──────────────────────────────────────────────────────────────────────────────

    @property
    def rows(self) -> list[Row]:
        """Every row loaded, in the order they came."""
        return self._all

    @property
    def shown(self) -> list[Row]:
        return [self._all[i] for i in self._rows]

    @property
    def current(self) -> Row | None:
        return self._all[self._rows[self._cursor]] if self._rows else None

    @property
    def filter_text(self) -> str:
        return self._text

    def empty_message(self) -> str:
        return self.empty_text

    def clear(self, *, tz: tzinfo | None, with_date: bool, flipped: bool = False) -> None:
        self._all, self._cells, self._haystack, self._rows = [], [], [], []
        self._cursor = 0
        self._tz, self._with_date = tz, with_date
        self._flipped = flipped
        self._natural = {}
        self._layouts.clear()
        self._restriction = None
        self._text = ""
        self._changed()

    def add(self, rows: Iterable[Row]) -> None:
        """Rows of the next page (in the query's order): shown behind those already in."""
        start = len(self._all)
        widths = dict(self._natural)
        for row in rows:
            self._all.append(row)
            self._index_row(row)
        if widths != self._natural:
            self._layouts.clear()  # the columns are planned again only when a width grew
        new = [i for i in range(start, len(self._all)) if self._passes(i)]
        if not new:
            return
        if self._flipped:
            had = bool(self._rows)
            self._rows[:0] = reversed(new)  # the query's order, flipped: later rows go on top
            if had:
                self._cursor += len(new)  # the cursor stays on its row
        else:
            self._rows.extend(new)
        self._changed()

    def _index_row(self, row: Row) -> None:
        cells = row_cells(row, self._tz, with_date=self._with_date)
        self._cells.append(cells)
        self._haystack.append(cells.haystack() + " " + row.contact_id)
        for key in _ORDER:
            value = getattr(cells, key)
            width = _width(value)
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
        keep = self._cursor_index
        self._rows.reverse()
        if keep is not None:
            self._cursor = self._rows.index(keep)
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
        keep = self._cursor_index
        order = range(len(self._all))
        self._rows = [i for i in (reversed(order) if self._flipped else order) if self._passes(i)]
        self._cursor = 0
        if keep is not None and keep in self._rows:
            self._cursor = self._rows.index(keep)
        self._changed()

    def select_contact(self, contact_id: str) -> bool:
        for row, index in enumerate(self._rows):
            if self._all[index].contact_id == contact_id:
                self.move_cursor(row)
                return True
        return False

    def action_select_cursor(self) -> None:
        index = self._cursor_index
        if index is not None:
            self.post_message(self.Chosen(self, self._all[index], index))

    # ── rendering ─────────────────────────────────────────────────────────────────────────

    def _changed(self) -> None:
        self._lines.clear()
        self._rows_changed()

    def _plan(self, width: int) -> tuple[Column, ...]:
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
        return tuple(Column(p.key, p.x, p.width, _ALIGN.get(p.key, "left")) for p in placed)

    def _render_head(self, y: int, width: int) -> Strip:
        return self._render_header(width, _HEADERS)

    def _render_row(self, index: int, width: int, selected: bool) -> Strip:
        styles = self._get_styles()
        cells = self._cells[index]
        base = styles["cursor"] if selected else styles["base"]
        muted = base if selected else styles["muted"]
        alert = base if selected else styles["alert"]
        pieces: list[tuple[str, Style]] = [("▸" if selected else " ", base)]
        x = 1
        for column in self._layout(width):
            if column.x > x:
                pieces.append((" " * (column.x - x), base))
            x = column.x + column.width
            key = column.key
            style = base
            if key in ("wait", "talk", "duration", "direction"):
                style = muted
            elif key == "outcome" and cells.lost:
                style = alert
            pieces.append((fit(getattr(cells, key), column.width, align=column.align), style))
        if x < width:
            pieces.append((" " * (width - x), base))
        return joined(pieces, width, x)
