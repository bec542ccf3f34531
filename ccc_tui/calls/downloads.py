"""Save recordings to disk: a safe local file name for a server-chosen one, and the download itself.

No Textual here: the call screen runs `download_recording` in a worker and shows the progress.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ccc_tui.api.errors import CccError
from ccc_tui.api.models import Recording
from ccc_tui.calls.files import atomic_file, ensure_private_dir

if TYPE_CHECKING:
    from ccc_tui.api.client import CccClient

__all__ = [
    "MAX_NAME_BYTES",
    "DownloadFileError",
    "download_recording",
    "safe_filename",
    "unique_path",
]

ProgressCallback = Callable[[int, int | None], None]

# File systems allow 255 bytes per name; the client's temp file adds ~15 and unique_path " (99)".
MAX_NAME_BYTES = 180
_MAX_SUFFIX_CHARS = 12  # ".wav", ".mp3", ".opus": anything longer is not an extension worth keeping

# Device names Windows reserves whatever the extension (CON.wav opens the console).
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)
# Characters Windows forbids in names (":" also opens NTFS alternate data streams).
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")
_SPACES = re.compile(r"\s+")


class DownloadFileError(CccError):
    """The recording could not be written locally (permissions, disk full, a bad directory)."""

    default_code = "Download.File"


def _drop_invisible(text: str) -> str:
    # Controls (Cc), format characters (Cf: bidi overrides can make "x‮vaw.exe" read as "x.wav"),
    # line/paragraph separators and surrogates never belong in a file name.
    return "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
    )


def _cut_to_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")  # never split a character


def safe_filename(name: str, fallback: str = "recording.wav") -> str:
    """A server-provided file name reduced to a harmless base name in the download directory.

    Directory parts, drive letters, `..`, control and format characters (an escape sequence
    loses its ESC and so is inert), characters Windows forbids, leading dots or dashes and
    trailing dots/spaces go; a reserved Windows device name gets a leading "_"; the result fits
    MAX_NAME_BYTES (the extension is kept) and is never empty (`fallback` is used, made safe).
    """
    text = unicodedata.normalize("NFC", str(name))
    text = _drop_invisible(text)
    # The last path component only: "../../etc/passwd" is "passwd", "C:\\x.wav" is "x.wav".
    text = _SEPARATORS.split(text)[-1]
    text = _DRIVE.sub("", text)
    text = _FORBIDDEN.sub("_", text)
    text = _SPACES.sub(" ", text)
    # A leading dot hides the file; a leading dash reads as an option to a player or shell tool.
    text = text.lstrip(" .-").rstrip(" .")
    if not text:
        return safe_filename(fallback) if fallback else "recording"
    if text.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        text = "_" + text
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem or len(suffix) > _MAX_SUFFIX_CHARS:
        stem, suffix = text, ""
    suffix = "." + suffix if suffix else ""
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        stem = _cut_to_bytes(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip(" .")
        text = stem + suffix if stem else safe_filename(fallback) if fallback else "recording"
    return text


def unique_path(directory: Path | str, name: str) -> Path:
    """`directory / name`, or `name (2)`, `name (3)`… before the extension if that one exists."""
    directory = Path(directory)
    candidate = directory / name
    if not os.path.lexists(candidate):  # lexists: a dangling symlink still takes the name
        return candidate
    stem, suffix = os.path.splitext(name)
    if not stem:  # ".wav" has no extension to splitext
        stem, suffix = name, ""
    number = 2
    while True:
        candidate = directory / f"{stem} ({number}){suffix}"
        if not os.path.lexists(candidate):
            return candidate
        number += 1


def _reserve(directory: Path, name: str) -> Path:
    """Claim a free name with an exclusive create, so two downloads of one file never collide."""
    while True:
        path = unique_path(directory, name)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path


async def download_recording(
    client: CccClient,
    recording: Recording,
    directory: Path | str,
    *,
    progress: ProgressCallback | None = None,
) -> Path:
    """Fetch a fresh signed URL for `recording` and stream it into `directory`; returns the path.

    The signed URL is asked for every time (they expire after an hour). The file is written 0600
    under a safe, unused name; on any failure or cancellation nothing is left behind. Raises
    CccError (DownloadFileError for local file-system trouble).
    """
    link = await client.get_download_link(recording.file_name)
    directory = Path(directory).expanduser()
    name = safe_filename(recording.file_name)
    try:
        ensure_private_dir(directory)
        dest = _reserve(directory, name)
    except OSError as exc:
        raise _file_error(exc, directory) from None
    try:
        with atomic_file(dest, suffix=".part") as out:
            await client.stream_download(link.url, out, progress=progress)
        return dest
    except BaseException as exc:
        # Only our empty placeholder is removed: after a failure it was never replaced.
        with contextlib.suppress(OSError):
            if dest.stat().st_size == 0:
                dest.unlink()
        if isinstance(exc, OSError):
            raise _file_error(exc, directory) from None
        raise


def _file_error(exc: OSError, directory: Path) -> DownloadFileError:
    reason = exc.strerror or type(exc).__name__
    return DownloadFileError(
        f"Could not save the recording in {directory}: {reason}.",
        hint="Check that the download directory exists, is writable and has free space "
        "(set download_dir in the profile to use another).",
    )
