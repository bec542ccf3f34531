"""The `ccc-tui` entry point: argparse wiring only.

`ccc-tui [flags] [CONTACT_ID]` opens the app; `ccc-tui COMMAND …` runs a headless command. Each
command lives in `ccc_tui.cli.<module>` and registers its own parser. Textual is imported only
when the app itself is launched, so `ccc-tui show` stays fast.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from ccc_tui import __version__
from ccc_tui.cli.common import add_target_arguments
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID, DEMO_INSTANCE_ID_2020

# command name -> module with `register(subparsers)`, which sets `handler(args) -> int`.
COMMANDS: dict[str, str] = {
    "show": "ccc_tui.cli.show",
    "find": "ccc_tui.cli.find",
    "emulator": "ccc_tui.cli.emulator",
    "config": "ccc_tui.cli.config_cmd",
    "login": "ccc_tui.cli.login",
    "logout": "ccc_tui.cli.login",
    "doctor": "ccc_tui.cli.doctor",
}

def build_app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccc-tui",
        description=(
            "What happened to an Alibaba Cloud Call Center call: its events and recordings. "
            f"Commands: {', '.join(COMMANDS)} (ccc-tui COMMAND --help)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"ccc-tui {__version__}")
    add_target_arguments(parser)
    parser.add_argument(
        "contact_id", nargs="?", metavar="CONTACT_ID", help="open this call directly"
    )
    return parser


def build_command_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `only` that one: importing a command's module pulls in
    what it needs, and `ccc-tui show` must not pay for `login` or `doctor`."""
    parser = argparse.ArgumentParser(prog="ccc-tui")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = [COMMANDS[only]] if only else list(dict.fromkeys(COMMANDS.values()))
    for module in modules:
        importlib.import_module(module).register(subparsers)
    return parser


def _innermost(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)parser of the command and action that `args` was parsed by."""
    while True:
        chosen = None
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                name = getattr(args, action.dest or "", None)
                chosen = action.choices.get(name) if isinstance(name, str) else None
        if chosen is None:
            return parser
        parser = chosen


# The demo's two instances, one per API version: `--demo --instance-id` picks one.
DEMO_INSTANCES = (DEMO_INSTANCE_ID, DEMO_INSTANCE_ID_2020)


def _refuse_demo_with_target(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--demo runs on the built-in emulator: a profile, instance, region or endpoint given with it
    would be ignored, which is worse than saying so (exit 2)."""
    if not getattr(args, "demo", False):
        return
    given = [
        f"--{name.replace('_', '-')}"
        for name in ("profile", "region", "endpoint")
        if getattr(args, name, None)
    ]
    instance = getattr(args, "instance_id", None)
    if instance and instance not in DEMO_INSTANCES:
        known = " or ".join(DEMO_INSTANCES)
        parser.error(f"--demo serves the instances {known}; not {instance!r}")
    if given:
        parser.error(f"--demo uses the built-in emulator; it cannot be combined with {', '.join(given)}")


def _value_flags(parser: argparse.ArgumentParser) -> frozenset[str]:
    """The app's options that take a value, read off its parser: their values are not commands."""
    return frozenset(
        flag for action in parser._actions if action.nargs != 0 for flag in action.option_strings
    )


def _command_position(argv: Sequence[str], value_flags: frozenset[str]) -> int | None:
    """Index of the first bare word when it names a command (flags may come before it)."""
    skip = False
    for i, token in enumerate(argv):
        if skip:
            skip = False
            continue
        if token == "--":
            return None
        if token.startswith("-"):
            skip = token in value_flags and "=" not in token
            continue
        return i if token in COMMANDS else None
    return None


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away (`| head`)


def _run_headless(args: argparse.Namespace) -> int:
    """A command, ended cleanly however it ends: interrupted, its reader gone, or its disk full —
    one line at most and the conventional code, never a traceback."""
    try:
        code = int(args.handler(args))
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at interpreter exit
        return code
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of stdout, or of stderr (`2>&1 | head`), is gone: neither can say more.
        _silence(sys.stdout, sys.stderr)
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT):
            raise
        _silence(sys.stdout)
        print(f"ccc-tui: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 1


def _silence(*streams: TextIO) -> None:
    """Point these streams at /dev/null so the interpreter's final flush cannot fail again."""
    for stream in streams:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    app_parser = build_app_parser()
    pos = _command_position(argv, _value_flags(app_parser))
    if pos is not None:
        # Flags written before the command apply to it: move the command to the front.
        command = argv[pos]
        parser = build_command_parser(command)
        args, extra = parser.parse_known_args([command, *argv[:pos], *argv[pos + 1 :]])
        _refuse_demo_with_target(_innermost(parser, args), args)
        if extra:
            # argparse would blame the top-level parser and print its usage; the user wants the
            # usage of the command (or action) they typed.
            _innermost(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
        return _run_headless(args)
    args = app_parser.parse_args(argv)
    _refuse_demo_with_target(app_parser, args)
    from ccc_tui.cli.launch import run_app  # imports Textual: only for the interactive app

    return run_app(args)


if __name__ == "__main__":
    raise SystemExit(main())
