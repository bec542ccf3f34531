"""No usable credentials and no --demo: the app starts anyway on the first-run screen, which
explains the ways in, shows why each credential source gave nothing, and moves on to the demo or a
logged-in session without a restart. Also: f2 and the palette open the settings."""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import keyring
import pytest
from rich.console import Console
from textual.widgets import Static

from ccc_tui.calls.history import HistoryStore
from ccc_tui.cli import launch
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.profiles import session
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.demo import demo_client
from ccc_tui.profiles.session import LaunchTarget, demo_session
from ccc_tui.tui.app import CccApp
from ccc_tui.tui.messages import SessionBuilt
from ccc_tui.tui.screens.first_run import FirstRunScreen
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.screens.settings import SettingsScreen

from .conftest import MemoryKeyring
from .test_settings import KEY_ID, SECRET, emulator_client_factory, settle, type_into

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTEXT = AppContext(instance_id="", label="default · cn-shanghai", tz=SHANGHAI)


def make_app(
    tmp_path: Path,
    client: Any = None,
    launch_target: LaunchTarget | None = None,
    initial_contact: str | None = None,
) -> CccApp:
    return CccApp(
        client=client,
        store=HistoryStore(tmp_path / "history.sqlite3"),
        context=CONTEXT,
        launch=launch_target,
        initial_contact=initial_contact,
    )


def screen_text(app: CccApp) -> str:
    """Every Static's content as plain text, unwrapped (tables printed on a wide console)."""
    console = Console(width=500, file=io.StringIO(), record=True, color_system=None)
    for widget in app.screen.query(Static):
        console.print(widget.content)
    return console.export_text()


def test_run_app_starts_without_a_client_instead_of_exiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[CccApp] = []

    def fake_run(self: CccApp) -> int:
        started.append(self)
        return 0

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(CccApp, "run", fake_run)
    args = argparse.Namespace(
        demo=False, profile=None, instance_id="inst-1", region=None, endpoint=None, contact_id=None
    )
    assert launch.run_app(args) == 0
    [app] = started
    assert app.client is None
    assert app.launch == LaunchTarget(instance_id="inst-1")
    app.store.close()


def test_run_app_still_exits_on_a_broken_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "config.toml"
    conf.write_text('[profiles.default]\nregion = "not a region"\n')
    monkeypatch.setenv("CCC_TUI_CONFIG", str(conf))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(CccApp, "run", lambda self: pytest.fail("the app must not start"))
    args = argparse.Namespace(
        demo=False, profile=None, instance_id=None, region=None, endpoint=None, contact_id=None
    )
    assert launch.run_app(args) == 3
    assert "not a region" in capsys.readouterr().err


async def test_no_credentials_shows_the_first_run_screen_with_the_chain(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        text = screen_text(app)
    assert "No usable Alibaba Cloud credentials were found for profile default" in text
    for way in ("Log in here", "Environment variables", "The aliyun CLI", "Try the demo"):
        assert way in text
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in text and "aliyun configure" in text
    # The chain's reasons, one per source, with the home directory written as ~.
    assert "environment variables: not set" in text
    assert "OS keyring: no entry for profile 'default'" in text
    assert "aliyun CLI config: file missing (~/.aliyun/config.json)" in text
    assert "credentials file: file missing (~/.alibabacloud/credentials.ini" in text
    assert str(Path.home()) not in text


async def test_d_switches_to_the_demo_and_the_search_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.client is not None and app.client.instance_id == DEMO_INSTANCE_ID
        assert app.context.demo and app.context.tz == SHANGHAI  # display choices kept
        assert [type(s).__name__ for s in app.screen_stack] == ["SearchScreen"]
        instances = await app.client.list_instances()  # the client works
        assert DEMO_INSTANCE_ID in {i.instance_id for i in instances}
        # Another session (a profile picked in the settings, say) replaces that home in turn:
        # the bottom screen stays one, and it is a new one.
        first_home = app.screen
        app.post_message(SessionBuilt(demo_session(app.context)))
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack] == ["SearchScreen"]
        assert app.screen is not first_home


async def test_l_opens_the_credentials_part_of_settings_and_logging_in_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    monkeypatch.setattr(session, "open_client", emulator_client_factory({KEY_ID: SECRET}))
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen) and not screen.connected
        assert screen.focused is screen.query_one("#field-access_key_id")
        await type_into(pilot, "#field-access_key_id", KEY_ID)
        await type_into(pilot, "#secret", SECRET)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # the first of the two instances the key sees
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.client is not None and app.client.instance_id == DEMO_INSTANCE_ID
        assert not app.context.demo and app.context.label == "default · cn-shanghai"
        assert [type(s).__name__ for s in app.screen_stack] == ["SearchScreen"]
    assert ("ccc-tui", "default") in memory_keyring.store


async def test_esc_from_settings_returns_to_the_first_run_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert app.client is None


async def test_recheck_finds_the_aliyun_cli_profile_and_enter_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "open_client", emulator_client_factory({KEY_ID: SECRET}))
    app = make_app(tmp_path, launch_target=LaunchTarget(instance_id=DEMO_INSTANCE_ID))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("continue", ()) is False  # hidden from the footer
        await pilot.press("enter")  # nothing found yet: enter does nothing
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)

        cli = Path.home() / ".aliyun" / "config.json"
        cli.parent.mkdir()
        cli.write_text(
            json.dumps(
                {
                    "current": "default",
                    "profiles": [
                        {
                            "name": "default",
                            "mode": "AK",
                            "access_key_id": KEY_ID,
                            "access_key_secret": SECRET,
                        }
                    ],
                }
            )
        )
        await pilot.press("r")
        await settle(pilot)
        text = screen_text(app)
        assert "Credentials found: ****0042 from aliyun CLI profile 'default'" in text
        assert SECRET not in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.client is not None and app.client.instance_id == DEMO_INSTANCE_ID


async def test_continue_without_an_instance_id_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        text = screen_text(app)
    assert "Config.NoInstance" in text and "no CCC instance id yet" in text


async def test_f2_and_the_palette_open_settings(tmp_path: Path) -> None:
    app = make_app(tmp_path, client=demo_client())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen) and app.screen.connected
        await pilot.press("f2")  # already there: not stacked twice
        await settle(pilot)
        assert sum(isinstance(s, SettingsScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        [command] = [c for c in app.get_system_commands(app.screen) if c.title == "Settings"]
        command.callback()
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)


async def test_use_now_replaces_the_running_client_and_closes_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("CCC_TUI_INSTANCE_ID", DEMO_INSTANCE_ID)
    monkeypatch.setattr(session, "open_client", emulator_client_factory({KEY_ID: SECRET}))
    old = demo_client()
    app = make_app(tmp_path, client=old)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.client is not old and not app.context.demo
        assert old.is_closed


async def test_the_demo_from_first_run_opens_the_contact_asked_for(tmp_path: Path) -> None:
    """`ccc-tui 1096645650` with no credentials: first run, d, and the call opens."""
    from ccc_tui.tui.screens.call import CallScreen

    app = make_app(tmp_path, initial_contact="1096645650")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        deadline = time.monotonic() + 10
        while not isinstance(app.screen, CallScreen):
            assert time.monotonic() < deadline, "the contact was not opened"
            await pilot.pause(0.05)
        assert app.screen.contact_id == "1096645650"


async def test_with_no_keyring_the_ways_that_can_work_come_first(tmp_path: Path) -> None:
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        deadline = time.monotonic() + 10
        while "Why nothing was found" not in screen_text(app) or "Looking" in screen_text(app):
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        await pilot.pause()
        text = screen_text(app)
        assert text.index("Environment variables") < text.index("Log in here")
        assert "needs a working OS keyring" in text
