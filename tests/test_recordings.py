"""RecordingsPane under Pilot: rows, keys → messages, download states, untrusted text, layout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from ccc_tui.api.models import Recording
from ccc_tui.tui.widgets.recordings import RecordingsPane
from tests.seeds import SEED_RECORDING_MODEL

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = SEED_RECORDING_MODEL  # 12:55:11 in Shanghai
SECOND = Recording(
    file_name="153128493000100080327683.wav",
    contact_id="2020927020",
    description="after transfer",
    agent_id="293939422320399999",
    agent_name="Li Lei",
    calling_number="80327683",
    called_number="15588886666",
    contact_type="Outbound",
    start=datetime.fromtimestamp(1531284930, UTC),
    duration=125,
)


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield RecordingsPane(id="recs")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RecordingsPane).focus()

    def on_recordings_pane_download_requested(self, m: RecordingsPane.DownloadRequested) -> None:
        self.messages.append(m)

    def on_recordings_pane_play_requested(self, m: RecordingsPane.PlayRequested) -> None:
        self.messages.append(m)

    def on_recordings_pane_copy_url_requested(self, m: RecordingsPane.CopyUrlRequested) -> None:
        self.messages.append(m)


def pane_of(app: Host) -> RecordingsPane:
    return app.query_one(RecordingsPane)


def table_of(app: Host) -> DataTable[Text]:
    return pane_of(app).query_one(DataTable)


def row_text(app: Host, row: int) -> list[str]:
    return [cell.plain for cell in table_of(app).get_row_at(row)]


def cell(app: Host, row: int, key: str) -> Text:
    table = table_of(app)
    return table.get_cell(table.coordinate_to_cell_key((row, 0)).row_key, key)


def detail(app: Host) -> str:
    return str(pane_of(app).query_one("#recordings-detail", Static).render())


async def loaded(pilot, recordings=(SEED, SECOND), contact_id="2020927020"):  # type: ignore[no-untyped-def]
    pane_of(pilot.app).set_recordings(recordings, contact_id=contact_id, tz=SHANGHAI)
    await pilot.pause()
    return pane_of(pilot.app)


async def test_rows_render_with_times_in_the_given_zone() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        assert table_of(app).row_count == 2
        first = row_text(app, 0)
        assert "小芳" in first
        assert "12:55:11" in first
        assert "0:10" in first
        assert "2:05" in row_text(app, 1)
        assert any(c.startswith("1531284") and c.endswith(".wav") for c in first)
        assert "contact 2020927020" in str(pane.border_title)
        assert "Asia/Shanghai (UTC+08:00)" in str(pane.border_subtitle)
        assert "2018-07-11" in str(pane.border_subtitle)
        assert pane.selected == SEED
        assert "80327683 → 15588886666" in detail(app)


async def test_times_follow_the_zone_given() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane_of(app).set_recordings([SEED], contact_id="1", tz=UTC)
        await pilot.pause()
        assert "04:55:11" in row_text(app, 0)
        assert "UTC" in str(pane_of(app).border_subtitle)


async def test_download_key_posts_once_per_file() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        await pilot.press("d")
        await pilot.press("d")  # already asked: no second download of the same file
        await pilot.pause()
        assert [type(m) for m in app.messages] == [RecordingsPane.DownloadRequested]
        assert app.messages[0].recording == SEED
        assert app.messages[0].control is pane
        assert pane.state_of(SEED.file_name) == "queued"
        assert "waiting" in cell(app, 0, "state").plain


async def test_keys_act_on_the_selected_row() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("j", "c")
        await pilot.press("k", "c")
        await pilot.press("G", "d")
        await pilot.pause()
        kinds = [(type(m).__name__, m.recording.file_name) for m in app.messages]
        assert kinds == [
            ("CopyUrlRequested", SECOND.file_name),
            ("CopyUrlRequested", SEED.file_name),
            ("DownloadRequested", SECOND.file_name),
        ]


async def test_enter_downloads_then_plays_once_saved(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.messages[-1], RecordingsPane.DownloadRequested)
        saved = tmp_path / "x.wav"
        pane.mark_saved(SEED.file_name, saved)
        await pilot.press("enter")
        await pilot.pause()
        last = app.messages[-1]
        assert isinstance(last, RecordingsPane.PlayRequested)
        assert (last.recording, last.path) == (SEED, saved)
        assert len(app.messages) == 2


async def test_play_without_a_file_downloads_first_then_asks_to_play(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert [type(m) for m in app.messages] == [RecordingsPane.DownloadRequested]
        assert "then play" in detail(app)
        pane.set_progress(SEED.file_name, 10, 100)
        await pilot.press("p")  # pressed again mid-download: still one download, one play
        pane.mark_saved(SEED.file_name, tmp_path / "x.wav")
        await pilot.pause()
        assert [type(m) for m in app.messages] == [
            RecordingsPane.DownloadRequested,
            RecordingsPane.PlayRequested,
        ]
        assert app.messages[-1].path == tmp_path / "x.wav"


async def test_play_after_a_failed_download_does_not_fire_later(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        await pilot.press("p")
        pane.mark_failed(SEED.file_name, "gone", code="NotExist.Record")
        pane.mark_saved(SEED.file_name, tmp_path / "x.wav")  # a later, separate download
        await pilot.pause()
        assert [type(m) for m in app.messages] == [RecordingsPane.DownloadRequested]


async def test_progress_saved_and_failed_states_render(isolated_home: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        pane.set_progress(SEED.file_name, 45, 100)
        await pilot.pause()
        state = cell(app, 0, "state").plain
        assert state.startswith("▕") and state.endswith(" 45%")
        assert cell_len(state) <= pane._column("state").width
        assert "Downloading 45% · 45 B of 100 B" in detail(app)
        assert pane.state_of(SEED.file_name) == "downloading"

        pane.set_progress(SEED.file_name, 2048, None)  # no Content-Length
        await pilot.pause()
        assert "2.0 KiB" in cell(app, 0, "state").plain

        path = isolated_home / "Downloads" / "ccc-tui" / SEED.file_name
        pane.mark_saved(SEED.file_name, path)
        await pilot.pause()
        assert cell(app, 0, "state").plain == "saved ✓"
        assert pane.saved_path(SEED.file_name) == path
        assert "Saved to ~/Downloads/ccc-tui/" in detail(app)

        pane.mark_failed(SECOND.file_name, "The signed URL has expired.", code="Download.HTTP403")
        await pilot.press("j")
        await pilot.pause()
        assert cell(app, 1, "state").plain == "✗ failed"
        assert "Download failed: Download.HTTP403: The signed URL has expired." in detail(app)
        assert pane.saved_path(SECOND.file_name) is None

        # d after a failure tries again; a reset clears a state.
        await pilot.press("d")
        await pilot.pause()
        assert pane.state_of(SECOND.file_name) == "queued"
        pane.reset(SECOND.file_name)
        await pilot.pause()
        assert pane.state_of(SECOND.file_name) == "idle"
        assert cell(app, 1, "state").plain == ""


async def test_wide_failed_cell_shows_the_error_code() -> None:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await loaded(pilot)
        pane.mark_failed(SEED.file_name, "no such record", code="NotExist.Record")
        await pilot.pause()
        assert cell(app, 0, "state").plain.startswith("✗ NotExist.")


async def test_refresh_keeps_download_states(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        pane.mark_saved(SECOND.file_name, tmp_path / "b.wav")
        await loaded(pilot)
        assert cell(app, 1, "state").plain == "saved ✓"
        await loaded(pilot, recordings=[SEED])
        assert pane.saved_path(SECOND.file_name) is None  # gone from the call: forgotten


async def test_markup_and_escapes_in_server_text_show_literally() -> None:
    hostile = Recording(
        file_name="\x1b]52;c;ZXZpbA==\x07x.wav",
        agent_name="[bold]x[/]",
        agent_id="[red]id",
        description="\x1b[31mred\x1b[0m [link=http://evil]click[/link]",
        calling_number="138[b]",
        start=SEED.start,
        duration=1,
    )
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot, recordings=[hostile], contact_id="[b]1[/b]")
        agent = cell(app, 0, "agent")
        assert agent.plain.startswith("[bold]x[/]")
        assert not any(span.style and "bold" in str(span.style) for span in agent.spans)
        row = "".join(row_text(app, 0))
        assert "\x1b" not in row and "\x07" not in row
        assert "[link=http://evil]click[/link]" in row or "[link=" in row
        text = detail(app)
        assert "138[b]" in text and "[bold]x[/]" in text
        assert "\x1b" not in text
        # On the screen itself, not only in the model (the title is kept as escaped markup).
        screen = app.export_screenshot().replace("&#160;", " ")
        assert "[bold]x[/]" in screen
        assert "contact [b]1[/b]" in screen


async def test_empty_state() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot, recordings=[], contact_id="1096645650")
        empty = pane.query_one("#recordings-empty", Static)
        assert empty.display and str(empty.render()) == "No recordings for contact 1096645650"
        assert not table_of(app).display
        assert pane.selected is None
        await pilot.press("d", "p", "c", "enter")
        await pilot.pause()
        assert app.messages == []
        assert pane.check_action("download", ()) is None  # shown greyed out in the footer


async def test_before_any_call_is_loaded() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = pane_of(app)
        assert str(pane.query_one("#recordings-empty", Static).render()) == "No call loaded"
        assert pane.selected is None


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 60)])
async def test_columns_fit_without_horizontal_scrolling(size: tuple[int, int]) -> None:
    long_cjk = Recording(
        file_name="录音" * 30 + ".wav",
        agent_name="小芳" * 20,
        agent_id="2" * 30,
        description="描述" * 40,
        contact_type="PredictiveDial",
        start=datetime(2018, 7, 11, 16, 30, 0, tzinfo=UTC),  # 07-12 00:30 in Shanghai: two dates
        duration=3723,
    )
    app = Host()
    async with app.run_test(size=size) as pilot:
        pane = await loaded(pilot, recordings=[SEED, long_cjk])
        table = table_of(app)
        total = sum(col.get_render_width(table) for col in table.ordered_columns)
        assert total <= pane.content_size.width
        assert table.max_scroll_x == 0
        for row in range(table.row_count):
            for column, value in zip(table.ordered_columns, table.get_row_at(row), strict=True):
                # Every cell fits its column in cells, so CJK rows stay aligned.
                assert cell_len(value.plain) <= column.width, (column.key, value.plain)
        assert "1:02:03" in row_text(app, 1)
        files = [c for c in row_text(app, 1) if c.endswith(".wav")]
        assert files and "…" in files[0]  # cut in the middle, extension kept
        if size[0] >= 120:
            assert any("2939394" in c for c in row_text(app, 0))  # agent id on wide screens
            assert any("2018-07-11 12:55:11" in c for c in row_text(app, 0))
            assert "Type" in [str(c.label) for c in table.ordered_columns]
        if size[0] == 80:
            assert not any("2939394" in c for c in row_text(app, 0))
            assert "07-11 12:55:11" in row_text(app, 0)


async def test_layout_follows_a_resize() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        assert "Type" not in [str(c.label) for c in table_of(app).ordered_columns]
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert "Type" in [str(c.label) for c in table_of(app).ordered_columns]
        assert any("293939422320312215" in c for c in row_text(app, 0))


async def test_footer_lists_the_bindings() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        shown = {b.key: b.description for (_n, b, _e, _t) in app.active_bindings.values() if b.show}
        assert shown.get("d") == "Download"
        assert shown.get("p") == "Play"
        assert shown.get("c") == "Copy URL"
        # enter stays out of the crowded footer but is described for the help screen.
        assert app.active_bindings["enter"].binding.description == "Download or play"


async def test_state_colours_follow_the_theme(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        pane.mark_saved(SECOND.file_name, tmp_path / "b.wav")
        await pilot.pause()

        def saved_colour() -> str:
            style = cell(app, 1, "state").style
            assert not isinstance(style, str) and style.color is not None
            return style.color.name

        before = saved_colour()
        assert before == app.theme_variables["success"].lower()
        app.theme = "solarized-light"
        await pilot.pause()
        await pilot.pause()
        assert saved_colour() == app.theme_variables["success"].lower() != before


async def test_reports_for_recordings_no_longer_shown_are_ignored(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await loaded(pilot)
        await pilot.press("p")
        await loaded(pilot, recordings=[SECOND], contact_id="other")
        pane.set_progress(SEED.file_name, 1, 2)
        pane.mark_saved(SEED.file_name, tmp_path / "late.wav")
        await pilot.pause()
        assert pane.saved_path(SEED.file_name) is None
        assert [type(m) for m in app.messages] == [RecordingsPane.DownloadRequested]


async def test_detail_stays_visible_in_a_short_fixed_height_pane() -> None:
    many = [
        Recording(
            file_name=f"{n:03d}-153128491143400080327683.wav",
            agent_name=f"agent {n}",
            description="a long description that has to give way " * 3,
            start=SEED.start,
            duration=n,
        )
        for n in range(20)
    ]
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = pane_of(app)
        pane.styles.height = 10
        await loaded(pilot, recordings=many)
        await pilot.press("G")
        await pilot.pause()
        assert pane.selected == many[-1]
        detail_widget = pane.query_one("#recordings-detail", Static)
        assert detail_widget.region.bottom <= pane.content_region.bottom
        assert detail_widget.region.height >= 1
        assert "agent 19" in detail(app)
        table = table_of(app)
        assert table.region.bottom <= detail_widget.region.y
        assert table.scroll_y > 0  # the table scrolls inside what is left
        assert table.max_scroll_x == 0  # its scrollbar took room from the columns, not a new row
