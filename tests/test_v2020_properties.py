"""Property tests: whatever a 2020-07-01 server sends, the adapter returns a model or raises a
CccError. Bodies are the realistic samples of test_v2020 mutated (keys dropped, types swapped,
lists wrapped and unwrapped, junk inserted) or generated from the 2.0 keys, then pushed through
raise_for_error and every parse_* function, and each result checked against the model."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccc_tui.api import errors, v2020
from ccc_tui.api.models import Call, CallFacts, Instance, IvrNode, Lane, Page, Recording
from ccc_tui.calls.outcome import outcome_of
from tests.test_v2017_properties import JSON_JUNK, PY_JUNK, _mutate
from tests.test_v2020 import (
    CALL_BODY,
    CDR_LIST_BODY,
    GET_INSTANCE_BODY,
    GET_MONO_BODY,
    INSTANCES_BODY,
    IVR_2017_BODY,
    IVR_BODY,
    MONO_BODY,
    MULTI_BODY,
)

FAST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEEDS = [
    CALL_BODY,
    CDR_LIST_BODY,
    MONO_BODY,
    MULTI_BODY,
    GET_MONO_BODY,
    IVR_BODY,
    IVR_2017_BODY,
    INSTANCES_BODY,
    GET_INSTANCE_BODY,
]
KEYS_2020 = [
    "Data",
    "Code",
    "HttpStatusCode",
    "Message",
    "RequestId",
    "List",
    "TotalCount",
    "PageSize",
    "AgentEvents",
    "CdrAgentEvents",
    "IvrEvents",
    "QueueEvents",
    "CustomerEvents",
    "EventSequence",
    "Event",
    "EventTime",
    "Duration",
    "FileUrl",
    "HoldTimeSegments",
    "NodeVariables",
    "ChannelVariables",
    "CallIds",
    "Id",
]
OLDEST, NEWEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


@st.composite
def mutated(draw: Callable[..., Any]) -> Any:
    return _mutate(draw, copy.deepcopy(draw(st.sampled_from(SEEDS))), PY_JUNK, 0)


@st.composite
def generated(draw: Callable[..., Any]) -> Any:
    data = draw(st.dictionaries(st.sampled_from(KEYS_2020), JSON_JUNK, max_size=8))
    return {"Code": "OK", "Data": data} if draw(st.booleans()) else data


def _time_ok(moment: datetime | None) -> None:
    assert moment is None or (moment.tzinfo is UTC and OLDEST <= moment < NEWEST)


def _texts(obj: object, *names: str) -> None:
    for name in names:
        assert isinstance(getattr(obj, name), str), name


def check_call(call: Call) -> None:
    assert isinstance(call, Call)
    _texts(call, "contact_id", "caller", "callee", "direction", "release_agent")
    _time_ok(call.start)
    timed = [e.time for e in call.events if e.time is not None]
    assert timed == sorted(timed)
    assert all(e.time is not None for e in call.events[: len(timed)])
    for event in call.events:
        assert isinstance(event.lane, Lane) and isinstance(event.event, str)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in event.details.items())
        assert event.duration is None or event.duration >= 0
    if call.record is not None:
        assert isinstance(call.record, CallFacts)
        assert all(isinstance(i, str) and i for i in call.record.call_ids)
        _time_ok(call.record.established)
    outcome_of(call).line()  # never raises


def check_recording(recording: Recording) -> None:
    _texts(recording, "file_name", "url", "channel", "agent_name")
    _time_ok(recording.start)
    for start, end in recording.hold_segments:
        assert start <= end


def check_page(page: Page[Any]) -> None:
    assert page.page_size >= 1 and page.page_number >= 1
    assert page.total is None or page.total >= len(page.items)
    page.has_more  # noqa: B018 - a property that must not raise


def exercise(body: Any) -> None:
    with contextlib.suppress(errors.CccError):
        v2020.raise_for_error(body, http_status=None, action="GetCallDetailRecord")
    for parse in (
        lambda b: check_call(v2020.parse_call(b, "job-1")),
        lambda b: check_page(v2020.parse_call_records(b, page_number=1, page_size=10)),
        lambda b: [check_recording(r) for r in v2020.parse_recordings(b)],
        lambda b: v2020.parse_download_link(b).url.startswith("http"),
        lambda b: check_page(v2020.parse_ivr_nodes(b, page_number=2, page_size=5)),
        lambda b: check_page(v2020.parse_instances(b, page_number=1, page_size=10)),
        lambda b: isinstance(v2020.parse_instance(b), Instance),
    ):
        with contextlib.suppress(errors.CccError):
            parse(body)


@FAST
@given(mutated())
def test_mutated_bodies_give_a_model_or_a_ccc_error(body: Any) -> None:
    exercise(body)


@FAST
@given(generated())
def test_generated_bodies_give_a_model_or_a_ccc_error(body: Any) -> None:
    exercise(body)


@FAST
@given(st.one_of(PY_JUNK, st.lists(PY_JUNK, max_size=3)))
def test_non_objects_give_a_ccc_error(body: Any) -> None:
    exercise(body)


@FAST
@given(mutated())
def test_ivr_nodes_keep_string_variables(body: Any) -> None:
    try:
        page = v2020.parse_ivr_nodes(body, page_number=1, page_size=10)
    except errors.CccError:
        return
    for node in page.items:
        assert isinstance(node, IvrNode)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in node.variables.items())
        _time_ok(node.enter)
        _time_ok(node.leave)
