"""The credential chain: which source gives the AccessKey, and why each earlier one did not.

The chain, first that yields wins (`resolve_chain` also says why each earlier source did not):

1. env: `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `_SECURITY_TOKEN`, then `ALICLOUD_*`, `ALIYUN_*`;
2. keyring: the OS keyring entry `ccc-tui login` wrote for the profile;
3. aliyun CLI: `~/.aliyun/config.json`, profile `ALIBABA_CLOUD_PROFILE` or the file's `current`,
   modes `AK` and `StsToken` (any other mode is named and refused); skipped when
   `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`, as the official chains do;
4. credentials file: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials.ini`, else
   `~/.alibabacloud/credentials` (INI), section `ALIBABA_CLOUD_PROFILE` or `default`,
   `type = access_key`.

Secret hygiene: raw secret text is wrapped in `Secret` as soon as it is read, and every function
that touches raw text turns failures into plain reasons rather than letting an exception (whose
traceback could render the locals) escape. Reasons and logs never contain secret values.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ccc_tui.api.auth import AccessKey, Secret, mask_key_id
from ccc_tui.api.errors import ConfigurationError, CredentialsError
from ccc_tui.calls.files import UnreadableFileError, read_settings_text
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.config import Config, env_view, load_config, select_profile
from ccc_tui.profiles.keyring_store import NO_BACKEND, from_keyring

if TYPE_CHECKING:
    import configparser

log = logging.getLogger(__name__)

ENV_PREFIXES = ("ALIBABA_CLOUD", "ALICLOUD", "ALIYUN")
ENV_CLI_PROFILE = "ALIBABA_CLOUD_PROFILE"
ENV_CREDENTIALS_FILE = "ALIBABA_CLOUD_CREDENTIALS_FILE"
ENV_CLI_DISABLED = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED"  # as in the official credential chains
CLI_MODES = ("AK", "StsToken")

_WAY_LOGIN = "run `ccc-tui login` (stores the key in the OS keyring)"
_WAYS_ELSEWHERE = (
    "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus "
    "ALIBABA_CLOUD_SECURITY_TOKEN for STS); or configure the aliyun CLI (`aliyun configure --mode "
    "AK`); or try the built-in emulator with --demo"
)


def ways_forward(keyring_usable: bool = True) -> str:
    """What to do when no credentials were found, what can work on this host first: with no
    working keyring, `ccc-tui login` cannot store anything, so it comes last, with why."""
    if keyring_usable:
        return f"{_WAY_LOGIN}; or {_WAYS_ELSEWHERE}."
    return (
        f"{_WAYS_ELSEWHERE[0].upper()}{_WAYS_ELSEWHERE[1:]}. (`ccc-tui login` needs a working OS "
        "keyring, which this host does not have.)"
    )
_REFUSED_MODE_ADVICE = (
    "create an AK profile (`aliyun configure --mode AK --profile ccc`, then "
    f"{ENV_CLI_PROFILE}=ccc), run `ccc-tui login`, or export temporary STS credentials as "
    "ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/_SECURITY_TOKEN"
)


# ---- the report ---------------------------------------------------------------------------------


class ChainStep(NamedTuple):
    """One source of the chain as it was tried: found a key, or why not (this and the report are
    NamedTuples: see profiles.context.AppContext)."""

    source: str  # env | keyring | aliyun-cli | credentials-file
    label: str  # plain words: "environment variables", "OS keyring", …
    found: bool
    reason: str  # for a skipped source: why; for the winner: where the key came from


class ChainReport(NamedTuple):
    """The outcome of the chain: the winning key (if any) and every source tried until then."""

    profile: str
    steps: tuple[ChainStep, ...]
    credentials: AccessKey | None

    @property
    def keyring_usable(self) -> bool:
        """False when the keyring step found no working backend (True when it was not reached)."""
        return not any(
            s.source == "keyring" and s.reason.startswith(NO_BACKEND) for s in self.steps
        )

    @property
    def winner(self) -> ChainStep | None:
        return next((s for s in self.steps if s.found), None)

    @property
    def skipped(self) -> tuple[ChainStep, ...]:
        return tuple(s for s in self.steps if not s.found)

    def require(self) -> AccessKey:
        """The winning key, or CredentialsError saying why each source yielded nothing."""
        if self.credentials is not None:
            return self.credentials
        reasons = "; ".join(f"{s.label}: {s.reason}" for s in self.steps)
        raise CredentialsError(
            f"No usable Alibaba Cloud credentials for profile {self.profile!r} ({reasons}).",
            hint=f"To fix: {ways_forward(self.keyring_usable)}",
        )

    def lines(self) -> list[str]:
        """Human lines, winner first, then the sources skipped before it."""
        out: list[str] = []
        if self.credentials is not None:
            out.append(f"{self.credentials.masked_id} from {self.credentials.source}")
        else:
            out.append("none found")
        out.extend(f"skipped {s.label}: {s.reason}" for s in self.skipped)
        return out


# ---- the sources --------------------------------------------------------------------------------


def from_env(env: Mapping[str, str] | None = None) -> AccessKey | None:
    return _env_source(env)[0]


def _env_source(env: Mapping[str, str] | None) -> tuple[AccessKey | None, str]:
    view = env_view(env)
    partial: list[str] = []
    for prefix in ENV_PREFIXES:
        id_var, secret_var = f"{prefix}_ACCESS_KEY_ID", f"{prefix}_ACCESS_KEY_SECRET"
        key_id = view.value(id_var)
        has_secret = view.value(secret_var) is not None
        if key_id and has_secret:
            token_var = f"{prefix}_SECURITY_TOKEN"
            return (
                AccessKey(
                    key_id=key_id,
                    secret=Secret(view.value(secret_var) or ""),
                    security_token=Secret(view.value(token_var) or "")
                    if view.value(token_var)
                    else None,
                    source=f"env {id_var}",
                ),
                f"env {id_var}",
            )
        if key_id or has_secret:
            missing = secret_var if key_id else id_var
            present = id_var if key_id else secret_var
            partial.append(f"{present} is set but {missing} is not")
    if partial:
        return None, "; ".join(partial)
    return None, "not set (ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET, ALICLOUD_*, ALIYUN_*)"


def aliyun_cli_path() -> Path:
    return Path.home() / ".aliyun" / "config.json"


def from_aliyun_cli(env: Mapping[str, str] | None = None) -> tuple[AccessKey | None, str]:
    """The aliyun CLI's selected profile when it is an AK or StsToken one, else (None, why not)."""
    view = env_view(env)
    path = aliyun_cli_path()
    if (view.value(ENV_CLI_DISABLED) or "").lower() == "true":
        return None, f"disabled by {ENV_CLI_DISABLED}=true"
    try:
        text = read_settings_text(path)
    except FileNotFoundError:
        return None, f"file missing ({path})"
    except UnreadableFileError as exc:
        return None, _unreadable(exc)
    import json  # here: most hosts have no such file, and start-up looks for one

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # Only the position: the message must not quote the document, which holds secrets.
        return None, f"malformed: {path} is not valid JSON at line {exc.lineno}, column {exc.colno}"
    except RecursionError:
        return None, f"malformed: {path} is nested too deeply"
    try:
        return _cli_profile(data, view.value(ENV_CLI_PROFILE), path)
    except Exception as exc:
        # A shape we did not foresee: a reason, never a traceback whose frames hold the file.
        return None, f"could not use {path} ({type(exc).__name__})"


def _cli_profile(data: Any, wanted: str | None, path: Path) -> tuple[AccessKey | None, str]:
    if not isinstance(data, dict) or not isinstance(data.get("profiles", []), list):
        return None, f'malformed: {path} has no "profiles" list'
    profiles = [p for p in data.get("profiles", []) if isinstance(p, dict)]
    current = data.get("current") if isinstance(data.get("current"), str) else ""
    chosen_by = f"{ENV_CLI_PROFILE}" if wanted else 'the file\'s "current"'
    name = wanted or current or "default"
    profile = next((p for p in profiles if p.get("name") == name), None)
    if profile is None:
        names = safe_text(", ".join(str(p.get("name")) for p in profiles) or "none", 200)
        return None, f"no profile {_shown(name)} ({chosen_by}) in {path} (profiles: {names})"
    mode = profile.get("mode") or "AK"  # the CLI treats a profile without a mode as AK
    if mode not in CLI_MODES:
        return None, (
            f"profile {_shown(name)} uses mode {safe_text(mode, 40)}, which ccc-tui does not "
            f"support (only AK and StsToken): {_REFUSED_MODE_ADVICE}"
        )
    key_id, secret = profile.get("access_key_id"), profile.get("access_key_secret")
    token = profile.get("sts_token")
    missing = [
        field
        for field, value in (("access_key_id", key_id), ("access_key_secret", secret))
        if not (isinstance(value, str) and value.strip())
    ]
    if mode == "StsToken" and not (isinstance(token, str) and token.strip()):
        missing.append("sts_token")
    if missing:
        return None, f"profile {_shown(name)} (mode {mode}) in {path} lacks {', '.join(missing)}"
    source = f"aliyun CLI profile {_shown(name)} ({path})"
    assert isinstance(key_id, str) and isinstance(secret, str)
    return (
        AccessKey(
            key_id=key_id.strip(),
            secret=Secret(secret.strip()),
            security_token=Secret(token.strip())
            if mode == "StsToken" and isinstance(token, str)
            else None,
            source=source,
        ),
        source,
    )


def credentials_file_candidates(env: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    override = env_view(env).value(ENV_CREDENTIALS_FILE)
    if override:
        return (Path(override).expanduser(),)
    base = Path.home() / ".alibabacloud"
    return (base / "credentials.ini", base / "credentials")


def from_credentials_file(env: Mapping[str, str] | None = None) -> tuple[AccessKey | None, str]:
    """The access_key section of the shared INI credentials file, or (None, why not)."""
    view = env_view(env)
    candidates = credentials_file_candidates(view)
    # lexists: a dangling or special-file symlink is reported as what it is, not as "missing".
    path = next((p for p in candidates if os.path.lexists(p)), None)
    if path is None:
        if view.value(ENV_CREDENTIALS_FILE):
            return None, f"file missing ({candidates[0]}, set by {ENV_CREDENTIALS_FILE})"
        return None, f"file missing ({', '.join(str(p) for p in candidates)})"
    import configparser  # here: only when there is a file to read

    parser = configparser.ConfigParser(interpolation=None, strict=True)
    failure = ""
    try:
        parser.read_string(read_settings_text(path), source=str(path))
    except configparser.Error as exc:
        failure = _ini_error(path, exc)
    except FileNotFoundError:
        failure = f"file missing ({path})"
    except UnreadableFileError as exc:
        failure = _unreadable(exc)
    if failure:
        return None, failure
    section_name = view.value(ENV_CLI_PROFILE) or "default"
    if not parser.has_section(section_name):
        names = safe_text(", ".join(parser.sections()) or "none", 200)
        shown = safe_text(section_name, 64)
        return None, f"no section [{shown}] in {path} (sections: {names})"
    section = parser[section_name]
    if section.get("enable", "true").strip().lower() in ("false", "0", "no", "off"):
        return None, f"section [{safe_text(section_name, 64)}] in {path} is disabled (enable = false)"
    kind = section.get("type", "access_key").strip()
    if kind != "access_key":
        return None, (
            f"section [{safe_text(section_name, 64)}] in {path} has type = {safe_text(kind, 40)}, "
            "which ccc-tui does not support (only access_key)"
        )
    key_id = section.get("access_key_id", "").strip()
    missing = [k for k in ("access_key_id", "access_key_secret") if not section.get(k, "").strip()]
    if missing:
        shown = safe_text(section_name, 64)
        return None, f"section [{shown}] in {path} lacks {', '.join(missing)}"
    source = f"credentials file {path} [{safe_text(section_name, 64)}]"
    return (
        AccessKey(
            key_id=key_id,
            secret=Secret(section.get("access_key_secret", "").strip()),
            source=source,
        ),
        source,
    )


def _unreadable(exc: UnreadableFileError) -> str:
    where = f" (line {exc.line})" if exc.line else ""
    return f"not read: {exc.path}: {exc.problem}{where}"


def _shown(name: object) -> str:
    """A profile name from the file, quoted and inert for a terminal."""
    return safe_text(repr(name), 80)


def _ini_error(path: Path, exc: configparser.Error) -> str:
    import configparser

    # Only line numbers: configparser's own messages quote the offending line, which may be a secret.
    line = getattr(exc, "lineno", None)
    if line is None and isinstance(exc, configparser.ParsingError) and exc.errors:
        line = exc.errors[0][0]
    what = {
        configparser.MissingSectionHeaderError: "a line before any [section]",
        configparser.DuplicateSectionError: "a duplicate section",
        configparser.DuplicateOptionError: "a duplicate key",
    }.get(type(exc), "a line that is not `key = value`")
    where = f" at line {line}" if line else ""
    return f"malformed: {path}{where}: {what}"


# ---- the chain ----------------------------------------------------------------------------------


def resolve_chain(
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    config: Config | None = None,
) -> ChainReport:
    """Try each source in order until one yields; never raises."""
    view = env_view(env)
    if config is None:
        try:
            config = load_config(env=view)
        except ConfigurationError:
            config = None  # the target resolution reports a broken file; the chain goes on
    if profile is None:
        profile = select_profile(None, view, config)[0] if config else "default"
    prof = config.profile(profile) if config else None
    attempts: tuple[tuple[str, str, Callable[[], tuple[AccessKey | None, str]]], ...] = (
        ("env", "environment variables", lambda: _env_source(view)),
        (
            "keyring",
            "OS keyring",
            lambda: from_keyring(profile, prof.access_key_id if prof else None),
        ),
        ("aliyun-cli", "aliyun CLI config", lambda: from_aliyun_cli(view)),
        ("credentials-file", "credentials file", lambda: from_credentials_file(view)),
    )
    steps: list[ChainStep] = []
    for source, label, attempt in attempts:
        key, reason = attempt()
        # Reasons quote file names and values read from files: inert for a terminal, always.
        reason = safe_text(reason)
        steps.append(ChainStep(source=source, label=label, found=key is not None, reason=reason))
        if key is not None:
            log.debug("credentials: using %s from %s", key.masked_id, key.source)
            return ChainReport(profile=profile, steps=tuple(steps), credentials=key)
        log.debug("credentials: %s skipped: %s", label, reason)
    return ChainReport(profile=profile, steps=tuple(steps), credentials=None)


def expected_source(
    profile: str, env: Mapping[str, str] | None = None, *, config: Config | None = None
) -> str | None:
    """Which source the chain will most likely take, judged without the keyring (its import and
    backend discovery cost more than the app's first frame): the environment, the keyring when
    the profile names the key id that `ccc-tui login` stored there, the aliyun CLI profile or the
    credentials file. None: no source will yield, unless someone put an entry in the keyring by
    hand. The chain itself (`resolve_chain`) decides; this only picks the first screen."""
    view = env_view(env)
    if _env_source(view)[0] is not None:
        return "env"
    prof = config.profile(profile) if config else None
    if prof is not None and prof.access_key_id:
        return "keyring"
    if from_aliyun_cli(view)[0] is not None:
        return "aliyun-cli"
    if from_credentials_file(view)[0] is not None:
        return "credentials-file"
    return None


def resolve_credentials(
    profile: str | None = None, env: Mapping[str, str] | None = None
) -> AccessKey:
    """The first source of the chain that yields a key pair; CredentialsError when none does."""
    return resolve_chain(profile, env).require()


def describe_key(key: AccessKey) -> str:
    """`****abcd (STS) from <source>`: what a user may see of a key."""
    sts = " (STS)" if key.security_token else ""
    return f"{mask_key_id(key.key_id)}{sts} from {key.source}"
