"""The impact summary: counts by outcome, group, agent and release reason, buckets across the
window, and its three renderings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ccc_tui.api.models import CallRecord
from ccc_tui.calls.impact import bucket_size, summarise
from ccc_tui.calls.search import Row

START = datetime(2024, 5, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
STOP = START + timedelta(hours=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def row(minute: int, disposition: str, group: str = "", agent: str = "", **raw: str) -> Row:
    return Row.of(
        CallRecord(
            contact_id=f"{minute}{disposition}",
            start=START + timedelta(minutes=minute),
            disposition=disposition,
            skill_group_names=(group,) if group else (),
            agent_names=(agent,) if agent else (),
            raw=raw,
        )
    )


ROWS = [
    row(1, "Success", "投诉处理组", "小芳"),
    row(7, "AbandonedInQueue", "投诉处理组"),
    row(8, "AbandonedInQueue", "投诉处理组"),
    row(9, "AbandonedRing", "投诉处理组", "王伟", ReleaseReason="487-Request Terminated"),
    row(59, "Success", "VIP客户组", "小芳"),
]


def test_counts_and_buckets() -> None:
    impact = summarise(ROWS, START, STOP, SHANGHAI)
    assert impact.total == 5
    assert dict(impact.by_outcome) == {
        "answered": 2,
        "abandoned_in_queue": 2,
        "abandoned_ringing": 1,
    }
    assert impact.by_skill_group[0] == ("投诉处理组", 4)
    assert dict(impact.by_agent) == {"小芳": 2, "王伟": 1}
    assert impact.by_release_reason == (("487-Request Terminated", 1),)
    assert impact.bucket == timedelta(minutes=5) and len(impact.buckets) == 12
    assert [b.count for b in impact.buckets][:2] == [1, 3]
    assert sum(b.count for b in impact.buckets) == 5
    peak = impact.peak
    assert peak is not None and [r for r in ROWS if peak.contains(r)] == ROWS[1:4]


def test_buckets_follow_the_window_and_the_zone_s_clock() -> None:
    assert bucket_size(timedelta(hours=1)) == timedelta(minutes=5)
    assert bucket_size(timedelta(hours=6)) == timedelta(minutes=15)
    assert bucket_size(timedelta(days=2)) == timedelta(hours=1)
    assert bucket_size(timedelta(days=20)) == timedelta(days=1)
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30: hours start at :30 UTC
    impact = summarise(ROWS, START, START + timedelta(days=1), kolkata)
    assert impact.buckets[0].start.minute == 30
    assert sum(b.count for b in impact.buckets) == 5


def test_renderings() -> None:
    impact = summarise(ROWS, START, STOP, SHANGHAI)
    text = impact.to_text()
    assert "5 calls from 2024-05-10 10:00" in text and "投诉处理组" in text and "█" in text
    assert "10:05" in text
    md = impact.to_markdown()
    assert "| 投诉处理组 | 4 | 80% |" in md and "### Calls per 5 min" in md
    data = json.loads(json.dumps(impact.to_dict()))
    assert data["total"] == 5 and data["bucket_minutes"] == 5 and len(data["buckets"]) == 12
    empty = summarise([], START, STOP, SHANGHAI)
    assert "0 calls" in empty.to_text() and "no calls" in empty.to_markdown()
    assert "not on the records" in impact.to_text().replace(
        "487-Request Terminated", ""
    ) or impact.by_release_reason
