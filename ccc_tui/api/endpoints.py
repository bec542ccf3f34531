"""Which endpoints the client may talk to: https anywhere, plain http only to this machine."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from ccc_tui.api.errors import ConfigurationError


def endpoint_for_region(region: str) -> str:
    return f"https://ccc.{region}.aliyuncs.com"


def is_loopback_host(host: str) -> bool:
    host = host.lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
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
