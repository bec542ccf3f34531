"""The emulator under slow, silent and numerous clients, and oversized bodies.

Everything stays on loopback and is bounded: tens of connections, a few seconds each."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import httpx
import pytest

from ccc_tui.emulator.server import connection_cap, quiet_exception_handler, running_emulator
from tests.test_emulator_protocol import ANCHOR, client_for, make_app

SLOW = 50  # slow connections a test holds
HEADER_TIMEOUT = 1.0


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.fixture
def slow_sockets() -> Iterator[list[socket.socket]]:
    held: list[socket.socket] = []
    yield held
    for sock in held:
        sock.close()


def open_slow(url: str, count: int, held: list[socket.socket]) -> list[socket.socket]:
    """`count` connections that each sent the start of a request and nothing more."""
    opened = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", _port(url)), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        held.append(sock)
        opened.append(sock)
    return opened


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes `sock` within `within` seconds (what it sends is drained)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if not sock.recv(4096):
                return True
        except TimeoutError:
            return False
        except OSError:
            return True
    return False


def legit_status(url: str) -> tuple[int, float]:
    started = time.monotonic()
    with httpx.Client(base_url=url, timeout=10) as client:
        status = client.get("/", params={"Format": "JSON"}).status_code
    return status, time.monotonic() - started


@pytest.mark.socket
def test_a_client_dripping_headers_is_cut_off(slow_sockets: list[socket.socket]) -> None:
    with running_emulator(anchor=ANCHOR, header_timeout=HEADER_TIMEOUT) as url:
        (sock,) = open_slow(url, 1, slow_sockets)
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < HEADER_TIMEOUT + 3:
            try:
                sock.sendall(b"a")  # one byte every 0.2 s: never a whole header
            except OSError:
                closed = True
                break
            if closed_by_server(sock, 0.2):
                closed = True
                break
        assert closed, "a connection that never finished its headers was held open"
        assert time.monotonic() - started < HEADER_TIMEOUT + 3


@pytest.mark.socket
def test_a_real_request_is_served_while_slow_connections_are_held_then_dropped(
    slow_sockets: list[socket.socket],
) -> None:
    with running_emulator(anchor=ANCHOR, header_timeout=HEADER_TIMEOUT) as url:
        slow = open_slow(url, SLOW, slow_sockets)
        status, took = legit_status(url)
        assert status == 400 and took < 1.0  # unsigned: the service's own error, promptly
        assert all(closed_by_server(s, HEADER_TIMEOUT + 2) for s in slow)
        # A kept-alive connection between requests is bounded too.
        with httpx.Client(base_url=url, timeout=5) as client:
            assert client.get("/").status_code == 400
            time.sleep(HEADER_TIMEOUT + 0.5)
            assert client.get("/").status_code == 400  # reconnects transparently


@pytest.mark.socket
def test_past_the_connection_cap_the_oldest_silent_connection_goes(
    slow_sockets: list[socket.socket],
) -> None:
    with running_emulator(anchor=ANCHOR, header_timeout=30, max_connections=10) as url:
        first = open_slow(url, 10, slow_sockets)
        time.sleep(0.2)
        later = open_slow(url, 10, slow_sockets)
        status, took = legit_status(url)
        assert status == 400 and took < 1.0
        assert all(closed_by_server(s, 2) for s in first)
        assert sum(closed_by_server(s, 0.05) for s in later) <= 1  # only the one shed for ours


@pytest.mark.socket
def test_running_out_of_file_descriptors_is_one_quiet_line() -> None:
    """A process allowed 64 descriptors, a cap set far above it, 120 silent connections: the
    log says it once, without tracebacks, and a real request is served once they time out."""
    script = textwrap.dedent(
        """
        import resource, sys
        from ccc_tui.emulator.server import serve
        import uvicorn.protocols.http.h11_impl, uvicorn.lifespan.off, uvicorn.loops.asyncio
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
        serve("127.0.0.1", 0, header_timeout=1.0, max_connections=10_000,
              ready=lambda url: print(url, flush=True))
        """
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    held: list[socket.socket] = []
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        for _ in range(120):  # the kernel queues what the server cannot accept yet
            sock = socket.create_connection(("127.0.0.1", _port(url)), timeout=5)
            held.append(sock)
        time.sleep(0.5)
        status, took = legit_status(url)
        assert status == 400 and took < 8
    finally:
        for sock in held:
            sock.close()
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err and "Too many open files" in err
    assert len(err.splitlines()) <= 3 and len(err) < 2000, err


def test_the_quiet_handler_logs_descriptor_exhaustion_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop = asyncio.new_event_loop()
    try:
        handle = quiet_exception_handler(interval=60)
        exc = OSError(24, "Too many open files")
        with caplog.at_level(logging.WARNING):
            for _ in range(100):
                handle(loop, {"message": "socket.accept() out of system resource", "exception": exc})
        records = [r for r in caplog.records if "file descriptors" in r.getMessage()]
        assert len(records) == 1 and records[0].exc_info is None
    finally:
        loop.close()


def test_the_connection_cap_stays_below_the_descriptor_limit() -> None:
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = connection_cap()
    assert 8 <= cap <= 256 and (soft == resource.RLIM_INFINITY or cap < soft)
    assert connection_cap(5000) == 5000  # an explicit cap is taken as given


@pytest.mark.parametrize("where", ["query", "body"])
async def test_a_huge_body_is_refused_in_the_format_asked_for(where: str) -> None:
    query = {"Format": "JSON"} if where == "query" else {}
    prefix = b"Format=JSON&" if where == "body" else b""
    async with client_for(make_app()) as client:
        response = await client.post(
            "/",
            params=query,
            content=prefix + b"x=" + b"a" * (1 << 21),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(response.content)["Code"] == "RequestEntityTooLarge"
    async with client_for(make_app()) as client:
        response = await client.post(
            "/",
            content=b"x=" + b"a" * (1 << 21),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 413 and response.content.startswith(b"<?xml")


def test_callbacks_on_closed_sockets_are_not_a_traceback_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Under load the shortage also shows as `Invalid file descriptor: -1` in callbacks."""
    loop = asyncio.new_event_loop()
    try:
        handle = quiet_exception_handler(interval=60)
        with caplog.at_level(logging.WARNING):
            for _ in range(100):
                handle(loop, {"message": "x", "exception": ValueError("Invalid file descriptor: -1")})
        assert caplog.records == []
    finally:
        loop.close()
