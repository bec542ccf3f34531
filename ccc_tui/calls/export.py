"""Headless views of a call: plain text for a terminal, Markdown for a ticket, JSON Lines for jq.

Never imports Textual. Server text is neutralised (control characters and escape sequences) before
it reaches a terminal or a document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from ccc_tui.api.catalogue import event_description, event_label
from ccc_tui.api.models import Call, CallEvent, Recording
from ccc_tui.calls.ivr import ended_line, ivr_steps, ivr_to_dicts
from ccc_tui.calls.outcome import conflict, outcome_of, release_line
from ccc_tui.calls.phases import phase_label, phase_summary
from ccc_tui.calls.record import (
    channel_label,
    holds_text,
    is_multi_channel,
    record_rows,
    record_to_dict,
)
from ccc_tui.calls.text import (
    cell_width,
    fit,
    format_clock,
    format_duration,
    format_offset,
    safe_text,
)
from ccc_tui.calls.zone import format_local
from ccc_tui.calls.zone import iso_utc as iso_utc  # where the other modules import it from

MAX_CELL = 60  # longest value shown in a text or Markdown table cell


# ---- JSON Lines ------------------------------------------------------------------------------


def call_to_dict(call: Call) -> dict[str, Any]:
    """The stable JSON shape of `show --json`: one object per contact."""
    reason = call.release_reason
    outcome = outcome_of(call)
    return {
        "contact_id": call.contact_id,
        # An unknown ContactId is answered with empty lists, not an error: say so.
        "found": not call.is_empty,
        "outcome": None if call.is_empty else outcome.to_dict(),
        "release_conflict": None if call.is_empty else conflict(call, outcome),
        "call": {
            "caller": call.caller,
            "callee": call.callee,
            "call_type": call.direction,
            "start_time": iso_utc(call.start),
            "duration": _seconds(call),
            "release_agent": call.release_agent,
            "release_reason": reason.raw if reason else "",
            "release_explanation": reason.explanation if reason else "",
            "privacy_number": call.privacy_number,
        },
        "events": [_event_to_dict(e) for e in call.events],
        "recordings": [_recording_to_dict(r) for r in call.recordings],
        # 2020-07-01 only (null for a 2017 call): the call record's own facts.
        "record": record_to_dict(call),
        # The IVR nodes the call passed (null when the instance could not say).
        "ivr": None if call.ivr_nodes is None else ivr_to_dicts(call.ivr_nodes, call),
    }


def _seconds(call: Call) -> int | None:
    duration = call.duration
    return int(duration.total_seconds()) if duration is not None else None


def _event_to_dict(event: CallEvent) -> dict[str, Any]:
    detail = event.raw.get("DetailData") if isinstance(event.raw, dict) else None
    return {
        "time": iso_utc(event.time),
        "event": event.event,
        "event_type": event.event_type or event.lane.value,
        "status": event.status,
        "agent_name": event.agent_name,
        "skill_group": event.skill_group,
        "call_mode": event.call_mode,
        "duration": event.duration,
        "detail": detail if isinstance(detail, dict) else dict(event.details),
    }


def _recording_to_dict(rec: Recording) -> dict[str, Any]:
    return {
        "file_name": rec.file_name,
        "agent_name": rec.agent_name,
        "agent_id": rec.agent_id,
        "calling_number": rec.calling_number,
        "called_number": rec.called_number,
        "contact_type": rec.contact_type,
        "start_time": iso_utc(rec.start),
        "duration": rec.duration,
        "file_description": rec.description,
        "channel": rec.channel,
        "hold_segments": [
            {"start_time": iso_utc(start), "end_time": iso_utc(end)}
            for start, end in rec.hold_segments
        ],
    }


# Kept as \uXXXX escapes in JSON: a terminal acts on C1 controls (CSI, OSC, ST), DEL and the
# bidi and line-separator marks even when they sit inside a JSON string.
_JSON_INERT = {
    code: f"\\u{code:04x}"
    for code in (
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x2028,
        0x2029,
        0x200E,
        0x200F,
        0x061C,
    )
}
# Finds one in a whole line at C speed: translating every line, character by character, costs
# `find --json` a fifth of its time.
_JSON_INERT_SEARCH = re.compile("[" + "".join(map(chr, _JSON_INERT)) + "]").search


# One encoder for every compact line: json.dumps with options builds a new one on each call,
# which costs `find --json` as much as the encoding itself.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_text(value: Any, *, indent: int | None = None) -> str:
    """JSON with non-ASCII text kept readable (CJK names) and every character a terminal would
    act on escaped; still valid JSON that decodes to the same value."""
    if indent is None:
        text = _COMPACT.encode(value)
    else:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    # Every character to escape is one `isprintable` rejects (a test holds the set to that): a
    # printable line, as listings almost always are, is known clean at 3× the search's speed.
    # (Not `isascii`: DEL is ASCII, and JSON leaves it raw.)
    if text.isprintable() or _JSON_INERT_SEARCH(text) is None:
        return text
    return text.translate(_JSON_INERT)


def render_json_line(call: Call) -> str:
    return json_text(call_to_dict(call))


# ---- plain text ------------------------------------------------------------------------------


def _summary_lines(call: Call, tz: tzinfo | None, language: str = "en") -> list[tuple[str, str]]:
    direction = safe_text(call.direction, 20) or "Unknown direction"
    rows = [
        ("Contact", f"{safe_text(call.contact_id, 64)} · {direction}"),
        ("Parties", f"{safe_text(call.caller, 40) or '?'} → {safe_text(call.callee, 40) or '?'}"),
        ("Started", format_local(call.start, tz)),
        ("Duration", format_duration(call.duration.total_seconds()) if call.duration else "—"),
    ]
    if not call.is_empty:
        # How it ended, from the events; then the release fields as what they are; then where
        # the two disagree, said rather than resolved.
        outcome = outcome_of(call)
        rows.append(("Outcome", outcome.line(language)))
        rows.append(("Release", release_line(call)))
        if (disagreement := conflict(call, outcome)) is not None:
            rows.append(("Note", disagreement))
        rows.extend(record_rows(call, language))
        if call.ivr_nodes and (ended := ended_line(ivr_steps(call.ivr_nodes, call), tz)):
            rows.append(("IVR", ended))
    if call.privacy_number:
        rows.append(("Privacy no.", safe_text(call.privacy_number, 40)))
    if call.events:
        rows.append(("Time spent", phases_line(call, language)))
    return rows


def phases_line(call: Call, language: str = "en") -> str:
    """Where the time went: "IVR 0:38 · Queue 0:08 · Ring 0:07 · Talk 2:41"."""
    summary = phase_summary(call)
    parts = [
        f"{phase_label(phase, language)} {format_clock(spent.total_seconds())}"
        for phase, spent in summary.items()
    ]
    return " · ".join(parts) or "—"


def _event_rows(call: Call, tz: tzinfo | None, language: str) -> list[list[str]]:
    origin = call.start or next((e.time for e in call.events if e.time), None)
    rows = []
    for e in call.events:
        offset = format_offset(e.time - origin) if e.time and origin else ""
        rows.append(
            [
                format_local(e.time, tz, "%H:%M:%S", zone=False),
                offset,
                e.lane.value.upper(),
                safe_text(event_label(e.event, language), 24),
                safe_text(e.status, 16),
                safe_text(e.agent_name, 24),
                safe_text(e.skill_group, 24),
                format_duration(e.duration) if e.duration is not None else "",
            ]
        )
    return rows


def _recording_rows(call: Call, tz: tzinfo | None) -> list[list[str]]:
    channels = is_multi_channel(call.recordings)
    return [
        [
            safe_text(r.file_name, MAX_CELL),
            safe_text(r.agent_name, 24),
            format_local(r.start, tz, zone=False),  # the zone is on the "Started" line
            format_duration(r.duration) if r.duration is not None else "",
            safe_text(r.contact_type, 16),
            safe_text(r.description, 40),
            *((channel_label(r), holds_text(r)) if channels else ()),
        ]
        for r in call.recordings
    ]


def _recording_header(call: Call) -> list[str]:
    extra = ["CHANNEL", "HOLDS"] if is_multi_channel(call.recordings) else []
    return [*RECORDING_HEADER, *extra]


def _ivr_rows(call: Call, tz: tzinfo | None) -> list[list[str]]:
    return [
        [
            ("▶ " if step.last else "") + step.flow,
            step.name,
            step.node_type,
            step.exit_code,
            safe_text(step.gathered, MAX_CELL),
            step.times(tz),
        ]
        for step in ivr_steps(call.ivr_nodes or (), call)
    ]


IVR_HEADER = ["FLOW", "NODE", "TYPE", "EXIT", "GATHERED", "TIME"]
EVENT_HEADER = ["TIME", "OFFSET", "LANE", "EVENT", "STATUS", "AGENT", "SKILL GROUP", "DUR"]
RECORDING_HEADER = ["FILE", "AGENT", "START", "DUR", "TYPE", "DESCRIPTION"]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns sized in display cells, so CJK names keep the table aligned."""
    widths = [max([cell_width(h)] + [cell_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    keep = [i for i, w in enumerate(widths) if any(r[i] for r in rows) or i < 4]
    lines = []
    for row in [header, *rows]:
        lines.append("  " + "  ".join(fit(row[i], widths[i]) for i in keep).rstrip())
    return lines


def render_text(call: Call, *, tz: tzinfo | None = None, language: str = "en") -> str:
    rows = _summary_lines(call, tz, language)
    width = max([11, *(len(label) for label, _ in rows)]) + 1
    lines = [f"{label:<{width}}{value}" for label, value in rows]
    if call.is_empty:
        lines.append("")
        lines.append("No events and no recordings for this contact in this instance.")
        return "\n".join(lines)
    lines.append("")
    lines.append(f"Events ({len(call.events)})")
    lines.extend(
        _table(EVENT_HEADER, _event_rows(call, tz, language)) if call.events else ["  none"]
    )
    if call.ivr_nodes:
        lines.append("")
        lines.append(f"IVR track ({len(call.ivr_nodes)})")
        lines.extend(_table(IVR_HEADER, _ivr_rows(call, tz)))
    lines.append("")
    lines.append(f"Recordings ({len(call.recordings)})")
    if call.recordings:
        lines.extend(_table(_recording_header(call), _recording_rows(call, tz)))
    else:
        lines.append("  none")
    return "\n".join(lines)


# ---- Markdown --------------------------------------------------------------------------------


def _md(value: str, max_cells: int | None = MAX_CELL) -> str:
    """Markdown text: neutralised, pipes and markup characters escaped; cut to `max_cells` only
    for a table cell (None: a summary line, never cut)."""
    text = safe_text(value, max_cells)
    for ch in "\\|*_`[]<>#":
        text = text.replace(ch, "\\" + ch)
    return text


def _md_table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in rows)
    return out


def render_markdown(call: Call, *, tz: tzinfo | None = None, language: str = "en") -> str:
    lines = [f"## Call {_md(call.contact_id)}", ""]
    lines.extend(
        f"- **{label}:** {_md(value, None)}" for label, value in _summary_lines(call, tz, language)
    )
    lines.append("")
    if call.is_empty:
        lines.append("_No events and no recordings for this contact in this instance._")
        return "\n".join(lines) + "\n"
    lines.append(f"### Events ({len(call.events)})")
    lines.append("")
    rows = _event_rows(call, tz, language)
    for row, event in zip(rows, call.events, strict=True):
        desc = event_description(event.event)
        if desc:
            row[3] = f"{row[3]} ({desc})"
    lines.extend(_md_table([h.title() for h in EVENT_HEADER], rows) if rows else ["_none_"])
    lines.append("")
    if call.ivr_nodes:
        lines.append(f"### IVR track ({len(call.ivr_nodes)})")
        lines.append("")
        lines.extend(_md_table([h.title() for h in IVR_HEADER], _ivr_rows(call, tz)))
        lines.append("")
    lines.append(f"### Recordings ({len(call.recordings)})")
    lines.append("")
    recs = _recording_rows(call, tz)
    header = [h.title() for h in _recording_header(call)]
    lines.extend(_md_table(header, recs) if recs else ["_none_"])
    return "\n".join(lines) + "\n"
