"""The demo's CCC 2.0 instance: the 2020-07-01 protocol, its verification and its operations.

`app.EmulatorApp` hands every request for `Version=2020-07-01` (a query parameter with signature
V1, the `x-acs-version` header with V3) to `handle`. What differs from 2017-07-05:

- Signature V3 (`Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`, what
  the official 2.0 SDK sends by default) is verified over the method, path, URL query, the signed
  headers (which must include `host` and every `x-acs-*` header) and `x-acs-content-sha256`, which
  must be the SHA-256 of the body. `x-acs-date` must be within 15 minutes, `x-acs-signature-nonce`
  unused. V1 is verified as for 2017. Gateway errors (signature, time, nonce, action) keep the
  gateway's body and codes (`IncompleteSignature`, `SignatureDoesNotMatch`,
  `InvalidTimeStamp.Expired`, `SignatureNonceUsed`, `InvalidAccessKeyId.NotFound`, …).
- JSON always. Success is `{RequestId, HttpStatusCode: 200, Code: "OK", Message, Data}` with plain
  arrays and no `Success`; the service's own errors use the same envelope with 2.0 codes
  (`NotExists.InstanceId`, `NotExists.ContactId`, `Parameter.Invalid`, …) and their status.
- List filters are JSON-array strings (`ContactTypeList=["INBOUND"]`).

The data are `dataset2020.Dataset2020`, over the app's 2017 data set.
"""

from __future__ import annotations

import hmac
import json
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

from ccc_tui.api import signing
from ccc_tui.emulator.bodies import RawList, to_json
from ccc_tui.emulator.constants import CST
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.dataset2020 import (
    CONTACT_TYPES,
    DISPOSITIONS,
    Call2020,
    Dataset2020,
    agent_ids,
    group_ids,
)
from ccc_tui.emulator.ivrtrack import node_2020
from ccc_tui.emulator.protocol import (
    TIMESTAMP_TOLERANCE,
    ApiError,
    Nonces,
    Request,
    Scope,
    base_url,
    header,
    missing,
    registrar,
)

if TYPE_CHECKING:
    from ccc_tui.emulator.faults import Decision


class EmulatorApp(Protocol):
    """What this module needs of `app.EmulatorApp` (which hands requests over to it)."""

    key_pairs: dict[str, str]
    clock: Callable[[], datetime]
    _nonces: Nonces

    @property
    def dataset(self) -> Dataset: ...

    def _authenticate(
        self,
        method: str,
        params: Mapping[str, str],
        authorization: str,
        *,
        version: str,
        actions: Mapping[str, object],
    ) -> tuple[str, datetime]: ...

    def _service_faults(self, decision: Decision, action: str) -> None: ...

    async def _send_error(
        self,
        send: Any,
        scope: Scope,
        exc: ApiError,
        request_id: str,
        *,
        json_format: bool,
        head: bool = False,
    ) -> None: ...

    async def _send(
        self,
        send: Any,
        status: int,
        data: bytes,
        content_type: str,
        request_id: str,
        *,
        head: bool,
        extra: Mapping[str, str] | None = None,
    ) -> None: ...

    def signed_url(
        self, base_url: str, instance_id: str, file_name: str, now: datetime, validity_s: int
    ) -> str: ...


VERSION = "2020-07-01"
MAX_PAGE_SIZE = 100
MAX_PAGE_NUMBER = 100  # ListCallDetailRecordsV2: 100 pages of 100 rows at most
URL_VALIDITY_S = 3600  # GetMonoRecording's default ExpireSeconds
MAX_URL_VALIDITY_S = 7 * 86_400

Send = Callable[[dict[str, Any]], Any]
Handler = Callable[[EmulatorApp, Dataset2020, Request], Any]
ACTIONS: dict[str, Handler] = {}


_action = registrar(ACTIONS)


class ServiceError(Exception):
    """An error of the 2.0 service itself, answered in the 2.0 envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def _invalid(name: str, why: str) -> ServiceError:
    return ServiceError(400, "Parameter.Invalid", f"The parameter {name} is invalid: {why}.")


_DATASETS: weakref.WeakKeyDictionary[EmulatorApp, Dataset2020] = weakref.WeakKeyDictionary()


def dataset_for(app: EmulatorApp) -> Dataset2020:
    """The 2.0 instance's data over the app's current 2017 data set."""
    found = _DATASETS.get(app)
    if found is None or found.base is not app.dataset:
        found = _DATASETS[app] = Dataset2020(app.dataset)
    return found


def is_2020(params: dict[str, str], version_header: str) -> bool:
    """Whether a request is for this API version (V1 says so in the query, V3 in a header)."""
    return (params.get("Version") or version_header).strip() == VERSION


async def handle(
    app: EmulatorApp,
    scope: dict[str, Any] | Any,
    send: Any,
    *,
    method: str,
    params: dict[str, str],
    body: bytes,
    request_id: str,
    decision: Decision,
) -> None:
    """Answer one 2020-07-01 request (the faults' latency and HTML pages are already applied)."""
    head = method == "HEAD"
    try:
        if method not in ("GET", "POST"):
            raise ApiError(
                405,
                "UnsupportedHTTPMethod",
                f"The HTTP method {method} is not supported; use POST or GET.",
                {"allow": "GET, POST"},
            )
        authorization = header(scope, b"authorization")
        if authorization.startswith("ACS3-"):
            action, now = _verify_v3(app, scope, method, body, authorization)
        else:
            action, now = app._authenticate(
                method, params, authorization, version=VERSION, actions=ACTIONS
            )
        app._service_faults(decision, action)
        data = ACTIONS[action](app, dataset_for(app), Request(params, base_url(scope), now))
    except ApiError as exc:
        await app._send_error(send, scope, exc, request_id, json_format=True, head=head)
        return
    except ServiceError as exc:
        error = {
            "RequestId": request_id,
            "HttpStatusCode": exc.status,
            "Code": exc.code,
            "Message": exc.message,
        }
        await app._send(
            send,
            exc.status,
            to_json(error),
            "application/json;charset=utf-8",
            request_id,
            head=head,
        )
        return
    ordered = {
        "RequestId": request_id,
        "HttpStatusCode": 200,
        "Code": "OK",
        "Message": "",
        "Data": data,
    }
    out = to_json(ordered)
    if decision.truncate_at is not None and len(out) > 1:
        out = out[: max(1, min(len(out) - 1, int(len(out) * decision.truncate_at)))]
    await app._send(send, 200, out, "application/json;charset=utf-8", request_id, head=False)


# --- signature V3 -------------------------------------------------------------------------------

_V3_REQUIRED = (
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
)


def _headers(scope: Any) -> dict[str, str]:
    """The request's headers by lower-cased name (repeated ones joined as V3 canonicalises)."""
    found: dict[str, list[str]] = {}
    for key, value in scope.get("headers", ()):
        name = bytes(key).decode("latin-1").lower()
        found.setdefault(name, []).append(bytes(value).decode("utf-8", "replace").strip())
    return {name: ",".join(sorted(values)) for name, values in found.items()}


def _verify_v3(
    app: EmulatorApp, scope: Any, method: str, body: bytes, authorization: str
) -> tuple[str, datetime]:
    def incomplete(why: str) -> ApiError:
        return ApiError(
            400,
            "IncompleteSignature",
            f"The request signature does not conform to Aliyun standards: {why}.",
        )

    parsed = signing.parse_authorization_v3(authorization)
    if parsed is None:
        raise incomplete(
            "the Authorization header must be "
            "'ACS3-HMAC-SHA256 Credential=<key id>,SignedHeaders=<a;b>,Signature=<hex>'"
        )
    key_id, signed, signature = parsed
    headers = _headers(scope)
    for name in _V3_REQUIRED:
        if not headers.get(name):
            raise incomplete(f"the header {name} is missing")
    unsigned = sorted(
        n for n in headers if (n == "host" or n.startswith("x-acs-")) and n not in signed
    )
    if unsigned:
        raise incomplete(f"SignedHeaders must include {', '.join(unsigned)}")
    absent = [n for n in signed if n not in headers]
    if absent:
        raise incomplete(f"the signed header {absent[0]} is not in the request")
    action, version = headers["x-acs-action"], headers["x-acs-version"]
    if version != VERSION:
        raise ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.")
    if action not in ACTIONS:
        raise ApiError(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        )
    try:
        stamp = signing.parse_timestamp(headers["x-acs-date"])
    except ValueError:
        raise ApiError(
            400,
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        ) from None
    secret = app.key_pairs.get(key_id)
    if secret is None:
        raise ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    query = dict(
        parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
    )
    canonical, _ = signing.canonical_request_v3(
        method,
        scope.get("path") or "/",
        query,
        {name: headers[name] for name in signed},
        headers["x-acs-content-sha256"],
    )
    to_sign = signing.string_to_sign_v3(canonical)
    if not hmac.compare_digest(signing.sign_v3(secret, to_sign), signature):
        server = to_sign.replace("\n", " ")
        raise ApiError(
            400,
            "SignatureDoesNotMatch",
            f"Specified signature does not match our calculation. server StringToSign is [{server}]",
        )
    if not hmac.compare_digest(signing.hashed_payload(body), headers["x-acs-content-sha256"]):
        raise ApiError(
            400,
            "SignatureDoesNotMatch",
            "The x-acs-content-sha256 header does not match the SHA-256 of the request body.",
        )
    now = app.clock()
    if abs(now - stamp) > TIMESTAMP_TOLERANCE:
        raise ApiError(
            400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
        )
    nonce = headers["x-acs-signature-nonce"]
    if app._nonces.used((key_id, nonce), now.timestamp(), stamp.timestamp()):
        raise ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
    return action, now


# --- parameters ---------------------------------------------------------------------------------


def _required(request: Request, name: str) -> str:
    value = request.get(name)
    if not value:
        raise missing(name)
    return value


def _integer(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.get(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise _invalid(name, "it is not a number") from None
    if not low <= value <= high:
        raise _invalid(name, f"it must be between {low} and {high}")
    return value


def _page(request: Request, *, default_size: int, max_number: int = 1 << 31) -> tuple[int, int]:
    number = _integer(request, "PageNumber", 1, 1, max_number)
    size = _integer(request, "PageSize", default_size, 1, MAX_PAGE_SIZE)
    return number, size


def _listed(request: Request, name: str) -> list[str]:
    """A list filter: a JSON array of strings (or numbers)."""
    text = request.get(name)
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        raise _invalid(name, 'it must be a JSON array, e.g. ["INBOUND"]') from None
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise _invalid(name, 'it must be a JSON array of strings, e.g. ["INBOUND"]')
    return [str(v).strip() for v in value if str(v).strip()]


def _instance(ds: Dataset2020, request: Request) -> str:
    instance_id = _required(request, "InstanceId")
    if not ds.has_instance(instance_id):
        raise ServiceError(
            404, "NotExists.InstanceId", f"The instance {instance_id} does not exist."
        )
    return instance_id


def _call(ds: Dataset2020, request: Request) -> Call2020:
    _instance(ds, request)
    contact_id = _required(request, "ContactId")
    call = ds.call(contact_id)
    if call is None:
        raise ServiceError(404, "NotExists.ContactId", f"The contact {contact_id} does not exist.")
    return call


def _file_url(app: EmulatorApp, request: Request, file_name: str, validity_s: int) -> str:
    """A pre-signed URL of the emulator's object storage, valid for `validity_s`."""
    instance = request.get("InstanceId")
    return app.signed_url(request.base_url, instance, file_name, request.now, validity_s)


# --- the operations -----------------------------------------------------------------------------


@_action("GetCallDetailRecord")
def _get_call_detail_record(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    return _call(ds, request).detail


@_action("ListCallDetailRecordsV2")
def _list_call_detail_records(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    _instance(ds, request)
    _required(request, "PageNumber")
    _required(request, "PageSize")
    number, size = _page(request, default_size=20, max_number=MAX_PAGE_NUMBER)
    order = request.get("SortOrder").upper() or "DESC"
    if order not in ("ASC", "DESC"):
        raise _invalid("SortOrder", "use ASC or DESC")
    field = request.get("OrderByField")
    if field and field != "startTime":
        raise _invalid("OrderByField", "only startTime is supported")
    match = _matcher(request)
    contact_ids = _listed(request, "ContactIdList")
    matches: Sequence[str] = ()
    if contact_ids:
        # Calls by id: the time window does not apply.
        found = [(cid, call) for cid in dict.fromkeys(contact_ids) if (call := ds.call(cid))]
        found.sort(key=lambda p: p[1].row["StartTime"], reverse=order == "DESC")
        matches = [cid for cid, call in found if match(cid, call.row, ds)]
    else:
        start, stop = _window(request)
        # A search reads one query's pages one after another: filter its window once.
        key = (start, stop, order, match.key())
        kept = ds.matches.get(key)
        if kept is None:
            kept = tuple(
                cid
                for cid, summary in ds.summaries(start, stop, descending=order == "DESC")
                if match.cheap(summary) and match(cid, None, ds)
            )
            ds.keep_matches(key, kept)
        matches = kept
    page = matches[(number - 1) * size : number * size]
    # Each row serialised once, whichever page and query list it again.
    rows = RawList(row for cid in page if (row := ds.row_json(cid)) is not None)
    return {
        "PageNumber": number,
        "PageSize": size,
        # Filled on page 1 only, as the service does.
        "TotalCount": len(matches) if number == 1 else 0,
        "List": rows,
    }


def _window(request: Request) -> tuple[int, int]:
    now_ms = int(request.now.timestamp() * 1000)
    midnight = request.now.astimezone(CST).replace(hour=0, minute=0, second=0, microsecond=0)
    start = _integer(request, "StartTime", int(midnight.timestamp() * 1000), 0, 1 << 62)
    stop = _integer(request, "EndTime", now_ms, 0, 1 << 62)
    if start > stop:
        raise _invalid("StartTime", "it must not be later than EndTime")
    return start, stop


class _Matcher:
    """The filters of one ListCallDetailRecordsV2 request: `cheap` ones on a call's summary,
    the rest on its 2.0 record (built only when such a filter is given)."""

    def __init__(self, request: Request) -> None:
        self.types = {t.casefold() for t in _listed(request, "ContactTypeList")}
        self.dispositions = {d.casefold() for d in _listed(request, "ContactDispositionList")}
        self.groups = set(_listed(request, "SkillGroupIdList"))
        self.rates = set(_listed(request, "SatisfactionRateList"))
        self.number = request.get("Number")
        self.calling = request.get("CallingNumber")
        self.called = request.get("CalledNumber")
        self.agent = request.get("AgentId")
        self.first_agent = request.get("FirstAgentId")
        self.record_filters = {
            key: {v.casefold() for v in _listed(request, name)}
            for key, name in (
                ("EarlyMediaState", "EarlyMediaStateList"),
                ("ReleaseInitiator", "ReleaseInitiatorList"),
                ("ReleaseReason", "ReleaseReasonList"),
                ("SatisfactionDescription", "SatisfactionDescriptionList"),
            )
        }
        self.record_filters = {k: v for k, v in self.record_filters.items() if v}

    def key(self) -> tuple[Any, ...]:
        """Every filter, as a key for the matches kept between the pages of one query."""
        return (
            *(tuple(sorted(s)) for s in (self.types, self.dispositions, self.groups, self.rates)),
            self.number,
            self.calling,
            self.called,
            self.agent,
            self.first_agent,
            tuple(sorted((k, tuple(sorted(v))) for k, v in self.record_filters.items())),
        )

    def cheap(self, summary: Any) -> bool:
        if self.types:
            names = CONTACT_TYPES.get(summary.contact_type, (summary.contact_type,) * 2)
            if not any(n.casefold() in self.types for n in names):
                return False
        if self.dispositions:
            name = DISPOSITIONS.get(summary.disposition, summary.disposition)
            if name.casefold() not in self.dispositions:
                return False
        if self.number and self.number not in (summary.calling_number, summary.called_number):
            return False
        if self.calling and self.calling != summary.calling_number:
            return False
        if self.called and self.called != summary.called_number:
            return False
        if self.rates and str(summary.satisfaction) not in self.rates:
            return False
        if "EarlyMediaState" in self.record_filters and summary.disposition != "NoAnswer":
            return False  # only an unanswered call has early media
        if self.agent or self.first_agent:
            agents = agent_ids(summary)
            if self.agent and self.agent not in agents:
                return False
            if self.first_agent and agents[:1] != [self.first_agent]:
                return False
        return not self.groups or bool(self.groups.intersection(group_ids(summary)))

    def __call__(self, contact_id: str, row: dict[str, Any] | None, ds: Dataset2020) -> bool:
        if row is None and not self.record_filters:
            return True  # `cheap` has checked the rest
        if row is None:
            call = ds.call(contact_id)
            if call is None:
                return False
            row = call.row
        elif not self._summary_of(row):
            return False
        agents = [a for a in str(row.get("AgentIds", "")).split(",") if a]
        if self.agent and self.agent not in agents:
            return False
        if self.first_agent and agents[:1] != [self.first_agent]:
            return False
        groups = {g for g in str(row.get("SkillGroupIds", "")).split(",") if g}
        if self.groups and not self.groups & groups:
            return False
        return all(
            str(row.get(key, "")).casefold() in wanted
            for key, wanted in self.record_filters.items()
        )

    def _summary_of(self, row: dict[str, Any]) -> bool:
        """The cheap filters, on a row (calls asked for by id)."""
        if self.types and str(row.get("ContactType", "")).casefold() not in self.types:
            return False
        if self.dispositions and (
            str(row.get("ContactDisposition", "")).casefold() not in self.dispositions
        ):
            return False
        numbers = (row.get("CallingNumber"), row.get("CalledNumber"))
        if self.number and self.number not in numbers:
            return False
        if self.calling and self.calling != numbers[0]:
            return False
        if self.called and self.called != numbers[1]:
            return False
        return not self.rates or str(row.get("SatisfactionIndex")) in self.rates


def _matcher(request: Request) -> _Matcher:
    return _Matcher(request)


def _recordings(
    app: EmulatorApp, request: Request, items: tuple[dict[str, Any], ...]
) -> list[dict[str, Any]]:
    wanted_agent = request.get("AgentId")
    wanted_channel = request.get("AgentChannelId")
    out = []
    for item in items:
        if wanted_agent and wanted_agent != item["AgentId"]:
            continue
        if wanted_channel and wanted_channel != item.get("AgentChannelId"):
            continue
        out.append({**item, "FileUrl": _file_url(app, request, item["FileName"], URL_VALIDITY_S)})
    return out


@_action("ListMonoRecordings")
def _list_mono_recordings(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    return _recordings(app, request, _call(ds, request).mono)


@_action("ListMultiChannelRecordings")
def _list_multi_channel_recordings(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    return _recordings(app, request, _call(ds, request).multi)


def _first_recording(call: Call2020, contact_id: str) -> dict[str, Any]:
    if not call.mono:
        raise ServiceError(
            404, "NotExists.Recording", f"The contact {contact_id} has no recording."
        )
    return call.mono[0]


@_action("GetMonoRecording")
def _get_mono_recording(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    call = _call(ds, request)
    validity = _integer(request, "ExpireSeconds", URL_VALIDITY_S, 1, MAX_URL_VALIDITY_S)
    rec = _first_recording(call, request.get("ContactId"))
    return {
        "FileName": rec["FileName"],
        "FileUrl": _file_url(app, request, rec["FileName"], validity),
        "Duration": int(rec["Duration"]),
    }


@_action("GetMultiChannelRecording")
def _get_multi_channel_recording(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    call = _call(ds, request)
    rec = _first_recording(call, request.get("ContactId"))
    return {
        "FileName": rec["FileName"],
        "FileUrl": _file_url(app, request, rec["FileName"], URL_VALIDITY_S),
    }


@_action("ListIvrTrackingDetails")
def _list_ivr_tracking_details(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    call = _call(ds, request)
    instance_id = request.get("InstanceId")
    number, size = _page(request, default_size=20)
    nodes = call.ivr[(number - 1) * size : number * size]
    return {
        "PageNumber": number,
        "PageSize": size,
        "TotalCount": len(call.ivr),
        "List": [node_2020(step, instance_id) for step in nodes],
    }


@_action("ListInstances")
def _list_instances(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    number, size = _page(request, default_size=10)
    instances = [ds.instance()]
    return {
        "PageNumber": number,
        "PageSize": size,
        "TotalCount": len(instances),
        "List": instances[(number - 1) * size : number * size],
    }


@_action("GetInstance")
def _get_instance(app: EmulatorApp, ds: Dataset2020, request: Request) -> Any:
    _instance(ds, request)
    return ds.instance()
