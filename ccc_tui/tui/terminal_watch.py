"""Quit when the terminal goes away.

A closed tmux window or a dropped SSH connection does not always send SIGHUP to the app (a parent
such as `make` may take it instead). Textual's input thread then reads end-of-file from the dead
terminal ten times a second, forever, and the orphaned app holds a core at 100 %. A hung-up
terminal reports POLLHUP; the app polls for it (a syscall a second) and exits with 129, as if the
SIGHUP had arrived.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
from typing import Any

from textual.app import App

log = logging.getLogger(__name__)

EXIT_HANGUP = 129  # 128 + SIGHUP, what a shell reports for a process the hang-up ended
_GONE = getattr(select, "POLLHUP", 0) | getattr(select, "POLLERR", 0) | getattr(select, "POLLNVAL", 0)


def hung_up(fd: int) -> bool:
    """Whether the terminal on `fd` has hung up (never blocks; False where poll is unknown)."""
    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    try:
        return any(events & _GONE for _fd, events in poller.poll(0))
    except OSError:
        return True


def watch_terminal(app: App[Any], fd: int = 0, every: float = 1.0) -> None:
    """Check `fd` every `every` seconds while `app` runs in a real terminal; quit when it is gone."""
    if app.is_headless or not hasattr(select, "poll"):
        return
    try:
        if not os.isatty(fd):
            return
    except OSError:
        return

    def check() -> None:
        if hung_up(fd):
            log.warning("the terminal hung up: quitting")
            _silence_output()
            app.exit(EXIT_HANGUP)

    app.set_interval(every, check, name="terminal-watch")


def _silence_output() -> None:
    """Point stdout and stderr at /dev/null: restoring a gone terminal's modes must not fail."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for target in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, target)
    os.close(null)
