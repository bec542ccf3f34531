"""The search screen's flows against the demo emulator: a query, its rows, the call and back,
narrowing, the order, the summary and its filters, recent queries, the form, missing parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Checkbox, Input, Select, Static

from ccc_tui.calls.outcome import OutcomeKind
from ccc_tui.calls.zone import to_local
from ccc_tui.emulator.showcase import INCIDENT, incident_window
from ccc_tui.tui.screens.call import CallScreen
from ccc_tui.tui.screens.search import SearchScreen
from ccc_tui.tui.widgets.impact_panel import ImpactPanel
from ccc_tui.tui.widgets.results import ResultsList
from tests.apphelpers import ANCHOR, ZONE, FailAfter, build_app


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def searched(pilot: Any, text: str) -> SearchScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    screen.field.value = text
    await pilot.press("enter")
    await settle(pilot)
    return screen


def progress(screen: SearchScreen) -> str:
    return str(screen.query_one("#progress", Static).render())


async def test_a_query_is_said_as_understood_before_it_is_sent(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"yesterday 10:40 abandoned")
        await pilot.pause()
        status = str(app.screen.query_one("#validation", Static).render())
        assert status == "yesterday 10:25–10:55 CST · abandoned"
        assert app.client is not None and app.client.request_count == 0


async def test_results_arrive_newest_first_with_the_count(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        results = screen.query_one(ResultsList)
        assert results.row_count == 254
        assert progress(screen).startswith("254 of 254 · yesterday 00:00–24:00 CST · newest first")
        starts = [row.record.start for row in results.shown]
        assert starts == sorted(starts, reverse=True)  # type: ignore[type-var]
        assert results.has_focus  # enter opens the first row at once


async def test_enter_opens_the_call_and_esc_comes_back_to_the_same_row(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        results = screen.query_one(ResultsList)
        await pilot.press("j", "j", "j")
        chosen = results.current
        assert chosen is not None and results.cursor_row == 3
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        assert app.screen.contact_id == chosen.contact_id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert results.cursor_row == 3 and results.current == chosen
        assert results.has_focus


async def test_slash_narrows_the_loaded_rows_and_esc_brings_them_back(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        results = screen.query_one(ResultsList)
        requests = app.client.request_count if app.client else 0
        await pilot.press("slash", *"Kevin Wang")
        await pilot.pause()
        assert 0 < results.row_count < 254
        assert all("Kevin Wang" in row.record.agent_names for row in results.shown)
        assert "“kevin wang”" in progress(screen)
        assert app.client is not None and app.client.request_count == requests  # no new search
        await pilot.press("escape")
        await pilot.pause()
        assert results.row_count == 254 and results.has_focus


async def test_o_flips_the_order_and_keeps_the_row(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        results = screen.query_one(ResultsList)
        await pilot.press("j")
        kept = results.current
        await pilot.press("o")
        await pilot.pause()
        starts = [row.record.start for row in results.shown]
        assert starts == sorted(starts)  # type: ignore[type-var]
        assert results.current == kept
        assert "oldest first" in progress(screen)


async def test_letters_typed_in_the_query_are_text_not_keys(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        screen.field.focus()
        await pilot.press("end", *" so rh")
        await pilot.pause()
        assert screen.field.value == "yesterday so rh"
        assert not screen.query_one(ResultsList).flipped
        assert not screen.query_one(ImpactPanel).display


async def test_the_incident_shows_in_the_summary_and_a_bucket_filters_the_rows(
    tmp_path: Path,
) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, f"yesterday {INCIDENT.skill_group}")
        await pilot.press("s")
        await pilot.pause()
        panel = screen.query_one(ImpactPanel)
        assert panel.display and panel.has_focus and panel.impact is not None
        impact = panel.impact
        # Most of the queue's calls were lost in the queue, and the busiest hour is the incident's.
        assert impact.by_outcome[0][0] == OutcomeKind.ABANDONED_IN_QUEUE.value
        start, _ = incident_window(ANCHOR)
        bucket = panel.bucket
        assert bucket is not None
        assert to_local(bucket.start, ZONE).hour == start.hour
        await pilot.press("enter")
        await pilot.pause()
        results = screen.query_one(ResultsList)
        assert 0 < results.row_count == bucket.count < impact.total
        assert all(bucket.contains(row) for row in results.shown)
        assert "only 10:00–11:00" in progress(screen)
        await pilot.press("enter")  # the same again: all rows
        await pilot.pause()
        assert results.row_count == impact.total


async def test_a_count_of_the_summary_filters_the_rows(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        await pilot.press("s", "down", "enter")  # the first count: the commonest outcome
        await pilot.pause()
        results = screen.query_one(ResultsList)
        kinds = {row.outcome.kind for row in results.shown}
        assert kinds == {OutcomeKind.ANSWERED}


async def test_up_brings_back_recent_queries(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        screen.field.focus()
        screen.field.value = "today"
        await pilot.press("enter")
        await settle(pilot)
        screen.field.focus()
        screen.field.value = "13957"
        await pilot.press("up")
        assert screen.field.value == "today"
        await pilot.press("up")
        assert screen.field.value == "yesterday"
        await pilot.press("up")  # no older one: stays
        assert screen.field.value == "yesterday"
        await pilot.press("down", "down")
        assert screen.field.value == "13957"  # what was being typed


async def test_the_form_and_the_query_line_stay_in_step(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"yesterday 10:40 abandoned", "ctrl+f")
        await pilot.pause()
        assert screen.query_one("#form-time", Input).value == "yesterday 10:25-10:55"
        assert screen.query_one("#form-outcome", Select).value == "abandoned"
        # The form edits the line…
        screen.query_one("#form-number", Input).value = "13957106245"
        screen.query_one("#form-recording", Checkbox).value = True
        await pilot.pause()
        await pilot.pause()
        line = screen.field.value
        assert line == "yesterday 10:25-10:55 13957106245 abandoned rec"
        status = str(screen.query_one("#validation", Static).render())
        assert "number 13957106245" in status and "with a recording" in status
        # …and the line edits the form.
        screen.field.value = "yesterday 10:25-10:55 13957106245 no-answer rec"
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#form-outcome", Select).value == "no-answer"
        assert screen.field.value == "yesterday 10:25-10:55 13957106245 no-answer rec"
        await pilot.press("enter")  # in a form field: searches
        await settle(pilot)
        assert screen.query_run is not None and screen.query_run.outcomes == ("no-answer",)


async def test_a_failed_page_leaves_the_rows_and_r_fetches_the_missing_part(
    tmp_path: Path,
) -> None:
    faults = FailAfter(good=1)
    app = build_app(tmp_path, faults=faults)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        results = screen.query_one(ResultsList)
        assert results.row_count == 100  # the first page stays
        gap = str(screen.query_one("#gap", Static).render())
        assert gap.startswith("⚠ Missing 10-31 00:00–") and "r to fetch it again" in gap
        faults.healed = True
        await pilot.press("r")
        await settle(pilot)
        assert results.row_count == 254
        assert not screen.query_one("#gap").display
        starts = [row.record.start for row in results.shown]
        assert starts == sorted(starts, reverse=True)  # type: ignore[type-var]
        assert len({row.contact_id for row in results.rows}) == 254


async def test_z_shows_the_rows_in_the_next_zone(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        results = screen.query_one(ResultsList)
        first = results.render_line(1).text
        await pilot.press("z")
        await pilot.pause()
        assert results.render_line(1).text != first
        assert "CST" not in progress(screen)


async def test_history_is_one_key_away(tmp_path: Path) -> None:
    app = build_app(tmp_path, history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        from ccc_tui.tui.widgets.history import HistoryTable

        table = screen.query_one(HistoryTable)
        assert not table.display
        await pilot.press("h")
        await pilot.pause()
        assert table.display and table.has_focus
        assert not screen.query_one("#search-results").display
        await pilot.press("h")
        await pilot.pause()
        assert screen.query_one("#search-results").display and not table.display


async def test_moving_the_cursor_in_scrolled_results_repaints_both_rows(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        results = screen.query_one(ResultsList)
        results.focus()
        await pilot.press("pagedown", "pagedown", "j")
        await pilot.pause()
        assert round(results.scroll_y) > 0
        await pilot.press("k", "k")
        await pilot.pause()
        # The line the cursor left is drawn again without its mark: one mark on screen.
        assert app.export_screenshot().count("▸") == 1


async def test_the_demo_hint_names_a_query_that_finds_the_incident(tmp_path: Path) -> None:
    from ccc_tui.tui.screens.search import DEMO_EMPTY_HISTORY

    example = f"yesterday {INCIDENT.skill_group} abandoned"
    assert example in DEMO_EMPTY_HISTORY
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, example)
        rows = screen.query_one(ResultsList).shown
        start, stop = incident_window(ANCHOR)
        inside = [r for r in rows if r.record.start and start <= r.record.start < stop]
        assert rows and len(inside) > len(rows) / 2


async def test_recent_queries_outlive_the_session(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        screen.field.focus()
        screen = await searched(pilot, "today abandoned")
        assert screen.recents[:2] == ["today abandoned", "yesterday"]
    app.store.close()
    again = build_app(tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, SearchScreen)
        screen.field.focus()
        await pilot.press("up")
        assert screen.field.value == "today abandoned"
        await pilot.press("up")
        assert screen.field.value == "yesterday"


async def test_a_busy_or_off_store_leaves_the_recents_of_the_session(tmp_path: Path) -> None:
    from ccc_tui.calls.history import HistoryBusyError

    app = build_app(tmp_path)

    def busy(*args: object) -> None:
        raise HistoryBusyError()

    app.store.queries = busy  # type: ignore[method-assign, assignment]
    app.store.remember_query = busy  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        screen.field.focus()
        await pilot.press("up")
        assert screen.field.value == "yesterday"
    off = tmp_path / "file"
    off.write_text("")
    app = build_app(off)  # its data folder is a file: history off
    assert not app.store.enabled
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await searched(pilot, "yesterday")
        screen.field.focus()
        await pilot.press("up")
        assert screen.field.value == "yesterday"


async def test_the_first_rows_are_painted_before_the_other_pages_are_asked_for(
    tmp_path: Path,
) -> None:
    """Their answers are parsed on the UI's loop (in the demo, made on it too): they must not
    hold up the first frame with rows."""
    app = build_app(tmp_path)
    asked: list[tuple[int, bool]] = []  # (page number, whether rows were painted by then)
    painted = [False]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen) and app.client is not None
        results = screen.query_one(ResultsList)
        original = app.client.list_call_detail_records
        render_line = results.render_line

        async def recorded(**kwargs: Any) -> Any:
            asked.append((kwargs["page_number"], painted[0]))
            return await original(**kwargs)

        def probe(y: int) -> Any:
            if y >= results.HEADER_ROWS and results.row_count:
                painted[0] = True
            return render_line(y)

        app.client.list_call_detail_records = recorded  # type: ignore[method-assign]
        results.render_line = probe  # type: ignore[method-assign]
        screen.field.value = "last 3d"
        await pilot.press("enter")
        await settle(pilot)
        assert results.row_count > 200
    assert asked[0] == (1, False)
    later = [was_painted for page, was_painted in asked if page > 1]
    assert later and all(later)
