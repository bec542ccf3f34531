"""The results of a search as the screen shows them: one row per call in a few words, the text a
filter looks in, and the fields of the query form. Pure: no Textual, no network.

The form and the query line are two spellings of one `Query`: `QueryFields.of(query)` fills the
form from a parsed query, `QueryFields.text()` writes the form back as words `parse_query` reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from functools import lru_cache

from ccc_tui.calls.outcome import OutcomeKind
from ccc_tui.calls.query import CONTACT_TYPE_WORDS, OUTCOME_WORDS, Query
from ccc_tui.calls.search import Row
from ccc_tui.calls.text import format_duration, safe_text
from ccc_tui.calls.zone import to_local

__all__ = [
    "DIRECTIONS",
    "OUTCOMES",
    "QueryFields",
    "RowCells",
    "outcome_words",
    "row_cells",
]

_FEW_WORDS: dict[OutcomeKind, str] = {
    OutcomeKind.ANSWERED: "answered",
    OutcomeKind.TRANSFERRED: "transferred",
    OutcomeKind.CONFERENCE: "conference",
    OutcomeKind.ABANDONED_IN_IVR: "gave up in IVR",
    OutcomeKind.IVR_FAILED: "IVR failed",
    OutcomeKind.ABANDONED_IN_QUEUE: "gave up in queue",
    OutcomeKind.ABANDONED_RINGING: "gave up ringing",
    OutcomeKind.QUEUE_OVERFLOW: "queue overflow",
    OutcomeKind.QUEUE_TIMEOUT: "queue timeout",
    OutcomeKind.NOT_ANSWERED: "not answered",
}
# Outcomes an on-call engineer looks for first (drawn as alerts).
LOST: frozenset[OutcomeKind] = frozenset(
    {
        OutcomeKind.ABANDONED_IN_IVR,
        OutcomeKind.IVR_FAILED,
        OutcomeKind.ABANDONED_IN_QUEUE,
        OutcomeKind.ABANDONED_RINGING,
        OutcomeKind.QUEUE_OVERFLOW,
        OutcomeKind.QUEUE_TIMEOUT,
        OutcomeKind.NOT_ANSWERED,
    }
)
_DIRECTION_SHORT = {
    "inbound": "in",
    "outbound": "out",
    "back2back": "b2b",
    "predictivedial": "pred",
    "privacydial": "priv",
}

# The form's choices: (word the query reads, label). "" is "any".
DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("in", "Inbound"),
    ("out", "Outbound"),
    ("back2back", "Back2Back"),
    ("predictive", "PredictiveDial"),
    ("privacy", "PrivacyDial"),
)
OUTCOMES: tuple[tuple[str, str], ...] = tuple(
    (word, word.replace("-", " ")) for word in OUTCOME_WORDS
)


def outcome_words(row: Row) -> str:
    """The outcome in a few words ("gave up in queue"); the disposition when it names none."""
    words = _FEW_WORDS.get(row.outcome.kind)
    if words:
        return words
    return safe_text(row.record.disposition, 24) or "unknown"


@dataclass(frozen=True, slots=True)
class RowCells:
    """One result row as text, every value safe to show (server text neutralised)."""

    start: str
    direction: str
    parties: str
    outcome: str
    wait: str
    talk: str
    duration: str
    agents: str
    group: str
    recording: str
    satisfaction: str
    lost: bool

    def haystack(self) -> str:
        """What `/` looks in, case-folded."""
        return " ".join(
            (
                self.start,
                self.direction,
                self.parties,
                self.outcome,
                self.agents,
                self.group,
                self.satisfaction,
            )
        ).casefold()


def _seconds(value: int | timedelta | None) -> str:
    if value is None:
        return ""
    return format_duration(value)


def _cell_text(value: str, limit: int) -> str:
    """`safe_text(value, limit)`: the same few names, directions and numbers fill thousands of
    rows, so short ones are made safe (and measured) once."""
    return _short_cell_text(value, limit) if len(value) <= 256 else safe_text(value, limit)


_short_cell_text = lru_cache(maxsize=8192)(safe_text)


def row_cells(row: Row, tz: tzinfo | None, *, with_date: bool = False) -> RowCells:
    record = row.record
    if record.start is not None:
        local = to_local(record.start, tz)
        start = local.strftime("%m-%d %H:%M" if with_date else "%H:%M:%S")
    else:
        start = "--:--:--"
    kind = record.contact_type.strip().casefold()
    direction = _DIRECTION_SHORT.get(kind) or _cell_text(record.contact_type, 4).lower()
    caller = _cell_text(record.calling_number, 20) or "?"
    callee = _cell_text(record.called_number, 20) or "?"
    facts = record.facts
    wait = facts.wait_time if facts and facts.wait_time is not None else None
    wait_text = _seconds(wait) if wait is not None else _seconds(row.outcome.wait)
    talk = facts.talk_time if facts and facts.talk_time is not None else None
    talk_text = _seconds(talk) if talk is not None else _seconds(row.outcome.talk)
    satisfaction = record.satisfaction_desc or record.satisfaction
    return RowCells(
        start=start,
        direction=direction,
        parties=f"{caller} → {callee}",
        outcome=outcome_words(row),
        wait=wait_text,
        talk=talk_text,
        duration=_seconds(record.duration),
        agents=_cell_text(", ".join(a for a in record.agent_names if a), 60),
        group=_cell_text(", ".join(g for g in record.skill_group_names if g), 60),
        recording="●" if record.recordings else "",
        satisfaction=_cell_text(satisfaction, 16),
        lost=row.outcome.kind in LOST,
    )


# --- the query form -------------------------------------------------------------------------


def _quoted(name: str) -> str:
    return f'"{name}"' if len(name.split()) > 1 or not name else name


@dataclass(frozen=True, slots=True)
class QueryFields:
    """The query form's fields, as text the user can edit."""

    time: str = ""
    number: str = ""
    name: str = ""
    direction: str = ""  # a word of DIRECTIONS, or "" for any
    outcome: str = ""  # a word of OUTCOMES, or "" for any
    recording: bool = False

    @classmethod
    def of(cls, query: Query) -> QueryFields:
        number = query.number or (f"line:{query.line}" if query.line else "")
        types = {value: word for word, value in CONTACT_TYPE_WORDS.items() if len(word) > 2}
        types["Inbound"], types["Outbound"] = "in", "out"
        direction = types.get(query.contact_types[0], "") if query.contact_types else ""
        return cls(
            time=time_words(query),
            number=number,
            name=" ".join(_quoted(n) for n in query.names),
            direction=direction,
            outcome=query.outcomes[0] if query.outcomes else "",
            recording=query.recorded_only,
        )

    def text(self) -> str:
        """The fields as one query line (what `parse_query` reads back into the same Query)."""
        words = [self.time.strip(), self.number.strip()]
        name = self.name.strip()
        if name and not name.startswith('"') and len(name.split()) > 1:
            name = f'"{name}"'
        words += [name, self.direction, self.outcome, "rec" if self.recording else ""]
        return " ".join(w for w in words if w)


def time_words(query: Query) -> str:
    """The query's window as words `parse_query` reads back into the same window: its label when
    it was relative ("last 2h"), else a day and a clock range in the query's zone."""
    if query.time_label:
        return query.time_label
    first, last = to_local(query.start, query.tz), to_local(query.stop, query.tz)
    today = to_local(query.now, query.tz).date()

    def day(moment: datetime) -> str:
        if moment.date() == today:
            return "today"
        if moment.date() == today - timedelta(days=1):
            return "yesterday"
        return moment.date().isoformat()

    def clock(moment: datetime) -> str:
        return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")

    midnight = first.time() == time(0)
    if midnight and (
        last - first == timedelta(days=1) or (first.date() == today and query.stop == query.now)
    ):
        return day(first)
    if first.date() == last.date() or (
        last.time() <= first.time() and last.date() - first.date() == timedelta(days=1)
    ):
        return f"{day(first)} {clock(first)}-{clock(last)}"
    return f"since {day(first)} {clock(first)} until {day(last)} {clock(last)}"


def outcome_label(kind_value: str) -> str:
    """A count of the summary's outcome (an OutcomeKind value) in the rows' few words."""
    try:
        return _FEW_WORDS.get(OutcomeKind(kind_value), kind_value.replace("_", " "))
    except ValueError:
        return safe_text(kind_value.replace("_", " "), 24)
