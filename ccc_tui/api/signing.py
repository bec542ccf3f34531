"""Alibaba Cloud RPC signature version 1.0 (HMAC-SHA1), as pure functions.

The signature covers every parameter of the request — query and form body together — except
`Signature` itself, so a server must merge both before verifying.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

SIGNATURE_METHOD = "HMAC-SHA1"
SIGNATURE_VERSION = "1.0"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def percent_encode(value: str) -> str:
    """RFC 3986 encoding over UTF-8 bytes: space is %20, `*` is %2A, `~` stays."""
    if _UNRESERVED.fullmatch(value):
        return value  # the common case (names, ids, nonces): nothing to encode
    return quote(value, safe="-_.~")


def canonical_query(params: Mapping[str, str]) -> str:
    # Sorted by the encoded names' bytes, as the official SDKs do.
    encoded = sorted(
        (percent_encode(k), percent_encode(v)) for k, v in params.items() if k != "Signature"
    )
    return "&".join(f"{k}={v}" for k, v in encoded)


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def sign_string(secret: str, message: str) -> str:
    digest = hmac.new((secret + "&").encode(), message.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def sign(method: str, params: Mapping[str, str], secret: str) -> str:
    return sign_string(secret, string_to_sign(method, params))


def verify(method: str, params: Mapping[str, str], secret: str, signature: str) -> bool:
    return hmac.compare_digest(sign(method, params, secret), signature)


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime:
    """Parse the protocol's `YYYY-MM-DDThh:mm:ssZ`; raises ValueError for anything else."""
    return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)


def new_nonce() -> str:
    return str(uuid.uuid4())


# ---- signature V3: ACS3-HMAC-SHA256 (the 2020-07-01 SDK's default) ------------------------------
#
# canonical request = METHOD \n path \n canonical query \n canonical headers \n signed headers \n
#                     hex(sha256(body))
# string to sign    = "ACS3-HMAC-SHA256" \n hex(sha256(canonical request))
# Authorization     = "ACS3-HMAC-SHA256 Credential=<key id>,SignedHeaders=<a;b;c>,Signature=<hex>"
# The signed headers are `host`, every `x-acs-*` and `content-type` when there is a body.

V3_ALGORITHM = "ACS3-HMAC-SHA256"
V3_DATE_FORMAT = TIMESTAMP_FORMAT


def hashed_payload(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_query_v3(query: Mapping[str, str]) -> str:
    """Sorted `name=value` pairs, both RFC 3986 encoded (an empty value keeps its `=`)."""
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in query.items())
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """(the `name:value\\n` block, the `a;b;c` list) over the lower-cased names, values trimmed."""
    folded: dict[str, list[str]] = {}
    for name, value in headers.items():
        folded.setdefault(name.lower(), []).append(str(value).strip())
    names = sorted(folded)
    block = "".join(f"{name}:{','.join(sorted(folded[name]))}\n" for name in names)
    return block, ";".join(names)


def canonical_request_v3(
    method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], payload: str
) -> tuple[str, str]:
    """(the canonical request, its signed-header list)."""
    block, signed = canonical_headers(headers)
    text = f"{method.upper()}\n{path or '/'}\n{canonical_query_v3(query)}\n{block}\n{signed}\n{payload}"
    return text, signed


def string_to_sign_v3(canonical_request: str) -> str:
    return f"{V3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"


def sign_v3(secret: str, string_to_sign: str) -> str:
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def authorization_v3(
    key_id: str,
    secret: str,
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    payload: str,
) -> str:
    """The `Authorization` header value for a request whose `headers` are the ones to sign
    (they must already hold `x-acs-content-sha256` = `payload`)."""
    canonical, signed = canonical_request_v3(method, path, query, headers, payload)
    signature = sign_v3(secret, string_to_sign_v3(canonical))
    return f"{V3_ALGORITHM} Credential={key_id},SignedHeaders={signed},Signature={signature}"


def parse_authorization_v3(value: str) -> tuple[str, tuple[str, ...], str] | None:
    """(key id, signed header names, signature) of a V3 `Authorization` header, or None."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != V3_ALGORITHM:
        return None
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, text = part.strip().partition("=")
        if not sep:
            return None
        fields[name] = text
    try:
        key_id, signed, signature = (
            fields["Credential"], fields["SignedHeaders"], fields["Signature"]
        )  # fmt: skip
    except KeyError:
        return None
    names = tuple(n for n in signed.split(";") if n)
    if not key_id or not names or not signature:
        return None
    return key_id, names, signature
