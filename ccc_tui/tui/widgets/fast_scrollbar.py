"""A vertical scroll bar that draws its rows itself.

Textual's `ScrollBar` renders every row of the bar again through Rich (`ScrollBarRender`, then the
widget's styling of each line) whenever the view moves: ≈ 2.5 ms of a page-down at 200×60. The bar
has only a handful of different rows — the track above the thumb, the thumb, the track below it,
and the fractional ends of the thumb — so this one builds those rows once per look (size, colours,
hover/grab state) and lays the bar out from them: the same characters, styles and mouse actions,
from the same thumb maths as `ScrollBarRender.render_bar`. Mouse handling is `ScrollBar`'s own.

Whatever it does not draw the same way (a horizontal bar, a bar with borders, padding, tint,
opacity or a hatch, the ANSI theme's hidden bars) goes through `ScrollBar`'s rendering.
"""

from __future__ import annotations

from math import ceil

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.color import Color
from textual.dom import NoScreen
from textual.filter import LineFilter
from textual.geometry import Region, Spacing
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style as VisualStyle

__all__ = ["FastScrollBar"]

_UP = {"@mouse.down": "scroll_up"}
_DOWN = {"@mouse.down": "scroll_down"}
_GRAB = {"@mouse.down": "grab"}
_NO_SPACING = Spacing(0, 0, 0, 0)

# The kinds of row, as laid out by `_layout`: the track above the thumb, the thumb, the track
# below it, a bar without a thumb; and the thumb's ends: ("head", glyph) / ("tail", glyph).
_Kind = str | tuple[str, str]
# What the rows are drawn from: the bar's width, (thumb colour, track colour), the widget's style,
# the app's line filters.
_Look = tuple[int, tuple[Color, Color], VisualStyle, tuple[LineFilter, ...]]


class FastScrollBar(ScrollBar):
    """A `ScrollBar` whose vertical rendering is a few cached strips laid out per position."""

    def __init__(
        self, vertical: bool = True, name: str | None = None, *, thickness: int = 1
    ) -> None:
        super().__init__(vertical, name, thickness=thickness)
        # the rows of one look, by kind of row, keyed by what they are drawn from
        self._kinds: LRUCache[_Look, dict[_Kind, Strip]] = LRUCache(16)
        # whole bars: the rows of one look laid out for a size and a thumb position
        self._bars: LRUCache[tuple[_Look, tuple[int, int, float, int]], list[Strip]] = LRUCache(64)
        self._last: list[Strip] | None = None  # the bar drawn last, if it was drawn here

    def render_lines(self, crop: Region) -> list[Strip]:
        try:
            drawn_here = self._drawn_here()
        except NoScreen:
            # Removed, yet still in a frame being put together: what was drawn last (as
            # ScrollBar's rendering gives its cached lines then).
            return self._last_drawn(crop)
        if not drawn_here:
            self._last = None
            return super().render_lines(crop)
        width, height = self.size
        colors = self._colors()
        filters = tuple(self.get_line_filters())
        look: _Look = (width, colors, self.visual_style, filters)
        window = self.window_size if self.window_size < self.window_virtual_size else 0
        layout = (ceil(self.window_virtual_size), ceil(window), self.position, height)
        bar = self._bars.get((look, layout))
        if bar is None:
            kinds = self._kinds.get(look)
            if kinds is None:
                kinds = self._kinds[look] = {}
            bar = []
            for kind in _layout(*layout):
                strip = kinds.get(kind)
                if strip is None:
                    strip = kinds[kind] = self._strip(kind, look)
                bar.append(strip)
            self._bars[(look, layout)] = bar
        self._last = bar
        lines = bar[crop.y : crop.bottom]
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            lines = [line.crop(x1, x2) for line in lines]
        return lines

    def _last_drawn(self, crop: Region) -> list[Strip]:
        if self._last is None:
            try:
                return super().render_lines(crop)
            except NoScreen:
                pass
        lines = (self._last or [])[crop.y : crop.bottom]
        lines += [Strip.blank(self.size.width)] * (crop.height - len(lines))
        if crop.column_span != (0, self.size.width):
            x1, x2 = crop.column_span
            lines = [line.crop(x1, x2) for line in lines]
        return lines

    def _drawn_here(self) -> bool:
        """Whether the bar looks the same drawn here as through `ScrollBar`'s rendering."""
        if (
            not self.vertical
            or self.renderer is not ScrollBarRender
            or self.BLANK
            or self.auto_links
            or self.text_selection is not None
        ):
            return False
        styles = self.styles
        return (
            self.screen.styles.scrollbar_color.a != 0
            and styles.gutter == _NO_SPACING
            and not any(edge for edge, _ in styles.outline)
            and not styles.tint.a
            and styles.text_opacity == 1.0
            and not (styles.has_rule("hatch") and styles.hatch != "none")
            and styles.content_align == ("left", "top")
            and self.opacity == 1.0
        )

    def _colors(self) -> tuple[Color, Color]:
        """(thumb colour, track colour), as `ScrollBar.render` picks them."""
        assert self.parent is not None
        styles = self.parent.styles
        if self.grabbed:
            background = styles.scrollbar_background_active
            color = styles.scrollbar_color_active
        elif self.mouse_over:
            background = styles.scrollbar_background_hover
            color = styles.scrollbar_color_hover
        else:
            background = styles.scrollbar_background
            color = styles.scrollbar_color
        if background.a < 1:
            base_background, _ = self.parent.background_colors
            background = base_background + background
        return background + color, background

    def _strip(self, kind: _Kind, look: _Look) -> Strip:
        """A kind of row of `look`: the segment `render_bar` makes for it, under the widget's
        style as Textual's rendering puts it, through the app's line filters."""
        width, (color, background), visual_style, filters = look
        bar_color, back_color = color.rich_color, background.rich_color
        text = ScrollBarRender.BLANK_GLYPH * width
        if kind == "above":
            style = Style(bgcolor=back_color, meta=_UP)
        elif kind == "below":
            style = Style(bgcolor=back_color, meta=_DOWN)
        elif kind == "thumb":
            style = Style(color=bar_color, reverse=True, meta=_GRAB)
        elif kind == "empty":
            style = Style(bgcolor=back_color)
        else:
            assert isinstance(kind, tuple)
            end, glyph = kind
            text = glyph * width
            style = Style(
                bgcolor=back_color, color=bar_color, meta=_GRAB, reverse=True if end == "tail" else None
            )
        base = visual_style.rich_style
        strip = Strip([Segment(text, base + style if base else style)], width)
        if filters:
            widget_background = self.background_colors[1]
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, widget_background)
        return strip


def _layout(virtual_size: int, window_size: int, position: float, size: int) -> list[_Kind]:
    """The kind of each row of a vertical bar `size` rows tall, by `ScrollBarRender.render_bar`'s
    maths (rows it would put past the end are cut, as Textual's rendering cuts them)."""
    bars = ScrollBarRender.VERTICAL_BARS
    len_bars = len(bars)
    if not (window_size and size and virtual_size and size != virtual_size):
        return ["empty"] * size
    bar_ratio = virtual_size / size
    thumb_size = max(1, window_size / bar_ratio)
    position_ratio = position / (virtual_size - window_size)
    position = (size - thumb_size) * position_ratio
    start = int(position * len_bars)
    end = start + ceil(thumb_size * len_bars)
    start_index, start_bar = divmod(max(0, start), len_bars)
    end_index, end_bar = divmod(max(0, end), len_bars)
    rows: list[_Kind] = ["above"] * size
    rows[end_index:] = ["below"] * (size - end_index)
    rows[start_index:end_index] = ["thumb"] * (end_index - start_index)
    if start_index < len(rows):
        glyph = bars[len_bars - 1 - start_bar]
        if glyph != " ":
            rows[start_index] = ("head", glyph)
    if end_index < len(rows):
        glyph = bars[len_bars - 1 - end_bar]
        if glyph != " ":
            rows[end_index] = ("tail", glyph)
    return rows[:size]
