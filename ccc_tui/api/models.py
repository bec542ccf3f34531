"""The version-neutral domain model. Adapters (v2017.py, v2020.py) build these; nothing else does.

Times are aware datetimes in UTC; the UI converts them to the user's zone. Every model keeps the
raw fields it came from, so nothing the server sent is lost even when we do not model it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Lane(StrEnum):
    IVR = "ivr"
    QUEUE = "queue"
    AGENT = "agent"
    CUSTOMER = "customer"  # the customer's own leg (2020-07-01 CustomerEvents)
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ReleaseReason:
    """A release reason such as `487-Request Terminated`, with its SIP code and plain words."""

    raw: str
    sip_code: int | None
    text: str
    explanation: str


@dataclass(frozen=True, slots=True)
class CallEvent:
    time: datetime | None
    event: str
    lane: Lane
    status: str = ""
    agent_name: str = ""
    skill_group: str = ""
    call_mode: str = ""
    duration: int | None = None  # seconds
    hang_upper: str = ""  # who hung up (the seed's table swaps this with Helper)
    helper: str = ""  # who was asked for help
    satisfaction: str = ""
    event_type: str = ""  # DetailData.EventType as sent, even when it is not a known lane
    details: Mapping[str, str] = field(default_factory=dict)  # every other DetailData field
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Recording:
    file_name: str
    contact_id: str = ""
    description: str = ""
    agent_id: str = ""
    agent_name: str = ""
    calling_number: str = ""
    called_number: str = ""
    contact_type: str = ""
    start: datetime | None = None
    duration: int | None = None  # seconds
    quality_check_task_id: str = ""
    quality_check_tid: str = ""
    url: str = ""  # a signed, expiring URL when the listing carries one (2020-07-01 FileUrl)
    channel: str = ""  # the agent's channel of a multi-channel recording (AgentChannelId)
    hold_segments: tuple[tuple[datetime, datetime], ...] = ()  # (start, end) of each hold
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What a call record says about the call as a whole (2020-07-01 GetCallDetailRecord and
    ListCallDetailRecordsV2). Durations are whole seconds; None when the record does not say."""

    disposition: str = ""  # ContactDisposition: Success, NoAnswer, AbandonedInQueue, …
    contact_type: str = ""  # INBOUND, OUTBOUND, … (casing varies between operations)
    release_initiator: str = ""  # customer | agent | …
    release_reason: ReleaseReason | None = None
    outside_release_reason: str = ""  # OutsideNumberReleaseReason, as sent
    early_media_state: str = ""  # why an outbound call did not connect: Busy, PowerOff, …
    early_media_text: str = ""
    established: datetime | None = None
    released: datetime | None = None
    call_duration: int | None = None
    ivr_time: int | None = None
    queue_time: int | None = None
    ring_time: int | None = None
    talk_time: int | None = None
    held_time: int | None = None
    wait_time: int | None = None
    dialing_time: int | None = None
    transfer_count: int | None = None
    call_ids: tuple[str, ...] = ()  # SIP Call-IDs, for a carrier ticket
    caller_location: str = ""
    callee_location: str = ""
    agent_ids: tuple[str, ...] = ()
    agent_names: tuple[str, ...] = ()
    skill_group_ids: tuple[str, ...] = ()
    skill_group_names: tuple[str, ...] = ()
    satisfaction: str = ""
    satisfaction_description: str = ""
    recording_ready: bool | None = None


@dataclass(frozen=True, slots=True)
class Call:
    contact_id: str
    caller: str = ""
    callee: str = ""
    direction: str = ""  # CallType: Inbound, Outbound, …
    start: datetime | None = None
    release_agent: str = ""  # customer | agent | whatever the server says
    release_reason: ReleaseReason | None = None
    privacy_number: str = ""
    events: tuple[CallEvent, ...] = ()
    recordings: tuple[Recording, ...] = ()
    record: CallFacts | None = None  # the call record's own facts, when the API has them
    # The IVR nodes the call passed, when asked for (list_ivr_nodes); None: not asked or not known.
    ivr_nodes: tuple[IvrNode, ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        """True when the server knew nothing of this contact (an unknown ContactId)."""
        return not self.events and not self.recordings and not self.caller and not self.callee

    @property
    def end(self) -> datetime | None:
        """The latest moment any event reaches: its time plus its duration."""
        ends = [
            e.time + timedelta(seconds=e.duration or 0) for e in self.events if e.time is not None
        ]
        return max(ends) if ends else None

    @property
    def duration(self) -> timedelta | None:
        start = self.start or next((e.time for e in self.events if e.time), None)
        end = self.end
        if start is None or end is None:
            return None
        return max(end - start, timedelta(0))


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One row of `ListCallDetailRecords` (find calls)."""

    contact_id: str
    start: datetime | None = None
    duration: int | None = None
    contact_type: str = ""
    disposition: str = ""
    calling_number: str = ""
    called_number: str = ""
    agent_names: tuple[str, ...] = ()
    skill_group_names: tuple[str, ...] = ()
    satisfaction: str = ""
    satisfaction_desc: str = ""
    feedback: str = ""
    recordings: tuple[Recording, ...] = ()
    facts: CallFacts | None = None  # the 2020-07-01 row's release, early media, durations, …
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page_number: int
    page_size: int
    total: int | None = None

    @property
    def has_more(self) -> bool:
        # TotalCount is only filled on page 1: a short page is the reliable end marker.
        if self.total is not None and self.page_number * self.page_size >= self.total:
            return False
        return len(self.items) >= self.page_size > 0


@dataclass(frozen=True, slots=True)
class Instance:
    instance_id: str
    name: str = ""
    description: str = ""
    status: str = ""
    domain_name: str = ""
    console_url: str = ""
    created: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class IvrNode:
    """One IVR node a call passed (2020 ListIvrTrackingDetails, 2017 ListIvrTrackingDetail)."""

    contact_id: str = ""
    flow_id: str = ""
    flow_name: str = ""
    node_id: str = ""
    node_name: str = ""
    node_type: str = ""  # PLAY_SAY, GATHER_INPUT, TRANSFER_TO_AGENT, …
    exit_code: str = ""  # Success, Failure, Timeout, Hangup, Branch-A, … (2017: Status)
    variables: Mapping[str, str] = field(default_factory=dict)  # what the node gathered or set
    enter: datetime | None = None
    leave: datetime | None = None
    description: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class DownloadLink:
    file_name: str
    url: str
    duration: int | None = None  # seconds, when the answer says (2020-07-01 GetMonoRecording)
