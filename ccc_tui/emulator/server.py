"""Serve the emulator over HTTP on loopback with uvicorn, for any client, the official SDKs too.

uvicorn is imported only here and only when serving (`pip install 'ccc-tui[server]'`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from ccc_tui.api.endpoints import is_loopback_host
from ccc_tui.emulator.app import Clock, EmulatorApp, create_app
from ccc_tui.emulator.constants import DEFAULT_PORT
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.faults import Faults

INSTALL_HINT = "uvicorn is not installed: pip install 'ccc-tui[server]'"


class ServerUnavailableError(RuntimeError):
    """The server cannot run here: uvicorn missing, a port in use, a refused host."""


# The emulator serves a public demo key: only this machine may reach it without --allow-remote.
is_loopback = is_loopback_host


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError:
        raise ServerUnavailableError(INSTALL_HINT) from None
    return uvicorn


def bind(host: str, port: int, *, allow_remote: bool = False) -> socket.socket:
    """A listening socket; refuses a non-loopback host unless allowed (the demo key is public)."""
    if not allow_remote and not is_loopback(host):
        raise ServerUnavailableError(
            f"refusing to listen on {host}: the emulator's demo key is public, so it serves "
            "loopback only (127.0.0.1, ::1, localhost) unless --allow-remote is given"
        )
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServerUnavailableError(f"cannot resolve {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ServerUnavailableError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.setblocking(False)
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _server(app: EmulatorApp, uvicorn: Any) -> Any:
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        server_header=False,
        date_header=False,
    )
    return uvicorn.Server(config)


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    faults: Faults | None = None,
    anchor: datetime | None = None,
    allow_remote: bool = False,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted. `ready(base_url)` runs once the socket listens."""
    uvicorn = _uvicorn()
    sock = bind(host, port, allow_remote=allow_remote)
    app = create_app(dataset=Dataset(anchor=anchor), faults=faults)
    if ready is not None:
        ready(base_url(sock))
    try:
        _server(app, uvicorn).run(sockets=[sock])
    finally:
        sock.close()


@contextlib.contextmanager
def running_emulator(
    *,
    faults: Faults | None = None,
    anchor: datetime | None = None,
    dataset: Dataset | None = None,
    clock: Clock | None = None,
    key_pairs: Mapping[str, str] | None = None,
    app: EmulatorApp | None = None,
    startup_timeout: float = 10.0,
) -> Iterator[str]:
    """Run the emulator on 127.0.0.1 on a free port in a background thread; yield its base URL.

    Usable from sync and async tests alike: the server has its own thread and event loop.
    """
    uvicorn = _uvicorn()
    if app is None:
        app = create_app(
            dataset=dataset or Dataset(anchor=anchor),
            faults=faults,
            clock=clock,
            key_pairs=key_pairs,
        )
    sock = bind("127.0.0.1", 0)
    server = _server(app, uvicorn)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # surfaced to the test below
            failure.append(exc)

    thread = threading.Thread(target=run, name="ccc-emulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if failure or not thread.is_alive():
            sock.close()
            raise ServerUnavailableError(f"the emulator did not start: {failure[:1]}")
        if time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise ServerUnavailableError("the emulator did not start in time")
        time.sleep(0.01)
    try:
        yield base_url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
