"""How a call ended — its outcome — read from its events and, when there is one, the call record's
ContactDisposition. Shared by the TUI and the headless output, so no Textual or Rich here.

The release fields (ReleaseAgent / ReleaseReason) are *not* the outcome: they describe the
signalling of one leg. An IVR answers inbound calls, so a caller who gives up in the queue sends a
BYE on an answered leg (200-OK) although no agent ever answered. `release_line` words those fields
as what they are, and `conflict` says when they and the events disagree, so a screen can show both
instead of picking one.

How the outcome is read, strongest evidence first:

1. **Talk.** Any Talk (an agent was connected): answered; *transferred* when more than one agent
   talked or a transfer was launched; *conference* when help was called or a meeting set up.
2. **An explicit end event** without talk: AbandonedRing → abandoned while ringing; ACDOverflow →
   queue overflow; a queuing time-out; AbandonedInQueue → abandoned in the queue; Dial (or an
   outbound call) → not answered, by the agent (back-to-back: the agent's phone rang, no dial
   followed) or by the customer; IVRException (2020-07-01) as the last stage → the IVR failed:
   the flow, not the caller, ended the call.
3. **The record's ContactDisposition**, when the events say nothing explicit (a 2020-07-01 call
   carries its record: `Call.record`). For a call not answered, the record's early media state
   says why (busy, powered off, no such number, …).
4. **The furthest stage the trail reached** (IVR, queue, ringing): 2017 has no "abandoned in the
   IVR" event, so a trail that stops in the IVR is read as abandoned there.
5. Otherwise **unknown** — never a guess, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum
from typing import Any

from ccc_tui.api.models import Call, CallEvent, CallFacts, CallRecord, Lane
from ccc_tui.calls.phases import analyse
from ccc_tui.calls.text import format_clock, format_offset, safe_text

__all__ = [
    "ANSWERED_KINDS",
    "DISPOSITION_KINDS",
    "EARLY_MEDIA",
    "EVENT_KINDS",
    "Outcome",
    "OutcomeKind",
    "conflict",
    "disposition_kind",
    "outcome_of",
    "release_line",
]


class OutcomeKind(StrEnum):
    ANSWERED = "answered"
    TRANSFERRED = "transferred"
    CONFERENCE = "conference"  # a conference or a call for help
    ABANDONED_IN_IVR = "abandoned_in_ivr"
    IVR_FAILED = "ivr_failed"  # the flow ended the call (IVRException): not the caller's doing
    ABANDONED_IN_QUEUE = "abandoned_in_queue"
    ABANDONED_RINGING = "abandoned_ringing"
    QUEUE_OVERFLOW = "queue_overflow"
    QUEUE_TIMEOUT = "queue_timeout"
    NOT_ANSWERED = "not_answered"
    UNKNOWN = "unknown"


ANSWERED_KINDS = frozenset({OutcomeKind.ANSWERED, OutcomeKind.TRANSFERRED, OutcomeKind.CONFERENCE})

# The outcome each documented event points to when it is the furthest the call got.
EVENT_KINDS: dict[str, OutcomeKind] = {
    "EnterIVR": OutcomeKind.ABANDONED_IN_IVR,
    "EnterQueue": OutcomeKind.ABANDONED_IN_QUEUE,
    "WaitingInQueue": OutcomeKind.ABANDONED_IN_QUEUE,
    "AbandonedInQueue": OutcomeKind.ABANDONED_IN_QUEUE,
    "ACDOverflow": OutcomeKind.QUEUE_OVERFLOW,
    "AbandonedRing": OutcomeKind.ABANDONED_RINGING,
    "Ring": OutcomeKind.ABANDONED_RINGING,
    "GiveUp": OutcomeKind.ABANDONED_IN_QUEUE,  # the agent let it ring: the call went back
    "NormalEnd": OutcomeKind.ANSWERED,  # the queue handed the call to an agent
    "Talk": OutcomeKind.ANSWERED,
    "End": OutcomeKind.UNKNOWN,  # after-call work follows answered and unanswered calls alike
    "Handle": OutcomeKind.UNKNOWN,
    "CallForHelp": OutcomeKind.CONFERENCE,
    "CallForHelpSuccess": OutcomeKind.CONFERENCE,
    "SetUpMeeting": OutcomeKind.CONFERENCE,
    "Dial": OutcomeKind.NOT_ANSWERED,
    "LaunchTransfer": OutcomeKind.TRANSFERRED,
}

# Event names of the 2020-07-01 API, read as their 2017 equivalents.
_ALIASES: dict[str, str] = {
    "Route2IVR": "EnterIVR",
    "Enqueue": "EnterQueue",
    "AgentRinging": "Ring",
    "Established": "Talk",
    "Dialing": "Dial",
    "BlindTransfer": "LaunchTransfer",
    "AttendedTransfer": "LaunchTransfer",
    "AssignAgent": "NormalEnd",
    "QueuingOverflow": "ACDOverflow",
    "Released": "End",
}
_TIMEOUT_EVENTS = frozenset({"QueueingTimeout", "QueuingTimeout"})

# ContactDisposition of both API versions (2017: ListCallDetailRecords; 2020: ...V2).
DISPOSITION_KINDS: dict[str, OutcomeKind] = {
    "Success": OutcomeKind.ANSWERED,
    "NoAnswer": OutcomeKind.NOT_ANSWERED,
    "AbandonedInContactFlow": OutcomeKind.ABANDONED_IN_IVR,
    "AbandonedInQueue": OutcomeKind.ABANDONED_IN_QUEUE,
    "AbandonedRing": OutcomeKind.ABANDONED_RINGING,
    "QueueOverflow": OutcomeKind.QUEUE_OVERFLOW,
    "OneStepTransfer": OutcomeKind.TRANSFERRED,
    "AbandonedInIVR": OutcomeKind.ABANDONED_IN_IVR,
    "AbandonedInRing": OutcomeKind.ABANDONED_RINGING,
    "AbandonedInVoiceNavigator": OutcomeKind.ABANDONED_IN_IVR,
    "QueuingTimeout": OutcomeKind.QUEUE_TIMEOUT,
    "QueuingOverflow": OutcomeKind.QUEUE_OVERFLOW,
    "QueuingFailed": OutcomeKind.UNKNOWN,  # the call could not be queued: why is not said
    "Voicemail": OutcomeKind.NOT_ANSWERED,  # nobody answered; the caller left a message
    "IVRException": OutcomeKind.IVR_FAILED,
    "Reject": OutcomeKind.NOT_ANSWERED,
    "ForwardToOutsideNumber": OutcomeKind.TRANSFERRED,
}
# EarlyMediaState of a 2020-07-01 record: what the carrier said before the call could connect.
EARLY_MEDIA: dict[str, tuple[str, str]] = {
    "noanswer": ("the customer did not pick up", "客户未接听"),
    "outofservice": ("the customer's number is out of service", "客户号码已停机"),
    "notexist": ("the customer's number does not exist", "客户号码为空号"),
    "restricted": ("the customer's line is restricted", "客户线路受限"),
    "busy": ("the customer's line was busy", "客户忙线"),
    "notconnected": ("the call could not be connected", "无法接通"),
    "poweroff": ("the customer's phone was switched off", "客户关机"),
}
_DISPOSITIONS_FOLDED = {name.casefold(): kind for name, kind in DISPOSITION_KINDS.items()}

_OUTBOUND_TYPES = frozenset(
    {"outbound", "back2back", "predictivedial", "predictive", "privacydial", "privacy_dial"}
)
_NAME = 40  # display cells for a name in a line


def disposition_kind(disposition: str) -> OutcomeKind:
    """The outcome a ContactDisposition names (case-insensitive); unknown for anything else."""
    return _DISPOSITIONS_FOLDED.get(disposition.strip().casefold(), OutcomeKind.UNKNOWN)


def _seconds(value: float | None) -> timedelta | None:
    if value is None or value < 0:
        return None
    return timedelta(seconds=value)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a call ended. Names are as the server sent them; `line()` makes them safe to show.

    `agents` is the ordered chain: who answered, then whom the call was transferred to (for an
    abandoned ring, the agent who was ringing; for a missed outbound call, the agent who dialled).
    `wait` is the time in the queue before the answering ring (for a call abandoned in the IVR, the
    time in the IVR); `ring` from that ring (or the outbound dial) to the answer or to the end;
    `talk` the agents' talk time in all.
    """

    kind: OutcomeKind
    agents: tuple[str, ...] = ()
    skill_group: str = ""
    wait: timedelta | None = None
    ring: timedelta | None = None
    talk: timedelta | None = None
    helpers: tuple[str, ...] = ()  # agents asked for help
    guests: tuple[str, ...] = ()  # others brought into a conference
    offered: int = 0  # agents who rang and did not answer before the end
    not_answered_by: str = ""  # "customer" | "agent" when a call was not answered
    overflow_from: str = ""
    outbound: bool = False
    disposition: str = ""
    early_media: str = ""  # EarlyMediaState of a call not answered (2020-07-01), as sent
    facts: tuple[str, ...] = ()  # what the reading rests on, in plain words

    @property
    def answered(self) -> bool:
        return self.kind in ANSWERED_KINDS

    def line(self, language: str = "en") -> str:
        """One line in plain words, the same on every screen and in every export."""
        zh = language.startswith("zh")
        name = _name(self.agents[0]) if self.agents else ""
        group = _name(self.skill_group)
        kind = self.kind
        if kind in ANSWERED_KINDS:
            return _answered_line(self, name, group, zh)
        if kind is OutcomeKind.ABANDONED_IN_IVR:
            after = _after(self.wait, zh)
            if zh:
                return f"在 IVR 中放弃{after} — 未进入队列"
            return f"Abandoned in the IVR{after} — the caller never reached a queue"
        if kind is OutcomeKind.IVR_FAILED:
            after = _after(self.wait, zh)
            if zh:
                return f"IVR 异常{after} — 流程结束了通话，未进入队列"
            return f"The IVR failed{after} — the flow ended the call before any queue"
        if kind is OutcomeKind.ABANDONED_IN_QUEUE:
            where = f" {group}" if group else ""
            after = _after(self.wait, zh)
            if zh:
                tail = f"{self.offered} 名坐席振铃未接" if self.offered else "未分配到坐席"
                return f"在队列{where}中放弃{after} — {tail}"
            if self.offered:
                agents = "an agent was" if self.offered == 1 else f"{self.offered} agents were"
                tail = f"{agents} offered the call and did not answer"
            else:
                tail = "no agent was offered the call"
            return f"Abandoned in queue{where}{after} — {tail}"
        if kind is OutcomeKind.ABANDONED_RINGING:
            who = f"{name} ({group})" if name and group else name or group
            waited = format_clock(self.wait) if self.wait is not None else ""
            rang = format_clock(self.ring) if self.ring is not None else ""
            if zh:
                spent = "，".join(
                    part for part in (waited and f"排队 {waited}", rang and f"振铃 {rang}") if part
                )
                return f"振铃时放弃 — {who or '坐席'} 未接听，客户挂机" + (
                    f"（{spent}）" if spent else ""
                )
            spent = " and ".join(
                part
                for part in (waited and f"{waited} waiting", rang and f"{rang} ringing")
                if part
            )
            after = f" after {spent}" if spent else ""
            return f"Abandoned while ringing {who or 'an agent'} — the caller hung up{after}"
        if kind in (OutcomeKind.QUEUE_OVERFLOW, OutcomeKind.QUEUE_TIMEOUT):
            after = _after(self.wait, zh)
            where = f" {group}" if group else ""
            if zh:
                what = "溢出" if kind is OutcomeKind.QUEUE_OVERFLOW else "排队超时"
                return f"队列{where}{what}{after} — 无坐席接听"
            what = "overflowed" if kind is OutcomeKind.QUEUE_OVERFLOW else "timed out"
            return f"Queue{where} {what}{after} — no agent answered"
        if kind is OutcomeKind.NOT_ANSWERED:
            dialled = format_clock(self.ring)
            why = EARLY_MEDIA.get(self.early_media.strip().casefold()) if self.early_media else None
            if why is not None:
                if zh:
                    return f"未接通 — {why[1]}" + (f"（拨号 {dialled}）" if dialled else "")
                return f"Not answered — {why[0]}" + (f" (dialled {dialled})" if dialled else "")
            if self.not_answered_by == "agent":
                who_zh, who_en = f"坐席 {name}" if name else "坐席", f"the agent {name}".rstrip()
            elif self.not_answered_by == "customer":
                who_zh, who_en = "客户", "the customer"
            else:
                who_zh, who_en = "", ""
            if zh:
                return f"未接通 — {who_zh or '无人'}未接听" + (
                    f"（拨号 {dialled}）" if dialled else ""
                )
            tail = f" — {who_en} did not pick up" if who_en else ""
            return f"Not answered{tail}" + (f" (dialled {dialled})" if dialled else "")
        said = safe_text(self.disposition, _NAME)
        if zh:
            return f"结果未知 — 记录为 {said}" if said else "结果未知 — 事件未说明通话如何结束"
        if said:
            return f"Outcome unknown — the record says {said}"
        return "Outcome unknown — the events do not say how the call ended"

    def to_dict(self) -> dict[str, Any]:
        """For JSON: stable keys, durations in whole seconds (None when unknown)."""

        def secs(value: timedelta | None) -> int | None:
            return None if value is None else int(value.total_seconds())

        out: dict[str, Any] = {
            "kind": self.kind.value,
            "line": self.line(),
            "agents": list(self.agents),
            "skill_group": self.skill_group,
            "wait_seconds": secs(self.wait),
            "ring_seconds": secs(self.ring),
            "talk_seconds": secs(self.talk),
            "helpers": list(self.helpers),
            "guests": list(self.guests),
            "offered": self.offered,
            "not_answered_by": self.not_answered_by,
            "overflow_from": self.overflow_from,
            "outbound": self.outbound,
            "disposition": self.disposition,
            "facts": list(self.facts),
        }
        if self.early_media:  # 2020-07-01 only: absent rather than empty for 2017 calls
            out["early_media"] = self.early_media
        return out


def _name(value: str) -> str:
    return safe_text(value, _NAME).strip()


def _after(wait: timedelta | None, zh: bool) -> str:
    if wait is None:
        return ""
    return f"，{format_clock(wait)} 后" if zh else f" after {format_clock(wait)}"


def _answered_line(outcome: Outcome, name: str, group: str, zh: bool) -> str:
    who = (
        f"{name} ({group})" if name and group else name or (f"an agent ({group})" if group else "")
    )
    if outcome.outbound:
        dialled = format_clock(outcome.ring)
        if zh:
            line = "客户已接听" + (f"，拨号 {dialled}" if dialled else "")
            line += f" · 坐席 {who}" if who else ""
        else:
            line = "Answered by the customer" + (f" after {dialled} dialling" if dialled else "")
            line += f" · agent {who}" if who else ""
    else:
        if outcome.wait is not None:
            after, after_zh = (
                f" after {format_clock(outcome.wait)} waiting",
                f"，排队 {format_clock(outcome.wait)}",
            )
        elif outcome.ring is not None:
            after, after_zh = (
                f" after {format_clock(outcome.ring)} ringing",
                f"，振铃 {format_clock(outcome.ring)}",
            )
        else:
            after = after_zh = ""
        if zh:
            line = f"由 {who or '坐席'} 接听{after_zh}"
        else:
            line = f"Answered by {who or 'an agent'}{after}"
    if outcome.overflow_from:
        source = _name(outcome.overflow_from)
        line += f" · 从 {source} 溢出" if zh else f" · overflowed from {source}"
    if len(outcome.agents) > 1:
        chain = [_name(a) for a in outcome.agents[1:]]
        line += (
            (" · 转接给 " + " → ".join(chain))
            if zh
            else (" · transferred to " + ", then ".join(chain))
        )
    if outcome.helpers:
        helpers = ", ".join(_name(h) for h in outcome.helpers)
        line += f" · 求助 {helpers}" if zh else f" · called for help from {helpers}"
    if outcome.guests:
        guests = ", ".join(_name(g) for g in outcome.guests)
        line += f" · 会议 {guests}" if zh else f" · conference with {guests}"
    return line


# --- reading the events ---------------------------------------------------------------------


@dataclass(slots=True)
class _Span:
    event: CallEvent
    code: str
    start: float | None
    end: float | None


def _code(event: CallEvent) -> str:
    code = event.event.strip() if isinstance(event.event, str) else ""
    return _ALIASES.get(code, code)


def _is_outbound(call: Call, spans: list[_Span]) -> bool:
    direction = call.direction.strip().casefold() if isinstance(call.direction, str) else ""
    if direction:
        return direction in _OUTBOUND_TYPES
    for span in spans:
        mode = span.event.call_mode.strip().casefold()
        if mode:
            return mode in _OUTBOUND_TYPES
    return False


def _distinct(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for name in names:
        if name and name not in seen:
            seen[name] = None
    return tuple(seen)


def _fact(span: _Span, what: str = "") -> str:
    at = format_offset(span.start) if span.start is not None else "(no time)"
    who = _name(span.event.agent_name)
    by = f" by {who}" if who else ""
    return f"{safe_text(span.code, 30)}{by} at {at}" + (f" {what}" if what else "")


def _between(start: float | None, end: float | None) -> timedelta | None:
    if start is None or end is None:
        return None
    return _seconds(end - start)


def _spans(call: Call) -> list[_Span]:
    if not call.events:
        return []
    analysis = analyse(call)
    out: list[_Span] = []
    for index in analysis.order:
        event = call.events[index]
        span = analysis.spans[index]
        out.append(_Span(event, _code(event), span[0] if span else None, span[1] if span else None))
    return out


def outcome_of(call: Call | None, record: CallRecord | str | None = None) -> Outcome:
    """How `call` ended. `record` is the call's row from "find calls" or just its
    ContactDisposition; it is used when the events are not explicit. A call that carries its own
    record (`Call.record`, 2020-07-01) needs no `record`. Never raises on odd data."""
    facts_of = record.facts if isinstance(record, CallRecord) else None
    if facts_of is None and call is not None and isinstance(call.record, CallFacts):
        facts_of = call.record
    if record is None and facts_of is not None:
        record = facts_of.disposition
    early = facts_of.early_media_state if facts_of is not None else ""
    found = _outcome_of(call, record)
    if found.kind is OutcomeKind.NOT_ANSWERED and isinstance(early, str) and early.strip():
        extra = (*found.facts, f"EarlyMediaState {safe_text(early, 40)}")
        return replace(found, early_media=early.strip(), facts=extra)
    return found


def _outcome_of(call: Call | None, record: CallRecord | str | None) -> Outcome:
    disposition = record.disposition if isinstance(record, CallRecord) else (record or "")
    disposition = disposition.strip() if isinstance(disposition, str) else ""
    spans = _spans(call) if call is not None else []
    outbound = _is_outbound(call, spans) if call is not None else False
    if not outbound and isinstance(record, CallRecord):
        outbound = record.contact_type.strip().casefold() in _OUTBOUND_TYPES
    found, explicit = _from_events(spans, outbound)
    facts = list(found.facts) if found else []
    if disposition:
        facts.append(f"ContactDisposition {safe_text(disposition, 40)}")
    by_record = disposition_kind(disposition) if disposition else OutcomeKind.UNKNOWN
    if found is not None and (
        explicit or by_record is OutcomeKind.UNKNOWN or by_record is found.kind
    ):
        return replace(found, disposition=disposition, facts=tuple(facts))
    if by_record is OutcomeKind.UNKNOWN:
        return Outcome(OutcomeKind.UNKNOWN, disposition=disposition, facts=tuple(facts))
    # The record names the outcome and the events only hint: take the record's word.
    agents = tuple(record.agent_names) if isinstance(record, CallRecord) else ()
    groups = tuple(record.skill_group_names) if isinstance(record, CallRecord) else ()
    if found is not None and found.agents and by_record is not OutcomeKind.TRANSFERRED:
        agents = found.agents
    return Outcome(
        by_record,
        agents=agents,
        skill_group=(found.skill_group if found else "") or (groups[0] if groups else ""),
        wait=found.wait if found else None,
        outbound=outbound,
        not_answered_by="customer" if by_record is OutcomeKind.NOT_ANSWERED and outbound else "",
        disposition=disposition,
        facts=tuple(facts),
    )


_INFERRED = "inferred from the furthest stage the trail reached"


def _from_events(spans: list[_Span], outbound: bool) -> tuple[Outcome | None, bool]:
    """The outcome the events show (None when they show nothing usable), and whether an explicit
    event says so (rather than the furthest stage the trail reached)."""
    found = _read_events(spans, outbound)
    return found, found is not None and _INFERRED not in found.facts


def _read_events(spans: list[_Span], outbound: bool) -> Outcome | None:
    queue_start: _Span | None = None
    first_ivr: _Span | None = None
    ivr_end: float | None = None
    last_stage: tuple[str, _Span] | None = None  # ("ivr" | "queue" | "ring", span)
    rings: list[_Span] = []
    givenup: list[str] = []
    talks: list[_Span] = []
    transfers: list[str] = []
    helpers: list[str] = []
    meeting: list[str] = []
    overflow: _Span | None = None
    timeout: _Span | None = None
    abandoned_queue: _Span | None = None
    abandoned_ring: _Span | None = None
    dial: _Span | None = None
    ivr_failed: _Span | None = None
    queue_group = ""  # the last queue the call was in before anyone talked
    for span in spans:
        code, event = span.code, span.event
        lane = event.lane
        if lane is Lane.QUEUE and event.skill_group and not talks:
            queue_group = event.skill_group
        if code == "EnterIVR" or (lane is Lane.IVR and code not in EVENT_KINDS):
            if code == "IVRException":
                ivr_failed = span
            first_ivr = first_ivr or span
            if span.end is not None:
                ivr_end = span.end if ivr_end is None else max(ivr_end, span.end)
            if not talks:
                last_stage = ("ivr", span)
        elif code in ("EnterQueue", "WaitingInQueue") or (
            lane is Lane.QUEUE and code not in EVENT_KINDS and code not in _TIMEOUT_EVENTS
        ):
            queue_start = queue_start or span
            if not talks:
                last_stage = ("queue", span)
        elif code == "Ring":
            rings.append(span)
            if not talks:
                last_stage = ("ring", span)
        elif code == "GiveUp":
            givenup.append(event.agent_name)
            if not talks:
                last_stage = ("queue", span)
        elif code == "Talk":
            talks.append(span)
        elif code == "LaunchTransfer":
            target = event.details.get("TransferTo", "")
            transfers.append(target if isinstance(target, str) else "")
        elif code in ("CallForHelp", "CallForHelpSuccess"):
            helpers.append(
                event.helper or (event.agent_name if code == "CallForHelpSuccess" else "")
            )
        elif code == "SetUpMeeting":
            members = event.details.get("MeetingMembers", "")
            meeting.extend(m.strip() for m in str(members).split(","))
            if event.helper:
                helpers.append(event.helper)
        elif code == "ACDOverflow":
            overflow = overflow or span
        elif code in _TIMEOUT_EVENTS:
            timeout = timeout or span
        elif code == "AbandonedInQueue":
            abandoned_queue = abandoned_queue or span
        elif code == "AbandonedRing":
            abandoned_ring = abandoned_ring or span
        elif code == "Dial":
            dial = dial or span
    q0 = queue_start.start if queue_start else None

    if talks:
        first = talks[0]
        chain = list(_distinct([t.event.agent_name for t in talks]))
        chain += [t for t in _distinct(transfers) if t not in chain]
        answering = first.event.agent_name
        ring = next(
            (
                r
                for r in reversed(rings)
                if r.event.agent_name == answering
                and (r.start is None or first.start is None or r.start <= first.start)
            ),
            None,
        )
        group = first.event.skill_group or (ring.event.skill_group if ring else "") or queue_group
        guests = [m for m in _distinct(meeting) if m not in chain]
        asked = [h for h in _distinct(helpers) if h not in chain[:1]]
        guests = [g for g in guests if g not in asked]
        if len(chain) > 1 or transfers:
            kind = OutcomeKind.TRANSFERRED
        elif asked or guests or helpers or meeting:
            kind = OutcomeKind.CONFERENCE
        else:
            kind = OutcomeKind.ANSWERED
        queued_first = q0 is not None and (first.start is None or q0 <= first.start)
        is_outbound = outbound and not queued_first
        if is_outbound:
            start_of_ring = dial.start if dial else ring.start if ring else None
            wait = None
        else:
            start_of_ring = ring.start if ring else None
            wait = _between(q0, start_of_ring if start_of_ring is not None else first.start)
        ring_time = _between(start_of_ring, first.start)
        talk_total = sum(
            (t.end - t.start for t in talks if t.start is not None and t.end is not None), 0.0
        )
        known_talk = any(t.start is not None and t.end is not None for t in talks)
        facts = [_fact(s) for s in (queue_start, ring, dial if is_outbound else None) if s]
        talked = _between(first.start, first.end)
        facts.append(_fact(first, f"for {format_clock(talked)}" if talked is not None else ""))
        facts += [f"transfer to {_name(t) or '?'}" for t in transfers]
        facts += [f"help asked from {_name(h)}" for h in asked]
        facts += [f"conference with {_name(g)}" for g in guests]
        overflowed = overflow is not None and (
            overflow.start is None or first.start is None or overflow.start <= first.start
        )
        if overflowed and overflow is not None:
            facts.append(_fact(overflow))
        return Outcome(
            kind,
            agents=tuple(chain),
            skill_group=group,
            wait=wait,
            ring=ring_time,
            talk=_seconds(talk_total) if known_talk else None,
            helpers=tuple(asked),
            guests=tuple(guests),
            offered=len(_distinct([g for g in givenup if g != answering])),
            overflow_from=(overflow.event.skill_group if overflowed and overflow else ""),
            outbound=is_outbound,
            facts=tuple(facts),
        )

    offered = len(_distinct(givenup))
    if abandoned_ring is not None:
        ringing = abandoned_ring.event.agent_name
        before = [
            r
            for r in rings
            if r.start is None or abandoned_ring.start is None or r.start <= abandoned_ring.start
        ]
        ring = before[-1] if before else None
        ringing = ringing or (ring.event.agent_name if ring else "")
        return Outcome(
            OutcomeKind.ABANDONED_RINGING,
            agents=(ringing,) if ringing else (),
            skill_group=abandoned_ring.event.skill_group
            or (ring.event.skill_group if ring else ""),
            wait=_between(q0, ring.start if ring else abandoned_ring.start),
            ring=_between(ring.start, abandoned_ring.start) if ring else None,
            offered=offered,
            facts=tuple(_fact(s) for s in (queue_start, ring, abandoned_ring) if s),
        )
    for ended, kind in (
        (overflow, OutcomeKind.QUEUE_OVERFLOW),
        (timeout, OutcomeKind.QUEUE_TIMEOUT),
        (abandoned_queue, OutcomeKind.ABANDONED_IN_QUEUE),
    ):
        if ended is not None:
            group = ended.event.skill_group or (
                queue_start.event.skill_group if queue_start else ""
            )
            return Outcome(
                kind,
                skill_group=group,
                wait=_between(q0 if q0 is not None else ended.start, ended.start),
                offered=offered,
                facts=tuple(_fact(s) for s in (queue_start, ended) if s),
            )
    if dial is not None or (outbound and rings):
        agent_rang_only = dial is None
        who = dial.event.agent_name if dial else rings[0].event.agent_name
        attempt = dial or rings[0]
        return Outcome(
            OutcomeKind.NOT_ANSWERED,
            agents=(who,) if who else (),
            skill_group=attempt.event.skill_group,
            ring=_between(attempt.start, attempt.end),
            not_answered_by="agent" if agent_rang_only else "customer",
            outbound=True,
            facts=(_fact(attempt, "and no talk followed"),),
        )
    if last_stage is None:
        return None
    stage, span = last_stage
    if stage == "ivr" and ivr_failed is not None:
        start = first_ivr.start if first_ivr else span.start
        return Outcome(
            OutcomeKind.IVR_FAILED,
            wait=_between(start, ivr_failed.start if ivr_end is None else ivr_end),
            facts=tuple(_fact(s) for s in (first_ivr, ivr_failed) if s is not None),
        )
    if stage == "ivr":
        start = first_ivr.start if first_ivr else span.start
        return Outcome(
            OutcomeKind.ABANDONED_IN_IVR,
            wait=_between(start, ivr_end),
            facts=(_fact(span), _INFERRED),
        )
    if stage == "queue":
        group = queue_start.event.skill_group if queue_start else span.event.skill_group
        return Outcome(
            OutcomeKind.ABANDONED_IN_QUEUE,
            skill_group=group,
            wait=_between(q0, span.end),
            offered=offered,
            facts=(_fact(span), _INFERRED),
        )
    return Outcome(
        OutcomeKind.ABANDONED_RINGING,
        agents=(span.event.agent_name,) if span.event.agent_name else (),
        skill_group=span.event.skill_group,
        wait=_between(q0, span.start),
        ring=_between(span.start, span.end),
        offered=offered,
        facts=(_fact(span), _INFERRED),
    )


# --- the release fields, told truthfully ------------------------------------------------------

_SIDES = {"customer": "the customer", "agent": "an agent", "system": "the system"}


def _side(call: Call) -> str:
    raw = call.release_agent if isinstance(call.release_agent, str) else ""
    side = _SIDES.get(raw.strip().casefold())
    return side or safe_text(raw, 20).strip() or "an unknown side"


def release_line(call: Call) -> str:
    """The release fields as what they are: who sent the hang-up, and the SIP reason of that leg.

    e.g. `Hang-up sent by the customer · 200-OK: the leg ended with a normal hang-up`.
    """
    line = f"Hang-up sent by {_side(call)}"
    reason = call.release_reason
    if reason is None:
        return line
    text = safe_text(reason.raw, 48).strip()
    return f"{line} · {text}" + (f": {reason.explanation}" if reason.explanation else "")


def _agent_involved(call: Call) -> bool:
    return any(e.agent_name.strip() or e.lane is Lane.AGENT for e in call.events)


def conflict(call: Call, outcome: Outcome) -> str | None:
    """A sentence when the release fields and the events disagree, else None.

    Screens show it beside both readings rather than choosing one.
    """
    reason = call.release_reason
    talked = any(_code(e) == "Talk" for e in call.events)
    if reason is not None and reason.sip_code is not None and reason.sip_code >= 300 and talked:
        talk = format_clock(outcome.talk) if outcome.talk else ""
        shown = f"{talk} of talk" if talk else "talk"
        # Short enough for 80 columns: the release line above it already spells the reason out.
        return f"Release reason {reason.sip_code} disagrees with the events: they show {shown}"
    side = call.release_agent.strip().casefold() if isinstance(call.release_agent, str) else ""
    if side == "agent" and call.events and not _agent_involved(call):
        return "Released by an agent, but no agent took part in the call according to the events"
    return None
