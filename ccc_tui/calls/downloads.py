"""Save recordings to disk: a safe local file name for a server-chosen one, and the download itself.

No Textual here: the call screen runs `download_recording` in a worker and shows the progress.
"""

from __future__ import annotations

import asyncio
import filecmp
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ccc_tui.api.errors import CccError
from ccc_tui.api.models import Recording
from ccc_tui.calls.files import FILE_MODE, ensure_private_dir, sync_dir

if TYPE_CHECKING:
    from ccc_tui.api.client import CccClient

__all__ = [
    "MAX_NAME_BYTES",
    "DownloadFileError",
    "SavedRecording",
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


def _same_names(directory: Path, name: str) -> Iterator[Path]:
    """`name`, `name (2)`, `name (3)`… for as long as they exist."""
    stem, suffix = os.path.splitext(name)
    if not stem:
        stem, suffix = name, ""
    candidate, number = directory / name, 1
    while os.path.lexists(candidate):
        yield candidate
        number += 1
        candidate = directory / f"{stem} ({number}){suffix}"


def _same_file(a: Path, b: Path) -> bool:
    """Byte for byte (sizes first, so a differing file is rarely read); a symlink never matches."""
    try:
        return b.is_file() and not b.is_symlink() and filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


# One placement at a time, so two downloads of one file finishing together agree on where it is.
_PLACING = threading.Lock()


def _place(tmp: Path, directory: Path, name: str) -> SavedRecording:
    """Move the complete download `tmp` to its name, or drop it when a file of that name (or of a
    numbered variant) already holds the same bytes."""
    with _PLACING:
        for existing in _same_names(directory, name):
            if _same_file(tmp, existing):
                tmp.unlink(missing_ok=True)
                return SavedRecording(existing, already_saved=True)
        dest = _reserve(directory, name)
        os.replace(tmp, dest)
    sync_dir(directory)
    return SavedRecording(dest, already_saved=False)


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


@dataclass(frozen=True, slots=True)
class SavedRecording:
    """Where a downloaded recording is; `already_saved`: an identical file was there before."""

    path: Path
    already_saved: bool = False


async def download_recording(
    client: CccClient,
    recording: Recording,
    directory: Path | str,
    *,
    progress: ProgressCallback | None = None,
    max_mb: int | None = None,
) -> SavedRecording:
    """Fetch a fresh signed URL for `recording` and stream it into `directory`.

    The signed URL is asked for every time (they expire after an hour). The data goes to a 0600
    temp file; when complete it takes a safe, unused name, unless a file of that name (or a
    numbered variant of it) already has the same bytes: then that file is kept and the download
    dropped (compared in a thread, off the caller's loop). On any failure or cancellation nothing
    is left behind. Raises CccError (DownloadFileError for local file-system trouble).

    `max_mb` (the profile's max_download_mb) caps the size; None keeps the client's limit. The
    client bounds the time, and retries a failing attempt into the same, emptied, temp file.
    """
    link = await client.get_download_link(recording.file_name)
    directory = Path(directory).expanduser()
    name = safe_filename(recording.file_name)
    try:
        ensure_private_dir(directory)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise _file_error(exc, directory) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), FILE_MODE)
            limits = client.download_limits
            if max_mb is not None:
                limits = replace(limits, max_bytes=max_mb * 1024 * 1024)
            await client.stream_download(link.url, out, progress=progress, limits=limits)
            out.flush()
            os.fsync(out.fileno())
        return await asyncio.to_thread(_place, tmp, directory, name)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
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
