"""The home screen's small promises: `?` is help, down+enter opens a history row, ids as understood."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from ccc_tui.tui.screens.call import CallScreen
from ccc_tui.tui.screens.help import HelpScreen
from ccc_tui.tui.screens.search import SearchScreen
from tests.apphelpers import HISTORY_CONTACTS, build_app, home_settled


async def test_question_mark_opens_help_even_from_the_contact_field(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#contact-input", Input)
        assert field.has_focus
        await pilot.press("1", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert field.value == "1"  # nothing typed into the id
        title = app.screen.query_one("#help-title", Static)
        assert "Find calls" in str(title.render())


async def test_down_then_enter_at_once_opens_the_first_history_row(tmp_path: Path) -> None:
    app = build_app(tmp_path, history=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await home_settled(pilot)
        await pilot.press("down", "enter")  # no pause between: faster than focus moves
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, CallScreen)
        newest_first = app.screen.contact_id
        assert newest_first in HISTORY_CONTACTS


async def test_a_pasted_id_is_shown_as_understood(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#contact-input", Input).value = " １０９６ 645650"
        await pilot.pause()
        status = str(app.screen.query_one("#validation", Static).render())
        assert status == "enter to open 1096645650"


async def test_help_lists_the_apps_keys_first_and_whole(tmp_path: Path) -> None:
    app = build_app(tmp_path, history=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_settled(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("down")  # the history table: Textual's cursor keys come into play
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = help_screen.binding_rows()
        keys = [key for key, _ in rows]
        does = [d for _, d in rows]
        assert does.index("Open") < does.index("Help")  # the table's own keys, then the app's
        own = {"Open", "Forget", "Search", "Help", "Quit"}
        first_generic = next(i for i, d in enumerate(does) if d not in own and d[0].islower())
        assert all(d not in own for d in does[first_generic:])
        table = help_screen.query_one(DataTable)
        width = table.columns[next(iter(table.columns))].width
        assert width >= max(len(k) for k in keys)


async def test_on_the_error_state_slash_does_not_eat_the_keys_the_screen_asks_for(
    tmp_path: Path,
) -> None:
    from ccc_tui.emulator.faults import Faults

    app = build_app(tmp_path, initial_contact="1096645650", faults=Faults.parse("5xx=1"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.state == "failed"
        await pilot.press("slash")
        await pilot.pause()
        assert not isinstance(app.focused, Input)  # no hidden filter took the focus
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)  # esc still goes back


async def test_a_history_file_moved_aside_is_said_in_the_app(tmp_path: Path) -> None:
    (tmp_path / "history.sqlite3").write_bytes(b"not a database" * 200)
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        notices = [str(n.message) for n in app._notifications]
        assert any("moved aside" in n for n in notices), notices
