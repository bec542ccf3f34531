"""CccClient on CCC 2.0 (2020-07-01) and the version choice, against a scripted service.

The fake service checks every request as the real one would: the V3 signature recomputed with
`ccc_tui.api.signing` from a known secret, the action and version headers, a fresh nonce, the
parameters in the query and no body. Its answers are built through the official SDK's models
(`from_map` then `to_map`), so a key the SDK does not know would be dropped and a test fail.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from alibabacloud_ccc20200701 import models as sdk

from ccc_tui.api import signing, versions
from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.client import CccClient, RetryPolicy
from ccc_tui.api.errors import (
    AuthenticationError,
    CccError,
    InstanceNotFoundError,
    ServerError,
)
from ccc_tui.api.models import Lane
from ccc_tui.api.versions import ApiVersionMismatchError, MemoryVersionStore

KEY = AccessKey("test-key-id-2020", Secret("test-secret-2020"))
STS = AccessKey("STS.key-id-2020", Secret("sts-secret-2020"), security_token=Secret("STS.tok/+=9"))
ENDPOINT = "https://ccc.cn-shanghai.aliyuncs.com"
NEW = "ccc-test"  # a 2.0 instance
OLD = "9cfad875-6260-4a53-ab6e-b13e3fb31f7d"  # a 2017 instance
CONTACT = "job-1234567890"
T0 = 1_761_984_000_000  # ms


def sdk_body(model: Any, body: dict[str, Any]) -> dict[str, Any]:
    """The body as the SDK's model reads and writes it: every key must survive (the SDK may add
    empty lists of its own)."""
    mapped: dict[str, Any] = model().from_map(body).to_map()
    assert kept(body, mapped), f"{model.__name__} does not know every key of the fake answer"
    return mapped


def kept(sent: Any, mapped: Any) -> bool:
    if isinstance(sent, dict):
        return isinstance(mapped, dict) and all(
            k in mapped and kept(v, mapped[k]) for k, v in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(mapped, list)
            and len(sent) == len(mapped)
            and all(kept(a, b) for a, b in zip(sent, mapped, strict=True))
        )
    return bool(sent == mapped)


def envelope(data: Any) -> dict[str, Any]:
    return {
        "RequestId": "RID-2020",
        "Code": "OK",
        "HttpStatusCode": 200,
        "Message": "",
        "Data": data,
    }


def error(code: str, status: int = 404, message: str = "") -> httpx.Response:
    body = {
        "RequestId": "RID-ERR",
        "Code": code,
        "HttpStatusCode": status,
        "Message": message or code,
    }
    return httpx.Response(status, json=body)


CALL_DATA = {
    "ContactId": CONTACT,
    "InstanceId": NEW,
    "CallingNumber": "13900001111",
    "CalledNumber": "02150001234",
    "ContactType": "INBOUND",
    "ContactDisposition": "Success",
    "ReleaseInitiator": "customer",
    "ReleaseReason": "200 - Normal",
    "EarlyMediaState": "",
    "StartTime": T0,
    "EstablishedTime": T0 + 20_000,
    "ReleaseTime": T0 + 80_000,
    "CallDuration": "80",
    "AgentIds": "alice@ccc-test",
    "AgentNames": "Alice",
    "SkillGroupIds": "sales@ccc-test",
    "SkillGroupNames": "Sales",
    "RecordingReady": True,
    "SatisfactionSurveyOffered": False,
    "IvrEvents": [
        {
            "FlowId": "flow-1",
            "FlowType": "MAIN_FLOW",
            "EventSequence": [{"Event": "Route2IVR", "EventTime": T0 + 1_000}],
        }
    ],
    "QueueEvents": [
        {
            "QueueId": "sales@ccc-test",
            "QueueName": "Sales",
            "QueueType": 1,
            "FlowId": "flow-1",
            "EventSequence": [{"Event": "Enqueue", "EventTime": T0 + 10_000}],
        }
    ],
    "AgentEvents": [
        {
            "AgentId": "alice@ccc-test",
            "AgentName": "Alice",
            "SkillGroupId": "sales@ccc-test",
            "EventSequence": [
                {"Event": "AgentRinging", "EventTime": T0 + 15_000, "Duration": 5},
                {"Event": "Established", "EventTime": T0 + 20_000, "Duration": 60},
            ],
        }
    ],
    "CustomerEvents": [
        {
            "CustomerId": "13900001111",
            "EventSequence": [{"Event": "Released", "EventTime": T0 + 80_000}],
        }
    ],
}
MONO = [
    {
        "AgentId": "alice@ccc-test",
        "AgentName": "Alice",
        "ContactId": CONTACT,
        "Duration": "60000",
        "FileName": "job-1234567890.wav",
        "FileUrl": "https://oss.example/job-1234567890.wav?Signature=x",
        "RamId": "1",
        "SkillGroupId": "sales@ccc-test",
        "StartTime": str(T0 + 20_000),
    }
]
MULTI = [
    {
        **MONO[0],
        "AgentChannelId": "ch-2",
        "FileName": "job-1234567890-ch2.wav",
        "HoldTimeSegments": [{"StartTime": T0 + 40_000, "EndTime": T0 + 45_000}],
    }
]


def cdr_row(n: int) -> dict[str, Any]:
    return {
        "ContactId": f"job-{n:010d}",
        "CallingNumber": "13900001111",
        "CalledNumber": "02150001234",
        "ContactType": "INBOUND",
        "ContactDisposition": "AbandonedInRing",
        "StartTime": T0 - n * 60_000,
        "CallDuration": "30",
        "AgentNames": "Alice",
        "SkillGroupNames": "Sales",
        "IvrTime": 5,
        "QueueTime": 10,
        "RingTime": 15,
        "TalkTime": 0,
        "EarlyMediaState": "NoAnswer",
        "CallIds": "sip-1@10.0.0.1",
        "RecordingReady": False,
    }


def ivr_row(n: int) -> dict[str, Any]:
    return {
        "ContactId": CONTACT,
        "Caller": "13900001111",
        "Callee": "02150001234",
        "ChannelId": "ch-1",
        "ChannelVariables": "lang=en;vip=1",
        "FlowId": "flow-1",
        "FlowName": "Main menu",
        "NodeId": f"node-{n}",
        "NodeName": f"Node {n}",
        "NodeType": "GATHER_INPUT",
        "NodeExitCode": "Success",
        "NodeProperties": {"timeout": "5"},
        "NodeVariables": {"digits": "2"},
        "EnterTime": T0 + n,
        "LeaveTime": T0 + n + 1,
    }


class FakeCcc:
    """A CCC endpoint serving one 2.0 and one 2017 instance; checks signatures like the service."""

    def __init__(self, *, secrets: dict[str, str] | None = None) -> None:
        self.secrets = secrets or {KEY.key_id: KEY.secret.reveal(), STS.key_id: STS.secret.reveal()}
        self.instances = {NEW: versions.V2020, OLD: versions.V2017}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (version, action, params)
        self.nonces: set[str] = set()
        self.ivr_rows = [ivr_row(n) for n in range(3)]
        self.cdr_rows = [cdr_row(n) for n in range(3)]
        self.overrides: dict[str, list[httpx.Response]] = {}
        self.has_2017_ivr = True

    def actions(self, version: str | None = None) -> list[str]:
        return [a for v, a, _ in self.requests if version in (None, v)]

    def params(self, action: str) -> dict[str, str]:
        return next(p for _, a, p in reversed(self.requests) if a == action)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if "authorization" in request.headers:
            version, action, params = self._check_v3(request)
        else:
            version, action, params = self._check_v1(request)
        self.requests.append((version, action, params))
        if queued := self.overrides.get(action):
            return queued.pop(0)
        if version == versions.V2020:
            return self._answer_2020(action, params)
        return self._answer_2017(action, params)

    # -- verification, as the service does it --

    def _check_v3(self, request: httpx.Request) -> tuple[str, str, dict[str, str]]:
        assert request.method == "POST" and request.url.path == "/"
        assert request.content == b"", "the SDK sends 2.0 parameters in the query, not a body"
        parsed = signing.parse_authorization_v3(request.headers["authorization"])
        assert parsed is not None
        key_id, signed_names, signature = parsed
        assert {"host", "x-acs-action", "x-acs-version", "x-acs-date"} <= set(signed_names)
        assert {"x-acs-signature-nonce", "x-acs-content-sha256"} <= set(signed_names)
        assert all(n == "host" or n.startswith("x-acs-") for n in signed_names)
        headers = {name: request.headers[name] for name in signed_names}
        payload = signing.hashed_payload(request.content)
        assert headers["x-acs-content-sha256"] == payload
        signing.parse_timestamp(headers["x-acs-date"])
        nonce = headers["x-acs-signature-nonce"]
        assert nonce not in self.nonces, "a nonce was reused"
        self.nonces.add(nonce)
        query = dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True))
        assert "Signature" not in query and "AccessKeyId" not in query
        token = request.headers.get("x-acs-security-token")
        if key_id == STS.key_id:
            assert token == STS.security_token.reveal()  # type: ignore[union-attr]
            assert "x-acs-security-token" in signed_names
        secret = self.secrets.get(key_id, "")
        expected = signing.authorization_v3(key_id, secret, "POST", "/", query, headers, payload)
        assert signing.parse_authorization_v3(expected)[2] == signature  # type: ignore[index]
        version = headers["x-acs-version"]
        assert version == versions.V2020
        return version, headers["x-acs-action"], query

    def _check_v1(self, request: httpx.Request) -> tuple[str, str, dict[str, str]]:
        query = dict(parse_qsl(urlsplit(str(request.url)).query))
        body = dict(parse_qsl(request.content.decode()))
        merged = {**query, **body}
        assert signing.verify(
            "POST", merged, self.secrets[merged["AccessKeyId"]], merged["Signature"]
        )
        assert merged["Version"] == versions.V2017
        params = {k: v for k, v in body.items() if k != "SecurityToken"}
        return merged["Version"], merged["Action"], params

    # -- answers --

    def _known(self, params: dict[str, str], version: str) -> bool:
        return self.instances.get(params.get("InstanceId", "")) == version

    def _answer_2020(self, action: str, p: dict[str, str]) -> httpx.Response:
        if action == "ListInstances":
            items = [
                {"Id": i, "Name": f"{i} name", "Status": "Running", "ConsoleUrl": "https://c"}
                for i, v in self.instances.items()
                if v == versions.V2020
            ]
            data = {"PageNumber": 1, "PageSize": 100, "TotalCount": len(items), "List": items}
            return httpx.Response(200, json=sdk_body(sdk.ListInstancesResponseBody, envelope(data)))
        if not self._known(p, versions.V2020):
            return error(
                "NotExists.InstanceId", 404, f"The instance {p.get('InstanceId')} does not exist."
            )
        if action == "GetInstance":
            data = {
                "Id": p["InstanceId"],
                "Name": "Test",
                "Status": "Running",
                "DomainName": "ccc-test",
            }
            return httpx.Response(200, json=sdk_body(sdk.GetInstanceResponseBody, envelope(data)))
        if action == "GetCallDetailRecord":
            return httpx.Response(
                200, json=sdk_body(sdk.GetCallDetailRecordResponseBody, envelope(CALL_DATA))
            )
        if action == "ListMonoRecordings":
            return httpx.Response(
                200, json=sdk_body(sdk.ListMonoRecordingsResponseBody, envelope(MONO))
            )
        if action == "ListMultiChannelRecordings":
            body = sdk_body(sdk.ListMultiChannelRecordingsResponseBody, envelope(MULTI))
            return httpx.Response(200, json=body)
        if action == "GetMonoRecording":
            data = {
                "FileName": "job-1234567890.wav",
                "FileUrl": "https://oss.example/m?sig=1",
                "Duration": 60000,
            }
            return httpx.Response(
                200, json=sdk_body(sdk.GetMonoRecordingResponseBody, envelope(data))
            )
        if action == "GetMultiChannelRecording":
            data = {"FileName": "job-1234567890-ch2.wav", "FileUrl": "https://oss.example/c?sig=2"}
            body = sdk_body(sdk.GetMultiChannelRecordingResponseBody, envelope(data))
            return httpx.Response(200, json=body)
        if action == "ListCallDetailRecordsV2":
            return self._paged(sdk.ListCallDetailRecordsV2ResponseBody, self.cdr_rows, p)
        if action == "ListIvrTrackingDetails":
            return self._paged(sdk.ListIvrTrackingDetailsResponseBody, self.ivr_rows, p)
        return error("InvalidAction.NotFound", 404)

    def _paged(self, model: Any, rows: list[dict[str, Any]], p: dict[str, str]) -> httpx.Response:
        number, size = int(p["PageNumber"]), int(p["PageSize"])
        page = rows[(number - 1) * size : number * size]
        data = {"PageNumber": number, "PageSize": size, "TotalCount": len(rows), "List": page}
        return httpx.Response(200, json=sdk_body(model, envelope(data)))

    def _answer_2017(self, action: str, p: dict[str, str]) -> httpx.Response:
        def ok(data: dict[str, Any]) -> httpx.Response:
            return httpx.Response(
                200, json={"RequestId": "R", "Success": True, "Code": "OK", **data}
            )

        if action == "ListInstancesOfUser":
            items = [
                {"InstanceId": i, "InstanceName": i}
                for i, v in self.instances.items()
                if v == versions.V2017
            ]
            return ok({"Instances": {"CallCenterInstance": items}})
        if not self._known(p, versions.V2017):
            return error("NotExist.Instance", 404, "The instance does not exist.")
        if action == "GetInstance":
            return ok(
                {
                    "Instance": {
                        "InstanceId": p["InstanceId"],
                        "InstanceName": "Old",
                        "Status": "Running",
                    }
                }
            )
        if action == "ListCallEventDetailByContactId":
            return ok(
                {
                    "Data": {
                        "Caller": "1",
                        "Callee": "2",
                        "CallType": "Inbound",
                        "StartTime": T0,
                        "Events": [],
                    }
                }
            )
        if action == "ListRecordingsByContactId":
            return ok({"Recordings": {"Recording": []}})
        if action == "ListIvrTrackingDetail" and self.has_2017_ivr:
            rows = [
                {
                    "ContactId": p["ContactId"],
                    "FlowName": "Menu",
                    "NodeName": "Start",
                    "Status": "Success",
                }
            ]
            return ok(
                {"IvrTrackingDetails": {"TotalCount": 1, "List": {"IvrTrackingDetail": rows}}}
            )
        return error("InvalidAction.NotFound", 404, "Specified api is not found.")


def client_for(
    fake: FakeCcc,
    *,
    key: AccessKey = KEY,
    instance: str = NEW,
    api_version: str = versions.V2020,
    store: MemoryVersionStore | None = None,
    **options: Any,
) -> CccClient:
    async def no_sleep(_: float) -> None:
        return None

    return CccClient(
        key,
        endpoint=ENDPOINT,
        instance_id=instance,
        transport=httpx.MockTransport(fake),
        api_version=api_version,
        version_store=store,
        sleep=no_sleep,
        **options,
    )


# ---- each operation on 2020-07-01 ----------------------------------------------------------------


async def test_get_call_is_the_record_its_events_and_both_kinds_of_recordings() -> None:
    fake = FakeCcc()
    async with client_for(fake) as client:
        call = await client.get_call(CONTACT)
    assert sorted(fake.actions()) == [
        "GetCallDetailRecord", "ListMonoRecordings", "ListMultiChannelRecordings"
    ]  # fmt: skip
    assert fake.params("GetCallDetailRecord") == {"InstanceId": NEW, "ContactId": CONTACT}
    assert call.caller == "13900001111" and call.direction == "INBOUND"
    assert [e.event for e in call.events] == [
        "Route2IVR", "Enqueue", "AgentRinging", "Established", "Released"
    ]  # fmt: skip
    assert [e.lane for e in call.events][-1] is Lane.CUSTOMER
    assert call.record is not None and call.record.disposition == "Success"
    assert call.record.agent_ids == ("alice@ccc-test",)
    assert [r.file_name for r in call.recordings] == [
        "job-1234567890.wav", "job-1234567890-ch2.wav"
    ]  # fmt: skip
    assert call.recordings[0].duration == 60 and call.recordings[1].channel == "ch-2"
    assert len(call.recordings[1].hold_segments) == 1


async def test_an_instance_without_multi_channel_recordings_still_lists_the_mono_ones() -> None:
    fake = FakeCcc()
    fake.overrides["ListMultiChannelRecordings"] = [error("Permission.MultiChannel", 403)]
    async with client_for(fake) as client:
        recordings = await client.list_recordings(CONTACT)
    assert [r.file_name for r in recordings] == ["job-1234567890.wav"]


async def test_each_recording_is_listed_once_and_a_multi_channel_one_once_per_channel() -> None:
    """The same file in both listings is one recording (the multi-channel entry, which has the
    channel and the holds); a file recorded on two channels is two; a repeated entry is one."""
    fake = FakeCcc()
    second = {**MONO[0], "FileName": "job-1234567890-b.wav", "AgentName": "Bob"}
    mono = [MONO[0], second, second]
    shared = {**MULTI[0], "FileName": MONO[0]["FileName"], "StartTime": T0 + 20_000}
    del shared["Duration"]
    multi = [
        {**shared, "AgentChannelId": "ch-1"},
        {**shared, "AgentChannelId": "ch-2"},
        {**shared, "AgentChannelId": "ch-2"},
        {**MULTI[0], "FileName": "job-1234567890-only.wav"},
    ]
    fake.overrides["ListMonoRecordings"] = [httpx.Response(200, json=envelope(mono))]
    fake.overrides["ListMultiChannelRecordings"] = [httpx.Response(200, json=envelope(multi))]
    async with client_for(fake) as client:
        recordings = await client.list_recordings(CONTACT)
    assert [(r.file_name, r.channel) for r in recordings] == [
        ("job-1234567890.wav", "ch-1"),
        ("job-1234567890.wav", "ch-2"),
        ("job-1234567890-b.wav", ""),
        ("job-1234567890-only.wav", "ch-2"),
    ]
    assert recordings[0].duration == 60  # the mono entry's, which the channel entry lacks
    assert recordings[0].hold_segments and recordings[2].agent_name == "Bob"


async def test_download_links_are_fetched_by_contact_id() -> None:
    fake = FakeCcc()
    async with client_for(fake) as client:
        recordings = await client.list_recordings(CONTACT)
        mono = await client.get_download_link(recordings[0].file_name)  # as the screens ask
        assert fake.params("GetMonoRecording") == {"InstanceId": NEW, "ContactId": CONTACT}
        multi = await client.get_recording_link(recordings[1])
        assert fake.params("GetMultiChannelRecording") == {"InstanceId": NEW, "ContactId": CONTACT}
        with pytest.raises(CccError, match="No call is known"):
            await client.get_download_link("never-listed.wav")
    assert mono.url == "https://oss.example/m?sig=1" and mono.duration == 60
    assert multi.file_name == "job-1234567890-ch2.wav"


async def test_find_maps_todays_arguments_to_list_call_detail_records_v2() -> None:
    fake = FakeCcc()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    stop = datetime(2026, 11, 2, tzinfo=UTC)
    async with client_for(fake) as client:
        page = await client.list_call_detail_records(
            page_number=1,
            page_size=2,
            start=start,
            stop=stop,
            criteria="13900001111",
            contact_types=["Inbound", "Outbound"],
            dispositions=["AbandonedRing", "QueueOverflow", "Voicemail"],
            with_recording=True,
            order="asc",
        )
        params = fake.params("ListCallDetailRecordsV2")
        assert params == {
            "InstanceId": NEW,
            "PageNumber": "1",
            "PageSize": "2",
            "StartTime": str(int(start.timestamp() * 1000)),
            "EndTime": str(int(stop.timestamp() * 1000)),
            "Number": "13900001111",
            "ContactTypeList": '["INBOUND","OUTBOUND"]',
            "ContactDispositionList": '["AbandonedInRing","QueuingOverflow","Voicemail"]',
            "SortOrder": "ASC",
        }
        await client.list_call_detail_records(contact_id="job-0000000001", page_size=1)
        assert fake.params("ListCallDetailRecordsV2")["ContactIdList"] == '["job-0000000001"]'
        await client.list_call_detail_records(criteria="alice", phone_number="02150001234")
        assert fake.params("ListCallDetailRecordsV2")["AgentId"] == "alice@ccc-test"
        assert fake.params("ListCallDetailRecordsV2")["Number"] == "02150001234"
        await client.list_call_detail_records(
            criteria="139", phone_number="0215", contact_types=["Inbound"]
        )
        sent = fake.params("ListCallDetailRecordsV2")
        assert (sent["CallingNumber"], sent["CalledNumber"]) == ("139", "0215")
    assert page.total == 3 and page.has_more
    row = page.items[0]
    assert row.contact_id == "job-0000000000" and row.disposition == "AbandonedInRing"
    assert row.facts is not None and row.facts.early_media_state == "NoAnswer"
    assert row.facts.call_ids == ("sip-1@10.0.0.1",)


async def test_ivr_nodes_are_paged_until_the_last_node() -> None:
    fake = FakeCcc()
    fake.ivr_rows = [ivr_row(n) for n in range(150)]
    async with client_for(fake) as client:
        nodes = await client.list_ivr_nodes(CONTACT)
    assert fake.actions() == ["ListIvrTrackingDetails", "ListIvrTrackingDetails"]
    assert fake.params("ListIvrTrackingDetails") == {
        "InstanceId": NEW, "ContactId": CONTACT, "PageNumber": "2", "PageSize": "100"
    }  # fmt: skip
    assert len(nodes) == 150 and nodes[149].node_id == "node-149"
    assert nodes[0].variables == {"lang": "en", "vip": "1", "digits": "2"}


async def test_ivr_nodes_on_2017_use_list_ivr_tracking_detail_where_the_instance_has_it() -> None:
    fake = FakeCcc()
    async with client_for(fake, instance=OLD, api_version=versions.V2017) as client:
        nodes = await client.list_ivr_nodes("100001")
        fake.has_2017_ivr = False
        assert await client.list_ivr_nodes("100001") == ()
    assert fake.params("ListIvrTrackingDetail")["ContactId"] == "100001"
    assert [n.node_name for n in nodes] == ["Start"] and nodes[0].exit_code == "Success"


async def test_instances_are_listed_and_read_with_the_2020_operations() -> None:
    fake = FakeCcc()
    async with client_for(fake) as client:
        listed = await client.list_instances()
        one = await client.get_instance()
    assert fake.actions() == ["ListInstances", "GetInstance"]
    assert fake.params("ListInstances") == {"PageNumber": "1", "PageSize": "100"}
    assert [i.instance_id for i in listed] == [NEW]
    assert one.instance_id == NEW and one.domain_name == "ccc-test"


async def test_an_sts_token_travels_signed_in_its_header_and_no_repr_shows_it() -> None:
    fake = FakeCcc()
    seen: list[httpx.Request] = []

    async def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await fake(request)

    async with CccClient(
        STS, endpoint=ENDPOINT, instance_id=NEW, transport=httpx.MockTransport(spy),
        api_version=versions.V2020,
    ) as client:  # fmt: skip
        await client.get_instance()
    request = seen[0]
    token = STS.security_token.reveal()  # type: ignore[union-attr]
    assert request.headers["x-acs-security-token"] == token
    assert request.headers["x-acs-accesskey-id"] == STS.key_id
    for text in (repr(request), repr(request.headers), str(request.url)):
        assert token not in text and "Signature=" not in text
        assert STS.secret.reveal() not in text


async def test_retries_sign_each_attempt_afresh() -> None:
    fake = FakeCcc()
    fake.overrides["GetInstance"] = [
        error("ServiceUnavailable", 503),
        error("Throttling.User", 400),
    ]
    ticks = iter(range(100))

    def clock() -> datetime:
        return datetime(2026, 11, 1, 8, 0, next(ticks), tzinfo=UTC)

    async with client_for(fake, clock=clock, retry=RetryPolicy(attempts=3)) as client:
        await client.get_instance()
    assert fake.actions() == ["GetInstance"] * 3
    assert len(fake.nonces) == 3  # the fake refuses a reused nonce


async def test_server_failures_still_raise_after_the_retries() -> None:
    fake = FakeCcc()
    fake.overrides["GetCallDetailRecord"] = [error("InternalService.Error", 500)] * 3
    async with client_for(fake, retry=RetryPolicy(attempts=3)) as client:
        with pytest.raises(ServerError):
            await client.get_call_events(CONTACT)


async def test_an_echoed_canonical_request_and_authorization_are_scrubbed() -> None:
    fake = FakeCcc()
    token = STS.security_token.reveal()  # type: ignore[union-attr]
    echo = (
        "Specified signature does not match our calculation. Authorization: ACS3-HMAC-SHA256 "
        f"Credential={STS.key_id},SignedHeaders=host;x-acs-action,Signature={'ab' * 32} "
        f"canonical request: POST\n/\n\nx-acs-security-token:{token}\n"
    )
    fake.overrides["GetInstance"] = [error("SignatureDoesNotMatch", 400, echo)]
    async with client_for(fake, key=STS) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.get_instance()
    text = str(caught.value) + repr(caught.value)
    assert "does not match" in text
    assert token not in text and "ab" * 32 not in text and STS.key_id not in text


# ---- the version choice --------------------------------------------------------------------------


async def test_auto_asks_get_instance_once_and_remembers_per_endpoint_and_instance() -> None:
    fake = FakeCcc()
    store = MemoryVersionStore()
    async with client_for(fake, api_version="auto", store=store) as client:
        assert client.known_version() is None
        call = await client.get_call(CONTACT)
        await client.get_call(CONTACT)
        assert client.known_version() == versions.V2020
    assert call.record is not None
    assert fake.actions().count("GetInstance") == 1
    assert store.get(ENDPOINT, NEW) == versions.V2020
    fake.requests.clear()
    async with client_for(fake, api_version="auto", store=store) as client:
        await client.get_call_events(CONTACT)
    assert fake.actions() == ["GetCallDetailRecord"]  # remembered: no probe


async def test_auto_falls_back_when_the_first_guess_does_not_know_the_instance() -> None:
    fake = FakeCcc()
    fake.instances = {"legacy-short-id": versions.V2017}  # a 2017 id that does not look like one
    store = MemoryVersionStore()
    async with client_for(fake, instance="legacy-short-id", api_version="auto", store=store) as c:
        await c.get_call_events("100001")
    assert [(v, a) for v, a, _ in fake.requests] == [
        (versions.V2020, "GetInstance"),
        (versions.V2017, "GetInstance"),
        (versions.V2017, "ListCallEventDetailByContactId"),
    ]
    assert store.get(ENDPOINT, "legacy-short-id") == versions.V2017


async def test_auto_asks_the_likelier_version_first() -> None:
    fake = FakeCcc()
    async with client_for(fake, instance=OLD, api_version="auto") as client:
        await client.get_instance()
    assert [(v, a) for v, a, _ in fake.requests] == [(versions.V2017, "GetInstance")] * 2


async def test_an_instance_neither_version_knows_is_one_clear_error() -> None:
    fake = FakeCcc()
    async with client_for(fake, instance="nope", api_version="auto") as client:
        with pytest.raises(InstanceNotFoundError) as caught:
            await client.get_call(CONTACT)
    assert caught.value.message == (
        f"Neither the 2017-07-05 nor the 2020-07-01 API at {ENDPOINT} knows instance nope."
    )
    assert caught.value.code == "NotExists.InstanceId"  # the likelier version's answer
    assert caught.value.exit_code == 3


async def test_a_wrong_key_is_reported_as_such_not_as_an_unknown_instance() -> None:
    fake = FakeCcc(secrets={KEY.key_id: "not the secret"})

    async def refuse(request: httpx.Request) -> httpx.Response:
        try:
            await fake(request)
        except AssertionError:
            return error("SignatureDoesNotMatch", 400, "Specified signature is not matched.")
        raise AssertionError("the fake accepted a wrong secret")

    async with CccClient(
        KEY, endpoint=ENDPOINT, instance_id=NEW, transport=httpx.MockTransport(refuse),
        api_version="auto",
    ) as client:  # fmt: skip
        with pytest.raises(AuthenticationError):
            await client.get_instance()


async def test_auto_corrects_a_remembered_version_that_no_longer_knows_the_instance() -> None:
    fake = FakeCcc()
    store = MemoryVersionStore({(ENDPOINT, NEW): versions.V2017})
    async with client_for(fake, api_version="auto", store=store) as client:
        call = await client.get_call_events(CONTACT)
    assert call.record is not None
    assert store.get(ENDPOINT, NEW) == versions.V2020


@pytest.mark.parametrize(
    ("instance", "chosen", "answers"),
    [(NEW, versions.V2017, versions.V2020), (OLD, versions.V2020, versions.V2017)],
)
async def test_a_wrong_explicit_choice_names_the_other_version(
    instance: str, chosen: str, answers: str
) -> None:
    fake = FakeCcc()
    async with client_for(fake, instance=instance, api_version=chosen) as client:
        for call in (
            lambda: client.get_call("job-1"),
            lambda: client.list_call_detail_records(),
            lambda: client.get_instance(),
        ):
            with pytest.raises(ApiVersionMismatchError) as caught:
                await call()
            assert str(caught.value.message) == (
                f"Instance {instance} answers the {answers} API, not {chosen}; "
                f"use --api-version {answers} or auto."
            )
            assert caught.value.exit_code == 3


async def test_an_explicit_2017_choice_whose_answer_is_empty_checks_the_other_version() -> None:
    fake = FakeCcc()
    # A 2017 answer of "no such call" (an empty Data) rather than a refusal of the instance.
    empty = {"RequestId": "R", "Success": True, "Code": "OK", "Data": None}
    fake.overrides["ListCallEventDetailByContactId"] = [httpx.Response(200, json=empty)]
    async with client_for(fake, api_version=versions.V2017) as client:
        with pytest.raises(ApiVersionMismatchError, match="answers the 2020-07-01 API"):
            await client.get_call_events(CONTACT)


async def test_listing_under_auto_asks_both_versions_and_remembers_each_instance() -> None:
    fake = FakeCcc()
    store = MemoryVersionStore()
    async with client_for(fake, instance="", api_version="auto", store=store) as client:
        listed = await client.list_instances()
    assert sorted(i.instance_id for i in listed) == sorted([NEW, OLD])
    assert store.get(ENDPOINT, NEW) == versions.V2020
    assert store.get(ENDPOINT, OLD) == versions.V2017


async def test_listing_under_auto_survives_an_endpoint_without_the_2020_api() -> None:
    fake = FakeCcc()
    fake.overrides["ListInstances"] = [error("InvalidVersion", 400)]
    async with client_for(fake, instance="", api_version="auto") as client:
        listed = await client.list_instances()
    assert [i.instance_id for i in listed] == [OLD]


def test_the_choice_is_checked() -> None:
    assert versions.check_choice(" AUTO ") == "auto"
    assert versions.check_choice("2020-07-01") == versions.V2020
    with pytest.raises(ValueError, match="not one of auto, 2017-07-05, 2020-07-01"):
        versions.check_choice("2020")
    with pytest.raises(ValueError):
        CccClient(KEY, endpoint=ENDPOINT, api_version="v3")


def test_json_helpers_match_the_sdk_request_encoding() -> None:
    # The SDK sends list filters as JSON-array strings; the fake decodes them back.
    request = sdk.ListCallDetailRecordsV2Request(contact_type_list='["INBOUND"]')
    assert json.loads(request.to_map()["ContactTypeList"]) == ["INBOUND"]
