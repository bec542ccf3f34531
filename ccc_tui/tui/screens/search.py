"""Home: find calls. One input takes what the user has — a ContactId opens that call, anything
else is a query shown as understood before it is sent — and the results come in below it as they
arrive, with an impact summary one key away and the history of opened calls another.

The screen coordinates its parts: the query line (`QueryBar`), the form (`QueryForm`), the results
area (`SearchResults`) and the history of opened calls (`HistoryTable`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Checkbox, Input, Select, Static

from ccc_tui.api.client import CccClient
from ccc_tui.calls.contact_ids import normalise_contact_id
from ccc_tui.calls.history import BUSY_WORDS, HistoryBusyError, HistoryEntry, HistoryStore
from ccc_tui.calls.query import Query, QueryError, parse_query
from ccc_tui.calls.results import QueryFields
from ccc_tui.calls.search import Gap
from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.messages import OpenCall
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.widgets.contact_input import ContactIdInput
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.widgets.history import HistoryTable
from ccc_tui.tui.widgets.impact_panel import ImpactPanel
from ccc_tui.tui.widgets.key_bar import KeyBar
from ccc_tui.tui.widgets.query_bar import QueryBar
from ccc_tui.tui.widgets.query_form import QueryForm
from ccc_tui.tui.widgets.results import ResultsList
from ccc_tui.tui.widgets.search_results import SearchResults

EMPTY_HISTORY = (
    "No calls looked up yet. Type a ContactId to open a call, or what you know to find calls:"
    " a number, an agent or skill group, a time (10:40, last 2h, yesterday), in/out, abandoned…"
)
DEMO_EMPTY_HISTORY = (
    "No calls looked up yet. Type a ContactId (1096645650) to open a call, or what you know to"
    " find calls: yesterday 投诉处理组 abandoned shows the incident."
)
HISTORY_OFF = "History is off for this session: calls you open are not remembered."
DEMO_HINT = "Demo: try 1096645650, or yesterday 投诉处理组 (an incident), or yesterday abandoned."
IDLE_HINT = "A ContactId, or a number, name, time (10:40, last 2h, yesterday), in/out, abandoned…"
# Letter keys: they act only when no text field has focus (a field keeps its letters).
_LETTERS = frozenset({"summary", "flip", "history", "retry"})
_NEEDS_RESULTS = frozenset({"summary", "flip"})


class SearchScreen(AppScreen):
    HELP_TITLE = "Find calls"
    DEFAULT_CSS = """
    SearchScreen { layout: vertical; }
    SearchScreen #empty-history { padding: 1 2; color: $foreground-muted; height: auto; }
    SearchScreen HistoryTable { margin: 0 1; }
    """

    BINDINGS = [
        Binding("slash", "slash", "Filter", show=True),
        # Before the field sees the key (it gives "?" up: see ContactIdInput).
        Binding("question_mark", "app.help", "Help", show=False, priority=True),
        Binding("ctrl+f", "form", "Form", show=True),
        Binding("s", "summary", "Summary", show=True),
        Binding("o", "flip", "Order", show=True),
        Binding("r", "retry", "Retry", show=True),
        Binding("h", "history", "History", show=True),
        Binding("up", "recall(1)", "Older query", show=False),
        Binding("down", "down", "History", show=False),
        Binding("escape", "escape", "Clear", show=False),
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

    def __init__(
        self,
        context: AppContext,
        store: HistoryStore,
        client: CccClient | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.store = store
        self.client = client
        self.clock = clock or (lambda: datetime.now(UTC))
        self._asked = 0  # history reads asked for
        self._shown = 0  # the latest read shown (an older, slower read is dropped)
        self._history_chosen = False

    # ── layout ────────────────────────────────────────────────────────────────────────────

    def compose(self) -> ComposeResult:
        yield ContextBar(self.context, "Find calls")
        yield QueryBar(self.store, self.context.instance_id, self._idle_hint(), id="search-box")
        yield QueryForm(id="query-form")
        yield SearchResults(self.context, id="search-results")
        if not self.store.enabled:
            empty = HISTORY_OFF
        else:
            empty = DEMO_EMPTY_HISTORY if self.context.demo else EMPTY_HISTORY
        yield Static(empty, id="empty-history")
        yield HistoryTable(tz=self.context.tz, id="history")
        yield KeyBar()

    def _idle_hint(self) -> str:
        return DEMO_HINT if self.context.demo else IDLE_HINT

    def on_mount(self) -> None:
        self.reload_history()
        self.bar.load_recents()
        self.field.focus()

    def on_screen_resume(self) -> None:
        self.reload_history()

    @property
    def bar(self) -> QueryBar:
        return self.query_one(QueryBar)

    @property
    def form(self) -> QueryForm:
        return self.query_one(QueryForm)

    @property
    def area(self) -> SearchResults:
        return self.query_one(SearchResults)

    @property
    def field(self) -> ContactIdInput:
        return self.bar.field

    @property
    def results(self) -> ResultsList:
        return self.area.results

    @property
    def impact(self) -> ImpactPanel:
        return self.area.impact

    @property
    def query_run(self) -> Query | None:
        """The search shown below the query line."""
        return self.area.query_run

    @property
    def gaps(self) -> list[Gap]:
        return self.area.gaps

    @property
    def running(self) -> bool:
        return self.area.running

    @property
    def recents(self) -> list[str]:
        return self.bar.recents

    def _show_history(self, show: bool) -> None:
        """History or results below the input: one of the two."""
        table = self.query_one(HistoryTable)
        table.display = show and table.row_count > 0
        self.query_one("#empty-history").display = show and table.row_count == 0
        area = self.area
        area.display = self.query_run is not None and not show
        if show:
            area.filter_box.remove_class("-open")
        else:
            area.place()
        self.refresh_bindings()

    @property
    def showing_history(self) -> bool:
        return self.query_run is None or self._history_chosen

    def use_context(self, context: AppContext) -> None:
        super().use_context(context)
        table = self.query_one(HistoryTable)
        table.tz = context.tz
        row = table.cursor_row
        table.set_entries(list(table.entries))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        self.area.use_context(context)
        self.bar.use_instance(context.instance_id)
        self.validate_as_typed(Input.Changed(self.field, self.field.value))

    # ── history ───────────────────────────────────────────────────────────────────────────

    def reload_history(self) -> None:
        """Read the history in a thread (never on the UI thread: a big or locked file waits
        there); HistoryLoaded shows it."""
        self._asked += 1
        self.read_history(self._asked, self.context.instance_id)

    @work(thread=True, group="history-read", exit_on_error=False)
    def read_history(
        self, asked: int, instance_id: str, forget: HistoryEntry | None = None
    ) -> None:
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
        self.query_one(HistoryTable).set_entries(message.entries)
        self._show_history(self.showing_history)

    @on(HistoryTable.Chosen)
    def open_from_history(self, event: HistoryTable.Chosen) -> None:
        self.post_message(OpenCall(event.entry.contact_id))

    @on(HistoryTable.Forget)
    def forget(self, event: HistoryTable.Forget) -> None:
        """Forget in a thread, then read the list again (a lock held elsewhere is a message)."""
        self._asked += 1
        self.read_history(self._asked, self.context.instance_id, forget=event.entry)

    # ── the query line ────────────────────────────────────────────────────────────────────

    def understand(self, text: str) -> Query | str:
        """What `text` asks for: a Query (a ContactId query opens that call), or a ContactId
        pasted with spaces or wide digits, or raises QueryError."""
        now = self.clock()
        try:
            query = parse_query(text, now=now, tz=self.context.tz)
        except QueryError:
            query = None
        if query is None or not query.contact_id:
            try:
                contact_id = normalise_contact_id(text)
            except ValueError:
                contact_id = ""
            if contact_id and contact_id != text.strip():
                squeezed = parse_query(contact_id, now=now, tz=self.context.tz)
                if squeezed.contact_id:
                    return contact_id
        if query is None:
            return parse_query(text, now=now, tz=self.context.tz)  # raises again, with the words
        return query.contact_id or query

    @on(Input.Changed, "#contact-input")
    def validate_as_typed(self, event: Input.Changed) -> None:
        bar = self.bar
        if not event.value.strip():
            bar.say(self._idle_hint(), True)
            return
        try:
            understood = self.understand(event.value)
        except QueryError as exc:
            bar.say(f"✗ {exc}", False)
            return
        if isinstance(understood, str):
            bar.say(f"enter to open {understood}", True)
            return
        bar.say(understood.describe(), True)
        self.form.fill(understood)

    @on(Input.Submitted, "#contact-input")
    def submit(self, event: Input.Submitted) -> None:
        self.submit_text(event.value)

    def submit_text(self, text: str) -> None:
        history = self.query_one(HistoryTable)
        if not text.strip() and history.display and history.current is not None:
            # `down` then `enter` typed faster than focus moves: the user meant the history row.
            self.post_message(OpenCall(history.current.contact_id))
            return
        if not text.strip():
            return
        try:
            understood = self.understand(text)
        except QueryError as exc:
            self.bar.say(f"✗ {exc}", False)
            return
        self.bar.remember(text)
        if isinstance(understood, str):
            self.field.value = ""  # ready for the next call when the user comes back
            self.post_message(OpenCall(understood))
            return
        self.start_search(understood)

    def action_recall(self, step: int) -> None:
        """`up`: the query before (the last one first); `down`: back toward what was typed."""
        self.bar.recall(step)

    def action_down(self) -> None:
        if self.field.has_focus and self.bar.recalling:
            self.bar.recall(-1)
            return
        if not self.showing_history and self.results.display:
            self.results.focus()
            return
        table = self.query_one(HistoryTable)
        if table.display:
            table.focus()

    # ── the form ──────────────────────────────────────────────────────────────────────────

    def action_form(self) -> None:
        form = self.form
        if form.is_open:
            form.remove_class("-open")
            self.field.focus()
            return
        form.add_class("-open")
        try:
            understood = self.understand(self.field.value) if self.field.value.strip() else None
        except QueryError:
            understood = None
        if isinstance(understood, Query):
            form.fill(understood)
        self.query_one("#form-time", Input).focus()

    def form_fields(self) -> QueryFields:
        return self.form.fields()

    @on(Input.Changed, "#query-form Input")
    @on(Select.Changed, "#query-form Select")
    @on(Checkbox.Changed, "#query-form Checkbox")
    def form_changed(self) -> None:
        """The query line follows the form, unless it already says the same."""
        fields = self.form.fields()
        try:
            current = self.understand(self.field.value) if self.field.value.strip() else None
        except QueryError:
            current = None
        if isinstance(current, Query) and QueryFields.of(current) == fields:
            return
        text = fields.text()
        if text != self.field.value:
            self.field.value = text

    @on(Input.Submitted, "#query-form Input")
    def submit_form(self) -> None:
        self.submit_text(self.field.value)

    # ── searching and the results ─────────────────────────────────────────────────────────

    def start_search(self, query: Query, *, focus: bool = True) -> None:
        self._history_chosen = False
        area = self.area
        area.query_run = query  # before the history gives way to the results area
        self._show_history(False)
        area.start(query, self.client)
        if focus:
            self.results.focus()

    @on(SearchResults.Ended)
    def search_ended(self) -> None:
        self._show_history(self.showing_history)

    def action_retry(self) -> None:
        """`r`: fetch the missing parts again (or the whole search when it stopped)."""
        if self.query_run is None or self.client is None:
            return
        self.area.retry(self.client)

    @on(ResultsList.Chosen)
    def open_row(self, event: ResultsList.Chosen) -> None:
        self.post_message(OpenCall(event.row.contact_id))

    def action_flip(self) -> None:
        self.area.flip()

    def action_summary(self) -> None:
        self._history_chosen = False
        self._show_history(False)
        if self.area.toggle_summary():
            self.impact.focus()
        elif self.impact.has_focus or self.focused is None:
            self.results.focus()

    def action_history(self) -> None:
        self._history_chosen = not self.showing_history
        self._show_history(self.showing_history)
        if self.showing_history and self.query_one(HistoryTable).display:
            self.query_one(HistoryTable).focus()
        elif not self.showing_history:
            self.results.focus()

    def action_slash(self) -> None:
        """`/`: narrow the rows when there are results, else back to the query line."""
        if self.showing_history or self.field.has_focus:
            self.field.focus()
            return
        self.area.open_filter()

    def action_escape(self) -> None:
        field = self.field
        if self.area.filter_box.has_focus:
            self.area.close_filter()
            self.results.focus()
        elif field.has_focus:
            if field.value:
                field.value = ""
        elif self.form.has_focus_within:
            self.action_form()
        else:
            field.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _LETTERS and isinstance(self.focused, Input):
            return False
        if action in _NEEDS_RESULTS and (self.query_run is None or self.showing_history):
            return False
        return not (action == "retry" and (self.query_run is None or not self.area.missing))
