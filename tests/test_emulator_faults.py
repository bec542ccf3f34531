"""Injected faults: parsing, determinism with a seed, what each fault looks like on the wire,
runtime flips, and latency that overlaps across concurrent requests."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from ccc_tui.emulator.faults import Faults
from tests.seeds import SEED_EVENTS_JSON
from tests.test_emulator_protocol import (
    EVENTS,
    SEED_EVENTS_API,
    assert_error,
    call,
    client_for,
    make_app,
)


def test_parse_a_full_spec() -> None:
    faults = Faults.parse(
        "latency=50, throttle=0.2,5xx=0.1,truncate=0.05,html=0.1,retry-after=250ms,seed=7"
    )
    assert faults.latency_ms == 50
    assert (faults.throttle_rate, faults.error_rate) == (0.2, 0.1)
    assert (faults.truncate_rate, faults.html_rate) == (0.05, 0.1)
    assert faults.retry_after_ms == 250 and faults.seed == 7
    assert Faults.parse(faults.describe()).describe() == faults.describe()
    assert Faults.parse("").describe() == "none"
    assert not Faults.parse("").active and faults.active
    assert Faults.parse("latency=20ms").latency_ms == 20


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("throttle=2", "between 0 and 1"),
        ("throttle=-0.1", "between 0 and 1"),
        ("html=lots", "got 'lots'"),
        ("latency=-5", ">= 0"),
        ("latency=nan", ">= 0"),
        ("jitter=5", "unknown fault 'jitter'"),
        ("throttle", "expected NAME=VALUE"),
        ("throttle=", "expected NAME=VALUE"),
        ("seed=abc", "needs an integer"),
        ("retry-after=-1", ">= 0"),
    ],
)
def test_parse_errors_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Faults.parse(spec)


def test_constructor_validates() -> None:
    with pytest.raises(ValueError, match="error_rate"):
        Faults(error_rate=1.5)


def test_decisions_are_deterministic_with_a_seed() -> None:
    spec = dict(throttle_rate=0.2, error_rate=0.2, truncate_rate=0.2, html_rate=0.1, seed=42)
    one, two = Faults(**spec), Faults(**spec)  # type: ignore[arg-type]
    first = [one.decide() for _ in range(300)]
    assert first == [two.decide() for _ in range(300)]
    one.reset()
    assert [one.decide() for _ in range(300)] == first
    kinds = [
        (
            "html"
            if d.html
            else "throttle"
            if d.throttle
            else "5xx"
            if d.server_error
            else "truncate"
            if d.truncate_at is not None
            else "ok"
        )
        for d in first
    ]
    # Each fault fires about as often as asked (a generous band: these are 300 draws).
    assert 15 <= kinds.count("html") <= 50
    assert 30 <= kinds.count("ok") <= 200
    assert {"throttle", "5xx", "truncate"} <= set(kinds)


def test_changing_one_rate_does_not_reshuffle_the_others() -> None:
    base = Faults(error_rate=0.3, seed=3)
    more = Faults(error_rate=0.3, truncate_rate=0.5, seed=3)
    errors_base = [base.decide().server_error for _ in range(200)]
    errors_more = [more.decide().server_error for _ in range(200)]
    assert errors_base == errors_more


def test_no_faults_means_every_request_is_served() -> None:
    faults = Faults(seed=1)
    assert all(d == type(d)() for d in (faults.decide() for _ in range(100)))


async def test_throttling_with_and_without_retry_after() -> None:
    faults = Faults(throttle_rate=1)
    async with client_for(make_app(faults=faults)) as client:
        response = await call(client, EVENTS, SEED_EVENTS_API)
        assert_error(response, 400, "Throttling.User")
        assert "x-acs-retry-after" not in response.headers
        faults.retry_after_ms = 1500
        response = await call(client, EVENTS, SEED_EVENTS_API)
        assert_error(response, 400, "Throttling.User")
        assert response.headers["x-acs-retry-after"] == "1500"
        faults.throttle_rate = 0  # flipped while serving
        assert (await call(client, EVENTS, SEED_EVENTS_API)).status_code == 200


async def test_server_errors_alternate_503_and_500() -> None:
    async with client_for(make_app(faults=Faults(error_rate=1))) as client:
        codes = []
        for _ in range(4):
            response = await call(client, EVENTS, SEED_EVENTS_API)
            codes.append((response.status_code, response.json()["Code"]))
    assert codes == [(503, "ServiceUnavailable"), (500, "InternalError")] * 2


async def test_a_truncated_body_is_a_cut_off_valid_response() -> None:
    faults = Faults(truncate_rate=1, seed=5)
    async with client_for(make_app(faults=faults)) as client:
        cut = await call(client, EVENTS, SEED_EVENTS_API)
        faults.truncate_rate = 0
        whole = await call(client, EVENTS, SEED_EVENTS_API)
    assert cut.status_code == 200
    assert int(cut.headers["content-length"]) == len(cut.content)
    assert 0 < len(cut.content) < len(whole.content)
    assert whole.content.startswith(cut.content)  # the seed answer carries a fixed request id
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    assert whole.json() == json.loads(SEED_EVENTS_JSON)


async def test_an_html_proxy_page() -> None:
    async with client_for(make_app(faults=Faults(html_rate=1))) as client:
        response = await call(client, EVENTS, SEED_EVENTS_API)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert b"502 Bad Gateway" in response.content
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_faults_come_after_authentication() -> None:
    """A throttled or failed request still had to be correctly signed, as at the real service."""
    async with client_for(make_app(faults=Faults(throttle_rate=1))) as client:
        response = await call(client, EVENTS, SEED_EVENTS_API, secret="wrong")
    assert_error(response, 400, "SignatureDoesNotMatch")


async def test_latency_overlaps_across_concurrent_requests() -> None:
    latency = 0.3
    app = make_app(faults=Faults(latency_ms=latency * 1000))
    async with client_for(app) as client:
        started = time.perf_counter()
        responses = await asyncio.gather(*(call(client, EVENTS, SEED_EVENTS_API) for _ in range(6)))
        elapsed = time.perf_counter() - started
    assert all(r.status_code == 200 for r in responses)
    assert latency <= elapsed < 6 * latency / 2  # one at a time would take 1.8 s


async def test_latency_also_delays_downloads() -> None:
    faults = Faults()
    async with client_for(make_app(faults=faults)) as client:
        answer = await call(
            client,
            "DownloadRecording",
            {
                "InstanceId": SEED_EVENTS_API["InstanceId"],
                "FileName": "153128491143400080327683.wav",
            },
        )
        url = answer.json()["MediaDownloadParam"]["SignatureUrl"].strip('"')
        faults.latency_ms = 200
        started = time.perf_counter()
        response = await client.get(url)
        assert response.status_code == 200
        assert time.perf_counter() - started >= 0.2


def test_the_default_app_has_faults_to_flip() -> None:
    app = make_app()
    assert isinstance(app.faults, Faults) and not app.faults.active
    app.faults.html_rate = 1
    assert app.faults.decide().html


async def test_a_huge_body_is_refused() -> None:
    async with client_for(make_app()) as client:
        response = await client.post(
            "/",
            content=b"x=" + b"a" * (1 << 21),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 413


async def test_request_ids_differ_between_error_and_success() -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=make_app()), base_url="http://x"
    ) as client:
        one = await client.get("/")
        two = await client.get("/")
    assert one.headers["x-acs-request-id"] != two.headers["x-acs-request-id"]


def test_which_5xx_a_request_gets_does_not_depend_on_other_actions() -> None:
    """A call's events and recordings are fetched at once: their order must not decide the code
    a snapshot shows (it did: one counter for all actions)."""
    faults = Faults(error_rate=1)
    assert [faults.server_error_status("A") for _ in range(3)] == [503, 500, 503]
    other = Faults(error_rate=1)
    seen = []
    for _ in range(3):
        other.server_error_status("B")  # interleaved
        seen.append(other.server_error_status("A"))
    assert seen == [503, 500, 503]
