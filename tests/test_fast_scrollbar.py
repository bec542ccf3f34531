"""The lists' vertical scroll bar: drawn from cached strips, the same as Textual's ScrollBar draws
it (characters, styles, mouse actions), and still driven by the mouse as Textual's is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.filter import Monochrome
from textual.geometry import Offset, Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from ccc_tui.tui.widgets.fast_scrollbar import FastScrollBar
from ccc_tui.tui.widgets.line_list import LineList
from ccc_tui.tui.widgets.results import ResultsList
from ccc_tui.tui.widgets.timeline import EventTimeline

ROWS = 1000


class Numbers(LineList):
    DEFAULT_CSS = "Numbers { height: 1fr; overflow-y: auto; }"

    def __init__(self, rows: int = ROWS) -> None:
        super().__init__()
        self._rows = list(range(rows))

    def on_mount(self) -> None:
        self._rows_changed()

    def _render_head(self, y: int, width: int) -> Strip:
        return Strip.blank(width)

    def _render_row(self, index: int, width: int, selected: bool) -> Strip:
        return Strip([Segment(f"{index:<{width}}"[:width])], width)


class Host(App[None]):
    def __init__(self, numbers: Numbers) -> None:
        super().__init__()
        self.numbers = numbers

    def compose(self) -> ComposeResult:
        yield self.numbers


def _segments(strips: list[Strip]) -> list[list[tuple[str, Style | None, object]]]:
    return [[(s.text, s.style, s.control) for s in strip] for strip in strips]


def _cases(height: int) -> Iterator[tuple[int, int, float]]:
    """(virtual size, window size, position): the thumb at both ends, in between at eighths of a
    cell, longer than the bar, past the end; no thumb at all."""
    for virtual in sorted({1, 2, 5, height, height + 1, 2 * height + 3, 10 * height + 7, 10_000}):
        for window in sorted({0, 1, max(height // 2, 1), height, virtual, virtual + 3}):
            span = max(virtual - window, 0)
            for position in sorted({0.0, 0.125, 0.5, 1.375, int(span * 4) / 8, span, span + 0.5}):
                yield virtual, window, position


@pytest.mark.parametrize("height", [1, 3, 7, 24])
@pytest.mark.parametrize("filtered", [False, True], ids=["colour", "monochrome"])
async def test_the_bar_is_drawn_as_textual_draws_it(height: int, filtered: bool) -> None:
    app = Host(Numbers())
    async with app.run_test(size=(30, height)) as pilot:
        await pilot.pause()
        if filtered:
            app._filters.append(Monochrome())
        bar = app.numbers.vertical_scrollbar
        assert isinstance(bar, FastScrollBar)
        assert bar._drawn_here()  # its own drawing is what gets compared, not Textual's again
        assert bar.size.height == height
        whole = Region(0, 0, bar.size.width, height)
        compared = 0
        for state in ("normal", "hover", "grabbed"):
            bar.mouse_over = state == "hover"
            bar.grabbed = Offset(0, 0) if state == "grabbed" else None
            for virtual, window, position in _cases(height):
                bar.window_virtual_size, bar.window_size = virtual, window
                bar.position = position
                bar.refresh()
                expected = ScrollBar.render_lines(bar, whole)  # Textual's drawing, through Rich
                drawn = bar.render_lines(whole)
                assert _segments(drawn) == _segments(expected), (state, virtual, window, position)
                assert [s.cell_length for s in drawn] == [s.cell_length for s in expected]
                # A row on its own (how the mouse finds a row's action) and twice over (cached).
                for y in {0, height // 2, height - 1}:
                    row = Region(0, y, bar.size.width, 1)
                    assert _segments(bar.render_lines(row)) == _segments(expected[y : y + 1])
                assert _segments(bar.render_lines(whole)) == _segments(expected)
                compared += 1
        assert compared > 100
        bar.grabbed = None


async def test_the_lists_use_it() -> None:
    app = Host(Numbers())
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        bar = app.numbers.vertical_scrollbar
        assert type(bar) is FastScrollBar
        assert bar is app.numbers.vertical_scrollbar  # made once
        assert bar.display and bar.window_virtual_size == ROWS + 1
        assert app.numbers.horizontal_scrollbar.__class__ is ScrollBar  # the other one is Textual's
    for list_class in (EventTimeline, ResultsList):
        assert list_class.vertical_scrollbar is LineList.vertical_scrollbar


async def test_a_thumb_is_drawn() -> None:
    """The case the other tests compare must not be blank: a thumb, in reverse, with its grab
    action, over a track whose rows scroll up above it and down below it."""
    app = Host(Numbers())
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        app.numbers.scroll_to(y=500, animate=False, immediate=True)
        await pilot.pause()
        bar = app.numbers.vertical_scrollbar
        rows = [strip._segments[0].style for strip in bar.render_lines(Region(0, 0, bar.size.width, 10))]
        actions = [style.meta.get("@mouse.down") for style in rows if style is not None]
        assert actions[0] == "scroll_up" and actions[-1] == "scroll_down"
        assert "grab" in actions


async def test_the_mouse_still_drives_it() -> None:
    app = Host(Numbers())
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.pause()
        numbers = app.numbers
        bar = numbers.vertical_scrollbar
        x = bar.region.x
        # A click on the track below the thumb: a page down.
        await pilot.click(offset=(x, 10))
        await pilot.pause()
        assert numbers.scroll_y > 0
        paged = numbers.scroll_y
        # Drag the thumb down the bar: the list follows.
        thumb = next(
            y
            for y, strip in enumerate(bar.render_lines(Region(0, 0, bar.size.width, 12)))
            if strip._segments[0].style and strip._segments[0].style.meta.get("@mouse.down") == "grab"
        )
        await pilot.mouse_down(offset=(x, thumb))
        await pilot.pause()
        assert bar.grabbed is not None
        await pilot.hover(offset=(x, thumb + 5))
        await pilot.pause()
        await pilot.mouse_up(offset=(x, thumb + 5))
        await pilot.pause()
        assert bar.grabbed is None
        assert numbers.scroll_y > paged + 100
        # The mouse over the bar: its hover colours.
        await pilot.hover(offset=(x, 2))
        await pilot.pause()
        assert bar.mouse_over
