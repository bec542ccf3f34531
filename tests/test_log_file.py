"""The log file `config path` promises: written, private, rotated, ccc-tui's records only."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccc_tui.profiles import log_file


@pytest.fixture
def clean_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("ccc_tui")
    before = list(logger.handlers), logger.level
    yield logger
    for handler in logger.handlers[len(before[0]) :]:
        handler.close()
    logger.handlers[:] = before[0]
    logger.setLevel(before[1])


def test_records_go_to_a_private_file(tmp_path: Path, clean_logger: logging.Logger) -> None:
    path = log_file.start_log_file(tmp_path / "logs")
    assert path == tmp_path / "logs" / "ccc-tui.log"
    logging.getLogger("ccc_tui.calls.history").warning("moved aside to %s", "x.corrupt-1")
    logging.getLogger("httpx").warning("HTTP Request: POST https://ccc?AccessKeyId=LTAIx&Signature=y")
    text = path.read_text(encoding="utf-8")
    assert "moved aside to x.corrupt-1" in text
    assert "AccessKeyId" not in text  # other libraries' records stay out
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_file_rotates(tmp_path: Path, clean_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_file, "MAX_BYTES", 2_000)
    path = log_file.start_log_file(tmp_path)
    assert path is not None
    for n in range(200):
        logging.getLogger("ccc_tui.test").warning("line %d %s", n, "x" * 40)
    assert (tmp_path / "ccc-tui.log.1").exists()
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "ccc-tui.log").stat().st_mode) == 0o600


def test_an_unwritable_folder_means_no_log_not_no_app(tmp_path: Path, clean_logger: logging.Logger) -> None:
    (tmp_path / "taken").write_text("")
    assert log_file.start_log_file(tmp_path / "taken" / "logs") is None
