"""The 2017-07-05 adapter: seed examples, every leniency rule, errors, request parameters."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from ccc_tui.api import errors, parsing, v2017
from ccc_tui.api.models import (
    Call,
    CallEvent,
    CallRecord,
    DownloadLink,
    Instance,
    Lane,
    Page,
    Recording,
    ReleaseReason,
)
from tests.seeds import SEED_EVENTS_BODY, SEED_RECORDINGS_BODY, seed_events_body
from tests.seeds import SEED_RECORDING_MODEL as SEED_RECORDING

T0 = datetime(2019, 4, 17, 9, 10, 46, tzinfo=UTC)  # 1555492246000 ms
T1 = datetime(2019, 4, 17, 9, 10, 59, tzinfo=UTC)  # 1555492259000 ms
REC_START = datetime(2018, 7, 11, 4, 55, 11, tzinfo=UTC)  # 1531284911000 ms

SEED_CALL = Call(
    contact_id="1096645650",
    caller="80315543",
    callee="13501215646",
    direction="Outbound",
    start=T0,
    release_agent="agent",
    release_reason=ReleaseReason(
        raw="487-Request Terminated",
        sip_code=487,
        text="Request Terminated",
        explanation="the leg was cancelled before it was answered",
    ),
    privacy_number="",
    events=(
        CallEvent(
            time=T0,
            event="Dial",
            lane=Lane.AGENT,
            status="Dialing",
            agent_name="cloudcallcenter",
            call_mode="Outbound",
            duration=9,
            event_type="agent",
            details={},
        ),
        CallEvent(
            time=T1,
            event="End",
            lane=Lane.AGENT,
            status="Handling",
            agent_name="cloudcallcenter",
            call_mode="Outbound",
            duration=16,
            hang_upper="byeSystem",
            helper="",
            event_type="agent",
            details={},
        ),
        CallEvent(
            time=T1,
            event="Handle",
            lane=Lane.AGENT,
            status="",
            agent_name="cloudcallcenter",
            call_mode="Outbound",
            duration=0,
            event_type="agent",
            details={},
        ),
    ),
    recordings=(),
)


def one_event(**fields: Any) -> dict[str, Any]:
    """A timeline body holding a single event with the given fields."""
    return {"Data": {"Events": {"CallEventDetail": [fields]}}}


def one_recording(**fields: Any) -> dict[str, Any]:
    return {"Recordings": {"Recording": [{"FileName": "a.wav", **fields}]}}


# --- the seed examples -------------------------------------------------------------------------


def test_seed_call_parses_into_exactly_the_expected_model() -> None:
    body = v2017.decode_body(json.dumps(SEED_EVENTS_BODY).encode())
    v2017.raise_for_error(body, http_status=200, action="ListCallEventDetailByContactId")
    call = v2017.parse_call(body, "1096645650")
    assert call == SEED_CALL
    assert [e.event for e in call.events] == ["Dial", "End", "Handle"]
    # Not part of equality, but every original dict is kept.
    assert call.extra == SEED_EVENTS_BODY["Data"]
    raw_events = SEED_EVENTS_BODY["Data"]["Events"]["CallEventDetail"]
    assert [e.raw for e in call.events] == raw_events
    assert call.duration == timedelta(seconds=29)  # Handle/End at +13 s, End lasts 16 s
    assert not call.is_empty


def test_seed_recording_parses_into_exactly_the_expected_model() -> None:
    body = v2017.decode_body(json.dumps(SEED_RECORDINGS_BODY, ensure_ascii=False).encode())
    v2017.raise_for_error(body, http_status=200, action="ListRecordingsByContactId")
    recordings = v2017.parse_recordings(body)
    assert recordings == (SEED_RECORDING,)
    assert recordings[0].start == datetime(2018, 7, 11, 4, 55, 11, tzinfo=UTC)
    assert recordings[0].raw == SEED_RECORDINGS_BODY["Recordings"]["Recording"][0]


def test_events_sharing_a_timestamp_keep_the_server_order() -> None:
    body = seed_events_body()
    dial, end, handle = body["Data"]["Events"]["CallEventDetail"]
    body["Data"]["Events"]["CallEventDetail"] = [handle, end, dial]
    call = v2017.parse_call(body, "1096645650")
    assert [e.event for e in call.events] == ["Dial", "Handle", "End"]


def test_events_are_sorted_by_time_and_untimed_ones_go_last_in_server_order() -> None:
    body = {
        "Data": {
            "Events": [
                {"Event": "Talk", "TimeStamp": "3000000000000"},
                {"Event": "NoTimeA"},
                {"Event": "Ring", "TimeStamp": 2000000000000},
                {"Event": "NoTimeB", "TimeStamp": "garbage"},
                {"Event": "EnterIVR", "TimeStamp": "1000000000000"},
            ]
        }
    }
    call = v2017.parse_call(body, "1")
    assert [e.event for e in call.events] == ["EnterIVR", "Ring", "Talk", "NoTimeA", "NoTimeB"]
    assert [e.lane for e in call.events] == [
        Lane.IVR,
        Lane.AGENT,
        Lane.AGENT,
        Lane.OTHER,
        Lane.OTHER,
    ]


# --- leniency: list shapes ---------------------------------------------------------------------

DIAL = {"Event": "Dial", "TimeStamp": "1555492246000"}


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param({"CallEventDetail": [DIAL]}, ["Dial"], id="wrapped"),
        pytest.param([DIAL], ["Dial"], id="bare-list"),
        pytest.param({"CallEventDetail": DIAL}, ["Dial"], id="wrapped-single-object"),
        pytest.param(DIAL, ["Dial"], id="bare-single-object"),
        pytest.param({"Item": [DIAL, DIAL]}, ["Dial", "Dial"], id="wrapper-of-another-name"),
        pytest.param({"CallEventDetail": {"CallEventDetail": [DIAL]}}, ["Dial"], id="double"),
        pytest.param({"CallEventDetail": []}, [], id="wrapped-empty"),
        pytest.param({"CallEventDetail": None}, [], id="wrapped-null"),
        pytest.param({}, [], id="empty-wrapper"),
        pytest.param([], [], id="empty-list"),
        pytest.param(None, [], id="null"),
        pytest.param("", [], id="empty-string"),
        pytest.param(42, [], id="number"),
        pytest.param([DIAL, "junk", 3, None, [], {}], ["Dial"], id="junk-items-dropped"),
    ],
)
def test_event_list_shapes(events: Any, expected: list[str]) -> None:
    call = v2017.parse_call({"Data": {"Caller": "1", "Events": events}}, "c")
    assert [e.event for e in call.events] == expected


def test_events_key_missing_gives_no_events() -> None:
    assert v2017.parse_call({"Data": {"Caller": "1"}}, "c").events == ()


@pytest.mark.parametrize(
    "recordings",
    [
        pytest.param({"Recording": [{"FileName": "a.wav"}]}, id="wrapped"),
        pytest.param([{"FileName": "a.wav"}], id="bare"),
        pytest.param({"Recording": {"FileName": "a.wav"}}, id="single-object"),
        pytest.param({"FileName": "a.wav"}, id="bare-single-object"),
    ],
)
def test_recording_list_shapes(recordings: Any) -> None:
    assert v2017.parse_recordings({"Recordings": recordings}) == (Recording(file_name="a.wav"),)


@pytest.mark.parametrize("recordings", [None, "", [], {}, {"Recording": []}, {"Recording": None}])
def test_no_recordings(recordings: Any) -> None:
    assert v2017.parse_recordings({"Recordings": recordings}) == ()
    assert v2017.parse_recordings({"Success": True}) == ()


def test_recordings_nested_in_data_are_found() -> None:
    body = {"Data": {"Recordings": {"Recording": [{"FileName": "x.wav"}]}}}
    assert [r.file_name for r in v2017.parse_recordings(body)] == ["x.wav"]


# --- leniency: scalars -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9, 9),
        ("9", 9),
        (" 9 ", 9),
        ("9.0", 9),
        (9.0, 9),
        ("+9", 9),
        ("1e1", 10),
        (0, 0),
        ("-3", None),
        (10 * 366 * 86_400, 10 * 366 * 86_400),
        (10 * 366 * 86_400 + 1, None),  # would overflow time + duration
        pytest.param(10**5000, None, id="beyond-the-digit-limit"),
        ("nine", None),
        ("", None),
        (None, None),
        (True, None),
        ("1_000", None),  # int() would accept it; a server never sends it
        ("٩", None),  # Arabic-Indic nine: int() would accept it too
        (float("nan"), None),
        (float("inf"), None),
        ("1e999", None),
        ([9], None),
        ({"v": 9}, None),
    ],
)
def test_duration_values(value: Any, expected: int | None) -> None:
    call = v2017.parse_call(one_event(Event="Talk", Duration=value), "c")
    assert call.events[0].duration == expected


MS = 1555492246000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(str(MS), T0, id="ms-string"),
        pytest.param(MS, T0, id="ms-number"),
        pytest.param(float(MS), T0, id="ms-float"),
        pytest.param(f" {MS} ", T0, id="ms-padded"),
        pytest.param(f"{MS}.0", T0, id="ms-with-fraction"),
        pytest.param(MS // 1000, T0, id="seconds"),
        pytest.param(str(MS // 1000), T0, id="seconds-string"),
        pytest.param(MS * 1000, T0, id="microseconds"),
        pytest.param(MS * 1_000_000, T0, id="nanoseconds"),
        pytest.param(MS + 123, T0 + timedelta(milliseconds=123), id="ms-precision"),
        pytest.param("2019-04-17T09:10:46Z", T0, id="iso-z"),
        pytest.param("2019-04-17T17:10:46+08:00", T0, id="iso-offset"),
        pytest.param("2019-04-17T09:10:46", None, id="iso-naive-refused"),
        pytest.param(0, None, id="zero"),
        pytest.param(-5, None, id="negative"),
        pytest.param(10**20, None, id="too-big"),
        pytest.param(10**400, None, id="huge-int"),
        pytest.param("9" * 5000, None, id="huge-digit-string"),
        pytest.param("9" * 23, None, id="long-digit-string"),
        pytest.param("1e400", None, id="overflowing-float"),
        pytest.param("", None, id="empty"),
        pytest.param("yesterday", None, id="words"),
        pytest.param(None, None, id="null"),
        pytest.param(True, None, id="boolean"),
        pytest.param([MS], None, id="list"),
        pytest.param({"ms": MS}, None, id="object"),
        pytest.param(float("nan"), None, id="nan"),
    ],
)
def test_time_values(value: Any, expected: datetime | None) -> None:
    call = v2017.parse_call(
        {"Data": {"StartTime": value, "Events": [{"Event": "Dial", "TimeStamp": value}]}}, "c"
    )
    assert call.start == expected
    assert call.events[0].time == expected
    if expected is not None:
        assert call.start is not None and call.start.tzinfo is not None
        assert call.start.utcoffset() == timedelta(0)
    recording = v2017.parse_recordings(one_recording(StartTime=value))[0]
    assert recording.start == expected


def test_seconds_and_milliseconds_boundary() -> None:
    # 1e11 ms is 1973-03-03: just below is read as seconds, from it on as milliseconds.
    below = parsing.as_any_time(99_999_999_999)
    at = parsing.as_any_time(100_000_000_000)
    assert below is not None and below.year == 5138
    assert at == datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        99_999_999_999,  # year 5138
        100_000_000_000,  # 1973: before CCC
        "9999-12-31T23:59:30+00:00",
        "0001-01-01T00:00:00+00:00",
        "2200-01-01T00:00:00+00:00",
    ],
)
def test_a_time_outside_the_usable_window_is_unknown_and_the_rest_still_shows(value: object) -> None:
    """Near datetime's limits a time plus a duration, or shown in Asia/Shanghai, overflowed."""
    from zoneinfo import ZoneInfo

    from ccc_tui.calls.export import render_markdown, render_text

    body = {
        "Data": {
            "StartTime": value,
            "Caller": "138",
            "Events": [{"TimeStamp": value, "Event": "Talk", "Duration": "60", "EventType": "agent"}],
        }
    }
    call = v2017.parse_call(body, "c")
    assert call.start is None and call.events[0].time is None
    assert call.caller == "138" and call.events[0].event == "Talk"
    for render in (render_text, render_markdown):
        assert "Talk" in render(call, tz=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cloudcallcenter", "cloudcallcenter"),
        ("  padded  ", "padded"),
        (80315543, "80315543"),
        (80315543.0, "80315543"),
        (1.5, "1.5"),
        (True, "true"),
        (False, "false"),
        (None, ""),
        (["a", "b", None, ""], "a, b"),
        ({"k": "v"}, '{"k":"v"}'),
        ([{"k": 1}], '[{"k":"1"}]'),
        (float("nan"), ""),
    ],
)
def test_text_values(value: Any, expected: str) -> None:
    call = v2017.parse_call({"Data": {"Caller": value}}, "c")
    assert call.caller == expected


def test_deeply_nested_junk_becomes_bounded_text() -> None:
    junk: Any = "x"
    for _ in range(500):
        junk = [junk, {"k": junk}] if len(str(junk)) < 50 else [junk, 1]
    deep: Any = "bottom"
    for _ in range(5000):
        deep = [deep, 1]
    call = v2017.parse_call({"Data": {"Caller": junk, "Callee": deep}}, "c")
    assert "…" in call.caller and "…" in call.callee
    assert len(call.callee) < 1000


def test_huge_int_text_does_not_crash() -> None:
    call = v2017.parse_call({"Data": {"Caller": 10**5000}}, "c")
    assert call.caller == ""


# --- DetailData --------------------------------------------------------------------------------


def test_detail_data_fields_and_the_hang_upper_helper_swap() -> None:
    call = v2017.parse_call(
        one_event(
            Event="CallForHelp",
            TimeStamp=MS,
            DetailData={
                "EventType": "agent",
                "HangUper": "customer",
                "Helper": "xme",
                "SatisfactionalResearch": "不满意",
                "SkillGroup": "测试",
                "Extra": 5,
                "Nested": {"a": [1, 2]},
                "Empty": None,
            },
        ),
        "c",
    )
    event = call.events[0]
    assert event.hang_upper == "customer"
    assert event.helper == "xme"
    assert event.satisfaction == "不满意"
    assert event.skill_group == "测试"
    assert event.details == {"Extra": "5", "Nested": '{"a":["1","2"]}', "Empty": ""}


@pytest.mark.parametrize(
    ("detail", "event_type", "lane"),
    [
        pytest.param({"EventType": "queue"}, "queue", Lane.QUEUE, id="event-type-wins"),
        pytest.param({"EventType": " IVR "}, "IVR", Lane.IVR, id="case-and-blanks"),
        pytest.param({"EventType": "mystery"}, "mystery", Lane.AGENT, id="unknown-type"),
        pytest.param({}, "", Lane.AGENT, id="no-type"),
        pytest.param(None, "", Lane.AGENT, id="null-detail"),
        pytest.param("not an object", "", Lane.AGENT, id="string-detail"),
        pytest.param([1, 2], "", Lane.AGENT, id="list-detail"),
        pytest.param('{"EventType": "ivr"}', "ivr", Lane.IVR, id="json-string-detail"),
        pytest.param([{"EventType": "queue"}], "queue", Lane.QUEUE, id="one-element-list"),
        pytest.param({"EventType": "q" * 100}, "q" * 100, Lane.AGENT, id="long-type"),
    ],
)
def test_lane_from_detail_data(detail: Any, event_type: str, lane: Lane) -> None:
    event = v2017.parse_call(one_event(Event="Ring", DetailData=detail), "c").events[0]
    assert (event.event_type, event.lane) == (event_type, lane)


def test_skill_group_on_the_event_itself_is_used_when_detail_has_none() -> None:
    event = v2017.parse_call(one_event(Event="Ring", SkillGroup="sales"), "c").events[0]
    assert event.skill_group == "sales"


def test_unknown_event_keys_are_kept_in_raw() -> None:
    item = {"Event": "Ring", "Brand": "new", "TimeStamp": MS}
    event = v2017.parse_call({"Data": {"Events": [item]}}, "c").events[0]
    assert event.raw["Brand"] == "new"


# --- the Data container and unknown contacts ---------------------------------------------------


@pytest.mark.parametrize("data", [None, {}, [], "", "{}"])
def test_unknown_contact_is_an_empty_call(data: Any) -> None:
    call = v2017.parse_call({"Data": data, "Success": True, "Code": "OK"}, "42")
    assert call == Call(contact_id="42")
    assert call.is_empty


def test_missing_data_is_an_empty_call() -> None:
    assert v2017.parse_call({"Success": True}, "42").is_empty


def test_data_as_a_one_element_list_or_json_string_is_read() -> None:
    assert v2017.parse_call({"Data": [{"Caller": "1"}]}, "c").caller == "1"
    assert v2017.parse_call({"Data": '{"Caller": "2"}'}, "c").caller == "2"


def test_contact_id_falls_back_to_the_body() -> None:
    assert v2017.parse_call({"Data": {"ContactId": 77}}, "").contact_id == "77"


@pytest.mark.parametrize(
    "data", [42, "a string", True, [1, 2], [{"a": 1}, {"b": 2}], ["x"], "{broken"]
)
def test_data_that_is_not_an_object_is_malformed(data: Any) -> None:
    with pytest.raises(errors.MalformedResponseError) as info:
        v2017.parse_call({"Data": data, "RequestId": "RID-1"}, "c")
    assert info.value.request_id == "RID-1"


@pytest.mark.parametrize(
    "parse",
    [
        lambda b: v2017.parse_call(b, "c"),
        v2017.parse_recordings,
        v2017.parse_download_link,
        lambda b: v2017.parse_call_records(b, page_number=1, page_size=10),
        v2017.parse_instances,
        v2017.parse_instance,
    ],
)
@pytest.mark.parametrize("body", [[], None, "text", 3, b"{}"])
def test_a_body_that_is_not_a_mapping_is_malformed(parse: Any, body: Any) -> None:
    with pytest.raises(errors.MalformedResponseError):
        parse(body)


def test_release_reason_absent_or_unparsable() -> None:
    assert v2017.parse_call({"Data": {"Caller": "1"}}, "c").release_reason is None
    call = v2017.parse_call({"Data": {"ReleaseReason": "hung up"}}, "c")
    assert call.release_reason == ReleaseReason(
        raw="hung up", sip_code=None, text="hung up", explanation=""
    )
    call = v2017.parse_call({"Data": {"ReleaseReason": 486}}, "c")
    assert call.release_reason is not None and call.release_reason.sip_code == 486


# --- DownloadRecording -------------------------------------------------------------------------

URL = "https://oss.example.com/rec/153128491143400080327683.wav?Expires=1&Signature=a%2Bb"


@pytest.mark.parametrize(
    "sent",
    [URL, f'"{URL}"', f' "{URL}" ', f'""{URL}""', f"\n{URL}\t", f'\\"{URL}\\"'],
)
def test_download_link_strips_stray_quotes(sent: str) -> None:
    body = {"MediaDownloadParam": {"FileName": "a.wav", "SignatureUrl": sent}}
    assert v2017.parse_download_link(body) == DownloadLink(file_name="a.wav", url=URL)


def test_download_link_file_name_falls_back_to_the_url() -> None:
    link = v2017.parse_download_link({"MediaDownloadParam": {"SignatureUrl": URL}})
    assert link.file_name == "153128491143400080327683.wav"


def test_download_link_nested_in_data() -> None:
    body = {"Data": {"MediaDownloadParam": {"SignatureUrl": URL}}}
    assert v2017.parse_download_link(body).url == URL


@pytest.mark.parametrize(
    "param",
    [
        None,
        {},
        {"SignatureUrl": ""},
        {"SignatureUrl": '""'},
        {"SignatureUrl": "  "},
        {"SignatureUrl": None},
        {"SignatureUrl": ["x"]},
        {"SignatureUrl": "file:///etc/passwd"},
        {"SignatureUrl": "javascript:alert(1)"},
        {"SignatureUrl": "https://"},
        {"SignatureUrl": "https://exa mple.com/a"},
        {"SignatureUrl": "https://example.com/\x1b[31m"},
        {"SignatureUrl": "http://[::1/a"},
        "https://example.com/a",
    ],
)
def test_download_link_without_a_usable_url_is_malformed(param: Any) -> None:
    with pytest.raises(errors.MalformedResponseError) as info:
        v2017.parse_download_link({"MediaDownloadParam": param, "RequestId": "R-9"})
    assert info.value.request_id == "R-9"


# --- ListCallDetailRecords ---------------------------------------------------------------------


def cdr_body(total: Any, count: int, **extra: Any) -> dict[str, Any]:
    records = [{"ContactId": str(i), "StartTime": MS} for i in range(count)]
    return {
        "CallDetailRecords": {
            "TotalCount": total,
            "PageNumber": 1,
            "PageSize": 10,
            "List": {"CallDetailRecord": records},
            **extra,
        }
    }


def test_call_record_fields() -> None:
    body = {
        "CallDetailRecords": {
            "TotalCount": "1",
            "List": {
                "CallDetailRecord": [
                    {
                        "ContactId": "1096645650",
                        "StartTime": "1555492246000",
                        "Duration": "29",
                        "ContactType": "Outbound",
                        "ContactDisposition": "Success",
                        "CallingNumber": "80315543",
                        "CalledNumber": "13501215646",
                        "AgentNames": " 小芳, bob ,,carol，dave ",
                        "SkillGroupNames": "测试",
                        "Satisfaction": 1,
                        "SatisfactionDesc": "满意",
                        "Feedback": "ok",
                        "Agents": {"CallDetailAgent": [{"AgentId": "9"}]},
                        "Recordings": {
                            "Recording": [SEED_RECORDINGS_BODY["Recordings"]["Recording"][0]]
                        },
                    }
                ]
            },
        }
    }
    page = v2017.parse_call_records(body, page_number=1, page_size=10)
    assert page == Page(
        items=(
            CallRecord(
                contact_id="1096645650",
                start=T0,
                duration=29,
                contact_type="Outbound",
                disposition="Success",
                calling_number="80315543",
                called_number="13501215646",
                agent_names=("小芳", "bob", "carol", "dave"),
                skill_group_names=("测试",),
                satisfaction="1",
                satisfaction_desc="满意",
                feedback="ok",
                recordings=(SEED_RECORDING,),
            ),
        ),
        page_number=1,
        page_size=10,
        total=1,
    )
    assert page.items[0].raw["Agents"] == {"CallDetailAgent": [{"AgentId": "9"}]}
    assert not page.has_more


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("a,b", ("a", "b")),
        ("", ()),
        (None, ()),
        (" , ,", ()),
        (["a", " b ", ""], ("a", "b")),
        (["a,b", "c"], ("a", "b", "c")),
        (7, ("7",)),
    ],
)
def test_comma_lists(names: Any, expected: tuple[str, ...]) -> None:
    body = {"CallDetailRecords": {"List": [{"ContactId": "1", "AgentNames": names}]}}
    record = v2017.parse_call_records(body, page_number=1, page_size=10).items[0]
    assert record.agent_names == expected


@pytest.mark.parametrize(
    ("page_number", "total", "count", "expected_total", "has_more"),
    [
        pytest.param(1, 25, 10, 25, True, id="first-page-of-three"),
        pytest.param(1, "25", 10, 25, True, id="total-as-string"),
        pytest.param(3, 25, 5, 25, False, id="last-page-with-total"),
        pytest.param(2, 0, 10, None, True, id="later-page-zero-means-unknown"),
        pytest.param(2, 0, 3, None, False, id="later-page-short"),
        pytest.param(2, None, 10, None, True, id="later-page-absent"),
        pytest.param(1, 0, 0, 0, False, id="nothing-found"),
        pytest.param(1, None, 10, None, True, id="first-page-absent-full"),
        pytest.param(1, 3, 10, None, True, id="total-smaller-than-seen"),
        pytest.param(1, -1, 2, None, False, id="negative"),
        pytest.param(1, "many", 2, None, False, id="garbage"),
        pytest.param(1, 10, 10, 10, False, id="exactly-one-full-page"),
    ],
)
def test_page_totals(
    page_number: int, total: Any, count: int, expected_total: int | None, has_more: bool
) -> None:
    page = v2017.parse_call_records(cdr_body(total, count), page_number=page_number, page_size=10)
    assert (page.page_number, page.page_size, len(page.items)) == (page_number, 10, count)
    assert page.total == expected_total
    assert page.has_more is has_more


def test_page_size_the_server_capped_is_used() -> None:
    body = cdr_body(None, 100)
    body["CallDetailRecords"]["PageSize"] = "100"
    page = v2017.parse_call_records(body, page_number=1, page_size=200)
    assert page.page_size == 100
    assert page.has_more  # a full page of what the server served, not a short page of 200
    body["CallDetailRecords"]["PageSize"] = 500  # larger than asked: ignored
    assert v2017.parse_call_records(body, page_number=1, page_size=200).page_size == 200


@pytest.mark.parametrize(
    "container",
    [None, {}, "", [], {"List": None}, {"List": {"CallDetailRecord": []}}, {"TotalCount": 0}],
)
def test_empty_call_record_pages(container: Any) -> None:
    page = v2017.parse_call_records({"CallDetailRecords": container}, page_number=1, page_size=10)
    assert page.items == ()
    assert not page.has_more


def test_call_records_as_a_bare_list() -> None:
    body = {"CallDetailRecords": [{"ContactId": "1"}, {"ContactId": "2"}]}
    page = v2017.parse_call_records(body, page_number=1, page_size=10)
    assert [r.contact_id for r in page.items] == ["1", "2"]


def test_call_records_container_of_the_wrong_type_is_malformed() -> None:
    with pytest.raises(errors.MalformedResponseError):
        v2017.parse_call_records({"CallDetailRecords": 5}, page_number=1, page_size=10)


# --- instances ---------------------------------------------------------------------------------

INSTANCE = {
    "InstanceId": "9cfad875-6260-4a53-ab6e-b13e3fb31f7d",
    "InstanceName": "demo",
    "InstanceDescription": "the demo centre",
    "Status": "RUNNING",
    "DomainName": "demo",
    "ConsoleUrl": "https://ccc.console.aliyun.com/demo",
    "CreatedTime": 1531284911000,
    "Admin": {"User": []},
}
EXPECTED_INSTANCE = Instance(
    instance_id="9cfad875-6260-4a53-ab6e-b13e3fb31f7d",
    name="demo",
    description="the demo centre",
    status="RUNNING",
    domain_name="demo",
    console_url="https://ccc.console.aliyun.com/demo",
    created=REC_START,
)


def test_instances() -> None:
    body = {"Instances": {"CallCenterInstance": [INSTANCE, {"InstanceName": "no id"}]}}
    assert v2017.parse_instances(body) == (EXPECTED_INSTANCE,)
    assert v2017.parse_instances({"Instances": INSTANCE}) == (EXPECTED_INSTANCE,)
    assert v2017.parse_instances({"Instances": None}) == ()
    assert v2017.parse_instances({}) == ()


def test_instance() -> None:
    instance = v2017.parse_instance({"Instance": INSTANCE})
    assert instance == EXPECTED_INSTANCE
    assert instance.raw["Admin"] == {"User": []}


@pytest.mark.parametrize("value", [None, {}, {"InstanceName": "x"}, "x", [1], []])
def test_instance_without_an_id_is_malformed(value: Any) -> None:
    with pytest.raises(errors.MalformedResponseError):
        v2017.parse_instance({"Instance": value})


# --- raise_for_error ---------------------------------------------------------------------------


def error_body(code: str, message: str = "boom") -> dict[str, Any]:
    return {
        "RequestId": "REQ-1",
        "HostId": "ccc.cn-shanghai.aliyuncs.com",
        "Code": code,
        "Message": message,
        "Recommend": "https://api.aliyun.com/troubleshoot?q=" + code,
    }


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        ("Throttling", 400, errors.ThrottlingError),
        ("Throttling.User", 400, errors.ThrottlingError),
        ("Throttling.Api", 400, errors.ThrottlingError),
        ("ServiceUnavailable", 503, errors.ServerError),
        ("InternalError", 500, errors.ServerError),
        ("SignatureDoesNotMatch", 400, errors.AuthenticationError),
        ("InvalidAccessKeyId.NotFound", 404, errors.AuthenticationError),
        ("InvalidAccessKeyId.Inactive", 400, errors.AuthenticationError),
        ("InvalidTimeStamp.Expired", 400, errors.ClockSkewError),
        ("IncompleteSignature", 400, errors.InvalidRequestError),
        ("InvalidTimeStamp.Format", 400, errors.InvalidRequestError),
        ("MissingParameter", 400, errors.InvalidRequestError),
        ("MissingContactId", 400, errors.InvalidRequestError),
        ("SignatureNonceUsed", 400, errors.InvalidRequestError),
        ("InvalidParameter", 400, errors.InvalidRequestError),
        ("InvalidContactId", 400, errors.InvalidRequestError),
        ("Forbidden.RAM", 403, errors.AccessDeniedError),
        ("NoPermission", 403, errors.AccessDeniedError),
        ("Forbidden", 403, errors.AccessDeniedError),
        ("InvalidAction.NotFound", 404, errors.EndpointError),
        ("InvalidVersion", 400, errors.EndpointError),
        ("InvalidProduct.NotFound", 404, errors.EndpointError),
        ("NotExist.Instance", 404, errors.InstanceNotFoundError),
        ("NotExist.Record", 404, errors.NotFoundError),
        ("OssNotOpen", 404, errors.NotFoundError),
    ],
)
def test_error_codes_map_to_their_class(
    code: str, status: int, cls: type[errors.ServiceError]
) -> None:
    with pytest.raises(errors.ServiceError) as info:
        v2017.raise_for_error(error_body(code), http_status=status, action="DownloadRecording")
    error = info.value
    assert type(error) is cls
    assert error.code == code
    assert error.message == "boom"
    assert error.request_id == "REQ-1"
    assert error.host_id == "ccc.cn-shanghai.aliyuncs.com"
    assert error.recommend == "https://api.aliyun.com/troubleshoot?q=" + code
    assert error.http_status == status
    assert error.action == "DownloadRecording"
    assert error.hint, f"no hint for {code}"


def test_throttling_carries_retry_after_and_is_retryable() -> None:
    with pytest.raises(errors.ThrottlingError) as info:
        v2017.raise_for_error(
            error_body("Throttling.User"), http_status=400, action="X", retry_after=1.5
        )
    assert info.value.retry_after == 1.5
    assert info.value.retryable


def test_access_denied_hint_names_the_action() -> None:
    with pytest.raises(errors.AccessDeniedError) as info:
        v2017.raise_for_error(error_body("Forbidden.RAM"), http_status=403, action="GetInstance")
    assert "ccc:GetInstance" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", False),
        ("1", True),
        (" 0 ", False),
        ("false", False),
        ("True", True),
        (0, False),
        (1, True),
        (False, False),
        (True, True),
        (2, None),
        ("2", None),
        ("", None),
        (None, None),
        ("maybe", None),
    ],
)
def test_bool_reads_the_server_flags(value: object, expected: bool | None) -> None:
    assert parsing.as_bool(value) is expected


def test_success_as_a_digit_string() -> None:
    assert v2017.raise_for_error({"Success": "1"}, http_status=200, action="X") is None
    with pytest.raises(errors.InvalidRequestError) as info:
        v2017.raise_for_error({"Success": "0"}, http_status=200, action="X")
    assert info.value.code == "UnknownError"


@pytest.mark.parametrize(
    "body",
    [
        {"Success": True, "Code": "OK"},
        {"Success": "true", "Code": "OK"},
        {"Success": "TRUE"},
        {"Success": True},
        {"Code": "OK"},
        {"Code": "ok"},
        {"Code": "200"},
        {"Data": {}},  # neither Success nor Code: lenient
        {"Success": "maybe"},  # unreadable: not evidence of failure
        SEED_EVENTS_BODY,
        SEED_RECORDINGS_BODY,
    ],
)
def test_success_bodies_do_not_raise(body: dict[str, Any]) -> None:
    assert v2017.raise_for_error(body, http_status=200, action="X") is None
    assert v2017.raise_for_error(body, http_status=None, action=None) is None


@pytest.mark.parametrize(
    ("body", "status", "code", "cls"),
    [
        pytest.param({"Success": False}, 200, "UnknownError", errors.InvalidRequestError, id="f"),
        pytest.param(
            {"Success": "false", "Code": "OK"},
            200,
            "UnknownError",
            errors.InvalidRequestError,
            id="false-string-with-ok",
        ),
        pytest.param(
            {"Success": 0, "Code": "NotExist.Record"},
            200,
            "NotExist.Record",
            errors.NotFoundError,
            id="false-as-zero",
        ),
        pytest.param(
            {"Success": True, "Code": "Throttling"},
            200,
            "Throttling",
            errors.ThrottlingError,
            id="code-beats-success",
        ),
        pytest.param(
            {"Code": "InternalError"},
            200,
            "InternalError",
            errors.ServerError,
            id="code-without-success",
        ),
        pytest.param({}, 502, "HTTP502", errors.ServerError, id="status-only-5xx"),
        pytest.param({}, 404, "HTTP404", errors.InvalidRequestError, id="status-only-4xx"),
        pytest.param(
            {"Success": True, "Code": "OK"},
            503,
            "HTTP503",
            errors.ServerError,
            id="status-beats-success",
        ),
        pytest.param(
            {"code": "Throttling.Api", "message": "slow"},
            400,
            "Throttling.Api",
            errors.ThrottlingError,
            id="lowercase-keys",
        ),
        pytest.param(
            {"Error": {"Code": "NoPermission", "Message": "no"}, "RequestId": "R"},
            403,
            "NoPermission",
            errors.AccessDeniedError,
            id="nested-error",
        ),
        pytest.param(
            {"HttpStatusCode": "500"}, None, "HTTP500", errors.ServerError, id="status-from-body"
        ),
        pytest.param({"Code": 503}, 200, "503", errors.InvalidRequestError, id="numeric-code"),
    ],
)
def test_failure_bodies(
    body: dict[str, Any], status: int | None, code: str, cls: type[errors.ServiceError]
) -> None:
    with pytest.raises(errors.ServiceError) as info:
        v2017.raise_for_error(body, http_status=status, action="X")
    assert type(info.value) is cls
    assert info.value.code == code
    assert info.value.message  # never empty: there is always something to show


def test_error_text_from_the_server_is_neutralised() -> None:
    body = error_body(
        "InvalidParameter\x1b[2J", "line one\nline two \x1b]52;c;ZXZpbA==\x07 " + "x" * 5000
    )
    body["RequestId"] = "REQ\x1b[31m-1"
    with pytest.raises(errors.InvalidRequestError) as info:
        v2017.raise_for_error(body, http_status=400, action="X")
    error = info.value
    for text in (error.code, error.message, error.request_id or ""):
        assert "\x1b" not in text and "\n" not in text and "\x07" not in text
    assert error.message.startswith("line one line two")
    assert len(error.message) <= 2000


def test_raise_for_error_rejects_a_non_mapping() -> None:
    with pytest.raises(errors.MalformedResponseError):
        v2017.raise_for_error([], http_status=200, action="X")  # type: ignore[arg-type]


# --- decode_body -------------------------------------------------------------------------------


def test_decode_body_reads_the_seed_bytes() -> None:
    raw = json.dumps(SEED_RECORDINGS_BODY, ensure_ascii=False).encode()
    assert v2017.decode_body(raw) == SEED_RECORDINGS_BODY
    assert v2017.decode_body(b"\xef\xbb\xbf" + raw) == SEED_RECORDINGS_BODY  # with a BOM


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"  \r\n ", "empty", id="blank"),
        pytest.param(
            b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
            "HTML page",
            id="html",
        ),
        pytest.param(b"<html><body>Access denied</body></html>", "HTML page", id="html-bare"),
        pytest.param(
            b'<?xml version="1.0"?><Error><RequestId>XML-RID</RequestId>'
            b"<Code>Throttling.User</Code><Message>slow</Message></Error>",
            "XML instead of JSON (error code Throttling.User)",
            id="xml-error",
        ),
        pytest.param(b'{"RequestId": "CUT-1", "Data": {"Caller": "8031', "cut off", id="cut"),
        pytest.param(b'{"RequestId": "CUT-1", "Data": {', "cut off", id="cut-after-brace"),
        pytest.param(b'{"a": 1,, }', "invalid JSON at line 1", id="invalid"),
        pytest.param(b"[1, 2]", "JSON list", id="list"),
        pytest.param(b"42", "JSON number", id="number"),
        pytest.param(b'"text"', "JSON string", id="string"),
        pytest.param(b"null", "JSON null", id="null"),
        pytest.param(b"true", "JSON boolean", id="boolean"),
        pytest.param(b"NaN", "JSON number", id="nan"),
        pytest.param(b'{"a": "\xff\xfe"}', "not UTF-8", id="invalid-utf8"),
        pytest.param(b"[" * 50_000, "too deeply nested", id="deep"),
        pytest.param(b'{"a": ' + b"1" * 5000 + b"}", "number too long", id="long-number"),
    ],
)
def test_decode_body_refuses_what_is_not_a_json_object(content: bytes, fragment: str) -> None:
    with pytest.raises(errors.MalformedResponseError) as info:
        v2017.decode_body(content, http_status=502, action="ListRecordingsByContactId")
    error = info.value
    assert fragment in error.message
    assert error.http_status == 502
    assert error.action == "ListRecordingsByContactId"
    assert error.code == "MalformedResponse"
    assert error.hint


def test_decode_body_quotes_a_sanitised_bounded_snippet() -> None:
    content = b"<html>\x1b[31mred\x1b[0m\n\t" + b"A" * 1000 + b"</html>"
    with pytest.raises(errors.MalformedResponseError) as info:
        v2017.decode_body(content)
    message = info.value.message
    assert "\x1b" not in message and "\n" not in message
    assert "red" in message
    assert "A" * 150 in message and "A" * 250 not in message
    assert message.endswith("…")


def test_decode_body_request_id_from_header_or_body() -> None:
    cut = b'{"RequestId": "BODY-RID", "Data": {'
    with pytest.raises(errors.MalformedResponseError) as info:
        v2017.decode_body(cut)
    assert info.value.request_id == "BODY-RID"
    with pytest.raises(errors.MalformedResponseError) as info:
        v2017.decode_body(cut, request_id="HEADER-RID")
    assert info.value.request_id == "HEADER-RID"
    with pytest.raises(errors.MalformedResponseError) as info:
        v2017.decode_body(b"<Error><RequestId>XML-RID</RequestId></Error>")
    assert info.value.request_id == "XML-RID"
    with pytest.raises(errors.MalformedResponseError) as info:
        v2017.decode_body(b"<html></html>")
    assert info.value.request_id is None


def test_decode_body_replaces_lone_surrogates() -> None:
    body = v2017.decode_body(b'{"a": "x\\ud800y", "\\udfff": ["\\ud83d\\ude00", {"b": "\\uDC00"}]}')
    assert body == {"a": "x\ufffdy", "\ufffd": ["\U0001f600", {"b": "\ufffd"}]}
    json.dumps(body, ensure_ascii=False).encode("utf-8")  # encodable everywhere now


# --- request parameters ------------------------------------------------------------------------

INSTANCE_ID = "9cfad875-6260-4a53-ab6e-b13e3fb31f7d"


def test_simple_params() -> None:
    assert v2017.VERSION == "2017-07-05"
    assert v2017.call_events_params(INSTANCE_ID, " 1096645650 ") == {
        "InstanceId": INSTANCE_ID,
        "ContactId": "1096645650",
    }
    assert v2017.recordings_params(INSTANCE_ID, "2020927020") == {
        "InstanceId": INSTANCE_ID,
        "ContactId": "2020927020",
    }
    assert v2017.download_params(INSTANCE_ID, "a.wav") == {
        "InstanceId": INSTANCE_ID,
        "FileName": "a.wav",
    }
    assert v2017.download_params(INSTANCE_ID, "a.wav", "") == {
        "InstanceId": INSTANCE_ID,
        "FileName": "a.wav",
    }
    assert v2017.download_params(INSTANCE_ID, "a.wav", "left") == {
        "InstanceId": INSTANCE_ID,
        "FileName": "a.wav",
        "Channel": "left",
    }


def test_call_records_params_minimal() -> None:
    assert v2017.call_records_params(INSTANCE_ID, page_number=1, page_size=100) == {
        "InstanceId": INSTANCE_ID,
        "PageNumber": "1",
        "PageSize": "100",
    }


def test_call_records_params_full() -> None:
    shanghai = timezone(timedelta(hours=8))
    params = v2017.call_records_params(
        INSTANCE_ID,
        page_number=3,
        page_size=20,
        start=datetime(2019, 4, 17, 17, 10, 46, tzinfo=shanghai),
        stop=datetime(2019, 4, 17, 9, 10, 59, 999999, tzinfo=UTC),
        phone_number=" +8613800000000 ",
        criteria="小芳",
        contact_types=["Inbound", " Outbound ", ""],
        dispositions=("Success", "NoAnswer"),
        with_recording=False,
        contact_id="1096645650",
        order="desc",
    )
    assert params == {
        "InstanceId": INSTANCE_ID,
        "PageNumber": "3",
        "PageSize": "20",
        "StartTime": "1555492246000",
        "StopTime": "1555492259999",  # floor, never rounded up past the window
        "PhoneNumber": "+8613800000000",
        "Criteria": "小芳",
        "ContactType": "Inbound,Outbound",
        "ContactDisposition": "Success,NoAnswer",
        "WithRecording": "false",
        "ContactId": "1096645650",
        "OrderBy": "DESC",
    }
    assert all(isinstance(v, str) for v in params.values())
    with_rec = v2017.call_records_params(
        INSTANCE_ID, page_number=1, page_size=1, with_recording=True
    )
    assert with_rec["WithRecording"] == "true"


def test_call_records_params_naive_datetime_is_local_time() -> None:
    naive = datetime(2024, 1, 2, 3, 4, 5)
    params = v2017.call_records_params(INSTANCE_ID, page_number=1, page_size=10, start=naive)
    assert params["StartTime"] == str(int(naive.astimezone().timestamp()) * 1000)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"page_number": 0, "page_size": 10},
        {"page_number": 1, "page_size": 0},
        {"page_number": 1, "page_size": 101},
        {"page_number": 1, "page_size": 10, "order": "sideways"},
    ],
)
def test_call_records_params_refuse_caller_bugs(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        v2017.call_records_params(INSTANCE_ID, **kwargs)
