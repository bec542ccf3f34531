"""One shape for every benchmark's result, so `make bench` prints a single table.

Each `bench_*.py` prints its own detail and, given `--measures-json PATH`, also writes its headline
figures there as a list of `Measure`s; `bench_all.py` runs every script in its own process and
prints the table: each measure, its budget, its figure, and its ratio to a yardstick.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Measure:
    """One headline figure. `limit` is the budget as a number in `unit` (or, when `ratio_limit`
    is set, the budget is on the ratio to the yardstick instead); `higher_is_better` for
    speed-ups."""

    name: str
    figure: float
    unit: str
    budget: str  # as a reader should see it: "≤ 400 ms", "≤ 1.25× bare Textual", "≥ 8×"
    limit: float | None = None
    yardstick: str | None = None
    yardstick_figure: float | None = None
    ratio_limit: float | None = None
    higher_is_better: bool = False
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.yardstick_figure:
            return None
        return self.figure / self.yardstick_figure

    @property
    def holds(self) -> bool | None:
        """Whether the budget holds; None when the measure has no budget to hold. With both a
        `limit` and a `ratio_limit` ("≤ 400 ms and ≤ 1.25× bare Textual") both must hold; a
        `ratio_limit` without a yardstick figure cannot be judged, and does not count."""
        checks = []
        if self.ratio_limit is not None and self.ratio is not None:
            checks.append((self.ratio, self.ratio_limit))
        if self.limit is not None:
            checks.append((self.figure, self.limit))
        if not checks:
            return None
        if self.higher_is_better:
            return all(value >= limit for value, limit in checks)
        return all(value <= limit for value, limit in checks)


def add_measures_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--measures-json",
        type=Path,
        metavar="PATH",
        help="also write the headline figures here, for bench_all.py's table",
    )


def write_measures(path: Path | None, measures: Iterable[Measure]) -> None:
    if path is not None:
        path.write_text(json.dumps([asdict(m) for m in measures], ensure_ascii=False, indent=1))


def read_measures(path: Path) -> list[Measure]:
    return [Measure(**item) for item in json.loads(path.read_text())]


def _number(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:#.3g}" if abs(value) < 10 else f"{value:.1f}"
    return f"{text} {unit}".strip()


def format_table(measures: Iterable[Measure]) -> str:
    rows = [("measure", "budget", "figure", "yardstick", "ratio", "")]
    for m in measures:
        yardstick = (
            f"{m.yardstick} {_number(m.yardstick_figure, m.unit)}"
            if m.yardstick and m.yardstick_figure is not None
            else (m.yardstick or "")
        )
        ratio = f"{m.ratio:.2f}×" if m.ratio is not None else ""
        verdict = {True: "holds", False: "OVER", None: ""}[m.holds]
        rows.append((m.name, m.budget, _number(m.figure, m.unit), yardstick, ratio, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
