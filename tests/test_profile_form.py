"""The ProfileForm on its own, in a small app: marks as typed, dirty state, changed fields, save."""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static

from ccc_tui.tui.widgets.field_row import FieldState
from ccc_tui.tui.widgets.profile_form import ProfileForm

LOADED = {"instance_id": "inst-1", "region": "cn-shanghai", "language": "en"}


class FormHost(App[None]):
    """One ProfileForm over a fresh FieldState, loaded with `LOADED`; records what it posts."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.state = FieldState()
        self.path = path
        self.posted: list[ProfileForm.Saved | ProfileForm.Refused] = []

    def compose(self) -> ComposeResult:
        yield ProfileForm(self.state, self.path, id="profile-form")

    def on_mount(self) -> None:
        self.state.load(LOADED)
        self.query_one(ProfileForm).show_profile("prod", is_new=False)

    def on_profile_form_saved(self, message: ProfileForm.Saved) -> None:
        self.posted.append(message)

    def on_profile_form_refused(self, message: ProfileForm.Refused) -> None:
        self.posted.append(message)


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    field = pilot.app.query_one(selector, Input)
    field.value = text
    await pilot.pause()


@asynccontextmanager
async def running(path: Path) -> AsyncIterator[tuple[FormHost, Pilot[None]]]:
    """The form loaded with `LOADED`, saving to `path`."""
    app = FormHost(path)
    async with app.run_test() as pilot:
        await pilot.pause()
        yield app, pilot


def title(app: App[Any]) -> str:
    return str(app.query_one("#profile-title", Static).render())


async def test_fields_are_marked_as_typed_and_save_is_refused_while_one_is_invalid(
    tmp_path: Path,
) -> None:
    async with running(tmp_path / "config.toml") as (app, pilot):
        error = app.query_one("#error-region", Static)
        assert error.has_class("-ok") and not app.query_one("#save", Button).disabled

        await type_into(pilot, "#field-region", "not a region")
        assert not error.has_class("-ok")
        assert "✗" in str(error.render()) and "region name" in str(error.render())
        assert app.query_one("#field-region", Input).has_class("-invalid")
        assert list(app.state.errors) == ["region"]
        assert app.query_one("#save", Button).disabled

        app.query_one(ProfileForm).save()
        await pilot.pause()
        (refused,) = app.posted
        assert isinstance(refused, ProfileForm.Refused) and refused.key == "region"
        assert "Not saved" in str(app.query_one("#save-status", Static).render())
        assert not (tmp_path / "config.toml").exists()

        await type_into(pilot, "#field-region", "cn-beijing")
        assert error.has_class("-ok") and app.state.errors == {}
        assert not app.query_one("#field-region", Input).has_class("-invalid")
        assert not app.query_one("#save", Button).disabled


async def test_the_title_says_modified_until_the_loaded_values_are_back(tmp_path: Path) -> None:
    async with running(tmp_path / "config.toml") as (app, pilot):
        assert title(app) == "Profile prod" and not app.state.dirty

        await type_into(pilot, "#field-instance_id", "inst-2")
        assert title(app) == "Profile prod · modified" and app.state.dirty

        await type_into(pilot, "#field-instance_id", "  inst-1 ")  # stripped: as loaded
        assert title(app) == "Profile prod" and not app.state.dirty

        app.query_one("#field-language", Select).value = "zh"
        await pilot.pause()
        assert title(app) == "Profile prod · modified"


async def test_changed_fields_are_only_what_differs_and_empty_means_remove(
    tmp_path: Path,
) -> None:
    async with running(tmp_path / "config.toml") as (app, pilot):
        assert app.state.changed() == {}
        # The form alone holds no credential field: the key id is the credentials panel's.
        assert "access_key_id" not in app.state.values()

        await type_into(pilot, "#field-instance_id", "inst-2")
        await type_into(pilot, "#field-region", "")
        app.query_one("#field-language", Select).value = "zh"
        await type_into(pilot, "#field-time_zone", "UTC")
        await pilot.pause()
        assert app.state.changed() == {
            "instance_id": "inst-2",
            "region": None,
            "time_zone": "UTC",
            "language": "zh",
        }


async def test_save_writes_the_changed_fields_and_posts_saved(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.prod]\ninstance_id = "inst-1"\nregion = "cn-shanghai"\n')
    async with running(path) as (app, pilot):
        form = app.query_one(ProfileForm)
        form.save()
        await pilot.pause()
        assert app.posted == []  # nothing changed, nothing written
        assert "Nothing to save" in str(app.query_one("#save-status", Static).render())

        await type_into(pilot, "#field-time_zone", "Asia/Shanghai")
        form.save()
        await pilot.pause()
        (saved,) = app.posted
        assert isinstance(saved, ProfileForm.Saved) and saved.profile == "prod"
        assert tomllib.loads(path.read_text())["profiles"]["prod"] == {
            "instance_id": "inst-1",
            "region": "cn-shanghai",
            "time_zone": "Asia/Shanghai",
        }
