"""An error as plain lines for a terminal: what went wrong, what to do, the id to quote.

The one shape every headless command prints and the doctor reports; server text is scrubbed of
credentials and neutralised for the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccc_tui.api.errors import CccError, scrub_message
from ccc_tui.calls.text import safe_text

if TYPE_CHECKING:
    from ccc_tui.api.auth import AccessKey

MESSAGE_CELLS = 400


def error_lines(error: CccError, key: AccessKey | None = None, *, context: str = "") -> list[str]:
    """`error: [context: ]code: message`, then `  hint: …` and `  request id: …` when known."""
    where = f"{context}: " if context else ""
    message = safe_text(scrub_message(error.message, key), MESSAGE_CELLS)
    lines = [f"error: {where}{error.code}: {message}"]
    if error.hint:
        lines.append(f"  hint: {error.hint}")
    if error.request_id:
        lines.append(f"  request id: {safe_text(error.request_id, 80)}")
    return lines
