"""The ProfilesList on its own, in a small app: labels, choosing (asking first when the form holds
unsaved changes), and create, delete, make default written to the file and posted."""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import OptionList

from ccc_tui.profiles.config import load_config
from ccc_tui.tui.screens.confirm import ConfirmScreen
from ccc_tui.tui.widgets.field_row import FieldState
from ccc_tui.tui.widgets.profiles_list import ProfilesList

CONFIG = """\
default_profile = "staging"

[profiles.prod]
instance_id = "inst-prod"

[profiles.staging]
instance_id = "inst-staging"
"""


class ListHost(App[None]):
    """One ProfilesList over `path`, the launch's profile being "dev" (not in the file); loads
    what it chooses, as the settings screen does, and records what it posts."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.state = FieldState()
        self.held = {"instance_id": ""}  # what the "form" holds: edited when != loaded
        self.state.add_reader(lambda: self.held)
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ProfilesList(self.state, self.path, id="profiles-pane")

    def on_mount(self) -> None:
        self.refill("prod")
        self.query_one("#profiles").focus()

    def refill(self, wanted: str) -> str:
        profiles = self.query_one(ProfilesList)
        profiles.profile = profiles.show(load_config(self.path), "dev", wanted, usable=True)
        return profiles.profile

    @property
    def labels(self) -> list[str]:
        return [str(o.prompt) for o in self.query_one("#profiles", OptionList).options]

    def on_profiles_list_profile_chosen(self, message: ProfilesList.ProfileChosen) -> None:
        self.posted.append(message)
        self.query_one(ProfilesList).profile = message.profile

    @on(ProfilesList.ProfileCreated)
    @on(ProfilesList.ProfileDeleted)
    @on(ProfilesList.DefaultChanged)
    @on(ProfilesList.Note)
    def record(self, message: Message) -> None:
        self.posted.append(message)


@asynccontextmanager
async def running(path: Path) -> AsyncIterator[tuple[ListHost, Pilot[None]]]:
    path.write_text(CONFIG)
    app = ListHost(path)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.posted.clear()  # the first highlight, already the profile shown
        yield app, pilot


async def test_labels_mark_the_default_and_the_launchs_profile_not_in_the_file(
    tmp_path: Path,
) -> None:
    async with running(tmp_path / "config.toml") as (app, pilot):
        assert app.labels == ["dev (new)", "prod", "staging ★"]
        assert app.query_one("#profiles", OptionList).highlighted == 1
        assert app.refill("gone") == "dev"  # not listed: the launch's profile instead
        await pilot.pause()
        assert app.query_one("#profiles", OptionList).highlighted == 0
        assert app.posted == []  # the profile shown is not chosen again


async def test_moving_the_highlight_chooses_asking_first_when_the_form_was_edited(
    tmp_path: Path,
) -> None:
    async with running(tmp_path / "config.toml") as (app, pilot):
        await pilot.press("down")
        await pilot.pause()
        assert app.posted == [ProfilesList.ProfileChosen("staging")]

        app.posted.clear()
        app.held["instance_id"] = "edited"
        await pilot.press("up")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing: back on the profile shown
        await pilot.pause()
        assert app.posted == []
        assert app.query_one(ProfilesList).profile == "staging"
        assert app.query_one("#profiles", OptionList).highlighted == 2

        await pilot.press("up")
        await pilot.pause()
        await pilot.press("y")  # discard
        await pilot.pause()
        assert app.posted == [ProfilesList.ProfileChosen("prod")]


async def test_create_make_default_and_delete_write_the_file_and_post(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    async with running(path) as (app, pilot):
        profiles = app.query_one(ProfilesList)
        profiles.new_profile()
        await pilot.pause()
        await pilot.press(*"qa", "enter")
        await pilot.pause()
        assert app.posted == [ProfilesList.ProfileCreated("qa")]
        assert "qa" in tomllib.loads(path.read_text())["profiles"]

        app.posted.clear()
        profiles.make_default()  # prod, the one shown
        await pilot.pause()
        assert app.posted == [ProfilesList.DefaultChanged("prod")]
        assert tomllib.loads(path.read_text())["default_profile"] == "prod"
        assert app.refill("prod") == "prod" and app.labels == ["dev (new)", "prod ★", "staging", "qa"]

        app.posted.clear()
        profiles.delete_profile()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.posted == [ProfilesList.ProfileDeleted("prod")]
        assert "prod" not in tomllib.loads(path.read_text())["profiles"]


async def test_a_profile_not_in_the_file_is_neither_deleted_nor_made_default(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    async with running(path) as (app, pilot):
        app.refill("dev")
        await pilot.pause()
        app.posted.clear()
        profiles = app.query_one(ProfilesList)
        profiles.delete_profile()
        profiles.make_default()
        await pilot.pause()
        assert app.posted == [
            ProfilesList.Note("This profile is not in the file yet.", ""),
            ProfilesList.Note("Save this profile first (ctrl+s).", "error"),
        ]
        assert path.read_text() == CONFIG
