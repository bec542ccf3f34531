"""What every headless command shares: contact id checks, building the client, printing errors,
and the flags of the commands that fetch (--concurrency, --rate, --tz)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, TextIO

from ccc_tui.api.errors import EXIT_API, EXIT_CONFIG, CccError
from ccc_tui.calls.error_text import error_lines
from ccc_tui.profiles.fields import ENV_PROFILE, PROFILE_FIELDS

if TYPE_CHECKING:
    from ccc_tui.api.auth import AccessKey
    from ccc_tui.api.client import CccClient
    from ccc_tui.profiles.config import Config, Target

# The configuration, the credential chain and zoneinfo are imported where they are used: the app's
# first frame and `--demo` need none of them.

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NOT_FOUND = 4  # the instance answered, and knows none of these contacts
DEFAULT_CONCURRENCY = 16  # requests in flight at once


def add_target_arguments(
    parser: argparse.ArgumentParser,
    *,
    demo: bool = True,
    helps: Mapping[str, str] | None = None,
) -> None:
    """Which instance to talk to: --demo, --profile and the flag of every profile setting that has
    one (PROFILE_FIELDS). `helps` rewords a flag's help for one command (by setting key)."""
    helps = helps or {}
    group = parser.add_argument_group("target")
    if demo:
        group.add_argument(
            "--demo", action="store_true", help="use the built-in emulator; needs no setup"
        )
    group.add_argument(
        "--profile",
        metavar="NAME",
        help=helps.get("profile", f"configuration profile ({ENV_PROFILE})"),
    )
    for field in PROFILE_FIELDS:
        if field.flag:
            words = helps.get(field.key, field.flag_help)
            env = f" ({field.env})" if field.env else ""
            group.add_argument(
                field.flag,
                dest=field.key,
                metavar=field.key.split("_")[-1].upper(),
                help=f"{words}{env}",
            )


def add_fetch_arguments(parser: argparse.ArgumentParser, *, tz_help: str) -> None:
    """--concurrency, --rate and --tz (`tz_help`: what the zone is for in this command)."""
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"requests in flight at once (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--rate", type=float, metavar="RPS", help="at most this many requests per second"
    )
    parser.add_argument("--tz", metavar="ZONE", help=tz_help)


def display_zone(args: argparse.Namespace) -> tzinfo | None:
    """--tz, else the zone the app would show (the profile's, else the region's; --demo: the
    emulator's); None: this machine's (--tz local). Raises ZoneInfoNotFoundError or ValueError
    for an unknown name, CccError for an unreadable configuration."""
    from zoneinfo import ZoneInfo

    from ccc_tui.profiles.demo import demo_zone_name

    name = args.tz
    if name is None:
        name = (
            demo_zone_name() if getattr(args, "demo", False) else target_from_args(args).time_zone
        )
    elif name.strip().lower() == "local":
        return None
    return ZoneInfo(name.strip()) if name else None


def check_fetch_arguments(args: argparse.Namespace) -> tuple[tzinfo | None, int]:
    """--concurrency and --rate checked and --tz read: (the zone, EXIT_OK), or (None, the exit
    code) with the reason on stderr."""
    if args.concurrency < 1 or (args.rate is not None and args.rate <= 0):
        print("error: --concurrency and --rate must be positive", file=sys.stderr)
        return None, EXIT_USAGE
    from zoneinfo import ZoneInfoNotFoundError

    try:
        return display_zone(args), EXIT_OK
    except (ZoneInfoNotFoundError, ValueError):
        print(
            f"error: unknown time zone {args.tz!r} (try Asia/Shanghai, UTC or local)",
            file=sys.stderr,
        )
        return None, EXIT_USAGE
    except CccError as exc:
        return None, print_error(exc)


def target_from_args(args: argparse.Namespace, config: Config | None = None) -> Target:
    """The target the flags, the env vars and the profile (of `config`: read when None) name."""
    from ccc_tui.profiles.config import resolve_target

    return resolve_target(
        config=config,
        profile=getattr(args, "profile", None),
        instance_id=getattr(args, "instance_id", None),
        region=getattr(args, "region", None),
        endpoint=getattr(args, "endpoint", None),
        api_version=getattr(args, "api_version", None),
    )


def build_client(args: argparse.Namespace, **options: Any) -> CccClient:
    """The client the flags ask for: the in-process emulator with --demo, else the real target."""
    if getattr(args, "demo", False):
        from ccc_tui.profiles.demo import demo_client

        instance = getattr(args, "instance_id", None)
        return demo_client(**options, **({"instance_id": instance} if instance else {}))
    from ccc_tui.profiles.session import client_for_target

    return client_for_target(target_from_args(args), **options)


def print_error(
    error: CccError,
    *,
    key: AccessKey | None = None,
    context: str = "",
    stream: TextIO | None = None,
) -> int:
    """The error's lines on stderr (see `error_lines`); returns the exit code it calls for."""
    for line in error_lines(error, key, context=context):
        print(line, file=stream or sys.stderr)
    return error.exit_code


# What a batch exits with when its contacts ended differently: the first of these that occurred.
_EXIT_PRECEDENCE = (EXIT_CONFIG, EXIT_API, EXIT_NOT_FOUND, EXIT_USAGE)


def worst_exit(codes: Iterable[int]) -> int:
    """Configuration problems (3) outrank API failures (1), which outrank contacts the instance
    does not know (4), which outrank success (0)."""
    seen = set(codes)
    return next((code for code in _EXIT_PRECEDENCE if code in seen), EXIT_OK)
