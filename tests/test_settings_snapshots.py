"""Snapshots of the settings screen at 80×24 and 120×40 (fixed zone: Asia/Shanghai; paths under the
test's home directory are shown as ~, so they do not change from run to run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import keyring
import pytest
from keyring.backends import fail
from textual.pilot import Pilot
from textual.widgets import Input

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.calls.history import HistoryStore
from ccc_tui.profiles.config import config_path
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.demo import demo_client
from ccc_tui.profiles.diagnostics import FAIL, PASS, SKIP, WARN, Check
from ccc_tui.profiles.keyring_store import store_secret
from ccc_tui.tui.app import CccApp
from ccc_tui.tui.widgets.doctor_results import DoctorResults

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
CONTEXT = AppContext(
    instance_id="inst-prod-7f3a", label="prod · cn-shanghai", tz=ZoneInfo("Asia/Shanghai")
)
CONFIG = """\
# ccc-tui settings
default_profile = "prod"

[profiles.prod]
instance_id = "inst-prod-7f3a"
region = "cn-shanghai"
access_key_id = "LTAI5tSnapshotKey0042"
time_zone = "Asia/Shanghai"
language = "zh"

[profiles.staging]
instance_id = "inst-staging-01"
region = "cn-beijing"
"""
CHECKS = [
    Check("config", PASS, "~/.config/ccc-tui/config.toml: valid, 2 profile(s)"),
    Check("target", PASS, "profile prod (config default_profile)"),
    Check(
        "credentials",
        PASS,
        "****0042 from keyring ccc-tui/prod (tests.conftest.MemoryKeyring)",
        ["skipped environment variables: not set"],
    ),
    Check("keyring", PASS, "tests.conftest.MemoryKeyring"),
    Check(
        "endpoint",
        FAIL,
        "InvalidAccessKeyId.NotFound: Specified access key is not found.",
        ["hint: The AccessKey id does not exist: check the key id, or the region/endpoint."],
    ),
    Check("clock", WARN, "this clock is 6.0 min ahead of the server: close to the limit"),
    Check("instance", SKIP, "not checked (the signed call failed)"),
]


def settings_app() -> CccApp:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG)
    store_secret("prod", AccessKey("LTAI5tSnapshotKey0042", Secret("snapshot-secret")))
    return CccApp(
        client=demo_client(),
        store=HistoryStore(Path.home() / "history.sqlite3"),
        context=CONTEXT,
    )


async def open_settings(pilot: Pilot[Any]) -> None:
    await pilot.press("f2")
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False  # a blinking cursor would make the picture flaky
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_settings_profile(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(settings_app(), terminal_size=size, run_before=open_settings)


def test_settings_invalid_fields_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def invalid(pilot: Pilot[Any]) -> None:
        await open_settings(pilot)
        screen = pilot.app.screen
        screen.query_one("#field-endpoint", Input).value = "http://ccc.example.com"
        region = screen.query_one("#field-region", Input)
        region.value = "Shanghai"
        region.focus()
        await pilot.pause()
        region.cursor_position = len(region.value)
        await pilot.pause()

    assert snap_compare(settings_app(), terminal_size=(80, 24), run_before=invalid)


def test_settings_no_keyring_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = settings_app()
    keyring.set_keyring(fail.Keyring())  # conftest restores the previous backend

    async def credentials(pilot: Pilot[Any]) -> None:
        await open_settings(pilot)
        pilot.app.screen.query_one("#credentials-title").scroll_visible(top=True, animate=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=credentials)


def test_settings_check_rows_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def checks(pilot: Pilot[Any]) -> None:
        await open_settings(pilot)
        pilot.app.screen.query_one(DoctorResults).set_checks(
            CHECKS, "4 passed, 1 warning(s), 1 failed."
        )
        await pilot.pause()
        pilot.app.screen.query_one("#checks-title").scroll_visible(top=True, animate=False)
        await pilot.pause()

    assert snap_compare(settings_app(), terminal_size=(80, 24), run_before=checks)
