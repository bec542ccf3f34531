"""The app's log file: `<user log dir>/ccc-tui.log` (what `ccc-tui config path` prints), rotated,
0600 in a 0700 folder, and fed only by ccc-tui's own loggers.

Only `ccc_tui.*` records go there: httpx logs each request URL, whose query holds the AccessKey
id and the signature. ccc-tui itself never logs secrets (a test sweeps the file for them).
"""

from __future__ import annotations

import io
import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from ccc_tui.calls.files import FILE_MODE, ensure_private_dir

LOG_NAME = "ccc-tui.log"
MAX_BYTES = 1_000_000
BACKUPS = 3


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler whose files are created 0600 (the stock one follows the umask)."""

    def _open(self) -> io.TextIOWrapper:
        ensure_private_dir(Path(self.baseFilename).parent)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        stream = os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)
        assert isinstance(stream, io.TextIOWrapper)  # text mode always gives one
        return stream


def start_log_file(directory: Path, level: int = logging.INFO) -> Path | None:
    """Send ccc-tui's log records to `directory/ccc-tui.log`; None when it cannot be written
    (a read-only home, say): the app runs without a log rather than not at all."""
    path = directory / LOG_NAME
    try:
        handler = PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("ccc_tui")
    logger.addHandler(handler)
    logger.setLevel(min(logger.level or level, level))
    return path
