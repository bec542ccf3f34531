"""ccc_tui.calls.phases: where a call's time went, on seed-like, awkward and generated trails."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccc_tui.api.models import Call, CallEvent, Lane
from ccc_tui.calls.phases import (
    PHASE_ORDER,
    Phase,
    analyse,
    event_phase,
    event_span,
    phase_label,
    phase_summary,
)

T0 = datetime(2019, 4, 17, 9, 10, 46, tzinfo=UTC)
S = timedelta(seconds=1)


def ev(
    at: float | None,
    event: str,
    lane: Lane = Lane.AGENT,
    duration: int | None = None,
    **fields: object,
) -> CallEvent:
    time = None if at is None else T0 + at * S
    return CallEvent(time=time, event=event, lane=lane, duration=duration, **fields)  # type: ignore[arg-type]


def call(*events: CallEvent, start: datetime | None = T0) -> Call:
    return Call("c1", start=start, events=events)


def seconds(summary_value: timedelta) -> float:
    return summary_value.total_seconds()


def seed() -> Call:
    """The documented example: Dial 9 s; End (Handling) 16 s and Handle 0 s 13 s later."""
    return call(
        ev(0, "Dial", duration=9, status="Dialing"),
        ev(13, "End", duration=16, status="Handling", hang_upper="byeSystem"),
        ev(13, "Handle", duration=0),
    )


def inbound_with_transfer() -> Call:
    return call(
        ev(0, "EnterIVR", Lane.IVR, 12),
        ev(12, "EnterQueue", Lane.QUEUE, 40),
        ev(20, "WaitingInQueue", Lane.QUEUE),
        ev(52, "Ring", duration=8, agent_name="张伟"),
        ev(60, "Talk", duration=95, agent_name="张伟"),
        ev(150, "LaunchTransfer", duration=0, agent_name="张伟"),
        ev(151, "Ring", duration=4, agent_name="李娜"),
        ev(155, "Talk", duration=122, agent_name="李娜"),
        ev(155, "End", duration=20, agent_name="张伟"),  # agent 1's wrap-up overlaps agent 2
        ev(277, "End", duration=15, agent_name="李娜"),
        ev(277, "Handle", duration=0, agent_name="李娜"),
    )


def test_seed_outbound() -> None:
    summary = phase_summary(seed())
    assert seconds(summary.dial) == 9
    assert seconds(summary.wrap_up) == 16
    assert seconds(summary.other) == 4  # 9 s → 13 s: nothing accounts for it
    assert seconds(summary.total) == 29
    assert [p for p, _ in summary.items()] == [Phase.DIAL, Phase.WRAP_UP, Phase.OTHER]
    assert [(s.phase, s.start, s.end) for s in summary.segments] == [
        (Phase.DIAL, 0, 9),
        (Phase.OTHER, 9, 13),
        (Phase.WRAP_UP, 13, 29),
    ]


def test_seed_spans() -> None:
    c = seed()
    assert event_span(c, c.events[0]) == (0, 9)
    assert event_span(c, c.events[1]) == (13, 29)
    assert event_span(c, c.events[2]) == (13, 13)  # zero-length: a point
    analysis = analyse(c)
    assert (analysis.axis_start, analysis.axis_end) == (0, 29)
    assert analysis.estimated == frozenset()


def test_inbound_with_transfer() -> None:
    summary = phase_summary(inbound_with_transfer())
    assert seconds(summary.ivr) == 12
    assert seconds(summary.queue) == 40
    assert seconds(summary.ring) == 8 + 4
    # Talk 60→150 and 150→151 (agent 1, while the transfer starts), then 155→277 (agent 2):
    # agent 1's wrap-up from 155 never eats agent 2's talk.
    assert seconds(summary.talk) == 91 + 122
    assert seconds(summary.wrap_up) == 15
    assert seconds(summary.other) == 0
    assert seconds(summary.total) == 292
    assert [s.phase for s in summary.segments] == [
        Phase.IVR,
        Phase.QUEUE,
        Phase.RING,
        Phase.TALK,
        Phase.RING,
        Phase.TALK,
        Phase.WRAP_UP,
    ]


def test_inbound_with_transfer_in_2020_names() -> None:
    """The same call as GetCallDetailRecord (2020-07-01) names its events: the same phases."""
    c = call(
        ev(0, "Route2IVR", Lane.IVR, 12),
        ev(0, "Incoming", Lane.CUSTOMER, 0),
        ev(12, "Enqueue", Lane.QUEUE, 40),
        ev(52, "AgentRinging", duration=8, agent_name="张伟"),
        ev(60, "Established", duration=95, agent_name="张伟"),
        ev(60, "AssignAgent", Lane.QUEUE, 0),
        ev(100, "Held", duration=20, agent_name="张伟"),
        ev(120, "Retrieved", duration=0, agent_name="张伟"),
        ev(150, "BlindTransfer", duration=0, agent_name="张伟"),
        ev(151, "AgentRinging", duration=4, agent_name="李娜"),
        ev(155, "Established", duration=122, agent_name="李娜"),
        ev(155, "Released", duration=20, agent_name="张伟"),
        ev(277, "Released", duration=15, agent_name="李娜"),
        ev(277, "Released", Lane.CUSTOMER, 0),
    )
    summary = phase_summary(c)
    expected = phase_summary(inbound_with_transfer())
    for phase in PHASE_ORDER:
        assert summary.duration(phase) == expected.duration(phase), phase
    assert [s.phase for s in summary.segments] == [s.phase for s in expected.segments]


def test_outbound_not_answered_in_2020_names() -> None:
    c = call(
        ev(0, "Dialing", duration=40, agent_name="小芳"),
        ev(0, "Ringing", Lane.CUSTOMER, 0),
        ev(40, "Released", duration=7, agent_name="小芳"),
        ev(40, "Handle", duration=0, agent_name="小芳"),
        ev(40, "Released", Lane.CUSTOMER, 0),
    )
    summary = phase_summary(c)
    assert (seconds(summary.dial), seconds(summary.wrap_up), seconds(summary.other)) == (40, 7, 0)


@pytest.mark.parametrize(
    ("event", "phase"),
    [
        ("Route2IVR", Phase.IVR),
        ("IVRException", Phase.IVR),
        ("Enqueue", Phase.QUEUE),
        ("QueuingTimeout", Phase.QUEUE),
        ("QueuingOverflow", Phase.QUEUE),
        ("AgentRinging", Phase.RING),
        ("Dialing", Phase.DIAL),
        ("Established", Phase.TALK),
        ("Held", Phase.TALK),
        ("AttendedTransfer", Phase.TALK),
        ("Released", Phase.WRAP_UP),
    ],
)
def test_2020_event_phases(event: str, phase: Phase) -> None:
    assert event_phase(ev(0, event, Lane.OTHER)) is phase


def test_2020_states_without_duration_last_until_the_next_event() -> None:
    c = call(
        ev(0, "Route2IVR", Lane.IVR),  # the older CdrIvrEvents: no Duration
        ev(10, "Enqueue", Lane.QUEUE),
        ev(15, "AgentRinging"),
        ev(20, "Established"),
        ev(50, "Released"),
    )
    summary = phase_summary(c)
    assert [seconds(summary.duration(p)) for p in (Phase.IVR, Phase.QUEUE, Phase.RING)] == [
        10,
        5,
        5,
    ]
    assert seconds(summary.talk) == 30


def test_state_without_duration_lasts_until_the_next_event() -> None:
    c = call(
        ev(0, "EnterIVR", Lane.IVR, 10),
        ev(10, "EnterQueue", Lane.QUEUE),  # no Duration
        ev(70, "AbandonedInQueue", Lane.QUEUE),
    )
    summary = phase_summary(c)
    assert seconds(summary.queue) == 60
    assert seconds(summary.total) == 70
    analysis = analyse(c)
    assert analysis.spans[1] == (10, 70)
    assert analysis.estimated == frozenset({1})
    assert analysis.spans[2] == (70, 70)  # an outcome is a point


def test_an_event_that_opens_no_state_is_a_point_even_before_a_later_one() -> None:
    # Rule 3: without a Duration only a state event runs on to the next timestamp.
    c = call(
        ev(0, "EnterQueue", Lane.QUEUE, 10),
        ev(10, "AbandonedInQueue", Lane.QUEUE),  # an outcome, not a state: a point
        ev(10, "LaunchTransfer"),  # not a state either
        ev(40, "End", duration=5),
    )
    analysis = analyse(c)
    assert analysis.spans[1] == (10, 10)
    assert analysis.spans[2] == (10, 10)
    assert analysis.estimated == frozenset()
    summary = analysis.summary
    assert (seconds(summary.queue), seconds(summary.talk)) == (10, 0)
    assert (seconds(summary.other), seconds(summary.wrap_up), seconds(summary.total)) == (30, 5, 45)


def test_a_state_event_with_duration_zero_stays_zero() -> None:
    # Rule 3: a known Duration of 0 is a length, not a missing one: no estimate to the next event.
    c = call(
        ev(0, "Ring", duration=0, agent_name="a"),  # rang and was taken at once
        ev(0, "Talk", duration=30, agent_name="a"),
        ev(30, "EnterQueue", Lane.QUEUE, 0),
        ev(50, "End", duration=0),
    )
    analysis = analyse(c)
    assert analysis.spans[0] == (0, 0)
    assert analysis.spans[2] == (30, 30)
    assert analysis.estimated == frozenset()
    summary = analysis.summary
    assert (seconds(summary.ring), seconds(summary.queue), seconds(summary.talk)) == (0, 0, 30)
    assert (seconds(summary.other), seconds(summary.total)) == (20, 50)


def test_abandoned_while_ringing() -> None:
    c = call(
        ev(0, "EnterQueue", Lane.QUEUE, 30),
        ev(30, "Ring", agent_name="a"),
        ev(45, "AbandonedRing", Lane.QUEUE),
    )
    summary = phase_summary(c)
    assert (seconds(summary.queue), seconds(summary.ring), seconds(summary.total)) == (30, 15, 45)


def test_last_state_without_duration_is_a_point() -> None:
    c = call(ev(0, "Talk"))
    assert event_span(c, c.events[0]) == (0, 0)
    assert seconds(phase_summary(c).total) == 0


def test_untimed_events_are_kept_in_place_but_not_counted() -> None:
    c = call(
        ev(0, "EnterQueue", Lane.QUEUE, 5),
        ev(None, "Talk", duration=100),
        ev(5, "Ring", duration=3),
    )
    analysis = analyse(c)
    assert analysis.order == (0, 1, 2)
    assert analysis.spans[1] is None
    assert analysis.offset(1) is None
    assert event_span(c, c.events[1]) is None
    assert seconds(phase_summary(c).total) == 8


def test_out_of_order_events_are_sorted_stably() -> None:
    c = call(
        ev(30, "Talk", duration=10),
        ev(0, "EnterQueue", Lane.QUEUE, 20),
        ev(20, "Ring", duration=10),
        ev(40, "End", duration=0),
        ev(40, "Handle", duration=0),  # same time as End: server order kept
    )
    analysis = analyse(c)
    assert analysis.order == (1, 2, 0, 3, 4)
    summary = analysis.summary
    assert (seconds(summary.queue), seconds(summary.ring), seconds(summary.talk)) == (20, 10, 10)


def test_duplicates_do_not_count_twice() -> None:
    talk = ev(0, "Talk", duration=60)
    c = call(talk, ev(0, "Talk", duration=60), ev(0, "Talk", duration=60))
    summary = phase_summary(c)
    assert seconds(summary.talk) == 60
    assert seconds(summary.total) == 60


@pytest.mark.parametrize(
    "events",
    [
        (),
        (ev(0, "Dial", duration=0), ev(0, "End", duration=0), ev(0, "Handle", duration=0)),
        (ev(None, "Dial", duration=5),),
    ],
)
def test_zero_length_calls(events: tuple[CallEvent, ...]) -> None:
    summary = phase_summary(call(*events))
    assert summary.total == timedelta(0)
    assert summary.items() == []
    assert all(value == timedelta(0) for _, value in summary.items(include_zero=True))


def test_event_before_the_start_gets_a_negative_offset() -> None:
    c = call(ev(-2, "EnterIVR", Lane.IVR, 2), ev(0, "EnterQueue", Lane.QUEUE, 5))
    analysis = analyse(c)
    assert analysis.offset(0) == -2
    assert (analysis.axis_start, analysis.axis_end) == (-2, 5)
    assert seconds(analysis.summary.total) == 7


def test_origin_without_a_start_time_is_the_first_event() -> None:
    c = call(ev(5, "Dial", duration=3), ev(8, "End", duration=0), start=None)
    analysis = analyse(c)
    assert analysis.origin == T0 + 5 * S
    assert analysis.spans == ((0, 3), (3, 3))


def test_gap_before_the_first_event_is_other() -> None:
    summary = phase_summary(call(ev(10, "Talk", duration=5)))
    assert (seconds(summary.other), seconds(summary.talk), seconds(summary.total)) == (10, 5, 15)


def test_odd_durations() -> None:
    c = call(
        ev(0, "Talk", duration="12"),  # type: ignore[arg-type]  # a number as a string
        ev(12, "End", duration=-5),  # garbage: treated as unknown
        ev(12, "Handle", duration=10**12),  # absurd: capped at 7 days
    )
    analysis = analyse(c)
    assert analysis.spans[0] == (0, 12)
    assert analysis.spans[1] == (12, 12)
    assert analysis.spans[2] == (12, 12 + 7 * 24 * 3600)


def test_naive_times_are_read_as_utc() -> None:
    naive = CallEvent(time=datetime(2019, 4, 17, 9, 10, 56), event="Talk", lane=Lane.AGENT)
    c = Call("c", start=T0, events=(naive,))
    assert analyse(c).offset(0) == 10


def test_unknown_events_fall_back_on_their_lane() -> None:
    assert event_phase(ev(0, "NewIvrThing", Lane.IVR)) is Phase.IVR
    assert event_phase(ev(0, "NewQueueThing", Lane.QUEUE)) is Phase.QUEUE
    assert event_phase(ev(0, "Mystery", Lane.OTHER)) is Phase.OTHER
    assert event_phase(ev(0, "Dial")) is Phase.DIAL
    assert phase_label(Phase.WRAP_UP) == "Wrap-up"
    assert phase_label(Phase.TALK, "zh") == "通话"


def test_event_span_of_a_foreign_event() -> None:
    c = seed()
    copy = CallEvent(**{f: getattr(c.events[0], f) for f in ("time", "event", "lane", "duration", "status")})
    assert event_span(c, copy) == (0, 9)  # an equal copy is found
    with pytest.raises(ValueError):
        event_span(c, ev(99, "Talk"))


def test_analysis_is_computed_afresh_per_call() -> None:
    # No module-level cache: one CallView per loaded call holds the analysis.
    c = seed()
    assert analyse(c) is not analyse(c)
    assert analyse(c).order == analyse(c).order


def test_phases_module_imports_no_textual() -> None:
    code = "import sys, ccc_tui.calls.phases; print([m for m in sys.modules if m.startswith('textual')])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# ── generated trails ───────────────────────────────────────────────────────────────────────

EVENT_CODES = [
    "EnterIVR",
    "EnterQueue",
    "WaitingInQueue",
    "ACDOverflow",
    "AbandonedInQueue",
    "Ring",
    "AbandonedRing",
    "Talk",
    "LaunchTransfer",
    "CallForHelp",
    "Dial",
    "End",
    "Handle",
    "Mystery",
]

trail_events = st.builds(
    ev,
    st.one_of(st.none(), st.integers(min_value=-30, max_value=3600)),
    st.sampled_from(EVENT_CODES),
    st.sampled_from(list(Lane)),
    st.one_of(st.none(), st.integers(min_value=-5, max_value=900)),
)


@settings(max_examples=300)
@given(st.lists(trail_events, max_size=40), st.booleans())
def test_phases_always_add_up(events: list[CallEvent], with_start: bool) -> None:
    c = call(*events, start=T0 if with_start else None)
    analysis = analyse(c)
    summary = analysis.summary
    parts = [value for _, value in summary.items(include_zero=True)]
    assert all(value >= timedelta(0) for value in parts)
    assert sum(parts, timedelta(0)) == summary.total
    assert seconds(summary.total) == pytest.approx(analysis.axis_length)
    assert sorted(analysis.order) == list(range(len(events)))
    # The segments tile the axis without gaps or overlaps.
    if summary.segments:
        assert summary.segments[0].start == analysis.axis_start
        assert summary.segments[-1].end == analysis.axis_end
        for before, after in zip(summary.segments, summary.segments[1:], strict=False):
            assert before.end == after.start
            assert before.phase is not after.phase
    for span in analysis.spans:
        if span is not None:
            assert analysis.axis_start <= span[0] <= span[1] <= analysis.axis_end


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(st.sampled_from(EVENT_CODES), st.integers(min_value=0, max_value=300)),
        max_size=12,
    ),
    st.randoms(),
)
def test_server_order_does_not_matter_for_distinct_times(
    steps: list[tuple[str, int]], rnd: object
) -> None:
    events = [ev(n * 10, code, duration=duration) for n, (code, duration) in enumerate(steps)]
    shuffled = list(events)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert phase_summary(call(*events)) == phase_summary(call(*shuffled))


def test_the_2020_demo_calls_spend_their_time_as_their_2017_twins() -> None:
    """The demo's 2.0 instance serves the 2017 calls renamed: every name it sends is catalogued
    (but a hostile one),
    and each call's phases add up as they do for its 2017 twin."""
    from ccc_tui.api import v2017, v2020
    from ccc_tui.api.catalogue import EVENTS
    from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
    from ccc_tui.emulator.dataset import Dataset
    from ccc_tui.emulator.dataset2020 import Dataset2020
    from ccc_tui.emulator.ids import job_id
    from ccc_tui.emulator.showcase import at_cst
    from tests.test_emulator_protocol import ANCHOR

    base = Dataset(anchor=ANCHOR)
    ds = Dataset2020(base)
    start = int(at_cst(ANCHOR - timedelta(days=1), "00:00").timestamp() * 1000)
    names: set[str] = set()
    checked = 0
    for summary in list(base.summaries(start, start + 86_400_000 - 1))[:200]:
        legacy = summary.contact_id
        old = v2017.parse_call(
            {"Success": True, "Code": "OK", "Data": base.call_data(DEMO_INSTANCE_ID, legacy)},
            legacy,
        )
        found = ds.call(job_id(legacy))
        assert found is not None
        new = v2020.parse_call({"Code": "OK", "Data": found.detail}, job_id(legacy))
        names.update(e.event for e in new.events)
        before, after = phase_summary(old), phase_summary(new)
        for phase in PHASE_ORDER:
            assert after.duration(phase) == before.duration(phase), (legacy, phase)
        checked += 1
    assert checked > 50
    plain = {name for name in names if name.isascii() and name.isalnum()}  # not the hostile calls
    assert plain <= set(EVENTS), plain - set(EVENTS)
