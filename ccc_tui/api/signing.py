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
