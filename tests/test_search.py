"""The search service against the in-process emulator: long windows split, pages fetched behind
the first and given in order, faults retried, and partial results with the missing part named.
Expectations come from the emulator's own data set, not from fixed counts."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx
import pytest

from ccc_tui.api.client import CccClient, RetryPolicy
from ccc_tui.api.errors import AuthenticationError
from ccc_tui.calls.outcome import disposition_kind
from ccc_tui.calls.query import Query, parse_query
from ccc_tui.calls.search import Batch, search
from ccc_tui.emulator.app import create_app
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.faults import Faults
from ccc_tui.profiles.demo import DEMO_ENDPOINT, demo_client, demo_credentials

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATASET = Dataset(anchor=datetime(2024, 5, 10))
NOW = DATASET.anchor


async def no_sleep(_: float) -> None:
    await asyncio.sleep(0)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def expected(query: Query) -> list[str]:
    """What the query should find, from the emulator's data set (newest first)."""
    out: list[str] = []
    for start, stop in query.windows():
        for summary in DATASET.summaries(ms(start), ms(stop), descending=query.order == "DESC"):
            if query.dispositions and summary.disposition not in query.dispositions:
                continue
            if query.contact_types and summary.contact_type not in query.contact_types:
                continue
            if query.criteria and not summary.matches_text(query.criteria):
                continue
            out.append(summary.contact_id)
    return out


async def collect(client: CccClient, query: Query, **options: Any) -> list[Batch]:
    return [batch async for batch in search(client, query, **options)]


def ids(batches: list[Batch]) -> list[str]:
    return [row.contact_id for batch in batches for row in batch.rows]


class Flaky(httpx.AsyncBaseTransport):
    """The emulator, with chosen pages failing: `fail(page_number, attempt) -> Response | None`."""

    def __init__(self, fail: Callable[[int, int], httpx.Response | None], **faults: Any) -> None:
        self.inner = httpx.ASGITransport(
            app=create_app(dataset=DATASET, faults=Faults(**faults) if faults else None)
        )
        self.fail = fail
        self.attempts: Counter[tuple[str, int]] = Counter()
        self.pages: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = parse_qs((await request.aread()).decode())
        page = int(body.get("PageNumber", ["0"])[0])
        window = body.get("StartTime", [""])[0]
        self.attempts[(window, page)] += 1
        self.pages.append(page)
        failed = self.fail(page, self.attempts[(window, page)])
        if failed is not None:
            return failed
        return await self.inner.handle_async_request(request)


def flaky_client(transport: Flaky, **options: Any) -> CccClient:
    return CccClient(
        demo_credentials(),
        endpoint=DEMO_ENDPOINT,
        instance_id=DEMO_INSTANCE_ID,
        transport=transport,
        retry=RetryPolicy(base_delay=0, max_delay=0),
        sleep=no_sleep,
        **options,
    )


UNAVAILABLE = httpx.Response(
    503, json={"Code": "ServiceUnavailable", "Message": "busy", "RequestId": "R-503"}
)


async def test_a_long_window_is_split_and_read_whole_newest_first() -> None:
    query = parse_query("last 10d", now=NOW, tz=SHANGHAI)
    assert len(query.windows()) == 2
    async with demo_client(dataset=DATASET) as client:
        batches = await collect(client, query)
    found = ids(batches)
    assert found == expected(query) and len(found) > 100
    starts = [row.record.start for batch in batches for row in batch.rows]
    assert starts == sorted(starts, reverse=True)  # type: ignore[type-var]
    last = batches[-1].progress
    assert last.loaded == last.total == len(found) and last.pages_done == last.pages_total


async def test_oldest_first_and_the_filters_the_service_applies() -> None:
    query = parse_query("last 2d in abandoned oldest", now=NOW, tz=SHANGHAI)
    async with demo_client(dataset=DATASET) as client:
        batches = await collect(client, query, page_size=7)
    found = ids(batches)
    assert found == expected(query) and found
    for row in (r for b in batches for r in b.rows):
        assert row.outcome.kind is disposition_kind(row.record.disposition)


async def test_rows_checked_here_a_name_and_a_recording() -> None:
    query = parse_query("last 2d 售后服务组 rec", now=NOW, tz=SHANGHAI)
    async with demo_client(dataset=DATASET) as client:
        rows = [r for b in await collect(client, query) for r in b.rows]
    assert rows and all(r.record.recordings for r in rows)
    assert all(any("售后服务组" in g for g in r.record.skill_group_names) for r in rows)
    assert len(rows) < len(expected(query))


async def test_the_first_page_comes_before_the_others_are_asked_for() -> None:
    transport = Flaky(lambda page, attempt: None)
    query = parse_query("last 5d", now=NOW, tz=SHANGHAI)
    async with flaky_client(transport) as client:
        iterator = search(client, query, page_size=20)
        first = await anext(iterator)
        assert transport.pages == [1] and len(first.rows) == 20
        assert first.progress.total == len(expected(query))
        rest = [b async for b in iterator]
    assert ids([first, *rest]) == expected(query)
    assert max(transport.pages) == first.progress.pages_total


async def test_pages_are_fetched_concurrently_within_the_client_s_bound() -> None:
    in_flight = peak = 0

    class Counting(Flaky):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                await asyncio.sleep(0.01)
                return await super().handle_async_request(request)
            finally:
                in_flight -= 1

    query = parse_query("last 6d", now=NOW, tz=SHANGHAI)
    async with flaky_client(Counting(lambda p, a: None), max_concurrency=4) as client:
        found = ids(await collect(client, query, page_size=10))
    assert found == expected(query)
    assert 2 <= peak <= 4


async def test_a_later_window_s_pages_are_asked_for_before_the_reader_gets_there() -> None:
    transport = Flaky(lambda page, attempt: None)
    query = parse_query("last 10d", now=NOW, tz=SHANGHAI)
    _, (second, _) = query.windows()
    async with flaky_client(transport, max_concurrency=8) as client:
        iterator = search(client, query, page_size=100, lookahead=40)
        batch = await anext(iterator)  # the first page of the first window, and no further
        for _ in range(50):
            await asyncio.sleep(0)
        asked = {(start, page) for start, page in transport.attempts}
        assert (str(ms(second)), 2) in asked  # the second window's page 2 is already on its way
        rest = [b async for b in iterator]
    assert ids([batch, *rest]) == expected(query)
    assert rest[-1].progress.pages_done == rest[-1].progress.pages_total


async def test_a_page_that_fails_twice_is_retried_and_nothing_is_missing() -> None:
    transport = Flaky(lambda page, attempt: UNAVAILABLE if page == 3 and attempt <= 2 else None)
    query = parse_query("last 3d", now=NOW, tz=SHANGHAI)
    async with flaky_client(transport) as client:
        batches = await collect(client, query, page_size=10)
    assert ids(batches) == expected(query)
    assert not any(b.gap for b in batches)
    assert max(transport.attempts.values()) == 3


async def test_throttling_and_truncated_bodies_from_the_emulator_s_faults() -> None:
    query = parse_query("last 3d", now=NOW, tz=SHANGHAI)
    faults = Faults(throttle_rate=0.3, seed=7)
    async with demo_client(
        dataset=DATASET, faults=faults, retry=RetryPolicy(attempts=6, base_delay=0), sleep=no_sleep
    ) as client:
        batches = await collect(client, query, page_size=10)
    assert ids(batches) == expected(query)
    faults = Faults(truncate_rate=0.2, seed=3)
    async with demo_client(dataset=DATASET, faults=faults, sleep=no_sleep) as client:
        batches = await collect(client, query, page_size=10)
    gaps = [b.gap for b in batches if b.gap]
    found = set(ids(batches))
    assert gaps and found < set(expected(query))
    missing = set(expected(query)) - found
    for cid in missing:  # every missing row lies in a part of the window reported missing
        summary = DATASET.summary(cid)
        assert summary is not None
        assert any(ms(g.start) <= summary.start_ms <= ms(g.stop) for g in gaps)


async def test_a_page_that_still_fails_leaves_the_rows_in_and_names_the_missing_part() -> None:
    transport = Flaky(lambda page, attempt: UNAVAILABLE if page == 2 else None)
    query = parse_query("last 1d", now=NOW, tz=SHANGHAI)
    want = expected(query)
    async with flaky_client(transport) as client:
        batches = await collect(client, query, page_size=10)
    gaps = [b.gap for b in batches if b.gap]
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.page_number == 2 and gap.error.code == "ServiceUnavailable"
    assert ids(batches) == want[:10] + want[20:]
    # newest first: the gap runs from the 10th row's start back to the 21st's
    assert DATASET.summary(want[9]).start_ms == ms(gap.stop)  # type: ignore[union-attr]
    assert DATASET.summary(want[20]).start_ms == ms(gap.start)  # type: ignore[union-attr]
    async with flaky_client(Flaky(lambda p, a: None)) as client:
        again = ids(await collect(client, query.with_window(gap.start, gap.stop)))
    assert set(want[10:20]) <= set(again)


async def test_a_failed_first_page_misses_its_whole_window_only() -> None:
    newest = {"window": ""}

    def fail(page: int, attempt: int) -> httpx.Response | None:
        return None

    transport = Flaky(fail)
    query = parse_query("last 10d", now=NOW, tz=SHANGHAI)
    newest["window"] = str(ms(query.windows()[0][0]))
    transport.fail = lambda page, attempt: None
    original = transport.handle_async_request

    async def handle(request: httpx.Request) -> httpx.Response:
        body = parse_qs((await request.aread()).decode())
        if body.get("StartTime", [""])[0] == newest["window"]:
            return UNAVAILABLE
        return await original(request)

    transport.handle_async_request = handle  # type: ignore[method-assign]
    async with flaky_client(transport) as client:
        batches = await collect(client, query)
    gaps = [b.gap for b in batches if b.gap]
    assert [(g.start, g.stop) for g in gaps] == [query.windows()[0]]
    older = parse_query("", now=NOW, tz=SHANGHAI).with_window(*query.windows()[1])
    assert ids(batches) == expected(older)


async def test_errors_no_retry_can_mend_are_raised() -> None:
    denied = httpx.Response(
        400, json={"Code": "InvalidAccessKeyId.NotFound", "Message": "no", "RequestId": "R"}
    )
    async with flaky_client(Flaky(lambda p, a: denied)) as client:
        with pytest.raises(AuthenticationError):
            await collect(client, parse_query("", now=NOW, tz=SHANGHAI))


async def test_a_contact_id_query_asks_for_that_call() -> None:
    cid = expected(parse_query("last 1d", now=NOW, tz=SHANGHAI))[0]
    async with demo_client(dataset=DATASET) as client:
        found = ids(await collect(client, parse_query(cid, now=NOW, tz=SHANGHAI)))
        unknown = ids(await collect(client, parse_query("1234567890", now=NOW, tz=SHANGHAI)))
    assert found == [cid] and unknown == []


async def test_stopping_early_cancels_what_is_in_flight() -> None:
    query = parse_query("last 7d", now=NOW, tz=SHANGHAI)
    transport = Flaky(lambda p, a: None)
    async with flaky_client(transport) as client:
        iterator = search(client, query, page_size=10, lookahead=4)
        await anext(iterator)
        await anext(iterator)
        await iterator.aclose()
    assert len(transport.pages) <= 2 + 4
    assert timedelta(0) < query.stop - query.start


def test_a_row_s_outcome_is_read_from_the_record_once_per_kind() -> None:
    """Row.of keeps the outcome (and its line) of each kind of record: it must be the outcome
    and line that `outcome_of(None, record)` gives every record, whatever they share."""
    from dataclasses import replace as changed

    from ccc_tui.api import v2017, v2020
    from ccc_tui.api.models import CallFacts, CallRecord
    from ccc_tui.calls.outcome import outcome_of
    from ccc_tui.calls.search import Row
    from ccc_tui.emulator.dataset2020 import Dataset2020
    from ccc_tui.emulator.ids import job_id

    start = ms(NOW - timedelta(days=2))
    summaries = list(DATASET.summaries(start, start + 86_400_000))[:400]
    records = [v2017._call_record(DATASET.cdr_row(s)) for s in summaries]
    twenty = Dataset2020(DATASET)
    records += [
        v2020._call_record(call.row)
        for s in summaries[:150]
        if (call := twenty.call(job_id(s.contact_id))) is not None
    ]
    base = CallRecord("1", disposition="NoAnswer", contact_type="Outbound", agent_names=("A",))
    records += [
        base,
        changed(base, contact_type="Inbound"),
        changed(base, agent_names=("B",)),
        changed(base, facts=CallFacts(disposition="NoAnswer", early_media_state="Busy")),
        changed(base, facts=CallFacts(disposition="NoAnswer", early_media_state="PowerOff")),
        changed(base, skill_group_names=("售后",), disposition="AbandonedInQueue"),
        changed(base, disposition=" Success ", agent_names=("\x1b[31mX",)),
    ]
    for _ in range(2):  # the second time from what was kept
        for record in records:
            row = Row.of(record)
            outcome = outcome_of(None, record)
            assert row.outcome == outcome and row.outcome_line == outcome.line()
            assert row.to_dict()["outcome_line"] == outcome.line()
    assert len({Row.of(r).outcome_line for r in records}) > 10


async def test_a_limit_asks_for_no_page_the_rows_before_it_already_cover() -> None:
    transport = Flaky(lambda page, attempt: None)
    query = parse_query("last 2d", now=NOW, tz=SHANGHAI)  # one window
    async with flaky_client(transport, max_concurrency=8) as client:
        batches: list[Batch] = []
        async for batch in search(client, query, page_size=20, limit=45):
            batches.append(batch)
            if sum(len(b.rows) for b in batches) >= 45:
                break
        for _ in range(20):
            await asyncio.sleep(0)
    assert ids(batches)[:45] == expected(query)[:45]
    assert sorted(transport.pages) == [1, 2, 3]  # 60 rows cover 45: page 4 is never asked for


async def test_a_reader_that_goes_past_the_limit_still_gets_every_page() -> None:
    transport = Flaky(lambda page, attempt: None)
    query = parse_query("last 2d", now=NOW, tz=SHANGHAI)
    async with flaky_client(transport, max_concurrency=8) as client:
        found = ids(await collect(client, query, page_size=20, limit=30))
    assert found == expected(query)


async def test_a_limit_with_filters_on_the_rows_asks_ahead_as_before() -> None:
    transport = Flaky(lambda page, attempt: None)
    query = parse_query("last 2d rec", now=NOW, tz=SHANGHAI).for_version("2020-07-01")
    assert query.has_post_filters
    async with flaky_client(transport, max_concurrency=4) as client:
        iterator = search(client, query, page_size=20, limit=100)
        first = await anext(iterator)
        await anext(iterator)  # the reader comes back: the pages behind are asked for
        for _ in range(50):
            await asyncio.sleep(0)
        await iterator.aclose()
    assert first.progress.pages_total is not None and first.progress.pages_total > 2
    assert len(set(transport.pages)) > 2  # nothing is sure: pages are asked for ahead


async def test_every_page_is_asked_for_once() -> None:
    """The first page's arrival plans the window's other pages: it must not ask for itself
    again (the reader has taken it out of the pages in flight)."""
    transport = Flaky(lambda page, attempt: None)
    query = parse_query("last 10d", now=NOW, tz=SHANGHAI)
    async with flaky_client(transport, max_concurrency=8) as client:
        found = ids(await collect(client, query, page_size=50))
    assert found == expected(query)
    assert max(transport.attempts.values()) == 1
