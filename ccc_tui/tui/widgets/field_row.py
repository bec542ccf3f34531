"""A labelled row for one declared profile setting, with its error line under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select, Static

from ccc_tui.profiles.config import default_downloads_dir
from ccc_tui.profiles.fields import ProfileField
from ccc_tui.profiles.session import shorten_home


def field_row(field: ProfileField) -> ComposeResult:
    """`#row-KEY` holding the label and `#field-KEY` (a Select when the field lists choices),
    then `#error-KEY`, hidden while the value is valid."""
    key = field.key
    with Horizontal(classes="field-row", id=f"row-{key}"):
        yield Label(field.label)
        if field.choices:
            # Only these values are allowed: a list, its prompt says what empty means.
            yield Select(
                [(label, value) for value, label in field.choices],
                prompt=field.placeholder,
                id=f"field-{key}",
                compact=True,
            )
        else:
            placeholder = field.placeholder
            if key == "download_dir":
                # The declared placeholder is generic; here the real folder can be shown.
                placeholder = f"{shorten_home(str(default_downloads_dir()))} (default)"
            yield Input(placeholder=placeholder, id=f"field-{key}", compact=True, max_length=300)
    yield Static("", id=f"error-{key}", classes="field-error -ok")
