"""The impact summary of a search: counts by outcome, skill group, agent and release reason side
by side, and calls per bucket as a bar chart across the window. `left`/`right` pick a bucket,
`up`/`down` a count; `enter` filters the results by it (again: all rows)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from ccc_tui.calls.impact import Bucket, Impact
from ccc_tui.calls.results import outcome_label
from ccc_tui.calls.search import Row, release_reason_of
from ccc_tui.calls.text import cell_width, fit, safe_text
from ccc_tui.calls.zone import to_local, zone_label

__all__ = ["ImpactPanel"]

_EIGHTHS = " ▁▂▃▄▅▆▇█"
_SECTIONS = ("outcome", "skill group", "agent", "release reason")


@dataclass(frozen=True, slots=True)
class _Count:
    section: str
    name: str
    label: str
    count: int

    def test(self) -> Callable[[Row], bool]:
        name = self.name
        if self.section == "outcome":
            return lambda row: row.outcome.kind.value == name
        if self.section == "skill group":
            return lambda row: name in row.record.skill_group_names
        if self.section == "agent":
            return lambda row: name in row.record.agent_names
        return lambda row: release_reason_of(row.record) == name


class ImpactPanel(Widget, can_focus=True):
    TOP = 3  # counts shown per section
    CHART_ROWS = 3

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "bucket(-1)", "Earlier", show=False),
        Binding("right,l", "bucket(1)", "Later", show=False),
        Binding("up,k", "count(-1)", "Previous count", show=False),
        Binding("down,j", "count(1)", "Next count", show=False),
        Binding("enter", "pick", "Filter by it"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "impact--title",
        "impact--muted",
        "impact--bar",
        "impact--picked",
    }

    DEFAULT_CSS = """
    ImpactPanel {
        height: auto;
        padding: 0 1;
        background: $surface;
        border-bottom: solid $panel;
        & > .impact--title { text-style: bold; color: $foreground; }
        & > .impact--muted { color: $foreground-muted; }
        & > .impact--bar { color: $primary; }
        & > .impact--picked { color: $accent; text-style: bold; }
        &:focus > .impact--picked { text-style: bold reverse; }
        &:focus { background: $boost; }
    }
    """

    @dataclass
    class Picked(Message):
        """Filter the rows by a bucket or a count (`test` None: show all again)."""

        label: str
        test: Callable[[Row], bool] | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.impact: Impact | None = None
        self._bucket = 0
        self._count = -1  # -1: the bucket is what enter picks
        self._counts: list[_Count] = []
        self.picked = ""

    def show(self, impact: Impact) -> None:
        """Show a (new) summary; a bucket cursor not moved yet goes to the busiest bucket."""
        fresh = self.impact is None or (impact.start, impact.stop) != (
            self.impact.start,
            self.impact.stop,
        )
        self.impact = impact
        if fresh or not self.picked:
            peak = impact.peak
            self._bucket = impact.buckets.index(peak) if peak and peak.count else 0
        self._bucket = min(self._bucket, len(impact.buckets) - 1)
        self._counts = [
            _Count(section, name, outcome_label(name) if section == "outcome" else name, count)
            for section, counts in zip(_SECTIONS, self._sections(impact), strict=True)
            for name, count in counts[: self.TOP]
        ]
        if self._count >= len(self._counts):
            self._count = -1
        self.refresh()  # the height never changes (get_content_height): no layout

    @staticmethod
    def _sections(impact: Impact) -> tuple[tuple[tuple[str, int], ...], ...]:
        return (
            impact.by_outcome,
            impact.by_skill_group,
            impact.by_agent,
            impact.by_release_reason,
        )

    @property
    def bucket(self) -> Bucket | None:
        return self.impact.buckets[self._bucket] if self.impact else None

    def action_bucket(self, step: int) -> None:
        if self.impact:
            self._count = -1
            self._bucket = max(0, min(self._bucket + step, len(self.impact.buckets) - 1))
            self.refresh()

    def action_count(self, step: int) -> None:
        if self._counts:
            self._count = max(-1, min(self._count + step, len(self._counts) - 1))
            self.refresh()

    def action_pick(self) -> None:
        if self.impact is None:
            return
        if self._count >= 0:
            count = self._counts[self._count]
            label, test = f"{count.section} “{safe_text(count.label, 30)}”", count.test()
        else:
            bucket = self.impact.buckets[self._bucket]
            label, test = self._bucket_label(bucket), bucket.contains
        if label == self.picked:
            self.picked = ""
            self.post_message(self.Picked("", None))
        else:
            self.picked = label
            self.post_message(self.Picked(label, test))
        self.refresh()

    def _bucket_label(self, bucket: Bucket) -> str:
        assert self.impact is not None
        first = to_local(bucket.start, self.impact.tz)
        last = to_local(bucket.stop, self.impact.tz)
        fmt = "%m-%d %H:%M" if self.impact.bucket.days or last.date() != first.date() else "%H:%M"
        return f"{first:{fmt}}–{last:%H:%M}"

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 3 + self.TOP + self.CHART_ROWS + 1

    def render(self) -> RenderResult:
        impact = self.impact
        if impact is None:
            return Text("No summary yet.")
        width = max(self.content_region.width, 20)
        get = self.get_component_rich_style
        title, muted, bar, picked = (
            get("impact--title"),
            get("impact--muted"),
            get("impact--bar"),
            get("impact--picked"),
        )
        lines: list[Text] = []
        zone = zone_label(impact.tz, impact.stop)
        head = Text(no_wrap=True, overflow="ellipsis")
        calls = "call" if impact.total == 1 else "calls"
        head.append(f"Impact: {impact.total} {calls}", title)
        head.append(f" · {zone}", muted)
        if self.picked:
            head.append(f" · showing {self.picked} (enter again: all)", muted)
        head.truncate(width, overflow="ellipsis")
        lines.append(head)
        lines += self._count_lines(impact, width, title, muted, picked)
        lines += self._chart(impact, width, bar, muted, picked)
        out = Text("\n").join(lines)
        out.no_wrap = True
        return out

    def _count_lines(
        self, impact: Impact, width: int, title: Style, muted: Style, picked: Style
    ) -> list[Text]:
        column = (width - 3) // 4
        rows = [Text(no_wrap=True) for _ in range(1 + self.TOP)]
        at = 0
        for section, counts in zip(_SECTIONS, self._sections(impact), strict=True):
            heading = f"By {section}" if cell_width(f"By {section}") <= column else section
            rows[0].append(fit(heading.capitalize(), column), title)
            shown = [c for c in self._counts if c.section == section]
            for line in range(self.TOP):
                text = rows[1 + line]
                if line < len(shown):
                    count = shown[line]
                    number = f" {count.count:>4}"
                    share = f" {100 * count.count / impact.total:>3.0f}%" if impact.total else ""
                    if cell_width(number + share) + 8 > column:
                        share = ""
                    name = fit(safe_text(count.label), column - cell_width(number + share))
                    style = picked if at == self._count else Style()
                    text.append(name, style)
                    text.append(number, style)
                    text.append(share, muted)
                    at += 1
                elif line == 0 and not counts:
                    text.append(
                        fit("not on the records" if section.startswith("rel") else "none", column),
                        muted,
                    )
                else:
                    text.append(" " * column)
            for row in rows:
                if section != _SECTIONS[-1]:
                    row.append(" ")
        return rows

    def _chart(
        self, impact: Impact, width: int, bar: Style, muted: Style, picked: Style
    ) -> list[Text]:
        buckets = impact.buckets
        top = max((b.count for b in buckets), default=0)
        axis = max(0, width - 6)
        each = max(1, axis // max(len(buckets), 1))
        shown = buckets[: max(1, axis // each)]
        levels = self.CHART_ROWS * 8
        lines = []
        for level in range(self.CHART_ROWS - 1, -1, -1):
            text = Text(no_wrap=True)
            text.append(f"{top if level == self.CHART_ROWS - 1 else '':>5} ", muted)
            for index, bucket in enumerate(shown):
                height = round(levels * bucket.count / top) if top else 0
                if bucket.count and height == 0:
                    height = 1
                fill = max(0, min(8, height - level * 8))
                cell = _EIGHTHS[fill] if fill else ("▁" if level == 0 and not bucket.count else " ")
                style = bar if bucket.count else muted
                if index == self._bucket and self._count < 0:
                    style = picked
                text.append(cell * each, style)
            lines.append(text)
        marks = Text(no_wrap=True)
        marks.append(" " * 6)
        if shown:
            current = shown[min(self._bucket, len(shown) - 1)]
            label = f"▲ {self._bucket_label(current)} {current.count} calls"
            lead = min(self._bucket * each, max(0, axis - cell_width(label)))
            first = self._bucket_label(shown[0]).split("–")[0]
            room = lead - cell_width(first) - 1
            if room >= 0:
                marks.append(first, muted)
                marks.append(" " * (room + 1))
            else:
                marks.append(" " * lead)
            marks.append(label, muted if self._count >= 0 else Style(bold=True))
        lines.append(marks)
        return lines
