"""What every headless command shares: contact id checks, building the client, printing errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from ccc_tui.api.errors import EXIT_API, EXIT_CONFIG, CccError
from ccc_tui.calls.error_text import error_lines
from ccc_tui.profiles.config import ENV_PROFILE, Target, resolve_target
from ccc_tui.profiles.fields import PROFILE_FIELDS
from ccc_tui.profiles.session import client_for_target

if TYPE_CHECKING:
    from ccc_tui.api.auth import AccessKey
    from ccc_tui.api.client import CccClient

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NOT_FOUND = 4  # the instance answered, and knows none of these contacts


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


def target_from_args(args: argparse.Namespace) -> Target:
    return resolve_target(
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
