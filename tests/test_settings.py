"""The settings screen, driven with the keyboard: profiles, validated fields, credentials into the
keyring (checked against the in-process emulator), the no-keyring path, and the doctor's rows."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import keyring
import pytest
from keyring.backends import fail
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Select, Static

from ccc_tui.api.auth import AccessKey
from ccc_tui.api.client import CccClient
from ccc_tui.api.models import Instance
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import SECOND_INSTANCE_ID
from ccc_tui.profiles import diagnostics, session
from ccc_tui.profiles.config import Target, config_path, load_config
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.fields import PROFILE_FIELDS
from ccc_tui.tui.messages import SessionBuilt
from ccc_tui.tui.screens.settings import SettingsScreen
from ccc_tui.tui.widgets.credentials_panel import CredentialsPanel
from ccc_tui.tui.widgets.doctor_results import DoctorResults

from .conftest import MemoryKeyring

KEY_ID = "LTAIsettingsKey0042"
SECRET = "settings-secret-Zq9v-never-shown"
WRONG = "settings-wrong-secret-x1"
SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTEXT = AppContext(instance_id="", label="default · cn-shanghai", tz=SHANGHAI)
DEMO_CONTEXT = AppContext(
    instance_id=DEMO_INSTANCE_ID, label="demo instance", demo=True, tz=SHANGHAI
)

COMMENTED = """\
# my ccc-tui settings
default_profile = "prod"  # the one I use

[profiles.prod]
# the hotline
instance_id = "inst-prod"  # from the console
region = "cn-shanghai"
"""


class Host(App[None]):
    """Just the settings screen; records the sessions it hands over."""

    def __init__(self, context: AppContext = CONTEXT, **options: Any) -> None:
        super().__init__()
        self.context = context
        self.options = options
        self.sessions: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(SettingsScreen(self.context, **self.options))

    def on_session_built(self, message: SessionBuilt) -> None:
        self.sessions.append(message.session)


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let the workers finish and their messages land (a message may start another worker)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def emulator_client_factory(
    key_pairs: dict[str, str],
) -> Callable[[AccessKey, Target], CccClient]:
    """session.open_client, but every request goes to an in-process emulator with these keys."""
    from ccc_tui.emulator.app import create_app

    emulator = create_app(key_pairs=key_pairs)

    def open_client(key: AccessKey, target: Target) -> CccClient:
        return CccClient(
            key,
            endpoint=target.endpoint_url,
            instance_id=target.instance_id,
            transport=httpx.ASGITransport(app=emulator),
        )

    return open_client


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(session, "open_client", emulator_client_factory({KEY_ID: SECRET}))
    yield


def screen_of(app: App[Any]) -> SettingsScreen:
    assert isinstance(app.screen, SettingsScreen), type(app.screen)
    return app.screen


def text_of(screen: SettingsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Focus a field, empty it and type `text` (as one insertion: key by key is slow)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    field.insert_text_at_cursor(text)
    await pilot.pause()


def svg(app: App[Any]) -> str:
    return app.export_screenshot()


# ---- profiles and fields ------------------------------------------------------------------------


async def test_create_a_profile_and_save_it_keeping_the_files_comments() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTED)
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.profile == "prod"
        assert screen.query_one("#field-instance_id", Input).value == "inst-prod"

        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"staging", "enter")
        await settle(pilot)
        assert screen.profile == "staging"
        assert "staging" in tomllib.loads(path.read_text())["profiles"]

        await type_into(pilot, "#field-instance_id", "inst-staging")
        await type_into(pilot, "#field-region", "cn-beijing")
        await type_into(pilot, "#field-time_zone", "Asia/Shanghai")
        await type_into(pilot, "#field-endpoint", "https://ccc.cn-beijing.aliyuncs.com/")
        assert "modified" in text_of(screen, "#profile-title")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved profile staging" in text_of(screen, "#save-status")

    text = path.read_text()
    data = tomllib.loads(text)
    assert data["profiles"]["staging"] == {
        "instance_id": "inst-staging",
        "region": "cn-beijing",
        "time_zone": "Asia/Shanghai",
        "endpoint": "https://ccc.cn-beijing.aliyuncs.com",  # normalised by the validator
    }
    assert data["profiles"]["prod"] == {"instance_id": "inst-prod", "region": "cn-shanghai"}
    for comment in (
        "# my ccc-tui settings",
        "# the one I use",
        "# the hotline",
        "# from the console",
    ):
        assert comment in text


async def test_invalid_values_show_errors_under_their_fields_and_are_not_saved() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTED)
    before = path.read_bytes()
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await type_into(pilot, "#field-region", "Not A Region")
        await type_into(pilot, "#field-endpoint", "http://ccc.example.com")
        await type_into(pilot, "#field-time_zone", "Mars/Olympus")
        assert "not a region name like cn-shanghai" in text_of(screen, "#error-region")
        assert "Refusing plain http to ccc.example.com" in text_of(screen, "#error-endpoint")
        assert "not a known time zone" in text_of(screen, "#error-time_zone")
        assert screen.query_one("#error-instance_id").display is False  # valid: no error row
        assert screen.query_one("#save", Button).disabled

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert path.read_bytes() == before
        assert "Not saved" in text_of(screen, "#save-status")
        assert screen.focused is screen.query_one("#field-region")

        # Fixing them clears the errors and saving works again.
        await type_into(pilot, "#field-region", "cn-hangzhou")
        await type_into(pilot, "#field-endpoint", "")
        await type_into(pilot, "#field-time_zone", "UTC")
        assert not screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
    prod = tomllib.loads(path.read_text())["profiles"]["prod"]
    assert prod == {"instance_id": "inst-prod", "region": "cn-hangzhou", "time_zone": "UTC"}


async def test_the_form_has_one_row_per_declared_setting() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        rows = [row.id for row in screen.query(".field-row") if row.id]
        assert rows == [f"row-{field.key}" for field in PROFILE_FIELDS]
        for field in PROFILE_FIELDS:
            kind = Select if field.choices else Input
            assert isinstance(screen.query_one(f"#field-{field.key}"), kind)
        # The credential settings sit with the credentials, after their title.
        order = [w.id for w in screen.query("#credentials-title, .field-row") if w.id]
        after = order[order.index("credentials-title") + 1 :]
        assert after == [f"row-{f.key}" for f in PROFILE_FIELDS if f.credential]


async def test_an_emptied_field_is_removed_from_the_profile() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTED)
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#field-region", "")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert tomllib.loads(path.read_text())["profiles"]["prod"] == {"instance_id": "inst-prod"}


async def test_tab_moves_between_fields_and_letters_type_into_them() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.focused is screen.query_one("#profiles")
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#field-instance_id")
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#field-region")
        await pilot.press("shift+tab")
        assert screen.focused is screen.query_one("#field-instance_id")
        # c (run checks), n (new profile), x, m, u are letters of the field here, and the
        # footer does not offer them meanwhile.
        assert screen.check_action("run_checks", ()) is False
        assert screen.check_action("save", ()) is True
        await pilot.press("c", "n", "x", "m", "u")
        await settle(pilot)
        assert screen.query_one("#field-instance_id", Input).value == "cnxmu"
        assert screen.query_one(DoctorResults).checks == ()
        assert isinstance(app.screen, SettingsScreen)  # no name prompt opened


async def test_esc_with_unsaved_changes_warns_once_then_leaves() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await type_into(pilot, "#field-instance_id", "inst-x")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert "esc again leaves without saving" in text_of(screen, "#save-status")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
    assert not config_path().exists()


async def test_textual_scroll_methods_work_on_the_settings_screen() -> None:
    # Textual's own scroll_* methods call the private Widget._scroll_to(x, y, ...); a screen
    # method of that name would break them with a TypeError.
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        screen.scroll_to(y=0, animate=False, immediate=True)
        screen.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert app.screen is screen


async def test_make_default_and_delete_a_profile(memory_keyring: MemoryKeyring) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTED + '\n[profiles.staging]\ninstance_id = "inst-s"\n')
    memory_keyring.store[("ccc-tui", "staging")] = "bare-secret"
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        profiles = screen.query_one("#profiles", OptionList)
        assert [str(o.prompt) for o in profiles.options] == ["prod ★", "staging"]
        await pilot.press("down")
        await settle(pilot)
        assert screen.profile == "staging"
        await pilot.press("m")
        await settle(pilot)
        assert tomllib.loads(path.read_text())["default_profile"] == "staging"
        assert [str(o.prompt) for o in profiles.options] == ["prod", "staging ★"]

        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        status = text_of(screen, "#save-status")
        assert status == "Deleted profile staging. Its keyring entry was removed too."
        assert screen.profile == "default"  # no default_profile left: the launch's default
    data = tomllib.loads(path.read_text())
    assert "staging" not in data["profiles"] and "default_profile" not in data
    assert ("ccc-tui", "staging") not in memory_keyring.store
    assert "# the hotline" in path.read_text()


async def test_switching_profiles_with_unsaved_changes_asks_first() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTED + '\n[profiles.staging]\ninstance_id = "inst-s"\n')
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await type_into(pilot, "#field-instance_id", "edited")
        screen.query_one("#profiles").focus()
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert screen.profile == "prod"
        assert screen.query_one("#field-instance_id", Input).value == "edited"
        assert screen.query_one("#profiles", OptionList).highlighted == 0


# ---- credentials --------------------------------------------------------------------------------


async def enter_key(pilot: Pilot[Any], key_id: str, secret: str) -> None:
    await type_into(pilot, "#field-access_key_id", key_id)
    await type_into(pilot, "#secret", secret)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_wrong_secret_shows_the_signature_hint_and_stores_nothing(
    emulator: None, memory_keyring: MemoryKeyring
) -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await enter_key(pilot, KEY_ID, WRONG)
        status = text_of(screen, "#key-status")
        assert "nothing was stored" in status
        assert "SignatureDoesNotMatch" in status
        assert "check the AccessKey secret" in status
        assert "string to sign" not in status.lower() and KEY_ID not in status
        assert screen.query_one("#secret", Input).value == ""  # gone from the field at once
        shot = svg(app)
    assert memory_keyring.store == {}
    assert not config_path().exists()
    assert WRONG not in shot


async def test_the_right_secret_goes_to_the_keyring_and_only_the_key_id_to_the_file(
    emulator: None, memory_keyring: MemoryKeyring
) -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.query_one("#secret", Input).password
        await enter_key(pilot, KEY_ID, SECRET)
        status = text_of(screen, "#key-status")
        assert "Verified ****0042" in status and "ccc-tui/default" in status
        assert "Pick the instance" in status
        instances = screen.query_one("#instances", OptionList)
        assert instances.display and screen.focused is instances
        assert [o.id for o in instances.options] == [DEMO_INSTANCE_ID, SECOND_INSTANCE_ID]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.query_one("#field-instance_id", Input).value == SECOND_INSTANCE_ID
        assert "In use: ****0042 from keyring ccc-tui/default" in text_of(screen, "#chain-status")
        shot = svg(app)
        on_screen = " ".join(str(w.render()) for w in screen.query(Static))

    entry = json.loads(memory_keyring.store[("ccc-tui", "default")])
    assert entry["access_key_id"] == KEY_ID and entry["access_key_secret"] == SECRET
    text = config_path().read_text()
    assert tomllib.loads(text)["profiles"]["default"] == {
        "access_key_id": KEY_ID,
        "instance_id": SECOND_INSTANCE_ID,
    }
    assert SECRET not in text
    assert SECRET not in shot and SECRET not in on_screen
    assert app.sessions == []  # connected: saving does not switch the running session


async def test_a_keys_only_instance_is_saved_into_a_profile_that_has_none() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[profiles.default]\naccess_key_id = "LTAI5tOnlyOneKey0042"\n')
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        panel = screen.query_one(CredentialsPanel)
        only = (Instance("inst-only", name="Hotline"),)
        panel.post_message(
            CredentialsPanel.KeyStored("default", "****0042", "memory", only, load_config(path))
        )
        await settle(pilot)
        status = text_of(screen, "#key-status")
        assert "Verified ****0042" in status and "Using its only instance, inst-only." in status
        assert screen.query_one("#field-instance_id", Input).value == "inst-only"
        assert "modified" not in text_of(screen, "#profile-title")  # saved, not just typed
        assert not screen.query_one("#instances", OptionList).display
    assert tomllib.loads(path.read_text())["profiles"]["default"] == {
        "access_key_id": "LTAI5tOnlyOneKey0042",
        "instance_id": "inst-only",
    }


async def test_a_first_run_login_hands_a_session_to_the_app(
    emulator: None, memory_keyring: MemoryKeyring
) -> None:
    app = Host(connected=False, section="credentials")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.focused is screen.query_one("#field-access_key_id")
        await enter_key(pilot, KEY_ID, SECRET)
        assert app.sessions == []  # two instances: it waits for the pick
        await pilot.press("enter")
        await settle(pilot)
    [session] = app.sessions
    assert session.client.instance_id == DEMO_INSTANCE_ID
    assert session.context.label == "default · cn-shanghai" and not session.context.demo
    await session.client.aclose()


async def test_with_no_keyring_backend_the_paragraph_replaces_the_secret_field(
    emulator: None,
) -> None:
    keyring.set_keyring(fail.Keyring())  # conftest puts the previous backend back afterwards
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert not screen.query_one("#secret-box").display
        paragraph = text_of(screen, "#no-keyring")
        assert screen.query_one("#no-keyring").display
        assert "There is no working keyring backend here" in paragraph
        assert "never writes one to a plain file" in paragraph
        await type_into(pilot, "#field-access_key_id", KEY_ID)
        screen.action_check_key()  # even if reached somehow, nothing happens
        await settle(pilot)
        assert screen.query_one("#secret", Input).value == ""
    assert not config_path().exists()


# ---- using a profile now, and the doctor --------------------------------------------------------


async def test_use_now_builds_a_session_from_the_saved_profile(
    emulator: None, memory_keyring: MemoryKeyring
) -> None:
    from ccc_tui.api.auth import Secret
    from ccc_tui.profiles.keyring_store import store_secret

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTED)
    store_secret("prod", AccessKey(KEY_ID, Secret(SECRET)))
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
    [session] = app.sessions
    assert session.client.instance_id == "inst-prod"
    assert session.context.label == "prod · cn-shanghai"
    await session.client.aclose()


async def test_use_now_without_credentials_says_why() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        status = text_of(screen_of(app), "#save-status")
    assert app.sessions == []
    assert "Cannot use it yet" in status and "No usable Alibaba Cloud credentials" in status


async def test_run_checks_in_demo_mode_shows_passing_rows() -> None:
    app = Host(DEMO_CONTEXT)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        results = screen_of(app).query_one(DoctorResults)
        marks = {c.name: c.status for c in results.checks}
        rendered = svg(app)
    assert marks == {
        "config": diagnostics.WARN,  # no config file yet: a warning only
        "target": diagnostics.PASS,
        "credentials": diagnostics.PASS,
        "keyring": diagnostics.PASS,
        "endpoint": diagnostics.PASS,
        "clock": diagnostics.PASS,
        "instance": diagnostics.PASS,
    }
    assert "6 passed, 1 warning(s), 0 failed." in rendered.replace("&#160;", " ")
    assert "in-process" in rendered


async def test_run_checks_for_a_profile_without_credentials_fails_that_row() -> None:
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen_of(app).query_one("#run-checks", Button).press()
        await settle(pilot)
        checks = {c.name: c for c in screen_of(app).query_one(DoctorResults).checks}
    assert checks["credentials"].status == diagnostics.FAIL
    assert checks["endpoint"].status == diagnostics.SKIP


async def test_demo_settings_say_the_demo_key_is_in_use(tmp_path: Path) -> None:
    """Not "In use: none found" beside a check that says the demo key pair works."""
    app = Host(DEMO_CONTEXT, path=tmp_path / "config.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        status = text_of(screen_of(app), "#chain-status")
        assert status.startswith("In use now: the emulator's demo key pair (--demo).")
        assert "none found" in status  # what the profile itself would use, said as such
