"""The one query language of "find calls", shared by the search screen and `ccc-tui find`. Pure:
no network, no Textual; times are read relative to a given `now` and display zone.

What the user has, in any order (case does not matter):

- a **time**: `10:40` (10:25–10:55), `14:00-15:30`, `today`, `yesterday`, `last 2h` / `last 30m` /
  `last 3d` / `last hour`, a date (`2024-05-01`, `05-01`), a date or day with a time
  (`yesterday 10:40`), `since 10:05`, `until 12:00`. No time at all means the last hour. A clock
  time later than now today means that time yesterday.
- a **phone number** (the customer's: sent as `Criteria`): `13800138000`, `+86 138…`, `138…`
  (a prefix); `line:80315543` is one of the call center's own numbers (sent as `PhoneNumber`).
- a **name** of an agent or skill group (`Criteria`; quote it if it is several words: "Alice
  Chen"; adjacent plain words are read as one name).
- **filters**: `in` / `out` (and `back2back`, `predictive`, `privacy`) → `ContactType`;
  `answered`, `abandoned` (`abandoned-ivr`, `abandoned-queue`, `abandoned-ring`), `no-answer`,
  `overflow`, `transfer` → `ContactDisposition`; `rec` (only calls with a recording) and every
  name after the first, or a name given with a number, are checked on the rows as they arrive
  (the API has no such filter: `WithRecording` only says whether recordings are listed);
  `oldest` flips the order (newest first otherwise).
- a **ContactId** alone (`1096645650`, `job-…`): reported as such — the screen opens that call.

On a 2020-07-01 instance (`Query.for_version`) the same words ask ListCallDetailRecordsV2, which
has no name filter (its `AgentId` is an agent's id, and a name may be a skill group's): every name
is checked on the rows, against their agents' and skill groups' names and ids. A customer's number
and a line without a single direction cannot both be sent (one `Number`): the line is checked on
the rows. `rec` reads the rows' `RecordingReady`.

`Query.describe()` is built from the very values `Query.api_params()` sends, so what the user reads
under the input is what is asked of the service.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Literal

from ccc_tui.api import v2020, versions
from ccc_tui.api.catalogue import DISPOSITIONS_2017
from ccc_tui.api.models import CallRecord
from ccc_tui.calls.text import safe_text
from ccc_tui.calls.zone import to_local, utc_offset

__all__ = [
    "CONTACT_TYPE_WORDS",
    "DEFAULT_SPAN",
    "MAX_SPAN",
    "MAX_WINDOW",
    "OUTCOME_WORDS",
    "POINT_MARGIN",
    "Query",
    "QueryError",
    "has_recording",
    "parse_query",
    "parse_when",
]

POINT_MARGIN = timedelta(minutes=15)  # "10:40" means 10:25–10:55
DEFAULT_SPAN = timedelta(hours=1)  # no time at all: the last hour
MAX_SPAN = timedelta(days=366)  # longer would be hundreds of requests: say so instead
MAX_WINDOW = timedelta(days=7)  # the longest window one ListCallDetailRecords request accepts
_MS = timedelta(milliseconds=1)

# Outcome filter words → the 2017 ContactDisposition values they ask for.
OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "answered": ("Success",),
    "abandoned": ("AbandonedInContactFlow", "AbandonedInQueue", "AbandonedRing"),
    "abandoned-ivr": ("AbandonedInContactFlow",),
    "abandoned-queue": ("AbandonedInQueue",),
    "abandoned-ring": ("AbandonedRing",),
    "no-answer": ("NoAnswer",),
    "overflow": ("QueueOverflow",),
    "transfer": ("OneStepTransfer",),
}
assert all(d in DISPOSITIONS_2017 for values in OUTCOME_WORDS.values() for d in values)
_OUTCOME_ALIASES = {
    "noanswer": "no-answer",
    "no_answer": "no-answer",
    "unanswered": "no-answer",
    "missed": "no-answer",
    "overflowed": "overflow",
    "transferred": "transfer",
    "transfers": "transfer",
    "abandon": "abandoned",
}

# Direction words → ContactType values.
CONTACT_TYPE_WORDS: dict[str, str] = {
    "in": "Inbound",
    "inbound": "Inbound",
    "out": "Outbound",
    "outbound": "Outbound",
    "back2back": "Back2Back",
    "predictive": "PredictiveDial",
    "predictivedial": "PredictiveDial",
    "privacy": "PrivacyDial",
    "privacydial": "PrivacyDial",
}
_REC_WORDS = frozenset({"rec", "recorded", "recording", "recordings"})
_ORDER_WORDS = {"oldest": "ASC", "asc": "ASC", "newest": "DESC", "desc": "DESC"}
_SINCE_WORDS = frozenset({"since", "from", "after"})
_UNTIL_WORDS = frozenset({"until", "till", "before", "to"})
_LAST_WORDS = frozenset({"last", "past"})

_UNITS: dict[str, timedelta] = {}
for _names, _unit in (
    (("m", "min", "mins", "minute", "minutes"), timedelta(minutes=1)),
    (("h", "hr", "hrs", "hour", "hours"), timedelta(hours=1)),
    (("d", "day", "days"), timedelta(days=1)),
    (("w", "week", "weeks"), timedelta(weeks=1)),
):
    for _name in _names:
        _UNITS[_name] = _unit

_DURATION_RE = re.compile(r"^(\d{1,6})([a-z]+)$")
_CLOCK = r"([01]?\d|2[0-3])[:.]([0-5]\d)(?::([0-5]\d))?"
_CLOCK_RE = re.compile(rf"^{_CLOCK}$")
_RANGE_RE = re.compile(rf"^{_CLOCK}-{_CLOCK}$")
_ISO_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_SHORT_DATE_RE = re.compile(r"^(\d{1,2})[-/](\d{1,2})$")
_PHONE_CHARS = re.compile(r"^\+?[\d\-()]+(?:…|\.\.\.)?$")
_CONTACT_ID_RE = re.compile(r"^(?:job-[A-Za-z0-9-]{4,60}|[1-9]\d{8,9})$")
_LINE_PREFIX = "line:"
_NUMBER_PREFIX = "number:"
_ID_PREFIX = "id:"
_MAX_NAME = 64


class QueryError(ValueError):
    """What is wrong with a query, in words a user can act on."""


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Times are aware (UTC); `tz` is the zone they were read in and are shown in
    (None: the machine's). `start`…`stop` is the whole window, both ends included."""

    start: datetime
    stop: datetime
    tz: tzinfo | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC), compare=False)
    time_label: str = ""  # how the window was given when it was relative ("last 2h")
    number: str = ""  # the customer's number (or a prefix): Criteria
    line: str = ""  # the call center's own number: PhoneNumber
    names: tuple[str, ...] = ()  # agent or skill group names
    contact_types: tuple[str, ...] = ()  # ContactType values
    outcomes: tuple[str, ...] = ()  # keys of OUTCOME_WORDS
    recorded_only: bool = False
    order: Literal["DESC", "ASC"] = "DESC"
    contact_id: str = ""  # the input was a ContactId: open that call instead of searching
    # The instance's CCC API version when known ("": 2017-07-05's filters): see the docstring.
    api_version: str = ""

    def for_version(self, version: str | None) -> Query:
        """The same query as the instance's API version (None: not known yet) can answer it."""
        return replace(self, api_version=version or "")

    # -- what is sent --

    @property
    def names_on_rows(self) -> bool:
        """Every name is checked on the rows: the 2020-07-01 API has no name filter."""
        return self.api_version == versions.V2020

    @property
    def criteria(self) -> str:
        """Criteria: the number when there is one, else the first name (2017-07-05 only)."""
        if self.number or self.names_on_rows:
            return self.number
        return self.names[0] if self.names else ""

    @property
    def post_names(self) -> tuple[str, ...]:
        """Names the service cannot filter on at the same time (Criteria is one text)."""
        return self.names if self.number or self.names_on_rows else self.names[1:]

    @property
    def line_on_rows(self) -> bool:
        """The line is checked on the rows: on 2020-07-01 beside a customer's number, unless a
        single direction says which end of the call each is."""
        return bool(
            self.api_version == versions.V2020
            and self.number
            and self.line
            and v2020.line_end(self.contact_types) is None
        )

    @property
    def dispositions(self) -> tuple[str, ...]:
        out: dict[str, None] = {}
        for word in self.outcomes:
            for value in OUTCOME_WORDS[word]:
                out[value] = None
        return tuple(out)

    def api_params(self) -> dict[str, Any]:
        """Keyword arguments of `CccClient.list_call_detail_records` (paging and the split of
        long windows are the search service's)."""
        if self.contact_id:
            return {"contact_id": self.contact_id}
        params: dict[str, Any] = {"start": self.start, "stop": self.stop, "order": self.order}
        if self.criteria:
            params["criteria"] = self.criteria
        if self.line and not self.line_on_rows:
            params["phone_number"] = self.line
        if self.contact_types:
            params["contact_types"] = self.contact_types
        if self.dispositions:
            params["dispositions"] = self.dispositions
        if self.recorded_only:
            params["with_recording"] = True
        return params

    @property
    def has_post_filters(self) -> bool:
        return bool(self.recorded_only or self.post_names or self.line_on_rows)

    def matches(self, record: CallRecord) -> bool:
        """The filters the service cannot apply, checked on one of its rows."""
        if self.recorded_only and not has_recording(record):
            return False
        if self.line_on_rows and not _has_number(record, self.line):
            return False
        if self.post_names:
            known = [*record.agent_names, *record.skill_group_names]
            if self.names_on_rows and record.facts is not None:
                known += [*record.facts.agent_ids, *record.facts.skill_group_ids]
            folded_known = [n.casefold() for n in known]
            for name in self.post_names:
                folded = name.casefold()
                if not any(folded in n for n in folded_known):
                    return False
        return True

    def windows(self) -> tuple[tuple[datetime, datetime], ...]:
        """The window cut into windows the service accepts (at most MAX_WINDOW each, both ends
        included, no overlap), in the order rows are wanted: newest first unless `order` is ASC."""
        out: list[tuple[datetime, datetime]] = []
        start = self.start
        while self.stop - start > MAX_WINDOW:
            out.append((start, start + MAX_WINDOW - _MS))
            start += MAX_WINDOW
        out.append((start, self.stop))
        return tuple(out if self.order == "ASC" else reversed(out))

    def with_window(self, start: datetime, stop: datetime) -> Query:
        """The same query over another window (a bucket of the summary, a missing part)."""
        return replace(self, start=start, stop=stop, time_label="", contact_id="")

    def flipped(self) -> Query:
        return replace(self, order="ASC" if self.order == "DESC" else "DESC")

    # -- what is shown --

    def describe(self) -> str:
        """One line saying how the query was understood, e.g.
        `Inbound · number 138… · today 10:25–10:55 CST · abandoned`."""
        if self.contact_id:
            return f"ContactId {self.contact_id} — opens that call"
        params = self.api_params()
        parts: list[str] = []
        if types := params.get("contact_types"):
            parts.append(" or ".join(types))
        if self.number:
            parts.append(f"number {_shown(self.number)}")
        elif self.criteria:
            parts.append(f"agent or group “{_shown(self.criteria)}”")
        if params.get("phone_number"):
            parts.append(f"line {_shown(self.line)}")
        parts.append(self.window_text())
        if (count := len(self.windows())) > 1:
            parts.append(f"{count} requests of ≤ 7 days")
        if self.outcomes:
            parts.append(" or ".join(o.replace("-", " ") for o in self.outcomes))
        checked = [f"agent or group “{_shown(n)}”" for n in self.post_names]
        if self.line_on_rows:
            checked.append(f"line {_shown(self.line)}")
        if self.recorded_only:
            checked.append("with a recording")
        if checked:
            parts.append(" · ".join(checked) + " (checked on the rows)")
        if self.order == "ASC":
            parts.append("oldest first")
        return " · ".join(parts)

    def window_text(self) -> str:
        """The window in the display zone: `today 10:25–10:55 CST`, `last 2h: today 08:45–10:45
        CST`, `2024-05-01 10:00 – 2024-05-03 12:00 CST`."""
        first, last = to_local(self.start, self.tz), to_local(self.stop, self.tz)
        today = to_local(self.now, self.tz).date()
        zone = _zone_abbrev(last)
        if first.date() == last.date():
            text = f"{_day_word(first.date(), today)} {_clock(first)}–{_clock(last)} {zone}"
        elif last.time() == time(0) and last.date() - first.date() == timedelta(days=1):
            text = f"{_day_word(first.date(), today)} {_clock(first)}–24:00 {zone}"
        else:
            text = (
                f"{_day_word(first.date(), today)} {_clock(first)} – "
                f"{_day_word(last.date(), today)} {_clock(last)} {zone}"
            )
        return f"{self.time_label}: {text}" if self.time_label else text


def has_recording(record: CallRecord) -> bool:
    """Whether a row's call was recorded: its recordings (2017-07-05, listed with WithRecording)
    or its RecordingReady (2020-07-01 rows list none)."""
    return bool(record.recordings) or bool(record.facts and record.facts.recording_ready)


def _has_number(record: CallRecord, number: str) -> bool:
    """Whether either end of the call is `number` (or starts with it, as a prefix would)."""
    wanted = number.lstrip("+")
    return any(
        n.strip().lstrip("+").startswith(wanted)
        for n in (record.calling_number, record.called_number)
        if n
    )


def _shown(value: str) -> str:
    return safe_text(value)  # whole: what is shown is what is sent (names are capped at parse)


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _day_word(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today - timedelta(days=1):
        return "yesterday"
    return day.isoformat()


def _zone_abbrev(moment: datetime) -> str:
    name = moment.tzname() or ""
    offset = utc_offset(moment.utcoffset())
    if not name or name[0] in "+-" or name.startswith("UTC+") or name.startswith("UTC-"):
        return offset
    return "UTC" if name in ("UTC", "UCT", "Z") else name


# --- parsing ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Parts:
    day: date | None = None
    day_word: str = ""
    clock: tuple[time, time | None] | None = None  # (point, None) or (from, to)
    clock_text: str = ""
    relative: timedelta | None = None
    relative_text: str = ""
    since: datetime | None = None
    until: datetime | None = None
    numbers: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    recorded: bool = False
    order: str = "DESC"
    contact_ids: list[str] = field(default_factory=list)
    others: int = 0  # words that were not a ContactId

    def time_words(self) -> list[str]:
        words = [self.day_word, self.clock_text, self.relative_text]
        words += ["since" if self.since else "", "until" if self.until else ""]
        return [w for w in words if w]


def _tokens(text: str) -> list[str]:
    """Words, with "double-quoted phrases" kept whole (an unclosed quote runs to the end), and a
    clock range written with spaces or a dash of any kind joined into one word."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010-\u2015\u2212~～]", "-", text)
    text = re.sub(r"[“”„«»]", '"', text)
    text = re.sub(rf"(?<![\d:]){_CLOCK}\s*-\s*{_CLOCK}", lambda m: re.sub(r"\s", "", m[0]), text)
    out: list[str] = []
    for index, chunk in enumerate(text.split('"')):
        if index % 2:
            phrase = " ".join(chunk.split())
            if phrase:
                out.append('"' + phrase)  # a marker: always a name
        else:
            out.extend(chunk.split())
    return out


def _duration(words: list[str], i: int) -> tuple[timedelta, str, int] | None:
    """`2h`, `2 hours`, `hour` at words[i] → (span, text, words used)."""
    if i >= len(words):
        return None
    word = words[i].casefold()
    if word in _UNITS:
        return _UNITS[word], f"1{word[0]}" if word not in ("hour", "day", "week") else word, 1
    match = _DURATION_RE.match(word)
    if match and match[2] in _UNITS:
        return _scaled(int(match[1]), match[2]), f"{int(match[1])}{match[2][0]}", 1
    if word.isascii() and word.isdigit() and len(word) <= 6 and i + 1 < len(words):
        unit = words[i + 1].casefold()
        if unit in _UNITS:
            return _scaled(int(word), unit), f"{int(word)}{unit[0]}", 2
    return None


def _scaled(count: int, unit: str) -> timedelta:
    if count <= 0:
        raise QueryError(f"'{count}{unit}' is no time at all: say how far back, e.g. last 2h")
    span = _UNITS[unit] * count
    if span > MAX_SPAN:
        raise QueryError(f"'{count}{unit}' is more than a year back: search a shorter window")
    return span


def _clock_time(hour: str, minute: str, second: str | None) -> time:
    return time(int(hour), int(minute), int(second or 0))


def _date(word: str, today: date) -> date | None:
    match = _ISO_DATE_RE.match(word)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _SHORT_DATE_RE.match(word)
        if match:
            found = date(today.year, int(match[1]), int(match[2]))
            return found if found <= today else found.replace(year=today.year - 1)
    except ValueError:
        raise QueryError(f"'{word}' is not a date on the calendar") from None
    return None


def parse_when(text: str, *, now: datetime, tz: tzinfo | None, end: bool = False) -> datetime:
    """One moment, as `--since` / `--until` (and `since …` / `until …`) take it: `10:05` (today,
    or yesterday when later than now), `2024-05-01` (its midnight; with `end`, the midnight after),
    `2024-05-01 10:05`, `today`, `yesterday`, `2h` or `2h ago` (before now), `now`."""
    words = _tokens(text)
    if words and words[-1].casefold() == "ago":
        words = words[:-1]
    moment, used = _when(words, 0, now=now, tz=tz, end=end)
    if moment is None or used != len(words):
        shown = safe_text(text, 40) or "nothing"
        raise QueryError(
            f"cannot read {shown!r} as a time: try 10:05, 2024-05-01, 2024-05-01 10:05, "
            "yesterday or 2h"
        )
    return moment


def _when(
    words: list[str], i: int, *, now: datetime, tz: tzinfo | None, end: bool
) -> tuple[datetime | None, int]:
    """A moment starting at words[i], and how many words it took (0: none there)."""
    local_now = to_local(now, tz)
    today = local_now.date()
    if i >= len(words):
        return None, 0
    word = words[i].casefold()
    day: date | None = None
    if word == "now":
        return now, 1
    if word == "today":
        day = today
    elif word == "yesterday":
        day = today - timedelta(days=1)
    else:
        day = _date(word, today)
    if day is not None:
        match = _CLOCK_RE.match(words[i + 1]) if i + 1 < len(words) else None
        if match:
            return _at(day, _clock_time(*match.groups()), tz), 2
        return _at(day + timedelta(days=1) if end else day, time(0), tz), 1
    match = _CLOCK_RE.match(word)
    if match:
        clock = _clock_time(*match.groups())
        moment = _at(today, clock, tz)
        if moment > now:
            moment = _at(today - timedelta(days=1), clock, tz)
        return moment, 1
    span = _duration(words, i)
    if span is not None:
        return now - span[0], span[2]
    return None, 0


def _at(day: date, clock: time, tz: tzinfo | None) -> datetime:
    """A wall-clock time on a day in `tz` (None: the machine's zone), as an aware UTC moment."""
    naive = datetime.combine(day, clock)
    local = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return local.astimezone(UTC)


def _phone(word: str) -> str | None:
    """A phone number (or a prefix ending in … or ...) with its separators dropped."""
    if not _PHONE_CHARS.match(word):
        return None
    digits = re.sub(r"[\-()]|…|\.\.\.$", "", word)
    bare = digits.lstrip("+")
    if not bare.isdigit() or len(bare) < 3 or len(bare) > 20:
        return None
    return digits


def _is_contact_id(word: str) -> bool:
    """Shaped like a ContactId rather than a phone number: `job-…`, or 9–10 digits that no phone
    number starts like (0…, 1[3-9]… of 11 digits, 400/800/95…)."""
    if not _CONTACT_ID_RE.match(word):
        return False
    if word.startswith("job-"):
        return True
    return not word.startswith(("400", "800", "95", "0"))


def parse_query(text: str, *, now: datetime, tz: tzinfo | None) -> Query:
    """Read what the user typed. Raises QueryError saying what is wrong."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    parts = _Parts()
    words = _tokens(text)
    if len(text) > 2000:
        raise QueryError("the query is too long: a number, a name, a time and a few filters")
    i = 0
    pending_name: list[str] = []

    def flush_name() -> None:
        if pending_name:
            parts.names.append(" ".join(pending_name))
            pending_name.clear()

    while i < len(words):
        raw = words[i]
        if raw.startswith('"'):
            flush_name()
            parts.names.append(raw[1:])
            parts.others += 1
            i += 1
            continue
        word = raw.casefold()
        used = _read_word(parts, words, i, word, raw, now=now, tz=tz)
        if used:
            flush_name()
            i += used
            continue
        pending_name.append(raw)
        parts.others += 1
        i += 1
    flush_name()
    return _build(parts, now=now, tz=tz)


def _read_word(
    parts: _Parts,
    words: list[str],
    i: int,
    word: str,
    raw: str,
    *,
    now: datetime,
    tz: tzinfo | None,
) -> int:
    """How many words a known construct at words[i] takes (0: not one; a name word)."""
    local_today = to_local(now, tz).date()
    if word in _LAST_WORDS:
        span = _duration(words, i + 1)
        if span is None:
            return 0
        _set_relative(parts, span[0], f"{word} {span[1]}")
        return 1 + span[2]
    if word in _SINCE_WORDS or word in _UNTIL_WORDS:
        is_since = word in _SINCE_WORDS
        moment, used = _when(words, i + 1, now=now, tz=tz, end=not is_since)
        if moment is None:
            if word in ("to", "from", "after", "before"):
                return 0  # an ordinary word in a name
            raise QueryError(f"'{word}' needs a time after it, e.g. {word} 10:05")
        if is_since:
            if parts.since is not None:
                raise QueryError("two 'since' times: keep one")
            parts.since = moment
        else:
            if parts.until is not None:
                raise QueryError("two 'until' times: keep one")
            parts.until = moment
        return 1 + used
    if word in ("today", "yesterday"):
        _set_day(parts, local_today - timedelta(days=word == "yesterday"), word)
        return 1
    day = _date(word, local_today)
    if day is not None:
        if day > local_today:
            raise QueryError(f"{day.isoformat()} is in the future")
        _set_day(parts, day, day.isoformat())
        return 1
    match = _RANGE_RE.match(word)
    if match:
        g = match.groups()
        _set_clock(parts, (_clock_time(*g[:3]), _clock_time(*g[3:])), word)
        return 1
    match = _CLOCK_RE.match(word)
    if match:
        _set_clock(parts, (_clock_time(*match.groups()), None), word)
        return 1
    if word in CONTACT_TYPE_WORDS:
        value = CONTACT_TYPE_WORDS[word]
        if value not in parts.types:
            parts.types.append(value)
        return 1
    outcome = _OUTCOME_ALIASES.get(word, word)
    if outcome in OUTCOME_WORDS:
        if outcome not in parts.outcomes:
            parts.outcomes.append(outcome)
        return 1
    if word in _REC_WORDS:
        parts.recorded = True
        return 1
    if word in _ORDER_WORDS:
        parts.order = _ORDER_WORDS[word]
        return 1
    for prefix, into in ((_LINE_PREFIX, parts.lines), (_NUMBER_PREFIX, parts.numbers)):
        if word.startswith(prefix):
            number = _phone(raw[len(prefix) :])
            if number is None:
                raise QueryError(f"'{safe_text(raw, 30)}': {prefix} needs a phone number after it")
            into.append(number)
            parts.others += 1
            return 1
    if word.startswith(_ID_PREFIX):
        parts.contact_ids.append(raw[len(_ID_PREFIX) :])
        return 1
    if _is_contact_id(raw):
        parts.contact_ids.append(raw)
        return 1
    number = _phone(raw)
    if number is not None:
        parts.numbers.append(number)
        parts.others += 1
        return 1
    return 0


def _set_relative(parts: _Parts, span: timedelta, text: str) -> None:
    if parts.relative is not None:
        raise QueryError(f"'{parts.relative_text}' and '{text}' both set the time: keep one")
    parts.relative, parts.relative_text = span, text


def _set_day(parts: _Parts, day: date, text: str) -> None:
    if parts.day is not None and parts.day != day:
        raise QueryError(f"'{parts.day_word}' and '{text}' are two days: keep one")
    parts.day, parts.day_word = day, text


def _set_clock(parts: _Parts, clock: tuple[time, time | None], text: str) -> None:
    if parts.clock is not None:
        raise QueryError(
            f"'{parts.clock_text}' and '{text}' are two times: write a range such as 14:00-15:30"
        )
    parts.clock, parts.clock_text = clock, text


def _build(parts: _Parts, *, now: datetime, tz: tzinfo | None) -> Query:
    if parts.contact_ids:
        if len(parts.contact_ids) > 1 or parts.others or parts.time_words() or parts.types:
            cid = safe_text(parts.contact_ids[0], 30)
            raise QueryError(
                f"{cid} looks like a ContactId: enter it alone to open the call, or write "
                f"number:{cid} to search it as a phone number"
            )
        return Query(start=now, stop=now, tz=tz, now=now, contact_id=parts.contact_ids[0])
    if len(parts.numbers) > 1:
        raise QueryError("two phone numbers: search one at a time")
    if len(parts.lines) > 1:
        raise QueryError("two line: numbers: search one at a time")
    for name in parts.names:
        if len(name) > _MAX_NAME:
            raise QueryError(f"a name has at most {_MAX_NAME} characters: '{safe_text(name, 24)}'")
    start, stop, label = _window(parts, now=now, tz=tz)
    return Query(
        start=start,
        stop=stop,
        tz=tz,
        now=now,
        time_label=label,
        number=parts.numbers[0] if parts.numbers else "",
        line=parts.lines[0] if parts.lines else "",
        names=tuple(dict.fromkeys(parts.names)),
        contact_types=tuple(parts.types),
        outcomes=tuple(parts.outcomes),
        recorded_only=parts.recorded,
        order="ASC" if parts.order == "ASC" else "DESC",
    )


def _window(parts: _Parts, *, now: datetime, tz: tzinfo | None) -> tuple[datetime, datetime, str]:
    """(start, stop, label) from the time words; see the module's docstring."""
    today = to_local(now, tz).date()
    label = ""
    if parts.relative is not None:
        if parts.day is not None or parts.clock is not None or parts.since or parts.until:
            others = ", ".join(w for w in parts.time_words() if w != parts.relative_text)
            raise QueryError(f"'{parts.relative_text}' and {others} both set the time: keep one")
        start, stop, label = now - parts.relative, now, parts.relative_text
    elif parts.since is not None or parts.until is not None:
        if parts.day is not None or parts.clock is not None:
            raise QueryError("since/until and a day or clock time both set the time: keep one")
        stop = parts.until or now
        start = parts.since or stop - DEFAULT_SPAN
    elif parts.clock is not None:
        first, second = parts.clock
        day = parts.day or today
        if second is None:
            centre = _at(day, first, tz)
            if parts.day is None and centre - POINT_MARGIN > now:
                centre = _at(day - timedelta(days=1), first, tz)
            start, stop = centre - POINT_MARGIN, centre + POINT_MARGIN
        else:
            start = _at(day, first, tz)
            if parts.day is None and start > now:
                day -= timedelta(days=1)
                start = _at(day, first, tz)
            stop = _at(day + timedelta(days=second <= first), second, tz)
    elif parts.day is not None:
        start = _at(parts.day, time(0), tz)
        stop = now if parts.day == today else _at(parts.day + timedelta(days=1), time(0), tz)
    else:
        start, stop, label = now - DEFAULT_SPAN, now, "last hour"
    if stop <= start:
        raise QueryError("the window ends before it starts: check since and until")
    if stop - start > MAX_SPAN:
        raise QueryError("the window is longer than a year: search a shorter one")
    return start, stop, label
