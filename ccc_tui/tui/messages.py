"""Messages that cross screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
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
