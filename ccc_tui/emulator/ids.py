"""The generated contact id scheme: a 9-digit core counting calls per UTC day, and a check digit.

The seed and showcase ids fail the check digit, so they never collide with a generated one.
"""

from __future__ import annotations

_ID_BASE = 200_000_000  # a 9-digit core; the id is core * 10 + check digit
ID_DAY0 = 14_610  # 2010-01-01, days since the epoch
ID_PER_DAY = 10_000


def _check_digit(core: int) -> int:
    return sum(map(int, str(core))) % 10


def generated_id(day: int, slot: int) -> str:
    """The id of a generated call: its day (days since the epoch) and its slot in that day."""
    core = _ID_BASE + (day - ID_DAY0) * ID_PER_DAY + slot
    return str(core * 10 + _check_digit(core))


def decode_id(contact_id: str) -> tuple[int, int] | None:
    """(day, slot) of a generated id, or None when `contact_id` is not one."""
    if not contact_id.isascii() or not contact_id.isdigit() or len(contact_id) != 10:
        return None
    value = int(contact_id)
    core, check = divmod(value, 10)
    if _check_digit(core) != check or core < _ID_BASE:
        return None
    day, slot = divmod(core - _ID_BASE, ID_PER_DAY)
    return day + ID_DAY0, slot
