"""The hostile server's text and dates through the app itself (Pilot): nothing crashes, nothing
in its words is taken as markup, the rest of the call still shows."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.client import CccClient, RetryPolicy
from ccc_tui.calls.history import HistoryStore
from ccc_tui.profiles.context import AppContext
from ccc_tui.tui.app import CccApp
from ccc_tui.tui.screens.call import CallScreen

MARKUP = "[/x] [@click=app.quit]quit[/] [bold red]boom"


def _app(tmp_path: Path, answer: Any) -> CccApp:
    def handler(request: httpx.Request) -> httpx.Response:
        return answer(request)

    client = CccClient(
        AccessKey("LTAI-hostile-0001", Secret("not-a-secret")),
        endpoint="https://ccc.cn-shanghai.aliyuncs.com",
        instance_id="inst-1",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(attempts=1),
    )
    context = AppContext(instance_id="inst-1", label="hostile · cn-shanghai")
    return CccApp(
        client=client,
        store=HistoryStore(tmp_path / "history.sqlite3"),
        context=context,
        initial_contact="1096645650",
    )


async def _settle(app: CccApp, pilot: Any, done: Any) -> None:
    deadline = time.monotonic() + 10
    while not done():
        assert time.monotonic() < deadline
        await pilot.pause(0.05)


async def test_an_error_message_full_of_markup_is_shown_literally(tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = {"Code": "Hostile.Failure", "Message": MARKUP, "RequestId": "[b]id[/b]"}
        return httpx.Response(400, json=body)

    app = _app(tmp_path, answer)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot, lambda: app._notifications and isinstance(app.screen, CallScreen))
        for _ in range(3):  # let the toast render: that is where markup is parsed
            await pilot.pause(0.1)
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.state == "failed"
        hostile = [n for n in app._notifications if "[/x]" in str(n.message)]
        assert hostile and "Hostile.Failure" in str(hostile[0].message)
        # Rendered as plain text: with markup on, "[/x]" is a MarkupError in the toast's render
        # and "@click" a live action link.
        assert all(n.markup is False for n in hostile)
        assert app.is_running  # a MarkupError would have ended it; @click=app.quit did not fire


async def test_a_call_with_times_at_the_edge_of_datetime_still_shows(tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        if form.get("Action") == "ListRecordingsByContactId":
            return httpx.Response(200, json={"Success": True, "Recordings": {"Recording": []}})
        events = [
            {"TimeStamp": "9999-12-31T23:59:30+00:00", "Event": "Talk", "Duration": "60",
             "AgentName": MARKUP, "DetailData": {"EventType": "agent"}},
            {"TimeStamp": "0001-01-01T00:00:30+00:00", "Event": "EnterIVR",
             "DetailData": {"EventType": "ivr"}},
        ]  # fmt: skip
        data = {"StartTime": "9999-12-31T23:00:00+00:00", "Caller": "138", "Callee": "400",
                "Events": {"CallEventDetail": events}}  # fmt: skip
        return httpx.Response(200, content=json.dumps({"Success": True, "Data": data}))

    app = _app(tmp_path, answer)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(
            app, pilot, lambda: isinstance(app.screen, CallScreen) and app.screen.state == "ready"
        )
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.call is not None
        assert [e.time for e in screen.call.events] == [None, None]
        await pilot.press("z")  # another zone: still nothing to overflow
        await pilot.pause()
        assert app.is_running
