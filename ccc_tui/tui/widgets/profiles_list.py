"""The settings screen's profiles: the list of config.toml's profiles, and creating, deleting and
making one the default.

The list marks the default profile (★) and the one the launch asks for when it is not in the file
yet ("(new)"). Moving the highlight chooses a profile (after asking, when the form holds unsaved
changes); the file is changed here, through `profiles.config`, and what happened is posted: the
screen reloads the file, loads the profile into its panels and says so under the form.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from ccc_tui.api.errors import CccError
from ccc_tui.profiles.config import Config, delete_profile, save_profile, set_default_profile
from ccc_tui.profiles.session import shorten_home
from ccc_tui.tui.screens.confirm import ConfirmScreen
from ccc_tui.tui.screens.profile_name import ProfileNameScreen
from ccc_tui.tui.widgets.error_panel import rejection_text
from ccc_tui.tui.widgets.field_row import FieldState
from ccc_tui.tui.widgets.settings_panel import SettingsPanel


def profile_label(name: str, config: Config | None) -> Text:
    """`name`, then ★ when it is the default profile and "(new)" when it is not in the file."""
    text = Text(name)
    default = config.default_profile if config else None
    if name == default or (default is None and name == "default"):
        text.append(" ★", style="bold")
    if config is None or name not in config.profiles:
        text.append(" (new)", style="italic")
    return text


class ProfilesList(SettingsPanel):
    """A title, `#profiles` and `#profiles-keys`. `profile` is the one the form shows: the
    screen sets it when it loads one. `state` says whether the form holds unsaved changes.

    Posts `ProfileChosen`, `ProfileCreated`, `ProfileDeleted` and `DefaultChanged`, and `Note`
    for what the form's status line should say when nothing changed."""

    DEFAULT_CSS = """
    ProfilesList {
        width: 22;
        height: 1fr;
        padding: 0 1;
        border-right: vkey $panel;
    }
    ProfilesList #profiles { height: 1fr; }
    ProfilesList #profiles-keys { color: $foreground-muted; height: auto; }
    """

    @dataclass
    class ProfileChosen(Message):
        profile: str

    @dataclass
    class ProfileCreated(Message):
        profile: str

    @dataclass
    class ProfileDeleted(Message):
        profile: str

    @dataclass
    class DefaultChanged(Message):
        profile: str

    @dataclass
    class Note(Message):
        content: str | Text
        kind: str  # as for `show_status`: "error", "done" or ""

    def __init__(self, state: FieldState, path: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.path = path
        self.config: Config | None = None
        self.usable = True  # False: the file cannot be read, so no profile is created in it
        self.profile = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("Profiles", style="bold"), classes="section-title")
        yield OptionList(id="profiles", compact=True)
        yield Static("n new · x delete\nm make default", id="profiles-keys")

    def show(self, config: Config | None, active: str, wanted: str, *, usable: bool) -> str:
        """List `config`'s profiles (and `active`, the launch's, even when not in the file) and
        highlight `wanted`, or `active` when `wanted` is not listed; returns the highlighted one."""
        self.config, self.usable = config, usable
        names = list(config.profiles) if config else []
        if active not in names:
            names.insert(0, active)
        if wanted not in names:
            wanted = active
        profiles = self.query_one("#profiles", OptionList)
        profiles.clear_options()
        profiles.add_options(Option(profile_label(n, config), id=n) for n in names)
        profiles.highlighted = names.index(wanted)
        return wanted

    def _in_file(self) -> bool:
        return self.config is not None and self.profile in self.config.profiles

    def _unless_unsaved(self, then: Callable[[], object], otherwise: Callable[[], object]) -> None:
        """Run `then` at once, or once the user agreed to discard the form's unsaved changes."""
        if not self.state.dirty:
            then()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                then()
            else:
                otherwise()

        question = f"Discard the unsaved changes to profile {self.profile}?"
        self.app.push_screen(ConfirmScreen(question, "discard"), answered)

    # ---- choosing ------------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#profiles")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        name = event.option.id
        if name is None or name == self.profile:
            return
        self._unless_unsaved(
            lambda: self.post_message(self.ProfileChosen(name)),
            lambda: self._highlight(self.profile),
        )

    def _highlight(self, name: str) -> None:
        profiles = self.query_one("#profiles", OptionList)
        with contextlib.suppress(OptionDoesNotExist):  # the list was refilled meanwhile
            profiles.highlighted = profiles.get_option_index(name)

    # ---- create, delete, make default ----------------------------------------------------------

    def new_profile(self) -> None:
        """Ask for a name, then create the profile in the file (empty) and post ProfileCreated."""
        if not self.usable:
            return
        existing = set(self.config.profiles) if self.config else set()
        self.app.push_screen(ProfileNameScreen(existing), self._create)

    def _create(self, name: str | None) -> None:
        if name:
            self._unless_unsaved(lambda: self._create_now(name), lambda: None)

    def _create_now(self, name: str) -> None:
        change = partial(save_profile, name, {}, path=self.path)
        self._change_file(change, "Not created", self.ProfileCreated(name))

    def delete_profile(self) -> None:
        """Ask, then remove the profile from the file and post ProfileDeleted."""
        if not self._in_file():
            self.post_message(self.Note("This profile is not in the file yet.", ""))
            return
        name = self.profile
        self.app.push_screen(
            ConfirmScreen(
                f"Delete profile {name} from {shorten_home(str(self.path))}, and its keyring "
                "entry?",
                "delete",
            ),
            lambda yes: self._delete_now(name) if yes else None,
        )

    def _delete_now(self, name: str) -> None:
        change = partial(delete_profile, name, path=self.path)
        self._change_file(change, "Not deleted", self.ProfileDeleted(name))

    def make_default(self) -> None:
        """Make the profile the file's default_profile and post DefaultChanged."""
        if not self._in_file():
            self.post_message(self.Note("Save this profile first (ctrl+s).", "error"))
            return
        change = partial(set_default_profile, self.profile, path=self.path)
        self._change_file(change, "Not changed", self.DefaultChanged(self.profile))

    def _change_file(self, change: Callable[[], object], failed: str, done: Message) -> None:
        """Change the file; post `done`, or a Note saying why it was not (`failed`: the title)."""
        try:
            change()
        except CccError as exc:
            self.post_message(self.Note(rejection_text(exc, None, failed), "error"))
            return
        self.post_message(done)
