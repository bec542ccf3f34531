"""The results area of the search screen: a search as it runs (pages fetched behind the first,
with the count), the rows, the impact summary above them, the missing parts of the window with `r`,
and the box that narrows the rows. The screen starts searches and toggles what shows; this widget
runs them and keeps its lines true.

The summary is built again at most once per frame, after the rows are painted: with the pages
of a large result coming in, the rows are never held back by it, and it never takes a layout pass.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ccc_tui.api.client import CccClient
from ccc_tui.api.errors import CccError
from ccc_tui.calls.impact import summarise
from ccc_tui.calls.query import Query
from ccc_tui.calls.search import Batch, Gap, Progress, search
from ccc_tui.calls.text import safe_text
from ccc_tui.calls.zone import to_local
from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.widgets.impact_panel import ImpactPanel
from ccc_tui.tui.widgets.results import ResultsList

__all__ = ["SearchResults"]

_FIRST_PAINT_WAIT = 0.5  # seconds the other pages wait, at most, for the first rows' frame


def merged_gaps(gaps: list[Gap]) -> list[tuple[datetime, datetime, int]]:
    """Missing parts that overlap (two failed pages between the same rows) said once."""
    out: list[tuple[datetime, datetime, int]] = []
    for gap in sorted(gaps, key=lambda g: g.start):
        if out and gap.start <= out[-1][1]:
            start, stop, count = out[-1]
            out[-1] = (start, max(stop, gap.stop), count + 1)
        else:
            out.append((gap.start, gap.stop, 1))
    return out


class SearchResults(Vertical):
    DEFAULT_CSS = """
    SearchResults { height: 1fr; display: none; }
    SearchResults #progress { height: 1; padding: 0 1; color: $foreground-muted; }
    SearchResults #gap { height: auto; padding: 0 1; color: $text-warning; display: none; }
    SearchResults #filter { display: none; margin: 0 1; }
    SearchResults #filter.-open { display: block; }
    SearchResults ImpactPanel { display: none; }
    """

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

    class Ended(Message):
        """A search (or a retry) is over: the screen's keys may change."""

    def __init__(self, context: AppContext, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.context = context
        self.query_run: Query | None = None  # the search shown
        self.running = False
        self.gaps: list[Gap] = []
        self.error: CccError | None = None
        self.summary_chosen: bool | None = None  # the user's `s`, once pressed
        self._run = 0
        self._progress: Progress | None = None
        self._summary_due = False

    def compose(self) -> ComposeResult:
        yield Static("", id="progress", markup=False)
        yield ImpactPanel(id="impact")
        yield ResultsList(id="results")
        yield Static("", id="gap", markup=False)
        yield Input(placeholder="Narrow the rows: any text; esc clears", id="filter")

    @property
    def results(self) -> ResultsList:
        return self.query_one(ResultsList)

    @property
    def impact(self) -> ImpactPanel:
        return self.query_one(ImpactPanel)

    @property
    def filter_box(self) -> Input:
        return self.query_one("#filter", Input)

    @property
    def missing(self) -> bool:
        """Something to fetch again with `r`: a missing part, or the search stopped."""
        return bool(self.gaps or self.error)

    def place(self) -> None:
        """Which of the summary and the missing-parts line show."""
        shown = self.query_run is not None and self.summary_wanted()
        if shown and not self.impact.display:
            self.impact.display = True
            self.update_summary()  # shown with what is in: never an empty panel
        else:
            self.impact.display = shown
        self.query_one("#gap").display = self.missing

    def summary_wanted(self) -> bool:
        if self.summary_chosen is not None:
            return self.summary_chosen
        # On top by itself when the result is more than a screenful.
        # (Not on a short terminal: there it would leave the rows a few lines; `s` shows it.)
        height = self.screen.size.height
        return height >= 32 and self.results.row_count > height - 8

    def use_context(self, context: AppContext) -> None:
        self.context = context
        if self.query_run is not None:  # the same window, said in the new zone
            self.query_run = replace(self.query_run, tz=context.tz)
        self.results.set_zone(context.tz)
        self.update_summary()
        self.say_progress()
        self.say_gaps()

    # ── searching ─────────────────────────────────────────────────────────────────────────

    def start(self, query: Query, client: CccClient | None) -> None:
        self._run += 1
        self.query_run = query
        self.running = True
        self.gaps, self.error, self._progress = [], None, None
        tz = self.context.tz
        last = to_local(query.stop - timedelta(milliseconds=1), tz)
        with_date = to_local(query.start, tz).date() != last.date()
        results = self.results
        results.clear(tz=tz, with_date=with_date)
        results.empty_text = "Searching…"
        self.filter_box.value = ""
        self.filter_box.remove_class("-open")
        self.impact.picked = ""
        self.impact.impact = None
        self.place()
        self.say_progress()
        self.say_gaps()
        if client is not None:
            self.fetch(client, query, self._run)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def fetch(self, client: CccClient, query: Query, run: int) -> None:
        first = True
        try:
            async for batch in search(client, query):
                self.post_message(self.BatchIn(run, batch))
                if first:
                    first = False
                    await self._painted()
        except CccError as error:
            self.post_message(self.SearchEnded(run, error))
            return
        self.post_message(self.SearchEnded(run, None))

    async def _painted(self) -> None:
        """Until the first rows are on screen: the search asks for the other pages when this
        returns, so their answers (parsed on this loop; in the demo, made on it too) do not
        hold up the first frame. Bounded: a screen that does not refresh stalls nothing."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wait_for_refresh(), _FIRST_PAINT_WAIT)

    def retry(self, client: CccClient) -> None:
        """`r`: fetch the missing parts again (or the whole search when it stopped)."""
        query = self.query_run
        if query is None or self.running:
            return
        if self.error is not None or not self.gaps:
            self.start(query, client)
            return
        gaps, self.gaps = self.gaps, []
        self.say_gaps()
        self.running = True
        self.fetch_gaps(client, query, gaps, self._run)

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
            self.say_gaps()
        self.say_progress()
        self.summary_soon()

    @on(SearchEnded)
    def search_ended(self, message: SearchEnded) -> None:
        if message.run != self._run:
            return
        self.running = False
        self.error = message.error
        results = self.results
        query = self.query_run
        if message.error is not None:
            results.empty_text = "The search failed: nothing found before it stopped."
        else:
            results.empty_text = "No calls match." + (
                "" if query is None else f" ({query.window_text()}; try a longer window)"
            )
        results.refresh()
        self.say_progress()
        self.say_gaps()
        # After the next frame: the rows already in are painted before the summary (which may
        # come on top of them) is built and laid out.
        self.call_after_refresh(self._ended)

    def _ended(self) -> None:
        self.place()
        self.summary_soon()
        self.post_message(self.Ended())

    # ── the summary ───────────────────────────────────────────────────────────────────────

    def summary_soon(self) -> None:
        """Build the summary again after the next frame (once, however many pages came)."""
        if self._summary_due or not self.impact.display:
            return
        self._summary_due = True
        self.call_after_refresh(self._summary_now)

    def _summary_now(self) -> None:
        self._summary_due = False
        self.update_summary()

    def update_summary(self) -> None:
        query = self.query_run
        if query is None or not self.impact.display:
            return
        self.impact.show(summarise(self.results.rows, query.start, query.stop, self.context.tz))

    def toggle_summary(self) -> bool:
        """`s`: the summary shown or hidden (the user's choice from now on); True: shown."""
        show = not self.impact.display
        self.summary_chosen = show
        self.place()
        self.update_summary()
        return show

    @on(ImpactPanel.Picked)
    def restrict_rows(self, message: ImpactPanel.Picked) -> None:
        self.results.restrict(message.test)
        self.say_progress()

    # ── the rows ──────────────────────────────────────────────────────────────────────────

    def flip(self) -> None:
        self.results.flip()
        self.say_progress()

    def open_filter(self) -> None:
        box = self.filter_box
        box.add_class("-open")
        box.focus()

    def close_filter(self) -> None:
        box = self.filter_box
        box.value = ""
        box.remove_class("-open")

    @on(Input.Changed, "#filter")
    def narrow(self, event: Input.Changed) -> None:
        self.results.narrow(event.value)
        self.say_progress()

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.results.focus()

    # ── lines ─────────────────────────────────────────────────────────────────────────────

    def say_progress(self) -> None:
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

    def say_gaps(self) -> None:
        gap_line = self.query_one("#gap", Static)
        lines = []
        tz = self.context.tz
        for start, stop, errors in merged_gaps(self.gaps):
            first, last = to_local(start, tz), to_local(stop, tz)
            pages = f" ({errors} pages)" if errors > 1 else ""
            lines.append(f"⚠ Missing {first:%m-%d %H:%M}–{last:%H:%M}{pages}")
        if self.gaps:
            error = self.gaps[-1].error
            lines[-1] += f": {error.code}: {safe_text(error.message, 60)}"
        if self.error is not None:
            lines.append(f"⚠ Stopped: {self.error.code}: {safe_text(self.error.message, 120)}")
            if self.error.hint:
                lines.append(f"  {safe_text(self.error.hint, 160)}")
        if lines:
            lines[-1] += " — r to fetch it again" if self.gaps else " — r to search again"
        gap_line.update("\n".join(lines))
        gap_line.display = bool(lines)
