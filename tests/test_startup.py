"""Start-up draws first: what the first frame shows, and what is NOT imported or opened before it.

Each case runs `ccc-tui` in a fresh interpreter (headless, 120×40) and looks at the moment the
first screen is painted: which screen it is, which modules are loaded, whether the history file
exists yet. The keyring, the API layer (client, adapters, signing, httpx), the emulator, the query
parser and the history table all come after that moment; --demo reads no configuration and no
credentials at all before it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from ccc_tui.api.client import CccClient
from ccc_tui.api.errors import CredentialsError
from ccc_tui.calls.history import HistoryStore
from ccc_tui.emulator.constants import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
)
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.demo import demo_client
from ccc_tui.tui.app import CccApp
from ccc_tui.tui.screens.call import CallScreen
from ccc_tui.tui.screens.first_run import NO_KEY_AFTER_ALL, FirstRunScreen
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.widgets.results import ResultsList

from .apphelpers import ANCHOR, ZONE
from .test_settings import settle

REPO = Path(__file__).resolve().parents[1]

# Runs the app as `ccc-tui ARGS` would, headless, and reports the first painted frame.
FIRST_FRAME = r"""
import json, os, sys
import textual.app as textual_app

seen = {}
display = textual_app.App._display

def first_frame(self, screen, renderable):
    display(self, screen, renderable)
    name = type(screen).__name__
    if renderable is not None and not seen and name in ("SearchScreen", "FirstRunScreen"):
        seen["screen"] = name
        seen["stack"] = [type(s).__name__ for s in self.screen_stack]
        seen["modules"] = sorted(sys.modules)
        seen["history_file"] = os.path.exists(os.environ["HISTORY_FILE"])
        self.exit()

textual_app.App._display = first_frame
run = textual_app.App.run
textual_app.App.run = lambda self, **kw: run(self, headless=True, size=(120, 40))
sys.stdin.isatty = sys.stdout.isatty = lambda: True

from ccc_tui.cli.main import main

main(sys.argv[1:])
print("FIRST-FRAME " + json.dumps(seen))
"""

# Never before the first frame, on any path.
NEVER_BEFORE_FIRST_FRAME = (
    "keyring",
    "httpx",
    "ccc_tui.api.client",
    "ccc_tui.api.v2017",
    "ccc_tui.api.v2020",
    "ccc_tui.api.signing",
    "ccc_tui.api.models",
    "ccc_tui.emulator.app",
    "ccc_tui.emulator.dataset",
    "ccc_tui.calls.query",
    "ccc_tui.calls.search",
    "ccc_tui.tui.widgets.history",
    "ccc_tui.tui.widgets.search_results",
    "ccc_tui.tui.widgets.query_form",
    "textual.widgets._data_table",
    "ccc_tui.profiles.log_file",
    "logging.handlers",
)
# The demo needs no configuration and no credentials.
NOT_FOR_THE_DEMO = (
    "tomllib",
    "ccc_tui.profiles.config",
    "ccc_tui.profiles.credentials",
    "ccc_tui.profiles.keyring_store",
    "ccc_tui.profiles.session",
)


def first_frame(home: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    history_file = home / ".local/share/ccc-tui/history.sqlite3"
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "HISTORY_FILE": str(history_file),
        # A keyring imported before the first frame would show in the modules; a failing one
        # keeps the real keyring of this machine out of the test either way.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("FIRST-FRAME ")), None)
    assert line is not None, done.stdout + done.stderr
    seen: dict[str, object] = json.loads(line.removeprefix("FIRST-FRAME "))
    return seen


def loaded(seen: dict[str, object], names: tuple[str, ...]) -> list[str]:
    modules = seen["modules"]
    assert isinstance(modules, list)
    return [name for name in names if name in modules]


def write_profile(home: Path, extra: str = "") -> None:
    folder = home / ".config/ccc-tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(
        "[profiles.default]\n"
        f'instance_id = "{DEMO_INSTANCE_ID}"\n'
        'endpoint = "http://127.0.0.1:9"\n'
        'api_version = "2017-07-05"\n'
        'time_zone = "UTC"\n' + extra
    )


def write_credentials_file(home: Path) -> None:
    folder = home / ".alibabacloud"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "credentials"
    path.write_text(
        "[default]\ntype = access_key\n"
        f"access_key_id = {DEMO_ACCESS_KEY_ID}\naccess_key_secret = {DEMO_ACCESS_KEY_SECRET}\n"
    )
    path.chmod(0o600)


def test_the_demo_draws_home_before_the_client_the_config_and_the_history(
    isolated_home: Path,
) -> None:
    seen = first_frame(isolated_home, "--demo")
    assert seen["screen"] == "SearchScreen"
    assert seen["stack"] == ["SearchScreen"]  # home is the bottom screen: no empty one beneath
    assert loaded(seen, NEVER_BEFORE_FIRST_FRAME) == []
    assert loaded(seen, NOT_FOR_THE_DEMO) == []
    assert seen["history_file"] is False  # the store opens after the first frame


def test_a_real_profile_draws_home_before_the_keyring_and_the_api_layer(
    isolated_home: Path,
) -> None:
    write_profile(isolated_home)
    write_credentials_file(isolated_home)
    seen = first_frame(isolated_home)
    assert seen["screen"] == "SearchScreen"
    assert loaded(seen, NEVER_BEFORE_FIRST_FRAME) == []
    # A fixed zone (UTC) needs no tz database.
    assert loaded(seen, ("zoneinfo",)) == []
    assert seen["history_file"] is False


@pytest.mark.parametrize(
    ("setup", "screen"),
    [
        pytest.param({}, "FirstRunScreen", id="nothing anywhere"),
        pytest.param({"file": True}, "SearchScreen", id="a credentials file"),
        pytest.param({"env": True}, "SearchScreen", id="environment variables"),
        # `login` wrote the key id to the profile and the secret to the keyring.
        pytest.param({"login": True}, "SearchScreen", id="a key stored by login"),
    ],
)
def test_the_first_screen_is_the_right_one_without_asking_the_keyring(
    isolated_home: Path, setup: dict[str, bool], screen: str
) -> None:
    login = f'access_key_id = "{DEMO_ACCESS_KEY_ID}"\n' if setup.get("login") else ""
    write_profile(isolated_home, login)
    if setup.get("file"):
        write_credentials_file(isolated_home)
    env = (
        {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
        }
        if setup.get("env")
        else None
    )
    seen = first_frame(isolated_home, env=env)
    assert seen["screen"] == screen
    assert seen["stack"] == [screen]
    assert loaded(seen, ("keyring", "httpx")) == []


def test_show_demo_reads_no_configuration_and_no_credentials() -> None:
    code = (
        "import sys\n"
        "from ccc_tui.cli.main import main\n"
        "rc = main(['show', '--demo', '1096645650', '--json'])\n"
        "names = ('textual', 'keyring', 'tomllib', 'ccc_tui.profiles.config',"
        " 'ccc_tui.profiles.credentials', 'ccc_tui.profiles.keyring_store',"
        " 'ccc_tui.profiles.session')\n"
        "print('LOADED', [n for n in names if n in sys.modules], file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr, done.stderr
    assert json.loads(done.stdout)["contact_id"] == "1096645650"


# ---- in the app: what happens while the client is still being built --------------------------


def connecting_app(data_dir: Path, connect: Callable[[], CccClient]) -> CccApp:
    return CccApp(
        client=None,
        connect=connect,
        store=HistoryStore(data_dir / "history.sqlite3", deferred=True),
        context=AppContext(instance_id=DEMO_INSTANCE_ID, label="demo instance", demo=True, tz=ZONE),
        clock=lambda: ANCHOR,
    )


def held_demo_client(release: threading.Event) -> Callable[[], CccClient]:
    def connect() -> CccClient:
        assert release.wait(30)
        return demo_client(anchor=ANCHOR)

    return connect


async def test_a_contact_id_entered_before_the_client_exists_opens_once_it_does(
    tmp_path: Path,
) -> None:
    release = threading.Event()
    app = connecting_app(tmp_path, held_demo_client(release))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen) and app.connecting
        await pilot.press(*"1096645650", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, SearchScreen)  # waiting, not failing
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, CallScreen) and app.screen.contact_id == "1096645650"
        assert app.client is not None and not app.connecting


async def test_a_search_asked_for_before_the_client_exists_runs_once_it_does(
    tmp_path: Path,
) -> None:
    release = threading.Event()
    app = connecting_app(tmp_path, held_demo_client(release))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"yesterday", "enter")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.query_run is not None
        release.set()
        await settle(pilot)
        assert screen.query_one(ResultsList).row_count == 254


async def test_no_credentials_after_all_puts_the_first_run_screen_in_home_s_place(
    tmp_path: Path,
) -> None:
    def connect() -> CccClient:
        raise CredentialsError("No usable Alibaba Cloud credentials for profile 'default'.")

    app = connecting_app(tmp_path, connect)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert len(app.screen_stack) == 1 and app.client is None and not app.connecting
        status = str(app.screen.query_one("#first-run-status", Static).render())
        # Said once, briefly: the chain's report on the screen gives each source's reason.
        assert status == NO_KEY_AFTER_ALL
        assert "No usable Alibaba Cloud credentials" not in status


async def test_start_up_ends_by_calling_settled_once_the_call_modules_are_loaded(
    tmp_path: Path,
) -> None:
    settled = threading.Event()
    app = CccApp(
        client=None,
        connect=lambda: demo_client(anchor=ANCHOR),
        store=HistoryStore(tmp_path / "history.sqlite3", deferred=True),
        context=AppContext(instance_id=DEMO_INSTANCE_ID, label="demo instance", demo=True, tz=ZONE),
        settled=settled.set,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)
        await settle(pilot)
        assert settled.is_set()
        assert "ccc_tui.tui.screens.call" in sys.modules


@pytest.mark.parametrize("delay", [0.0, 0.001, 0.01, 0.05])
async def test_quitting_while_start_up_work_is_under_way_ends_cleanly(
    tmp_path: Path, delay: float
) -> None:
    """The parts of home, the history and the client arrive after the first frame: a quit at
    any moment of that (here after `delay`) must not meet a screen that is already gone."""
    app = connecting_app(tmp_path, lambda: demo_client(anchor=ANCHOR))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(delay)
        app.exit()
    assert app.return_code in (0, None)
