"""The 2.0 record's facts, its durations against the events, and the IVR track, headless."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ccc_tui.api.models import Call, CallEvent, CallFacts, IvrNode, Lane
from ccc_tui.calls.export import call_to_dict, render_markdown, render_text
from ccc_tui.calls.ivr import ended_in_ivr, ended_line, gathered, ivr_steps, ivr_to_dicts
from ccc_tui.calls.record import (
    call_ids_text,
    duration_checks,
    durations_note,
    early_media_line,
    facts_line,
    record_to_dict,
)

T0 = datetime(2026, 11, 30, 2, 52, 40, tzinfo=UTC)
SH = ZoneInfo("Asia/Shanghai")


def ev(at: int, name: str, lane: Lane, duration: int) -> CallEvent:
    return CallEvent(time=T0 + timedelta(seconds=at), event=name, lane=lane, duration=duration)


def inbound(**facts: object) -> Call:
    values: dict[str, object] = {
        "disposition": "Success",
        "ivr_time": 10,
        "queue_time": 20,
        "ring_time": 5,
        "talk_time": 60,
        "held_time": 15,
        "transfer_count": 1,
        "call_ids": ("a1@10.0.0.17", "b2@10.0.0.23"),
        "caller_location": "北京",
        "callee_location": "上海",
        "satisfaction": "1",
        "satisfaction_description": "满意",
    }
    record = CallFacts(**{**values, **facts})  # type: ignore[arg-type]
    return Call(
        "job-1",
        caller="01032487001",
        callee="4008001234",
        direction="Inbound",
        start=T0,
        events=(
            ev(0, "Route2IVR", Lane.IVR, 10),
            ev(10, "Enqueue", Lane.QUEUE, 20),
            ev(25, "AgentRinging", Lane.AGENT, 5),  # overlaps the queue, as the record counts it
            ev(30, "Established", Lane.AGENT, 60),
            ev(40, "Held", Lane.AGENT, 15),
            ev(55, "Retrieved", Lane.AGENT, 0),
            ev(90, "Released", Lane.AGENT, 10),
        ),
        record=record,
    )


def test_the_record_and_the_events_agree_within_the_tolerance() -> None:
    call = inbound()
    checks = {c.label: (c.record, c.events) for c in duration_checks(call)}
    assert checks == {
        "IVR": (10, 10),
        "Queue": (20, 20),
        "Ring": (5, 5),
        "Talk": (60, 60),
        "Held": (15, 15),
    }
    assert durations_note(call) is None


def test_a_disagreement_shows_the_records_times_and_says_so() -> None:
    call = inbound(talk_time=90)  # the record says 1:30, the events cover 1:00
    note = durations_note(call)
    assert note is not None
    assert "Talk 1:30 (events 1:00)" in note and "record's shown" in note
    assert "Queue" not in note  # only what differs
    off_by_two = inbound(ivr_time=12)
    assert durations_note(off_by_two) is None  # "a couple of seconds" is not a disagreement


def test_facts_line_and_call_ids() -> None:
    call = inbound()
    line = facts_line(call, copy_key="S")
    assert line == (
        "Success · 北京 → 上海 · 1 transfer · held 0:15 · satisfaction 1 (满意) · "
        "2 SIP Call-IDs (S copies)"
    )
    assert call_ids_text(call) == "a1@10.0.0.17\nb2@10.0.0.23"
    assert facts_line(Call("c")) == "" and call_ids_text(Call("c")) == ""


def test_early_media_of_an_outbound_call_not_answered() -> None:
    facts = CallFacts(early_media_state="PowerOff", early_media_text="您拨打的电话已关机")
    assert early_media_line(facts) == (
        "PowerOff — the customer's phone was switched off · “您拨打的电话已关机”"
    )
    assert early_media_line(facts, "zh").startswith("PowerOff — 客户关机")
    assert early_media_line(CallFacts(early_media_text="\x1b[2Jhi")) == "“hi”" or "\x1b" not in (
        early_media_line(CallFacts(early_media_text="\x1b[2Jhi"))
    )


def test_json_keys_are_the_same_for_both_versions_plus_the_record() -> None:
    old = call_to_dict(Call("123", caller="1", events=inbound().events))
    new = call_to_dict(inbound())
    assert set(old) == set(new)
    assert old["record"] is None and old["ivr"] is None
    assert new["record"] == record_to_dict(inbound())
    record = new["record"]
    assert record["call_ids"] == ["a1@10.0.0.17", "b2@10.0.0.23"]
    assert record["transfer_count"] == 1 and record["held_time"] == 15
    assert all(c["agrees"] for c in record["duration_checks"])
    json.dumps(new)


def test_text_and_markdown_carry_the_record() -> None:
    call = inbound(early_media_state="Busy")
    text = render_text(call, tz=SH)
    assert "Record       Success · 北京 → 上海" in text
    assert "Early media  Busy — the customer's line was busy" in text
    assert "SIP Call-IDs a1@10.0.0.17, b2@10.0.0.23" in text
    assert "Record times IVR 0:10 · Queue 0:20 · Ring 0:05 · Talk 1:00 · Held 0:15" in text
    md = render_markdown(call, tz=SH)
    assert "- **SIP Call-IDs:** a1@10.0.0.17, b2@10.0.0.23" in md
    # A 2017 call's text is as it was: no record rows, labels in 12 columns.
    plain = render_text(Call("123", caller="1", events=inbound().events), tz=SH)
    assert "Record " not in plain and "Call-ID" not in plain and "\nParties     1 → ?" in plain


def node(
    n: int, name: str, kind: str, exit_code: str, enter: int, leave: int, **raw: object
) -> IvrNode:
    return IvrNode(
        contact_id="job-1",
        flow_name="主流程",
        node_id=f"n{n}",
        node_name=name,
        node_type=kind,
        exit_code=exit_code,
        variables={
            "caller": "1",
            **{str(k): str(v) for k, v in dict(raw.get("NodeVariables", {})).items()},
        },  # type: ignore[call-overload]
        enter=T0 + timedelta(seconds=enter),
        leave=T0 + timedelta(seconds=leave),
        raw=raw,
    )


PUBLISHED = int((T0 - timedelta(minutes=6, seconds=35)).timestamp() * 1000)
FAILED_TRACK = (
    node(2, "欢迎语", "PLAY_SAY", "Success", 0, 6, NodeVariables={}),
    node(
        1,
        "来电",
        "INCOMING_CALL",
        "Success",
        0,
        0,
        NodeProperties={"flowVersion": "13", "publishedTime": PUBLISHED},
    ),
    node(3, "按键菜单", "GATHER_INPUT", "Success", 6, 14, NodeVariables={"digits": "1"}),
    node(4, "解析订单状态", "JSON_PARSER", "Failure", 14, 17, NodeVariables={"error": "no path"}),
)


def test_the_node_a_call_died_in_is_marked_and_said() -> None:
    call = Call(
        "job-1",
        start=T0,
        events=(ev(0, "Route2IVR", Lane.IVR, 17),),
        record=CallFacts(disposition="IVRException"),
    )
    steps = ivr_steps(FAILED_TRACK, call)
    assert [s.name for s in steps] == ["欢迎语", "来电", "按键菜单", "解析订单状态"]  # stable
    assert [s.last for s in steps] == [False, False, False, True]
    assert steps[2].gathered == "digits=1"  # its own variables, not the channel's
    assert steps[0].gathered == ""
    assert steps[3].times(SH) == "10:52:54–10:52:57 (0:03)"
    line = ended_line(steps, SH)
    assert line == (
        "The call ended in IVR node 解析订单状态 (JSON_PARSER, flow 主流程) with exit Failure — "
        "flow version 13 published 2026-11-30 10:46:05, 6:35 before the call"
    )
    dicts = ivr_to_dicts(FAILED_TRACK, call)
    assert [d["ended_here"] for d in dicts] == [False, False, False, True]
    assert dicts[3]["enter_time"] == "2026-11-30T02:52:54.000Z"


def test_a_call_that_left_the_ivr_for_a_queue_marks_no_node() -> None:
    track = (node(1, "转人工", "TRANSFER_TO_AGENT", "Success", 0, 10),)
    assert not ended_in_ivr(inbound(), track)
    assert ended_line(ivr_steps(track, inbound()), SH) == ""
    assert not ended_in_ivr(inbound(), ())
    # Without other evidence, a call with nothing after its last node ended there.
    alone = Call("c", start=T0, events=(ev(0, "Route2IVR", Lane.IVR, 10),))
    assert ended_in_ivr(alone, track)


def test_a_hang_up_node_followed_by_a_queue_is_not_where_the_call_ended() -> None:
    track = (node(1, "按键菜单", "GATHER_INPUT", "Hangup", 0, 10),)
    assert not ended_in_ivr(inbound(), track)  # Enqueue at 10 s, an agent later
    assert ended_in_ivr(None, track)  # nothing else known: the node's exit says it


def test_gathered_falls_back_on_every_variable_and_is_safe() -> None:
    bare = IvrNode(variables={"InputData": "1\x1b[31m"})
    assert gathered(bare) == "InputData=1" or "\x1b" not in gathered(bare)


def test_text_export_has_the_ivr_track() -> None:
    call = Call(
        "job-1",
        start=T0,
        events=(ev(0, "Route2IVR", Lane.IVR, 17),),
        record=CallFacts(disposition="IVRException"),
        ivr_nodes=FAILED_TRACK,
    )
    text = render_text(call, tz=SH)
    assert "IVR track (4)" in text
    assert "▶ 主流程  解析订单状态  JSON_PARSER    Failure  error=no path" in text
    assert "\nIVR         The call ended in IVR node 解析订单状态" in text
    assert "### IVR track (4)" in render_markdown(call, tz=SH)
