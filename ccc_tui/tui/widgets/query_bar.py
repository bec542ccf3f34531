"""The query line of the search screen: one input for what the user has, the line under it that
says how it was understood (or what is wrong), and the recent queries `up` brings back. The
queries are kept in the history store per instance, read and written in worker threads: a busy or
off store leaves the recents of this session."""

from __future__ import annotations

import logging
import sqlite3

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from ccc_tui.calls.history import MAX_QUERIES, HistoryBusyError, HistoryStore
from ccc_tui.tui.widgets.contact_input import ContactIdInput

__all__ = ["QueryBar"]

log = logging.getLogger("ccc_tui.tui.query_bar")


class QueryBar(Vertical):
    DEFAULT_CSS = """
    QueryBar { height: auto; padding: 1 1 0 1; }
    QueryBar #contact-input { width: 1fr; }
    QueryBar #validation { height: 1; padding: 0 1; color: $error; }
    QueryBar #validation.-ok { color: $foreground-muted; }
    """

    class _Stored(Message):
        """The instance's stored queries, newest first, read in a thread."""

        def __init__(self, instance_id: str, queries: list[str]) -> None:
            super().__init__()
            self.instance_id = instance_id
            self.queries = queries

    def __init__(
        self, store: HistoryStore, instance_id: str, hint: str, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.instance_id = instance_id
        self._hint = hint
        self.recents: list[str] = []  # newest first
        self._recall = 0  # 0: what is typed; n: the n-th most recent query
        self._typed = ""

    def compose(self) -> ComposeResult:
        yield ContactIdInput(
            placeholder="ContactId, number, name, time, outcome… then enter",
            id="contact-input",
            max_length=2000,
        )
        yield Static(self._hint, id="validation", classes="-ok", markup=False)

    @property
    def field(self) -> ContactIdInput:
        return self.query_one("#contact-input", ContactIdInput)

    def say(self, text: str, ok: bool) -> None:
        status = self.query_one("#validation", Static)
        status.update(text)
        status.set_class(ok, "-ok")

    # ── recent queries ────────────────────────────────────────────────────────────────────

    @property
    def recalling(self) -> bool:
        return self._recall > 0

    def use_instance(self, instance_id: str) -> None:
        """Another instance: its own queries."""
        if instance_id != self.instance_id:
            self.instance_id = instance_id
            self.recents, self._recall = [], 0
            self.load_recents()

    def load_recents(self) -> None:
        self._read(self.instance_id)

    @work(thread=True, group="queries", exit_on_error=False)
    def _read(self, instance_id: str) -> None:
        try:
            queries = self.store.queries(instance_id)
        except (HistoryBusyError, sqlite3.Error) as exc:
            log.info("recent queries not read: %s", exc)
            return
        self.post_message(self._Stored(instance_id, queries))

    @on(_Stored)
    def _take_stored(self, message: _Stored) -> None:
        if message.instance_id != self.instance_id:
            return
        # Those typed while the store was read stay on top.
        session = self.recents
        self.recents = (session + [q for q in message.queries if q not in session])[:MAX_QUERIES]

    def remember(self, text: str) -> None:
        """`text` was submitted: the newest recent query, here and in the store."""
        text = text.strip()
        if not text:
            return
        if text in self.recents:
            self.recents.remove(text)
        self.recents.insert(0, text)
        del self.recents[MAX_QUERIES:]
        self._recall = 0
        self._write(self.instance_id, text)

    @work(thread=True, group="queries-write", exit_on_error=False)
    def _write(self, instance_id: str, text: str) -> None:
        try:
            self.store.remember_query(text, instance_id)
        except (HistoryBusyError, sqlite3.Error) as exc:
            log.info("recent query not saved: %s", exc)

    def recall(self, step: int) -> None:
        """`up` (1): the query before (the last one first); `down` (-1): back toward what was
        typed."""
        field = self.field
        if not field.has_focus or not self.recents:
            return
        if self._recall == 0:
            self._typed = field.value
        self._recall = max(0, min(self._recall + step, len(self.recents)))
        field.value = self._typed if self._recall == 0 else self.recents[self._recall - 1]
        field.cursor_position = len(field.value)
