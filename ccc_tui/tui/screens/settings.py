"""Settings: profiles, the selected profile's fields, credentials into the keyring, the doctor.

Left, the profiles of config.toml (the default one marked); right, one scrolling form of three
panels:
- the `ProfileForm`: the profile's fields, validated as typed, saved with ctrl+s;
- the `CredentialsPanel`: the AccessKey id (one of the profile's fields) and the secret, checked
  and stored in the OS keyring, then the key's instances to pick from;
- the `DoctorPanel`: the doctor's checks, run in a thread and shown row by row.
The two first share one `FieldState` (loaded values, current problems): the key id is validated,
counted as unsaved and saved with the other fields.

The screen coordinates: it knows the profiles, the file and the launch, loads a profile into the
panels and tells them what to check or save; they post what happened. Saving changes the file
only; the running session keeps its client until the user presses `u` (use this profile now),
which builds a new client and reopens the search screen. When the app has no client yet (first
run), a successful login does that by itself.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from ccc_tui.api.errors import CccError
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.config import (
    Config,
    config_path,
    delete_profile,
    load_config,
    save_profile,
    set_default_profile,
)
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.fields import PROFILE_FIELDS
from ccc_tui.profiles.keyring_store import KEYRING_SERVICE, delete_secret, keyring_username
from ccc_tui.profiles.session import LaunchTarget, profile_session, shorten_home
from ccc_tui.tui.messages import SessionBuilt, SessionFailed
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.screens.confirm import ConfirmScreen
from ccc_tui.tui.screens.profile_name import ProfileNameScreen
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.widgets.credentials_panel import CredentialsPanel
from ccc_tui.tui.widgets.doctor_panel import DoctorPanel
from ccc_tui.tui.widgets.error_panel import rejection_text
from ccc_tui.tui.widgets.field_row import FieldRows, FieldState
from ccc_tui.tui.widgets.key_bar import KeyBar
from ccc_tui.tui.widgets.profile_form import ProfileForm

# The letter bindings: they must not fire (nor show) while a text field has focus.
LETTER_ACTIONS = frozenset(
    {"new_profile", "delete_profile", "make_default", "run_checks", "use_profile"}
)


class SettingsForm(VerticalScroll, can_focus=False):
    """The scrolling form: tab goes straight to its first field, focus scrolls it into view."""


class SettingsScreen(AppScreen):
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
    /* What the panels share: section titles, field rows, buttons and status lines. */
    SettingsScreen .section-title { text-style: bold; color: $accent; margin-top: 1; }
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
    SettingsScreen .buttons Button { margin-right: 2; }
    SettingsScreen .status { height: auto; color: $foreground-muted; }
    SettingsScreen .status.-error { color: $error; }
    SettingsScreen .status.-done { color: $success; }
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
        self.fields = FieldState()  # the profile's fields, shown by the form and the credentials
        self._discard_armed = False

    def compose(self) -> ComposeResult:
        yield ContextBar(self.context, "Settings")
        with Horizontal(id="settings-body"):
            with Vertical(id="profiles-pane"):
                yield Static(Text("Profiles", style="bold"), classes="section-title")
                yield OptionList(id="profiles", compact=True)
                yield Static("n new · x delete\nm make default", id="profiles-keys")
            with SettingsForm(id="settings-form"):
                yield ProfileForm(self.fields, self.path, id="profile-form")
                credential_fields = (f for f in PROFILE_FIELDS if f.credential)
                yield CredentialsPanel(credential_fields, self.fields, self.path, id="credentials")
                yield DoctorPanel(id="doctor-panel")
        yield KeyBar()

    @property
    def form(self) -> ProfileForm:
        return self.query_one(ProfileForm)

    def on_mount(self) -> None:
        self.reload(select=None)
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
            self.form.set_status(rejection_text(self.config_error, None, title), "error")
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
        if self.fields.dirty:
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

    # ---- the profile's fields -----------------------------------------------------------------

    def load_profile(self, name: str) -> None:
        self.profile = name
        prof = self.config.profile(name) if self.config else None
        self.fields.load(prof.values() if prof else {})
        self._discard_armed = False
        is_new = self.config is None or name not in self.config.profiles
        self.form.show_profile(name, is_new=is_new)
        self.query_one(CredentialsPanel).show_profile(name, self.config)

    @on(FieldRows.Updated)
    def field_updated(self, message: FieldRows.Updated) -> None:
        self._discard_armed = False
        self.form.show_state()  # the key id row is in the credentials panel

    @on(Input.Submitted, ".field-row Input")
    def field_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "secret":
            self.action_check_key()
        else:
            self.focus_next()

    def action_save(self) -> None:
        if self.config_error is None:
            self.form.save()

    @on(ProfileForm.Refused)
    def save_refused(self, message: ProfileForm.Refused) -> None:
        self.query_one(f"#field-{message.key}").focus()

    @on(ProfileForm.Saved)
    def saved(self, message: ProfileForm.Saved) -> None:
        self.reload(select=message.profile)
        done = f"Saved profile {message.profile} to {shorten_home(str(message.config.path))}."
        if self.connected:
            note = (
                " The running session is unchanged: press u to use it now, or it applies "
                "on the next start."
            )
            self.form.set_status(done + note, "done")
        else:
            self.form.set_status(done, "done")
            self.build_session(message.profile, quiet=True)

    # ---- credentials ---------------------------------------------------------------------------

    @on(CredentialsPanel.KeyringChecked)
    def keyring_checked(self, message: CredentialsPanel.KeyringChecked) -> None:
        if message.first and self.section == "credentials":
            # The secret field exists now: bring the whole credentials part into view.
            if message.state.ok and self.fields.values()["access_key_id"]:
                self.query_one("#secret", Input).focus(scroll_visible=False)
            self.call_after_refresh(self._bring_into_view, "#credentials-title")

    def action_check_key(self) -> None:
        if self.config_error is None:
            self.query_one(CredentialsPanel).check_key()

    @on(CredentialsPanel.KeyStored)
    def key_stored(self, message: CredentialsPanel.KeyStored) -> None:
        panel = self.query_one(CredentialsPanel)
        self.reload(select=message.profile)
        words = (
            f"✓ Verified {message.masked_id} and stored its secret in the keyring "
            f"({message.backend}) as {KEYRING_SERVICE}/{keyring_username(message.profile)}; "
            f"the key id is in profile {message.profile}."
        )
        current = self.fields.values()["instance_id"]
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
            panel.offer_instances(instances, current)
            offered = True
        panel.set_status(Text(words), "done")
        if not self.connected and not offered:
            # First run: this key is all the app was waiting for (quiet: no instance id yet is
            # not an error here, the status above already says what to do).
            self.build_session(message.profile, quiet=True)

    @on(CredentialsPanel.InstancePicked)
    def instance_picked(self, message: CredentialsPanel.InstancePicked) -> None:
        self.choose_instance(message.instance_id)

    def choose_instance(self, instance_id: str, *, announce: bool = True) -> None:
        """Save the instance id into the profile (the rest of the form stays as typed)."""
        panel = self.query_one(CredentialsPanel)
        try:
            saved = save_profile(self.profile, {"instance_id": instance_id}, path=self.path)
        except CccError as exc:
            panel.set_status(rejection_text(exc, None, "Not saved"), "error")
            return
        self.config = saved
        self.form.set_saved("instance_id", instance_id)
        if announce:
            panel.hide_instances()
            panel.set_status(
                Text(f"✓ Instance {safe_text(instance_id, 64)} saved in profile {self.profile}."),
                "done",
            )
            if not self.connected:
                self.build_session(self.profile, quiet=True)

    # ---- using a profile now -------------------------------------------------------------------

    def action_use_profile(self) -> None:
        if self.fields.dirty:
            self.form.set_status("Save the changes first (ctrl+s), then press u.", "error")
            return
        self.form.set_status(f"Opening profile {self.profile} …", "")
        self.build_session(self.profile, quiet=False)

    @work(thread=True, exclusive=True, group="session", exit_on_error=False)
    def build_session(self, profile: str, quiet: bool) -> None:
        try:
            session = profile_session(self.launch, profile)
        except CccError as exc:
            if not quiet:
                self.post_message(SessionFailed(exc))
            return
        self.post_message(SessionBuilt(session))

    @on(SessionFailed)
    def session_failed(self, message: SessionFailed) -> None:
        self.form.set_status(rejection_text(message.error, None, "Cannot use it yet"), "error")

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
        if self.fields.dirty:
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
            self.form.set_status(rejection_text(exc, None, "Not created"), "error")
            return
        self.profile = name
        self.reload(select=name)
        self.form.set_status(
            f"Created profile {name}. Fill in its fields and press ctrl+s.",
            "done",
        )
        self.query_one("#field-instance_id", Input).focus()

    def action_delete_profile(self) -> None:
        if self.config is None or self.profile not in self.config.profiles:
            self.form.set_status("This profile is not in the file yet.", "")
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
            self.form.set_status(rejection_text(exc, None, "Not deleted"), "error")
            return
        note = ""
        if self.query_one(CredentialsPanel).keyring_ok:
            try:
                if delete_secret(name):
                    note = " Its keyring entry was removed too."
            except CccError as exc:
                note = f" Its keyring entry could not be removed: {exc.message}"
        self.profile = ""
        self.reload(select=None)
        self.form.set_status(Text(f"Deleted profile {name}.{note}"), "done")

    def action_make_default(self) -> None:
        if self.config is None or self.profile not in self.config.profiles:
            self.form.set_status("Save this profile first (ctrl+s).", "error")
            return
        try:
            set_default_profile(self.profile, path=self.path)
        except CccError as exc:
            self.form.set_status(rejection_text(exc, None, "Not changed"), "error")
            return
        self.reload(select=self.profile)
        self.form.set_status(
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
        if self.fields.dirty and not self._discard_armed:
            self._discard_armed = True
            self.form.set_status(
                "Unsaved changes: ctrl+s saves them; esc again leaves without saving.",
                "error",
            )
            return
        self.dismiss(None)

    def _bring_into_view(self, selector: str) -> None:
        self.query_one(selector).scroll_visible(top=True, animate=False)
