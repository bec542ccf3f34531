"""A yes/no question over the current screen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ccc_tui.tui.screens.dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    """A yes/no question; y or enter confirms, n or esc declines."""

    # A warning colour: every question asked here is about discarding or deleting something.
    DEFAULT_CSS = """
    ConfirmScreen > Vertical { border: round $warning; }
    """

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", show=True),
        Binding("n,escape", "answer(False)", "No", show=True),
    ]

    def __init__(self, question: str, yes: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose_body(self) -> ComposeResult:
        # The question may name a profile, which is the user's text: plain Text, not markup.
        yield Static(Text(self.question))
        yield Static(Text(f"y {self.yes} · n cancel"), id="confirm-keys", classes="dialog-keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
