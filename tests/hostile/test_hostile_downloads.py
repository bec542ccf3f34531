"""Recording downloads from a storage server that misbehaves: an endless body, a trickle, a stall,
a body cut off (with or without a Content-Length), gateway errors and refusals.

Each must end, within a bounded time, in a clear CccError with nothing left in the download
directory (or, for a transient failure, in the complete file after a retry) — never in a huge,
endless or half file saved as complete."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from ccc_tui.api.client import MIB, CccClient, DownloadLimits
from ccc_tui.api.errors import CccError, NotFoundError, ServerError, TransportError
from ccc_tui.calls.downloads import download_recording
from ccc_tui.emulator.audio import wav_bytes
from tests.test_downloads import KEY, RECORDING, SIGNED_URL, scripted_client

T = TypeVar("T")
WAV = wav_bytes(RECORDING.file_name, 3)  # what the emulator serves: a RIFF header with sizes
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 20


async def within(seconds: float, work: Awaitable[T]) -> T:
    """Fail (instead of hanging the suite) when `work` takes longer than `seconds`."""
    return await asyncio.wait_for(work, seconds)


class Counted:
    """The storage side: answers each download request with `answer(n)` (n from 1), counting."""

    def __init__(self, answer: Callable[[int], httpx.Response]) -> None:
        self.answer = answer
        self.count = 0

    def __call__(self, _request: httpx.Request) -> httpx.Response:
        self.count += 1
        return self.answer(self.count)


async def _no_wait(_seconds: float) -> None:
    """The retry backoff, without the wait."""


class Body(httpx.AsyncByteStream):
    """`chunks`, each after `pause` seconds; then, optionally, a broken connection or a hang."""

    def __init__(
        self,
        *chunks: bytes,
        pause: float = 0.0,
        then: str = "end",
        forever: bytes | None = None,
    ) -> None:
        self.chunks, self.pause, self.then, self.forever = chunks, pause, then, forever
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            await asyncio.sleep(self.pause)
            self.sent += len(chunk)
            yield chunk
        while self.forever is not None:
            await asyncio.sleep(self.pause)
            self.sent += len(self.forever)
            yield self.forever
        if self.then == "reset":
            raise httpx.ReadError("connection reset")
        if self.then == "hang":
            await asyncio.sleep(3600)


def _listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


@pytest.fixture
def dl(tmp_path: Path) -> Path:
    return tmp_path / "dl"


# ---- size ---------------------------------------------------------------------------------------


async def test_an_endless_body_stops_at_the_size_cap_and_leaves_nothing(dl: Path) -> None:
    body = Body(forever=b"\x00" * MIB)
    async with scripted_client(lambda _r: httpx.Response(200, stream=body)) as client:
        with pytest.raises(CccError) as caught:
            await within(10, download_recording(client, RECORDING, dl, max_mb=3))
    assert caught.value.code == "Download.TooLarge"
    assert "3 MB limit" in caught.value.message
    assert "max_download_mb" in (caught.value.hint or "")
    assert body.sent <= 4 * MIB  # stopped at the cap, not at the end of the disk
    assert _listing(dl) == []


async def test_a_declared_length_over_the_default_cap_is_refused_before_any_byte(dl: Path) -> None:
    body = Body(forever=b"\x00" * MIB)
    huge = httpx.Response(200, headers={"Content-Length": str(300 * MIB)}, stream=body)
    storage = Counted(lambda _n: huge)
    async with scripted_client(storage) as client:
        with pytest.raises(CccError) as caught:
            await within(10, download_recording(client, RECORDING, dl))
    assert caught.value.code == "Download.TooLarge"
    assert "200 MB limit (300.0 MB)" in caught.value.message
    assert body.sent == 0 and storage.count == 1  # not retried
    assert _listing(dl) == []


async def test_a_file_within_the_cap_is_saved(dl: Path) -> None:
    async with scripted_client(lambda _r: httpx.Response(200, content=WAV)) as client:
        saved = await within(10, download_recording(client, RECORDING, dl, max_mb=1))
    assert saved.path.read_bytes() == WAV


# ---- time ---------------------------------------------------------------------------------------

QUICK = DownloadLimits(min_rate=1024, grace=0.3)


async def test_a_trickle_fails_with_a_clear_message_in_bounded_time(dl: Path) -> None:
    storage = Counted(lambda _n: httpx.Response(200, stream=Body(pause=0.05, forever=b"R")))
    loop = asyncio.get_running_loop()
    began = loop.time()
    async with scripted_client(storage, QUICK) as client:
        with pytest.raises(CccError) as caught:
            await within(10, download_recording(client, RECORDING, dl))
    assert caught.value.code == "Download.TooSlow"
    assert "too slow" in caught.value.message and "1 KiB/s" in caught.value.message
    assert loop.time() - began < 3
    assert storage.count == 1  # a slow source is not tried three times over
    assert _listing(dl) == []


async def test_a_stall_after_a_good_start_fails_by_the_deadline(dl: Path) -> None:
    storage = Counted(lambda _n: httpx.Response(200, stream=Body(WAV[:2048], then="hang")))
    async with scripted_client(storage, QUICK) as client:
        with pytest.raises(CccError) as caught:
            await within(10, download_recording(client, RECORDING, dl))
    assert caught.value.code == "Download.TooSlow"
    assert "2048 bytes" in caught.value.message
    assert _listing(dl) == []


async def test_the_default_limits_are_generous() -> None:
    limits = DownloadLimits()
    assert limits.max_bytes == 200 * MIB
    # A one-hour 8 kHz 16-bit mono WAV (about 58 MB) may take well over an hour.
    assert limits.grace + 3600 * 16_000 / limits.min_rate >= 1.5 * 3600


# ---- cut-off bodies ----------------------------------------------------------------------------


async def test_a_body_shorter_than_its_content_length_is_cut_off(dl: Path) -> None:
    def short(_n: int) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Length": str(len(WAV))}, stream=Body(WAV[: len(WAV) // 2])
        )

    storage = Counted(short)
    async with scripted_client(storage) as client:
        with pytest.raises(TransportError) as caught:
            await within(10, download_recording(client, RECORDING, dl))
    assert caught.value.code == "Download.Incomplete"
    assert f"{len(WAV) // 2} of {len(WAV)} bytes" in caught.value.message
    assert storage.count == 3  # retried like a broken connection
    assert _listing(dl) == []


async def test_a_short_body_over_a_real_socket_is_an_error(dl: Path) -> None:
    """httpx itself (h11) notices a connection closed before Content-Length: a transport error."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(WAV)}\r\nConnection: close\r\n\r\n"
        writer.write(head.encode() + WAV[: len(WAV) // 2])
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/oss/{RECORDING.file_name}"
    dl.mkdir()
    sink_path = dl / "part"
    # No transport given: the client's own, over a loopback socket.
    async with server, CccClient(KEY, endpoint="https://ccc.test", sleep=_no_wait) as client:
        with sink_path.open("wb") as sink, pytest.raises(TransportError) as caught:
            await within(10, client.stream_download(url, sink))
    assert "peer closed connection" in caught.value.message
    assert sink_path.stat().st_size <= len(WAV) // 2  # each attempt started afresh


@pytest.mark.parametrize("cut", [2, 3])
async def test_a_wav_without_length_cut_short_is_not_saved_as_complete(dl: Path, cut: int) -> None:
    storage = Counted(lambda _n: httpx.Response(200, stream=Body(WAV[: len(WAV) // cut])))
    async with scripted_client(storage) as client:
        with pytest.raises(TransportError) as caught:
            await within(10, download_recording(client, RECORDING, dl))
    assert caught.value.code == "Download.Incomplete"
    assert f"of the {len(WAV)} bytes its WAV header declares" in caught.value.message
    assert storage.count == 3
    assert _listing(dl) == []


@pytest.mark.parametrize(
    "data",
    [
        WAV,  # complete
        WAV + b"LIST\x00\x00\x00\x00",  # a trailing chunk the header does not count
        b"RIFF\x00\x00\x00\x00WAVE" + WAV[12:100],  # a streaming writer's size placeholder
        b"RIFF\xff\xff\xff\xffWAVE" + WAV[12:100],
        MP3,  # another format: no size to check
        b"RIF",  # too short to be a header
    ],
    ids=["wav", "wav-trailer", "riff-zero", "riff-max", "mp3", "tiny"],
)
async def test_bodies_without_length_that_look_whole_are_saved(dl: Path, data: bytes) -> None:
    body = Body(data[:1000], data[1000:]) if len(data) > 1000 else Body(data)
    async with scripted_client(lambda _r: httpx.Response(200, stream=body)) as client:
        saved = await within(10, download_recording(client, RECORDING, dl))
    assert saved.path.read_bytes() == data


# ---- statuses and retries ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_gateway_errors_are_retried_then_succeed(dl: Path, status: int) -> None:
    storage = Counted(
        lambda n: (
            httpx.Response(status, text="<html>bad gateway</html>")
            if n < 3
            else httpx.Response(200, content=WAV)
        )
    )
    async with scripted_client(storage) as client:
        saved = await within(10, download_recording(client, RECORDING, dl))
    assert storage.count == 3
    assert saved.path.read_bytes() == WAV and _listing(dl) == [saved.path.name]


async def test_a_persistent_500_is_a_server_error_not_an_expired_url(dl: Path) -> None:
    storage = Counted(lambda _n: httpx.Response(500, text="oops"))
    async with scripted_client(storage) as client:
        with pytest.raises(ServerError) as caught:
            await within(10, download_recording(client, RECORDING, dl))
    assert storage.count == 3  # at most three attempts
    assert caught.value.code == "Download.HTTP500"
    assert "expired" not in caught.value.message + (caught.value.hint or "")
    assert _listing(dl) == []


@pytest.mark.parametrize("status", [403, 404])
async def test_refusals_keep_the_expired_url_wording_and_are_not_retried(
    dl: Path, status: int
) -> None:
    storage = Counted(lambda _n: httpx.Response(status, text="<Error>AccessDenied</Error>"))
    async with scripted_client(storage) as client:
        with pytest.raises(NotFoundError) as caught:
            await within(10, download_recording(client, RECORDING, dl))
    assert storage.count == 1
    assert "the signed URL may have expired" in caught.value.message
    assert caught.value.code == f"Download.HTTP{status}"
    assert _listing(dl) == []


@pytest.mark.parametrize("status", [400, 410, 416, 501, 302])
async def test_other_failures_are_plain_and_not_retried(dl: Path, status: int) -> None:
    storage = Counted(lambda _n: httpx.Response(status, text="<html>nope</html>"))
    async with scripted_client(storage) as client:
        with pytest.raises(CccError) as caught:
            await within(10, download_recording(client, RECORDING, dl))
    assert storage.count == 1
    assert f"(HTTP {status})" in caught.value.message
    assert "expired" not in caught.value.message
    assert _listing(dl) == []


async def test_a_retry_writes_the_file_afresh(dl: Path) -> None:
    def answer(n: int) -> httpx.Response:
        if n == 1:  # most of the file, then the connection breaks
            return httpx.Response(200, stream=Body(WAV[:-100], then="reset"))
        return httpx.Response(200, headers={"Content-Length": str(len(WAV))}, content=WAV)

    storage = Counted(answer)
    progress: list[tuple[int, int | None]] = []
    async with scripted_client(storage) as client:
        saved = await within(
            10,
            download_recording(
                client, RECORDING, dl, progress=lambda d, t: progress.append((d, t))
            ),
        )
    assert storage.count == 2
    assert saved.path.read_bytes() == WAV  # not the first attempt's bytes, then the second's
    assert progress[-1] == (len(WAV), len(WAV))
    assert _listing(dl) == [saved.path.name]


async def test_a_retry_reuses_the_signed_url() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(503) if len(seen) == 1 else httpx.Response(200, content=WAV)

    async with scripted_client(answer) as client:
        link = await client.get_download_link(RECORDING.file_name)
        sink = io.BytesIO()
        assert await within(10, client.stream_download(link.url, sink)) == len(WAV)
    assert seen == [SIGNED_URL, SIGNED_URL] and sink.getvalue() == WAV
