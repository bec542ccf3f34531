"""CccClient against a scripted transport: request shape, retries, limits, errors, downloads."""

from __future__ import annotations

import asyncio
import io
import itertools
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from ccc_tui.api import signing
from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.client import CccClient, RateLimiter, RetryPolicy
from ccc_tui.api.errors import (
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    DnsError,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    RequestTimeoutError,
    ServerError,
    ThrottlingError,
    TlsError,
    TransportError,
)

KEY = AccessKey("test-key-id-1234", Secret("test-secret-value"))
INSTANCE = "inst-1"
OK_EVENTS = {
    "RequestId": "RID-OK",
    "Success": True,
    "Code": "OK",
    "HttpStatusCode": 200,
    "Data": {
        "Caller": "80315543",
        "Callee": "13501215646",
        "CallType": "Outbound",
        "StartTime": "1555492246000",
        "Events": {"CallEventDetail": []},
    },
}


def error_body(code: str, rid: str = "RID-ERR") -> dict[str, Any]:
    return {"RequestId": rid, "HostId": "ccc.test", "Code": code, "Message": f"{code} happened"}


class Script:
    """A transport handler that answers from a list and records every request."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[httpx.Request], Any]):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            result = answer(request)
            if asyncio.iscoroutine(result):
                result = await result
            return result
        return answer


def ok(body: dict[str, Any] = OK_EVENTS, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


def fail(status: int, code: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=error_body(code), headers=headers)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_client(script: Script, sleeps: Sleeps | None = None, **kw: Any) -> CccClient:
    return CccClient(
        kw.pop("credentials", KEY),
        endpoint="https://ccc.cn-shanghai.aliyuncs.com",
        instance_id=INSTANCE,
        transport=httpx.MockTransport(script),
        sleep=sleeps or Sleeps(),
        **kw,
    )


def all_params(request: httpx.Request) -> tuple[dict[str, str], dict[str, str]]:
    query = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
    body = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
    return query, body


async def test_request_shape_is_signed_post_with_body_params() -> None:
    script = Script(ok())
    async with make_client(script) as client:
        call = await client.get_call_events("1096645650")
    assert call.contact_id == "1096645650"
    (request,) = script.requests
    assert request.method == "POST"
    assert request.url.path == "/"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    query, body = all_params(request)
    assert body == {"InstanceId": INSTANCE, "ContactId": "1096645650"}
    assert query["Action"] == "ListCallEventDetailByContactId"
    assert query["Version"] == "2017-07-05"
    assert query["Format"] == "JSON"
    assert query["AccessKeyId"] == KEY.key_id
    assert query["SignatureMethod"] == "HMAC-SHA1"
    assert query["SignatureVersion"] == "1.0"
    assert "InstanceId" not in query
    signature = query.pop("Signature")
    assert signing.verify("POST", {**query, **body}, "test-secret-value", signature)


async def test_sts_token_is_signed_and_kept_out_of_the_url() -> None:
    sts_key = AccessKey("STS.key-id-5678", Secret("sts-secret"), Secret("CAIS-token-xyz"))
    script = Script(ok())
    async with make_client(script, credentials=sts_key) as client:
        await client.get_call_events("1")
    query, body = all_params(script.requests[0])
    assert body["SecurityToken"] == "CAIS-token-xyz"
    assert "CAIS-token-xyz" not in str(script.requests[0].url)
    assert "CAIS-token-xyz" not in repr(script.requests[0])
    signature = query.pop("Signature")
    assert signing.verify("POST", {**query, **body}, "sts-secret", signature)


async def test_fresh_nonce_and_timestamp_on_every_attempt() -> None:
    moments = iter(datetime(2024, 1, 2, 3, 4, s, tzinfo=UTC) for s in range(10))
    script = Script(fail(503, "ServiceUnavailable"), fail(503, "ServiceUnavailable"), ok())
    async with make_client(script, clock=lambda: next(moments)) as client:
        await client.get_call_events("1")
    queries = [all_params(r)[0] for r in script.requests]
    assert len(queries) == 3
    assert len({q["SignatureNonce"] for q in queries}) == 3
    assert len({q["Timestamp"] for q in queries}) == 3
    assert len({q["Signature"] for q in queries}) == 3


@pytest.mark.parametrize(
    ("status", "code", "error_type"),
    [
        (400, "Throttling", ThrottlingError),
        (400, "Throttling.User", ThrottlingError),
        (400, "Throttling.Api", ThrottlingError),
        (503, "ServiceUnavailable", ServerError),
        (500, "InternalError", ServerError),
    ],
)
async def test_retryable_codes_are_retried_then_succeed(
    status: int, code: str, error_type: type[Exception]
) -> None:
    script = Script(fail(status, code), ok())
    sleeps = Sleeps()
    async with make_client(script, sleeps) as client:
        call = await client.get_call_events("1")
    assert call.caller == "80315543"
    assert len(script.requests) == 2
    assert len(sleeps.calls) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_gateway_html_pages_are_retried(status: int) -> None:
    page = httpx.Response(status, text="<html><body>Bad Gateway</body></html>")
    script = Script(page, page, page)
    async with make_client(script) as client:
        with pytest.raises(ServerError) as info:
            await client.get_call_events("1")
    assert len(script.requests) == 3
    assert info.value.http_status == status
    assert info.value.hint


async def test_at_most_three_attempts_then_the_last_error() -> None:
    script = Script(fail(400, "Throttling.User"))
    sleeps = Sleeps()
    async with make_client(script, sleeps) as client:
        with pytest.raises(ThrottlingError) as info:
            await client.get_call_events("1")
    assert len(script.requests) == 3
    assert len(sleeps.calls) == 2
    assert info.value.request_id == "RID-ERR"


@pytest.mark.parametrize(
    ("status", "code", "error_type"),
    [
        (400, "SignatureDoesNotMatch", AuthenticationError),
        (404, "InvalidAccessKeyId.NotFound", AuthenticationError),
        (400, "InvalidParameter", InvalidRequestError),
        (400, "SignatureNonceUsed", InvalidRequestError),
        (404, "NotExist.Record", NotFoundError),
    ],
)
async def test_other_errors_fail_fast(status: int, code: str, error_type: type[Exception]) -> None:
    script = Script(fail(status, code))
    sleeps = Sleeps()
    async with make_client(script, sleeps) as client:
        with pytest.raises(error_type) as info:
            await client.get_call_events("1")
    assert len(script.requests) == 1
    assert sleeps.calls == []
    assert info.value.code == code  # type: ignore[attr-defined]
    assert info.value.hint  # type: ignore[attr-defined]


async def test_signature_mismatch_hint_points_at_the_secret() -> None:
    script = Script(fail(400, "SignatureDoesNotMatch"))
    async with make_client(script) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.list_instances()
    assert "secret" in info.value.hint.lower()
    assert info.value.exit_code == 3


async def test_retry_after_header_is_milliseconds_and_capped() -> None:
    script = Script(
        fail(400, "Throttling", **{"x-acs-retry-after": "1500"}),
        fail(400, "Throttling", **{"x-acs-retry-after": "600000"}),
        ok(),
    )
    sleeps = Sleeps()
    policy = RetryPolicy(max_retry_after=5.0)
    async with make_client(script, sleeps, retry=policy) as client:
        await client.get_call_events("1")
    assert sleeps.calls == [1.5, 5.0]


async def test_backoff_is_jittered_exponential_within_bounds() -> None:
    script = Script(fail(503, "ServiceUnavailable"))
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=3, base_delay=0.2, max_delay=10)
    async with make_client(script, sleeps, retry=policy) as client:
        with pytest.raises(ServerError):
            await client.get_call_events("1")
    first, second = sleeps.calls
    assert 0.1 <= first <= 0.2
    assert 0.2 <= second <= 0.4


async def test_backoff_never_exceeds_max_delay() -> None:
    # Ceilings 1, 2, 4, 8 s uncapped; max_delay holds every wait at or under 1.5 s.
    script = Script(fail(503, "ServiceUnavailable"))
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=1.5)
    async with make_client(script, sleeps, retry=policy) as client:
        with pytest.raises(ServerError):
            await client.get_call_events("1")
    first, *capped = sleeps.calls
    assert 0.5 <= first <= 1.0
    assert len(capped) == 3
    assert all(0.75 <= delay <= 1.5 for delay in capped), capped


def _connect_error(message: str, cause: BaseException | None = None) -> httpx.ConnectError:
    exc = httpx.ConnectError(message)
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("exc", "error_type", "attempts"),
    [
        (httpx.ConnectTimeout("timed out"), RequestTimeoutError, 3),
        (httpx.ReadTimeout("timed out"), RequestTimeoutError, 3),
        (_connect_error("[Errno -2] Name or service not known"), DnsError, 3),
        (_connect_error("[Errno 111] Connection refused"), ConnectError, 3),
        (
            _connect_error(
                "handshake failed", ssl.SSLCertVerificationError("CERTIFICATE_VERIFY_FAILED")
            ),
            TlsError,
            1,
        ),
        (httpx.RemoteProtocolError("peer closed connection"), TransportError, 3),
    ],
)
async def test_transport_failures_get_clear_types(
    exc: Exception, error_type: type[Exception], attempts: int
) -> None:
    script = Script(exc)
    async with make_client(script) as client:
        with pytest.raises(error_type) as info:
            await client.get_call_events("1")
    assert len(script.requests) == attempts
    assert type(info.value) is error_type
    assert "ccc.cn-shanghai.aliyuncs.com" in str(info.value)


@pytest.mark.parametrize(
    "content",
    [b'{"RequestId": "x", "Data": {"Caller"', b"<html>proxy</html>", b"", b"<Error/>", b"[1, 2]"],
)
async def test_malformed_200_bodies_are_ccc_errors_not_crashes(content: bytes) -> None:
    script = Script(httpx.Response(200, content=content, headers={"x-acs-request-id": "RID-H"}))
    async with make_client(script) as client:
        with pytest.raises(MalformedResponseError) as info:
            await client.get_call_events("1")
    assert info.value.request_id == "RID-H"
    assert len(script.requests) == 1


async def test_success_false_in_a_200_is_an_error() -> None:
    body = {**error_body("InvalidParameter"), "Success": False, "HttpStatusCode": 400}
    script = Script(httpx.Response(200, json=body))
    async with make_client(script) as client:
        with pytest.raises(InvalidRequestError):
            await client.get_call_events("1")


async def test_missing_instance_id_is_a_configuration_error() -> None:
    script = Script(ok())
    client = CccClient(KEY, endpoint="https://x.example", transport=httpx.MockTransport(script))
    async with client:
        with pytest.raises(ConfigurationError) as info:
            await client.get_call_events("1")
    assert info.value.exit_code == 3
    assert script.requests == []


async def test_concurrency_limit_is_shared_by_all_callers() -> None:
    in_flight = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return ok()

    script = Script(slow)
    async with make_client(script, max_concurrency=3) as client:
        await asyncio.gather(*(client.get_call_events(str(i)) for i in range(12)))
    assert len(script.requests) == 12
    assert peak == 3


async def test_get_call_requests_events_and_recordings_concurrently() -> None:
    in_flight = 0
    peak = 0
    recordings = {"RequestId": "R", "Success": True, "Code": "OK", "Recordings": {"Recording": []}}

    async def answer(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        action = dict(parse_qsl(request.url.query.decode()))["Action"]
        return ok(OK_EVENTS if action == "ListCallEventDetailByContactId" else recordings)

    script = Script(answer)
    async with make_client(script) as client:
        call = await client.get_call("1096645650")
    assert peak == 2
    assert call.recordings == ()
    assert call.caller == "80315543"


async def test_rate_limiter_spaces_request_starts() -> None:
    starts: list[float] = []

    def stamp(request: httpx.Request) -> httpx.Response:
        starts.append(time.monotonic())
        return ok()

    async with make_client(Script(stamp), rate_limit=50.0) as client:
        await asyncio.gather(*(client.get_call_events(str(i)) for i in range(5)))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.015 for gap in gaps), gaps
    assert starts[-1] - starts[0] >= 0.075


def test_rate_limiter_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)


async def test_server_date_header_is_remembered() -> None:
    script = Script(ok(**{"date": "Tue, 02 Jan 2024 03:04:05 GMT"}))
    async with make_client(script) as client:
        await client.get_call_events("1")
    assert client.last_server_date == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


async def test_download_url_quotes_are_stripped() -> None:
    body = {
        "RequestId": "R",
        "Success": True,
        "Code": "OK",
        "MediaDownloadParam": {
            "FileName": "a.wav",
            "SignatureUrl": '"https://oss.example/a.wav?x=1"',
        },
    }
    async with make_client(Script(ok(body))) as client:
        link = await client.get_download_link("a.wav")
    assert link.url == "https://oss.example/a.wav?x=1"


async def test_download_streams_into_the_sink_with_progress() -> None:
    payload = b"RIFF" + bytes(200_000)
    script = Script(
        httpx.Response(200, content=payload, headers={"content-length": str(len(payload))})
    )
    seen: list[tuple[int, int | None]] = []
    sink = io.BytesIO()
    async with make_client(script) as client:
        written = await client.stream_download(
            "https://oss.example/call.wav", sink, progress=lambda d, t: seen.append((d, t))
        )
    assert written == len(payload) and sink.getvalue() == payload
    assert seen[0] == (0, len(payload))
    assert seen[-1] == (len(payload), len(payload))


async def test_refused_download_is_a_not_found_error_and_writes_nothing() -> None:
    sink = io.BytesIO()
    async with make_client(Script(httpx.Response(403, text="<Error>expired</Error>"))) as client:
        with pytest.raises(NotFoundError) as info:
            await client.stream_download("https://oss.example/call.wav", sink)
    assert info.value.http_status == 403
    assert sink.getvalue() == b""


async def test_interrupted_download_is_a_transport_error() -> None:
    async with make_client(Script(httpx.ReadError("connection reset"))) as client:
        with pytest.raises(TransportError):
            await client.stream_download("https://oss.example/call.wav", io.BytesIO())


async def test_secret_never_appears_in_requests_or_errors() -> None:
    script = Script(fail(400, "SignatureDoesNotMatch"))
    async with make_client(script) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.get_call_events("1")
        assert "test-secret-value" not in repr(client.__dict__)
    request = script.requests[0]
    assert b"test-secret-value" not in request.content
    assert "test-secret-value" not in str(request.url)
    assert "test-secret-value" not in f"{info.value!r} {info.value}"
    # Scrubbing the secret keeps what support needs: the server's code, message and request id.
    error = info.value
    assert (error.code, error.message) == (
        "SignatureDoesNotMatch",
        "SignatureDoesNotMatch happened",
    )
    assert (error.request_id, error.host_id, error.http_status) == ("RID-ERR", "ccc.test", 400)


async def test_string_to_sign_and_key_id_are_scrubbed_from_server_messages() -> None:
    sts_key = AccessKey("STS.key-id-5678", Secret("sts-secret"), Secret("CAIS-token-xyz"))
    message = (
        "Specified signature is not matched with our calculation. server string to sign is:"
        "POST&%2F&AccessKeyId%3DSTS.key-id-5678%26SecurityToken%3DCAIS-token-xyz"
    )
    body = {"RequestId": "R", "Code": "SignatureDoesNotMatch", "Message": message}
    async with make_client(Script(httpx.Response(400, json=body)), credentials=sts_key) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.get_call_events("1")
    shown = f"{info.value} {info.value!r} {info.value.message}"
    assert "CAIS-token-xyz" not in shown
    assert "STS.key-id-5678" not in shown
    assert info.value.message == "Specified signature is not matched with our calculation"


async def test_key_id_in_other_messages_is_masked() -> None:
    body = {
        "RequestId": "R",
        "Code": "InvalidAccessKeyId.NotFound",
        "Message": "Specified access key test-key-id-1234 is not found.",
    }
    async with make_client(Script(httpx.Response(404, json=body))) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.get_call_events("1")
    assert info.value.message == "Specified access key ****1234 is not found."


@pytest.mark.parametrize(
    ("endpoint", "ok"),
    [
        ("https://ccc.cn-shanghai.aliyuncs.com", True),
        ("http://127.0.0.1:8931", True),
        ("http://localhost:8931/", True),
        ("http://[::1]:8931", True),
        ("http://ccc.cn-shanghai.aliyuncs.com", False),
        ("http://10.0.0.5:8931", False),
        ("ftp://ccc.example", False),
    ],
)
def test_client_refuses_plain_http_except_to_loopback(endpoint: str, ok: bool) -> None:
    if ok:
        assert CccClient(KEY, endpoint=endpoint).endpoint == endpoint.rstrip("/")
    else:
        with pytest.raises(ConfigurationError):
            CccClient(KEY, endpoint=endpoint)
