"""Safe local file names for server-chosen ones, and recording downloads end to end."""

from __future__ import annotations

import asyncio
import errno
import stat
import unicodedata
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.client import CccClient, DownloadLimits
from ccc_tui.api.errors import NotFoundError, TransportError
from ccc_tui.api.models import Recording
from ccc_tui.calls.downloads import (
    MAX_NAME_BYTES,
    DownloadFileError,
    SavedRecording,
    download_recording,
    safe_filename,
    unique_path,
)
from ccc_tui.profiles.config import default_downloads_dir

# ---- safe_filename ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("153128491143400080327683.wav", "153128491143400080327683.wav"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("C:\\x.wav", "x.wav"),
        ("C:x.wav", "x.wav"),
        ("a/b.wav", "b.wav"),
        ("/abs/path.wav", "path.wav"),
        ("a\x00b.wav", "ab.wav"),
        ("\x1b[31m.wav", "[31m.wav"),
        ("x\x1b]52;c;ZXZpbA==\x07.wav", "x]52;c;ZXZpbA==.wav"),
        ("line\nbreak\r.wav", "linebreak.wav"),
        ("evil\u202egnp.exe", "evilgnp.exe"),  # a right-to-left override cannot disguise it
        (".hidden", "hidden"),
        ("...wav", "wav"),
        ("-rf.wav", "rf.wav"),
        ("x.wav. . ", "x.wav"),
        ("CON.wav", "_CON.wav"),
        ("con", "_con"),
        ("Lpt1.tar.gz", "_Lpt1.tar.gz"),
        ("nul .wav", "_nul .wav"),
        ("CONSOLE.wav", "CONSOLE.wav"),
        ('what?<is>"this"|*.wav', "what__is__this___.wav"),
        ("tab\tand  spaces.wav", "taband spaces.wav"),
        ("录音 小芳.wav", "录音 小芳.wav"),
        ("", "recording.wav"),
        ("..", "recording.wav"),
        (".", "recording.wav"),
        ("/", "recording.wav"),
        ("C:", "recording.wav"),
        ("   ", "recording.wav"),
        ("\x00\x01\x02", "recording.wav"),
    ],
)
def test_safe_filename_reduces_hostile_names(hostile: str, expected: str) -> None:
    assert safe_filename(hostile) == expected


def test_safe_filename_limits_length_and_keeps_the_extension() -> None:
    name = safe_filename("a" * 1000 + ".wav")
    assert name.endswith(".wav")
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert name.startswith("aaaa")


def test_safe_filename_cuts_multibyte_names_on_character_boundaries() -> None:
    name = safe_filename("录" * 1000 + ".wav")
    assert name.endswith(".wav")
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert set(name.removesuffix(".wav")) == {"录"}


def test_safe_filename_long_extension_is_not_kept_at_the_cost_of_the_name() -> None:
    name = safe_filename("x." + "y" * 500)
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert name.startswith("x.yyy")


def test_safe_filename_fallback_is_used_and_made_safe() -> None:
    assert safe_filename("..", fallback="call.wav") == "call.wav"
    assert safe_filename("", fallback="../../x.wav") == "x.wav"
    assert safe_filename("", fallback="") == "recording"


@given(st.text(max_size=400))
def test_safe_filename_property_is_always_a_plain_base_name(name: str) -> None:
    result = safe_filename(name)
    assert result
    assert result not in (".", "..")
    assert not result.startswith((".", "-", " "))
    assert not result.endswith((".", " "))
    assert "/" not in result and "\\" not in result and ":" not in result
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in result)
    assert len(result.encode("utf-8")) <= MAX_NAME_BYTES
    base = Path("/downloads")
    assert (base / result).parent == base
    assert safe_filename(result) == result  # already safe names pass through unchanged


# ---- unique_path ----------------------------------------------------------------------------


def test_unique_path_numbers_existing_names(tmp_path: Path) -> None:
    assert unique_path(tmp_path, "x.wav") == tmp_path / "x.wav"
    (tmp_path / "x.wav").write_bytes(b"1")
    assert unique_path(tmp_path, "x.wav") == tmp_path / "x (2).wav"
    (tmp_path / "x (2).wav").write_bytes(b"2")
    assert unique_path(tmp_path, "x.wav") == tmp_path / "x (3).wav"


def test_unique_path_without_extension_and_with_dangling_symlink(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("")
    assert unique_path(tmp_path, "notes") == tmp_path / "notes (2)"
    (tmp_path / "link.wav").symlink_to(tmp_path / "missing-target")
    assert unique_path(tmp_path, "link.wav") == tmp_path / "link (2).wav"


def test_default_download_dir_is_under_the_users_downloads(isolated_home: Path) -> None:
    assert default_downloads_dir() == isolated_home / "Downloads" / "ccc-tui"


# ---- download_recording against a scripted server ---------------------------------------------

KEY = AccessKey("test-key-id-1234", Secret("test-secret-value"))
SIGNED_URL = "https://oss.test/records/153128491143400080327683.wav?Expires=1&Signature=abc"
WAV = b"RIFF" + (36 + 3000).to_bytes(4, "little") + b"WAVEfmt " + b"\x00" * 3032


def _action(request: httpx.Request) -> str:
    params = dict(request.url.params)
    params.update(parse_qsl(request.content.decode()))
    return params.get("Action", "")


def link_answer(url: str = SIGNED_URL) -> httpx.Response:
    body = {
        "RequestId": "RID-LINK",
        "Success": True,
        "Code": "OK",
        "HttpStatusCode": 200,
        "MediaDownloadParam": {"FileName": "x.wav", "SignatureUrl": f'"{url}"'},
    }
    return httpx.Response(200, json=body)


class SlowStream(httpx.AsyncByteStream):
    """The whole WAV, after a pause: downloads started together overlap."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        await asyncio.sleep(0.05)
        yield WAV


class FailingStream(httpx.AsyncByteStream):
    """Sends some bytes, then the connection breaks (or waits forever, for cancellation)."""

    def __init__(self, *, hang: asyncio.Event | None = None) -> None:
        self.hang = hang

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield WAV + b"\x00" * 70_000  # more than the client's 64 KiB chunk: some is written
        if self.hang is not None:
            self.hang.set()
            await asyncio.sleep(3600)
        raise httpx.ReadError("connection reset")


def scripted_client(
    file_answer: Callable[[httpx.Request], httpx.Response],
    limits: DownloadLimits | None = None,
) -> CccClient:
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "ccc.test":
            assert _action(request) == "DownloadRecording"
            return link_answer()
        assert str(request.url) == SIGNED_URL  # the quotes the docs warn about were stripped
        return file_answer(request)

    return CccClient(
        KEY,
        endpoint="https://ccc.test",
        instance_id="inst-1",
        transport=httpx.MockTransport(handler),
        sleep=lambda _s: asyncio.sleep(0),
        download_limits=limits,
    )


RECORDING = Recording(file_name="153128491143400080327683.wav", contact_id="2020927020")


@pytest.fixture
def dl(tmp_path: Path) -> Path:
    """A download directory of its own (tmp_path also holds the isolated home)."""
    return tmp_path / "dl"


def _listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


async def test_download_streams_to_a_private_file(tmp_path: Path) -> None:
    target = tmp_path / "new" / "nested"
    seen: list[tuple[int, int | None]] = []
    async with scripted_client(lambda _r: httpx.Response(200, content=WAV)) as client:
        saved = await download_recording(
            client, RECORDING, target, progress=lambda d, t: seen.append((d, t))
        )
    path = saved.path
    assert not saved.already_saved
    assert path == target / RECORDING.file_name
    assert path.read_bytes() == WAV
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    assert _listing(target) == [RECORDING.file_name]
    assert seen[-1] == (len(WAV), len(WAV))


async def test_download_never_overwrites_and_hostile_names_stay_inside(dl: Path) -> None:
    dl.mkdir()
    (dl / "x.wav").write_bytes(b"mine")
    hostile = Recording(file_name="../../x.wav")
    async with scripted_client(lambda _r: httpx.Response(200, stream=SlowStream())) as client:
        first = await download_recording(client, hostile, dl)
        # Two at once (a double key press): both find the file the first one saved.
        second, third = await asyncio.gather(
            download_recording(client, hostile, dl),
            download_recording(client, hostile, dl),
        )
    assert (dl / "x.wav").read_bytes() == b"mine"
    assert first.path == dl / "x (2).wav" and not first.already_saved
    assert second.path == third.path == first.path
    assert second.already_saved and third.already_saved
    assert first.path.read_bytes() == WAV
    assert _listing(dl) == ["x (2).wav", "x.wav"]  # no identical copies, no temp files
    assert not (dl.parent / "x.wav").exists()


async def test_same_bytes_reuse_the_file_and_other_bytes_get_a_new_name(dl: Path) -> None:
    body = {"data": WAV}
    async with scripted_client(lambda _r: httpx.Response(200, content=body["data"])) as client:
        first = await download_recording(client, RECORDING, dl)
        again = await download_recording(client, RECORDING, dl)
        assert again == SavedRecording(first.path, already_saved=True)
        body["data"] = WAV[:-1] + b"\x01"  # same size, other content
        changed = await download_recording(client, RECORDING, dl)
        body["data"] = WAV + b"\x00"  # another size
        longer = await download_recording(client, RECORDING, dl)
    stem = RECORDING.file_name.removesuffix(".wav")
    assert first.path == dl / RECORDING.file_name and not first.already_saved
    assert changed.path == dl / f"{stem} (2).wav" and not changed.already_saved
    assert longer.path == dl / f"{stem} (3).wav" and not longer.already_saved
    assert first.path.read_bytes() == WAV
    assert len(_listing(dl)) == 3


async def test_expired_url_fails_and_leaves_no_file(dl: Path) -> None:
    expired = httpx.Response(
        403, text="<Error><Code>AccessDenied</Code>Request has expired</Error>"
    )
    async with scripted_client(lambda _r: expired) as client:
        with pytest.raises(NotFoundError) as caught:
            await download_recording(client, RECORDING, dl)
    assert caught.value.code == "Download.HTTP403"
    assert "fresh signed URL" in (caught.value.hint or "")
    assert _listing(dl) == []


async def test_broken_connection_is_retried_then_leaves_no_partial_file(dl: Path) -> None:
    attempts: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        return httpx.Response(
            200, headers={"Content-Length": str(len(WAV))}, stream=FailingStream()
        )

    progress: list[int] = []
    async with scripted_client(answer) as client:
        with pytest.raises(TransportError):
            await download_recording(
                client, RECORDING, dl, progress=lambda d, _t: progress.append(d)
            )
    assert len(attempts) == 3  # the client's retry policy
    assert progress[-1] >= 64 * 1024  # it had started writing
    assert _listing(dl) == []


async def test_cancelled_download_leaves_no_file(dl: Path) -> None:
    started = asyncio.Event()
    answer = httpx.Response(200, stream=FailingStream(hang=started))
    async with scripted_client(lambda _r: answer) as client:
        task = asyncio.create_task(download_recording(client, RECORDING, dl))
        await asyncio.wait_for(started.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert _listing(dl) == []


async def test_link_error_is_raised_before_anything_is_created(tmp_path: Path) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        body = {"RequestId": "RID-404", "Code": "NotExist.Record", "Message": "no such record"}
        return httpx.Response(404, json=body)

    target = tmp_path / "never"
    async with CccClient(
        KEY, endpoint="https://ccc.test", instance_id="i", transport=httpx.MockTransport(handler)
    ) as client:
        with pytest.raises(NotFoundError) as caught:
            await download_recording(client, RECORDING, target)
    assert caught.value.code == "NotExist.Record"
    assert caught.value.request_id == "RID-404"
    assert not target.exists()


async def test_unusable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    async with scripted_client(lambda _r: httpx.Response(200, content=WAV)) as client:
        with pytest.raises(DownloadFileError) as caught:
            await download_recording(client, RECORDING, blocker / "sub")
    assert caught.value.code == "Download.File"
    assert str(blocker) in caught.value.message


async def test_disk_trouble_is_a_clear_error(dl: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_args: object, **_kw: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    async with scripted_client(lambda _r: httpx.Response(200, content=WAV)) as client:
        monkeypatch.setattr("ccc_tui.calls.downloads.os.open", full)
        with pytest.raises(DownloadFileError) as caught:
            await download_recording(client, RECORDING, dl)
    assert "No space left on device" in caught.value.message
    assert _listing(dl) == []


# ---- end to end against the demo emulator ------------------------------------------------------


async def test_download_from_the_demo_emulator(tmp_path: Path) -> None:
    from ccc_tui.profiles.demo import demo_client

    seen: list[tuple[int, int | None]] = []
    async with demo_client() as client:
        recordings = await client.list_recordings("2020927020")
        assert recordings, "the seed contact has a recording"
        path = (
            await download_recording(
                client,
                recordings[0],
                tmp_path / "calls",
                progress=lambda d, t: seen.append((d, t)),
            )
        ).path
    data = path.read_bytes()
    assert path.name == safe_filename(recordings[0].file_name)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert int.from_bytes(data[4:8], "little") == len(data) - 8
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _listing(path.parent) == [path.name]  # no temp file left
    assert seen[0][0] == 0
    done, total = seen[-1]
    assert done == len(data)
    assert total in (None, len(data))
