"""The modal dialog box: one place for how every small question or overlay looks.

A `Dialog` centres a bordered box on the dimmed screen it covers; subclasses give only what goes
in the box (`compose_body`) and, where they differ, a width or border colour. The key line at the
bottom of a box takes the class `dialog-keys`.
"""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    # Subclasses' DEFAULT_CSS wins over this on equal specificity (Textual ranks it by depth in
    # the class hierarchy), so `ConfirmScreen > Vertical { border: … }` overrides a line here.
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    Dialog .dialog-keys { color: $foreground-muted; padding: 1 0 0 0; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The box's content, top to bottom."""
        yield from ()
