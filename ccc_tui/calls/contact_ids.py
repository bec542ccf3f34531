"""What a ContactId may look like, checked before any request is made. No Textual."""

from __future__ import annotations

import re

CONTACT_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def normalise_contact_id(raw: str) -> str:
    """Pasted ids often carry spaces or a newline: drop all white space, then check the shape."""
    value = "".join(raw.split())
    if CONTACT_ID_RE.fullmatch(value):
        return value
    if not value:
        raise ValueError("a ContactId cannot be empty")
    if len(value) > 64:
        raise ValueError(f"a ContactId has at most 64 characters (this one has {len(value)})")
    bad = sorted({c for c in value if not (c.isascii() and (c.isalnum() or c in "._-"))})
    shown = " ".join(repr(c) for c in bad[:5])
    raise ValueError(f"a ContactId is letters, digits, '-', '_' and '.'; not {shown}")
