"""A local CCC 2017-07-05 as a plain ASGI 3 app (no framework: it must stay cheap to import).

It speaks the real protocol: RPC parameters in the query and/or an x-www-form-urlencoded body,
signature V1 verified over both, the real error codes and bodies, JSON or XML (XML when `Format`
is absent, like the service). Recordings are served from `/oss/<instance>/<file>` behind URLs that
carry an HMAC of their own and expire, like pre-signed object-storage URLs.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from ccc_tui.api import signing
from ccc_tui.emulator import v2020
from ccc_tui.emulator.audio import wav_bytes
from ccc_tui.emulator.bodies import RawList, to_json, to_xml
from ccc_tui.emulator.builder import CallSummary
from ccc_tui.emulator.constants import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
    DEMO_INSTANCE_ID_2020,
)
from ccc_tui.emulator.dataset import CST, DAY_MS, Dataset
from ccc_tui.emulator.faults import Decision, Faults
from ccc_tui.emulator.ids import job_id
from ccc_tui.emulator.ivrtrack import IvrStep, node_2017
from ccc_tui.emulator.protocol import (
    OSS_ACCESS_KEY_ID,
    TIMESTAMP_TOLERANCE,
    ApiError,
    Request,
    registrar,
)
from ccc_tui.emulator.protocol import Nonces as _Nonces
from ccc_tui.emulator.protocol import base_url as _base_url
from ccc_tui.emulator.protocol import header as _header
from ccc_tui.emulator.protocol import host_of as _host
from ccc_tui.emulator.protocol import invalid as _invalid
from ccc_tui.emulator.protocol import missing as _missing
from ccc_tui.emulator.seeds import (
    SEED_EVENTS_CONTACT_ID,
    SEED_EVENTS_REQUEST_ID,
    SEED_RECORDING_CONTACT_ID,
    SEED_RECORDINGS_REQUEST_ID,
)

API_VERSION = "2017-07-05"
MAX_WINDOW_MS = 7 * DAY_MS  # ListCallDetailRecords: StartTime to StopTime
MAX_PAGE_SIZE = 100
MAX_BODY_BYTES = 1 << 20
URL_VALIDITY_S = 3600

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Clock = Callable[[], datetime]

_COMMON_REQUIRED = (
    "Action",
    "Version",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
)

_PROXY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n"
    b"<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
)


Handler = Callable[["EmulatorApp", Request], dict[str, Any]]
ACTIONS: dict[str, Handler] = {}


_action = registrar(ACTIONS)


class EmulatorApp:
    """The ASGI app. `dataset`, `faults` and `clock` may be changed while it serves."""

    def __init__(
        self,
        *,
        dataset: Dataset | None = None,
        faults: Faults | None = None,
        clock: Clock | None = None,
        key_pairs: Mapping[str, str] | None = None,
        request_ids: Callable[[], str] | None = None,
    ) -> None:
        self._dataset = dataset
        # Injectable so that screens showing a request id can be snapshot-tested.
        self.new_request_id: Callable[[], str] = request_ids or (lambda: str(uuid.uuid4()).upper())
        self.faults = faults if faults is not None else Faults()
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.key_pairs = dict(key_pairs or {DEMO_ACCESS_KEY_ID: DEMO_ACCESS_KEY_SECRET})
        self._nonces = _Nonces()
        self._oss_secret = f"oss-{id(self):x}-{uuid.uuid4()}".encode()

    @property
    def dataset(self) -> Dataset:
        # Built on first use, so constructing the app costs nothing.
        if self._dataset is None:
            self._dataset = Dataset()
        return self._dataset

    @dataset.setter
    def dataset(self, value: Dataset) -> None:
        self._dataset = value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await _lifespan(receive, send)
            return
        if kind != "http":
            return
        path = scope.get("path", "/")
        if path.startswith("/oss/"):
            await self._oss(scope, send)
            return
        await self._api(scope, receive, send)

    # --- the RPC API ---

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"].upper()
        request_id = self.new_request_id()
        decision = self.faults.decide()
        if decision.latency_s:
            await asyncio.sleep(decision.latency_s)
        if decision.html:
            await self._send(send, 502, _PROXY_PAGE, "text/html", request_id, head=False)
            return
        try:
            body = await _read_body(receive)
        except BodyTooLargeError as exc:
            # Answered in the format asked for, as far as the query and the body's start say.
            wanted = _params(scope, exc.head).get("Format", "")
            await self._send_error(
                send,
                scope,
                exc,
                request_id,
                json_format=wanted.strip().upper() == "JSON",
                head=method == "HEAD",
            )
            return
        params = _params(scope, body)
        if v2020.is_2020(params, _header(scope, b"x-acs-version")):
            # The demo's CCC 2.0 instance: its own protocol module.
            await v2020.handle(
                self,
                scope,
                send,
                method=method,
                params=params,
                body=body,
                request_id=request_id,
                decision=decision,
            )
            return
        json_format = params.get("Format", "").strip().upper() == "JSON"
        try:
            if method not in ("GET", "POST"):
                raise ApiError(
                    405,
                    "UnsupportedHTTPMethod",
                    f"The HTTP method {method} is not supported; use POST or GET.",
                    {"allow": "GET, POST"},
                )
            action, now = self._authenticate(method, params, _header(scope, b"authorization"))
            self._service_faults(decision, action)
            request = Request(params, _base_url(scope), now)
            payload = ACTIONS[action](self, request)
        except ApiError as exc:
            await self._send_error(
                send, scope, exc, request_id, json_format=json_format, head=method == "HEAD"
            )
            return
        request_id = payload.pop("RequestId", None) or request_id
        ordered = _envelope(action, payload, request_id)
        data = to_json(ordered) if json_format else to_xml(f"{action}Response", ordered)
        if decision.truncate_at is not None and len(data) > 1:
            data = data[: max(1, min(len(data) - 1, int(len(data) * decision.truncate_at)))]
        content_type = "application/json;charset=utf-8" if json_format else "text/xml;charset=utf-8"
        await self._send(send, 200, data, content_type, request_id, head=False)

    def _authenticate(
        self,
        method: str,
        params: Mapping[str, str],
        authorization: str,
        *,
        version: str = API_VERSION,
        actions: Mapping[str, object] = ACTIONS,
    ) -> tuple[str, datetime]:
        """(action, now) of a request signed with V1 for `version`, whose actions are `actions`."""
        if authorization.startswith("ACS3-") and not params.get("Signature"):
            # The V3 scheme (headers, SHA-256) is what newer SDKs send by default.
            raise ApiError(
                400,
                "IncompleteSignature",
                "This endpoint verifies signature V1 (HMAC-SHA1 "
                "over the query) only; the request carried an ACS3 Authorization header. With "
                "alibabacloud-tea-openapi set Config.signature_algorithm='v2'.",
            )
        for name in _COMMON_REQUIRED[:2]:
            if not params.get(name):
                raise _missing(name)
        if params["Version"] != version:
            raise ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.")
        action = params["Action"]
        if action not in actions:
            raise ApiError(
                404,
                "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method.",
            )
        if not params.get("Signature"):
            raise ApiError(
                400,
                "IncompleteSignature",
                "The request signature does not conform to Aliyun "
                "standards. The Signature parameter is missing.",
            )
        for name in _COMMON_REQUIRED[2:]:
            if not params.get(name):
                raise _missing(name)
        if params["SignatureMethod"] != signing.SIGNATURE_METHOD or (
            params["SignatureVersion"] != signing.SIGNATURE_VERSION
        ):
            raise ApiError(
                400,
                "IncompleteSignature",
                "The request signature does not conform to Aliyun "
                "standards: use SignatureMethod HMAC-SHA1 and SignatureVersion 1.0.",
            )
        try:
            stamp = signing.parse_timestamp(params["Timestamp"])
        except ValueError:
            raise ApiError(
                400,
                "InvalidTimeStamp.Format",
                "Specified time stamp or date value is not well formatted.",
            ) from None
        key_id = params["AccessKeyId"]
        secret = self.key_pairs.get(key_id)
        if secret is None:
            raise ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if not signing.verify(method, params, secret, params["Signature"]):
            raise ApiError(
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. server string to sign "
                f"is:{signing.string_to_sign(method, params)}",
            )
        now = self.clock()
        if abs(now - stamp) > TIMESTAMP_TOLERANCE:
            raise ApiError(
                400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
            )
        if self._nonces.used(
            (key_id, params["SignatureNonce"]), now.timestamp(), stamp.timestamp()
        ):
            raise ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        return action, now

    def _service_faults(self, decision: Decision, action: str) -> None:
        if decision.throttle:
            headers = {}
            if self.faults.retry_after_ms is not None:
                headers["x-acs-retry-after"] = str(self.faults.retry_after_ms)
            raise ApiError(
                400, "Throttling.User", "Request was denied due to user flow control.", headers
            )
        status = self.faults.server_error_status(action) if decision.server_error else 0
        if status == 503:
            raise ApiError(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
            )
        if status:
            raise ApiError(
                500,
                "InternalError",
                "The request processing has failed due to some "
                "unknown error, exception or failure.",
            )

    async def _send_error(
        self,
        send: Send,
        scope: Scope,
        exc: ApiError,
        request_id: str,
        *,
        json_format: bool,
        head: bool = False,
    ) -> None:
        body = {
            "RequestId": request_id,
            "HostId": _host(scope),
            "Code": exc.code,
            "Message": exc.message,
            "Recommend": f"https://api.aliyun.com/troubleshoot?q={quote(exc.code)}&product=CCC",
        }
        if json_format:
            data, content_type = to_json(body), "application/json;charset=utf-8"
        else:
            data, content_type = to_xml("Error", body), "text/xml;charset=utf-8"
        await self._send(
            send, exc.status, data, content_type, request_id, head=head, extra=exc.headers
        )

    async def _send(
        self,
        send: Send,
        status: int,
        data: bytes,
        content_type: str,
        request_id: str,
        *,
        head: bool,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        headers = [
            (b"content-type", content_type.encode()),
            (b"content-length", str(len(data)).encode()),
            (b"date", format_datetime(self.clock().astimezone(UTC), usegmt=True).encode()),
            (b"x-acs-request-id", request_id.encode()),
        ]
        headers += [(k.lower().encode(), v.encode("latin-1")) for k, v in (extra or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else data})

    # --- pre-signed recording URLs ---

    def _oss_signature(self, instance_id: str, file_name: str, expires: int) -> str:
        message = f"GET\n\n\n{expires}\n/{instance_id}/{file_name}".encode("utf-8", "surrogatepass")
        return base64.b64encode(hmac.new(self._oss_secret, message, hashlib.sha1).digest()).decode()

    def signed_url(
        self,
        base_url: str,
        instance_id: str,
        file_name: str,
        now: datetime,
        validity_s: int = URL_VALIDITY_S,
    ) -> str:
        expires = int(now.timestamp()) + validity_s
        signature = self._oss_signature(instance_id, file_name, expires)
        return (
            f"{base_url}/oss/{quote(instance_id, safe='')}/{quote(file_name, safe='')}"
            f"?Expires={expires}&OSSAccessKeyId={OSS_ACCESS_KEY_ID}"
            f"&Signature={quote(signature, safe='')}"
        )

    async def _oss(self, scope: Scope, send: Send) -> None:
        request_id = self.new_request_id().replace("-", "")[:24]
        method = scope["method"].upper()
        head = method == "HEAD"
        latency = self.faults.latency_ms / 1000
        if latency:
            await asyncio.sleep(latency)
        if method not in ("GET", "HEAD"):
            await self._oss_error(
                send,
                405,
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
                request_id,
                head,
            )
            return
        # The raw path keeps an encoded "/" inside a file name from splitting it.
        raw = scope.get("raw_path") or quote(scope["path"]).encode()
        parts = raw.split(b"?", 1)[0].split(b"/")
        if len(parts) != 4 or not parts[2] or not parts[3]:
            await self._oss_error(
                send, 404, "NoSuchKey", "The specified key does not exist.", request_id, head
            )
            return
        instance_id = unquote(parts[2].decode("latin-1"))
        file_name = unquote(parts[3].decode("latin-1"))
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        expires_text = query.get("Expires", "")
        signature = query.get("Signature", "")
        if not expires_text or not signature or not query.get("OSSAccessKeyId"):
            await self._oss_error(
                send,
                403,
                "AccessDenied",
                "Anonymous access is forbidden for this operation.",
                request_id,
                head,
            )
            return
        expected = self._oss_signature(instance_id, file_name, _to_int(expires_text))
        if query["OSSAccessKeyId"] != OSS_ACCESS_KEY_ID or not hmac.compare_digest(
            expected, signature
        ):
            await self._oss_error(
                send,
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
                request_id,
                head,
            )
            return
        if self.clock().timestamp() > _to_int(expires_text):
            await self._oss_error(
                send, 403, "AccessDenied", "Request has expired.", request_id, head
            )
            return
        # The 2.0 instance's recordings are its 2017 twin's files.
        stored_in = DEMO_INSTANCE_ID if instance_id == DEMO_INSTANCE_ID_2020 else instance_id
        recording = self.dataset.find_recording(stored_in, file_name)
        if recording is None:
            await self._oss_error(
                send, 404, "NoSuchKey", "The specified key does not exist.", request_id, head
            )
            return
        data = wav_bytes(file_name, recording.get("Duration"))
        modified = datetime.fromtimestamp(int(recording.get("StartTime", 0)) / 1000, UTC)
        headers = [
            (b"content-type", b"audio/wav"),
            (b"content-length", str(len(data)).encode()),
            (b"date", format_datetime(self.clock().astimezone(UTC), usegmt=True).encode()),
            (b"last-modified", format_datetime(modified, usegmt=True).encode()),
            (b"etag", f'"{hashlib.md5(data).hexdigest().upper()}"'.encode()),
            (b"x-oss-request-id", request_id.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else data})

    async def _oss_error(
        self, send: Send, status: int, code: str, message: str, request_id: str, head: bool
    ) -> None:
        body = {
            "Code": code,
            "Message": message,
            "RequestId": request_id,
            "HostId": "ccc-record-demo.oss-cn-shanghai.aliyuncs.com",
        }
        data = to_xml("Error", body)
        headers = [
            (b"content-type", b"application/xml"),
            (b"content-length", str(len(data)).encode()),
            (b"date", format_datetime(self.clock().astimezone(UTC), usegmt=True).encode()),
            (b"x-oss-request-id", request_id.encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else data})


def create_app(
    *,
    dataset: Dataset | None = None,
    faults: Faults | None = None,
    clock: Clock | None = None,
    key_pairs: Mapping[str, str] | None = None,
    request_ids: Callable[[], str] | None = None,
) -> EmulatorApp:
    """The emulator as an ASGI 3 callable (for httpx.ASGITransport or uvicorn)."""
    return EmulatorApp(
        dataset=dataset, faults=faults, clock=clock, key_pairs=key_pairs, request_ids=request_ids
    )


# --- plumbing ---


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


_BODY_HEAD_BYTES = 64 * 1024  # of a refused body: enough to find its Format parameter


class BodyTooLargeError(ApiError):
    """A 413, carrying the start of the body (to answer in the format it asks for)."""

    def __init__(self, head: bytes) -> None:
        super().__init__(413, "RequestEntityTooLarge", "The request body is too large.")
        self.head = head


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLargeError(b"".join(chunks)[:_BODY_HEAD_BYTES] or chunk[:_BODY_HEAD_BYTES])
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _params(scope: Scope, body: bytes) -> dict[str, str]:
    """Query and form body merged (the body wins a clash): the signature covers both."""
    query = scope.get("query_string", b"").decode("utf-8", "replace")
    params = dict(parse_qsl(query, keep_blank_values=True))
    content_type = _header(scope, b"content-type").split(";")[0].strip().lower()
    if body and content_type in ("", "application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def _to_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return -1


def _envelope(action: str, payload: dict[str, Any], request_id: str) -> dict[str, Any]:
    """The success body in the service's key order (the recordings seed leads with the status)."""
    tail = {"RequestId": request_id, "Success": True, "Code": "OK"}
    if action == "ListRecordingsByContactId":
        return {"HttpStatusCode": 200, **payload, **tail}
    return {**payload, "HttpStatusCode": 200, **tail}


def _instance(app: EmulatorApp, request: Request) -> str:
    instance_id = request.required("InstanceId")
    if not app.dataset.has_instance(instance_id):
        raise ApiError(404, "NotExist.Instance", f"The instance {instance_id} does not exist.")
    return instance_id


def _page(request: Request, *, default_size: int | None = None) -> tuple[int, int]:
    required = default_size is None
    number = request.integer("PageNumber", required=required)
    size = request.integer("PageSize", required=required)
    number = 1 if number is None else number
    size = default_size if size is None else size
    if number < 1:
        raise _invalid("PageNumber", "it starts at 1")
    if size is None or not 1 <= size <= MAX_PAGE_SIZE:
        raise _invalid("PageSize", f"it must be between 1 and {MAX_PAGE_SIZE}")
    return number, size


# --- the actions ---


@_action("ListCallEventDetailByContactId")
def _events(app: EmulatorApp, request: Request) -> dict[str, Any]:
    instance_id = _instance(app, request)
    contact_id = request.required("ContactId")
    payload: dict[str, Any] = {"Data": app.dataset.call_data(instance_id, contact_id)}
    if contact_id == SEED_EVENTS_CONTACT_ID and instance_id == DEMO_INSTANCE_ID:
        payload["RequestId"] = SEED_EVENTS_REQUEST_ID
    return payload


@_action("ListRecordingsByContactId")
def _recordings(app: EmulatorApp, request: Request) -> dict[str, Any]:
    instance_id = _instance(app, request)
    contact_id = request.required("ContactId")
    payload: dict[str, Any] = {
        "Recordings": {"Recording": app.dataset.recordings(instance_id, contact_id)}
    }
    if contact_id == SEED_RECORDING_CONTACT_ID and instance_id == DEMO_INSTANCE_ID:
        payload["RequestId"] = SEED_RECORDINGS_REQUEST_ID
    return payload


@_action("DownloadRecording")
def _download(app: EmulatorApp, request: Request) -> dict[str, Any]:
    instance_id = _instance(app, request)
    file_name = request.params.get("FileName", "")
    if not file_name.strip():
        raise _missing("FileName")
    if instance_id != DEMO_INSTANCE_ID:
        raise ApiError(
            404, "OssNotOpen", "Recording storage (OSS) is not enabled for this instance."
        )
    if app.dataset.find_recording(instance_id, file_name) is None:
        raise ApiError(404, "NotExist.Record", f"The recording {file_name} does not exist.")
    url = app.signed_url(request.base_url, instance_id, file_name, request.now)
    # The service wraps the URL in an extra pair of double quotes; its docs tell clients to strip.
    return {"MediaDownloadParam": {"FileName": file_name, "SignatureUrl": f'"{url}"'}}


def _window(request: Request) -> tuple[int, int]:
    now_ms = int(request.now.timestamp() * 1000)
    midnight = request.now.astimezone(CST).replace(hour=0, minute=0, second=0, microsecond=0)
    start = request.integer("StartTime")
    stop = request.integer("StopTime")
    start = int(midnight.timestamp() * 1000) if start is None else start
    stop = now_ms if stop is None else stop
    if start > stop:
        raise ApiError(400, "InvalidTimeRange", "StartTime must not be later than StopTime.")
    if stop - start > MAX_WINDOW_MS:
        raise ApiError(
            400,
            "InvalidTimeRange",
            "The time range from StartTime to StopTime must not exceed 7 days.",
        )
    return start, stop


def _choices(request: Request, name: str) -> frozenset[str]:
    return frozenset(p.strip().casefold() for p in request.get(name).split(",") if p.strip())


@_action("ListCallDetailRecords")
def _call_detail_records(app: EmulatorApp, request: Request) -> dict[str, Any]:
    instance_id = _instance(app, request)
    number, size = _page(request)
    order = request.get("OrderBy").upper() or "ASC"
    if order not in ("ASC", "DESC"):
        raise _invalid("OrderBy")
    with_recordings = request.get("WithRecording").lower() != "false"
    contact_id = request.get("ContactId")
    dataset = app.dataset
    matches: tuple[CallSummary, ...] = ()
    if contact_id:
        # One call by id: the other filters do not apply (as the newer API documents).
        found = dataset.summary(contact_id) if instance_id == DEMO_INSTANCE_ID else None
        matches = (found,) if found else ()
    else:
        start, stop = _window(request)
        if instance_id == DEMO_INSTANCE_ID:
            matches = dataset.matching(
                start,
                stop,
                descending=order == "DESC",
                contact_types=_choices(request, "ContactType"),
                dispositions=_choices(request, "ContactDisposition"),
                # The call centre's own number, not the customer's: that one is Criteria's.
                center_number=request.get("PhoneNumber"),
                criteria=request.get("Criteria"),
            )
    page = matches[(number - 1) * size : number * size]
    listed: list[Any]
    if request.get("Format").upper() == "JSON":
        # Each row serialised once, whichever page and query list it again.
        listed = RawList(dataset.cdr_row_json(row, with_recordings=with_recordings) for row in page)
    else:
        listed = [dataset.cdr_row(row, with_recordings=with_recordings) for row in page]
    return {
        "CallDetailRecords": {
            # Filled on page 1 only, as the service does to keep queries cheap.
            "TotalCount": len(matches) if number == 1 else 0,
            "PageNumber": number,
            "PageSize": size,
            "List": {"CallDetailRecord": listed},
        }
    }


@_action("ListInstancesOfUser")
def _instances(app: EmulatorApp, request: Request) -> dict[str, Any]:
    return {"Instances": {"CallCenterInstance": app.dataset.instances()}}


@_action("GetInstance")
def _get_instance(app: EmulatorApp, request: Request) -> dict[str, Any]:
    return {"Instance": app.dataset.instance(_instance(app, request))}


@_action("ListSkillGroups")
def _skill_groups(app: EmulatorApp, request: Request) -> dict[str, Any]:
    return {"SkillGroups": {"SkillGroup": app.dataset.skill_groups(_instance(app, request))}}


@_action("ListUsers")
def _users(app: EmulatorApp, request: Request) -> dict[str, Any]:
    instance_id = _instance(app, request)
    number, size = _page(request)
    users = app.dataset.users(instance_id)
    return {
        "Users": {
            "TotalCount": len(users),
            "PageNumber": number,
            "PageSize": size,
            "List": {"User": users[(number - 1) * size : number * size]},
        }
    }


@_action("ListIvrTrackingDetail")
def _ivr_tracking(app: EmulatorApp, request: Request) -> dict[str, Any]:
    """The IVR nodes of one call (the same track as the 2.0 twin's); without a ContactId the
    emulator lists none."""
    instance_id = _instance(app, request)
    number, size = _page(request)
    contact_id = request.get("ContactId")
    steps: tuple[IvrStep, ...] = ()
    if contact_id and instance_id == DEMO_INSTANCE_ID and contact_id in app.dataset:
        call = v2020.dataset_for(app).call(job_id(contact_id))
        steps = call.ivr if call is not None else ()
    page = steps[(number - 1) * size : number * size]
    return {
        "IvrTrackingDetails": {
            "TotalCount": len(steps),
            "PageNumber": number,
            "PageSize": size,
            "List": {
                "IvrTrackingDetail": [
                    node_2017(step._replace(contact_id=contact_id), instance_id) for step in page
                ]
            },
        }
    }
