"""The home screen's ContactId field: it leaves `?` to the app, which opens help."""

from __future__ import annotations

from textual.widgets import Input


class ContactIdInput(Input):
    # A ContactId never holds "?"; everywhere else in the app "?" is help, so here too.
    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character == "?":
            return False
        return super().check_consume_key(key, character)
