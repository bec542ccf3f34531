"""A call written for a ticket: Markdown and JSON side by side, never over an earlier export.

A user may have added notes to `call-<id>.md`: a second export takes `call-<id> (2).md` and
`call-<id> (2).json`, the pair always sharing a name. Files are 0600 in 0700 folders and appear
whole or not at all (calls/files). Blocking: the app runs it in a thread worker.
"""

from __future__ import annotations

import contextlib
import os
from datetime import tzinfo
from pathlib import Path

from ccc_tui.api.models import Call
from ccc_tui.calls.downloads import safe_filename
from ccc_tui.calls.export import call_to_dict, json_text, render_markdown
from ccc_tui.calls.files import FILE_MODE, atomic_file, ensure_private_dir

SUFFIXES = (".md", ".json")


def _reserve_pair(directory: Path, stem: str) -> tuple[Path, Path]:
    """Claim `stem.md` and `stem.json` (or `stem (n).…`) with exclusive creates."""
    number = 1
    while True:
        name = stem if number == 1 else f"{stem} ({number})"
        paths = tuple(directory / f"{name}{suffix}" for suffix in SUFFIXES)
        claimed: list[Path] = []
        try:
            for path in paths:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
                claimed.append(path)
        except FileExistsError:
            for path in claimed:
                path.unlink(missing_ok=True)
            number += 1
            continue
        return paths[0], paths[1]


def export_call(
    call: Call, directory: Path, *, tz: tzinfo | None = None, language: str = "en"
) -> tuple[Path, Path]:
    """Write the call's Markdown and JSON into `directory`; returns (markdown, json) paths."""
    ensure_private_dir(directory)
    stem = safe_filename(f"call-{call.contact_id}", fallback="call")
    markdown, data = _reserve_pair(directory, stem)
    try:
        with atomic_file(markdown) as out:
            out.write(render_markdown(call, tz=tz, language=language).encode("utf-8"))
        with atomic_file(data) as out:
            text = json_text(call_to_dict(call), indent=2) + "\n"
            out.write(text.encode("utf-8"))
    except BaseException:
        for path in (markdown, data):
            with contextlib.suppress(OSError):
                if path.stat().st_size == 0:  # only our placeholders, never an earlier export
                    path.unlink()
        raise
    return markdown, data
