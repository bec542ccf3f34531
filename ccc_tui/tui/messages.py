"""Messages that cross screens: dataclasses (Textual's Message runs `__post_init__` for them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ccc_tui.api.client import CccClient
    from ccc_tui.api.errors import CccError
    from ccc_tui.profiles.session import Session


@dataclass
class OpenCall(Message):
    """Ask the app to open the call screen for a (validated) contact id."""

    contact_id: str


@dataclass
class SessionBuilt(Message):
    """A worker built a session (client and context) from the demo or a profile."""

    session: Session


@dataclass
class SessionFailed(Message):
    """Building a session failed: no usable credentials, a rejected key, a bad profile."""

    error: CccError


@dataclass
class WorkerFailed(Message):
    """A worker raised what it did not expect: a bug. The app reports it; the session goes on."""

    worker: str
    error: BaseException


@dataclass
class HistoryChanged(Message):
    """A call was written to the history (in a thread): home reads its list again."""

    instance_id: str


@dataclass
class Connected(Message):
    """The client the app started without is built (after the first frame, in a thread)."""

    client: CccClient


@dataclass
class ConnectFailed(Message):
    """Building that client failed: no usable credentials after all, or a bad setting."""

    error: CccError


@dataclass
class StoreOpened(Message):
    """The history store is open (in a thread, after the first frame); `notice`: what the user
    should hear about it (a file moved aside, history off), if anything."""

    notice: str | None
