"""Start the interactive app: resolve the target, build the shared client and store, run CccApp."""

from __future__ import annotations

import argparse
import sys

from ccc_tui.api.errors import CccError, CredentialsError
from ccc_tui.calls.contact_ids import normalise_contact_id
from ccc_tui.calls.history import HistoryStore
from ccc_tui.cli.common import EXIT_USAGE, build_client, print_error, target_from_args
from ccc_tui.profiles.config import history_db_path, log_dir
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
    store = HistoryStore(history_db_path())

    from ccc_tui.profiles.session import LaunchTarget
    from ccc_tui.tui.app import CccApp

    app = CccApp(
        client=client,
        store=store,
        context=context,
        initial_contact=contact_id,
        launch=LaunchTarget.from_args(args),
    )
    return app.run() or 0


def build_context(args: argparse.Namespace) -> AppContext:
    from ccc_tui.profiles.session import context_for_target, demo_context

    return demo_context() if args.demo else context_for_target(target_from_args(args))
