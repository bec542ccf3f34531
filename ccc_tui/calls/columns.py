"""One column planner for the tables of the app: which columns a line shows, and how wide.

A table states its columns as `ColumnSpec`s; `plan` hands the line out in a fixed order, so
the same widths always give the same layout:

1. Columns without a `rank` are always shown, at their `min`. When even those overflow the
   line, they narrow (the widest first, a cell at a time) down to their `floor`.
2. Then the claims, lowest rank first: an optional column's `min` at its `rank` (all or
   nothing: it is dropped when that does not fit), and every column's widening toward its
   `natural` width at its `grow` rank (as far as the line allows; columns sharing a grow rank
   widen together, the narrowest first).
3. A `fill` column takes whatever is left.

The gaps count too: `lead` cells before the first column and `gap` between two columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ColumnSpec", "Placed", "plan"]


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    natural: int  # content width, heading included; 0: nothing to show, so no column
    min: int | None = None  # narrowest it is shown at; None: fixed at `natural`
    rank: int | None = None  # None: always shown; else claims `min` at this rank, or is dropped
    grow: int | None = None  # rank at which it widens toward `natural`; None: its `rank` (or 0)
    floor: int | None = None  # always-shown columns: narrowest when the line overflows (`min`)
    fill: bool = False  # takes whatever is left once every claim is served

    @property
    def least(self) -> int:
        return min(self.natural if self.min is None else self.min, self.natural)

    @property
    def grow_rank(self) -> int:
        if self.grow is not None:
            return self.grow
        return 0 if self.rank is None else self.rank


@dataclass(frozen=True, slots=True)
class Placed:
    key: str
    x: int  # first cell, counted from the left edge of the line
    width: int


def plan(
    width: int, specs: Sequence[ColumnSpec], *, gap: int = 1, lead: int = 0
) -> tuple[Placed, ...]:
    """Lay `specs` out on a line of `width` cells, in their order; see the module text."""
    shown = [s for s in specs if s.natural > 0 or s.fill]
    widths: dict[str, int] = {s.key: s.least for s in shown if s.rank is None}

    def free() -> int:
        used = lead + sum(widths.values()) + gap * max(len(widths) - 1, 0)
        return width - used

    # 1. The columns always shown; narrowed toward their floors when even they overflow.
    floors = {s.key: min(s.least if s.floor is None else s.floor, s.least) for s in shown}
    while free() < 0:
        narrowable = [k for k in widths if widths[k] > floors[k]]
        if not narrowable:
            break
        widths[max(narrowable, key=lambda k: widths[k])] -= 1

    # 2. The claims, rank by rank: an optional column's minimum, then the widenings.
    ranks = sorted({s.rank for s in shown if s.rank is not None} | {s.grow_rank for s in shown})
    for rank in ranks:
        for spec in shown:
            if spec.rank == rank:
                cost = spec.least + (gap if widths else 0)
                if spec.least > 0 and free() >= cost:
                    widths[spec.key] = spec.least
        growing = [s for s in shown if s.grow_rank == rank and s.key in widths]
        while free() > 0:
            short = [s for s in growing if widths[s.key] < s.natural]
            if not short:
                break
            # The narrowest first; of equals, the later one (so the earlier gives way first).
            narrowest = min(reversed(short), key=lambda s: widths[s.key])
            widths[narrowest.key] += 1

    # 3. What is left goes to the fill column(s).
    for spec in shown:
        if spec.fill and spec.key in widths:
            widths[spec.key] += max(free(), 0)

    placed: list[Placed] = []
    x = lead
    for spec in shown:
        if spec.key in widths:
            if placed:
                x += gap
            placed.append(Placed(spec.key, x, widths[spec.key]))
            x += widths[spec.key]
    return tuple(placed)
