"""The app's flows, driven with Pilot against the in-process emulator."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from textual.widgets import DataTable, Input, TextArea

from ccc_tui.calls.history import HistoryStore
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.showcase import SHOWCASE
from ccc_tui.tui.screens.call import CallScreen
from ccc_tui.tui.screens.copied import CopiedDialog
from ccc_tui.tui.screens.help import HelpScreen
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.widgets.error_panel import ErrorPanel
from ccc_tui.tui.widgets.event_detail import EventDetail
from ccc_tui.tui.widgets.history import HistoryTable
from ccc_tui.tui.widgets.phase_bar import PhaseBar
from ccc_tui.tui.widgets.recordings import RecordingsPane
from ccc_tui.tui.widgets.timeline import EventTimeline
from tests.apphelpers import INBOUND_TRANSFER, build_app, home_settled


async def wait_loaded(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await pilot.pause(0.05)


async def test_type_open_download_back_and_history(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, SearchScreen)
        assert isinstance(app.focused, Input)
        await pilot.press(*INBOUND_TRANSFER, "enter")
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        assert isinstance(app.focused, EventTimeline)
        assert screen.query_one(EventTimeline).row_count == len(screen.call.events)  # type: ignore[union-attr]
        pane = screen.query_one(RecordingsPane)
        assert len(pane.recordings) == 2
        pane.focus()
        await pilot.press("d")
        first = pane.recordings[0]
        await until(pilot, lambda: pane.saved_path(first.file_name) is not None)
        saved = pane.saved_path(first.file_name)
        assert saved is not None and saved.read_bytes().startswith(b"RIFF")
        assert saved.parent == tmp_path / "downloads"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        table = app.screen.query_one(HistoryTable)
        assert table.current is not None and table.current.contact_id == INBOUND_TRANSFER
    assert [e.contact_id for e in HistoryStore(tmp_path / "history.sqlite3").recent()] == [
        INBOUND_TRANSFER
    ]


async def test_invalid_input_is_explained_before_any_request(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"12/34", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        status = str(app.screen.query_one("#validation").render())
        # The home screen reads queries too: "12/34" is read as a date, and said not to be one.
        assert status.startswith("✗") and "12/34" in status and "not a date" in status
        assert app.client is not None and app.client.request_count == 0


async def test_pasted_id_with_spaces_and_newline_opens(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.screen.query_one("#contact-input", Input)
        field.insert_text_at_cursor(" 1096645650\n")
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, CallScreen)
        assert app.screen.contact_id == "1096645650"


async def test_history_enter_reopens_and_x_forgets(tmp_path: Path) -> None:
    app = build_app(tmp_path, history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await home_settled(pilot)
        await pilot.press("down")
        table = app.screen.query_one(HistoryTable)
        assert app.focused is table
        newest = table.current
        assert newest is not None
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, CallScreen) and app.screen.contact_id == newest.contact_id
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one(HistoryTable)
        table.focus()
        before = len(app.store.recent())
        await pilot.press("x")
        await pilot.pause()
        assert len(app.store.recent()) == before - 1


def notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


def copied(app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """What the open copy dialog says was sent, and the text it offers for selecting by hand."""
    assert isinstance(app.screen, CopiedDialog)
    field = app.screen.query_one(TextArea)
    assert field.read_only and app.focused is field
    return str(app.screen.query_one("#copied-what").render()), field.text


async def test_copy_id_and_json_show_what_was_sent(tmp_path: Path) -> None:
    # "Copied" was claimed even where the terminal (or tmux) dropped it: say it was sent, and
    # show the text where it can be selected by hand.
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_outbound"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "1096645650"
        what, text = copied(app)
        assert what == "Sent contact id 1096645650 to the terminal's clipboard."
        assert text == "1096645650"
        assert not any("Copied" in n for n in notes(app))
        await pilot.press("escape")
        assert isinstance(app.screen, CallScreen)
        await pilot.press("Y")
        await pilot.pause()
        payload = json.loads(app.clipboard)
        assert payload["contact_id"] == "1096645650"
        assert [e["event"] for e in payload["events"]] == ["Dial", "End", "Handle"]
        what, text = copied(app)
        assert text == app.clipboard
        assert f"the call as JSON ({len(text):,} characters)" in what
        await pilot.press("enter")
        assert isinstance(app.screen, CallScreen)


async def test_recording_keys_work_from_the_timeline(tmp_path: Path) -> None:
    # d, p and c did nothing unless the recordings pane had focus.
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen) and isinstance(app.focused, EventTimeline)
        pane = screen.query_one(RecordingsPane)
        (only,) = pane.recordings
        await pilot.press("c")
        await wait_loaded(pilot)
        what, url = copied(app)
        assert url == app.clipboard and url.startswith("http")
        assert what.startswith(f"Sent the signed download URL of {only.file_name}")
        await pilot.press("escape")
        await pilot.press("d")
        await until(pilot, lambda: pane.saved_path(only.file_name) is not None)
        assert app.focused is screen.query_one(EventTimeline)


async def test_recording_keys_say_why_they_cannot_act(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_outbound"])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert notes(app) == ["No recording for this call"]
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        pane = app.screen.query_one(RecordingsPane)
        assert len(pane.recordings) == 2
        await pilot.press("p")
        await pilot.pause()
        assert notes(app) == ["Select a recording first (tab to the recordings)"]
        assert all(pane.state_of(r.file_name) == "idle" for r in pane.recordings)
        # Picked in the pane, the keys act on that one from the timeline too.
        pane.focus()
        await pilot.press("j")
        app.screen.query_one(EventTimeline).focus()
        await pilot.press("d")
        second = pane.recordings[1].file_name
        await until(pilot, lambda: pane.saved_path(second) is not None)
        assert pane.state_of(pane.recordings[0].file_name) == "idle"


async def test_download_again_reuses_the_file_and_saved_is_remembered(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        pane = app.screen.query_one(RecordingsPane)
        name = pane.recordings[0].file_name
        await pilot.press("d")
        await until(pilot, lambda: pane.saved_path(name) is not None)
        first = pane.saved_path(name)
        assert first is not None
        pane.reset(name)
        await pilot.press("d")
        await until(pilot, lambda: pane.saved_path(name) is not None)
        await wait_loaded(pilot)
        assert pane.saved_path(name) == first
        assert notes(app)[-1] == f"Already saved at {first}"
        assert sorted(p.name for p in first.parent.iterdir()) == [first.name]
    # A new session: the pane remembers the file while it is there.
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        pane = app.screen.query_one(RecordingsPane)
        assert pane.state_of(name) == "saved" and pane.saved_path(name) == first
    first.unlink()
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.screen.query_one(RecordingsPane).state_of(name) == "idle"


async def test_export_writes_markdown_and_json(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
    markdown = (tmp_path / "downloads" / "call-2020927020.md").read_text(encoding="utf-8")
    assert markdown.startswith("## Call 2020927020")
    data = json.loads((tmp_path / "downloads" / "call-2020927020.json").read_text(encoding="utf-8"))
    assert data["recordings"][0]["agent_name"] == "小芳"


async def test_server_text_is_shown_literally_and_inert(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["hostile"])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot)
        timeline = app.screen.query_one(EventTimeline)
        lines = [timeline.render_line(y).text for y in range(timeline.size.height)]
        summary = str(app.screen.query_one("#summary").render())
        shown = "\n".join([*lines, summary])
        assert "[bold red]" in shown  # markup appears as typed, not as style
        assert not any(c in shown for c in "\x1b\x07\x00\x9b")


async def test_unknown_contact_says_so(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact="404404404")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        text = str(app.screen.query_one("#empty").render())
        assert "No events and no recordings for contact 404404404" in text
        assert app.store.recent() == []  # nothing worth remembering


async def test_errors_show_code_hint_and_request_id_and_refresh_recovers(tmp_path: Path) -> None:
    faults = Faults.parse("5xx=1")
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_outbound"], faults=faults)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        panel = app.screen.query_one(ErrorPanel)
        text = str(panel.render())
        assert not panel.has_class("-hidden")
        assert isinstance(app.screen, CallScreen) and app.screen.state == "failed"
        assert "ServiceUnavailable" in text or "InternalError" in text
        assert "Request id:" in text and "Hint:" in text
        faults.error_rate = 0
        await pilot.press("r")
        await wait_loaded(pilot)
        assert panel.has_class("-hidden")
        assert app.screen.query_one(EventTimeline).row_count == 3


async def test_filter_and_escape_order(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        timeline = app.screen.query_one(EventTimeline)
        total = timeline.row_count
        await pilot.press("slash", *"queue")
        await pilot.pause()
        assert 0 < timeline.row_count < total
        await pilot.press("enter")
        assert app.focused is timeline
        await pilot.press("escape")  # clears the filter first
        assert timeline.row_count == total
        assert isinstance(app.screen, CallScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)


async def test_detail_panel_on_a_narrow_terminal(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.detail_open
        assert not app.screen.query_one("#timeline-column").display
        await pilot.press("escape")
        assert isinstance(app.screen, CallScreen) and not app.screen.detail_open
        assert app.screen.query_one("#timeline-column").display
        assert isinstance(app.screen, CallScreen)


async def test_narrow_detail_steps_through_events_and_shows_the_raw_json(tmp_path: Path) -> None:
    # At 80x24 j/k did nothing in the open detail, and J added the raw JSON out of sight.
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        timeline = screen.query_one(EventTimeline)
        detail = screen.query_one(EventDetail)
        events = screen.call.events  # type: ignore[union-attr]
        await pilot.press("j", "enter")
        await pilot.pause()
        assert app.focused is detail and detail.event is events[1]
        await pilot.press("j", "j")
        await pilot.pause()
        assert detail.event is events[3] and timeline.cursor_row == 3
        await pilot.press("k")
        await pilot.pause()
        assert detail.event is events[2]
        await pilot.press("down", "up", "up")
        await pilot.pause()
        assert detail.event is events[1] and screen.detail_open
        await pilot.press("J")
        await pilot.pause()
        await pilot.pause()
        raw = detail.query_one("#event-detail-raw")
        assert detail.scroll_y > 0
        assert raw.region.y <= detail.region.y + 1  # its first line at the top of the panel
        await pilot.press("escape")
        assert not screen.detail_open and app.focused is timeline


async def test_raw_json_key_on_a_narrow_timeline_opens_the_detail(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        await pilot.press("j", "j", "J")
        await pilot.pause()
        await pilot.pause()
        detail = screen.query_one(EventDetail)
        assert screen.detail_open and detail.show_raw and app.focused is detail
        assert detail.event is screen.call.events[2]  # type: ignore[union-attr]
        assert detail.scroll_y > 0


async def test_help_lists_the_screens_keys(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_outbound"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", DataTable)
        rows = {
            str(table.get_row_at(i)[1]): str(table.get_row_at(i)[0]) for i in range(table.row_count)
        }
        assert rows["Refresh"] == "r"
        assert rows["Copy id"] == "y"
        assert rows["Export"] == "e"
        assert rows["Filter"] == "/"
        assert "q" in rows["Quit"]
        await pilot.press("escape")
        assert isinstance(app.screen, CallScreen)


async def test_ten_thousand_events_open_and_scroll(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["huge"])
    async with app.run_test(size=(100, 30)) as pilot:
        started = time.perf_counter()
        await wait_loaded(pilot)
        timeline = app.screen.query_one(EventTimeline)
        assert timeline.row_count == 10_000
        await pilot.press("G")
        await pilot.pause()
        assert timeline.cursor_row == 9_999
        await pilot.press("g")
        assert timeline.cursor_row == 0
        # Generous: a correctness guard against an accidental O(n) render, not a benchmark.
        assert time.perf_counter() - started < 20


def test_app_refuses_to_run_without_a_terminal() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ccc_tui", "--demo"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr
    assert "ccc-tui show" in result.stderr


async def test_palette_opens_a_typed_contact(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"1096645650")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, CallScreen)
        assert app.screen.contact_id == "1096645650"


async def test_palette_toggles_the_theme(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        dark = app.current_theme.dark
        app.action_toggle_dark()
        await pilot.pause()
        assert app.current_theme.dark is not dark


# ── the call screen's palette commands, run through the palette as a user would ────────────

CALL_COMMANDS = (
    "Copy contact id",
    "Copy call as JSON",
    "Export call",
    "Refresh call",
    "IVR track",
    "Download recording",
)


async def run_from_palette(pilot, title: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*title)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_loaded(pilot)


async def test_palette_toggles_the_ivr_track(tmp_path: Path) -> None:
    from ccc_tui.tui.widgets.ivr_track import IvrTrackPane

    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        pane = app.screen.query_one(IvrTrackPane)
        shown = pane.display
        await run_from_palette(pilot, "IVR track")
        assert pane.display is not shown


async def test_call_screen_palette_lists_every_tested_command(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        assert screen.query_one(RecordingsPane).selected is not None
        titles = tuple(command.title for command in screen.palette_commands())
        assert titles == CALL_COMMANDS  # a new command needs a case below


async def test_palette_copy_commands(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await run_from_palette(pilot, "Copy contact id")
        assert app.clipboard == "2020927020"
        assert copied(app)[1] == "2020927020"
        await pilot.press("escape")
        await run_from_palette(pilot, "Copy call as JSON")
        assert json.loads(app.clipboard)["contact_id"] == "2020927020"
        await pilot.press("escape")
        assert isinstance(app.screen, CallScreen)


async def test_palette_export_and_refresh(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await run_from_palette(pilot, "Export call")
        assert (tmp_path / "downloads" / "call-2020927020.md").exists()
        screen = app.screen
        assert isinstance(screen, CallScreen)
        before = screen.view
        await run_from_palette(pilot, "Refresh call")
        assert screen.state == "ready" and screen.view is not None and screen.view is not before
        assert app.screen is screen


async def test_palette_download_recording(tmp_path: Path) -> None:
    # It used to call the download worker with an argument it does not take and crash the app.
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        pane = app.screen.query_one(RecordingsPane)
        name = pane.recordings[0].file_name
        await run_from_palette(pilot, "Download recording")
        await until(pilot, lambda: pane.saved_path(name) is not None)
        saved = pane.saved_path(name)
        assert saved is not None and saved.read_bytes().startswith(b"RIFF")
        assert app.is_running and isinstance(app.screen, CallScreen)


async def test_call_screen_speaks_the_chosen_language(tmp_path: Path) -> None:
    # The phase legend stayed English while the timeline beside it was Chinese.
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER, language="zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        bar = app.screen.query_one(PhaseBar)
        assert "排队" in bar.legend() and "Queue" not in bar.legend()
        assert "通话" in bar.legend()


# ── the display zone: `z` and the palette cycle profile → local → UTC, in place ───────────────


def rendered(widget) -> str:  # type: ignore[no-untyped-def]
    return str(widget.render())


async def test_z_cycles_the_zone_on_every_part_without_fetching_again(tmp_path: Path) -> None:
    from datetime import UTC

    from ccc_tui.tui.widgets.call_summary import CallSummary
    from ccc_tui.tui.widgets.context_bar import ContextBar
    from ccc_tui.tui.widgets.event_detail import EventDetail
    from tests.apphelpers import ZONE

    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER, history=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen) and app.client is not None
        timeline = screen.query_one(EventTimeline)
        pane = screen.query_one(RecordingsPane)
        await pilot.press("j", "j")
        requests = app.client.request_count
        zones = []
        for _ in range(3):
            await pilot.press("z")
            await pilot.pause()
            zones.append(app.context.tz)
            view = screen.view
            assert view is not None and view.tz is app.context.tz and screen.context is app.context
            assert timeline.view is view and screen.query_one(CallSummary).view is view
            assert screen.query_one(PhaseBar)._view is view
            assert screen.query_one(EventDetail)._view is view
            assert pane._tz is view.tz
            assert app.context.zone_label in rendered(screen.query_one(ContextBar))
            assert view.zone_label() in str(screen.query_one(CallSummary).render())
        assert zones == [None, UTC, ZONE]  # local, UTC, then the profile's again
        assert app.client.request_count == requests  # re-rendered, not fetched again
        assert timeline.cursor_row == 2 and screen.query_one(EventDetail).event is timeline.selected_event
        await pilot.press("z", "z")  # UTC, and home shows the history in it too
        await pilot.press("escape")
        await home_settled(pilot)
        home = app.screen
        assert isinstance(home, SearchScreen) and home.context is app.context
        assert home.query_one(HistoryTable).tz is UTC
        assert "UTC" in rendered(home.query_one(ContextBar))
        await pilot.press("down", "z")  # from the history (in the search field z is a letter)
        await pilot.pause()
        assert home.query_one(HistoryTable).tz is ZONE and app.context.tz is ZONE
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is screen  # the same call screen, reused: its context followed
        assert screen.view is not None and screen.view.tz is ZONE


async def test_z_in_a_text_field_is_a_letter(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.query_one("#contact-input", Input).value == "z"
        assert app.context.tz is not None  # still the profile's zone


async def test_palette_switches_the_zone(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_recording"])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await run_from_palette(pilot, "Next time zone")
        screen = app.screen
        assert isinstance(screen, CallScreen) and app.context.tz is None
        assert screen.view is not None and screen.view.tz is None


# ── the header and the loading state say where the app is and what it waits for ─────────────


async def test_loading_says_what_it_loads_from_where(tmp_path: Path) -> None:
    from ccc_tui.emulator.constants import DEMO_INSTANCE_ID

    # Long enough that a loaded machine cannot finish the load before the first look.
    app = build_app(tmp_path, initial_contact="2020927020", faults=Faults.parse("latency=2500"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.state == "loading"
        text = screen.query_one("#loading-text")
        assert text.display and str(text.render()) == (
            f"Loading contact 2020927020 from instance {DEMO_INSTANCE_ID} (events and recordings)"
        )
        await wait_loaded(pilot)
        assert screen.state == "ready" and not text.display


async def test_the_header_shows_an_endpoint_override_until_it_must_give_way(
    tmp_path: Path,
) -> None:

    from ccc_tui.tui.widgets.context_bar import ContextBar

    app = build_app(tmp_path)
    app.context = app.context._replace(
        demo=False, label="prod · cn-shanghai", endpoint="http://127.0.0.1:8931"
    )
    async with app.run_test(size=(140, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(ContextBar)
        wide = str(bar.render())
        assert "via http://127.0.0.1:8931" in wide and app.context.instance_id in wide
        assert wide.endswith("Asia/Shanghai (UTC+08:00)")
        await pilot.resize_terminal(110, 24)
        await pilot.pause()
        narrow = str(bar.render())
        assert "via" not in narrow and app.context.instance_id in narrow  # the endpoint goes first
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert str(bar.render()).endswith(" · UTC+08:00")  # the zone stays, shortened
