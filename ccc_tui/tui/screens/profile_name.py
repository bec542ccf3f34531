"""Ask for a new profile's name, validated as typed."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from ccc_tui.api.errors import CccError
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.config import validate_profile_name
from ccc_tui.tui.screens.dialog import Dialog


class ProfileNameScreen(Dialog[str | None]):
    """The name of a new profile: enter creates it (when valid and not taken), esc cancels."""

    # The error line above the keys already leaves a gap.
    DEFAULT_CSS = """
    ProfileNameScreen #name-error { color: $error; height: auto; }
    ProfileNameScreen .dialog-keys { padding: 0; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=True)]

    def __init__(self, existing: set[str]) -> None:
        super().__init__()
        self.existing = existing

    def compose_body(self) -> ComposeResult:
        yield Static(Text("New profile name", style="bold"))
        yield Input(placeholder="e.g. prod, staging-sh", id="profile-name", max_length=64)
        yield Static("", id="name-error")
        yield Static("enter create · esc cancel", id="name-keys", classes="dialog-keys")

    def _problem(self, name: str) -> str:
        try:
            validate_profile_name(name)
        except CccError as exc:
            return f"✗ {exc.message} {exc.hint or ''}".rstrip()
        if name in self.existing:
            return f"✗ There is already a profile {name}."
        return ""

    @on(Input.Changed, "#profile-name")
    def check(self, event: Input.Changed) -> None:
        problem = self._problem(event.value.strip()) if event.value.strip() else ""
        self.query_one("#name-error", Static).update(Text(safe_text(problem, 200)))

    @on(Input.Submitted, "#profile-name")
    def submit(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        problem = self._problem(name)
        if problem:
            self.query_one("#name-error", Static).update(Text(safe_text(problem, 200)))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
