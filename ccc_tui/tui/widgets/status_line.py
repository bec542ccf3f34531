"""One status line under a part of a form: plain text, coloured by how it went."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def show_status(status: Static, content: str | Text, kind: str) -> None:
    """`kind`: "error", "done" or "" (neutral). Strings become Text: no markup is interpreted."""
    status.update(content if isinstance(content, Text) else Text(content))
    status.set_class(kind == "error", "-error")
    status.set_class(kind == "done", "-done")
    status.display = bool(content)  # no blank line for an empty status at 80×24
