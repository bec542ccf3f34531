"""The base of the app's screens: worker failures go to the app's one error route."""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ccc_tui.tui.messages import WorkerFailed


class AppScreen(Screen[None]):
    """A screen whose workers never end the session: an unexpected exception in one (they run
    with `exit_on_error=False`) is handed to the app as a `WorkerFailed`."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[object] = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None:
            self.post_message(WorkerFailed(worker.name or "a background task", worker.error))
