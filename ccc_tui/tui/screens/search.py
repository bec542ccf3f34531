"""Home: a ContactId input with inline validation, and the history of looked-up calls."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ccc_tui.calls.contact_ids import normalise_contact_id
from ccc_tui.calls.history import BUSY_WORDS, HistoryBusyError, HistoryEntry, HistoryStore
from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.messages import OpenCall
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.widgets.contact_input import ContactIdInput
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.widgets.history import HistoryTable
from ccc_tui.tui.widgets.key_bar import KeyBar

EMPTY_HISTORY = "No calls looked up yet. Paste a ContactId above and press enter."
HISTORY_OFF = "History is off for this session: calls you open are not remembered."
DEMO_HINT = "Demo: try 1096645650 (outbound) or 2020927020 (has a recording)."


class SearchScreen(AppScreen):
    HELP_TITLE = "Find a call"
    DEFAULT_CSS = """
    SearchScreen { layout: vertical; }
    SearchScreen #search-box { height: auto; padding: 1 1 0 1; }
    SearchScreen #contact-input { width: 1fr; }
    SearchScreen #validation { height: 1; padding: 0 1; color: $error; }
    SearchScreen #validation.-ok { color: $foreground-muted; }
    SearchScreen #empty-history { padding: 1 2; color: $foreground-muted; height: auto; }
    SearchScreen HistoryTable { margin: 0 1; }
    """

    BINDINGS = [
        Binding("slash", "focus_input", "Search", show=True),
        # Before the field sees the key (it gives "?" up: see ContactIdInput).
        Binding("question_mark", "app.help", "Help", show=False, priority=True),
        Binding("down", "focus_history", "History", show=False),
        Binding("escape", "clear_input", "Clear", show=False),
    ]

    @dataclass
    class HistoryLoaded(Message):
        """The store's newest calls, read in a thread; `asked` orders the answers."""

        asked: int
        entries: list[HistoryEntry]

    @dataclass
    class HistoryNote(Message):
        """What became of a forget, or why the list could not be read: a sentence for the user."""

        text: str
        warning: bool = False

    def __init__(self, context: AppContext, store: HistoryStore) -> None:
        super().__init__()
        self.context = context
        self.store = store
        self._asked = 0  # history reads asked for
        self._shown = 0  # the latest read shown (an older, slower read is dropped)

    def compose(self) -> ComposeResult:
        yield ContextBar(self.context, "Find a call")
        with Vertical(id="search-box"):
            yield ContactIdInput(
                placeholder="ContactId — paste or type, then enter",
                id="contact-input",
                max_length=200,
            )
            yield Static(self._idle_hint(), id="validation", classes="-ok")
        empty = EMPTY_HISTORY if self.store.enabled else HISTORY_OFF
        yield Static(empty, id="empty-history")
        yield HistoryTable(tz=self.context.tz, id="history")
        yield KeyBar()

    def _idle_hint(self) -> str:
        return DEMO_HINT if self.context.demo else "Letters, digits, '-', '_' and '.'; up to 64."

    def on_mount(self) -> None:
        self.reload_history()
        self.query_one("#contact-input", Input).focus()

    def on_screen_resume(self) -> None:
        self.reload_history()

    def use_context(self, context: AppContext) -> None:
        super().use_context(context)
        table = self.query_one(HistoryTable)
        table.tz = context.tz
        row = table.cursor_row
        table.set_entries(list(table.entries))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    def reload_history(self) -> None:
        """Read the history in a thread (never on the UI thread: a big or locked file waits
        there); HistoryLoaded shows it."""
        self._asked += 1
        self.read_history(self._asked, self.context.instance_id)

    @work(thread=True, group="history-read", exit_on_error=False)
    def read_history(self, asked: int, instance_id: str, forget: HistoryEntry | None = None) -> None:
        if forget is not None:
            try:
                self.store.remove(forget.contact_id, forget.instance_id)
            except HistoryBusyError:
                note = f"{BUSY_WORDS.capitalize()}; not saved: {forget.contact_id} is still there."
                self.post_message(self.HistoryNote(note, warning=True))
                return
            self.post_message(self.HistoryNote(f"Forgot {forget.contact_id}"))
        try:
            entries = self.store.recent(instance_id=instance_id)
        except HistoryBusyError:
            note = f"{BUSY_WORDS.capitalize()}; the list could not be read just now."
            self.post_message(self.HistoryNote(note, warning=True))
            return
        self.post_message(self.HistoryLoaded(asked, entries))

    @on(HistoryNote)
    def say_history_note(self, message: HistoryNote) -> None:
        if message.warning:
            self.notify(message.text, severity="warning", timeout=6, markup=False)
        else:
            self.notify(message.text, timeout=3, markup=False)

    @on(HistoryLoaded)
    def show_history(self, message: HistoryLoaded) -> None:
        if message.asked < self._shown:
            return
        self._shown = message.asked
        entries = message.entries
        table = self.query_one(HistoryTable)
        table.set_entries(entries)
        table.display = bool(entries)
        self.query_one("#empty-history").display = not entries

    @on(Input.Changed, "#contact-input")
    def validate_as_typed(self, event: Input.Changed) -> None:
        status = self.query_one("#validation", Static)
        if not event.value.strip():
            status.update(self._idle_hint())
            status.add_class("-ok")
            return
        try:
            understood = normalise_contact_id(event.value)
        except ValueError as exc:
            status.update(f"✗ {exc}")
            status.remove_class("-ok")
        else:
            # Say how it was understood when that differs from what was typed (spaces, width).
            shown = "enter to open" if understood == event.value else f"enter to open {understood}"
            status.update(shown)
            status.add_class("-ok")

    @on(Input.Submitted, "#contact-input")
    def submit(self, event: Input.Submitted) -> None:
        status = self.query_one("#validation", Static)
        history = self.query_one(HistoryTable)
        if not event.value.strip() and history.display and history.current is not None:
            # `down` then `enter` typed faster than focus moves: the user meant the history row.
            self.post_message(OpenCall(history.current.contact_id))
            return
        try:
            contact_id = normalise_contact_id(event.value)
        except ValueError as exc:
            status.update(f"✗ {exc}")
            status.remove_class("-ok")
            return
        event.input.value = ""  # ready for the next call when the user comes back
        self.post_message(OpenCall(contact_id))

    @on(HistoryTable.Chosen)
    def open_from_history(self, event: HistoryTable.Chosen) -> None:
        self.post_message(OpenCall(event.entry.contact_id))

    @on(HistoryTable.Forget)
    def forget(self, event: HistoryTable.Forget) -> None:
        """Forget in a thread, then read the list again (a lock held elsewhere is a message)."""
        self._asked += 1
        self.read_history(self._asked, self.context.instance_id, forget=event.entry)

    def action_focus_input(self) -> None:
        self.query_one("#contact-input", Input).focus()

    def action_focus_history(self) -> None:
        table = self.query_one(HistoryTable)
        if table.display:
            table.focus()

    def action_clear_input(self) -> None:
        field = self.query_one("#contact-input", Input)
        if field.has_focus and field.value:
            field.value = ""
