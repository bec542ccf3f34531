"""One call built from a seeded random stream: its event trail, recordings and CDR summary.

`CallBuilder` holds the draws every scenario is made of (agents, numbers, reasons) and the trail
they write. The same draws happen whether it emits events or only sums the call up, so a call's
summary and its timeline always agree.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from ccc_tui.emulator.vocabulary import (
    AGENTS,
    GROUP_AGENTS,
    MOBILE_PREFIXES,
    SATISFACTION,
    SKILL_GROUPS,
    Agent,
    SkillGroup,
)

T = TypeVar("T")


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


def customer_number(rng: random.Random) -> str:
    """A customer's number: a mobile most of the time, else a landline with its area code."""
    if rng.random() < 0.85:
        prefix = MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))]
    else:
        areas = ("010", "021", "0571", "0755")
        prefix = areas[int(rng.random() * len(areas))]
    return prefix + f"{int(rng.random() * 1e8):08d}"


@functools.cache
def _expand(table: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """A weighted table as a flat tuple, so one uniform draw picks by weight."""
    return tuple(text for text, weight in table for _ in range(weight))


class CallBuilder:
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
        # A planned call's customer and skill group (an index into SKILL_GROUPS): the first
        # `customer()` and `group()` draws return them instead of drawing.
        self.fixed_customer: str | None = None
        self.fixed_group: int | None = None

    # Draws through random() only: randint/choice cost several times more per call.
    def ri(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.random() * (hi - lo + 1))

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.rng.random() * len(seq))]

    # vocabulary draws
    def group(self, choices: tuple[int, ...] | None = None) -> SkillGroup:
        if self.fixed_group is not None:
            idx, self.fixed_group = self.fixed_group, None
            return SKILL_GROUPS[idx]
        idx = self.pick(choices) if choices else int(self.rng.random() * 8)
        return SKILL_GROUPS[idx]

    def agent_in(self, group: SkillGroup, exclude: tuple[Agent, ...] = ()) -> Agent:
        members = GROUP_AGENTS.get(group.name, AGENTS)
        if exclude:
            members = tuple(a for a in members if a not in exclude) or tuple(
                a for a in AGENTS if a not in exclude
            )
        return self.pick(members)

    def customer(self) -> str:
        if self.fixed_customer is not None:
            number, self.fixed_customer = self.fixed_customer, None
            return number
        return customer_number(self.rng)

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
        extra: Mapping[str, str] | None = None,
        **named: str,
    ) -> dict[str, Any]:
        """Add one event. Its detail keys: `named` ones, then `extra` (drawn keys, or keys that are
        not identifiers). Without emit it only tracks the time, agents and groups."""
        when = self.t if at is None else at
        self.end_t = max(self.end_t, when)
        if agent is not None:
            self.agents.setdefault(agent.name, agent)
        if group is not None:
            self.groups.setdefault(group.name, group)
        if not self.emit:
            return self._scratch
        detail = {**named, **extra} if extra else named
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
        self.ev("EnterIVR", d, "ivr", extra={**more, **self.extras()})
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
            desc, score = self.pick(SATISFACTION)
            detail["SatisfactionalResearch"] = desc
            self.satisfaction = (desc, score)
            if score == 3 and self.rng.random() < 0.5:
                self.feedback = self.pick(("等待时间太长", "问题没有解决", "Agent was rude"))
        self.ev("End", acw, "agent", status="Handling", agent=agent, group=group, extra=detail)
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
