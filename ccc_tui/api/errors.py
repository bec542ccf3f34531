"""One error tree for everything the client can raise.

Every error carries the server's code, its message, the request id, the HTTP status and a
plain-words hint, so the UI and the headless commands can show the same three things: what went
wrong, what to do about it, and the id to quote to Alibaba Cloud support.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccc_tui.api.auth import AccessKey

# Exit codes of the headless commands, owned here so every layer agrees on them.
EXIT_API = 1
EXIT_CONFIG = 3


_STRING_TO_SIGN = re.compile(r"(?i)(?:server )?string to sign")


def scrub_message(text: str, key: AccessKey | None) -> str:
    """Server text made safe to show or log: no string-to-sign dump, no key id, token or secret.

    SignatureDoesNotMatch ends with the server's string to sign, which carries the key id and any
    STS token (URL-encoded once or twice): cut it off rather than chase every encoding. A keyring
    backend's error could echo the secret itself: blank it out.
    """
    head = _STRING_TO_SIGN.split(text, maxsplit=1)[0]
    text = head.rstrip(" :,.") if head != text else text
    if key is None:
        return text
    from ccc_tui.api.auth import mask_key_id

    if len(key.key_id) >= 4:
        text = text.replace(key.key_id, mask_key_id(key.key_id))
    # Revealed inline, never into a local: a traceback rendered with locals must not show them.
    if key.security_token and len(key.security_token.reveal()) >= 4:
        text = text.replace(key.security_token.reveal(), "****")
    if key.secret and key.secret.reveal() in text:
        text = text.replace(key.secret.reveal(), "****")
    return text


class CccError(Exception):
    """Root of every failure the client raises (server errors, bad bodies, transport, config)."""

    retryable = False
    exit_code = EXIT_API
    default_code = "Error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        action: str | None = None,
        host_id: str | None = None,
        recommend: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.action = action
        self.host_id = host_id
        self.recommend = recommend
        self.hint = hint if hint is not None else hint_for(self.code, action)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"request_id={self.request_id!r}, http_status={self.http_status!r})"
        )

    def describe(self) -> list[tuple[str, str]]:
        """Label/value pairs for display: code, message, hint, request id, HTTP status."""
        rows = [("Error", self.code), ("Message", self.message)]
        if self.hint:
            rows.append(("Hint", self.hint))
        if self.action:
            rows.append(("Action", self.action))
        if self.request_id:
            rows.append(("Request id", self.request_id))
        if self.http_status:
            rows.append(("HTTP status", str(self.http_status)))
        return rows


class ServiceError(CccError):
    """The server answered with an error body (or a 200 whose Success was false)."""


class ThrottlingError(ServiceError):
    retryable = True
    default_code = "Throttling"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(ServiceError):
    retryable = True
    default_code = "InternalError"


class AuthenticationError(ServiceError):
    """The key pair was rejected: wrong secret, unknown or disabled key id."""

    exit_code = EXIT_CONFIG


class ClockSkewError(ServiceError):
    exit_code = EXIT_CONFIG


class AccessDeniedError(ServiceError):
    """The key is valid but its RAM policy does not allow the action."""

    exit_code = EXIT_CONFIG


class EndpointError(ServiceError):
    """Wrong endpoint, product or API version."""

    exit_code = EXIT_CONFIG


class InstanceNotFoundError(ServiceError):
    exit_code = EXIT_CONFIG


class NotFoundError(ServiceError):
    pass


class InvalidRequestError(ServiceError):
    pass


class MalformedResponseError(CccError):
    """The body was not a CCC response: truncated JSON, an HTML proxy page, garbage."""

    default_code = "MalformedResponse"


class TransportError(CccError):
    """The request never got a CCC answer. Retryable: reads are idempotent."""

    retryable = True
    default_code = "Transport"


class RequestTimeoutError(TransportError):
    default_code = "Transport.Timeout"


class DnsError(TransportError):
    default_code = "Transport.DNS"


class ConnectError(TransportError):
    default_code = "Transport.ConnectionRefused"


class TlsError(TransportError):
    retryable = False
    default_code = "Transport.TLS"


class ConfigurationError(CccError):
    """Our own setup is incomplete or unsafe (no instance id, plain http to a remote host)."""

    exit_code = EXIT_CONFIG
    default_code = "Config"


class CredentialsError(ConfigurationError):
    default_code = "Config.NoCredentials"


_HINTS: dict[str, str] = {
    "Throttling": "Too many requests: the client backed off and retried. Lower --rate or try again.",
    "ServiceUnavailable": "CCC is temporarily unavailable; retried with backoff. Try again shortly.",
    "InternalError": "CCC had an internal error; retried with backoff. Quote the request id to support.",
    "SignatureDoesNotMatch": (
        "The request signature was rejected: check the AccessKey secret (a stray space or the "
        "secret of another key is the usual cause)."
    ),
    "IncompleteSignature": "The request was not fully signed; this is a client bug, please report it.",
    "InvalidTimeStamp.Format": "The request timestamp was malformed; this is a client bug.",
    "InvalidTimeStamp.Expired": (
        "This machine's clock is off by more than 15 minutes from Alibaba Cloud's: fix the clock "
        "(e.g. enable NTP) and try again."
    ),
    "SignatureNonceUsed": "A request nonce was reused; retry (each attempt uses a fresh nonce).",
    "InvalidAccessKeyId.NotFound": (
        "The AccessKey id does not exist: check the key id, or the region/endpoint it belongs to."
    ),
    "InvalidAccessKeyId.Inactive": "The AccessKey is disabled: enable it in the RAM console or use another.",
    "InvalidParameter": "A request parameter was rejected: check the ContactId and InstanceId.",
    "MissingParameter": "A required parameter was missing; this is a client bug.",
    "Forbidden.RAM": "The RAM policy of this key does not allow this call: grant it ccc:{action}.",
    "NoPermission": "The RAM policy of this key does not allow this call: grant it ccc:{action}.",
    "Forbidden": "The RAM policy of this key does not allow this call: grant it ccc:{action}.",
    "InvalidAction.NotFound": (
        "The endpoint does not know this API: check the region or --endpoint (CCC 2017-07-05)."
    ),
    "InvalidVersion": "The endpoint does not serve CCC 2017-07-05: check the region or --endpoint.",
    "InvalidProduct.NotFound": "The endpoint is not a CCC endpoint: check the region or --endpoint.",
    "NotExist.Instance": "No call center instance with this id: check --instance-id and the region.",
    "NotExist.Record": (
        "The instance has no such record: check the ContactId (or file name) and that it "
        "belongs to this instance."
    ),
    "OssNotOpen": "Recording storage (OSS) is not enabled for this instance.",
    # CCC 2.0 (2020-07-01) codes.
    "NotExists.InstanceId": (
        "No CCC 2.0 instance with this id: check --instance-id and the region (a 2017-07-05 "
        "instance has a different kind of id)."
    ),
    "NotExists.ContactId": (
        "The instance knows no call with this ContactId: check the id (2.0 ids look like "
        "job-…) and the instance."
    ),
    "NotExists": "The instance has no such item: check the id and that it belongs to this instance.",
    "Parameter": "A request parameter was rejected: check the ContactId, InstanceId and filters.",
    "Permission": "The RAM policy of this key does not allow this call: grant it ccc:{action}.",
    "AbnormalService": (
        "The call center instance is not in service (stopped, still being created, or disabled): "
        "check it in the CCC console."
    ),
    "InternalService": (
        "CCC had an internal error; retried with backoff. Quote the request id to support."
    ),
    "MalformedResponse": (
        "The answer was not a CCC response (a proxy page or a cut-off body?); check the endpoint "
        "and any HTTP proxy, then retry."
    ),
    "Transport.Timeout": "The request timed out: the network or the endpoint is slow; retry.",
    "Transport.DNS": "The endpoint's host name did not resolve: check the region/endpoint and DNS.",
    "Transport.ConnectionRefused": (
        "Could not connect to the endpoint: is it running and reachable from this machine?"
    ),
    "Transport.TLS": "The TLS handshake failed: check the endpoint and any intercepting proxy.",
    "Transport": "The request did not reach CCC: check the network and the endpoint.",
}


# The same code means different things to different actions.
_ACTION_HINTS: dict[tuple[str, str], str] = {
    ("NotExist.Record", "DownloadRecording"): (
        "No such recording: it may have expired or never been stored."
    ),
    ("NotExist.Record", "ListRecordingsByContactId"): (
        "No recordings are kept for this contact (none made, expired, or another instance)."
    ),
    ("NotExist.Record", "ListCallEventDetailByContactId"): (
        "The instance knows no call with this ContactId: check the id and the instance."
    ),
}


# 2020-07-01 code families (`Parameter.Empty`, `NotExists.SkillGroupId`, …) share one hint.
_FAMILIES_2020 = frozenset(
    {"NotExists", "Parameter", "Permission", "AbnormalService", "InternalService"}
)


def hint_for(code: str, action: str | None = None) -> str:
    """The plain-words advice for a code; families like `Throttling.User` share their root's."""
    text = _ACTION_HINTS.get((code, action or "")) or _HINTS.get(code)
    if text is None:
        if code.startswith("Throttling"):
            text = _HINTS["Throttling"]
        elif code.startswith("Missing"):
            text = f"A required parameter ({code.removeprefix('Missing')}) was missing."
        elif code.startswith("Invalid") and code not in _HINTS:
            text = f"A parameter was rejected ({code.removeprefix('Invalid')}): check its value."
        elif code.startswith("Forbidden"):
            text = _HINTS["Forbidden"]
        elif "." in code and code.partition(".")[0] in _FAMILIES_2020:
            text = _HINTS[code.partition(".")[0]]
        else:
            text = ""
    return text.replace("{action}", action or "<Action>")


def error_from_response(
    code: str,
    message: str,
    *,
    request_id: str | None = None,
    http_status: int | None = None,
    action: str | None = None,
    host_id: str | None = None,
    recommend: str | None = None,
    retry_after: float | None = None,
) -> ServiceError:
    """Build the right ServiceError subclass for a server error code (key on code, not status)."""
    kw: dict[str, object] = {
        "code": code,
        "request_id": request_id,
        "http_status": http_status,
        "action": action,
        "host_id": host_id,
        "recommend": recommend,
    }
    cls: type[ServiceError]
    if code.startswith("Throttling"):
        return ThrottlingError(message, retry_after=retry_after, **kw)
    if code in ("ServiceUnavailable", "InternalError", "InternalError.Server") or (
        code.startswith("InternalService")
    ):
        cls = ServerError
    elif code in ("SignatureDoesNotMatch",) or code.startswith("InvalidAccessKeyId"):
        cls = AuthenticationError
    elif code == "InvalidTimeStamp.Expired":
        cls = ClockSkewError
    elif code in ("Forbidden.RAM", "NoPermission", "Forbidden") or code.startswith(
        ("Forbidden", "Permission")
    ):
        cls = AccessDeniedError
    elif code in ("InvalidAction.NotFound", "InvalidVersion", "InvalidProduct.NotFound"):
        cls = EndpointError
    elif code in ("NotExist.Instance", "NotExists.InstanceId", "NotExists.Instance"):
        cls = InstanceNotFoundError
    elif code.startswith("NotExist") or code == "OssNotOpen":
        cls = NotFoundError
    elif http_status is not None and http_status >= 500:
        cls = ServerError
    else:
        cls = InvalidRequestError
    return cls(message, **kw)  # type: ignore[arg-type]
