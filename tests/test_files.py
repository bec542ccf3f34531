"""Private folders and whole-or-absent writes (calls/files.py), shared by config, downloads, exports."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ccc_tui.calls import files


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="modes")
def test_missing_folders_are_made_0700_and_files_0600(tmp_path: Path) -> None:
    dest = tmp_path / "a" / "b" / "call.json"
    files.write_text_atomic(dest, "{}\n")
    assert dest.read_text() == "{}\n"
    assert _mode(dest) == 0o600
    assert _mode(tmp_path / "a") == 0o700 and _mode(tmp_path / "a" / "b") == 0o700


@pytest.mark.skipif(os.name != "posix", reason="modes")
def test_an_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    files.write_text_atomic(shared / "x.txt", "x")
    assert _mode(shared) == 0o755


def test_a_failure_inside_the_block_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    dest = tmp_path / "config.toml"
    dest.write_text("old")
    with pytest.raises(RuntimeError), files.atomic_file(dest) as out:
        out.write(b"half of the new")
        raise RuntimeError("cancelled")
    assert dest.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_the_file_appears_only_when_complete(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    dest = tmp_path / "r.wav"
    with files.atomic_file(dest, suffix=".part") as out:
        out.write(b"RIFF")
        assert not dest.exists()
        [temp] = list(tmp_path.iterdir())
        assert temp.name.startswith(".r.wav.") and temp.name.endswith(".part")
    assert dest.read_bytes() == b"RIFF"


def test_a_path_that_is_a_file_cannot_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    with pytest.raises(NotADirectoryError):
        files.ensure_private_dir(tmp_path / "taken")
