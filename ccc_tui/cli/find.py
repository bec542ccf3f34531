"""`ccc-tui find [QUERY…]`: find calls (ListCallDetailRecords) and print them, or their impact."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import gc
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from ccc_tui.api.errors import CccError
from ccc_tui.calls.export import json_text
from ccc_tui.calls.impact import summarise
from ccc_tui.calls.query import (
    CONTACT_TYPE_WORDS,
    OUTCOME_WORDS,
    Query,
    QueryError,
    has_recording,
    parse_query,
)
from ccc_tui.calls.search import Gap, Row, search
from ccc_tui.calls.text import safe_text
from ccc_tui.calls.zone import format_local
from ccc_tui.cli.common import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    add_fetch_arguments,
    add_target_arguments,
    build_client,
    check_fetch_arguments,
    print_error,
    worst_exit,
)

EXIT_NOTHING_FOUND = 5  # the search ran whole and matched no call
CSV_FIELDS = (
    "contact_id",
    "start_time",
    "direction",
    "caller",
    "callee",
    "disposition",
    "outcome",
    "outcome_line",
    "duration_seconds",
    "agents",
    "skill_groups",
    "recordings",
    "satisfaction",
    "satisfaction_desc",
)
_TYPES = sorted({v.lower() for v in CONTACT_TYPE_WORDS.values()})


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "find",
        help="find calls by number, name, time and outcome (no UI)",
        description=(
            "Find calls (ListCallDetailRecords; ListCallDetailRecordsV2 on a CCC 2.0 instance), "
            "newest first. QUERY takes the words of the search screen: a time (10:40, 14:00-15:30, today, yesterday, last 2h, 2024-05-01, "
            "since 10:05), a customer's number, an agent or skill group name, line:NUMBER for "
            "the call center's own number, and filters (in, out, answered, abandoned, no-answer, "
            "overflow, transfer, rec, oldest). No time means the last hour. How the query was "
            "understood goes to stderr (on CCC 2.0 names are checked on the rows). Exit codes: "
            "0 calls found, 1 an API or network error "
            "(rows already found are still printed; stderr says which part of the window is "
            "missing), 2 bad usage or an unreadable query, 3 missing or rejected credentials or "
            "configuration, 4 a ContactId query the instance does not know, 5 nothing found."
        ),
    )
    parser.add_argument("query", nargs="*", metavar="QUERY", help="what you know of the calls")
    parser.add_argument("--since", metavar="WHEN", help="from: 10:05, 2024-05-01 10:05, 2h, …")
    parser.add_argument("--until", metavar="WHEN", help="to (default: now)")
    parser.add_argument("--number", metavar="N", help="the customer's number (or its start)")
    parser.add_argument("--line", metavar="N", help="the call center's own number")
    parser.add_argument(
        "--type", action="append", choices=_TYPES, default=[], help="direction (repeatable)"
    )
    parser.add_argument(
        "--outcome", action="append", choices=sorted(OUTCOME_WORDS), default=[],
        help="how the call ended (repeatable)",
    )  # fmt: skip
    parser.add_argument("--limit", type=int, metavar="N", help="stop after N calls")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON Lines: one object per call")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    fmt.add_argument("--markdown", action="store_true", help="Markdown, for a ticket")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="print the impact summary instead of the calls (with --json: one object)",
    )
    add_fetch_arguments(
        parser,
        tz_help="the zone times are read and shown in (default: the profile's; --demo: Asia/Shanghai)",
    )
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def build_query(args: argparse.Namespace, *, now: datetime, tz: tzinfo | None) -> Query:
    """The QUERY words, with the flags laid over them. Raises QueryError."""
    words = list(args.query)
    for flag, value in (("since", args.since), ("until", args.until)):
        if value:
            text = value.strip()
            words += [flag, text[:-4] if text.casefold().endswith(" ago") else text]
    query = parse_query(" ".join(words), now=now, tz=tz)
    flagged = args.number or args.line or args.type or args.outcome
    if query.contact_id and flagged:
        raise QueryError("a ContactId opens one call: it takes no other filter")
    if args.number:
        number = parse_query(f"number:{args.number}", now=now, tz=tz).number
        if query.number and query.number != number:
            raise QueryError("two phone numbers (QUERY and --number): search one at a time")
        query = replace(query, number=number)
    if args.line:
        query = replace(query, line=parse_query(f"line:{args.line}", now=now, tz=tz).line)
    types = [CONTACT_TYPE_WORDS[t] for t in args.type]
    query = replace(
        query,
        contact_types=tuple(dict.fromkeys((*query.contact_types, *types))),
        outcomes=tuple(dict.fromkeys((*query.outcomes, *args.outcome))),
    )
    return query


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    tz, code = check_fetch_arguments(args)
    if code:
        return code
    try:
        query = build_query(args, now=datetime.now(UTC), tz=tz)
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with bulk_gc():
        return asyncio.run(_find(args, query, tz))  # ctrl+c: the dispatcher's one line, 130


@contextlib.contextmanager
def bulk_gc() -> Iterator[None]:
    """The collector's policy while thousands of rows stream through: each page leaves a few
    thousand short-lived objects, so with the default thresholds the collector runs several
    times a page, and now and then walks every object the imports made. For the run, what
    exists at its start is frozen out of the collector's sight, and young collections run a
    tenth as often (still hundreds of times over 10,000 rows: cycles do not pile up). Both are
    undone at the end."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 10 * 700), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


async def _find(args: argparse.Namespace, query: Query, tz: tzinfo | None) -> int:
    try:
        client = build_client(args, max_concurrency=args.concurrency, rate_limit=args.rate)
    except CccError as exc:
        print_error(exc)
        return exc.exit_code
    out = _Writer(args, tz)
    gaps: list[Gap] = []
    rows: list[Row] = []
    found = 0
    async with client:
        try:
            if not query.contact_id:
                # What is sent depends on the instance's API version: known, or asked once.
                query = query.for_version(await client.version_for())
            print(f"Searching: {query.describe()}", file=sys.stderr, flush=True)
            iterator = search(client, query, limit=args.limit)
            try:
                async for batch in iterator:
                    if batch.gap is not None:
                        gaps.append(batch.gap)
                    take = batch.rows
                    if args.limit is not None:
                        take = take[: args.limit - found]
                    found += len(take)
                    if args.summary:
                        rows.extend(take)
                    else:
                        out.rows(take)
                    if args.limit is not None and found >= args.limit:
                        break
            finally:
                await iterator.aclose()
        except CccError as exc:
            print_error(exc)
            return exc.exit_code
    if args.summary:
        out.summary(summarise(rows, query.start, query.stop, tz))
    codes = [EXIT_OK]
    for gap in gaps:
        window = f"{format_local(gap.start, tz)} – {format_local(gap.stop, tz, zone=False)}"
        print_error(gap.error, context=f"missing calls between {window} (page {gap.page_number})")
        codes.append(gap.error.exit_code)
    if gaps:
        return worst_exit(codes)
    print(f"{found} call{'s' if found != 1 else ''} found", file=sys.stderr)
    if not found:
        return EXIT_NOT_FOUND if query.contact_id else EXIT_NOTHING_FOUND
    return EXIT_OK


class _Writer:
    """Rows to stdout as they arrive, in the format asked for."""

    def __init__(self, args: argparse.Namespace, tz: tzinfo | None) -> None:
        self.args = args
        self.tz = tz
        self.started = False
        self.csv: Any = None

    def rows(self, rows: tuple[Row, ...]) -> None:
        args = self.args
        if args.json:
            sys.stdout.write("".join(json_text(r.to_dict()) + "\n" for r in rows))
        elif args.csv:
            if self.csv is None:
                self.csv = csv.writer(sys.stdout, lineterminator="\n")
                self.csv.writerow(CSV_FIELDS)
            for row in rows:
                values = row.to_dict()
                self.csv.writerow([_csv_cell(values[k]) for k in CSV_FIELDS])
        elif args.markdown:
            if not self.started:
                sys.stdout.write(
                    "| contact | start | direction | caller → callee | outcome | length | agents | group |"
                    " rec |\n|---|---|---|---|---|---|---|---|---|\n"
                )
            for row in rows:
                cells = _cells(row, self.tz)
                sys.stdout.write("| " + " | ".join(_md(c) for c in cells) + " |\n")
        else:
            for row in rows:
                sys.stdout.write("  ".join(_cells(row, self.tz)).rstrip() + "\n")
        self.started = self.started or bool(rows)
        sys.stdout.flush()

    def summary(self, impact: Any) -> None:
        if self.args.json:
            sys.stdout.write(json_text(impact.to_dict()) + "\n")
        elif self.args.markdown:
            sys.stdout.write(impact.to_markdown())
        else:
            sys.stdout.write(impact.to_text())
        sys.stdout.flush()


def _cells(row: Row, tz: tzinfo | None) -> list[str]:
    r = row.record
    duration = f"{r.duration}s" if r.duration is not None else ""
    return [
        safe_text(r.contact_id, 24),
        format_local(r.start, tz, zone=False),
        safe_text(r.contact_type, 14),
        f"{safe_text(r.calling_number, 20)} → {safe_text(r.called_number, 20)}",
        safe_text(row.outcome_line, 60),
        duration,
        safe_text(", ".join(r.agent_names), 30),
        safe_text(", ".join(r.skill_group_names), 24),
        "rec" if has_recording(r) else "",
    ]


def _md(value: str) -> str:
    for ch in "\\|*_`[]<>#":
        value = value.replace(ch, "\\" + ch)
    return value


def _csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: lists joined, server text made inert, and a leading
    = + - @ (a formula to Excel) quoted away."""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = "" if value is None else safe_text(value)
    if text[:1] in ("=", "+", "-", "@") and not text[1:].replace(" ", "").isdigit():
        text = "'" + text
    return text
