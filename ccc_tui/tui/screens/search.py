"""Home: find calls. One input takes what the user has — a ContactId opens that call, anything
else is a query shown as understood before it is sent — and the results come in below it as they
arrive, with an impact summary one key away and the history of opened calls another.

The screen coordinates its parts: the query line (`QueryBar`), the form (`QueryForm`), the results
area (`SearchResults`) and the history of opened calls (`HistoryTable`).

The first frame holds only the query line: it is what start-up waits for. The form and the results
area (and the query parser, the API models and adapters behind them) are imported in a thread
after it and mounted then; the history table only once there is history to show. A search asked
for before they are mounted (or before the app's client exists) waits for them."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from ccc_tui.calls.contact_ids import normalise_contact_id
from ccc_tui.calls.history import BUSY_WORDS, HistoryBusyError, HistoryEntry, HistoryStore
from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.first_frame import after_first_frame
from ccc_tui.tui.messages import OpenCall
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.widgets.contact_input import ContactIdInput
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.widgets.key_bar import KeyBar
from ccc_tui.tui.widgets.query_bar import QueryBar

if TYPE_CHECKING:
    from textual.widgets import Checkbox, Select

    from ccc_tui.api.client import CccClient
    from ccc_tui.calls.query import Query
    from ccc_tui.calls.results import QueryFields
    from ccc_tui.calls.search import Gap
    from ccc_tui.tui.widgets.history import HistoryTable
    from ccc_tui.tui.widgets.impact_panel import ImpactPanel
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
# What the parts mounted after the first frame import: loaded in a thread, not on the UI thread.
_LATER_MODULES = (
    "ccc_tui.calls.query",
    "ccc_tui.tui.widgets.query_form",
    "ccc_tui.tui.widgets.search_results",
    "ccc_tui.tui.widgets.history",
)


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

    class HistoryLoaded(Message):
        """The store's newest calls, read in a thread; `asked` orders the answers. `enabled`
        False: history is off for this session (the store says why)."""

        def __init__(self, asked: int, entries: list[HistoryEntry], enabled: bool = True) -> None:
            super().__init__()
            self.asked = asked
            self.entries = entries
            self.enabled = enabled

    class PartsLoaded(Message):
        """The modules of the parts mounted after the first frame are imported."""

    class HistoryNote(Message):
        """What became of a forget, or why the list could not be read: a sentence for the user."""

        def __init__(self, text: str, warning: bool = False) -> None:
            super().__init__()
            self.text = text
            self.warning = warning

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
        self._parts_asked = False  # the form and the results area: mounting (or mounted)
        self._parts_ready = False  # ... mounted
        self._after_parts: list[Callable[[], object]] = []  # what waits for them
        self._waiting: Query | None = None  # a search asked for before the client existed

    # ── layout ────────────────────────────────────────────────────────────────────────────

    def compose(self) -> ComposeResult:
        yield ContextBar(self.context, "Find calls")
        yield QueryBar(self.store, self.context.instance_id, self._idle_hint(), id="search-box")
        # Says there is no history (or that it is off) once the store has been read: empty until
        # then, rather than a claim the history may belie a moment later.
        yield Static("", id="empty-history")
        yield KeyBar()

    @property
    def settled(self) -> bool:
        """Whether what the screen leaves until after its first frame is done: the form and the
        results area mounted, the history read and shown."""
        return self._parts_ready and self._shown > 0

    def _idle_hint(self) -> str:
        return DEMO_HINT if self.context.demo else IDLE_HINT

    def on_mount(self) -> None:
        self.field.focus()
        # The history and the rest of the screen come after the first frame, not before it.
        after_first_frame(self, self._after_first_frame)

    def _after_first_frame(self) -> None:
        self.reload_history()
        self.bar.load_recents()
        self.load_parts()

    def on_screen_resume(self) -> None:
        if self._asked:
            self.reload_history()

    # ── the parts mounted after the first frame ───────────────────────────────────────────

    @work(thread=True, group="parts", exit_on_error=False)
    def load_parts(self) -> None:
        for module in _LATER_MODULES:
            importlib.import_module(module)
        self.post_message(self.PartsLoaded())

    @on(PartsLoaded)
    def _parts_loaded(self) -> None:
        self.mount_parts()

    def mount_parts(self, then: Callable[[], object] | None = None) -> None:
        """Mount the form and the results area (once), then run `then`: at once when they are
        there already."""
        if self._parts_ready:
            if then is not None:
                then()
            return
        if then is not None:
            self._after_parts.append(then)
        if self._parts_asked or not self.is_attached:  # asked, or the screen is gone (quit)
            return
        self._parts_asked = True
        from ccc_tui.tui.widgets.query_form import QueryForm
        from ccc_tui.tui.widgets.search_results import SearchResults

        mounting = self.mount(
            QueryForm(id="query-form"),
            SearchResults(self.context, id="search-results"),
            before="#empty-history",
        )

        async def mounted() -> None:
            await mounting
            self._parts_mounted()

        self.call_later(mounted)

    def _parts_mounted(self) -> None:
        if not self.is_attached:
            return
        self._parts_ready = True
        if self.field.value.strip():
            self.validate_as_typed(Input.Changed(self.field, self.field.value))  # fills the form
        waiting, self._after_parts = self._after_parts, []
        for then in waiting:
            then()

    def use_client(self, client: CccClient) -> None:
        """The app's client exists now: a search asked for before it starts."""
        self.client = client
        if self._waiting is not None:
            query, self._waiting = self._waiting, None
            self.start_search(query, focus=False)

    @property
    def bar(self) -> QueryBar:
        return self.query_one(QueryBar)

    @property
    def form(self) -> QueryForm:
        from ccc_tui.tui.widgets.query_form import QueryForm

        return self.query_one(QueryForm)

    @property
    def area(self) -> SearchResults:
        from ccc_tui.tui.widgets.search_results import SearchResults

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
    def mounted_area(self) -> SearchResults | None:
        """The results area, once mounted (after the first frame)."""
        return self.area if self._parts_ready else None

    @property
    def history_table(self) -> HistoryTable | None:
        """The history table, once there was history to show (None before)."""
        for widget in self.query("#history"):
            return cast("HistoryTable", widget)
        return None

    @property
    def query_run(self) -> Query | None:
        """The search shown below the query line."""
        area = self.mounted_area
        return area.query_run if area is not None else None

    @property
    def gaps(self) -> list[Gap]:
        area = self.mounted_area
        return area.gaps if area is not None else []

    @property
    def running(self) -> bool:
        area = self.mounted_area
        return area.running if area is not None else False

    @property
    def recents(self) -> list[str]:
        return self.bar.recents

    def _show_history(self, show: bool) -> None:
        """History or results below the input: one of the two."""
        table = self.history_table
        rows = table.row_count if table is not None else 0
        if table is not None:
            table.display = show and rows > 0
        self.query_one("#empty-history").display = show and rows == 0
        area = self.mounted_area
        if area is not None:
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
        table = self.history_table
        if table is not None:
            table.tz = context.tz
            row = table.cursor_row
            table.set_entries(list(table.entries))
            if table.row_count:
                table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        area = self.mounted_area
        if area is not None:
            area.use_context(context)
        self.bar.use_instance(context.instance_id)
        self.validate_as_typed(Input.Changed(self.field, self.field.value))

    # ── history ───────────────────────────────────────────────────────────────────────────

    def reload_history(self) -> None:
        """Read the history in a thread (never on the UI thread: a big or locked file waits
        there, and the first read opens it); HistoryLoaded shows it."""
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
        self.post_message(self.HistoryLoaded(asked, entries, enabled=self.store.enabled))

    @on(HistoryNote)
    def say_history_note(self, message: HistoryNote) -> None:
        if message.warning:
            self.notify(message.text, severity="warning", timeout=6, markup=False)
        else:
            self.notify(message.text, timeout=3, markup=False)

    @on(HistoryLoaded)
    async def show_history(self, message: HistoryLoaded) -> None:
        if message.asked < self._shown:
            return
        self._shown = message.asked
        if not message.enabled:
            empty = HISTORY_OFF
        else:
            empty = DEMO_EMPTY_HISTORY if self.context.demo else EMPTY_HISTORY
        self.query_one("#empty-history", Static).update(empty)
        table = self.history_table
        if table is None and message.entries and self.is_attached:
            from ccc_tui.tui.widgets.history import HistoryTable

            table = HistoryTable(tz=self.context.tz, id="history")
            await self.mount(table, after="#empty-history")
        if table is not None:
            table.set_entries(message.entries)
        self._show_history(self.showing_history)

    # HistoryTable.Chosen and .Forget, by name: the table's module is imported only with history.
    def on_history_table_chosen(self, event: HistoryTable.Chosen) -> None:
        self.post_message(OpenCall(event.entry.contact_id))

    def on_history_table_forget(self, event: HistoryTable.Forget) -> None:
        """Forget in a thread, then read the list again (a lock held elsewhere is a message)."""
        self._asked += 1
        self.read_history(self._asked, self.context.instance_id, forget=event.entry)

    # ── the query line ────────────────────────────────────────────────────────────────────

    def understand(self, text: str) -> Query | str:
        """What `text` asks for: a Query (a ContactId query opens that call), or a ContactId
        pasted with spaces or wide digits, or raises QueryError."""
        from ccc_tui.calls.query import QueryError, parse_query

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
        from ccc_tui.calls.query import QueryError

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
        if self._parts_ready:  # else filled once the form is mounted
            self.form.fill(understood)

    @on(Input.Submitted, "#contact-input")
    def submit(self, event: Input.Submitted) -> None:
        self.submit_text(event.value)

    def submit_text(self, text: str) -> None:
        from ccc_tui.calls.query import QueryError

        history = self.history_table
        if (
            not text.strip()
            and history is not None
            and history.display
            and history.current is not None
        ):
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
        table = self.history_table
        if table is not None and table.display:
            table.focus()

    # ── the form ──────────────────────────────────────────────────────────────────────────

    def action_form(self) -> None:
        if not self._parts_ready:
            self.mount_parts(then=self.action_form)
            return
        from ccc_tui.calls.query import Query, QueryError

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
    def form_changed(self) -> None:
        """The query line follows the form, unless it already says the same."""
        from ccc_tui.calls.query import Query, QueryError
        from ccc_tui.calls.results import QueryFields

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

    # Select.Changed and Checkbox.Changed, by name: only the form has them, mounted after the
    # first frame (their modules are not needed before).
    def on_select_changed(self, event: Select.Changed) -> None:
        self._form_control_changed(event.control)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._form_control_changed(event.control)

    def _form_control_changed(self, control: Widget) -> None:
        if self._parts_ready and self.form in control.ancestors:
            self.form_changed()

    @on(Input.Submitted, "#query-form Input")
    def submit_form(self) -> None:
        self.submit_text(self.field.value)

    # ── searching and the results ─────────────────────────────────────────────────────────

    def start_search(self, query: Query, *, focus: bool = True) -> None:
        if not self._parts_ready:
            self.mount_parts(then=lambda: self.start_search(query, focus=focus))
            return
        self._history_chosen = False
        area = self.area
        area.query_run = query  # before the history gives way to the results area
        self._show_history(False)
        area.start(query, self.client)
        if self.client is None:  # the app is still connecting: the search starts when it is done
            self._waiting = query
        if focus:
            self.results.focus()

    # SearchResults.Ended and ResultsList.Chosen, by name: their modules come after the first frame.
    def on_search_results_ended(self) -> None:
        self._show_history(self.showing_history)

    def action_retry(self) -> None:
        """`r`: fetch the missing parts again (or the whole search when it stopped)."""
        if self.query_run is None or self.client is None:
            return
        self.area.retry(self.client)

    def on_results_list_chosen(self, event: ResultsList.Chosen) -> None:
        self.post_message(OpenCall(event.row.contact_id))

    def action_flip(self) -> None:
        if self._parts_ready:
            self.area.flip()

    def action_summary(self) -> None:
        if not self._parts_ready:
            return
        self._history_chosen = False
        self._show_history(False)
        if self.area.toggle_summary():
            self.impact.focus()
        elif self.impact.has_focus or self.focused is None:
            self.results.focus()

    def action_history(self) -> None:
        self._history_chosen = not self.showing_history
        self._show_history(self.showing_history)
        table = self.history_table
        if self.showing_history and table is not None and table.display:
            table.focus()
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
        area = self.mounted_area
        if area is not None and area.filter_box.has_focus:
            area.close_filter()
            self.results.focus()
        elif field.has_focus:
            if field.value:
                field.value = ""
        elif self._parts_ready and self.form.has_focus_within:
            self.action_form()
        else:
            field.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _LETTERS and isinstance(self.focused, Input):
            return False
        if action in _NEEDS_RESULTS and (self.query_run is None or self.showing_history):
            return False
        return not (action == "retry" and (self.query_run is None or not self.area.missing))
