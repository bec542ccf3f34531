"""CccApp: owns the one shared client, the history store and the context; wiring only."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ccc_tui import __version__
from ccc_tui.api.client import CccClient
from ccc_tui.calls.history import HistoryStore
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.context import AppContext
from ccc_tui.profiles.session import LaunchTarget
from ccc_tui.tui.messages import HistoryChanged, OpenCall, SessionBuilt, WorkerFailed
from ccc_tui.tui.palette import ContactProvider
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.terminal_watch import watch_terminal
from ccc_tui.tui.worker_errors import RoutesWorkerFailures

if TYPE_CHECKING:
    from ccc_tui.tui.screens.call import CallScreen


log = logging.getLogger(__name__)


class CccApp(RoutesWorkerFailures, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "ccc-tui"
    ENABLE_COMMAND_PALETTE = True

    COMMANDS = App.COMMANDS | {ContactProvider}

    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", show=True),
        Binding("q", "quit", "Quit", show=True),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        # f2, not ctrl+comma: terminals send no code for ctrl+, without the kitty keyboard
        # protocol, and tmux/screen over SSH drop it; F2 arrives everywhere.
        Binding("f2", "settings", "Settings", show=False),
        # The display zone: the profile's (the instance's region's by default), this machine's, UTC.
        Binding("z", "cycle_zone", "Time zone", show=False),
        # Back to the shell like any terminal program (fg returns); Textual ignores it where the
        # platform cannot suspend.
        Binding("ctrl+z", "suspend_process", "Suspend", show=False),
    ]

    def __init__(
        self,
        *,
        client: CccClient | None,
        store: HistoryStore,
        context: AppContext,
        initial_contact: str | None = None,
        launch: LaunchTarget | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        # None until the first-run screen gets credentials or the demo (see use_session).
        self.client = client
        self._call_screen: CallScreen | None = None
        self.launch = launch or LaunchTarget()
        self.store = store
        self.context = context
        self.initial_contact = initial_contact
        # "Now" for the search screen's times ("10:40", "last 2h"); tests fix it.
        self.clock = clock

    def on_mount(self) -> None:
        watch_terminal(self)  # a closed window or a dropped SSH link must not leave us spinning
        if self.store.notice:
            self.notify(self.store.notice, title="History", severity="warning", timeout=15, markup=False)
        if self.client is None:
            from ccc_tui.tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(self.context, self.launch))
            return
        self.push_screen(self._home())
        self._open_initial_contact()

    def _home(self) -> SearchScreen:
        return SearchScreen(self.context, self.store, client=self.client, clock=self.clock)

    def _open_initial_contact(self) -> None:
        """The contact named on the command line, once there is a client to ask (at start, or
        after the first-run screen found credentials or started the demo)."""
        if self.initial_contact and self.client is not None:
            contact, self.initial_contact = self.initial_contact, None
            self.open_call(contact)

    def on_ready(self) -> None:
        # After the first frame, not competing with it: typing an id takes longer than this.
        if self.client is not None and not self.initial_contact:
            self.set_timer(0.2, self.warm_up)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        """While the user types, load what opening a call needs, so the first one is quick."""
        import importlib

        for module in ("httpx", "ccc_tui.tui.screens.call", "ccc_tui.api.v2017", "ccc_tui.calls.phases"):
            importlib.import_module(module)

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        self.store.close()

    # ---- the one error route for workers ----

    @on(WorkerFailed)
    def report_worker_failure(self, message: WorkerFailed) -> None:
        """A bug, not a CCC error: say so and what to report; the session goes on."""
        error = message.error
        log.error("worker %s failed", message.worker, exc_info=error)
        self.notify(
            f"{type(error).__name__} in {message.worker}: {safe_text(error, 200)}. This is a bug "
            f"in ccc-tui {__version__}; please report it with these words and what you did just "
            "before. The app goes on.",
            title="Something went wrong",
            severity="error",
            timeout=15,
            markup=False,
        )

    @on(OpenCall)
    def handle_open_call(self, message: OpenCall) -> None:
        self.open_call(message.contact_id)

    def open_call(self, contact_id: str) -> None:
        from ccc_tui.tui.screens.call import CallScreen

        # One call screen, reused: composing a screen costs more than fetching a call.
        screen = self._call_screen
        if screen is not None and (screen.client, screen.context) != (self.client, self.context):
            # The session changed (demo <-> a real instance): start afresh.
            if screen not in self.screen_stack:
                self.uninstall_screen(screen)
            screen = None
        if screen is None:
            assert self.client is not None
            screen = CallScreen(client=self.client, store=self.store, context=self.context)
            self.install_screen(screen, name=f"call-{id(screen)}")
            self._call_screen = screen
        screen.open(contact_id)
        if self.screen is not screen:
            self.push_screen(screen)

    @on(HistoryChanged)
    def reload_home_history(self, message: HistoryChanged) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen) and screen.context.instance_id == message.instance_id:
                screen.reload_history()

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    # ---- settings and sessions (first run, switching profiles) ----

    def action_settings(self) -> None:
        from ccc_tui.tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            connected = self.client is not None
            self.push_screen(SettingsScreen(self.context, self.launch, connected=connected))

    @on(SessionBuilt)
    def use_session(self, message: SessionBuilt) -> None:
        """Run on a new client from now on: back to a fresh search screen, the old client closed."""
        old, self.client = self.client, message.session.client
        self.context = message.session.context
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(self._home())
        self._open_initial_contact()
        if old is not None:
            self.call_later(old.aclose)

    # ---- end settings and sessions ----

    def action_cycle_zone(self) -> None:
        """Show times in the next zone (profile → local → UTC) on every screen, in place."""
        self.context = self.context.with_next_zone()
        screens = [*self.screen_stack, self._call_screen]
        for screen in dict.fromkeys(screens):  # the call screen may be in the stack too
            if isinstance(screen, AppScreen):
                screen.use_context(self.context)
        self.notify(f"Times in {self.context.zone_label} (z: next zone)", timeout=3, markup=False)

    def action_help(self) -> None:
        from ccc_tui.tui.screens.help import HelpScreen  # on demand: not on the start-up path

        if isinstance(self.screen, HelpScreen):
            return
        title = getattr(self.screen, "HELP_TITLE", "This screen")
        self.push_screen(HelpScreen(self.screen, title))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Toggle light/dark", "Switch between the light and dark theme", self.action_toggle_dark
        )
        yield SystemCommand("Go home", "Back to the search screen and history", self.go_home)
        yield SystemCommand("Help", "Show the keys of this screen", self.action_help)
        yield SystemCommand(
            "Settings", "Profiles, credentials and checks (f2)", self.action_settings
        )
        yield SystemCommand(
            "Next time zone",
            f"Times now in {self.context.zone_label}; next of profile → local → UTC (z)",
            self.action_cycle_zone,
        )
        commands = getattr(screen, "palette_commands", None)
        if callable(commands):
            yield from commands()
