"""The bottom line of keys: one widget that re-renders its text when the bindings change.

Textual's Footer recomposes a child widget per key on every bindings change (focus moves, a
screen opens), and restyling those children was most of the cost of opening a call. This bar
draws the same information as one line of Text.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    KeyBar > .keybar--key { color: $accent; text-style: bold; }
    KeyBar > .keybar--disabled { color: $foreground-muted; }
    """

    COMPONENT_CLASSES = {"keybar--key", "keybar--disabled"}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    _cache: tuple[int, Text] | None = None

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self._cache = None
            self.refresh()

    def notify_style_update(self) -> None:
        self._cache = None  # a theme change recolours the keys
        super().notify_style_update()

    def entries(self) -> list[tuple[str, str, bool]]:
        """(keys, description, enabled) for each shown binding, keys of one action merged."""
        merged: dict[tuple[str, str], list[str]] = {}
        enabled: dict[tuple[str, str], bool] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description:
                continue
            key = (binding.action, binding.description)
            display = self.app.get_key_display(binding)
            if display not in merged.setdefault(key, []):
                merged[key].append(display)
            enabled[key] = enabled.get(key, False) or active.enabled
        return [("/".join(keys), key[1], enabled[key]) for key, keys in merged.items()]

    def render(self) -> RenderResult:
        # Rendering happens on every repaint of the screen; the bindings change far less often.
        if self._cache is None or self._cache[0] != self.size.width:
            self._cache = (self.size.width, self._build())
        return self._cache[1]

    def _build(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        off_style = self.get_component_rich_style("keybar--disabled", partial=True)
        palette = Text.assemble(("^p", key_style), " palette")
        show_palette = self.app.ENABLE_COMMAND_PALETTE and self.size.width > 0
        room = self.size.width - palette.cell_len - 2 if show_palette else self.size.width
        entries = []
        for keys, description, on in self.entries():
            entry = Text(end="")
            entry.append(keys, style=key_style if on else off_style)
            entry.append(" ")
            entry.append(description, style=None if on else off_style)
            entries.append(entry)
        # Whole entries only ("e Export …" tells nothing): the last ones go (help lists every key).
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for entry in entries:
            if self.size.width and text.cell_len + (2 if text else 0) + entry.cell_len > room:
                break
            if text:
                text.append("  ")
            text.append_text(entry)
        if show_palette:
            text.append(" " * max(room - text.cell_len + 2, 2))
            text.append_text(palette)
        return text
