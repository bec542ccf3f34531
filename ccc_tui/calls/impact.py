"""The impact summary of a search: how many calls, how they ended, which queues and agents, which
release reasons, and calls over time — "when did it start, how many, which queue" on one screen.
Pure: rows in, an `Impact` out, rendered as text, Markdown or a JSON object. No Textual.

Buckets follow the window's length: 5 minutes up to 2 hours, 15 minutes up to 12 hours, an hour
up to 3 days, a day beyond. They are aligned to the display zone's clock (10:00, 10:05 …) and
cover the whole window, empty ones included, so a chart shows when calls stopped too. A bucket
turns into a filter: `Bucket.contains(row)` for the loaded rows, `Query.with_window(bucket.start,
bucket.stop)` for a new search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from ccc_tui.calls.export import iso_utc
from ccc_tui.calls.search import Row, release_reason_of
from ccc_tui.calls.text import cell_width, safe_text
from ccc_tui.calls.zone import to_local, zone_label

__all__ = ["Bucket", "Impact", "bucket_size", "summarise"]

BAR_WIDTH = 40
_TOP = 10  # rows shown per count in text and Markdown (the JSON object has them all)
_NAME = 24


def bucket_size(span: timedelta) -> timedelta:
    if span <= timedelta(hours=2):
        return timedelta(minutes=5)
    if span <= timedelta(hours=12):
        return timedelta(minutes=15)
    if span <= timedelta(days=3):
        return timedelta(hours=1)
    return timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Bucket:
    start: datetime  # included
    stop: datetime  # excluded (the window's last bucket includes its stop)
    count: int
    last: bool = False

    def contains(self, row: Row) -> bool:
        start = row.record.start
        if start is None:
            return False
        return self.start <= start < self.stop or (self.last and start == self.stop)


@dataclass(frozen=True, slots=True)
class Impact:
    start: datetime
    stop: datetime
    tz: tzinfo | None
    total: int
    by_outcome: tuple[tuple[str, int], ...]  # OutcomeKind values, most first
    by_skill_group: tuple[tuple[str, int], ...]  # a call counts once for each group it reached
    by_agent: tuple[tuple[str, int], ...]
    by_release_reason: tuple[tuple[str, int], ...]  # only what the records carry
    bucket: timedelta
    buckets: tuple[Bucket, ...]

    @property
    def peak(self) -> Bucket | None:
        return max(self.buckets, key=lambda b: b.count, default=None)

    def _label(self, bucket: Bucket) -> str:
        local = to_local(bucket.start, self.tz)
        if self.bucket >= timedelta(days=1):
            return local.strftime("%Y-%m-%d")
        span = self.stop - self.start
        return local.strftime("%m-%d %H:%M" if span > timedelta(hours=20) else "%H:%M")

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_time": iso_utc(self.start),
            "stop_time": iso_utc(self.stop),
            "total": self.total,
            "by_outcome": dict(self.by_outcome),
            "by_skill_group": dict(self.by_skill_group),
            "by_agent": dict(self.by_agent),
            "by_release_reason": dict(self.by_release_reason),
            "bucket_minutes": int(self.bucket.total_seconds() // 60),
            "buckets": [{"start_time": iso_utc(b.start), "count": b.count} for b in self.buckets],
        }

    def _sections(self) -> list[tuple[str, tuple[tuple[str, int], ...], str]]:
        return [
            ("By outcome", self.by_outcome, "no calls"),
            ("By skill group", self.by_skill_group, "no skill group on the records"),
            ("By agent", self.by_agent, "no agent on the records"),
            (
                "By release reason",
                self.by_release_reason,
                "not on the records of this API version: open a call to see its release reason",
            ),
        ]

    def _head(self) -> str:
        first, last = to_local(self.start, self.tz), to_local(self.stop, self.tz)
        zone = zone_label(self.tz, self.stop)
        calls = "call" if self.total == 1 else "calls"
        return (
            f"{self.total} {calls} from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} {zone}"
        )

    def to_text(self) -> str:
        lines = [self._head()]
        for title, counts, empty in self._sections():
            lines += ["", f"{title}:"]
            lines += _count_lines(counts, self.total) if counts else [f"  {empty}"]
        minutes = int(self.bucket.total_seconds() // 60)
        per = "day" if minutes >= 1440 else f"{minutes} min"
        lines += ["", f"Calls per {per} ({zone_label(self.tz, self.stop)}):"]
        top = max((b.count for b in self.buckets), default=0)
        labels = [self._label(b) for b in self.buckets]
        width = max((len(label) for label in labels), default=0)
        digits = len(str(top))
        for label, bucket in zip(labels, self.buckets, strict=True):
            lines.append(f"  {label:<{width}} {bucket.count:>{digits}} {_bar(bucket.count, top)}")
        return "\n".join(lines).rstrip() + "\n"

    def to_markdown(self) -> str:
        lines = [f"## Impact: {_md(self._head(), None)}", ""]
        for title, counts, empty in self._sections():
            lines += [f"### {title}", ""]
            if not counts:
                lines += [f"_{_md(empty)}_", ""]
                continue
            lines += ["| | calls | share |", "|---|---:|---:|"]
            for name, count in counts[:_TOP]:
                lines.append(f"| {_md(name)} | {count} | {_share(count, self.total)} |")
            if len(counts) > _TOP:
                rest = sum(c for _, c in counts[_TOP:])
                lines.append(f"| _{len(counts) - _TOP} more_ | {rest} | |")
            lines.append("")
        minutes = int(self.bucket.total_seconds() // 60)
        per = "day" if minutes >= 1440 else f"{minutes} min"
        lines += [f"### Calls per {per}", "", "| from | calls | |", "|---|---:|---|"]
        top = max((b.count for b in self.buckets), default=0)
        for bucket in self.buckets:
            lines.append(f"| {self._label(bucket)} | {bucket.count} | {_bar(bucket.count, top)} |")
        return "\n".join(lines) + "\n"


def _md(value: str, max_cells: int | None = 60) -> str:
    text = safe_text(value, max_cells)
    for ch in "\\|*_`[]<>#":
        text = text.replace(ch, "\\" + ch)
    return text


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.0f}%" if total else "—"


def _bar(count: int, top: int) -> str:
    if not count or not top:
        return ""
    return "█" * max(1, round(BAR_WIDTH * count / top))


def _count_lines(counts: tuple[tuple[str, int], ...], total: int) -> list[str]:
    shown = [(safe_text(name, _NAME) or "(none)", count) for name, count in counts[:_TOP]]
    width = max(cell_width(name) for name, _ in shown)
    digits = max(len(str(count)) for _, count in shown)
    lines = [
        f"  {name}{' ' * (width - cell_width(name))}  {count:>{digits}}  {_share(count, total):>4}"
        for name, count in shown
    ]
    if len(counts) > _TOP:
        rest = sum(c for _, c in counts[_TOP:])
        lines.append(f"  … {len(counts) - _TOP} more: {rest}")
    return lines


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _floor(moment: datetime, size: timedelta, tz: tzinfo | None) -> datetime:
    local = to_local(moment, tz)
    if size >= timedelta(days=1):
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        step = int(size.total_seconds() // 60)
        minutes = local.hour * 60 + local.minute
        minutes -= minutes % step
        local = local.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
    return local.astimezone(UTC)


def summarise(
    rows: Iterable[Row],
    start: datetime,
    stop: datetime,
    tz: tzinfo | None = None,
    *,
    bucket: timedelta | None = None,
) -> Impact:
    """Count `rows` over the window `start`…`stop` (the query's)."""
    size = bucket or bucket_size(stop - start)
    outcomes: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    agents: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    first = _floor(start, size, tz)
    slots = max(1, -(-(stop - first) // size)) if stop > first else 1
    counts = [0] * slots
    total = 0
    for row in rows:
        total += 1
        outcomes[row.outcome.kind.value] += 1
        for group in dict.fromkeys(g for g in row.record.skill_group_names if g):
            groups[group] += 1
        for agent in dict.fromkeys(a for a in row.record.agent_names if a):
            agents[agent] += 1
        if reason := release_reason_of(row.record):
            reasons[reason] += 1
        moment = row.record.start
        if moment is not None and start <= moment <= stop:
            counts[min(slots - 1, (moment - first) // size)] += 1
    buckets = tuple(
        Bucket(first + i * size, first + (i + 1) * size, c, last=i == slots - 1)
        for i, c in enumerate(counts)
    )
    return Impact(
        start=start,
        stop=stop,
        tz=tz,
        total=total,
        by_outcome=_ranked(outcomes),
        by_skill_group=_ranked(groups),
        by_agent=_ranked(agents),
        by_release_reason=_ranked(reasons),
        bucket=size,
        buckets=buckets,
    )
