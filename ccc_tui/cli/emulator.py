"""`ccc-tui emulator`: serve the local CCC over HTTP so any client (official SDKs too) can use it."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TextIO

from ccc_tui.emulator.constants import (
    DEFAULT_CALLS,
    DEFAULT_PORT,
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
    DEMO_INSTANCE_ID_2020,
    MAX_CALLS,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

# Shown at start: enough to try every kind of call by hand.
_SHOWN = (
    ("seed_outbound", "the seed timeline"),
    ("seed_recording", "the seed recording"),
    ("inbound_transfer", "IVR, queue, transfer, two recordings"),
    ("abandoned_in_queue", "abandoned in queue"),
    ("huge", "10,000 events"),
    ("hostile", "hostile text"),
)
# The same for the CCC 2.0 instance (job-style ids of the same calls, and its own IVR failure).
_SHOWN_2020 = (
    ("inbound_transfer", "IVR, queue, transfer, two recordings"),
    ("outbound_no_answer", "not answered: early media"),
    ("ivr_failure", "died in an IVR node after a flow publish"),
)


def _port(text: str) -> int:
    """A TCP port: 1-65535, or 0 to let the system pick. Anything else is a usage error (exit 2)
    rather than a port the socket layer would wrap or reinterpret."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (1-65535, or 0 for any)")
    return port


def _calls(text: str) -> int:
    """A number of calls for the data set: 0 to MAX_CALLS (a usage error otherwise)."""
    try:
        calls = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of calls") from None
    if not 0 <= calls <= MAX_CALLS:
        raise argparse.ArgumentTypeError(f"{calls} calls: give 0 to {MAX_CALLS:,}")
    return calls


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "emulator",
        help="serve a local CCC emulator (2017-07-05 and 2.0) over HTTP",
        description=(
            "Serve the built-in CCC emulator on loopback, so ccc-tui or any other client, the "
            "official SDKs included, can talk to it: a CCC 2017-07-05 instance (signature V1) and "
            "a CCC 2.0 one (API 2020-07-01, signature V3 or V1) over the same demo calls. Its "
            "demo key pair is public. Ctrl-C stops it."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port to listen on, 1-65535, or 0 for any free one ({DEFAULT_PORT})",
    )
    parser.add_argument("--latency-ms", type=float, metavar="N", help="add N ms to every request")
    parser.add_argument(
        "--faults",
        metavar="SPEC",
        help="inject faults, e.g. latency=50,throttle=0.2,5xx=0.1,truncate=0.05,html=0.1,"
        "retry-after=500,seed=7",
    )
    parser.add_argument(
        "--calls",
        type=_calls,
        default=DEFAULT_CALLS,
        metavar="N",
        help=f"ordinary calls in total over the 30 days before today, spread over the days by "
        f"hour ({DEFAULT_CALLS}; at most {MAX_CALLS:,}); the repeat callers' calls (about a "
        "tenth more) and the incident's come on top",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (anyone reaching it can use the public demo key)",
    )
    parser.set_defaults(handler=run)


def _utc_midnight() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def banner(
    url: str, faults_text: str, *, anchor: datetime | None = None, calls: int = DEFAULT_CALLS
) -> list[str]:
    """The start-up lines: one fact each, so they can be read or grepped. `anchor`: the data
    set's (the start of today, UTC, by default)."""
    from ccc_tui.emulator.server import is_loopback
    from ccc_tui.emulator.showcase import INCIDENT, SHOWCASE, SHOWCASE_2020, incident_window

    host = url.split("//", 1)[1].rsplit(":", 1)[0].strip("[]")
    local = url if is_loopback(host) else f"http://127.0.0.1:{url.rsplit(':', 1)[1]}"
    example = SHOWCASE["seed_outbound"]
    lines = [
        f"CCC emulator (APIs 2017-07-05 and 2020-07-01) listening on {url}",
        f"AccessKeyId: {DEMO_ACCESS_KEY_ID}",
        f"AccessKeySecret: {DEMO_ACCESS_KEY_SECRET} (public demo key)",
        f"InstanceId: {DEMO_INSTANCE_ID}",
    ]
    lines += [f"ContactId: {SHOWCASE[name]} ({what})" for name, what in _SHOWN]
    lines.append(
        f"InstanceId (CCC 2.0, API 2020-07-01, signature V3 or V1): {DEMO_INSTANCE_ID_2020} "
        "(the same calls under job-style ids)"
    )
    lines += [f"ContactId (2.0): {SHOWCASE_2020[name]} ({what})" for name, what in _SHOWN_2020]
    start, stop = incident_window(anchor or _utc_midnight())
    callback = next(clock for kind, clock in INCIDENT.caller_calls if kind == "outbound")
    lines += [
        f"Calls: {calls:,} over the 30 days before today, busy by day and quiet at night "
        "(CST), plus repeat callers' calls",
        f"Incident: {start:%Y-%m-%d} {start:%H:%M}-{stop:%H:%M} CST, skill group "
        f"{INCIDENT.skill_group} (complaints): most calls abandoned in queue or overflowed",
        f"Repeat caller: {INCIDENT.caller} (gave up three times in the incident, called back "
        f"at {callback[:5]})",
    ]
    lines += [
        f"Faults: {faults_text}",
        f"Try: ALIBABA_CLOUD_ACCESS_KEY_ID={DEMO_ACCESS_KEY_ID} "
        f"ALIBABA_CLOUD_ACCESS_KEY_SECRET={DEMO_ACCESS_KEY_SECRET} "
        f"ccc-tui show {example} --instance-id {DEMO_INSTANCE_ID} --endpoint {local}",
        "Press Ctrl-C to stop.",
    ]
    return lines


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from ccc_tui.emulator.faults import Faults
    from ccc_tui.emulator.server import ServerUnavailableError, serve

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        faults = Faults.parse(args.faults or "")
        if args.latency_ms is not None:
            if args.latency_ms < 0:
                raise ValueError(f"--latency-ms must be >= 0, got {args.latency_ms:g}")
            faults.latency_ms = args.latency_ms
    except ValueError as exc:
        print(f"ccc-tui emulator: {exc}", file=err)
        return EXIT_USAGE

    calls = getattr(args, "calls", DEFAULT_CALLS)
    anchor = _utc_midnight()

    def ready(url: str) -> None:
        lines = banner(url, faults.describe(), anchor=anchor, calls=calls)
        print("\n".join(lines), file=out, flush=True)

    try:
        serve(
            args.host,
            args.port,
            faults=faults,
            anchor=anchor,
            calls=calls,
            allow_remote=args.allow_remote,
            ready=ready,
        )
    except ServerUnavailableError as exc:
        print(f"ccc-tui emulator: {exc}", file=err)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        pass
    return EXIT_OK
