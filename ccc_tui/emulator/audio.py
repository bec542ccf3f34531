"""Small synthetic recordings: 8 kHz mono 16-bit WAV, deterministic bytes per file name.

The sound is two alternating "voices" (tone bursts with a little noise) and pauses, long enough to
follow the recording's duration up to a cap, so a file stays well under 1 MB and a player has
something to play.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import random
import wave
from array import array

RATE = 8000
MAX_SECONDS = 30  # 30 s at 16 kB/s: about 480 kB
_SEGMENT = RATE // 4  # 250 ms building blocks
_VOICE_HZ = (196.0, 220.0, 247.0, 262.0, 294.0, 330.0, 349.0, 392.0)


@functools.cache
def _segment(kind: int) -> bytes:
    """One 250 ms block: a voiced tone (kind < len(_VOICE_HZ)) or a quiet hiss (the last kind)."""
    samples = array("h")
    if kind == len(_VOICE_HZ):
        noise = random.Random(0)
        samples.extend(int(noise.uniform(-300, 300)) for _ in range(_SEGMENT))
    else:
        hz = _VOICE_HZ[kind]
        for i in range(_SEGMENT):
            t = i / RATE
            envelope = math.sin(math.pi * i / _SEGMENT)  # no clicks between blocks
            value = math.sin(2 * math.pi * hz * t) + 0.35 * math.sin(4 * math.pi * hz * t)
            samples.append(int(9000 * envelope * value))
    if samples.itemsize != 2:  # pragma: no cover - array('h') is 16-bit on every CPython
        raise RuntimeError("16-bit samples expected")
    return samples.tobytes() if _little_endian() else _swapped(samples)


def _little_endian() -> bool:
    return array("h", [1]).tobytes() == b"\x01\x00"


def _swapped(samples: array[int]) -> bytes:  # pragma: no cover - big-endian hosts only
    copy = array("h", samples)
    copy.byteswap()
    return copy.tobytes()


def seconds_for(duration_s: int | float | None) -> int:
    """How many seconds of audio a recording of this duration gets."""
    try:
        seconds = int(duration_s or 0)
    except (TypeError, ValueError):
        seconds = 0
    return max(1, min(seconds, MAX_SECONDS))


def wav_bytes(file_name: str, duration_s: int | float | None) -> bytes:
    """The WAV file for a recording: the same name and duration always give the same bytes."""
    return _wav(file_name, seconds_for(duration_s))


@functools.lru_cache(maxsize=16)
def _wav(file_name: str, seconds: int) -> bytes:
    digest = hashlib.sha256(file_name.encode("utf-8", "surrogatepass")).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    voices = (rng.randrange(4), 4 + rng.randrange(4))  # agent low, customer high
    hiss = len(_VOICE_HZ)
    blocks: list[bytes] = []
    speaker = 0
    for _ in range(seconds * 4):
        roll = rng.random()
        if roll < 0.2:
            blocks.append(_segment(hiss))  # a pause
        else:
            if roll > 0.85:
                speaker ^= 1  # the other side talks
            blocks.append(_segment(voices[speaker]))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(blocks))
    return out.getvalue()
