"""The emulator's deterministic call data: the two seed examples verbatim plus generated calls.

Generated calls are made per UTC day from `random.Random(f"{seed}:…")`, so a call keeps its id and
its content whatever the anchor (a contact looked up yesterday still resolves today while it is in
the 30-day window). Nothing is generated eagerly: a day's index (start times and ids) is built on
first use, a call's summary when it is first listed, and its events only when they are asked for.

Shapes follow the 2017-07-05 JSON (which is derived from the XML): lists are wrapped in an object
named after the XML item element. Event `TimeStamp` and `Data.StartTime` are strings of epoch ms;
a recording's `StartTime` is a number, as in the seeds.

An unknown contact is not an error: its timeline is `{"Events": {"CallEventDetail": []}}` (a Java
DTO with null fields serialises without them) and its recordings an empty list.

On top of the ordinary calls come planned ones (`traffic`): repeat callers, every UTC day, and
the incident on the showcase day. They have ids of their own (`ids` streams 1 and 2) and random
streams of their own, so the ordinary calls are the same with or without them.

This is the facade: the calls themselves are written by `scenarios` and `specials` through a
`builder.CallBuilder`; ids follow `ids`, named calls `showcase`, the seeds are `seeds`.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

from ccc_tui.emulator.bodies import RawJson, json_bytes
from ccc_tui.emulator.builder import CallBuilder, CallSummary
from ccc_tui.emulator.constants import CST, DEFAULT_CALLS, DEMO_INSTANCE_ID, MAX_CALLS
from ccc_tui.emulator.ids import ID_DAY0, ID_LAST_DAY, ID_PER_DAY, decode_id, generated_id
from ccc_tui.emulator.scenarios import draw_scenario, run_scenario
from ccc_tui.emulator.seeds import (
    SEED_EVENTS_CONTACT_ID,
    SEED_EVENTS_DATA,
    SEED_RECORDING_CONTACT_ID,
)
from ccc_tui.emulator.showcase import SHOWCASE, SHOWCASE_PLAN, at_cst, incident_window, showcase_day
from ccc_tui.emulator.specials import SPECIAL_CALLS
from ccc_tui.emulator.traffic import Plan, caller_pool, incident_calls, repeat_calls
from ccc_tui.emulator.vocabulary import (
    AGENTS,
    CENTER_NUMBERS,
    HOUR_CUM,
    MEMBERS,
    SKILL_GROUPS,
    Agent,
)

# A second instance the demo user can see; it has no calls and no recording storage.
SECOND_INSTANCE_ID = "5b1e0c7a-3f2d-4e69-8a41-d2c7f09b6e13"

__all__ = ["CST", "DAY_MS", "MAX_COUNT", "SECOND_INSTANCE_ID", "WINDOW_DAYS", "Dataset"]

WINDOW_DAYS = 30
DAY_MS = 86_400_000
MAX_COUNT = MAX_CALLS
# A day holds at most ID_PER_DAY ordinary calls, and varies up to a tenth above its share.
assert -(-MAX_COUNT // WINDOW_DAYS) * 11 // 10 <= ID_PER_DAY
_REPEAT, _INCIDENT = 1, 2  # the id streams of the planned calls (`ids`, `traffic`)


class _Day(NamedTuple):
    starts: tuple[int, ...]  # sorted epoch ms
    ids: tuple[str, ...]


_EMPTY_DAY = _Day((), ())


class _Planned(NamedTuple):
    starts: tuple[int, ...]  # sorted epoch ms
    ids: tuple[str, ...]  # increasing, like the starts
    plans: tuple[Plan, ...]


_NO_PLANS = _Planned((), (), ())

K = TypeVar("K")
V = TypeVar("V")
# ListCallDetailRecords' filters, as `Dataset.matching` takes them.
_Filters = tuple[int, int, bool, frozenset[str], frozenset[str], str, str]


class _Lru(OrderedDict[K, V]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: K, value: V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


ROWS_KEPT = 40_000  # serialised list rows kept (about 1 KB each)


def remember(cache: dict[K, V], key: K, value: V, limit: int = ROWS_KEPT) -> None:
    """Put `value` in a bounded cache; beyond `limit` entries the oldest quarter goes at once
    (cheaper than an LRU on every hit: a search reads each row once or twice)."""
    cache[key] = value
    if len(cache) > limit:
        for old in list(itertools.islice(cache, len(cache) - limit * 3 // 4)):
            del cache[old]


# --- the data set ---------------------------------------------------------------------------------


class Dataset:
    """All calls of the demo instance. Deterministic for a given anchor, count and seed.

    `count` is the number of ordinary calls over the 30 days before the anchor (the default
    5000; at most `MAX_COUNT`); each day gets an even share, varying up to a tenth above it.
    On top of them: the repeat callers' calls (about a tenth more), the incident (about a
    quarter of a day's share, on the anchor's previous day: `showcase.INCIDENT`), the seeds
    and the showcase calls. A count of 0 leaves only the seeds and the showcase calls.
    """

    def __init__(
        self, anchor: datetime | None = None, count: int = DEFAULT_CALLS, seed: int = 20170705
    ) -> None:
        if anchor is None:
            now = datetime.now(UTC)
            anchor = now.replace(hour=0, minute=0, second=0, microsecond=0)
        elif anchor.tzinfo is None:
            anchor = anchor.replace(tzinfo=UTC)
        if not 0 <= count <= MAX_COUNT:
            raise ValueError(f"count must be between 0 and {MAX_COUNT}, got {count}")
        if anchor.timestamp() < (ID_DAY0 + WINDOW_DAYS + 1) * 86_400:
            raise ValueError("the anchor must be after February 2010")
        if anchor.timestamp() >= ID_LAST_DAY * 86_400:
            raise ValueError("the anchor must be before 2078")
        self.anchor = anchor.astimezone(UTC)
        self.count = count
        self.seed = seed
        self.anchor_ms = int(self.anchor.timestamp() * 1000)
        self._last_day = self.anchor_ms // DAY_MS  # the anchor's own day is not generated
        self._first_day = self._last_day - WINDOW_DAYS
        # Whole-window count split evenly (≥ count in total); a day varies a little above it.
        self._per_day = -(-count // WINDOW_DAYS) if count else 0
        self._days: dict[int, _Day] = {}
        self._summaries: dict[str, CallSummary] = {}
        self._data: _Lru[str, dict[str, Any]] = _Lru(64)
        # A search reads one query's pages one after another: filter and sort its window once.
        self._matching: _Lru[_Filters, tuple[CallSummary, ...]] = _Lru(32)
        # The list rows as JSON, serialised once: (contact id, with recordings) -> bytes.
        self._row_json: dict[tuple[str, bool], RawJson] = {}
        self._special: dict[str, tuple[str, int]] | None = None  # id -> (kind, start ms)
        self._special_by_day: dict[int, list[tuple[int, str]]] | None = None
        self._planned: dict[tuple[int, int], _Planned] = {}  # (stream, day) ->
        self._plans: dict[str, Plan] = {}  # contact id -> plan, for the days planned so far
        self._pool: tuple[str, ...] | None = None
        self._incident: list[Plan] | None = None

    # -- index --

    @property
    def instance_ids(self) -> tuple[str, ...]:
        return (DEMO_INSTANCE_ID, SECOND_INSTANCE_ID)

    def has_instance(self, instance_id: str) -> bool:
        return instance_id in self.instance_ids

    def _specials(self) -> dict[str, tuple[str, int]]:
        if self._special is None:
            special: dict[str, tuple[str, int]] = {
                SEED_EVENTS_CONTACT_ID: ("seed_events", 1555492246000),
                SEED_RECORDING_CONTACT_ID: ("seed_recording", 1531284905000),
            }
            # Showcase calls happen on the day before the anchor, in the service's zone.
            day_before = showcase_day(self.anchor)
            for name, (kind, clock) in SHOWCASE_PLAN.items():
                moment = at_cst(day_before, clock)
                special[SHOWCASE[name]] = (kind, int(moment.timestamp()) * 1000)
            by_day: dict[int, list[tuple[int, str]]] = {}
            for cid, (_, start) in special.items():
                by_day.setdefault(start // DAY_MS, []).append((start, cid))
            self._special = special
            self._special_by_day = by_day
        return self._special

    def _day(self, day: int) -> _Day:
        cached = self._days.get(day)
        if cached is not None:
            return cached
        if not (self._first_day <= day < self._last_day) or not self._per_day:
            return _EMPTY_DAY
        rng = random.Random(f"{self.seed}:day:{day}")
        n = min(self._per_day + rng.randrange(self._per_day // 10 + 1), ID_PER_DAY)
        day_ms = day * DAY_MS
        # Hours are drawn in the service's zone (UTC+8) and folded into this UTC day.
        starts = sorted(
            day_ms
            + ((bisect.bisect_right(HOUR_CUM, rng.random() * HOUR_CUM[-1]) - 8) % 24) * 3_600_000
            + rng.randrange(3600) * 1000
            for _ in range(n)
        )
        stride = ID_PER_DAY // n
        slots = [k * stride + rng.randrange(stride) for k in range(n)]
        result = _Day(tuple(starts), tuple(generated_id(day, s) for s in slots))
        self._days[day] = result
        return result

    def _caller_pool(self) -> tuple[str, ...]:
        if self._pool is None:
            self._pool = caller_pool(self.seed, self._per_day)
        return self._pool

    def _planned_day(self, stream: int, day: int) -> _Planned:
        """The planned calls of one stream and UTC day, with their ids."""
        cached = self._planned.get((stream, day))
        if cached is not None:
            return cached
        plans: list[Plan] = []
        if stream == _REPEAT and self._first_day <= day < self._last_day:
            plans = repeat_calls(self.seed, day, self._per_day, self._caller_pool())
        elif stream == _INCIDENT:
            if self._incident is None:
                # The pool's customers who call that day already are left out of it.
                start, _ = incident_window(self.anchor)
                busy = self._planned_day(_REPEAT, int(start.timestamp() * 1000) // DAY_MS)
                self._incident = incident_calls(
                    self.seed,
                    self.anchor,
                    self._per_day,
                    self._caller_pool(),
                    {plan.customer for plan in busy.plans},
                )
            plans = [p for p in self._incident if p.start_ms // DAY_MS == day]
        plans.sort(key=lambda p: (p.start_ms, p.customer, p.scenario))
        if not plans:
            result = _NO_PLANS
        else:
            stride = ID_PER_DAY // len(plans)
            ids = tuple(generated_id(day, k * stride, stream) for k in range(len(plans)))
            result = _Planned(tuple(p.start_ms for p in plans), ids, tuple(plans))
            self._plans.update(zip(ids, plans, strict=True))
        self._planned[(stream, day)] = result
        return result

    def _locate(self, contact_id: str) -> tuple[str, int] | None:
        """(kind, start ms) of a contact, or None when the data set does not know it."""
        special = self._specials().get(contact_id)
        if special is not None:
            return special
        decoded = decode_id(contact_id)
        if decoded is None:
            return None
        day_number, slot = decoded
        stream = slot // ID_PER_DAY
        day = self._day(day_number) if stream == 0 else self._planned_day(stream, day_number)
        i = bisect.bisect_left(day.ids, contact_id)  # ids increase through the day
        if i < len(day.ids) and day.ids[i] == contact_id:
            return ("generated" if stream == 0 else "planned"), day.starts[i]
        return None

    def __contains__(self, contact_id: object) -> bool:
        return isinstance(contact_id, str) and self._locate(contact_id) is not None

    def __len__(self) -> int:
        days = sum(
            len(self._day(d).ids) + len(self._planned_day(_REPEAT, d).ids)
            for d in range(self._first_day, self._last_day)
        )
        incident = len(self._incident_plans())
        return days + incident + len(self._specials())

    def _incident_plans(self) -> list[Plan]:
        self._planned_day(_INCIDENT, self._last_day)  # any day: it plans the whole incident
        assert self._incident is not None
        return self._incident

    # -- building calls --

    def _build(self, contact_id: str, kind: str, start_ms: int, emit: bool) -> CallBuilder:
        # An int seed: seeding from a str hashes it with SHA-512 first, which costs more.
        rng = random.Random(self.seed << 40 ^ int(contact_id))
        b = CallBuilder(rng, contact_id, start_ms, emit)
        if kind == "generated":
            scenario = draw_scenario(rng)
            run_scenario(b, scenario)
            b.scenario = scenario
            return b
        if kind == "planned":
            plan = self._plans[contact_id]
            b.fixed_customer, b.fixed_group = plan.customer, plan.group
            run_scenario(b, plan.scenario)
            b.scenario = plan.scenario
            return b
        b.scenario = kind
        special = SPECIAL_CALLS.get(kind)
        if special is not None:
            special(b)
        else:
            run_scenario(b, kind)
        return b

    def summary(self, contact_id: str) -> CallSummary | None:
        cached = self._summaries.get(contact_id)
        if cached is not None:
            return cached
        where = self._locate(contact_id)
        return None if where is None else self._summary(contact_id, *where)

    def _summary(self, contact_id: str, kind: str, start_ms: int) -> CallSummary:
        cached = self._summaries.get(contact_id)
        if cached is None:
            b = self._build(contact_id, kind, start_ms, emit=False)
            cached = self._summaries[contact_id] = b.summary(b.scenario)
        return cached

    # -- the APIs' payloads (shared objects: serialise them, do not mutate them) --

    def call_data(self, instance_id: str, contact_id: str) -> dict[str, Any]:
        """`Data` of ListCallEventDetailByContactId."""
        if instance_id != DEMO_INSTANCE_ID:
            return {"Events": {"CallEventDetail": []}}
        if contact_id == SEED_EVENTS_CONTACT_ID:
            return SEED_EVENTS_DATA
        cached = self._data.get(contact_id)
        if cached is not None:
            self._data.move_to_end(contact_id)
            return cached
        where = self._locate(contact_id)
        if where is None:
            return {"Events": {"CallEventDetail": []}}
        data = self._build(contact_id, where[0], where[1], emit=True).data()
        self._data.put(contact_id, data)
        return data

    def recordings(self, instance_id: str, contact_id: str) -> list[dict[str, Any]]:
        """`Recordings.Recording` of ListRecordingsByContactId."""
        if instance_id != DEMO_INSTANCE_ID:
            return []
        found = self.summary(contact_id)
        return list(found.recordings) if found else []

    def find_recording(self, instance_id: str, file_name: str) -> dict[str, Any] | None:
        """The recording with this file name, found from the start time its name begins with."""
        if instance_id != DEMO_INSTANCE_ID:
            return None
        candidates: list[str] = []
        head = file_name[:13]
        if head.isascii() and head.isdigit():
            at = int(head)
            # A talk leg starts at most a few hours after its call does (the huge call: ~8 h).
            candidates = [s.contact_id for s in self.summaries(at - 12 * 3_600_000, at)]
        candidates += [cid for cid in self._specials() if cid not in candidates]
        for cid in candidates:
            found = self.summary(cid)
            for rec in found.recordings if found else ():
                if rec["FileName"] == file_name:
                    return rec
        return None

    def summaries(
        self, start_ms: int, stop_ms: int, *, descending: bool = False
    ) -> Iterator[CallSummary]:
        """Every call that started in [start_ms, stop_ms], by start time (then contact id)."""
        if stop_ms < start_ms:
            return
        self._specials()
        assert self._special_by_day is not None
        days = range(start_ms // DAY_MS, stop_ms // DAY_MS + 1)
        special = self._special
        assert special is not None
        for day_number in reversed(days) if descending else days:
            day = self._day(day_number)
            entries = [(s, cid, "generated") for s, cid in zip(day.starts, day.ids, strict=True)]
            for stream in (_REPEAT, _INCIDENT):
                planned = self._planned_day(stream, day_number)
                entries += [
                    (s, cid, "planned") for s, cid in zip(planned.starts, planned.ids, strict=True)
                ]
            entries += [
                (start, cid, special[cid][0])
                for start, cid in self._special_by_day.get(day_number, ())
            ]
            entries.sort(reverse=descending)
            for start, cid, kind in entries:
                if start_ms <= start <= stop_ms:
                    yield self._summary(cid, kind, start)

    def matching(
        self,
        start_ms: int,
        stop_ms: int,
        *,
        descending: bool = False,
        contact_types: frozenset[str] = frozenset(),
        dispositions: frozenset[str] = frozenset(),
        center_number: str = "",
        criteria: str = "",
    ) -> tuple[CallSummary, ...]:
        """The calls of [start_ms, stop_ms] that ListCallDetailRecords' filters let through, in
        its order: `contact_types` and `dispositions` casefolded (empty: any), the call center's
        own number (PhoneNumber), `criteria` the text in the customer's number or a name. The
        last queries' results are kept (`_matching`), so the pages of one query filter once."""
        key = (start_ms, stop_ms, descending, contact_types, dispositions, center_number, criteria)
        cached = self._matching.get(key)
        if cached is not None:
            self._matching.move_to_end(key)
            return cached
        found = tuple(
            row
            for row in self.summaries(start_ms, stop_ms, descending=descending)
            if (not contact_types or row.contact_type.casefold() in contact_types)
            and (not dispositions or row.disposition.casefold() in dispositions)
            and (not center_number or center_number == row.center_number)
            and (not criteria or row.matches_text(criteria))
        )
        self._matching.put(key, found)
        return found

    def cdr_row_json(self, summary: CallSummary, *, with_recordings: bool = True) -> RawJson:
        """`cdr_row` serialised (the same bytes), kept for the next page that lists the call."""
        key = (summary.contact_id, with_recordings)
        found = self._row_json.get(key)
        if found is None:
            found = RawJson(json_bytes(self.cdr_row(summary, with_recordings=with_recordings)))
            remember(self._row_json, key, found)
        return found

    def cdr_row(self, summary: CallSummary, *, with_recordings: bool = True) -> dict[str, Any]:
        """One `CallDetailRecords.List.CallDetailRecord` item."""
        row: dict[str, Any] = {
            "ContactId": summary.contact_id,
            "StartTime": summary.start_ms,
            "Duration": summary.duration,
            "Satisfaction": summary.satisfaction,
            "SatisfactionDesc": summary.satisfaction_desc,
            "Feedback": summary.feedback,
            "ContactType": summary.contact_type,
            "ContactDisposition": summary.disposition,
            "CallingNumber": summary.calling_number,
            "CalledNumber": summary.called_number,
            "AgentNames": ",".join(name for name, _ in summary.agents),
            "SkillGroupNames": ",".join(name for name, _ in summary.skill_groups),
            "InstanceId": DEMO_INSTANCE_ID,
            "SkillGroupIdList": ",".join(gid for _, gid in summary.skill_groups),
            "Agents": {
                "CallDetailAgent": [
                    {
                        "AgentId": ram_id,
                        "Satisfaction": str(summary.satisfaction),
                        "Feedback": summary.feedback,
                    }
                    for _, ram_id in summary.agents
                ]
            },
        }
        if with_recordings:
            row["Recordings"] = {"Recording": list(summary.recordings)}
        return row

    # -- the instance, its skill groups and users --

    def instances(self) -> list[dict[str, Any]]:
        return [self.instance(iid) for iid in self.instance_ids]

    def instance(self, instance_id: str) -> dict[str, Any]:
        demo = instance_id == DEMO_INSTANCE_ID
        name = "ccc-demo" if demo else "ccc-empty"
        admin = AGENTS[1]
        numbers = CENTER_NUMBERS if demo else ()
        return {
            "InstanceId": instance_id,
            "InstanceName": name,
            "InstanceDescription": "演示呼叫中心 (local emulator)" if demo else "An empty instance",
            "DomainName": name,
            "ConsoleUrl": f"https://ccc.console.aliyun.com/#/{instance_id}",
            "StorageBucket": "ccc-record-demo" if demo else "",
            "StorageMaxDays": 180 if demo else 0,
            "StorageMaxSize": 1024 if demo else 0,
            "MaxOnlineAgents": 50,
            "TenantId": "1893214508124356",
            "DirectoryId": f"dir-{instance_id[:8]}",
            "Status": "Running",
            "CreatedTime": 1499242700000 if demo else 1561939200000,
            "Owner": "1893214508124356",
            "Admin": {"User": [self._user(admin, instance_id, brief=True)]},
            "PhoneNumbers": {
                "PhoneNumber": [
                    {
                        "PhoneNumberId": f"pn-{i:04d}",
                        "InstanceId": instance_id,
                        "Number": number,
                        "PhoneNumberDescription": "演示号码",
                        "TestOnly": False,
                        "RemainingTime": 0,
                        "AllowOutbound": True,
                        "Usage": "Bidirection",
                        "Trunks": 10,
                    }
                    for i, number in enumerate(numbers)
                ]
            },
        }

    def skill_groups(self, instance_id: str) -> list[dict[str, Any]]:
        if instance_id != DEMO_INSTANCE_ID:
            return []
        return [
            {
                "SkillGroupId": g.group_id,
                "InstanceId": instance_id,
                "SkillGroupName": g.name,
                "SkillGroupDescription": g.description,
                "UserCount": len(MEMBERS[i]),
            }
            for i, g in enumerate(SKILL_GROUPS)
        ]

    def users(self, instance_id: str) -> list[dict[str, Any]]:
        if instance_id != DEMO_INSTANCE_ID:
            return []
        return [self._user(a, instance_id) for a in AGENTS]

    @staticmethod
    def _user(agent: Agent, instance_id: str, *, brief: bool = False) -> dict[str, Any]:
        user: dict[str, Any] = {
            "UserId": agent.user_id,
            "RamId": agent.ram_id,
            "InstanceId": instance_id,
            "Detail": {
                "LoginName": agent.login,
                "DisplayName": agent.name,
                "Phone": "",
                "Email": f"{agent.login}@example.com",
                "Department": "",
            },
        }
        if brief:
            return user
        user["Primary"] = agent.login == "cloudcallcenter"
        user["Roles"] = {
            "Role": [
                {
                    "RoleId": f"Agent@{instance_id}",
                    "InstanceId": instance_id,
                    "RoleName": "Agent",
                    "RoleDescription": "坐席",
                }
            ]
        }
        user["SkillLevels"] = {
            "SkillLevel": [
                {
                    "SkillLevelId": f"{agent.login}-{g}",
                    "Level": 5,
                    "Skill": {
                        "SkillGroupId": SKILL_GROUPS[g].group_id,
                        "InstanceId": instance_id,
                        "SkillGroupName": SKILL_GROUPS[g].name,
                        "SkillGroupDescription": SKILL_GROUPS[g].description,
                    },
                }
                for g in agent.groups
            ]
        }
        return user
