"""Where the app points and how it looks: profiles and settings in `config.toml`.

Precedence, per value: command-line flags > `CCC_TUI_*` env vars > the selected profile >
(region only) `ALIBABA_CLOUD_REGION_ID` > defaults. `Target.sources` records which one won.

The file lives in the platformdirs user config dir for `ccc-tui` (`CCC_TUI_CONFIG` overrides it):

    default_profile = "prod"       # top level: the default profile, the theme, other UI settings
    theme = "textual-dark"
    history_limit = 10000          # calls kept in the history, per instance (the oldest go)

    [profiles.prod]
    instance_id = "9cfad875-…"
    region = "cn-shanghai"         # default cn-shanghai
    endpoint = "https://…"         # optional; derived from the region when absent
    access_key_id = "LTAI…"        # optional and not secret; the secret lives in the OS keyring
    time_zone = "Asia/Shanghai"    # default: the region's (cn-*: Asia/Shanghai); "local": the machine's
    language = "en"                # en | zh (event labels)
    download_dir = "~/calls"       # default: <user downloads dir>/ccc-tui
    max_download_mb = 200          # recordings larger than this are refused (default 200)
    api_version = "auto"           # auto (default) | 2017-07-05 | 2020-07-01

Reading uses the stdlib `tomllib`; edits go through `tomlkit` (imported only when writing) so the
user's comments and layout survive, and land atomically (temp file + rename) with mode 0600.
This module never imports Textual.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import platformdirs

from ccc_tui.api.endpoints import endpoint_for_region, region_time_zone
from ccc_tui.api.errors import ConfigurationError
from ccc_tui.api.versions import AUTO as AUTO_VERSION
from ccc_tui.calls.files import UnreadableFileError, read_settings_text, write_text_atomic
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.fields import (
    DEFAULT_LANGUAGE,
    DEFAULT_MAX_DOWNLOAD_MB,
    DEFAULT_REGION,
    ENV_PROFILE,
    FIELDS_BY_KEY,
    PROFILE_FIELDS,
    PROFILE_KEYS,
    ProfileField,
    _toml_type,
)
from ccc_tui.profiles.paths import APP_NAME

# Where every file lives: profiles/paths.py (cheap to import); these names stay importable here.
from ccc_tui.profiles.paths import data_dir as data_dir
from ccc_tui.profiles.paths import default_downloads_dir as default_downloads_dir
from ccc_tui.profiles.paths import history_db_path as history_db_path
from ccc_tui.profiles.paths import log_dir as log_dir

if TYPE_CHECKING:
    from tomlkit import TOMLDocument

log = logging.getLogger(__name__)

DEFAULT_PROFILE = "default"
MAX_HISTORY_LIMIT = 1_000_000

ENV_CONFIG = "CCC_TUI_CONFIG"
# Keys that must never sit in the file: refused with a pointer to `ccc-tui login`.
SECRET_KEYS = frozenset(
    {"access_key_secret", "secret", "security_token", "sts_token", "password", "accesskeysecret"}
)

_HEADER = (
    "# ccc-tui settings. Secrets never go here: `ccc-tui login` stores them in the OS keyring.\n"
)


class EnvView(Mapping[str, str]):
    """A read-only view of the environment whose repr hides it.

    Frames holding `os.environ` would print every variable, credentials included, in a traceback
    rendered with locals; holding this view instead keeps them out.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self._data: Mapping[str, str] = os.environ if data is None else data

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return "EnvView(<hidden>)"

    def value(self, name: str) -> str | None:
        """The stripped value of a variable, or None when it is unset or blank."""
        text = self._data.get(name, "").strip()
        return text or None


def env_view(env: Mapping[str, str] | None = None) -> EnvView:
    return env if isinstance(env, EnvView) else EnvView(env)


# ---- where files live ---------------------------------------------------------------------------


def config_path(env: Mapping[str, str] | None = None) -> Path:
    override = env_view(env).value(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def downloads_dir(target: Target | None = None) -> Path:
    """Where recordings go: the profile's download_dir, else <user downloads>/ccc-tui."""
    if target is not None and target.download_dir is not None:
        return target.download_dir
    return default_downloads_dir()


# ---- value validation (the values themselves: profiles/fields.py) -------------------------------

_PROFILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def validate_profile_value(key: str, value: object) -> str:
    """The normalised value of a profile key; ValueError with a plain message when invalid."""
    field = FIELDS_BY_KEY.get(key)
    if field is None:
        raise ValueError(_unknown_key_message(key))
    return field.check(value)


def validate_profile_name(name: str) -> str:
    if not isinstance(name, str) or not _PROFILE_RE.match(name):
        raise ConfigurationError(
            f"{name!r} is not a valid profile name.",
            code="Config.Profile",
            hint="Use letters, digits, '_' and '-' (at most 64), starting with a letter or digit.",
        )
    return name


def _unknown_key_message(key: str) -> str:
    if key.lower().replace("-", "_") in SECRET_KEYS:
        return "secrets never go in the config file; store them with `ccc-tui login`"
    import difflib  # only for a key the file gets wrong

    close = difflib.get_close_matches(key.replace("-", "_"), PROFILE_KEYS, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else f" (known: {', '.join(PROFILE_KEYS)})"
    return f"unknown profile setting{hint}"


# ---- the parsed file ----------------------------------------------------------------------------


# The parsed file and the effective target are NamedTuples (see profiles.context.AppContext: the
# profile path loads this module before the first frame). Their mappings default to one shared
# read-only empty mapping.
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Profile(NamedTuple):
    """One `[profiles.NAME]` table, validated: the keys of PROFILE_FIELDS it sets."""

    name: str
    settings: Mapping[str, str] = _EMPTY

    def values(self) -> dict[str, str]:
        """The keys this profile sets, in PROFILE_FIELDS order."""
        return {k: self.settings[k] for k in PROFILE_KEYS if k in self.settings}

    def __getattr__(self, key: str) -> str | None:
        # profile.region, profile.instance_id, …: None when the file does not set it.
        if key in FIELDS_BY_KEY:
            return self.settings.get(key)
        raise AttributeError(key)


class Config(NamedTuple):
    """The whole file. `exists` is False when there is no file yet (all defaults)."""

    path: Path
    exists: bool = False
    default_profile: str | None = None
    theme: str | None = None
    # Calls the history keeps per instance. Top level, not a profile setting: the history is one
    # file on this machine for every profile, so its bound belongs to the machine.
    history_limit: int | None = None
    profiles: Mapping[str, Profile] = _EMPTY
    settings: Mapping[str, Any] = _EMPTY  # other top-level (UI) settings
    # What was ignored rather than refused (an unknown profile key): plain words, safe to print.
    warnings: tuple[str, ...] = ()

    def profile(self, name: str) -> Profile | None:
        return self.profiles.get(name)

    def describe(self, name: str) -> str:
        """How a value from this profile is attributed in `Target.sources`."""
        return f"profile {name} ({self.path})"


def load_config(path: Path | None = None, *, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate the config file; a missing file is an empty Config.

    Raises ConfigurationError naming the file, the line and the key when the file is invalid.
    """
    path = config_path(env) if path is None else Path(path)
    try:
        text = read_settings_text(path)
    except FileNotFoundError:
        return Config(path=path, exists=False)
    except UnreadableFileError as exc:
        raise _config_error(path, exc.line, None, exc.problem) from None
    config = parse_config(text, path)
    for warning in config.warnings:
        log.warning("config: %s", warning)
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise _config_error(path, None, None, "not usable: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = _error_line(message)
        key = _key_at_line(text, line) if line else None
        # tomllib's message ends with "(at line N, column M)"; we state the line ourselves.
        reason = re.sub(r"\s*\(at line \d+, column \d+\)\s*$", "", message)
        raise _config_error(path, line, key, f"not valid TOML: {reason}") from None

    def fail(keys: tuple[str, ...], problem: str) -> ConfigurationError:
        return _config_error(path, _find_line(text, keys), ".".join(keys), problem)

    default_profile = data.get("default_profile")
    if default_profile is not None and not (
        isinstance(default_profile, str) and _PROFILE_RE.match(default_profile)
    ):
        raise fail(("default_profile",), "must be a profile name (a string)")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise fail(("theme",), f"expected a string, got {_toml_type(theme)}")
    history_limit = data.get("history_limit")
    if history_limit is not None and not (
        isinstance(history_limit, int)
        and not isinstance(history_limit, bool)
        and 1 <= history_limit <= MAX_HISTORY_LIMIT
    ):
        raise fail(("history_limit",), f"must be a whole number from 1 to {MAX_HISTORY_LIMIT:,}")

    secret = _secret_key_path(data)
    if secret is not None:
        # Anywhere in the file, not only in a profile; the message names the key, never the value.
        raise fail(secret, _unknown_key_message(secret[-1]))

    profiles: dict[str, Profile] = {}
    warnings: list[str] = []
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise fail(("profiles",), "must be a table of [profiles.NAME] tables")
    for name, table in tables.items():
        if not _PROFILE_RE.match(name):
            raise fail(("profiles", name), "not a valid profile name (letters, digits, _ and -)")
        if not isinstance(table, dict):
            raise fail(("profiles", name), f"must be a table, got {_toml_type(table)}")
        values: dict[str, str] = {}
        for key, value in table.items():
            if key not in FIELDS_BY_KEY:
                # A setting of a newer version, or a typo: named and ignored, so that every
                # command keeps working (`config show` and `doctor` say it).
                keys = ("profiles", name, key)
                line = _find_line(text, keys)
                where = f"line {line}, " if line else ""
                warnings.append(
                    f"{path}, {where}key {safe_text(repr(key), 80)}: "
                    f"{_unknown_key_message(key)} (ignored)"
                )
                continue
            try:
                values[key] = validate_profile_value(key, value)
            except ValueError as exc:
                # The message never echoes a value that could be a secret (SECRET_KEYS).
                raise fail(("profiles", name, key), str(exc)) from None
        profiles[name] = Profile(name=name, settings=values)

    known = ("default_profile", "theme", "history_limit", "profiles")
    settings = {k: v for k, v in data.items() if k not in known}
    return Config(
        path=path,
        exists=True,
        default_profile=default_profile,
        theme=theme,
        history_limit=history_limit,
        profiles=profiles,
        settings=settings,
        warnings=tuple(warnings),
    )


def _is_secret_key(key: str) -> bool:
    return key.lower().replace("-", "_") in SECRET_KEYS


def _secret_key_path(data: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The path of the first secret-looking key anywhere in the document (arrays of tables and
    inline tables included), walked without recursion: a deep file cannot exhaust the stack."""
    stack: list[tuple[tuple[str, ...], object]] = [((), data)]
    while stack:
        keys, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if _is_secret_key(key):
                    return (*keys, key)
                stack.append(((*keys, key), value))
        elif isinstance(node, list):
            stack.extend((keys, item) for item in node)
    return None


def _config_error(
    path: Path, line: int | None, key: str | None, problem: str
) -> ConfigurationError:
    where = f"{path}, line {line}" if line else str(path)
    if key:
        where += f", key {key!r}"
    return ConfigurationError(
        f"{where}: {problem}.",
        code="Config.Invalid",
        hint=f"Fix or remove the file ({path}); `ccc-tui config show` checks it.",
    )


def _error_line(message: str) -> int | None:
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


# A minimal TOML line scanner, only to point at the line of a key: tomllib keeps no positions. Only
# a faulty file needs it, so its patterns are left to re's cache rather than compiled at import.
_TABLE_LINE = r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$"
_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')"
_KEY_LINE = rf"^\s*(?P<key>{_PART}(?:\s*\.\s*{_PART})*)\s*="
_PARTS = r"[A-Za-z0-9_-]+|\"([^\"]*)\"|'([^']*)'"


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = []
    for m in re.finditer(_PARTS, dotted):
        parts.append(m.group(1) if m.group(1) is not None else m.group(2) or m.group(0))
    return tuple(parts)


def _scan(text: str) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line number, full key path) for every table header and key = value line."""
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(_TABLE_LINE, line)
        if header:
            table = _split_key(header.group("name"))
            yield number, table
            continue
        keyval = re.match(_KEY_LINE, line)
        if keyval:
            yield number, table + _split_key(keyval.group("key"))


def _find_line(text: str, keys: tuple[str, ...]) -> int | None:
    """The line defining `keys`, else the line of its deepest defined parent."""
    best: tuple[int, int] | None = None  # (depth, line)
    for number, path in _scan(text):
        if path == keys:
            return number
        depth = len(path)
        if depth < len(keys) and keys[:depth] == path and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best else None


def _key_at_line(text: str, line: int) -> str | None:
    for number, path in _scan(text):
        if number == line:
            return ".".join(path)
        if number > line:
            break
    return None


# ---- editing ------------------------------------------------------------------------------------


def _edit(path: Path | None, change: Callable[[TOMLDocument], None]) -> Config:
    """Read, change and atomically rewrite the file; refuses to touch an invalid file."""
    import tomlkit

    path = config_path() if path is None else Path(path)
    current = load_config(path)  # raises on an invalid file: never overwrite what we can't read
    text = read_settings_text(path) if current.exists else _HEADER
    doc = tomlkit.parse(text)
    change(doc)
    new_text = tomlkit.dumps(doc)
    updated = parse_config(new_text, path)  # what we write must read back
    write_text_atomic(path, new_text)
    return updated


def _profiles_table(doc: TOMLDocument) -> Any:
    import tomlkit

    if "profiles" not in doc:
        doc["profiles"] = tomlkit.table(is_super_table=True)
    return doc["profiles"]


def save_profile(
    name: str, fields: Mapping[str, object | None], *, path: Path | None = None
) -> Config:
    """Set (or, with None or "", remove) keys of profile `name`, creating it when needed."""
    import tomlkit

    validate_profile_name(name)
    clean: dict[str, str | None] = {}
    for key, value in fields.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            if key not in PROFILE_KEYS:
                raise ConfigurationError(
                    f"{key!r}: {_unknown_key_message(key)}.", code="Config.Invalid"
                )
            clean[key] = None
            continue
        try:
            clean[key] = validate_profile_value(key, value)
        except ValueError as exc:
            raise ConfigurationError(
                f"Profile {name}: {key}: {exc}.", code="Config.Invalid"
            ) from None

    def change(doc: TOMLDocument) -> None:
        profiles = _profiles_table(doc)
        if name not in profiles:
            profiles[name] = tomlkit.table()
        table = profiles[name]
        for key, value in clean.items():
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value

    return _edit(path, change)


def delete_profile(name: str, *, path: Path | None = None) -> Config:
    """Remove a profile (and the default_profile pointing at it)."""

    def change(doc: TOMLDocument) -> None:
        if "profiles" in doc:
            doc["profiles"].pop(name, None)
        if doc.get("default_profile") == name:
            doc.pop("default_profile")

    return _edit(path, change)


def set_default_profile(name: str | None, *, path: Path | None = None) -> Config:
    """Make `name` (an existing profile) the default; None removes the setting."""
    if name is not None:
        validate_profile_name(name)
        existing = load_config(path)
        if name not in existing.profiles:
            known = ", ".join(existing.profiles) or "none yet"
            raise ConfigurationError(
                f"There is no profile {name!r} in {existing.path} (profiles: {known}).",
                code="Config.Profile",
                hint=f"Create it first: ccc-tui login --profile {name}, or ccc-tui config set.",
            )

    def change(doc: TOMLDocument) -> None:
        if name is None:
            doc.pop("default_profile", None)
        else:
            doc["default_profile"] = name  # tomlkit places a new key above the tables

    return _edit(path, change)


def set_setting(
    key: str, value: str | bool | int | float | None, *, path: Path | None = None
) -> Config:
    """Set a top-level UI setting such as `theme` (None removes it)."""
    if key in ("profiles", "default_profile") or not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", key):
        raise ConfigurationError(
            f"{key!r} is not a settable top-level setting.", code="Config.Invalid"
        )
    if key.lower() in SECRET_KEYS:
        raise ConfigurationError(f"{key}: {_unknown_key_message(key)}.", code="Config.Invalid")

    def change(doc: TOMLDocument) -> None:
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value

    return _edit(path, change)


# ---- the effective target -----------------------------------------------------------------------


class Target(NamedTuple):
    """The effective settings of one run, and where each value came from."""

    profile: str = DEFAULT_PROFILE
    instance_id: str | None = None
    region: str = DEFAULT_REGION
    endpoint: str | None = None
    time_zone: str | None = None  # the display zone; None: the machine's (set "local", or no region zone)
    language: str = DEFAULT_LANGUAGE
    sources: Mapping[str, str] = _EMPTY
    download_dir: Path | None = None  # None: default_downloads_dir()
    max_download_mb: int = DEFAULT_MAX_DOWNLOAD_MB
    access_key_id: str | None = None  # the profile's (not secret; the keyring holds the secret)
    config_path: Path | None = None
    api_version: str = AUTO_VERSION  # auto, or the CCC API version to speak

    @property
    def endpoint_url(self) -> str:
        return self.endpoint or endpoint_for_region(self.region)


def select_profile(
    profile: str | None, env: Mapping[str, str] | None, config: Config
) -> tuple[str, str]:
    """The profile name to use and where that choice came from."""
    view = env_view(env)
    if profile:
        return profile, "flag --profile"
    if chosen := view.value(ENV_PROFILE):
        return chosen, f"env {ENV_PROFILE}"
    if config.default_profile:
        return config.default_profile, f"config default_profile ({config.path})"
    return DEFAULT_PROFILE, "default"


def resolve_target(
    *,
    profile: str | None = None,
    instance_id: str | None = None,
    region: str | None = None,
    endpoint: str | None = None,
    env: Mapping[str, str] | None = None,
    config: Config | None = None,
    allow_missing_profile: bool = False,
    api_version: str | None = None,
) -> Target:
    """Merge flags, env vars, the profile and defaults; ConfigurationError on any bad value.

    A profile named by --profile or CCC_TUI_PROFILE must exist in the file (a typo would
    otherwise silently fall back to defaults), unless `allow_missing_profile` (`login` creates it).
    """
    view = env_view(env)
    cfg = config if config is not None else load_config(env=view)
    name, name_source = select_profile(profile, view, cfg)
    try:
        validate_profile_name(name)
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"{name_source}: {exc.message}", code=exc.code, hint=exc.hint
        ) from None
    prof = cfg.profile(name)
    if prof is None and name_source != "default" and not allow_missing_profile:
        known = ", ".join(cfg.profiles) or "none"
        where = str(cfg.path) if cfg.exists else f"{cfg.path} (no such file)"
        raise ConfigurationError(
            f"Profile {name!r} ({name_source}) is not defined in {where}; profiles: {known}.",
            code="Config.Profile",
            hint=f"Create it with `ccc-tui login --profile {name}`, or pick an existing one.",
        )
    sources: dict[str, str] = {"profile": name_source}
    profile_source = cfg.describe(name)

    overrides = {
        "instance_id": instance_id,
        "region": region,
        "endpoint": endpoint,
        "api_version": api_version,
    }

    def pick(field: ProfileField) -> str | None:
        candidates: list[tuple[str | None, str]] = []
        if field.flag:
            candidates.append((overrides.get(field.key), f"flag {field.flag}"))
        if field.env:
            candidates.append((view.value(field.env), f"env {field.env}"))
        candidates.append((prof.settings.get(field.key) if prof else None, profile_source))
        if field.fallback_env:
            candidates.append((view.value(field.fallback_env), f"env {field.fallback_env}"))
        for value, source in candidates:
            if value is None or not value.strip():
                continue
            try:
                checked = field.check(value)
            except ValueError as exc:
                raise ConfigurationError(
                    f"{source}: {field.key}: {exc}".rstrip(".") + ".",
                    code=getattr(exc, "code", "Config.Invalid"),
                    hint=getattr(exc, "hint", None)
                    or "Fix the value, or unset it to fall back to the next source.",
                ) from None
            sources[field.key] = source
            return checked
        sources[field.key] = "default"
        return field.default

    values = {field.key: pick(field) for field in PROFILE_FIELDS}
    if values["endpoint"] is None:
        sources["endpoint"] = "default (from the region)"
    region_name = values["region"] or DEFAULT_REGION
    tz = values["time_zone"]
    if tz is None:
        # Customers and the CCC console speak in the instance's time, not the engineer's machine's.
        tz = region_time_zone(region_name)
        sources["time_zone"] = (
            f"default (from region {region_name})" if tz else "default (this machine's zone)"
        )
    dl = values["download_dir"]
    return Target(
        profile=name,
        instance_id=values["instance_id"],
        region=region_name,
        endpoint=values["endpoint"],
        time_zone=None if tz in (None, "local") else tz,
        language=values["language"] or DEFAULT_LANGUAGE,
        sources=sources,
        download_dir=Path(dl).expanduser() if dl else None,
        max_download_mb=int(values["max_download_mb"] or DEFAULT_MAX_DOWNLOAD_MB),
        access_key_id=values["access_key_id"],
        config_path=cfg.path,
        api_version=values["api_version"] or AUTO_VERSION,
    )
