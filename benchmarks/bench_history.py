"""The history store at 100,000 rows (run by hand, not a test).

    .venv/bin/python benchmarks/bench_history.py [--rows 100000] [--repeat 50]

Budget (DESIGN.md §7): the history stays fast at 100,000 rows. Prints, for a store of N rows
over two instances: the query plan of `recent()`, the median and worst `recent()` (the home
list: 200 rows of one instance; the palette: 20), opening the store (its quick_check included),
one `record()` that prunes a store over the limit, and one `record()` at the limit. §7 sets no
figure for "fast", so the table shows these without a verdict. `--quick`: 10 repeats.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import Measure, add_measures_argument, write_measures
from ccc_tui.api.models import Call
from ccc_tui.calls.history import DEFAULT_MAX_ROWS, HistoryStore, recent_query


def timed(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, max(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="10 repeats")
    add_measures_argument(parser)
    args = parser.parse_args()
    if args.quick:
        args.repeat = 10
    budget = "fast (no figure)"
    rows = f"{args.rows // 1000}k rows"
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite3"
        HistoryStore(path).close()
        started = time.perf_counter()
        with closing(sqlite3.connect(path)) as conn, conn:
            conn.executemany(
                "INSERT INTO history VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    (f"inst{n % 2}", f"{1_000_000_000 + n}", 1_700_000_000_000 + n * 1000,
                     1_700_000_000_000 + n * 1000, "80315543", "13501215646", "Outbound",
                     "agent", "487-Request Terminated", "Not answered (agent cancelled)",
                     42, 12, 1)
                    for n in range(args.rows)
                ),
            )
        print(f"{args.rows:,} rows written in {time.perf_counter() - started:.1f} s "
              f"({path.stat().st_size / 1e6:.1f} MB)")

        with closing(sqlite3.connect(path)) as conn:
            for instance in ("inst0", None):
                query, qargs = recent_query(instance)
                plan = " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {query}", (*qargs, 200)))
                print(f"plan ({'one instance' if instance else 'all'}): {plan}")

        open_ms, _ = timed(lambda: HistoryStore(path).close(), 5)
        print(f"open (quick_check included): {open_ms:.1f} ms median of 5")
        measures.append(Measure(f"history open, {rows}", open_ms, "ms", budget))
        store = HistoryStore(path)
        for limit, label in ((200, "home list"), (20, "palette")):
            median, worst = timed(lambda lim=limit: store.recent(lim, instance_id="inst0"), args.repeat)
            print(f"recent({limit}) [{label}]: {median:.2f} ms median, {worst:.2f} ms worst")
            measures.append(Measure(f"history recent({limit}) [{label}], {rows}", median, "ms", budget))
        median, worst = timed(lambda: store.recent(200), args.repeat)
        print(f"recent(200) [all instances]: {median:.2f} ms median, {worst:.2f} ms worst")

        call = Call(contact_id="x", start=datetime.now(UTC))
        started = time.perf_counter()
        store.record(call, "inst0")
        print(f"record() pruning an instance of {args.rows // 2:,} rows to {DEFAULT_MAX_ROWS:,}: "
              f"{(time.perf_counter() - started) * 1000:.0f} ms (once, on the first write)")
        counter = iter(range(10**9))
        median, worst = timed(
            lambda: store.record(Call(contact_id=f"y{next(counter)}"), "inst0"), args.repeat
        )
        print(f"record() at the limit: {median:.2f} ms median, {worst:.2f} ms worst")
        measures.append(Measure(f"history record() at the limit, {rows}", median, "ms", budget))
        store.close()
    write_measures(args.measures_json, measures)


if __name__ == "__main__":
    main()
