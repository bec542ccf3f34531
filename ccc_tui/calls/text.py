"""Make server text safe and tidy for a terminal, and format durations — shared by the TUI and the
headless output, so this module imports neither Textual nor Rich.

Why no Rich: `ccc-tui show` must stay fast and light. Display width is therefore measured here with
`unicodedata` plus the few grapheme rules that matter for names (combining marks, ZWJ sequences,
emoji modifiers, VS16). It agrees with `rich.cells.cell_len` on ASCII, Latin, CJK, full-width
forms and common emoji (a test holds the two together); the TUI measures with Rich itself.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import timedelta
from functools import cache, lru_cache
from typing import Literal

__all__ = [
    "ELLIPSIS",
    "Align",
    "cell_width",
    "char_width",
    "cut",
    "fit",
    "format_clock",
    "format_duration",
    "format_offset",
    "safe_text",
]

ELLIPSIS = "…"

Align = Literal["left", "right", "center"]

# A terminal acts on these rather than printing them. String sequences (OSC — which includes OSC 52
# clipboard writes —, DCS, SOS, PM, APC) run to BEL or ST; an unterminated one is dropped to the end,
# exactly as a terminal would swallow it.
_ESCAPES = r"""
      (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]                          # CSI …final
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) .*? (?:\x07|\x1b\\|\x9c|\Z)  # OSC/DCS/SOS/PM/APC
    | \x1b [ -/]* [0-~]                                             # other two-byte escapes
"""
_SURROGATES = r"[\ud800-\udfff]"
_NEWLINES = r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]"
# Bidi embeddings/overrides and isolates can make text read differently from what it is.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Remaining C0, DEL and C1 become a visible replacement so that tampering shows; NUL just goes.
_CONTROLS: dict[int, str | None] = {c: "\ufffd" for c in [*range(0x20), *range(0x7F, 0xA0)]}
_CONTROLS.update({0x00: None, 0x09: " ", 0x0A: "\n"})
_CONTROLS.update(_BIDI)

_VS16 = "\ufe0f"
_ZWJ = "\u200d"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compiled on first need, not at import (~1 ms before the first frame): most text is
    printable ASCII and never needs them."""
    return (
        re.compile(_SURROGATES),
        re.compile(_ESCAPES, re.VERBOSE | re.DOTALL),
        re.compile(_NEWLINES),
    )


def safe_text(value: object, max_len: int | None = None, *, multiline: bool = False) -> str:
    """Server text made inert for a terminal.

    Escape sequences are removed whole; other control characters become U+FFFD (NUL and bidi
    controls are dropped, a tab becomes a space); line breaks become spaces unless `multiline`.
    CJK and emoji are kept. With `max_len`, the result is cut to that many display cells with "…".
    `None` gives "".
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii() or not text.isprintable():
        surrogates, escapes, newlines = _patterns()
        text = surrogates.sub("\ufffd", text)  # lone surrogates cannot even be encoded
        text = escapes.sub("", text)
        text = newlines.sub("\n" if multiline else " ", text)
        text = text.translate(_CONTROLS)
    if max_len is not None:
        text = cut(text, max_len)
    return text


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Display cells of one code point on its own: 0, 1 or 2."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    if code < 0x7F:
        return 1
    if 0x1F3FB <= code <= 0x1F3FF or 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF:
        return 0  # emoji skin-tone modifiers and Hangul medial/final jamo join the previous one
    category = unicodedata.category(char)
    if category in ("Mn", "Me") or (category == "Cf" and code != 0xAD):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _widens_with_vs16(char: str) -> bool:
    # Text-default symbols that VS16 turns into (wide) emoji: ❤️, ☎️, 1️⃣, ©️ …
    return char in "#*0123456789\xa9\xae" or (ord(char) >= 0x2000 and char_width(char) == 1)


def _clusters(text: str) -> list[tuple[str, int]]:
    """Split into display clusters with their widths (zero-width marks ride on the previous one)."""
    clusters: list[tuple[str, int]] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if clusters and char == _ZWJ:
            # The joined character draws inside the previous glyph.
            joined = text[index : index + 2]
            prev, width = clusters[-1]
            clusters[-1] = (prev + joined, width)
            index += len(joined)
            continue
        if clusters and char == _VS16:
            prev, width = clusters[-1]
            if width == 1 and _widens_with_vs16(prev[-1]):
                width = 2
            clusters[-1] = (prev + char, width)
            index += 1
            continue
        width = char_width(char)
        if width == 0 and clusters:
            prev, prev_width = clusters[-1]
            clusters[-1] = (prev + char, prev_width)
        else:
            clusters.append((char, width))
        index += 1
    return clusters


def cell_width(text: str) -> int:
    """Display cells `text` takes in a terminal (CJK and most emoji count 2)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(width for _, width in _clusters(text))


def _count(clusters: list[tuple[str, int]], width: int) -> tuple[int, int]:
    """How many of `clusters`, from the front, fit in `width` cells, and the cells they take."""
    used = 0
    for taken, (_, w) in enumerate(clusters):
        if used + w > width:
            return taken, used
        used += w
    return len(clusters), used


def _join(clusters: list[tuple[str, int]]) -> str:
    return "".join(chunk for chunk, _ in clusters)


def cut(text: str, width: int, *, where: Literal["end", "middle", "start"] = "end") -> str:
    """`text` cut to at most `width` cells, "…" marking the cut when something was cut.

    `where` the cut goes: at the end (the usual), in the middle (file names, which differ at the
    end and keep their extension; under 6 cells it goes at the end) or at the start (a path,
    whose file name matters most).
    """
    if width <= 0:
        return ""
    if text.isascii() and text.isprintable():
        if len(text) <= width:
            return text
        clusters = [(char, 1) for char in text]
    else:
        clusters = _clusters(text)
        if sum(w for _, w in clusters) <= width:
            return text
    room = width - 1  # one cell for the ellipsis
    if where == "start":
        back, _ = _count(clusters[::-1], room)
        return ELLIPSIS + _join(clusters[len(clusters) - back :])
    if where == "middle" and width >= 6:
        back, used = _count(clusters[::-1], room // 2)
        front, _ = _count(clusters, room - used)
        return _join(clusters[:front]) + ELLIPSIS + _join(clusters[len(clusters) - back :])
    front, _ = _count(clusters, room)
    return _join(clusters[:front]) + ELLIPSIS


def fit(value: object, width: int, *, align: Align = "left") -> str:
    """`value` as safe text of exactly `width` cells: cut with "…" or padded with spaces.

    A wide character that would straddle the edge is left out and the gap padded, so columns of
    CJK text stay aligned.
    """
    if width <= 0:
        return ""
    text = cut(safe_text(value), width)
    pad = width - cell_width(text)
    if align == "right":
        return " " * pad + text
    if align == "center":
        return " " * (pad // 2) + text + " " * (pad - pad // 2)
    return text + " " * pad


def _whole_seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _format_span(
    seconds: float | timedelta | None, forms: tuple[str, str, str], *, rounded: bool
) -> str:
    """A duration in whole seconds (rounded, or truncated like a clock) as the first of `forms`
    (over an hour, minutes, seconds) that applies, filled with {sign}, {h}, {m} and {s}; ""
    when unknown and "?" for NaN or infinity."""
    if seconds is None:
        return ""
    value = _whole_seconds(seconds)
    if not math.isfinite(value):
        return "?"
    minutes, secs = divmod(math.floor(abs(value) + (0.5 if rounded else 0.0)), 60)
    hours, minutes = divmod(minutes, 60)
    form = forms[0] if hours else forms[1] if minutes else forms[2]
    return form.format(sign="-" if value < 0 else "", h=hours, m=minutes, s=secs)


def format_duration(seconds: float | timedelta | None) -> str:
    """A compact duration: "0s", "9s", "1m05s", "1h02m" (seconds are dropped past an hour).

    Rounded to the nearest second; `None` (unknown) gives "" so empty cells stay empty; a negative
    value (bad server data) keeps its sign rather than being hidden.
    """
    forms = ("{sign}{h}h{m:02d}m", "{sign}{m}m{s:02d}s", "{sign}{s}s")
    return _format_span(seconds, forms, rounded=True)


def format_clock(seconds: float | timedelta | None) -> str:
    """A stopwatch reading: "0:13", "3:02", "1:02:03" (whole seconds, truncated like a clock)."""
    forms = ("{sign}{h}:{m:02d}:{s:02d}", "{sign}{m}:{s:02d}", "{sign}{m}:{s:02d}")
    return _format_span(seconds, forms, rounded=False)


def format_offset(offset: float | timedelta | None) -> str:
    """An offset from the call's start: "+0:13", "+1:02:03", "-0:02" (event before the start)."""
    if offset is None:
        return ""
    clock = format_clock(offset)
    return clock if clock.startswith(("-", "?")) else "+" + clock
