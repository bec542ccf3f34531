"""CccClient: the one shared, signed, async CCC client, for both API versions.

One `httpx.AsyncClient` (keep-alive) serves every caller. A semaphore bounds concurrency and an
optional rate limit spaces request starts; both are shared by everyone holding this client. Reads
are retried per DESIGN §8 with a fresh nonce and timestamp on every attempt.

Every public method speaks the instance's API version (`api_version`: 2017-07-05, 2020-07-01 or
auto, see `versions.py`) through that version's adapter (`v2017.py`, `v2020.py`) and returns the
same domain model. 2017-07-05 requests are signed with signature V1 (parameters in the query and a
form body); 2020-07-01 requests as the official 2.0 SDK sends them: every parameter in the query,
signature V3 in an `Authorization` header over the `x-acs-*` headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.util
import logging
import random
import re
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar, cast

from ccc_tui.api import parsing, signing, v2017, v2020, versions

if TYPE_CHECKING:
    import httpx
from ccc_tui.api.auth import AccessKey
from ccc_tui.api.endpoints import validate_endpoint
from ccc_tui.api.errors import (
    AccessDeniedError,
    AuthenticationError,
    CccError,
    ClockSkewError,
    ConfigurationError,
    ConnectError,
    DnsError,
    EndpointError,
    InstanceNotFoundError,
    NotFoundError,
    RequestTimeoutError,
    ServerError,
    ServiceError,
    ThrottlingError,
    TlsError,
    TransportError,
    scrub_message,
)
from ccc_tui.api.models import (
    Call,
    CallRecord,
    DownloadLink,
    Instance,
    IvrNode,
    Page,
    Recording,
)
from ccc_tui.api.versions import ApiVersionMismatchError, MemoryVersionStore, VersionStore

log = logging.getLogger("ccc_tui.api")
T = TypeVar("T")

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
_PAGE_SIZE = 100  # the largest page every list operation accepts
_MAX_PAGES = 100  # bounds a paged listing (10,000 items) against a server that never ends


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
        api_version: str = versions.V2017,
        version_store: VersionStore | None = None,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._credentials = credentials
        self.endpoint = validate_endpoint(endpoint)
        self.instance_id = instance_id
        # The setting: a version, or auto (decided per instance, remembered in the store).
        self.api_version = versions.check_choice(api_version)
        self._versions: VersionStore = version_store or MemoryVersionStore()
        self._deciding: dict[str, asyncio.Lock] = {}
        self._decided: dict[str, str] = {}  # this run's decisions (guesses included)
        # 2.0 recordings are fetched by ContactId: (instance, file name) -> the call listing it.
        self._recording_contacts: dict[tuple[str, str], str] = {}
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
                # Plain http (only ever to loopback) needs no TLS; the verifying transport, the
                # default for everything else, loads its CA bundle (~20-40 ms) only when an https
                # request is first made. (Given no transport, httpx would build a verifying one
                # at once, whether it is used or not.)
                mounts = {"http://": httpx.AsyncHTTPTransport(limits=limits, verify=False)}
                # Duck-typed as a transport (see _LazyTransport): httpx only calls its methods.
                transport = cast(
                    "httpx.AsyncBaseTransport",
                    _LazyTransport(lambda: httpx.AsyncHTTPTransport(limits=limits)),
                )
            _fail_missing_sniffio_fast()
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

    # ---- which API the instance answers --------------------------------------------------------

    def known_version(self, instance_id: str | None = None) -> str | None:
        """The API version requests to `instance_id` use, when it is known without asking: the
        explicit setting, or what auto decided (in this run or, through the store, an earlier
        one). None while auto has not decided."""
        if self.api_version != versions.AUTO:
            return self.api_version
        chosen = instance_id or self.instance_id
        if not chosen:
            return None
        return self._decided.get(chosen) or self._versions.get(self.endpoint, chosen)

    async def version_for(self, instance_id: str | None = None) -> str:
        """The API version of the instance; with auto, decided on first use (one GetInstance per
        version at most) and remembered per endpoint and instance."""
        chosen = self._instance(instance_id)
        if known := self.known_version(chosen):
            return known
        async with self._deciding.setdefault(chosen, asyncio.Lock()):
            if known := self.known_version(chosen):
                return known
            version, certain = await self._detect(chosen)
            self._decided[chosen] = version
            if certain:
                self._remember(chosen, version)
            return version

    def _remember(self, instance_id: str, version: str) -> None:
        self._decided[instance_id] = version
        try:
            self._versions.put(self.endpoint, instance_id, version)
        except OSError as exc:  # a read-only data dir costs a probe next run, nothing more
            log.debug("could not remember the API version of %s: %s", instance_id, exc)

    async def _detect(self, instance_id: str) -> tuple[str, bool]:
        """(version, certain): which version's GetInstance knows the instance. Transport, server
        and clock failures are raised (nothing is decided); a version that refuses is skipped."""
        order = versions.probe_order(instance_id)
        refused: dict[str, CccError] = {}
        for version in order:
            try:
                await self._get_instance(version, instance_id)
            except CccError as exc:
                if exc.retryable or isinstance(exc, ClockSkewError):
                    raise
                refused[version] = exc
                continue
            log.debug("instance %s answers the %s API", instance_id, version)
            return version, True
        denied = [v for v in order if isinstance(refused[v], AccessDeniedError)]
        if denied:
            # The RAM policy hides GetInstance: the id's shape (or the version that denied rather
            # than not knowing the instance) is the best guess, used but not remembered.
            return (order[0] if len(denied) == 2 else denied[0]), False
        errors = [refused[v] for v in order]
        if rejected := [e for e in errors if isinstance(e, AuthenticationError)]:
            raise rejected[0]  # the key, not the instance, is the problem
        unknown = [e for e in errors if _unknown_instance(e)]
        if unknown:
            # One version does not know the instance; the other does not either, or cannot be
            # spoken at this endpoint at all (an answer that is not CCC's, an unknown action).
            first = unknown[0]
            log.debug(
                "instance %s: %s",
                instance_id,
                ", ".join(f"{v} answered {refused[v].code}" for v in versions.VERSIONS),
            )
            raise InstanceNotFoundError(
                f"Neither the {versions.V2017} nor the {versions.V2020} API at {self.endpoint} "
                f"knows instance {instance_id}.",
                code=first.code,
                request_id=first.request_id,
                http_status=first.http_status,
                action="GetInstance",
                hint="Check --instance-id and the region or --endpoint it belongs to.",
            )
        raise errors[0]

    async def _other_answers(self, instance_id: str, version: str) -> str | None:
        """The other version, when it knows the instance (else None; never raises)."""
        other = versions.other(version)
        try:
            await self._get_instance(other, instance_id)
        except CccError:
            return None
        return other

    async def _dispatch(self, instance_id: str | None, op: Callable[[str, str], Awaitable[T]]) -> T:
        """`op(version, instance_id)` on the instance's version. An instance or action that the
        version does not know is checked against the other version: under auto the choice is
        corrected (and the operation rerun), an explicit choice gets an error naming the other."""
        chosen = self._instance(instance_id)
        version = await self.version_for(chosen)
        try:
            return await op(version, chosen)
        except (InstanceNotFoundError, EndpointError) as exc:
            action = exc.action
            answers = await self._other_answers(chosen, version)
            if answers is None:
                raise
        return await self._rerun(chosen, version, answers, action, op)

    async def _rerun(
        self,
        instance_id: str,
        version: str,
        answers: str,
        action: str | None,
        op: Callable[[str, str], Awaitable[T]],
    ) -> T:
        if self.api_version != versions.AUTO:
            raise ApiVersionMismatchError(instance_id, version, answers, action=action)
        self._remember(instance_id, answers)
        return await op(answers, instance_id)

    # ---- the APIs ------------------------------------------------------------------------------

    async def get_call_events(self, contact_id: str, *, instance_id: str | None = None) -> Call:
        """The call's summary and event trail: ListCallEventDetailByContactId (2017-07-05), or
        GetCallDetailRecord with its merged event arrays and the record's facts (2020-07-01)."""

        async def op(version: str, instance: str) -> Call:
            if version == versions.V2020:
                body = await self.request(
                    "GetCallDetailRecord", v2020.call_params(instance, contact_id), version=version
                )
                return v2020.parse_call(body, contact_id)
            body = await self.request(
                "ListCallEventDetailByContactId", v2017.call_events_params(instance, contact_id)
            )
            return v2017.parse_call(body, contact_id)

        call = await self._dispatch(instance_id, op)
        if call.is_empty and self.api_version != versions.AUTO:
            # An explicit version may answer "no such call" for an instance of the other one.
            chosen = self._instance(instance_id)
            version = self.api_version
            if answers := await self._other_answers(chosen, version):
                action = "GetCallDetailRecord" if version == versions.V2020 else None
                return await self._rerun(chosen, version, answers, action, op)
        return call

    async def list_recordings(
        self, contact_id: str, *, instance_id: str | None = None
    ) -> tuple[Recording, ...]:
        """ListRecordingsByContactId (2017-07-05); ListMonoRecordings plus, where the instance has
        them, ListMultiChannelRecordings (2020-07-01)."""

        async def op(version: str, instance: str) -> tuple[Recording, ...]:
            if version == versions.V2020:
                return await self._recordings_2020(instance, contact_id)
            body = await self.request(
                "ListRecordingsByContactId", v2017.recordings_params(instance, contact_id)
            )
            return v2017.parse_recordings(body)

        return await self._dispatch(instance_id, op)

    async def _recordings_2020(self, instance: str, contact_id: str) -> tuple[Recording, ...]:
        params = v2020.call_params(instance, contact_id)
        results: tuple[dict[str, Any] | BaseException, ...] = await asyncio.gather(
            self.request("ListMonoRecordings", params, version=versions.V2020),
            self.request("ListMultiChannelRecordings", params, version=versions.V2020),
            return_exceptions=True,
        )
        mono, multi = results
        if isinstance(mono, BaseException):
            raise mono
        channels: tuple[Recording, ...] = ()
        if isinstance(multi, BaseException):
            # Multi-channel recording is an option of the instance: its absence is not a failure.
            if not isinstance(multi, CccError) or multi.retryable:
                raise multi
            log.debug("no multi-channel recordings for %s: %s", contact_id, multi.code)
        else:
            channels = v2020.parse_recordings(multi)
        found = _distinct_recordings(v2020.parse_recordings(mono), channels)
        for recording in found:
            if recording.file_name:
                self._recording_contacts[(instance, recording.file_name)] = (
                    recording.contact_id or contact_id
                )
        return found

    async def get_call(self, contact_id: str, *, instance_id: str | None = None) -> Call:
        """Events and recordings, requested concurrently, as one Call."""
        await self.version_for(instance_id)  # decided once, before the two requests
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
        self,
        file_name: str,
        *,
        instance_id: str | None = None,
        channel: str | None = None,
        contact_id: str | None = None,
    ) -> DownloadLink:
        """A fresh signed URL: DownloadRecording (2017-07-05); GetMonoRecording, or with a
        `channel` GetMultiChannelRecording (2020-07-01), which name the call rather than the file:
        `contact_id`, or the call whose recordings listed `file_name` in this client."""

        async def op(version: str, instance: str) -> DownloadLink:
            if version == versions.V2020:
                contact = contact_id or self._recording_contacts.get((instance, file_name))
                if not contact:
                    raise ConfigurationError(
                        f"No call is known for the recording {file_name}.",
                        code="Recording.NoContact",
                        hint="Open the call (its recordings list) first, then download.",
                    )
                if channel:
                    action, params = (
                        "GetMultiChannelRecording",
                        v2020.call_params(instance, contact),
                    )
                else:
                    action, params = (
                        "GetMonoRecording",
                        v2020.mono_recording_params(instance, contact),
                    )
                link = v2020.parse_download_link(
                    await self.request(action, params, version=version)
                )
                if not link.file_name or link.file_name == file_name:
                    return link
                # GetMonoRecording names the call, not the file: a call with several recordings
                # answers with one of them. The listing signs a fresh URL for each file.
                for rec in await self.list_recordings(contact, instance_id=instance):
                    if (
                        rec.file_name == file_name
                        and rec.url
                        and rec.channel == (channel or rec.channel)
                    ):
                        return DownloadLink(file_name=file_name, url=rec.url, duration=rec.duration)
                return link
            params = v2017.download_params(instance, file_name, channel)
            return v2017.parse_download_link(await self.request("DownloadRecording", params))

        return await self._dispatch(instance_id, op)

    async def get_recording_link(
        self, recording: Recording, *, instance_id: str | None = None
    ) -> DownloadLink:
        """A fresh signed URL for a recording of either version."""
        return await self.get_download_link(
            recording.file_name,
            instance_id=instance_id,
            channel=recording.channel or None,
            contact_id=recording.contact_id or None,
        )

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
        """One page of call records: ListCallDetailRecords (2017-07-05) or
        ListCallDetailRecordsV2 (2020-07-01; the same arguments, mapped by `_records_params_2020`)."""

        filters: dict[str, Any] = {
            "page_number": page_number,
            "page_size": page_size,
            "start": start,
            "stop": stop,
            "phone_number": phone_number,
            "criteria": criteria,
            "contact_types": contact_types,
            "dispositions": dispositions,
            "contact_id": contact_id,
            "order": order,
        }

        async def op(version: str, instance: str) -> Page[CallRecord]:
            if version == versions.V2020:
                params = _records_params_2020(instance, **filters)
                body = await self.request("ListCallDetailRecordsV2", params, version=version)
                return v2020.parse_call_records(body, page_number=page_number, page_size=page_size)
            params = v2017.call_records_params(instance, with_recording=with_recording, **filters)
            body = await self.request("ListCallDetailRecords", params)
            return v2017.parse_call_records(body, page_number=page_number, page_size=page_size)

        return await self._dispatch(instance_id, op)

    async def list_ivr_nodes(
        self, contact_id: str, *, instance_id: str | None = None
    ) -> tuple[IvrNode, ...]:
        """Every IVR node the call passed, in the server's order: ListIvrTrackingDetails
        (2020-07-01) or ListIvrTrackingDetail (2017-07-05; an instance without it gives none)."""

        async def op(version: str, instance: str) -> tuple[IvrNode, ...]:
            action = (
                "ListIvrTrackingDetails" if version == versions.V2020 else "ListIvrTrackingDetail"
            )
            nodes: list[IvrNode] = []
            for number in range(1, _MAX_PAGES + 1):
                params = v2020.ivr_tracking_params(
                    instance, contact_id, page_number=number, page_size=_PAGE_SIZE
                )
                try:
                    body = await self.request(action, params, version=version)
                except EndpointError:
                    if version == versions.V2020:
                        raise
                    return ()  # a 2017 instance without the IVR track
                page = v2020.parse_ivr_nodes(body, page_number=number, page_size=_PAGE_SIZE)
                nodes.extend(page.items)
                if not page.has_more:
                    break
            return tuple(nodes)

        return await self._dispatch(instance_id, op)

    async def list_instances(self) -> tuple[Instance, ...]:
        """The instances this key sees: ListInstancesOfUser (2017-07-05), every page of
        ListInstances (2020-07-01), or under auto both (unless the client's instance is already
        decided), each listed instance's version remembered."""
        version = self.known_version()
        if version is not None:
            return await self._list_instances(version)
        results = await asyncio.gather(
            *(self._list_instances(v) for v in versions.VERSIONS), return_exceptions=True
        )
        found: dict[str, Instance] = {}
        errors: list[BaseException] = []
        for listed_version, result in zip(versions.VERSIONS, results, strict=True):
            if isinstance(result, BaseException):
                errors.append(result)
                continue
            for instance in result:
                found.setdefault(instance.instance_id, instance)
                self._remember(instance.instance_id, listed_version)
        if len(errors) == len(results):
            raise _telling(errors)
        for error in errors:
            if not isinstance(error, CccError) or error.retryable:
                raise error
        return tuple(found.values())

    async def _list_instances(self, version: str) -> tuple[Instance, ...]:
        if version == versions.V2017:
            return v2017.parse_instances(await self.request("ListInstancesOfUser", {}))
        found: list[Instance] = []
        for number in range(1, _MAX_PAGES + 1):
            params = v2020.instances_params(page_number=number, page_size=_PAGE_SIZE)
            body = await self.request("ListInstances", params, version=version)
            page = v2020.parse_instances(body, page_number=number, page_size=_PAGE_SIZE)
            found.extend(page.items)
            if not page.has_more:
                break
        return tuple(found)

    async def get_instance(self, instance_id: str | None = None) -> Instance:
        """GetInstance of the instance's version."""
        return await self._dispatch(instance_id, self._get_instance)

    async def _get_instance(self, version: str, instance_id: str) -> Instance:
        if version == versions.V2020:
            params = {"InstanceId": instance_id}
            return v2020.parse_instance(await self.request("GetInstance", params, version=version))
        return v2017.parse_instance(await self.request("GetInstance", {"InstanceId": instance_id}))

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
        """One 2017-07-05 attempt: common parameters in the query, API parameters in the body.

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

    def _build_request_v3(self, action: str, api_params: Mapping[str, str]) -> httpx.Request:
        """One 2020-07-01 attempt, as the official 2.0 SDK sends it: `POST /`, every parameter in
        the query (RFC 3986 encoded, sorted), no body, signature V3 in `Authorization` over host
        and the `x-acs-*` headers, a fresh nonce and date each attempt, an STS token as
        `x-acs-security-token`. The headers' repr hides the token and the Authorization value."""
        query = signing.canonical_query_v3(api_params)
        url = f"{self.endpoint}/" + (f"?{query}" if query else "")
        payload = signing.hashed_payload(b"")
        request = self._http.build_request("POST", url)
        signed = {
            "host": request.headers["host"],
            "x-acs-action": action,
            "x-acs-version": v2020.VERSION,
            "x-acs-date": signing.format_timestamp(self._clock()),
            "x-acs-signature-nonce": self._nonce(),
            "x-acs-content-sha256": payload,
        }
        if self._credentials.security_token:
            signed["x-acs-accesskey-id"] = self._credentials.key_id
            signed["x-acs-security-token"] = self._credentials.security_token.reveal()
        headers = _private_headers_class()(request.headers)
        headers.update(signed)
        headers["accept"] = "application/json"
        headers["authorization"] = signing.authorization_v3(
            self._credentials.key_id,
            self._credentials.secret.reveal(),
            "POST",
            "/",
            api_params,
            signed,
            payload,
        )
        request.headers = headers
        return request

    async def request(
        self, action: str, params: Mapping[str, str], *, version: str = versions.V2017
    ) -> dict[str, Any]:
        """One signed read of `version` with retries; the decoded success body or a CccError."""
        if version not in versions.VERSIONS:
            raise ValueError(f"version must be one of {', '.join(versions.VERSIONS)}")
        api_params = {k: str(v) for k, v in params.items()}
        policy = self.retry
        for attempt in range(1, policy.attempts + 1):
            try:
                return await self._attempt(action, api_params, version)
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

    async def _attempt(
        self, action: str, api_params: dict[str, str], version: str
    ) -> dict[str, Any]:
        import httpx

        build = self._build_request_v3 if version == versions.V2020 else self._build_request
        # Both versions' envelopes are read by the same functions (parsing.py).
        async with self._semaphore:
            if self._limiter:
                await self._limiter.acquire()
            started = time.perf_counter()
            try:
                response = await self._http.send(build(action, api_params))
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
            body = parsing.decode_body(
                response.content,
                http_status=response.status_code,
                action=action,
                request_id=header_request_id,
            )
        except CccError as exc:
            self._scrub(exc)  # the body's first bytes are quoted: they may echo the request
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
            parsing.raise_for_error(
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
        """Server messages go to screens and logs: see `scrub_message`; and for V3, no echoed
        canonical request (it holds the headers, the STS token among them) or Authorization."""
        text = _CANONICAL_REQUEST.split(exc.message, maxsplit=1)[0]
        text = text.rstrip(" :,.") if text != exc.message else text
        text = _V3_AUTHORIZATION.sub(f"{signing.V3_ALGORITHM} ****", text)
        exc.message = scrub_message(text, self._credentials)
        exc.args = (exc.message,)

    def _note_server_date(self, response: httpx.Response) -> None:
        value = response.headers.get("date")
        if not value:
            return
        with contextlib.suppress(TypeError, ValueError):
            self.last_server_date = parsedate_to_datetime(value)


# A V3 SignatureDoesNotMatch may quote the server's canonical request, which lists the signed
# headers and so any STS token; and an echoed Authorization value is cut to its algorithm.
_CANONICAL_REQUEST = re.compile(r"(?i)(?:server )?canonical[ _-]?request")
_V3_AUTHORIZATION = re.compile(
    re.escape(signing.V3_ALGORITHM) + r"\s+Credential=[^\s,]*(?:,\s*SignedHeaders=[^\s,]*)?"
    r"(?:,\s*Signature=[0-9A-Fa-f]*)?"
)
_MASKED_HEADERS = frozenset({"authorization", "x-acs-security-token"})


@functools.cache
def _private_headers_class() -> type[httpx.Headers]:
    import httpx

    class PrivateHeaders(httpx.Headers):
        """Request headers whose repr masks the Authorization value and the STS token."""

        def __repr__(self) -> str:
            shown = [
                (name, "[secure]" if name.lower() in _MASKED_HEADERS else value)
                for name, value in self.multi_items()
            ]
            return f"{type(self).__name__}({shown!r})"

    return PrivateHeaders


_DISPOSITIONS_2020 = {
    "AbandonedInContactFlow": "AbandonedInIVR",
    "AbandonedRing": "AbandonedInRing",
    "QueueOverflow": "QueuingOverflow",
    "OneStepTransfer": "ForwardToOutsideNumber",
}
_PHONE_RE = re.compile(r"^\+?[\d\-() ]+$")


def _records_params_2020(
    instance_id: str,
    *,
    page_number: int,
    page_size: int,
    start: datetime | None,
    stop: datetime | None,
    phone_number: str | None,
    criteria: str | None,
    contact_types: Sequence[str],
    dispositions: Sequence[str],
    contact_id: str | None,
    order: str | None,
) -> dict[str, str]:
    """`list_call_detail_records`' arguments as ListCallDetailRecordsV2 parameters.

    - contact types and dispositions: the 2017 names become the 2020 ones (2020 names pass).
    - criteria (the customer's number, or a name): a number is `Number`; a name is taken for an
      agent, `AgentId` (2.0 agent ids are `name@instance`). The search sends no name on 2.0: it
      checks names on the rows (agent or skill group, `Query.for_version`).
    - phone_number (the call center's own line): `Number` when there is no customer number;
      beside one, the direction decides which end each is (`CallingNumber` / `CalledNumber`);
      with no single direction the line cannot be sent as well, and is left out (the search
      checks it on the rows instead).
    - with_recording has no 2.0 filter: the rows' `RecordingReady` says it.
    """
    types = v2020.contact_types(contact_types)
    number = criteria.strip() if criteria and _PHONE_RE.match(criteria.strip()) else None
    agent = None
    if criteria and criteria.strip() and number is None:
        name = criteria.strip()
        agent = name if "@" in name else f"{name}@{instance_id.strip()}"
    line = phone_number.strip() if phone_number and phone_number.strip() else None
    calling = called = None
    if number and line:
        end = v2020.line_end(types)
        if end == "called":
            calling, called, number = number, line, None
        elif end == "calling":
            calling, called, number = line, number, None
        else:
            # The search checks the line on the rows (`Query.line_on_rows`) and says so.
            log.debug("ListCallDetailRecordsV2 has one Number: the line filter is left out")
    elif line:
        number = line
    return v2020.call_records_params(
        instance_id,
        page_number=page_number,
        page_size=page_size,
        start=start,
        end=stop,
        number=number,
        calling_number=calling,
        called_number=called,
        agent_id=agent,
        contact_ids=[contact_id] if contact_id else (),
        contact_types=types,
        dispositions=[_DISPOSITIONS_2020.get(d.strip(), d.strip()) for d in dispositions],
        order=order,
    )


def _distinct_recordings(
    mono: Sequence[Recording], channels: Sequence[Recording]
) -> tuple[Recording, ...]:
    """Each recording once: a multi-channel one per (file, channel), standing in the mono
    listing's place for the same file (it carries the channel and the holds; fields it lacks are
    taken from the mono entry); a mono file listed twice, or without a name twice alike, once."""
    by_file: dict[str, list[Recording]] = {}
    seen: set[tuple[str, str]] = set()
    for rec in channels:
        key = (rec.file_name, rec.channel)
        if key in seen:
            continue
        seen.add(key)
        by_file.setdefault(rec.file_name, []).append(rec)
    found: list[Recording] = []
    placed: set[str] = set()
    kept_mono: set[Recording] = set()
    for rec in mono:
        if rec.file_name in by_file:
            if rec.file_name not in placed:
                placed.add(rec.file_name)
                found.extend(_filled(c, rec) for c in by_file[rec.file_name])
        elif rec not in kept_mono and not (rec.file_name and rec.file_name in placed):
            kept_mono.add(rec)
            placed.add(rec.file_name)
            found.append(rec)
    for name, recs in by_file.items():
        if name not in placed:
            found.extend(recs)
    return tuple(found)


def _filled(channel: Recording, mono: Recording) -> Recording:
    """A multi-channel entry with the fields it leaves empty taken from the same file's mono one."""
    return replace(
        channel,
        contact_id=channel.contact_id or mono.contact_id,
        agent_id=channel.agent_id or mono.agent_id,
        agent_name=channel.agent_name or mono.agent_name,
        start=channel.start or mono.start,
        duration=channel.duration if channel.duration is not None else mono.duration,
    )


def _unknown_instance(error: CccError) -> bool:
    """Whether an error says this API version does not know the instance (or the action)."""
    return isinstance(error, InstanceNotFoundError | EndpointError | NotFoundError) or (
        isinstance(error, ServiceError)
        and not isinstance(error, AccessDeniedError)
        and error.code.split(".")[0] in ("InvalidParameter", "Parameter", "InvalidInstance")
    )


def _telling(errors: Sequence[BaseException]) -> BaseException:
    """Of the errors of the same request to both versions, the one to show: a rejected key, or
    else one that is not just "this version is not served here", when there is one."""
    for error in errors:
        if isinstance(error, AuthenticationError):
            return error
    for error in errors:
        if not isinstance(error, CccError) or not _unknown_instance(error):
            return error
    return errors[0]


def _fail_missing_sniffio_fast() -> None:
    """httpcore tries `import sniffio` for every lock, event and semaphore it sets up, several
    per request. Where sniffio is not installed, each failed import searches sys.path again
    (about a tenth of a find's CPU time). A None in sys.modules makes that import fail at once,
    with the outcome it had (httpcore, like anyio, then takes asyncio)."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


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
