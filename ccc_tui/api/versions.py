"""Which CCC API an instance answers: 2017-07-05 (the first CCC) or 2020-07-01 (CCC 2.0).

The choice is a setting (`auto`, or one of the two versions). With `auto` the client decides once
per endpoint and instance, by asking each version's `GetInstance` whether it knows the id, and
remembers the answer in a `VersionStore` (the app's is a small file in its data directory:
`profiles/api_versions.py`). An explicit choice is trusted until the instance says it does not know
the id; then the other version is asked, and if it knows the instance the error says so.
"""

from __future__ import annotations

import re
from typing import Protocol

from ccc_tui.api.errors import ConfigurationError

V2017 = "2017-07-05"
V2020 = "2020-07-01"
AUTO = "auto"
VERSIONS: tuple[str, ...] = (V2017, V2020)
CHOICES: tuple[str, ...] = (AUTO, *VERSIONS)

# How each version is named to a person (the context bar, `config show`, `doctor`).
LABELS = {V2017: "CCC 2017-07-05", V2020: "CCC 2.0 (2020-07-01)"}

# 2017 instance ids are UUIDs; 2.0 ids are short names (`ccc-test`). Only a guess: it picks which
# version `auto` asks first, and decides alone only when neither version would answer.
_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def check_choice(value: object) -> str:
    """`auto` or a version (case and the surrounding spaces ignored); ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"expected a string, one of {', '.join(CHOICES)}")
    text = value.strip().lower()
    if text not in CHOICES:
        raise ValueError(f"{text[:20]!r} is not one of {', '.join(CHOICES)}")
    return text


def other(version: str) -> str:
    return V2017 if version == V2020 else V2020


def likely_version(instance_id: str) -> str:
    """The version an instance id looks like it belongs to (a guess, see above)."""
    return V2017 if _UUID_RE.match(instance_id.strip()) else V2020


def probe_order(instance_id: str) -> tuple[str, str]:
    first = likely_version(instance_id)
    return first, other(first)


class VersionStore(Protocol):
    """Where decided versions are remembered, keyed by endpoint and instance id."""

    def get(self, endpoint: str, instance_id: str) -> str | None: ...

    def put(self, endpoint: str, instance_id: str, version: str) -> None: ...


class MemoryVersionStore:
    """A store that lasts as long as the process (tests, the demo)."""

    def __init__(self, known: dict[tuple[str, str], str] | None = None) -> None:
        self._known = dict(known or {})

    def get(self, endpoint: str, instance_id: str) -> str | None:
        return self._known.get((endpoint, instance_id))

    def put(self, endpoint: str, instance_id: str, version: str) -> None:
        self._known[(endpoint, instance_id)] = version


class ApiVersionMismatchError(ConfigurationError):
    """The chosen API version does not know the instance, and the other version does."""

    def __init__(self, instance_id: str, chosen: str, answers: str, *, action: str | None) -> None:
        super().__init__(
            f"Instance {instance_id} answers the {answers} API, not {chosen}; "
            f"use --api-version {answers} or auto.",
            code="Config.ApiVersion",
            action=action,
            hint=(
                f"Set it with `ccc-tui config set api_version {answers}` (or auto), "
                "or CCC_TUI_API_VERSION."
            ),
        )
        self.instance_id = instance_id
        self.chosen = chosen
        self.answers = answers
