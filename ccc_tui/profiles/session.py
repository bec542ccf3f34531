"""What the app runs on — one client and its context — built from the demo or from a profile.

The app can start without a client (no usable credentials: the first-run screen) and can switch to
another profile from the settings screen; both build the new session here, so `app.py` stays
wiring only. No Textual here: these functions block (config file, keyring), so the screens call
them from thread workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ccc_tui.api import versions
from ccc_tui.api.endpoints import endpoint_for_region
from ccc_tui.api.errors import ConfigurationError
from ccc_tui.profiles.config import (
    Config,
    Target,
    downloads_dir,
    load_config,
    resolve_target,
)
from ccc_tui.profiles.context import AppContext, zone_from_name
from ccc_tui.profiles.context import LaunchTarget as LaunchTarget
from ccc_tui.profiles.credentials import ChainReport, resolve_chain

# The demo's context lives with the demo (cheap to import); these names stay importable here.
from ccc_tui.profiles.demo import DEMO_REGION as DEMO_REGION
from ccc_tui.profiles.demo import demo_context as demo_context
from ccc_tui.profiles.demo import demo_zone_name as demo_zone_name

if TYPE_CHECKING:
    from ccc_tui.api.auth import AccessKey
    from ccc_tui.api.client import CccClient


class Session(NamedTuple):
    """A client and the context it serves (a NamedTuple: see profiles.context.AppContext)."""

    client: CccClient
    context: AppContext


def context_for_target(target: Target) -> AppContext:
    """The same context `ccc-tui` builds at launch for a real target."""
    return AppContext(
        instance_id=target.instance_id or "",
        label=f"{target.profile} · {target.region}",
        tz=zone_from_name(target.time_zone),
        language=target.language,
        download_dir=downloads_dir(target),
        max_download_mb=target.max_download_mb,
        endpoint=endpoint_override(target),
        api_version=known_api_version(target),
    )


def known_api_version(target: Target) -> str | None:
    """The API version requests to the target's instance use, when known without asking: the
    explicit setting, or what auto decided in an earlier run (None: auto has not asked yet)."""
    if target.api_version != versions.AUTO:
        return target.api_version
    if not target.instance_id:
        return None
    from ccc_tui.profiles.api_versions import FileVersionStore

    return FileVersionStore().get(target.endpoint_url, target.instance_id)


def describe_api_version(target: Target) -> str:
    """The setting and what it means for the instance, as `config show` and `doctor` print it."""
    known = known_api_version(target)
    if target.api_version != versions.AUTO:
        return target.api_version
    if known:
        return f"auto: {known} (remembered for {target.instance_id})"
    return "auto (asked on first use, then remembered)"


def endpoint_override(target: Target) -> str | None:
    """The endpoint when it is not the region's own (so the header says where requests go)."""
    if target.endpoint and target.endpoint != endpoint_for_region(target.region):
        return target.endpoint
    return None


def demo_session(like: AppContext | None = None) -> Session:
    """The in-process emulator, in its instance's zone; keeps the language of `like`."""
    from ccc_tui.profiles.demo import demo_client

    context = demo_context(like.instance_id if like is not None and like.demo else None)
    if like is not None:
        context = context._replace(language=like.language)
    return Session(client=demo_client(instance_id=context.instance_id), context=context)


def profile_session(launch: LaunchTarget | None = None, profile: str | None = None) -> Session:
    """A real client for `profile` (default: the launch's), or a CccError saying what is missing.

    The launch's --instance-id/--region/--endpoint flags apply only to the launch's own profile:
    picking another profile in the settings means that profile's values.
    """
    launch = launch or LaunchTarget()
    config = load_config()
    launch_profile = launch.profile_name(config)
    flags = launch if profile in (None, launch_profile) else LaunchTarget()
    target = resolve_target(
        profile=profile or launch.profile,
        instance_id=flags.instance_id,
        region=flags.region,
        endpoint=flags.endpoint,
        config=config,
        allow_missing_profile=profile is not None,
        api_version=flags.api_version,
    )
    key = resolve_chain(target.profile, config=config).require()
    require_instance_id(target)
    return Session(client=open_client(key, target), context=context_for_target(target))


def no_instance_error(profile: str) -> ConfigurationError:
    """The one "no instance id" error, wherever a client is about to be built."""
    return ConfigurationError(
        f"Profile {profile} has no CCC instance id yet.",
        code="Config.NoInstance",
        hint=(
            "Pass --instance-id, set CCC_TUI_INSTANCE_ID, run `ccc-tui config set instance_id ID`, "
            "or enter it in the app's Settings (f2)."
        ),
    )


def require_instance_id(target: Target) -> str:
    if not target.instance_id:
        raise no_instance_error(target.profile)
    return target.instance_id


def open_client(key: AccessKey, target: Target, **options: Any) -> CccClient:
    """The one place a client for a real instance is built (tests point it at an emulator).
    `options` go to CccClient (concurrency and rate limits)."""
    from ccc_tui.api.client import CccClient
    from ccc_tui.profiles.api_versions import FileVersionStore

    options.setdefault("api_version", target.api_version)
    options.setdefault("version_store", FileVersionStore())
    return CccClient(key, endpoint=target.endpoint_url, instance_id=target.instance_id, **options)


def client_for_target(target: Target, **options: Any) -> CccClient:
    """A client for `target` with the credentials the chain finds; CccError saying what is missing."""
    key = resolve_chain(target.profile).require()
    require_instance_id(target)
    return open_client(key, target, **options)


def chain_report(launch: LaunchTarget | None = None) -> ChainReport:
    """The credential chain for the launch's profile; never raises."""
    launch = launch or LaunchTarget()
    try:
        config: Config | None = load_config()
    except ConfigurationError:
        config = None
    return resolve_chain(launch.profile_name(config), config=config)


def shorten_home(text: str) -> str:
    """Paths under the home directory written with `~`: shorter at 80 columns, and stable."""
    home = str(Path.home())
    if len(home) <= 1:
        return text
    return text.replace(home + "/", "~/").replace(home, "~")
