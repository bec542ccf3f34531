"""Which endpoints the client may talk to: https anywhere, plain http only to this machine."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from ccc_tui.api.errors import ConfigurationError

# Where the official SDKs (both API versions) send each region: these go to the central endpoint;
# the regions CCC is deployed in have their own host (`regional` rule).
CENTRAL_ENDPOINT = "https://ccc.aliyuncs.com"
CENTRAL_REGIONS = frozenset(
    {
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "ap-southeast-5", "cn-beijing", "cn-chengdu", "cn-hongkong", "cn-huhehaote", "cn-qingdao",
        "cn-shenzhen", "cn-zhangjiakou", "eu-central-1", "eu-west-1", "me-east-1", "us-east-1",
        "us-west-1", "cn-hangzhou-finance", "cn-shenzhen-finance-1", "cn-shanghai-finance-1",
        "cn-north-2-gov-1",
    }
)  # fmt: skip
REGIONAL_REGIONS = frozenset({"cn-shanghai", "cn-hangzhou"})
# The zone the people of a region's call centers speak in, for the regions outside mainland China
# that CCC is known to serve (`cn-*`, Hong Kong and the finance and gov regions included, speak
# Beijing time, as the CCC console of those regions does).
_REGION_ZONES = {
    "ap-northeast-1": "Asia/Tokyo",
    "ap-south-1": "Asia/Kolkata",
    "ap-southeast-1": "Asia/Singapore",
    "ap-southeast-2": "Australia/Sydney",
    "ap-southeast-3": "Asia/Kuala_Lumpur",
    "ap-southeast-5": "Asia/Jakarta",
    "eu-central-1": "Europe/Berlin",
    "eu-west-1": "Europe/London",
    "me-east-1": "Asia/Dubai",
    "us-east-1": "America/New_York",
    "us-west-1": "America/Los_Angeles",
}


def region_time_zone(region: str) -> str | None:
    """The IANA zone of a region's instances (None: not a region we know a zone for)."""
    if region.startswith("cn-"):
        return "Asia/Shanghai"
    return _REGION_ZONES.get(region)


def endpoint_for_region(region: str) -> str:
    if region in CENTRAL_REGIONS:
        return CENTRAL_ENDPOINT
    return f"https://ccc.{region}.aliyuncs.com"


def region_warning(region: str) -> str | None:
    """A plain sentence when CCC is not known to serve `region` (a typo, usually); else None."""
    if region in REGIONAL_REGIONS or region in CENTRAL_REGIONS:
        return None
    return (
        f"CCC is not known to serve region {region!r} (the official SDKs know cn-shanghai, "
        "cn-hangzhou and the regions they route to ccc.aliyuncs.com); requests would go to "
        f"{endpoint_for_region(region)}. Check the spelling, or set endpoint explicitly."
    )


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
