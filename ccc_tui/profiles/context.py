"""What the running app is pointed at and how it shows things; built once at launch. No Textual."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ccc_tui.calls.zone import zone_label


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
        """The zone as every view of a call spells it, with today's offset."""
        return zone_label(self.tz)


def zone_from_name(name: str | None) -> tzinfo | None:
    """A zoneinfo zone, or None (the machine's zone) for an empty or unknown name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
