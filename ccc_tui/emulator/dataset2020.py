"""The demo's CCC 2.0 instance (API 2020-07-01): the 2017 data set's calls in 2.0 shape.

Every call of the 2017 data set (`dataset.Dataset`) is also a call of the 2.0 instance, under a
job-style ContactId (`ids.job_id`): the same scenario, numbers, agents, times and outcome, so
the repeat callers and the incident are there too. Agents become `login@instance`, skill groups
`slug@instance`; the 2017 event trail becomes the four 2.0 event arrays, and the record gets the
facts 2.0 adds (durations per phase, release initiator, early media, SIP Call-IDs, locations).
One call is the 2.0 instance's own (`showcase.IVR_FAILURE_ID`): its IVR flow failed in a node
minutes after the flow was published.

Built on demand and cached, like the 2017 data set: nothing is converted until it is asked for.
Payloads are shared objects: serialise them, do not mutate them.
"""

from __future__ import annotations

import heapq
import random
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, NamedTuple

from ccc_tui.emulator.bodies import RawJson, json_bytes
from ccc_tui.emulator.builder import CallBuilder, CallSummary
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID, DEMO_INSTANCE_ID_2020
from ccc_tui.emulator.dataset import Dataset, remember
from ccc_tui.emulator.ids import job_id, legacy_id
from ccc_tui.emulator.ivrtrack import FLOW_IDS, IvrStep, ivr_track
from ccc_tui.emulator.scenarios import run_scenario
from ccc_tui.emulator.showcase import (
    IVR_FAILURE_ID,
    IVR_FAILURE_PLAN,
    IVR_FAILURE_PUBLISHED,
    at_cst,
    showcase_day,
)
from ccc_tui.emulator.vocabulary import AGENTS, CENTER_NUMBERS, MEMBERS, SKILL_GROUPS, Agent

INSTANCE = DEMO_INSTANCE_ID_2020

# The skill groups' 2.0 names (`slug@instance`), in the order of vocabulary.SKILL_GROUPS.
GROUP_SLUGS = (
    "aftersales",
    "presales",
    "complaints",
    "vip",
    "techsupport",
    "billing",
    "english",
    "test",
    "night",
)
assert len(GROUP_SLUGS) == len(SKILL_GROUPS)
_GROUP_BY_NAME = {g.name: i for i, g in enumerate(SKILL_GROUPS)}
_GROUP_BY_ID = {g.group_id: i for i, g in enumerate(SKILL_GROUPS)}
_AGENT_BY_NAME = {a.name: a for a in AGENTS}
_AGENT_BY_RAM = {a.ram_id: a for a in AGENTS}

# 2017 ContactType -> (2.0 as ListCallDetailRecordsV2 sends it, as GetCallDetailRecord does)
CONTACT_TYPES: dict[str, tuple[str, str]] = {
    "Inbound": ("INBOUND", "Inbound"),
    "Outbound": ("OUTBOUND", "Outbound"),
    "Back2Back": ("BACK2BACK", "Back2Back"),
    "PredictiveDial": ("PREDICTIVE", "Predictive"),
    "PrivacyDial": ("PRIVACY_DIAL", "PrivacyDial"),
}
# 2017 ContactDisposition -> 2.0 (a transfer is a Success with a TransferCount in 2.0)
DISPOSITIONS: dict[str, str] = {
    "Success": "Success",
    "NoAnswer": "NoAnswer",
    "AbandonedInContactFlow": "AbandonedInIVR",
    "AbandonedInQueue": "AbandonedInQueue",
    "AbandonedRing": "AbandonedInRing",
    "QueueOverflow": "QueuingOverflow",
    "OneStepTransfer": "Success",
}
# 2017 event names -> 2.0 (the others keep their names: clients show unknown names as they are)
EVENT_NAMES: dict[str, str] = {
    "EnterIVR": "Route2IVR",
    "EnterQueue": "Enqueue",
    "Ring": "AgentRinging",
    "Talk": "Established",
    "Dial": "Dialing",
    "LaunchTransfer": "BlindTransfer",
    "NormalEnd": "AssignAgent",
    "End": "Released",
}
# The SIP code of an unanswered outbound call -> (EarlyMediaState, EarlyMediaText)
EARLY_MEDIA: dict[str, tuple[str, str]] = {
    "480": ("NoAnswer", "您拨打的电话暂时无人接听"),
    "486": ("Busy", "您拨打的电话正在通话中，请稍后再拨"),
    "487": ("NoAnswer", ""),  # the agent hung up before the customer's phone said anything
    "408": ("NotConnected", "您拨打的电话暂时无法接通"),
    "603": ("PowerOff", "您拨打的电话已关机"),
    "404": ("NotExist", "您拨打的号码是空号，请查证后再拨"),
    "503": ("OutOfService", "您拨打的电话已停机"),
}
_AREAS = {"010": "北京", "021": "上海", "0571": "浙江杭州", "0755": "广东深圳"}
_CITIES = ("浙江杭州", "上海", "北京", "广东深圳", "江苏南京", "四川成都", "湖北武汉", "浙江宁波")


def agent_id(agent: Agent) -> str:
    return f"{agent.login}@{INSTANCE}"


def group_id(index: int) -> str:
    return f"{GROUP_SLUGS[index]}@{INSTANCE}"


def agent_ids(summary: CallSummary) -> list[str]:
    """The 2.0 AgentIds of a call, in order of appearance."""
    return [agent_id(a) for name, _ in summary.agents if (a := _AGENT_BY_NAME.get(name))]


def group_ids(summary: CallSummary) -> list[str]:
    """The 2.0 SkillGroupIds of a call."""
    return [group_id(_GROUP_BY_ID[gid]) for _, gid in summary.skill_groups if gid in _GROUP_BY_ID]


def location(number: str) -> str:
    """Where a number is (province and city), as the 2.0 record says it."""
    for area, place in _AREAS.items():
        if number.startswith(area):
            return place
    digits = "".join(filter(str.isdigit, number))
    return _CITIES[int(digits[3:7] or 0) % len(_CITIES)] if digits else ""


class Call2020(NamedTuple):
    """One call in 2.0 shape: its list row, its GetCallDetailRecord data and its extras."""

    row: dict[str, Any]  # a ListCallDetailRecordsV2 item
    detail: dict[str, Any]  # GetCallDetailRecord's Data
    mono: tuple[dict[str, Any], ...]  # ListMonoRecordings items, without FileUrl
    multi: tuple[dict[str, Any], ...]  # ListMultiChannelRecordings items, without FileUrl
    ivr: tuple[IvrStep, ...]  # the IVR nodes it passed


class _Lru(OrderedDict[str, Call2020]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: Call2020) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class Dataset2020:
    """The 2.0 instance's calls, over a 2017 `Dataset` (whose calls it converts on demand)."""

    def __init__(self, base: Dataset) -> None:
        self.base = base
        self._calls = _Lru(512)
        self._own: tuple[CallSummary, dict[str, Any]] | None = None
        # ListCallDetailRecordsV2: the rows serialised once, and the last queries' matches.
        self._row_json: dict[str, RawJson] = {}
        self.matches: OrderedDict[tuple[Any, ...], tuple[str, ...]] = OrderedDict()

    def keep_matches(self, key: tuple[Any, ...], found: tuple[str, ...]) -> None:
        """Keep a query's matching ContactIds (the last 32 queries' are kept)."""
        self.matches[key] = found
        self.matches.move_to_end(key)
        while len(self.matches) > 32:
            self.matches.popitem(last=False)

    def row_json(self, contact_id: str) -> RawJson | None:
        """The call's ListCallDetailRecordsV2 item, serialised once (None: no such call)."""
        found = self._row_json.get(contact_id)
        if found is None:
            call = self.call(contact_id)
            if call is None:
                return None
            found = RawJson(json_bytes(call.row))
            remember(self._row_json, contact_id, found)
        return found

    # -- index --

    @property
    def instance_ids(self) -> tuple[str, ...]:
        return (INSTANCE,)

    def has_instance(self, instance_id: str) -> bool:
        return instance_id in self.instance_ids

    def _own_call(self) -> tuple[CallSummary, dict[str, Any]]:
        """The 2.0 instance's own call: built like any call of its scenario, on the showcase day."""
        if self._own is None:
            scenario, clock = IVR_FAILURE_PLAN
            start = at_cst(showcase_day(self.base.anchor), clock)
            rng = random.Random(self.base.seed << 40 ^ int(IVR_FAILURE_ID))
            b = CallBuilder(rng, IVR_FAILURE_ID, int(start.timestamp()) * 1000, emit=True)
            run_scenario(b, scenario)
            b.disposition = "IVRException"
            b.release_agent = "system"
            b.release_reason = "200-OK"
            self._own = (b.summary(scenario), b.data())
        return self._own

    def _source(self, legacy: str) -> tuple[CallSummary, dict[str, Any]] | None:
        if legacy == IVR_FAILURE_ID:
            return self._own_call()
        summary = self.base.summary(legacy)
        if summary is None:
            return None
        return summary, self.base.call_data(DEMO_INSTANCE_ID, legacy)

    def call(self, contact_id: str) -> Call2020 | None:
        """A call by its 2.0 ContactId, or None when the instance has no such call."""
        cached = self._calls.get(contact_id)
        if cached is not None:
            self._calls.move_to_end(contact_id)
            return cached
        legacy = legacy_id(contact_id)
        source = self._source(legacy) if legacy is not None else None
        if source is None:
            return None
        built = _convert(contact_id, *source, published_ms=self._published_ms(legacy))
        self._calls.put(contact_id, built)
        return built

    def _published_ms(self, legacy: str | None) -> int | None:
        if legacy != IVR_FAILURE_ID:
            return None
        return int(at_cst(showcase_day(self.base.anchor), IVR_FAILURE_PUBLISHED).timestamp()) * 1000

    def summaries(
        self, start_ms: int, stop_ms: int, *, descending: bool = False
    ) -> Iterator[tuple[str, CallSummary]]:
        """(2.0 ContactId, summary) of every call started in [start_ms, stop_ms], by start."""
        own = self._own_call()[0]
        extra = [own] if start_ms <= own.start_ms <= stop_ms else []
        merged = heapq.merge(
            self.base.summaries(start_ms, stop_ms, descending=descending),
            extra,
            key=lambda s: s.start_ms,
            reverse=descending,
        )
        for summary in merged:
            yield job_id(summary.contact_id), summary

    def find_recording(self, file_name: str) -> dict[str, Any] | None:
        """A recording of this instance by file name (the 2017 call's own file)."""
        return self.base.find_recording(DEMO_INSTANCE_ID, file_name)

    # -- the instance --

    def instance(self) -> dict[str, Any]:
        admin = AGENTS[1]
        return {
            "Id": INSTANCE,
            "Name": INSTANCE,
            "Description": "演示呼叫中心 2.0 (local emulator)",
            "DomainName": INSTANCE,
            "ConsoleUrl": f"https://ccc-v2.console.aliyun.com/workbench?instanceId={INSTANCE}",
            "Status": "RUNNING",
            "AliyunUid": "1893214508124356",
            "CreateTime": 1593561600000,
            "AgentType": "ON_SITE",
            "AdminList": [
                {
                    "UserId": agent_id(admin),
                    "LoginName": admin.login,
                    "DisplayName": admin.name,
                    "Email": f"{admin.login}@example.com",
                    "Extension": "8001",
                    "Mobile": "",
                    "InstanceId": INSTANCE,
                    "RoleId": f"Admin@{INSTANCE}",
                    "RoleName": "Admin",
                    "WorkMode": "ON_SITE",
                }
            ],
            "NumberList": [
                {
                    "Number": number,
                    "InstanceId": INSTANCE,
                    "Active": True,
                    "Usage": "Bidirection",
                    "Province": location(number)[:2],
                    "City": location(number)[2:] or location(number),
                    "ContactFlowId": FLOW_IDS["主流程"],
                    "SkillGroups": [
                        {
                            "SkillGroupId": group_id(i),
                            "Name": GROUP_SLUGS[i],
                            "DisplayName": g.name,
                            "Description": g.description,
                            "InstanceId": INSTANCE,
                            "UserCount": len(MEMBERS[i]),
                            "PhoneNumberCount": len(CENTER_NUMBERS),
                        }
                        for i, g in enumerate(SKILL_GROUPS)
                    ],
                }
                for number in CENTER_NUMBERS
            ],
        }


# --- one call, 2017 trail -> 2.0 shape ----------------------------------------------------------


def _count(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _convert(
    contact_id: str, summary: CallSummary, data: dict[str, Any], *, published_ms: int | None
) -> Call2020:
    legacy = summary.contact_id
    rng = random.Random(f"2020:{legacy}")
    trail = data.get("Events", {}).get("CallEventDetail", [])
    start_ms = summary.start_ms
    release_ms = start_ms + summary.duration * 1000
    inbound = summary.contact_type == "Inbound"

    agents: dict[str, dict[str, Any]] = {}
    flows: list[dict[str, Any]] = []
    queues: dict[str, dict[str, Any]] = {}
    customer: list[dict[str, Any]] = []
    times = {"ivr": 0, "queue": 0, "ring": 0, "talk": 0, "dial": 0}
    transfers = 0
    talk_start: int | None = None
    ivr_spans: list[tuple[str, int, int]] = []  # (flow name, enter ms, leave ms)
    first_group: int | None = None
    for item in trail:
        event = str(item.get("Event", ""))
        at = _count(item.get("TimeStamp"))
        duration = _count(item.get("Duration"))
        detail = item.get("DetailData") or {}
        lane = str(detail.get("EventType", "")).lower()
        group_name = str(detail.get("SkillGroup", ""))
        group = _GROUP_BY_NAME.get(group_name)
        if first_group is None and group is not None and lane == "queue":
            first_group = group
        step = {"Event": EVENT_NAMES.get(event, event), "EventTime": at, "Duration": duration}
        if lane == "ivr":
            name = "溢出提示" if detail.get("IvrName") == "溢出提示音" else "主流程"
            flows.append(
                {"FlowId": FLOW_IDS[name], "FlowType": "MAIN_FLOW", "EventSequence": [step]}
            )
            ivr_spans.append((name, at, at + duration * 1000))
            times["ivr"] += duration
        elif lane == "queue":
            slug = group_id(group) if group is not None else group_name
            owner = queues.setdefault(
                slug,
                {
                    "QueueId": slug,
                    "QueueName": group_name,
                    "QueueType": 1,
                    "FlowId": FLOW_IDS["主流程"],
                    "EventSequence": [],
                },
            )
            owner["EventSequence"].append(step)
            if event == "EnterQueue":
                times["queue"] += duration
        elif item.get("AgentName"):
            name = str(item["AgentName"])
            agent = _AGENT_BY_NAME.get(name)
            owner = agents.setdefault(
                name,
                {
                    "AgentId": agent_id(agent) if agent else f"{name}@{INSTANCE}",
                    "AgentName": name,
                    "SkillGroupId": group_id(group) if group is not None else group_name,
                    "EventSequence": [],
                },
            )
            owner["EventSequence"].append(step)
            if event == "Ring":
                times["ring"] += duration
            elif event == "Talk":
                times["talk"] += duration
                talk_start = at if talk_start is None else talk_start
            elif event == "Dial":
                times["dial"] += duration
            elif event == "LaunchTransfer":
                transfers += 1
        else:  # a step without an agent (a predictive dial): the customer's leg
            customer.append(step)

    # Holds: now and then the agent of a long talk puts the customer on hold once.
    mono: list[dict[str, Any]] = []
    multi: list[dict[str, Any]] = []
    held = 0
    for n, rec in enumerate(summary.recordings):
        rec_agent = _AGENT_BY_RAM.get(str(rec.get("AgentId", "")))
        seconds = _count(rec.get("Duration"))
        segments: list[dict[str, int]] = []
        if seconds >= 90 and rng.random() < 0.35:
            begin = rec["StartTime"] + rng.randrange(20, seconds - 40) * 1000
            length = rng.randrange(10, 31)
            segments.append({"StartTime": begin, "EndTime": begin + length * 1000})
            held += length
            holder = agents.get(str(rec.get("AgentName", "")))
            if holder is not None:
                holder["EventSequence"].append(
                    {"Event": "Held", "EventTime": begin, "Duration": length}
                )
                holder["EventSequence"].append(
                    {"Event": "Retrieved", "EventTime": begin + length * 1000, "Duration": 0}
                )
        group_index = _recording_group(rec_agent, summary)
        item = {
            "ContactId": contact_id,
            "AgentId": agent_id(rec_agent) if rec_agent else "",
            "AgentName": str(rec.get("AgentName", "")),
            "RamId": str(rec.get("AgentId", "")),
            "SkillGroupId": group_id(group_index) if group_index is not None else "",
            "FileName": rec["FileName"],
            "StartTime": str(rec["StartTime"]),
            "Duration": str(seconds * 1000),
        }
        mono.append(item)
        multi.append(
            {
                **item,
                "StartTime": rec["StartTime"],
                "AgentChannelId": f"ch-{n + 1}-{legacy}",
                "HoldTimeSegments": segments,
            }
        )
    for owner in agents.values():
        owner["EventSequence"].sort(key=lambda s: s["EventTime"])

    customer_number = summary.customer_number
    customer_steps: list[dict[str, Any]] = []
    if inbound:
        customer_steps.append({"Event": "Incoming", "EventTime": start_ms, "Duration": 0})
    else:
        customer_steps += customer
        customer_steps.append({"Event": "Ringing", "EventTime": start_ms, "Duration": 0})
        if talk_start is not None:
            customer_steps.append({"Event": "Established", "EventTime": talk_start, "Duration": 0})
    customer_steps.append({"Event": "Released", "EventTime": release_ms, "Duration": 0})
    customer_steps.sort(key=lambda s: s["EventTime"])

    disposition = DISPOSITIONS.get(summary.disposition, summary.disposition)
    release_reason = str(data.get("ReleaseReason", ""))
    early: tuple[str, str] | None = None
    if not inbound and talk_start is None and summary.contact_type != "PredictiveDial":
        early = EARLY_MEDIA.get(release_reason[:3], ("NotConnected", ""))
    established: int | None = None
    if inbound:
        established = start_ms  # the IVR answers every inbound call
    elif talk_start is not None:
        established = talk_start
    call_ids = [f"{rng.getrandbits(64):016x}@10.{rng.randrange(256)}.{rng.randrange(256)}.17"]
    call_ids += [
        f"{rng.getrandbits(64):016x}@10.{rng.randrange(256)}.{rng.randrange(256)}.23"
        for _ in agents
    ]
    offered = summary.satisfaction > 0
    wait = times["queue"] + times["ring"] if inbound else times["dial"]
    contact_type = CONTACT_TYPES.get(summary.contact_type, (summary.contact_type,) * 2)

    row: dict[str, Any] = {
        "ContactId": contact_id,
        "InstanceId": INSTANCE,
        "ContactType": contact_type[0],
        "MediaType": "AUDIO",
        "CallingNumber": summary.calling_number,
        "CalledNumber": summary.called_number,
        "CallerLocation": location(summary.calling_number),
        "CalleeLocation": location(summary.called_number),
        "StartTime": start_ms,
        "EstablishedTime": established,
        "ReleaseTime": release_ms,
        "CallDuration": str(summary.duration),
        "ContactDisposition": disposition,
        "ReleaseInitiator": str(data.get("ReleaseAgent", "")),
        "ReleaseReason": release_reason,
        "AgentIds": ",".join(agent_ids(summary)),
        "AgentNames": ",".join(name for name, _ in summary.agents),
        "SkillGroupIds": ",".join(group_ids(summary)),
        "SkillGroupNames": ",".join(name for name, _ in summary.skill_groups),
        "IvrTime": times["ivr"],
        "QueueTime": times["queue"],
        "RingTime": times["ring"],
        "TalkTime": times["talk"],
        "HeldTime": held,
        "WaitTime": wait,
        "DialingTime": times["dial"],
        "TransferCount": transfers,
        "RecordingReady": bool(summary.recordings),
        "RecordingDuration": sum(_count(r.get("Duration")) for r in summary.recordings),
        "CallIds": ",".join(call_ids),
        "SatisfactionSurveyOffered": offered,
        "SatisfactionSurveyChannel": "IVR" if offered else "",
        "SatisfactionIndex": summary.satisfaction,
        "SatisfactionDescription": summary.satisfaction_desc if offered else "",
    }
    if early is not None:
        row["EarlyMediaState"] = early[0]
        if early[1]:
            row["EarlyMediaText"] = early[1]
    if established is None:
        del row["EstablishedTime"]

    detail = {k: v for k, v in row.items() if k != "SatisfactionIndex"}
    detail["ContactType"] = contact_type[1]
    detail["Satisfaction"] = summary.satisfaction
    detail["AgentEvents"] = list(agents.values())
    detail["IvrEvents"] = flows
    detail["QueueEvents"] = list(queues.values())
    detail["CustomerEvents"] = [{"CustomerId": customer_number, "EventSequence": customer_steps}]

    track = ivr_track(
        contact_id,
        summary,
        ivr_spans,
        first_group,
        group_slug=group_id,
        published_ms=published_ms,
    )
    if published_ms is not None and track:  # the flow failed: the record and the events say so
        failed = track[-1]
        flows[0]["EventSequence"].append(
            {"Event": "IVRException", "EventTime": failed.leave_ms, "Duration": 0}
        )
    return Call2020(row, detail, tuple(mono), tuple(multi), track)


def _recording_group(agent: Agent | None, summary: CallSummary) -> int | None:
    """The call's skill group the recorded agent belongs to (else the call's first)."""
    indexes = [_GROUP_BY_ID[gid] for _, gid in summary.skill_groups if gid in _GROUP_BY_ID]
    for index in indexes:
        if agent is not None and index in agent.groups:
            return index
    return indexes[0] if indexes else None
