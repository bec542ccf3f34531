"""Messages that cross screens.

Written as Textual writes its own (an `__init__` that stores the fields), not as dataclasses: this
module loads before the first frame, where each dataclass would cost ~0.3 ms to create. The same
goes for the messages of home's first-frame widgets; screens and widgets loaded later use
dataclass messages, which say the same in fewer lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ccc_tui.api.client import CccClient
    from ccc_tui.api.errors import CccError
    from ccc_tui.profiles.session import Session


class OpenCall(Message):
    """Ask the app to open the call screen for a (validated) contact id."""

    def __init__(self, contact_id: str) -> None:
        super().__init__()
        self.contact_id = contact_id


class SessionBuilt(Message):
    """A worker built a session (client and context) from the demo or a profile."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session


class SessionFailed(Message):
    """Building a session failed: no usable credentials, a rejected key, a bad profile."""

    def __init__(self, error: CccError) -> None:
        super().__init__()
        self.error = error


class WorkerFailed(Message):
    """A worker raised what it did not expect: a bug. The app reports it; the session goes on."""

    def __init__(self, worker: str, error: BaseException) -> None:
        super().__init__()
        self.worker = worker
        self.error = error


class HistoryChanged(Message):
    """A call was written to the history (in a thread): home reads its list again."""

    def __init__(self, instance_id: str) -> None:
        super().__init__()
        self.instance_id = instance_id


class Connected(Message):
    """The client the app started without is built (after the first frame, in a thread)."""

    def __init__(self, client: CccClient) -> None:
        super().__init__()
        self.client = client


class ConnectFailed(Message):
    """Building that client failed: no usable credentials after all, or a bad setting."""

    def __init__(self, error: CccError) -> None:
        super().__init__()
        self.error = error


class StoreOpened(Message):
    """The history store is open (in a thread, after the first frame); `notice`: what the user
    should hear about it (a file moved aside, history off), if anything."""

    def __init__(self, notice: str | None) -> None:
        super().__init__()
        self.notice = notice
