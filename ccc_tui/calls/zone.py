"""The one way the app names a time zone and shows a moment in it. No Textual, no Rich.

A named zone reads "Asia/Shanghai (UTC+08:00)"; the machine's zone "local time, CET (UTC+01:00)";
a fixed offset "UTC+08:00"; UTC "UTC". The TUI, the exports and the context bar all use these, so a
moment never reads one way in the header and another in the recordings.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

__all__ = [
    "DATE_TIME",
    "format_local",
    "iso_utc",
    "short_zone_label",
    "to_local",
    "utc_offset",
    "zone_label",
]

DATE_TIME = "%Y-%m-%d %H:%M:%S"
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu"})


def to_local(moment: datetime, tz: tzinfo | None) -> datetime:
    """`moment` in `tz` (None: the machine's zone). A naive moment is read as UTC, as the adapter
    would have given it, rather than as the machine's time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def utc_offset(offset: timedelta | None) -> str:
    """"UTC+08:00", "UTC-04:00", "UTC+05:45" (None, unknown: "UTC")."""
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(tz: tzinfo | None, moment: datetime | None = None) -> str:
    """The zone's name with its offset at `moment` (default: now; the offset moves with DST)."""
    local = to_local(moment or datetime.now(UTC), tz)
    utc = utc_offset(local.utcoffset())
    if tz is None:
        abbrev = local.tzname() or ""
        if abbrev and abbrev != utc:
            return f"local time, {abbrev} ({utc})"
        return f"local time ({utc})"
    name = getattr(tz, "key", None) or local.tzname() or utc
    if name in _UTC_NAMES and utc == "UTC+00:00":
        return "UTC"
    return utc if name == utc else f"{name} ({utc})"


def short_zone_label(tz: tzinfo | None, moment: datetime | None = None) -> str:
    """The zone in as few cells as still say it: "UTC+08:00", "UTC", "local UTC+01:00"."""
    label = zone_label(tz, moment)
    offset = utc_offset(to_local(moment or datetime.now(UTC), tz).utcoffset())
    if label == "UTC":
        return label
    return f"local {offset}" if tz is None else offset


def format_local(
    moment: datetime | None, tz: tzinfo | None, fmt: str = DATE_TIME, *, zone: bool = True
) -> str:
    """`moment` as local text, followed by its zone label unless `zone` is off; "—" for None."""
    if moment is None:
        return "—"
    text = to_local(moment, tz).strftime(fmt)
    return f"{text} {zone_label(tz, moment)}" if zone else text


def iso_utc(moment: datetime | None) -> str | None:
    """The one timestamp format of every JSON output: UTC, milliseconds, a `Z`."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
