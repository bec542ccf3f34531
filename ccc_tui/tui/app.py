"""CccApp: owns the one shared client, the history store and the context; wiring only.

Start-up draws first: the home screen's first frame needs neither the client nor the history.
Given `connect` instead of a client, the app builds the client in a thread after the first frame
(the credential chain probes the OS keyring; the API layer and httpx load then); a search or a
call asked for meanwhile waits for it, and when no credentials turn up after all, the first-run
screen takes home's place. The history store opens in a thread after the first frame as well."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ccc_tui import __version__
from ccc_tui.calls.history import HistoryStore
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.context import AppContext, LaunchTarget
from ccc_tui.tui.first_frame import after_first_frame
from ccc_tui.tui.messages import (
    Connected,
    ConnectFailed,
    HistoryChanged,
    OpenCall,
    SessionBuilt,
    StoreOpened,
    WorkerFailed,
)
from ccc_tui.tui.palette import ContactProvider
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.terminal_watch import watch_terminal
from ccc_tui.tui.worker_errors import RoutesWorkerFailures

if TYPE_CHECKING:
    from ccc_tui.api.client import CccClient
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
        connect: Callable[[], CccClient] | None = None,
        startup: Callable[[], object] | None = None,
        settled: Callable[[], object] | None = None,
        big_call_shown: Callable[[], object] | None = None,
    ) -> None:
        """`connect` (when there is no `client`): builds the client, blocking (a thread runs it
        after the first frame); CccError when it cannot. `startup`: blocking set-up that can wait
        for the first frame (the log file), run in the same way. `settled`: called (in a thread)
        once start-up is over and the modules for opening a call are loaded. `big_call_shown`:
        called (on the UI thread) once a call of thousands of events has been painted."""
        super().__init__()
        # None until the first-run screen gets credentials or the demo (see use_session), or
        # until `connect` has built it (see use_client).
        self.client = client
        self._connect = connect if client is None else None
        self._startup = startup
        self._settled = settled
        self._big_call_shown = big_call_shown
        self._call_screen: CallScreen | None = None
        self.launch = launch or LaunchTarget()
        self.store = store
        self.context = context
        self.initial_contact = initial_contact
        # "Now" for the search screen's times ("10:40", "last 2h"); tests fix it.
        self.clock = clock

    @property
    def connecting(self) -> bool:
        """Whether the client is being built (the home screen is up, without it)."""
        return self.client is None and self._connect is not None

    def get_default_screen(self) -> AppScreen:
        """The bottom of the screen stack: home, or the first-run screen when no credentials can
        be expected. Textual's own empty default screen would be composed, styled and laid out
        under it for nothing, before the first frame."""
        screen: AppScreen
        if self.client is None and self._connect is None:
            from ccc_tui.tui.screens.first_run import FirstRunScreen

            screen = FirstRunScreen(self.context, self.launch)
        else:
            screen = self._home()
        # A new session switches this screen for another. `switch_screen` drops the result
        # callback `push_screen` gives a screen, which Textual's default screen lacks (Textual
        # issue #2650): give it the one a push would.
        screen._push_result_callback(self, None)
        return screen

    def on_mount(self) -> None:
        watch_terminal(self)  # a closed window or a dropped SSH link must not leave us spinning
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
        after_first_frame(self, self._after_first_frame)

    def _after_first_frame(self) -> None:
        # Not competing with the first frame: typing an id takes longer than this.
        self.start_up()
        if self.connecting:
            self.connect_client()
        if self.client is not None or self.connecting:
            # A contact named on the command line opens first (and loads all this itself).
            self.set_timer(1.0 if self.initial_contact else 0.2, self.warm_up)

    @work(thread=True, group="start-up", exit_on_error=False)
    def start_up(self) -> None:
        """What start-up leaves until after the first frame: the log file, the history store."""
        if self._startup is not None:
            self._startup()
        self.store.open()
        self.post_message(StoreOpened(self.store.notice))

    @on(StoreOpened)
    def say_store_notice(self, message: StoreOpened) -> None:
        if message.notice:
            self.notify(message.notice, title="History", severity="warning", timeout=15, markup=False)

    @work(thread=True, exclusive=True, group="connect", exit_on_error=False)
    def connect_client(self) -> None:
        """Build the client the app started without (the credential chain, the keyring)."""
        from ccc_tui.api.errors import CccError

        connect = self._connect
        assert connect is not None
        try:
            client = connect()
        except CccError as exc:
            self.post_message(ConnectFailed(exc))
            return
        self.post_message(Connected(client))

    @on(Connected)
    def use_client(self, message: Connected) -> None:
        """The client is there: home gets it, and what waited for it goes on."""
        if not self.connecting:
            # A session was built meanwhile (the settings, the first-run screen): that one stays.
            self.call_later(message.client.aclose)
            return
        self._connect = None
        self.client = message.client
        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                screen.use_client(message.client)
        self._open_initial_contact()

    @on(ConnectFailed)
    def connect_failed(self, message: ConnectFailed) -> None:
        """No client after all (the credentials the first frame counted on are not there): the
        first-run screen takes home's place and says why."""
        if not self.connecting:
            return
        self._connect = None
        from ccc_tui.tui.screens.first_run import FirstRunScreen

        self.go_home()
        self.switch_screen(FirstRunScreen(self.context, self.launch, error=message.error))

    @work(thread=True, group="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        """While the user types, load what opening a call needs, so the first one is quick."""
        import importlib

        for module in ("httpx", "ccc_tui.tui.screens.call", "ccc_tui.api.v2017", "ccc_tui.calls.phases"):
            importlib.import_module(module)
        if self._settled is not None:
            self._settled()

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        self.store.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Textual also runs RoutesWorkerFailures' handler (one per class of the MRO): the failure
        # itself is reported there.
        if event.worker.group == "connect" and event.state is WorkerState.ERROR:
            self._connect = None  # a bug, said by the error route; nothing waits for it any more

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
        if self.client is None:
            # Still connecting (or on the first-run screen): opened once there is a client.
            self.initial_contact = contact_id
            return
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
            screen = CallScreen(
                client=self.client,
                store=self.store,
                context=self.context,
                big_call_shown=self._big_call_shown,
            )
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
        """Back to the bottom of the stack: home (or the first-run screen in its place)."""
        while len(self.screen_stack) > 1:
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
        self._connect = None  # a client still being built for the launch is closed when it comes
        self.context = message.session.context
        self.go_home()
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
