"""The column planner: properties over any column set and line width, and the two tables' cases."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ccc_tui.calls.columns import ColumnSpec, Placed, plan


@st.composite
def column_specs(draw: st.DrawFn) -> list[ColumnSpec]:
    count = draw(st.integers(1, 9))
    specs = []
    for index in range(count):
        natural = draw(st.integers(0, 40))
        fixed = draw(st.booleans())
        least = None if fixed else draw(st.integers(1, 40))
        optional = draw(st.booleans())
        specs.append(
            ColumnSpec(
                f"c{index}",
                natural,
                min=least,
                rank=draw(st.integers(0, 5)) if optional else None,
                grow=draw(st.none() | st.integers(0, 5)),
                floor=None if optional else draw(st.none() | st.integers(1, 40)),
                fill=draw(st.booleans()) if optional else False,
            )
        )
    return specs


LAYOUT = {"gap": st.integers(0, 3), "lead": st.integers(0, 3)}


def _floor(spec: ColumnSpec) -> int:
    return min(spec.least if spec.floor is None else spec.floor, spec.least)


def _needed(specs: list[ColumnSpec], gap: int, lead: int, *, narrowed: bool = True) -> int:
    """The narrowest line the always-shown columns fit on (at their floors, or their minimums)."""
    always = [s for s in specs if s.rank is None and s.natural > 0]
    widths = [_floor(s) if narrowed else s.least for s in always]
    return lead + sum(widths) + gap * max(len(always) - 1, 0)


def _right(placed: tuple[Placed, ...], lead: int) -> int:
    return placed[-1].x + placed[-1].width if placed else lead


@given(specs=column_specs(), width=st.integers(0, 200), **LAYOUT)
def test_never_wider_than_the_line_and_never_overlapping(
    specs: list[ColumnSpec], width: int, gap: int, lead: int
) -> None:
    placed = plan(width, specs, gap=gap, lead=lead)
    x = lead
    for index, column in enumerate(placed):
        assert column.x == x + (gap if index else 0)
        assert column.width >= 0
        x = column.x + column.width
    if width >= _needed(specs, gap, lead):
        assert _right(placed, lead) <= width


@given(specs=column_specs(), width=st.integers(0, 200), **LAYOUT)
def test_widths_stay_within_their_bounds(
    specs: list[ColumnSpec], width: int, gap: int, lead: int
) -> None:
    placed = {p.key: p.width for p in plan(width, specs, gap=gap, lead=lead)}
    fits = width >= _needed(specs, gap, lead)
    roomy = width >= _needed(specs, gap, lead, narrowed=False)
    for spec in specs:
        if spec.rank is None and spec.natural > 0:
            assert spec.key in placed  # always shown
        if spec.key not in placed:
            continue
        if not spec.fill:
            assert placed[spec.key] <= spec.natural
        if spec.rank is not None:
            assert placed[spec.key] >= spec.least  # an optional column is shown whole or not at all
        elif fits:
            assert placed[spec.key] >= _floor(spec)
        if spec.min is None and not spec.fill and (spec.rank is not None or roomy):
            assert placed[spec.key] == spec.natural  # a fixed column keeps its width while it fits


@given(specs=column_specs(), width=st.integers(0, 200), **LAYOUT)
def test_columns_are_dropped_in_rank_order(
    specs: list[ColumnSpec], width: int, gap: int, lead: int
) -> None:
    """When an optional column is dropped, so is any later-ranked one at least as narrow."""
    shown = {p.key for p in plan(width, specs, gap=gap, lead=lead)}
    optional = [s for s in specs if s.rank is not None and s.natural > 0]
    for dropped in (s for s in optional if s.key not in shown):
        assert dropped.rank is not None
        for later in optional:
            assert later.rank is not None
            if later.rank > dropped.rank and later.least >= dropped.least:
                assert later.key not in shown


@given(specs=column_specs(), width=st.integers(0, 200), **LAYOUT)
def test_a_fill_column_takes_the_rest(
    specs: list[ColumnSpec], width: int, gap: int, lead: int
) -> None:
    placed = plan(width, specs, gap=gap, lead=lead)
    fills = {s.key for s in specs if s.fill}
    if any(p.key in fills for p in placed):
        assert _right(placed, lead) >= width or width < _needed(specs, gap, lead)


@given(specs=column_specs(), width=st.integers(0, 200), **LAYOUT)
def test_deterministic_and_in_spec_order(
    specs: list[ColumnSpec], width: int, gap: int, lead: int
) -> None:
    placed = plan(width, specs, gap=gap, lead=lead)
    assert plan(width, list(specs), gap=gap, lead=lead) == placed
    order = [s.key for s in specs]
    keys = [p.key for p in placed]
    assert keys == sorted(keys, key=order.index)


def test_shared_grow_rank_widens_the_narrowest_first() -> None:
    specs = [ColumnSpec("a", 30, min=4, grow=1), ColumnSpec("b", 10, min=4, grow=1)]
    assert [p.width for p in plan(21, specs)] == [10, 10]
    assert [p.width for p in plan(20, specs)] == [9, 10]  # of equals, the earlier gives way
    assert [p.width for p in plan(40, specs)] == [29, 10]


def test_an_optional_minimum_comes_before_later_widening() -> None:
    specs = [
        ColumnSpec("file", 40, min=12, grow=2),
        ColumnSpec("note", 30, min=8, rank=1, grow=3),
    ]
    assert [(p.key, p.width) for p in plan(30, specs)] == [("file", 21), ("note", 8)]
    assert [(p.key, p.width) for p in plan(20, specs)] == [("file", 20)]
    assert [(p.key, p.width) for p in plan(100, specs)] == [("file", 40), ("note", 30)]


def test_always_shown_columns_narrow_to_their_floors() -> None:
    specs = [ColumnSpec("a", 12, min=12, floor=4), ColumnSpec("b", 6, floor=4), ColumnSpec("c", 3)]
    assert [p.width for p in plan(15, specs)] == [5, 5, 3]  # the widest narrows first
    assert [p.width for p in plan(14, specs)] == [4, 5, 3]  # of equals, the earlier
    assert [p.width for p in plan(5, specs)] == [4, 4, 3]  # not below the floors
