"""The event timeline, phase bar and event detail widgets, driven through Textual's Pilot.

The call builders here are also used by test_timeline_snapshots.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len
from rich.style import Style
from textual.app import App, ComposeResult
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ccc_tui.api.models import Call, CallEvent, Lane
from ccc_tui.calls.phases import Phase
from ccc_tui.calls.view import CallView
from ccc_tui.calls.zone import zone_label
from ccc_tui.tui.widgets.event_detail import EventDetail, event_fields, raw_json
from ccc_tui.tui.widgets.phase_bar import PhaseBar, allocate_cells
from ccc_tui.tui.widgets.timeline import (
    BAR_MIN,
    EventTimeline,
    bar_runs,
    plan_columns,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


# ── calls ──────────────────────────────────────────────────────────────────────────────────


def _event(start: datetime, at: float, event: str, lane: Lane, **fields: object) -> CallEvent:
    moment = start + timedelta(seconds=at)
    raw: dict[str, object] = {"TimeStamp": str(int(moment.timestamp() * 1000)), "Event": event}
    if fields.get("duration") is not None:
        raw["Duration"] = fields["duration"]
    if fields.get("agent_name"):
        raw["AgentName"] = fields["agent_name"]
    if fields.get("status"):
        raw["Status"] = fields["status"]
    detail = {"EventType": lane.value} | dict(fields.get("details") or {})  # type: ignore[call-overload]
    raw["DetailData"] = detail
    return CallEvent(time=moment, event=event, lane=lane, raw=raw, **fields)  # type: ignore[arg-type]


def seed_call() -> Call:
    """The documented outbound example (contact 1096645650)."""
    start = datetime.fromtimestamp(1555492246, UTC)
    common = {"agent_name": "cloudcallcenter", "call_mode": "Outbound", "event_type": "agent"}
    return Call(
        "1096645650",
        caller="80315543",
        callee="13501215646",
        direction="Outbound",
        start=start,
        events=(
            _event(start, 0, "Dial", Lane.AGENT, duration=9, status="Dialing", **common),
            _event(
                start,
                13,
                "End",
                Lane.AGENT,
                duration=16,
                status="Handling",
                hang_upper="byeSystem",
                **common,
            ),
            _event(start, 13, "Handle", Lane.AGENT, duration=0, **common),
        ),
    )


def inbound_call() -> Call:
    """IVR → queue → ring → talk → transfer → ring → talk with a second agent → end."""
    start = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    i, q, a = Lane.IVR, Lane.QUEUE, Lane.AGENT
    first = {"agent_name": "张伟", "skill_group": "售后服务组"}
    second = {"agent_name": "李娜", "skill_group": "VIP客服"}
    return Call(
        "2020927020",
        caller="13800138000",
        callee="4008001234",
        direction="Inbound",
        start=start,
        events=(
            _event(start, 0, "EnterIVR", i, duration=12, details={"IvrFlow": "主菜单"}),
            _event(start, 12, "EnterQueue", q, duration=40, skill_group="售后服务组"),
            _event(start, 20, "WaitingInQueue", q, status="Queuing", skill_group="售后服务组"),
            _event(start, 52, "Ring", a, duration=8, status="Ringing", **first),
            _event(start, 60, "Talk", a, duration=95, status="Talking", **first),
            _event(
                start, 150, "LaunchTransfer", a, duration=0, details={"TransferTo": "李娜"}, **first
            ),
            _event(start, 151, "Ring", a, duration=4, status="Ringing", **second),
            _event(start, 155, "Talk", a, duration=122, status="Talking", **second),
            _event(start, 155, "End", a, duration=20, status="Handling", **first),
            _event(
                start, 277, "End", a, duration=15, status="Handling", hang_upper="customer", **second
            ),
            _event(start, 277, "Handle", a, duration=0, satisfaction="满意", **second),
        ),
    )


def big_call(count: int) -> Call:
    start = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    cycle = [("EnterQueue", Lane.QUEUE, 20), ("Ring", Lane.AGENT, 5), ("Talk", Lane.AGENT, 60)]
    events = []
    for n in range(count):
        code, lane, duration = cycle[n % 3]
        events.append(
            CallEvent(
                time=start + timedelta(seconds=n * 30),
                event=code,
                lane=lane,
                agent_name=f"agent{n % 7}",
                duration=duration,
                details={"Seq": str(n)},
            )
        )
    return Call("big", start=start, events=tuple(events))


def view_of(call: Call, *, tz: tzinfo | None = SHANGHAI, language: str = "en") -> CallView:
    return CallView.of(call, tz=tz, language=language)


# ── a host app ─────────────────────────────────────────────────────────────────────────────


class Host(App[None]):
    """Hosts one timeline and records the messages it posts."""

    def __init__(
        self, call: Call | None, *, tz: tzinfo | None = SHANGHAI, language: str = "en"
    ) -> None:
        super().__init__()
        self.call = call
        self.tz = tz
        self.language = language
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        view = None if self.call is None else view_of(self.call, tz=self.tz, language=self.language)
        yield EventTimeline(view)

    def on_mount(self) -> None:
        self.query_one(EventTimeline).focus()

    def on_event_timeline_cursor_moved(self, message: EventTimeline.CursorMoved) -> None:
        self.messages.append(message)

    def on_event_timeline_event_selected(self, message: EventTimeline.EventSelected) -> None:
        self.messages.append(message)

    def of(self, kind: type[Message]) -> list[Message]:
        return [m for m in self.messages if isinstance(m, kind)]


def lines(timeline: EventTimeline) -> list[str]:
    """The text of every line the timeline shows now."""
    return [timeline.render_line(y).text for y in range(timeline.scrollable_content_region.height)]


def event_rows(timeline: EventTimeline) -> list[str]:
    return lines(timeline)[EventTimeline.HEADER_ROWS :]


# ── keys and messages ──────────────────────────────────────────────────────────────────────


async def test_cursor_keys_move_and_post_cursor_moved() -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(EventTimeline)
        await pilot.pause()
        assert timeline.cursor_row == 0
        assert timeline.selected_index == 0
        first = app.of(EventTimeline.CursorMoved)
        assert [m.index for m in first] == [0]  # type: ignore[attr-defined]

        await pilot.press("j", "down", "j")
        assert timeline.cursor_row == 3
        await pilot.press("k", "up")
        assert timeline.cursor_row == 1
        await pilot.press("G")
        assert timeline.cursor_row == 10
        await pilot.press("j")  # at the bottom: stays
        assert timeline.cursor_row == 10
        await pilot.press("g")
        assert timeline.cursor_row == 0
        await pilot.press("end")
        assert timeline.cursor_row == 10
        await pilot.press("home")
        assert timeline.cursor_row == 0
        await pilot.pause()
        moved = [m.index for m in app.of(EventTimeline.CursorMoved)]  # type: ignore[attr-defined]
        assert moved == [0, 1, 2, 3, 2, 1, 10, 0, 10, 0]


async def test_the_cursor_row_is_marked_and_highlighted() -> None:
    app = Host(seed_call())
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(EventTimeline)
        await pilot.press("j")
        rows = event_rows(timeline)
        assert rows[0].startswith(" ")
        assert rows[1].startswith("▸")
        cursor = timeline.render_line(EventTimeline.HEADER_ROWS + 1)
        plain = timeline.render_line(EventTimeline.HEADER_ROWS)
        cursor_bg = {seg.style.bgcolor for seg in cursor if seg.style and seg.text.strip()}
        plain_bg = {seg.style.bgcolor for seg in plain if seg.style and seg.text.strip()}
        assert cursor_bg != plain_bg


async def test_page_keys_move_by_a_screenful() -> None:
    app = Host(big_call(200))
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(EventTimeline)
        page = timeline.scrollable_content_region.height - EventTimeline.HEADER_ROWS
        await pilot.press("pagedown")
        assert timeline.cursor_row == page
        await pilot.press("pagedown", "pageup")
        assert timeline.cursor_row == page
        await pilot.pause()
        # The cursor's row is on screen.
        top = round(timeline.scroll_y)
        assert top <= timeline.cursor_row < top + page
        assert event_rows(timeline)[timeline.cursor_row - top].startswith("▸")


async def test_enter_posts_event_selected() -> None:
    call = inbound_call()
    app = Host(call)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "j", "j", "enter")
        await pilot.pause()
        selected = app.of(EventTimeline.EventSelected)
        assert len(selected) == 1
        message = selected[0]
        assert message.index == 3  # type: ignore[attr-defined]
        assert message.event is call.events[3]  # type: ignore[attr-defined]
        assert message.control is app.query_one(EventTimeline)


async def test_click_selects_a_row() -> None:
    call = inbound_call()
    app = Host(call)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click(EventTimeline, offset=(12, EventTimeline.HEADER_ROWS + 4))
        await pilot.pause()
        timeline = app.query_one(EventTimeline)
        assert timeline.cursor_row == 4
        selected = app.of(EventTimeline.EventSelected)
        assert [m.index for m in selected] == [4]  # type: ignore[attr-defined]
        await pilot.click(EventTimeline, offset=(12, 1))  # the header: nothing happens
        await pilot.pause()
        assert timeline.cursor_row == 4
        assert len(app.of(EventTimeline.EventSelected)) == 1


# ── what is shown ──────────────────────────────────────────────────────────────────────────


async def test_rows_show_every_column_at_120() -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        timeline = app.query_one(EventTimeline)
        info, header, *rows = lines(timeline)
        assert info.startswith(" Asia/Shanghai (UTC+08:00) · 11 events · start 2024-03-05 09:30")
        for name in ("Time", "Offset", "Lane", "Event", "Status", "Agent", "Skill", "Dur"):
            assert name in header
        assert header.rstrip().endswith("4:52")  # the axis runs to the end of the call
        ring = rows[3]
        for part in ("09:30:52", "+0:52", "AGENT", "Ring", "Ringing", "张伟", "售后服务组", "8s"):
            assert part in ring
        assert "~32s" in rows[2]  # WaitingInQueue has no Duration: until the next event
        assert any(block in rows[4] for block in "█▉▊▋▌▍▎▏")  # Talk has a bar


def skewed_call() -> Call:
    """IVR stamped 10 s before the call's start (clock skew), then queue, ring, talk, end."""
    start = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    return Call(
        "3000000001",
        start=start,
        events=(
            _event(start, -10, "EnterIVR", Lane.IVR, duration=10),
            _event(start, 0, "EnterQueue", Lane.QUEUE, duration=20),
            _event(start, 20, "Ring", Lane.AGENT, duration=10),
            _event(start, 30, "Talk", Lane.AGENT, duration=40),
            _event(start, 70, "End", Lane.AGENT, duration=0),
        ),
    )


async def test_bars_sit_on_the_axis_from_the_earliest_event() -> None:
    # The axis runs from -0:10 (the skewed IVR) to 1:10: 80 s over a 40-cell bar, 2 s a cell.
    app = Host(skewed_call())
    async with app.run_test(size=(78, 12)) as pilot:
        await pilot.pause()
        timeline = app.query_one(EventTimeline)
        header, *rows = lines(timeline)[1:7]
        assert header.endswith("Dur -0:10                               1:10")
        bar_x = 38  # the bar is the last column and takes the rest of the line
        assert len(header) - bar_x == 40
        bars = [row[bar_x:] for row in rows]
        assert all(len(bar) == 40 for bar in bars)

        def cells(bar: str) -> tuple[int, int]:
            drawn = bar.strip()
            return bar.index(drawn), len(drawn)  # (start cell, width in cells)

        assert [cells(bar) for bar in bars] == [(0, 5), (5, 10), (15, 5), (20, 20), (39, 1)]
        assert bars[0] == "█" * 5 + " " * 35  # the skewed event starts the axis, in full cells
        assert bars[3] == " " * 20 + "█" * 20  # the talk runs to the end of the axis
        assert bars[4] == " " * 39 + "▕"  # End at 1:10: a tick on the last cell's right edge


async def test_abandoned_and_overflow_rows_are_styled_as_alerts() -> None:
    start = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    q = Lane.QUEUE
    codes = ("EnterQueue", "ACDOverflow", "AbandonedInQueue", "AbandonedRing", "GiveUp")
    call = Call(
        "3000000002",
        start=start,
        events=tuple(_event(start, n * 5, code, q, duration=5) for n, code in enumerate(codes)),
    )
    app = Host(call)
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.press("j")  # the cursor on ACDOverflow: the cursor's colours win there
        timeline = app.query_one(EventTimeline)
        alert = timeline.get_component_rich_style("timeline--alert")
        assert alert.bold and alert.color is not None

        def event_style(row: int, code: str) -> Style | None:
            strip = timeline.render_line(EventTimeline.HEADER_ROWS + row)
            (segment,) = [seg for seg in strip if code in seg.text]
            return segment.style

        assert event_style(0, "EnterQueue") != alert  # an ordinary event is not an alert
        assert event_style(1, "ACDOverflow") != alert  # under the cursor
        for row in (2, 3, 4):
            assert event_style(row, codes[row]) == alert, codes[row]
        await pilot.press("k")  # the cursor away: ACDOverflow is an alert too
        assert event_style(1, "ACDOverflow") == alert


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 200])
async def test_every_line_is_exactly_as_wide_as_the_widget(width: int) -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        timeline = app.query_one(EventTimeline)
        inner = timeline.scrollable_content_region.width
        for y in range(timeline.scrollable_content_region.height):
            strip = timeline.render_line(y)
            assert strip.cell_length == inner
            assert cell_len(strip.text) == inner


async def test_cjk_text_keeps_the_columns_aligned() -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        rows = event_rows(app.query_one(EventTimeline))[:11]

        def cells_before(row: str, needle: str) -> int:
            return cell_len(row[: row.index(needle)])

        # The duration column ends at the same cell on rows with and without CJK names.
        ends = {cells_before(row, dur) + len(dur) for row, dur in zip(rows, DURATIONS, strict=True)}
        assert len(ends) == 1


DURATIONS = ["12s", "40s", "~32s", "8s", "1m35s", "0s", "4s", "2m02s", "20s", "15s", "0s"]


async def test_columns_give_way_at_80_before_the_bar() -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        timeline = app.query_one(EventTimeline)
        header = lines(timeline)[1]
        assert "Skill" not in header  # dropped first…
        assert "4:52" in header  # …while the bar stays
        assert "LaunchTransfer" in event_rows(timeline)[5]


async def test_language_zh_shows_chinese_labels() -> None:
    app = Host(inbound_call(), language="zh")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        rows = event_rows(app.query_one(EventTimeline))
        assert "进入IVR" in rows[0]
        assert "振铃" in rows[3]
        assert "坐席" in rows[3]


async def test_times_follow_the_chosen_zone() -> None:
    app = Host(seed_call(), tz=UTC)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        timeline = app.query_one(EventTimeline)
        assert lines(timeline)[0].startswith(" UTC · ")
        assert event_rows(timeline)[0].lstrip(" ▸").startswith("09:10:46")
        timeline.set_view(view_of(seed_call(), tz=SHANGHAI))
        await pilot.pause()
        assert event_rows(timeline)[0].lstrip(" ▸").startswith("17:10:46")
        assert lines(timeline)[0].startswith(" Asia/Shanghai (UTC+08:00) · ")
        timeline.set_view(view_of(seed_call(), tz=None))  # None: the machine's zone
        await pilot.pause()
        assert lines(timeline)[0].startswith(" local time")


async def test_server_markup_and_escapes_are_shown_literally() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    call = Call(
        "hostile",
        start=start,
        events=(
            CallEvent(
                time=start,
                event="Talk[/]",
                lane=Lane.AGENT,
                status="[i]y[/i]",
                agent_name="[bold red]x[/]\x1b[2J",
                skill_group="\x1b[31mred\x1b]52;c;aGk=\x07\u202eevil",
                duration=5,
            ),
        ),
    )
    app = Host(call)
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        row = event_rows(app.query_one(EventTimeline))[0]
        assert "[bold red]x[/]" in row
        assert "Talk[/]" in row
        assert "[i]y[/i]" in row
        assert "redevil" in row
        assert "\x1b" not in row and "\u202e" not in row and "\x07" not in row


# ── filtering ──────────────────────────────────────────────────────────────────────────────


async def test_filter_by_text() -> None:
    call = inbound_call()
    app = Host(call)
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(EventTimeline)
        timeline.filter("李娜")
        await pilot.pause()
        # Her own events, and the transfer to her (a detail field).
        assert tuple(timeline.visible_indices) == (5, 6, 7, 9, 10)
        assert "filter “李娜”: 5 of 11" in lines(timeline)[0]
        timeline.filter("talk")  # case-insensitive, over the event code
        assert tuple(timeline.visible_indices) == (4, 7)
        timeline.filter("通话")  # the Chinese label
        assert tuple(timeline.visible_indices) == (4, 7)
        timeline.filter("主菜单")  # a detail value
        assert tuple(timeline.visible_indices) == (0,)
        timeline.filter("ringing 李娜")  # all words must match
        assert tuple(timeline.visible_indices) == (6,)
        timeline.filter("  ")
        assert timeline.row_count == 11


async def test_filter_by_lane() -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(EventTimeline)
        timeline.filter("lane:queue")
        assert tuple(timeline.visible_indices) == (1, 2)
        timeline.filter("ivr")
        assert tuple(timeline.visible_indices) == (0,)
        timeline.filter("QUEUE")
        assert tuple(timeline.visible_indices) == (1, 2)
        timeline.filter("agent")  # the lane, not the word (as in "agent's phone rang")
        assert tuple(timeline.visible_indices) == tuple(range(3, 11))
        timeline.filter("lane:agent 张伟")
        assert tuple(timeline.visible_indices) == (3, 4, 5, 8)
        timeline.filter("lane:other")
        assert tuple(timeline.visible_indices) == ()
        await pilot.pause()


async def test_two_lanes_together_match_nothing() -> None:
    # Every word must match and an event sits in one lane: "ivr queue" is an empty result, said so.
    app = Host(inbound_call())
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(EventTimeline)
        for query in ("ivr queue", "lane:ivr lane:queue", "queue agent"):
            timeline.filter(query)
            await pilot.pause()
            assert tuple(timeline.visible_indices) == (), query
            assert f"No events match “{query}”." in event_rows(timeline)[0]
        timeline.filter("queue lane:queue")  # the same lane twice is still one lane
        assert tuple(timeline.visible_indices) == (1, 2)


async def test_filter_keeps_the_cursor_on_its_event() -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(EventTimeline)
        await pilot.press("j", "j", "j", "j")  # Talk, 张伟 (index 4)
        assert timeline.selected_index == 4
        timeline.filter("talk")
        assert timeline.selected_index == 4
        assert timeline.cursor_row == 0
        timeline.filter("")
        assert timeline.selected_index == 4
        timeline.filter("lane:queue")  # the Talk is hidden: the cursor goes to a shown one
        assert timeline.selected_index in (1, 2)
        await pilot.pause()
        moved = app.of(EventTimeline.CursorMoved)
        assert moved[-1].index == timeline.selected_index  # type: ignore[attr-defined]


async def test_empty_filter_result_shows_an_empty_state() -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(EventTimeline)
        timeline.filter("no such thing")
        await pilot.pause()
        assert timeline.row_count == 0
        assert timeline.selected_event is None
        rows = event_rows(timeline)
        assert "No events match “no such thing”." in rows[0]
        assert all(not row.strip() for row in rows[1:])
        assert app.of(EventTimeline.CursorMoved)[-1].event is None  # type: ignore[attr-defined]
        await pilot.press("j", "enter")  # nothing to move to or open
        assert app.of(EventTimeline.EventSelected) == []


async def test_empty_and_missing_calls() -> None:
    app = Host(None)
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(EventTimeline)
        await pilot.pause()
        assert "No call loaded." in event_rows(timeline)[0]
        timeline.set_view(view_of(Call("nothing")))
        await pilot.pause()
        assert "This call has no events." in event_rows(timeline)[0]
        await pilot.press("j", "G", "enter")


async def test_reloading_the_same_contact_keeps_the_cursor() -> None:
    app = Host(inbound_call())
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(EventTimeline)
        await pilot.press("j", "j")
        timeline.set_view(view_of(inbound_call()))
        assert timeline.selected_index == 2
        timeline.set_view(view_of(seed_call()))
        assert timeline.selected_index == 0


# ── a long call ────────────────────────────────────────────────────────────────────────────


class CountingTimeline(EventTimeline):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rendered: list[int] = []
        self.rows_built = 0

    def render_line(self, y: int) -> Strip:
        self.rendered.append(y)
        return super().render_line(y)

    def _render_row(self, index: int, width: int, selected: bool) -> Strip:
        self.rows_built += 1
        return super()._render_row(index, width, selected)


class CountingHost(App[None]):
    def __init__(self, call: Call) -> None:
        super().__init__()
        self.call = call

    def compose(self) -> ComposeResult:
        yield CountingTimeline(view_of(self.call))

    def on_mount(self) -> None:
        self.query_one(EventTimeline).focus()


async def test_ten_thousand_events_render_only_visible_lines() -> None:
    app = CountingHost(big_call(10_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        timeline = app.query_one(CountingTimeline)
        height = timeline.scrollable_content_region.height
        assert timeline.row_count == 10_000
        assert timeline.virtual_size.height == 10_000 + EventTimeline.HEADER_ROWS
        assert max(timeline.rendered) < height
        first_paint = len(timeline.rendered)
        assert first_paint <= 3 * height

        for _ in range(30):
            await pilot.press("j")
        await pilot.press("pagedown", "pagedown", "G")
        await pilot.pause()
        assert timeline.selected_index == 9_999
        assert "+83:19:30" in event_rows(timeline)[-1]  # the last row is on screen
        # 33 steps of at most a screenful each — nowhere near 10,000 rows.
        assert timeline.rows_built <= 40 * height
        assert max(timeline.rendered) < height

        timeline.filter("agent3")
        await pilot.pause()
        assert timeline.row_count == 1_429
        assert timeline.rows_built <= 45 * height


# ── pure helpers ───────────────────────────────────────────────────────────────────────────

NATURAL = {"event": 14, "status": 8, "agent": 12, "skill": 10, "offset": 5, "duration": 5}


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 160, 200, 240])
def test_plan_columns_fits_and_never_overlaps(width: int) -> None:
    columns = plan_columns(width, NATURAL)
    keys = [c.key for c in columns]
    assert keys[:4] == ["time", "offset", "lane", "event"]
    assert "duration" in keys
    right = 1
    for column in columns:
        assert column.x >= right
        assert column.width > 0
        right = column.x + column.width
    if width >= 64:
        assert right <= width
        assert "bar" in keys


def test_plan_columns_priorities() -> None:
    at = {w: {c.key: c for c in plan_columns(w, NATURAL)} for w in (50, 80, 120, 200)}
    assert "bar" not in at[50]  # too narrow for a useful bar
    assert at[80]["bar"].width >= BAR_MIN
    assert "agent" in at[80] and "skill" not in at[80]  # agent first, skill group last
    assert {"status", "agent", "skill", "bar"} <= at[120].keys()
    assert at[200]["bar"].width > at[120]["bar"].width > at[80]["bar"].width
    # A column with nothing in it is left out.
    assert "skill" not in {c.key for c in plan_columns(200, NATURAL | {"skill": 0})}


def test_bar_runs() -> None:
    def draw(start: float, end: float, width: int = 10, inverse: bool = True) -> str:
        runs = bar_runs(start, end, width, inverse=inverse)
        assert sum(len(text) for text, _ in runs) == width
        return "".join(text for text, _ in runs)

    assert draw(0, 10) == "█" * 10
    assert draw(2, 5) == "  ███     "
    assert draw(0, 2.5) == "██▌       "
    assert draw(3, 3) == "   ▏      "  # a point: a tick
    assert draw(3.7, 3.7) == "   ▕      "
    assert draw(10, 10) == "         ▕"  # at the very end
    assert draw(2.5, 5, inverse=False) == "  ███     "
    assert bar_runs(2.5, 5, 10)[1] == ("▌", "inverse")  # starts mid-cell
    assert draw(-5, 50) == "█" * 10  # clamped
    assert bar_runs(0, 1, 0) == []


def test_zone_label() -> None:
    moment = datetime(2024, 7, 1, tzinfo=UTC)
    assert zone_label(SHANGHAI, moment) == "Asia/Shanghai (UTC+08:00)"
    assert zone_label(ZoneInfo("America/New_York"), moment) == "America/New_York (UTC-04:00)"
    assert zone_label(ZoneInfo("America/New_York"), moment.replace(month=1)).endswith("-05:00)")
    assert zone_label(None, moment).startswith("local time")
    assert zone_label(UTC, moment) == zone_label(ZoneInfo("UTC"), moment) == "UTC"
    assert zone_label(timezone(timedelta(hours=5, minutes=45)), moment) == "UTC+05:45"


def test_allocate_cells() -> None:
    assert allocate_cells([1, 1, 2], 8) == [2, 2, 4]
    assert allocate_cells([1000, 1], 10) == [9, 1]  # a short phase keeps a cell
    assert allocate_cells([0, 0], 5) == [0, 0]
    assert sum(allocate_cells([3, 7, 11, 13], 17)) == 17


# ── phase bar and detail panel ─────────────────────────────────────────────────────────────


class PanelHost(App[None]):
    def __init__(self, call: Call, language: str = "en") -> None:
        super().__init__()
        self.view = view_of(call, language=language)

    def compose(self) -> ComposeResult:
        yield PhaseBar(self.view)
        yield EventDetail()

    def on_mount(self) -> None:
        self.query_one(EventDetail).set_view(self.view)


async def test_phase_bar() -> None:
    app = PanelHost(inbound_call())
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        bar = app.query_one(PhaseBar)
        legend = bar.legend()
        assert legend == "IVR 0:12 · Queue 0:40 · Ring 0:12 · Talk 3:33 · Wrap-up 0:15 · Total 4:52"
        strips = bar.render_lines(bar.region.reset_offset)
        top, bottom = (strip.text for strip in strips[:2])
        assert "IVR" in top and "Total 4:52" in top
        assert "Queue" in bottom and "Talk" in bottom
        assert bar.summary is not None and bar.summary.duration(Phase.TALK).seconds == 213
        bar.set_view(view_of(Call("empty")))
        await pilot.pause()
        assert bar.legend() == "No timed events"


async def test_phase_bar_speaks_the_view_language() -> None:
    # The legend used to stay English while the timeline beside it was Chinese.
    app = PanelHost(inbound_call(), language="zh")
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        bar = app.query_one(PhaseBar)
        assert bar.legend().startswith("IVR 0:12 · 排队 0:40 · 振铃 0:12 · 通话 3:33")
        top, bottom = (strip.text for strip in bar.render_lines(bar.region.reset_offset)[:2])
        assert "排队" in top and "通话" in bottom and "Queue" not in top


def test_event_fields_cover_everything() -> None:
    call = inbound_call()
    fields = dict(event_fields(call.events[9], view_of(call)))
    assert fields["Time"] == "2024-03-05 09:34:37 Asia/Shanghai (UTC+08:00)"
    assert fields["Offset"] == "+4:37"
    assert fields["Lane"] == "agent  坐席"
    assert fields["Event"] == "End  结束"
    assert fields["Meaning"] == "call ended"
    assert fields["Phase"] == "Wrap-up"
    assert fields["Hang-upper"] == "customer — the customer hung up"
    assert fields["Agent"] == "李娜"
    assert fields["Duration"] == "15s"
    transfer = dict(event_fields(call.events[5], view_of(call)))
    assert transfer["TransferTo"] == "李娜"  # every details key
    waiting = dict(event_fields(call.events[2], view_of(call)))
    assert waiting["Duration"] == "~32s (until the next event)"


def test_event_fields_and_raw_json_are_inert() -> None:
    hostile = CallEvent(
        time=None,
        event="Talk",
        lane=Lane.AGENT,
        agent_name="[bold]x[/]\x1b[2J",
        details={"\x1b]52;c;aGk=\x07Key": "v\u202eal" + "x" * 5000},
        raw={"AgentName": "[bold]x[/]\x1b[2J", "Bidi": "\u202e", "C1": "\x9b31m", "中": 1},
    )
    fields = dict(event_fields(hostile))
    assert fields["Agent"] == "[bold]x[/]"
    assert fields["Time"] == "—"
    assert fields["Key"].startswith("valxxx") and fields["Key"].endswith("…")
    text = raw_json(hostile.raw)
    assert '"AgentName": "[bold]x[/]\\u001b[2J"' in text  # json escapes C0 itself
    assert "\u202e" not in text and "\x9b" not in text
    assert '"中": 1' in text  # not ASCII-escaped
    assert text.index('"AgentName"') < text.index('"Bidi"') < text.index('"C1"')  # sorted


def _static_text(static: Widget) -> str:
    return "\n".join(strip.text for strip in static.render_lines(static.region.reset_offset))


async def test_event_detail_toggles_raw_json() -> None:
    call = inbound_call()
    app = PanelHost(call)
    async with app.run_test(size=(100, 40)) as pilot:
        detail = app.query_one(EventDetail)
        raw = app.query_one("#event-detail-raw", Static)
        fields = app.query_one("#event-detail-fields")
        await pilot.pause()
        assert "No event selected." in _static_text(fields)
        detail.set_event(app.view.call.events[5])
        detail.focus()
        await pilot.pause()
        shown = _static_text(fields)
        assert "LaunchTransfer  转接" in shown
        assert "TransferTo" in shown and "李娜" in shown
        assert not raw.display
        await pilot.press("J")
        await pilot.pause()
        assert detail.show_raw
        assert raw.display
        assert '"TransferTo": "李娜"' in _static_text(raw)
        await pilot.press("J")
        await pilot.pause()
        assert not raw.display


@pytest.mark.parametrize("width", range(60, 141, 4))
def test_status_and_skill_group_show_whole_or_not_at_all(width: int) -> None:
    columns = {c.key: c for c in plan_columns(width, NATURAL)}
    for key in ("status", "skill"):
        if key in columns:
            assert columns[key].width >= min(NATURAL[key], 12), (width, key)
