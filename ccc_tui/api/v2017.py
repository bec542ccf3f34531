"""CCC 2017-07-05: request parameters out, response bodies in, the domain model out of them.

Everything the server sends is untrusted, so parsing is lenient (ccc-api.md §3) and never raises
anything but `MalformedResponseError`, and that only when a body or its payload container is not
an object at all. Decisions, in one place:

- Lists arrive wrapped (`"Events": {"CallEventDetail": [...]}`), bare, as a single object, or as
  missing / null / empty values; all mean the same list.
- Numbers may be strings (`"100"`, `" 9 "`, `"9.0"`), booleans may be `"true"` / `"false"`.
- Epoch times may be numbers or numeric strings. The unit is read from the magnitude: below 1e11
  seconds, below 1e14 milliseconds (the documented unit), below 1e17 microseconds, below 1e20
  nanoseconds. 1e11 seconds is the year 5138 and 1e11 milliseconds is March 1973, years before CCC
  existed, so real data never falls in the wrong band. ISO-8601 text with an explicit offset is
  accepted too. Zero, negative, naive or unreadable times become None. Durations are whole
  seconds from 0 to ten years; anything else is None.
- Events are sorted stably by time; events without a time keep their server order after all the
  timed ones (a timeline cannot place them, so they must not split the timed ones).
- An unknown ContactId may come back as a missing, null or empty `Data` (even `[]`): that is an
  empty `Call` (`Call.is_empty`), not an error.
- Nested values of unexpected types become a string (lists joined with ", ", objects as compact
  JSON) or the field's default; what we do not model stays in `raw` / `details` / `extra`.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, NoReturn, cast
from urllib.parse import unquote, urlsplit

from ccc_tui.api import catalogue
from ccc_tui.api.errors import MalformedResponseError, error_from_response
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

VERSION = "2017-07-05"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SNIPPET_CHARS = 200
_MESSAGE_CHARS = 2000
_MAX_PAGE_SIZE = 100
_MAX_DURATION = 10 * 366 * 86_400  # seconds
# Codes that mean success: the documented "OK", plus spellings other Alibaba APIs use.
_SUCCESS_CODES = frozenset({"ok", "200", "success"})

# ASCII-only so Unicode digits and `1_000` (both accepted by int()) are not numbers here.
_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# C0/C1 controls (terminal escapes start with ESC), invisible and bidi-reordering characters,
# and lone surrogates (they make every UTF-8 encoder raise).
_UNSAFE_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_SPACES_RE = re.compile(r"[\s\x00-\x1f\x7f]+")
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE_RE = re.compile(rb"\\[uU][dD][89a-fA-F]")
_HTML_RE = re.compile(r"<!doctype\s+html|<html|<head|<body|<title", re.IGNORECASE)
_REQUEST_ID_RES = (
    re.compile(rb'"RequestId"\s*:\s*"([A-Za-z0-9-]{1,64})"'),
    re.compile(rb"<RequestId>\s*([A-Za-z0-9-]{1,64})\s*</RequestId>"),
)
_XML_CODE_RE = re.compile(rb"<Code>\s*([A-Za-z0-9._-]{1,64})\s*</Code>")
_NAME_SPLIT_RE = re.compile("[,，]")

# DetailData fields that CallEvent models; every other one goes to CallEvent.details.
_MODELLED_DETAIL = frozenset(
    {"EventType", "HangUper", "Helper", "SatisfactionalResearch", "SkillGroup"}
)
_RENDER_DEPTH = 6


# --- request parameters ------------------------------------------------------------------------


def call_events_params(instance_id: str, contact_id: str) -> dict[str, str]:
    """ListCallEventDetailByContactId."""
    return {"InstanceId": instance_id.strip(), "ContactId": contact_id.strip()}


def recordings_params(instance_id: str, contact_id: str) -> dict[str, str]:
    """ListRecordingsByContactId."""
    return {"InstanceId": instance_id.strip(), "ContactId": contact_id.strip()}


def download_params(instance_id: str, file_name: str, channel: str | None = None) -> dict[str, str]:
    """DownloadRecording; `Channel` is optional and only sent when given."""
    params = {"InstanceId": instance_id.strip(), "FileName": file_name.strip()}
    if channel and channel.strip():
        params["Channel"] = channel.strip()
    return params


def call_records_params(
    instance_id: str,
    *,
    page_number: int,
    page_size: int,
    start: datetime | None = None,
    stop: datetime | None = None,
    phone_number: str | None = None,
    criteria: str | None = None,
    contact_types: Sequence[str] = (),
    dispositions: Sequence[str] = (),
    with_recording: bool | None = None,
    contact_id: str | None = None,
    order: str | None = None,
) -> dict[str, str]:
    """ListCallDetailRecords. Optional filters are left out when empty so server defaults apply.

    Raises ValueError for a page outside what the API accepts (1-based, size 1–100) or an order
    other than ASC/DESC: those are caller bugs, and clamping would break the paging arithmetic.
    """
    if page_number < 1:
        raise ValueError(f"page_number must be >= 1, not {page_number}")
    if not 1 <= page_size <= _MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be 1..{_MAX_PAGE_SIZE}, not {page_size}")
    params = {
        "InstanceId": instance_id.strip(),
        "PageNumber": str(page_number),
        "PageSize": str(page_size),
    }
    if start is not None:
        params["StartTime"] = str(_epoch_ms(start))
    if stop is not None:
        params["StopTime"] = str(_epoch_ms(stop))
    if phone_number and phone_number.strip():
        params["PhoneNumber"] = phone_number.strip()
    if criteria and criteria.strip():
        params["Criteria"] = criteria.strip()
    if joined := _comma_list(contact_types):
        params["ContactType"] = joined
    if joined := _comma_list(dispositions):
        params["ContactDisposition"] = joined
    if with_recording is not None:
        params["WithRecording"] = "true" if with_recording else "false"
    if contact_id and contact_id.strip():
        params["ContactId"] = contact_id.strip()
    if order and order.strip():
        normalised = order.strip().upper()
        if normalised not in ("ASC", "DESC"):
            raise ValueError(f"order must be ASC or DESC, not {order!r}")
        params["OrderBy"] = normalised
    return params


def _epoch_ms(moment: datetime) -> int:
    # Integer arithmetic: float timestamps can land one millisecond early. A naive datetime means
    # local time, as everywhere else in Python.
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _comma_list(values: Sequence[str]) -> str:
    return ",".join(v.strip() for v in values if v and v.strip())


# --- envelope ----------------------------------------------------------------------------------


def decode_body(
    content: bytes,
    *,
    http_status: int | None = None,
    action: str | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """The body as a JSON object, or MalformedResponseError saying what it was instead."""
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else bytes(content)

    def fail(reason: str) -> NoReturn:
        where = action or "The request"
        status = f" (HTTP {http_status})" if http_status is not None else ""
        snippet = _clean(raw[: _SNIPPET_CHARS * 4].decode("utf-8", "replace"), _SNIPPET_CHARS)
        message = f"{where}{status} got {reason}"
        if snippet:
            message += f"; the body starts: {snippet}"
        raise MalformedResponseError(
            message,
            request_id=request_id or _sniff_request_id(raw),
            http_status=http_status,
            action=action,
        )

    if not raw.strip():
        fail("an empty body")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("a body that is not UTF-8 text")
    if re.match(r"\s*<", text):
        if _HTML_RE.search(text[:2048]):
            fail("an HTML page instead of a CCC answer (a proxy or gateway page?)")
        code = _XML_CODE_RE.search(raw)
        fail("XML instead of JSON" + (f" (error code {code.group(1).decode()})" if code else ""))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            fail("a JSON body that was cut off")
        fail(f"invalid JSON at line {exc.lineno}, column {exc.colno}")
    except (ValueError, RecursionError):
        # Over-long integers (Python's digit limit) or absurd nesting.
        fail("JSON too deeply nested or with a number too long to read")
    if not isinstance(value, dict):
        fail(f"a JSON {_json_kind(value)} where an object was expected")
    if _SURROGATE_ESCAPE_RE.search(raw):
        value = _scrub_surrogates(value)
    return cast("dict[str, Any]", value)


def raise_for_error(
    body: Mapping[str, Any],
    *,
    http_status: int | None,
    action: str | None,
    retry_after: float | None = None,
) -> None:
    """Raise the right ServiceError when the body (or the HTTP status) says the call failed.

    An error is any of: `Success` false; a `Code` other than OK (even beside `Success: true`,
    which ccc-api.md §5 asks for, unverified); an HTTP status >= 400 whatever the body says.
    `Code` and `Success` may each be missing on success.
    """
    if not isinstance(body, Mapping):
        raise MalformedResponseError(
            f"the response is a {_json_kind(body)} where an object was expected",
            http_status=http_status,
            action=action,
        )
    # Some gateways nest the XML-style <Error> element in JSON.
    error = _mapping(body.get("Error"))
    fields: Mapping[str, Any] = error if error is not None and "Code" not in body else body
    success = _bool(body.get("Success"))
    code = _clean(_text(_first(fields, "Code", "code", "ErrorCode")), 200)
    status = http_status
    if status is None:
        # The body's own HttpStatusCode, only when it is a plausible status.
        status = _int(body.get("HttpStatusCode"))
        status = status if status is not None and 100 <= status <= 999 else None
    code_is_ok = code.lower() in _SUCCESS_CODES
    failed_status = status is not None and status >= 400
    if success is not False and (not code or code_is_ok) and not failed_status:
        return
    if not code or code_is_ok:
        code = f"HTTP{status}" if failed_status else "UnknownError"
    message = _clean(_text(_first(fields, "Message", "message", "ErrorMessage")), _MESSAGE_CHARS)
    if not message:
        message = (
            f"the server answered HTTP {status}"
            if failed_status
            else "the server reported a failure without saying why"
        )
    raise error_from_response(
        code,
        message,
        request_id=_clean(_text(_first(body, "RequestId", "requestId")), 200) or None,
        http_status=status,
        action=action,
        host_id=_clean(_text(_first(fields, "HostId", "hostId")), 200) or None,
        recommend=_clean(_text(_first(fields, "Recommend", "recommend")), 500) or None,
        retry_after=retry_after,
    )


# --- payloads ----------------------------------------------------------------------------------


def parse_call(body: Mapping[str, Any], contact_id: str) -> Call:
    """ListCallEventDetailByContactId → a Call with its events (recordings come separately)."""
    body = _require_mapping(body, "the response")
    data = _payload(body.get("Data"), "Data", body)
    if data is None:
        return Call(contact_id=contact_id)
    events = [_event(item) for item in _items(data.get("Events"), "CallEventDetail")]
    # list.sort is stable: events sharing a timestamp keep the server's order.
    events.sort(key=_event_order)
    release = _text(data.get("ReleaseReason"))
    return Call(
        contact_id=contact_id or _text(data.get("ContactId")),
        caller=_text(data.get("Caller")),
        callee=_text(data.get("Callee")),
        direction=_text(data.get("CallType")),
        start=_time(data.get("StartTime")),
        release_agent=_text(data.get("ReleaseAgent")),
        release_reason=catalogue.parse_release_reason(release) if release else None,
        privacy_number=_text(data.get("PrivacyNumber")),
        events=tuple(events),
        extra=data,
    )


def parse_recordings(body: Mapping[str, Any]) -> tuple[Recording, ...]:
    """ListRecordingsByContactId, in the server's order."""
    body = _require_mapping(body, "the response")
    return tuple(_recording(item) for item in _items(_section(body, "Recordings"), "Recording"))


def parse_download_link(body: Mapping[str, Any]) -> DownloadLink:
    """DownloadRecording → the signed URL, without the stray quotes the docs warn about."""
    body = _require_mapping(body, "the response")
    param = _mapping(_section(body, "MediaDownloadParam")) or {}
    url = _text(param.get("SignatureUrl")).strip(" \t\r\n\"'\\")
    if not url:
        _malformed(body, "the DownloadRecording answer has no SignatureUrl")
    if _UNSAFE_RE.search(url) or any(c.isspace() for c in url):
        _malformed(body, "the SignatureUrl contains spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:
        _malformed(body, "the SignatureUrl is not a URL")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        _malformed(body, "the SignatureUrl is not an http(s) URL")
    file_name = _text(param.get("FileName")) or posixpath.basename(unquote(parts.path))
    return DownloadLink(file_name=file_name, url=url)


def parse_call_records(
    body: Mapping[str, Any], *, page_number: int, page_size: int
) -> Page[CallRecord]:
    """ListCallDetailRecords → one page of call records.

    The page size is the one asked for, unless the server says it used a smaller one (it caps at
    100): a short page must mean the end. `TotalCount` is only filled on page 1, so a total that
    is missing, negative, or smaller than the records already seen (the 0 of later pages) is
    unknown (None).
    """
    body = _require_mapping(body, "the response")
    container = _section(body, "CallDetailRecords")
    records: Mapping[str, Any]
    if isinstance(container, list | tuple):
        records = {"List": container}  # the records themselves, without the paging envelope
    else:
        records = _payload(container, "CallDetailRecords", body) or {}
    listed = records.get("List", records.get("CallDetailRecord"))
    items = tuple(_call_record(item) for item in _items(listed, "CallDetailRecord"))
    served_size = _int(records.get("PageSize"))
    if served_size is not None and 0 < served_size < page_size:
        page_size = served_size
    total = _int(records.get("TotalCount"))
    if total is not None and total < max(page_number - 1, 0) * page_size + len(items):
        total = None
    return Page(items=items, page_number=page_number, page_size=page_size, total=total)


def parse_instances(body: Mapping[str, Any]) -> tuple[Instance, ...]:
    """ListInstancesOfUser; entries without an InstanceId are useless to pick and are dropped."""
    body = _require_mapping(body, "the response")
    found = (_instance(i) for i in _items(_section(body, "Instances"), "CallCenterInstance"))
    return tuple(instance for instance in found if instance.instance_id)


def parse_instance(body: Mapping[str, Any]) -> Instance:
    """GetInstance; without an instance id the answer tells us nothing, so it is malformed."""
    body = _require_mapping(body, "the response")
    found = _mapping(_section(body, "Instance"))
    instance = _instance(found) if found is not None else None
    if instance is None or not instance.instance_id:
        _malformed(body, "the GetInstance answer has no Instance with an InstanceId")
    return instance


# --- model builders ----------------------------------------------------------------------------


def _event(item: Mapping[str, Any]) -> CallEvent:
    detail = _mapping(item.get("DetailData")) or {}
    event = _text(item.get("Event"))
    event_type = _text(detail.get("EventType"))
    return CallEvent(
        time=_time(item.get("TimeStamp")),
        event=event,
        lane=_lane(event, event_type),
        status=_text(item.get("Status")),
        agent_name=_text(item.get("AgentName")),
        skill_group=_text(detail.get("SkillGroup")) or _text(item.get("SkillGroup")),
        call_mode=_text(item.get("CallMode")),
        duration=_duration(item.get("Duration")),
        # HangUper is who hung up and Helper who was asked for help: the seed example puts
        # `HangUper: byeSystem` on an End event although its table swaps the two descriptions.
        hang_upper=_text(detail.get("HangUper")),
        helper=_text(detail.get("Helper")),
        satisfaction=_text(detail.get("SatisfactionalResearch")),
        event_type=event_type,
        details={str(k): _text(v) for k, v in detail.items() if k not in _MODELLED_DETAIL},
        raw=item,
    )


def _lane(event: str, event_type: str) -> Lane:
    # Only short names are cached, so a hostile server cannot pin megabytes in the cache.
    if len(event) + len(event_type) > 64:
        return catalogue.lane_of(event, event_type)
    return _cached_lane(event, event_type)


@lru_cache(maxsize=1024)
def _cached_lane(event: str, event_type: str) -> Lane:
    # A timeline repeats a handful of (event, type) pairs thousands of times.
    return catalogue.lane_of(event, event_type)


def _event_order(event: CallEvent) -> tuple[bool, datetime]:
    return (event.time is None, event.time or _EPOCH)


def _recording(item: Mapping[str, Any]) -> Recording:
    return Recording(
        file_name=_text(item.get("FileName")),
        contact_id=_text(item.get("ContactId")),
        description=_text(item.get("FileDescription")),
        agent_id=_text(item.get("AgentId")),
        agent_name=_text(item.get("AgentName")),
        calling_number=_text(item.get("CallingNumber")),
        called_number=_text(item.get("CalledNumber")),
        contact_type=_text(item.get("ContactType")),
        start=_time(item.get("StartTime")),
        duration=_duration(item.get("Duration")),
        quality_check_task_id=_text(item.get("QualityCheckTaskId")),
        quality_check_tid=_text(item.get("QualityCheckTid")),
        raw=item,
    )


def _call_record(item: Mapping[str, Any]) -> CallRecord:
    return CallRecord(
        contact_id=_text(item.get("ContactId")),
        start=_time(item.get("StartTime")),
        duration=_duration(item.get("Duration")),
        contact_type=_text(item.get("ContactType")),
        disposition=_text(item.get("ContactDisposition")),
        calling_number=_text(item.get("CallingNumber")),
        called_number=_text(item.get("CalledNumber")),
        agent_names=_names(item.get("AgentNames")),
        skill_group_names=_names(item.get("SkillGroupNames")),
        satisfaction=_text(item.get("Satisfaction")),
        satisfaction_desc=_text(item.get("SatisfactionDesc")),
        feedback=_text(item.get("Feedback")),
        recordings=tuple(_recording(r) for r in _items(item.get("Recordings"), "Recording")),
        raw=item,
    )


def _instance(item: Mapping[str, Any]) -> Instance:
    return Instance(
        instance_id=_text(item.get("InstanceId")),
        name=_text(item.get("InstanceName")),
        description=_text(item.get("InstanceDescription")),
        status=_text(item.get("Status")),
        domain_name=_text(item.get("DomainName")),
        console_url=_text(item.get("ConsoleUrl")),
        created=_time(item.get("CreatedTime")),
        raw=item,
    )


def _names(value: Any) -> tuple[str, ...]:
    """A comma list (ASCII or full-width commas) or a JSON list → its non-blank names."""
    parts = [_text(v) for v in value] if isinstance(value, list | tuple) else [_text(value)]
    return tuple(
        name.strip() for part in parts for name in _NAME_SPLIT_RE.split(part) if name.strip()
    )


# --- lenient readers ---------------------------------------------------------------------------


def _require_mapping(body: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise MalformedResponseError(f"{what} is a {_json_kind(body)} where an object was expected")
    return body


def _malformed(body: Mapping[str, Any], reason: str) -> NoReturn:
    request_id = _clean(_text(body.get("RequestId")), 200) or None
    raise MalformedResponseError(reason, request_id=request_id)


def _section(body: Mapping[str, Any], key: str) -> Any:
    """A payload key at the top level, or inside `Data` where some API versions put it."""
    value = body.get(key)
    if value is None:
        data = _mapping(body.get("Data"))
        if data is not None:
            value = data.get(key)
    return value


def _payload(value: Any, key: str, body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A payload object: None when absent or empty, malformed when not an object at all."""
    if value is None or (isinstance(value, str | list | tuple | Mapping) and not value):
        return None
    found = _mapping(value)
    if found is None:
        _malformed(body, f"{key} is a {_json_kind(value)} where an object was expected")
    return found or None


def _mapping(value: Any) -> Mapping[str, Any] | None:
    """An object; also a one-element list holding one, or a string of JSON holding one."""
    if type(value) is dict or isinstance(value, Mapping):  # skip the slow ABC check for dicts
        return value
    if isinstance(value, list | tuple) and len(value) == 1 and isinstance(value[0], Mapping):
        return value[0]
    if isinstance(value, str) and value.lstrip().startswith("{") and len(value) < 1_000_000:
        try:
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            return None
        return decoded if isinstance(decoded, dict) else None
    return None


def _items(value: Any, item_key: str, depth: int = 0) -> list[Mapping[str, Any]]:
    """The objects of an XML-derived list, whatever shape it arrived in."""
    if isinstance(value, Mapping):
        if not value:
            return []
        if item_key in value:
            return _items(value[item_key], item_key, depth + 1) if depth < 3 else []
        if len(value) == 1:
            (only,) = value.values()
            if isinstance(only, list | tuple):
                # A wrapper named after some other XML element.
                return _items(only, item_key, depth + 1) if depth < 3 else []
        return [value]  # a single object where a list was expected
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, Mapping) and v]
    return []


def _first(fields: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = fields.get(key)
        if value is not None:
            return value
    return None


def _text(value: Any) -> str:
    if type(value) is str:  # the common case first: timelines can hold 10,000 events
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # beyond Python's int-to-text digit limit
            return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        # An id such as 80315543 sent as 80315543.0 should read as the id.
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, list | tuple) and all(
        v is None or isinstance(v, str | int | float) for v in value
    ):
        return ", ".join(t for t in map(_text, value) if t)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(_bounded(value, 0), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace").strip()
    try:
        return str(value).strip()
    except Exception:  # an exotic object whose __str__ fails must not break parsing
        return ""


def _bounded(value: Any, depth: int) -> Any:
    """A JSON-safe copy cut off at a sane depth (json.dumps recurses and can overflow)."""
    if isinstance(value, Mapping):
        if depth >= _RENDER_DEPTH:
            return "{…}"
        return {str(k): _bounded(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if depth >= _RENDER_DEPTH:
            return "[…]"
        return [_bounded(v, depth + 1) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    return _text(value)  # numbers too: keeps json.dumps away from NaN and huge ints


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 64 or not _NUMBER_RE.fullmatch(text):
            return None
        try:
            return int(text)  # exact for long integers such as epoch milliseconds
        except ValueError:
            number = float(text)
            return number if math.isfinite(number) else None
    return None


def _int(value: Any) -> int | None:
    number = _number(value)
    if number is None:
        return None
    return number if isinstance(number, int) else round(number)


def _duration(value: Any) -> int | None:
    # Beyond ten years a "duration" is garbage, and time + duration would overflow datetime.
    seconds = _int(value)
    return seconds if seconds is not None and 0 <= seconds <= _MAX_DURATION else None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return {"true": True, "1": True, "false": False, "0": False}.get(value.strip().lower())
    return None


# (upper bound, microseconds per unit) for each unit band; see the module docstring.
_TIME_BANDS: tuple[tuple[float, float], ...] = (
    (1e11, 1_000_000),
    (1e14, 1_000),
    (1e17, 1),
    (1e20, 0.001),
)


# What a usable moment is, decided once here: CCC did not exist before 2000, and nothing after
# 2200 is a real call. Outside this window a time is shown as unknown; inside it, any zone, plus
# any duration the adapter accepts, stays far from datetime's limits (year 1 and 9999).
USABLE_FROM = datetime(2000, 1, 1, tzinfo=UTC)
USABLE_UNTIL = datetime(2200, 1, 1, tzinfo=UTC)


def _time(value: Any) -> datetime | None:
    moment = _any_time(value)
    if moment is None or not USABLE_FROM <= moment < USABLE_UNTIL:
        return None
    return moment


def _any_time(value: Any) -> datetime | None:
    number: int | float | None
    if type(value) is str and len(value) < 24 and value.isascii() and value.isdigit():
        number = int(value)  # the documented form, e.g. "1555492246000": skip the regex
    elif isinstance(value, str) and not _NUMBER_RE.fullmatch(value.strip()):
        return _iso_time(value.strip())
    else:
        number = _number(value)
    if number is None or number <= 0:
        return None
    for bound, micros_per_unit in _TIME_BANDS:
        if number < bound:
            if isinstance(number, int) and micros_per_unit >= 1:
                micros = number * int(micros_per_unit)  # exact, no float rounding
            else:
                micros = round(number * micros_per_unit)
            try:
                return _EPOCH + timedelta(microseconds=micros)
            except OverflowError:
                return None
    return None


def _iso_time(text: str) -> datetime | None:
    if not 10 <= len(text) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # the zone is a guess (UTC? Asia/Shanghai?): better none than 8 h off
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _clean(text: str, limit: int) -> str:
    """Server text made safe for a message: no controls or escapes, one line, bounded."""
    text = _UNSAFE_RE.sub("\ufffd", _SPACES_RE.sub(" ", text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sniff_request_id(raw: bytes) -> str | None:
    # A cut-off or XML body often still carries the request id support will ask for.
    for pattern in _REQUEST_ID_RES:
        match = pattern.search(raw)
        if match:
            return match.group(1).decode()
    return None


def _scrub_surrogates(value: Any) -> Any:
    """Replace lone surrogates (legal as JSON escapes) that would crash any UTF-8 output."""

    def fix(text: str) -> str:
        return _LONE_SURROGATE_RE.sub("\ufffd", text)

    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:  # iterative: the tree can be as deep as the JSON parser allowed
        parent, key = stack.pop()
        node = parent[key]
        if isinstance(node, str):
            parent[key] = fix(node)
        elif isinstance(node, list):
            stack.extend((node, i) for i in range(len(node)))
        elif isinstance(node, dict):
            if any(_LONE_SURROGATE_RE.search(k) for k in node):
                node = {fix(k): v for k, v in node.items()}
                parent[key] = node
            stack.extend((node, k) for k in node)
    return root[0]
