"""What every headless command shares: contact id checks, building the client, printing errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TextIO

from ccc_tui.api.client import CccClient
from ccc_tui.api.errors import EXIT_CONFIG, CccError, ConfigurationError
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.config import Target, resolve_target
from ccc_tui.profiles.credentials import resolve_credentials

EXIT_OK = 0
EXIT_USAGE = 2


def target_from_args(args: argparse.Namespace) -> Target:
    return resolve_target(
        profile=getattr(args, "profile", None),
        instance_id=getattr(args, "instance_id", None),
        region=getattr(args, "region", None),
        endpoint=getattr(args, "endpoint", None),
    )


def build_client(args: argparse.Namespace, **options: object) -> CccClient:
    """The client the flags ask for: the in-process emulator with --demo, else the real target."""
    if getattr(args, "demo", False):
        from ccc_tui.profiles.demo import demo_client

        return demo_client(**options)  # type: ignore[arg-type]
    target = target_from_args(args)
    credentials = resolve_credentials(target.profile)
    if not target.instance_id:
        raise ConfigurationError(
            "No CCC instance id is set.",
            code="Config.NoInstance",
            hint="Pass --instance-id, set CCC_TUI_INSTANCE_ID, or save one in a profile (ccc-tui login).",
        )
    return CccClient(
        credentials,
        endpoint=target.endpoint_url,
        instance_id=target.instance_id,
        **options,  # type: ignore[arg-type]
    )


def print_error(error: CccError, *, context: str = "", stream: TextIO | None = None) -> None:
    """Code, message, plain-words hint and request id, on stderr; server text neutralised."""
    out = stream or sys.stderr
    where = f"{context}: " if context else ""
    print(f"error: {where}{error.code}: {safe_text(error.message, 400)}", file=out)
    if error.hint:
        print(f"  hint: {error.hint}", file=out)
    if error.request_id:
        print(f"  request id: {safe_text(error.request_id, 80)}", file=out)


def worst_exit(codes: Iterable[int]) -> int:
    """Configuration problems (3) outrank API failures (1), which outrank success (0)."""
    codes = list(codes)
    if EXIT_CONFIG in codes:
        return EXIT_CONFIG
    return max(codes, default=EXIT_OK)
