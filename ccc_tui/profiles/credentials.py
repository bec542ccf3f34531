"""The credential chain and the keyring store. Never imports Textual; keyring is imported lazily.

The chain, first that yields wins (`resolve_chain` also says why each earlier source did not):

1. env: `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `_SECURITY_TOKEN`, then `ALICLOUD_*`, `ALIYUN_*`;
2. keyring: the OS keyring entry `ccc-tui login` wrote for the profile;
3. aliyun CLI: `~/.aliyun/config.json`, profile `ALIBABA_CLOUD_PROFILE` or the file's `current`,
   modes `AK` and `StsToken` (any other mode is named and refused); skipped when
   `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`, as the official chains do;
4. credentials file: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials.ini`, else
   `~/.alibabacloud/credentials` (INI), section `ALIBABA_CLOUD_PROFILE` or `default`,
   `type = access_key`.

Keyring layout: service `ccc-tui`, username = the ccc-tui profile name, password = a JSON object
`{"version": 1, "access_key_id": …, "access_key_secret": …, "security_token": …?}` so the whole
pair (and an STS token) round-trips and one well-known entry per profile can be found and deleted
without knowing the key id. A password that is not JSON is taken as a bare secret whose key id is
the profile's `access_key_id` (so `keyring set ccc-tui PROFILE` works by hand).

Secret hygiene: raw secret text is wrapped in `Secret` as soon as it is read, and every function
that touches raw text turns failures into plain reasons rather than letting an exception (whose
traceback could render the locals) escape. Reasons and logs never contain secret values.
"""

from __future__ import annotations

import configparser
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccc_tui.api.auth import AccessKey, Secret, mask_key_id
from ccc_tui.api.errors import ConfigurationError, CredentialsError
from ccc_tui.profiles.config import Config, env_view, load_config, select_profile

log = logging.getLogger(__name__)

KEYRING_SERVICE = "ccc-tui"
ENV_PREFIXES = ("ALIBABA_CLOUD", "ALICLOUD", "ALIYUN")
ENV_CLI_PROFILE = "ALIBABA_CLOUD_PROFILE"
ENV_CREDENTIALS_FILE = "ALIBABA_CLOUD_CREDENTIALS_FILE"
ENV_CLI_DISABLED = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED"  # as in the official credential chains
CLI_MODES = ("AK", "StsToken")

WAYS_FORWARD = (
    "run `ccc-tui login` (stores the key in the OS keyring); or set ALIBABA_CLOUD_ACCESS_KEY_ID "
    "and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS); or configure "
    "the aliyun CLI (`aliyun configure --mode AK`); or try the built-in emulator with --demo."
)
_REFUSED_MODE_ADVICE = (
    "create an AK profile (`aliyun configure --mode AK --profile ccc`, then "
    f"{ENV_CLI_PROFILE}=ccc), run `ccc-tui login`, or export temporary STS credentials as "
    "ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/_SECURITY_TOKEN"
)


def keyring_username(profile: str) -> str:
    return profile


# ---- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One source of the chain as it was tried: found a key, or why not."""

    source: str  # env | keyring | aliyun-cli | credentials-file
    label: str  # plain words: "environment variables", "OS keyring", …
    found: bool
    reason: str  # for a skipped source: why; for the winner: where the key came from


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of the chain: the winning key (if any) and every source tried until then."""

    profile: str
    steps: tuple[ChainStep, ...]
    credentials: AccessKey | None

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
            hint=f"To fix: {WAYS_FORWARD}",
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


def from_keyring(profile: str, profile_key_id: str | None = None) -> tuple[AccessKey | None, str]:
    """The keyring entry of `profile`, or (None, why not)."""
    ok, backend, why = keyring_status(probe=False)
    if not ok:
        return None, f"no working keyring backend ({backend}): {why}"
    stored: Secret | None = None
    failure = ""
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, keyring_username(profile))
        stored = Secret(value) if value is not None else None
        del value
    except Exception as exc:
        failure = _describe_keyring_error(exc)
    if failure:
        return None, f"the keyring ({backend}) failed: {failure}"
    if stored is None:
        return None, f"no entry for profile {profile!r} (service {KEYRING_SERVICE!r})"
    source = f"keyring {KEYRING_SERVICE}/{keyring_username(profile)} ({backend})"
    return _decode_entry(stored, profile, profile_key_id, source)


def _entry_fields(stored: Secret) -> dict[str, Secret] | None:
    """The string fields of a JSON entry, each wrapped at once; None when it is not JSON."""
    try:
        data = json.loads(stored.reveal())
    except Exception:
        return None
    if not isinstance(data, dict):
        return None
    # Past this frame no plain secret text remains: a later bug renders only masked values.
    return {k: Secret(v) for k, v in data.items() if isinstance(v, str) and v.strip()}


def _decode_entry(
    stored: Secret, profile: str, profile_key_id: str | None, source: str
) -> tuple[AccessKey | None, str]:
    fields = _entry_fields(stored)
    if fields is None:
        # A bare secret set by hand: the key id comes from the profile.
        if not profile_key_id:
            return None, (
                f"the entry for profile {profile!r} holds a bare secret but the profile sets no "
                "access_key_id"
            )
        return AccessKey(key_id=profile_key_id, secret=stored, source=source), source
    key_id, secret = fields.get("access_key_id"), fields.get("access_key_secret")
    if key_id is None or secret is None:
        return None, f"the entry for profile {profile!r} is incomplete (run `ccc-tui login` again)"
    token = fields.get("security_token")
    return AccessKey(
        key_id=key_id.reveal(), secret=secret, security_token=token, source=source
    ), source


def aliyun_cli_path() -> Path:
    return Path.home() / ".aliyun" / "config.json"


def from_aliyun_cli(env: Mapping[str, str] | None = None) -> tuple[AccessKey | None, str]:
    """The aliyun CLI's selected profile when it is an AK or StsToken one, else (None, why not)."""
    view = env_view(env)
    path = aliyun_cli_path()
    if (view.value(ENV_CLI_DISABLED) or "").lower() == "true":
        return None, f"disabled by {ENV_CLI_DISABLED}=true"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"file missing ({path})"
    except json.JSONDecodeError as exc:
        # Only the position: the message must not quote the document, which holds secrets.
        return None, f"malformed: {path} is not valid JSON at line {exc.lineno}, column {exc.colno}"
    except UnicodeDecodeError:
        return None, f"malformed: {path} is not UTF-8 text"
    except OSError as exc:
        return None, f"cannot read {path} ({exc.strerror})"
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
        names = ", ".join(str(p.get("name")) for p in profiles) or "none"
        return None, f"no profile {name!r} ({chosen_by}) in {path} (profiles: {names})"
    mode = profile.get("mode") or "AK"  # the CLI treats a profile without a mode as AK
    if mode not in CLI_MODES:
        return None, (
            f"profile {name!r} uses mode {mode}, which ccc-tui does not support (only AK and "
            f"StsToken): {_REFUSED_MODE_ADVICE}"
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
        return None, f"profile {name!r} (mode {mode}) in {path} lacks {', '.join(missing)}"
    source = f"aliyun CLI profile {name!r} ({path})"
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
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        if view.value(ENV_CREDENTIALS_FILE):
            return None, f"file missing ({candidates[0]}, set by {ENV_CREDENTIALS_FILE})"
        return None, f"file missing ({', '.join(str(p) for p in candidates)})"
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    failure = ""
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except configparser.Error as exc:
        failure = _ini_error(path, exc)
    except UnicodeDecodeError:
        failure = f"malformed: {path} is not UTF-8 text"
    except OSError as exc:
        failure = f"cannot read {path} ({exc.strerror})"
    if failure:
        return None, failure
    section_name = view.value(ENV_CLI_PROFILE) or "default"
    if not parser.has_section(section_name):
        names = ", ".join(parser.sections()) or "none"
        return None, f"no section [{section_name}] in {path} (sections: {names})"
    section = parser[section_name]
    if section.get("enable", "true").strip().lower() in ("false", "0", "no", "off"):
        return None, f"section [{section_name}] in {path} is disabled (enable = false)"
    kind = section.get("type", "access_key").strip()
    if kind != "access_key":
        return None, (
            f"section [{section_name}] in {path} has type = {kind}, which ccc-tui does not "
            "support (only access_key)"
        )
    key_id = section.get("access_key_id", "").strip()
    missing = [k for k in ("access_key_id", "access_key_secret") if not section.get(k, "").strip()]
    if missing:
        return None, f"section [{section_name}] in {path} lacks {', '.join(missing)}"
    source = f"credentials file {path} [{section_name}]"
    return (
        AccessKey(
            key_id=key_id,
            secret=Secret(section.get("access_key_secret", "").strip()),
            source=source,
        ),
        source,
    )


def _ini_error(path: Path, exc: configparser.Error) -> str:
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
    attempts = (
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
        steps.append(ChainStep(source=source, label=label, found=key is not None, reason=reason))
        if key is not None:
            log.debug("credentials: using %s from %s", key.masked_id, key.source)
            return ChainReport(profile=profile, steps=tuple(steps), credentials=key)
        log.debug("credentials: %s skipped: %s", label, reason)
    return ChainReport(profile=profile, steps=tuple(steps), credentials=None)


def resolve_credentials(
    profile: str | None = None, env: Mapping[str, str] | None = None
) -> AccessKey:
    """The first source of the chain that yields a key pair; CredentialsError when none does."""
    return resolve_chain(profile, env).require()


# ---- the keyring store --------------------------------------------------------------------------


def _backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _describe_keyring_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def keyring_status(probe: bool = True) -> tuple[bool, str, str]:
    """(works?, backend name, reason when it does not).

    Detects keyring's fail backend (no recommended backend), the null backend, a chainer with
    nothing to chain, a PYTHON_KEYRING_BACKEND that does not load, and any error from
    get_keyring(). With `probe`, a harmless lookup also catches a locked or unreachable store.
    """
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
    except Exception as exc:
        return (
            False,
            "unavailable",
            f"loading the keyring backend failed ({_describe_keyring_error(exc)})",
        )
    name = _backend_name(backend)
    if isinstance(backend, fail.Keyring):
        return False, name, "no recommended keyring backend is installed or reachable"
    if isinstance(backend, null.Keyring):
        return False, name, "the keyring is disabled (null backend)"
    if isinstance(backend, chainer.ChainerBackend):
        try:
            chained = list(backend.backends)
        except Exception as exc:
            return (
                False,
                name,
                f"listing the chained backends failed ({_describe_keyring_error(exc)})",
            )
        if not chained:
            return False, name, "the chainer backend has no backend to chain"
        name = f"{name} ({', '.join(_backend_name(b) for b in chained)})"
    if probe:
        try:
            backend.get_password(KEYRING_SERVICE, "__probe__")
        except Exception as exc:
            return False, name, f"the keyring does not answer ({_describe_keyring_error(exc)})"
    return True, name, ""


def _encode(key: AccessKey) -> Secret:
    blob: dict[str, Any] = {
        "version": 1,
        "access_key_id": key.key_id,
        "access_key_secret": key.secret.reveal(),
    }
    if key.security_token:
        blob["security_token"] = key.security_token.reveal()
    return Secret(json.dumps(blob, separators=(",", ":")))


def store_secret(profile: str, key: AccessKey) -> str:
    """Store the key pair for `profile` in the OS keyring; returns the backend's name.

    Raises CredentialsError (exit 3) when no backend works or the write fails; never falls back
    to any other store.
    """
    ok, backend, why = keyring_status(probe=False)
    if not ok:
        raise CredentialsError(
            f"No working keyring backend ({backend}): {why}.",
            hint=no_keyring_paragraph(backend, why),
        )
    failure = ""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_username(profile), _encode(key).reveal())
    except Exception as exc:
        failure = _scrub(_describe_keyring_error(exc), key)
    if failure:
        # Raised outside the handler so no backend frame (holding the password) is chained on.
        raise CredentialsError(
            f"Could not store the key in the keyring ({backend}): {failure}.",
            hint="Unlock the keyring (or start its service) and try again; nothing was stored.",
        )
    log.debug("credentials: stored %s for profile %s in %s", key.masked_id, profile, backend)
    return backend


def delete_secret(profile: str) -> bool:
    """Remove the keyring entry of `profile`; False when there was none."""
    ok, backend, why = keyring_status(probe=False)
    if not ok:
        raise CredentialsError(
            f"No working keyring backend ({backend}): {why}.",
            hint=no_keyring_paragraph(backend, why),
        )
    import keyring
    from keyring.errors import PasswordDeleteError

    failure = ""
    try:
        if keyring.get_password(KEYRING_SERVICE, keyring_username(profile)) is None:
            return False
        keyring.delete_password(KEYRING_SERVICE, keyring_username(profile))
    except PasswordDeleteError:
        return False
    except Exception as exc:
        failure = _describe_keyring_error(exc)
    if failure:
        raise CredentialsError(
            f"Could not delete the keyring entry ({backend}): {failure}.",
            hint="Unlock the keyring (or start its service) and try again.",
        )
    log.debug("credentials: deleted the keyring entry of profile %s", profile)
    return True


def _scrub(text: str, key: AccessKey) -> str:
    """Blank out the secret and token should a backend ever echo them in an error message."""
    for secret in (key.secret, key.security_token):
        if secret and secret.reveal() in text:
            text = text.replace(secret.reveal(), "****")
    return text


def no_keyring_paragraph(backend: str, reason: str) -> str:
    """The one paragraph `login` shows when no keyring backend works."""
    return (
        f"There is no working keyring backend here ({backend}: {reason}), so `ccc-tui login` "
        "cannot store a secret, and it never writes one to a plain file. Other ways to give "
        "ccc-tui credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
        "in the environment; or configure the aliyun CLI (`aliyun configure --mode AK`, kept in "
        "~/.aliyun/config.json); or install or unlock a keyring backend (e.g. start the Secret "
        "Service/D-Bus session, or choose to `pip install keyrings.cryptfile` and select it with "
        "PYTHON_KEYRING_BACKEND) and run `ccc-tui login` again. Nothing was written."
    )


def describe_key(key: AccessKey) -> str:
    """`****abcd (STS) from <source>`: what a user may see of a key."""
    sts = " (STS)" if key.security_token else ""
    return f"{mask_key_id(key.key_id)}{sts} from {key.source}"
