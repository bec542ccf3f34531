"""First run: no usable credentials and no --demo. Explain the ways in instead of failing.

The four ways: log in here (the credentials part of Settings, secret into the keyring), the
standard environment variables, the aliyun CLI profile, or the built-in demo right away. Below
them, the credential chain's report: why each source gave nothing. `r` looks again (after
`aliyun configure` in another terminal, say) and `enter` continues when something was found.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from ccc_tui.api.errors import CccError, CredentialsError
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.credentials import ChainReport
from ccc_tui.profiles.session import (
    LaunchTarget,
    chain_report,
    demo_session,
    profile_session,
    shorten_home,
)
from ccc_tui.tui.first_frame import after_first_frame
from ccc_tui.tui.messages import SessionBuilt, SessionFailed
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.screens.settings import SettingsScreen
from ccc_tui.tui.widgets.error_panel import rejection_text

WAYS: tuple[tuple[str, str, str], ...] = (
    (
        "l",
        "Log in here",
        "type an AccessKey id and secret; ccc-tui checks them with one signed call and keeps the "
        "secret in the OS keyring, never in a file.",
    ),
    (
        "·",
        "Environment variables",
        "quit (q), export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus "
        "ALIBABA_CLOUD_SECURITY_TOKEN for STS), and start ccc-tui again.",
    ),
    (
        "·",
        "The aliyun CLI",
        "run `aliyun configure --mode AK` in another terminal, then press r here.",
    ),
    ("d", "Try the demo", "a built-in call center with sample calls; nothing to set up."),
)


# Home gave way to this screen: the key the profile counted on (most often one `login` stored in
# the OS keyring) was not there after all.
NO_KEY_AFTER_ALL = (
    "✗ Cannot continue yet: no source gave a usable AccessKey after all. Each one's reason is "
    "listed above."
)

_NO_KEYRING_LOGIN = (
    "needs a working OS keyring to keep the secret, and this host has none (no plaintext "
    "fallback, on purpose): use a way above, or start a keyring service and press r."
)


class FirstRunScreen(AppScreen):
    HELP_TITLE = "Welcome"

    DEFAULT_CSS = """
    FirstRunScreen { layout: vertical; }
    FirstRunScreen #first-run { height: 1fr; padding: 1 2 0 2; }
    FirstRunScreen #intro { height: auto; }
    FirstRunScreen #ways { height: auto; margin-top: 1; }
    FirstRunScreen #chain-title { text-style: bold; color: $accent; margin-top: 1; }
    FirstRunScreen #chain { height: auto; color: $foreground-muted; }
    FirstRunScreen #first-run-status { height: auto; margin-top: 1; }
    FirstRunScreen #first-run-status.-error { color: $error; }
    """

    BINDINGS = [
        Binding("l", "login", "Log in", show=True),
        Binding("d", "demo", "Demo", show=True),
        Binding("r", "recheck", "Re-check", show=True),
        Binding("enter", "continue", "Continue", show=True),
    ]

    @dataclass
    class ChainChecked(Message):
        report: ChainReport

    def __init__(
        self,
        context: AppContext,
        launch: LaunchTarget | None = None,
        *,
        error: CccError | None = None,
    ) -> None:
        """`error`: why the app's start-up could not build its client, said under the ways in."""
        super().__init__()
        self.context = context
        self.launch = launch or LaunchTarget()
        self.report: ChainReport | None = None
        self.busy = False
        self._error = error

    def compose(self) -> ComposeResult:
        from ccc_tui.tui.widgets.context_bar import ContextBar
        from ccc_tui.tui.widgets.key_bar import KeyBar

        yield ContextBar(self.context, "Welcome")
        with VerticalScroll(id="first-run"):
            yield Static(self._intro(None), id="intro")
            yield Static(self._ways(), id="ways")
            yield Static("Why nothing was found", id="chain-title")
            yield Static("Looking …", id="chain")
            yield Static("", id="first-run-status")
        yield KeyBar()

    def on_mount(self) -> None:
        # After the first frame: the chain probes the keyring, which costs more than the frame.
        after_first_frame(self, self.action_recheck)
        if isinstance(self._error, CredentialsError):
            # The chain's report above the status says the same, source by source: not twice.
            self._status(NO_KEY_AFTER_ALL, error=True)
        elif self._error is not None:
            self._status(rejection_text(self._error, None, "Cannot continue yet"), error=True)

    # ---- text ----------------------------------------------------------------------------------

    def _intro(self, report: ChainReport | None) -> Text:
        text = Text()
        if report is not None and report.credentials is not None:
            text.append("Credentials found: ", style="bold")
            text.append(shorten_home(safe_text(report.lines()[0], 200)))
            text.append(". Press enter to continue, or pick another way below.")
            return text
        profile = report.profile if report else self.launch.profile_name()
        text.append("No usable Alibaba Cloud credentials", style="bold")
        text.append(f" were found for profile {safe_text(profile, 64)}. ")
        text.append("ccc-tui reads your call center with an AccessKey; pick one way in:")
        return text

    def _ways(self, report: ChainReport | None = None) -> Table:
        """The ways in, what can work on this host first: with no working keyring, logging in
        here cannot store a secret, so it goes last and says why."""
        ways = list(WAYS)
        if report is not None and not report.keyring_usable:
            login = ways.pop(0)
            ways.append((login[0], login[1], _NO_KEYRING_LOGIN))
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(ratio=1)
        for key, title, words in ways:
            line = Text()
            line.append(title, style="bold")
            line.append(": " + words)
            grid.add_row(Text(key, style="bold reverse" if key != "·" else ""), line)
        return grid

    def _chain(self, report: ChainReport) -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(ratio=1)
        for step in report.steps:
            line = Text()
            line.append(step.label, style="bold")
            # Reasons carry file paths and env names, never secret values; still plain Text.
            line.append(": " + shorten_home(safe_text(step.reason, 300)))
            grid.add_row(Text("✓" if step.found else "✗"), line)
        return grid

    # ---- the chain -----------------------------------------------------------------------------

    def action_recheck(self) -> None:
        self.query_one("#chain", Static).update("Looking …")
        self.check_chain()

    @work(thread=True, exclusive=True, exit_on_error=False, group="chain")
    def check_chain(self) -> None:
        self.post_message(self.ChainChecked(chain_report(self.launch)))

    @on(ChainChecked)
    def chain_checked(self, message: ChainChecked) -> None:
        self.report = message.report
        found = message.report.credentials is not None
        self.query_one("#intro", Static).update(self._intro(message.report))
        self.query_one("#ways", Static).update(self._ways(message.report))
        self.query_one("#chain-title", Static).update(
            "The credential chain" if found else "Why nothing was found"
        )
        self.query_one("#chain", Static).update(self._chain(message.report))
        self.refresh_bindings()

    # ---- the ways ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":
            return self.report is not None and self.report.credentials is not None
        return True

    def action_login(self) -> None:
        self.app.push_screen(
            SettingsScreen(self.context, self.launch, connected=False, section="credentials")
        )

    def action_demo(self) -> None:
        if self.busy:
            return
        self.busy = True
        self._status("Starting the demo …")
        self.build_session(demo=True)

    def action_continue(self) -> None:
        if self.busy or self.report is None or self.report.credentials is None:
            return
        self.busy = True
        self._status("Connecting …")
        self.build_session(demo=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="session")
    def build_session(self, demo: bool) -> None:
        try:
            session = demo_session(self.context) if demo else profile_session(self.launch)
        except CccError as exc:
            self.post_message(SessionFailed(exc))
            return
        self.post_message(SessionBuilt(session))

    @on(SessionBuilt)
    def session_built(self, message: SessionBuilt) -> None:
        self.busy = False  # the message bubbles on to the app, which switches to the session

    @on(SessionFailed)
    def session_failed(self, message: SessionFailed) -> None:
        self.busy = False
        self._status(rejection_text(message.error, None, "Cannot continue yet"), error=True)

    def _status(self, content: str | Text, *, error: bool = False) -> None:
        status = self.query_one("#first-run-status", Static)
        status.update(content if isinstance(content, Text) else Text(content))
        status.set_class(error, "-error")
