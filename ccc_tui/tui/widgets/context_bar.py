"""The top line: app name, what it is pointed at (profile / instance or DEMO, the CCC API version),
and the time zone.

While the client's `auto` has not decided the instance's API version, the bar asks the client of
its screen (or app) now and then, `client.known_version(instance)`, a lookup without I/O, and
shows the version as soon as the first request has decided it; then it stops asking."""

from __future__ import annotations

from urllib.parse import urlsplit

from rich.cells import cell_len
from rich.text import Text
from textual.dom import NoScreen
from textual.timer import Timer
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

    VERSION_POLL = 0.25  # seconds between looks at the client while the version is undecided

    def __init__(self, context: AppContext, title: str = "") -> None:
        super().__init__()
        self.context = context
        self.title = title
        self._version_timer: Timer | None = None
        self._started = False

    def on_mount(self) -> None:
        self._started = True
        self.refresh_text()
        self._watch_version()

    def on_resize(self) -> None:
        self.refresh_text()

    def set_context(self, context: AppContext) -> None:
        if context.instance_id == self.context.instance_id:
            context = context.with_api_version(self.context.api_version)  # keep what was learnt
        self.context = context
        self.refresh_text()
        self._watch_version()

    def _watch_version(self) -> None:
        if self.context.api_version or not self._started or self._version_timer is not None:
            return
        self._version_timer = self.set_interval(self.VERSION_POLL, self._check_version)
        self._check_version()

    def _check_version(self) -> None:
        try:
            client = getattr(self.screen, "client", None) or getattr(self.app, "client", None)
        except NoScreen:
            client = None
        # Only auto decides as requests go; an explicit version is in the context from the start.
        deciding = getattr(client, "api_version", None) == versions.AUTO
        known = getattr(client, "known_version", None) if deciding else None
        version = known(self.context.instance_id or None) if callable(known) else None
        if version and not self.context.api_version:
            self.context = self.context.with_api_version(version)
            self.refresh_text()
        if (self.context.api_version or not callable(known)) and self._version_timer is not None:
            self._version_timer.stop()  # decided, or nothing to ask (a new screen asks again)
            self._version_timer = None

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
        instance = safe_text(ctx.instance_id, 40)
        # Not twice: the demo's 2.0 instance is labelled with its id.
        parts = [f" · {instance}"] if instance and instance not in ctx.label else []
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
