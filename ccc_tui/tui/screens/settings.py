"""Settings: profiles, the selected profile's fields, credentials into the keyring, the doctor.

Left, the `ProfilesList`: the profiles of config.toml (the default one marked), created, deleted
and made the default there; right, one scrolling form of three panels:
- the `ProfileForm`: the profile's fields, validated as typed, saved with ctrl+s;
- the `CredentialsPanel`: the AccessKey id (one of the profile's fields) and the secret, checked
  and stored in the OS keyring, then the key's instances to pick from (saved into the profile);
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

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input

from ccc_tui.api.errors import CccError
from ccc_tui.profiles.config import Config, config_path, load_config
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.fields import PROFILE_FIELDS
from ccc_tui.profiles.session import LaunchTarget, profile_session
from ccc_tui.tui.messages import SessionBuilt, SessionFailed
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.widgets.credentials_panel import CredentialsPanel
from ccc_tui.tui.widgets.doctor_panel import DoctorPanel
from ccc_tui.tui.widgets.error_panel import rejection_text
from ccc_tui.tui.widgets.field_row import FieldRows, FieldState
from ccc_tui.tui.widgets.key_bar import KeyBar
from ccc_tui.tui.widgets.profile_form import ProfileForm
from ccc_tui.tui.widgets.profiles_list import ProfilesList

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
    SettingsScreen #settings-form {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
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
        self.active_profile = ""
        self.fields = FieldState()  # the profile's fields, shown by the form and the credentials
        self._discard_armed = False

    def compose(self) -> ComposeResult:
        yield ContextBar(self.context, "Settings")
        with Horizontal(id="settings-body"):
            yield ProfilesList(self.fields, self.path, id="profiles-pane")
            with SettingsForm(id="settings-form"):
                yield ProfileForm(self.fields, self.path, id="profile-form")
                credential_fields = (f for f in PROFILE_FIELDS if f.credential)
                yield CredentialsPanel(
                    credential_fields,
                    self.fields,
                    self.path,
                    demo=self.context.demo,
                    id="credentials",
                )
                yield DoctorPanel(id="doctor-panel")
        yield KeyBar()

    @property
    def form(self) -> ProfileForm:
        return self.query_one(ProfileForm)

    @property
    def credentials(self) -> CredentialsPanel:
        return self.query_one(CredentialsPanel)

    @property
    def profiles(self) -> ProfilesList:
        return self.query_one(ProfilesList)

    @property
    def profile(self) -> str:
        """The profile the panels show."""
        return self.profiles.profile

    def on_mount(self) -> None:
        self.reload(select=None)
        if self.section == "credentials":
            self.query_one("#field-access_key_id", Input).focus(scroll_visible=False)
            self.call_after_refresh(self._bring_into_view, "#credentials-title")
        else:
            self.query_one("#profiles").focus()

    # ---- loading -------------------------------------------------------------------------------

    def reload(self, select: str | None) -> None:
        """Re-read the file, refill the list, and load `select` (default: the running profile)."""
        try:
            self.config = load_config(self.path)
            self.config_error = None
        except CccError as exc:
            self.config, self.config_error = None, exc
        self.active_profile = self.launch.profile_name(self.config)
        wanted = select or self.profile or self.active_profile
        usable = self.config_error is None
        wanted = self.profiles.show(self.config, self.active_profile, wanted, usable=usable)
        self.load_profile(wanted)
        if self.config_error is not None:
            title = "The config file cannot be used; fix it first (ccc-tui config show)."
            self.form.set_status(rejection_text(self.config_error, None, title), "error")
            self.query_one("#settings-form").disabled = True

    def load_profile(self, name: str) -> None:
        self.profiles.profile = name
        prof = self.config.profile(name) if self.config else None
        self.fields.load(prof.values() if prof else {})
        self._discard_armed = False
        is_new = self.config is None or name not in self.config.profiles
        self.form.show_profile(name, is_new=is_new)
        self.credentials.show_profile(name, self.config)

    # ---- the profiles --------------------------------------------------------------------------

    @on(ProfilesList.ProfileChosen)
    def profile_chosen(self, message: ProfilesList.ProfileChosen) -> None:
        self.load_profile(message.profile)

    @on(ProfilesList.ProfileCreated)
    def profile_created(self, message: ProfilesList.ProfileCreated) -> None:
        self.reload(select=message.profile)
        status = f"Created profile {message.profile}. Fill in its fields and press ctrl+s."
        self.form.set_status(status, "done")
        self.query_one("#field-instance_id", Input).focus()

    @on(ProfilesList.ProfileDeleted)
    def profile_deleted(self, message: ProfilesList.ProfileDeleted) -> None:
        note = self.credentials.forget_secret(message.profile)
        self.reload(select=None)
        self.form.set_status(Text(f"Deleted profile {message.profile}.{note}"), "done")

    @on(ProfilesList.DefaultChanged)
    def default_changed(self, message: ProfilesList.DefaultChanged) -> None:
        self.reload(select=message.profile)
        status = f"{message.profile} is now the default profile (from the next start)."
        self.form.set_status(status, "done")

    @on(ProfilesList.Note)
    def profiles_note(self, message: ProfilesList.Note) -> None:
        self.form.set_status(message.content, message.kind)

    def action_new_profile(self) -> None:
        self.profiles.new_profile()

    def action_delete_profile(self) -> None:
        self.profiles.delete_profile()

    def action_make_default(self) -> None:
        self.profiles.make_default()

    # ---- the profile's fields and credentials --------------------------------------------------

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
        self.reload(select=message.profile)  # before the form says where it went
        self.form.announce_saved(message, connected=self.connected)
        if not self.connected:
            self.build_session(message.profile, quiet=True)

    @on(CredentialsPanel.KeyringChecked)
    def keyring_checked(self, message: CredentialsPanel.KeyringChecked) -> None:
        if message.first and self.section == "credentials":
            # The secret field exists now: bring the whole credentials part into view.
            if message.state.ok and self.fields.values()["access_key_id"]:
                self.query_one("#secret", Input).focus(scroll_visible=False)
            self.call_after_refresh(self._bring_into_view, "#credentials-title")

    def action_check_key(self) -> None:
        if self.config_error is None:
            self.credentials.check_key()

    @on(CredentialsPanel.KeyStored)
    def key_stored(self, message: CredentialsPanel.KeyStored) -> None:
        self.reload(select=message.profile)  # before the panel says what follows
        offered = self.credentials.announce_stored(message)
        if not self.connected and not offered:
            # First run: this key is all the app was waiting for (quiet: no instance id yet is
            # not an error here, the panel's status already says what to do).
            self.build_session(message.profile, quiet=True)

    @on(CredentialsPanel.InstanceSaved)
    def instance_saved(self, message: CredentialsPanel.InstanceSaved) -> None:
        self.config = self.profiles.config = message.config
        self.form.set_saved("instance_id", message.instance_id)
        if message.picked and not self.connected:
            self.build_session(message.profile, quiet=True)

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
