"""What was just copied, shown where it can be selected by hand.

Copying goes to the terminal as an OSC 52 sequence, and many terminals (and tmux with its default
`set-clipboard external`) drop it without a word. So the app never claims the text was copied: it
says it was sent, and shows the text in a read-only field the user can select over any SSH link.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TextArea

from ccc_tui.tui.screens.dialog import Dialog

__all__ = ["CopiedDialog"]

HINT = (
    "Nothing to paste? Your terminal (or tmux: set -g set-clipboard on) did not take it: "
    "select the text below by hand (shift+drag in most terminals)."
)


class CopiedDialog(Dialog[None]):
    """`text`, read-only and focusable, under a line saying what was sent to the clipboard."""

    DEFAULT_CSS = """
    CopiedDialog > Vertical { width: 76; }
    CopiedDialog #copied-what { text-style: bold; }
    CopiedDialog #copied-hint { color: $foreground-muted; margin-bottom: 1; }
    CopiedDialog #copied-text { height: auto; max-height: 10; }
    """

    BINDINGS = [Binding("escape,enter,q", "close", "Close", show=True)]

    def __init__(self, what: str, text: str, *, note: str = "") -> None:
        super().__init__()
        self.what = what
        self.text = text
        self.note = note

    def compose_body(self) -> ComposeResult:
        # `what` and `text` may hold server text (a URL, a contact id): plain Text, never markup.
        yield Static(Text(f"Sent {self.what} to the terminal's clipboard."), id="copied-what")
        hint = f"{HINT} {self.note}" if self.note else HINT
        yield Static(Text(hint), id="copied-hint")
        yield TextArea(
            self.text, read_only=True, soft_wrap=True, show_cursor=True, id="copied-text"
        )
        yield Static(Text("esc / enter close"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_close(self) -> None:
        self.dismiss(None)

