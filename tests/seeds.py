"""The two seed examples every test shares: the API pages' example responses, verbatim.

`ListCallEventDetailByContactId` and `ListRecordingsByContactId` document one JSON and one XML
response each. The texts below are those examples exactly; the bodies are the JSON parsed (fresh
copies from the functions, shared objects in the constants: do not mutate those). `test_seeds.py`
checks the texts against the pages themselves (`../shared/seeds/*.md` beside the project) and the
emulator's `ccc_tui.emulator.seeds` against the texts, so the examples are served verbatim.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ccc_tui.api.models import Recording

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

SEED_EVENTS_JSON = """{
    "Data":{
        "Caller":"80315543",
        "Callee":"13501215646",
        "CallType":"Outbound",
        "ReleaseAgent":"agent",
        "ReleaseReason":"487-Request Terminated",
        "Events":{
            "CallEventDetail":[
                {
                    "TimeStamp":"1555492246000",
                    "Status":"Dialing",
                    "AgentName":"cloudcallcenter",
                    "Event":"Dial",
                    "Duration":9,
                    "DetailData":{
                        "EventType":"agent"
                    },
                    "CallMode":"Outbound"
                },
                {
                    "TimeStamp":"1555492259000",
                    "Status":"Handling",
                    "AgentName":"cloudcallcenter",
                    "Event":"End",
                    "Duration":16,
                    "DetailData":{
                        "HangUper":"byeSystem",
                        "EventType":"agent"
                    },
                    "CallMode":"Outbound"
                },
                {
                    "TimeStamp":"1555492259000",
                    "AgentName":"cloudcallcenter",
                    "Event":"Handle",
                    "Duration":0,
                    "DetailData":{
                        "EventType":"agent"
                    },
                    "CallMode":"Outbound"
                }
            ]
        },
        "StartTime":"1555492246000"
    },
    "HttpStatusCode":200,
    "RequestId":"7BEEA660-A45A-45E3-98CC-AFC65E715C23",
    "Success":true,
    "Code":"OK"
}"""

SEED_EVENTS_XML = """<ListCallEventDetailByContactIdResponse>
      <Data>
            <Caller>80315543</Caller>
            <Callee>13501215646</Callee>
            <CallType>Outbound</CallType>
            <ReleaseAgent>agent</ReleaseAgent>
            <ReleaseReason>487-Request Terminated</ReleaseReason>
            <Events>
                  <CallEventDetail>
                        <TimeStamp>1555492246000</TimeStamp>
                        <Status>Dialing</Status>
                        <AgentName>cloudcallcenter</AgentName>
                        <Event>Dial</Event>
                        <Duration>9</Duration>
                        <DetailData>
                              <EventType>agent</EventType>
                        </DetailData>
                        <CallMode>Outbound</CallMode>
                  </CallEventDetail>
                  <CallEventDetail>
                        <TimeStamp>1555492259000</TimeStamp>
                        <Status>Handling</Status>
                        <AgentName>cloudcallcenter</AgentName>
                        <Event>End</Event>
                        <Duration>16</Duration>
                        <DetailData>
                              <HangUper>byeSystem</HangUper>
                              <EventType>agent</EventType>
                        </DetailData>
                        <CallMode>Outbound</CallMode>
                  </CallEventDetail>
                  <CallEventDetail>
                        <TimeStamp>1555492259000</TimeStamp>
                        <AgentName>cloudcallcenter</AgentName>
                        <Event>Handle</Event>
                        <Duration>0</Duration>
                        <DetailData>
                              <EventType>agent</EventType>
                        </DetailData>
                        <CallMode>Outbound</CallMode>
                  </CallEventDetail>
            </Events>
            <StartTime>1555492246000</StartTime>
      </Data>
      <HttpStatusCode>200</HttpStatusCode>
      <RequestId>7BEEA660-A45A-45E3-98CC-AFC65E715C23</RequestId>
      <Success>true</Success>
      <Code>OK</Code>
</ListCallEventDetailByContactIdResponse>"""

SEED_RECORDINGS_JSON = """{
    "HttpStatusCode":200,
    "Recordings":{
        "Recording":[
            {
                "FileDescription":"20180711125511-小芳",
                "AgentName":"小芳",
                "CalledNumber":"15588886666",
                "CallingNumber":"80327683",
                "FileName":"153128491143400080327683.wav",
                "Duration":10,
                "ContactId":"2020927020",
                "StartTime":1531284911000,
                "AgentId":"293939422320312215",
                "ContactType":"Outbound"
            }
        ]
    },
    "RequestId":"0997CE25-94D3-41DE-8C7A-E6FCFD8C01E0",
    "Success":true,
    "Code":"OK"
}"""

SEED_RECORDINGS_XML = """<ListRecordingsByContactIdResponse>
      <HttpStatusCode>200</HttpStatusCode>
      <Recordings>
            <Recording>
                  <FileDescription>20180711125511-小芳</FileDescription>
                  <AgentName>小芳</AgentName>
                  <CalledNumber>15588886666</CalledNumber>
                  <CallingNumber>80327683</CallingNumber>
                  <FileName>153128491143400080327683.wav</FileName>
                  <Duration>10</Duration>
                  <ContactId>2020927020</ContactId>
                  <StartTime>1531284911000</StartTime>
                  <AgentId>293939422320312215</AgentId>
                  <ContactType>Outbound</ContactType>
            </Recording>
      </Recordings>
      <RequestId>0997CE25-94D3-41DE-8C7A-E6FCFD8C01E0</RequestId>
      <Success>true</Success>
      <Code>OK</Code>
</ListRecordingsByContactIdResponse>"""

SEED_EVENTS_BODY: dict[str, Any] = json.loads(SEED_EVENTS_JSON)
SEED_RECORDINGS_BODY: dict[str, Any] = json.loads(SEED_RECORDINGS_JSON)

# The seed recording as the client's model: 12:55:11 in Shanghai.
SEED_RECORDING_MODEL = Recording(
    file_name="153128491143400080327683.wav",
    contact_id="2020927020",
    description="20180711125511-小芳",
    agent_id="293939422320312215",
    agent_name="小芳",
    calling_number="80327683",
    called_number="15588886666",
    contact_type="Outbound",
    start=datetime(2018, 7, 11, 4, 55, 11, tzinfo=UTC),  # 1531284911000 ms
    duration=10,
)


def seed_events_body() -> dict[str, Any]:
    """A fresh copy of the ListCallEventDetailByContactId example, free to mutate."""
    return copy.deepcopy(SEED_EVENTS_BODY)


def seed_recordings_body() -> dict[str, Any]:
    """A fresh copy of the ListRecordingsByContactId example, free to mutate."""
    return copy.deepcopy(SEED_RECORDINGS_BODY)


def page_examples(action: str) -> list[str] | None:
    """The code blocks of the API page for `action` after its example heading (request, XML,
    JSON), or None when the pages are not beside the project."""
    page = PAGES / f"{action}.md"
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8")
    examples = text[text.index("## 示例") :]
    return [block.strip("\n") for block in examples.split("```")[1::2]]
