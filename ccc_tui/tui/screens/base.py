"""The base of the app's screens: worker failures go to the app's one error route."""

from __future__ import annotations

from textual.screen import Screen

from ccc_tui.tui.worker_errors import RoutesWorkerFailures


class AppScreen(RoutesWorkerFailures, Screen[None]):
    """A screen whose workers never end the session (see `RoutesWorkerFailures`)."""
