"""The setup checks behind `ccc-tui doctor` and the settings screen, one `Check` at a time.

Checks: the config file; the effective target; which credential source won (key id masked) and why
each earlier one was skipped; the keyring backend; the endpoint and TLS with one signed call
(ListInstancesOfUser); the clock against the server's `Date` header (warn past 5 min, fail past
15, where CCC starts refusing signatures); the instance (GetInstance). Blocking (files, the
keyring, an event loop of its own): the app runs it in a thread worker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ccc_tui.api.auth import AccessKey
from ccc_tui.api.errors import (
    EXIT_API,
    EXIT_CONFIG,
    AccessDeniedError,
    CccError,
    ConfigurationError,
)
from ccc_tui.api.versions import AUTO, LABELS, V2017, V2020
from ccc_tui.calls.error_text import error_lines
from ccc_tui.calls.text import safe_text
from ccc_tui.profiles import session
from ccc_tui.profiles.config import Config, Target, load_config, resolve_target, select_profile
from ccc_tui.profiles.credentials import describe_key, resolve_chain, ways_forward
from ccc_tui.profiles.keyring_store import keyring_status

if TYPE_CHECKING:
    from ccc_tui.api.client import CccClient

SKEW_WARN = 5 * 60
SKEW_FAIL = 15 * 60

PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"


@dataclass
class Check:
    name: str
    status: str
    summary: str
    details: list[str] = field(default_factory=list)
    exit_code: int = 0  # for a failure: EXIT_CONFIG or EXIT_API

    def __post_init__(self) -> None:
        # Summaries quote files, server answers and the environment: inert for a terminal, always.
        self.summary = safe_text(self.summary)
        self.details = [safe_text(line) for line in self.details]


def exit_code(checks: list[Check]) -> int:
    failures = [c for c in checks if c.status == FAIL]
    if not failures:
        return 0
    return EXIT_CONFIG if any(c.exit_code == EXIT_CONFIG for c in failures) else EXIT_API


def diagnose(
    *,
    demo: bool = False,
    profile: str | None = None,
    instance_id: str | None = None,
    region: str | None = None,
    endpoint: str | None = None,
    api_version: str | None = None,
) -> list[Check]:
    return list(
        iter_checks(
            demo=demo,
            profile=profile,
            instance_id=instance_id,
            region=region,
            endpoint=endpoint,
            api_version=api_version,
        )
    )


def iter_checks(
    *,
    demo: bool = False,
    profile: str | None = None,
    instance_id: str | None = None,
    region: str | None = None,
    endpoint: str | None = None,
    api_version: str | None = None,
) -> Iterator[Check]:
    """The checks in order, each as soon as it is known (the settings screen shows them live).

    Blocking (files, the keyring, one event loop for the signed calls): run it off the UI thread.
    """
    # 1. The config file.
    config: Config | None = None
    try:
        config = load_config()
        if config.exists and config.warnings:
            n = len(config.profiles)
            yield Check(
                "config",
                WARN,
                f"{config.path}: {n} profile(s); {len(config.warnings)} setting(s) ignored",
                list(config.warnings),
            )
        elif config.exists:
            n = len(config.profiles)
            yield Check("config", PASS, f"{config.path}: valid, {n} profile(s)")
        else:
            yield (
                Check(
                    "config",
                    WARN,
                    f"{config.path}: not found; flags, env vars and defaults apply "
                    "(`ccc-tui login` creates it)",
                )
            )
    except ConfigurationError as exc:
        yield Check("config", FAIL, exc.message, _hint(exc), EXIT_CONFIG)

    # 2. The effective target.
    target: Target | None = None
    if demo:
        # The demo client brings its own instance id; the target only names the mode.
        target = Target(profile="demo", sources={"profile": "--demo"})
        yield Check("target", PASS, "--demo: the built-in emulator, in process")
    elif config is not None:
        try:
            target = resolve_target(
                profile=profile,
                instance_id=instance_id,
                region=region,
                endpoint=endpoint,
                config=config,
                api_version=api_version,
            )
            src = target.sources
            yield (
                Check(
                    "target",
                    PASS,
                    f"profile {target.profile} ({src.get('profile', 'default')})",
                    [
                        f"region {target.region} ({src.get('region', 'default')})",
                        f"endpoint {target.endpoint_url} ({src.get('endpoint', 'default')})",
                        f"api_version {session.describe_api_version(target)} "
                        f"({src.get('api_version', 'default')})",
                    ],
                )
            )
        except ConfigurationError as exc:
            yield Check("target", FAIL, exc.message, _hint(exc), EXIT_CONFIG)
    else:
        yield Check("target", SKIP, "not resolved (the config file is invalid)")

    # 3. Credentials.
    key: AccessKey | None = None
    chain_profile: str | None
    if demo:
        yield Check("credentials", PASS, "the emulator's demo key pair (--demo)")
    else:
        if target is not None:
            chain_profile = target.profile
        elif config is not None:
            chain_profile = select_profile(profile, None, config)[0]
        else:
            chain_profile = profile or None
        report = resolve_chain(chain_profile, config=config)
        skipped = [f"skipped {s.label}: {s.reason}" for s in report.skipped]
        if report.credentials is not None:
            key = report.credentials
            yield Check("credentials", PASS, describe_key(key), skipped)
        else:
            yield (
                Check(
                    "credentials",
                    FAIL,
                    f"none found for profile {report.profile}",
                    [*skipped, f"to fix: {ways_forward(report.keyring_usable)}"],
                    EXIT_CONFIG,
                )
            )

    # 4. The keyring backend (a warning only: it is one source among several).
    ok, backend, why = keyring_status()
    if ok:
        yield Check("keyring", PASS, backend)
    else:
        yield Check("keyring", WARN, f"not usable ({backend}): {why}")

    # 5-7. The signed calls: endpoint/TLS, clock, instance.
    if not demo and (key is None or target is None):
        reason = "no credentials" if key is None else "no target"
        for name in ("endpoint", "clock", "instance"):
            yield Check(name, SKIP, f"not checked ({reason})")
        return
    assert target is not None
    yield from asyncio.run(_remote_checks(key, target, demo))


def _hint(exc: CccError) -> list[str]:
    return [f"hint: {exc.hint}"] if exc.hint else []


def _client(key: AccessKey | None, target: Target, demo: bool) -> CccClient:
    if demo:
        from ccc_tui.profiles.demo import demo_client

        return demo_client()
    assert key is not None
    return session.open_client(key, target)


async def _remote_checks(key: AccessKey | None, target: Target, demo: bool) -> list[Check]:
    checks: list[Check] = []
    try:
        client = _client(key, target, demo)
    except CccError as exc:
        checks.append(_error_check("endpoint", exc, key))
        checks.append(Check("clock", SKIP, "not checked (no connection)"))
        checks.append(Check("instance", SKIP, "not checked (no connection)"))
        return checks
    if demo:
        target = target._replace(instance_id=client.instance_id)
    async with client:
        # Endpoint, TLS, signature: one cheap signed call (under an undecided auto, one per API).
        listing = _listing_words(client)
        started = time.perf_counter()
        instances = None
        call_error: CccError | None = None
        try:
            instances = await client.list_instances()
        except CccError as exc:
            call_error = exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        local_now = datetime.now(UTC)
        if call_error is None:
            checks.append(
                Check(
                    "endpoint",
                    PASS,
                    f"{_transport_words(target, demo)} answered a signed {listing} in "
                    f"{elapsed_ms:.0f} ms ({len(instances or ())} instance(s) visible)",
                )
            )
        elif isinstance(call_error, AccessDeniedError):
            # The endpoint answered and accepted the signature; only this one action is denied.
            checks.append(
                Check(
                    "endpoint",
                    WARN,
                    f"{_transport_words(target, demo)} accepted the key, but the RAM policy "
                    f"denies {listing} (not needed to look up calls)",
                    [f"request id: {safe_text(call_error.request_id or '-', 80)}"],
                )
            )
        else:
            checks.append(_error_check("endpoint", call_error, key))

        checks.append(_clock_check(client.last_server_date, local_now, call_error))

        if not target.instance_id:
            checks.append(
                Check(
                    "instance",
                    FAIL,
                    "no instance id set",
                    _hint(session.no_instance_error(target.profile)),
                    EXIT_CONFIG,
                )
            )
        elif call_error is not None and not isinstance(call_error, AccessDeniedError):
            checks.append(Check("instance", SKIP, "not checked (the signed call failed)"))
        else:
            try:
                inst = await client.get_instance(target.instance_id)
            except CccError as exc:
                checks.append(_error_check("instance", exc, key))
            else:
                words = " ".join(
                    safe_text(w).strip()
                    for w in (inst.name, f"({inst.status})" if inst.status else "")
                    if w
                )
                checks.append(
                    Check(
                        "instance",
                        PASS,
                        f"{safe_text(inst.instance_id)} {words}".rstrip(),
                        _version_details(client, target),
                    )
                )
    return checks


_LISTINGS = {V2017: "ListInstancesOfUser", V2020: "ListInstances"}


def _listing_words(client: CccClient) -> str:
    """Which instance listing the endpoint check calls: the known version's, or both."""
    known = getattr(client, "known_version", lambda: V2017)()
    return _LISTINGS.get(known, f"{_LISTINGS[V2017]} and {_LISTINGS[V2020]}")


def _version_details(client: CccClient, target: Target) -> list[str]:
    """The API version the instance answered in (after GetInstance it is known)."""
    known = getattr(client, "known_version", lambda _: None)(target.instance_id)
    if not known:
        return []
    how = "auto, remembered" if target.api_version == AUTO else "set"
    return [f"answers {LABELS.get(known, known)} ({how})"]


def _transport_words(target: Target, demo: bool) -> str:
    if demo:
        return "the in-process emulator"
    url = target.endpoint_url
    if url.startswith("https://"):
        return f"{url} (TLS verified)"
    return f"{url} (plain http, loopback only)"


def _clock_check(server: datetime | None, local: datetime, call_error: CccError | None) -> Check:
    if call_error is not None and call_error.code == "InvalidTimeStamp.Expired":
        return Check(
            "clock",
            FAIL,
            "CCC refused the request timestamp: this clock is off by more than 15 minutes",
            _hint(call_error),
            EXIT_CONFIG,
        )
    if server is None:
        return Check("clock", SKIP, "not checked (no Date header from the server)")
    if server.tzinfo is None:
        server = server.replace(tzinfo=UTC)
    skew = (local - server).total_seconds()
    # The Date header has one-second resolution and the call took a while: ignore small noise.
    words = _skew_words(skew)
    if abs(skew) > SKEW_FAIL:
        return Check(
            "clock",
            FAIL,
            f"{words}: CCC rejects signatures past 15 minutes",
            ["hint: fix the clock (enable NTP, e.g. `timedatectl set-ntp true`)"],
            EXIT_CONFIG,
        )
    if abs(skew) > SKEW_WARN:
        return Check("clock", WARN, f"{words}: close to the 15-minute limit", ["hint: enable NTP"])
    return Check("clock", PASS, words)


def _skew_words(skew: float) -> str:
    if abs(skew) < 2:
        return "in step with the server (within 2 s)"
    direction = "ahead of" if skew > 0 else "behind"
    amount = abs(skew)
    text = f"{amount / 60:.1f} min" if amount >= 120 else f"{amount:.0f} s"
    return f"this clock is {text} {direction} the server"


def _error_check(name: str, exc: CccError, key: AccessKey | None) -> Check:
    lines = error_lines(exc, key)
    summary = lines[0].removeprefix("error: ")
    details = [line.strip() for line in lines[1:]]
    code = EXIT_CONFIG if exc.exit_code == EXIT_CONFIG else EXIT_API
    return Check(name, FAIL, summary, details, code)
