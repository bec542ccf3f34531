"""ccc_tui.calls.text: hostile server text made inert, display widths, and duration formats."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from ccc_tui.calls.text import (
    cell_width,
    cut,
    fit,
    format_clock,
    format_duration,
    format_offset,
    safe_text,
)

BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


def _inert(text: str, *, multiline: bool = False) -> bool:
    """No character a terminal would act on."""
    for char in text:
        code = ord(char)
        if char == "\n" and multiline:
            continue
        if code < 0x20 or 0x7F <= code < 0xA0 or char in BIDI or 0xD800 <= code <= 0xDFFF:
            return False
    return True


# ── safe_text ──────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("[bold]x[/]", "[bold]x[/]"),  # markup is not a terminal hazard: it stays literal text
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[38;2;255;0;0mrgb", "rgb"),
        ("\x1b]52;c;aGk=\x07after", "after"),  # OSC 52 clipboard write, BEL-terminated
        ("\x1b]52;c;aGk=\x1b\\after", "after"),  # … ST-terminated
        ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # hyperlink
        ("\x1b]0;new title", ""),  # unterminated OSC swallows the rest, as a terminal would
        ("\x1bPq#0;2;0;0;0\x1b\\x", "x"),  # DCS (sixel)
        ("\x1b_apc payload\x1b\\x", "x"),  # APC
        ("\x9b31mC1-CSI", "C1-CSI"),  # 8-bit CSI
        ("\x9d52;c;aGk=\x9cok", "ok"),  # 8-bit OSC and ST
        ("\x1bcreset", "reset"),  # RIS, a two-byte escape
        ("a\x00b", "ab"),  # NUL just goes
        ("a\x07b\x08c\x7fd", "a\ufffdb\ufffdc\ufffdd"),  # other controls show as �
        ("tab\there", "tab here"),
        ("\u202eevil\u202c", "evil"),
        ("\u2066iso\u2069", "iso"),
        ("中文 客服 😀", "中文 客服 😀"),
        ("two\r\nlines\nhere", "two lines here"),
        ("ls\u2028ps\u2029", "ls ps "),
    ],
)
def test_safe_text_neutralises(hostile: str, expected: str) -> None:
    assert safe_text(hostile) == expected


def test_safe_text_keeps_lines_when_multiline() -> None:
    assert safe_text("a\r\nb\rc\n\x1b[2Jd", multiline=True) == "a\nb\nc\nd"


def test_safe_text_other_values() -> None:
    assert safe_text(None) == ""
    assert safe_text(42) == "42"
    assert safe_text("x\ud800y") == "x\ufffdy"  # a lone surrogate could not even be printed
    assert safe_text("plain ascii") == "plain ascii"


def test_safe_text_max_len_counts_cells() -> None:
    assert safe_text("abcdef", max_len=4) == "abc…"
    assert safe_text("中文中文", max_len=5) == "中文…"
    assert cell_width(safe_text("中文中文", max_len=5)) == 5
    assert safe_text("abc", max_len=3) == "abc"
    assert safe_text("abc", max_len=0) == ""


@given(st.text(), st.booleans())
def test_safe_text_is_always_inert_and_stable(value: str, multiline: bool) -> None:
    cleaned = safe_text(value, multiline=multiline)
    assert _inert(cleaned, multiline=multiline)
    assert safe_text(cleaned, multiline=multiline) == cleaned


@given(st.text(), st.integers(min_value=0, max_value=30))
def test_safe_text_max_len_is_a_bound(value: str, width: int) -> None:
    assert cell_width(safe_text(value, max_len=width)) <= width


# ── widths ─────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "sample",
    [
        "cloudcallcenter",
        "张三",
        "售后服务组 VIP",
        "ｱｲｳ",  # half-width katakana: 1 cell each
        "ＡＢＣ",  # full-width Latin: 2 cells each
        "한국어",
        "e\u0301té",  # combining accent
        "😀👍",
        "👍🏽",  # skin-tone modifier
        "👨\u200d👩\u200d👧",  # ZWJ family
        "❤️",  # VS16 widens a text-default symbol
        "1️⃣",
        "🇨🇳",
        "Ünïcödé ñ",
        "\u200b zero width",
    ],
)
def test_cell_width_agrees_with_rich(sample: str) -> None:
    assert cell_width(sample) == cell_len(sample)


_AGREEING = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0xA1, max_codepoint=0x2FF, exclude_characters="\xad"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul syllables
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF60),  # full-width forms
    )
)


@given(_AGREEING)
def test_cell_width_agrees_with_rich_on_text(sample: str) -> None:
    assert cell_width(sample) == cell_len(sample)


@given(_AGREEING, st.integers(min_value=0, max_value=25), st.sampled_from(["left", "right"]))
def test_fit_is_exact(sample: str, width: int, align: str) -> None:
    fitted = fit(sample, width, align=align)
    assert cell_width(fitted) == width
    assert cell_len(fitted) == width


def test_fit_cuts_and_pads() -> None:
    assert fit("cloudcallcenter", 8) == "cloudca…"
    assert fit("ab", 5) == "ab   "
    assert fit("ab", 5, align="right") == "   ab"
    assert fit("中文中文", 6) == "中文… "  # the wide char that would straddle is left out
    assert fit("中", 1) == "…"
    assert fit("x", 0) == ""
    assert fit("\x1b[31mred", 5) == "red  "  # fitting makes the text safe too
    assert cut("abc", 2) == "a…"


def test_text_module_imports_neither_textual_nor_rich() -> None:
    code = (
        "import sys, ccc_tui.calls.text; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# ── formats ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, ""),
        (0, "0s"),
        (9, "9s"),
        (9.4, "9s"),
        (59.6, "1m00s"),
        (65, "1m05s"),
        (3599, "59m59s"),
        (3720, "1h02m"),
        (3725, "1h02m"),
        (100 * 3600, "100h00m"),
        (timedelta(minutes=3, seconds=2), "3m02s"),
        (-5, "-5s"),
        (float("nan"), "?"),
    ],
)
def test_format_duration(seconds: float | timedelta | None, expected: str) -> None:
    assert format_duration(seconds) == expected


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (None, ""),
        (0, "+0:00"),
        (13, "+0:13"),
        (13.9, "+0:13"),  # a clock does not round up
        (62, "+1:02"),
        (3723, "+1:02:03"),
        (timedelta(hours=10), "+10:00:00"),
        (-2, "-0:02"),
        (float("inf"), "?"),
    ],
)
def test_format_offset(offset: float | timedelta | None, expected: str) -> None:
    assert format_offset(offset) == expected


def test_format_clock() -> None:
    assert format_clock(12) == "0:12"
    assert format_clock(182) == "3:02"
    assert format_clock(timedelta(hours=1, seconds=3)) == "1:00:03"
    assert format_clock(None) == ""


def test_unicode_database_is_the_one_measured() -> None:
    # The width rules lean on unicodedata; a much older database would miss modern emoji.
    assert tuple(int(p) for p in unicodedata.unidata_version.split(".")) >= (13, 0)
