"""The find-calls query language: what each kind of word means, errors that say what is wrong,
and two properties: it never crashes, and what `describe()` shows is what is sent."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccc_tui.api import versions
from ccc_tui.api.catalogue import DISPOSITIONS_2017
from ccc_tui.api.client import _records_params_2020
from ccc_tui.api.models import CallFacts, CallRecord
from ccc_tui.api.v2017 import call_records_params
from ccc_tui.calls.query import (
    MAX_WINDOW,
    OUTCOME_WORDS,
    Query,
    QueryError,
    has_recording,
    parse_query,
)
from ccc_tui.calls.zone import to_local

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 5, 10, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=300)


def q(text: str, tz: ZoneInfo | None = SHANGHAI) -> Query:
    return parse_query(text, now=NOW, tz=tz)


def local(query: Query) -> tuple[str, str]:
    return (
        to_local(query.start, query.tz).strftime("%m-%d %H:%M"),
        to_local(query.stop, query.tz).strftime("%m-%d %H:%M"),
    )


def test_the_issue_s_example_reads_as_it_says() -> None:
    query = q("in 138 10:40 abandoned")
    assert local(query) == ("05-10 10:25", "05-10 10:55")
    assert query.describe() == "Inbound · number 138 · today 10:25–10:55 CST · abandoned"
    params = query.api_params()
    assert params["criteria"] == "138"
    assert params["contact_types"] == ("Inbound",)
    assert set(params["dispositions"]) == {
        "AbandonedInContactFlow",
        "AbandonedInQueue",
        "AbandonedRing",
    }


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("", ("05-10 10:00", "05-10 11:00")),
        ("14:00-15:30", ("05-09 14:00", "05-09 15:30")),  # later than now today: yesterday
        ("09:00 – 10:30", ("05-10 09:00", "05-10 10:30")),
        ("today", ("05-10 00:00", "05-10 11:00")),
        ("yesterday", ("05-09 00:00", "05-10 00:00")),
        ("yesterday 10:40", ("05-09 10:25", "05-09 10:55")),
        ("last 2h", ("05-10 09:00", "05-10 11:00")),
        ("last 90 minutes", ("05-10 09:30", "05-10 11:00")),
        ("past 3 days", ("05-07 11:00", "05-10 11:00")),
        ("2024-05-01", ("05-01 00:00", "05-02 00:00")),
        ("05-01 23:00-01:00", ("05-01 23:00", "05-02 01:00")),
        ("since 10:05", ("05-10 10:05", "05-10 11:00")),
        ("from 09:00 to 10:00", ("05-10 09:00", "05-10 10:00")),
        ("until 10:00", ("05-10 09:00", "05-10 10:00")),
    ],
)
def test_times_in_the_display_zone(text: str, window: tuple[str, str]) -> None:
    assert local(q(text)) == window


def test_the_zone_decides_what_a_clock_time_means() -> None:
    assert q("10:40", ZoneInfo("UTC")).start == datetime(2024, 5, 9, 10, 25, tzinfo=UTC)
    assert q("10:40").start == datetime(2024, 5, 10, 2, 25, tzinfo=UTC)


def test_names_numbers_lines_and_row_filters() -> None:
    query = q('Alice Chen "售后 服务组" line:80315543 rec oldest')
    assert query.names == ("Alice Chen", "售后 服务组")
    params = query.api_params()
    assert params["criteria"] == "Alice Chen"
    assert params["phone_number"] == "80315543"
    assert params["order"] == "ASC"
    assert query.post_names == ("售后 服务组",) and query.recorded_only
    assert "(checked on the rows)" in query.describe()
    with_number = q("+86-138-0013-8000 Alice")
    assert with_number.criteria == "+8613800138000" and with_number.post_names == ("Alice",)


def test_a_contact_id_is_reported_as_such() -> None:
    assert q("1096645650").contact_id == "1096645650"
    assert q("job-109634426711871319").contact_id == "job-109634426711871319"
    assert q("13800138000").number == "13800138000"  # a mobile number, not an id
    assert q("4008001234").number == "4008001234"
    with pytest.raises(QueryError, match="looks like a ContactId"):
        q("1096645650 today")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("10:40 11:00", "two times"),
        ("today yesterday", "two days"),
        ("last 2h 10:40", "both set the time"),
        ("2024-02-30", "not a date"),
        ("2099-01-01", "in the future"),
        ("last 0h", "no time at all"),
        ("last 999999d", "more than a year"),
        ("since", "needs a time"),
        ("13800138000 13900139000", "two phone numbers"),
        ("line:abc", "needs a phone number"),
    ],
)
def test_errors_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(QueryError, match=words):
        q(text)


def test_long_windows_are_cut_into_windows_the_service_accepts() -> None:
    query = q("last 20d")
    windows = query.windows()
    assert len(windows) == 3
    assert windows[0][1] == query.stop and windows[-1][0] == query.start  # newest first
    for start, stop in windows:
        assert stop - start <= MAX_WINDOW
    ordered = sorted(windows)
    for (_, stop), (start, _) in itertools.pairwise(ordered):
        assert stop < start and start - stop == timedelta(milliseconds=1)
    assert "3 requests of ≤ 7 days" in query.describe()
    assert query.flipped().windows() == tuple(ordered)


WORDS = st.sampled_from(
    [
        "in", "out", "back2back", "abandoned", "no-answer", "overflow", "transfer", "answered",
        "abandoned-ring", "rec", "oldest", "today", "yesterday", "10:40", "14:00-15:30",
        "last", "2h", "3", "days", "since", "until", "09:05", "2024-05-01", "05-09",
        "13800138000", "138…", "+86", "line:80315543", "Alice", "Chen", "售后服务组", '"',
        "number:1096645650", "1096645650", "job-12345678", "to", "from", "ago", "now",
    ]
)  # fmt: skip


@FAST
@given(st.text(max_size=80))
def test_never_crashes_on_any_text(text: str) -> None:
    try:
        query = q(text)
    except QueryError as error:
        assert str(error)
        return
    assert query.describe()


@FAST
@given(st.lists(WORDS, max_size=8), st.sampled_from([SHANGHAI, ZoneInfo("UTC"), None]))
def test_what_describe_shows_is_what_is_sent(words: list[str], tz: ZoneInfo | None) -> None:
    try:
        query = parse_query(" ".join(words), now=NOW, tz=tz)
    except QueryError as error:
        assert str(error)
        return
    shown = query.describe()
    if query.contact_id:
        assert query.contact_id in shown and query.api_params() == {
            "contact_id": query.contact_id
        }
        return
    for start, stop in query.windows():
        sent = call_records_params("i", page_number=1, page_size=100, **dict(
            query.api_params(), start=start, stop=stop))  # fmt: skip
        for key in ("StartTime", "StopTime"):
            moment = datetime.fromtimestamp(int(sent[key]) / 1000, UTC)
            assert query.start <= moment <= query.stop
        assert sent["OrderBy"] == query.order
        assert ("oldest first" in shown) == (query.order == "ASC")
        if "Criteria" in sent:
            assert sent["Criteria"] in shown
        if "PhoneNumber" in sent:
            assert f"line {sent['PhoneNumber']}" in shown
        for value in sent.get("ContactType", "").split(",") if "ContactType" in sent else ():
            assert value in shown
        for value in sent.get("ContactDisposition", "").split(",") if "ContactDisposition" in sent else ():
            assert value in DISPOSITIONS_2017
            assert any(
                value in OUTCOME_WORDS[w] and w.replace("-", " ") in shown for w in query.outcomes
            )
    first, last = to_local(query.start, query.tz), to_local(query.stop, query.tz)
    assert first.strftime("%H:%M") in shown and (
        last.strftime("%H:%M") in shown or "24:00" in shown
    )
    for name in query.post_names:
        assert name in shown


# ---- on a 2020-07-01 instance ----------------------------------------------------------------


def v2(text: str) -> Query:
    return q(text).for_version(versions.V2020)


def row_2020(**facts: object) -> CallRecord:
    fields: dict[str, object] = {
        "agent_names": ("Kevin Wang",),
        "skill_group_names": ("投诉处理组",),
        "calling_number": "13957106245",
        "called_number": "4008001234",
    }
    for key in list(facts):
        if key in fields:
            fields[key] = facts.pop(key)
    defaults: dict[str, object] = {
        "agent_ids": ("kevin.wang@ccc-demo-2020",),
        "skill_group_ids": ("complaints@ccc-demo-2020",),
        "recording_ready": False,
    }
    return CallRecord(
        contact_id="job-1",
        facts=CallFacts(**{**defaults, **facts}),
        **fields,  # type: ignore[arg-type]
    )


def test_the_rec_filter_reads_recording_ready_on_2020_rows() -> None:
    query = v2("rec")
    assert query.matches(row_2020(recording_ready=True))
    assert not query.matches(row_2020(recording_ready=False))
    assert not query.matches(row_2020(recording_ready=None))
    assert has_recording(row_2020(recording_ready=True))
    assert q("rec").matches(row_2020(recording_ready=True))  # the same words on either version


def test_on_2020_every_name_is_checked_on_the_rows_against_names_and_ids() -> None:
    query = v2("投诉处理组 abandoned")
    assert query.criteria == "" and "criteria" not in query.api_params()
    assert query.post_names == ("投诉处理组",) and query.has_post_filters
    assert "agent or group “投诉处理组” (checked on the rows)" in query.describe()
    assert query.matches(row_2020())
    assert v2("kevin").matches(row_2020()) and v2("complaints").matches(row_2020())
    assert not v2("售后服务组").matches(row_2020())
    assert q("投诉处理组").criteria == "投诉处理组"  # 2017 sends it as Criteria
    assert q("投诉处理组").for_version(None).criteria == "投诉处理组"


def test_on_2020_a_line_beside_a_number_without_a_direction_is_checked_on_the_rows() -> None:
    query = v2("13957106245 line:4008001234")
    assert query.line_on_rows and "phone_number" not in query.api_params()
    assert "line 4008001234 (checked on the rows)" in query.describe()
    assert query.matches(row_2020())
    assert not query.matches(row_2020(called_number="80315543"))
    inbound = v2("in 13957106245 line:4008001234")
    assert not inbound.line_on_rows and inbound.api_params()["phone_number"] == "4008001234"
    assert not q("13957106245 line:4008001234").line_on_rows  # 2017 has both filters


@FAST
@given(st.lists(WORDS, max_size=8))
def test_on_2020_what_describe_shows_is_what_is_sent(words: list[str]) -> None:
    try:
        query = v2(" ".join(words))
    except QueryError:
        return
    if query.contact_id:
        return
    shown = query.describe()
    sent = _records_params_2020(
        "ccc-test", page_number=1, page_size=100, **{
            "start": None, "stop": None, "phone_number": None, "criteria": None,
            "contact_types": (), "dispositions": (), "contact_id": None, "order": None,
            **{k: v for k, v in query.api_params().items() if k != "with_recording"},
        },
    )  # fmt: skip
    assert "AgentId" not in sent
    for key in ("Number", "CallingNumber", "CalledNumber"):
        if key in sent:
            assert sent[key] in shown
    if query.line:
        assert f"line {query.line}" in shown
        sent_line = query.line in (sent.get(k) for k in ("Number", "CallingNumber", "CalledNumber"))
        assert sent_line != query.line_on_rows
    for name in query.names:
        assert f"“{name}”" in shown and name in query.post_names
