"""`e` on the call screen: Markdown and JSON side by side, never over an earlier export."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ccc_tui.api import v2017
from ccc_tui.calls.export_files import export_call
from tests.seeds import seed_events_body

CONTACT = "1096645650"


def _call():  # type: ignore[no-untyped-def]
    return v2017.parse_call(seed_events_body(), CONTACT)


def test_an_export_writes_the_pair_privately(tmp_path: Path) -> None:
    directory = tmp_path / "exports"
    markdown, data = export_call(_call(), directory)
    assert (markdown.name, data.name) == (f"call-{CONTACT}.md", f"call-{CONTACT}.json")
    assert CONTACT in markdown.read_text(encoding="utf-8")
    assert json.loads(data.read_text(encoding="utf-8"))["contact_id"] == CONTACT
    if os.name == "posix":
        assert stat.S_IMODE(markdown.stat().st_mode) == 0o600
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_a_second_export_never_overwrites_notes_in_the_first(tmp_path: Path) -> None:
    first, _ = export_call(_call(), tmp_path / "x")
    first.write_text("my notes\n", encoding="utf-8")
    second, second_json = export_call(_call(), tmp_path / "x")
    assert first.read_text(encoding="utf-8") == "my notes\n"
    assert (second.name, second_json.name) == (f"call-{CONTACT} (2).md", f"call-{CONTACT} (2).json")


def test_the_pair_shares_a_name_when_only_one_half_exists(tmp_path: Path) -> None:
    (tmp_path / f"call-{CONTACT}.json").write_text("{}")
    markdown, data = export_call(_call(), tmp_path)
    assert markdown.stem == data.stem == f"call-{CONTACT} (2)"
    assert (tmp_path / f"call-{CONTACT}.json").read_text() == "{}"
    assert not (tmp_path / f"call-{CONTACT}.md").exists()


def test_a_failed_write_leaves_no_placeholder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ccc_tui.calls import export_files

    def boom(*args: object, **kwargs: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_files, "render_markdown", boom)
    with pytest.raises(OSError):
        export_call(_call(), tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
