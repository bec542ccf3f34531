"""Shared test isolation: no real home, no real keyring, no colour/theme env leaking into snapshots."""

from __future__ import annotations

import os

# Before Textual is imported anywhere: these change every snapshot.
os.environ.pop("NO_COLOR", None)
os.environ.pop("TEXTUAL_THEME", None)

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

_CREDENTIAL_VARS = [
    f"{p}_{s}"
    for p in ("ALIBABA_CLOUD", "ALICLOUD", "ALIYUN")
    for s in ("ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "SECURITY_TOKEN")
] + [
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABA_CLOUD_CREDENTIALS_FILE",
    "ALIBABA_CLOUD_REGION_ID",
    "CCC_TUI_PROFILE",
    "CCC_TUI_INSTANCE_ID",
    "CCC_TUI_REGION",
    "CCC_TUI_ENDPOINT",
    "CCC_TUI_CONFIG",
    "PYTHON_KEYRING_BACKEND",
]


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring so no test ever reads or writes the real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.store[(service, username)]
        except KeyError as exc:
            raise PasswordDeleteError("not found") from exc


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    for sub in ("", ".config", ".local/share", ".cache", ".local/state", "Downloads"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(home / "Downloads"))
    for var in _CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield home
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    return backend


def cli(argv: Sequence[str]) -> int:
    """Run `ccc-tui <argv>` for the config, login/logout and doctor commands; the exit code."""
    from ccc_tui.cli import config_cmd, doctor, login

    parser = argparse.ArgumentParser(prog="ccc-tui")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (config_cmd, login, login, doctor):
        module.register(sub)
    args = parser.parse_args(list(argv))
    return int(args.handler(args))
