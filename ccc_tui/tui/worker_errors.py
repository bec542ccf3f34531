"""The one error route for workers: an unexpected exception becomes a `WorkerFailed` for the app.

Worker state changes are posted to the node that ran the worker and do not bubble, so every node
that runs workers (screens, the panels of the settings screen, the app) takes this mixin; its
workers run with `exit_on_error=False` (a test checks every `@work` in tui/).
"""

from __future__ import annotations

from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from ccc_tui.tui.messages import WorkerFailed


class RoutesWorkerFailures(MessagePump):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[object] = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None:
            failure = WorkerFailed(worker.name or "a background task", worker.error)
            # Widgets and screens bubble it up to the app; the app handles its own directly.
            self.post_message(failure)
