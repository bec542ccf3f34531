"""Files that hold call data or settings: private folders, and writes that are whole or absent.

Everything the app writes that holds call data (history, exports, downloads) or configuration is
0600 in 0700 folders. A write goes to a temp file beside its destination and is renamed into place
only when complete, so a crash, a full disk or a cancelled download leaves the old file or none,
never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


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
