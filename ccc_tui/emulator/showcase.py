"""Named calls for tests, docs and demos: their contact ids and when each happens.

The generated ids carry a check digit these fail, so a showcase id can never collide with a
generated one. Cheap to import: the CLI lists these names without loading the data set.
"""

from __future__ import annotations

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
