"""Home: find calls. One input takes what the user has — a ContactId opens that call, anything
else is a query shown as understood before it is sent — and the results come in below it as they
arrive, with an impact summary one key away and the history of opened calls another."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, Select, Static

from ccc_tui.api.client import CccClient
from ccc_tui.api.errors import CccError
from ccc_tui.calls.contact_ids import normalise_contact_id
from ccc_tui.calls.history import BUSY_WORDS, HistoryBusyError, HistoryEntry, HistoryStore
from ccc_tui.calls.impact import summarise
from ccc_tui.calls.query import Query, QueryError, parse_query
from ccc_tui.calls.results import DIRECTIONS, OUTCOMES, QueryFields
from ccc_tui.calls.search import Batch, Gap, Progress, search
from ccc_tui.calls.text import safe_text
from ccc_tui.calls.zone import to_local
from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.messages import OpenCall
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.widgets.contact_input import ContactIdInput
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.widgets.history import HistoryTable
from ccc_tui.tui.widgets.impact_panel import ImpactPanel
from ccc_tui.tui.widgets.key_bar import KeyBar
from ccc_tui.tui.widgets.results import ResultsList

EMPTY_HISTORY = "No calls looked up yet. Paste a ContactId above and press enter."
HISTORY_OFF = "History is off for this session: calls you open are not remembered."
DEMO_HINT = "Demo: try 1096645650, or yesterday 投诉处理组 (an incident), or yesterday abandoned."
IDLE_HINT = "A ContactId, or a number, name, time (10:40, last 2h, yesterday), in/out, abandoned…"
RECENTS = 50  # queries `up` brings back
# Letter keys: they act only when no text field has focus (a field keeps its letters).
_LETTERS = frozenset({"summary", "flip", "history", "retry"})
_NEEDS_RESULTS = frozenset({"summary", "flip"})


def _merged(gaps: list[Gap]) -> list[tuple[datetime, datetime, int]]:
    """Missing parts that overlap (two failed pages between the same rows) said once."""
    out: list[tuple[datetime, datetime, int]] = []
    for gap in sorted(gaps, key=lambda g: g.start):
        if out and gap.start <= out[-1][1]:
            start, stop, count = out[-1]
            out[-1] = (start, max(stop, gap.stop), count + 1)
        else:
            out.append((gap.start, gap.stop, 1))
    return out


class SearchScreen(AppScreen):
    HELP_TITLE = "Find calls"
    DEFAULT_CSS = """
    SearchScreen { layout: vertical; }
    SearchScreen #search-box { height: auto; padding: 1 1 0 1; }
    SearchScreen #contact-input { width: 1fr; }
    SearchScreen #validation { height: 1; padding: 0 1; color: $error; }
    SearchScreen #validation.-ok { color: $foreground-muted; }
    SearchScreen #query-form { height: auto; padding: 0 1; display: none; }
    SearchScreen #query-form.-open { display: block; }
    SearchScreen #query-form Horizontal { height: auto; }
    SearchScreen #query-form Input { width: 1fr; }
    SearchScreen #query-form Select { width: 1fr; }
    SearchScreen #query-form Checkbox { width: auto; }
    SearchScreen #progress { height: 1; padding: 0 1; color: $foreground-muted; display: none; }
    SearchScreen #gap { height: auto; padding: 0 1; color: $text-warning; display: none; }
    SearchScreen #filter { display: none; margin: 0 1; }
    SearchScreen #filter.-open { display: block; }
    SearchScreen ImpactPanel { display: none; }
    SearchScreen ResultsList { display: none; }
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

    @dataclass
    class BatchIn(Message):
        """A page of results (or a gap) for search number `run`."""

        run: int
        batch: Batch
        retry: bool = False

    @dataclass
    class SearchEnded(Message):
        """Search `run` is over: every page is in, or `error` stopped it."""

        run: int
        error: CccError | None = None
        retry: bool = False

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
        self.query_run: Query | None = None  # the search shown below
        self.running = False
        self._run = 0
        self._progress: Progress | None = None
        self.gaps: list[Gap] = []
        self._error: CccError | None = None
        self.recents: list[str] = []
        self._recall = 0  # 0: what is typed; n: the n-th most recent query
        self._typed = ""
        self._summary_chosen: bool | None = None  # the user's `s`, once pressed
        self._history_chosen = False

    # ── layout ────────────────────────────────────────────────────────────────────────────

    def compose(self) -> ComposeResult:
        yield ContextBar(self.context, "Find calls")
        with Vertical(id="search-box"):
            yield ContactIdInput(
                placeholder="ContactId, number, name, time, outcome… then enter",
                id="contact-input",
                max_length=2000,
            )
            yield Static(self._idle_hint(), id="validation", classes="-ok", markup=False)
        with Vertical(id="query-form"):
            with Horizontal():
                yield Input(placeholder="Time: 10:40, last 2h, yesterday", id="form-time")
                yield Input(placeholder="Customer number", id="form-number")
                yield Input(placeholder="Agent or skill group", id="form-name")
            with Horizontal():
                yield Select(
                    [(label, word) for word, label in DIRECTIONS],
                    prompt="Any direction",
                    id="form-direction",
                )
                yield Select(
                    [(label, word) for word, label in OUTCOMES],
                    prompt="Any outcome",
                    id="form-outcome",
                )
                yield Checkbox("Recorded", id="form-recording")
        yield Static("", id="progress", markup=False)
        yield ImpactPanel(id="impact")
        yield ResultsList(id="results")
        yield Static("", id="gap", markup=False)
        yield Input(placeholder="Narrow the rows: any text; esc clears", id="filter")
        empty = EMPTY_HISTORY if self.store.enabled else HISTORY_OFF
        yield Static(empty, id="empty-history")
        yield HistoryTable(tz=self.context.tz, id="history")
        yield KeyBar()

    def _idle_hint(self) -> str:
        return DEMO_HINT if self.context.demo else IDLE_HINT

    def on_mount(self) -> None:
        self.reload_history()
        self.query_one("#contact-input", Input).focus()

    def on_screen_resume(self) -> None:
        self.reload_history()

    @property
    def field(self) -> Input:
        return self.query_one("#contact-input", Input)

    @property
    def results(self) -> ResultsList:
        return self.query_one(ResultsList)

    @property
    def impact(self) -> ImpactPanel:
        return self.query_one(ImpactPanel)

    def _show_history(self, show: bool) -> None:
        """History or results below the input: one of the two."""
        table = self.query_one(HistoryTable)
        searched = self.query_run is not None
        table.display = show and table.row_count > 0
        self.query_one("#empty-history").display = show and table.row_count == 0
        self.results.display = searched and not show
        self.query_one("#progress").display = searched and not show
        self.query_one("#gap").display = searched and not show and bool(self.gaps or self._error)
        self.impact.display = searched and not show and self._summary_wanted()
        if show:
            self.query_one("#filter").remove_class("-open")
        self.refresh_bindings()

    def _summary_wanted(self) -> bool:
        if self._summary_chosen is not None:
            return self._summary_chosen
        # On top by itself when the result is more than a screenful.
        # (Not on a short terminal: there it would leave the rows a few lines; `s` shows it.)
        return self.size.height >= 32 and self.results.row_count > self.size.height - 8

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
        if self.query_run is not None:  # the same window, said in the new zone
            self.query_run = replace(self.query_run, tz=context.tz)
        self.results.set_zone(context.tz)
        self._update_summary()
        self._say_progress()
        self._say_gaps()
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

    def _say(self, text: str, ok: bool) -> None:
        status = self.query_one("#validation", Static)
        status.update(text)
        status.set_class(ok, "-ok")

    @on(Input.Changed, "#contact-input")
    def validate_as_typed(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self._say(self._idle_hint(), True)
            return
        try:
            understood = self.understand(event.value)
        except QueryError as exc:
            self._say(f"✗ {exc}", False)
            return
        if isinstance(understood, str):
            self._say(f"enter to open {understood}", True)
            return
        self._say(understood.describe(), True)
        self._fill_form(understood)

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
            self._say(f"✗ {exc}", False)
            return
        self._remember(text.strip())
        if isinstance(understood, str):
            self.field.value = ""  # ready for the next call when the user comes back
            self.post_message(OpenCall(understood))
            return
        self.start_search(understood)

    def _remember(self, text: str) -> None:
        if text in self.recents:
            self.recents.remove(text)
        self.recents.insert(0, text)
        del self.recents[RECENTS:]
        self._recall = 0

    def action_recall(self, step: int) -> None:
        """`up`: the query before (the last one first); `down`: back toward what was typed."""
        field = self.field
        if not field.has_focus or not self.recents:
            return
        if self._recall == 0:
            self._typed = field.value
        self._recall = max(0, min(self._recall + step, len(self.recents)))
        field.value = self._typed if self._recall == 0 else self.recents[self._recall - 1]
        field.cursor_position = len(field.value)

    def action_down(self) -> None:
        if self.field.has_focus and self._recall > 0:
            self.action_recall(-1)
            return
        if not self.showing_history and self.results.display:
            self.results.focus()
            return
        table = self.query_one(HistoryTable)
        if table.display:
            table.focus()

    # ── the form ──────────────────────────────────────────────────────────────────────────

    def action_form(self) -> None:
        form = self.query_one("#query-form")
        if form.has_class("-open"):
            form.remove_class("-open")
            self.field.focus()
            return
        form.add_class("-open")
        try:
            understood = self.understand(self.field.value) if self.field.value.strip() else None
        except QueryError:
            understood = None
        if isinstance(understood, Query):
            self._fill_form(understood)
        self.query_one("#form-time", Input).focus()

    def form_fields(self) -> QueryFields:
        direction = self.query_one("#form-direction", Select).value
        outcome = self.query_one("#form-outcome", Select).value
        return QueryFields(
            time=self.query_one("#form-time", Input).value,
            number=self.query_one("#form-number", Input).value,
            name=self.query_one("#form-name", Input).value,
            direction=direction if isinstance(direction, str) else "",
            outcome=outcome if isinstance(outcome, str) else "",
            recording=self.query_one("#form-recording", Checkbox).value,
        )

    def _fill_form(self, query: Query) -> None:
        """The form follows the query line (only fields that differ: no echo back)."""
        if not self.query_one("#query-form").has_class("-open"):
            return
        fields = QueryFields.of(query)
        if fields == self.form_fields():
            return
        for name in ("time", "number", "name"):
            widget = self.query_one(f"#form-{name}", Input)
            value = getattr(fields, name)
            if widget.value != value and not widget.has_focus:
                widget.value = value
        for name in ("direction", "outcome"):
            select: Select[str] = self.query_one(f"#form-{name}", Select)
            value = getattr(fields, name)
            if (select.value if isinstance(select.value, str) else "") != value:
                if value:
                    select.value = value
                else:
                    select.clear()
        box = self.query_one("#form-recording", Checkbox)
        if box.value != fields.recording:
            box.value = fields.recording

    @on(Input.Changed, "#query-form Input")
    @on(Select.Changed, "#query-form Select")
    @on(Checkbox.Changed, "#query-form Checkbox")
    def form_changed(self) -> None:
        """The query line follows the form, unless it already says the same."""
        fields = self.form_fields()
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

    # ── searching ─────────────────────────────────────────────────────────────────────────

    def start_search(self, query: Query, *, focus: bool = True) -> None:
        self._run += 1
        self.query_run = query
        self.running = True
        self.gaps, self._error, self._progress = [], None, None
        self._history_chosen = False
        self._summary_chosen = None if self._summary_chosen is None else self._summary_chosen
        tz = self.context.tz
        last = to_local(query.stop - timedelta(milliseconds=1), tz)
        with_date = to_local(query.start, tz).date() != last.date()
        results = self.results
        results.clear(tz=self.context.tz, with_date=with_date)
        results.empty_text = "Searching…"
        self.query_one("#filter", Input).value = ""
        self.query_one("#filter").remove_class("-open")
        self.impact.picked = ""
        self.impact.impact = None
        self._show_history(False)
        self._say_progress()
        self._say_gaps()
        if focus:
            self.results.focus()
        if self.client is None:
            return
        self.fetch(self.client, query, self._run)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def fetch(self, client: CccClient, query: Query, run: int, retry: bool = False) -> None:
        try:
            async for batch in search(client, query):
                self.post_message(self.BatchIn(run, batch, retry))
        except CccError as error:
            self.post_message(self.SearchEnded(run, error, retry))
            return
        self.post_message(self.SearchEnded(run, None, retry))

    @on(BatchIn)
    def take_batch(self, message: BatchIn) -> None:
        if message.run != self._run:
            return  # an older search's page
        batch = message.batch
        if message.retry:
            self.results.merge(batch.rows)
        else:
            self._progress = batch.progress
            self.results.add(batch.rows)
        if batch.gap is not None:
            self.gaps.append(batch.gap)
            self._say_gaps()
        self._say_progress()
        if self.impact.display:
            self._update_summary()

    @on(SearchEnded)
    def search_ended(self, message: SearchEnded) -> None:
        if message.run != self._run:
            return
        self.running = False
        self._error = message.error
        results = self.results
        query = self.query_run
        if message.error is not None:
            results.empty_text = "The search failed: nothing found before it stopped."
        else:
            results.empty_text = "No calls match." + (
                "" if query is None else f" ({query.window_text()}; try a longer window)"
            )
        results.refresh()
        self._say_progress()
        self._say_gaps()
        self._show_history(self.showing_history)
        self._update_summary()
        self.refresh_bindings()

    def _say_progress(self) -> None:
        query, progress = self.query_run, self._progress
        if query is None:
            return
        results = self.results
        parts = []
        if progress is None:
            parts.append("searching…" if self.running else "")
        else:
            parts.append(progress.line() + (" loaded…" if self.running and progress.total else ""))
            if query.has_post_filters:
                parts.append(f"{len(results.rows)} match the row filters")
        parts.append(query.window_text())
        descending = query.order == "DESC"
        parts.append("newest first" if descending != results.flipped else "oldest first")
        if results.filter_text:
            parts.append(f"“{safe_text(results.filter_text, 30)}”: {results.row_count} shown")
        if self.impact.picked:
            parts.append(f"only {self.impact.picked}: {results.row_count} shown")
        self.query_one("#progress", Static).update(" · ".join(p for p in parts if p))

    def _say_gaps(self) -> None:
        gap_line = self.query_one("#gap", Static)
        lines = []
        tz = self.context.tz
        for start, stop, errors in _merged(self.gaps):
            first, last = to_local(start, tz), to_local(stop, tz)
            pages = f" ({errors} pages)" if errors > 1 else ""
            lines.append(f"⚠ Missing {first:%m-%d %H:%M}–{last:%H:%M}{pages}")
        if self.gaps:
            error = self.gaps[-1].error
            lines[-1] += f": {error.code}: {safe_text(error.message, 60)}"
        if self._error is not None:
            lines.append(f"⚠ Stopped: {self._error.code}: {safe_text(self._error.message, 120)}")
            if self._error.hint:
                lines.append(f"  {safe_text(self._error.hint, 160)}")
        if lines:
            lines[-1] += " — r to fetch it again" if self.gaps else " — r to search again"
        gap_line.update("\n".join(lines))
        gap_line.display = bool(lines) and not self.showing_history

    def action_retry(self) -> None:
        """`r`: fetch the missing parts again (or the whole search when it stopped)."""
        query = self.query_run
        if query is None or self.client is None or self.running:
            return
        if self._error is not None or not self.gaps:
            self.start_search(query)
            return
        gaps, self.gaps = self.gaps, []
        self._say_gaps()
        self.running = True
        self.fetch_gaps(self.client, query, gaps, self._run)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def fetch_gaps(self, client: CccClient, query: Query, gaps: list[Gap], run: int) -> None:
        for gap in gaps:
            try:
                async for batch in search(client, query.with_window(gap.start, gap.stop)):
                    self.post_message(self.BatchIn(run, batch, retry=True))
            except CccError as error:
                self.post_message(self.SearchEnded(run, error, retry=True))
                return
        self.post_message(self.SearchEnded(run, None, retry=True))

    # ── the results ───────────────────────────────────────────────────────────────────────

    @on(ResultsList.Chosen)
    def open_row(self, event: ResultsList.Chosen) -> None:
        self.post_message(OpenCall(event.row.contact_id))

    def action_flip(self) -> None:
        self.results.flip()
        self._say_progress()

    def action_summary(self) -> None:
        show = not self.impact.display
        self._summary_chosen = show
        self._history_chosen = False
        self._show_history(False)
        self._update_summary()
        if show:
            self.impact.focus()
        elif self.impact.has_focus or self.focused is None:
            self.results.focus()

    def _update_summary(self) -> None:
        query = self.query_run
        if query is None or not self.impact.display:
            return
        self.impact.show(summarise(self.results.rows, query.start, query.stop, self.context.tz))

    @on(ImpactPanel.Picked)
    def restrict_rows(self, message: ImpactPanel.Picked) -> None:
        self.results.restrict(message.test)
        self._say_progress()

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
        box = self.query_one("#filter", Input)
        box.add_class("-open")
        box.focus()

    @on(Input.Changed, "#filter")
    def narrow(self, event: Input.Changed) -> None:
        self.results.narrow(event.value)
        self._say_progress()

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.results.focus()

    def action_escape(self) -> None:
        field = self.field
        box = self.query_one("#filter", Input)
        if box.has_focus:
            box.value = ""
            box.remove_class("-open")
            self.results.focus()
        elif field.has_focus:
            if field.value:
                field.value = ""
        elif self.query_one("#query-form").has_focus_within:
            self.action_form()
        else:
            field.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _LETTERS and isinstance(self.focused, Input):
            return False
        if action in _NEEDS_RESULTS and (self.query_run is None or self.showing_history):
            return False
        missing = bool(self.gaps or self._error)
        return not (action == "retry" and (self.query_run is None or not missing))
