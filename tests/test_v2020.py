"""The 2020-07-01 adapter: realistic bodies (shaped after the API reference and checked against
the official SDK's response models), leniency, the error codes, and the outcome of a 2.0 call."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ccc_tui.api import errors, v2020
from ccc_tui.api.models import Lane
from ccc_tui.calls.outcome import OutcomeKind, outcome_of

INSTANCE = "ccc-test"
CONTACT = "job-10963442671187"
T0 = 1_700_000_000_000  # ms


def ms(seconds: float) -> int:
    return T0 + int(seconds * 1000)


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(ms(seconds) / 1000, tz=UTC)


RECORD: dict[str, Any] = {
    "ContactId": CONTACT,
    "InstanceId": INSTANCE,
    "CallingNumber": "13900001111",
    "CalledNumber": "057100001111",
    "CallerLocation": "浙江杭州",
    "CalleeLocation": "浙江杭州",
    "ContactType": "INBOUND",
    "StartTime": ms(0),
    "EstablishedTime": ms(30),
    "ReleaseTime": ms(120),
    "CallDuration": "120",
    "ContactDisposition": "Success",
    "ReleaseInitiator": "customer",
    "ReleaseReason": "200-OK",
    "AgentIds": "agent1@ccc-test,agent2@ccc-test",
    "AgentNames": "Alice,Bob",
    "SkillGroupIds": "sales@ccc-test",
    "SkillGroupNames": "Sales",
    "IvrTime": 10,
    "QueueTime": "12",
    "RingTime": 8,
    "TalkTime": 90,
    "HeldTime": 0,
    "WaitTime": 30,
    "TransferCount": 0,
    "CallIds": "a84f1c2e-1@10.0.0.1,b93e@10.0.0.2",
    "RecordingReady": True,
    "Satisfaction": "5",
    "SatisfactionDescription": "满意",
}
CALL_BODY: dict[str, Any] = {
    "RequestId": "7BEEA660-A45A-45E3-98CC-AFC65E715C23",
    "Code": "OK",
    "HttpStatusCode": 200,
    "Message": "",
    "Data": {
        **RECORD,
        "IvrEvents": [
            {
                "FlowId": "flow-1",
                "FlowType": "MAIN_FLOW",
                "EventSequence": [{"Event": "Route2IVR", "EventTime": ms(0)}],
            }
        ],
        "QueueEvents": [
            {
                "QueueId": "sales@ccc-test",
                "QueueName": "Sales",
                "QueueType": 1,
                "FlowId": "flow-1",
                "EventSequence": [{"Event": "Enqueue", "EventTime": ms(10)}],
            }
        ],
        "AgentEvents": [
            {
                "AgentId": "agent1@ccc-test",
                "AgentName": "Alice",
                "SkillGroupId": "sales@ccc-test",
                "EventSequence": [
                    {"Event": "AgentRinging", "EventTime": ms(22), "Duration": 8},
                    {"Event": "Established", "EventTime": str(ms(30)), "Duration": "90"},
                    {"Event": "Released", "EventTime": ms(120), "Duration": 0},
                ],
            }
        ],
        "CustomerEvents": [
            {
                "CustomerId": "13900001111",
                "EventSequence": [
                    {"Event": "Dialing", "EventTime": ms(0)},
                    {"Event": "Released", "EventTime": ms(120)},
                ],
            }
        ],
    },
}
CDR_LIST_BODY: dict[str, Any] = {
    "RequestId": "R-LIST",
    "Code": "OK",
    "HttpStatusCode": 200,
    "Data": {
        "TotalCount": 3,
        "PageNumber": 1,
        "PageSize": 2,
        "List": [
            # The SDK's row says SatisfactionIndex where GetCallDetailRecord says Satisfaction.
            {**{k: v for k, v in RECORD.items() if k != "Satisfaction"}, "SatisfactionIndex": 5},
            {
                "ContactId": "job-2",
                "ContactType": "OUTBOUND",
                "StartTime": str(ms(600)),
                "CallDuration": "0",
                "ContactDisposition": "NoAnswer",
                "EarlyMediaState": "Busy",
                "EarlyMediaText": "您拨打的用户正忙",
                "ReleaseInitiator": "customer",
                "ReleaseReason": "486-Busy Here",
                "DialingTime": 6,
                "CallIds": ["c1@gw", "c2@gw"],
            },
        ],
    },
}
MONO_BODY: dict[str, Any] = {
    "RequestId": "R-MONO",
    "Code": "OK",
    "HttpStatusCode": 200,
    "Data": [
        {
            "AgentId": "agent1@ccc-test",
            "AgentName": "Alice",
            "ContactId": CONTACT,
            "Duration": "90500",
            "FileName": f"{CONTACT}.wav",
            "FileUrl": "https://ccc-v2.oss-cn-shanghai.aliyuncs.com/r.wav?Expires=1&Signature=x",
            "RamId": "123",
            "SkillGroupId": "sales@ccc-test",
            "StartTime": str(ms(30)),
        }
    ],
}
MULTI_BODY: dict[str, Any] = {
    "RequestId": "R-MULTI",
    "Code": "OK",
    "HttpStatusCode": 200,
    "Data": [
        {
            **MONO_BODY["Data"][0],
            "FileName": f"{CONTACT}-agent1.wav",
            "AgentChannelId": "ch-agent1",
            "HoldTimeSegments": [
                {"StartTime": ms(50), "EndTime": ms(60)},
                {"StartTime": "junk", "EndTime": ms(70)},
            ],
        }
    ],
}
GET_MONO_BODY: dict[str, Any] = {
    "RequestId": "R-GM",
    "Code": "OK",
    "HttpStatusCode": 200,
    "Data": {
        "FileName": f"{CONTACT}.wav",
        "FileUrl": "https://ccc-v2.oss-cn-shanghai.aliyuncs.com/r.wav?Expires=2&Signature=y",
        "Duration": "90500",
    },
}
IVR_BODY: dict[str, Any] = {
    "RequestId": "R-IVR",
    "Code": "OK",
    "HttpStatusCode": 200,
    "Data": {
        "TotalCount": 2,
        "PageNumber": 1,
        "PageSize": 10,
        "List": [
            {
                "ContactId": CONTACT,
                "Caller": "13900001111",
                "Callee": "057100001111",
                "ChannelId": "ch-1",
                "ChannelVariables": "lang=zh;vip=1",
                "FlowId": "flow-1",
                "FlowName": "Main",
                "NodeId": "node-2",
                "NodeName": "Menu",
                "NodeType": "GATHER_INPUT",
                "NodeExitCode": "Success",
                "NodeProperties": {"timeout": 5},
                "NodeVariables": {"digits": "2"},
                "EnterTime": ms(2),
                "LeaveTime": ms(9),
            },
            {
                "ContactId": CONTACT,
                "FlowName": "Main",
                "NodeName": "To sales",
                "NodeType": "TRANSFER_TO_AGENT",
                "NodeExitCode": "Hangup",
                "EnterTime": ms(9),
            },
        ],
    },
}
IVR_2017_BODY: dict[str, Any] = {
    "RequestId": "R-IVR17",
    "Success": True,
    "Code": "OK",
    "IvrTrackingDetails": {
        "TotalCount": 1,
        "PageNumber": 1,
        "PageSize": 10,
        "List": {
            "IvrTrackingDetail": [
                {
                    "ContactId": "1096645650",
                    "FlowName": "Main",
                    "NodeName": "Menu",
                    "NodeType": "Input",
                    "Description": "press 1 for sales",
                    "InputData": "1",
                    "OutputData": "result=ok;branch=sales",
                    "Status": "Success",
                    "StartTime": ms(1),
                    "StopTime": ms(4),
                }
            ]
        },
    },
}
INSTANCE_DATA: dict[str, Any] = {
    "Id": INSTANCE,
    "Name": "Test",
    "Description": "a test instance",
    "Status": "RUNNING",
    "DomainName": "ccc-test",
    "ConsoleUrl": "https://ccc-v2.aliyun.com/workbench/ccc-test",
    "CreateTime": ms(0),
    "AliyunUid": "1",
    "AdminList": [],
    "NumberList": [{"Number": "057100001111"}],
}
INSTANCES_BODY: dict[str, Any] = {
    "RequestId": "R-I",
    "Code": "OK",
    "HttpStatusCode": 200,
    "Data": {
        "TotalCount": 2,
        "PageNumber": 1,
        "PageSize": 10,
        "List": [INSTANCE_DATA, {"Name": "no id"}],
    },
}
GET_INSTANCE_BODY: dict[str, Any] = {
    "RequestId": "R-GI",
    "Code": "OK",
    "HttpStatusCode": 200,
    "Data": {k: v for k, v in INSTANCE_DATA.items() if k != "CreateTime"},  # not in GetInstance
}


# --- against the official SDK's models -------------------------------------------------------


def _keys(value: Any, prefix: str = "") -> set[str]:
    """Every key of a JSON-like value, recursively, as dotted paths (list items share a path)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            out |= {prefix + key} | _keys(child, prefix + key + ".")
    elif isinstance(value, list):
        for child in value:
            out |= _keys(child, prefix)
    return out


@pytest.mark.parametrize(
    ("model_name", "body", "only_ours"),
    [
        # The SDK's GetCallDetailRecord Data is a subset of the documented row fields; these are
        # the documented ones it lacks, and queue/IVR steps without Duration.
        (
            "GetCallDetailRecordResponseBody",
            CALL_BODY,
            {
                "CallIds",
                "IvrTime",
                "QueueTime",
                "RingTime",
                "TalkTime",
                "HeldTime",
                "WaitTime",
                "TransferCount",
                "SatisfactionDescription",
                "ReleaseReason",  # read as the row's
            },
        ),
        ("ListCallDetailRecordsV2ResponseBody", CDR_LIST_BODY, set()),
        ("ListMonoRecordingsResponseBody", MONO_BODY, set()),
        ("ListMultiChannelRecordingsResponseBody", MULTI_BODY, set()),
        ("GetMonoRecordingResponseBody", GET_MONO_BODY, set()),
        ("ListIvrTrackingDetailsResponseBody", IVR_BODY, set()),
        ("ListInstancesResponseBody", INSTANCES_BODY, set()),
        ("GetInstanceResponseBody", GET_INSTANCE_BODY, set()),
    ],
)
def test_the_sample_bodies_use_the_official_sdk_names(
    model_name: str, body: dict[str, Any], only_ours: set[str]
) -> None:
    models = pytest.importorskip("alibabacloud_ccc20200701.models")
    model = getattr(models, model_name)().from_map(copy.deepcopy(body))
    missing = {
        key
        for key in _keys(body) - _keys(model.to_map())
        if key.rsplit(".", 1)[-1] not in only_ours
    }
    # Durations of queue / IVR / customer steps are documented but not in the SDK's models.
    missing = {key for key in missing if not key.endswith("EventSequence.Duration")}
    assert not missing, f"names the SDK does not know: {sorted(missing)}"


def test_the_sdk_reads_the_fields_the_adapter_reads() -> None:
    models = pytest.importorskip("alibabacloud_ccc20200701.models")
    call = models.GetCallDetailRecordResponseBody().from_map(copy.deepcopy(CALL_BODY))
    assert call.data.agent_events[0].event_sequence[1].event == "Established"
    assert call.data.customer_events[0].customer_id == "13900001111"
    assert call.data.release_initiator == "customer"
    row = models.ListCallDetailRecordsV2ResponseBody().from_map(copy.deepcopy(CDR_LIST_BODY))
    assert row.data.list[1].early_media_state == "Busy"
    multi = models.ListMultiChannelRecordingsResponseBody().from_map(copy.deepcopy(MULTI_BODY))
    assert multi.data[0].hold_time_segments[0].end_time == ms(60)
    ivr = models.ListIvrTrackingDetailsResponseBody().from_map(copy.deepcopy(IVR_BODY))
    assert ivr.data.list[0].node_variables == {"digits": "2"}


# --- the call ------------------------------------------------------------------------------


def test_a_call_merges_its_four_event_arrays_into_one_timeline() -> None:
    call = v2020.parse_call(CALL_BODY, CONTACT)
    assert [(e.event, e.lane) for e in call.events] == [
        ("Route2IVR", Lane.IVR),
        ("Dialing", Lane.CUSTOMER),
        ("Enqueue", Lane.QUEUE),
        ("AgentRinging", Lane.AGENT),
        ("Established", Lane.AGENT),
        ("Released", Lane.AGENT),
        ("Released", Lane.CUSTOMER),
    ]
    talk = call.events[4]
    assert talk.time == at(30) and talk.duration == 90
    assert talk.agent_name == "Alice" and talk.skill_group == "sales@ccc-test"
    assert talk.details["AgentId"] == "agent1@ccc-test"
    assert talk.raw["Event"] == "Established" and talk.raw["AgentName"] == "Alice"
    queue = call.events[2]
    assert queue.skill_group == "Sales" and queue.details["QueueType"] == "1"
    assert queue.details["FlowId"] == "flow-1"
    assert call.events[0].details == {"FlowId": "flow-1", "FlowType": "MAIN_FLOW"}
    assert call.events[1].details == {"CustomerId": "13900001111"}


def test_a_call_carries_the_records_facts() -> None:
    call = v2020.parse_call(CALL_BODY, CONTACT)
    assert (call.caller, call.callee, call.direction) == ("13900001111", "057100001111", "INBOUND")
    assert call.start == at(0) and call.release_agent == "customer"
    assert call.release_reason is not None and call.release_reason.sip_code == 200
    facts = call.record
    assert facts is not None
    assert facts.disposition == "Success"
    assert (facts.ivr_time, facts.queue_time, facts.ring_time, facts.talk_time) == (10, 12, 8, 90)
    assert (facts.held_time, facts.wait_time, facts.transfer_count) == (0, 30, 0)
    assert facts.call_ids == ("a84f1c2e-1@10.0.0.1", "b93e@10.0.0.2")
    assert facts.caller_location == "浙江杭州" and facts.satisfaction == "5"
    assert facts.established == at(30) and facts.released == at(120)
    assert facts.agent_ids == ("agent1@ccc-test", "agent2@ccc-test")
    assert facts.recording_ready is True and facts.call_duration == 120
    assert outcome_of(call).kind is OutcomeKind.ANSWERED


def test_the_older_cdr_event_array_names_are_read_too() -> None:
    data = copy.deepcopy(CALL_BODY["Data"])
    for new, old in (
        ("AgentEvents", "CdrAgentEvents"),
        ("IvrEvents", "CdrIvrEvents"),
        ("QueueEvents", "CdrQueueEvents"),
    ):
        data[old] = data.pop(new)
        for owner in data[old]:
            for step in owner["EventSequence"]:
                step.pop("Duration", None)
    del data["CustomerEvents"]
    call = v2020.parse_call({"Code": "OK", "Data": data}, CONTACT)
    assert [e.event for e in call.events] == [
        "Route2IVR",
        "Enqueue",
        "AgentRinging",
        "Established",
        "Released",
    ]
    assert all(e.duration is None for e in call.events)


def test_unknown_events_odd_types_and_missing_times_are_kept() -> None:
    body = {
        "Code": "OK",
        "Data": {
            "ContactId": "job-x",
            "StartTime": "not a time",
            "TransferCount": "two",
            "CallIds": None,
            "AgentEvents": {
                "AgentId": "a@i",
                "EventSequence": {"Event": "SomethingNew", "EventTime": "1700000005000"},
            },
            "QueueEvents": "junk",
            "IvrEvents": [
                {"EventSequence": [{"Event": "Route2IVR"}, {"Event": 7, "EventTime": ms(1)}]},
                "not an object",
            ],
            "CustomerEvents": [],
        },
    }
    call = v2020.parse_call(body, "")
    assert call.contact_id == "job-x" and call.start is None
    assert [e.event for e in call.events] == ["7", "SomethingNew", "Route2IVR"]
    assert call.events[1].agent_name == "a@i" and call.events[1].lane is Lane.AGENT
    assert call.events[2].time is None
    assert call.record is not None and call.record.transfer_count is None
    assert call.record.call_ids == ()


@pytest.mark.parametrize("data", [None, {}, [], ""])
def test_an_unknown_contact_is_an_empty_call(data: Any) -> None:
    call = v2020.parse_call({"Code": "OK", "Data": data}, CONTACT)
    assert call.is_empty and call.record is None


def test_a_data_that_is_not_an_object_is_malformed() -> None:
    with pytest.raises(errors.MalformedResponseError):
        v2020.parse_call({"Code": "OK", "Data": 5}, CONTACT)
    with pytest.raises(errors.MalformedResponseError):
        v2020.parse_call([], CONTACT)  # type: ignore[arg-type]


def test_an_outbound_call_not_answered_says_why_from_early_media() -> None:
    body = {
        "Code": "OK",
        "Data": {
            **CDR_LIST_BODY["Data"]["List"][1],
            "AgentEvents": [
                {
                    "AgentId": "agent1@ccc-test",
                    "EventSequence": [{"Event": "Dialing", "EventTime": ms(600), "Duration": 6}],
                }
            ],
        },
    }
    call = v2020.parse_call(body, "job-2")
    outcome = outcome_of(call)
    assert outcome.kind is OutcomeKind.NOT_ANSWERED and outcome.early_media == "Busy"
    assert outcome.line() == "Not answered — the customer's line was busy (dialled 0:06)"
    assert outcome.line("zh").startswith("未接通 — 客户忙线")
    assert outcome.to_dict()["early_media"] == "Busy"
    assert "early_media" not in outcome_of(v2020.parse_call(CALL_BODY, CONTACT)).to_dict()


def test_the_records_disposition_is_used_when_the_events_are_silent() -> None:
    data = {**RECORD, "ContactDisposition": "AbandonedInIVR"}
    call = v2020.parse_call({"Code": "OK", "Data": data}, CONTACT)
    assert not call.events
    assert outcome_of(call).kind is OutcomeKind.ABANDONED_IN_IVR


# --- find calls ----------------------------------------------------------------------------


def test_call_records_page() -> None:
    page = v2020.parse_call_records(CDR_LIST_BODY, page_number=1, page_size=2)
    assert page.total == 3 and page.has_more
    first, second = page.items
    assert first.contact_id == CONTACT and first.start == at(0) and first.duration == 120
    assert first.agent_names == ("Alice", "Bob") and first.skill_group_names == ("Sales",)
    assert first.satisfaction_desc == "满意"
    assert second.facts is not None
    assert second.facts.early_media_state == "Busy"
    assert second.facts.early_media_text == "您拨打的用户正忙"
    assert second.facts.release_reason is not None
    assert second.facts.release_reason.sip_code == 486
    assert second.facts.call_ids == ("c1@gw", "c2@gw") and second.facts.dialing_time == 6
    assert second.start == at(600) and second.duration == 0
    assert outcome_of(None, second).kind is OutcomeKind.NOT_ANSWERED
    assert outcome_of(None, second).early_media == "Busy"


def test_later_pages_and_short_pages() -> None:
    body = copy.deepcopy(CDR_LIST_BODY)
    body["Data"].update(TotalCount=0, PageNumber=2)
    page = v2020.parse_call_records(body, page_number=2, page_size=2)
    assert page.total is None and page.has_more
    bare = {"Code": "OK", "Data": {"List": [RECORD]}}
    assert not v2020.parse_call_records(bare, page_number=1, page_size=10).has_more
    empty = v2020.parse_call_records({"Code": "OK", "Data": None}, page_number=1, page_size=10)
    assert empty.items == ()


def test_call_records_params() -> None:
    params = v2020.call_records_params(
        INSTANCE,
        page_number=2,
        page_size=50,
        start=at(0),
        end=at(3600),
        calling_number=" 139 ",
        contact_types=["INBOUND", " ", "OUTBOUND"],
        dispositions=["NoAnswer"],
        early_media_states=["Busy"],
        order="desc",
    )
    assert params == {
        "InstanceId": INSTANCE,
        "PageNumber": "2",
        "PageSize": "50",
        "StartTime": str(ms(0)),
        "EndTime": str(ms(3600)),
        "CallingNumber": "139",
        "ContactTypeList": '["INBOUND","OUTBOUND"]',
        "ContactDispositionList": '["NoAnswer"]',
        "EarlyMediaStateList": '["Busy"]',
        "SortOrder": "DESC",
    }
    assert json.loads(params["ContactTypeList"]) == ["INBOUND", "OUTBOUND"]


@pytest.mark.parametrize(
    ("page_number", "page_size", "order"),
    [(0, 10, None), (1, 0, None), (1, 101, None), (101, 10, None), (1, 10, "up")],
)
def test_call_records_params_refuse_what_the_api_refuses(
    page_number: int, page_size: int, order: str | None
) -> None:
    with pytest.raises(ValueError):
        v2020.call_records_params(
            INSTANCE, page_number=page_number, page_size=page_size, order=order
        )


def test_other_params() -> None:
    assert v2020.call_params(f" {INSTANCE} ", CONTACT) == {
        "InstanceId": INSTANCE,
        "ContactId": CONTACT,
    }
    assert v2020.mono_recording_params(INSTANCE, CONTACT, 600)["ExpireSeconds"] == "600"
    assert "ExpireSeconds" not in v2020.mono_recording_params(INSTANCE, CONTACT)
    assert v2020.ivr_tracking_params(INSTANCE, CONTACT, page_number=1, page_size=100) == {
        "InstanceId": INSTANCE,
        "ContactId": CONTACT,
        "PageNumber": "1",
        "PageSize": "100",
    }
    assert v2020.instances_params(page_number=1, page_size=20) == {
        "PageNumber": "1",
        "PageSize": "20",
    }
    assert v2020.json_list([]) == ""


# --- recordings ----------------------------------------------------------------------------


def test_mono_recordings() -> None:
    (rec,) = v2020.parse_recordings(MONO_BODY)
    assert rec.file_name == f"{CONTACT}.wav" and rec.agent_name == "Alice"
    assert rec.duration == 91 and rec.start == at(30)  # 90,500 ms, rounded half up
    assert rec.url.startswith("https://") and rec.channel == "" and rec.hold_segments == ()


def test_multi_channel_recordings_keep_the_channel_and_hold_segments() -> None:
    (rec,) = v2020.parse_recordings(MULTI_BODY)
    assert rec.channel == "ch-agent1"
    assert rec.hold_segments == ((at(50), at(60)),)  # the unreadable one is dropped


def test_recordings_leniency() -> None:
    assert v2020.parse_recordings({"Code": "OK", "Data": None}) == ()
    single = v2020.parse_recordings({"Code": "OK", "Data": {"FileName": "a.wav", "Duration": "x"}})
    assert single[0].file_name == "a.wav" and single[0].duration is None
    huge = v2020.parse_recordings({"Code": "OK", "Data": [{"FileName": "a", "Duration": 10**400}]})
    assert huge[0].duration is None


def test_download_links() -> None:
    link = v2020.parse_download_link(GET_MONO_BODY)
    assert link.url.endswith("Signature=y") and link.duration == 91
    multi = {"Code": "OK", "Data": {"FileUrl": '"https://h.example/x/b%20c.wav?s=1"'}}
    link = v2020.parse_download_link(multi)
    assert link.file_name == "b c.wav" and link.duration is None
    for data in ({}, {"FileUrl": "ftp://h/x"}, {"FileUrl": "https://h/a b"}):
        with pytest.raises(errors.MalformedResponseError):
            v2020.parse_download_link({"Code": "OK", "Data": data})


# --- IVR track -----------------------------------------------------------------------------


def test_ivr_tracking_details() -> None:
    page = v2020.parse_ivr_nodes(IVR_BODY, page_number=1, page_size=10)
    assert page.total == 2 and not page.has_more
    menu, transfer = page.items
    assert (menu.flow_id, menu.flow_name, menu.node_id, menu.node_name) == (
        "flow-1",
        "Main",
        "node-2",
        "Menu",
    )
    assert menu.node_type == "GATHER_INPUT" and menu.exit_code == "Success"
    assert menu.variables == {"lang": "zh", "vip": "1", "digits": "2"}
    assert (menu.enter, menu.leave) == (at(2), at(9))
    assert transfer.exit_code == "Hangup" and transfer.leave is None and transfer.variables == {}


def test_ivr_tracking_detail_of_2017() -> None:
    page = v2020.parse_ivr_nodes(IVR_2017_BODY, page_number=1, page_size=10)
    (node,) = page.items
    assert node.node_name == "Menu" and node.exit_code == "Success"
    assert node.description == "press 1 for sales"
    assert node.variables == {"InputData": "1", "result": "ok", "branch": "sales"}
    assert (node.enter, node.leave) == (at(1), at(4))


def test_ivr_variables_as_json_text_and_odd_values() -> None:
    body = {
        "Code": "OK",
        "Data": [
            {"NodeName": "a", "NodeVariables": '{"digits": 12}', "ChannelVariables": "x;=y;k=v"},
            {"NodeName": "b", "NodeVariables": ["odd"], "EnterTime": "yesterday"},
        ],
    }
    a, b = v2020.parse_ivr_nodes(body, page_number=1, page_size=10).items
    assert a.variables == {"k": "v", "digits": "12"}
    assert b.variables == {"NodeVariables": "odd"} and b.enter is None


# --- instances ------------------------------------------------------------------------------


def test_instances() -> None:
    page = v2020.parse_instances(INSTANCES_BODY, page_number=1, page_size=10)
    (instance,) = page.items
    assert instance.instance_id == INSTANCE and instance.name == "Test"
    assert instance.status == "RUNNING" and instance.created == at(0)
    assert v2020.parse_instance(GET_INSTANCE_BODY).console_url.endswith("/ccc-test")
    with pytest.raises(errors.MalformedResponseError):
        v2020.parse_instance({"Code": "OK", "Data": {"Name": "x"}})


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("NotExists.InstanceId", 404, errors.InstanceNotFoundError),
        ("NotExists.ContactId", 404, errors.NotFoundError),
        ("NotExists.SkillGroupId", 404, errors.NotFoundError),
        ("Parameter.Empty", 400, errors.InvalidRequestError),
        ("Parameter.Maximum", 400, errors.InvalidRequestError),
        ("Permission.AccessDenied", 403, errors.AccessDeniedError),
        ("Forbidden.NoPermission", 403, errors.AccessDeniedError),
        ("AbnormalService.Ceased", 403, errors.InvalidRequestError),
        ("InternalService.CTI", 500, errors.ServerError),
        ("Throttling.User", 400, errors.ThrottlingError),
        ("SignatureDoesNotMatch", 400, errors.AuthenticationError),
    ],
)
def test_2020_error_codes(code: str, status: int, kind: type[errors.CccError]) -> None:
    body = {
        "RequestId": "R-ERR",
        "Code": code,
        "HttpStatusCode": status,
        "Message": f"The specified thing {code} failed.",
    }
    with pytest.raises(kind) as caught:
        v2020.raise_for_error(body, http_status=None, action="GetCallDetailRecord")
    assert caught.value.code == code and caught.value.http_status == status
    assert caught.value.request_id == "R-ERR"
    assert caught.value.hint  # every common 2.0 code comes with advice


def test_the_2020_envelope_without_success_is_ok() -> None:
    v2020.raise_for_error(CALL_BODY, http_status=200, action="GetCallDetailRecord")
    v2020.raise_for_error({"Code": "OK", "HttpStatusCode": 200}, http_status=None, action=None)
    decoded = v2020.decode_body(json.dumps(CALL_BODY).encode())
    assert decoded["Data"]["ContactId"] == CONTACT
