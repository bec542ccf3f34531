"""The seed examples are the API pages' own: the shared texts match the pages, and the emulator's
seeds match the texts, key order included, so the emulator serves the examples verbatim."""

from __future__ import annotations

import pytest

from ccc_tui.emulator.seeds import (
    SEED_EVENTS_CONTACT_ID,
    SEED_EVENTS_DATA,
    SEED_EVENTS_REQUEST_ID,
    SEED_RECORDING,
    SEED_RECORDING_CONTACT_ID,
    SEED_RECORDINGS_REQUEST_ID,
)
from tests.seeds import (
    SEED_EVENTS_BODY,
    SEED_EVENTS_JSON,
    SEED_EVENTS_XML,
    SEED_RECORDING_MODEL,
    SEED_RECORDINGS_BODY,
    SEED_RECORDINGS_JSON,
    SEED_RECORDINGS_XML,
    page_examples,
)
from tests.test_emulator_protocol import key_order


@pytest.mark.parametrize(
    ("action", "xml", "json_text"),
    [
        ("ListCallEventDetailByContactId", SEED_EVENTS_XML, SEED_EVENTS_JSON),
        ("ListRecordingsByContactId", SEED_RECORDINGS_XML, SEED_RECORDINGS_JSON),
    ],
)
def test_the_texts_are_the_pages_examples(action: str, xml: str, json_text: str) -> None:
    examples = page_examples(action)
    if examples is None:
        pytest.skip("the API pages are not beside the project")
    request, page_xml, page_json = examples
    assert f"Action={action}" in request
    assert page_xml == xml
    assert page_json == json_text


def test_the_emulator_seeds_are_the_examples() -> None:
    events = SEED_EVENTS_BODY["Data"]
    assert events == SEED_EVENTS_DATA
    assert key_order(SEED_EVENTS_DATA) == key_order(events)
    assert SEED_EVENTS_BODY["RequestId"] == SEED_EVENTS_REQUEST_ID
    recording = SEED_RECORDINGS_BODY["Recordings"]["Recording"][0]
    assert recording == SEED_RECORDING
    assert key_order(SEED_RECORDING) == key_order(recording)
    assert SEED_RECORDINGS_BODY["RequestId"] == SEED_RECORDINGS_REQUEST_ID
    assert SEED_RECORDING["ContactId"] == SEED_RECORDING_CONTACT_ID
    assert SEED_EVENTS_CONTACT_ID == "1096645650"


def test_the_recording_model_is_the_example() -> None:
    raw = SEED_RECORDINGS_BODY["Recordings"]["Recording"][0]
    model = SEED_RECORDING_MODEL
    assert (model.file_name, model.contact_id, model.agent_id) == (
        raw["FileName"],
        raw["ContactId"],
        raw["AgentId"],
    )
    assert model.start is not None and int(model.start.timestamp() * 1000) == raw["StartTime"]
    assert model.duration == raw["Duration"] and model.description == raw["FileDescription"]
