"""What every CCC adapter shares: decoding a body, the error envelope, and the lenient readers.

Both API versions (v2017.py, v2020.py) send untrusted JSON with the same habits: numbers as strings,
epoch times in milliseconds (sometimes seconds or text), lists wrapped or bare, `Code`/`Message`/
`RequestId` in the envelope. The readers here turn any of it into plain values or defaults and never
raise; the decisions they embody are described in v2017.py's docstring.
"""

from __future__ import annotations

import functools
import json
import math
import posixpath
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn, TypeVar, cast
from urllib.parse import unquote, urlsplit

from ccc_tui.api.errors import MalformedResponseError, error_from_response
from ccc_tui.api.models import Page

T = TypeVar("T")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SNIPPET_CHARS = 200
_MESSAGE_CHARS = 2000
_MAX_DURATION = 10 * 366 * 86_400  # seconds
# Codes that mean success: the documented "OK", plus spellings other Alibaba APIs use.
_SUCCESS_CODES = frozenset({"ok", "200", "success"})

# ASCII-only so Unicode digits and `1_000` (both accepted by int()) are not numbers here.
_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# C0/C1 controls (terminal escapes start with ESC), invisible and bidi-reordering characters,
# and lone surrogates (they make every UTF-8 encoder raise).
UNSAFE_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_SPACES_RE = re.compile(r"[\s\x00-\x1f\x7f]+")
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE_RE = re.compile(rb"\\[uU][dD][89a-fA-F]")
_HTML_RE = re.compile(r"<!doctype\s+html|<html|<head|<body|<title", re.IGNORECASE)
_REQUEST_ID_RES = (
    re.compile(rb'"RequestId"\s*:\s*"([A-Za-z0-9-]{1,64})"'),
    re.compile(rb"<RequestId>\s*([A-Za-z0-9-]{1,64})\s*</RequestId>"),
)
_XML_CODE_RE = re.compile(rb"<Code>\s*([A-Za-z0-9._-]{1,64})\s*</Code>")
_NAME_SPLIT_RE = re.compile("[,，]")

_RENDER_DEPTH = 6


MAX_PAGE_SIZE = 100


def check_page(page_number: int, page_size: int) -> None:
    """ValueError for a page the APIs refuse (1-based, size 1–100): a caller bug, and clamping
    would break the paging arithmetic."""
    if page_number < 1:
        raise ValueError(f"page_number must be >= 1, not {page_number}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, not {page_size}")


def sort_order(order: str) -> str:
    """ASC or DESC, whatever the case; ValueError for anything else."""
    normalised = order.strip().upper()
    if normalised not in ("ASC", "DESC"):
        raise ValueError(f"order must be ASC or DESC, not {order!r}")
    return normalised


def epoch_ms(moment: datetime) -> int:
    # Integer arithmetic: float timestamps can land one millisecond early. A naive datetime means
    # local time, as everywhere else in Python.
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return (moment - EPOCH) // timedelta(milliseconds=1)


# --- envelope ----------------------------------------------------------------------------------


def decode_body(
    content: bytes,
    *,
    http_status: int | None = None,
    action: str | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """The body as a JSON object, or MalformedResponseError saying what it was instead."""
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else bytes(content)

    def fail(reason: str) -> NoReturn:
        where = action or "The request"
        status = f" (HTTP {http_status})" if http_status is not None else ""
        snippet = clean(raw[: _SNIPPET_CHARS * 4].decode("utf-8", "replace"), _SNIPPET_CHARS)
        message = f"{where}{status} got {reason}"
        if snippet:
            message += f"; the body starts: {snippet}"
        raise MalformedResponseError(
            message,
            request_id=request_id or _sniff_request_id(raw),
            http_status=http_status,
            action=action,
        )

    if not raw.strip():
        fail("an empty body")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("a body that is not UTF-8 text")
    if re.match(r"\s*<", text):
        if _HTML_RE.search(text[:2048]):
            fail("an HTML page instead of a CCC answer (a proxy or gateway page?)")
        code = _XML_CODE_RE.search(raw)
        fail("XML instead of JSON" + (f" (error code {code.group(1).decode()})" if code else ""))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            fail("a JSON body that was cut off")
        fail(f"invalid JSON at line {exc.lineno}, column {exc.colno}")
    except (ValueError, RecursionError):
        # Over-long integers (Python's digit limit) or absurd nesting.
        fail("JSON too deeply nested or with a number too long to read")
    if not isinstance(value, dict):
        fail(f"a JSON {json_kind(value)} where an object was expected")
    if _SURROGATE_ESCAPE_RE.search(raw):
        value = _scrub_surrogates(value)
    return cast("dict[str, Any]", value)


def raise_for_error(
    body: Mapping[str, Any],
    *,
    http_status: int | None,
    action: str | None,
    retry_after: float | None = None,
) -> None:
    """Raise the right ServiceError when the body (or the HTTP status) says the call failed.

    An error is any of: `Success` false; a `Code` other than OK (even beside `Success: true`,
    which ccc-api.md §5 asks for, unverified); an HTTP status >= 400 whatever the body says.
    `Code` and `Success` may each be missing on success.
    """
    if not isinstance(body, Mapping):
        raise MalformedResponseError(
            f"the response is a {json_kind(body)} where an object was expected",
            http_status=http_status,
            action=action,
        )
    # Some gateways nest the XML-style <Error> element in JSON.
    error = as_mapping(body.get("Error"))
    fields: Mapping[str, Any] = error if error is not None and "Code" not in body else body
    success = as_bool(body.get("Success"))
    code = clean(as_text(first_of(fields, "Code", "code", "ErrorCode")), 200)
    status = http_status
    if status is None:
        # The body's own HttpStatusCode, only when it is a plausible status.
        status = as_int(body.get("HttpStatusCode"))
        status = status if status is not None and 100 <= status <= 999 else None
    code_is_ok = code.lower() in _SUCCESS_CODES
    failed_status = status is not None and status >= 400
    if success is not False and (not code or code_is_ok) and not failed_status:
        return
    if not code or code_is_ok:
        code = f"HTTP{status}" if failed_status else "UnknownError"
    message = clean(as_text(first_of(fields, "Message", "message", "ErrorMessage")), _MESSAGE_CHARS)
    if not message:
        message = (
            f"the server answered HTTP {status}"
            if failed_status
            else "the server reported a failure without saying why"
        )
    raise error_from_response(
        code,
        message,
        request_id=clean(as_text(first_of(body, "RequestId", "requestId")), 200) or None,
        http_status=status,
        action=action,
        host_id=clean(as_text(first_of(fields, "HostId", "hostId")), 200) or None,
        recommend=clean(as_text(first_of(fields, "Recommend", "recommend")), 500) or None,
        retry_after=retry_after,
    )


def as_names(value: Any) -> tuple[str, ...]:
    """A comma list (ASCII or full-width commas) or a JSON list → its non-blank names."""
    if type(value) is str:  # the common case: every row of a listing has two or three
        return _names_of_text(value) if len(value) <= 256 else _split_names(value)
    parts = [as_text(v) for v in value] if isinstance(value, list | tuple) else [as_text(value)]
    return tuple(
        name.strip() for part in parts for name in _NAME_SPLIT_RE.split(part) if name.strip()
    )


def _split_names(text: str) -> tuple[str, ...]:
    parts = _NAME_SPLIT_RE.split(text) if "，" in text else text.split(",")
    return tuple(name for part in parts if (name := part.strip()))


# A listing repeats a few agents' and groups' names thousands of times. Only short texts are
# cached, so a hostile server cannot pin much memory in the cache.
_names_of_text = functools.lru_cache(maxsize=4096)(_split_names)


# --- lenient readers ---------------------------------------------------------------------------


def require_mapping(body: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise MalformedResponseError(f"{what} is a {json_kind(body)} where an object was expected")
    return body


def malformed(body: Mapping[str, Any], reason: str) -> NoReturn:
    request_id = clean(as_text(body.get("RequestId")), 200) or None
    raise MalformedResponseError(reason, request_id=request_id)


def section(body: Mapping[str, Any], key: str) -> Any:
    """A payload key at the top level, or inside `Data` where some API versions put it."""
    value = body.get(key)
    if value is None:
        data = as_mapping(body.get("Data"))
        if data is not None:
            value = data.get(key)
    return value


def payload(value: Any, key: str, body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A payload object: None when absent or empty, malformed when not an object at all."""
    if value is None or (isinstance(value, str | list | tuple | Mapping) and not value):
        return None
    found = as_mapping(value)
    if found is None:
        malformed(body, f"{key} is a {json_kind(value)} where an object was expected")
    return found or None


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    """An object; also a one-element list holding one, or a string of JSON holding one."""
    if type(value) is dict or isinstance(value, Mapping):  # skip the slow ABC check for dicts
        return value
    if isinstance(value, list | tuple) and len(value) == 1 and isinstance(value[0], Mapping):
        return value[0]
    if isinstance(value, str) and value.lstrip().startswith("{") and len(value) < 1_000_000:
        try:
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            return None
        return decoded if isinstance(decoded, dict) else None
    return None


def as_items(value: Any, item_key: str, depth: int = 0) -> list[Mapping[str, Any]]:
    """The objects of an XML-derived list, whatever shape it arrived in."""
    if isinstance(value, Mapping):
        if not value:
            return []
        if item_key in value:
            return as_items(value[item_key], item_key, depth + 1) if depth < 3 else []
        if len(value) == 1:
            (only,) = value.values()
            if isinstance(only, list | tuple):
                # A wrapper named after some other XML element.
                return as_items(only, item_key, depth + 1) if depth < 3 else []
        return [value]  # a single object where a list was expected
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, Mapping) and v]
    return []


def first_of(fields: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = fields.get(key)
        if value is not None:
            return value
    return None


def as_text(value: Any) -> str:
    if type(value) is str:  # the common case first: timelines can hold 10,000 events
        return value.strip()
    if value is None:
        return ""
    if type(value) is int:
        try:
            return str(value)
        except ValueError:  # beyond Python's int-to-text digit limit
            return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # beyond Python's int-to-text digit limit
            return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        # An id such as 80315543 sent as 80315543.0 should read as the id.
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, list | tuple) and all(
        v is None or isinstance(v, str | int | float) for v in value
    ):
        return ", ".join(t for t in map(as_text, value) if t)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(_bounded(value, 0), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace").strip()
    try:
        return str(value).strip()
    except Exception:  # an exotic object whose __str__ fails must not break parsing
        return ""


def _bounded(value: Any, depth: int) -> Any:
    """A JSON-safe copy cut off at a sane depth (json.dumps recurses and can overflow)."""
    if isinstance(value, Mapping):
        if depth >= _RENDER_DEPTH:
            return "{…}"
        return {str(k): _bounded(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if depth >= _RENDER_DEPTH:
            return "[…]"
        return [_bounded(v, depth + 1) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    return as_text(value)  # numbers too: keeps json.dumps away from NaN and huge ints


def as_number(value: Any) -> int | float | None:
    if type(value) is int:  # the common cases first (never a bool, never "１" or "1_0")
        return value
    if type(value) is str and 0 < len(value) <= 18 and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 64 or not _NUMBER_RE.fullmatch(text):
            return None
        try:
            return int(text)  # exact for long integers such as epoch milliseconds
        except ValueError:
            number = float(text)
            return number if math.isfinite(number) else None
    return None


def as_int(value: Any) -> int | None:
    number = as_number(value)
    if number is None:
        return None
    return number if isinstance(number, int) else round(number)


def as_duration(value: Any) -> int | None:
    # Beyond ten years a "duration" is garbage, and time + duration would overflow datetime.
    seconds = value if type(value) is int else as_int(value)
    return seconds if seconds is not None and 0 <= seconds <= _MAX_DURATION else None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return {"true": True, "1": True, "false": False, "0": False}.get(value.strip().lower())
    return None


# (upper bound, microseconds per unit) for each unit band; see the module docstring.
_TIME_BANDS: tuple[tuple[float, float], ...] = (
    (1e11, 1_000_000),
    (1e14, 1_000),
    (1e17, 1),
    (1e20, 0.001),
)


# What a usable moment is, decided once here: CCC did not exist before 2000, and nothing after
# 2200 is a real call. Outside this window a time is shown as unknown; inside it, any zone, plus
# any duration the adapter accepts, stays far from datetime's limits (year 1 and 9999).
USABLE_FROM = datetime(2000, 1, 1, tzinfo=UTC)
USABLE_UNTIL = datetime(2200, 1, 1, tzinfo=UTC)


def as_time(value: Any) -> datetime | None:
    moment = as_any_time(value)
    if moment is None or not USABLE_FROM <= moment < USABLE_UNTIL:
        return None
    return moment


def as_any_time(value: Any) -> datetime | None:
    number: int | float | None
    if type(value) is int:
        number = value  # a number, as most listings send it
    elif type(value) is str and len(value) < 24 and value.isascii() and value.isdigit():
        number = int(value)  # the documented form, e.g. "1555492246000": skip the regex
    elif isinstance(value, str) and not _NUMBER_RE.fullmatch(value.strip()):
        return _iso_time(value.strip())
    else:
        number = as_number(value)
    if number is None or number <= 0:
        return None
    for bound, micros_per_unit in _TIME_BANDS:
        if number < bound:
            if isinstance(number, int) and micros_per_unit >= 1:
                micros = number * int(micros_per_unit)  # exact, no float rounding
            else:
                micros = round(number * micros_per_unit)
            try:
                return EPOCH + timedelta(microseconds=micros)
            except OverflowError:
                return None
    return None


def _iso_time(text: str) -> datetime | None:
    if not 10 <= len(text) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # the zone is a guess (UTC? Asia/Shanghai?): better none than 8 h off
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def clean(text: str, limit: int) -> str:
    """Server text made safe for a message: no controls or escapes, one line, bounded."""
    text = UNSAFE_RE.sub("\ufffd", _SPACES_RE.sub(" ", text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sniff_request_id(raw: bytes) -> str | None:
    # A cut-off or XML body often still carries the request id support will ask for.
    for pattern in _REQUEST_ID_RES:
        match = pattern.search(raw)
        if match:
            return match.group(1).decode()
    return None


def _scrub_surrogates(value: Any) -> Any:
    """Replace lone surrogates (legal as JSON escapes) that would crash any UTF-8 output."""

    def fix(text: str) -> str:
        return _LONE_SURROGATE_RE.sub("\ufffd", text)

    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:  # iterative: the tree can be as deep as the JSON parser allowed
        parent, key = stack.pop()
        node = parent[key]
        if isinstance(node, str):
            parent[key] = fix(node)
        elif isinstance(node, list):
            stack.extend((node, i) for i in range(len(node)))
        elif isinstance(node, dict):
            if any(_LONE_SURROGATE_RE.search(k) for k in node):
                node = {fix(k): v for k, v in node.items()}
                parent[key] = node
            stack.extend((node, k) for k in node)
    return root[0]


# --- shared payload shapes ---------------------------------------------------------------------


def page_of(
    container: Any,
    name: str,
    body: Mapping[str, Any],
    *,
    page_number: int,
    page_size: int,
    item_key: str,
    build: Callable[[Mapping[str, Any]], T],
) -> Page[T]:
    """A paged list `{TotalCount, PageNumber, PageSize, List}` (or the bare list) → one Page.

    The page size is the one asked for, unless the server says it used a smaller one (it caps at
    100): a short page must mean the end. `TotalCount` is only filled on page 1, so a total that
    is missing, negative, or smaller than the records already seen (the 0 of later pages) is
    unknown (None).
    """
    paged: Mapping[str, Any]
    if isinstance(container, list | tuple):
        paged = {"List": container}  # the items themselves, without the paging envelope
    else:
        paged = payload(container, name, body) or {}
    listed = paged.get("List", paged.get(item_key))
    items = tuple(build(item) for item in as_items(listed, item_key))
    served_size = as_int(paged.get("PageSize"))
    if served_size is not None and 0 < served_size < page_size:
        page_size = served_size
    total = as_int(paged.get("TotalCount"))
    if total is not None and total < max(page_number - 1, 0) * page_size + len(items):
        total = None
    return Page(items=items, page_number=page_number, page_size=page_size, total=total)


def signed_url(body: Mapping[str, Any], value: Any, name: str) -> str:
    """A download URL from the server, without the stray quotes the docs warn about; malformed
    when it is missing, holds spaces or controls, or is not http(s)."""
    url = as_text(value).strip(" \t\r\n\"'\\")
    if not url:
        malformed(body, f"the answer has no {name}")
    if UNSAFE_RE.search(url) or any(c.isspace() for c in url):
        malformed(body, f"the {name} contains spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:
        malformed(body, f"the {name} is not a URL")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        malformed(body, f"the {name} is not an http(s) URL")
    return url


def url_file_name(url: str) -> str:
    """The last path segment of a URL, decoded: a file name when the answer gives none."""
    return posixpath.basename(unquote(urlsplit(url).path))
