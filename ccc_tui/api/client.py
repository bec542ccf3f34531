"""CccClient: the one shared, signed, async CCC 2017-07-05 client.

One `httpx.AsyncClient` (keep-alive) serves every caller. A semaphore bounds concurrency and an
optional rate limit spaces request starts; both are shared by everyone holding this client. Reads
are retried per DESIGN §8 with a fresh nonce and timestamp on every attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from ccc_tui.api import signing, v2017

if TYPE_CHECKING:
    import httpx
from ccc_tui.api.auth import AccessKey
from ccc_tui.api.endpoints import validate_endpoint
from ccc_tui.api.errors import (
    CccError,
    ConfigurationError,
    ConnectError,
    DnsError,
    NotFoundError,
    RequestTimeoutError,
    ServerError,
    ServiceError,
    ThrottlingError,
    TlsError,
    TransportError,
    scrub_message,
)
from ccc_tui.api.models import Call, CallRecord, DownloadLink, Instance, Page, Recording

log = logging.getLogger("ccc_tui.api")

CONNECT_TIMEOUT = 5.0  # seconds, as the official SDKs
READ_TIMEOUT = 10.0
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 0.25  # seconds; doubles each attempt, with full jitter
    max_delay: float = 4.0
    # x-acs-retry-after is honoured up to this cap: a person is waiting.
    max_retry_after: float = 10.0


MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class DownloadLimits:
    """Bounds on one recording download: its size, and a minimum average rate once `grace`
    seconds have passed; so a download of N bytes must end within grace + N / min_rate seconds,
    and a trickle or a stall fails (each read also has the client's read timeout)."""

    max_bytes: int = 200 * MIB  # the default of the profile setting max_download_mb
    min_rate: float = 8 * 1024  # bytes per second: half the rate of 8 kHz 16-bit mono audio
    grace: float = 30.0


class RateLimiter:
    """Spaces request starts at least 1/rate seconds apart, across every caller of one client."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            now = self._clock()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            await asyncio.sleep(wait)


class CccClient:
    """Signed CCC calls over one keep-alive HTTP client. Use as an async context manager."""

    def __init__(
        self,
        credentials: AccessKey,
        *,
        endpoint: str,
        instance_id: str | None = None,
        transport: httpx.AsyncBaseTransport | Callable[[], httpx.AsyncBaseTransport] | None = None,
        max_concurrency: int = 8,
        rate_limit: float | None = None,
        retry: RetryPolicy | None = None,
        download_limits: DownloadLimits | None = None,
        timeout: httpx.Timeout | None = None,
        clock: Callable[[], datetime] | None = None,
        nonce: Callable[[], str] = signing.new_nonce,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        user_agent: str = "ccc-tui",
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._credentials = credentials
        self.endpoint = validate_endpoint(endpoint)
        self.instance_id = instance_id
        self.retry = retry or RetryPolicy()
        self.download_limits = download_limits or DownloadLimits()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._nonce = nonce
        self._sleep = sleep
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._limiter = RateLimiter(rate_limit) if rate_limit else None
        self.max_concurrency = max_concurrency
        self.rate_limit = rate_limit
        self.last_server_date: datetime | None = None
        self.request_count = 0
        self._transport = transport
        self._timeout = timeout
        self._user_agent = user_agent
        # Created on first use: importing httpx (and ssl) is a sizeable part of the app's start-up,
        # and the search screen needs no HTTP at all.
        self._http_client: httpx.AsyncClient | None = None
        self._closed = False

    @property
    def key_id_masked(self) -> str:
        return self._credentials.masked_id

    async def __aenter__(self) -> CccClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._closed:
            raise RuntimeError("this CccClient is closed")
        if self._http_client is None:
            import httpx

            transport = self._transport() if callable(self._transport) else self._transport
            limits = httpx.Limits(
                max_connections=max(self.max_concurrency, 4),
                max_keepalive_connections=self.max_concurrency,
            )
            mounts: dict[str, httpx.AsyncBaseTransport | None] | None = None
            if transport is None:
                # Plain http (only ever to loopback) needs no TLS; the verifying https transport
                # loads its CA bundle (~40 ms) only when an https request is first made.
                mounts = {
                    "http://": httpx.AsyncHTTPTransport(limits=limits, verify=False),
                    # Duck-typed as a transport (see _LazyTransport): httpx only calls its methods.
                    "https://": cast(
                        "httpx.AsyncBaseTransport",
                        _LazyTransport(lambda: httpx.AsyncHTTPTransport(limits=limits)),
                    ),
                }
            self._http_client = httpx.AsyncClient(
                transport=transport,
                mounts=mounts,
                timeout=self._timeout or httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
                limits=limits,
                headers={"User-Agent": self._user_agent},
                follow_redirects=False,
            )
        return self._http_client

    @property
    def is_closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        self._closed = True
        if self._http_client is not None:
            await self._http_client.aclose()

    # ---- the APIs -------------------------------------------------------------------------

    async def get_call_events(self, contact_id: str, *, instance_id: str | None = None) -> Call:
        """The call's summary and event trail (ListCallEventDetailByContactId)."""
        action = "ListCallEventDetailByContactId"
        body = await self.request(
            action, v2017.call_events_params(self._instance(instance_id), contact_id)
        )
        return v2017.parse_call(body, contact_id)

    async def list_recordings(
        self, contact_id: str, *, instance_id: str | None = None
    ) -> tuple[Recording, ...]:
        action = "ListRecordingsByContactId"
        body = await self.request(
            action, v2017.recordings_params(self._instance(instance_id), contact_id)
        )
        return v2017.parse_recordings(body)

    async def get_call(self, contact_id: str, *, instance_id: str | None = None) -> Call:
        """Events and recordings, requested concurrently, as one Call."""
        results = await asyncio.gather(
            self.get_call_events(contact_id, instance_id=instance_id),
            self.list_recordings(contact_id, instance_id=instance_id),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
        call, recordings = results
        assert isinstance(call, Call) and isinstance(recordings, tuple)
        return replace(call, recordings=recordings)

    async def get_download_link(
        self, file_name: str, *, instance_id: str | None = None, channel: str | None = None
    ) -> DownloadLink:
        params = v2017.download_params(self._instance(instance_id), file_name, channel)
        return v2017.parse_download_link(await self.request("DownloadRecording", params))

    async def list_call_detail_records(
        self,
        *,
        page_number: int = 1,
        page_size: int = 100,
        start: datetime | None = None,
        stop: datetime | None = None,
        phone_number: str | None = None,
        criteria: str | None = None,
        contact_types: Sequence[str] = (),
        dispositions: Sequence[str] = (),
        with_recording: bool | None = None,
        contact_id: str | None = None,
        order: str | None = None,
        instance_id: str | None = None,
    ) -> Page[CallRecord]:
        params = v2017.call_records_params(
            self._instance(instance_id),
            page_number=page_number,
            page_size=page_size,
            start=start,
            stop=stop,
            phone_number=phone_number,
            criteria=criteria,
            contact_types=contact_types,
            dispositions=dispositions,
            with_recording=with_recording,
            contact_id=contact_id,
            order=order,
        )
        body = await self.request("ListCallDetailRecords", params)
        return v2017.parse_call_records(body, page_number=page_number, page_size=page_size)

    async def list_instances(self) -> tuple[Instance, ...]:
        return v2017.parse_instances(await self.request("ListInstancesOfUser", {}))

    async def get_instance(self, instance_id: str | None = None) -> Instance:
        body = await self.request("GetInstance", {"InstanceId": self._instance(instance_id)})
        return v2017.parse_instance(body)

    async def stream_download(
        self,
        url: str,
        sink: BinaryIO,
        *,
        progress: ProgressCallback | None = None,
        chunk_size: int = 64 * 1024,
        limits: DownloadLimits | None = None,
    ) -> int:
        """Stream a (pre-signed) URL into `sink`; returns the bytes written. Where the bytes land
        (a private temp file renamed when complete) is the caller's business: `calls/downloads`.

        Bounded by `limits` (default: the client's): a size cap, checked against Content-Length
        before anything is written and against the bytes as they arrive, and a minimum average
        rate after a grace period, so the whole download has a deadline proportional to its size.
        A body shorter than its Content-Length, or (without one) a WAV shorter than its RIFF
        header declares, is cut off. HTTP 500/502/503/504, transport errors and cut-off bodies
        are retried like the API's reads; each attempt rewinds and truncates a seekable `sink`
        (a sink that cannot be rewound gets one attempt).
        """
        limits = limits or self.download_limits
        start = sink.tell() if sink.seekable() else None
        attempts = self.retry.attempts if start is not None else 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._download_once(url, sink, progress, chunk_size, limits)
            except CccError as exc:
                if not exc.retryable or attempt >= attempts:
                    raise
                delay = self._backoff(attempt, exc)
                log.debug(
                    "download attempt %d failed with %s; retrying in %.2fs",
                    attempt,
                    exc.code,
                    delay,
                )
                await self._sleep(delay)
                if start is not None:  # always, as only a seekable sink gets a second attempt
                    sink.seek(start)
                    sink.truncate()
        raise AssertionError("unreachable")  # pragma: no cover

    async def _download_once(
        self,
        url: str,
        sink: BinaryIO,
        progress: ProgressCallback | None,
        chunk_size: int,
        limits: DownloadLimits,
    ) -> int:
        import httpx

        loop = asyncio.get_running_loop()
        began = loop.time()
        done = 0
        head = b""
        try:
            # Rescheduled as bytes arrive: at least min_rate on average after the grace period.
            async with asyncio.timeout(began + limits.grace) as deadline:
                async with self._http.stream("GET", url) as response:
                    await _check_download_status(response)
                    total = _content_length(response)
                    if total is not None and total > limits.max_bytes:
                        raise _too_large(limits, total)
                    reported = 0
                    if progress:
                        progress(0, total)
                    # Chunks as they arrive (not re-chunked): the deadline follows every byte.
                    async for chunk in response.aiter_bytes():
                        done += len(chunk)
                        if done > limits.max_bytes:
                            raise _too_large(limits, None)
                        if len(head) < 12:
                            head = (head + chunk)[:12]
                        sink.write(chunk)
                        deadline.reschedule(began + limits.grace + done / limits.min_rate)
                        if progress and done - reported >= chunk_size:
                            reported = done
                            progress(done, total)
                    # Content-Length counts the bytes on the wire: decoded ones differ if encoded.
                    encoded = response.headers.get("content-encoding", "identity") != "identity"
                    received = response.num_bytes_downloaded if encoded else done
                    if total is not None and received < total:
                        raise _cut_off(f"{received} of {total} bytes")
                    if total is None and (declared := _riff_size(head)) and done < declared:
                        raise _cut_off(f"{done} of the {declared} bytes its WAV header declares")
                    if progress and reported != done:
                        progress(done, total)
        except TimeoutError:
            seconds = loop.time() - began
            raise CccError(
                f"The recording download was too slow: {done} bytes in {seconds:.0f} s "
                f"(under {limits.min_rate / 1024:g} KiB/s); stopped.",
                code="Download.TooSlow",
                hint="The network or the storage is slow or stalled: try again later.",
            ) from None
        except httpx.HTTPError as exc:
            raise _transport_error(exc, "download") from None
        return done

    # ---- the protocol ---------------------------------------------------------------------

    def _instance(self, instance_id: str | None) -> str:
        chosen = instance_id or self.instance_id
        if not chosen:
            raise ConfigurationError(
                "No CCC instance id is set.",
                code="Config.NoInstance",
                hint="Pass --instance-id, set CCC_TUI_INSTANCE_ID, or save one in a profile.",
            )
        return chosen

    def _build_request(self, action: str, api_params: Mapping[str, str]) -> httpx.Request:
        """One attempt's request: common parameters in the query, API parameters in the body.

        The STS token travels in the body: the signature covers query and body alike, and a
        request's repr (which tracebacks render) shows its URL but never its body.
        """
        common = {
            "Action": action,
            "Version": v2017.VERSION,
            "Format": "JSON",
            "AccessKeyId": self._credentials.key_id,
            "SignatureMethod": signing.SIGNATURE_METHOD,
            "SignatureVersion": signing.SIGNATURE_VERSION,
            "SignatureNonce": self._nonce(),
            "Timestamp": signing.format_timestamp(self._clock()),
        }
        body = dict(api_params)
        if self._credentials.security_token:
            body["SecurityToken"] = self._credentials.security_token.reveal()
        common["Signature"] = signing.sign(
            "POST", {**common, **body}, self._credentials.secret.reveal()
        )
        return self._http.build_request("POST", self.endpoint + "/", params=common, data=body)

    async def request(self, action: str, params: Mapping[str, str]) -> dict[str, Any]:
        """One signed read with retries; returns the decoded success body or raises CccError."""
        api_params = {k: str(v) for k, v in params.items()}
        policy = self.retry
        for attempt in range(1, policy.attempts + 1):
            try:
                return await self._attempt(action, api_params)
            except CccError as exc:
                if not exc.retryable or attempt >= policy.attempts:
                    raise
                delay = self._backoff(attempt, exc)
                log.debug(
                    "%s attempt %d failed with %s; retrying in %.2fs",
                    action,
                    attempt,
                    exc.code,
                    delay,
                )
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, exc: CccError) -> float:
        policy = self.retry
        if isinstance(exc, ThrottlingError) and exc.retry_after is not None:
            return min(exc.retry_after, policy.max_retry_after)
        ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    async def _attempt(self, action: str, api_params: dict[str, str]) -> dict[str, Any]:
        import httpx

        async with self._semaphore:
            if self._limiter:
                await self._limiter.acquire()
            started = time.perf_counter()
            try:
                response = await self._http.send(self._build_request(action, api_params))
            except httpx.HTTPError as exc:
                raise _transport_error(exc, action) from None
            finally:
                self.request_count += 1
        elapsed = (time.perf_counter() - started) * 1000
        self._note_server_date(response)
        header_request_id = response.headers.get("x-acs-request-id")
        log.debug(
            "%s -> HTTP %d in %.0f ms (request id %s)",
            action,
            response.status_code,
            elapsed,
            header_request_id,
        )
        try:
            body = v2017.decode_body(
                response.content,
                http_status=response.status_code,
                action=action,
                request_id=header_request_id,
            )
        except CccError:
            if response.status_code in RETRYABLE_STATUSES:
                # A proxy's HTML error page: the status is all we have, and it is retryable.
                raise ServerError(
                    f"HTTP {response.status_code} with a non-CCC body from {response.url.host}.",
                    code=f"HTTP{response.status_code}",
                    http_status=response.status_code,
                    action=action,
                    request_id=header_request_id,
                    hint="A proxy or gateway failed in front of CCC; retried. Try again shortly.",
                ) from None
            raise
        try:
            v2017.raise_for_error(
                body,
                http_status=response.status_code,
                action=action,
                retry_after=_retry_after(response),
            )
        except CccError as exc:
            self._scrub(exc)
            raise
        return body

    def _scrub(self, exc: CccError) -> None:
        """Server messages go to screens and logs: see `scrub_message`."""
        exc.message = scrub_message(exc.message, self._credentials)
        exc.args = (exc.message,)

    def _note_server_date(self, response: httpx.Response) -> None:
        value = response.headers.get("date")
        if not value:
            return
        with contextlib.suppress(TypeError, ValueError):
            self.last_server_date = parsedate_to_datetime(value)


class _LazyTransport:
    """An httpx transport built on its first request (an AsyncBaseTransport by duck typing, so
    that this module need not import httpx at import time)."""

    def __init__(self, factory: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._factory = factory
        self._inner: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._inner is None:
            self._inner = self._factory()
        return await self._inner.handle_async_request(request)

    async def __aenter__(self) -> _LazyTransport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


def _retry_after(response: httpx.Response) -> float | None:
    """x-acs-retry-after is milliseconds (what the official SDK sleeps)."""
    value = response.headers.get("x-acs-retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0) / 1000.0
    except ValueError:
        return None


def _content_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None


async def _check_download_status(response: httpx.Response) -> None:
    """A download answer that is not 2xx, as the error to raise (5xx gateway failures retry)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    await response.aread()
    code = f"Download.HTTP{status}"
    if status in RETRYABLE_STATUSES:
        raise ServerError(
            f"The recording storage failed (HTTP {status}).",
            code=code,
            http_status=status,
            hint="Retried with backoff; the storage or a gateway in front of it is failing. "
            "Try again shortly.",
        )
    if status in (403, 404):
        raise NotFoundError(
            f"The recording download was refused (HTTP {status}); the signed URL may have expired.",
            code=code,
            http_status=status,
            hint="Download again: it asks for a fresh signed URL (valid one hour).",
        )
    raise ServiceError(
        f"The recording download failed (HTTP {status}).",
        code=code,
        http_status=status,
        hint="The storage did not send the recording; try again, and report it if it persists.",
    )


def _too_large(limits: DownloadLimits, total: int | None) -> CccError:
    size = f" ({total / MIB:.1f} MB)" if total is not None else ""
    return CccError(
        f"The recording is larger than the {limits.max_bytes / MIB:g} MB limit{size}; "
        "the download was stopped.",
        code="Download.TooLarge",
        hint="If a recording this large is expected, raise max_download_mb in the profile "
        "(ccc-tui config set max_download_mb MB).",
    )


def _cut_off(what: str) -> TransportError:
    return TransportError(
        f"The recording download was cut off: {what} arrived.",
        code="Download.Incomplete",
        hint="The connection ended early; retried. Try again.",
    )


def _riff_size(head: bytes) -> int | None:
    """The file size a little-endian RIFF (WAV) header declares, or None when it declares none
    (not RIFF, too short, or a streaming writer's 0 / 0xFFFFFFFF placeholder)."""
    if len(head) < 8 or head[:4] != b"RIFF":
        return None
    size = int.from_bytes(head[4:8], "little")
    return size + 8 if 0 < size < 0xFFFFFFFF else None


_DNS_MARKERS = (
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo",
    "temporary failure in name resolution",
    "no address associated",
    "name resolution",
)


def _transport_error(exc: httpx.HTTPError, action: str) -> TransportError:
    """Map httpx's exceptions to our clear transport types (no secrets: the URL is not echoed)."""
    import ssl

    import httpx

    host = ""
    with contextlib.suppress(RuntimeError):
        host = exc.request.url.host
    where = f" to {host}" if host else ""
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeoutError(
            f"The request{where} timed out ({type(exc).__name__}).", action=action
        )
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 8:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    text = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, ssl.SSLError) for e in chain) or "certificate" in text or "ssl" in text:
        return TlsError(f"The TLS handshake{where} failed: {chain[-1]}", action=action)
    if isinstance(exc, httpx.ConnectError):
        if any(marker in text for marker in _DNS_MARKERS):
            return DnsError(
                f"The host name{where.replace(' to', '')} did not resolve.", action=action
            )
        return ConnectError(f"Could not connect{where}: {chain[-1]}", action=action)
    return TransportError(
        f"The connection{where} failed: {type(exc).__name__}: {exc}", action=action
    )
