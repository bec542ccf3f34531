"""A list on Textual's Line API: a few sticky header lines, then one line per shown row, and a
cursor. The base of the search results and of the event timeline.

Only the lines on screen are drawn, and their strips are kept in an LRU, so 10,000 rows scroll as
smoothly as 10. A subclass keeps `_rows` (the shown rows as indices into its own data, in display
order) and draws the header, a row and the empty-state line; the base moves the cursor (`j`/`k`,
`g`/`G`, page keys, a click), keeps it in view and caches the strips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from ccc_tui.calls.text import Align, cell_width, fit
from ccc_tui.tui.widgets.fast_scrollbar import FastScrollBar

__all__ = ["Column", "LineList", "cursor_bindings", "joined"]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    x: int  # first cell, counted from the left edge of the line
    width: int
    align: Align = "left"


def cursor_bindings(noun: str) -> list[Binding]:
    """The cursor keys of a list of `noun`s (hidden from the key bar)."""
    return [
        Binding("down,j", "cursor_down", f"Next {noun}", show=False),
        Binding("up,k", "cursor_up", f"Previous {noun}", show=False),
        Binding("home,g", "cursor_top", f"First {noun}", show=False),
        Binding("end,G", "cursor_bottom", f"Last {noun}", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]


class LineList(ScrollView, can_focus=True):
    HEADER_ROWS: ClassVar[int] = 1
    STYLE_PREFIX: ClassVar[str] = "list"  # component classes are f"{STYLE_PREFIX}--{name}"
    STYLE_NAMES: ClassVar[tuple[str, ...]] = ("header", "cursor", "muted")

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._rows: list[int] = []  # the shown rows, in display order (indices into the data)
        self._cursor = 0  # into self._rows
        self._layouts: dict[int, tuple[Column, ...]] = {}
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] | None = None

    # ── what a subclass draws ─────────────────────────────────────────────────────────────

    def _plan(self, width: int) -> tuple[Column, ...]:
        """The columns of a line `width` cells wide (after the one-cell cursor gutter)."""
        return ()

    def _head_key(self, y: int, width: int) -> tuple[object, ...]:
        """What header line `y` depends on (its cached strip is used while this is the same)."""
        return ("head", y, width)

    def _render_head(self, y: int, width: int) -> Strip:
        raise NotImplementedError

    def _render_row(self, index: int, width: int, selected: bool) -> Strip:
        raise NotImplementedError

    def empty_message(self) -> str:
        return ""

    def _cursor_changed(self) -> None:
        """Called after the cursor moved or the rows changed (e.g. to post a message)."""

    def action_select_cursor(self) -> None:
        """`enter`, or a click on a row."""

    # ── rows and cursor ───────────────────────────────────────────────────────────────────

    @property
    def row_count(self) -> int:
        """How many rows are shown."""
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        """The cursor's row among the shown ones (0 when there are none)."""
        return self._cursor

    @property
    def _cursor_index(self) -> int | None:
        return self._rows[self._cursor] if self._rows else None

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - self.HEADER_ROWS)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on shown row `row` (clamped) and scroll it into view."""
        if not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        old, self._cursor = self._cursor, row
        if old != row:
            self.refresh_row(old)
            self.refresh_row(row)
        self._scroll_to_cursor()
        self._cursor_changed()

    def refresh_row(self, row: int) -> None:
        """Draw shown row `row` again (when it is on screen)."""
        self.refresh_line(row + self.HEADER_ROWS)  # a virtual line: the scroll is taken off

    def _scroll_to_cursor(self) -> None:
        if not self.is_mounted:
            return
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + self._page:
            self.scroll_to(y=self._cursor - self._page + 1, animate=False, immediate=True)

    def _rows_changed(self) -> None:
        """After the shown rows changed: the scroll range, a repaint, the cursor in view."""
        self._update_virtual_size()
        self.refresh()
        self._scroll_to_cursor()
        self._cursor_changed()

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_top(self) -> None:
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._page)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._page)

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self.HEADER_ROWS:
            return
        row = round(self.scroll_y) + offset.y - self.HEADER_ROWS
        if 0 <= row < len(self._rows):
            self.move_cursor(row)
            self.action_select_cursor()

    # ── rendering ─────────────────────────────────────────────────────────────────────────

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scroll bar (made on first use, as `Widget`'s is): one that draws its
        rows from a few cached strips instead of through Rich on every move."""
        if self._vertical_scrollbar is None:
            bar = self._vertical_scrollbar = FastScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def _update_virtual_size(self) -> None:
        rows = max(len(self._rows), 1)  # the empty-state line
        self.virtual_size = Size(self.scrollable_content_region.width, rows + self.HEADER_ROWS)

    def _on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drop_styles()

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._drop_styles()

    def _drop_styles(self) -> None:
        self._lines.clear()
        self._styles = None

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            get = self.get_component_rich_style
            styles = {name: get(f"{self.STYLE_PREFIX}--{name}") for name in self.STYLE_NAMES}
            styles["base"] = self.rich_style
            self._styles = styles
        return self._styles

    def _layout(self, width: int) -> tuple[Column, ...]:
        layout = self._layouts.get(width)
        if layout is None:
            layout = self._layouts[width] = self._plan(width)
        return layout

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < self.HEADER_ROWS:
            key = self._head_key(y, width)
            strip = self._lines.get(key)
            if strip is None:
                strip = self._lines[key] = self._render_head(y, width)
            return strip
        row = round(self.scroll_y) + y - self.HEADER_ROWS
        if row >= len(self._rows):
            if row == 0:
                return self._render_empty(width)
            return Strip.blank(width, self._get_styles()["base"])
        index = self._rows[row]
        selected = row == self._cursor
        key = ("row", index, width, selected)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._lines[key] = self._render_row(index, width, selected)
        return strip

    def _render_empty(self, width: int) -> Strip:
        message = fit("  " + self.empty_message(), width)
        return Strip([Segment(message, self._get_styles()["muted"])], width)

    def _render_header(
        self, width: int, headers: dict[str, tuple[str, ...]], special: str = ""
    ) -> Strip:
        """The column names (the longest of each that fits); the `special` column's text comes
        from `_special_header`."""
        style = self._get_styles()["header"]
        segments = [Segment(" ", style)]
        x = 1
        for column in self._layout(width):
            if column.x > x:
                segments.append(Segment(" " * (column.x - x), style))
            if column.key == special:
                text = self._special_header(column)
            else:
                names = headers[column.key]
                name = next((n for n in names if cell_width(n) <= column.width), names[-1])
                text = fit(name, column.width, align=column.align)
            segments.append(Segment(text, style))
            x = column.x + column.width
        return Strip(segments).adjust_cell_length(width, style)

    def _special_header(self, column: Column) -> str:
        return " " * column.width


def joined(pieces: Sequence[tuple[str, Style]], width: int, x: int) -> Strip:
    """A row's pieces as a strip `width` cells wide (`x`: where the pieces end): fewer, longer
    segments make every later crop and filter of the line cheaper."""
    segments: list[Segment] = []
    run: list[str] = []
    run_style = pieces[0][1] if pieces else Style.null()
    for text, style in pieces:
        if style is not run_style:
            if run:
                segments.append(Segment("".join(run), run_style))
            run, run_style = [], style
        run.append(text)
    segments.append(Segment("".join(run), run_style))
    strip = Strip(segments, x if x > width else width)
    return strip if x <= width else strip.crop(0, width)
