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

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from ccc_tui.api import catalogue
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
from ccc_tui.api.parsing import EPOCH as _EPOCH
from ccc_tui.api.parsing import as_duration as _duration
from ccc_tui.api.parsing import as_items as _items
from ccc_tui.api.parsing import as_mapping as _mapping
from ccc_tui.api.parsing import as_names as _names
from ccc_tui.api.parsing import as_text as _text
from ccc_tui.api.parsing import as_time as _time
from ccc_tui.api.parsing import check_page as _check_page
from ccc_tui.api.parsing import decode_body as decode_body
from ccc_tui.api.parsing import epoch_ms as _epoch_ms
from ccc_tui.api.parsing import malformed as _malformed
from ccc_tui.api.parsing import page_of as _page_of
from ccc_tui.api.parsing import payload as _payload
from ccc_tui.api.parsing import raise_for_error as raise_for_error
from ccc_tui.api.parsing import require_mapping as _require_mapping
from ccc_tui.api.parsing import section as _section
from ccc_tui.api.parsing import signed_url as _signed_url
from ccc_tui.api.parsing import sort_order as _sort_order
from ccc_tui.api.parsing import url_file_name as _url_file_name

VERSION = "2017-07-05"

# DetailData fields that CallEvent models; every other one goes to CallEvent.details.
_MODELLED_DETAIL = frozenset(
    {"EventType", "HangUper", "Helper", "SatisfactionalResearch", "SkillGroup"}
)

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
    _check_page(page_number, page_size)
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
        params["OrderBy"] = _sort_order(order)
    return params


def _comma_list(values: Sequence[str]) -> str:
    return ",".join(v.strip() for v in values if v and v.strip())


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
    url = _signed_url(body, param.get("SignatureUrl"), "SignatureUrl")
    file_name = _text(param.get("FileName")) or _url_file_name(url)
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
    return _page_of(
        _section(body, "CallDetailRecords"),
        "CallDetailRecords",
        body,
        page_number=page_number,
        page_size=page_size,
        item_key="CallDetailRecord",
        build=_call_record,
    )


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
