"""Named calls for tests, docs and demos: their contact ids and when each happens.

The generated ids carry a check digit these fail, so a showcase id can never collide with a
generated one. Cheap to import: the CLI lists these names without loading the data set.

Besides single calls it names an incident (`INCIDENT`): a stretch of the same day when one queue
abandons most of its calls, and a repeat caller caught in it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from ccc_tui.emulator.constants import CST
from ccc_tui.emulator.ids import job_id
from ccc_tui.emulator.seeds import SEED_EVENTS_CONTACT_ID, SEED_RECORDING_CONTACT_ID

SHOWCASE: dict[str, str] = {
    "seed_outbound": SEED_EVENTS_CONTACT_ID,
    "seed_recording": SEED_RECORDING_CONTACT_ID,
    "inbound_success": "2504107725",
    "inbound_transfer": "2504318862",
    "abandoned_in_queue": "2504417305",
    "abandoned_ring": "2504520981",
    "overflow": "2504638847",
    "call_for_help": "2504712263",
    "outbound_dial": "2504803516",
    "outbound_no_answer": "2504856124",
    "meeting": "2504911734",
    "privacy_dial": "2504937408",
    "huge": "2504999010",
    "hostile": "2505066613",
}

# showcase scenario -> (builder, CST time of day as "HH:MM:SS" on the anchor's previous day)
SHOWCASE_PLAN: dict[str, tuple[str, str]] = {
    "inbound_success": ("inbound", "09:12:31"),
    "inbound_transfer": ("transfer", "09:47:05"),
    "abandoned_in_queue": ("abandoned_in_queue", "10:03:44"),
    "abandoned_ring": ("abandoned_ring", "10:21:17"),
    "overflow": ("overflow_end", "11:02:58"),
    "call_for_help": ("call_for_help", "11:30:09"),
    "outbound_dial": ("outbound", "14:05:40"),
    "outbound_no_answer": ("outbound_no_answer", "14:18:22"),
    "meeting": ("meeting", "15:26:03"),
    "privacy_dial": ("privacy", "16:40:51"),
    "huge": ("huge", "08:30:00"),
    "hostile": ("hostile", "17:13:13"),
}


# The 2.0 instance (API 2020-07-01) serves the same calls under job-style ids (`ids.job_id`), and
# one call of its own: a customer's call that died in an IVR node minutes after its flow was
# published (a 2017-style id that fails the check digit, so no 2017 call has it).
IVR_FAILURE_ID = "2505180017"
IVR_FAILURE_PLAN = ("ivr_abandon", "10:52:40")  # (the scenario it is built from, CST clock)
IVR_FAILURE_PUBLISHED = "10:46:05"  # CST: when the flow's new version was published
SHOWCASE_2020: dict[str, str] = {
    **{name: job_id(cid) for name, cid in SHOWCASE.items()},
    "ivr_failure": job_id(IVR_FAILURE_ID),
}


class Incident(NamedTuple):
    """A stretch of the showcase day when one queue abandons most of its calls."""

    skill_group: str  # the queue's name (a skill group of the demo instance)
    start: str  # CST "HH:MM" on the anchor's previous day, like the showcase calls
    minutes: int
    caller: str  # a repeat caller caught in it
    caller_calls: tuple[tuple[str, str], ...]  # (scenario, CST "HH:MM:SS") of the caller's calls


# From 10:05 for 75 minutes the complaints line (投诉处理组) abandons most calls: callers give up
# in the queue or are overflowed out of it. The incident brings more calls than usual, some from
# the same people calling back within minutes. One of them calls three times and gives up each
# time; the complaints team calls them back after the incident.
INCIDENT = Incident(
    skill_group="投诉处理组",
    start="10:05",
    minutes=75,
    caller="13957106245",
    caller_calls=(
        ("abandoned_in_queue", "10:12:08"),
        ("overflow_end", "10:24:51"),
        ("abandoned_in_queue", "10:37:30"),
        ("outbound", "11:46:02"),
    ),
)


def showcase_day(anchor: datetime) -> date:
    """The day the showcase calls and the incident happen: the anchor's previous day, in CST."""
    return (anchor - timedelta(days=1)).astimezone(CST).date()


def at_cst(day: date, clock: str) -> datetime:
    """A CST time of day ("HH:MM" or "HH:MM:SS") on `day`."""
    h, m, s = (int(x) for x in (clock + ":00")[:8].split(":"))
    return datetime(day.year, day.month, day.day, h, m, s, tzinfo=CST)


def incident_window(anchor: datetime) -> tuple[datetime, datetime]:
    """When the incident starts and ends, for a data set with this anchor."""
    start = at_cst(showcase_day(anchor), INCIDENT.start)
    return start, start + timedelta(minutes=INCIDENT.minutes)
