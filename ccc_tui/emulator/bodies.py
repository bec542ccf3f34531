"""Response bodies: the XML shape the service's JSON is derived from, and that JSON.

A list under key K becomes repeated <K> elements inside K's parent, so
`{"Events": {"CallEventDetail": [a, b]}}` is `<Events><CallEventDetail>a</CallEventDetail>
<CallEventDetail>b</CallEventDetail></Events>`, exactly as in the seed documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

# Characters XML 1.0 cannot carry even as references (NUL, most C0 controls, lone surrogates).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NAME_OK = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")
_NAME_BAD_CHAR = re.compile(r"[^A-Za-z0-9_.\-]")


class RawJson(bytes):
    """A value already serialised by `json_bytes` (a list row cached by the data set): `to_json`
    splices it in as it is. Only JSON bodies may hold one (`to_xml` cannot read it)."""


class RawList(list[RawJson]):
    """A JSON array of `RawJson` items."""


def json_bytes(value: Any) -> bytes:
    # Compact like the service; non-ASCII text stays UTF-8, control characters are \u-escaped.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_json(payload: Mapping[str, Any]) -> bytes:
    """The body: `json_bytes` of the payload, with its `RawJson` / `RawList` values spliced in
    (the same bytes as serialising the values they were made from)."""
    if not _holds_raw(payload, 0):
        return json_bytes(payload)
    return _spliced(payload)


def _holds_raw(value: Any, depth: int) -> bool:
    """Whether a `RawList` or `RawJson` sits in the payload's objects (a few levels down)."""
    if isinstance(value, RawJson | RawList):
        return True
    if isinstance(value, Mapping) and depth < 4:
        return any(_holds_raw(v, depth + 1) for v in value.values())
    return False


def _spliced(value: Any) -> bytes:
    if isinstance(value, RawJson):
        return bytes(value)
    if isinstance(value, RawList):
        return b"[" + b",".join(value) + b"]"
    if isinstance(value, Mapping):
        return (
            b"{"
            + b",".join(json_bytes(str(k)) + b":" + _spliced(v) for k, v in value.items())
            + b"}"
        )
    return json_bytes(value)


def xml_text(value: str) -> str:
    """Text XML can carry: characters it forbids become U+FFFD (escaping is ElementTree's job)."""
    return _XML_ILLEGAL.sub("\ufffd", value)


def xml_name(key: str) -> str:
    """A tag for a key. Open-ended maps (DetailData) can hold keys that are not XML names."""
    if _NAME_OK.match(key) and not key.lower().startswith("xml"):
        return key
    name = _NAME_BAD_CHAR.sub("_", key)
    return name if _NAME_OK.match(name) else f"_{name}"


def to_xml(root: str, payload: Mapping[str, Any]) -> bytes:
    from xml.etree import ElementTree  # only XML requests pay for this import

    top = ElementTree.Element(root)
    _fill(ElementTree.SubElement, top, payload)
    return (XML_DECLARATION + ElementTree.tostring(top, encoding="unicode")).encode("utf-8")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return xml_text(str(value))


def _fill(sub: Any, parent: Any, payload: Mapping[str, Any]) -> None:
    for key, value in payload.items():
        tag = xml_name(str(key))
        items = value if isinstance(value, list) else [value]
        for item in items:
            child = sub(parent, tag)
            if isinstance(item, Mapping):
                _fill(sub, child, item)
            else:
                child.text = _scalar(item)
