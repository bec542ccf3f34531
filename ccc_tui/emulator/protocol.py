"""What the emulator's two API versions share: the gateway's errors, one request's parameters,
the nonces seen, and the headers of an ASGI scope. Imported by `app` (2017-07-05) and `v2020`.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping, MutableMapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

TIMESTAMP_TOLERANCE = timedelta(minutes=15)
OSS_ACCESS_KEY_ID = "demo-oss-access-key-id"

Scope = MutableMapping[str, Any]
H = TypeVar("H")


def registrar(table: dict[str, H]) -> Callable[[str], Callable[[H], H]]:
    """A decorator factory that files each handler in `table` under its action's name."""

    def action(name: str) -> Callable[[H], H]:
        def register(fn: H) -> H:
            table[name] = fn
            return fn

        return register

    return action


class ApiError(Exception):
    """An error the service answers with its own body."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def missing(name: str) -> ApiError:
    return ApiError(
        400,
        f"Missing{name}",
        f'The input parameter "{name}" that is mandatory for processing this request is not '
        "supplied.",
    )


def invalid(name: str, why: str = "") -> ApiError:
    message = f'The specified parameter "{name}" is not valid.'
    return ApiError(400, "InvalidParameter", f"{message[:-1]}: {why}." if why else message)


class Nonces:
    """Nonces seen per key while their request could still pass the timestamp check."""

    def __init__(self, limit: int = 200_000) -> None:
        self._expiry: dict[tuple[str, str], float] = {}
        self._order: collections.deque[tuple[float, tuple[str, str]]] = collections.deque()
        self._limit = limit

    def used(self, key: tuple[str, str], now: float, stamp: float) -> bool:
        while self._order and (self._order[0][0] < now or len(self._order) > self._limit):
            _, old = self._order.popleft()
            self._expiry.pop(old, None)
        if key in self._expiry:
            return True
        expiry = max(now, stamp) + TIMESTAMP_TOLERANCE.total_seconds()
        self._expiry[key] = expiry
        self._order.append((expiry, key))
        return False


class Request:
    """What a handler needs of one API request."""

    def __init__(self, params: dict[str, str], base_url: str, now: datetime) -> None:
        self.params = params
        self.base_url = base_url
        self.now = now

    def get(self, name: str) -> str:
        return self.params.get(name, "").strip()

    def required(self, name: str) -> str:
        value = self.get(name)
        if not value:
            raise missing(name)
        return value

    def integer(self, name: str, *, required: bool = False) -> int | None:
        text = self.required(name) if required else self.get(name)
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise invalid(name) from None


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def host_of(scope: Scope) -> str:
    host = header(scope, b"host")
    if host:
        return host
    server = scope.get("server")
    if server:
        return f"{server[0]}:{server[1]}"
    return "localhost"


def base_url(scope: Scope) -> str:
    return f"{scope.get('scheme', 'http')}://{host_of(scope)}"
