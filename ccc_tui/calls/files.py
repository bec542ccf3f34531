"""Files that hold call data or settings: private folders, and writes that are whole or absent.

Everything the app writes that holds call data (history, exports, downloads) or configuration is
0600 in 0700 folders. A write goes to a temp file beside its destination and is renamed into place
only when complete, so a crash, a full disk or a cancelled download leaves the old file or none,
never half of one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700
# Settings and credential files are a few kB; anything much larger is not one of them.
MAX_SETTINGS_BYTES = 1024 * 1024
_BOM = b"\xef\xbb\xbf"


class UnreadableFileError(Exception):
    """A settings file that is not read: `problem` says why in plain words (never its content).

    `line` is set when the bytes are not UTF-8 text (the line of the first bad byte)."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem, self.line = path, problem, line


def read_settings_text(path: Path, *, limit: int = MAX_SETTINGS_BYTES) -> str:
    """The UTF-8 text of a small regular file (a leading BOM dropped).

    FileNotFoundError when it does not exist; UnreadableFileError for anything else that is not a
    regular file of at most `limit` bytes of UTF-8 — a FIFO or a device is refused without waiting
    on it (opened non-blocking, checked with fstat), a symlink is judged by its target.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise UnreadableFileError(path, "a directory, not a file") from None
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFileError(path, "a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFileError(path, f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise UnreadableFileError(path, _too_large(info.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the file may grow after fstat: read at most limit + 1 bytes
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise UnreadableFileError(path, _too_large(size, limit))
    raw = b"".join(chunks).removeprefix(_BOM)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableFileError(path, "not UTF-8 text", line) from None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _too_large(size: int, limit: int) -> str:
    shown = f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size} bytes"
    return f"too large ({shown}; a settings file is at most {limit // 1024} KiB)"


def ensure_private_dir(directory: Path) -> None:
    """Create the missing folders of `directory` 0700; folders that exist are left as they are."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another writer made it meanwhile
            path.mkdir(mode=DIR_MODE)
            os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory} is not a directory")


@contextlib.contextmanager
def atomic_file(dest: Path, *, suffix: str = ".tmp") -> Iterator[BinaryIO]:
    """A 0600 binary file that becomes `dest` when the block ends normally, and vanishes when it
    raises (cancellation included). A symlinked destination is written through to its target."""
    dest = Path(os.path.realpath(dest))
    ensure_private_dir(dest.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix, dir=dest.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, dest)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    sync_dir(dest.parent)


def write_text_atomic(path: Path, text: str) -> None:
    """`text` as UTF-8 (newlines kept as given) into `path`, whole or not at all."""
    with atomic_file(path) as out:
        out.write(text.encode("utf-8"))


def sync_dir(directory: Path) -> None:
    """Make a rename itself durable (POSIX); best effort elsewhere."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
