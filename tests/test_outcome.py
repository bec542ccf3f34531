"""How a call ended, read from hand-made trails; the release line; conflicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccc_tui.api.catalogue import (
    DISPOSITIONS_2017,
    DISPOSITIONS_2020,
    EVENTS,
    lane_of,
    parse_release_reason,
)
from ccc_tui.api.models import Call, CallEvent, CallRecord, Lane
from ccc_tui.calls.outcome import (
    DISPOSITION_KINDS,
    EVENT_KINDS,
    Outcome,
    OutcomeKind,
    conflict,
    disposition_kind,
    outcome_of,
    release_line,
)

DOCUMENTED_DISPOSITIONS = (*DISPOSITIONS_2017, *DISPOSITIONS_2020)

T0 = datetime(2025, 3, 4, 1, 0, 0, tzinfo=UTC)


def ev(
    code: str,
    at: float | None,
    duration: int | None = 0,
    *,
    agent: str = "",
    group: str = "",
    helper: str = "",
    **details: str,
) -> CallEvent:
    return CallEvent(
        time=None if at is None else T0 + timedelta(seconds=at),
        event=code,
        lane=lane_of(code),
        agent_name=agent,
        skill_group=group,
        duration=duration,
        helper=helper,
        details=details,
    )


def call(*events: CallEvent, direction: str = "Inbound", **fields: Any) -> Call:
    release = fields.pop("release", "")
    return Call(
        contact_id="1",
        direction=direction,
        start=T0,
        events=events,
        release_reason=parse_release_reason(release) if release else None,
        **fields,
    )


G = "投诉处理组"


def inbound_answered(*tail: CallEvent) -> tuple[CallEvent, ...]:
    return (
        ev("EnterIVR", 0, 12),
        ev("EnterQueue", 12, 50, group=G),
        ev("WaitingInQueue", 14, 44, group=G),
        ev("Ring", 58, 5, agent="Kevin Wang", group=G),
        ev("NormalEnd", 63, group=G),
        ev("Talk", 63, 95, agent="Kevin Wang", group=G),
        *tail,
    )


# --- every kind ---------------------------------------------------------------------------------


def test_answered_by_an_agent() -> None:
    o = outcome_of(call(*inbound_answered(ev("End", 158, 10, agent="Kevin Wang", group=G))))
    assert o.kind is OutcomeKind.ANSWERED and o.answered
    assert o.agents == ("Kevin Wang",) and o.skill_group == G
    assert (o.wait, o.ring, o.talk) == (
        timedelta(seconds=46),
        timedelta(seconds=5),
        timedelta(seconds=95),
    )
    assert o.line() == f"Answered by Kevin Wang ({G}) after 0:46 waiting"
    assert o.line("zh") == f"由 Kevin Wang ({G}) 接听，排队 0:46"


def test_transferred_keeps_the_chain() -> None:
    o = outcome_of(
        call(
            *inbound_answered(
                ev("LaunchTransfer", 158, agent="Kevin Wang", group=G, TransferTo="刘洋"),
                ev("Ring", 160, 4, agent="刘洋", group="技术支持组"),
                ev("Talk", 164, 60, agent="刘洋", group="技术支持组"),
            )
        )
    )
    assert o.kind is OutcomeKind.TRANSFERRED
    assert o.agents == ("Kevin Wang", "刘洋")
    assert o.talk == timedelta(seconds=155)
    assert o.line() == f"Answered by Kevin Wang ({G}) after 0:46 waiting · transferred to 刘洋"


def test_a_transfer_to_someone_who_never_talked_still_names_them() -> None:
    o = outcome_of(
        call(*inbound_answered(ev("LaunchTransfer", 158, agent="Kevin Wang", TransferTo="x")))
    )
    assert o.kind is OutcomeKind.TRANSFERRED and o.agents == ("Kevin Wang", "x")


def test_call_for_help_and_conference() -> None:
    helped = outcome_of(
        call(
            *inbound_answered(
                ev("CallForHelp", 100, 5, agent="Kevin Wang", helper="王伟"),
                ev("CallForHelpSuccess", 105, 30, agent="王伟", helper="王伟"),
            )
        )
    )
    assert helped.kind is OutcomeKind.CONFERENCE and helped.helpers == ("王伟",)
    assert helped.line().endswith("· called for help from 王伟")
    meeting = outcome_of(
        call(
            *inbound_answered(
                ev("SetUpMeeting", 100, 60, agent="Kevin Wang", MeetingMembers="Kevin Wang,139")
            )
        )
    )
    assert meeting.kind is OutcomeKind.CONFERENCE and meeting.guests == ("139",)
    assert meeting.line().endswith("· conference with 139")


def test_answered_after_an_overflow_says_where_from() -> None:
    o = outcome_of(
        call(
            ev("EnterQueue", 0, 60, group=G),
            ev("ACDOverflow", 60, group=G, OverflowTo="夜间值班组"),
            ev("EnterQueue", 60, 5, group="夜间值班组"),
            ev("Ring", 65, 3, agent="刘洋", group="夜间值班组"),
            ev("Talk", 68, 30, agent="刘洋", group="夜间值班组"),
        )
    )
    assert o.kind is OutcomeKind.ANSWERED and o.overflow_from == G
    assert o.line() == f"Answered by 刘洋 (夜间值班组) after 1:05 waiting · overflowed from {G}"


def test_abandoned_in_the_ivr() -> None:
    o = outcome_of(call(ev("EnterIVR", 0, 23)))
    assert o.kind is OutcomeKind.ABANDONED_IN_IVR and o.wait == timedelta(seconds=23)
    assert o.line() == "Abandoned in the IVR after 0:23 — the caller never reached a queue"


def test_abandoned_in_the_queue() -> None:
    o = outcome_of(
        call(
            ev("EnterIVR", 0, 10),
            ev("EnterQueue", 10, 53, group=G),
            ev("WaitingInQueue", 12, 51, group=G),
            ev("AbandonedInQueue", 63, group=G),
        )
    )
    assert o.kind is OutcomeKind.ABANDONED_IN_QUEUE and o.wait == timedelta(seconds=53)
    assert o.line() == f"Abandoned in queue {G} after 0:53 — no agent was offered the call"


def test_abandoned_in_the_queue_after_agents_let_it_ring() -> None:
    o = outcome_of(
        call(
            ev("EnterQueue", 0, 80, group=G),
            ev("Ring", 10, 10, agent="a", group=G),
            ev("GiveUp", 20, agent="a", group=G),
            ev("Ring", 30, 10, agent="b", group=G),
            ev("GiveUp", 40, agent="b", group=G),
            ev("AbandonedInQueue", 80, group=G),
        )
    )
    assert o.kind is OutcomeKind.ABANDONED_IN_QUEUE and o.offered == 2
    assert o.line().endswith("— 2 agents were offered the call and did not answer")


def test_abandoned_while_ringing() -> None:
    o = outcome_of(
        call(
            ev("EnterQueue", 0, 20, group=G),
            ev("Ring", 12, 8, agent="王伟", group=G),
            ev("AbandonedRing", 20, agent="王伟", group=G),
        )
    )
    assert o.kind is OutcomeKind.ABANDONED_RINGING and o.agents == ("王伟",)
    assert (o.wait, o.ring) == (timedelta(seconds=12), timedelta(seconds=8))
    assert (
        o.line()
        == f"Abandoned while ringing 王伟 ({G}) — the caller hung up after 0:12 waiting and 0:08 ringing"
    )


def test_queue_overflow_and_timeout() -> None:
    o = outcome_of(
        call(
            ev("EnterQueue", 0, 90, group=G),
            ev("ACDOverflow", 90, group=G),
            ev("EnterIVR", 90, 10),
        )
    )
    assert o.kind is OutcomeKind.QUEUE_OVERFLOW
    assert o.line() == f"Queue {G} overflowed after 1:30 — no agent answered"
    timeout = outcome_of(call(ev("Enqueue", 0, 300, group=G), ev("QueuingTimeout", 300, group=G)))
    assert timeout.kind is OutcomeKind.QUEUE_TIMEOUT
    assert timeout.line() == f"Queue {G} timed out after 5:00 — no agent answered"


def test_not_answered_outbound_by_the_customer_and_by_the_agent() -> None:
    seed = call(
        ev("Dial", 0, 9, agent="cloudcallcenter"),
        ev("End", 13, 16, agent="cloudcallcenter"),
        ev("Handle", 13, agent="cloudcallcenter"),
        direction="Outbound",
    )
    o = outcome_of(seed, "NoAnswer")
    assert o.kind is OutcomeKind.NOT_ANSWERED and o.not_answered_by == "customer"
    assert o.line() == "Not answered — the customer did not pick up (dialled 0:09)"
    assert o.disposition == "NoAnswer" and "ContactDisposition NoAnswer" in o.facts
    agent_missed = outcome_of(call(ev("Ring", 0, 20, agent="小芳"), direction="Back2Back"))
    assert agent_missed.not_answered_by == "agent"
    assert agent_missed.line() == "Not answered — the agent 小芳 did not pick up (dialled 0:20)"


def test_outbound_answered_is_the_customer_answering() -> None:
    o = outcome_of(
        call(
            ev("Dial", 0, 6, agent="小芳", group="售后服务组"),
            ev("Talk", 6, 10, agent="小芳", group="售后服务组"),
            direction="Outbound",
        )
    )
    assert o.kind is OutcomeKind.ANSWERED and o.outbound
    assert o.line() == "Answered by the customer after 0:06 dialling · agent 小芳 (售后服务组)"


def test_predictive_dial_then_queue_reads_as_an_agent_answering() -> None:
    o = outcome_of(
        call(
            ev("Dial", 0, 10, group=G),
            ev("EnterQueue", 10, 4, group=G),
            ev("Ring", 14, 3, agent="a", group=G),
            ev("Talk", 17, 30, agent="a", group=G),
            direction="PredictiveDial",
        )
    )
    assert o.kind is OutcomeKind.ANSWERED and not o.outbound
    assert o.line() == f"Answered by a ({G}) after 0:04 waiting"


# --- empty, partial, unordered ---------------------------------------------------------------


def test_empty_trail_is_unknown() -> None:
    o = outcome_of(call())
    assert o == Outcome(OutcomeKind.UNKNOWN)
    assert o.line() == "Outcome unknown — the events do not say how the call ended"
    assert outcome_of(None).kind is OutcomeKind.UNKNOWN


def test_only_wrap_up_or_unknown_events_is_unknown() -> None:
    assert outcome_of(call(ev("End", 0, 5), ev("Handle", 5))).kind is OutcomeKind.UNKNOWN
    assert outcome_of(call(ev("Mystery", 0, 5))).kind is OutcomeKind.UNKNOWN


def test_unknown_events_plus_a_disposition_take_the_record() -> None:
    record = CallRecord(
        contact_id="1",
        disposition="Success",
        agent_names=("李娜",),
        skill_group_names=("售前咨询组",),
    )
    o = outcome_of(call(), record)
    assert o.kind is OutcomeKind.ANSWERED and o.agents == ("李娜",)
    assert o.line() == "Answered by 李娜 (售前咨询组)"
    odd = outcome_of(call(), "QueuingFailed")
    assert odd.kind is OutcomeKind.UNKNOWN
    assert odd.line() == "Outcome unknown — the record says QueuingFailed"


def test_an_ivr_exception_is_a_failure_of_the_flow_not_a_caller_who_gave_up() -> None:
    failed = outcome_of(call(ev("EnterIVR", 0, 17), ev("IVRException", 17)))
    assert failed.kind is OutcomeKind.IVR_FAILED and failed.wait == timedelta(seconds=17)
    assert failed.line() == "The IVR failed after 0:17 — the flow ended the call before any queue"
    assert failed.line("zh") == "IVR 异常，0:17 后 — 流程结束了通话，未进入队列"
    assert not failed.answered
    # Without the exception event the same trail is read as a caller who gave up there.
    assert outcome_of(call(ev("EnterIVR", 0, 17))).kind is OutcomeKind.ABANDONED_IN_IVR
    # The record's word alone is enough…
    assert outcome_of(call(), "IVRException").kind is OutcomeKind.IVR_FAILED
    # …but an exception the flow recovered from (the call went on to an agent) is no failure.
    recovered = call(ev("IVRException", 5), *inbound_answered())
    assert outcome_of(recovered).kind is OutcomeKind.ANSWERED


def test_events_win_over_a_disagreeing_disposition_but_not_over_an_inference() -> None:
    trail = call(*inbound_answered())
    assert outcome_of(trail, "AbandonedInQueue").kind is OutcomeKind.ANSWERED
    # A trail that just stops in the queue is only an inference: the record knows better.
    stopped = call(ev("EnterQueue", 0, 30, group=G))
    assert outcome_of(stopped).kind is OutcomeKind.ABANDONED_IN_QUEUE
    assert outcome_of(stopped, "QueuingTimeout").kind is OutcomeKind.QUEUE_TIMEOUT


def test_unordered_trail_reads_like_the_ordered_one() -> None:
    ordered = inbound_answered(ev("End", 158, 10, agent="Kevin Wang", group=G))
    shuffled = tuple(reversed(ordered))
    assert outcome_of(call(*shuffled)) == outcome_of(call(*ordered))


def test_missing_times_and_durations_leave_durations_unknown() -> None:
    o = outcome_of(
        call(
            ev("EnterQueue", None, None, group=G),
            ev("Ring", None, None, agent="a"),
            ev("Talk", None, None, agent="a"),
        )
    )
    assert o.kind is OutcomeKind.ANSWERED
    assert (o.wait, o.ring, o.talk) == (None, None, None)
    assert o.line() == f"Answered by a ({G})"


def test_a_talk_stamped_before_the_ring_gives_no_negative_time() -> None:
    o = outcome_of(
        call(ev("EnterQueue", 50, 5), ev("Ring", 40, 5, agent="a"), ev("Talk", 30, 5, agent="a"))
    )
    assert o.kind is OutcomeKind.ANSWERED
    assert all(d is None or d >= timedelta(0) for d in (o.wait, o.ring, o.talk))


# --- every code and disposition maps to a kind ----------------------------------------------


def test_every_documented_event_code_maps_to_a_kind() -> None:
    from ccc_tui.calls.outcome import _ALIASES, _TIMEOUT_EVENTS

    read = set(EVENT_KINDS) | set(_ALIASES) | _TIMEOUT_EVENTS
    # 2020-07-01 names the outcome does not need: the record's disposition says the rest.
    unread = {"Incoming", "Ringing", "Held", "Retrieved", "QueuingFailed", "IVRException"}
    assert set(EVENTS) == read | unread
    for code in EVENTS:
        # And a trail of that event alone never raises and reads as some kind.
        assert outcome_of(call(ev(code, 0, 5, agent="a"))).kind in set(OutcomeKind)


def test_every_documented_disposition_maps_to_a_kind() -> None:
    assert set(DOCUMENTED_DISPOSITIONS) == set(DISPOSITION_KINDS)
    for name in DOCUMENTED_DISPOSITIONS:
        assert disposition_kind(name) is DISPOSITION_KINDS[name]
        assert disposition_kind(name.upper()) is DISPOSITION_KINDS[name]
    assert disposition_kind("SomethingNew") is OutcomeKind.UNKNOWN


def test_to_dict_has_stable_keys_and_serialises() -> None:
    o = outcome_of(call(*inbound_answered()))
    data = o.to_dict()
    assert list(data) == [
        "kind",
        "line",
        "agents",
        "skill_group",
        "wait_seconds",
        "ring_seconds",
        "talk_seconds",
        "helpers",
        "guests",
        "offered",
        "not_answered_by",
        "overflow_from",
        "outbound",
        "disposition",
        "facts",
    ]
    assert data["kind"] == "answered" and data["wait_seconds"] == 46
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_lines_are_inert_text() -> None:
    o = outcome_of(
        call(
            ev("EnterQueue", 0, 5, group="g\x1b]52;c;eA==\x07"),
            ev("Talk", 5, 5, agent="[bold]x[/]\x1b[31m\n"),
        )
    )
    line = o.line()
    assert "\x1b" not in line and "\n" not in line and "[bold]x[/]" in line


# --- the release fields ------------------------------------------------------------------------


def test_release_line_says_who_and_what_the_signalling_says() -> None:
    c = call(release_agent="customer", release="200-OK")
    assert (
        release_line(c)
        == "Hang-up sent by the customer · 200-OK: the leg ended with a normal hang-up"
    )
    assert release_line(call(release_agent="")) == "Hang-up sent by an unknown side"
    weird = call(release_agent="byeSystem\x1b[2J", release="487-Request Terminated\x1b[H")
    assert "\x1b" not in release_line(weird)


def test_no_gloss_claims_the_call_was_answered() -> None:
    for code in range(100, 700):
        reason = parse_release_reason(f"{code}-X")
        assert reason is not None
        assert "answered and" not in reason.explanation
        assert "anyone answered" not in reason.explanation


def test_conflict_487_with_talk() -> None:
    c = call(*inbound_answered(), release_agent="customer", release="487-Request Terminated")
    said = conflict(c, outcome_of(c))
    assert said is not None and "Release reason 487 disagrees" in said and "1:35 of talk" in said


def test_conflict_agent_released_but_no_agent() -> None:
    c = call(
        ev("EnterQueue", 0, 60, group=G),
        ev("ACDOverflow", 60, group=G),
        release_agent="agent",
        release="200-OK",
    )
    assert conflict(c, outcome_of(c)) == (
        "Released by an agent, but no agent took part in the call according to the events"
    )


@pytest.mark.parametrize(
    ("side", "reason"), [("customer", "200-OK"), ("system", "200-OK"), ("agent", "")]
)
def test_no_conflict_when_the_fields_fit(side: str, reason: str) -> None:
    c = call(*inbound_answered(), release_agent=side, release=reason)
    assert conflict(c, outcome_of(c)) is None
    assert conflict(call(release_agent="agent"), Outcome(OutcomeKind.UNKNOWN)) is None


# --- never raises ------------------------------------------------------------------------------

_codes = st.sampled_from([*EVENTS, "Enqueue", "Established", "QueuingTimeout", "", "??"])
_events = st.builds(
    CallEvent,
    time=st.one_of(
        st.none(),
        st.datetimes(
            min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
        ),
        st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)),
    ),
    event=st.one_of(_codes, st.text(max_size=8)),
    lane=st.sampled_from(list(Lane)),
    agent_name=st.one_of(st.just(""), st.sampled_from(["a", "b", "c"]), st.text(max_size=5)),
    skill_group=st.text(max_size=5),
    call_mode=st.sampled_from(["", "Inbound", "Outbound", "Back2Back", "x"]),
    duration=st.one_of(st.none(), st.integers(min_value=-(10**12), max_value=10**12)),
    helper=st.text(max_size=3),
    details=st.dictionaries(
        st.sampled_from(["TransferTo", "MeetingMembers", "OverflowTo", "x"]), st.text(max_size=5)
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    events=st.lists(_events, max_size=25),
    direction=st.sampled_from(["", "Inbound", "Outbound", "Back2Back", "PredictiveDial", "?"]),
    disposition=st.one_of(st.none(), st.sampled_from([*DISPOSITION_KINDS, "", "x"])),
    side=st.sampled_from(["", "customer", "agent", "system", "\x1b[1m"]),
    reason=st.sampled_from(["", "200-OK", "487-Request Terminated", "480", "junk"]),
)
def test_outcome_of_never_raises(
    events: list[CallEvent], direction: str, disposition: str | None, side: str, reason: str
) -> None:
    c = call(*events, direction=direction, release_agent=side, release=reason)
    o = outcome_of(c, disposition)
    assert isinstance(o.kind, OutcomeKind)
    for language in ("en", "zh"):
        line = o.line(language)
        assert line and "\n" not in line and "\x1b" not in line
    json.dumps(o.to_dict(), ensure_ascii=False)
    assert all(d is None or d >= timedelta(0) for d in (o.wait, o.ring, o.talk))
    said = conflict(c, o)
    assert said is None or isinstance(said, str)
    release_line(c)
