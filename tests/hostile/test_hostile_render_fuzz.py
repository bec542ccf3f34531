"""Past the parser: every renderer, given whatever the adapter accepts.

The audit's crashes were all after parsing (times near datetime's limits shown in a zone, time plus
duration overflowing). Bodies are generated with times across the whole `datetime` range, in every
spelling the adapter reads, with durations from nothing to absurd and hostile text; each call then
goes through the outcome, the phase analysis, the text / Markdown / JSON renderers, the export
files and the call screen's summary and detail, in several zones. Nothing but CccError may escape,
and only from the parser.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccc_tui.api import v2017
from ccc_tui.api.errors import CccError
from ccc_tui.calls.export import render_json_line, render_markdown, render_text
from ccc_tui.calls.export_files import export_call
from ccc_tui.calls.outcome import conflict, outcome_of, release_line
from ccc_tui.calls.view import CallView
from ccc_tui.tui.widgets.call_summary import summary_text
from ccc_tui.tui.widgets.event_detail import event_fields

ZONES = [
    None,
    UTC,
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("Pacific/Kiritimati"),
    timezone(timedelta(hours=-12)),
    timezone(timedelta(hours=14)),
]
EVENTS = ["EnterIVR", "EnterQueue", "WaitingInQueue", "AbandonedInQueue", "Ring", "Talk",
          "LaunchTransfer", "End", "Handle", "ACDOverflow", "AbandonedRing", "Dial",
          "CallForHelp", "SetUpMeeting", "Boom\x1b[31m", "", "GiveUp"]  # fmt: skip

moments = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), timezones=st.just(UTC)),
    # The edges, where a zone's offset or a duration steps out of datetime's range.
    st.sampled_from(
        [
            datetime(9999, 12, 31, 23, 59, 30, tzinfo=UTC),
            datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
            datetime(1, 1, 1, 0, 0, 30, tzinfo=UTC),
            datetime(1, 1, 1, 13, 0, tzinfo=UTC),
        ]
    ),
)


@st.composite
def time_values(draw: st.DrawFn) -> Any:
    moment: datetime = draw(moments)
    ms = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    return draw(
        st.sampled_from(
            [
                ms,
                str(ms),
                ms // 1000,
                ms * 1000,
                float(ms),
                moment.isoformat(),
                moment.isoformat().replace("+00:00", "+14:00"),
                moment.replace(tzinfo=None).isoformat(),  # no zone: refused
                None,
                "",
                "soon",
                -ms,
            ]
        )
    )


texts = st.one_of(
    st.sampled_from(["", "李娜", "[bold red]x[/]", "\x1b]52;c;aGk=\x07", "\u202eevil", "\x9b31m"]),
    st.text(max_size=30),
)
durations = st.one_of(
    st.none(), st.integers(-10, 10**12), st.sampled_from(["60", "1e9", "NaN", "-5", ""])
)


@st.composite
def bodies(draw: st.DrawFn) -> dict[str, Any]:
    events = [
        {
            "TimeStamp": draw(time_values()),
            "Event": draw(st.sampled_from(EVENTS)),
            "Duration": draw(durations),
            "AgentName": draw(texts),
            "Status": draw(texts),
            "CallMode": draw(st.sampled_from(["Inbound", "Outbound", "", "weird"])),
            "DetailData": {
                "EventType": draw(st.sampled_from(["ivr", "queue", "agent", "", "x"])),
                "SkillGroup": draw(texts),
                "HangUper": draw(st.sampled_from(["byeSystem", "customer", "", "[/x]"])),
            },
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    return {
        "Data": {
            "StartTime": draw(time_values()),
            "Caller": draw(texts),
            "Callee": draw(texts),
            "CallType": draw(st.sampled_from(["Inbound", "Outbound", ""])),
            "ReleaseAgent": draw(st.sampled_from(["customer", "agent", "", "system"])),
            "ReleaseReason": draw(
                st.sampled_from(["200-OK", "487-Request Terminated", "", "999-x", "[/x]"])
            ),
            "Events": {"CallEventDetail": events},
        }
    }


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(body=bodies(), zone=st.sampled_from(ZONES), language=st.sampled_from(["en", "zh"]))
def test_every_renderer_takes_whatever_the_adapter_accepts(
    body: dict[str, Any], zone: Any, language: str, tmp_path: Path
) -> None:
    try:
        call = v2017.parse_call(body, "1096645650")
    except CccError:
        return
    outcome = outcome_of(call)
    outcome.line(language)
    json.dumps(outcome.to_dict())
    release_line(call)
    conflict(call, outcome)
    render_text(call, tz=zone, language=language)
    render_markdown(call, tz=zone, language=language)
    json.loads(render_json_line(call))
    view = CallView.of(call, tz=zone, language=language)
    for wide in (True, False):
        summary_text(view, wide=wide)
    for event in call.events:
        event_fields(event, view)
    export_call(call, tmp_path / "exports", tz=zone, language=language)
