"""The api_version setting: flag > env > profile > auto, remembered per endpoint and instance in
the data dir, shown by `config show`, `doctor` and the context bar; and the commands on a 2.0
instance (`show --json` keys as on 2017, a wrong explicit choice as one clear error)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from ccc_tui.api import versions
from ccc_tui.api.auth import AccessKey
from ccc_tui.api.client import CccClient
from ccc_tui.api.errors import ConfigurationError
from ccc_tui.cli.main import main
from ccc_tui.profiles import session
from ccc_tui.profiles.api_versions import FileVersionStore, api_versions_path
from ccc_tui.profiles.config import Target, resolve_target, save_profile
from ccc_tui.tui.widgets.context_bar import api_version_label

from .conftest import cli
from .test_client_v2020 import CONTACT, KEY, NEW, OLD, FakeCcc

ENV = "CCC_TUI_API_VERSION"


def test_flag_beats_env_beats_profile_beats_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_target().api_version == "auto"
    save_profile("default", {"api_version": "2017-07-05"})
    target = resolve_target()
    assert target.api_version == versions.V2017
    assert target.sources["api_version"].startswith("profile default")
    monkeypatch.setenv(ENV, "2020-07-01")
    target = resolve_target()
    assert (target.api_version, target.sources["api_version"]) == (versions.V2020, f"env {ENV}")
    target = resolve_target(api_version="AUTO")
    assert (target.api_version, target.sources["api_version"]) == ("auto", "flag --api-version")


def test_a_bad_value_is_refused_wherever_it_comes_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "2.0")
    with pytest.raises(ConfigurationError, match=f"env {ENV}: api_version: '2.0' is not one of"):
        resolve_target()
    with pytest.raises(ConfigurationError, match="api_version"):
        save_profile("default", {"api_version": "v3"})


def test_decisions_are_kept_per_endpoint_and_instance_in_a_private_file() -> None:
    store = FileVersionStore()
    assert store.get("https://a", NEW) is None
    store.put("https://a", NEW, versions.V2020)
    store.put("https://a", OLD, versions.V2017)
    again = FileVersionStore()
    assert again.get("https://a", NEW) == versions.V2020
    assert again.get("https://b", NEW) is None
    path = api_versions_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text()) == {"https://a": {NEW: versions.V2020, OLD: versions.V2017}}


def test_a_broken_file_only_means_asking_again(tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    for text in ("{not json", "[1, 2]", '{"https://a": {"x": "1999-01-01"}}'):
        path.write_text(text)
        assert FileVersionStore(path).get("https://a", "x") is None
    FileVersionStore(path).put("https://a", "x", versions.V2020)
    assert FileVersionStore(path).get("https://a", "x") == versions.V2020


def test_real_clients_get_the_setting_and_the_file_store() -> None:
    target = Target(instance_id=NEW, api_version=versions.V2020)
    client = session.open_client(KEY, target)
    assert client.api_version == versions.V2020
    assert isinstance(client._versions, FileVersionStore)


def test_config_show_says_what_auto_decided(capsys: pytest.CaptureFixture[str]) -> None:
    save_profile("default", {"instance_id": NEW, "endpoint": "https://ccc.example.com"})
    assert cli(["config", "show"]) == 0
    assert "auto (asked on first use, then remembered)" in capsys.readouterr().out
    FileVersionStore().put("https://ccc.example.com", NEW, versions.V2020)
    assert cli(["config", "show"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("api_version"))
    assert f"auto: 2020-07-01 (remembered for {NEW})" in line and "default" in line
    assert cli(["config", "show", "--api-version", "2017-07-05"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("api_version"))
    assert "2017-07-05" in line and "flag --api-version" in line


def test_the_context_shows_the_known_version() -> None:
    target = resolve_target(instance_id=NEW)
    assert session.context_for_target(target).api_version is None  # auto, not asked yet
    FileVersionStore().put(target.endpoint_url, NEW, versions.V2020)
    assert session.context_for_target(target).api_version == versions.V2020
    assert session.demo_context().api_version == versions.V2017
    assert api_version_label(versions.V2020) == "CCC 2.0"
    assert api_version_label(versions.V2017) == "API 2017"


async def test_the_context_bar_shows_the_version_once_auto_has_decided_it() -> None:
    """No version at launch (auto, never asked): the bar shows it after the first request decides
    it, by asking the client (no message from below the TUI), then stops asking."""
    from textual.app import App, ComposeResult

    from ccc_tui.profiles.context import AppContext
    from ccc_tui.tui.widgets.context_bar import ContextBar

    fake = FakeCcc()
    client = CccClient(
        KEY,
        endpoint="https://ccc.cn-shanghai.aliyuncs.com",
        instance_id=NEW,
        transport=httpx.MockTransport(fake),
        api_version=versions.AUTO,
    )
    context = AppContext(instance_id=NEW, label="prod · cn-shanghai")
    assert context.with_api_version(None) is context

    class Host(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.client = client

        def compose(self) -> ComposeResult:
            yield ContextBar(context, "Find calls")

    async with client, Host().run_test(size=(120, 10)) as pilot:
        bar = pilot.app.query_one(ContextBar)
        await pilot.pause(2 * ContextBar.VERSION_POLL)
        assert "CCC 2.0" not in str(bar.render()) and bar._version_timer is not None
        await client.list_call_detail_records(page_size=1)  # decides: 2020-07-01
        await pilot.pause(2 * ContextBar.VERSION_POLL)
        assert "CCC 2.0" in str(bar.render()) and bar._version_timer is None
        bar.set_context(context)  # the app's context (zone changes) does not forget it
        assert bar.context.api_version == versions.V2020 and bar._version_timer is None


# ---- commands on a 2.0 instance -------------------------------------------------------------------


@pytest.fixture
def fake_2020(monkeypatch: pytest.MonkeyPatch) -> FakeCcc:
    """Every real client talks to the fake 2.0/2017 service; credentials from the environment."""
    fake = FakeCcc()

    def open_client(key: AccessKey, target: Target, **options: Any) -> CccClient:
        options.setdefault("api_version", target.api_version)
        options.setdefault("version_store", FileVersionStore())
        return CccClient(
            KEY,
            endpoint="https://ccc.cn-shanghai.aliyuncs.com",
            instance_id=target.instance_id,
            transport=httpx.MockTransport(fake),
            **options,
        )

    monkeypatch.setattr(session, "open_client", open_client)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY.key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", KEY.secret.reveal())
    return fake


def keys(value: Any) -> Any:
    """The key structure of a JSON value (lists by their first element; an event's `detail` is
    the server's own fields, which differ by version)."""
    if isinstance(value, dict):
        return {k: None if k == "detail" else keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None


def covers(wider: Any, narrower: Any) -> bool:
    if isinstance(narrower, dict):
        return isinstance(wider, dict) and all(
            k in wider and covers(wider[k], v) for k, v in narrower.items()
        )
    if isinstance(narrower, list):
        return isinstance(wider, list) and (not narrower or covers(wider[0], narrower[0]))
    return True


def test_show_json_has_the_same_keys_on_both_versions(
    fake_2020: FakeCcc, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "1096645650", "--demo", "--json"]) == 0
    old = json.loads(capsys.readouterr().out)
    assert main(["show", CONTACT, "--json", "--instance-id", NEW]) == 0
    new = json.loads(capsys.readouterr().out)
    assert new["found"] and new["call"]["caller"] == "13900001111"
    assert new["events"] and new["recordings"]
    assert covers(keys(new), keys(old)), "a key of the 2017 output is missing on 2.0"
    assert set(new) == set(old) and set(new["call"]) >= set(old["call"])
    assert "GetInstance" in fake_2020.actions(versions.V2020)  # auto asked once …
    assert FileVersionStore().get("https://ccc.cn-shanghai.aliyuncs.com", NEW) == versions.V2020


def test_a_wrong_explicit_version_is_one_clear_error(
    fake_2020: FakeCcc, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["show", CONTACT, "--instance-id", NEW, "--api-version", "2017-07-05"])
    err = capsys.readouterr().err
    assert code == 3
    assert (
        f"Instance {NEW} answers the 2020-07-01 API, not 2017-07-05; "
        "use --api-version 2020-07-01 or auto."
    ) in err
    assert "not found" not in err.lower()


def test_doctor_names_the_version_the_instance_answers(
    fake_2020: FakeCcc, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(["doctor", "--instance-id", NEW])
    out = capsys.readouterr().out
    assert "answered a signed ListInstancesOfUser and ListInstances" in out
    assert "answers CCC 2.0 (2020-07-01) (auto, remembered)" in out
    assert "api_version auto (asked on first use, then remembered) (default)" in out
    cli(["doctor", "--instance-id", NEW])
    out = capsys.readouterr().out
    assert "answered a signed ListInstances in" in out  # decided: one listing
    assert f"api_version auto: 2020-07-01 (remembered for {NEW})" in out
