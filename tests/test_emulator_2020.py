"""The emulator's CCC 2.0 instance (API 2020-07-01): V3 and V1 verification, the 2.0 envelope and
codes, its operations, its data set (the 2017 calls in 2.0 shape), the IVR tracks of both versions,
and the official 2.0 SDK against it over a loopback socket.

Requests are signed here with ccc_tui.api.signing's V3 functions; every answer is also read with
the client's own 2.0 adapter (ccc_tui.api.v2020).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from ccc_tui.api import signing, v2020
from ccc_tui.api.errors import InstanceNotFoundError, NotFoundError
from ccc_tui.api.models import Lane
from ccc_tui.emulator.constants import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
    DEMO_INSTANCE_ID_2020,
)
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.dataset2020 import DISPOSITIONS, Dataset2020
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.ids import job_id, legacy_id
from ccc_tui.emulator.server import running_emulator
from ccc_tui.emulator.showcase import INCIDENT, SHOWCASE, SHOWCASE_2020, at_cst, showcase_day
from tests.test_emulator_protocol import ANCHOR, BASE_URL, NOW, call, client_for, make_app

HOST = BASE_URL.split("//", 1)[1]
INSTANCE = DEMO_INSTANCE_ID_2020
TRANSFER = SHOWCASE_2020["inbound_transfer"]
IVR_FAILURE = SHOWCASE_2020["ivr_failure"]
DAY = showcase_day(ANCHOR)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def v3_signed(
    action: str,
    query: Mapping[str, str],
    *,
    body: bytes = b"",
    now: datetime = NOW,
    nonce: str | None = None,
    key_id: str = DEMO_ACCESS_KEY_ID,
    secret: str = DEMO_ACCESS_KEY_SECRET,
    content_sha: str | None = None,
    unsigned: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The headers of a V3-signed `POST /` with this query and body."""
    headers = {
        "host": HOST,
        "x-acs-action": action,
        "x-acs-version": "2020-07-01",
        "x-acs-date": signing.format_timestamp(now),
        "x-acs-signature-nonce": nonce or signing.new_nonce(),
        "x-acs-content-sha256": content_sha or signing.hashed_payload(body),
    }
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    payload = headers["x-acs-content-sha256"]
    headers["Authorization"] = signing.authorization_v3(
        key_id, secret, "POST", "/", query, headers, payload
    )
    return {**headers, **(unsigned or {})}


async def v3(
    client: httpx.AsyncClient,
    action: str,
    query: Mapping[str, str] | None = None,
    *,
    body: bytes = b"",
    **kwargs: Any,
) -> httpx.Response:
    query = dict(query or {})
    headers = v3_signed(action, query, body=body, **kwargs)
    url = "/?" + urlencode(query, quote_via=lambda s, *_: signing.percent_encode(s))
    return await client.post(url, headers=headers, content=body)


def envelope(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["RequestId", "HttpStatusCode", "Code", "Message", "Data"]
    assert body["Code"] == "OK" and body["HttpStatusCode"] == 200 and "Success" not in body
    return dict(body)


@pytest.fixture
async def client() -> Any:
    async with client_for(make_app()) as c:
        yield c


# --- ids and the data set ---


def test_job_ids_round_trip() -> None:
    assert job_id(SHOWCASE["inbound_transfer"]) == TRANSFER
    assert legacy_id(TRANSFER) == SHOWCASE["inbound_transfer"]
    assert TRANSFER.startswith("job-") and len(TRANSFER) == 21
    for bad in ("job-1", "2504318862", "job-10963442504318862x", "job-20963442504318862"):
        assert legacy_id(bad) is None


def test_every_2017_call_of_a_day_is_a_2020_call_with_the_same_outcome() -> None:
    base = Dataset(anchor=ANCHOR)
    ds = Dataset2020(base)
    start = ms(at_cst(DAY, "00:00"))
    stop = start + 86_400_000 - 1
    old = list(base.summaries(start, stop))
    new = list(ds.summaries(start, stop))
    assert [job_id(s.contact_id) for s in old] == [cid for cid, _ in new if cid != IVR_FAILURE]
    assert len(new) == len(old) + 1  # plus the 2.0 instance's own call
    for summary in old[:300]:
        found = ds.call(job_id(summary.contact_id))
        assert found is not None
        row = found.row
        assert row["StartTime"] == summary.start_ms
        assert row["ContactDisposition"] == DISPOSITIONS[summary.disposition]
        assert row["CallingNumber"] == summary.calling_number
        assert row["AgentNames"] == ",".join(name for name, _ in summary.agents)
        assert all(a.endswith(f"@{INSTANCE}") for a in row["AgentIds"].split(",") if a)
        assert all(g.endswith(f"@{INSTANCE}") for g in row["SkillGroupIds"].split(",") if g)
        assert int(row["CallDuration"]) == summary.duration


# --- V3 and V1 verification ---


async def test_v3_get_call_detail_record(client: httpx.AsyncClient) -> None:
    response = await v3(
        client, "GetCallDetailRecord", {"InstanceId": INSTANCE, "ContactId": TRANSFER}
    )
    body = envelope(response)
    parsed = v2020.parse_call(body, TRANSFER)
    assert parsed.contact_id == TRANSFER
    lanes = {event.lane for event in parsed.events}
    assert lanes == {Lane.AGENT, Lane.IVR, Lane.QUEUE, Lane.CUSTOMER}
    assert parsed.record is not None
    facts = parsed.record
    assert facts.disposition == "Success" and facts.transfer_count == 1
    assert facts.contact_type == "Inbound" and facts.release_initiator in ("customer", "agent")
    assert len(facts.call_ids) == 3  # the customer's leg and two agents'
    assert facts.caller_location and facts.callee_location
    assert facts.ivr_time and facts.talk_time and facts.queue_time is not None
    assert len(facts.agent_ids) == 2 and all(a.endswith("@ccc-demo-2020") for a in facts.agent_ids)
    data = body["Data"]
    for array in ("AgentEvents", "IvrEvents", "QueueEvents", "CustomerEvents"):
        assert isinstance(data[array], list) and data[array]
        for owner in data[array]:
            for step in owner["EventSequence"]:
                assert set(step) == {"Event", "EventTime", "Duration"}


async def test_v3_with_a_form_body(client: httpx.AsyncClient) -> None:
    body = urlencode({"InstanceId": INSTANCE, "ContactId": TRANSFER}).encode()
    response = await v3(client, "ListMonoRecordings", body=body)
    assert len(envelope(response)["Data"]) == 2


async def test_v1_for_2020_answers_json(client: httpx.AsyncClient) -> None:
    response = await call(
        client,
        "GetInstance",
        {"InstanceId": INSTANCE},
        fmt=None,
        extra={"Version": "2020-07-01"},
    )
    assert envelope(response)["Data"]["Id"] == INSTANCE
    wrong = await call(
        client,
        "GetInstance",
        {"InstanceId": INSTANCE},
        secret="nope",
        extra={"Version": "2020-07-01"},
    )
    assert wrong.status_code == 400 and wrong.json()["Code"] == "SignatureDoesNotMatch"


def gateway_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["Code"] == code and set(body) >= {"RequestId", "HostId", "Message"}
    return dict(body)


API = {"InstanceId": INSTANCE, "ContactId": TRANSFER}


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"secret": "not-the-secret"}, 400, "SignatureDoesNotMatch"),
        ({"key_id": "someone-else"}, 404, "InvalidAccessKeyId.NotFound"),
        ({"now": NOW - timedelta(minutes=16)}, 400, "InvalidTimeStamp.Expired"),
        ({"now": NOW + timedelta(minutes=16)}, 400, "InvalidTimeStamp.Expired"),
        ({"content_sha": hashlib.sha256(b"other").hexdigest()}, 400, "SignatureDoesNotMatch"),
        ({"unsigned": {"x-acs-extra": "1"}}, 400, "IncompleteSignature"),
        ({"unsigned": {"Authorization": "ACS3-HMAC-SHA256 junk"}}, 400, "IncompleteSignature"),
        ({"unsigned": {"x-acs-date": "yesterday"}}, 400, "InvalidTimeStamp.Format"),
    ],
)
async def test_v3_refusals(
    client: httpx.AsyncClient, kwargs: dict[str, Any], status: int, code: str
) -> None:
    response = await v3(client, "GetCallDetailRecord", API, **kwargs)
    body = gateway_error(response, status, code)
    if code == "SignatureDoesNotMatch" and "content_sha" not in kwargs:
        assert "ACS3-HMAC-SHA256" in body["Message"]


async def test_v3_reused_nonce_and_unknown_action(client: httpx.AsyncClient) -> None:
    first = await v3(client, "GetCallDetailRecord", API, nonce="n-1")
    assert first.status_code == 200
    again = await v3(client, "GetCallDetailRecord", API, nonce="n-1")
    gateway_error(again, 400, "SignatureNonceUsed")
    unknown = await v3(client, "ListCallEventDetailByContactId", API)
    gateway_error(unknown, 404, "InvalidAction.NotFound")


async def test_v3_bad_date_format_and_missing_headers(client: httpx.AsyncClient) -> None:
    headers = v3_signed("GetCallDetailRecord", API)
    del headers["x-acs-signature-nonce"]
    response = await client.post("/?" + urlencode(API), headers=headers)
    gateway_error(response, 400, "IncompleteSignature")
    # A date the signer signed, in the wrong format.
    headers = v3_signed("GetCallDetailRecord", API)
    headers["x-acs-date"] = "2025-06-01 09:30:00"
    headers["Authorization"] = signing.authorization_v3(
        DEMO_ACCESS_KEY_ID,
        DEMO_ACCESS_KEY_SECRET,
        "POST",
        "/",
        API,
        {k: v for k, v in headers.items() if k != "Authorization"},
        headers["x-acs-content-sha256"],
    )
    response = await client.post("/?" + urlencode(API), headers=headers)
    gateway_error(response, 400, "InvalidTimeStamp.Format")


async def test_v3_for_2017_still_says_how_to_sign(client: httpx.AsyncClient) -> None:
    headers = v3_signed("ListCallEventDetailByContactId", API)
    headers["x-acs-version"] = "2017-07-05"
    response = await client.post("/?" + urlencode(API), headers=headers)
    assert response.status_code == 400 and "signature_algorithm='v2'" in response.text


async def test_faults_apply_to_2020(client: httpx.AsyncClient) -> None:
    app = make_app(faults=Faults(throttle_rate=1))
    async with client_for(app) as c:
        response = await v3(c, "GetInstance", {"InstanceId": INSTANCE})
    gateway_error(response, 400, "Throttling.User")


# --- the 2.0 service's own errors ---


async def test_unknown_contact_and_instance(client: httpx.AsyncClient) -> None:
    missing = await v3(
        client, "GetCallDetailRecord", {"InstanceId": INSTANCE, "ContactId": "job-1"}
    )
    assert missing.status_code == 404
    body = missing.json()
    assert body["Code"] == "NotExists.ContactId" and body["HttpStatusCode"] == 404
    with pytest.raises(NotFoundError):
        v2020.raise_for_error(body, http_status=404, action="GetCallDetailRecord")
    other = await v3(
        client, "GetCallDetailRecord", {"InstanceId": DEMO_INSTANCE_ID, "ContactId": TRANSFER}
    )
    assert other.status_code == 404 and other.json()["Code"] == "NotExists.InstanceId"
    with pytest.raises(InstanceNotFoundError):
        v2020.raise_for_error(other.json(), http_status=404, action="GetCallDetailRecord")
    # ... and the 2017 API does not know the 2.0 instance.
    old = await call(client, "ListRecordingsByContactId", API)
    assert old.status_code == 404 and old.json()["Code"] == "NotExist.Instance"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"PageNumber": "1"}, 400, "MissingPageSize"),
        ({"PageNumber": "1", "PageSize": "101"}, 400, "Parameter.Invalid"),
        ({"PageNumber": "101", "PageSize": "10"}, 400, "Parameter.Invalid"),
        (
            {"PageNumber": "1", "PageSize": "10", "ContactTypeList": "INBOUND"},
            400,
            "Parameter.Invalid",
        ),
        ({"PageNumber": "1", "PageSize": "10", "SortOrder": "UP"}, 400, "Parameter.Invalid"),
    ],
)
async def test_list_parameter_errors(
    client: httpx.AsyncClient, query: dict[str, str], status: int, code: str
) -> None:
    response = await v3(client, "ListCallDetailRecordsV2", {"InstanceId": INSTANCE, **query})
    assert response.status_code == status and response.json()["Code"] == code


# --- ListCallDetailRecordsV2 ---


async def records(client: httpx.AsyncClient, **filters: str) -> dict[str, Any]:
    query = {"InstanceId": INSTANCE, "PageNumber": "1", "PageSize": "100", **filters}
    return envelope(await v3(client, "ListCallDetailRecordsV2", query))["Data"]


async def test_list_pages_and_filters(client: httpx.AsyncClient) -> None:
    start, stop = ms(at_cst(DAY, "00:00")), ms(at_cst(DAY, "23:59:59"))
    window = {"StartTime": str(start), "EndTime": str(stop)}
    first = await records(client, **window, PageSize="10")
    total = first["TotalCount"]
    assert total > 100 and len(first["List"]) == 10
    times = [row["StartTime"] for row in first["List"]]
    assert times == sorted(times, reverse=True)  # DESC by default
    second = await records(client, **window, PageSize="10", PageNumber="2")
    assert second["TotalCount"] == 0 and second["List"][0]["StartTime"] <= times[-1]
    page = v2020.parse_call_records({"Data": first, "Code": "OK"}, page_number=1, page_size=10)
    assert page.total == total and len(page.items) == 10

    outbound = await records(client, **window, ContactTypeList='["OUTBOUND","PREDICTIVE"]')
    assert outbound["List"] and {r["ContactType"] for r in outbound["List"]} <= {
        "OUTBOUND",
        "PREDICTIVE",
    }
    states = '["NoAnswer","Busy","NotConnected","PowerOff","NotExist","OutOfService"]'
    unanswered = await records(
        client, **window, ContactDispositionList='["NoAnswer"]', EarlyMediaStateList=states
    )
    assert unanswered["List"] and all(r["EarlyMediaState"] for r in unanswered["List"])
    state = unanswered["List"][0]["EarlyMediaState"]
    one_state = await records(client, **window, EarlyMediaStateList=json.dumps([state]))
    assert one_state["List"] and {r["EarlyMediaState"] for r in one_state["List"]} == {state}

    agent = next(r["AgentIds"].split(",")[0] for r in first["List"] if r["AgentIds"])
    by_agent = await records(client, **window, AgentId=agent)
    assert by_agent["List"] and all(agent in r["AgentIds"].split(",") for r in by_agent["List"])
    first_agent = await records(client, **window, FirstAgentId=agent)
    assert 0 < first_agent["TotalCount"] <= by_agent["TotalCount"]
    assert all(r["AgentIds"].split(",")[0] == agent for r in first_agent["List"])

    ivr = await records(client, **window, ContactDispositionList='["IVRException"]')
    assert [r["ContactId"] for r in ivr["List"]] == [IVR_FAILURE]

    by_id = await records(client, ContactIdList=json.dumps([TRANSFER, "job-1"]))
    assert [r["ContactId"] for r in by_id["List"]] == [TRANSFER] and by_id["TotalCount"] == 1


async def test_list_the_incident_and_its_repeat_caller(client: httpx.AsyncClient) -> None:
    start = at_cst(DAY, INCIDENT.start)
    window = {
        "StartTime": str(ms(start)),
        "EndTime": str(ms(start + timedelta(minutes=INCIDENT.minutes))),
    }
    queue = await records(client, **window, SkillGroupIdList='["complaints@ccc-demo-2020"]')
    rows = queue["List"]
    lost = [r for r in rows if r["ContactDisposition"] in ("AbandonedInQueue", "QueuingOverflow")]
    assert len(rows) > 10 and len(lost) > len(rows) / 2
    day = {"StartTime": str(ms(at_cst(DAY, "00:00"))), "EndTime": str(ms(at_cst(DAY, "23:59")))}
    caller = await records(client, **day, Number=INCIDENT.caller, SortOrder="ASC")
    assert [r["ContactDisposition"] for r in caller["List"]] == [
        "AbandonedInQueue",
        "QueuingOverflow",
        "AbandonedInQueue",
        "Success",
    ]


async def test_list_agrees_with_the_2017_instance(client: httpx.AsyncClient) -> None:
    start = ms(at_cst(DAY - timedelta(days=2), "00:00"))
    stop = start + 86_400_000 - 1
    new = await records(client, StartTime=str(start), EndTime=str(stop))
    old = await call(
        client,
        "ListCallDetailRecords",
        {
            "InstanceId": DEMO_INSTANCE_ID,
            "PageNumber": "1",
            "PageSize": "100",
            "StartTime": str(start),
            "StopTime": str(stop),
        },
    )
    assert new["TotalCount"] == old.json()["CallDetailRecords"]["TotalCount"] > 0


# --- recordings ---


async def test_recordings_and_their_urls(client: httpx.AsyncClient) -> None:
    mono = envelope(await v3(client, "ListMonoRecordings", API))["Data"]
    parsed = v2020.parse_recordings({"Data": mono, "Code": "OK"})
    assert len(parsed) == 2 and all(
        r.duration and r.agent_id.endswith("@ccc-demo-2020") for r in parsed
    )
    assert all(isinstance(r["Duration"], str) and isinstance(r["StartTime"], str) for r in mono)
    multi = envelope(await v3(client, "ListMultiChannelRecordings", API))["Data"]
    assert all(r["AgentChannelId"] and isinstance(r["HoldTimeSegments"], list) for r in multi)
    one = await v3(
        client, "ListMultiChannelRecordings", {**API, "AgentChannelId": multi[1]["AgentChannelId"]}
    )
    assert len(envelope(one)["Data"]) == 1

    link = envelope(await v3(client, "GetMonoRecording", {**API, "ExpireSeconds": "60"}))
    download = v2020.parse_download_link(link)
    assert download.file_name == mono[0]["FileName"] and download.duration
    audio = await client.get(download.url)
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    multi_link = envelope(await v3(client, "GetMultiChannelRecording", API))
    assert v2020.parse_download_link(multi_link).url.startswith(BASE_URL + "/oss/ccc-demo-2020/")


async def test_a_recording_url_expires() -> None:
    clock = [NOW]
    app = make_app(clock=lambda: clock[0])
    async with client_for(app) as c:
        link = envelope(await v3(c, "GetMonoRecording", {**API, "ExpireSeconds": "5"}))
        clock[0] = NOW + timedelta(seconds=6)
        response = await c.get(link["Data"]["FileUrl"])
    assert response.status_code == 403


async def test_held_calls_show_their_hold(client: httpx.AsyncClient) -> None:
    ds = Dataset2020(Dataset(anchor=ANCHOR))
    start = ms(at_cst(DAY, "00:00"))
    held = [
        call
        for cid, _ in ds.summaries(start, start + 86_400_000)
        if (call := ds.call(cid)) is not None and call.row["HeldTime"]
    ]
    assert held
    sample = held[0]
    segments = [s for r in sample.multi for s in r["HoldTimeSegments"]]
    assert sum((s["EndTime"] - s["StartTime"]) // 1000 for s in segments) == sample.row["HeldTime"]
    events = [e["Event"] for a in sample.detail["AgentEvents"] for e in a["EventSequence"]]
    assert "Held" in events and "Retrieved" in events


# --- IVR tracks ---


async def test_ivr_track_of_the_failed_call(client: httpx.AsyncClient) -> None:
    query = {"InstanceId": INSTANCE, "ContactId": IVR_FAILURE, "PageNumber": "1", "PageSize": "2"}
    first = envelope(await v3(client, "ListIvrTrackingDetails", query))
    assert first["Data"]["TotalCount"] == 4 and len(first["Data"]["List"]) == 2
    body = envelope(await v3(client, "ListIvrTrackingDetails", {**query, "PageSize": "100"}))
    nodes = v2020.parse_ivr_nodes(body, page_number=1, page_size=100).items
    assert [n.node_type for n in nodes] == [
        "INCOMING_CALL",
        "PLAY_SAY",
        "GATHER_INPUT",
        "JSON_PARSER",
    ]
    failed = nodes[-1]
    assert failed.exit_code == "Failure" and "error" in failed.variables
    published = body["Data"]["List"][0]["NodeProperties"]["publishedTime"]
    assert nodes[0].enter is not None and published < ms(nodes[0].enter)
    assert nodes[2].variables["digits"] == "1"
    detail = envelope(await v3(client, "GetCallDetailRecord", {**API, "ContactId": IVR_FAILURE}))
    assert detail["Data"]["ContactDisposition"] == "IVRException"
    assert detail["Data"]["ReleaseInitiator"] == "system"


async def test_ivr_tracks_of_both_versions_agree(client: httpx.AsyncClient) -> None:
    new = envelope(
        await v3(
            client,
            "ListIvrTrackingDetails",
            {**API, "PageNumber": "1", "PageSize": "100"},
        )
    )
    new_nodes = v2020.parse_ivr_nodes(new, page_number=1, page_size=100).items
    old = await call(
        client,
        "ListIvrTrackingDetail",
        {
            "InstanceId": DEMO_INSTANCE_ID,
            "ContactId": SHOWCASE["inbound_transfer"],
            "PageNumber": "1",
            "PageSize": "100",
        },
    )
    assert old.status_code == 200, old.text
    old_nodes = v2020.parse_ivr_nodes(old.json(), page_number=1, page_size=100).items
    assert [n.node_name for n in old_nodes] == [n.node_name for n in new_nodes]
    assert [n.node_type for n in new_nodes][-1] == "TRANSFER_TO_AGENT"
    assert old_nodes[2].variables["digits"] == new_nodes[2].variables["digits"]
    assert {n.contact_id for n in old_nodes} == {SHOWCASE["inbound_transfer"]}
    # Outbound calls pass no IVR.
    outbound = await v3(
        client,
        "ListIvrTrackingDetails",
        {**API, "ContactId": SHOWCASE_2020["outbound_dial"], "PageNumber": "1", "PageSize": "10"},
    )
    assert envelope(outbound)["Data"]["TotalCount"] == 0


# --- instances ---


async def test_instances(client: httpx.AsyncClient) -> None:
    listed = envelope(await v3(client, "ListInstances", {"PageNumber": "1", "PageSize": "10"}))
    page = v2020.parse_instances(listed, page_number=1, page_size=10)
    assert [i.instance_id for i in page.items] == [INSTANCE] and page.total == 1
    one = envelope(await v3(client, "GetInstance", {"InstanceId": INSTANCE}))
    assert v2020.parse_instance(one).instance_id == INSTANCE
    old = await call(client, "ListInstancesOfUser")
    ids = [i["InstanceId"] for i in old.json()["Instances"]["CallCenterInstance"]]
    assert INSTANCE not in ids and DEMO_INSTANCE_ID in ids


# --- the official 2.0 SDK over a loopback socket ---


def _sdk(port: int, *, algorithm: str | None = None, secret: str = DEMO_ACCESS_KEY_SECRET) -> Any:
    from alibabacloud_ccc20200701.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    return Client(
        open_api_models.Config(
            access_key_id=DEMO_ACCESS_KEY_ID,
            access_key_secret=secret,
            endpoint=f"127.0.0.1:{port}",
            protocol="http",
            region_id="cn-shanghai",
            signature_algorithm=algorithm,
        )
    )


@pytest.mark.socket
def test_the_official_2020_sdk_with_its_default_signature() -> None:
    pytest.importorskip("alibabacloud_ccc20200701")
    from alibabacloud_ccc20200701 import models as m

    with running_emulator(anchor=ANCHOR) as url:
        sdk = _sdk(int(url.rsplit(":", 1)[1]))
        assert sdk._signature_algorithm is None  # the default: ACS3-HMAC-SHA256 (V3)
        day_ms = ms(at_cst(DAY, "00:00"))  # the data set's showcase day
        answers: dict[str, dict[str, Any]] = {}

        def body(response: Any) -> dict[str, Any]:
            assert response.status_code == 200
            found = response.body.to_map()
            assert found["Code"] == "OK"
            return dict(found)

        answers["detail"] = body(
            sdk.get_call_detail_record(
                m.GetCallDetailRecordRequest(instance_id=INSTANCE, contact_id=TRANSFER)
            )
        )
        answers["list"] = body(
            sdk.list_call_detail_records_v2(
                m.ListCallDetailRecordsV2Request(
                    instance_id=INSTANCE,
                    page_number=1,
                    page_size=20,
                    start_time=day_ms,
                    end_time=day_ms + 86_400_000 - 1,
                    contact_type_list='["INBOUND"]',
                    contact_disposition_list='["Success","AbandonedInQueue"]',
                )
            )
        )
        answers["mono"] = body(
            sdk.list_mono_recordings(
                m.ListMonoRecordingsRequest(instance_id=INSTANCE, contact_id=TRANSFER)
            )
        )
        answers["multi"] = body(
            sdk.list_multi_channel_recordings(
                m.ListMultiChannelRecordingsRequest(instance_id=INSTANCE, contact_id=TRANSFER)
            )
        )
        answers["get_mono"] = body(
            sdk.get_mono_recording(
                m.GetMonoRecordingRequest(
                    instance_id=INSTANCE, contact_id=TRANSFER, expire_seconds=600
                )
            )
        )
        answers["get_multi"] = body(
            sdk.get_multi_channel_recording(
                m.GetMultiChannelRecordingRequest(instance_id=INSTANCE, contact_id=TRANSFER)
            )
        )
        answers["ivr"] = body(
            sdk.list_ivr_tracking_details(
                m.ListIvrTrackingDetailsRequest(
                    instance_id=INSTANCE, contact_id=IVR_FAILURE, page_number=1, page_size=20
                )
            )
        )
        answers["instances"] = body(
            sdk.list_instances(m.ListInstancesRequest(page_number=1, page_size=10))
        )
        answers["instance"] = body(sdk.get_instance(m.GetInstanceRequest(instance_id=INSTANCE)))

        audio = httpx.get(answers["get_mono"]["Data"]["FileUrl"])
        assert audio.status_code == 200 and audio.content[:4] == b"RIFF"

        with pytest.raises(Exception) as info:
            sdk.get_call_detail_record(
                m.GetCallDetailRecordRequest(instance_id=INSTANCE, contact_id="job-1")
            )
        assert getattr(info.value, "code", "") == "NotExists.ContactId"
        with pytest.raises(Exception) as info:
            _sdk(int(url.rsplit(":", 1)[1]), secret="not-the-secret").get_instance(
                m.GetInstanceRequest(instance_id=INSTANCE)
            )
        assert getattr(info.value, "code", "") == "SignatureDoesNotMatch"

    # The client's adapter reads every answer.
    call_ = v2020.parse_call(answers["detail"], TRANSFER)
    # (The SDK's model of this answer keeps only the fields it knows.)
    assert call_.record is not None and call_.record.disposition == "Success" and call_.events
    page = v2020.parse_call_records(answers["list"], page_number=1, page_size=20)
    assert page.items and all(r.contact_id.startswith("job-") for r in page.items)
    assert {r.disposition for r in page.items} <= {"Success", "AbandonedInQueue"}
    assert len(v2020.parse_recordings(answers["mono"])) == 2
    multi = v2020.parse_recordings(answers["multi"])
    assert all(r.channel for r in multi)
    assert v2020.parse_download_link(answers["get_mono"]).url.startswith(url)
    assert v2020.parse_download_link(answers["get_multi"]).file_name
    nodes = v2020.parse_ivr_nodes(answers["ivr"], page_number=1, page_size=20)
    assert nodes.items[-1].exit_code == "Failure"
    assert v2020.parse_instances(answers["instances"], page_number=1, page_size=10).items
    assert v2020.parse_instance(answers["instance"]).instance_id == INSTANCE


@pytest.mark.socket
def test_the_official_2020_sdk_with_signature_v1() -> None:
    pytest.importorskip("alibabacloud_ccc20200701")
    from alibabacloud_ccc20200701 import models as m

    with running_emulator(anchor=ANCHOR) as url:
        sdk = _sdk(int(url.rsplit(":", 1)[1]), algorithm="v2")  # 'v2' selects V1 (HMAC-SHA1)
        response = sdk.get_call_detail_record(
            m.GetCallDetailRecordRequest(instance_id=INSTANCE, contact_id=TRANSFER)
        )
        assert response.status_code == 200
        parsed = v2020.parse_call(response.body.to_map(), TRANSFER)
        assert parsed.record is not None and parsed.record.disposition == "Success"
        listed = sdk.list_ivr_tracking_details(
            m.ListIvrTrackingDetailsRequest(
                instance_id=INSTANCE, contact_id=TRANSFER, page_number=1, page_size=10
            )
        )
        assert listed.body.data.total_count == 5


async def test_list_rows_are_the_calls_rows_and_each_query_filters_apart(
    client: httpx.AsyncClient,
) -> None:
    """Rows are spliced in serialised once; the matches kept between a query's pages are that
    query's: another filter over the same window gets its own."""
    start, stop = ms(at_cst(DAY, "00:00")), ms(at_cst(DAY, "23:59:59"))
    window = {"StartTime": str(start), "EndTime": str(stop), "PageSize": "50"}
    every = await records(client, **window)
    inbound = await records(client, **window, ContactTypeList='["INBOUND"]')
    again = await records(client, **window)
    assert again["List"] == every["List"] and again["TotalCount"] == every["TotalCount"]
    assert 0 < inbound["TotalCount"] < every["TotalCount"]
    assert {r["ContactType"] for r in inbound["List"]} == {"INBOUND"}
    ascending = await records(client, **window, SortOrder="ASC")
    assert ascending["TotalCount"] == every["TotalCount"]
    assert ascending["List"][0]["StartTime"] <= every["List"][-1]["StartTime"]
    second = await records(client, **window, PageNumber="2")
    assert second["TotalCount"] == 0 and len(second["List"]) == 50
    assert not {r["ContactId"] for r in second["List"]} & {r["ContactId"] for r in every["List"]}
    ds = Dataset2020(Dataset(anchor=ANCHOR))
    for row in every["List"][:5]:
        call = ds.call(row["ContactId"])
        assert call is not None and row == json.loads(json.dumps(call.row))
    assert ds.row_json("job-does-not-exist") is None
