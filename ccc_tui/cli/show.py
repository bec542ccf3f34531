"""`ccc-tui show CONTACT_ID…`: print each call's summary, event trail and recordings."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from datetime import tzinfo

from ccc_tui.api.client import CccClient
from ccc_tui.api.errors import CccError
from ccc_tui.api.models import Call
from ccc_tui.calls.contact_ids import normalise_contact_id
from ccc_tui.calls.export import render_json_line, render_markdown, render_text
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


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "show",
        help="print calls' events and recordings (no UI)",
        description=(
            "Print each call's summary (how it ended, from its events), event trail and "
            "recordings. CONTACT_ID '-' reads ContactIds from stdin, one per line, or the JSON "
            "Lines of `find --json` / `show --json` (their contact_id). Exit codes: 0 "
            "all found, 1 an API or network error, 2 bad usage or input, 3 missing or rejected "
            "credentials or configuration, 4 a contact the instance does not know (the others "
            "are still printed). With several kinds in one batch: 3, then 1, then 4."
        ),
    )
    parser.add_argument(
        "contact_ids",
        nargs="+",
        metavar="CONTACT_ID",
        help="ContactIds, or - to read them from stdin",
    )
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object per contact per line")
    fmt.add_argument("--markdown", action="store_true", help="Markdown, for a ticket")
    add_fetch_arguments(
        parser,
        tz_help=(
            "time zone for text output: a name such as Asia/Shanghai or UTC, or local for this "
            "machine's (default: the profile's time_zone, else the region's; --demo: Asia/Shanghai)"
        ),
    )
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="event name language")
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def _expand_stdin(raw_ids: list[str]) -> list[str]:
    """`-` stands for the ContactIds on stdin, one per line; blank lines and `#` comments go. A
    line that is a JSON object (`find --json | ccc-tui show -`, no jq needed) gives its
    `contact_id`; ValueError when it has none."""
    out: list[str] = []
    for raw in raw_ids:
        if raw != "-":
            out.append(raw)
            continue
        for number, line in enumerate(sys.stdin, start=1):
            text = line.strip()
            if text.startswith("{"):
                out.append(_contact_id_of_json(text, number))
                continue
            text = text.split("#", 1)[0].strip()
            if text:
                out.append(text)
    return out


def _contact_id_of_json(text: str, number: int) -> str:
    import json

    try:
        value = json.loads(text)
    except ValueError:
        value = None
    contact_id = value.get("contact_id") if isinstance(value, dict) else None
    if not isinstance(contact_id, str):
        raise ValueError(f"stdin line {number} is not a JSON object with a contact_id")
    return contact_id


def run(args: argparse.Namespace) -> int:
    try:
        contact_ids = [normalise_contact_id(raw) for raw in _expand_stdin(args.contact_ids)]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    tz, code = check_fetch_arguments(args)
    if code:
        return code
    return asyncio.run(_show(args, contact_ids, tz))  # ctrl+c: the dispatcher's one line, 130


async def _show(args: argparse.Namespace, contact_ids: list[str], tz: tzinfo | None) -> int:
    try:
        client = build_client(args, max_concurrency=args.concurrency, rate_limit=args.rate)
    except CccError as exc:
        print_error(exc)
        return exc.exit_code
    async with client:
        tasks = [asyncio.create_task(_call_with_ivr(client, cid)) for cid in contact_ids]
        try:
            return await _print_in_order(args, contact_ids, tasks, tz, client.instance_id or "")
        finally:
            # Interrupted, or the reader went away: the requests still in flight end here, while
            # the client is open, rather than failing later as "never retrieved" noise.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def _call_with_ivr(client: CccClient, contact_id: str) -> Call:
    """The call, then its IVR track (after the call, so the instance's API version is settled
    by the call's own request): an instance without a track, or an error there, leaves the
    track unknown (`ivr_nodes` None) and never fails the call."""
    call = await client.get_call(contact_id)
    if call.is_empty:
        return call
    try:
        nodes = await client.list_ivr_nodes(contact_id)
    except CccError:
        return call
    return replace(call, ivr_nodes=nodes)


async def _print_in_order(
    args: argparse.Namespace,
    contact_ids: list[str],
    tasks: list[asyncio.Task[Call]],
    tz: tzinfo | None,
    instance_id: str,
) -> int:
    codes: list[int] = []
    printed = 0
    # Print in input order as soon as each call (and all before it) has arrived.
    for contact_id, task in zip(contact_ids, tasks, strict=True):
        try:
            call = await task
        except CccError as exc:
            print_error(exc, context=f"contact {contact_id}")
            codes.append(exc.exit_code)
            continue
        _emit(call, args, tz, first=printed == 0, instance_id=instance_id)
        printed += 1
        codes.append(EXIT_NOT_FOUND if call.is_empty else EXIT_OK)
    return worst_exit(codes)


def _emit(
    call: Call, args: argparse.Namespace, tz: tzinfo | None, *, first: bool, instance_id: str
) -> None:
    if call.is_empty and not args.json:
        # An unknown ContactId is answered with empty lists: not a call to summarise.
        where = f"instance {instance_id}" if instance_id else "this instance"
        line = f"Contact {call.contact_id}: not found in {where}"
        sys.stdout.write(("" if first else "\n") + (f"_{line}_" if args.markdown else line) + "\n")
    elif args.json:
        sys.stdout.write(render_json_line(call) + "\n")
    elif args.markdown:
        sys.stdout.write(("" if first else "\n") + render_markdown(call, tz=tz, language=args.lang))
    else:
        sys.stdout.write(
            ("" if first else "\n") + render_text(call, tz=tz, language=args.lang) + "\n"
        )
    sys.stdout.flush()
