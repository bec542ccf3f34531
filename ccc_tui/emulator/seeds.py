"""The example responses of the two API pages, verbatim (key order included).

ListCallEventDetailByContactId's `Data` and ListRecordingsByContactId's only recording, with their
contact and request ids. The emulator serves these exactly as the pages show them.
"""

from __future__ import annotations

from typing import Any

SEED_EVENTS_CONTACT_ID = "1096645650"
SEED_EVENTS_REQUEST_ID = "7BEEA660-A45A-45E3-98CC-AFC65E715C23"
SEED_EVENTS_DATA: dict[str, Any] = {
    "Caller": "80315543",
    "Callee": "13501215646",
    "CallType": "Outbound",
    "ReleaseAgent": "agent",
    "ReleaseReason": "487-Request Terminated",
    "Events": {
        "CallEventDetail": [
            {
                "TimeStamp": "1555492246000",
                "Status": "Dialing",
                "AgentName": "cloudcallcenter",
                "Event": "Dial",
                "Duration": 9,
                "DetailData": {"EventType": "agent"},
                "CallMode": "Outbound",
            },
            {
                "TimeStamp": "1555492259000",
                "Status": "Handling",
                "AgentName": "cloudcallcenter",
                "Event": "End",
                "Duration": 16,
                "DetailData": {"HangUper": "byeSystem", "EventType": "agent"},
                "CallMode": "Outbound",
            },
            {
                "TimeStamp": "1555492259000",
                "AgentName": "cloudcallcenter",
                "Event": "Handle",
                "Duration": 0,
                "DetailData": {"EventType": "agent"},
                "CallMode": "Outbound",
            },
        ]
    },
    "StartTime": "1555492246000",
}

SEED_RECORDING_CONTACT_ID = "2020927020"
SEED_RECORDINGS_REQUEST_ID = "0997CE25-94D3-41DE-8C7A-E6FCFD8C01E0"
SEED_RECORDING: dict[str, Any] = {
    "FileDescription": "20180711125511-小芳",
    "AgentName": "小芳",
    "CalledNumber": "15588886666",
    "CallingNumber": "80327683",
    "FileName": "153128491143400080327683.wav",
    "Duration": 10,
    "ContactId": "2020927020",
    "StartTime": 1531284911000,
    "AgentId": "293939422320312215",
    "ContactType": "Outbound",
}
