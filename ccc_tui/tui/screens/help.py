"""Help: every binding that applies on the screen it was opened from."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ccc_tui.tui.screens.dialog import Dialog

# Textual writes some keys by name; show them as a person types them.
_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "esc",
    "enter": "enter",
    "ctrl+p": "ctrl+p",
    "ctrl+q": "ctrl+q",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


def key_label(key: str) -> str:
    return _KEY_NAMES.get(key, key)


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    HelpScreen > Vertical { width: 76; }
    HelpScreen DataTable { height: auto; max-height: 18; }
    HelpScreen #help-title { text-style: bold; padding: 0 0 1 0; }
    """

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", show=True),
    ]

    def __init__(self, origin: Screen[object], title: str) -> None:
        super().__init__()
        self.origin = origin
        self.title_text = title

    def compose_body(self) -> ComposeResult:
        yield Static(f"Keys — {self.title_text}", id="help-title")
        yield DataTable(id="help-keys", cursor_type="row", show_cursor=False)
        yield Static(
            "Letter keys act only when no text field has focus. "
            "ctrl+p opens the command palette. esc closes this.",
            id="help-foot",
            classes="dialog-keys",
        )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Key", key="key", width=14)
        table.add_column("Does", key="does")
        seen: set[str] = set()
        for rows in self.binding_rows():
            for key, description in rows:
                if description in seen and key in seen:
                    continue
                seen.add(key)
                table.add_row(Text(key, style="bold"), Text(description))

    def binding_rows(self) -> list[list[tuple[str, str]]]:
        """Bindings of the focused widget chain, the screen and the app, with descriptions."""
        grouped: dict[str, list[str]] = {}
        order: list[str] = []
        for key, active in self.origin.active_bindings.items():
            binding = active.binding
            description = binding.description or binding.action.replace("_", " ")
            if not binding.description and binding.action.startswith("cursor_"):
                continue
            label = key_label(key)
            if description not in grouped:
                grouped[description] = []
                order.append(description)
            if label not in grouped[description]:
                grouped[description].append(label)
        return [[(" / ".join(grouped[d]), d) for d in order]]

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
