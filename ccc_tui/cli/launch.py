"""Start the interactive app: resolve the target, hand the app what builds the client, run CccApp.

The first frame comes first. Before it: the flags, the configuration (not for --demo) and a cheap
guess at whether credentials exist (environment, config, files: never the keyring, whose import
and backend discovery alone cost more than the frame). After it, in threads: the client (the
credential chain, the API layer, httpx), the history store and the log file.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TextIO

from ccc_tui.api.errors import CccError
from ccc_tui.calls.contact_ids import normalise_contact_id
from ccc_tui.calls.history import DEFAULT_MAX_ROWS, HistoryStore
from ccc_tui.cli.common import EXIT_USAGE, print_error
from ccc_tui.profiles.context import AppContext, LaunchTarget
from ccc_tui.profiles.paths import history_db_path, log_dir

if TYPE_CHECKING:
    from ccc_tui.api.client import CccClient


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
    # A session keeps what start-up builds (Textual, the modules, the screens) for its whole life:
    # fewer, later collections, and none that walk those objects again (see `settled`).
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        context, connect = plan_start(args)
    except CccError as exc:
        print_error(exc)
        return exc.exit_code
    store = HistoryStore(history_db_path(), max_rows=history_limit, deferred=True)

    from ccc_tui.tui.app import CccApp

    app = CccApp(
        client=None,
        connect=connect,
        startup=start_logging,
        settled=gc.freeze,  # start-up's objects out of every later collection's way
        big_call_shown=collect_after_big_call,
        store=store,
        context=context,
        initial_contact=contact_id,
        launch=LaunchTarget.from_args(args),
    )
    result = app.run()
    return exit_status(app.return_code, result)


def plan_start(args: argparse.Namespace) -> tuple[AppContext, Callable[[], CccClient] | None]:
    """The context the first frame shows, and what builds the client after it: None when no
    credentials can be expected (the app opens on its first-run screen). CccError for what stops
    the launch: an unusable config file or flag, no instance id while credentials exist."""
    if args.demo:
        from ccc_tui.profiles.demo import demo_client, demo_context

        context = demo_context(getattr(args, "instance_id", None))
        return context, partial(demo_client, instance_id=context.instance_id)
    from ccc_tui.cli.common import target_from_args
    from ccc_tui.profiles.config import load_config
    from ccc_tui.profiles.credentials import expected_source
    from ccc_tui.profiles.session import client_for_target, context_for_target, require_instance_id

    config = load_config()
    target = target_from_args(args, config)
    context = context_for_target(target)
    if expected_source(target.profile, config=config) is None:
        return context, None
    require_instance_id(target)
    return context, partial(client_for_target, target)


def start_logging() -> None:
    from ccc_tui.profiles.log_file import start_log_file

    start_log_file(log_dir())


# gen0 at 5,000 allocations (Python's default: 700), gen1 every 20 of those, gen2 every 10 gen1s.
# A young collection's pause grows with the young generation: at 10,000 one took 4.7–12.6 ms on a
# loaded machine and pushed a 200×60 page-down frame past 16 ms; at 5,000 it stays under 3 ms.
GC_THRESHOLDS = (5_000, 20, 10)


def collect_after_big_call() -> None:
    """Once a call of thousands of events is painted, while its reader reads: its objects are
    walked now, once, by a full collection (which also counts them as the old generation's, so
    the next full one waits until that has grown by a quarter), rather than by a collection in
    the middle of the first scroll (~200–400 ms for 10,000 events). Not after every call: an
    ordinary call costs a collection little."""
    gc.collect()


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
    the app says so elsewhere, and the history bound is no reason to stop). Read when the store
    opens, after the first frame."""
    from ccc_tui.profiles.config import load_config

    try:
        limit = load_config().history_limit
    except CccError:
        limit = None
    return limit if limit is not None else DEFAULT_MAX_ROWS
