"""The search service of "find calls": a `Query` in, its rows out as an async iterator of batches.
Async, no Textual; the search screen and `ccc-tui find` both drive it.

- A window longer than the service accepts (7 days) is cut into windows it does accept
  (`Query.windows`), transparently.
- The first page comes back as soon as it arrives; the rest are fetched behind it through the one
  client (asked for when the reader comes back for more), so its concurrency bound and rate
  limit apply. `TotalCount` comes on page 1 only: once a
  window's first page says how many rows there are (the moment it arrives, before the reader gets
  to that window), its other pages are asked for concurrently (at most `lookahead` pages ahead of
  the reader); without a total, one after another.
- Batches come in the query's order (newest first unless the query says otherwise), one per
  page, each with the progress so far ("n of N"). A row seen twice (calls arriving while the
  pages are read shift them) is given once.
- A page that still fails after the client's retries leaves the rows already in, and its batch
  carries a `Gap`: the part of the window whose rows are missing, and why. Searching the same
  query over that part (`Query.with_window`) fetches it again. Errors that retrying cannot mend
  (credentials, permissions, a request the service rejects) are raised instead; a truncated or
  garbled body, which the client does not retry, is a gap like any other failed page.
- Each row carries its outcome read from the record alone, `outcome_of(None, record)`: the
  record's ContactDisposition (and its agent and skill group names), since a row has no events.
- The query is asked as the instance's API version can answer it (`Query.for_version`: on
  2020-07-01 names, and a line beside a number, are checked on the rows).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ccc_tui.api.errors import EXIT_CONFIG, CccError, InvalidRequestError
from ccc_tui.api.models import CallFacts, CallRecord, Page
from ccc_tui.calls.export import iso_utc
from ccc_tui.calls.outcome import Outcome, outcome_of
from ccc_tui.calls.query import Query

if TYPE_CHECKING:
    from ccc_tui.api.client import CccClient

__all__ = ["PAGE_SIZE", "Batch", "Gap", "Progress", "Row", "search"]

PAGE_SIZE = 100  # the most the service gives per page


@dataclass(frozen=True, slots=True)
class Row:
    """One call found, with its outcome as the record tells it (and that outcome's line, when
    it is known already: `outcome_line`)."""

    record: CallRecord
    outcome: Outcome
    line: str = field(default="", compare=False)

    @classmethod
    def of(cls, record: CallRecord) -> Row:
        outcome, line = _record_outcome(record)
        return cls(record, outcome, line)

    @property
    def outcome_line(self) -> str:
        return self.line or self.outcome.line()

    @property
    def contact_id(self) -> str:
        return self.record.contact_id

    def to_dict(self) -> dict[str, Any]:
        """For JSON Lines and CSV: stable keys; times in UTC ISO 8601; server text as sent (the
        writers make it inert)."""
        r = self.record
        return {
            "contact_id": r.contact_id,
            "start_time": iso_utc(r.start),
            "direction": r.contact_type,
            "caller": r.calling_number,
            "callee": r.called_number,
            "disposition": r.disposition,
            "outcome": self.outcome.kind.value,
            "outcome_line": self.outcome_line,
            "duration_seconds": r.duration,
            "agents": list(r.agent_names),
            "skill_groups": list(r.skill_group_names),
            "recordings": [rec.file_name for rec in r.recordings],
            "satisfaction": r.satisfaction,
            "satisfaction_desc": r.satisfaction_desc,
            "release_reason": release_reason_of(r),
            **(_facts_to_dict(r.facts) if r.facts is not None else {}),
        }


# A row's outcome is read from the record alone, from these of its fields; thousands of rows
# share a few hundred combinations, so each is read (and put in words) once.
_OutcomeKey = tuple[str, str, tuple[str, ...], tuple[str, ...], str]
_OUTCOMES: dict[_OutcomeKey, tuple[Outcome, str]] = {}
_OUTCOMES_KEPT = 4096


def _record_outcome(record: CallRecord) -> tuple[Outcome, str]:
    """`outcome_of(None, record)` and its line. What that reads of a record without events: the
    disposition, the direction, the agents' and skill groups' names and (2020-07-01) the early
    media state; the key holds exactly those."""
    facts = record.facts
    key = (
        record.disposition,
        record.contact_type,
        record.agent_names,
        record.skill_group_names,
        facts.early_media_state if facts is not None else "",
    )
    found = _OUTCOMES.get(key)
    if found is None:
        outcome = outcome_of(None, record)
        found = (outcome, outcome.line())
        if len(_OUTCOMES) >= _OUTCOMES_KEPT:
            _OUTCOMES.clear()
        _OUTCOMES[key] = found
    return found


def _facts_to_dict(facts: CallFacts) -> dict[str, Any]:
    """What only a 2020-07-01 row says, beside the keys both versions share."""
    return {
        "recording_ready": facts.recording_ready,
        "release_initiator": facts.release_initiator,
        "early_media_state": facts.early_media_state,
        "early_media_text": facts.early_media_text,
        "caller_location": facts.caller_location,
        "callee_location": facts.callee_location,
        "established_time": iso_utc(facts.established),
        "release_time": iso_utc(facts.released),
        "ivr_seconds": facts.ivr_time,
        "queue_seconds": facts.queue_time,
        "ring_seconds": facts.ring_time,
        "talk_seconds": facts.talk_time,
        "held_seconds": facts.held_time,
        "wait_seconds": facts.wait_time,
        "transfer_count": facts.transfer_count,
        "agent_ids": list(facts.agent_ids),
        "skill_group_ids": list(facts.skill_group_ids),
        "call_ids": list(facts.call_ids),
    }


def release_reason_of(record: CallRecord) -> str:
    """The release reason when the record carries one (the 2017 rows do not; newer ones may)."""
    value = record.raw.get("ReleaseReason") if isinstance(record.raw, dict) else None
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class Gap:
    """A part of the window whose rows are missing: a page failed after the client's retries."""

    start: datetime
    stop: datetime
    error: CccError
    page_number: int


@dataclass(frozen=True, slots=True)
class Progress:
    loaded: int  # rows received so far (before the filters checked on the rows)
    total: int | None  # what the service said there are, once every window's first page is in
    pages_done: int
    pages_total: int | None

    def line(self) -> str:
        if self.total is None:
            return f"{self.loaded} loaded…"
        return f"{self.loaded} of {self.total}"


@dataclass(frozen=True, slots=True)
class Batch:
    """One page's worth: its rows that pass the query's row filters, and where the search is."""

    rows: tuple[Row, ...]
    progress: Progress
    gap: Gap | None = None


@dataclass(slots=True)
class _Window:
    start: datetime
    stop: datetime
    total: int | None = None
    pages: int | None = None  # how many pages its total makes
    failed: bool = False
    planned: bool = False  # its first page is in: its other pages are in the plan


async def search(
    client: CccClient,
    query: Query,
    *,
    page_size: int = PAGE_SIZE,
    lookahead: int | None = None,
    limit: int | None = None,
) -> AsyncGenerator[Batch, None]:
    """The query's rows, a batch per page, in order. Stop iterating (or cancel) to stop fetching:
    the requests still in flight are cancelled. A ContactId query asks for that one call.

    `limit`: the reader stops after that many rows, so a page is not asked for ahead of the
    reader once the pages before it are sure to hold that many (with filters checked on the rows,
    nothing is sure: every page may be asked for). The reader still gets every page it reaches."""
    if not query.api_version and not query.contact_id:
        query = query.for_version(await client.version_for())
    params = query.api_params()
    if query.contact_id:
        page = await client.list_call_detail_records(page_number=1, page_size=1, **params)
        found = tuple(Row.of(r) for r in page.items[:1])
        yield Batch(found, Progress(len(found), len(found), 1, 1))
        return
    ahead = max(1, lookahead or 2 * max(1, client.max_concurrency))
    windows = [_Window(start, stop) for start, stop in query.windows()]
    plan: list[tuple[int, int]] = [(w, 1) for w in range(len(windows))]
    tasks: dict[tuple[int, int], asyncio.Task[Page[CallRecord]]] = {}
    asked: set[tuple[int, int]] = set()
    seen: set[str] = set()
    edges: dict[int, datetime] = {}  # per window: the start of the last row given
    loaded = done = given = 0
    check_rows = query.has_post_filters

    def fetch(key: tuple[int, int]) -> asyncio.Task[Page[CallRecord]]:
        window = windows[key[0]]
        kwargs = dict(params, start=window.start, stop=window.stop)
        return asyncio.ensure_future(
            client.list_call_detail_records(page_number=key[1], page_size=page_size, **kwargs)
        )

    def sure_rows(key: tuple[int, int]) -> int:
        """How many rows the page is sure to give: none unless its window's total is known
        and no filter is checked on the rows (a row seen twice is given once: the reader asks
        again when the rows fall short)."""
        total = windows[key[0]].total
        if total is None or query.has_post_filters:
            return 0
        return max(0, min(page_size, total - (key[1] - 1) * page_size))

    def fill(position: int) -> None:
        wanted = None if limit is None else limit - given
        sure = 0
        for n, key in enumerate(plan[position : position + ahead]):
            if n and wanted is not None and sure >= wanted:
                break  # the pages before it hold the rows still wanted (the reader's own page
                # is always asked for: a reader that goes on past the limit gets it too)
            sure += sure_rows(key)
            if key not in asked:  # not `tasks`: the reader's own page has left it already
                asked.add(key)
                tasks[key] = fetch(key)
                if key[1] == 1:
                    tasks[key].add_done_callback(functools.partial(first_page_in, key[0]))

    def plan_window(w: int, page: Page[CallRecord]) -> None:
        """Its total is known: its other pages go into the plan behind its first."""
        window = windows[w]
        window.planned = True
        window.total = page.total
        window.pages = max(1, math.ceil(page.total / page_size)) if page.total is not None else None
        if window.pages is not None and window.pages > 1:
            at = plan.index((w, 1)) + 1
            plan[at:at] = [(w, n) for n in range(2, window.pages + 1)]

    def first_page_in(w: int, task: asyncio.Task[Page[CallRecord]]) -> None:
        # A later window's pages are asked for as soon as its total arrives, not when the reader
        # gets there: the requests in flight stay at the client's bound across windows. The
        # page the reader waits for is given first: the reader asks for what follows it when it
        # comes back (a screen paints those rows before other answers compete with it).
        if closed or windows[w].planned or task.cancelled() or task.exception() is not None:
            return
        plan_window(w, task.result())
        if plan[position] != (w, 1):
            fill(position)

    def progress() -> Progress:
        totals = [w.total for w in windows]
        known = all(t is not None for t in totals)
        total = sum(t or 0 for t in totals) if known else None
        pages = sum(w.pages or 0 for w in windows) if known else None
        return Progress(loaded, total, done, pages)

    position = 0
    closed = False
    try:
        while position < len(plan):
            fill(position)
            key = plan[position]
            w, number = key
            window = windows[w]
            try:
                page = await tasks.pop(key)
            except CccError as error:
                if _fatal(error):
                    raise
                done += 1
                following = None
                if position + 1 < len(plan) and plan[position + 1][0] == w:
                    fill(position + 1)
                    following = tasks[plan[position + 1]]
                gap = await _gap(
                    window, number, edges.get(w), following, error, query.order == "DESC"
                )
                if number == 1 or window.total is None:
                    window.failed = True
                    if window.total is None:
                        window.total, window.pages = 0, 0
                position += 1
                yield Batch((), progress(), gap)
                continue
            done += 1
            if number == 1 and not window.planned:
                plan_window(w, page)
            if window.pages is None and page.has_more:
                plan.insert(position + 1, (w, number + 1))  # no total: one page after another
            elif window.pages is None:
                window.total, window.pages = (number - 1) * page_size + len(page.items), number
            rows: list[Row] = []
            if page.items and page.items[-1].start is not None:
                edges[w] = page.items[-1].start
            for record in page.items:
                if record.contact_id in seen:
                    continue
                seen.add(record.contact_id)
                loaded += 1
                if not check_rows or query.matches(record):
                    rows.append(Row.of(record))
            given += len(rows)
            position += 1
            yield Batch(tuple(rows), progress())
    finally:
        closed = True
        for task in tasks.values():
            task.cancel()
        for task in tasks.values():
            with contextlib.suppress(BaseException):
                await task


def _fatal(error: CccError) -> bool:
    """Errors no retry or later page can mend: credentials, permissions, the configuration, a
    request the service rejects. A page that failed for any other reason (still throttled or
    unavailable after the retries, a cut-off or garbled body) is a gap in the results."""
    return error.exit_code == EXIT_CONFIG or isinstance(error, InvalidRequestError)


async def _gap(
    window: _Window,
    number: int,
    given_edge: datetime | None,
    following: asyncio.Task[Page[CallRecord]] | None,
    error: CccError,
    newest_first: bool,
) -> Gap:
    """The part of its window a failed page leaves out: from the last row of the page before it
    to the first row of the page after it (awaited here: it is the next one given anyway), or the
    window's own edges where there is no such page (a failed first page: the whole window)."""
    after: datetime | None = None
    if following is not None:
        with contextlib.suppress(CccError):
            page = await following
            after = next((r.start for r in page.items if r.start is not None), None)
    before = given_edge if number > 1 else None
    if newest_first:
        stop, start = before or window.stop, after or window.start
    else:
        start, stop = before or window.start, after or window.stop
    return Gap(start=min(start, stop), stop=max(start, stop), error=error, page_number=number)
