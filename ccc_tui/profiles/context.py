"""What the running app is pointed at and how it shows things, and what the command line asked
for; built once at launch. No Textual, and cheap to import (no configuration, no zoneinfo)."""

from __future__ import annotations

from datetime import UTC, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from ccc_tui.calls.zone import zone_label
from ccc_tui.profiles.fields import DEFAULT_MAX_DOWNLOAD_MB, FIXED_ZONE_NAMES

if TYPE_CHECKING:
    import argparse

    from ccc_tui.profiles.config import Config


class AppContext(NamedTuple):
    """Where the app points and how it shows times: the header's words, the zone, the language,
    where recordings go. A NamedTuple, as are the other plain records loaded before the first
    frame: ~0.3 ms to define, where a frozen dataclass takes ~0.8."""

    instance_id: str
    label: str  # e.g. "DEMO" or "prod · cn-shanghai"
    demo: bool = False
    tz: tzinfo | None = None  # the zone times are shown in now; None: the machine's zone
    language: str = "en"
    download_dir: Path | None = None
    max_download_mb: int = DEFAULT_MAX_DOWNLOAD_MB  # recordings larger than this are refused
    # The endpoint, when it is not the region's own (a flag, env var or profile override).
    endpoint: str | None = None
    # The CCC API version the instance is spoken to in, when known (explicit, or remembered by
    # auto); None while auto has not decided.
    api_version: str | None = None
    # The profile's zone (the region's by default), where `z` starts its cycle: "tz" until `z`
    # moves `tz` away from it (None: the machine's zone).
    home: tzinfo | Literal["tz"] | None = "tz"

    @property
    def zone_label(self) -> str:
        """The zone as every view of a call spells it, with today's offset."""
        return zone_label(self.tz)

    @property
    def home_tz(self) -> tzinfo | None:
        """The profile's display zone: the first of the `z` cycle."""
        return self.tz if self.home == "tz" else self.home

    def with_api_version(self, version: str | None) -> AppContext:
        """This context once the instance's API version is known (itself while it is not)."""
        if not version or version == self.api_version:
            return self
        return self._replace(api_version=version)

    def zone_cycle(self) -> tuple[tzinfo | None, ...]:
        """The zones `z` steps through: the profile's, the machine's, UTC (each once)."""
        zones: list[tzinfo | None] = []
        for zone in (self.home_tz, None, UTC):
            if not any(same_zone(zone, other) for other in zones):
                zones.append(zone)
        return tuple(zones)

    def with_next_zone(self) -> AppContext:
        """This context showing times in the next zone of the cycle."""
        zones = self.zone_cycle()
        at = next((i for i, zone in enumerate(zones) if same_zone(zone, self.tz)), -1)
        return self._replace(tz=zones[(at + 1) % len(zones)], home=self.home_tz)


def same_zone(a: tzinfo | None, b: tzinfo | None) -> bool:
    """Whether two zones are the same zone (None: the machine's, which differs from any named)."""
    if a is None or b is None:
        return a is b
    return _zone_name(a) == _zone_name(b)


def _zone_name(tz: tzinfo) -> str:
    name = getattr(tz, "key", None) or str(tz)
    return "UTC" if name in ("UTC", "Etc/UTC", "UTC+00:00") else name


def zone_from_name(name: str | None) -> tzinfo | None:
    """A zoneinfo zone, or None (the machine's zone) for an empty or unknown name."""
    if not name:
        return None
    if name in FIXED_ZONE_NAMES:
        return UTC  # no tz database to read: zoneinfo is imported for the other zones only
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class LaunchTarget(NamedTuple):
    """What the command line asked for, kept so a later session is built the same way (a
    NamedTuple: see AppContext)."""

    profile: str | None = None
    instance_id: str | None = None
    region: str | None = None
    endpoint: str | None = None
    api_version: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> LaunchTarget:
        return cls(
            profile=getattr(args, "profile", None),
            instance_id=getattr(args, "instance_id", None),
            region=getattr(args, "region", None),
            endpoint=getattr(args, "endpoint", None),
            api_version=getattr(args, "api_version", None),
        )

    def profile_name(self, config: Config | None = None) -> str:
        """The profile this launch resolves to: --profile, CCC_TUI_PROFILE, the default, …"""
        from ccc_tui.api.errors import ConfigurationError
        from ccc_tui.profiles.config import load_config, select_profile

        if config is None:
            try:
                config = load_config()
            except ConfigurationError:
                return self.profile or "default"
        return select_profile(self.profile, None, config)[0]
