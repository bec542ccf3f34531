"""What a ContactId may look like, checked before any request is made. No Textual."""

from __future__ import annotations

import re
import unicodedata

CONTACT_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# ContactIds of both API versions carry digits (2017: all digits; 2.0: `job-…` and digits).
_HAS_DIGIT = re.compile(r"\d")


def normalise_contact_id(raw: str) -> str:
    """Pasted ids often carry spaces or a newline, or come full-width from a chat app (１０９６…):
    fold the width (NFKC), drop all white space, then check the shape."""
    value = "".join(unicodedata.normalize("NFKC", raw).split())
    if CONTACT_ID_RE.fullmatch(value):
        return value
    if not value:
        raise ValueError("a ContactId cannot be empty")
    if len(value) > 64:
        raise ValueError(f"a ContactId has at most 64 characters (this one has {len(value)})")
    bad = sorted({c for c in value if not (c.isascii() and (c.isalnum() or c in "._-"))})
    shown = " ".join(repr(c) for c in bad[:5])
    raise ValueError(f"a ContactId is letters, digits, '-', '_' and '.'; not {shown}")


def looks_like_contact_id(raw: str) -> str | None:
    """The normalised id when `raw` could be one (valid, with a digit), else None: the palette
    offers to open only these, not every word typed into it."""
    try:
        value = normalise_contact_id(raw)
    except ValueError:
        return None
    return value if _HAS_DIGIT.search(value) else None
