"""`ccc-tui login` and `ccc-tui logout`: put an AccessKey into the OS keyring, or take it out.

login: check that a keyring backend works (else explain the alternatives, exit 3, write nothing);
get the key (prompt, stdin, the environment or the aliyun CLI profile; the secret is never a
command-line argument); verify it with one signed ListInstancesOfUser; offer the instances found;
store the secret in the keyring and the key id / instance / region in the profile. Never the
secret in a file.

Exit codes: 0 done; 3 setup problem (no keyring backend, no or rejected credentials, bad config);
1 the check could not reach CCC (nothing stored; `--no-check` stores without checking);
130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ccc_tui.api.auth import AccessKey, Secret, mask_key_id
from ccc_tui.api.errors import EXIT_CONFIG, CccError, ConfigurationError, CredentialsError
from ccc_tui.calls.text import safe_text
from ccc_tui.cli.common import add_target_arguments, print_error
from ccc_tui.profiles import session
from ccc_tui.profiles.config import (
    Target,
    load_config,
    resolve_target,
    save_profile,
    set_default_profile,
    validate_profile_value,
)
from ccc_tui.profiles.credentials import from_aliyun_cli, from_env, resolve_chain
from ccc_tui.profiles.keyring_store import (
    KEYRING_SERVICE,
    delete_secret,
    keyring_status,
    keyring_username,
    no_keyring_paragraph,
    store_secret,
)

if TYPE_CHECKING:
    from ccc_tui.api.models import Instance

EXIT_INTERRUPTED = 130
_LOGIN_HELPS = {
    "profile": "profile to create or update (CCC_TUI_PROFILE)",
    "instance_id": "CCC instance id to save in the profile",
}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    # One module serves two commands: the dispatcher may call this once per command name.
    if "login" not in subparsers.choices:
        parser = subparsers.add_parser(
            "login",
            help="store an AccessKey in the OS keyring for a profile",
            description=(
                "Verify an AccessKey with one signed call, store its secret in the OS keyring "
                "and its key id, instance and region in the profile. The secret is read from a "
                "prompt (not echoed) or, when stdin is not a terminal, from stdin: one line with "
                "the key id (unless --access-key-id) and one with the secret."
            ),
        )
        # The emulator needs no login: no --demo here.
        add_target_arguments(parser, demo=False, helps=_LOGIN_HELPS)
        parser.add_argument("--access-key-id", metavar="ID", help="the AccessKey id (not secret)")
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--from-env",
            action="store_true",
            help="import ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET(/_SECURITY_TOKEN) from the environment",
        )
        source.add_argument(
            "--from-aliyun-cli",
            action="store_true",
            help="import the aliyun CLI's profile (ALIBABA_CLOUD_PROFILE or its current one)",
        )
        parser.add_argument(
            "--no-check",
            action="store_true",
            help="store without the verifying call (e.g. CCC is not reachable from here yet)",
        )
        parser.set_defaults(handler=run_login)
    if "logout" not in subparsers.choices:
        parser = subparsers.add_parser(
            "logout",
            help="remove a profile's AccessKey from the OS keyring",
            description="Remove the keyring entry of a profile. The profile's settings stay.",
        )
        parser.add_argument(
            "--profile", metavar="NAME", help="configuration profile (CCC_TUI_PROFILE)"
        )
        parser.set_defaults(handler=run_logout)


def stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


# ---- login --------------------------------------------------------------------------------------


def run_login(args: argparse.Namespace) -> int:
    try:
        return _login(args)
    except CccError as exc:
        return print_error(exc)
    except (KeyboardInterrupt, EOFError):  # ctrl-c, or ctrl-d at the secret prompt
        print("\nInterrupted; nothing was stored.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _login(args: argparse.Namespace) -> int:
    err = sys.stderr
    config = load_config()
    target = resolve_target(
        profile=args.profile,
        instance_id=args.instance_id,
        region=args.region,
        endpoint=args.endpoint,
        config=config,
        allow_missing_profile=True,
        api_version=getattr(args, "api_version", None),
    )
    ok, backend, why = keyring_status()
    if not ok:
        print(no_keyring_paragraph(backend, why), file=err)
        return EXIT_CONFIG

    key = _obtain_key(args, target)
    if key.security_token:
        print(
            "Note: this is a temporary STS credential; it stops working when its token expires.",
            file=err,
        )

    instances: tuple[Instance, ...] | None = None
    if not args.no_check:
        print(f"Checking {key.masked_id} against {target.endpoint_url} …", file=err)
        try:
            instances = asyncio.run(_list_instances(key, target))
        except CccError as exc:
            code = print_error(exc, key=key)
            print("Nothing was stored.", file=err)
            if code != EXIT_CONFIG:
                print("To store the key without this check, add --no-check.", file=err)
            return code
        print(f"Verified {key.masked_id}: it sees {len(instances)} CCC instance(s).")

    instance_id = _choose_instance(target, instances)

    backend_used = store_secret(target.profile, key)
    fields: dict[str, str | None] = {"access_key_id": key.key_id}
    new_profile = target.profile not in config.profiles
    for name in ("region", "endpoint"):
        source = target.sources.get(name, "")
        if source.startswith(("flag", "env")) or (new_profile and name == "region"):
            fields[name] = getattr(target, name)
    if instance_id:
        fields["instance_id"] = instance_id
    updated = save_profile(target.profile, fields, path=config.path)
    print(
        f"Stored the secret of {key.masked_id} in the keyring ({backend_used}) as "
        f"{KEYRING_SERVICE}/{keyring_username(target.profile)}."
    )
    saved = ", ".join(
        f"{k}={mask_key_id(v) if k == 'access_key_id' else v}" for k, v in fields.items() if v
    )
    print(f"Profile {target.profile} in {updated.path}: {saved}.")
    if not config.profiles and updated.default_profile is None and target.profile != "default":
        set_default_profile(target.profile, path=config.path)
        print(f"Made {target.profile} the default profile.")
    if not instance_id and not target.instance_id:
        print(
            "No instance id is set for this profile yet: run `ccc-tui login --instance-id ID` "
            "or `ccc-tui config set instance_id ID`.",
            file=err,
        )
    report = resolve_chain(target.profile, config=updated)
    winner = report.winner
    if winner is not None and winner.source != "keyring":
        print(
            f"Note: {report.credentials.source if report.credentials else winner.label} comes "
            "first in the credential chain and is what ccc-tui will use; unset it to use this key.",
            file=err,
        )
    return 0


def _obtain_key(args: argparse.Namespace, target: Target) -> AccessKey:
    if args.from_env:
        key = from_env()
        if key is None:
            raise CredentialsError(
                "--from-env: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
                "(or the ALICLOUD_*/ALIYUN_* names) are not both set.",
                hint="Export them first, or run `ccc-tui login` without --from-env to be asked.",
            )
        return key
    if args.from_aliyun_cli:
        key, reason = from_aliyun_cli()
        if key is None:
            raise CredentialsError(
                f"--from-aliyun-cli: {reason}.",
                hint="Check `aliyun configure list`, or run `ccc-tui login` to be asked instead.",
            )
        return key
    return _ask_key(args.access_key_id, target)


def _ask_key(flag_key_id: str | None, target: Target) -> AccessKey:
    interactive = stdin_is_tty()
    err = sys.stderr
    key_id = flag_key_id
    if not key_id:
        if interactive:
            default = target.access_key_id
            shown = f" [{mask_key_id(default)}]" if default else ""
            print(f"AccessKey id{shown}: ", end="", file=err, flush=True)
            key_id = sys.stdin.readline().strip() or default
        else:
            key_id = sys.stdin.readline().strip()
    if not key_id:
        raise CredentialsError(
            "No AccessKey id was given.",
            hint="Type it at the prompt, pass --access-key-id, or pipe it as the first line.",
        )
    try:
        key_id = validate_profile_value("access_key_id", key_id)
    except ValueError as exc:
        raise CredentialsError(
            f"AccessKey id: {exc}.", hint="Copy it from the RAM console."
        ) from None
    # The secret goes straight into a Secret: no frame holds it as plain text.
    if interactive:
        secret = Secret(getpass.getpass("AccessKey secret (not shown): ", stream=err).strip())
    else:
        secret = Secret(sys.stdin.readline().strip())
    if not secret:
        raise CredentialsError(
            "No AccessKey secret was given.",
            hint="Type it at the prompt, or pipe it as one line on stdin (never as an argument).",
        )
    return AccessKey(key_id=key_id, secret=secret, source="login")


async def _list_instances(key: AccessKey, target: Target) -> tuple[Instance, ...]:
    async with session.open_client(key, target) as client:
        return await client.list_instances()


def _choose_instance(target: Target, instances: Sequence[Instance] | None) -> str | None:
    """The instance id to save: an explicit one, the only one, or the user's numbered choice."""
    err = sys.stderr
    explicit = target.sources.get("instance_id", "").startswith(("flag", "env"))
    if explicit:
        if instances is not None and target.instance_id not in {i.instance_id for i in instances}:
            print(
                f"Warning: instance {target.instance_id} is not among the instances this key "
                "sees; saving it anyway.",
                file=err,
            )
        return target.instance_id
    if not instances:
        if instances is not None:
            print("This key sees no CCC instance.", file=err)
        return None
    if len(instances) == 1:
        print(f"Using the only instance: {_instance_line(instances[0])}")
        return instances[0].instance_id
    if not stdin_is_tty():
        print(
            f"This key sees {len(instances)} instances; pass --instance-id to choose one "
            "(no terminal to ask on).",
            file=err,
        )
        return None
    current = target.instance_id
    print("Instances this key can see:", file=err)
    for number, inst in enumerate(instances, start=1):
        mark = "  (current)" if inst.instance_id == current else ""
        print(f"  {number}. {_instance_line(inst)}{mark}", file=err)
    keep = "keep the current one" if current else "skip"
    while True:
        print(f"Choose 1-{len(instances)} (enter: {keep}): ", end="", file=err, flush=True)
        answer = sys.stdin.readline()
        if not answer:  # EOF
            return None
        answer = answer.strip()
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(instances):
            return instances[int(answer) - 1].instance_id
        print(f"Please type a number from 1 to {len(instances)}.", file=err)


def _instance_line(inst: Instance) -> str:
    parts = [safe_text(inst.instance_id)]
    if inst.name:
        parts.append(safe_text(inst.name))
    if inst.status:
        parts.append(f"({safe_text(inst.status)})")
    return " ".join(parts)


# ---- logout -------------------------------------------------------------------------------------


def run_logout(args: argparse.Namespace) -> int:
    try:
        config = load_config()
        target = resolve_target(profile=args.profile, config=config, allow_missing_profile=True)
        ok, backend, why = keyring_status()
        if not ok:
            print(
                f"No working keyring backend ({backend}): {why}. There is no ccc-tui keyring "
                "entry to remove here.",
                file=sys.stderr,
            )
            return EXIT_CONFIG
        removed = delete_secret(target.profile)
    except CccError as exc:
        return print_error(exc)
    entry = f"{KEYRING_SERVICE}/{keyring_username(target.profile)}"
    if removed:
        print(f"Removed the keyring entry {entry} of profile {target.profile}.")
    else:
        print(
            f"There was no keyring entry {entry} for profile {target.profile}; nothing to remove."
        )
    if target.profile in config.profiles:
        print(f"The profile's settings in {config.path} are kept.")
    try:
        report = resolve_chain(target.profile, config=config)
    except ConfigurationError:  # pragma: no cover - resolve_chain does not raise
        return 0
    if report.credentials is not None:
        print(
            f"Note: credentials are still available from {report.credentials.source}.",
            file=sys.stderr,
        )
    return 0
