"""The top line: app name, what it is pointed at (profile / instance or DEMO), and the time zone."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.context import AppContext


class ContextBar(Static):
    DEFAULT_CSS = """
    ContextBar {
        height: 1;
        dock: top;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, context: AppContext, title: str = "") -> None:
        super().__init__()
        self.context = context
        self.title = title

    def on_mount(self) -> None:
        self.refresh_text()

    def on_resize(self) -> None:
        self.refresh_text()

    def set_context(self, context: AppContext) -> None:
        self.context = context
        self.refresh_text()

    def set_title(self, title: str) -> None:
        self.title = title
        self.refresh_text()

    def refresh_text(self) -> None:
        ctx = self.context
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("ccc-tui", style="bold")
        if self.title:
            text.append("  ")
            text.append(safe_text(self.title, 60))
        text.append("  ")
        if ctx.demo:
            text.append(" DEMO ", style="reverse bold")
            text.append(" ")
        text.append(safe_text(ctx.label, 40), style="bold")
        # Optional parts, most useful first, each only if it fits whole.
        width = (self.size.width or self.app.size.width) - 2
        # The instance says which call center this is; the zone is also on the timeline.
        parts = [f" · {safe_text(ctx.instance_id, 40)}"] if ctx.instance_id else []
        parts.append(f" · {ctx.zone_label}")
        for part in parts:
            if text.cell_len + len(part) <= width:
                text.append(part, style="dim")
        self.update(text)
