"""The call: summary, phase bar, event timeline with a detail panel, and the recordings pane.

One exclusive worker fetches events and recordings concurrently and posts a typed message; every
failure goes through `show_failure`, which keeps the screen usable.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import ScreenResume
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, LoadingIndicator, Static

from ccc_tui.api.client import CccClient
from ccc_tui.api.errors import CccError
from ccc_tui.api.models import Call, IvrNode, Recording
from ccc_tui.calls.downloads import SavedRecording, download_recording
from ccc_tui.calls.export import call_to_dict, json_text
from ccc_tui.calls.export_files import export_call
from ccc_tui.calls.history import BUSY_WORDS, HistoryBusyError, HistoryStore
from ccc_tui.calls.players import describe_playing, explain_no_player, find_player, play
from ccc_tui.calls.record import call_ids_text
from ccc_tui.calls.view import CallView
from ccc_tui.profiles.config import downloads_dir
from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.messages import HistoryChanged
from ccc_tui.tui.screens.base import AppScreen
from ccc_tui.tui.screens.copied import CopiedDialog
from ccc_tui.tui.widgets.call_summary import CallSummary
from ccc_tui.tui.widgets.context_bar import ContextBar
from ccc_tui.tui.widgets.error_panel import ErrorPanel
from ccc_tui.tui.widgets.event_detail import EventDetail
from ccc_tui.tui.widgets.ivr_track import IvrTrackPane
from ccc_tui.tui.widgets.key_bar import KeyBar
from ccc_tui.tui.widgets.phase_bar import PhaseBar
from ccc_tui.tui.widgets.recordings import RecordingsPane
from ccc_tui.tui.widgets.timeline import EventTimeline

# A screen pushed while its reads are under way waits this long for them before its first frame:
# an answer within it (demo, a near server) is the first thing drawn. A "loading" state shown
# for less than a tenth of a second is a flash nobody reads; by then waiting is noticeable.
LOADING_HOLD_S = 0.1
WIDE = 110  # from this width the detail panel sits beside the timeline
# Shorter terminals than these give up the phase bar, then most of the summary, then all of it
# and part of the recordings pane: the timeline keeps a few rows at any height.
NO_PHASES_BELOW, COMPACT_BELOW, BARE_BELOW = 20, 16, 13
_NEEDS_A_CALL = frozenset(
    {
        "filter",
        "toggle_raw",
        "copy_json",
        "export",
        "download",
        "play",
        "copy_url",
        "toggle_ivr",
        "copy_call_ids",
    }
)


def as_ccc_error(exc: BaseException) -> CccError:
    if isinstance(exc, CccError):
        return exc
    return CccError(
        f"{type(exc).__name__}: {exc}",
        code="Unexpected",
        hint="This is a bug in ccc-tui; please report it.",
    )


def _styles_token(app: App[object]) -> tuple[int, str] | None:
    """What the app's styles depend on: Textual counts every change of its CSS (a theme, the
    terminal's colours) in `_css_update_count`. None when that is not known (never skip)."""
    count = getattr(app, "_css_update_count", None)
    return (count, app.theme) if isinstance(count, int) else None


@dataclass(frozen=True)
class LoadResult:
    contact_id: str
    call: Call | None
    events_error: CccError | None
    recordings_error: CccError | None
    ivr_nodes: tuple[IvrNode, ...] | None = None  # None: the instance could not say
    ivr_error: CccError | None = None


def load_result(contact_id: str, events: object, recordings: object, ivr: object) -> LoadResult:
    """The answers of the three reads (a value or the exception each ended with) as one result."""
    events_error = as_ccc_error(events) if isinstance(events, BaseException) else None
    recordings_error = as_ccc_error(recordings) if isinstance(recordings, BaseException) else None
    # The IVR track never fails the call: without it the pane says why and stays closed.
    nodes = ivr if isinstance(ivr, tuple) else None
    ivr_error = as_ccc_error(ivr) if isinstance(ivr, BaseException) else None
    call: Call | None = None
    if isinstance(events, Call):
        call = replace(
            events,
            recordings=recordings if isinstance(recordings, tuple) else (),
            ivr_nodes=nodes,
        )
    return LoadResult(contact_id, call, events_error, recordings_error, nodes, ivr_error)


# Events from which a call's objects are many enough (~50 per event) that a collection walking
# them takes longer than a frame.
BIG_CALL = 2_000


class CallScreen(AppScreen):
    HELP_TITLE = "Call"
    # Focus goes to the timeline once the call arrives; nothing hidden may take it before.
    AUTO_FOCUS = ""

    # Structure only. Which parts show is set per widget (`display`) by `_show`: toggling a class
    # on the screen would restyle every widget under it, which was most of the cost of opening.
    DEFAULT_CSS = """
    CallScreen { layout: vertical; }
    CallScreen #body { height: 1fr; }
    CallScreen #timeline-column { width: 1fr; }
    CallScreen #filter { margin: 0 1; }
    CallScreen EventTimeline { height: 1fr; }
    CallScreen EventDetail { width: 46%; margin-left: 1; }
    CallScreen RecordingsPane { height: auto; max-height: 9; }
    CallScreen IvrTrackPane { margin: 0; }
    CallScreen #empty { padding: 1 2; color: $foreground-muted; height: auto; }
    CallScreen #retry-hint { padding: 0 2; color: $foreground-muted; }
    CallScreen LoadingIndicator { height: 3; }
    CallScreen #loading-text { padding: 0 2; color: $foreground-muted; height: auto; text-align: center; }
    CallScreen ErrorPanel { margin: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", show=True),
        Binding("r", "refresh", "Refresh", show=True),
        Binding("slash", "filter", "Filter", show=True),
        Binding("y", "copy_id", "Copy id", show=True),
        Binding("Y", "copy_json", "Copy JSON", show=False),
        Binding("e", "export", "Export", show=True),
        Binding("J", "toggle_raw", "Raw JSON", show=False),
        # The recordings pane has the same keys; from the other panes they act on its `target`.
        Binding("d", "download", "Download recording", show=False),
        Binding("p", "play", "Play recording", show=False),
        Binding("c", "copy_url", "Copy recording URL", show=False),
        Binding("i", "toggle_ivr", "IVR track", show=False),
        Binding("S", "copy_call_ids", "Copy SIP Call-IDs", show=False),
        Binding("tab", "app.focus_next", "Next pane", show=False),
    ]

    @dataclass
    class Loaded(Message):
        result: LoadResult

    @dataclass
    class Exported(Message):
        path: Path | None  # the Markdown file; the JSON sits beside it
        error: str | None

    @dataclass
    class DownloadProgress(Message):
        file_name: str
        done: int
        total: int | None

    @dataclass
    class DownloadFinished(Message):
        contact_id: str
        recording: Recording
        saved: SavedRecording | None
        error: CccError | None

    @dataclass
    class SavedBefore(Message):
        """Recordings of the call saved in an earlier session and still on disk."""

        contact_id: str
        paths: dict[str, Path]

    def __init__(
        self,
        contact_id: str = "",
        *,
        client: CccClient,
        store: HistoryStore,
        context: AppContext,
        big_call_shown: Callable[[], object] | None = None,
    ) -> None:
        """`big_call_shown`: called once a call of at least BIG_CALL events has been painted."""
        super().__init__()
        self.contact_id = contact_id
        self._big_call_shown = big_call_shown
        self.client = client
        self.store = store
        self.context = context
        self.call: Call | None = None
        self.view: CallView | None = None  # the loaded call as every widget shows it
        self.state = "loading"
        self.detail_open = False
        self.filter_open = False
        self.ivr_open = False  # the IVR track pane: open by itself when the call ended in the IVR
        self._short = False  # a short terminal: the recordings pane is held lower
        self._reads: asyncio.Future[Any] | None = None
        # Done once the reads are answered: True when the answer was posted as Loaded.
        self._answered: asyncio.Future[bool] | None = None
        self._load_started = 0.0
        self._styled_with: tuple[int, str] | None = None
        self._parts: dict[str | type[Widget], Widget] = {}

    # ---- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ContextBar(self.context, f"Call {self.contact_id}")
        yield CallSummary(id="summary")
        yield PhaseBar(id="phases")
        yield ErrorPanel(classes="-hidden", id="error")
        yield LoadingIndicator()
        yield Static("", id="loading-text", markup=False)
        yield Static("", id="empty")
        yield Static("Press r to try again, esc to go back.", id="retry-hint")
        with Horizontal(id="body"):
            with Vertical(id="timeline-column"):
                yield Input(
                    placeholder="filter: text, or ivr / queue / agent — esc clears",
                    id="filter",
                    disabled=True,  # hidden until `/`; a disabled field cannot take focus
                )
                yield EventTimeline(id="timeline")
            yield EventDetail(id="detail")
        yield IvrTrackPane(id="ivr")
        yield RecordingsPane(id="recordings")
        yield KeyBar()

    def on_mount(self) -> None:
        self._show()
        if self.contact_id:
            self.action_refresh()

    def open(self, contact_id: str) -> None:
        """Show another call. The app keeps one CallScreen and reuses it: composing a screen
        costs more than the whole API round trip in demo mode."""
        self.contact_id = contact_id
        self.call = None
        self.view = None
        self.state = "loading"
        self.detail_open = False
        self.filter_open = False
        self.ivr_open = False
        if not self.is_mounted:
            return  # on_mount loads it
        field = self.query_one("#filter", Input)
        field.value = ""
        field.disabled = True
        self.query_one(EventTimeline).filter("")
        self.query_one(ContextBar).set_title(f"Call {contact_id}")
        self.action_refresh()

    def on_resize(self) -> None:
        self._show()

    @property
    def wide(self) -> bool:
        return self.app.size.width >= WIDE

    def _show(self) -> None:
        """Show the parts that fit the state: loading, ready, empty (unknown contact) or failed."""
        state = self.state
        ready = state == "ready"
        shown: dict[type[Widget], bool] = {
            CallSummary: ready,
            PhaseBar: ready,
            RecordingsPane: ready,
            LoadingIndicator: state == "loading",
        }
        for widget_type, visible in shown.items():
            self._part(widget_type).display = visible
        self._fit_height(ready)
        self._part("#body").display = ready
        ivr = self._part(IvrTrackPane)
        assert isinstance(ivr, IvrTrackPane)
        ivr.display = ready and self.ivr_open
        if ivr.display:
            ivr.catch_up()
        self._part("#empty").display = state == "empty"
        loading = self._part("#loading-text")
        assert isinstance(loading, Static)
        loading.display = state == "loading"
        if loading.display:
            loading.update(
                f"Loading contact {self.contact_id} from instance {self.context.instance_id} "
                "(events and recordings)"
            )
        self._part("#retry-hint").display = state == "failed"
        self._part("#filter").display = self.filter_open
        # The detail panel sits beside the timeline when wide, and replaces it when opened narrow.
        detail = self._part(EventDetail)
        detail.display = self.wide or self.detail_open
        detail.styles.width = "46%" if self.wide else "1fr"
        self._part("#timeline-column").display = self.wide or not self.detail_open

    def _fit_height(self, ready: bool) -> None:
        """On a short terminal the summary and the phase bar give way before the timeline."""
        height = self.app.size.height
        summary = self._part(CallSummary)
        assert isinstance(summary, CallSummary)
        summary.display = ready and height >= BARE_BELOW
        summary.set_compact(height < COMPACT_BELOW)
        self._part(PhaseBar).display = ready and height >= NO_PHASES_BELOW
        short = height < COMPACT_BELOW
        if short != self._short:
            self._short = short  # restyle only when it changes: opening a call stays cheap
            self._part(RecordingsPane).styles.max_height = 5 if short else None

    def _part(self, selector: str | type[Widget]) -> Widget:
        """A widget of the screen, looked up once: `_show` runs on every open and resize."""
        part = self._parts.get(selector)
        if part is None:
            part = self._parts[selector] = self.query_one(selector)
        return part

    # ---- loading ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.call is None:
            self.state = "loading"
            if self.is_current:
                self._show()
            # else the screen is about to be shown: its resume shows "loading" if still needed
        self.query_one(ErrorPanel).clear()
        # The reads start now, as tasks of their own: they are under way before the screen is
        # even shown, so its first frame and the server's latency overlap.
        contact_id = self.contact_id
        instance_id = self.context.instance_id
        reads = asyncio.gather(
            asyncio.ensure_future(self.client.get_call_events(contact_id, instance_id=instance_id)),
            asyncio.ensure_future(self.client.list_recordings(contact_id, instance_id=instance_id)),
            asyncio.ensure_future(self.client.list_ivr_nodes(contact_id, instance_id=instance_id)),
            return_exceptions=True,
        )
        if self._reads is not None:
            self._reads.cancel()  # the answer for the call shown before is not wanted
        self._reads = reads
        self._load_started = time.monotonic()
        self._answered = asyncio.get_running_loop().create_future()
        self.load(contact_id, reads, self._answered)

    @work(exclusive=True, group="load", exit_on_error=False)
    async def load(
        self,
        contact_id: str,
        reads: asyncio.Future[Any],
        answered: asyncio.Future[bool],
    ) -> None:
        posted = False
        try:
            events, recordings, ivr = await reads
            if isinstance(ivr, asyncio.CancelledError):
                raise ivr
            self.post_message(self.Loaded(load_result(contact_id, events, recordings, ivr)))
            posted = True
        finally:
            if not answered.done():
                answered.set_result(posted)

    async def on_screen_resume(self, event: ScreenResume) -> None:
        """Runs before Textual's own resume handler.

        Textual restyles every widget of a screen it shows again; that is skipped while nothing
        has changed the styles since. And a screen shown for a call whose reads are under way
        waits up to LOADING_HOLD_S for them, so that a quick answer is the first frame: a
        "loading" state that would stand for a few milliseconds is never drawn.
        """
        token = _styles_token(self.app)
        if token is not None and token == self._styled_with:
            event.refresh_styles = False
        self._styled_with = token
        answered = self._answered
        if answered is not None and not answered.done():
            hold = LOADING_HOLD_S - (time.monotonic() - self._load_started)
            if hold > 0:
                await asyncio.wait([answered], timeout=hold)
        if self.state == "loading" and not (
            answered is not None and answered.done() and answered.result()
        ):
            self._show()  # still waiting: say so (an answer posted is shown by show_result)

    @on(Loaded)
    def show_result(self, message: Loaded) -> None:
        result = message.result
        if result.contact_id != self.contact_id:
            return  # an answer for the call shown before this one
        panel = self.query_one(ErrorPanel)
        if result.events_error is not None:
            self.show_failure(result.events_error, "Could not load the call's events")
            if self.call is None:
                self.state = "failed"
                self._show()
                return
        elif result.recordings_error is not None:
            panel.show_error(result.recordings_error, title="Could not load the recordings")
        if result.call is None:
            return
        call = result.call
        self.call = call
        view = self.view = CallView.of(call, tz=self.context.tz, language=self.context.language)
        self.state = "empty" if call.is_empty else "ready"
        if call.is_empty:
            self._show()
            self.query_one("#empty", Static).update(
                f"No events and no recordings for contact {self.contact_id} in instance "
                f"{self.context.instance_id}. Check the ContactId and that it belongs to this "
                "instance (press r to retry, esc to go back)."
            )
            return
        self.query_one(CallSummary).set_view(view)
        self.query_one(PhaseBar).set_view(view)
        timeline = self.query_one(EventTimeline)
        timeline.set_view(view)
        self.query_one(RecordingsPane).set_view(view)
        self.query_one(EventDetail).set_view(view, timeline.selected_event)
        self._show_ivr(view, result)
        if not self.filter_open:
            timeline.focus()
        if call.recordings:
            self.find_saved(call.contact_id)
        self.remember_call(call, self.context.instance_id)
        if self._big_call_shown is not None and len(call.events) >= BIG_CALL:
            self.call_after_refresh(self._big_call_shown)

    def _show_ivr(self, view: CallView, result: LoadResult) -> None:
        pane = self.query_one(IvrTrackPane)
        note = ""
        if result.ivr_error is not None:
            note = f"The IVR track is not available: {result.ivr_error.code or 'error'}"
            note += f" — {result.ivr_error.message}" if result.ivr_error.message else ""
        elif result.ivr_nodes is None:
            note = "The IVR track is not available for this call."
        pane.set_track(view, result.ivr_nodes, note)
        self.ivr_open = self.ivr_open or pane.ended_in_ivr
        self._show()  # once, with every part set

    def action_toggle_ivr(self) -> None:
        pane = self.query_one(IvrTrackPane)
        self.ivr_open = not self.ivr_open
        self._show()
        if self.ivr_open:
            pane.focus()
        elif pane.has_focus_within:
            self.query_one(EventTimeline).focus()

    def action_copy_call_ids(self) -> None:
        text = call_ids_text(self.call) if self.call is not None else ""
        if not text:
            self.notify("The call record has no SIP Call-IDs", severity="warning", timeout=4)
            return
        count = len(text.splitlines())
        self.send_to_clipboard(
            f"{count} SIP Call-ID{'' if count == 1 else 's'} of contact {self.contact_id}", text
        )

    @work(thread=True, group="history-write", exit_on_error=False)
    def remember_call(self, call: Call, instance_id: str) -> None:
        """Write the call to the history in a thread (a big or locked file waits there, not the
        UI); home hears of it by HistoryChanged, so its list is right whenever the user returns."""
        try:
            self.store.record(call, instance_id)
        except HistoryBusyError:
            self._warn_from_thread(f"{BUSY_WORDS.capitalize()}; not saved: {call.contact_id}.")
            return
        except Exception as exc:  # the history is a convenience: never lose the screen over it
            self._warn_from_thread(f"Could not save to history: {exc}")
            return
        self.post_message(HistoryChanged(instance_id))

    def _warn_from_thread(self, text: str) -> None:
        self.app.call_from_thread(self.notify, text, severity="warning", markup=False)

    def use_context(self, context: AppContext) -> None:
        """Another display zone: every part re-renders the loaded call in place, nothing is
        fetched again, and the cursor, filter and download states stay."""
        super().use_context(context)
        if self.view is None or not self.is_mounted:
            return
        view = self.view = self.view.shown_in(tz=context.tz, language=context.language)
        timeline = self.query_one(EventTimeline)
        for part in (self.query_one(CallSummary), self.query_one(PhaseBar), timeline):
            part.set_view(view)
        self.query_one(RecordingsPane).set_view(view)
        self.query_one(EventDetail).set_view(view, timeline.selected_event)
        self.query_one(IvrTrackPane).set_view(view)

    def show_failure(self, error: CccError, title: str) -> None:
        self.query_one(ErrorPanel).show_error(error, title=title)
        self.notify(f"{error.code}: {error.hint or error.message}", severity="error", timeout=8, markup=False)

    # ---- timeline and detail ------------------------------------------------------------

    @on(EventTimeline.CursorMoved)
    def follow_cursor(self, message: EventTimeline.CursorMoved) -> None:
        if self.view is not None and message.event is not None:
            self.query_one(EventDetail).set_event(message.event)

    @on(EventDetail.Step)
    def step_event(self, message: EventDetail.Step) -> None:
        # The timeline owns the order (and the filter): the detail follows its cursor.
        timeline = self.query_one(EventTimeline)
        timeline.move_cursor(timeline.cursor_row + message.delta)

    @on(EventTimeline.EventSelected)
    def open_detail(self, message: EventTimeline.EventSelected) -> None:
        if self.view is None:
            return
        self.query_one(EventDetail).set_event(message.event)
        if not self.wide:
            self.detail_open = True
            self._show()
            self.query_one(EventDetail).focus()

    def action_toggle_raw(self) -> None:
        detail = self.query_one(EventDetail)
        if self.wide or self.detail_open:
            detail.action_toggle_raw()
            return
        # Narrow, on the timeline: the raw JSON would appear on a hidden panel. Open the panel
        # on the event under the cursor, with the raw JSON in view.
        detail.set_event(self.query_one(EventTimeline).selected_event)
        self.detail_open = True
        self._show()
        detail.focus()
        if detail.show_raw:
            detail.scroll_to_raw()
        else:
            detail.action_toggle_raw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Filtering and the call's own keys need a loaded call: on the loading, empty or failed
        # state they would focus hidden widgets and swallow the keys the screen asks for (r, esc).
        return not (action in _NEEDS_A_CALL and self.state != "ready")

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.disabled = False
        self.filter_open = True
        self._show()
        field.focus()

    @on(Input.Changed, "#filter")
    def apply_filter(self, event: Input.Changed) -> None:
        self.query_one(EventTimeline).filter(event.value)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one(EventTimeline).focus()

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        if field.has_focus or field.value:
            field.value = ""
            self.filter_open = False
            field.disabled = True
            self._show()
            self.query_one(EventTimeline).filter("")
            self.query_one(EventTimeline).focus()
            return
        if self.detail_open:
            self.detail_open = False
            self._show()
            self.query_one(EventTimeline).focus()
            return
        self.dismiss(None)

    # ---- copy and export ----------------------------------------------------------------

    def send_to_clipboard(self, what: str, text: str, *, note: str = "") -> None:
        """Send `text` to the terminal's clipboard, and show it where it can be selected by
        hand: whether the terminal took it, the app cannot know."""
        self.app.copy_to_clipboard(text)
        self.app.push_screen(CopiedDialog(what, text, note=note))

    def action_copy_id(self) -> None:
        self.send_to_clipboard(f"contact id {self.contact_id}", self.contact_id)

    def action_copy_json(self) -> None:
        if self.call is None:
            self.notify("Nothing to copy yet", severity="warning")
            return
        payload = json_text(call_to_dict(self.call), indent=2)
        self.send_to_clipboard(
            f"the call as JSON ({len(payload):,} characters)",
            payload,
            note="Too long to select? e exports it to a file.",
        )

    def download_dir(self) -> Path:
        return self.context.download_dir or downloads_dir(None)

    def action_export(self) -> None:
        if self.call is None:
            self.notify("Nothing to export yet", severity="warning")
            return
        self.export(self.call, self.download_dir())

    @work(thread=True, group="export", exit_on_error=False)
    def export(self, call: Call, directory: Path) -> None:
        # Files off the UI thread; a name of its own each time, so notes in an earlier export stay.
        try:
            markdown, _ = export_call(
                call, directory, tz=self.context.tz, language=self.context.language
            )
        except OSError as exc:
            self.post_message(self.Exported(None, exc.strerror or str(exc)))
            return
        self.post_message(self.Exported(markdown, None))

    @on(Exported)
    def show_export_result(self, message: Exported) -> None:
        if message.path is None:
            self.notify(f"Export failed: {message.error}", severity="error", markup=False)
        else:
            self.notify(f"Exported to {message.path} (and .json)", timeout=6, markup=False)

    # ---- recordings ---------------------------------------------------------------------

    def _pane_with_target(self) -> RecordingsPane | None:
        """The recordings pane when `d`, `p` or `c` have a recording to act on; else say why."""
        pane = self.query_one(RecordingsPane)
        if not pane.recordings:
            self.notify("No recording for this call", severity="warning", timeout=4)
            return None
        if pane.target is None:
            self.notify(
                "Select a recording first (tab to the recordings)", severity="warning", timeout=4
            )
            return None
        return pane

    def action_download(self) -> None:
        if (pane := self._pane_with_target()) is not None:
            pane.action_download()

    def action_play(self) -> None:
        if (pane := self._pane_with_target()) is not None:
            pane.action_play()

    def action_copy_url(self) -> None:
        if (pane := self._pane_with_target()) is not None:
            pane.action_copy_url()

    @on(RecordingsPane.DownloadRequested)
    def start_download(self, message: RecordingsPane.DownloadRequested) -> None:
        self.download(message.recording)

    @on(RecordingsPane.PlayRequested)
    def start_play(self, message: RecordingsPane.PlayRequested) -> None:
        # The pane asks to play only once the file is saved (it downloads first on its own).
        self.play_file(message.path)

    @work(group="downloads", exit_on_error=False)
    async def download(self, recording: Recording) -> None:
        contact_id = self.contact_id
        last_percent = -1

        def progress(done: int, total: int | None) -> None:
            nonlocal last_percent
            percent = int(done * 100 / total) if total else -1
            if percent != last_percent or total is None:
                last_percent = percent
                self.post_message(self.DownloadProgress(recording.file_name, done, total))

        try:
            saved = await download_recording(
                self.client, recording, self.download_dir(), progress=progress,
                max_mb=self.context.max_download_mb,
            )
        except CccError as exc:
            self.post_message(self.DownloadFinished(contact_id, recording, None, exc))
            return
        # Through the same queue as the progress messages, so it cannot be overtaken by them.
        self.post_message(self.DownloadFinished(contact_id, recording, saved, None))

    @on(DownloadProgress)
    def show_progress(self, message: DownloadProgress) -> None:
        self.query_one(RecordingsPane).set_progress(message.file_name, message.done, message.total)

    @on(DownloadFinished)
    def show_download_result(self, message: DownloadFinished) -> None:
        pane = self.query_one(RecordingsPane)
        name = message.recording.file_name
        if message.error is not None:
            pane.mark_failed(name, message.error.message, code=message.error.code)
            self.show_failure(message.error, f"Could not download {name}")
        elif message.saved is not None:
            path = message.saved.path
            pane.mark_saved(name, path)
            if message.saved.already_saved:
                self.notify(f"Already saved at {path}", timeout=6, markup=False)
            else:
                self.notify(f"Saved {path}", timeout=6, markup=False)
            self.remember_download(message.contact_id, name, path)

    @work(thread=True, group="saved", exit_on_error=False)
    def remember_download(self, contact_id: str, file_name: str, path: Path) -> None:
        """Record the saved file, so the pane can say "saved" in a later session."""
        try:
            self.store.record_download(self.context.instance_id, contact_id, file_name, path)
        except HistoryBusyError:
            self._warn_from_thread(f"{BUSY_WORDS.capitalize()}; the file is saved, not noted.")
        except Exception as exc:  # a convenience, like the history: never lose the screen
            self._warn_from_thread(f"Could not remember the download: {exc}")

    @work(thread=True, group="saved", exit_on_error=False)
    def find_saved(self, contact_id: str) -> None:
        """Recordings of this call saved before (in any session) whose files are still there."""
        try:
            known = self.store.downloads(contact_id, self.context.instance_id)
            present = {name: path for name, path in known.items() if path.is_file()}
        except HistoryBusyError:
            return  # "saved" marks are a convenience; the files are where they were
        except Exception as exc:
            self._warn_from_thread(f"Could not read the saved downloads: {exc}")
            return
        if present:
            self.post_message(self.SavedBefore(contact_id, present))

    @on(SavedBefore)
    def show_saved_before(self, message: SavedBefore) -> None:
        if message.contact_id != self.contact_id:
            return
        pane = self.query_one(RecordingsPane)
        for name, path in message.paths.items():
            if pane.state_of(name) == "idle":  # a download started meanwhile knows better
                pane.mark_saved(name, path)

    @work(group="player", exit_on_error=False)
    async def play_file(self, path: Path) -> None:
        player = find_player()
        if player is None:
            self.notify(explain_no_player(saved_to=path), severity="warning", timeout=10, markup=False)
            return
        try:
            await play(player, path)
        except CccError as exc:
            self.show_failure(exc, f"{player.name} could not start")
            return
        self.notify(describe_playing(player, path), timeout=5, markup=False)

    @on(RecordingsPane.CopyUrlRequested)
    def copy_url(self, message: RecordingsPane.CopyUrlRequested) -> None:
        self.fetch_url(message.recording)

    @work(group="links", exit_on_error=False)
    async def fetch_url(self, recording: Recording) -> None:
        try:
            link = await self.client.get_download_link(
                recording.file_name, instance_id=self.context.instance_id
            )
        except CccError as exc:
            self.show_failure(exc, "Could not get the download URL")
            return
        self.send_to_clipboard(
            f"the signed download URL of {recording.file_name} (valid for one hour)", link.url
        )

    # ---- palette ------------------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Copy contact id", "Copy this call's ContactId", self.action_copy_id)
        yield SystemCommand(
            "Copy call as JSON", "The call, events and recordings as JSON", self.action_copy_json
        )
        yield SystemCommand(
            "Export call", "Write Markdown and JSON to the download directory", self.action_export
        )
        yield SystemCommand(
            "Refresh call", "Fetch events and recordings again", self.action_refresh
        )
        yield SystemCommand(
            "IVR track", "Show or hide the IVR nodes the call passed", self.action_toggle_ivr
        )
        if self.call is not None and self.call.record is not None and self.call.record.call_ids:
            yield SystemCommand(
                "Copy SIP Call-IDs",
                "The call's SIP Call-IDs, for a carrier ticket",
                self.action_copy_call_ids,
            )
        pane = self.query_one(RecordingsPane)
        if pane.selected is not None:
            # Through the pane, as the `d` key does: it refuses a second download of one file
            # and shows the progress.
            yield SystemCommand(
                "Download recording", "Download the selected recording", pane.action_download
            )
