"""The generated contact id scheme: a 9-digit core counting calls per UTC day, and a check digit.

Generated calls come in streams, each with its own range of cores, so that a stream can be added
without moving the ids (or the content) of another: stream 0 is the day's ordinary traffic,
stream 1 the repeat callers' calls, stream 2 the incident's. `decode_id` folds the stream into
the slot: a slot of stream `s` is `s * ID_PER_DAY + slot`.

The seed and showcase ids fail the check digit, so they never collide with a generated one.
"""

from __future__ import annotations

_STREAM_BASES = (200_000_000, 500_000_000, 750_000_000)  # a 9-digit core per stream
ID_DAY0 = 14_610  # 2010-01-01, days since the epoch
ID_PER_DAY = 10_000
ID_LAST_DAY = ID_DAY0 + 24_999  # the streams' ranges stay apart until then (2078)
STREAMS = len(_STREAM_BASES)


def _check_digit(core: int) -> int:
    return sum(map(int, str(core))) % 10


def generated_id(day: int, slot: int, stream: int = 0) -> str:
    """The id of a generated call: its day (days since the epoch), its slot in that day, and
    the stream it belongs to."""
    core = _STREAM_BASES[stream] + (day - ID_DAY0) * ID_PER_DAY + slot
    return str(core * 10 + _check_digit(core))


def decode_id(contact_id: str) -> tuple[int, int] | None:
    """(day, stream * ID_PER_DAY + slot) of a generated id, or None when `contact_id` is not one."""
    if not contact_id.isascii() or not contact_id.isdigit() or len(contact_id) != 10:
        return None
    value = int(contact_id)
    core, check = divmod(value, 10)
    if _check_digit(core) != check or core < _STREAM_BASES[0]:
        return None
    stream = sum(core >= base for base in _STREAM_BASES) - 1
    day, slot = divmod(core - _STREAM_BASES[stream], ID_PER_DAY)
    if day > ID_LAST_DAY - ID_DAY0:
        return None
    return day + ID_DAY0, stream * ID_PER_DAY + slot


# --- CCC 2.0 (2020-07-01) contact ids: `job-` and a number, one for each 2017-style id ---------

_JOB_PREFIX = "job-1096344"  # then the 10-digit 2017-style id: 17 digits, as 2.0 ids have


def job_id(contact_id: str) -> str:
    """The 2.0 ContactId of the call a 10-digit 2017-style id names."""
    return f"{_JOB_PREFIX}{contact_id}"


def legacy_id(job: str) -> str | None:
    """The 10-digit 2017-style id behind a 2.0 ContactId, or None when `job` is not one of ours."""
    if not job.startswith(_JOB_PREFIX):
        return None
    rest = job[len(_JOB_PREFIX) :]
    return rest if len(rest) == 10 and rest.isascii() and rest.isdigit() else None
