"""The emulator speaks the real protocol: signature V1, formats, error codes, the seeds verbatim.

Requests are signed here with ccc_tui.api.signing directly (not with the client), so these tests
pin the server side on its own. Other emulator test modules import the helpers below.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from ccc_tui.api import signing
from ccc_tui.emulator.app import EmulatorApp, create_app
from ccc_tui.emulator.constants import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.faults import Faults
from tests.seeds import SEED_EVENTS_JSON, SEED_EVENTS_XML, SEED_RECORDINGS_JSON, SEED_RECORDINGS_XML

ANCHOR = datetime(2025, 6, 1, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
BASE_URL = "http://127.0.0.1:8931"


# --- helpers shared by the emulator tests ---


def common_params(
    action: str,
    *,
    now: datetime = NOW,
    key_id: str = DEMO_ACCESS_KEY_ID,
    fmt: str | None = "JSON",
    nonce: str | None = None,
) -> dict[str, str]:
    params = {
        "Action": action,
        "Version": "2017-07-05",
        "AccessKeyId": key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": nonce or signing.new_nonce(),
        "Timestamp": signing.format_timestamp(now),
    }
    if fmt is not None:
        params["Format"] = fmt
    return params


def sign_request(
    method: str,
    query: Mapping[str, str],
    body: Mapping[str, str] | None = None,
    secret: str = DEMO_ACCESS_KEY_SECRET,
) -> dict[str, str]:
    """The query with its Signature, computed over query and body together."""
    signed = dict(query)
    signed["Signature"] = signing.sign(method, {**query, **(body or {})}, secret)
    return signed


def make_app(**kwargs: Any) -> EmulatorApp:
    kwargs.setdefault("dataset", Dataset(anchor=ANCHOR))
    kwargs.setdefault("clock", lambda: NOW)
    return create_app(**kwargs)


def client_for(app: EmulatorApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


async def call(
    client: httpx.AsyncClient,
    action: str,
    api: Mapping[str, str] | None = None,
    *,
    style: str = "body",
    method: str = "POST",
    fmt: str | None = "JSON",
    secret: str = DEMO_ACCESS_KEY_SECRET,
    now: datetime = NOW,
    extra: Mapping[str, str] | None = None,
    nonce: str | None = None,
) -> httpx.Response:
    """One signed request: API params in a form body (style="body") or all in the query."""
    query = {**common_params(action, now=now, fmt=fmt, nonce=nonce), **(extra or {})}
    api = dict(api or {})
    if style == "query":
        return await client.request(
            method, "/", params=sign_request(method, {**query, **api}, secret=secret)
        )
    return await client.request(
        method, "/", params=sign_request(method, query, api, secret=secret), data=api
    )


def key_order(value: Any) -> Any:
    """The nested key order of a JSON value, to compare order as well as content."""
    if isinstance(value, dict):
        return [(k, key_order(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [key_order(v) for v in value]
    return type(value).__name__


def xml_tree(element: ElementTree.Element) -> Any:
    return (element.tag, (element.text or "").strip(), [xml_tree(c) for c in element])


@pytest.fixture
def app() -> EmulatorApp:
    return make_app()


@pytest.fixture
async def client(app: EmulatorApp) -> Any:
    async with client_for(app) as c:
        yield c


EVENTS = "ListCallEventDetailByContactId"
RECORDINGS = "ListRecordingsByContactId"
SEED_EVENTS_API = {"InstanceId": DEMO_INSTANCE_ID, "ContactId": "1096645650"}
SEED_RECORDINGS_API = {"InstanceId": DEMO_INSTANCE_ID, "ContactId": "2020927020"}


# --- the seeds, verbatim ---


async def test_seed_timeline_json_is_the_documented_example(client: httpx.AsyncClient) -> None:
    response = await call(client, EVENTS, SEED_EVENTS_API)
    assert response.status_code == 200
    body = response.json()
    expected = json.loads(SEED_EVENTS_JSON)
    assert body == expected
    assert key_order(body) == key_order(expected)
    events = body["Data"]["Events"]["CallEventDetail"]
    assert all(isinstance(e["TimeStamp"], str) for e in events)
    assert all(type(e["Duration"]) is int for e in events)
    assert isinstance(body["Data"]["StartTime"], str)
    assert body["Success"] is True and body["HttpStatusCode"] == 200
    assert response.headers["x-acs-request-id"] == body["RequestId"]


async def test_seed_recordings_json_is_the_documented_example(client: httpx.AsyncClient) -> None:
    response = await call(client, RECORDINGS, SEED_RECORDINGS_API)
    body = response.json()
    expected = json.loads(SEED_RECORDINGS_JSON)
    assert body == expected
    assert key_order(body) == key_order(expected)
    recording = body["Recordings"]["Recording"][0]
    assert type(recording["StartTime"]) is int  # a number, unlike the timeline's strings
    assert type(recording["Duration"]) is int


@pytest.mark.parametrize(
    ("action", "api", "document"),
    [
        (EVENTS, SEED_EVENTS_API, SEED_EVENTS_XML),
        (RECORDINGS, SEED_RECORDINGS_API, SEED_RECORDINGS_XML),
    ],
)
async def test_seed_xml_is_the_documented_example(
    client: httpx.AsyncClient, action: str, api: dict[str, str], document: str
) -> None:
    response = await call(client, action, api, fmt="XML")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.startswith("<?xml")
    got = ElementTree.fromstring(response.content)
    assert xml_tree(got) == xml_tree(ElementTree.fromstring(document))


async def test_format_defaults_to_xml_and_accepts_lowercase(client: httpx.AsyncClient) -> None:
    default = await call(client, EVENTS, SEED_EVENTS_API, fmt=None)
    assert default.headers["content-type"].startswith("text/xml")
    assert ElementTree.fromstring(default.content).tag == "ListCallEventDetailByContactIdResponse"
    lower = await call(client, EVENTS, SEED_EVENTS_API, fmt="json")
    assert lower.json() == json.loads(SEED_EVENTS_JSON)
    lower_xml = await call(client, EVENTS, SEED_EVENTS_API, fmt="xml")
    assert lower_xml.content.startswith(b"<?xml")


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_everything_in_the_query(client: httpx.AsyncClient, method: str) -> None:
    response = await call(client, EVENTS, SEED_EVENTS_API, style="query", method=method)
    assert response.status_code == 200, response.text
    assert response.json() == json.loads(SEED_EVENTS_JSON)


async def test_region_id_empty_signature_type_and_unknown_params(client: httpx.AsyncClient) -> None:
    extra = {"RegionId": "cn-shanghai", "SignatureType": "", "SomethingNew": "x y*z~"}
    response = await call(client, RECORDINGS, SEED_RECORDINGS_API, extra=extra)
    assert response.status_code == 200, response.text
    assert response.json() == json.loads(SEED_RECORDINGS_JSON)


async def test_published_vector_c_is_accepted() -> None:
    """ccc-api.md vector C, byte for byte: key testid/testsecret, everything in the query."""
    app = make_app(
        key_pairs={"testid": "testsecret"}, clock=lambda: datetime(2016, 2, 23, 12, 50, tzinfo=UTC)
    )
    params = {
        "Action": EVENTS,
        "Version": "2017-07-05",
        "Format": "JSON",
        "AccessKeyId": "testid",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "Timestamp": "2016-02-23T12:46:24Z",
        "RegionId": "cn-shanghai",
        "InstanceId": DEMO_INSTANCE_ID,
        "ContactId": "1096645650",
        "Signature": "Qm577+mZk4cZ7FhT5C1ftWTK6Mo=",
    }
    async with client_for(app) as c:
        response = await c.post("/", params=params)
    assert response.status_code == 200, response.text
    assert response.json() == json.loads(SEED_EVENTS_JSON)


async def test_published_vector_b_body_style_with_sts_token() -> None:
    app = make_app(
        key_pairs={"testid": "testsecret"}, clock=lambda: datetime(2024, 1, 2, 3, 10, tzinfo=UTC)
    )
    query = {
        "Action": RECORDINGS,
        "Format": "json",
        "Version": "2017-07-05",
        "Timestamp": "2024-01-02T03:04:05Z",
        "SignatureNonce": "c0ffee000000400080000000000000a1",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "AccessKeyId": "testid",
    }
    async with client_for(app) as c:
        plain = await c.post(
            "/",
            params={**query, "Signature": "A9nY0hyFpoPCDEIrFxp1hGkJcIw="},
            data=SEED_RECORDINGS_API,
        )
        with_token = await c.post(
            "/",
            params={
                **query,
                "SignatureNonce": query["SignatureNonce"],
                "SecurityToken": "CAIS-test-sts-token",
                "Signature": "49MIZIIfm2icNw2Qk8POJw+BoL4=",
            },
            data=SEED_RECORDINGS_API,
        )
    assert plain.status_code == 200, plain.text
    assert plain.json() == json.loads(SEED_RECORDINGS_JSON)
    # The same nonce again: the second request is a replay even though its token differs.
    assert with_token.json()["Code"] == "SignatureNonceUsed"


# --- errors ---


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["RequestId", "HostId", "Code", "Message", "Recommend"]
    assert body["Code"] == code
    assert response.headers["x-acs-request-id"] == body["RequestId"]
    return body


@pytest.mark.parametrize(
    "name",
    [
        "Action",
        "Version",
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
    ],
)
async def test_missing_common_parameter(client: httpx.AsyncClient, name: str) -> None:
    query = common_params(EVENTS)
    del query[name]
    response = await client.post(
        "/", params=sign_request("POST", query, SEED_EVENTS_API), data=SEED_EVENTS_API
    )
    body = assert_error(response, 400, f"Missing{name}")
    assert f'"{name}"' in body["Message"]


async def test_missing_signature_is_incomplete(client: httpx.AsyncClient) -> None:
    response = await client.post("/", params=common_params(EVENTS), data=SEED_EVENTS_API)
    assert_error(response, 400, "IncompleteSignature")


@pytest.mark.parametrize(
    ("name", "value"), [("SignatureMethod", "HMAC-SHA256"), ("SignatureVersion", "2.0")]
)
async def test_unsupported_signature_scheme(
    client: httpx.AsyncClient, name: str, value: str
) -> None:
    response = await call(client, EVENTS, SEED_EVENTS_API, extra={name: value})
    assert_error(response, 400, "IncompleteSignature")


async def test_v3_authorization_header_is_named(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/",
        headers={
            "Authorization": "ACS3-HMAC-SHA256 Credential=x,SignedHeaders=,Signature=y",
            "x-acs-action": EVENTS,
        },
        params={"Format": "JSON"},
    )
    body = assert_error(response, 400, "IncompleteSignature")
    assert "signature_algorithm='v2'" in body["Message"]


async def test_unknown_access_key(client: httpx.AsyncClient) -> None:
    query = common_params(EVENTS, key_id="LTAI-nobody")
    response = await client.post(
        "/", params=sign_request("POST", query, SEED_EVENTS_API), data=SEED_EVENTS_API
    )
    assert_error(response, 404, "InvalidAccessKeyId.NotFound")


async def test_wrong_secret_reports_the_server_string_to_sign(client: httpx.AsyncClient) -> None:
    query = common_params(EVENTS)
    response = await client.post(
        "/",
        params=sign_request("POST", query, SEED_EVENTS_API, secret="not-the-secret"),
        data=SEED_EVENTS_API,
    )
    body = assert_error(response, 400, "SignatureDoesNotMatch")
    expected = signing.string_to_sign("POST", {**query, **SEED_EVENTS_API})
    prefix = "Specified signature is not matched with our calculation. server string to sign is:"
    assert body["Message"] == prefix + expected


async def test_a_parameter_changed_after_signing_is_rejected(client: httpx.AsyncClient) -> None:
    query = sign_request("POST", common_params(EVENTS), SEED_EVENTS_API)
    tampered = {**SEED_EVENTS_API, "ContactId": "2020927020"}
    response = await client.post("/", params=query, data=tampered)
    assert_error(response, 400, "SignatureDoesNotMatch")


async def test_signature_uses_the_request_method(client: httpx.AsyncClient) -> None:
    query = {**common_params(EVENTS), **SEED_EVENTS_API}
    response = await client.get("/", params=sign_request("POST", query))
    assert_error(response, 400, "SignatureDoesNotMatch")


@pytest.mark.parametrize(
    "stamp",
    ["2025-06-01 09:30:00", "2025-06-01T09:30:00.123Z", "yesterday", "2025-06-01T09:30:00+08:00"],
)
async def test_malformed_timestamp(client: httpx.AsyncClient, stamp: str) -> None:
    query = {**common_params(EVENTS), "Timestamp": stamp}
    response = await client.post(
        "/", params=sign_request("POST", query, SEED_EVENTS_API), data=SEED_EVENTS_API
    )
    assert_error(response, 400, "InvalidTimeStamp.Format")


@pytest.mark.parametrize(("skew", "ok"), [(14, True), (-14, True), (16, False), (-16, False)])
async def test_timestamp_must_be_within_15_minutes(
    client: httpx.AsyncClient, skew: int, ok: bool
) -> None:
    response = await call(client, EVENTS, SEED_EVENTS_API, now=NOW + timedelta(minutes=skew))
    if ok:
        assert response.status_code == 200, response.text
    else:
        assert_error(response, 400, "InvalidTimeStamp.Expired")


async def test_stale_timestamp_follows_the_injected_clock() -> None:
    moments = [NOW]
    app = make_app(clock=lambda: moments[-1])
    async with client_for(app) as c:
        assert (await call(c, EVENTS, SEED_EVENTS_API)).status_code == 200
        moments.append(NOW + timedelta(hours=1))
        assert_error(await call(c, EVENTS, SEED_EVENTS_API), 400, "InvalidTimeStamp.Expired")
        assert (await call(c, EVENTS, SEED_EVENTS_API, now=moments[-1])).status_code == 200


async def test_reused_nonce_is_rejected(client: httpx.AsyncClient) -> None:
    first = await call(client, EVENTS, SEED_EVENTS_API, nonce="same-nonce")
    assert first.status_code == 200
    again = await call(client, RECORDINGS, SEED_RECORDINGS_API, nonce="same-nonce")
    assert_error(again, 400, "SignatureNonceUsed")
    fresh = await call(client, RECORDINGS, SEED_RECORDINGS_API, nonce="another-nonce")
    assert fresh.status_code == 200


async def test_a_rejected_signature_does_not_burn_the_nonce(client: httpx.AsyncClient) -> None:
    bad = await call(client, EVENTS, SEED_EVENTS_API, nonce="n-1", secret="wrong")
    assert_error(bad, 400, "SignatureDoesNotMatch")
    good = await call(client, EVENTS, SEED_EVENTS_API, nonce="n-1")
    assert good.status_code == 200


async def test_nonces_are_forgotten_once_their_window_has_passed() -> None:
    moments = [NOW]
    app = make_app(clock=lambda: moments[-1])
    async with client_for(app) as c:
        assert (await call(c, EVENTS, SEED_EVENTS_API, nonce="n")).status_code == 200
        moments.append(NOW + timedelta(minutes=40))
        later = await call(c, EVENTS, SEED_EVENTS_API, nonce="n", now=moments[-1])
        assert later.status_code == 200


async def test_wrong_version(client: httpx.AsyncClient) -> None:
    response = await call(client, EVENTS, SEED_EVENTS_API, extra={"Version": "2019-01-01"})
    assert_error(response, 400, "InvalidVersion")
    # 2020-07-01 is the 2.0 instance's API, which has no 2017 actions.
    response = await call(client, EVENTS, SEED_EVENTS_API, extra={"Version": "2020-07-01"})
    assert_error(response, 404, "InvalidAction.NotFound")


async def test_unknown_action(client: httpx.AsyncClient) -> None:
    response = await call(client, "GetCallDetailRecord", SEED_EVENTS_API)
    assert_error(response, 404, "InvalidAction.NotFound")


@pytest.mark.parametrize(
    ("action", "api", "code"),
    [
        (EVENTS, {"ContactId": "1096645650"}, "MissingInstanceId"),
        (EVENTS, {"InstanceId": DEMO_INSTANCE_ID}, "MissingContactId"),
        (RECORDINGS, {"InstanceId": DEMO_INSTANCE_ID, "ContactId": "  "}, "MissingContactId"),
        ("DownloadRecording", {"InstanceId": DEMO_INSTANCE_ID}, "MissingFileName"),
        (
            "ListCallDetailRecords",
            {"InstanceId": DEMO_INSTANCE_ID, "PageSize": "10"},
            "MissingPageNumber",
        ),
    ],
)
async def test_missing_api_parameter(
    client: httpx.AsyncClient, action: str, api: dict[str, str], code: str
) -> None:
    assert_error(await call(client, action, api), 400, code)


async def test_unknown_instance(client: httpx.AsyncClient) -> None:
    response = await call(client, EVENTS, {"InstanceId": "no-such", "ContactId": "1096645650"})
    assert_error(response, 404, "NotExist.Instance")


async def test_unsupported_method(client: httpx.AsyncClient) -> None:
    query = common_params(EVENTS)
    response = await client.put(
        "/", params=sign_request("PUT", query, SEED_EVENTS_API), data=SEED_EVENTS_API
    )
    assert_error(response, 405, "UnsupportedHTTPMethod")


async def test_error_body_in_xml_has_the_error_root(client: httpx.AsyncClient) -> None:
    response = await call(client, "Nope", {}, fmt=None)
    assert response.status_code == 404
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Error"
    assert [child.tag for child in root] == ["RequestId", "HostId", "Code", "Message", "Recommend"]
    assert root.findtext("Code") == "InvalidAction.NotFound"


async def test_every_response_has_a_date_and_a_request_id(client: httpx.AsyncClient) -> None:
    for response in (
        await call(client, EVENTS, SEED_EVENTS_API),
        await call(client, "Nope", {}),
        await client.get("/"),
    ):
        assert parsedate_to_datetime(response.headers["date"]) == NOW
        assert response.headers["date"].endswith(" GMT")
        assert len(response.headers["x-acs-request-id"]) == 36


async def test_generated_request_ids_are_unique(client: httpx.AsyncClient) -> None:
    api = {"InstanceId": DEMO_INSTANCE_ID, "ContactId": "2504318862"}
    ids = {(await call(client, EVENTS, api)).json()["RequestId"] for _ in range(5)}
    assert len(ids) == 5


# --- what an unknown contact looks like ---


@pytest.mark.parametrize("contact_id", ["1234567890", "job-109634426711871319", "0", "2504318863"])
async def test_unknown_contact_is_empty_not_an_error(
    client: httpx.AsyncClient, contact_id: str
) -> None:
    api = {"InstanceId": DEMO_INSTANCE_ID, "ContactId": contact_id}
    events = await call(client, EVENTS, api)
    assert events.status_code == 200
    assert events.json()["Data"] == {"Events": {"CallEventDetail": []}}
    recordings = await call(client, RECORDINGS, api)
    assert recordings.json()["Recordings"] == {"Recording": []}
    xml = await call(client, EVENTS, api, fmt="XML")
    assert ElementTree.fromstring(xml.content).find("Data/Events") is not None


async def test_the_second_instance_is_empty(client: httpx.AsyncClient) -> None:
    instances = (await call(client, "ListInstancesOfUser")).json()
    other = instances["Instances"]["CallCenterInstance"][1]["InstanceId"]
    response = await call(client, EVENTS, {"InstanceId": other, "ContactId": "1096645650"})
    assert response.json()["Data"]["Events"]["CallEventDetail"] == []


async def test_the_app_serves_lifespan_and_ignores_websockets() -> None:
    app = make_app(faults=Faults())
    sent: list[dict[str, Any]] = []
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: Any) -> None:
        sent.append(dict(message))

    await app({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    await app({"type": "websocket"}, receive, send)
    assert len(sent) == 2


def test_the_emulator_imports_neither_textual_nor_the_client() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ccc_tui.emulator.server, ccc_tui.cli.emulator\n"
        "from ccc_tui.emulator import app, dataset, faults\n"
        "app.create_app(); dataset.Dataset(); faults.Faults\n"
        "bad = [m for m in sys.modules if m.startswith(('textual', 'ccc_tui.api.client',"
        " 'ccc_tui.api.v2017', 'uvicorn', 'starlette'))]\n"
        "print(bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


async def test_head_gets_headers_only(client: httpx.AsyncClient) -> None:
    response = await client.head("/")
    assert response.status_code == 405
    assert response.content == b""
    assert int(response.headers["content-length"]) > 0
