"""Help: every binding that applies on the screen it was opened from."""

from __future__ import annotations

from rich.cells import cell_len
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


def _is_own(node: object, action: str) -> bool:
    """Whether one of ccc-tui's own classes binds `action` on `node` (not a Textual widget's
    inherited default)."""
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("ccc_tui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.action == action:
                return True
    return False


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
        rows = self.binding_rows()
        table = self.query_one(DataTable)
        # The key column is as wide as its longest name: `ctrl+shift+left` is never cut.
        table.add_column("Key", key="key", width=max([3, *(cell_len(k) for k, _ in rows)]))
        table.add_column("Does", key="does")
        for key, description in rows:
            table.add_row(Text(key, style="bold"), Text(description))

    def binding_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the bindings active on the screen help was opened from: the
        app's own first, then the generic ones of Textual's widgets (cursor keys, editing)."""
        grouped: dict[tuple[bool, str], list[str]] = {}
        for key, active in self.origin.active_bindings.items():
            binding = active.binding
            if not binding.description and binding.action.startswith("cursor_"):
                continue
            description = binding.description or binding.action.replace("_", " ")
            labels = grouped.setdefault((_is_own(active.node, binding.action), description), [])
            if key_label(key) not in labels:
                labels.append(key_label(key))
        ordered = sorted(grouped.items(), key=lambda item: not item[0][0])  # stable: own first
        return [(" / ".join(labels), description) for (_, description), labels in ordered]

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
