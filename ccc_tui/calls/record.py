"""What a call record says beyond its events (2020-07-01 GetCallDetailRecord: `Call.record`).

The disposition, why an outbound call did not connect (early media), where the two numbers are,
transfers, hold, satisfaction and the SIP Call-IDs a carrier ticket needs; and where the record's
own durations disagree with the events. Shared by the TUI and the headless output: no Textual.

**Durations.** The record's IvrTime, QueueTime, RingTime, TalkTime and HeldTime are compared with
the time the events of that phase cover (the union of their spans, so a ring that overlaps the
queue counts in both, as the record counts it; hold is the Held spans). A difference of more than
`TOLERANCE` seconds is a disagreement: the record's value is shown and the difference said, never
resolved. A 2017 call has no record: nothing to show, nothing to compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccc_tui.api.models import Call, CallFacts, Recording
from ccc_tui.calls.outcome import EARLY_MEDIA
from ccc_tui.calls.phases import CallAnalysis, Phase, analyse, event_phase
from ccc_tui.calls.text import format_clock, safe_text
from ccc_tui.calls.zone import iso_utc

__all__ = [
    "TOLERANCE",
    "DurationCheck",
    "call_ids_text",
    "channel_label",
    "duration_checks",
    "durations_note",
    "early_media_line",
    "facts_line",
    "holds_text",
    "is_multi_channel",
    "record_rows",
    "record_times_line",
    "record_to_dict",
]

TOLERANCE = 2  # seconds: more than this apart is a disagreement
_NAME = 40

# (label, the record's field, what the events' side counts)
_TIMES: tuple[tuple[str, str, Phase | None], ...] = (
    ("IVR", "ivr_time", Phase.IVR),
    ("Queue", "queue_time", Phase.QUEUE),
    ("Ring", "ring_time", Phase.RING),
    ("Talk", "talk_time", Phase.TALK),
    ("Held", "held_time", None),  # None: the Held events
)


@dataclass(frozen=True, slots=True)
class DurationCheck:
    """One of the record's durations next to what the events cover (whole seconds)."""

    label: str
    record: int
    events: int

    @property
    def agrees(self) -> bool:
        return abs(self.record - self.events) <= TOLERANCE


def _covered(intervals: list[tuple[float, float]]) -> float:
    """Seconds covered by the union of `intervals`."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def duration_checks(call: Call, analysis: CallAnalysis | None = None) -> list[DurationCheck]:
    """Each duration the record states, with the events' side; [] without a record or events."""
    facts = call.record
    if facts is None or not call.events:
        return []
    analysis = analysis or analyse(call)
    spans: dict[Phase | None, list[tuple[float, float]]] = {}
    for index, event in enumerate(call.events):
        span = analysis.spans[index]
        if span is None or span[1] <= span[0]:
            continue
        spans.setdefault(event_phase(event), []).append(span)
        if event.event.strip() == "Held":
            spans.setdefault(None, []).append(span)
    checks = []
    for label, name, phase in _TIMES:
        stated = getattr(facts, name)
        if stated is None:
            continue
        checks.append(DurationCheck(label, stated, round(_covered(spans.get(phase, [])))))
    return checks


def durations_note(call: Call, analysis: CallAnalysis | None = None) -> str | None:
    """One line when the record's durations and the events disagree (else None)."""
    differ = [c for c in duration_checks(call, analysis) if not c.agrees]
    if not differ:
        return None
    parts = " · ".join(
        f"{c.label} {format_clock(c.record)} (events {format_clock(c.events)})" for c in differ
    )
    return f"The call record's times differ from the events', the record's shown: {parts}"


def record_times_line(facts: CallFacts) -> str:
    """The record's durations: "IVR 0:38 · Queue 0:10 · Ring 0:07 · Talk 2:41 · Held 0:20"."""
    parts = [
        f"{label} {format_clock(value)}"
        for label, name, _ in (*_TIMES, ("Wait", "wait_time", None))
        if (value := getattr(facts, name)) is not None
    ]
    return " · ".join(parts)


def early_media_line(facts: CallFacts, language: str = "en") -> str:
    """Why an outbound call did not connect, as the carrier said it: state, meaning and text."""
    state = safe_text(facts.early_media_state, 24)
    said = safe_text(facts.early_media_text, 60)
    if not state and not said:
        return ""
    meaning = EARLY_MEDIA.get(facts.early_media_state.strip().casefold())
    words = meaning[1 if language.startswith("zh") else 0] if meaning else ""
    line = f"{state} — {words}" if state and words else state or ""
    if said:
        line = f"{line} · “{said}”" if line else f"“{said}”"
    return line


def _locations(facts: CallFacts) -> str:
    caller = safe_text(facts.caller_location, 24)
    callee = safe_text(facts.callee_location, 24)
    if not caller and not callee:
        return ""
    return f"{caller or '?'} → {callee or '?'}"


def _satisfaction(facts: CallFacts) -> str:
    score = safe_text(facts.satisfaction, 12)
    said = safe_text(facts.satisfaction_description, 24)
    if not score or (score == "0" and not said):
        return ""
    return f"{score} ({said})" if said else score


def facts_line(call: Call, *, copy_key: str = "", early_media: bool = True) -> str:
    """The record's facts in one line; "" for a call without a record (2017). `copy_key`: the
    key that copies the SIP Call-IDs; `early_media`: False when it has a line of its own."""
    facts = call.record
    if facts is None:
        return ""
    parts = []
    if facts.disposition:
        parts.append(safe_text(facts.disposition, _NAME))
    if early_media and (early := early_media_line(facts)):
        parts.append(f"early media {early}")
    if where := _locations(facts):
        parts.append(where)
    if facts.transfer_count:
        count = facts.transfer_count
        parts.append(f"{count} transfer{'' if count == 1 else 's'}")
    if facts.held_time:
        parts.append(f"held {format_clock(facts.held_time)}")
    if score := _satisfaction(facts):
        parts.append(f"satisfaction {score}")
    if facts.call_ids:
        count = len(facts.call_ids)
        key = f" ({copy_key} copies)" if copy_key else ""
        parts.append(f"{count} SIP Call-ID{'' if count == 1 else 's'}{key}")
    return " · ".join(parts)


def call_ids_text(call: Call) -> str:
    """The SIP Call-IDs, one a line, for a carrier ticket; "" when the record has none."""
    facts = call.record
    return "\n".join(safe_text(i, 200) for i in facts.call_ids) if facts else ""


def record_rows(call: Call, language: str = "en") -> list[tuple[str, str]]:
    """(label, value) rows of the headless summary; [] for a call without a record."""
    facts = call.record
    if facts is None or call.is_empty:
        return []
    rows = []
    if line := facts_line(call, early_media=False):
        rows.append(("Record", line))
    if early := early_media_line(facts, language):
        rows.append(("Early media", early))
    if times := record_times_line(facts):
        rows.append(("Record times", times))
    if (note := durations_note(call)) is not None:
        rows.append(("Note", note))
    if facts.call_ids:
        rows.append(("SIP Call-IDs", ", ".join(safe_text(i, 200) for i in facts.call_ids)))
    return rows


def record_to_dict(call: Call) -> dict[str, Any] | None:
    """The record's facts for JSON (None for a 2017 call): stable keys, seconds as integers."""
    facts = call.record
    if facts is None:
        return None
    reason = facts.release_reason
    return {
        "disposition": facts.disposition,
        "contact_type": facts.contact_type,
        "release_initiator": facts.release_initiator,
        "release_reason": reason.raw if reason else "",
        "outside_release_reason": facts.outside_release_reason,
        "early_media_state": facts.early_media_state,
        "early_media_text": facts.early_media_text,
        "established_time": iso_utc(facts.established),
        "release_time": iso_utc(facts.released),
        "call_duration": facts.call_duration,
        "ivr_time": facts.ivr_time,
        "queue_time": facts.queue_time,
        "ring_time": facts.ring_time,
        "talk_time": facts.talk_time,
        "held_time": facts.held_time,
        "wait_time": facts.wait_time,
        "dialing_time": facts.dialing_time,
        "transfer_count": facts.transfer_count,
        "call_ids": list(facts.call_ids),
        "caller_location": facts.caller_location,
        "callee_location": facts.callee_location,
        "agent_ids": list(facts.agent_ids),
        "agent_names": list(facts.agent_names),
        "skill_group_ids": list(facts.skill_group_ids),
        "skill_group_names": list(facts.skill_group_names),
        "satisfaction": facts.satisfaction,
        "satisfaction_description": facts.satisfaction_description,
        "recording_ready": facts.recording_ready,
        "duration_checks": [
            {"label": c.label, "record": c.record, "events": c.events, "agrees": c.agrees}
            for c in duration_checks(call)
        ],
    }


# --- multi-channel recordings ------------------------------------------------------------------


def channel_label(recording: Recording) -> str:
    """The recording's channel (AgentChannelId of a multi-channel recording), else "mono"."""
    return safe_text(recording.channel, 40) or "mono"


def holds_text(recording: Recording) -> str:
    """When the customer was held, from the recording's start: "held 0:42–1:05, 2:10–2:20";
    clock times when the recording has no start; "" without a hold."""
    spans = []
    for start, end in recording.hold_segments:
        if recording.start is not None:
            origin = recording.start
            spans.append(
                f"{format_clock((start - origin).total_seconds())}"
                f"–{format_clock((end - origin).total_seconds())}"
            )
        else:
            spans.append(f"{start:%H:%M:%S}–{end:%H:%M:%S}")
    return f"held {', '.join(spans)}" if spans else ""


def is_multi_channel(recordings: tuple[Recording, ...]) -> bool:
    """Whether any recording of a call says its channel or holds (2020-07-01)."""
    return any(r.channel or r.hold_segments for r in recordings)
