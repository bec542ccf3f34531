"""`ccc-tui doctor`: check the setup end to end, one line per check.

Checks: the config file; the effective target; which credential source won (key id masked) and why
each earlier one was skipped; the keyring backend; the endpoint and TLS with one signed call
(ListInstancesOfUser); the clock against the server's `Date` header (warn past 5 min, fail past
15, where CCC starts refusing signatures); the instance (GetInstance).

Markers: ✓ pass, ! warning (does not change the exit code), ✗ fail, · not checked; ASCII
`ok`/`!!`/`XX`/`--` when stdout cannot encode them.
Exit codes: 0 every check passed or warned; 3 a failure in this machine's setup (config,
credentials, rejected key, permissions, endpoint, instance id, clock); 1 any other failure (CCC
or the network). With both kinds, 3.
"""

from __future__ import annotations

import argparse
import sys

from ccc_tui.cli.common import add_target_arguments
from ccc_tui.profiles.diagnostics import FAIL, PASS, SKIP, WARN, Check, diagnose, exit_code

_UNICODE_MARKS = {PASS: "✓", WARN: "!", FAIL: "✗", SKIP: "·"}
_ASCII_MARKS = {PASS: "ok", WARN: "!!", FAIL: "XX", SKIP: "--"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "doctor",
        help="check config, credentials, keyring, endpoint, clock and instance",
        description=(
            "Check the setup end to end, one line per check. Exit 0 when all pass, 3 when this "
            "machine's setup is the problem (config, credentials, clock, instance id), 1 otherwise."
        ),
    )
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    checks = diagnose(
        demo=bool(getattr(args, "demo", False)),
        profile=args.profile,
        instance_id=args.instance_id,
        region=args.region,
        endpoint=args.endpoint,
        api_version=getattr(args, "api_version", None),
    )
    print_checks(checks)
    return exit_code(checks)


def marks(stream: object = None) -> dict[str, str]:
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        "".join(_UNICODE_MARKS.values()).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return _ASCII_MARKS
    return _UNICODE_MARKS


def print_checks(checks: list[Check]) -> None:
    mark = marks()
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    width = max(len(c.name) for c in checks)

    def emit(text: str) -> None:
        # A path or an instance name the terminal cannot show becomes '?', never a crash.
        try:
            print(text.encode(encoding, "replace").decode(encoding))
        except LookupError:
            print(text)

    for check in checks:
        emit(f"{mark[check.status]} {check.name:<{width}}  {check.summary}")
        for line in check.details:
            emit(f"  {'':<{width}}  - {line}")


