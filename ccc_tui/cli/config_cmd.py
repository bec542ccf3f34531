"""`ccc-tui config`: where the files live, the effective settings and where each came from.

    ccc-tui config path                     config, history, downloads and log locations
    ccc-tui config show [--profile NAME]    effective settings, their sources, the credential source
    ccc-tui config set [--profile NAME] KEY VALUE     edit a profile (comments in the file are kept)
    ccc-tui config unset [--profile NAME] KEY
    ccc-tui config use NAME                 make NAME the default profile

Secrets are never shown and never accepted here (`ccc-tui login` stores them in the keyring).
Exit codes: 0 done; 3 the config is invalid or the change was refused.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from ccc_tui.api.endpoints import region_warning
from ccc_tui.api.errors import EXIT_CONFIG, CccError
from ccc_tui.calls.history import DEFAULT_MAX_ROWS
from ccc_tui.calls.text import safe_text
from ccc_tui.cli.common import add_target_arguments, print_error
from ccc_tui.profiles.config import (
    Config,
    Target,
    config_path,
    data_dir,
    default_downloads_dir,
    downloads_dir,
    history_db_path,
    load_config,
    log_dir,
    resolve_target,
    save_profile,
    select_profile,
    set_default_profile,
)
from ccc_tui.profiles.credentials import describe_key, resolve_chain
from ccc_tui.profiles.fields import PROFILE_FIELDS, PROFILE_KEYS
from ccc_tui.profiles.session import describe_api_version


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "config",
        help="show where settings live and what is in effect; edit profiles",
        description="Show and edit ccc-tui's configuration. Secrets are never shown here.",
    )
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)

    path = actions.add_parser("path", help="print where each file lives")
    path.add_argument("--profile", metavar="NAME", help="profile whose download_dir to show")
    path.set_defaults(handler=run_path)

    show = actions.add_parser(
        "show", help="print the effective settings, where each came from, and the credential source"
    )
    add_target_arguments(show)
    show.set_defaults(handler=run_show)

    set_ = actions.add_parser("set", help="set a profile key (creates the profile)")
    set_.add_argument(
        "--profile", metavar="NAME", help="profile to edit (default: the selected one)"
    )
    set_.add_argument("key", choices=PROFILE_KEYS, metavar="KEY", help=", ".join(PROFILE_KEYS))
    set_.add_argument("value", metavar="VALUE")
    set_.set_defaults(handler=run_set)

    unset = actions.add_parser("unset", help="remove a key from a profile")
    unset.add_argument(
        "--profile", metavar="NAME", help="profile to edit (default: the selected one)"
    )
    unset.add_argument("key", choices=PROFILE_KEYS, metavar="KEY", help=", ".join(PROFILE_KEYS))
    unset.set_defaults(handler=run_unset)

    use = actions.add_parser("use", help="make a profile the default")
    use.add_argument("name", metavar="NAME")
    use.set_defaults(handler=run_use)


def _format_rows(rows: list[tuple[str, str, str]]) -> list[str]:
    """label, value, source in aligned columns."""
    width = max(len(r[0]) for r in rows)
    value_width = min(max(len(r[1]) for r in rows), 48)
    return [
        f"{label:<{width}}  {value:<{value_width}}  {source}".rstrip()
        for label, value, source in rows
    ]


def run_path(args: argparse.Namespace) -> int:
    path = config_path()
    downloads = default_downloads_dir()
    note = ""
    try:
        config = load_config(path)
        target = resolve_target(profile=args.profile, config=config)
        downloads = downloads_dir(target)
    except CccError as exc:
        # Still print the paths: the user may be here to find the broken file.
        note = f"(the configuration is not usable: {exc.message})"
    state = "found" if path.is_file() else "not created yet"
    rows = [
        ("config", str(path), state),
        ("data", str(data_dir()), ""),
        ("history", str(history_db_path()), ""),
        ("downloads", str(downloads), ""),
        ("logs", str(log_dir()), ""),
    ]
    for line in _format_rows(rows):
        print(line)
    if note:
        print(note, file=sys.stderr)
    return 0


def _local_zone() -> str:
    return datetime.now().astimezone().tzname() or "local"


def run_show(args: argparse.Namespace) -> int:
    try:
        config = load_config()
        target = resolve_target(
            profile=args.profile,
            instance_id=args.instance_id,
            region=args.region,
            endpoint=args.endpoint,
            config=config,
            api_version=getattr(args, "api_version", None),
        )
    except CccError as exc:
        return print_error(exc)
    for line in show_lines(config, target, demo=bool(getattr(args, "demo", False))):
        print(line)
    return 0


def _shown(target: Target, key: str) -> str:
    """The effective value of a setting as `config show` prints it: what applies, not what is set."""
    if key == "endpoint":
        return target.endpoint_url
    if key == "time_zone":
        return target.time_zone or f"local ({_local_zone()})"
    if key == "download_dir":
        return str(downloads_dir(target))
    if key == "api_version":
        return describe_api_version(target)
    value = getattr(target, key)
    return str(value) if value else "(not set)"


def show_lines(config: Config, target: Target, *, demo: bool = False) -> list[str]:
    """The `config show` report (also what a settings screen can display)."""
    src = target.sources
    state = f"found, {len(config.profiles)} profile(s)" if config.exists else "not created yet"
    rows: list[tuple[str, str, str]] = [
        ("config file", str(config.path), state),
        ("profile", target.profile, src.get("profile", "default")),
    ]
    # Every declared setting but the key id (the credentials line below says which key is used).
    rows += [
        (field.key, _shown(target, field.key), src.get(field.key, "default"))
        for field in PROFILE_FIELDS
        if not field.credential
    ]
    if config.theme:
        rows.append(("theme", config.theme, f"config ({config.path})"))
    if config.history_limit is not None:
        rows.append(("history_limit", f"{config.history_limit}", f"config ({config.path})"))
    else:
        rows.append(("history_limit", f"{DEFAULT_MAX_ROWS}", "default"))
    # Values and paths come from files and the environment: inert for a terminal.
    rows = [(label, safe_text(value), safe_text(source)) for label, value, source in rows]
    out = _format_rows(rows)
    width = max(len(r[0]) for r in rows)
    report = resolve_chain(target.profile, config=config)
    pad = " " * (width + 2)
    if report.credentials is not None:
        out.append(f"{'credentials':<{width}}  {describe_key(report.credentials)}")
    else:
        out.append(f"{'credentials':<{width}}  none found (`ccc-tui login`, env vars, or --demo)")
    out.extend(f"{pad}skipped {s.label}: {s.reason}" for s in report.skipped)
    out.extend(f"warning: {warning}" for warning in config.warnings)
    if demo:
        out.append("--demo: the app would ignore these and use the built-in emulator.")
    return out


def _profile_for_edit(name: str | None) -> tuple[Config, str]:
    config = load_config()
    return config, select_profile(name, None, config)[0]


def run_set(args: argparse.Namespace) -> int:
    try:
        config, name = _profile_for_edit(args.profile)
        updated = save_profile(name, {args.key: args.value}, path=config.path)
    except CccError as exc:
        return print_error(exc)
    value = updated.profiles[name].values().get(args.key, args.value)
    print(f"Profile {name} in {updated.path}: {args.key} = {value}")
    if args.key == "region" and (warning := region_warning(value)):
        print(f"Warning: {warning}", file=sys.stderr)
    return 0


def run_unset(args: argparse.Namespace) -> int:
    try:
        config, name = _profile_for_edit(args.profile)
        if name not in config.profiles:
            print(
                f"There is no profile {name} in {config.path}; nothing to unset.", file=sys.stderr
            )
            return EXIT_CONFIG
        updated = save_profile(name, {args.key: None}, path=config.path)
    except CccError as exc:
        return print_error(exc)
    print(f"Profile {name} in {updated.path}: {args.key} removed")
    return 0


def run_use(args: argparse.Namespace) -> int:
    try:
        updated = set_default_profile(args.name)
    except CccError as exc:
        return print_error(exc)
    print(f"Default profile: {args.name} ({updated.path})")
    return 0
