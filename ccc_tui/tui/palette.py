"""Command palette: "Open contact <id>" for whatever id is typed, and the calls in the history."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from ccc_tui.calls.contact_ids import looks_like_contact_id
from ccc_tui.calls.text import safe_text

if TYPE_CHECKING:
    from ccc_tui.calls.history import HistoryStore
    from ccc_tui.profiles.context import AppContext

HISTORY_HITS = 20
log = logging.getLogger(__name__)


class PaletteHost(Protocol):
    """What the palette needs of the app (the app's own type would make the two import each other)."""

    client: object | None
    store: HistoryStore
    context: AppContext

    @property
    def connecting(self) -> bool: ...

    def open_call(self, contact_id: str) -> None: ...


class ContactProvider(Provider):
    """Type a ContactId in the palette to open it; or pick a call from the history."""

    _hits: list[tuple[str, str]] | None = None

    @property
    def ccc_app(self) -> PaletteHost:
        return cast("PaletteHost", self.app)

    async def startup(self) -> None:
        """Read the history once per opening of the palette, in a thread: a big or locked file
        must not hold the UI. A history that cannot be read gives no history hits (the typed-id
        hit stays)."""
        try:
            self._hits = await asyncio.to_thread(self._read_history)
        except Exception as exc:
            log.warning("palette: history not read: %s", exc)
            self._hits = []

    def _history(self) -> list[tuple[str, str]]:
        return self._hits or []

    def _read_history(self) -> list[tuple[str, str]]:
        app = self.ccc_app
        if app.client is None and not app.connecting:
            return []
        entries = app.store.recent(limit=HISTORY_HITS, instance_id=app.context.instance_id)
        return [
            (
                e.contact_id,
                # The palette parses a hit's help as markup: server text is made inert first.
                escape(safe_text(f"{safe_text(e.caller, 16)} → {safe_text(e.callee, 16)} · {e.outcome}", 80)),
            )
            for e in entries
        ]

    def _open(self, contact_id: str) -> None:
        self.ccc_app.open_call(contact_id)

    async def discover(self) -> Hits:
        for contact_id, summary in self._history()[:5]:
            yield DiscoveryHit(
                Text(f"Open call {contact_id}"),
                lambda cid=contact_id: self._open(cid),
                text=f"Open call {contact_id}",
                help=summary,
            )

    async def search(self, query: str) -> Hits:
        if self.ccc_app.client is None and not self.ccc_app.connecting:
            return
        typed = looks_like_contact_id(query)
        if typed is not None:
            yield Hit(
                1.0,
                Text(f"Open contact {typed}"),
                lambda: self._open(typed),
                help="Look up this ContactId",
            )
        matcher = self.matcher(query)
        for contact_id, summary in self._history():
            if contact_id == typed:
                continue
            label = f"Open call {contact_id}"
            score = max(matcher.match(label), matcher.match(summary) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    lambda cid=contact_id: self._open(cid),
                    text=label,
                    help=summary,
                )
