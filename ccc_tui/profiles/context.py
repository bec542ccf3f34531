"""What the running app is pointed at and how it shows things; built once at launch. No Textual."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True, slots=True)
class AppContext:
    instance_id: str
    label: str  # e.g. "DEMO" or "prod · cn-shanghai"
    demo: bool = False
    tz: tzinfo | None = None  # None: the machine's zone
    language: str = "en"
    download_dir: Path | None = None

    @property
    def zone_label(self) -> str:
        now = datetime.now(self.tz).astimezone(self.tz)
        name = getattr(self.tz, "key", None) or now.tzname() or "local"
        offset = now.strftime("%z")
        return f"{name} (UTC{offset[:3]}:{offset[3:]})" if offset else name


def zone_from_name(name: str | None) -> tzinfo | None:
    """A zoneinfo zone, or None (the machine's zone) for an empty or unknown name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
