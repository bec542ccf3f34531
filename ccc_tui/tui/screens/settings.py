"""Settings: profiles, the selected profile's fields, credentials into the keyring, the doctor.

Left, the profiles of config.toml (the default one marked); right, one scrolling form:
- the profile's fields, one row per setting declared in `profiles.fields.PROFILE_FIELDS`, each
  validated as typed by the field's own check (error under the field; ctrl+s refuses while any is
  invalid) and saved through `config.save_profile`, which keeps
  the file's comments and writes it atomically; only changed keys are written;
- credentials: the AccessKey id and the secret (a password Input). "Check & save" signs one cheap
  ListInstancesOfUser with them through the same client `ccc-tui login` builds, then stores the pair
  in the OS keyring and the key id in the profile, and lists the instances to pick from. With no
  working keyring backend the secret field is not offered at all (no plaintext fallback);
- the doctor's checks, run in a thread and shown row by row.

Saving changes the file only; the running session keeps its client until the user presses `u`
(use this profile now), which builds a new client and reopens the search screen. When the app has
no client yet (first run), a successful login does that by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.errors import AccessDeniedError, CccError, scrub_message
from ccc_tui.api.models import Instance
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles import session
from ccc_tui.profiles.config import (
    Config,
    Target,
    config_path,
    default_downloads_dir,
    delete_profile,
    load_config,
    save_profile,
    set_default_profile,
)
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.credentials import resolve_chain
from ccc_tui.profiles.fields import DEFAULT_REGION, FIELDS_BY_KEY, PROFILE_FIELDS, ProfileField
from ccc_tui.profiles.keyring_store import (
    KEYRING_SERVICE,
    delete_secret,
    keyring_status,
    keyring_username,
    no_keyring_paragraph,
    store_secret,
)
from ccc_tui.profiles.session import LaunchTarget, Session, profile_session, shorten_home
from ccc_tui.tui.messages import SessionBuilt, SessionFailed
from ccc_tui.tui.screens.confirm import ConfirmScreen
from ccc_tui.tui.screens.profile_name import ProfileNameScreen
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.widgets.doctor_panel import DoctorPanel
from ccc_tui.tui.widgets.key_bar import KeyBar

# The form shows the declared settings in their declared order: the credential ones (the key id)
# with the credentials, the rest in the profile part.
FORM_FIELDS: tuple[ProfileField, ...] = tuple(f for f in PROFILE_FIELDS if not f.credential)
CREDENTIAL_FIELDS: tuple[ProfileField, ...] = tuple(f for f in PROFILE_FIELDS if f.credential)
# The letter bindings: they must not fire (nor show) while a text field has focus.
LETTER_ACTIONS = frozenset(
    {"new_profile", "delete_profile", "make_default", "run_checks", "use_profile"}
)


class UseSession(Message):
    """Ask the app to run on this client and context from now on (first run, another profile)."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session


@dataclass(frozen=True, slots=True)
class KeyringState:
    ok: bool
    backend: str
    reason: str


def rejection_text(error: CccError, key: AccessKey | None, title: str) -> Text:
    """A failed check in plain Text: the server's message scrubbed of key id and string to sign."""
    text = Text()
    text.append(f"✗ {title}\n", style="bold")
    text.append(error.code, style="bold")
    text.append(f": {safe_text(scrub_message(error.message, key), 300)}")
    if error.hint:
        text.append("\nHint: ", style="bold")
        text.append(safe_text(error.hint, 400))
    if error.request_id:
        text.append("\nRequest id: ", style="bold")
        text.append(safe_text(error.request_id, 80))
    return text


def instance_label(instance: Instance, current: str | None) -> Text:
    text = Text(safe_text(instance.instance_id, 64), style="bold")
    for part in (instance.name, f"({instance.status})" if instance.status else ""):
        if part:
            text.append(" " + safe_text(part, 40))
    if instance.instance_id == current:
        text.append("  current", style="italic")
    return text


class SettingsForm(VerticalScroll, can_focus=False):
    """The scrolling form: tab goes straight to its first field, focus scrolls it into view."""


class SettingsScreen(Screen[None]):
    HELP_TITLE = "Settings"

    DEFAULT_CSS = """
    SettingsScreen { layout: vertical; }
    SettingsScreen #settings-body { height: 1fr; }
    SettingsScreen #profiles-pane {
        width: 22;
        height: 1fr;
        padding: 0 1;
        border-right: vkey $panel;
    }
    SettingsScreen #profiles { height: 1fr; }
    SettingsScreen #profiles-keys { color: $foreground-muted; height: auto; }
    SettingsScreen #settings-form {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    SettingsScreen .section-title { text-style: bold; color: $accent; margin-top: 1; }
    SettingsScreen #profile-title { margin-top: 0; }
    SettingsScreen #profile-path { color: $foreground-muted; margin-bottom: 1; }
    SettingsScreen #secret-box { height: auto; }
    SettingsScreen .field-row { height: 1; }
    SettingsScreen .field-row Label { width: 14; color: $foreground-muted; }
    /* The row rule also lets Textual restyle the Label when the Input in its row is focused. */
    SettingsScreen .field-row:focus-within { background: $boost; }
    SettingsScreen .field-row:focus-within Label { color: $accent; text-style: bold; }
    SettingsScreen .field-row Input, SettingsScreen .field-row Select { width: 1fr; }
    SettingsScreen .field-row Input { background: $boost; }
    SettingsScreen .field-error { color: $error; padding-left: 14; height: auto; }
    SettingsScreen .field-error.-ok { display: none; }
    SettingsScreen .buttons { height: 1; margin-top: 1; }
    SettingsScreen #chain-status { margin-bottom: 1; }
    SettingsScreen .buttons Button { margin-right: 2; }
    SettingsScreen .status { height: auto; color: $foreground-muted; }
    SettingsScreen .status.-error { color: $error; }
    SettingsScreen .status.-done { color: $success; }
    SettingsScreen #no-keyring { color: $warning; height: auto; margin-top: 1; }
    SettingsScreen #instances { height: auto; max-height: 8; margin-top: 1; }
    SettingsScreen .-hidden { display: none; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=True),
        Binding("escape", "back", "Back", show=True),
        # Shown in the profiles pane rather than the footer, which has 80 columns to share.
        Binding("n", "new_profile", "New profile", show=False),
        Binding("x", "delete_profile", "Delete profile", show=False),
        Binding("m", "make_default", "Make default", show=False),
        Binding("c", "run_checks", "Checks", show=True),
        Binding("u", "use_profile", "Use now", show=True),
    ]

    # ---- messages from the workers -------------------------------------------------------------

    class KeyringChecked(Message):
        def __init__(self, state: KeyringState) -> None:
            super().__init__()
            self.state = state

    class ChainChecked(Message):
        def __init__(self, profile: str, summary: str) -> None:
            super().__init__()
            self.profile = profile
            self.summary = summary

    class KeyStored(Message):
        def __init__(
            self,
            profile: str,
            masked_id: str,
            backend: str,
            instances: tuple[Instance, ...] | None,
            config: Config,
        ) -> None:
            super().__init__()
            self.profile = profile
            self.masked_id = masked_id
            self.backend = backend
            self.instances = instances  # None: the RAM policy denies listing them
            self.config = config

    class KeyRejected(Message):
        def __init__(self, profile: str, text: Text) -> None:
            super().__init__()
            self.profile = profile
            self.text = text

    # ---- setup ---------------------------------------------------------------------------------

    def __init__(
        self,
        context: AppContext,
        launch: LaunchTarget | None = None,
        *,
        connected: bool = True,
        section: str = "profile",
        path: Path | None = None,
    ) -> None:
        """`connected`: the app already has a client (else a successful login starts one).
        `section`: "profile" or "credentials" (focus the key fields: the first-run login)."""
        super().__init__()
        self.context = context
        self.launch = launch or LaunchTarget()
        self.connected = connected
        self.section = section
        self.path = path or config_path()
        self.config: Config | None = None
        self.config_error: CccError | None = None
        self.profile = ""
        self.active_profile = ""
        self._loaded: dict[str, str] = {}
        self._errors: dict[str, str] = {}
        self._keyring: KeyringState | None = None
        self._discard_armed = False

    def compose(self) -> ComposeResult:
        yield ContextBar(self.context, "Settings")
        with Horizontal(id="settings-body"):
            with Vertical(id="profiles-pane"):
                yield Static(Text("Profiles", style="bold"), classes="section-title")
                yield OptionList(id="profiles", compact=True)
                yield Static("n new · x delete\nm make default", id="profiles-keys")
            with SettingsForm(id="settings-form"):
                yield Static("", id="profile-title", classes="section-title")
                yield Static(Text(safe_text(shorten_home(str(self.path)), 200)), id="profile-path")
                for field in FORM_FIELDS:
                    yield from self._field(field)
                with Horizontal(classes="buttons"):
                    yield Button("Save  ctrl+s", id="save", compact=True, variant="primary")
                    yield Button("Use now  u", id="use", compact=True)
                yield Static("", id="save-status", classes="status")

                yield Static("Credentials", id="credentials-title", classes="section-title")
                yield Static("", id="chain-status", classes="status")
                for field in CREDENTIAL_FIELDS:
                    yield from self._field(field)
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

                yield DoctorPanel(id="doctor-panel")
        yield KeyBar()

    def _field(self, field: ProfileField) -> ComposeResult:
        key = field.key
        with Horizontal(classes="field-row", id=f"row-{key}"):
            yield Label(field.label)
            if field.choices:
                # Only these values are allowed: a list, its prompt says what empty means.
                yield Select(
                    [(label, value) for value, label in field.choices],
                    prompt=field.placeholder,
                    id=f"field-{key}",
                    compact=True,
                )
            else:
                placeholder = field.placeholder
                if key == "download_dir":
                    # The declared placeholder is generic; here the real folder can be shown.
                    placeholder = f"{shorten_home(str(default_downloads_dir()))} (default)"
                yield Input(
                    placeholder=placeholder, id=f"field-{key}", compact=True, max_length=300
                )
        yield Static("", id=f"error-{key}", classes="field-error -ok")

    def on_mount(self) -> None:
        self.reload(select=None)
        self.check_keyring()
        if self.section == "credentials":
            self.query_one("#field-access_key_id", Input).focus(scroll_visible=False)
            self.call_after_refresh(self._bring_into_view, "#credentials-title")
        else:
            self.query_one("#profiles", OptionList).focus()

    # ---- the profiles list ---------------------------------------------------------------------

    def reload(self, select: str | None) -> None:
        """Re-read the file, refill the list, and load `select` (default: the running profile)."""
        try:
            self.config = load_config(self.path)
            self.config_error = None
        except CccError as exc:
            self.config, self.config_error = None, exc
        self.active_profile = self.launch.profile_name(self.config)
        names = list(self.config.profiles) if self.config else []
        if self.active_profile not in names:
            names.insert(0, self.active_profile)
        wanted = select or self.profile or self.active_profile
        if wanted not in names:
            wanted = self.active_profile
        profiles = self.query_one("#profiles", OptionList)
        profiles.clear_options()
        profiles.add_options(Option(self._profile_label(n), id=n) for n in names)
        self.load_profile(wanted)
        profiles.highlighted = names.index(wanted)
        if self.config_error is not None:
            title = "The config file cannot be used; fix it first (ccc-tui config show)."
            self._set_status(
                "#save-status", rejection_text(self.config_error, None, title), "error"
            )
            self.query_one("#settings-form").disabled = True

    def _profile_label(self, name: str) -> Text:
        text = Text(name)
        default = self.config.default_profile if self.config else None
        if name == default or (default is None and name == "default"):
            text.append(" ★", style="bold")
        if self.config is None or name not in self.config.profiles:
            text.append(" (new)", style="italic")
        return text

    @on(OptionList.OptionHighlighted, "#profiles")
    def profile_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if name is None or name == self.profile:
            return
        if self.dirty:
            self.app.push_screen(
                ConfirmScreen(f"Discard the unsaved changes to profile {self.profile}?", "discard"),
                lambda discard: self._after_switch_question(name, bool(discard)),
            )
            return
        self.load_profile(name)

    def _after_switch_question(self, name: str, discard: bool) -> None:
        if discard:
            self.load_profile(name)
        else:
            self._highlight(self.profile)

    def _highlight(self, name: str) -> None:
        profiles = self.query_one("#profiles", OptionList)
        with contextlib.suppress(OptionDoesNotExist):  # the list was refilled meanwhile
            profiles.highlighted = profiles.get_option_index(name)

    # ---- the form ------------------------------------------------------------------------------

    def load_profile(self, name: str) -> None:
        self.profile = name
        prof = self.config.profile(name) if self.config else None
        values = prof.values() if prof else {}
        self._loaded = {field.key: values.get(field.key, "") for field in PROFILE_FIELDS}
        self._errors.clear()
        self._discard_armed = False
        for field in PROFILE_FIELDS:
            self._set_field(field.key, self._loaded[field.key])
            self._show_error(field.key, "")
        self.query_one("#secret", Input).clear()
        self.query_one("#instances", OptionList).add_class("-hidden")
        self._set_status("#save-status", "", "")
        if self._keyring is not None:
            self._show_keyring_state()
        self.update_title()
        self.inspect_chain(name)

    def _set_field(self, key: str, value: str) -> None:
        choices = FIELDS_BY_KEY[key].choices
        if choices:
            select: Select[str] = self.query_one(f"#field-{key}", Select)
            select.value = value if value in (v for v, _ in choices) else Select.NULL
        else:
            self.query_one(f"#field-{key}", Input).value = value

    def values(self) -> dict[str, str]:
        """What the form holds now, stripped; "" for an empty field."""
        out: dict[str, str] = {}
        for field in PROFILE_FIELDS:
            key = field.key
            if field.choices:
                value = self.query_one(f"#field-{key}", Select).value
                out[key] = value if isinstance(value, str) else ""
            else:
                out[key] = self.query_one(f"#field-{key}", Input).value.strip()
        return out

    def changed_fields(self) -> dict[str, str | None]:
        """Only what differs from the file: unchanged keys keep their place and comments."""
        return {
            key: value or None
            for key, value in self.values().items()
            if value != self._loaded.get(key, "")
        }

    @property
    def dirty(self) -> bool:
        return bool(self.changed_fields())

    @property
    def is_new(self) -> bool:
        return self.config is None or self.profile not in self.config.profiles

    def update_title(self) -> None:
        text = Text()
        text.append(f"Profile {self.profile}")
        if self.is_new:
            text.append(" (not saved yet)", style="italic")
        if self.dirty:
            text.append(" · modified", style="italic")
        self.query_one("#profile-title", Static).update(text)

    def validate(self, key: str, value: str) -> str:
        if not value:
            return ""
        try:
            FIELDS_BY_KEY[key].check(value)
        except ValueError as exc:
            return str(exc)
        return ""

    def _show_error(self, key: str, problem: str) -> None:
        if problem:
            self._errors[key] = problem
        else:
            self._errors.pop(key, None)
        box = self.query_one(f"#error-{key}", Static)
        # The message may quote what was typed: plain Text, control characters out.
        box.update(Text(f"✗ {safe_text(problem, 200)}") if problem else "")
        box.set_class(not problem, "-ok")
        if not FIELDS_BY_KEY[key].choices:
            self.query_one(f"#field-{key}", Input).set_class(bool(problem), "-invalid")
        self.query_one("#save", Button).disabled = bool(self._errors)

    @on(Input.Changed, ".field-row Input")
    def field_changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("field-")
        if key not in FIELDS_BY_KEY:
            return  # the secret: never validated, echoed or kept here
        self._show_error(key, self.validate(key, event.value.strip()))
        self._discard_armed = False
        self.update_title()

    @on(Select.Changed, ".field-row Select")
    def choice_changed(self, event: Select.Changed) -> None:
        self.update_title()

    @on(Input.Submitted, ".field-row Input")
    def field_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "secret":
            self.action_check_key()
        else:
            self.focus_next()

    def action_save(self) -> None:
        if self.config_error is not None:
            return
        if self._errors:
            self._set_status(
                "#save-status",
                Text(f"✗ Not saved: fix the fields marked ✗ ({', '.join(self._errors)})."),
                "error",
            )
            self.query_one(f"#field-{next(iter(self._errors))}").focus()
            return
        fields = self.changed_fields()
        if not fields and not self.is_new:
            self._set_status("#save-status", "Nothing to save: no field was changed.", "")
            return
        try:
            saved = save_profile(self.profile, fields, path=self.path)
        except CccError as exc:
            self._set_status("#save-status", rejection_text(exc, None, "Not saved"), "error")
            return
        self._after_save(saved, f"Saved profile {self.profile} to {shorten_home(str(saved.path))}.")

    def _after_save(self, saved: Config, message: str) -> None:
        name = self.profile
        self.reload(select=name)
        if self.connected:
            note = (
                " The running session is unchanged: press u to use it now, or it applies "
                "on the next start."
            )
            self._set_status("#save-status", message + note, "done")
        else:
            self._set_status("#save-status", message, "done")
            self.build_session(name, quiet=True)

    # ---- credentials ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="keyring")
    def check_keyring(self) -> None:
        ok, backend, why = keyring_status()  # the probe can block on a locked store: a thread
        self.post_message(self.KeyringChecked(KeyringState(ok, backend, why)))

    @on(KeyringChecked)
    def keyring_checked(self, message: KeyringChecked) -> None:
        first = self._keyring is None
        self._keyring = message.state
        self._show_keyring_state()
        if first and self.section == "credentials":
            # The secret field exists now: bring the whole credentials part into view.
            if message.state.ok and self.values()["access_key_id"]:
                self.query_one("#secret", Input).focus(scroll_visible=False)
            self.call_after_refresh(self._bring_into_view, "#credentials-title")

    def _show_keyring_state(self) -> None:
        state = self._keyring
        assert state is not None
        secret_box = self.query_one("#secret-box")
        paragraph = self.query_one("#no-keyring", Static)
        if state.ok:
            secret_box.remove_class("-hidden")
            paragraph.add_class("-hidden")
            self._set_status(
                "#key-status",
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
            self._set_status("#key-status", "", "")

    @work(thread=True, exclusive=True, group="chain")
    def inspect_chain(self, profile: str) -> None:
        report = resolve_chain(profile, config=self.config)
        if report.credentials is not None:
            summary = f"In use: {report.lines()[0]}"
        else:
            summary = "In use: none found (environment, keyring, aliyun CLI, credentials file)."
        self.post_message(self.ChainChecked(profile, shorten_home(summary)))

    @on(ChainChecked)
    def chain_checked(self, message: ChainChecked) -> None:
        if message.profile == self.profile:
            self.query_one("#chain-status", Static).update(Text(safe_text(message.summary, 300)))

    def action_check_key(self) -> None:
        if self._keyring is None or not self._keyring.ok or self.config_error is not None:
            return
        values = self.values()
        if not values["access_key_id"]:
            self._show_error("access_key_id", "needed to check and store a key")
            self.query_one("#field-access_key_id").focus()
            return
        secret_input = self.query_one("#secret", Input)
        if not secret_input.value.strip():
            self._set_status("#key-status", "Type the AccessKey secret first.", "error")
            secret_input.focus()
            return
        if self._errors:
            self._set_status(
                "#key-status",
                Text(f"✗ Fix the fields marked ✗ first ({', '.join(self._errors)})."),
                "error",
            )
            return
        # The secret goes straight into a Secret and the field is emptied: no copy outlives this.
        key = AccessKey(
            key_id=values["access_key_id"],
            secret=Secret(secret_input.value.strip()),
            source="settings",
        )
        secret_input.clear()
        target = Target(
            profile=self.profile,
            instance_id=values["instance_id"] or None,
            region=values["region"] or DEFAULT_REGION,
            endpoint=values["endpoint"] or None,
        )
        self.query_one("#instances", OptionList).add_class("-hidden")
        self.query_one("#check-key", Button).disabled = True
        self._set_status(
            "#key-status",
            f"Checking {key.masked_id} against {target.endpoint_url} …",
            "",
        )
        self.check_and_store(self.profile, key, target, self.changed_fields())

    @work(exclusive=True, group="credentials")
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
            self.post_message(self.KeyRejected(profile, rejection_text(exc, key, title)))
            return
        except Exception as exc:  # an unforeseen failure: its name only, never its text
            self.post_message(
                self.KeyRejected(
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
            self.post_message(self.KeyRejected(profile, rejection_text(exc, key, "Not stored")))
            return
        self.post_message(self.KeyStored(profile, key.masked_id, backend, instances, saved))

    @on(KeyRejected)
    def key_rejected(self, message: KeyRejected) -> None:
        self.query_one("#check-key", Button).disabled = False
        self._set_status("#key-status", message.text, "error")
        self.query_one("#secret", Input).focus()

    @on(KeyStored)
    def key_stored(self, message: KeyStored) -> None:
        self.query_one("#check-key", Button).disabled = False
        self.reload(select=message.profile)
        words = (
            f"✓ Verified {message.masked_id} and stored its secret in the keyring "
            f"({message.backend}) as {KEYRING_SERVICE}/{keyring_username(message.profile)}; "
            f"the key id is in profile {message.profile}."
        )
        current = self.values()["instance_id"]
        instances = message.instances
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
                self.choose_instance(instances[0].instance_id, announce=False)
                words += f" Using its only instance, {safe_text(instances[0].instance_id, 64)}."
        else:
            words += " Pick the instance to use (enter):"
            self._offer_instances(instances, current)
            offered = True
        self._set_status("#key-status", Text(words), "done")
        if not self.connected and not offered:
            # First run: this key is all the app was waiting for (quiet: no instance id yet is
            # not an error here, the status above already says what to do).
            self.build_session(message.profile, quiet=True)

    def _offer_instances(self, instances: tuple[Instance, ...], current: str) -> None:
        box = self.query_one("#instances", OptionList)
        box.clear_options()
        box.add_options(Option(instance_label(i, current), id=i.instance_id) for i in instances)
        ids = [i.instance_id for i in instances]
        box.highlighted = ids.index(current) if current in ids else 0
        box.remove_class("-hidden")
        box.focus()

    @on(OptionList.OptionSelected, "#instances")
    def instance_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.choose_instance(event.option.id)

    def choose_instance(self, instance_id: str, *, announce: bool = True) -> None:
        """Save the instance id into the profile (the rest of the form stays as typed)."""
        try:
            saved = save_profile(self.profile, {"instance_id": instance_id}, path=self.path)
        except CccError as exc:
            self._set_status("#key-status", rejection_text(exc, None, "Not saved"), "error")
            return
        self.config = saved
        self._loaded["instance_id"] = instance_id
        self._set_field("instance_id", instance_id)
        self.update_title()
        if announce:
            self.query_one("#instances", OptionList).add_class("-hidden")
            self._set_status(
                "#key-status",
                Text(f"✓ Instance {safe_text(instance_id, 64)} saved in profile {self.profile}."),
                "done",
            )
            if not self.connected:
                self.build_session(self.profile, quiet=True)

    # ---- using a profile now -------------------------------------------------------------------

    def action_use_profile(self) -> None:
        if self.dirty:
            self._set_status(
                "#save-status", "Save the changes first (ctrl+s), then press u.", "error"
            )
            return
        self._set_status("#save-status", f"Opening profile {self.profile} …", "")
        self.build_session(self.profile, quiet=False)

    @work(thread=True, exclusive=True, group="session")
    def build_session(self, profile: str, quiet: bool) -> None:
        try:
            session = profile_session(self.launch, profile)
        except CccError as exc:
            if not quiet:
                self.post_message(SessionFailed(exc))
            return
        self.post_message(SessionBuilt(session))

    @on(SessionBuilt)
    def session_built(self, message: SessionBuilt) -> None:
        self.post_message(UseSession(message.session))

    @on(SessionFailed)
    def session_failed(self, message: SessionFailed) -> None:
        self._set_status(
            "#save-status", rejection_text(message.error, None, "Cannot use it yet"), "error"
        )

    # ---- the doctor ----------------------------------------------------------------------------

    def action_run_checks(self) -> None:
        demo = self.context.demo
        subject = "the demo (built-in emulator)" if demo else f"profile {self.profile}, as saved"
        # The launch's flags belong to the launch's profile; another profile is checked as saved.
        own = self.profile == self.active_profile
        flags = self.launch if own else LaunchTarget(profile=self.profile)
        self.query_one(DoctorPanel).run(subject, demo=demo, flags=flags)
        self._bring_into_view("#checks-title")

    @on(DoctorPanel.RunRequested)
    def checks_requested(self, message: DoctorPanel.RunRequested) -> None:
        self.action_run_checks()

    @on(DoctorPanel.Finished)
    def checks_finished(self, message: DoctorPanel.Finished) -> None:
        self.call_after_refresh(self._bring_into_view, "#checks-title")

    # ---- profiles: create, delete, make default ------------------------------------------------

    def action_new_profile(self) -> None:
        if self.config_error is not None:
            return
        existing = set(self.config.profiles) if self.config else set()
        self.app.push_screen(ProfileNameScreen(existing), self._create_profile)

    def _create_profile(self, name: str | None) -> None:
        if not name:
            return
        if self.dirty:
            self.app.push_screen(
                ConfirmScreen(f"Discard the unsaved changes to profile {self.profile}?", "discard"),
                lambda discard: self._create_profile_now(name) if discard else None,
            )
            return
        self._create_profile_now(name)

    def _create_profile_now(self, name: str) -> None:
        try:
            save_profile(name, {}, path=self.path)
        except CccError as exc:
            self._set_status("#save-status", rejection_text(exc, None, "Not created"), "error")
            return
        self.profile = name
        self.reload(select=name)
        self._set_status(
            "#save-status",
            f"Created profile {name}. Fill in its fields and press ctrl+s.",
            "done",
        )
        self.query_one("#field-instance_id", Input).focus()

    def action_delete_profile(self) -> None:
        if self.config is None or self.profile not in self.config.profiles:
            self._set_status("#save-status", "This profile is not in the file yet.", "")
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
        try:
            delete_profile(name, path=self.path)
        except CccError as exc:
            self._set_status("#save-status", rejection_text(exc, None, "Not deleted"), "error")
            return
        note = ""
        if self._keyring is not None and self._keyring.ok:
            try:
                if delete_secret(name):
                    note = " Its keyring entry was removed too."
            except CccError as exc:
                note = f" Its keyring entry could not be removed: {exc.message}"
        self.profile = ""
        self.reload(select=None)
        self._set_status("#save-status", Text(f"Deleted profile {name}.{note}"), "done")

    def action_make_default(self) -> None:
        if self.config is None or self.profile not in self.config.profiles:
            self._set_status("#save-status", "Save this profile first (ctrl+s).", "error")
            return
        try:
            set_default_profile(self.profile, path=self.path)
        except CccError as exc:
            self._set_status("#save-status", rejection_text(exc, None, "Not changed"), "error")
            return
        self.reload(select=self.profile)
        self._set_status(
            "#save-status",
            f"{self.profile} is now the default profile (from the next start).",
            "done",
        )

    # ---- keys and buttons ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A letter belongs to the focused text field, not to the screen.
        return not (action in LETTER_ACTIONS and isinstance(self.focused, Input))

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "save": self.action_save,
            "use": self.action_use_profile,
            "check-key": self.action_check_key,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def action_back(self) -> None:
        if self.dirty and not self._discard_armed:
            self._discard_armed = True
            self._set_status(
                "#save-status",
                "Unsaved changes: ctrl+s saves them; esc again leaves without saving.",
                "error",
            )
            return
        self.dismiss(None)

    def _bring_into_view(self, selector: str) -> None:
        self.query_one(selector).scroll_visible(top=True, animate=False)

    def _set_status(self, selector: str, content: str | Text, kind: str) -> None:
        status = self.query_one(selector, Static)
        status.update(content if isinstance(content, Text) else Text(content))
        status.set_class(kind == "error", "-error")
        status.set_class(kind == "done", "-done")
        status.display = bool(content)  # no blank line for an empty status at 80×24
