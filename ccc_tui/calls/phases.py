"""Where a call's time went: the phases of a call and the span of each event on its time axis.

Shared by the TUI and the headless output, so no Textual here.

What a CCC trail looks like (ListCallEventDetailByContactId): one row per event, each with a
TimeStamp and usually a Duration in seconds. Inbound: EnterIVR → EnterQueue (→ WaitingInQueue) →
Ring → Talk → End → Handle, with LaunchTransfer → Ring → Talk for a second agent, AbandonedInQueue or
AbandonedRing when the caller gave up. Outbound (the seed): Dial 9 s, End 16 s (status Handling),
Handle 0 s; the End and Handle share one TimeStamp.

The rules, chosen to survive what servers actually send:

1. **Origin.** Offsets are seconds from the call's StartTime, or from the earliest event when there
   is none. An event stamped before the origin (clock skew) gets a negative offset rather than
   moving the origin: it is shown as it is.
2. **Order.** Events are ordered stably by time; an event without a time keeps its place after the
   event before it. Equal timestamps keep the server's order.
3. **Span of an event.** It starts at its time. A known Duration (≥ 0) runs forward from there —
   the same reading as `Call.end`; the seed's End (status Handling, 16 s) is the agent's after-call
   work. When the Duration is missing (or negative, i.e. garbage), an event that opens a state
   (EnterIVR, EnterQueue, WaitingInQueue, ACDOverflow, Dial, Ring, Talk, SetUpMeeting, CallForHelp;
   2020-07-01: Route2IVR, Enqueue, Dialing, Ringing, AgentRinging, Established, Held) lasts
   until the next later timestamp and its end is marked *estimated*; any other event is a point.
   Durations are capped at 7 days so one absurd value cannot blow the axis up. An event without a
   time has no span and counts in no phase.
4. **Phase of an event.** EnterIVR → IVR; EnterQueue, WaitingInQueue, ACDOverflow,
   AbandonedInQueue, NormalEnd → queue; Ring, AbandonedRing, GiveUp → ring; Dial → dial (an
   outbound call waiting for the customer); Talk, SetUpMeeting, CallForHelp, CallForHelpSuccess,
   LaunchTransfer → talk (the customer is still on the line); End, Handle → wrap-up. The
   2020-07-01 names (GetCallDetailRecord) likewise: Route2IVR, IVRException → IVR; Enqueue,
   AssignAgent, Queu(e)ingTimeout, QueuingOverflow, QueuingFailed → queue; AgentRinging → ring;
   Dialing and the customer's Ringing → dial; Established, Held, Retrieved, BlindTransfer,
   AttendedTransfer → talk (a held customer is still on the line); Released → wrap-up (an agent's
   Released carries the after-call work). Unknown events fall back on their lane (IVR, queue),
   else "other".
5. **Partition.** The axis runs from min(0, earliest start) to max(0, latest end). Every instant
   goes to exactly one phase, so the phases always add up to the total: the phase of the most
   recently started span covering it — customer-facing phases (IVR, queue, dial, ring, talk)
   outrank wrap-up and other, so one agent's after-call work never eats the next agent's talk after
   a transfer. Instants no span covers are "other". Overlaps and duplicate events therefore never
   count twice, and a zero-length call is all zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple

from ccc_tui.api.models import Call, CallEvent, Lane

__all__ = [
    "PHASE_LABELS",
    "PHASE_LABELS_ZH",
    "PHASE_ORDER",
    "CallAnalysis",
    "Phase",
    "PhaseSegment",
    "PhaseSummary",
    "analyse",
    "event_phase",
    "event_span",
    "phase_label",
    "phase_summary",
]


class Phase(StrEnum):
    IVR = "ivr"
    QUEUE = "queue"
    DIAL = "dial"
    RING = "ring"
    TALK = "talk"
    WRAP_UP = "wrap_up"
    OTHER = "other"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

PHASE_LABELS: dict[Phase, str] = {
    Phase.IVR: "IVR",
    Phase.QUEUE: "Queue",
    Phase.DIAL: "Dial",
    Phase.RING: "Ring",
    Phase.TALK: "Talk",
    Phase.WRAP_UP: "Wrap-up",
    Phase.OTHER: "Other",
}

PHASE_LABELS_ZH: dict[Phase, str] = {
    Phase.IVR: "IVR",
    Phase.QUEUE: "排队",
    Phase.DIAL: "拨号",
    Phase.RING: "振铃",
    Phase.TALK: "通话",
    Phase.WRAP_UP: "话后处理",
    Phase.OTHER: "其他",
}


def phase_label(phase: Phase, language: str = "en") -> str:
    labels = PHASE_LABELS_ZH if language.startswith("zh") else PHASE_LABELS
    return labels[phase]


_EVENT_PHASE: dict[str, Phase] = {
    "EnterIVR": Phase.IVR,
    "EnterQueue": Phase.QUEUE,
    "WaitingInQueue": Phase.QUEUE,
    "ACDOverflow": Phase.QUEUE,
    "AbandonedInQueue": Phase.QUEUE,
    "NormalEnd": Phase.QUEUE,
    "Ring": Phase.RING,
    "AbandonedRing": Phase.RING,
    "GiveUp": Phase.RING,
    "Dial": Phase.DIAL,
    "Talk": Phase.TALK,
    "SetUpMeeting": Phase.TALK,
    "CallForHelp": Phase.TALK,
    "CallForHelpSuccess": Phase.TALK,
    "LaunchTransfer": Phase.TALK,
    "End": Phase.WRAP_UP,
    "Handle": Phase.WRAP_UP,
    # 2020-07-01
    "Route2IVR": Phase.IVR,
    "IVRException": Phase.IVR,
    "Enqueue": Phase.QUEUE,
    "AssignAgent": Phase.QUEUE,
    "QueuingTimeout": Phase.QUEUE,
    "QueueingTimeout": Phase.QUEUE,
    "QueuingOverflow": Phase.QUEUE,
    "QueuingFailed": Phase.QUEUE,
    "AgentRinging": Phase.RING,
    "Dialing": Phase.DIAL,
    "Ringing": Phase.DIAL,  # the customer's phone, while an outbound call waits for them
    "Established": Phase.TALK,
    "Held": Phase.TALK,  # on hold the customer is still on the line
    "Retrieved": Phase.TALK,
    "BlindTransfer": Phase.TALK,
    "AttendedTransfer": Phase.TALK,
    "Released": Phase.WRAP_UP,  # an agent's Released carries the after-call work as Duration
}

# Events that put the call into a state lasting until something else happens.
_STATE_EVENTS = frozenset(
    {
        "EnterIVR",
        "EnterQueue",
        "WaitingInQueue",
        "ACDOverflow",
        "Dial",
        "Ring",
        "Talk",
        "SetUpMeeting",
        "CallForHelp",
        "Route2IVR",
        "Enqueue",
        "AgentRinging",
        "Dialing",
        "Ringing",
        "Established",
        "Held",
    }
)
_CUSTOMER_FACING = frozenset({Phase.IVR, Phase.QUEUE, Phase.DIAL, Phase.RING, Phase.TALK})
_MAX_DURATION_MS = 7 * 24 * 3600 * 1000
_MS = timedelta(milliseconds=1)


def event_phase(event: CallEvent) -> Phase:
    """The phase an event's span belongs to (rule 4 of the module docstring)."""
    phase = _EVENT_PHASE.get(event.event.strip())
    if phase is not None:
        return phase
    if event.lane is Lane.IVR:
        return Phase.IVR
    if event.lane is Lane.QUEUE:
        return Phase.QUEUE
    return Phase.OTHER


class PhaseSegment(NamedTuple):
    """A stretch of the axis spent in one phase, in seconds from the origin."""

    phase: Phase
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class PhaseSummary:
    """Time per phase; the phases always add up to `total`."""

    ivr: timedelta = timedelta(0)
    queue: timedelta = timedelta(0)
    dial: timedelta = timedelta(0)
    ring: timedelta = timedelta(0)
    talk: timedelta = timedelta(0)
    wrap_up: timedelta = timedelta(0)
    other: timedelta = timedelta(0)
    total: timedelta = timedelta(0)
    segments: tuple[PhaseSegment, ...] = field(default=(), repr=False)

    def duration(self, phase: Phase) -> timedelta:
        value: timedelta = getattr(self, phase.value)  # the field names are the phase values
        return value

    def items(self, *, include_zero: bool = False) -> list[tuple[Phase, timedelta]]:
        """(phase, time) in the order a call goes through them."""
        return [
            (phase, self.duration(phase))
            for phase in PHASE_ORDER
            if include_zero or self.duration(phase) > timedelta(0)
        ]


class CallAnalysis:
    """Everything the timeline needs about a call, computed once in O(n log n).

    What only some callers need — the phase summary, the event → index map — is computed on
    first use, so that a 10,000-event timeline paints sooner.
    """

    __slots__ = (
        "_ends",
        "_events",
        "_index_of",
        "_starts",
        "_summary",
        "axis_end",
        "axis_start",
        "estimated",
        "order",
        "origin",
        "spans",
    )

    def __init__(
        self,
        events: tuple[CallEvent, ...],
        *,
        origin: datetime | None,
        order: tuple[int, ...],
        starts: list[int | None],
        ends: list[int | None],
        estimated: frozenset[int],
    ) -> None:
        self._events = events
        self._starts = starts  # ms from the origin, by index into call.events
        self._ends = ends
        self._summary: PhaseSummary | None = None
        self._index_of: dict[int, int] | None = None
        self.origin = origin
        self.order = order  # indices into call.events in display order
        self.estimated = estimated  # indices whose end was inferred (no usable Duration)
        # By index into call.events: (start, end) in seconds from the origin, or None.
        self.spans: tuple[tuple[float, float] | None, ...] = tuple(
            None if start is None or end is None else (start / 1000, end / 1000)
            for start, end in zip(starts, ends, strict=True)
        )
        timed = origin is not None and any(start is not None for start in starts)
        self.axis_start: float = (
            min(0, min(s for s in starts if s is not None)) / 1000 if timed else 0.0
        )  # seconds from the origin; ≤ 0
        self.axis_end: float = (
            max(0, max(e for e in ends if e is not None)) / 1000 if timed else 0.0
        )  # seconds from the origin; ≥ 0

    @property
    def summary(self) -> PhaseSummary:
        if self._summary is None:
            starts, ends, events = self._starts, self._ends, self._events
            items: list[tuple[int, int, Phase]] = []
            for index in self.order:
                start, end = starts[index], ends[index]
                if start is not None and end is not None and end > start:
                    items.append((start, end, event_phase(events[index])))
            self._summary = _partition(
                items, round(self.axis_start * 1000), round(self.axis_end * 1000)
            )
        return self._summary

    @property
    def axis_length(self) -> float:
        return self.axis_end - self.axis_start

    def offset(self, index: int) -> float | None:
        """Seconds from the origin to event `index`, or None when it has no time."""
        span = self.spans[index]
        return None if span is None else span[0]

    def index_of(self, event: CallEvent) -> int:
        """The index of `event` in the call (by identity)."""
        if self._index_of is None:
            self._index_of = {id(e): index for index, e in enumerate(self._events)}
        index = self._index_of.get(id(event))
        if index is None:
            raise ValueError("the event is not part of this call")
        return index


def _aware(moment: datetime) -> datetime:
    # The adapter gives UTC-aware times; a naive one is read as UTC rather than crashing.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _duration_ms(raw: object) -> int | None:
    if type(raw) is int:  # the usual case, kept fast for 10k-event calls
        return None if raw < 0 else min(raw * 1000, _MAX_DURATION_MS)
    if raw is None or isinstance(raw, bool):
        return None
    try:
        value = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return None if value < 0 else min(value * 1000, _MAX_DURATION_MS)


def _build(call: Call) -> CallAnalysis:
    events = call.events
    count = len(events)
    times: list[datetime | None] = [
        (t if t.tzinfo is not None else _aware(t)) if isinstance(t := e.time, datetime) else None
        for e in events
    ]
    origin = _aware(call.start) if isinstance(call.start, datetime) else None
    if origin is None:
        origin = min((t for t in times if t is not None), default=None)

    starts: list[int | None] = [
        None if t is None or origin is None else (t - origin) // _MS for t in times
    ]

    # Rule 2: stable order by time; an untimed event rides on the time before it.
    carried: list[float] = []
    last: float = float("-inf")
    ordered = True
    for start in starts:
        if start is not None:
            ordered = ordered and start >= last
            last = start
        carried.append(last)
    order = list(range(count)) if ordered else sorted(range(count), key=carried.__getitem__)

    ends: list[int | None] = [None] * count
    open_states: list[int] = []  # states without a usable Duration: they end at the next event
    for index, start in enumerate(starts):
        if start is None:
            continue
        event = events[index]
        duration = _duration_ms(event.duration)
        if duration is not None:
            ends[index] = start + duration
        else:
            ends[index] = start
            if event.event in _STATE_EVENTS:
                open_states.append(index)

    estimated: set[int] = set()
    if open_states:
        # The next strictly later timestamp after each one.
        next_later = dict(pairwise(sorted({s for s in starts if s is not None})))
        for index in open_states:
            later = next_later.get(starts[index])  # type: ignore[arg-type]
            if later is not None:
                ends[index] = later
                estimated.add(index)

    return CallAnalysis(
        events,
        origin=origin,
        order=tuple(order),
        starts=starts,
        ends=ends,
        estimated=frozenset(estimated),
    )


def _partition(
    items: list[tuple[int, int, Phase]], axis_start: int, axis_end: int
) -> PhaseSummary:
    """Rule 5 as one sweep over the axis.

    `items` are (start, end, phase) in display order, i.e. by start. Within a rank the winner is
    the latest-started live span, which is always the top of a stack of spans pushed in start
    order once the expired ones are popped off — so two stacks (one per rank) do it in O(n).
    """
    items = sorted(items, key=lambda item: item[0])  # stable: equal starts keep display order
    bounds = sorted({axis_start, axis_end, *(i[0] for i in items), *(i[1] for i in items)})
    totals = dict.fromkeys(PHASE_ORDER, 0)
    segments: list[list[object]] = []
    facing: list[tuple[int, Phase]] = []  # (end, phase) of customer-facing spans
    backstage: list[tuple[int, Phase]] = []  # wrap-up and other
    cursor, count = 0, len(items)
    for low, high in pairwise(bounds):
        while cursor < count and items[cursor][0] <= low:
            _, end, phase = items[cursor]
            (facing if phase in _CUSTOMER_FACING else backstage).append((end, phase))
            cursor += 1
        while facing and facing[-1][0] <= low:
            facing.pop()
        while backstage and backstage[-1][0] <= low:
            backstage.pop()
        phase = facing[-1][1] if facing else backstage[-1][1] if backstage else Phase.OTHER
        totals[phase] += high - low
        if segments and segments[-1][0] is phase:
            segments[-1][2] = high
        else:
            segments.append([phase, low, high])
    return PhaseSummary(
        **{phase.value: timedelta(milliseconds=ms) for phase, ms in totals.items()},
        total=timedelta(milliseconds=axis_end - axis_start),
        segments=tuple(
            PhaseSegment(phase, low / 1000, high / 1000)  # type: ignore[arg-type, operator]
            for phase, low, high in segments
        ),
    )


def analyse(call: Call) -> CallAnalysis:
    """Order, spans, axis and phase summary of `call`.

    Not cached: the call screen builds one `CallView` per loaded call and every widget reads it.
    """
    return _build(call)


def phase_summary(call: Call) -> PhaseSummary:
    """Where the time went; see the module docstring for the rules."""
    return analyse(call).summary


def event_span(call: Call, event: CallEvent) -> tuple[float, float] | None:
    """(start, end) of `event` in seconds from the call's origin; None when it has no time.

    A point event gives start == end. Raises ValueError if `event` is not one of `call.events`.
    """
    analysis = analyse(call)
    try:
        index = analysis.index_of(event)
    except ValueError:
        index = call.events.index(event)  # an equal copy; ValueError when truly absent
    return analysis.spans[index]
