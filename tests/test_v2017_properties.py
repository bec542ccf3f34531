"""Property tests: whatever the server sends, the adapter returns a model or raises a CccError.

Bodies are generated from scratch and, mostly, mutated from the real seed examples (keys dropped,
types swapped, lists wrapped and unwrapped, junk inserted), then pushed through decode_body,
raise_for_error and every parse_* function. Each result is checked against the model's
invariants, so a parser that returns nonsense fails as surely as one that crashes.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccc_tui.api import errors, v2017
from ccc_tui.api.models import (
    Call,
    CallEvent,
    CallRecord,
    DownloadLink,
    Instance,
    Lane,
    Page,
    Recording,
)
from tests.seeds import SEED_EVENTS_BODY, SEED_RECORDINGS_BODY
from tests.test_v2017 import INSTANCE

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FAST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CDR_BODY: dict[str, Any] = {
    "RequestId": "R-CDR",
    "Success": True,
    "Code": "OK",
    "CallDetailRecords": {
        "TotalCount": 2,
        "PageNumber": 1,
        "PageSize": 10,
        "List": {
            "CallDetailRecord": [
                {
                    "ContactId": "1096645650",
                    "StartTime": 1555492246000,
                    "Duration": 29,
                    "ContactType": "Outbound",
                    "ContactDisposition": "Success",
                    "AgentNames": "小芳,bob",
                    "SkillGroupNames": "测试",
                    "SatisfactionDesc": "未评价",
                    "Agents": {"CallDetailAgent": [{"AgentId": "1", "Satisfaction": "3"}]},
                    "Recordings": copy.deepcopy(SEED_RECORDINGS_BODY["Recordings"]),
                },
                {"ContactId": "2020927020", "StartTime": "1531284911000", "Duration": "10"},
            ]
        },
    },
}
DOWNLOAD_BODY: dict[str, Any] = {
    "RequestId": "R-DL",
    "Success": True,
    "Code": "OK",
    "MediaDownloadParam": {
        "FileName": "153128491143400080327683.wav",
        "SignatureUrl": '"https://oss.example.com/a.wav?Expires=1&Signature=x"',
    },
}
INSTANCES_BODY: dict[str, Any] = {
    "RequestId": "R-I",
    "Success": True,
    "Code": "OK",
    "Instances": {"CallCenterInstance": [copy.deepcopy(INSTANCE)]},
    "Instance": copy.deepcopy(INSTANCE),
}
ERROR_BODY: dict[str, Any] = {
    "RequestId": "R-E",
    "HostId": "ccc.cn-shanghai.aliyuncs.com",
    "Code": "Throttling.User",
    "Message": "Request was denied due to user flow control.",
    "Recommend": "https://api.aliyun.com/troubleshoot?q=Throttling.User",
}
SEEDS = [
    SEED_EVENTS_BODY,
    SEED_RECORDINGS_BODY,
    CDR_BODY,
    DOWNLOAD_BODY,
    INSTANCES_BODY,
    ERROR_BODY,
]

KNOWN_KEYS = sorted(
    {
        key
        for seed in SEEDS
        for key in json.dumps(seed).split('"')[1::2]
        if key.isidentifier() and key[:1].isupper()
    }
    | {"Error", "code", "message", "ErrorCode", "HttpStatusCode", "Item", "List"}
)

NASTY_STRINGS = [
    "",
    " ",
    "100",
    " 9 ",
    "9.0",
    "-1",
    "0",
    "1e999",
    "NaN",
    "true",
    "false",
    "null",
    "{}",
    "[]",
    "{broken",
    '{"EventType": "ivr"}',
    '[{"Caller": "1"}]',
    "\x1b[31mred\x1b]52;c;ZXZpbA==\x07",
    "\u202eevil",
    "\ud800",
    "小芳",
    "<html>",
    '"https://oss.example.com/x.wav"',
    "file:///etc/passwd",
    "1555492246000",
    "1531284911",
    "99999999999999999999999",
    "9" * 5000,
    "1" + "0" * 30,
    "2019-04-17T09:10:46Z",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+14:00",
    "487-Request Terminated",
    "x" * 100_000,
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=20),
    st.sampled_from(NASTY_STRINGS),
)
JSON_JUNK = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=6), inner, max_size=4),
    ),
    max_leaves=6,
)
# Python-only values a caller could hand the parsers directly (never from json.loads).
PY_JUNK = (
    JSON_JUNK
    | st.sampled_from([b"\xff bytes", (1, "tuple"), frozenset({1}), object(), float("-inf")])
    # Built lazily: an int past Python's digit limit cannot even be repr()-ed by Hypothesis.
    | st.just(5000).map(lambda digits: 10**digits)
)

OPS = ["keep"] * 10 + [
    "drop",
    "junk",
    "none",
    "wrap_list",
    "wrap_object",
    "unwrap",
    "stringify",
    "numberify",
]


_DROP = object()  # a mutation's verdict: leave this key or item out


def _mutate(draw: Callable[..., Any], value: Any, junk: st.SearchStrategy[Any], depth: int) -> Any:
    # One draw per node keeps generation cheap enough for thousands of examples.
    op = OPS[draw(st.integers(0, len(OPS) - 1))] if depth else "keep"
    if op == "drop":
        return _DROP
    if op == "junk":
        return draw(junk)
    if op == "none":
        return None
    if op in ("wrap_list", "wrap_object"):
        inner = _mutate(draw, value, junk, depth + 1)
        inner = None if inner is _DROP else inner
        return [inner] if op == "wrap_list" else {draw(st.sampled_from(KNOWN_KEYS)): inner}
    if op == "unwrap":
        if isinstance(value, list):
            return value[0] if value else None
        if isinstance(value, dict):
            return next(iter(value.values()), None)
    if op == "stringify":
        try:
            return json.dumps(value) if isinstance(value, dict | list) else f" {value} "
        except (TypeError, ValueError):
            return str(type(value))
    if op == "numberify" and isinstance(value, str):
        return draw(st.sampled_from([0, -1, 1.5, 10**12, float("nan")]))
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, child in value.items():
            mutated = _mutate(draw, child, junk, depth + 1)
            if mutated is not _DROP:
                out[key] = mutated
        if draw(st.integers(0, 5)) == 0:
            out[draw(st.sampled_from(KNOWN_KEYS))] = draw(junk)
        return out
    if isinstance(value, list):
        items = [_mutate(draw, child, junk, depth + 1) for child in value]
        items = [item for item in items if item is not _DROP]
        if items and draw(st.booleans()):
            items = list(draw(st.permutations(items)))
        if draw(st.integers(0, 4)) == 0:
            items.append(draw(junk))
        return items
    return value


@st.composite
def mutated_bodies(draw: Callable[..., Any], junk: st.SearchStrategy[Any] = PY_JUNK) -> Any:
    seed = draw(st.sampled_from(SEEDS))
    body = _mutate(draw, copy.deepcopy(seed), junk, 0)
    if draw(st.integers(0, 30)) == 0:
        return draw(junk)  # sometimes not even an object
    return body


@st.composite
def generated_bodies(draw: Callable[..., Any]) -> dict[str, Any]:
    keys = st.sampled_from(KNOWN_KEYS)
    return draw(st.dictionaries(keys, JSON_JUNK, max_size=8))


@st.composite
def damaged_bytes(draw: Callable[..., Any]) -> bytes:
    body = draw(mutated_bodies(JSON_JUNK))
    raw = json.dumps(body, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    damage = draw(st.sampled_from(["none", "truncate", "insert", "prefix", "replace"]))
    if damage == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif damage == "insert":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    elif damage == "prefix":
        raw = draw(st.sampled_from([b"\xef\xbb\xbf", b" \n", b"<", b"\x00", b"]"])) + raw
    elif damage == "replace" and raw:
        at = draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :]
    return raw


# --- invariants --------------------------------------------------------------------------------


def assert_utc(moment: datetime | None) -> None:
    assert moment is None or (isinstance(moment, datetime) and moment.utcoffset() == timedelta(0))


def assert_duration(value: int | None) -> None:
    assert value is None or (type(value) is int and value >= 0)


def assert_strings(obj: object, *names: str) -> None:
    for name in names:
        assert type(getattr(obj, name)) is str, name


def check_event(event: CallEvent) -> None:
    assert isinstance(event, CallEvent)
    assert_utc(event.time)
    assert isinstance(event.lane, Lane)
    assert_duration(event.duration)
    assert_strings(
        event,
        "event",
        "status",
        "agent_name",
        "skill_group",
        "call_mode",
        "hang_upper",
        "helper",
        "satisfaction",
        "event_type",
    )
    assert all(type(k) is str and type(v) is str for k, v in event.details.items())
    assert isinstance(event.raw, Mapping)


def check_recording(recording: Recording) -> None:
    assert isinstance(recording, Recording)
    assert_utc(recording.start)
    assert_duration(recording.duration)
    assert_strings(
        recording,
        "file_name",
        "contact_id",
        "description",
        "agent_id",
        "agent_name",
        "calling_number",
        "called_number",
        "contact_type",
        "quality_check_task_id",
        "quality_check_tid",
    )


def check_call(call: Call, contact_id: str) -> None:
    assert isinstance(call, Call)
    assert call.contact_id == contact_id
    assert_utc(call.start)
    assert_strings(call, "caller", "callee", "direction", "release_agent", "privacy_number")
    for event in call.events:
        check_event(event)
    times = [e.time for e in call.events]
    timed = [t for t in times if t is not None]
    assert times[: len(timed)] == timed, "untimed events must come after the timed ones"
    assert timed == sorted(timed)
    assert call.recordings == ()
    if call.release_reason is not None:
        code = call.release_reason.sip_code
        assert code is None or 100 <= code <= 699
    call.duration  # noqa: B018 - the derived properties must not raise either
    call.is_empty  # noqa: B018


def check_page(page: Page[CallRecord], page_number: int, page_size: int) -> None:
    assert isinstance(page, Page)
    assert page.page_number == page_number
    assert 1 <= page.page_size <= page_size
    seen = (page_number - 1) * page.page_size + len(page.items)
    assert page.total is None or (type(page.total) is int and page.total >= seen)
    if len(page.items) < page.page_size:
        assert not page.has_more
    for record in page.items:
        assert isinstance(record, CallRecord)
        assert_utc(record.start)
        assert_duration(record.duration)
        assert all(type(n) is str and n and n == n.strip() for n in record.agent_names)
        assert all(type(n) is str and n and n == n.strip() for n in record.skill_group_names)
        for recording in record.recordings:
            check_recording(recording)


def check_link(link: DownloadLink) -> None:
    assert isinstance(link, DownloadLink)
    assert link.url.startswith(("http://", "https://", "HTTP://", "HTTPS://")) or (
        link.url.split(":", 1)[0].lower() in ("http", "https")
    )
    assert '"' not in (link.url[0], link.url[-1])
    assert not any(c.isspace() for c in link.url)


def check_instance(instance: Instance) -> None:
    assert isinstance(instance, Instance)
    assert instance.instance_id
    assert_utc(instance.created)


def check_error(error: errors.CccError) -> None:
    assert error.code and error.message
    for text in (error.code, error.message, error.request_id or ""):
        assert "\x1b" not in text and "\n" not in text


def exercise(body: Any, http_status: int | None = 200) -> None:
    """Every entry point on one body: a model or a CccError, and nothing else escapes."""
    try:
        v2017.raise_for_error(body, http_status=http_status, action="Fuzz")
    except errors.CccError as error:
        assert isinstance(error, errors.ServiceError | errors.MalformedResponseError)
        check_error(error)
    parsers: list[tuple[Callable[[Any], Any], Callable[[Any], None]]] = [
        (lambda b: v2017.parse_call(b, "c-1"), lambda r: check_call(r, "c-1")),
        (v2017.parse_recordings, lambda r: [check_recording(x) for x in r]),
        (v2017.parse_download_link, check_link),
        (
            lambda b: v2017.parse_call_records(b, page_number=2, page_size=10),
            lambda r: check_page(r, 2, 10),
        ),
        (v2017.parse_instances, lambda r: [check_instance(x) for x in r]),
        (v2017.parse_instance, check_instance),
    ]
    for parse, check in parsers:
        try:
            result = parse(body)
        except errors.MalformedResponseError as error:
            check_error(error)
        else:
            check(result)


# --- the properties ----------------------------------------------------------------------------


@settings(FAST, max_examples=400)
@given(mutated_bodies(), st.sampled_from([None, 200, 400, 404, 500, 503]))
def test_mutated_seed_bodies(body: Any, status: int | None) -> None:
    exercise(body, status)


@settings(FAST, max_examples=150)
@given(generated_bodies())
def test_generated_bodies(body: dict[str, Any]) -> None:
    exercise(body)


@settings(FAST, max_examples=250)
@given(damaged_bytes())
def test_damaged_serialisations_through_the_whole_pipeline(raw: bytes) -> None:
    try:
        body = v2017.decode_body(raw, http_status=200, action="Fuzz")
    except errors.MalformedResponseError as error:
        check_error(error)
        return
    assert isinstance(body, dict)
    json.dumps(body, ensure_ascii=False).encode("utf-8")  # no lone surrogates survive
    exercise(body)


@settings(FAST, max_examples=200)
@given(st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    try:
        body = v2017.decode_body(raw)
    except errors.MalformedResponseError as error:
        check_error(error)
    else:
        assert isinstance(body, dict)
        exercise(body)


TIMED_FORMS: list[Callable[[int], Any]] = [
    str,
    int,
    float,
    lambda ms: f" {ms} ",
    lambda ms: f"{ms}.0",
    lambda ms: ms // 1000,  # seconds: slots are whole seconds
    lambda ms: str(ms * 1000),  # microseconds
]
UNTIMED_FORMS: list[Any] = [None, "", "garbage", 0, -1, [], {}, "2019-04-17T09:10:46"]


@settings(FAST, max_examples=150)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 4)),  # few slots: many ties
            st.integers(0, len(TIMED_FORMS) - 1),
            st.integers(0, len(UNTIMED_FORMS)),  # the last index means "key absent"
        ),
        max_size=25,
    ),
    st.booleans(),
)
def test_events_sort_stably_by_time_untimed_last(
    spec: list[tuple[int | None, int, int]], wrapped: bool
) -> None:
    base_ms = 1_600_000_000_000
    items: list[dict[str, Any]] = []
    for index, (slot, timed_form, untimed_form) in enumerate(spec):
        item: dict[str, Any] = {"Event": f"E{index}"}
        if slot is not None:
            item["TimeStamp"] = TIMED_FORMS[timed_form](base_ms + slot * 1000)
        elif untimed_form < len(UNTIMED_FORMS):
            item["TimeStamp"] = UNTIMED_FORMS[untimed_form]
        items.append(item)
    events: Any = {"CallEventDetail": items} if wrapped else items
    call = v2017.parse_call({"Data": {"Events": events}}, "c")
    order = sorted(range(len(spec)), key=lambda i: (spec[i][0] is None, spec[i][0] or 0))
    assert [e.event for e in call.events] == [f"E{i}" for i in order]
    for event, index in zip(call.events, order, strict=True):
        slot = spec[index][0]
        expected = None if slot is None else EPOCH + timedelta(seconds=1_600_000_000 + slot)
        assert event.time == expected


@settings(FAST, max_examples=150)
@given(st.integers(min_value=946_684_800_000, max_value=4 * 10**12))  # 2000 to 2096
def test_every_time_spelling_means_the_same_instant(ms: int) -> None:
    expected = EPOCH + timedelta(milliseconds=ms)
    spellings: list[Any] = [ms, str(ms), f" {ms} ", float(ms), f"{ms}.0", ms * 1000, ms * 10**6]
    if ms % 1000 == 0:
        spellings += [ms // 1000, str(ms // 1000)]
    for spelling in spellings:
        recording = v2017.parse_recordings({"Recordings": [{"StartTime": spelling}]})[0]
        assert recording.start == expected, spelling


@settings(FAST, max_examples=150)
@given(
    st.integers(1, 50),
    st.integers(1, 100),
    st.integers(0, 120),
    st.one_of(st.none(), st.integers(-5, 10_000), st.text(max_size=4), st.floats()),
    st.one_of(st.none(), st.integers(-5, 200), st.just("junk")),
)
def test_paging_never_promises_what_it_cannot_know(
    page_number: int, page_size: int, count: int, total: Any, served_size: Any
) -> None:
    body = {
        "CallDetailRecords": {
            "TotalCount": total,
            "PageSize": served_size,
            "List": {"CallDetailRecord": [{"ContactId": str(i)} for i in range(count)]},
        }
    }
    page = v2017.parse_call_records(body, page_number=page_number, page_size=page_size)
    check_page(page, page_number, page_size)
    assert len(page.items) == count


SUCCESS_VALUES = [True, False, "true", "false", "TRUE", " False ", 1, 0, "maybe", None, [True]]
CODE_VALUES = ["OK", "ok", "200", "Throttling", "NotExist.Record", "InternalError", "", None, 7]


@settings(FAST, max_examples=150)
@given(
    st.sampled_from([*SUCCESS_VALUES, "absent"]),
    st.sampled_from([*CODE_VALUES, "absent"]),
    st.sampled_from([None, 200, 204, 302, 400, 403, 404, 500, 502, 503]),
    st.one_of(st.none(), JSON_JUNK),
)
def test_raise_for_error_decides_from_success_code_and_status(
    success: Any, code: Any, status: int | None, message: Any
) -> None:
    body: dict[str, Any] = {"RequestId": "R", "Message": message}
    if success != "absent":
        body["Success"] = success
    if code != "absent":
        body["Code"] = code
    said_false = (
        success is False
        or success == 0
        or (isinstance(success, str) and success.strip().lower() == "false")
    )
    code_text = "" if code in (None, "absent") else str(code)
    bad_code = bool(code_text) and code_text.lower() not in ("ok", "200", "success")
    should_fail = said_false or bad_code or (status is not None and status >= 400)
    try:
        v2017.raise_for_error(body, http_status=status, action="X")
    except errors.ServiceError as error:
        assert should_fail
        check_error(error)
        assert error.request_id == "R"
        assert error.http_status == status
        if bad_code:
            assert error.code == code_text
    else:
        assert not should_fail
