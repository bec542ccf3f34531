"""Injected trouble for tests and demos: latency, throttling, 5xx, cut-off bodies, proxy pages.

Every request draws the same four numbers whatever the rates, so with a seed the sequence of
decisions depends only on the number of requests, and flipping one rate at run time does not
reshuffle the others.
"""

from __future__ import annotations

import random
import threading
from typing import NamedTuple

_RATE_NAMES = {
    "throttle": "throttle_rate",
    "5xx": "error_rate",
    "truncate": "truncate_rate",
    "html": "html_rate",
}
_KNOWN = ("latency", "throttle", "5xx", "truncate", "html", "retry-after", "seed")


class Decision(NamedTuple):
    """What to do to one request. At most one of the failure kinds is set."""

    latency_s: float = 0.0
    throttle: bool = False
    server_error: bool = False  # which 5xx: Faults.server_error_status(action)
    truncate_at: float | None = None  # a fraction of the body to keep
    html: bool = False


class Faults:
    """Mutable at run time: tests flip the attributes while the emulator serves."""

    def __init__(
        self,
        latency_ms: float = 0,
        throttle_rate: float = 0,
        error_rate: float = 0,
        truncate_rate: float = 0,
        html_rate: float = 0,
        retry_after_ms: int | None = None,
        seed: int | None = None,
    ) -> None:
        self.latency_ms = latency_ms
        self.throttle_rate = throttle_rate
        self.error_rate = error_rate
        self.truncate_rate = truncate_rate
        self.html_rate = html_rate
        self.retry_after_ms = retry_after_ms
        self.seed = seed
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._errors_by_action: dict[str, int] = {}
        self._validate()

    def _validate(self) -> None:
        if self.latency_ms < 0:
            raise ValueError(f"latency must be >= 0 ms, got {self.latency_ms}")
        for attr in ("throttle_rate", "error_rate", "truncate_rate", "html_rate"):
            value = getattr(self, attr)
            if not 0 <= value <= 1:
                raise ValueError(f"{attr} must be between 0 and 1, got {value}")
        if self.retry_after_ms is not None and self.retry_after_ms < 0:
            raise ValueError(f"retry-after must be >= 0 ms, got {self.retry_after_ms}")

    def reset(self, seed: int | None = None) -> None:
        """Start the decision sequence again (with this seed, or the original one)."""
        with self._lock:
            if seed is not None:
                self.seed = seed
            self._rng = random.Random(self.seed)
            self._errors_by_action.clear()

    @property
    def active(self) -> bool:
        return bool(
            self.latency_ms
            or self.throttle_rate
            or self.error_rate
            or self.truncate_rate
            or self.html_rate
        )

    def decide(self) -> Decision:
        with self._lock:
            html, throttle, error, truncate = (self._rng.random() for _ in range(4))
            keep = self._rng.random()
            latency = self.latency_ms / 1000
            # A proxy page comes before the service; the service throttles before it fails.
            if html < self.html_rate:
                return Decision(latency_s=latency, html=True)
            if throttle < self.throttle_rate:
                return Decision(latency_s=latency, throttle=True)
            if error < self.error_rate:
                return Decision(latency_s=latency, server_error=True)
            if truncate < self.truncate_rate:
                return Decision(latency_s=latency, truncate_at=keep)
            return Decision(latency_s=latency)

    def server_error_status(self, action: str) -> int:
        """503, then 500, then 503 … per action: concurrent requests of other actions (a call's
        events and recordings) cannot change which one a request gets."""
        with self._lock:
            count = self._errors_by_action.get(action, 0) + 1
            self._errors_by_action[action] = count
        return 503 if count % 2 else 500

    def describe(self) -> str:
        parts = []
        if self.latency_ms:
            parts.append(f"latency={self.latency_ms:g}ms")
        for label, attr in (
            ("throttle", "throttle_rate"),
            ("5xx", "error_rate"),
            ("truncate", "truncate_rate"),
            ("html", "html_rate"),
        ):
            if getattr(self, attr):
                parts.append(f"{label}={getattr(self, attr):g}")
        if self.retry_after_ms is not None:
            parts.append(f"retry-after={self.retry_after_ms}ms")
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        return ",".join(parts) or "none"

    def __repr__(self) -> str:
        return f"Faults({self.describe()})"

    @classmethod
    def parse(cls, spec: str) -> Faults:
        """`latency=50,throttle=0.2,5xx=0.1,truncate=0.05,html=0.1,retry-after=500,seed=7`."""
        kwargs: dict[str, float | int | None] = {}
        for raw in spec.split(","):
            part = raw.strip()
            if not part:
                continue
            name, sep, value = part.partition("=")
            name, value = name.strip().lower().replace("_", "-"), value.strip()
            if not sep or not value:
                raise ValueError(f"fault {part!r}: expected NAME=VALUE, e.g. throttle=0.2")
            if name not in _KNOWN:
                raise ValueError(f"unknown fault {name!r}: known are {', '.join(_KNOWN)}")
            if name == "latency":
                kwargs["latency_ms"] = _number(name, value.removesuffix("ms"), low=0)
            elif name == "retry-after":
                kwargs["retry_after_ms"] = int(_number(name, value.removesuffix("ms"), low=0))
            elif name == "seed":
                try:
                    kwargs["seed"] = int(value)
                except ValueError:
                    raise ValueError(f"fault 'seed' needs an integer, got {value!r}") from None
            else:
                kwargs[_RATE_NAMES[name]] = _number(name, value, low=0, high=1)
        return cls(**kwargs)  # type: ignore[arg-type]


def _number(name: str, text: str, *, low: float, high: float | None = None) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value >= low and (high is None or value <= high)):
        bound = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
        raise ValueError(f"fault {name!r} needs a number {bound}, got {text!r}")
    return value
