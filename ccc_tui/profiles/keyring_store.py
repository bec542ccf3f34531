"""The OS keyring store: one entry per profile, written by `ccc-tui login`, read by the chain.

keyring is imported lazily (it costs 150–270 ms); no plaintext fallback exists on purpose.

Keyring layout: service `ccc-tui`, username = the ccc-tui profile name, password = a JSON object
`{"version": 1, "access_key_id": …, "access_key_secret": …, "security_token": …?}` so the whole
pair (and an STS token) round-trips and one well-known entry per profile can be found and deleted
without knowing the key id. A password that is not JSON is taken as a bare secret whose key id is
the profile's `access_key_id` (so `keyring set ccc-tui PROFILE` works by hand).
"""

from __future__ import annotations

import logging
from typing import Any

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.errors import CredentialsError, scrub_message

log = logging.getLogger(__name__)

KEYRING_SERVICE = "ccc-tui"
NO_BACKEND = "no working keyring backend"  # how a skipped keyring step begins when none works


def keyring_username(profile: str) -> str:
    return profile


def from_keyring(profile: str, profile_key_id: str | None = None) -> tuple[AccessKey | None, str]:
    """The keyring entry of `profile`, or (None, why not)."""
    ok, backend, why = keyring_status(probe=False)
    if not ok:
        return None, f"{NO_BACKEND} ({backend}): {why}"
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
    import json

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
    import json

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
        failure = scrub_message(_describe_keyring_error(exc), key)
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
