"""Every profile setting, declared once: its key, label, validator, env var, flag and default.

The config file's validation, `Profile`, `resolve_target` (flags > env > profile > default),
`ccc-tui config show|set|unset`, the target flags of every command and the settings form are all
driven by `PROFILE_FIELDS`. Adding a setting is one row here plus its validator (and, where the app
acts on it, the code that does). Validators take what TOML, an env var or a text field gave and
return the normalised text, or raise ValueError with a plain message that never echoes a secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from ccc_tui.api import versions
from ccc_tui.api.endpoints import validate_endpoint
from ccc_tui.api.errors import ConfigurationError

ENV_PROFILE = "CCC_TUI_PROFILE"  # selects the profile (after --profile)
DEFAULT_REGION = "cn-shanghai"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "zh")
# Recordings above this many MB are refused (8 kHz mono WAV: about 1 MB a minute).
DEFAULT_MAX_DOWNLOAD_MB = 200
MAX_DOWNLOAD_MB_CEILING = 10_000


def _toml_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


_REGION_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
_KEY_ID_RE = re.compile(r"^[A-Za-z0-9._-]{3,128}$")
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_toml_type(value)}")
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _check_instance_id(value: object) -> str:
    text = _text(value)
    if len(text) > 128 or _CONTROL_RE.search(text):
        raise ValueError("not an instance id (no spaces or control characters, at most 128)")
    return text


def _check_region(value: object) -> str:
    text = _text(value)
    if not _REGION_RE.match(text):
        raise ValueError(f"{text!r} is not a region name like cn-shanghai")
    return text


class InvalidValue(ValueError):
    """A ValueError that keeps the code and hint of a more specific ConfigurationError."""

    def __init__(self, message: str, code: str, hint: str | None) -> None:
        super().__init__(message)
        self.code, self.hint = code, hint


def _check_endpoint(value: object) -> str:
    text = _text(value)
    try:
        return validate_endpoint(text)
    except ConfigurationError as exc:
        raise InvalidValue(exc.message, exc.code, exc.hint) from None


def _check_key_id(value: object) -> str:
    text = _text(value)
    if not _KEY_ID_RE.match(text):
        raise ValueError("not an AccessKey id (letters, digits, '.', '_', '-')")
    return text


# Zones that need no tz database (their offset never moves): checked and built without zoneinfo.
FIXED_ZONE_NAMES = frozenset({"UTC", "Etc/UTC"})


def check_time_zone(value: object) -> str:
    """An IANA zone name such as Asia/Shanghai, or `local` for the machine's zone."""
    text = _text(value)
    if text.lower() == "local":
        return "local"
    if text in FIXED_ZONE_NAMES:
        return text
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{text!r} is not a known time zone (e.g. Asia/Shanghai, UTC)") from None
    return text


def _check_language(value: object) -> str:
    text = _text(value).lower()
    if text not in LANGUAGES:
        raise ValueError(f"{text!r} is not one of {', '.join(LANGUAGES)}")
    return text


def _check_dir(value: object) -> str:
    return _text(value)


def _check_megabytes(value: object) -> str:
    """A whole number of megabytes (TOML gives an integer, an env var or a text field a string)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value)
        if not text.isdigit():
            raise ValueError(f"{text[:20]!r} is not a whole number of megabytes")
        number = int(text)
    if not 1 <= number <= MAX_DOWNLOAD_MB_CEILING:
        raise ValueError(f"must be between 1 and {MAX_DOWNLOAD_MB_CEILING} (MB)")
    return str(number)


class ProfileField(NamedTuple):
    """A setting of a profile: how it is shown, checked and overridden (a NamedTuple: see
    profiles.context.AppContext)."""

    key: str
    label: str  # in the settings form and `config show`
    placeholder: str  # what applies when the field is left empty
    check: Callable[[object], str]
    env: str | None = None  # CCC_TUI_* variable that overrides the profile
    flag: str | None = None  # command-line flag that overrides everything
    flag_help: str = ""
    default: str | None = None
    # (value, label) pairs when only these values are allowed: the form shows a list.
    choices: tuple[tuple[str, str], ...] = ()
    credential: bool = False  # shown with the credentials, not the profile's other fields
    # A variable of the wider ecosystem, below the profile: often set for unrelated tools.
    fallback_env: str | None = None


PROFILE_FIELDS: tuple[ProfileField, ...] = (
    ProfileField(
        "instance_id", "Instance id", "needed · or pick one after Check & save",
        _check_instance_id, "CCC_TUI_INSTANCE_ID", "--instance-id", "CCC instance id",
    ),
    ProfileField(
        "region", "Region", f"{DEFAULT_REGION} (default)", _check_region,
        "CCC_TUI_REGION", "--region", f"region, default {DEFAULT_REGION}", DEFAULT_REGION,
        fallback_env="ALIBABA_CLOUD_REGION_ID",
    ),
    ProfileField(
        "endpoint", "Endpoint", "from the region (https://ccc.REGION.aliyuncs.com)",
        _check_endpoint, "CCC_TUI_ENDPOINT", "--endpoint", "explicit endpoint URL",
    ),
    ProfileField(
        "time_zone", "Time zone", "the region's (cn-*: Asia/Shanghai) · or local, UTC, …",
        check_time_zone,
    ),
    ProfileField(
        "language", "Language", f"{DEFAULT_LANGUAGE} (default)", _check_language,
        default=DEFAULT_LANGUAGE,
        choices=(("en", "en · English event names"), ("zh", "zh · 中文 event names")),
    ),
    ProfileField("download_dir", "Downloads", "<your downloads folder>/ccc-tui", _check_dir),
    ProfileField(
        "max_download_mb", "Max download", f"{DEFAULT_MAX_DOWNLOAD_MB} MB (default)",
        _check_megabytes, default=str(DEFAULT_MAX_DOWNLOAD_MB),
    ),
    ProfileField(
        "api_version", "API version", "auto (default): asked once per instance",
        versions.check_choice, "CCC_TUI_API_VERSION", "--api-version",
        "CCC API: auto (default), 2017-07-05 or 2020-07-01", versions.AUTO,
        choices=(
            (versions.AUTO, "auto · asked once per instance, remembered"),
            (versions.V2017, "2017-07-05 · the first CCC"),
            (versions.V2020, "2020-07-01 · CCC 2.0"),
        ),
    ),
    ProfileField(
        "access_key_id", "AccessKey id", "e.g. LTAI… (not secret)", _check_key_id,
        credential=True,
    ),
)
FIELDS_BY_KEY: dict[str, ProfileField] = {f.key: f for f in PROFILE_FIELDS}
PROFILE_KEYS: tuple[str, ...] = tuple(FIELDS_BY_KEY)
