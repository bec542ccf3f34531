"""The emulator's data set: seeds verbatim, generated calls that cover every documented case,
named showcase calls, determinism, and trails whose durations agree with their time axis."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

from ccc_tui.api.catalogue import EVENTS_2017
from ccc_tui.emulator.bodies import RawJson, RawList, json_bytes, to_json, to_xml
from ccc_tui.emulator.builder import CallSummary
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import DAY_MS, Dataset, remember
from ccc_tui.emulator.ids import decode_id
from ccc_tui.emulator.seeds import SEED_EVENTS_DATA, SEED_RECORDING
from ccc_tui.emulator.showcase import SHOWCASE
from ccc_tui.emulator.specials import HUGE_EVENT_COUNT
from ccc_tui.emulator.vocabulary import CONTACT_TYPES, DISPOSITIONS
from tests.test_emulator_protocol import ANCHOR

SPECIAL_SCENARIOS = {"seed_events", "seed_recording", "huge", "hostile"}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return Dataset(anchor=ANCHOR)


@pytest.fixture(scope="module")
def window(dataset: Dataset) -> list[CallSummary]:
    return list(dataset.summaries(dataset.anchor_ms - 30 * DAY_MS, dataset.anchor_ms - 1))


@pytest.fixture(scope="module")
def generated(window: list[CallSummary]) -> list[CallSummary]:
    return [s for s in window if s.contact_id not in SHOWCASE.values()]


def events_of(dataset: Dataset, contact_id: str) -> list[dict[str, Any]]:
    return dataset.call_data(DEMO_INSTANCE_ID, contact_id)["Events"]["CallEventDetail"]


def test_seed_calls(dataset: Dataset) -> None:
    assert dataset.call_data(DEMO_INSTANCE_ID, "1096645650") == SEED_EVENTS_DATA
    assert dataset.recordings(DEMO_INSTANCE_ID, "1096645650") == []
    assert dataset.recordings(DEMO_INSTANCE_ID, "2020927020") == [SEED_RECORDING]
    trail = events_of(dataset, "2020927020")
    assert [e["Event"] for e in trail] == ["Dial", "Talk", "End", "Handle"]
    talk = trail[1]
    assert int(talk["TimeStamp"]) == SEED_RECORDING["StartTime"]
    assert talk["Duration"] == SEED_RECORDING["Duration"]
    assert talk["AgentName"] == "小芳"
    seed = dataset.summary("2020927020")
    assert seed is not None and seed.disposition == "Success" and seed.contact_type == "Outbound"


def test_at_least_5000_generated_calls_in_the_30_days(
    dataset: Dataset, generated: list[CallSummary]
) -> None:
    assert len(generated) >= 5000
    starts = [s.start_ms for s in generated]
    assert min(starts) >= dataset.anchor_ms - 30 * DAY_MS
    assert max(starts) < dataset.anchor_ms
    assert starts == sorted(starts)
    assert len({s.contact_id for s in generated}) == len(generated)
    assert len(dataset) == len(generated) + len(set(SHOWCASE.values()))


def test_generated_calls_cover_every_disposition_and_contact_type(
    generated: list[CallSummary],
) -> None:
    assert set(Counter(s.disposition for s in generated)) == set(DISPOSITIONS)
    assert set(Counter(s.contact_type for s in generated)) == set(CONTACT_TYPES)


def test_generated_calls_use_every_documented_event(
    dataset: Dataset, generated: list[CallSummary]
) -> None:
    seen: Counter[str] = Counter()
    # One call of each scenario family is enough to see everything; take a few of each.
    by_scenario: dict[str, list[str]] = {}
    for s in generated:
        by_scenario.setdefault(s.scenario, []).append(s.contact_id)
    for ids in by_scenario.values():
        for cid in ids[:5]:
            seen.update(e["Event"] for e in events_of(dataset, cid))
    assert set(EVENTS_2017) <= set(seen), set(EVENTS_2017) - set(seen)
    assert set(seen) <= set(EVENTS_2017)  # generated calls use documented 2017 events only


def test_names_reasons_and_details_are_varied(
    dataset: Dataset, generated: list[CallSummary]
) -> None:
    agents = {name for s in generated for name, _ in s.agents}
    groups = {name for s in generated for name, _ in s.skill_groups}
    assert {"小芳", "王伟", "Alice Chen"} <= agents
    assert {"售后服务组", "Billing Support"} <= groups
    reasons: Counter[str] = Counter()
    detail_keys: Counter[str] = Counter()
    satisfaction: Counter[str] = Counter()
    for s in generated[:1500]:
        data = dataset.call_data(DEMO_INSTANCE_ID, s.contact_id)
        reasons[data["ReleaseReason"]] += 1
        for e in data["Events"]["CallEventDetail"]:
            detail_keys.update(list(e["DetailData"]))
            if "SatisfactionalResearch" in e["DetailData"]:
                satisfaction[e["DetailData"]["SatisfactionalResearch"]] += 1
    assert {
        "487-Request Terminated",
        "486-Busy Here",
        "480-Temporarily Unavailable",
        "200-OK",
        "603-Decline",
    } <= set(reasons)
    assert {"EventType", "SkillGroup", "HangUper", "Helper", "SatisfactionalResearch"} <= set(
        detail_keys
    )
    assert set(detail_keys) - {
        "EventType",
        "SkillGroup",
        "HangUper",
        "Helper",
        "SatisfactionalResearch",
    }  # some keys no client knows
    assert {"满意", "不满意", "未评价"} <= set(satisfaction)


def test_trails_agree_with_their_time_axis(dataset: Dataset, generated: list[CallSummary]) -> None:
    """Each state lasts until the next thing happens: its end is another event or the call's end."""
    chained = {"EnterIVR", "EnterQueue", "WaitingInQueue", "Ring", "Dial", "Talk"}
    shared = 0
    for s in generated[::3]:
        data = dataset.call_data(DEMO_INSTANCE_ID, s.contact_id)
        trail = data["Events"]["CallEventDetail"]
        stamps = [int(e["TimeStamp"]) for e in trail]
        assert all(isinstance(e["TimeStamp"], str) and e["TimeStamp"].isdigit() for e in trail)
        assert stamps == sorted(stamps)
        assert stamps[0] == int(data["StartTime"]) == s.start_ms
        end = s.start_ms + s.duration * 1000
        assert max(stamps) <= end
        moments = set(stamps) | {end}
        shared += len(stamps) - len(set(stamps))
        for e in trail:
            assert type(e["Duration"]) is int and e["Duration"] >= 0
            if e["Event"] in chained:
                assert int(e["TimeStamp"]) + e["Duration"] * 1000 in moments, (s.scenario, e)
        for rec in dataset.recordings(DEMO_INSTANCE_ID, s.contact_id):
            assert type(rec["StartTime"]) is int
            talks = [
                e for e in trail if e["Event"] == "Talk" and int(e["TimeStamp"]) == rec["StartTime"]
            ]
            assert talks and talks[0]["Duration"] == rec["Duration"]
            assert talks[0]["AgentName"] == rec["AgentName"]
    assert shared > 0  # several events share one timestamp


def test_cdr_rows_agree_with_the_calls(dataset: Dataset, generated: list[CallSummary]) -> None:
    for s in generated[:300]:
        row = dataset.cdr_row(s)
        data = dataset.call_data(DEMO_INSTANCE_ID, s.contact_id)
        names = {e.get("AgentName") for e in data["Events"]["CallEventDetail"]} - {None}
        assert set(filter(None, row["AgentNames"].split(","))) == names
        assert row["Recordings"]["Recording"] == dataset.recordings(DEMO_INSTANCE_ID, s.contact_id)
        assert row["CallingNumber"] == data["Caller"] and row["CalledNumber"] == data["Callee"]
        assert len(row["SkillGroupIdList"].split(",")) == len(row["SkillGroupNames"].split(","))
        assert type(row["StartTime"]) is int and type(row["Satisfaction"]) is int


def test_determinism_for_one_anchor() -> None:
    one, two = Dataset(anchor=ANCHOR), Dataset(anchor=ANCHOR)
    start = ANCHOR.timestamp() * 1000 - 2 * DAY_MS
    rows_one = [one.cdr_row(s) for s in one.summaries(int(start), int(start) + DAY_MS)]
    rows_two = [two.cdr_row(s) for s in two.summaries(int(start), int(start) + DAY_MS)]
    assert rows_one == rows_two and len(rows_one) > 100
    for row in rows_one[:50]:
        assert to_json(one.call_data(DEMO_INSTANCE_ID, row["ContactId"])) == to_json(
            two.call_data(DEMO_INSTANCE_ID, row["ContactId"])
        )


def test_a_call_keeps_its_id_and_content_when_the_anchor_moves() -> None:
    today, tomorrow = Dataset(anchor=ANCHOR), Dataset(anchor=ANCHOR + timedelta(days=1))
    day = int(ANCHOR.timestamp() * 1000) - 3 * DAY_MS
    ids = [s.contact_id for s in today.summaries(day, day + DAY_MS - 1)]
    assert ids == [s.contact_id for s in tomorrow.summaries(day, day + DAY_MS - 1)]
    assert today.call_data(DEMO_INSTANCE_ID, ids[7]) == tomorrow.call_data(DEMO_INSTANCE_ID, ids[7])
    # The day that left the window is gone; the showcase calls moved with the anchor.
    oldest = int(ANCHOR.timestamp() * 1000) - 30 * DAY_MS
    first_old = next(today.summaries(oldest, oldest + DAY_MS - 1)).contact_id
    assert first_old not in tomorrow
    assert tomorrow.summary(SHOWCASE["huge"]).start_ms == (  # type: ignore[union-attr]
        today.summary(SHOWCASE["huge"]).start_ms + DAY_MS  # type: ignore[union-attr]
    )


def test_different_seeds_give_different_calls() -> None:
    a, b = Dataset(anchor=ANCHOR), Dataset(anchor=ANCHOR, seed=1)
    day = int(ANCHOR.timestamp() * 1000) - DAY_MS
    assert [s.contact_id for s in a.summaries(day, day + DAY_MS)] != [
        s.contact_id for s in b.summaries(day, day + DAY_MS)
    ]


def test_a_smaller_data_set() -> None:
    small = Dataset(anchor=ANCHOR, count=300)
    rows = list(small.summaries(small.anchor_ms - 30 * DAY_MS, small.anchor_ms))
    assert 300 <= len(rows) - len(SHOWCASE) + 2 < 400
    empty = Dataset(anchor=ANCHOR, count=0)
    assert len(empty) == len(set(SHOWCASE.values()))
    with pytest.raises(ValueError):
        Dataset(count=-1)
    assert Dataset(anchor=datetime(2025, 6, 1)).anchor == ANCHOR  # naive means UTC


def test_default_anchor_is_the_start_of_the_current_utc_day() -> None:
    anchor = Dataset().anchor
    assert anchor.tzinfo is not None
    assert (anchor.hour, anchor.minute, anchor.second, anchor.microsecond) == (0, 0, 0, 0)
    assert datetime.now(UTC) - anchor < timedelta(days=1)


# --- the showcase ---


def test_showcase_ids_are_distinct_and_never_generated(dataset: Dataset) -> None:
    ids = list(SHOWCASE.values())
    assert len(set(ids)) == len(ids)
    for cid in ids:
        assert cid.isdigit() and len(cid) == 10
        assert decode_id(cid) is None  # a generated id could never be one of these
        assert cid in dataset


def scenario_events(dataset: Dataset, name: str) -> list[str]:
    return [e["Event"] for e in events_of(dataset, SHOWCASE[name])]


def test_showcase_inbound_transfer(dataset: Dataset) -> None:
    trail = scenario_events(dataset, "inbound_transfer")
    assert trail[:3] == ["EnterIVR", "EnterQueue", "Ring"]
    assert "LaunchTransfer" in trail and trail.count("Talk") == 2
    recordings = dataset.recordings(DEMO_INSTANCE_ID, SHOWCASE["inbound_transfer"])
    assert len(recordings) == 2
    assert recordings[0]["AgentName"] != recordings[1]["AgentName"]
    assert len({r["FileName"] for r in recordings}) == 2
    assert dataset.summary(SHOWCASE["inbound_transfer"]).disposition == "OneStepTransfer"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "events", "disposition"),
    [
        ("inbound_success", {"EnterIVR", "EnterQueue", "Ring", "Talk", "End"}, "Success"),
        ("abandoned_in_queue", {"WaitingInQueue", "AbandonedInQueue"}, "AbandonedInQueue"),
        ("abandoned_ring", {"Ring", "AbandonedRing"}, "AbandonedRing"),
        ("overflow", {"ACDOverflow"}, "QueueOverflow"),
        ("call_for_help", {"CallForHelp", "CallForHelpSuccess", "SetUpMeeting"}, "Success"),
        ("outbound_dial", {"Dial", "Talk", "End", "Handle"}, "Success"),
        ("outbound_no_answer", {"Dial", "End"}, "NoAnswer"),
        ("meeting", {"SetUpMeeting"}, "Success"),
        ("privacy_dial", {"Dial", "Talk"}, "Success"),
    ],
)
def test_showcase_scenarios(
    dataset: Dataset, name: str, events: set[str], disposition: str
) -> None:
    assert events <= set(scenario_events(dataset, name))
    summary = dataset.summary(SHOWCASE[name])
    assert summary is not None and summary.disposition == disposition
    if name == "privacy_dial":
        assert dataset.call_data(DEMO_INSTANCE_ID, SHOWCASE[name])["PrivacyNumber"]


def test_showcase_calls_happened_the_day_before_the_anchor(dataset: Dataset) -> None:
    for name, cid in SHOWCASE.items():
        if name.startswith("seed_"):
            continue
        start = dataset.summary(cid).start_ms  # type: ignore[union-attr]
        assert dataset.anchor_ms - 2 * DAY_MS < start < dataset.anchor_ms, name


def test_the_huge_call(dataset: Dataset) -> None:
    fresh = Dataset(anchor=ANCHOR)
    summary = fresh.summary(SHOWCASE["huge"])
    assert summary is not None and len(summary.recordings) == 1
    assert len(fresh._data) == 0  # listing it did not build its 10,000 events
    trail = events_of(fresh, SHOWCASE["huge"])
    assert len(trail) == HUGE_EVENT_COUNT
    stamps = [int(e["TimeStamp"]) for e in trail]
    assert stamps == sorted(stamps)
    assert summary.start_ms + summary.duration * 1000 >= stamps[-1]
    assert len(to_json(fresh.call_data(DEMO_INSTANCE_ID, SHOWCASE["huge"]))) < 3_000_000


def test_the_hostile_call_carries_terminal_attacks(dataset: Dataset) -> None:
    data = dataset.call_data(DEMO_INSTANCE_ID, SHOWCASE["hostile"])
    text = "\n".join(strings_in(data))
    for needle in (
        "[bold red]x[/]",
        "\x1b[31m",
        "\x1b]52;c;",
        "\x00",
        "\x07",
        "\u202e",
        "👩‍💻",
        "全角",
        "\x9b",
        "[link=",
        "\r",
    ):
        assert needle in text, repr(needle)
    groups = {e["DetailData"].get("SkillGroup", "") for e in data["Events"]["CallEventDetail"]}
    assert max(len(g) for g in groups) == 500
    assert any(e["Event"] not in EVENTS_2017 for e in data["Events"]["CallEventDetail"])
    recordings = dataset.recordings(DEMO_INSTANCE_ID, SHOWCASE["hostile"])
    assert any(r["FileName"].startswith("../") for r in recordings)
    # XML can carry none of NUL and friends: they are replaced, and the document still parses.
    root = ElementTree.fromstring(to_xml("ListCallEventDetailByContactIdResponse", {"Data": data}))
    assert root.find("Data/Events") is not None


def strings_in(value: Any) -> list[str]:
    """Every key and string value in a JSON-shaped value."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def test_unknown_contacts(dataset: Dataset) -> None:
    for cid in ("", "abc", "1234567890", "99999999999", "2504318863", "\x00"):
        assert cid not in dataset
        assert dataset.call_data(DEMO_INSTANCE_ID, cid) == {"Events": {"CallEventDetail": []}}
        assert dataset.recordings(DEMO_INSTANCE_ID, cid) == []
        assert dataset.summary(cid) is None


def test_recordings_are_found_by_file_name(dataset: Dataset, generated: list[CallSummary]) -> None:
    with_recordings = [s for s in generated if s.recordings][:40]
    for s in with_recordings:
        for rec in s.recordings:
            assert dataset.find_recording(DEMO_INSTANCE_ID, rec["FileName"]) == rec
    assert dataset.find_recording(DEMO_INSTANCE_ID, SEED_RECORDING["FileName"]) == SEED_RECORDING
    assert dataset.find_recording(DEMO_INSTANCE_ID, "174865607320215115144066.wav") is None
    assert dataset.find_recording("other", SEED_RECORDING["FileName"]) is None


def test_matching_filters_like_the_service_and_keeps_the_last_queries(dataset: Dataset) -> None:
    start, stop = dataset.anchor_ms - 7 * DAY_MS, dataset.anchor_ms - 1
    every = list(dataset.summaries(start, stop, descending=True))
    assert list(dataset.matching(start, stop, descending=True)) == every
    inbound = dataset.matching(
        start, stop, descending=True, contact_types=frozenset({"inbound"}), criteria="小芳"
    )
    assert inbound and list(inbound) == [
        s for s in every if s.contact_type == "Inbound" and s.matches_text("小芳")
    ]
    again = dataset.matching(
        start, stop, descending=True, contact_types=frozenset({"inbound"}), criteria="小芳"
    )
    assert again is inbound  # the pages of one query filter once
    for n in range(40):  # bounded: older queries make way
        dataset.matching(start + n, stop)
    assert dataset.matching(start, stop, descending=True, criteria="小芳") is not inbound
    assert len(dataset._matching) <= 32


def test_raw_json_is_spliced_into_the_same_bytes() -> None:
    rows = [{"ContactId": "1", "Name": "小芳", "N": 2}, {"ContactId": "2", "Text": "a\u0000b"}]
    payload = {"A": 1, "Data": {"List": rows, "TotalCount": 2}, "Z": None}
    spliced = {
        "A": 1,
        "Data": {"List": RawList(RawJson(json_bytes(r)) for r in rows), "TotalCount": 2},
        "Z": None,
    }
    assert to_json(spliced) == to_json(payload)
    assert json.loads(to_json(spliced)) == payload
    assert to_json({"List": RawList()}) == b'{"List":[]}'


def test_serialised_rows_are_bounded_and_dropped_oldest_first() -> None:
    cache: dict[int, int] = {}
    for n in range(100):
        remember(cache, n, n, limit=40)
    assert len(cache) <= 40 and 99 in cache and 0 not in cache
    assert list(cache) == sorted(cache)
