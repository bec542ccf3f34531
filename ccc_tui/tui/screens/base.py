"""The base of the app's screens: worker failures go to the app's one error route."""

from __future__ import annotations

from textual.screen import Screen

from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.worker_errors import RoutesWorkerFailures


class AppScreen(RoutesWorkerFailures, Screen[None]):
    """A screen whose workers never end the session (see `RoutesWorkerFailures`)."""

    context: AppContext

    def use_context(self, context: AppContext) -> None:
        """Show things as `context` says (another display zone, from `z`): redraw in place, fetch
        nothing. Screens that show times extend this."""
        self.context = context
        for bar in self.query(ContextBar):
            bar.set_context(context)
