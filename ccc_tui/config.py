"""Where the app points: profile, instance, region, endpoint. Flags > CCC_TUI_* env > profile > defaults.

This module never imports Textual. The TOML profile file arrives with the configuration work; until
then a profile contributes nothing and the env vars and flags decide.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import ip_address
from urllib.parse import urlsplit

from ccc_tui.api.errors import ConfigurationError

DEFAULT_REGION = "cn-shanghai"
DEFAULT_PROFILE = "default"


@dataclass(frozen=True, slots=True)
class Target:
    """The effective settings of one run, and where each value came from."""

    profile: str = DEFAULT_PROFILE
    instance_id: str | None = None
    region: str = DEFAULT_REGION
    endpoint: str | None = None
    time_zone: str | None = None
    language: str = "en"
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def endpoint_url(self) -> str:
        return self.endpoint or endpoint_for_region(self.region)


def endpoint_for_region(region: str) -> str:
    return f"https://ccc.{region}.aliyuncs.com"


def is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_endpoint(url: str) -> str:
    """An absolute https URL, or http only to a loopback host (the emulator)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"Endpoint {url!r} is not an http(s) URL.",
            code="Config.Endpoint",
            hint="Use e.g. https://ccc.cn-shanghai.aliyuncs.com or http://127.0.0.1:8931.",
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigurationError(
            f"Refusing plain http to {parts.hostname}: credentials and call data would cross the "
            "network unencrypted.",
            code="Config.InsecureEndpoint",
            hint="Use https://, or http:// only for a loopback emulator (127.0.0.1, localhost).",
        )
    return url.strip().rstrip("/")


def resolve_target(
    *,
    profile: str | None = None,
    instance_id: str | None = None,
    region: str | None = None,
    endpoint: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Target:
    env = os.environ if env is None else env
    sources: dict[str, str] = {}

    def pick(name: str, flag: str | None, var: str, default: str | None) -> str | None:
        if flag:
            sources[name] = "flag"
            return flag
        if env.get(var):
            sources[name] = f"env {var}"
            return env[var]
        sources[name] = "default"
        return default

    prof = pick("profile", profile, "CCC_TUI_PROFILE", DEFAULT_PROFILE) or DEFAULT_PROFILE
    inst = pick("instance_id", instance_id, "CCC_TUI_INSTANCE_ID", None)
    reg = pick("region", region, "CCC_TUI_REGION", DEFAULT_REGION) or DEFAULT_REGION
    ep = pick("endpoint", endpoint, "CCC_TUI_ENDPOINT", None)
    if ep:
        ep = validate_endpoint(ep)
    return Target(
        profile=prof, instance_id=inst, region=reg, endpoint=ep, sources=sources
    )
