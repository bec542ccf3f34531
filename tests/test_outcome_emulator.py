"""No generated call's outcome contradicts its events, and its release fields fit both.

The one call that disagrees on purpose is the hostile showcase: it was talked through and
transferred, yet its release reason is `487-Request Terminated` ("cancelled before it was
answered"). It is the case screens must show as a disagreement rather than pick a side.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest

from ccc_tui.api import v2017
from ccc_tui.api.models import Call
from ccc_tui.calls.outcome import (
    ANSWERED_KINDS,
    OutcomeKind,
    conflict,
    disposition_kind,
    outcome_of,
)
from ccc_tui.emulator.builder import CallSummary
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import DAY_MS, Dataset
from ccc_tui.emulator.scenarios import _SCENARIO_WEIGHTS
from ccc_tui.emulator.showcase import SHOWCASE

EXPECTED: dict[str, OutcomeKind] = {
    "inbound": OutcomeKind.ANSWERED,
    "inbound_waiting": OutcomeKind.ANSWERED,
    "inbound_giveup": OutcomeKind.ANSWERED,
    "ivr_abandon": OutcomeKind.ABANDONED_IN_IVR,
    "abandoned_in_queue": OutcomeKind.ABANDONED_IN_QUEUE,
    "abandoned_ring": OutcomeKind.ABANDONED_RINGING,
    "overflow_end": OutcomeKind.QUEUE_OVERFLOW,
    "overflow_answered": OutcomeKind.ANSWERED,
    "transfer": OutcomeKind.TRANSFERRED,
    "call_for_help": OutcomeKind.CONFERENCE,
    "meeting": OutcomeKind.CONFERENCE,
    "outbound": OutcomeKind.ANSWERED,
    "outbound_no_answer": OutcomeKind.NOT_ANSWERED,
    "back2back": OutcomeKind.ANSWERED,
    "predictive": OutcomeKind.ANSWERED,
    "privacy": OutcomeKind.ANSWERED,
}
SAMPLES = 6
ANCHOR = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return Dataset(anchor=ANCHOR, count=3000)


@pytest.fixture(scope="module")
def samples(dataset: Dataset) -> dict[str, list[CallSummary]]:
    found: dict[str, list[CallSummary]] = defaultdict(list)
    stop = dataset.anchor_ms
    start = stop - 10 * DAY_MS
    for summary in dataset.summaries(start, stop):
        bucket = found[summary.scenario]
        if len(bucket) < SAMPLES:
            bucket.append(summary)
        if all(len(found[name]) >= SAMPLES for name in EXPECTED):
            break
    return found


def _call(dataset: Dataset, contact_id: str) -> Call:
    return v2017.parse_call({"Data": dataset.call_data(DEMO_INSTANCE_ID, contact_id)}, contact_id)


def test_every_scenario_has_an_expectation() -> None:
    assert set(EXPECTED) == set(_SCENARIO_WEIGHTS)


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_scenario_outcome_fits_its_events_and_release_fields(
    dataset: Dataset, samples: dict[str, list[CallSummary]], scenario: str
) -> None:
    assert len(samples[scenario]) == SAMPLES
    for summary in samples[scenario]:
        call = _call(dataset, summary.contact_id)
        from_events = outcome_of(call)
        assert from_events.kind is EXPECTED[scenario], (summary.contact_id, from_events.facts)
        # The record's disposition names the same outcome, or the same family (answered).
        by_record = disposition_kind(summary.disposition)
        assert by_record is from_events.kind or {by_record, from_events.kind} <= ANSWERED_KINDS
        assert outcome_of(call, summary.disposition).kind is from_events.kind
        assert conflict(call, from_events) is None, summary.contact_id
        assert from_events.line()


def test_release_fields_per_scenario(
    dataset: Dataset, samples: dict[str, list[CallSummary]]
) -> None:
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for scenario, summaries in samples.items():
        for summary in summaries:
            data = dataset.call_data(DEMO_INSTANCE_ID, summary.contact_id)
            seen[scenario].add((data["ReleaseAgent"], data["ReleaseReason"]))
    # Whoever gives up after the IVR answered sends a BYE: 200, never a CANCEL's 487.
    for scenario in ("ivr_abandon", "abandoned_in_queue", "abandoned_ring"):
        assert seen[scenario] == {("customer", "200-OK")}, scenario
    assert seen["overflow_end"] == {("system", "200-OK")}
    for side, reason in seen["outbound_no_answer"]:
        assert (side == "agent") == reason.startswith("487"), (side, reason)
        assert not reason.startswith("200")
    for scenario, kind in EXPECTED.items():
        if kind in ANSWERED_KINDS:
            assert {reason for _, reason in seen[scenario]} == {"200-OK"}, scenario


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("seed_outbound", OutcomeKind.NOT_ANSWERED),
        ("seed_recording", OutcomeKind.ANSWERED),
        ("inbound_success", OutcomeKind.ANSWERED),
        ("inbound_transfer", OutcomeKind.TRANSFERRED),
        ("abandoned_in_queue", OutcomeKind.ABANDONED_IN_QUEUE),
        ("abandoned_ring", OutcomeKind.ABANDONED_RINGING),
        ("overflow", OutcomeKind.QUEUE_OVERFLOW),
        ("call_for_help", OutcomeKind.CONFERENCE),
        ("outbound_dial", OutcomeKind.ANSWERED),
        ("outbound_no_answer", OutcomeKind.NOT_ANSWERED),
        ("meeting", OutcomeKind.CONFERENCE),
        ("privacy_dial", OutcomeKind.ANSWERED),
        ("huge", OutcomeKind.ANSWERED),
        ("hostile", OutcomeKind.TRANSFERRED),
    ],
)
def test_showcase_outcomes(dataset: Dataset, name: str, kind: OutcomeKind) -> None:
    contact_id = SHOWCASE[name]
    call = _call(dataset, contact_id)
    summary = dataset.summary(contact_id)
    outcome = outcome_of(call, summary.disposition if summary else None)
    assert outcome.kind is kind
    said = conflict(call, outcome)
    if name == "hostile":
        assert said is not None and "Release reason 487 disagrees" in said  # on purpose: see the top
    else:
        assert said is None


def test_the_issue_calls_read_truthfully(dataset: Dataset) -> None:
    queue = outcome_of(_call(dataset, SHOWCASE["abandoned_in_queue"]))
    assert (
        queue.line() == "Abandoned in queue 投诉处理组 after 0:53 — no agent was offered the call"
    )
    overflow = _call(dataset, SHOWCASE["overflow"])
    assert overflow.release_agent == "system"
    assert outcome_of(overflow).line().startswith("Queue 投诉处理组 overflowed after ")
