"""An inline panel for a failure: code, message, plain-words hint and request id."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ccc_tui.api.errors import CccError
from ccc_tui.calls.text import safe_text


def error_text(error: CccError, *, title: str | None = None) -> Text:
    """Server text goes in as plain Text: `[bold]` in a message shows as `[bold]`."""
    text = Text()
    if title:
        text.append(title + "\n", style="bold")
    text.append(f"{error.code}", style="bold")
    text.append(f": {safe_text(error.message, 300)}\n")
    if error.hint:
        text.append("Hint: ", style="bold")
        text.append(error.hint + "\n")
    if error.request_id:
        text.append("Request id: ", style="bold")
        text.append(safe_text(error.request_id, 80) + "\n")
    text.rstrip()
    return text


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
