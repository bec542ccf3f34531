"""The IVR track of a call: each node it passed, and whether the call ended in one.

From `CccClient.list_ivr_nodes` (2020-07-01 ListIvrTrackingDetails, 2017 ListIvrTrackingDetail).
Shared by the TUI's IVR panel and the headless output, so no Textual here. Server text is made
safe to show (`safe_text`) here, once.

**The last node.** A call *ended in the IVR* unless a queue or agent event comes after its last
node left (the call went on, whatever that node's exit says); then when its last node left with a
failure, a time-out or a hang-up, or its record says so (IVRException, abandoned in the IVR or the
voice navigator), or nothing else is known but that no later event follows. Then that node is the one
to look at: it is marked, and `ended_line` says where and how, with the flow's publish time when
the track carries it (the flow's first node's properties: `flowVersion`, `publishedTime`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from ccc_tui.api.models import Call, IvrNode
from ccc_tui.calls.text import format_clock, safe_text
from ccc_tui.calls.zone import format_local, iso_utc

__all__ = [
    "IvrStep",
    "ended_in_ivr",
    "ended_line",
    "gathered",
    "ivr_steps",
    "ivr_to_dicts",
]

_ENDING_DISPOSITIONS = frozenset(
    {"ivrexception", "abandonedinivr", "abandonedinvoicenavigator", "abandonedincontactflow"}
)
_ENDING_EXITS = frozenset({"failure", "timeout", "hangup", "error"})
_SLACK = timedelta(seconds=2)
_TEXT = 60


@dataclass(frozen=True, slots=True)
class IvrStep:
    """One node as shown: every text safe to display, times still moments (the zone is the
    viewer's)."""

    node: IvrNode
    flow: str
    name: str
    node_type: str
    exit_code: str
    gathered: str
    enter: datetime | None
    leave: datetime | None
    last: bool  # the node the call ended in (only when it ended in the IVR)

    @property
    def seconds(self) -> float | None:
        if self.enter is None or self.leave is None:
            return None
        return max((self.leave - self.enter).total_seconds(), 0.0)

    @property
    def failed(self) -> bool:
        return self.exit_code.strip().casefold() in _ENDING_EXITS

    def times(self, tz: tzinfo | None, fmt: str = "%H:%M:%S") -> str:
        """"10:52:51–10:52:57 (0:06)" in `tz`; "" when the node has no times."""
        enter = format_local(self.enter, tz, fmt, zone=False) if self.enter else ""
        leave = format_local(self.leave, tz, fmt, zone=False) if self.leave else ""
        spent = f" ({format_clock(self.seconds)})" if self.seconds is not None else ""
        return f"{enter}–{leave}{spent}" if enter or leave else ""


def gathered(node: IvrNode) -> str:
    """What the node gathered or set: its own NodeVariables when the track sends them (the
    channel's variables repeat on every node), else every variable it has ("k=v; k=v")."""
    own = node.raw.get("NodeVariables") if isinstance(node.raw, Mapping) else None
    values: Mapping[str, Any] = own if isinstance(own, Mapping) else node.variables
    return "; ".join(f"{safe_text(str(k), 24)}={safe_text(str(v), 40)}" for k, v in values.items())


def _ordered(nodes: Sequence[IvrNode]) -> list[IvrNode]:
    """By enter time, stably (nodes without one keep their place after the one before)."""
    last = datetime.min.replace(tzinfo=UTC)
    keyed = []
    for index, node in enumerate(nodes):
        if node.enter is not None:
            last = node.enter if node.enter.tzinfo else node.enter.replace(tzinfo=UTC)
        keyed.append((last, index, node))
    return [node for _, _, node in sorted(keyed, key=lambda k: (k[0], k[1]))]


def ended_in_ivr(call: Call | None, nodes: Sequence[IvrNode]) -> bool:
    """Whether the call ended in the IVR (see the module docstring)."""
    if not nodes:
        return False
    ordered = _ordered(nodes)
    left = max((n.leave for n in ordered if n.leave is not None), default=None)
    if call is not None and left is not None:
        # A queue or an agent after the last node: the call went on, whatever the node's exit.
        later = any(
            e.time is not None and e.lane.value not in ("ivr", "customer") and e.time > left + _SLACK
            for e in call.events
        )
        if later:
            return False
    if ordered[-1].exit_code.strip().casefold() in _ENDING_EXITS:
        return True
    if call is None:
        return False
    facts = call.record
    if facts is not None and facts.disposition.strip().casefold() in _ENDING_DISPOSITIONS:
        return True
    return left is not None and bool(call.events)


def ivr_steps(nodes: Sequence[IvrNode], call: Call | None = None) -> list[IvrStep]:
    """The nodes in the order the call passed them, ready to show."""
    ordered = _ordered(nodes)
    ended = ended_in_ivr(call, ordered)
    return [
        IvrStep(
            node=node,
            flow=safe_text(node.flow_name or node.flow_id, _TEXT),
            name=safe_text(node.node_name or node.node_id, _TEXT),
            node_type=safe_text(node.node_type, 24),
            exit_code=safe_text(node.exit_code, 24),
            gathered=gathered(node),
            enter=node.enter,
            leave=node.leave,
            last=ended and index == len(ordered) - 1,
        )
        for index, node in enumerate(ordered)
    ]


def _published(steps: Sequence[IvrStep], flow: str) -> tuple[str, datetime | None]:
    """(flow version, publish time) from the flow's first node's properties, when sent."""
    for step in steps:
        if step.flow != flow:
            continue
        props = step.node.raw.get("NodeProperties") if isinstance(step.node.raw, Mapping) else None
        if not isinstance(props, Mapping):
            continue
        version = safe_text(str(props.get("flowVersion") or ""), 12)
        when = props.get("publishedTime")
        moment = None
        if isinstance(when, int | float) and not isinstance(when, bool) and 0 < when < 1e14:
            moment = datetime.fromtimestamp(when / 1000, tz=UTC)
        if version or moment:
            return version, moment
    return "", None


def ended_line(steps: Sequence[IvrStep], tz: tzinfo | None) -> str:
    """"The call ended in node X (JSON_PARSER, flow F) with exit Failure — flow version 13
    published 10:46:05, 6:35 before the call"; "" when the call did not end in the IVR."""
    last = next((s for s in steps if s.last), None)
    if last is None:
        return ""
    where = ", ".join(part for part in (last.node_type, f"flow {last.flow}" if last.flow else "") if part)
    line = f"The call ended in IVR node {last.name or '?'}" + (f" ({where})" if where else "")
    if last.exit_code:
        line += f" with exit {last.exit_code}"
    version, published = _published(steps, last.flow)
    if published is not None:
        first = next((s.enter for s in steps if s.enter is not None), None)
        line += " — flow" + (f" version {version}" if version else "")
        line += f" published {format_local(published, tz, '%Y-%m-%d %H:%M:%S', zone=False)}"
        if first is not None and first >= published:
            line += f", {format_clock((first - published).total_seconds())} before the call"
    return line


def ivr_to_dicts(nodes: Sequence[IvrNode], call: Call | None = None) -> list[dict[str, Any]]:
    """For JSON: one object per node in the order passed, stable keys, raw variables."""
    return [
        {
            "flow_id": step.node.flow_id,
            "flow_name": step.node.flow_name,
            "node_id": step.node.node_id,
            "node_name": step.node.node_name,
            "node_type": step.node.node_type,
            "exit_code": step.node.exit_code,
            "variables": dict(step.node.variables),
            "enter_time": iso_utc(step.enter),
            "leave_time": iso_utc(step.leave),
            "ended_here": step.last,
        }
        for step in ivr_steps(nodes, call)
    ]
