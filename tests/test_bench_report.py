"""The benchmark table's arithmetic: the ratio to a yardstick and whether a budget holds."""

from __future__ import annotations

from pathlib import Path

from benchmarks.report import Measure, format_table, read_measures, write_measures


def test_ratio_is_figure_over_yardstick() -> None:
    m = Measure("first frame", 300.0, "ms", "≤ 1.25× bare", yardstick="bare", yardstick_figure=200.0)
    assert m.ratio == 1.5
    assert Measure("x", 1.0, "ms", "").ratio is None
    assert Measure("x", 1.0, "ms", "", yardstick_figure=0.0).ratio is None  # no division by zero


def test_a_ratio_budget_is_judged_on_the_ratio_not_the_figure() -> None:
    def frame(figure: float) -> Measure:
        return Measure(
            "first frame", figure, "ms", "≤ 1.25× bare", yardstick_figure=200.0, ratio_limit=1.25
        )

    assert frame(250.0).holds is True  # exactly at the limit
    assert frame(251.0).holds is False
    # Without a yardstick figure a ratio budget cannot be judged.
    assert Measure("x", 1.0, "ms", "≤ 1.25×", ratio_limit=1.25).holds is None


def test_a_limit_and_a_ratio_limit_must_both_hold() -> None:
    def start(figure: float, bare: float) -> Measure:
        return Measure(
            "start", figure, "ms", "≤ 400 ms, ≤ 1.25× bare", limit=400.0,
            yardstick_figure=bare, ratio_limit=1.25,
        )

    assert start(390.0, 320.0).holds is True
    assert start(390.0, 300.0).holds is False  # 1.3× the yardstick, though under 400 ms
    assert start(450.0, 400.0).holds is False  # 1.125× the yardstick, but over 400 ms


def test_higher_is_better_for_speed_ups() -> None:
    def speedup(figure: float) -> Measure:
        return Measure("speed-up", figure, "×", "≥ 8×", limit=8.0, higher_is_better=True)

    assert speedup(9.0).holds is True
    assert speedup(7.9).holds is False
    assert Measure("no budget", 1.0, "ms", "").holds is None


def test_measures_round_trip_and_tabulate(tmp_path: Path) -> None:
    measures = [
        Measure("page-down", 6.0, "ms", "≤ 1.2× bare", yardstick="bare ScrollView",
                yardstick_figure=4.0, ratio_limit=1.2),
        Measure("step", 3.0, "ms", "≤ 16 ms", limit=16.0),
        Measure("first open", 90.0, "ms", ""),
    ]
    path = tmp_path / "m.json"
    write_measures(path, measures)
    assert read_measures(path) == measures
    lines = format_table(measures).splitlines()
    assert lines[0].split() == ["measure", "budget", "figure", "yardstick", "ratio"]
    assert lines[2].endswith("1.50×  OVER")
    assert "bare ScrollView 4.00 ms" in lines[2]
    assert lines[3].endswith("holds")
    assert lines[4].endswith("90.0 ms")  # no budget: no verdict
