"""Credential value types. The secret is masked everywhere it could leak: repr, str, format."""

from __future__ import annotations

from dataclasses import dataclass, field


class Secret:
    """A secret string that never shows itself.

    `repr`, `str` and f-strings give `****`; only `reveal()` gives the value, and only the signer
    calls it. `__slots__` keeps the value out of `__dict__`, which some traceback printers dump.
    """

    __slots__ = ("_value",)
    _value: str  # declared for the type checker; set once, through object.__setattr__

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        return self._value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Secret is immutable")

    def __repr__(self) -> str:
        return "Secret('****')"

    def __str__(self) -> str:
        return "****"

    def __format__(self, spec: str) -> str:
        return "****"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


def mask_key_id(key_id: str) -> str:
    """`****` plus at most the last 4 characters of an access key id (never of a secret)."""
    tail = key_id[-4:] if len(key_id) > 8 else ""
    return f"****{tail}"


@dataclass(frozen=True, slots=True)
class AccessKey:
    """An AccessKey pair, optionally with an STS token. `source` says where it came from."""

    key_id: str
    secret: Secret = field(repr=False)
    security_token: Secret | None = field(default=None, repr=False)
    source: str = "explicit"

    def __repr__(self) -> str:
        sts = ", sts" if self.security_token else ""
        return f"AccessKey({mask_key_id(self.key_id)}{sts}, source={self.source!r})"

    __str__ = __repr__

    @property
    def masked_id(self) -> str:
        return mask_key_id(self.key_id)
