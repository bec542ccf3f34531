"""Start the interactive app: resolve the target, build the shared client and store, run CccApp."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ccc_tui.api.errors import CccError, CredentialsError
from ccc_tui.calls.contact_ids import normalise_contact_id
from ccc_tui.calls.history import DEFAULT_MAX_ROWS, HistoryStore
from ccc_tui.cli.common import EXIT_USAGE, build_client, print_error, target_from_args
from ccc_tui.profiles.config import history_db_path, load_config, log_dir
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.log_file import start_log_file


def run_app(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "ccc-tui: the app needs a terminal on stdin and stdout. "
            "For scripts use: ccc-tui show CONTACT_ID [--json|--markdown]",
            file=sys.stderr,
        )
        return EXIT_USAGE
    contact_id = None
    if args.contact_id:
        try:
            contact_id = normalise_contact_id(args.contact_id)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    client = None
    try:
        context = build_context(args)
        client = build_client(args)
    except CredentialsError:
        pass  # no usable credentials (never with --demo): the app opens its first-run screen
    except CccError as exc:
        print_error(exc)
        return exc.exit_code
    start_log_file(log_dir())
    store = HistoryStore(history_db_path(), max_rows=history_limit())

    from ccc_tui.profiles.session import LaunchTarget
    from ccc_tui.tui.app import CccApp

    app = CccApp(
        client=client,
        store=store,
        context=context,
        initial_contact=contact_id,
        launch=LaunchTarget.from_args(args),
    )
    result = app.run()
    return exit_status(app.return_code, result)


EXIT_CRASH = 70  # EX_SOFTWARE: an internal error, not the user's input or setup


def exit_status(return_code: int | None, result: int | None, stream: TextIO | None = None) -> int:
    """The process's exit code. Textual sets a return code of 1 when an unhandled exception ended
    the app (its traceback is printed above); that must not look like a clean quit."""
    if return_code:
        import platform

        from ccc_tui import __version__

        print(
            f"ccc-tui {__version__} stopped on an internal error (the traceback is above). "
            "This is a bug: please report it to the ccc-tui maintainers with that traceback, "
            f"what you did just before, and: Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}. The log is in `ccc-tui config path`.",
            file=stream or sys.stderr,
        )
        return EXIT_CRASH
    return result or 0


def history_limit() -> int:
    """`history_limit` from the config file; the default when unset (or the file is unusable:
    the app says so elsewhere, and the history bound is no reason to stop)."""
    try:
        limit = load_config().history_limit
    except CccError:
        limit = None
    return limit if limit is not None else DEFAULT_MAX_ROWS


def build_context(args: argparse.Namespace) -> AppContext:
    from ccc_tui.profiles.session import context_for_target, demo_context

    if args.demo:
        return demo_context(getattr(args, "instance_id", None))
    return context_for_target(target_from_args(args))
