"""The scenarios of generated calls: each one's weight and the builder that writes its trail.

Inbound calls go IVR → queue → ring → talk → after-call work, or end early (abandoned in the IVR,
the queue or while ringing, or overflowed); others transfer, call for help or set up a meeting.
Outbound calls dial (agent, back-to-back, predictive or privacy dialling) and may go unanswered.

The release fields are those of the customer's leg, as a real service would send them. The IVR
answers every inbound call, so whoever hangs up afterwards sends a BYE on an answered leg:
`200-OK`, from the customer when they give up (in the IVR, the queue or while an agent rings),
from the system when it ends an overflowed call after its notice, from whoever hangs up after a
talk. An outbound call nobody answers carries the failure the customer's side sent (480, 486,
408, 603, 404, 503: released by the customer's side), or 487 when the agent cancelled the dial.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from typing import Any

from ccc_tui.emulator.builder import CallBuilder
from ccc_tui.emulator.vocabulary import (
    CENTER_NUMBERS,
    OUTBOUND_GROUPS,
    REASON_NO_ANSWER,
    REASON_TALK,
    SKILL_GROUPS,
    Agent,
    SkillGroup,
)

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
_SCENARIO_NAMES = tuple(_SCENARIO_WEIGHTS)
_SCENARIO_CUM = tuple(
    sum(list(_SCENARIO_WEIGHTS.values())[: i + 1]) for i in range(len(_SCENARIO_NAMES))
)


def inbound_start(b: CallBuilder) -> None:
    b.mode = b.contact_type = "Inbound"
    b.caller = b.customer()
    b.callee = b.pick(CENTER_NUMBERS)


def _dial_in(b: CallBuilder) -> SkillGroup:
    """A customer calls a centre number and goes through the IVR; the skill group it asks for."""
    inbound_start(b)
    group = b.group()
    b.ivr()
    return group


def _wait_in_queue(b: CallBuilder, group: SkillGroup, shortest: int, longest: int) -> None:
    """EnterQueue → WaitingInQueue for a drawn number of seconds; the queue event spans both."""
    q0 = b.t
    queued = b.ev("EnterQueue", 0, "queue", group=group)
    b.t += b.ri(1, 3)
    wait = b.ri(shortest, longest)
    b.ev("WaitingInQueue", wait, "queue", group=group)
    b.t += wait
    queued["Duration"] = b.t - q0


def _queue_to_agent(
    b: CallBuilder, group: SkillGroup, *, waiting: bool, giveups: int
) -> tuple[Agent, dict[str, Any]]:
    """EnterQueue → (WaitingInQueue) → (Ring → GiveUp)* → Ring; returns the ringing agent and
    the EnterQueue event, whose duration the caller fixes once the call leaves the queue."""
    q0 = b.t
    queued = b.ev("EnterQueue", 0, "queue", group=group, extra=b.extras())
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


def ring_answered(
    b: CallBuilder, agent: Agent, group: SkillGroup, queued: dict[str, Any], q0: int
) -> None:
    ring = b.ri(2, 12)
    b.ev("Ring", ring, "agent", status="Ringing", agent=agent, group=group)
    b.t += ring
    queued["Duration"] = b.t - q0
    b.ev("NormalEnd", 0, "queue", group=group)


def _sc_inbound(b: CallBuilder, *, waiting: bool = False, giveups: int = 0) -> None:
    group = _dial_in(b)
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=waiting, giveups=giveups)
    ring_answered(b, agent, group, queued, q0)
    b.talk(agent, group, b.ri(15, 900))
    hang = b.pick(("customer", "customer", "agent", "byeSystem"))
    b.end(agent, group, hang, survey=b.rng.random() < 0.7)
    b.release_reason = b.reason(REASON_TALK)


def _sc_ivr_abandon(b: CallBuilder) -> None:
    inbound_start(b)
    b.ivr()
    b.disposition = "AbandonedInContactFlow"
    b.release_agent = "customer"
    b.release_reason = b.reason(REASON_TALK)  # the IVR had answered: a BYE, not a CANCEL


def _sc_abandoned_in_queue(b: CallBuilder) -> None:
    group = _dial_in(b)
    _wait_in_queue(b, group, 15, 420)
    b.ev("AbandonedInQueue", 0, "queue", group=group)
    b.disposition = "AbandonedInQueue"
    b.release_agent = "customer"
    b.release_reason = "200-OK"


def _sc_abandoned_ring(b: CallBuilder) -> None:
    group = _dial_in(b)
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=b.rng.random() < 0.4, giveups=0)
    ring = b.ri(3, 20)
    b.ev("Ring", ring, "agent", status="Ringing", agent=agent, group=group)
    b.t += ring
    queued["Duration"] = b.t - q0
    b.ev("AbandonedRing", 0, "queue", agent=agent, group=group)
    b.disposition = "AbandonedRing"
    # The agent's leg is cancelled, but the customer's leg was answered by the IVR: a BYE.
    b.release_agent = "customer"
    b.release_reason = b.reason(REASON_TALK)


def _sc_overflow(b: CallBuilder, *, answered: bool) -> None:
    first = _dial_in(b)
    _wait_in_queue(b, first, 60, 180)
    b.ev("ACDOverflow", 0, "queue", group=first, OverflowTo="夜间值班组" if answered else "")
    if not answered:
        notice = b.ri(5, 20)
        b.ev("EnterIVR", notice, "ivr", IvrName="溢出提示音")
        b.t += notice
        b.disposition = "QueueOverflow"
        b.release_agent = "system"  # no agent took part: the flow hangs up after its notice
        b.release_reason = "200-OK"
        return
    second = SKILL_GROUPS[8]
    q1 = b.t
    agent, queued2 = _queue_to_agent(b, second, waiting=False, giveups=0)
    ring_answered(b, agent, second, queued2, q1)
    b.talk(agent, second, b.ri(30, 600))
    b.end(agent, second, "customer", survey=b.rng.random() < 0.5)
    b.release_reason = "200-OK"


def _sc_transfer(b: CallBuilder) -> None:
    group = _dial_in(b)
    q0 = b.t
    first, queued = _queue_to_agent(b, group, waiting=False, giveups=0)
    ring_answered(b, first, group, queued, q0)
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


def _sc_call_for_help(b: CallBuilder) -> None:
    group = _dial_in(b)
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=b.rng.random() < 0.3, giveups=0)
    ring_answered(b, agent, group, queued, q0)
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


def _fix_talk(b: CallBuilder, agent: Agent, talk_start: int) -> None:
    """Set the length of a talk leg that was left open while other things happened."""
    seconds = b.t - talk_start
    b.recordings[-1]["Duration"] = seconds
    for item in reversed(b.events):
        if item["Event"] == "Talk" and item.get("AgentName") == agent.name:
            item["Duration"] = seconds
            break


def _sc_meeting(b: CallBuilder) -> None:
    group = _dial_in(b)
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=False, giveups=0)
    ring_answered(b, agent, group, queued, q0)
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


def _outbound_start(b: CallBuilder, contact_type: str = "Outbound") -> tuple[Agent, SkillGroup]:
    b.mode = "Outbound"
    b.contact_type = contact_type
    group = b.group(OUTBOUND_GROUPS)
    agent = b.agent_in(group)
    b.caller = b.pick(CENTER_NUMBERS)
    b.callee = b.customer()
    return agent, group


def _sc_outbound(b: CallBuilder, *, answered: bool, contact_type: str = "Outbound") -> None:
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
        b.release_reason = b.reason(REASON_NO_ANSWER)
        # 487: the agent cancelled the dial; any other code is the customer's side refusing.
        b.release_agent = "agent" if b.release_reason.startswith("487") else "customer"


def _sc_back2back(b: CallBuilder) -> None:
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


def _sc_predictive(b: CallBuilder) -> None:
    _, group = _outbound_start(b, "PredictiveDial")
    b.mode = "PredictiveDial"
    dial = b.ri(4, 25)
    b.ev("Dial", dial, "agent", status="Dialing", group=group, JobGroup="回访任务")
    b.t += dial
    q0 = b.t
    agent, queued = _queue_to_agent(b, group, waiting=False, giveups=0)
    ring_answered(b, agent, group, queued, q0)
    b.talk(agent, group, b.ri(20, 300))
    b.end(agent, group, b.pick(("customer", "agent")), survey=False)
    b.release_reason = "200-OK"


_BUILDERS: dict[str, Callable[[CallBuilder], None]] = {
    "inbound": _sc_inbound,
    "inbound_waiting": lambda b: _sc_inbound(b, waiting=True),
    "inbound_giveup": lambda b: _sc_inbound(b, waiting=b.rng.random() < 0.5, giveups=b.ri(1, 2)),
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


def draw_scenario(rng: random.Random) -> str:
    """A generated call's scenario, drawn by weight."""
    r = rng.random() * _SCENARIO_CUM[-1]
    return _SCENARIO_NAMES[bisect.bisect_right(_SCENARIO_CUM, r)]


def run_scenario(b: CallBuilder, name: str) -> None:
    """Write the trail of the scenario called `name` (a key of the weights table)."""
    _BUILDERS[name](b)
