"""Serve the emulator over HTTP on loopback with uvicorn, for any client, the official SDKs too.

uvicorn is imported only here and only when serving (`pip install 'ccc-tui[server]'`).

Bounded against slow or many clients: a connection has `HEADER_TIMEOUT_S` to send a request's
headers (uvicorn itself has no such timeout: it only closes idle keep-alive connections), headers
are capped in size, the connections held are capped (below the process's file-descriptor limit;
past the cap the oldest connection still waiting for headers is dropped, so a flood of silent
connections cannot lock out a real client), and running out of file descriptors is logged as one
line now and then, not as a traceback per refused accept.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
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

HEADER_TIMEOUT_S = 10.0  # to send a whole request line and headers, from connect or last answer
KEEP_ALIVE_S = 5  # an idle keep-alive connection is closed after this
MAX_HEADER_BYTES = 64 * 1024  # request line and headers; more is a 400
MAX_CONNECTIONS = 256  # held at once (also bounded by the file-descriptor limit)
FD_LOG_INTERVAL_S = 30.0  # at most one "out of file descriptors" line per interval
_FD_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})

log = logging.getLogger(__name__)


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


def connection_cap(requested: int | None = None) -> int:
    """How many connections to hold: `requested` (default MAX_CONNECTIONS), and at most half the
    file descriptors this process may open, leaving the rest for the data set, logs and the app."""
    cap = MAX_CONNECTIONS if requested is None else requested
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return cap
    if requested is None and soft != resource.RLIM_INFINITY:
        cap = min(cap, max(8, soft // 2 - 16))
    return cap


def _protocol_class(header_timeout: float, max_connections: int) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with a header deadline and a connection cap."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None
        _waiting_since = 0.0

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_header_timer()
            if len(self.connections) > max_connections:
                self._shed()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_header_timer()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm_header_timer()  # the next request's headers have a deadline too

        def waiting_for_request(self) -> bool:
            """True between connect (or the last answer) and the next request's headers."""
            return self._header_timer is not None and (
                self.cycle is None or self.cycle.response_complete
            )

        def _arm_header_timer(self) -> None:
            self._cancel_header_timer()
            self._waiting_since = self.loop.time()
            self._header_timer = self.loop.call_later(header_timeout, self._header_timeout)

        def _cancel_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _header_timeout(self) -> None:
            if self.waiting_for_request() and not self.transport.is_closing():
                self.transport.close()  # a request is in progress: left to finish
            self._header_timer = None

        def _shed(self) -> None:
            # The oldest connection still sending (or not sending) its headers goes first.
            waiting = [
                c
                for c in self.connections
                if isinstance(c, GuardedH11Protocol) and c.waiting_for_request()
            ]
            victim = min(waiting, key=lambda c: c._waiting_since, default=self)
            victim._cancel_header_timer()
            victim.transport.close()

    return GuardedH11Protocol


def quiet_exception_handler(
    interval: float = FD_LOG_INTERVAL_S,
) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    """An event-loop exception handler for which running out of file descriptors is one line per
    `interval`, without a traceback (asyncio logs one per refused accept, every second, for as
    long as it lasts); anything else goes to the default handler."""
    last_logged: list[float] = []

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, ValueError) and "file descriptor" in str(exc):
            # The aftermath of the same shortage under load: a callback on a socket already
            # closed (fd -1). Nothing to tell beyond the line below; never one traceback each.
            log.debug("emulator: callback on a closed socket: %s", exc)
            return
        if not (isinstance(exc, OSError) and exc.errno in _FD_ERRNOS):
            loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if last_logged and now - last_logged[0] < interval:
            return
        last_logged[:] = [now]
        log.warning(
            "emulator: out of file descriptors (%s); new connections wait until some close",
            exc.strerror or type(exc).__name__,
        )

    return handle


def _server(
    app: EmulatorApp,
    uvicorn: Any,
    *,
    header_timeout: float = HEADER_TIMEOUT_S,
    max_connections: int | None = None,
) -> Any:
    cap = connection_cap(max_connections)
    config = uvicorn.Config(
        app,
        http=_protocol_class(header_timeout, cap),
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=cap * 2,  # requests in flight (connections are capped above)
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        server_header=False,
        date_header=False,
    )

    class QuietServer(uvicorn.Server):  # type: ignore[misc]
        async def serve(self, sockets: list[socket.socket] | None = None) -> None:
            asyncio.get_running_loop().set_exception_handler(quiet_exception_handler())
            await super().serve(sockets)

    return QuietServer(config)


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    faults: Faults | None = None,
    anchor: datetime | None = None,
    calls: int | None = None,
    allow_remote: bool = False,
    ready: Callable[[str], None] | None = None,
    header_timeout: float = HEADER_TIMEOUT_S,
    max_connections: int | None = None,
) -> None:
    """Serve until interrupted. `ready(base_url)` runs once the socket listens. `calls`: the
    ordinary calls over the data set's 30 days (`Dataset`'s count; None for its default)."""
    uvicorn = _uvicorn()
    dataset = Dataset(anchor=anchor) if calls is None else Dataset(anchor=anchor, count=calls)
    sock = bind(host, port, allow_remote=allow_remote)
    app = create_app(dataset=dataset, faults=faults)
    if ready is not None:
        ready(base_url(sock))
    try:
        server = _server(
            app, uvicorn, header_timeout=header_timeout, max_connections=max_connections
        )
        server.run(sockets=[sock])
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
    header_timeout: float = HEADER_TIMEOUT_S,
    max_connections: int | None = None,
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
    server = _server(app, uvicorn, header_timeout=header_timeout, max_connections=max_connections)
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
