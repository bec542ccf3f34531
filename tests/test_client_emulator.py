"""The real client against the emulator: in-process (ASGI) and over a loopback socket (uvicorn)."""

from __future__ import annotations

import asyncio
import wave
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.client import CccClient, RetryPolicy
from ccc_tui.api.errors import (
    AuthenticationError,
    ClockSkewError,
    InstanceNotFoundError,
    MalformedResponseError,
    NotFoundError,
    ServerError,
    ThrottlingError,
)
from ccc_tui.api.models import Lane
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.faults import Faults
from ccc_tui.emulator.server import running_emulator
from ccc_tui.emulator.showcase import SHOWCASE
from ccc_tui.profiles.demo import demo_client, demo_credentials

ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with running_emulator(anchor=ANCHOR) as url:
        yield url


def socket_client(url: str, **kw: object) -> CccClient:
    return CccClient(
        kw.pop("credentials", demo_credentials()),  # type: ignore[arg-type]
        endpoint=url,
        instance_id=DEMO_INSTANCE_ID,
        **kw,  # type: ignore[arg-type]
    )


async def test_seed_outbound_call_in_process() -> None:
    async with demo_client(anchor=ANCHOR) as client:
        call = await client.get_call(SHOWCASE["seed_outbound"])
    assert (call.caller, call.callee, call.direction) == ("80315543", "13501215646", "Outbound")
    assert [e.event for e in call.events] == ["Dial", "End", "Handle"]
    assert call.events[1].hang_upper == "byeSystem"
    assert call.release_reason is not None and call.release_reason.sip_code == 487
    assert call.start == datetime(2019, 4, 17, 9, 10, 46, tzinfo=UTC)


async def test_seed_recording_and_wav_download_over_a_real_socket(
    emulator_url: str, tmp_path: Path
) -> None:
    async with socket_client(emulator_url) as client:
        recordings = await client.list_recordings(SHOWCASE["seed_recording"])
        (rec,) = recordings
        assert rec.file_name == "153128491143400080327683.wav"
        assert rec.agent_name == "小芳"
        assert rec.start == datetime(2018, 7, 11, 4, 55, 11, tzinfo=UTC)
        link = await client.get_download_link(rec.file_name)
        assert link.url.startswith(emulator_url) and '"' not in link.url
        sink = BytesIO()
        await client.stream_download(link.url, sink)
    with wave.open(BytesIO(sink.getvalue())) as wav:
        assert wav.getnframes() > 0


async def test_transfer_call_has_all_lanes_and_several_recordings(emulator_url: str) -> None:
    async with socket_client(emulator_url) as client:
        call = await client.get_call(SHOWCASE["inbound_transfer"])
    lanes = {e.lane for e in call.events}
    assert {Lane.IVR, Lane.QUEUE, Lane.AGENT} <= lanes
    assert "LaunchTransfer" in {e.event for e in call.events}
    assert len(call.recordings) >= 2
    times = [e.time for e in call.events if e.time]
    assert times == sorted(times)


async def test_unknown_contact_is_empty_not_an_error(emulator_url: str) -> None:
    async with socket_client(emulator_url) as client:
        call = await client.get_call("no-such-contact")
    assert call.is_empty


async def test_wrong_secret_is_rejected_with_the_hint(emulator_url: str) -> None:
    bad = AccessKey("demo-access-key-id", Secret("not-the-secret"))
    async with socket_client(emulator_url, credentials=bad) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.get_call_events("1096645650")
    assert info.value.code == "SignatureDoesNotMatch"
    assert info.value.request_id
    assert "secret" in info.value.hint


async def test_unknown_key_and_unknown_instance(emulator_url: str) -> None:
    stranger = AccessKey("nobody-key-id-000", Secret("x"))
    async with socket_client(emulator_url, credentials=stranger) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.list_instances()
    assert info.value.code.startswith("InvalidAccessKeyId")
    async with socket_client(emulator_url) as client:
        with pytest.raises(InstanceNotFoundError):
            await client.get_call_events("1096645650", instance_id="no-such-instance")


async def test_clock_off_by_20_minutes_is_a_clock_skew_error() -> None:
    late = lambda: datetime.now(UTC) + timedelta(minutes=20)  # noqa: E731
    async with demo_client(anchor=ANCHOR, clock=late) as client:
        with pytest.raises(ClockSkewError) as info:
            await client.get_call_events("1096645650")
    assert "clock" in info.value.hint


async def test_instances_and_call_detail_records(emulator_url: str) -> None:
    async with socket_client(emulator_url) as client:
        instances = await client.list_instances()
        assert DEMO_INSTANCE_ID in {i.instance_id for i in instances}
        instance = await client.get_instance()
        assert instance.instance_id == DEMO_INSTANCE_ID
        page = await client.list_call_detail_records(
            start=ANCHOR - timedelta(days=2), stop=ANCHOR, page_size=50
        )
    assert page.page_number == 1 and len(page.items) == 50
    assert page.total is not None and page.total > 50
    assert page.has_more


async def test_missing_recording_is_not_found(emulator_url: str) -> None:
    async with socket_client(emulator_url) as client:
        with pytest.raises(NotFoundError) as info:
            await client.get_download_link("no-such-file.wav")
    assert info.value.code == "NotExist.Record"


# ---- faults through the whole stack -----------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "error_type"),
    [
        ("throttle=1", ThrottlingError),
        ("5xx=1", ServerError),
        ("html=1", ServerError),
    ],
)
async def test_persistent_faults_fail_after_three_attempts(
    spec: str, error_type: type[Exception]
) -> None:
    client = demo_client(anchor=ANCHOR, faults=Faults.parse(spec), retry=FAST_RETRY)
    async with client:
        with pytest.raises(error_type):
            await client.get_call_events("1096645650")
        assert client.request_count == 3


async def test_truncated_bodies_are_malformed_response_errors() -> None:
    async with demo_client(
        anchor=ANCHOR, faults=Faults.parse("truncate=1"), retry=FAST_RETRY
    ) as client:
        with pytest.raises(MalformedResponseError) as info:
            await client.get_call_events("1096645650")
        assert client.request_count == 1  # not a retryable condition
    assert info.value.request_id


async def test_intermittent_faults_are_absorbed_by_retries() -> None:
    faults = Faults.parse("throttle=0.2,5xx=0.2,seed=7")
    async with demo_client(anchor=ANCHOR, faults=faults, retry=FAST_RETRY) as client:
        results = await asyncio.gather(
            *(client.get_call_events("1096645650") for _ in range(40)), return_exceptions=True
        )
    failures = [r for r in results if isinstance(r, BaseException)]
    # p(three faults in a row) = 0.4^3 ≈ 6 %: a few may fail, most must succeed.
    assert len(failures) <= 8, failures
    assert all(isinstance(f, (ThrottlingError, ServerError)) for f in failures)


async def test_throttle_retry_after_is_honoured_over_the_socket() -> None:
    faults = Faults.parse("throttle=1,retry-after=30")
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    with running_emulator(anchor=ANCHOR, faults=faults) as url:
        async with socket_client(url, sleep=sleep) as client:
            with pytest.raises(ThrottlingError):
                await client.get_call_events("1096645650")
    assert slept == [0.03, 0.03]


async def test_latency_overlaps_across_concurrent_calls() -> None:
    faults = Faults(latency_ms=100)
    async with demo_client(anchor=ANCHOR, faults=faults, max_concurrency=16) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(*(client.get_call(SHOWCASE["seed_outbound"]) for _ in range(8)))
        elapsed = loop.time() - started
    # 16 requests of 100 ms each: concurrently well under a second, one at a time 1.6 s.
    assert elapsed < 0.8


def test_dataset_is_deterministic_for_an_anchor() -> None:
    a = Dataset(anchor=ANCHOR).call_data(DEMO_INSTANCE_ID, SHOWCASE["inbound_transfer"])
    b = Dataset(anchor=ANCHOR).call_data(DEMO_INSTANCE_ID, SHOWCASE["inbound_transfer"])
    assert a == b


async def test_plain_http_builds_no_verifying_transport_and_fails_missing_sniffio_fast(
    emulator_url: str,
) -> None:
    """Over loopback http the verifying transport (its CA bundle costs 20-40 ms) is never built,
    yet it stays the default for every other URL; and a missing sniffio, which httpcore tries
    to import for each of its locks, is found missing once."""
    import importlib.util
    import sys

    from ccc_tui.api import client as client_module

    async with socket_client(emulator_url) as client:
        await client.get_instance()
        http = client._http
        default = http._transport
        assert isinstance(default, client_module._LazyTransport)
        assert default._inner is None
        assert http._transport_for_url(http.build_request("GET", "https://x.test/").url) is default
    if importlib.util.find_spec("sniffio") is None:
        assert "sniffio" in sys.modules and sys.modules["sniffio"] is None
        with pytest.raises(ImportError):
            import sniffio  # noqa: F401
