"""The settings screen's profile part: its title, the file, the profile's fields, Save and Use now.

One row per non-credential setting of `profiles.fields.PROFILE_FIELDS`, each validated as typed by
the field's own check (the problem under the field; Save refuses while any is invalid) and saved
through `config.save_profile`, which keeps the file's comments and writes it atomically; only
changed keys are written. The fields' state is shared with the credentials panel (the key id):
see `FieldState`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static

from ccc_tui.api.errors import CccError
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.config import Config, save_profile
from ccc_tui.profiles.fields import PROFILE_FIELDS
from ccc_tui.profiles.session import shorten_home
from ccc_tui.tui.widgets.error_panel import rejection_text
from ccc_tui.tui.widgets.field_row import FieldRows, FieldState
from ccc_tui.tui.widgets.settings_panel import SettingsPanel
from ccc_tui.tui.widgets.status_line import show_status


class ProfileForm(SettingsPanel):
    """`#profile-title`, `#profile-path`, the rows (`#field-KEY`, `#error-KEY`), `#save`, `#use`
    and `#save-status`. `save` posts `Saved`, or `Refused` with the first invalid field (which
    may be in another panel: the screen focuses it); the screen reloads the file on `Saved`,
    then calls `announce_saved`."""

    DEFAULT_CSS = """
    ProfileForm #profile-title { margin-top: 0; }
    ProfileForm #profile-path { color: $foreground-muted; margin-bottom: 1; }
    """

    @dataclass
    class Saved(Message):
        profile: str
        config: Config

    @dataclass
    class Refused(Message):
        key: str  # the first field marked ✗

    def __init__(self, state: FieldState, path: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.path = path
        self.profile = ""
        self.is_new = False

    def compose(self) -> ComposeResult:
        yield Static("", id="profile-title", classes="section-title")
        yield Static(Text(safe_text(shorten_home(str(self.path)), 200)), id="profile-path")
        yield FieldRows((f for f in PROFILE_FIELDS if not f.credential), self.state)
        with Horizontal(classes="buttons"):
            yield Button("Save  ctrl+s", id="save", compact=True, variant="primary")
            yield Button("Use now  u", id="use", compact=True)
        yield Static("", id="save-status", classes="status")

    def show_profile(self, profile: str, *, is_new: bool) -> None:
        """The state was loaded with `profile`: show its values, no problem, no status."""
        self.profile, self.is_new = profile, is_new
        self.query_one(FieldRows).show_loaded()
        self.set_status("", "")
        self.show_state()

    def show_state(self) -> None:
        """The title (modified or not) and Save (refused while a field is invalid)."""
        text = Text()
        text.append(f"Profile {self.profile}")
        if self.is_new:
            text.append(" (not saved yet)", style="italic")
        if self.state.dirty:
            text.append(" · modified", style="italic")
        self.query_one("#profile-title", Static).update(text)
        self.query_one("#save", Button).disabled = bool(self.state.errors)

    @on(FieldRows.Updated)
    def _updated(self, message: FieldRows.Updated) -> None:
        self.show_state()  # not stopped: the screen hears of every edit

    def set_status(self, content: str | Text, kind: str) -> None:
        show_status(self.query_one("#save-status", Static), content, kind)

    def set_saved(self, key: str, value: str) -> None:
        """`key` was saved as `value` on its own (the profile exists now); the rest stays."""
        self.state.loaded[key] = value
        self.query_one(FieldRows).set_value(key, value)
        self.is_new = False
        self.show_state()

    def announce_saved(self, saved: Saved, *, connected: bool) -> None:
        """Say where `saved` went, once the profile is reloaded; `connected`: the running
        session keeps its client until u."""
        done = f"Saved profile {saved.profile} to {shorten_home(str(saved.config.path))}."
        if connected:
            done += (
                " The running session is unchanged: press u to use it now, or it applies "
                "on the next start."
            )
        self.set_status(done, "done")

    def save(self) -> None:
        errors = self.state.errors
        if errors:
            self.set_status(
                Text(f"✗ Not saved: fix the fields marked ✗ ({', '.join(errors)})."), "error"
            )
            self.post_message(self.Refused(next(iter(errors))))
            return
        fields = self.state.changed()
        if not fields and not self.is_new:
            self.set_status("Nothing to save: no field was changed.", "")
            return
        try:
            saved = save_profile(self.profile, fields, path=self.path)
        except CccError as exc:
            self.set_status(rejection_text(exc, None, "Not saved"), "error")
            return
        self.post_message(self.Saved(self.profile, saved))
