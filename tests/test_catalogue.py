"""The event and SIP release-reason catalogue."""

from __future__ import annotations

import pytest

from ccc_tui.api.catalogue import (
    EVENTS,
    event_description,
    event_label,
    lane_of,
    parse_release_reason,
)
from ccc_tui.api.models import Lane, ReleaseReason


@pytest.mark.parametrize(
    ("raw", "code", "text", "explanation"),
    [
        (
            "487-Request Terminated",
            487,
            "Request Terminated",
            "the leg was cancelled before it was answered",
        ),
        ("486-Busy Here", 486, "Busy Here", "the called side was busy"),
        (
            "480-Temporarily Unavailable",
            480,
            "Temporarily Unavailable",
            "the called side was temporarily unavailable (phone off or out of coverage)",
        ),
        ("200-OK", 200, "OK", "the leg ended with a normal hang-up"),
        ("603-Decline", 603, "Decline", "the called side declined"),
        ("487", 487, "", "the leg was cancelled before it was answered"),
        (
            "  487 Request Terminated  ",
            487,
            "Request Terminated",
            "the leg was cancelled before it was answered",
        ),
        (
            "487:Request Terminated",
            487,
            "Request Terminated",
            "the leg was cancelled before it was answered",
        ),
        # Codes the table does not list fall back to their class.
        ("499-Something New", 499, "Something New", "the request failed at the far end"),
        ("299-Odd", 299, "Odd", "the leg completed normally"),
        ("399-Odd", 399, "Odd", "the leg was redirected"),
        ("599-Odd", 599, "Odd", "a server or carrier failed"),
        ("699-Odd", 699, "Odd", "the leg failed everywhere"),
        ("199-Trying", 199, "Trying", ""),
    ],
)
def test_sip_release_reasons(raw: str, code: int, text: str, explanation: str) -> None:
    assert parse_release_reason(raw) == ReleaseReason(
        raw=raw, sip_code=code, text=text, explanation=explanation
    )


@pytest.mark.parametrize(
    "raw",
    [
        "hung up by customer",
        "4871-Too Many Digits",  # four digits are not a SIP code
        "1234",
        "000-Nothing",
        "999-Out Of Range",
        "48-Short",
        "٤٨٧-Arabic-Indic digits",
        "-487",
        "\x1b[31m487",
        "SIP 487",
    ],
)
def test_text_that_is_not_a_sip_code_keeps_its_words(raw: str) -> None:
    reason = parse_release_reason(raw)
    assert reason == ReleaseReason(raw=raw, sip_code=None, text=raw.strip(), explanation="")


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_empty_release_reason_is_none(raw: str) -> None:
    assert parse_release_reason(raw) is None


@pytest.mark.parametrize(
    ("event", "event_type", "lane"),
    [
        ("EnterIVR", "", Lane.IVR),
        ("EnterQueue", "", Lane.QUEUE),
        ("AbandonedInQueue", "", Lane.QUEUE),
        ("Ring", "", Lane.AGENT),
        ("Dial", "", Lane.AGENT),
        # DetailData.EventType wins over the event's documented lane.
        ("Ring", "queue", Lane.QUEUE),
        ("EnterQueue", "agent", Lane.AGENT),
        ("Talk", "ivr", Lane.IVR),
        ("Talk", " IVR ", Lane.IVR),
        ("Talk", "Queue", Lane.QUEUE),
        # An EventType that is no lane does not hide the documented one.
        ("Talk", "mystery", Lane.AGENT),
        ("EnterIVR", "", Lane.IVR),
        # Unknown events.
        ("BrandNewEvent", "", Lane.OTHER),
        ("", "", Lane.OTHER),
        ("ring", "", Lane.OTHER),  # event codes are case-sensitive
        ("BrandNewEvent", "agent", Lane.AGENT),
    ],
)
def test_lane_of(event: str, event_type: str, lane: Lane) -> None:
    assert lane_of(event, event_type) is lane


def test_every_documented_event_is_catalogued_in_its_lane() -> None:
    documented = {
        Lane.IVR: ["EnterIVR"],
        Lane.QUEUE: [
            "EnterQueue",
            "ACDOverflow",
            "AbandonedRing",
            "NormalEnd",
            "AbandonedInQueue",
            "WaitingInQueue",
        ],
        Lane.AGENT: [
            "Ring",
            "Talk",
            "GiveUp",
            "End",
            "Handle",
            "CallForHelp",
            "CallForHelpSuccess",
            "SetUpMeeting",
            "Dial",
            "LaunchTransfer",
        ],
    }
    documented_2020 = {
        Lane.IVR: ["Route2IVR", "IVRException"],
        Lane.QUEUE: [
            "Enqueue",
            "AssignAgent",
            "QueuingTimeout",
            "QueueingTimeout",
            "QueuingOverflow",
            "QueuingFailed",
        ],
        Lane.AGENT: [
            "AgentRinging",
            "Dialing",
            "Established",
            "Held",
            "Retrieved",
            "BlindTransfer",
            "AttendedTransfer",
            "Released",
        ],
        Lane.CUSTOMER: ["Incoming", "Ringing"],
    }
    for lane, events in documented_2020.items():
        documented.setdefault(lane, []).extend(events)
    assert sorted(EVENTS) == sorted(e for events in documented.values() for e in events)
    for lane, events in documented.items():
        for event in events:
            assert lane_of(event) is lane
            assert event_description(event)
            assert event_label(event, "zh-CN") != event


def test_labels() -> None:
    assert event_label("Dial") == "Dial"
    assert event_label("Dial", "zh") == "拨号"
    assert event_label("Unknown", "zh") == "Unknown"
    assert event_description("Unknown") == ""


def test_enumerated_values_get_plain_words_and_unknown_ones_stay_as_sent() -> None:
    from ccc_tui.api.catalogue import value_meaning

    assert value_meaning("HangUper", "byeSystem").startswith("byeSystem — the system ended the leg")
    assert value_meaning("Status", "Handling") == (
        "Handling — after-call work (wrap-up), the customer is gone"
    )
    assert value_meaning("HangUper", "someoneElse") == "someoneElse"
    assert value_meaning("HangUper", "") == ""
    assert value_meaning("Nope", "x") == "x"


def test_not_exist_record_is_explained_for_the_action_that_got_it() -> None:
    """The events call used to be told about a recording."""
    from ccc_tui.api.errors import hint_for

    events = hint_for("NotExist.Record", "ListCallEventDetailByContactId")
    assert "recording" not in events and "ContactId" in events
    assert "recording" in hint_for("NotExist.Record", "DownloadRecording")
    assert "<" not in hint_for("NotExist.Record")
