"""What the documented event codes and SIP release reasons mean, in plain words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ccc_tui.api.models import Lane, ReleaseReason


@dataclass(frozen=True, slots=True)
class EventInfo:
    lane: Lane
    label_zh: str  # the seed document's Chinese label
    description: str  # plain English


_EVENTS_2017: dict[str, EventInfo] = {
    "EnterIVR": EventInfo(Lane.IVR, "进入IVR", "entered the IVR"),
    "EnterQueue": EventInfo(Lane.QUEUE, "进入队列", "entered the queue"),
    "ACDOverflow": EventInfo(Lane.QUEUE, "队列溢出", "queue overflowed"),
    "AbandonedRing": EventInfo(Lane.QUEUE, "振铃放弃", "abandoned while ringing"),
    "NormalEnd": EventInfo(Lane.QUEUE, "队列中正常结束", "left the queue normally"),
    "AbandonedInQueue": EventInfo(Lane.QUEUE, "进入放弃队列", "abandoned in the queue"),
    "WaitingInQueue": EventInfo(Lane.QUEUE, "进入等待队列", "waiting in the queue"),
    "Ring": EventInfo(Lane.AGENT, "振铃", "agent's phone rang"),
    "Talk": EventInfo(Lane.AGENT, "通话", "talking"),
    "GiveUp": EventInfo(Lane.AGENT, "放弃", "given up"),
    "End": EventInfo(Lane.AGENT, "结束", "call ended"),
    "Handle": EventInfo(Lane.AGENT, "挂断", "hung up / after-call work"),
    "CallForHelp": EventInfo(Lane.AGENT, "发起求助", "agent asked for help"),
    "CallForHelpSuccess": EventInfo(Lane.AGENT, "求助成功", "help joined"),
    "SetUpMeeting": EventInfo(Lane.AGENT, "会议建立", "conference set up"),
    "Dial": EventInfo(Lane.AGENT, "拨号", "agent dialled out"),
    "LaunchTransfer": EventInfo(Lane.AGENT, "转接", "transfer started"),
}
# 2020-07-01 (GetCallDetailRecord's event sequences). The lane an event is shown on is the array
# it came in; this one is only the fallback.
_EVENTS_2020: dict[str, EventInfo] = {
    "Route2IVR": EventInfo(Lane.IVR, "进入IVR", "routed to the IVR"),
    "IVRException": EventInfo(Lane.IVR, "IVR异常", "the IVR flow failed"),
    "Incoming": EventInfo(Lane.CUSTOMER, "呼入", "the customer's call came in"),
    "Ringing": EventInfo(Lane.CUSTOMER, "客户振铃", "the customer's phone rang"),
    "Enqueue": EventInfo(Lane.QUEUE, "进入队列", "entered the queue"),
    "AssignAgent": EventInfo(Lane.QUEUE, "分配坐席", "the queue gave the call to an agent"),
    "QueuingTimeout": EventInfo(Lane.QUEUE, "排队超时", "timed out in the queue"),
    "QueueingTimeout": EventInfo(Lane.QUEUE, "排队超时", "timed out in the queue"),
    "QueuingOverflow": EventInfo(Lane.QUEUE, "排队溢出", "queue overflowed"),
    "QueuingFailed": EventInfo(Lane.QUEUE, "排队失败", "the call could not be queued"),
    "AgentRinging": EventInfo(Lane.AGENT, "坐席振铃", "agent's phone rang"),
    "Dialing": EventInfo(Lane.AGENT, "外呼拨号", "dialling the customer"),
    "Established": EventInfo(Lane.AGENT, "通话建立", "connected: talking"),
    "Held": EventInfo(Lane.AGENT, "保持", "the customer was put on hold"),
    "Retrieved": EventInfo(Lane.AGENT, "取回", "the customer was taken off hold"),
    "BlindTransfer": EventInfo(Lane.AGENT, "盲转", "blind transfer"),
    "AttendedTransfer": EventInfo(Lane.AGENT, "咨询转接", "attended (consulted) transfer"),
    "Released": EventInfo(Lane.AGENT, "挂机", "hung up; then after-call work"),
}
EVENTS: dict[str, EventInfo] = {**_EVENTS_2017, **_EVENTS_2020}
EVENTS_2017: frozenset[str] = frozenset(_EVENTS_2017)  # ListCallEventDetailByContactId's names
EVENTS_2020: frozenset[str] = frozenset(_EVENTS_2020)  # GetCallDetailRecord's own names

# ContactDisposition values of "find calls": 2017 ListCallDetailRecords, then the ones only the
# 2020-07-01 ListCallDetailRecordsV2 adds. How each reads as an outcome: ccc_tui.calls.outcome.
DISPOSITIONS_2017: tuple[str, ...] = (
    "Success",
    "NoAnswer",
    "AbandonedInContactFlow",
    "AbandonedInQueue",
    "AbandonedRing",
    "QueueOverflow",
    "OneStepTransfer",
)
DISPOSITIONS_2020: tuple[str, ...] = (
    "Success",
    "NoAnswer",
    "AbandonedInQueue",
    "AbandonedInIVR",
    "AbandonedInRing",
    "AbandonedInVoiceNavigator",
    "QueuingTimeout",
    "QueuingOverflow",
    "QueuingFailed",
    "Voicemail",
    "IVRException",
    "Reject",
    "ForwardToOutsideNumber",
)

LANE_LABELS_ZH = {
    Lane.IVR: "IVR",
    Lane.QUEUE: "队列",
    Lane.AGENT: "坐席",
    Lane.CUSTOMER: "客户",
    Lane.OTHER: "其他",
}


def lane_of(event: str, event_type: str = "") -> Lane:
    """DetailData.EventType wins when it names a lane; else the documented lane of the event."""
    try:
        return Lane(event_type.strip().lower())
    except ValueError:
        pass
    info = EVENTS.get(event)
    return info.lane if info else Lane.OTHER


def event_label(event: str, language: str = "en") -> str:
    info = EVENTS.get(event)
    if language.startswith("zh") and info:
        return info.label_zh
    return event


def event_description(event: str) -> str:
    info = EVENTS.get(event)
    return info.description if info else ""


# What each SIP code says about the one leg it was sent on — never about the whole call. A 200 only
# says that leg was answered and later hung up normally: an IVR answers inbound calls, so a caller
# who gives up in the queue still sends a BYE on an answered leg. How the call ended (answered by an
# agent, abandoned, overflowed …) is read from the events: see `ccc_tui.calls.outcome`.
# What the enumerated detail values mean (field -> value -> plain words), so the screens never show
# a bare `byeSystem`. Keys are matched without regard to case; unknown values are shown as sent.
VALUE_MEANINGS: dict[str, dict[str, str]] = {
    "HangUper": {
        "byesystem": "the system ended the leg (IVR, queue or a timeout), not a person",
        "byecustomer": "the customer hung up",
        "byeagent": "the agent hung up",
        "customer": "the customer hung up",
        "agent": "the agent hung up",
        "system": "the system ended the leg, not a person",
    },
    "Status": {
        "ringing": "the agent's phone is ringing",
        "talking": "on the call",
        "handling": "after-call work (wrap-up), the customer is gone",
        "dialing": "dialling out, the customer's phone not yet answered",
        "ready": "available for calls",
        "break": "on a break",
    },
    "CallMode": {
        "inbound": "a customer called in",
        "outbound": "an agent called a customer",
        "back2back": "two numbers connected by the call center",
        "predictivedial": "dialled by the system, then given to an agent",
        "privacydial": "dialled through a privacy (masked) number",
        "internal": "between two agents",
    },
    "EventType": {
        "ivr": "in the IVR",
        "queue": "in a queue",
        "agent": "with an agent",
    },
}


def value_meaning(field: str, value: str) -> str:
    """`value` with its plain-words meaning, e.g. `byeSystem — the system ended the leg …`."""
    words = VALUE_MEANINGS.get(field, {}).get(value.strip().casefold())
    return f"{value} — {words}" if words and value else value


_SIP: dict[int, str] = {
    200: "the leg ended with a normal hang-up",
    300: "the called side has several possible destinations",
    301: "the number moved permanently",
    302: "the leg was redirected",
    380: "an alternative service was offered",
    400: "the request was malformed (a signalling error)",
    401: "the carrier required authentication",
    403: "the carrier or the called side refused the leg",
    404: "the number does not exist",
    405: "the method was not allowed by the far end",
    406: "the far end could not accept the leg's format",
    407: "a proxy required authentication",
    408: "the far end did not respond in time (request timeout)",
    410: "the number is no longer in service",
    413: "the request was too large",
    414: "the address was too long",
    415: "unsupported media type",
    416: "unsupported address scheme",
    420: "a required extension was not supported",
    421: "the far end required an extension",
    423: "the session interval was too brief",
    480: "the called side was temporarily unavailable (phone off or out of coverage)",
    481: "the leg did not exist any more",
    482: "a routing loop was detected",
    483: "too many hops",
    484: "the number was incomplete",
    485: "the number was ambiguous",
    486: "the called side was busy",
    487: "the leg was cancelled before it was answered",
    488: "the media could not be negotiated (codec mismatch)",
    489: "bad event",
    491: "a request was pending",
    493: "the request could not be decrypted",
    500: "the carrier or server had an internal error",
    501: "the far end does not implement this",
    502: "a gateway got a bad answer from the next hop",
    503: "the service was unavailable or overloaded",
    504: "a gateway timed out waiting for the next hop",
    505: "SIP version not supported",
    513: "the message was too large",
    600: "the called side was busy everywhere",
    603: "the called side declined",
    604: "the number does not exist anywhere",
    606: "the called side could not accept the leg",
}

# Exactly three ASCII digits in the SIP range: `4871` or `000` are not codes (and int() would
# happily read Arabic-Indic digits).
_SIP_RE = re.compile(r"^\s*([1-6][0-9]{2})(?![0-9])\s*(?:[-:]\s*)?(.*)$", re.DOTALL)


def parse_release_reason(raw: str) -> ReleaseReason | None:
    """`487-Request Terminated` → code 487, text, and what the signalling says about that leg."""
    if not raw or not raw.strip():
        return None
    match = _SIP_RE.match(raw)
    if not match:
        return ReleaseReason(raw=raw, sip_code=None, text=raw.strip(), explanation="")
    code = int(match.group(1))
    text = match.group(2).strip()
    explanation = _SIP.get(code, "")
    if not explanation:
        explanation = {
            2: "the leg completed normally",
            3: "the leg was redirected",
            4: "the request failed at the far end",
            5: "a server or carrier failed",
            6: "the leg failed everywhere",
        }.get(code // 100, "")
    return ReleaseReason(raw=raw, sip_code=code, text=text, explanation=explanation)
