"""The data set a search is tried on: repeat callers, the incident, the scale option, and the
ordinary calls left as they were when those were added."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest

from ccc_tui.emulator.bodies import to_json
from ccc_tui.emulator.builder import CallSummary
from ccc_tui.emulator.constants import CST, DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import DAY_MS, MAX_COUNT, Dataset
from ccc_tui.emulator.ids import ID_PER_DAY, decode_id
from ccc_tui.emulator.showcase import INCIDENT, SHOWCASE, incident_window
from ccc_tui.emulator.traffic import EARLY_ENDS
from ccc_tui.emulator.vocabulary import SKILL_GROUPS
from tests import test_emulator_dataset
from tests.test_emulator_protocol import ANCHOR

LOST = {"AbandonedInQueue", "QueueOverflow", "AbandonedRing", "AbandonedInContactFlow"}


# The default data set and its 30 days of calls, as the other data set tests have them.
dataset = test_emulator_dataset.dataset
window = test_emulator_dataset.window


def stream(contact_id: str) -> int | None:
    decoded = decode_id(contact_id)
    return None if decoded is None else decoded[1] // ID_PER_DAY


def ms(moment: object) -> int:
    return int(moment.timestamp() * 1000)  # type: ignore[attr-defined]


# --- repeat callers ---


def test_the_same_customers_call_several_times(window: list[CallSummary]) -> None:
    per_day: Counter[tuple[str, int]] = Counter()
    days: dict[str, set[int]] = defaultdict(set)
    for s in window:
        day = (s.start_ms + 8 * 3_600_000) // DAY_MS  # the CST day
        per_day[(s.customer_number, day)] += 1
        days[s.customer_number].add(day)
    assert sum(n >= 3 for n in per_day.values()) >= 30  # a number with 3 calls in a day
    assert sum(len(d) >= 5 for d in days.values()) >= 10  # and on several days


def test_some_call_back_within_minutes_after_giving_up(window: list[CallSummary]) -> None:
    by_customer: dict[str, list[CallSummary]] = defaultdict(list)
    for s in window:
        by_customer[s.customer_number].append(s)
    callbacks = 0
    for calls in by_customer.values():
        for first, then in itertools.pairwise(calls):
            if first.scenario not in EARLY_ENDS or then.start_ms - first.start_ms > 15 * 60_000:
                continue
            gap = then.start_ms - (first.start_ms + first.duration * 1000)
            assert gap > 0  # after the first call ended, not while it was going on
            callbacks += 1
            assert first.disposition in LOST
    assert callbacks >= 100


def test_repeat_calls_are_whole_calls(dataset: Dataset, window: list[CallSummary]) -> None:
    planned = [s for s in window if stream(s.contact_id) == 1]
    assert 300 < len(planned) < 900  # about a tenth on top of the 5000
    for s in planned[::25]:
        data = dataset.call_data(DEMO_INSTANCE_ID, s.contact_id)
        assert s.customer_number in (data["Caller"], data["Callee"])
        assert int(data["StartTime"]) == s.start_ms
        assert dataset.cdr_row(s)["ContactId"] == s.contact_id
        assert s.contact_id in dataset


# --- the incident ---


def queue_calls(rows: list[CallSummary], start: int, stop: int) -> list[CallSummary]:
    return [
        s
        for s in rows
        if start <= s.start_ms < stop
        and s.contact_type == "Inbound"
        and s.skill_groups
        and s.skill_groups[0][0] == INCIDENT.skill_group
    ]


def test_the_incident_is_where_the_showcase_says(
    dataset: Dataset, window: list[CallSummary]
) -> None:
    assert INCIDENT.skill_group in {g.name for g in SKILL_GROUPS}
    start, stop = incident_window(dataset.anchor)
    assert stop - start == timedelta(minutes=INCIDENT.minutes)
    assert start.astimezone(CST).strftime("%H:%M") == INCIDENT.start
    showcase = dataset.summary(SHOWCASE["abandoned_in_queue"])
    assert showcase is not None  # the incident happens on the showcase calls' day
    assert (
        start.astimezone(CST).date() == datetime.fromtimestamp(showcase.start_ms / 1000, CST).date()
    )
    calls = queue_calls(window, ms(start), ms(stop))
    assert len(calls) >= 30
    assert sum(s.disposition in LOST for s in calls) / len(calls) >= 0.8
    assert {0, 2} <= {stream(s.contact_id) for s in calls}  # ordinary calls, and the incident's


def test_the_incident_stands_out_by_15_minutes(dataset: Dataset, window: list[CallSummary]) -> None:
    start, stop = (ms(t) for t in incident_window(dataset.anchor))
    quarter = 15 * 60_000

    def abandoned(a: int) -> int:
        return sum(s.disposition in LOST for s in queue_calls(window, a, a + quarter))

    inside = [abandoned(a) for a in range(start, stop, quarter)]
    before = [abandoned(a) for a in range(start - 8 * quarter, start, quarter)]
    other_days = [abandoned(a - d * DAY_MS) for a in range(start, stop, quarter) for d in (1, 2, 7)]
    assert min(inside) >= 4
    assert max(before + other_days) <= 2
    # The rest of the centre answers as usual: the other queues lose no more than on other days.
    during = [s for s in window if start <= s.start_ms < stop]
    queue = queue_calls(during, start, stop)
    rest = [s for s in during if s not in queue]
    assert sum(s.disposition in LOST for s in rest) <= len(rest) / 2


def test_the_incidents_caller(dataset: Dataset, window: list[CallSummary]) -> None:
    theirs = [s for s in window if s.customer_number == INCIDENT.caller]
    clocks = [(s.scenario, _cst_clock(s.start_ms), s.skill_groups[0][0]) for s in theirs]
    assert clocks == [
        (scenario, clock, INCIDENT.skill_group) for scenario, clock in INCIDENT.caller_calls
    ]
    assert [s.disposition for s in theirs] == [
        "AbandonedInQueue",
        "QueueOverflow",
        "AbandonedInQueue",
        "Success",
    ]
    assert theirs[-1].contact_type == "Outbound"  # the complaints team calls back


def _cst_clock(start_ms: int) -> str:
    seconds = (start_ms // 1000 + 8 * 3600) % 86_400
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


# --- scale and determinism ---


def ordinary(rows: list[CallSummary]) -> list[CallSummary]:
    return [s for s in rows if stream(s.contact_id) == 0]


@pytest.mark.parametrize("count", [300, 5000, 60_000])
def test_count_scales_the_calls(count: int) -> None:
    scaled = Dataset(anchor=ANCHOR, count=count)
    # In all: the ordinary calls (up to a tenth more), about a tenth more for the repeat callers
    # and a quarter of a day's share for the incident, the showcase calls and the seeds.
    assert count * 1.05 < len(scaled) - len(SHOWCASE) < count * 1.3 + 60
    day = scaled.anchor_ms - 4 * DAY_MS
    rows = list(scaled.summaries(day, day + DAY_MS - 1))
    assert count / 30 <= len(ordinary(rows)) <= count / 30 * 1.1 + 1
    assert 0 <= len(rows) - len(ordinary(rows)) < count / 30 * 0.3 + 10


def test_count_limits() -> None:
    Dataset(anchor=ANCHOR, count=MAX_COUNT)  # cheap: nothing is generated yet
    for bad in (-1, MAX_COUNT + 1):
        with pytest.raises(ValueError, match="count"):
            Dataset(anchor=ANCHOR, count=bad)
    empty = Dataset(anchor=ANCHOR, count=0)
    assert len(empty) == len(set(SHOWCASE.values()))


def test_the_planned_calls_are_deterministic() -> None:
    one, two = Dataset(anchor=ANCHOR), Dataset(anchor=ANCHOR)
    start, stop = (ms(t) for t in incident_window(ANCHOR))
    rows = [one.cdr_row(s) for s in one.summaries(start - 3_600_000, stop + 3_600_000)]
    # The second data set is asked in another order: a call by its id first.
    planned = [r["ContactId"] for r in rows if stream(r["ContactId"]) in (1, 2)]
    assert len(planned) > 30
    assert to_json(two.call_data(DEMO_INSTANCE_ID, planned[-1])) == to_json(
        one.call_data(DEMO_INSTANCE_ID, planned[-1])
    )
    assert rows == [two.cdr_row(s) for s in two.summaries(start - 3_600_000, stop + 3_600_000)]


def test_repeat_calls_keep_their_ids_when_the_anchor_moves() -> None:
    today, tomorrow = Dataset(anchor=ANCHOR), Dataset(anchor=ANCHOR + timedelta(days=1))
    day = ANCHOR.timestamp() * 1000 - 5 * DAY_MS
    rows = [s for s in today.summaries(int(day), int(day) + DAY_MS - 1) if stream(s.contact_id)]
    assert rows and all(stream(s.contact_id) == 1 for s in rows)
    assert rows == [tomorrow.summary(s.contact_id) for s in rows]


def test_the_ordinary_calls_did_not_move() -> None:
    """The planned calls came with ids and random streams of their own: the ordinary calls are
    the ones they were before (a digest of every tenth call of one day, and its first ids)."""
    dataset = Dataset(anchor=ANCHOR)
    day = dataset.anchor_ms - 3 * DAY_MS
    rows = ordinary(list(dataset.summaries(day, day + DAY_MS - 1)))
    digest = hashlib.sha256()
    for s in rows[::10]:
        digest.update(to_json(dataset.cdr_row(s)))
        digest.update(to_json(dataset.call_data(DEMO_INSTANCE_ID, s.contact_id)))
    assert len(rows) == 170
    assert [s.contact_id for s in rows[:3]] == ["2562700114", "2562700710", "2562701609"]
    assert digest.hexdigest() == "47ea0d114016e321ca047fe1da24e0500bc9dd3bd5df4817f4cf89d47d590640"
