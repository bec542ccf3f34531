"""An inline panel for a failure: code, message, plain-words hint and request id."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ccc_tui.api.auth import AccessKey
from ccc_tui.api.errors import CccError, scrub_message
from ccc_tui.calls.text import safe_text


def error_text(
    error: CccError, *, title: str | None = None, key: AccessKey | None = None
) -> Text:
    """Server text goes in as plain Text: `[bold]` in a message shows as `[bold]`. With `key`, the
    message is scrubbed of it too (a check of a key the user just typed)."""
    text = Text()
    if title:
        text.append(title + "\n", style="bold")
    text.append(f"{error.code}", style="bold")
    text.append(f": {safe_text(scrub_message(error.message, key), 300)}\n")
    if error.hint:
        text.append("Hint: ", style="bold")
        text.append(safe_text(error.hint, 400) + "\n")
    if error.request_id:
        text.append("Request id: ", style="bold")
        text.append(safe_text(error.request_id, 80) + "\n")
    text.rstrip()
    return text


def rejection_text(error: CccError, key: AccessKey | None, title: str) -> Text:
    """A refused action in the settings and first-run screens: `✗ title`, then the error."""
    return error_text(error, title=f"✗ {title}", key=key)


class ErrorPanel(Static):
    DEFAULT_CSS = """
    ErrorPanel {
        border: round $error;
        padding: 0 1;
        height: auto;
        max-height: 12;
    }
    ErrorPanel.-hidden { display: none; }
    """

    def show_error(self, error: CccError, *, title: str | None = None) -> None:
        self.update(error_text(error, title=title))
        self.remove_class("-hidden")

    def clear(self) -> None:
        self.update("")
        self.add_class("-hidden")
