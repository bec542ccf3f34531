"""Opening a call again on the reused call screen: what is drawn, and what is not redone."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.visual import Visual, visualize

from ccc_tui.calls.text import safe_text
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.showcase import SHOWCASE
from ccc_tui.tui.screens.call import LOADING_HOLD_S, CallScreen
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.widgets.event_detail import EventDetail, FieldGrid, grid_lines
from ccc_tui.tui.widgets.ivr_track import IvrTrackPane
from tests.apphelpers import INBOUND_TRANSFER, build_app
from tests.test_app import until, wait_loaded


async def _back_home(pilot: Any) -> None:
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(pilot.app.screen, SearchScreen))


def _spy_frames(app: Any) -> list[tuple[str, str]]:
    """(screen class, its state) for every frame the app draws from now on."""
    frames: list[tuple[str, str]] = []
    display = app._display

    def displayed(screen: Any, renderable: Any) -> None:
        frames.append((type(screen).__name__, getattr(screen, "state", "")))
        display(screen, renderable)

    app._display = displayed
    return frames


async def test_a_quick_answer_is_the_first_frame_of_the_call(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_outbound"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        await _back_home(pilot)
        frames = _spy_frames(app)
        app.open_call(INBOUND_TRANSFER)
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.state == "ready"
        assert screen.call is not None and screen.call.contact_id == INBOUND_TRANSFER
        calls = [state for name, state in frames if name == "CallScreen"]
        assert calls and "loading" not in calls  # no "loading" frame before the call


async def test_the_reads_start_before_the_screen_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_outbound"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        await _back_home(pilot)
        assert app.client is not None
        started: list[str] = []
        events = app.client.get_call_events

        async def noted(*args: Any, **kwargs: Any) -> Any:
            started.append("events")
            return await events(*args, **kwargs)

        app.client.get_call_events = noted  # type: ignore[method-assign]
        resumed: list[list[str]] = []
        resume = CallScreen.on_screen_resume

        async def noting_resume(screen: CallScreen, event: Any) -> None:
            resumed.append(list(started))
            await resume(screen, event)

        monkeypatch.setattr(CallScreen, "on_screen_resume", noting_resume)
        app.open_call(INBOUND_TRANSFER)
        await wait_loaded(pilot)
        assert resumed == [["events"]]  # under way when the screen came up


async def test_a_slow_answer_still_shows_loading_soon(tmp_path: Path) -> None:
    faults = Faults()
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_outbound"], faults=faults)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await _back_home(pilot)
        faults.latency_ms = 3000
        app.open_call(INBOUND_TRANSFER)
        await pilot.pause(LOADING_HOLD_S + 0.3)
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.state == "loading"
        assert screen.query_one("#loading-text").display
        assert not screen.query_one("#body").display  # not the call opened before
        faults.latency_ms = 0
        await wait_loaded(pilot)
        assert screen.state == "ready" and screen.call is not None
        assert screen.call.contact_id == INBOUND_TRANSFER


async def test_a_reopened_screen_is_restyled_only_after_a_style_change(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=SHOWCASE["seed_outbound"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        await _back_home(pilot)
        restyled: list[object] = []
        update_styles = app.update_styles

        def spy(node: Any, animate: bool = True) -> None:
            restyled.append(node)
            update_styles(node, animate=animate)

        app.update_styles = spy  # type: ignore[method-assign]
        app.open_call(INBOUND_TRANSFER)
        await wait_loaded(pilot)
        assert screen not in restyled  # nothing changed: no restyle of every widget
        await _back_home(pilot)
        before = screen.styles.background
        app.theme = "textual-light" if app.current_theme.dark else "textual-dark"
        await pilot.pause()
        app.open_call(SHOWCASE["seed_recording"])
        await wait_loaded(pilot)
        assert screen in restyled and screen.styles.background != before


async def test_the_hidden_ivr_pane_is_filled_when_shown(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        pane = screen.query_one(IvrTrackPane)
        assert not pane.display and pane.steps
        await pilot.press("i")
        await pilot.pause()
        assert pane.display
        table = pane._table
        assert table.row_count == len(pane.steps)


# ── the detail's fields: drawn as the Rich grid drew them ──────────────────────────────────


_PIECES = (
    "a", "word", " ", "  ", "主菜单", "李娜", "😀", "👍🏽", "e\u0301", "x" * 37, "—", "\u200b",
    "https://example.com/a/very/long/path?with=query&and=more", "ｆｕｌｌ", "\t", "한국어", "tail ",
)  # fmt: skip


async def test_the_fields_are_drawn_as_the_rich_grid_draws_them(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        detail = app.screen.query_one(EventDetail)
        grid = detail.query_one(FieldGrid)
        # Styles of their own, so a segment in the wrong style shows.
        detail.field_styles = lambda: (Style(color="red", italic=True), Style(color="blue"))  # type: ignore[method-assign]
        key_style, empty_style = detail.field_styles()
        base = grid.visual_style.rich_style
        rnd = random.Random(7)
        drawn = 0
        for _ in range(400):
            rows = [
                (
                    safe_text("".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 3))), 40),
                    safe_text("".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 12)))),
                )
                for _ in range(rnd.randint(1, 6))
            ]
            width = rnd.randint(5, 90)
            rich = Visual.to_strips(
                grid, visualize(grid, detail.fields_renderable(rows)), width, None, grid.visual_style
            )
            lines = grid_lines(app.console, rows, width, base + key_style, base + empty_style, base)
            if lines is None:  # the names leave no room: the grid itself draws them
                continue
            drawn += 1
            assert [list(strip) for strip in lines] == [list(strip) for strip in rich], (rows, width)
        assert drawn > 200


async def test_the_detail_shows_the_event_under_the_cursor(tmp_path: Path) -> None:
    app = build_app(tmp_path, initial_contact=INBOUND_TRANSFER)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        grid = app.screen.query_one(FieldGrid)
        text = "\n".join(strip.text for strip in grid.render_lines(grid.region.reset_offset))
        assert text.startswith("Time ") and "Event " in text
        await pilot.press("j")
        await pilot.pause()
        after = "\n".join(strip.text for strip in grid.render_lines(grid.region.reset_offset))
        assert after != text
        await asyncio.sleep(0)


async def test_a_big_call_once_painted_hands_its_objects_to_the_collector(tmp_path: Path) -> None:
    """The launch collects once a call of thousands of events is painted (not in mid-scroll);
    an ordinary call costs a collection little and is left alone."""
    shown: list[str] = []
    app = build_app(tmp_path, big_call_shown=lambda: shown.append(app.screen.contact_id))
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_call(INBOUND_TRANSFER)
        await wait_loaded(pilot)
        await pilot.pause()
        assert shown == []
        await _back_home(pilot)
        app.open_call(SHOWCASE["huge"])
        await wait_loaded(pilot)
        await until(pilot, lambda: bool(shown))
        assert shown == [SHOWCASE["huge"]]
