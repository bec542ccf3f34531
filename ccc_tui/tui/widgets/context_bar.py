"""The top line: app name, what it is pointed at (profile / instance or DEMO, the CCC API version),
and the time zone."""

from __future__ import annotations

from urllib.parse import urlsplit

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from ccc_tui.api import versions
from ccc_tui.calls.text import cut, safe_text
from ccc_tui.calls.zone import short_zone_label
from ccc_tui.profiles.context import AppContext


def short_endpoint(url: str) -> str:
    """An endpoint as the header shows it: host, port and path, without https://."""
    parts = urlsplit(url)
    text = (parts.netloc + parts.path.rstrip("/")) or url
    if parts.scheme and parts.scheme != "https":
        text = f"{parts.scheme}://{text}"
    return cut(safe_text(text), 36, where="middle")


def api_version_label(version: str) -> str:
    """The API version as the header shows it: `CCC 2.0` or `API 2017`."""
    if version == versions.V2020:
        return "CCC 2.0"
    if version == versions.V2017:
        return "API 2017"
    return safe_text(version, 12)


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
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append("ccc-tui", style="bold")
        if self.title:
            text.append("  ")
            text.append(safe_text(self.title, 60))
        text.append("  ")
        if ctx.demo:
            text.append(" DEMO ", style="reverse bold")
            text.append(" ")
        text.append(safe_text(ctx.label, 40), style="bold")
        width = self.size.width or self.app.size.width - 2  # the line less its padding
        # The zone is always shown (shorter when it must be): every time on screen depends on it.
        zone = f" · {ctx.zone_label}"
        if text.cell_len + cell_len(zone) > width:
            zone = f" · {short_zone_label(ctx.tz)}"
        # Optional parts, most useful first, each only if it fits whole: the instance says which
        # call center this is; an endpoint override says where the requests go (it gives way first).
        parts = [f" · {safe_text(ctx.instance_id, 40)}"] if ctx.instance_id else []
        if ctx.api_version:
            parts.append(f" · {api_version_label(ctx.api_version)}")
        if ctx.endpoint:
            parts.append(f" · via {short_endpoint(ctx.endpoint)}")
        for part in parts:
            if text.cell_len + cell_len(part) + cell_len(zone) > width:
                break  # a less useful part never shows where a more useful one does not
            text.append(part, style="dim")
        if text.cell_len + cell_len(zone) > width:
            text.truncate(max(width - cell_len(zone), 0), overflow="ellipsis")
        text.append(zone, style="dim")
        self.update(text)
