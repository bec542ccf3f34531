"""Messages that cross screens."""

from __future__ import annotations

from textual.message import Message


class OpenCall(Message):
    """Ask the app to open the call screen for a (validated) contact id."""

    def __init__(self, contact_id: str) -> None:
        super().__init__()
        self.contact_id = contact_id
