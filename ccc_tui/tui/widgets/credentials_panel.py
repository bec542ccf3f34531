"""The settings screen's credentials: key id and secret, the keyring's state, Check & save.

"Check & save" signs one cheap ListInstancesOfUser with the typed pair through the same client
`ccc-tui login` builds, then stores the secret in the OS keyring and the key id (with the form's
other changes) in the profile, and offers the key's instances to pick from; the one picked (or
the only one) is saved into the profile at once. With no working
keyring backend the secret field is not offered at all (no plaintext fallback).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.errors import AccessDeniedError, CccError
from ccc_tui.api.models import Instance
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles import session
from ccc_tui.profiles.config import Config, Target, save_profile
from ccc_tui.profiles.credentials import resolve_chain
from ccc_tui.profiles.fields import DEFAULT_REGION, ProfileField
from ccc_tui.profiles.keyring_store import (
    KEYRING_SERVICE,
    delete_secret,
    keyring_status,
    keyring_username,
    no_keyring_paragraph,
    store_secret,
)
from ccc_tui.profiles.session import shorten_home
from ccc_tui.tui.widgets.error_panel import rejection_text
from ccc_tui.tui.widgets.field_row import FieldRows, FieldState
from ccc_tui.tui.widgets.settings_panel import SettingsPanel
from ccc_tui.tui.widgets.status_line import show_status
from ccc_tui.tui.worker_errors import RoutesWorkerFailures


@dataclass(frozen=True, slots=True)
class KeyringState:
    ok: bool
    backend: str
    reason: str


def instance_label(instance: Instance, current: str | None) -> Text:
    text = Text(safe_text(instance.instance_id, 64), style="bold")
    for part in (instance.name, f"({instance.status})" if instance.status else ""):
        if part:
            text.append(" " + safe_text(part, 40))
    if instance.instance_id == current:
        text.append("  current", style="italic")
    return text


class CredentialsPanel(RoutesWorkerFailures, SettingsPanel):
    """The credential fields (`#field-access_key_id`), `#secret`, `#check-key`, `#key-status` and
    `#instances`. The key id is one of the profile's fields: its row reports into the `FieldState`
    the profile form shares, which validates, counts and saves it with the others; this panel owns
    the secret, which never leaves it except into the keyring.

    Posts `KeyStored` once a key is stored (the screen reloads the file, then calls
    `announce_stored`) and `InstanceSaved` once an instance id is saved into the profile."""

    DEFAULT_CSS = """
    CredentialsPanel #secret-box { height: auto; }
    CredentialsPanel #chain-status { margin-bottom: 1; }
    CredentialsPanel #no-keyring { color: $warning; height: auto; margin-top: 1; }
    CredentialsPanel #instances { height: auto; max-height: 8; margin-top: 1; }
    """

    @dataclass
    class KeyringChecked(Message):
        state: KeyringState
        first: bool  # the first answer since the panel was mounted

    @dataclass
    class KeyStored(Message):
        profile: str
        masked_id: str
        backend: str
        instances: tuple[Instance, ...] | None  # None: the RAM policy denies listing them
        config: Config

    @dataclass
    class InstanceSaved(Message):
        profile: str
        instance_id: str
        config: Config
        picked: bool  # by the user from the list (else the key's only one, as it was stored)

    @dataclass
    class _KeyringProbed(Message):
        state: KeyringState

    @dataclass
    class _ChainChecked(Message):
        profile: str
        summary: str

    @dataclass
    class _KeyRejected(Message):
        profile: str
        text: Text

    def __init__(
        self,
        fields: Iterable[ProfileField],
        state: FieldState,
        path: Path,
        *,
        demo: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.demo = demo  # the app runs on the built-in emulator, whatever the profile holds
        self.fields = tuple(fields)
        self.state = state
        self.path = path
        self.profile = ""
        self.keyring: KeyringState | None = None

    def compose(self) -> ComposeResult:
        yield Static("Credentials", id="credentials-title", classes="section-title")
        yield Static("", id="chain-status", classes="status")
        yield FieldRows(self.fields, self.state)
        with Vertical(id="secret-box", classes="-hidden"):
            with Horizontal(classes="field-row"):
                yield Label("Secret")
                yield Input(
                    password=True,
                    id="secret",
                    placeholder="hidden as you type; kept in the keyring",
                    compact=True,
                    max_length=256,
                )
            with Horizontal(classes="buttons"):
                yield Button("Check & save", id="check-key", compact=True)
        yield Static("", id="no-keyring", classes="-hidden")
        yield Static("Looking for a keyring backend…", id="key-status", classes="status")
        yield OptionList(id="instances", classes="-hidden", compact=True)

    def on_mount(self) -> None:
        self.check_keyring()

    @property
    def keyring_ok(self) -> bool:
        return self.keyring is not None and self.keyring.ok

    def set_status(self, content: str | Text, kind: str) -> None:
        show_status(self.query_one("#key-status", Static), content, kind)

    def show_profile(self, profile: str, config: Config | None) -> None:
        """The state was loaded with `profile`: show its key id, forget the secret and the
        instances offered."""
        self.profile = profile
        self.query_one(FieldRows).show_loaded()
        self.query_one("#secret", Input).clear()
        self.hide_instances()
        if self.keyring is not None:
            self._show_keyring_state()
        self.inspect_chain(profile, config)

    # ---- the keyring and the credential chain --------------------------------------------------

    @work(thread=True, exclusive=True, group="keyring", exit_on_error=False)
    def check_keyring(self) -> None:
        ok, backend, why = keyring_status()  # the probe can block on a locked store: a thread
        self.post_message(self._KeyringProbed(KeyringState(ok, backend, why)))

    @on(_KeyringProbed)
    def _keyring_probed(self, message: _KeyringProbed) -> None:
        message.stop()
        first = self.keyring is None
        self.keyring = message.state
        self._show_keyring_state()
        self.post_message(self.KeyringChecked(message.state, first))

    def _show_keyring_state(self) -> None:
        state = self.keyring
        assert state is not None
        secret_box = self.query_one("#secret-box")
        paragraph = self.query_one("#no-keyring", Static)
        if state.ok:
            secret_box.remove_class("-hidden")
            paragraph.add_class("-hidden")
            self.set_status(
                f"Check & save signs one ListInstancesOfUser with the key, then stores the "
                f"secret in the keyring ({state.backend}) as "
                f"{KEYRING_SERVICE}/{keyring_username(self.profile)}.",
                "",
            )
        else:
            # Never a plaintext fallback: the secret field is not offered at all.
            self.query_one("#secret", Input).clear()
            secret_box.add_class("-hidden")
            paragraph.update(Text(no_keyring_paragraph(state.backend, state.reason)))
            paragraph.remove_class("-hidden")
            self.set_status("", "")

    @work(thread=True, exclusive=True, group="chain", exit_on_error=False)
    def inspect_chain(self, profile: str, config: Config | None) -> None:
        report = resolve_chain(profile, config=config)
        found = (
            report.lines()[0]
            if report.credentials is not None
            else "none found (environment, keyring, aliyun CLI, credentials file)"
        )
        if self.demo:
            # What runs now is the demo; what the profile would use is a different question.
            summary = (
                f"In use now: the emulator's demo key pair (--demo). Profile {profile} would "
                f"use: {found}."
            )
        else:
            summary = f"In use: {found}."
        self.post_message(self._ChainChecked(profile, shorten_home(summary)))

    @on(_ChainChecked)
    def _chain_checked(self, message: _ChainChecked) -> None:
        message.stop()
        if message.profile == self.profile:
            self.query_one("#chain-status", Static).update(Text(safe_text(message.summary, 300)))

    # ---- Check & save --------------------------------------------------------------------------

    def check_key(self) -> None:
        """Check the typed secret with the key id against the target the form holds; on success
        store it and save the form's changes with the key id into the profile; posts KeyStored.
        Else say what is missing (the key id, the secret, a valid form) and focus it."""
        if not self.keyring_ok:
            return
        values = self.state.values()
        if not values["access_key_id"]:
            self.query_one(FieldRows).mark("access_key_id", "needed to check and store a key")
            self.query_one("#field-access_key_id").focus()
            return
        secret_input = self.query_one("#secret", Input)
        if not secret_input.value.strip():
            self.set_status("Type the AccessKey secret first.", "error")
            secret_input.focus()
            return
        if self.state.errors:
            self.set_status(
                Text(f"✗ Fix the fields marked ✗ first ({', '.join(self.state.errors)})."), "error"
            )
            return
        target = Target(
            profile=self.profile,
            instance_id=values["instance_id"] or None,
            region=values["region"] or DEFAULT_REGION,
            endpoint=values["endpoint"] or None,
        )
        # The secret goes straight into a Secret and the field is emptied: no copy outlives this.
        secret = Secret(secret_input.value.strip())
        key = AccessKey(key_id=values["access_key_id"], secret=secret, source="settings")
        secret_input.clear()
        self.hide_instances()
        self.query_one("#check-key", Button).disabled = True
        self.set_status(f"Checking {key.masked_id} against {target.endpoint_url} …", "")
        self.check_and_store(self.profile, key, target, self.state.changed())

    @work(exclusive=True, group="credentials", exit_on_error=False)
    async def check_and_store(
        self,
        profile: str,
        key: AccessKey,
        target: Target,
        fields: Mapping[str, str | None],
    ) -> None:
        instances: tuple[Instance, ...] | None = None
        try:
            async with session.open_client(key, target) as client:
                instances = await client.list_instances()
        except AccessDeniedError:
            instances = None  # the signature was accepted; only listing is not allowed
        except CccError as exc:
            title = "The key was not accepted; nothing was stored."
            self.post_message(self._KeyRejected(profile, rejection_text(exc, key, title)))
            return
        except Exception as exc:  # an unforeseen failure: its name only, never its text
            self.post_message(
                self._KeyRejected(
                    profile, Text(f"✗ The check failed ({type(exc).__name__}); nothing was stored.")
                )
            )
            return
        try:
            backend = await asyncio.to_thread(store_secret, profile, key)
            saved = await asyncio.to_thread(
                save_profile, profile, {**fields, "access_key_id": key.key_id}, path=self.path
            )
        except CccError as exc:
            self.post_message(self._KeyRejected(profile, rejection_text(exc, key, "Not stored")))
            return
        self.post_message(self.KeyStored(profile, key.masked_id, backend, instances, saved))

    @on(_KeyRejected)
    def _key_rejected(self, message: _KeyRejected) -> None:
        message.stop()
        self.query_one("#check-key", Button).disabled = False
        self.set_status(message.text, "error")
        self.query_one("#secret", Input).focus()

    @on(KeyStored)
    def _key_stored(self, message: KeyStored) -> None:
        self.query_one("#check-key", Button).disabled = False  # the screen says what follows

    # ---- the instances -------------------------------------------------------------------------

    def offer_instances(self, instances: tuple[Instance, ...], current: str) -> None:
        box = self.query_one("#instances", OptionList)
        box.clear_options()
        box.add_options(Option(instance_label(i, current), id=i.instance_id) for i in instances)
        ids = [i.instance_id for i in instances]
        box.highlighted = ids.index(current) if current in ids else 0
        box.remove_class("-hidden")
        box.focus()

    def hide_instances(self) -> None:
        self.query_one("#instances", OptionList).add_class("-hidden")

    @on(OptionList.OptionSelected, "#instances")
    def _instance_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.save_instance(event.option.id, picked=True)

    def save_instance(self, instance_id: str, *, picked: bool) -> None:
        """Save the instance id into the profile (the rest of the form stays as typed); posts
        InstanceSaved. `picked`: say so here (else the caller's status does)."""
        try:
            saved = save_profile(self.profile, {"instance_id": instance_id}, path=self.path)
        except CccError as exc:
            self.set_status(rejection_text(exc, None, "Not saved"), "error")
            return
        self.post_message(self.InstanceSaved(self.profile, instance_id, saved, picked))
        if picked:
            self.hide_instances()
            self.set_status(
                Text(f"✓ Instance {safe_text(instance_id, 64)} saved in profile {self.profile}."),
                "done",
            )

    def announce_stored(self, stored: KeyStored) -> bool:
        """Say what was stored and what follows: the key's only instance is taken when the form
        has none, several are offered. Call it once the profile is reloaded; True when offered."""
        words = (
            f"✓ Verified {stored.masked_id} and stored its secret in the keyring "
            f"({stored.backend}) as {KEYRING_SERVICE}/{keyring_username(stored.profile)}; "
            f"the key id is in profile {stored.profile}."
        )
        current = self.state.values()["instance_id"]
        instances = stored.instances
        offered = False
        if instances is None:
            words += (
                " The key's RAM policy does not allow listing instances: type the instance id "
                "above and press ctrl+s."
            )
        elif not instances:
            words += " This key sees no CCC instance: type the instance id above."
        elif len(instances) == 1 and current in ("", instances[0].instance_id):
            if not current:
                self.save_instance(instances[0].instance_id, picked=False)
                words += f" Using its only instance, {safe_text(instances[0].instance_id, 64)}."
        else:
            words += " Pick the instance to use (enter):"
            self.offer_instances(instances, current)
            offered = True
        self.set_status(Text(words), "done")
        return offered

    def forget_secret(self, profile: str) -> str:
        """Remove the deleted `profile`'s keyring entry, if any; a sentence saying what became
        of it ("" when there was none or no keyring)."""
        if not self.keyring_ok:
            return ""
        try:
            if delete_secret(profile):
                return " Its keyring entry was removed too."
        except CccError as exc:
            return f" Its keyring entry could not be removed: {exc.message}"
        return ""
