"""CCC 2020-07-01 (CCC 2.0): request parameters out, response bodies in, the domain model out.

The same leniency as v2017.py (whose docstring lists the decisions, implemented in parsing.py):
nothing but `MalformedResponseError` is raised while parsing, and that only when a body or its
payload is not an object at all. What differs in 2.0:

- The envelope is `{RequestId, Code: "OK", HttpStatusCode, Message, Data}` without `Success`; lists
  are plain JSON arrays (a wrapped or single-object list is still accepted).
- A call is the record of `GetCallDetailRecord` plus four event arrays (`AgentEvents`, `IvrEvents`,
  `QueueEvents`, `CustomerEvents`; older documents say `CdrAgentEvents`, … without `Duration`),
  each entry an owner (agent, flow, queue, customer) with an `EventSequence`. They are merged into
  one timeline, stably sorted by time, the lane given by the array (not by the event's name), and
  every owner field kept in the event's `details`. Unknown event names show as themselves.
- Record durations are whole seconds; recording durations are milliseconds (as strings).
- List filters travel as JSON-array strings: `ContactTypeList=["INBOUND"]`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from ccc_tui.api import catalogue
from ccc_tui.api.models import (
    Call,
    CallEvent,
    CallFacts,
    CallRecord,
    DownloadLink,
    Instance,
    IvrNode,
    Lane,
    Page,
    Recording,
    ReleaseReason,
)
from ccc_tui.api.parsing import EPOCH as _EPOCH
from ccc_tui.api.parsing import as_bool as _bool
from ccc_tui.api.parsing import as_duration as _duration
from ccc_tui.api.parsing import as_int as _int
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
from ccc_tui.api.parsing import signed_url as _signed_url
from ccc_tui.api.parsing import sort_order as _sort_order
from ccc_tui.api.parsing import url_file_name as _url_file_name

T = TypeVar("T")

VERSION = "2020-07-01"

_MAX_PAGE_NUMBER = 100  # ListCallDetailRecordsV2 accepts pages 1–100

# (array names, newest first; lane; owner fields modelled on CallEvent: agent name, skill group)
_EVENT_ARRAYS: tuple[tuple[tuple[str, ...], Lane], ...] = (
    (("AgentEvents", "CdrAgentEvents"), Lane.AGENT),
    (("IvrEvents", "CdrIvrEvents"), Lane.IVR),
    (("QueueEvents", "CdrQueueEvents"), Lane.QUEUE),
    (("CustomerEvents", "CdrCustomerEvents"), Lane.CUSTOMER),
)
_SEQUENCE_KEYS = ("EventSequence", "EventSequences")
_MODELLED_STEP = frozenset({"Event", "EventTime", "Duration"})


# --- request parameters ------------------------------------------------------------------------


def call_params(instance_id: str, contact_id: str) -> dict[str, str]:
    """GetCallDetailRecord, ListMonoRecordings, ListMultiChannelRecordings, GetMultiChannelRecording."""
    return {"InstanceId": instance_id.strip(), "ContactId": contact_id.strip()}


def mono_recording_params(
    instance_id: str, contact_id: str, expire_seconds: int | None = None
) -> dict[str, str]:
    """GetMonoRecording; `ExpireSeconds` only when given."""
    params = call_params(instance_id, contact_id)
    if expire_seconds is not None:
        if expire_seconds < 1:
            raise ValueError(f"expire_seconds must be >= 1, not {expire_seconds}")
        params["ExpireSeconds"] = str(expire_seconds)
    return params


def ivr_tracking_params(
    instance_id: str, contact_id: str, *, page_number: int, page_size: int
) -> dict[str, str]:
    """ListIvrTrackingDetails (2020-07-01)."""
    _check_page(page_number, page_size)
    params = call_params(instance_id, contact_id)
    params["PageNumber"] = str(page_number)
    params["PageSize"] = str(page_size)
    return params


def instances_params(*, page_number: int, page_size: int) -> dict[str, str]:
    """ListInstances."""
    _check_page(page_number, page_size)
    return {"PageNumber": str(page_number), "PageSize": str(page_size)}


def call_records_params(
    instance_id: str,
    *,
    page_number: int,
    page_size: int,
    start: datetime | None = None,
    end: datetime | None = None,
    number: str | None = None,
    calling_number: str | None = None,
    called_number: str | None = None,
    agent_id: str | None = None,
    contact_ids: Sequence[str] = (),
    contact_types: Sequence[str] = (),
    dispositions: Sequence[str] = (),
    early_media_states: Sequence[str] = (),
    release_initiators: Sequence[str] = (),
    skill_group_ids: Sequence[str] = (),
    order: str | None = None,
) -> dict[str, str]:
    """ListCallDetailRecordsV2. Empty filters are left out so the server's defaults apply.

    Raises ValueError for a page the API refuses (pages and sizes 1–100) or an order other than
    ASC/DESC: those are caller bugs, and clamping would break the paging arithmetic.
    """
    _check_page(page_number, page_size)
    if page_number > _MAX_PAGE_NUMBER:
        raise ValueError(f"page_number must be 1..{_MAX_PAGE_NUMBER}, not {page_number}")
    params = {
        "InstanceId": instance_id.strip(),
        "PageNumber": str(page_number),
        "PageSize": str(page_size),
    }
    if start is not None:
        params["StartTime"] = str(_epoch_ms(start))
    if end is not None:
        params["EndTime"] = str(_epoch_ms(end))
    for key, value in (
        ("Number", number),
        ("CallingNumber", calling_number),
        ("CalledNumber", called_number),
        ("AgentId", agent_id),
    ):
        if value and value.strip():
            params[key] = value.strip()
    for key, values in (
        ("ContactIdList", contact_ids),
        ("ContactTypeList", contact_types),
        ("ContactDispositionList", dispositions),
        ("EarlyMediaStateList", early_media_states),
        ("ReleaseInitiatorList", release_initiators),
        ("SkillGroupIdList", skill_group_ids),
    ):
        if listed := json_list(values):
            params[key] = listed
    if order and order.strip():
        params["SortOrder"] = _sort_order(order)
    return params


# 2017 ListCallDetailRecords ContactType values (what `calls/query.py` asks for) → 2020 names.
CONTACT_TYPES_FROM_2017 = {
    "inbound": "INBOUND",
    "outbound": "OUTBOUND",
    "back2back": "BACK2BACK",
    "predictivedial": "PREDICTIVE",
    "predictive": "PREDICTIVE",
    "privacydial": "PRIVACY_DIAL",
    "privacy_dial": "PRIVACY_DIAL",
    "internal": "INTERNAL",
    "conference": "CONFERENCE",
}
_INBOUND_ONLY = frozenset({"INBOUND"})
_OUTBOUND_ONLY = frozenset({"OUTBOUND", "PREDICTIVE", "BACK2BACK", "PRIVACY_DIAL"})


def contact_types(values: Sequence[str]) -> list[str]:
    """ContactType values, 2017 or 2020 names, as ContactTypeList wants them (2020 names)."""
    return [CONTACT_TYPES_FROM_2017.get(v.strip().lower(), v.strip().upper()) for v in values]


def line_end(values: Sequence[str]) -> str | None:
    """Beside the customer's number, which end of the call the call center's own line is, by the
    directions asked for: "called" (inbound only), "calling" (outbound only), or None when they do
    not say (ListCallDetailRecordsV2 has one `Number`: the line cannot be sent beside it)."""
    wanted = frozenset(t for t in contact_types(values) if t)
    if wanted and wanted <= _INBOUND_ONLY:
        return "called"
    if wanted and wanted <= _OUTBOUND_ONLY:
        return "calling"
    return None


def json_list(values: Sequence[str]) -> str:
    """A list filter as 2020-07-01 wants it: a JSON-array string (`["INBOUND"]`); "" when empty."""
    kept = [v.strip() for v in values if v and v.strip()]
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":")) if kept else ""


# --- payloads ----------------------------------------------------------------------------------


def parse_call(body: Mapping[str, Any], contact_id: str) -> Call:
    """GetCallDetailRecord → a Call with its merged timeline and the record's facts."""
    body = _require_mapping(body, "the response")
    data = _payload(body.get("Data"), "Data", body)
    if data is None:
        return Call(contact_id=contact_id)
    events: list[CallEvent] = []
    for names, lane in _EVENT_ARRAYS:
        key = next((name for name in names if data.get(name) is not None), names[0])
        for owner in _listed(data.get(key), _SEQUENCE_KEYS):
            events.extend(_owner_events(owner, lane))
    # list.sort is stable: events sharing a timestamp keep the server's order.
    events.sort(key=_event_order)
    facts = _facts(data)
    return Call(
        contact_id=contact_id or _text(data.get("ContactId")),
        caller=_text(data.get("CallingNumber")),
        callee=_text(data.get("CalledNumber")),
        direction=facts.contact_type,
        start=_time(data.get("StartTime")),
        release_agent=facts.release_initiator,
        release_reason=facts.release_reason,
        events=tuple(events),
        record=facts,
        extra=data,
    )


def parse_call_records(
    body: Mapping[str, Any], *, page_number: int, page_size: int
) -> Page[CallRecord]:
    """ListCallDetailRecordsV2 → one page (TotalCount only on page 1, as in 2017)."""
    body = _require_mapping(body, "the response")
    return _page(body, page_number, page_size, "CallDetailRecord", _call_record)


def parse_recordings(body: Mapping[str, Any]) -> tuple[Recording, ...]:
    """ListMonoRecordings or ListMultiChannelRecordings, in the server's order."""
    body = _require_mapping(body, "the response")
    return tuple(_recording(item) for item in _items(body.get("Data"), "Recording"))


def parse_download_link(body: Mapping[str, Any]) -> DownloadLink:
    """GetMonoRecording / GetMultiChannelRecording → the signed URL of a fresh download."""
    body = _require_mapping(body, "the response")
    data = _mapping(body.get("Data")) or {}
    url = _signed_url(body, data.get("FileUrl"), "FileUrl")
    file_name = _text(data.get("FileName")) or _url_file_name(url)
    return DownloadLink(file_name=file_name, url=url, duration=_ms_duration(data.get("Duration")))


def parse_ivr_nodes(body: Mapping[str, Any], *, page_number: int, page_size: int) -> Page[IvrNode]:
    """ListIvrTrackingDetails (2020-07-01) or ListIvrTrackingDetail (2017) → one page of nodes."""
    body = _require_mapping(body, "the response")
    if body.get("IvrTrackingDetails") is not None:
        return _page(
            body, page_number, page_size, "IvrTrackingDetail", _ivr_node, "IvrTrackingDetails"
        )
    return _page(body, page_number, page_size, "IvrTrackingDetail", _ivr_node)


def parse_instances(body: Mapping[str, Any], *, page_number: int, page_size: int) -> Page[Instance]:
    """ListInstances; entries without an instance id are useless to pick and are dropped."""
    body = _require_mapping(body, "the response")
    page = _page(body, page_number, page_size, "Instance", _instance)
    kept = tuple(instance for instance in page.items if instance.instance_id)
    return Page(kept, page.page_number, page.page_size, page.total)


def parse_instance(body: Mapping[str, Any]) -> Instance:
    """GetInstance; without an instance id the answer tells us nothing, so it is malformed."""
    body = _require_mapping(body, "the response")
    found = _mapping(body.get("Data"))
    instance = _instance(found) if found is not None else None
    if instance is None or not instance.instance_id:
        _malformed(body, "the GetInstance answer has no Data with an Id")
    return instance


# --- model builders ----------------------------------------------------------------------------


def _page(
    body: Mapping[str, Any],
    page_number: int,
    page_size: int,
    item_key: str,
    build: Callable[[Mapping[str, Any]], T],
    container_key: str = "Data",
) -> Page[T]:
    container = body.get(container_key)
    return _page_of(
        container,
        container_key,
        body,
        page_number=page_number,
        page_size=page_size,
        item_key=item_key,
        build=build,
    )


def _listed(value: Any, own_keys: tuple[str, ...]) -> list[Mapping[str, Any]]:
    """The objects of a list; a single object that has one of `own_keys` is a list of one (it
    must not be mistaken for a wrapper around its own sequence)."""
    found = _mapping(value) if not isinstance(value, list | tuple) else None
    if found is not None and any(key in found for key in own_keys):
        return [found]
    return _items(value, "Item")


def _owner_events(owner: Mapping[str, Any], lane: Lane) -> list[CallEvent]:
    """The events of one agent / flow / queue / customer entry, each carrying the owner's fields."""
    sequence_key = next((k for k in _SEQUENCE_KEYS if owner.get(k) is not None), _SEQUENCE_KEYS[0])
    shared = {str(k): _text(v) for k, v in owner.items() if k not in _SEQUENCE_KEYS}
    agent = (shared.get("AgentName") or shared.get("AgentId", "")) if lane is Lane.AGENT else ""
    group = shared.get("SkillGroupId", "")
    if lane is Lane.QUEUE:
        group = shared.get("QueueName") or shared.get("QueueId", "")
    owner_raw = {k: v for k, v in owner.items() if k not in _SEQUENCE_KEYS}
    events = []
    for step in _listed(owner.get(sequence_key), ("Event", "EventTime")):
        details = {k: v for k, v in shared.items() if v}
        details.update(
            (str(k), text)
            for k, v in step.items()
            if k not in _MODELLED_STEP and (text := _text(v))
        )
        events.append(
            CallEvent(
                time=_time(step.get("EventTime")),
                event=_text(step.get("Event")),
                lane=lane,
                agent_name=agent,
                skill_group=group,
                duration=_duration(step.get("Duration")),
                details=details,
                raw={**owner_raw, **step},
            )
        )
    return events


def _event_order(event: CallEvent) -> tuple[bool, datetime]:
    return (event.time is None, event.time or _EPOCH)


def _facts(item: Mapping[str, Any]) -> CallFacts:
    release = _text(item.get("ReleaseReason"))
    return CallFacts(
        disposition=_text(item.get("ContactDisposition")),
        contact_type=_text(item.get("ContactType")),
        release_initiator=_text(item.get("ReleaseInitiator")),
        release_reason=_release_reason(release) if release else None,
        outside_release_reason=_text(item.get("OutsideNumberReleaseReason")),
        early_media_state=_text(item.get("EarlyMediaState")),
        early_media_text=_text(item.get("EarlyMediaText")),
        established=_time(item.get("EstablishedTime")),
        released=_time(item.get("ReleaseTime")),
        call_duration=_duration(item.get("CallDuration")),
        ivr_time=_duration(item.get("IvrTime")),
        queue_time=_duration(item.get("QueueTime")),
        ring_time=_duration(item.get("RingTime")),
        talk_time=_duration(item.get("TalkTime")),
        held_time=_duration(item.get("HeldTime")),
        wait_time=_duration(item.get("WaitTime")),
        dialing_time=_duration(item.get("DialingTime")),
        transfer_count=_duration(item.get("TransferCount")),
        call_ids=_names(item.get("CallIds")),
        caller_location=_text(item.get("CallerLocation")),
        callee_location=_text(item.get("CalleeLocation")),
        agent_ids=_names(item.get("AgentIds")),
        agent_names=_names(item.get("AgentNames")),
        skill_group_ids=_names(item.get("SkillGroupIds")),
        skill_group_names=_names(item.get("SkillGroupNames")),
        satisfaction=_text(item.get("Satisfaction")) or _text(item.get("SatisfactionIndex")),
        satisfaction_description=_text(item.get("SatisfactionDescription")),
        recording_ready=_bool(item.get("RecordingReady")),
    )


def _release_reason(raw: str) -> ReleaseReason | None:
    # A listing repeats a few reasons thousands of times; only short ones are kept.
    return _known_release_reason(raw) if len(raw) <= 128 else catalogue.parse_release_reason(raw)


_known_release_reason = lru_cache(maxsize=1024)(catalogue.parse_release_reason)


def _call_record(item: Mapping[str, Any]) -> CallRecord:
    facts = _facts(item)
    return CallRecord(
        contact_id=_text(item.get("ContactId")),
        start=_time(item.get("StartTime")),
        duration=facts.call_duration,
        contact_type=facts.contact_type,
        disposition=facts.disposition,
        calling_number=_text(item.get("CallingNumber")),
        called_number=_text(item.get("CalledNumber")),
        agent_names=facts.agent_names,
        skill_group_names=facts.skill_group_names,
        satisfaction=facts.satisfaction,
        satisfaction_desc=facts.satisfaction_description,
        facts=facts,
        raw=item,
    )


def _ms_duration(value: Any) -> int | None:
    millis = _int(value)
    # Integer arithmetic (half up): a huge value must not overflow a float on its way to None.
    return _duration((millis + 500) // 1000) if millis is not None and millis >= 0 else None


def _recording(item: Mapping[str, Any]) -> Recording:
    segments = []
    for segment in _items(item.get("HoldTimeSegments"), "HoldTimeSegment"):
        start, end = _time(segment.get("StartTime")), _time(segment.get("EndTime"))
        if start is not None and end is not None and start <= end:
            segments.append((start, end))
    return Recording(
        file_name=_text(item.get("FileName")),
        contact_id=_text(item.get("ContactId")),
        agent_id=_text(item.get("AgentId")),
        agent_name=_text(item.get("AgentName")),
        start=_time(item.get("StartTime")),
        duration=_ms_duration(item.get("Duration")),
        url=_text(item.get("FileUrl")),
        channel=_text(item.get("AgentChannelId")),
        hold_segments=tuple(segments),
        raw=item,
    )


def _ivr_node(item: Mapping[str, Any]) -> IvrNode:
    return IvrNode(
        contact_id=_text(item.get("ContactId")),
        flow_id=_text(item.get("FlowId")),
        flow_name=_text(item.get("FlowName")),
        node_id=_text(item.get("NodeId")),
        node_name=_text(item.get("NodeName")),
        node_type=_text(item.get("NodeType")),
        exit_code=_text(item.get("NodeExitCode")) or _text(item.get("Status")),
        variables=_variables(item),
        enter=_time(item.get("EnterTime") or item.get("StartTime")),
        leave=_time(item.get("LeaveTime") or item.get("StopTime")),
        description=_text(item.get("Description")),
        raw=item,
    )


def _variables(item: Mapping[str, Any]) -> dict[str, str]:
    """What a node gathered or set: NodeVariables (an object), ChannelVariables ("A=B;C=D"), or
    2017's InputData / OutputData (kept under those names when they are not key=value text)."""
    found: dict[str, str] = {}
    for key in ("ChannelVariables", "InputData", "OutputData", "NodeVariables"):
        value = item.get(key)
        if value is None or value == "":
            continue
        mapping = _mapping(value)
        if mapping is not None:
            found.update((str(k), _text(v)) for k, v in mapping.items())
            continue
        text = _text(value)
        pairs = [part.partition("=") for part in text.split(";") if part.strip()]
        if key == "ChannelVariables" or all(sep and name.strip() for name, sep, _ in pairs):
            found.update(
                (name.strip(), rest.strip()) for name, sep, rest in pairs if sep and name.strip()
            )
        elif text:
            found[key] = text
    return found


def _instance(item: Mapping[str, Any]) -> Instance:
    return Instance(
        instance_id=_text(item.get("Id")) or _text(item.get("InstanceId")),
        name=_text(item.get("Name")),
        description=_text(item.get("Description")),
        status=_text(item.get("Status")),
        domain_name=_text(item.get("DomainName")),
        console_url=_text(item.get("ConsoleUrl")),
        created=_time(item.get("CreateTime")),
        raw=item,
    )
